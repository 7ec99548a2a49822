import Dispatch
import Foundation

// The query engine of `PointIndex`: one tree walk, specialised at compile time for a filter
// (`SlotFilter`) and a way of keeping results (`Collector`), over raw pointers into the index's
// arrays, so the per-query loop has no allocation, no reference counting and no bounds checks.

/// What a batch asks: the k nearest within a squared bound, or everything within a squared bound.
enum QueryMode {
    case nearest(k: Int, bound: Double)
    case within(bound: Double)
}

/// A candidate result: squared distance and the caller's point index.
struct Candidate {
    var squaredDistance: Double
    var id: Int32

    /// Results order: squared distance, then point index.
    @inline(__always)
    static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        a.squaredDistance < b.squaredDistance || (a.squaredDistance == b.squaredDistance && a.id < b.id)
    }
}

/// Raw views of the index's arrays, valid inside `PointIndex.withView`.
struct TreeView {
    let xs: UnsafePointer<Double>
    let ys: UnsafePointer<Double>
    let ids: UnsafePointer<Int32>
    let splits: UnsafePointer<PointIndex.Split>
    let leafStarts: UnsafePointer<Int32>
    let firstLeaf: Int
    let minX: Double, minY: Double, maxX: Double, maxY: Double
}

// MARK: - Filters

protocol SlotFilter: SendableMetatype {
    /// Whether the subtree under `node` may hold an accepted point.
    func mayEnter(_ node: Int) -> Bool
    /// Whether the point in `slot` is accepted.
    func accepts(_ slot: Int) -> Bool
}

struct AcceptAll: SlotFilter {
    @inline(__always) func mayEnter(_ node: Int) -> Bool { true }
    @inline(__always) func accepts(_ slot: Int) -> Bool { true }
}

/// Category bits (per point, and their union per node for pruning) and an optional bitset of
/// allowed point indices.
struct MaskFilter: SlotFilter {
    let categories: UnsafePointer<UInt64>?
    let nodeCategories: UnsafePointer<UInt64>?
    let requiredBits: UInt64
    let anyOfBits: UInt64
    let ids: UnsafePointer<Int32>
    let allowedWords: UnsafePointer<UInt64>?

    @inline(__always)
    private func matches(_ c: UInt64) -> Bool {
        (c & requiredBits) == requiredBits && (anyOfBits == 0 || (c & anyOfBits) != 0)
    }

    @inline(__always)
    func mayEnter(_ node: Int) -> Bool {
        guard let nodeCategories else { return true }
        return matches(nodeCategories[node])
    }

    @inline(__always)
    func accepts(_ slot: Int) -> Bool {
        if let categories, !matches(categories[slot]) { return false }
        if let allowedWords {
            let id = Int(ids[slot])
            return (allowedWords[id >> 6] >> UInt64(id & 63)) & 1 != 0
        }
        return true
    }
}

// MARK: - Collectors

/// Scratch storage for candidates, owned by one worker and reused for all its queries; it grows
/// (rarely: only past many exact ties or a large radius) and is freed by its owner.
struct CandidateBuffer {
    private(set) var base: UnsafeMutablePointer<Candidate>
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        self.base = .allocate(capacity: self.capacity)
    }

    /// Makes room for `needed` candidates, keeping the first `keeping`.
    mutating func reserve(_ needed: Int, keeping: Int) {
        guard needed > capacity else { return }
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<Candidate>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: keeping)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    func deallocate() { base.deallocate() }
}

protocol Collector {
    /// Points farther than this (squared) cannot be results; subtrees whose lower bound exceeds it
    /// are skipped. Points exactly at it still are (ties).
    var bound: Double { get }
    /// Called for each point with `squaredDistance <= bound`.
    mutating func add(id: Int32, squaredDistance: Double)
    /// The results so far, unsorted, at `buffer.base[0 ..< resultCount]`.
    var buffer: CandidateBuffer { get }
    var resultCount: Int { get }
}

