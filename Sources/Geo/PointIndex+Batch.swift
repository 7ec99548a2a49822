import Dispatch
import Foundation

/// The results of a batch of queries in compressed rows: query `i`'s neighbours are
/// `indices[offsets[i] ..< offsets[i + 1]]` with `squaredDistances` at the same positions, sorted
/// by (squared distance, index). Reuse one value across batches: its arrays keep their capacity, so
/// streaming a long input in chunks needs memory for one chunk only.
public struct NeighborBatch: Sendable {
    /// Row starts: query `i`'s neighbours are at `offsets[i] ..< offsets[i + 1]`.
    public internal(set) var offsets: [Int] = [0]
    /// The neighbours' indices in the array the index was built from, row after row.
    public internal(set) var indices: [Int] = []
    /// Squared planar distances, at the same positions as `indices`.
    public internal(set) var squaredDistances: [Double] = []
    /// Per-part results while a batch runs; kept for their capacity.
    var parts: [Part] = []
    /// The order queries are answered in (spatial key in the high word, position in the low word),
    /// room to sort it and the queries in that order: see `SpatialOrdering`. As long as the longest
    /// batch so far; kept for their capacity.
    var order: [UInt64] = []
    var orderScratch: [UInt64] = []
    var orderedQueries: [Coordinate] = []

    struct Part: Sendable {
        var indices: [Int] = []
        var squaredDistances: [Double] = []
    }

