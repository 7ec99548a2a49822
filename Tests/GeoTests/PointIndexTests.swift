import TestSupport
import Testing
@testable import Geo


/// The answer by looking at every point, with the index's definitions: squared distance
/// `dx * dx + dy * dy`, inclusive bounds, all ties at the k-th distance, order (distance, index).
struct BruteForce {
    let points: [Coordinate]
    let categories: [UInt64]?

    func passes(_ i: Int, required: UInt64, anyOf: UInt64, allowed: [Bool]?) -> Bool {
        let c = categories?[i] ?? 0
        if c & required != required { return false }
        if anyOf != 0 && c & anyOf == 0 { return false }
        if let allowed, !allowed[i] { return false }
        return true
    }

    /// Every passing point within `bound` (squared), sorted by (squared distance, index).
    func candidates(_ q: Coordinate, required: UInt64 = 0, anyOf: UInt64 = 0, allowed: [Bool]? = nil, bound: Double = .infinity) -> [PointIndex.Neighbor] {
        var found: [PointIndex.Neighbor] = []
        for i in points.indices where passes(i, required: required, anyOf: anyOf, allowed: allowed) {
            let dx = points[i].x - q.x
            let dy = points[i].y - q.y
            let d = dx * dx + dy * dy
            if d <= bound { found.append(PointIndex.Neighbor(index: i, squaredDistance: d)) }
        }
        found.sort { $0.squaredDistance < $1.squaredDistance || ($0.squaredDistance == $1.squaredDistance && $0.index < $1.index) }
        return found
    }

    /// The k nearest (and their ties) from a sorted candidate list.
    static func nearest(_ sorted: [PointIndex.Neighbor], k: Int, maxDistance: Double? = nil) -> [PointIndex.Neighbor] {
        let bound = maxDistance.map { $0 * $0 } ?? .infinity
        var end = 0
        while end < sorted.count && sorted[end].squaredDistance <= bound
            && (end < k || sorted[end].squaredDistance == sorted[k - 1].squaredDistance) {
            end += 1
        }
        return Array(sorted[..<end])
    }

    static func within(_ sorted: [PointIndex.Neighbor], radius: Double) -> [PointIndex.Neighbor] {
        Array(sorted.prefix { $0.squaredDistance <= radius * radius })
    }
}

/// Random points in a square, uniformly or on an integer grid (with many duplicates and exact ties).
func randomPoints(_ n: Int, grid: Bool, size: Double, origin: Coordinate = Coordinate(x: 0, y: 0), using rng: inout SplitMix64) -> [Coordinate] {
    (0..<n).map { _ in
        if grid {
            let side = UInt64(size)
            return Coordinate(x: origin.x + Double(rng.next() % side), y: origin.y + Double(rng.next() % side))
        }
        return Coordinate(x: origin.x + Double.random(in: 0..<size, using: &rng), y: origin.y + Double.random(in: 0..<size, using: &rng))
    }
}

/// Queries around and beyond the points: on grid nodes, half-way between them, and outside the box.
func randomQueries(_ n: Int, grid: Bool, size: Double, origin: Coordinate = Coordinate(x: 0, y: 0), using rng: inout SplitMix64) -> [Coordinate] {
    (0..<n).map { _ in
        if grid {
            let side = UInt64(size) * 2 + 8
            return Coordinate(x: origin.x + Double(rng.next() % side) / 2 - 4, y: origin.y + Double(rng.next() % side) / 2 - 4)
        }
        return Coordinate(x: origin.x + Double.random(in: -0.2 * size..<1.2 * size, using: &rng), y: origin.y + Double.random(in: -0.2 * size..<1.2 * size, using: &rng))
    }
}