/// k = 1: the best candidate in slot 0, points tied with it after.
struct NearestOne: Collector {
    var bound: Double
    var buffer: CandidateBuffer
    var resultCount = 0

    init(bound: Double, buffer: CandidateBuffer) {
        self.bound = bound
        self.buffer = buffer
    }

    @inline(__always)
    mutating func add(id: Int32, squaredDistance: Double) {
        if resultCount == 0 || squaredDistance < bound {
            buffer.base[0] = Candidate(squaredDistance: squaredDistance, id: id)
            resultCount = 1
            bound = squaredDistance
        } else {  // equal to the best: a tie
            buffer.reserve(resultCount + 1, keeping: resultCount)
            buffer.base[resultCount] = Candidate(squaredDistance: squaredDistance, id: id)
            resultCount += 1
        }
    }
}

/// Any k: the k best so far sorted by distance in slots `0 ..< k`; once there are k, the points tied
/// with the k-th follow from slot `k`.
struct NearestK: Collector {
    let k: Int
    var bound: Double
    var buffer: CandidateBuffer
    var best = 0
    var ties = 0

    init(k: Int, bound: Double, buffer: CandidateBuffer) {
        self.k = k
        self.bound = bound
        self.buffer = buffer
        self.buffer.reserve(k + 1, keeping: 0)
    }

    var resultCount: Int { best + ties }

    @inline(__always)
    private mutating func insert(_ c: Candidate, into n: Int) {
        var j = n
        while j > 0 && buffer.base[j - 1].squaredDistance > c.squaredDistance {
            buffer.base[j] = buffer.base[j - 1]
            j -= 1
        }
        buffer.base[j] = c
    }

    @inline(__always)
    private mutating func appendTie(_ c: Candidate) {
        buffer.reserve(k + ties + 1, keeping: k + ties)
        buffer.base[k + ties] = c
        ties += 1
    }

    mutating func add(id: Int32, squaredDistance: Double) {
        let c = Candidate(squaredDistance: squaredDistance, id: id)
        if best < k {
            insert(c, into: best)
            best += 1
            if best == k { bound = buffer.base[k - 1].squaredDistance }
            return
        }
        if squaredDistance == bound {
            appendTie(c)
            return
        }
        let evicted = buffer.base[k - 1]
        insert(c, into: k - 1)
        let newBound = buffer.base[k - 1].squaredDistance
        if newBound == evicted.squaredDistance {
            appendTie(evicted)
        } else {
            ties = 0
        }
        bound = newBound
    }
}

/// Everything within a fixed bound.
struct WithinRadius: Collector {
    let bound: Double
    var buffer: CandidateBuffer
    var resultCount = 0

    init(bound: Double, buffer: CandidateBuffer) {
        self.bound = bound
        self.buffer = buffer
    }

    @inline(__always)
    mutating func add(id: Int32, squaredDistance: Double) {
        buffer.reserve(resultCount + 1, keeping: resultCount)
        buffer.base[resultCount] = Candidate(squaredDistance: squaredDistance, id: id)
        resultCount += 1
    }
}

// MARK: - Tree walk

struct TreeSearch<Filter: SlotFilter, Results: Collector> {
    let view: TreeView
    let filter: Filter
    let qx: Double
    let qy: Double
    var results: Results

    mutating func run() {
        // Offsets from the query to the bounding box of everything, per axis; written so that each
        // offset is a rounded difference no larger than the rounded difference to any point.
        let offX = qx < view.minX ? view.minX - qx : (qx > view.maxX ? qx - view.maxX : 0)
        let offY = qy < view.minY ? view.minY - qy : (qy > view.maxY ? qy - view.maxY : 0)
        if offX * offX + offY * offY <= results.bound {
            visit(0, offX, offY)
        }
    }

