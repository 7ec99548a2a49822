import Dispatch
import Foundation

/// The results of a batch of queries in compressed rows: query `i`'s neighbours are
/// `indices[offsets[i] ..< offsets[i + 1]]` with `squaredDistances` at the same positions, sorted
/// by (squared distance, index). Reuse one value across batches: its arrays keep their capacity, so
/// streaming a long input in chunks needs memory for one chunk only.
public struct NeighborBatch: Sendable {
    public internal(set) var offsets: [Int] = [0]
    public internal(set) var indices: [Int] = []
    public internal(set) var squaredDistances: [Double] = []
    /// Per-part results while a batch runs; kept for their capacity.
    var parts: [Part] = []
    /// The order queries are answered in (spatial key in the high word, position in the low word)
    /// and room to sort it; kept for their capacity.
    var order: [UInt64] = []
    var orderScratch: [UInt64] = []
    /// The queries in answering order.
    var orderedQueries: [Coordinate] = []

    struct Part: Sendable {
        var indices: [Int] = []
        var squaredDistances: [Double] = []
    }

    public init() {}

    /// The number of queries answered.
    public var queryCount: Int { offsets.count - 1 }

    /// Positions in `indices` and `squaredDistances` of query `i`'s neighbours.
    public func range(ofQuery i: Int) -> Range<Int> { offsets[i]..<offsets[i + 1] }

    /// Query `i`'s neighbours, sorted by (squared distance, index).
    public func neighbors(ofQuery i: Int) -> [PointIndex.Neighbor] {
        range(ofQuery: i).map { PointIndex.Neighbor(index: indices[$0], squaredDistance: squaredDistances[$0]) }
    }
}

extension PointIndex {
    /// Queries per part below which a batch is not split across threads.
    static let minimumPart = 2048
    /// Batches at least this long are answered in spatial order (a Morton curve over the index's
    /// bounding box): consecutive queries then walk the same nodes and leaves while they are in
    /// cache, which is several times faster than the input's order when that is random.
    static let minimumSortedBatch = 256

