import Dispatch
import Foundation

/// A static spatial index over points in projected metres: built once, read-only afterwards, and
/// `Sendable`, so any number of threads may query one index at the same time.
///
/// ## Why a k-d tree
/// The indexed things are points, never boxes, and the questions are "k nearest" and "within r".
/// A k-d tree split at the median of the wider axis answers both with one `Double` comparison per
/// level on the way down and, for pruning, a lower bound built from the per-axis gaps to the two
/// children (the largest coordinate left of the split and the smallest right of it). A packed
/// Hilbert R-tree would need four `Double`s per node for its boxes and a Hilbert sort to build, and
/// its boxes only pay off for extended geometries. Here the tree is complete and implicit (node `i`
/// has children `2i+1` and `2i+2`, every leaf at the same depth), so it has no child pointers; the
/// points are stored in leaf order as struct-of-arrays (`xs`, `ys`, original index, categories),
/// each leaf a contiguous bucket of at most `leafSize` points.
///
/// ## Distances, ties and order
/// Every comparison uses the squared planar distance `dx * dx + dy * dy` (`dx = p.x - q.x`), exactly
/// as written, so results are exact and reproducible: points whose squared distance equals the k-th
/// one are all returned (a query can get more than `k` neighbours), and results are sorted by
/// (squared distance, point index). `maxDistance` and `radius` are inclusive:
/// `dx * dx + dy * dy <= r * r`. Pruning bounds are computed with the same monotone operations, so
/// they never exceed a point's computed distance and never drop a tied point.
///
/// ## Filters
/// Each point may carry a `UInt64` category mask (for example one bit per station kind and one per
/// service). A `Filter` asks for bits that must all be set, bits of which at least one must be set,
/// and/or an explicit set of allowed point indices. Subtrees whose union of categories cannot match
/// are skipped whole, so a rare category costs little.
public struct PointIndex: Sendable {
    /// The number of points indexed.
    public let count: Int
    /// Points per leaf bucket, at most.
    public let leafSize: Int

    // Points in leaf order (struct-of-arrays).
    let xs: [Double]
    let ys: [Double]
    /// The caller's index of the point stored in each slot.
    let ids: [Int32]
    /// Categories in slot order; empty when the index was built without categories.
    let categories: [UInt64]
    /// Union of the categories under each node (internal nodes, then leaves); empty without categories.
    let nodeCategories: [UInt64]
    /// Internal nodes in heap order: `leafCount - 1` of them (one unused entry when the root is a leaf).
    let splits: [Split]
    /// Slot where each leaf starts, plus `count` at the end: `leafCount + 1` entries.
    let leafStarts: [Int32]
    /// A power of two; leaves are nodes `leafCount - 1 ..< 2 * leafCount - 1`.
    let leafCount: Int
    /// Bounding box of all points.
    let minX: Double, minY: Double, maxX: Double, maxY: Double

    /// One internal node: its split axis, the largest coordinate on that axis in the left child
    /// (`low`) and the smallest in the right child (`high`); `low <= high`.
    struct Split: Sendable {
        var low: Double
        var high: Double
        var axis: Int
    }

    /// A neighbour found by a query: the point's index in the array the index was built from and
    /// its squared planar distance to the query.
    public struct Neighbor: Hashable, Sendable, CustomStringConvertible {
        /// The point's position in the array the index was built from.
        public var index: Int
        /// The squared planar distance to the query.
        public var squaredDistance: Double

        /// A neighbour at `index`, `squaredDistance` from the query.
        public init(index: Int, squaredDistance: Double) {
            self.index = index
            self.squaredDistance = squaredDistance
        }

        /// Planar distance in the units of the points (metres for a projected CRS).
        public var distance: Double { squaredDistance.squareRoot() }

        /// "#index at distance".
        public var description: String { "#\(index) at \(distance)" }
    }

    /// Which points a query may return. `Filter.all` (the default) allows every point.
    public struct Filter: Sendable, Equatable {
        /// Every one of these bits must be set in a point's categories.
        public var requiredBits: UInt64
        /// When not zero, at least one of these bits must be set in a point's categories.
        public var anyOfBits: UInt64
        /// Bitset over point indices (bit `i % 64` of word `i / 64`); `nil` allows every index.
        var allowedWords: [UInt64]?
        /// Number of point indices the bitset covers.
        var allowedCount: Int

        /// Every point.
        public static let all = Filter()

        /// Points whose categories contain all of `requiredBits` and, when `anyOfBits` is not zero,
        /// at least one of `anyOfBits`. Points of an index built without categories have none.
        public init(requiredBits: UInt64 = 0, anyOfBits: UInt64 = 0) {
            self.requiredBits = requiredBits
            self.anyOfBits = anyOfBits
            self.allowedWords = nil
            self.allowedCount = 0
        }