@Suite("PointIndex: k-d tree nearest and within, checked against brute force")
struct PointIndexTests {
    @Test("k nearest (k 1...5) equals brute force, ties included, on uniform and grid points",
          .enabled(if: !underThreadSanitizer, "one query at a time on one thread: nothing for ThreadSanitizer to see"), arguments: [1, 2, 8, 33])
    func nearestMatchesBruteForce(leafSize: Int) throws {
        for (seed, grid) in [(UInt64(1), false), (2, true), (3, true)] {
            var rng = SplitMix64(seed: seed &* 7919 &+ UInt64(leafSize))
            let size: Double = grid ? 24 : 1000
            // Projected-metre magnitudes (EPSG:4547 northings are about 4e6) exercise rounding.
            let origin = Coordinate(x: 400_000, y: 4_000_000)
            let points = randomPoints(1200, grid: grid, size: size, origin: origin, using: &rng)
            let index = try PointIndex(points, leafSize: leafSize)
            let brute = BruteForce(points: points, categories: nil)
            var sawTies = false
            for q in randomQueries(150, grid: grid, size: size, origin: origin, using: &rng) {
                let sorted = brute.candidates(q)
                for k in 1...5 {
                    let expected = BruteForce.nearest(sorted, k: k)
                    let got = index.nearest(to: q, k: k)
                    #expect(got == expected, "seed \(seed) leaf \(leafSize) k \(k) query \(q)")
                    if expected.count > k { sawTies = true }
                }
            }
            if grid { #expect(sawTies, "grid data should produce ties at the k-th distance") }
        }
    }

    @Test("an index big enough to be built on two threads answers as brute force, on uniform and grid points")
    func twoThreadBuild() throws {
        for (seed, grid) in [(UInt64(41), false), (42, true)] {
            var rng = SplitMix64(seed: seed)
            let size: Double = grid ? 300 : 20_000
            let origin = Coordinate(x: 400_000, y: 4_000_000)
            let points = randomPoints(TreeBuilderLimits.twoThreadPoints + 7_000, grid: grid, size: size, origin: origin, using: &rng)
            let index = try PointIndex(points)
            let brute = BruteForce(points: points, categories: nil)
            // Queries well inside the points, where the three nearest lie within `bound` (about
            // 20 points on average), so that brute force need not sort all of them.
            let r = grid ? 3.0 : 150
            let bound = grid ? 16.0 : 200.0 * 200
            for _ in 0..<40 {
                let q = Coordinate(x: origin.x + Double.random(in: 0.1 * size..<0.9 * size, using: &rng).rounded() + (grid ? 0.5 : 0),
                                   y: origin.y + Double.random(in: 0.1 * size..<0.9 * size, using: &rng).rounded())
                let sorted = brute.candidates(q, bound: bound)
                #expect(sorted.count >= 3, "seed \(seed) query \(q): too few points near it to check")
                #expect(index.nearest(to: q, k: 3) == BruteForce.nearest(sorted, k: 3), "seed \(seed) query \(q)")
                #expect(index.within(radius: r, of: q) == BruteForce.within(sorted, radius: r), "seed \(seed) query \(q)")
            }
        }
    }

    @Test("duplicate points are all returned as ties, in index order")
    func duplicates() throws {
        var points = Array(repeating: Coordinate(x: 5, y: 5), count: 40)
        points += [Coordinate(x: 0, y: 0), Coordinate(x: 10, y: 10), Coordinate(x: 5, y: 6)]
        points += Array(repeating: Coordinate(x: 5, y: 5), count: 40)
        let index = try PointIndex(points, leafSize: 4)
        let got = index.nearest(to: Coordinate(x: 5, y: 5), k: 1)
        #expect(got.map(\.index) == Array(0..<40) + Array(43..<83))
        #expect(got.allSatisfy { $0.squaredDistance == 0 })
        let beyond = index.nearest(to: Coordinate(x: 5, y: 5), k: 81)
        #expect(beyond.count == 81)
        #expect(beyond.last == PointIndex.Neighbor(index: 42, squaredDistance: 1))
    }

    @Test("category and allowed-point filters equal brute force, with node pruning")
    func filters() throws {
        var rng = SplitMix64(seed: 42)
        let points = randomPoints(3000, grid: true, size: 40, using: &rng)
        // Six "kinds" (one bit each, kind 5 rare) and eight "services" (bits 8...15).
        let categories: [UInt64] = (0..<points.count).map { _ in
            let kind = rng.next() % 100 < 2 ? 5 : rng.next() % 5
            return (1 << kind) | ((rng.next() & 0xFF) << 8)
        }
        let allowed = (0..<points.count).map { _ in rng.next() % 3 == 0 }
        let index = try PointIndex(points, categories: categories, leafSize: 8)
        let brute = BruteForce(points: points, categories: categories)
        let cases: [(required: UInt64, anyOf: UInt64, allowed: [Bool]?)] = [
            (1 << 5, 0, nil),  // a rare kind
            (1 << 9 | 1 << 12, 0, nil),  // two services
            (0, 1 << 1 | 1 << 3, nil),  // either of two kinds
            (1 << 10, 1 << 0 | 1 << 2, nil),
            (0, 0, allowed),
            (1 << 8, 0, allowed),
            (1 << 40, 0, nil),  // no point has it
        ]
        for c in cases {
            let filter = c.allowed.map { PointIndex.Filter(allowing: $0, requiredBits: c.required, anyOfBits: c.anyOf) }
                ?? PointIndex.Filter(requiredBits: c.required, anyOfBits: c.anyOf)
            for q in randomQueries(60, grid: true, size: 40, using: &rng) {
                let sorted = brute.candidates(q, required: c.required, anyOf: c.anyOf, allowed: c.allowed)
                for k in [1, 3, 5] {
                    let expected = BruteForce.nearest(sorted, k: k)
                    #expect(index.nearest(to: q, k: k, filter: filter) == expected, "filter \(c.required) \(c.anyOf) k \(k) at \(q)")
                }
                #expect(index.within(radius: 6, of: q, filter: filter) == BruteForce.within(sorted, radius: 6))
            }
        }
    }

    @Test("an index without categories matches no category condition, but does match allowed points")
    func categoriesMissing() throws {
        let points = [Coordinate(x: 0, y: 0), Coordinate(x: 1, y: 0)]
        let index = try PointIndex(points)
        #expect(index.nearest(to: Coordinate(x: 0, y: 0), filter: PointIndex.Filter(requiredBits: 1)).isEmpty)
        #expect(index.nearest(to: Coordinate(x: 0, y: 0), filter: PointIndex.Filter(allowing: [false, true])).map(\.index) == [1])
    }

    @Test("maximum distance is inclusive and equals brute force")
    func maxDistance() throws {
        var rng = SplitMix64(seed: 7)
        let points = randomPoints(1500, grid: true, size: 30, using: &rng)
        let index = try PointIndex(points)
        let brute = BruteForce(points: points, categories: nil)
        for q in randomQueries(100, grid: true, size: 30, using: &rng) {
            let sorted = brute.candidates(q)
            for maxDistance in [0, 0.5, 1, 2, 2.5, 5, 40] {
                for k in [1, 4] {
                    #expect(index.nearest(to: q, k: k, maxDistance: maxDistance) == BruteForce.nearest(sorted, k: k, maxDistance: maxDistance))
                }
            }
        }
        // Exactly at the limit counts; just short of it does not.
        let pair = try PointIndex([Coordinate(x: 3, y: 4)])
        #expect(pair.nearest(to: Coordinate(x: 0, y: 0), maxDistance: 5).map(\.distance) == [5])
        #expect(pair.nearest(to: Coordinate(x: 0, y: 0), maxDistance: 4.999).isEmpty)
        #expect(pair.nearest(to: Coordinate(x: 0, y: 0), maxDistance: -1).isEmpty)
        #expect(pair.nearest(to: Coordinate(x: 0, y: 0), maxDistance: .nan).isEmpty)
    }

    @Test("within a radius equals brute force, nearest first", arguments: [false, true])
    func withinMatchesBruteForce(grid: Bool) throws {
        var rng = SplitMix64(seed: grid ? 11 : 12)
        let size: Double = grid ? 30 : 1000
        let points = randomPoints(2000, grid: grid, size: size, using: &rng)
        let index = try PointIndex(points)
        let brute = BruteForce(points: points, categories: nil)
        for q in randomQueries(100, grid: grid, size: size, using: &rng) {
            let sorted = brute.candidates(q)
            for radius in [0, 1, 3.5, size / 10, size / 3] {
                #expect(index.within(radius: radius, of: q) == BruteForce.within(sorted, radius: radius))
            }
        }
        #expect(index.within(radius: -1, of: Coordinate(x: 1, y: 1)).isEmpty)
        #expect(index.within(radius: .infinity, of: Coordinate(x: 1, y: 1)).count == points.count)
    }

    @Test("an empty index answers every query with nothing")
    func emptyIndex() throws {
        let index = try PointIndex([])
        #expect(index.isEmpty)
        #expect(index.nearest(to: Coordinate(x: 0, y: 0), k: 3).isEmpty)
        #expect(index.within(radius: 1e9, of: Coordinate(x: 0, y: 0)).isEmpty)
        var batch = NeighborBatch()
        index.nearest(to: Array(repeating: Coordinate(x: 1, y: 2), count: 5000), into: &batch)
        #expect(batch.queryCount == 5000)
        #expect(batch.offsets.allSatisfy { $0 == 0 })
        #expect(batch.indices.isEmpty)
    }

    @Test("a single point is every query's nearest, at its exact distance")
    func singlePoint() throws {
        let index = try PointIndex([Coordinate(x: 10, y: 20)])
        #expect(index.nearest(to: Coordinate(x: 13, y: 24)) == [PointIndex.Neighbor(index: 0, squaredDistance: 25)])
        #expect(index.nearest(to: Coordinate(x: 13, y: 24), k: 5).map(\.index) == [0])
        #expect(index.nearest(to: Coordinate(x: 10, y: 20)).first?.distance == 0)
        #expect(index.nearest(to: Coordinate(x: 13, y: 24), maxDistance: 4).isEmpty)
        #expect(index.within(radius: 5, of: Coordinate(x: 13, y: 24)).map(\.index) == [0])
        #expect(index.nearest(to: Coordinate(x: 13, y: 24), k: 0).isEmpty)
    }

    @Test("non-finite queries find nothing; non-finite points and mismatched categories are rejected")
    func badInput() throws {
        let index = try PointIndex([Coordinate(x: 0, y: 0), Coordinate(x: 1, y: 1)])
        #expect(index.nearest(to: Coordinate(x: .nan, y: 0)).isEmpty)
        #expect(index.nearest(to: Coordinate(x: .infinity, y: 0)).isEmpty)
        #expect(index.within(radius: 10, of: Coordinate(x: 0, y: -.infinity)).isEmpty)
        #expect(throws: GeoError.self) { _ = try PointIndex([Coordinate(x: 0, y: .nan)]) }
        #expect(throws: GeoError.self) { _ = try PointIndex([Coordinate(x: 0, y: 0)], categories: [1, 2]) }
    }

    @Test("batch answers equal single answers, in input order, across threads and reused buffers")
    func batchEqualsSingle() throws {
        var rng = SplitMix64(seed: 99)
        let points = randomPoints(4000, grid: true, size: 60, using: &rng)
        let categories: [UInt64] = (0..<points.count).map { _ in 1 << (rng.next() % 4) }
        let index = try PointIndex(points, categories: categories)
        // Enough queries to be split into several parts on the worker threads.
        var queries = randomQueries(20_000, grid: true, size: 60, using: &rng)
        // Non-finite queries get no neighbours and do not disturb their neighbours' answers.
        queries[17] = Coordinate(x: .nan, y: 3)
        queries[18_000] = Coordinate(x: 5, y: .infinity)
        var batch = NeighborBatch()
        let filter = PointIndex.Filter(anyOfBits: 0b0101)
        for k in [1, 3] {
            index.nearest(to: queries, k: k, filter: filter, maxDistance: 9, into: &batch)
            #expect(batch.queryCount == queries.count)
            var mismatches = 0
            for (i, q) in queries.enumerated() where batch.neighbors(ofQuery: i) != index.nearest(to: q, k: k, filter: filter, maxDistance: 9) {
                mismatches += 1
            }
            #expect(mismatches == 0, "k \(k)")
            #expect(batch.range(ofQuery: 17).isEmpty && batch.range(ofQuery: 18_000).isEmpty)
        }
        // Streaming: a smaller chunk through the same output replaces the previous results.
        let chunk = queries[5000..<5300]
        index.within(radius: 4, of: chunk, into: &batch)
        #expect(batch.queryCount == chunk.count)
        for (i, q) in chunk.enumerated() {
            #expect(batch.neighbors(ofQuery: i) == index.within(radius: 4, of: q))
        }
        #expect(batch.offsets.last == batch.indices.count)
        #expect(batch.indices.count == batch.squaredDistances.count)
        // A short batch is answered in input order rather than spatial order: same answers.
        let short = queries[100..<200]
        index.nearest(to: short, k: 2, into: &batch)
        #expect(batch.queryCount == short.count)
        for (i, q) in short.enumerated() {
            #expect(batch.neighbors(ofQuery: i) == index.nearest(to: q, k: 2))
        }
        // A batch that finds nothing after bigger ones: every row empty, no stale results.
        let far = (0..<9000).map { Coordinate(x: 1_000 + Double($0), y: -1_000) }
        index.within(radius: 1, of: far, into: &batch)
        #expect(batch.queryCount == far.count && batch.offsets.allSatisfy { $0 == 0 })
        #expect(batch.indices.isEmpty && batch.squaredDistances.isEmpty)
        // Then one longer than the last but within the room the first left (the arrays grow in
        // place): the same answers as one at a time.
        let again = queries[1000..<16_000]
        index.within(radius: 3, of: again, into: &batch)
        #expect(batch.queryCount == again.count)
        var mismatches = 0
        for (i, q) in again.enumerated() where batch.neighbors(ofQuery: i) != index.within(radius: 3, of: q) { mismatches += 1 }
        #expect(mismatches == 0)
        #expect(batch.offsets.last == batch.indices.count && batch.indices.count == batch.squaredDistances.count)
    }

    @Test("the radix sort behind spatial answering order sorts by the high word and is stable")
    func radixSort() {
        var rng = SplitMix64(seed: 5)
        for n in [0, 1, 2, 300, 5000] {
            // Few distinct keys (many equal) in some bytes only, so that passes are skipped too.
            var values: [UInt64] = []
            for i in 0..<n {
                let high: UInt64 = (rng.next() % 50) << 8 | (rng.next() % 3)
                values.append(high << 32 | UInt64(i))
            }
            let expected = values.sorted { ($0 >> 32, $0 & 0xFFFF_FFFF) < ($1 >> 32, $1 & 0xFFFF_FFFF) }
            var scratch = [UInt64](repeating: 0, count: n)
            values.withUnsafeMutableBufferPointer { v in
                scratch.withUnsafeMutableBufferPointer { radixSortByHighWord(v, scratch: $0) }
            }
            #expect(values == expected, "n \(n)")
        }
    }
}