    /// Calls `body` with raw views of the arrays; the index must not be empty.
    func withView<R>(_ body: (TreeView) -> R) -> R {
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                ids.withUnsafeBufferPointer { ids in
                    splits.withUnsafeBufferPointer { splits in
                        leafStarts.withUnsafeBufferPointer { leafStarts in
                            body(TreeView(
                                xs: xs.baseAddress!, ys: ys.baseAddress!, ids: ids.baseAddress!,
                                splits: splits.baseAddress!,
                                leafStarts: leafStarts.baseAddress!, firstLeaf: leafCount - 1,
                                minX: minX, minY: minY, maxX: maxX, maxY: maxY))
                        }
                    }
                }
            }
        }
    }

    func run(_ mode: QueryMode, queries: UnsafeBufferPointer<Coordinate>, filter: Filter, into output: inout NeighborBatch) {
        let n = queries.count
        output.offsets.removeAll(keepingCapacity: true)
        output.offsets.append(contentsOf: repeatElement(0, count: n + 1))
        output.indices.removeAll(keepingCapacity: true)
        output.squaredDistances.removeAll(keepingCapacity: true)
        if filter.allowedWords != nil {
            precondition(filter.allowedCount == count, "filter allows \(filter.allowedCount) points, the index has \(count)")
        }
        var mode = mode
        let nothingMatches: Bool
        switch mode {
        case let .nearest(k, bound):
            nothingMatches = k <= 0 || !(bound >= 0)
            mode = .nearest(k: min(k, count), bound: bound)  // more than every point is every point
        case let .within(bound):
            nothingMatches = !(bound >= 0)
        }
        // Without categories every point has none: a category condition matches nothing.
        if n == 0 || count == 0 || nothingMatches || (filter.usesCategories && categories.isEmpty) { return }

        let spatialOrder = n >= Self.minimumSortedBatch && n <= Int(UInt32.max)
        if spatialOrder {
            sortSpatially(queries, into: &output)
        }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let partCount = n < 2 * Self.minimumPart ? 1 : min(n / Self.minimumPart, 8 * workers)
        let perPart = (n + partCount - 1) / partCount
        if output.parts.count < partCount {
            output.parts.append(contentsOf: repeatElement(NeighborBatch.Part(), count: partCount - output.parts.count))
        }

        withView { view in
            categories.withUnsafeBufferPointer { categories in
                nodeCategories.withUnsafeBufferPointer { nodeCategories in
                    (filter.allowedWords ?? []).withUnsafeBufferPointer { allowed in
                        output.order.withUnsafeBufferPointer { order in
                          output.orderedQueries.withUnsafeBufferPointer { orderedQueries in
                            output.offsets.withUnsafeMutableBufferPointer { offsets in
                                output.parts.withUnsafeMutableBufferPointer { parts in
                                    let mask = MaskFilter(
                                        categories: filter.usesCategories ? categories.baseAddress : nil,
                                        nodeCategories: filter.usesCategories ? nodeCategories.baseAddress : nil,
                                        requiredBits: filter.requiredBits, anyOfBits: filter.anyOfBits, ids: view.ids,
                                        allowedWords: filter.allowedWords == nil ? nil : allowed.baseAddress)
                                    let order = spatialOrder ? order.baseAddress : nil
                                    let queries = spatialOrder ? orderedQueries : queries
                                    let counts = offsets.baseAddress! + 1
                                    if filter.isAll {
                                        BatchJob(mode: mode, queries: queries, order: order, view: view, filter: AcceptAll(),
                                                 counts: counts, parts: parts, perPart: perPart).run(parts: partCount)
                                    } else {
                                        BatchJob(mode: mode, queries: queries, order: order, view: view, filter: mask,
                                                 counts: counts, parts: parts, perPart: perPart).run(parts: partCount)
                                    }
                                }
                            }
                          }
                        }
                    }
                }
            }
        }

        for i in 0..<n { output.offsets[i + 1] += output.offsets[i] }
        let total = output.offsets[n]
        if !spatialOrder {
            output.indices.reserveCapacity(total)
            output.squaredDistances.reserveCapacity(total)
            for p in 0..<partCount {
                output.indices.append(contentsOf: output.parts[p].indices)
                output.squaredDistances.append(contentsOf: output.parts[p].squaredDistances)
            }
            return
        }
        // Parts hold results in answering order: put each query's run back at its input position.
        output.indices.append(contentsOf: repeatElement(0, count: total))
        output.squaredDistances.append(contentsOf: repeatElement(0, count: total))
        output.order.withUnsafeBufferPointer { order in
            output.offsets.withUnsafeBufferPointer { offsets in
                output.indices.withUnsafeMutableBufferPointer { indices in
                    output.squaredDistances.withUnsafeMutableBufferPointer { distances in
                        for p in 0..<partCount {
                            output.parts[p].indices.withUnsafeBufferPointer { partIndices in
                                output.parts[p].squaredDistances.withUnsafeBufferPointer { partDistances in
                                    var r = 0
                                    for j in min(n, p * perPart)..<min(n, (p + 1) * perPart) {
                                        let i = Int(order[j] & 0xFFFF_FFFF)
                                        let start = offsets[i]
                                        let found = offsets[i + 1] - start
                                        for t in 0..<found {
                                            indices[start + t] = partIndices[r + t]
                                            distances[start + t] = partDistances[r + t]
                                        }
                                        r += found
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Fills `output.order` with the queries' positions sorted along a Morton (Z-order) curve over
    /// the index's bounding box (16 bits an axis; queries outside are clamped to its edge).
    private func sortSpatially(_ queries: UnsafeBufferPointer<Coordinate>, into output: inout NeighborBatch) {
        let n = queries.count
        let extent = max(maxX - minX, maxY - minY)
        let scale = extent > 0 ? 65535 / extent : 0
        @inline(__always)
        func cell(_ v: Double, _ origin: Double) -> UInt64 {
            var c = (v - origin) * scale
            if !(c >= 0) { c = 0 }  // also NaN
            if c > 65535 { c = 65535 }
            return UInt64(c)
        }
        @inline(__always)
        func spread(_ v: UInt64) -> UInt64 {
            var x = v & 0xFFFF
            x = (x | (x << 8)) & 0x00FF_00FF
            x = (x | (x << 4)) & 0x0F0F_0F0F
            x = (x | (x << 2)) & 0x3333_3333
            x = (x | (x << 1)) & 0x5555_5555
            return x
        }
        output.order.removeAll(keepingCapacity: true)
        output.order.reserveCapacity(n)
        for (i, q) in queries.enumerated() {
            let key = spread(cell(q.x, minX)) | (spread(cell(q.y, minY)) << 1)
            output.order.append(key << 32 | UInt64(i))
        }
        output.orderScratch.removeAll(keepingCapacity: true)
        output.orderScratch.append(contentsOf: repeatElement(0, count: n))
        output.order.withUnsafeMutableBufferPointer { order in
            output.orderScratch.withUnsafeMutableBufferPointer { scratch in
                radixSortByHighWord(order, scratch: scratch)
            }
        }
        // Gathered once here, in a loop whose loads overlap, rather than one cache miss per query
        // in the middle of its tree walk.
        output.orderedQueries.removeAll(keepingCapacity: true)
        output.orderedQueries.reserveCapacity(n)
        for key in output.order {
            output.orderedQueries.append(queries[Int(key & 0xFFFF_FFFF)])
        }
    }
}

/// Sorts by the high 32 bits, stably (so equal keys keep their positions' order): least significant
/// digit first, 8 bits a pass, skipping passes where every value has the same digit.
func radixSortByHighWord(_ values: UnsafeMutableBufferPointer<UInt64>, scratch: UnsafeMutableBufferPointer<UInt64>) {
    let n = values.count
    precondition(scratch.count >= n)
    if n < 2 { return }
    var source = values.baseAddress!
    var target = scratch.baseAddress!
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
        for shift in stride(from: UInt64(32), to: 64, by: 8) {
            counts.initialize(repeating: 0)
            for j in 0..<n { counts[Int((source[j] >> shift) & 0xFF)] += 1 }
            if counts.contains(n) { continue }
            var sum = 0
            for d in 0..<256 {
                let c = counts[d]
                counts[d] = sum
                sum += c
            }
            for j in 0..<n {
                let v = source[j]
                let d = Int((v >> shift) & 0xFF)
                target[counts[d]] = v
                counts[d] += 1
            }
            swap(&source, &target)
        }
    }
    if source != values.baseAddress! {
        values.baseAddress!.update(from: source, count: n)
    }
}

/// One batch split into parts of `perPart` consecutive answering positions. Part `p` writes only
/// the counts of its own queries and `parts[p]`, and reads memory nobody writes during the batch
/// (the index, the queries, the order), so parts may run on different threads at once: that is why
/// the raw pointers it carries may be shared.
private struct BatchJob<F: SlotFilter>: @unchecked Sendable {
    let mode: QueryMode
    /// The queries in answering order.
    let queries: UnsafeBufferPointer<Coordinate>
    /// Answering order (input position in the low word), or nil for input order.
    let order: UnsafePointer<UInt64>?
    let view: TreeView
    let filter: F
    let counts: UnsafeMutablePointer<Int>
    let parts: UnsafeMutableBufferPointer<NeighborBatch.Part>
    let perPart: Int

    func run(parts partCount: Int) {
        if partCount == 1 {
            answerPart(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: partCount) { answerPart($0) }
        }
    }

    func answerPart(_ p: Int) {
        let lo = min(queries.count, p * perPart)
        let hi = min(queries.count, lo + perPart)
        switch mode {
        case let .nearest(k, bound) where k == 1:
            answer(lo..<hi, into: &parts[p]) { NearestOne(bound: bound, buffer: $0) }
        case let .nearest(k, bound):
            answer(lo..<hi, into: &parts[p]) { NearestK(k: k, bound: bound, buffer: $0) }
        case let .within(bound):
            answer(lo..<hi, into: &parts[p]) { WithinRadius(bound: bound, buffer: $0) }
        }
    }

    /// Answers the queries at answering positions `positions`, writing each one's result count to
    /// `counts` and its sorted results to `part`.
    @inline(__always)
    private func answer<C: Collector>(_ positions: Range<Int>, into part: inout NeighborBatch.Part, collector: (CandidateBuffer) -> C) {
        part.indices.removeAll(keepingCapacity: true)
        part.squaredDistances.removeAll(keepingCapacity: true)
        var scratch = CandidateBuffer(capacity: 64)
        defer { scratch.deallocate() }
        for j in positions {
            let i = order.map { Int($0[j] & 0xFFFF_FFFF) } ?? j
            let q = queries[j]
            guard q.x.isFinite, q.y.isFinite else {
                counts[i] = 0
                continue
            }
            var search = TreeSearch(view: view, filter: filter, qx: q.x, qy: q.y, results: collector(scratch))
            search.run()
            scratch = search.results.buffer
            let found = search.results.resultCount
            if found > 1 { sortCandidates(scratch.base, found) }
            for r in 0..<found {
                part.indices.append(Int(scratch.base[r].id))
                part.squaredDistances.append(scratch.base[r].squaredDistance)
            }
            counts[i] = found
        }
    }
}