    /// Visits `node`, whose cell is at least `offX` and `offY` away from the query along each axis.
    mutating func visit(_ node: Int, _ offX: Double, _ offY: Double) {
        guard filter.mayEnter(node) else { return }
        if node >= view.firstLeaf {
            let leaf = node - view.firstLeaf
            var slot = Int(view.leafStarts[leaf])
            let end = Int(view.leafStarts[leaf + 1])
            while slot < end {
                if filter.accepts(slot) {
                    let dx = view.xs[slot] - qx
                    let dy = view.ys[slot] - qy
                    let d = dx * dx + dy * dy
                    if d <= results.bound {
                        results.add(id: view.ids[slot], squaredDistance: d)
                    }
                }
                slot += 1
            }
            return
        }
        let split = view.splits[node]
        let left = 2 * node + 1
        // Near child first; the far one only if its gap along the split axis (a lower bound for
        // every point in it) does not exceed the current bound. Ties are kept, hence `<=`.
        if split.axis == 0 {
            if qx < (split.low + split.high) * 0.5 {
                visit(left, offX, offY)
                let gap = split.high - qx
                if gap * gap + offY * offY <= results.bound { visit(left + 1, gap, offY) }
            } else {
                visit(left + 1, offX, offY)
                let gap = qx - split.low
                if gap * gap + offY * offY <= results.bound { visit(left, gap, offY) }
            }
        } else {
            if qy < (split.low + split.high) * 0.5 {
                visit(left, offX, offY)
                let gap = split.high - qy
                if offX * offX + gap * gap <= results.bound { visit(left + 1, offX, gap) }
            } else {
                visit(left + 1, offX, offY)
                let gap = qy - split.low
                if offX * offX + gap * gap <= results.bound { visit(left, offX, gap) }
            }
        }
    }
}

// MARK: - Sorting results

/// Sorts candidates by (squared distance, index) in place, without allocating: insertion sort for
/// the usual handful, heapsort beyond.
func sortCandidates(_ base: UnsafeMutablePointer<Candidate>, _ count: Int) {
    if count <= 24 {
        var i = 1
        while i < count {
            let c = base[i]
            var j = i
            while j > 0 && Candidate.precedes(c, base[j - 1]) {
                base[j] = base[j - 1]
                j -= 1
            }
            base[j] = c
            i += 1
        }
        return
    }
    func siftDown(_ start: Int, _ end: Int) {
        var root = start
        while true {
            var child = 2 * root + 1
            if child >= end { return }
            if child + 1 < end && Candidate.precedes(base[child], base[child + 1]) { child += 1 }
            if !Candidate.precedes(base[root], base[child]) { return }
            swap(&base[root], &base[child])
            root = child
        }
    }
    var start = count / 2 - 1
    while start >= 0 {
        siftDown(start, count)
        start -= 1
    }
    var end = count - 1
    while end > 0 {
        swap(&base[0], &base[end])
        siftDown(0, end)
        end -= 1
    }
}

// MARK: - Running queries

extension PointIndex {
    /// Queries per chunk below which a batch is not worth splitting across threads.
    static let minimumChunk = 2048

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

        let workers = ProcessInfo.processInfo.activeProcessorCount
        let partCount = n < 2 * Self.minimumChunk ? 1 : min(n / Self.minimumChunk, 8 * max(1, workers))
        let perPart = (n + partCount - 1) / partCount
        if output.parts.count < partCount {
            output.parts.append(contentsOf: repeatElement(NeighborBatch.Part(), count: partCount - output.parts.count))
        }