        /// Only the points `i` with `allowed[i] == true` (and the category conditions, when given).
        /// `allowed` must have one entry per indexed point.
        public init(allowing allowed: [Bool], requiredBits: UInt64 = 0, anyOfBits: UInt64 = 0) {
            self.init(requiredBits: requiredBits, anyOfBits: anyOfBits)
            var words = [UInt64](repeating: 0, count: (allowed.count + 63) / 64)
            for (i, ok) in allowed.enumerated() where ok {
                words[i >> 6] |= 1 << UInt64(i & 63)
            }
            self.allowedWords = words
            self.allowedCount = allowed.count
        }

        var usesCategories: Bool { requiredBits != 0 || anyOfBits != 0 }
        var isAll: Bool { !usesCategories && allowedWords == nil }
    }

    /// The default bucket size: small enough that a leaf is a couple of cache lines per array,
    /// large enough that the tree stays shallow (measured with `NuanxinBenchmarks nearest`).
    public static let defaultLeafSize = 8

    /// Builds the index. `points` are planar (projected metres); `categories`, when given, has one
    /// mask per point. Throws `GeoError.invalidInput` for a non-finite coordinate, a categories array
    /// of another length, or more than `Int32.max` points.
    public init(_ points: [Coordinate], categories: [UInt64]? = nil, leafSize: Int = PointIndex.defaultLeafSize) throws {
        let n = points.count
        guard n < Int(Int32.max) else { throw GeoError.invalidInput("point index: \(n) points is more than \(Int32.max)") }
        if let categories, categories.count != n {
            throw GeoError.invalidInput("point index: \(categories.count) category masks for \(n) points")
        }
        for (i, p) in points.enumerated() where !p.x.isFinite || !p.y.isFinite {
            throw GeoError.invalidInput("point index: point \(i) has a non-finite coordinate \(p)")
        }
        let leafSize = max(1, leafSize)
        var leafCount = 1
        while n > leafCount * leafSize { leafCount *= 2 }

        var work = points.enumerated().map { BuildPoint(x: $0.element.x, y: $0.element.y, id: Int32($0.offset)) }
        // At least one entry, so that the array always has storage (a lone leaf uses none).
        var splits = [Split](repeating: Split(low: 0, high: 0, axis: 0), count: max(1, leafCount - 1))
        var leafStarts = [Int32](repeating: Int32(n), count: leafCount + 1)
        work.withUnsafeMutableBufferPointer { w in
            splits.withUnsafeMutableBufferPointer { s in
                leafStarts.withUnsafeMutableBufferPointer { l in
                    var builder = TreeBuilder(points: w, splits: s, leafStarts: l, leafCount: leafCount)
                    builder.build(node: 0, lo: 0, hi: n)
                }
            }
        }

        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for p in work {
            minX = min(minX, p.x); maxX = max(maxX, p.x)
            minY = min(minY, p.y); maxY = max(maxY, p.y)
        }
        self.count = n
        self.leafSize = leafSize
        self.xs = work.map(\.x)
        self.ys = work.map(\.y)
        self.ids = work.map(\.id)
        self.splits = splits
        self.leafStarts = leafStarts
        self.leafCount = leafCount
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
        if let categories {
            let slotCategories = work.map { categories[Int($0.id)] }
            var nodeCategories = [UInt64](repeating: 0, count: 2 * leafCount - 1)
            for leaf in 0..<leafCount {
                var union: UInt64 = 0
                for slot in Int(leafStarts[leaf])..<Int(leafStarts[leaf + 1]) { union |= slotCategories[slot] }
                nodeCategories[leafCount - 1 + leaf] = union
            }
            for node in stride(from: leafCount - 2, through: 0, by: -1) {
                nodeCategories[node] = nodeCategories[2 * node + 1] | nodeCategories[2 * node + 2]
            }
            self.categories = slotCategories
            self.nodeCategories = nodeCategories
        } else {
            self.categories = []
            self.nodeCategories = []
        }
    }

    /// True when the index holds no point.
    public var isEmpty: Bool { count == 0 }

    // MARK: Single queries

    /// The `k` nearest points to `query` that pass `filter`, within `maxDistance` when given, sorted
    /// by (squared distance, index). Every point tied with the k-th distance is included, so the
    /// result can be longer than `k`. Empty for `k <= 0`, a non-finite query, an empty index, or a
    /// negative or NaN `maxDistance`.
    public func nearest(to query: Coordinate, k: Int = 1, filter: Filter = .all, maxDistance: Double? = nil) -> [Neighbor] {
        var batch = NeighborBatch()
        nearest(to: CollectionOfOne(query), k: k, filter: filter, maxDistance: maxDistance, into: &batch)
        return batch.neighbors(ofQuery: 0)
    }

    /// Every point that passes `filter` within `radius` of `query` (inclusive), nearest first, sorted
    /// by (squared distance, index).
    public func within(radius: Double, of query: Coordinate, filter: Filter = .all) -> [Neighbor] {
        var batch = NeighborBatch()
        within(radius: radius, of: CollectionOfOne(query), filter: filter, into: &batch)
        return batch.neighbors(ofQuery: 0)
    }

    // MARK: Batches

