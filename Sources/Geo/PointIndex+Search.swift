import Dispatch
import Foundation

// The query engine of `PointIndex`: one tree walk, specialised at compile time for a filter
// (`SlotFilter`) and a way of keeping results (`Collector`), over raw pointers into the index's
// arrays, so the per-query loop has no allocation, no reference counting and no bounds checks.
// Batches (and single queries, as batches of one) are run by `PointIndex+Batch.swift`.

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

/// Counts the points within a fixed bound, keeping none (the first pass of `withinRows`).
struct CountWithin: Collector {
    let bound: Double
    let buffer: CandidateBuffer
    var resultCount = 0

    init(bound: Double, buffer: CandidateBuffer) {
        self.bound = bound
        self.buffer = buffer
    }

    @inline(__always)
    mutating func add(id: Int32, squaredDistance: Double) {
        resultCount += 1
    }
}

// MARK: - Tree walk

/// A subtree still to visit, with the per-axis offsets from the query to its cell and the lower
/// bound they give for the squared distance of any point in it.
struct PendingNode {
    var node: Int
    var offX: Double
    var offY: Double
    var lowerBound: Double
}

struct TreeSearch<Filter: SlotFilter, Results: Collector> {
    let view: TreeView
    let filter: Filter
    let qx: Double
    let qy: Double
    var results: Results

    /// Depth-first, nearer child first, with an explicit stack of farther children (at most one per
    /// level, and the tree has at most 31 levels below the root: 32 entries, 1 KiB, which
    /// `withUnsafeTemporaryAllocation` keeps on the stack). A farther child is visited only if its lower
    /// bound does not exceed the current bound; ties are kept, hence `<=` everywhere.
    ///
    /// Lower bounds are sums of squared per-axis offsets, each offset a rounded difference between
    /// a split value (or the bounding box) and the query coordinate. Rounding is monotone, so such
    /// an offset never exceeds the rounded difference to any point beyond it, and the bound never
    /// exceeds a point's computed squared distance: no tied point is ever pruned.
    mutating func run() {
        let qx = self.qx, qy = self.qy, filter = self.filter
        let xs = view.xs, ys = view.ys, ids = view.ids, splits = view.splits, leafStarts = view.leafStarts
        let firstLeaf = view.firstLeaf
        var results = self.results
        defer { self.results = results }

        var offX = qx < view.minX ? view.minX - qx : (qx > view.maxX ? qx - view.maxX : 0)
        var offY = qy < view.minY ? view.minY - qy : (qy > view.maxY ? qy - view.maxY : 0)
        guard offX * offX + offY * offY <= results.bound else { return }

        withUnsafeTemporaryAllocation(of: PendingNode.self, capacity: 32) { stack in
            var top = 0
            var node = 0
            while true {
                // Down to a leaf along the nearer children, remembering the farther ones.
                var enter = filter.mayEnter(node)
                while enter && node < firstLeaf {
                    let split = splits[node]
                    let left = node &* 2 &+ 1
                    if split.axis == 0 {
                        let gap: Double
                        let far: Int
                        if qx < (split.low + split.high) * 0.5 {
                            node = left
                            far = left &+ 1
                            gap = split.high - qx
                        } else {
                            node = left &+ 1
                            far = left
                            gap = qx - split.low
                        }
                        let lowerBound = gap * gap + offY * offY
                        if lowerBound <= results.bound {
                            stack[top] = PendingNode(node: far, offX: gap, offY: offY, lowerBound: lowerBound)
                            top &+= 1
                        }
                    } else {
                        let gap: Double
                        let far: Int
                        if qy < (split.low + split.high) * 0.5 {
                            node = left
                            far = left &+ 1
                            gap = split.high - qy
                        } else {
                            node = left &+ 1
                            far = left
                            gap = qy - split.low
                        }
                        let lowerBound = offX * offX + gap * gap
                        if lowerBound <= results.bound {
                            stack[top] = PendingNode(node: far, offX: offX, offY: gap, lowerBound: lowerBound)
                            top &+= 1
                        }
                    }
                    enter = filter.mayEnter(node)
                }
                if enter {
                    let leaf = node &- firstLeaf
                    var slot = Int(leafStarts[leaf])
                    let end = Int(leafStarts[leaf &+ 1])
                    while slot < end {
                        if filter.accepts(slot) {
                            let dx = xs[slot] - qx
                            let dy = ys[slot] - qy
                            let d = dx * dx + dy * dy
                            if d <= results.bound {
                                results.add(id: ids[slot], squaredDistance: d)
                            }
                        }
                        slot &+= 1
                    }
                }
                // The next farther child that can still hold a result.
                var next: PendingNode
                repeat {
                    if top == 0 { return }
                    top &-= 1
                    next = stack[top]
                } while !(next.lowerBound <= results.bound)
                node = next.node
                offX = next.offX
                offY = next.offY
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

