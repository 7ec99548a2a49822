import TestSupport
import Testing
@testable import Geo

/// `withinRows` must give the batch's rows (`within(radius:of:filter:into:)`) exactly: the same
/// neighbours in the same order, each distance the square root of the batch's squared one.
@Suite("PointIndex.withinRows: the within batch as 32-bit rows and distances, counted then written")
struct NeighborRowsTests {
    func expectSameRows(_ rows: NeighborRows, _ batch: NeighborBatch, _ label: String) {
        #expect(rows.queryCount == batch.queryCount, "\(label)")
        #expect(rows.offsets == batch.offsets, "\(label)")
        #expect(rows.indices.count == batch.indices.count && rows.distances.count == batch.indices.count, "\(label)")
        guard rows.indices.count == batch.indices.count, rows.distances.count == batch.indices.count else { return }
        var mismatches = 0
        for e in batch.indices.indices
        where Int(rows.indices[e]) != batch.indices[e] || rows.distances[e] != batch.squaredDistances[e].squareRoot() {
            mismatches += 1
        }
        #expect(mismatches == 0, "\(label)")
    }

    @Test("several parts in spatial order, with filters, non-finite and far queries: the batch's rows", arguments: [2, 8])
    func manyParts(leafSize: Int) throws {
        var rng = SplitMix64(seed: 2026_1201 &+ UInt64(leafSize))
        // Clustered points with duplicates: ties at equal distances must keep the index order.
        var points = randomPoints(3000, grid: true, size: 80, using: &rng)
        points += points[0..<200]
        let categories: [UInt64] = (0..<points.count).map { _ in 1 << (rng.next() % 4) }
        let index = try PointIndex(points, categories: categories, leafSize: leafSize)
        // 30,000 queries: several parts on the worker threads, each answered in spatial order.
        var queries = randomQueries(30_000, grid: false, size: 80, using: &rng)
        queries[3] = Coordinate(x: .nan, y: 1)
        queries[29_999] = Coordinate(x: -.infinity, y: 4)
        queries[12_345] = Coordinate(x: 1e7, y: 1e7)
        let allowed = (0..<points.count).map { _ in rng.next() % 3 != 0 }
        let filters: [(String, PointIndex.Filter)] = [
            ("all", .all), ("any of two kinds", PointIndex.Filter(anyOfBits: 0b0101)),
            ("allowed", PointIndex.Filter(allowing: allowed)), ("a bit no point has", PointIndex.Filter(requiredBits: 1 << 40)),
        ]
        var batch = NeighborBatch()
        // Under ThreadSanitizer (whose interest is the parts on the worker threads, not the
        // comparisons, slow there) one filter and radius a leaf size (kinds at 2.5, the
        // allowed set at 7), and no brute force.
        let cases = filters.flatMap { f in [0.0, 2.5, 7.0].map { (f.0, f.1, $0) } }
        for (k, (name, filter, radius)) in cases.enumerated() where !underThreadSanitizer || k == (leafSize == 2 ? 4 : 8) {
            let rows = index.withinRows(radius: radius, of: queries, filter: filter)
            index.within(radius: radius, of: queries, filter: filter, into: &batch)
            expectSameRows(rows, batch, "\(name) r \(radius)")
            #expect(rows.offsets[4] == rows.offsets[3] && rows.offsets[30_000] == rows.offsets[29_999])
        }
        // Independently of the batch: the first queries against every point.
        guard !underThreadSanitizer else { return }
        let brute = BruteForce(points: points, categories: categories)
        let rows = index.withinRows(radius: 5, of: queries)
        #expect(rows.indices.count > 30_000)
        for i in 0..<300 where queries[i].x.isFinite {
            let expected = brute.candidates(queries[i], bound: 25)
            let got = rows.offsets[i]..<rows.offsets[i + 1]
            #expect(got.map { Int(rows.indices[$0]) } == expected.map(\.index), "query \(i)")
            #expect(got.map { rows.distances[$0] } == expected.map { $0.squaredDistance.squareRoot() }, "query \(i)")
        }
    }

    @Test("one short part in input order, a collection that is not an array, and the empty cases")
    func shortAndEmpty() throws {
        var rng = SplitMix64(seed: 77)
        let points = randomPoints(500, grid: false, size: 30, using: &rng)
        let index = try PointIndex(points)
        let queries = randomQueries(100, grid: false, size: 30, using: &rng)
        var batch = NeighborBatch()
        index.within(radius: 4, of: queries, into: &batch)
        expectSameRows(index.withinRows(radius: 4, of: queries), batch, "short")
        // A lazy collection (no contiguous storage) gives the same rows.
        expectSameRows(index.withinRows(radius: 4, of: queries.lazy.map { $0 }), batch, "lazy")
        for radius in [-1.0, .nan] {
            let rows = index.withinRows(radius: radius, of: queries)
            #expect(rows.offsets == [Int](repeating: 0, count: 101) && rows.indices.isEmpty && rows.distances.isEmpty)
        }
        #expect(index.withinRows(radius: 4, of: [Coordinate]()).offsets == [0])
        let infinite = index.withinRows(radius: .infinity, of: queries[0..<3])
        #expect(infinite.offsets == [0, 500, 1000, 1500])
        let empty = try PointIndex([])
        #expect(empty.withinRows(radius: 1e9, of: queries).offsets == [Int](repeating: 0, count: 101))
        // Categories asked of an index built without them: nothing matches.
        #expect(index.withinRows(radius: 1e9, of: queries, filter: PointIndex.Filter(requiredBits: 1)).indices.isEmpty)
    }
}