    /// `nearest(to:k:filter:maxDistance:)` for each query, in input order, into `output` (whose
    /// previous contents are replaced and whose storage is reused). The queries are split into
    /// chunks answered on all cores. Memory stays proportional to the results of this call, so
    /// stream long inputs in chunks through the same `output`.
    public func nearest(
        to queries: some Collection<Coordinate>, k: Int = 1, filter: Filter = .all, maxDistance: Double? = nil,
        into output: inout NeighborBatch
    ) {
        let bound: Double
        if let maxDistance {
            bound = maxDistance >= 0 ? maxDistance * maxDistance : -1  // NaN and negative find nothing
        } else {
            bound = .infinity
        }
        let mode = QueryMode.nearest(k: k, bound: bound)
        withContiguousQueries(queries) { run(mode, queries: $0, filter: filter, into: &output) }
    }

    /// `within(radius:of:filter:)` for each query, in input order, into `output` (replaced, storage
    /// reused), on all cores.
    public func within(radius: Double, of queries: some Collection<Coordinate>, filter: Filter = .all, into output: inout NeighborBatch) {
        let bound = radius >= 0 ? radius * radius : -1
        withContiguousQueries(queries) { run(.within(bound: bound), queries: $0, filter: filter, into: &output) }
    }

    private func withContiguousQueries(_ queries: some Collection<Coordinate>, _ body: (UnsafeBufferPointer<Coordinate>) -> Void) {
        if let done: Void = queries.withContiguousStorageIfAvailable(body) { return done }
        Array(queries).withUnsafeBufferPointer(body)
    }
}

// MARK: - Build

struct BuildPoint {
    var x: Double
    var y: Double
    var id: Int32
}

/// Where building a `PointIndex` changes how it goes.
enum TreeBuilderLimits {
    /// From how many points the two halves of a tree are built on two threads (10 M demand
    /// points take seconds on one; a few thousand, less than a thread's start).
    static let twoThreadPoints = 1 << 17
}

/// A value handed to another thread by a caller that knows it is safe (the tree's halves touch
/// disjoint memory).
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Recursive median split into the implicit tree: node `i` covers a slot range, its left child the
/// first half (rounded down), its right child the rest.
private struct TreeBuilder {
    let points: UnsafeMutableBufferPointer<BuildPoint>
    let splits: UnsafeMutableBufferPointer<PointIndex.Split>
    let leafStarts: UnsafeMutableBufferPointer<Int32>
    let leafCount: Int

    mutating func build(node: Int, lo: Int, hi: Int) {
        if node >= leafCount - 1 {
            leafStarts[node - (leafCount - 1)] = Int32(lo)
            return
        }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in lo..<hi {
            let p = points[i]
            minX = min(minX, p.x); maxX = max(maxX, p.x)
            minY = min(minY, p.y); maxY = max(maxY, p.y)
        }
        let axis = (maxX - minX) >= (maxY - minY) ? 0 : 1
        let mid = lo + (hi - lo) / 2
        var low = -Double.infinity
        var high = Double.infinity
        if hi > lo {
            select(lo: lo, hi: hi, nth: mid, axis: axis)
            for i in lo..<mid { low = max(low, key(points[i], axis)) }
            high = key(points[mid], axis)
        }
        splits[node] = PointIndex.Split(low: low, high: high, axis: axis)
        if node == 0, hi - lo >= TreeBuilderLimits.twoThreadPoints, ProcessInfo.processInfo.activeProcessorCount > 1 {
            // The two halves of a big tree on two threads: they write disjoint slots, splits and
            // leaves, so the tree is the one a single thread builds.
            let halves = UncheckedSendable(self)
            DispatchQueue.concurrentPerform(iterations: 2) { side in
                var builder = halves.value
                if side == 0 { builder.build(node: 1, lo: lo, hi: mid) } else { builder.build(node: 2, lo: mid, hi: hi) }
            }
            return
        }
        build(node: 2 * node + 1, lo: lo, hi: mid)
        build(node: 2 * node + 2, lo: mid, hi: hi)
    }

    @inline(__always)
    private func key(_ p: BuildPoint, _ axis: Int) -> Double { axis == 0 ? p.x : p.y }

    /// Quickselect with a three-way partition (grids and duplicates are common): afterwards the
    /// point at `nth` has the value it would have if `lo..<hi` were sorted on `axis`, with no
    /// greater value before it and no smaller after it.
    private func select(lo: Int, hi: Int, nth: Int, axis: Int) {
        var lo = lo
        var hi = hi - 1
        while hi > lo {
            let a = key(points[lo], axis), b = key(points[(lo + hi) / 2], axis), c = key(points[hi], axis)
            let pivot = max(min(a, b), min(max(a, b), c))
            var lt = lo, i = lo, gt = hi
            while i <= gt {
                let v = key(points[i], axis)
                if v < pivot {
                    points.swapAt(lt, i)
                    lt += 1
                    i += 1
                } else if v > pivot {
                    points.swapAt(i, gt)
                    gt -= 1
                } else {
                    i += 1
                }
            }
            if nth < lt { hi = lt - 1 } else if nth > gt { lo = gt + 1 } else { return }
        }
    }
}