    /// An empty batch, to pass to the batch queries (and reuse across chunks).
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
    static let minimumPart = 4096
    /// Parts per core: a few, so that a core that finishes early takes another, but not so many
    /// that each part's spatial order loses its locality.
    static let partsPerWorker = 2
    /// From about this many queries a part (up to twice it), a batch has more parts than
    /// `partsPerWorker` a core (`n / maximumPart` of them): the parts of ten million queries differ
    /// in work (dense towns, empty hills), and with two parts a core the last one ran for seconds
    /// on one core while the other was idle.
    static let maximumPart = 1 << 20
    /// Cores to use, read once.
    static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Parts at least this long are answered in spatial order (a Morton curve over the index's
    /// bounding box): consecutive queries then walk the same nodes and leaves while they are in
    /// cache, which is about twice as fast as random input order.
    static let minimumSortedPart = 256

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

    /// Answers a batch in three steps: the parts (consecutive runs of queries) in parallel, each
    /// sorted spatially and answered into its own buffers; offsets from the counts; then, again in
    /// parallel, each part's results copied to their queries' rows in input order.
    /// How a batch of `n` queries is cut: `count` parts of `perPart` consecutive queries (the last
    /// may be shorter), answered in spatial order when `spatialOrder`.
    static func batchParts(_ n: Int) -> (count: Int, perPart: Int, spatialOrder: Bool) {
        let count = n < 2 * minimumPart ? 1 : min(n / minimumPart, max(partsPerWorker * workers, n / maximumPart))
        let perPart = (n + count - 1) / count
        return (count, perPart, perPart >= minimumSortedPart && n <= Int(UInt32.max))
    }

    /// The curve a batch's parts sort their queries along: over a square around the bounding box.
    var batchCurve: MortonCurve {
        let extent = max(maxX - minX, maxY - minY)
        return MortonCurve(minX: minX, minY: minY, scale: extent > 0 ? 65535 / extent : 0)
    }

    /// Calls `body` with the slot filter of `filter` (categories and allowed points) over raw views
    /// of the index's arrays, valid inside `body` only; `ids` is the tree view's.
    func withMaskFilter<R>(_ filter: Filter, ids: UnsafePointer<Int32>, _ body: (MaskFilter) -> R) -> R {
        categories.withUnsafeBufferPointer { categories in
            nodeCategories.withUnsafeBufferPointer { nodeCategories in
                (filter.allowedWords ?? []).withUnsafeBufferPointer { allowed in
                    body(MaskFilter(
                        categories: filter.usesCategories ? categories.baseAddress : nil,
                        nodeCategories: filter.usesCategories ? nodeCategories.baseAddress : nil,
                        requiredBits: filter.requiredBits, anyOfBits: filter.anyOfBits, ids: ids,
                        allowedWords: filter.allowedWords == nil ? nil : allowed.baseAddress))
                }
            }
        }
    }

    func run(_ mode: QueryMode, queries: UnsafeBufferPointer<Coordinate>, filter: Filter, into output: inout NeighborBatch) {
        let n = queries.count
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
        if n == 0 || count == 0 || nothingMatches || (filter.usesCategories && categories.isEmpty) {
            output.offsets.removeAll(keepingCapacity: true)
            output.offsets.append(contentsOf: repeatElement(0, count: n + 1))
            return
        }
        // Every query's count is written by its part (offsets[0] here), every entry of the spatial
        // ordering by its part before it is read (the radix sort's scratch only by the passes that
        // run: when every key is equal none does, and the scratch stays unwritten, never read).
        prepareForBatch(&output.offsets, count: n + 1)
        output.offsets[0] = 0

        let (partCount, perPart, spatialOrder) = Self.batchParts(n)
        if output.parts.count < partCount {
            output.parts.append(contentsOf: repeatElement(NeighborBatch.Part(), count: partCount - output.parts.count))
        }
        if spatialOrder && output.order.count < n {
            prepareForBatch(&output.order, count: n)
            prepareForBatch(&output.orderScratch, count: n)
            prepareForBatch(&output.orderedQueries, count: n)
        }
        let curve = batchCurve

        withView { view in
            withMaskFilter(filter, ids: view.ids) { mask in
                output.order.withUnsafeMutableBufferPointer { order in
                  output.orderScratch.withUnsafeMutableBufferPointer { orderScratch in
                    output.orderedQueries.withUnsafeMutableBufferPointer { orderedQueries in
                      output.offsets.withUnsafeMutableBufferPointer { offsets in
                        output.parts.withUnsafeMutableBufferPointer { parts in
                            let ordering = spatialOrder
                                ? SpatialOrdering(curve: curve, order: order.baseAddress!, scratch: orderScratch.baseAddress!,
                                                  queries: orderedQueries.baseAddress!)
                                : nil
                            let counts = offsets.baseAddress! + 1
                            if filter.isAll {
                                BatchJob(mode: mode, queries: queries, ordering: ordering, view: view, filter: AcceptAll(),
                                         counts: counts, parts: parts, perPart: perPart).run(parts: partCount)
                            } else {
                                BatchJob(mode: mode, queries: queries, ordering: ordering, view: view, filter: mask,
                                         counts: counts, parts: parts, perPart: perPart).run(parts: partCount)
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
        if total == 0 { return }
        // The scatter below writes every entry.
        prepareForBatch(&output.indices, count: total)
        prepareForBatch(&output.squaredDistances, count: total)
        output.order.withUnsafeBufferPointer { order in
            output.offsets.withUnsafeBufferPointer { offsets in
                output.indices.withUnsafeMutableBufferPointer { indices in
                    output.squaredDistances.withUnsafeMutableBufferPointer { distances in
                        output.parts.withUnsafeBufferPointer { parts in
                            ScatterJob(
                                order: spatialOrder ? order.baseAddress : nil, offsets: offsets.baseAddress!,
                                indices: indices.baseAddress!, distances: distances.baseAddress!, parts: parts,
                                perPart: perPart, count: n
                            ).run(parts: partCount)
                        }
                    }
                }
            }
        }
    }
}

/// Runs `body` for the parts `0 ..< count` of a batch: on this thread when there is one, on all
/// cores otherwise (each part writes only its own entries: see the jobs below).
func runParts(_ count: Int, _ body: @Sendable (Int) -> Void) {
    if count == 1 {
        body(0)
    } else {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}

/// Makes `array` `count` long for a batch whose threads write every entry before any is read.
/// Memory the array already holds is reused (zeros written where it grows: that memory is
/// mapped already); new memory is not written here, so that its pages are first touched, and
/// zeroed by the kernel, by the threads answering the batch, at once, rather than by this thread
/// filling zeros first (ten million queries need some 400 MB of such arrays, and on a virtual
/// machine the page faults are much of their cost). The entries are not initialized until then
/// (the array claims them initialized, which `Array(unsafeUninitializedCapacity:)` asks callers
/// not to do: harmless for plain values, which have no invariants and nothing to release, so only
/// `BitwiseCopyable` ones are allowed), and nothing may read an entry first.
func prepareForBatch<T: BitwiseCopyable>(_ array: inout [T], count: Int) {
    if count <= array.count {
        array.removeLast(array.count - count)
    } else if count <= array.capacity {
        let zero = withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { slot in
            UnsafeMutableRawPointer(slot.baseAddress!).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<T>.size)
            return slot[0]
        }
        array.append(contentsOf: repeatElement(zero, count: count - array.count))
    } else {
        array = []
        array = Array(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}

/// A Z-order curve over a square around the index's bounding box, 16 bits an axis.
struct MortonCurve {
    let minX: Double
    let minY: Double
    /// Cells per unit of length: 65535 over the larger side of the box.
    let scale: Double

    @inline(__always)
    private func cell(_ v: Double, _ origin: Double) -> UInt64 {
        var c = (v - origin) * scale
        if !(c >= 0) { c = 0 }  // below the box, and NaN
        if c > 65535 { c = 65535 }
        return UInt64(c)
    }

    @inline(__always)
    private func spread(_ v: UInt64) -> UInt64 {
        var x = v & 0xFFFF
        x = (x | (x << 8)) & 0x00FF_00FF
        x = (x | (x << 4)) & 0x0F0F_0F0F
        x = (x | (x << 2)) & 0x3333_3333
        x = (x | (x << 1)) & 0x5555_5555
        return x
    }

    @inline(__always)
    func key(_ q: Coordinate) -> UInt64 {
        spread(cell(q.x, minX)) | (spread(cell(q.y, minY)) << 1)
    }
}

/// Scratch for answering parts in spatial order, one entry per query of the batch: part `p` uses
/// only the entries of its own queries.
struct SpatialOrdering {
    let curve: MortonCurve
    /// Curve key in the high word, input position in the low word; sorted within each part.
    let order: UnsafeMutablePointer<UInt64>
    let scratch: UnsafeMutablePointer<UInt64>
    /// The queries in answering order.
    let queries: UnsafeMutablePointer<Coordinate>

    /// Sorts the queries at input positions `range` along the curve, in place in that range.
    func sort(_ range: Range<Int>, from input: UnsafeBufferPointer<Coordinate>) {
        let at = range.lowerBound
        curve.sort(range, from: input, order: order + at, scratch: scratch + at, queries: queries + at)
    }
}

extension MortonCurve {
    /// Sorts the queries at input positions `range` along the curve: `order[j]` (j from 0) gets the
    /// j-th one's key in the high word and its input position in the low word, `queries[j]` the
    /// query itself; `scratch` is room for the sort. Each holds `range.count` entries.
    func sort(_ range: Range<Int>, from input: UnsafeBufferPointer<Coordinate>, order: UnsafeMutablePointer<UInt64>,
              scratch: UnsafeMutablePointer<UInt64>, queries: UnsafeMutablePointer<Coordinate>) {
        let m = range.count
        for j in 0..<m {
            order[j] = key(input[range.lowerBound + j]) << 32 | UInt64(range.lowerBound + j)
        }
        radixSortByHighWord(UnsafeMutableBufferPointer(start: order, count: m), scratch: UnsafeMutableBufferPointer(start: scratch, count: m))
        // Gathered once here, in a loop whose loads overlap, rather than one cache miss per query
        // in the middle of its tree walk.
        for j in 0..<m {
            queries[j] = input[Int(order[j] & 0xFFFF_FFFF)]
        }
    }
}

/// Sorts by the high 32 bits, stably (so equal keys keep their positions' order): least significant
/// digit first, 8 bits a pass, skipping passes where every value has the same digit.
package func radixSortByHighWord(_ values: UnsafeMutableBufferPointer<UInt64>, scratch: UnsafeMutableBufferPointer<UInt64>) {
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

/// Step one of a batch: part `p` answers the queries at input positions
/// `p * perPart ..< (p + 1) * perPart`. It writes only their counts, their entries of the spatial
/// ordering and `parts[p]`, and reads memory nobody writes during the batch (the index, the
/// queries), so parts may run on different threads at once: that is why the raw pointers it
/// carries may be shared.
private struct BatchJob<F: SlotFilter>: @unchecked Sendable {
    let mode: QueryMode
    let queries: UnsafeBufferPointer<Coordinate>
    /// Nil: answer in input order.
    let ordering: SpatialOrdering?
    let view: TreeView
    let filter: F
    let counts: UnsafeMutablePointer<Int>
    let parts: UnsafeMutableBufferPointer<NeighborBatch.Part>
    let perPart: Int

    func run(parts partCount: Int) { runParts(partCount) { answerPart($0) } }

    func answerPart(_ p: Int) {
        let lo = min(queries.count, p * perPart)
        let hi = min(queries.count, lo + perPart)
        ordering?.sort(lo..<hi, from: queries)
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
    /// `counts` and its sorted results to `part`, in answering order.
    @inline(__always)
    private func answer<C: Collector>(_ positions: Range<Int>, into part: inout NeighborBatch.Part, collector: (CandidateBuffer) -> C) {
        part.indices.removeAll(keepingCapacity: true)
        part.squaredDistances.removeAll(keepingCapacity: true)
        var scratch = CandidateBuffer(capacity: 64)
        defer { scratch.deallocate() }
        let orderedQueries = ordering?.queries
        let order = ordering?.order
        // Once a sixteenth of the queries are answered, room for as many results a query for the
        // rest (and a tenth more): the part's buffers then grow once, not by doubling and copying.
        let checkpoint = positions.count >= 1024 ? positions.lowerBound + positions.count / 16 : positions.upperBound
        for j in positions {
            if j == checkpoint {
                let estimate = Double(part.indices.count) * Double(positions.count) / Double(j - positions.lowerBound) * 1.1
                if estimate > Double(part.indices.capacity), estimate < Double(Int.max / 16) {
                    part.indices.reserveCapacity(Int(estimate))
                    part.squaredDistances.reserveCapacity(Int(estimate))
                }
            }
            let i: Int
            let q: Coordinate
            if let order, let orderedQueries {
                i = Int(order[j] & 0xFFFF_FFFF)
                q = orderedQueries[j]
            } else {
                i = j
                q = queries[j]
            }
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

/// Step three of a batch: part `p` copies its results, kept in answering order, to its queries'
/// rows of the output. Rows of different queries do not overlap, so parts may run at once.
private struct ScatterJob: @unchecked Sendable {
    /// Answering order (input position in the low word), or nil for input order.
    let order: UnsafePointer<UInt64>?
    let offsets: UnsafePointer<Int>
    let indices: UnsafeMutablePointer<Int>
    let distances: UnsafeMutablePointer<Double>
    let parts: UnsafeBufferPointer<NeighborBatch.Part>
    let perPart: Int
    let count: Int

    func run(parts partCount: Int) { runParts(partCount) { scatter($0) } }

    private func scatter(_ p: Int) {
        parts[p].indices.withUnsafeBufferPointer { partIndices in
            parts[p].squaredDistances.withUnsafeBufferPointer { partDistances in
                var r = 0
                for j in min(count, p * perPart)..<min(count, (p + 1) * perPart) {
                    let i = order.map { Int($0[j] & 0xFFFF_FFFF) } ?? j
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