        withView { view in
            categories.withUnsafeBufferPointer { categories in
                nodeCategories.withUnsafeBufferPointer { nodeCategories in
                    (filter.allowedWords ?? []).withUnsafeBufferPointer { allowed in
                        let mask = MaskFilter(
                            categories: filter.usesCategories ? categories.baseAddress : nil,
                            nodeCategories: filter.usesCategories ? nodeCategories.baseAddress : nil,
                            requiredBits: filter.requiredBits, anyOfBits: filter.anyOfBits, ids: view.ids,
                            allowedWords: filter.allowedWords == nil ? nil : allowed.baseAddress)
                        output.offsets.withUnsafeMutableBufferPointer { offsets in
                            output.parts.withUnsafeMutableBufferPointer { parts in
                                let counts = offsets.baseAddress! + 1
                                if filter.isAll {
                                    BatchJob(mode: mode, queries: queries, view: view, filter: AcceptAll(), counts: counts, parts: parts, perPart: perPart)
                                        .run(parts: partCount)
                                } else {
                                    BatchJob(mode: mode, queries: queries, view: view, filter: mask, counts: counts, parts: parts, perPart: perPart)
                                        .run(parts: partCount)
                                }
                            }
                        }
                    }
                }
            }
        }

        for i in 0..<n { output.offsets[i + 1] += output.offsets[i] }
        output.indices.reserveCapacity(output.offsets[n])
        output.squaredDistances.reserveCapacity(output.offsets[n])
        for p in 0..<partCount {
            output.indices.append(contentsOf: output.parts[p].indices)
            output.squaredDistances.append(contentsOf: output.parts[p].squaredDistances)
        }
    }
}

/// One batch split into parts of `perPart` consecutive queries. Part `p` writes only
/// `counts[p * perPart ..< (p + 1) * perPart]` and `parts[p]` and reads memory nobody writes during
/// the batch (the index, the queries), so parts may run on different threads at once: that is why
/// the raw pointers it carries may be shared.
private struct BatchJob<F: SlotFilter>: @unchecked Sendable {
    let mode: QueryMode
    let queries: UnsafeBufferPointer<Coordinate>
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
        answer(mode, UnsafeBufferPointer(rebasing: queries[lo..<hi]), view, filter, counts + lo, &parts[p])
    }
}

/// Answers a contiguous run of queries, writing each one's result count to `counts` and its sorted
/// results to `part`.
private func answer<F: SlotFilter>(
    _ mode: QueryMode, _ queries: UnsafeBufferPointer<Coordinate>, _ view: TreeView, _ filter: F,
    _ counts: UnsafeMutablePointer<Int>, _ part: inout NeighborBatch.Part
) {
    part.indices.removeAll(keepingCapacity: true)
    part.squaredDistances.removeAll(keepingCapacity: true)
    var scratch = CandidateBuffer(capacity: 64)
    defer { scratch.deallocate() }

    @inline(__always)
    func emit(_ results: some Collector, _ i: Int, _ part: inout NeighborBatch.Part) {
        let found = results.resultCount
        let base = results.buffer.base
        if found > 1 { sortCandidates(base, found) }
        for r in 0..<found {
            part.indices.append(Int(base[r].id))
            part.squaredDistances.append(base[r].squaredDistance)
        }
        counts[i] = found
    }

    switch mode {
    case let .nearest(k, bound) where k == 1:
        for (i, q) in queries.enumerated() {
            guard q.x.isFinite, q.y.isFinite else { counts[i] = 0; continue }
            var search = TreeSearch(view: view, filter: filter, qx: q.x, qy: q.y, results: NearestOne(bound: bound, buffer: scratch))
            search.run()
            scratch = search.results.buffer
            emit(search.results, i, &part)
        }
    case let .nearest(k, bound):
        for (i, q) in queries.enumerated() {
            guard q.x.isFinite, q.y.isFinite else { counts[i] = 0; continue }
            var search = TreeSearch(view: view, filter: filter, qx: q.x, qy: q.y, results: NearestK(k: k, bound: bound, buffer: scratch))
            search.run()
            scratch = search.results.buffer
            emit(search.results, i, &part)
        }
    case let .within(bound):
        for (i, q) in queries.enumerated() {
            guard q.x.isFinite, q.y.isFinite else { counts[i] = 0; continue }
            var search = TreeSearch(view: view, filter: filter, qx: q.x, qy: q.y, results: WithinRadius(bound: bound, buffer: scratch))
            search.run()
            scratch = search.results.buffer
            emit(search.results, i, &part)
        }
    }
}
