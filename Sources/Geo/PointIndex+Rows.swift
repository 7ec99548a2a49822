import Dispatch

/// The points within a radius of each query, as compressed rows of 32-bit point indices and planar
/// distances: the form a reach graph (demand → stations within reach) is kept in. Query `i`'s
/// neighbours are `indices[offsets[i] ..< offsets[i + 1]]`, nearest first (ties by index), with
/// their distances at the same positions: the rows of `PointIndex.within(radius:of:filter:into:)`,
/// in the same order, each distance the square root of that batch's squared distance.
public struct NeighborRows: Sendable {
    /// Row starts: query `i`'s neighbours are at `offsets[i] ..< offsets[i + 1]`.
    public internal(set) var offsets: [Int]
    /// The neighbours' indices in the array the index was built from, row after row.
    public internal(set) var indices: [Int32]
    /// Planar distances (square roots of the squared distances), at the same positions as `indices`.
    public internal(set) var distances: [Double]

    /// The number of queries answered.
    public var queryCount: Int { offsets.count - 1 }
}

extension PointIndex {
    /// `within(radius:of:filter:into:)` for each query, as `NeighborRows`, on all cores.
    ///
    /// Made for batches of millions of queries whose results are kept (a country's demand against
    /// its stations): the queries are searched twice, once to count each one's neighbours and once
    /// to write them straight into their rows, so the only memory the answer touches is the answer
    /// itself (12 bytes a neighbour, 8 a query). The batch form keeps each part's results and copies
    /// them into place afterwards, which on ten million queries touched three times as much fresh
    /// memory; on a virtual machine the kernel's zeroing of those pages cost more than a second
    /// search does.
    public func withinRows(radius: Double, of queries: some Collection<Coordinate>, filter: Filter = .all) -> NeighborRows {
        let bound = radius >= 0 ? radius * radius : -1
        if let rows = queries.withContiguousStorageIfAvailable({ rows(within: bound, queries: $0, filter: filter) }) {
            return rows
        }
        return Array(queries).withUnsafeBufferPointer { rows(within: bound, queries: $0, filter: filter) }
    }

    private func rows(within bound: Double, queries: UnsafeBufferPointer<Coordinate>, filter: Filter) -> NeighborRows {
        let n = queries.count
        if filter.allowedWords != nil {
            precondition(filter.allowedCount == count, "filter allows \(filter.allowedCount) points, the index has \(count)")
        }
        // Without categories every point has none: a category condition matches nothing.
        if n == 0 || count == 0 || !(bound >= 0) || (filter.usesCategories && categories.isEmpty) {
            return NeighborRows(offsets: [Int](repeating: 0, count: n + 1), indices: [], distances: [])
        }
        // The same parts as a batch's; every query's count is written by its part in the first pass.
        let (partCount, perPart, spatialOrder) = Self.batchParts(n)
        let curve = batchCurve
        var offsets: [Int] = []
        prepareForBatch(&offsets, count: n + 1)
        offsets[0] = 0
        var indices: [Int32] = []
        var distances: [Double] = []
        withView { view in
            withMaskFilter(filter, ids: view.ids) { mask in
                func passes<F: SlotFilter>(_ slotFilter: F) {
                    offsets.withUnsafeMutableBufferPointer { offsets in
                        var job = RowsJob(bound: bound, queries: queries, curve: spatialOrder ? curve : nil, view: view,
                                          filter: slotFilter, offsets: offsets.baseAddress!, perPart: perPart)
                        job.run(parts: partCount)
                        for i in 0..<n { offsets[i + 1] += offsets[i] }
                        let total = offsets[n]
                        // The second pass writes every entry.
                        prepareForBatch(&indices, count: total)
                        prepareForBatch(&distances, count: total)
                        indices.withUnsafeMutableBufferPointer { indices in
                            distances.withUnsafeMutableBufferPointer { distances in
                                job.indices = indices.baseAddress
                                job.distances = distances.baseAddress
                                if total > 0 { job.run(parts: partCount) }
                            }
                        }
                    }
                }
                if filter.isAll { passes(AcceptAll()) } else { passes(mask) }
            }
        }
        return NeighborRows(offsets: offsets, indices: indices, distances: distances)
    }
}

/// The two passes of `PointIndex.withinRows`: part `p` answers the queries at input positions
/// `p * perPart ..< (p + 1) * perPart`, in spatial order when `curve` is set (its own scratch).
/// Without `indices` (the first pass) it writes each query's count at `offsets[i + 1]`; with them
/// (the second, `offsets` summed) each query's sorted neighbours at its row. Parts write only
/// their own queries' entries and read what nobody writes during a pass, so they may run on
/// different threads at once: that is why the raw pointers may be shared.
private struct RowsJob<F: SlotFilter>: @unchecked Sendable {
    let bound: Double
    let queries: UnsafeBufferPointer<Coordinate>
    let curve: MortonCurve?
    let view: TreeView
    let filter: F
    let offsets: UnsafeMutablePointer<Int>
    let perPart: Int
    var indices: UnsafeMutablePointer<Int32>? = nil
    var distances: UnsafeMutablePointer<Double>? = nil

    func run(parts partCount: Int) { runParts(partCount) { answerPart($0) } }

    private func answerPart(_ p: Int) {
        let lo = min(queries.count, p * perPart)
        let hi = min(queries.count, lo + perPart)
        if lo >= hi { return }
        var scratch = CandidateBuffer(capacity: 64)
        defer { scratch.deallocate() }
        // Spatial order within the part, in scratch of its own (the first pass's order is not kept:
        // sorting again costs less than keeping eight bytes a query in fresh memory).
        let m = hi - lo
        let order: UnsafeMutableBufferPointer<UInt64>? = curve == nil ? nil : .allocate(capacity: m)
        let ordered: UnsafeMutableBufferPointer<Coordinate>? = curve == nil ? nil : .allocate(capacity: m)
        defer {
            order?.deallocate()
            ordered?.deallocate()
        }
        if let curve, let order, let ordered {
            let sortScratch = UnsafeMutablePointer<UInt64>.allocate(capacity: m)
            curve.sort(lo..<hi, from: queries, order: order.baseAddress!, scratch: sortScratch, queries: ordered.baseAddress!)
            sortScratch.deallocate()
        }
        for j in 0..<m {
            let i: Int
            let q: Coordinate
            if let order, let ordered {
                i = Int(order[j] & 0xFFFF_FFFF)
                q = ordered[j]
            } else {
                i = lo + j
                q = queries[i]
            }
            guard q.x.isFinite, q.y.isFinite else {
                if indices == nil { offsets[i + 1] = 0 }
                continue
            }
            guard let indices, let distances else {
                var counting = TreeSearch(view: view, filter: filter, qx: q.x, qy: q.y, results: CountWithin(bound: bound, buffer: scratch))
                counting.run()
                offsets[i + 1] = counting.results.resultCount
                continue
            }
            var search = TreeSearch(view: view, filter: filter, qx: q.x, qy: q.y, results: WithinRadius(bound: bound, buffer: scratch))
            search.run()
            scratch = search.results.buffer
            let found = search.results.resultCount
            assert(found == offsets[i + 1] - offsets[i], "the second pass found another count")
            if found > 1 { sortCandidates(scratch.base, found) }
            let start = offsets[i]
            for r in 0..<found {
                indices[start + r] = scratch.base[r].id
                distances[start + r] = scratch.base[r].squaredDistance.squareRoot()
            }
        }
    }
}
