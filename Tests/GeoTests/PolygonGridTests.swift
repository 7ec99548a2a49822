import Foundation
import Testing
import Geo

/// `PolygonIndex` answers point lookups through a grid with GEOS only near boundaries; these tests
/// compare every answer with GEOS's prepared `covers` asked polygon by polygon.
@Suite("PolygonIndex grid: the same polygons as GEOS for every point")
struct PolygonGridTests {
    /// A small deterministic generator (SplitMix64), so that a failure can be replayed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func between(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }
    }

    /// Points to try: uniform in (a little beyond) the polygons' extent, every vertex, points a
    /// few units in the last place from vertices, midpoints of edges, points on the segments'
    /// lines, and the extent's own corners and edges.
    static func probes(_ geometries: [Geometry], count: Int, seed: UInt64) -> [Coordinate] {
        var random = Random(state: seed)
        let all = geometries.flatMap(\.allCoordinates)
        let minX = all.map(\.x).min()!, maxX = all.map(\.x).max()!
        let minY = all.map(\.y).min()!, maxY = all.map(\.y).max()!
        let dx = maxX - minX, dy = maxY - minY
        var out: [Coordinate] = [
            Coordinate(x: minX, y: minY), Coordinate(x: maxX, y: maxY), Coordinate(x: minX, y: maxY), Coordinate(x: maxX, y: minY),
            Coordinate(x: minX, y: (minY + maxY) / 2), Coordinate(x: maxX, y: (minY + maxY) / 2),
            Coordinate(x: minX.nextDown, y: (minY + maxY) / 2), Coordinate(x: (minX + maxX) / 2, y: maxY.nextUp),
        ]
        for _ in 0..<count {
            out.append(Coordinate(x: random.between(minX - dx * 0.02, maxX + dx * 0.02), y: random.between(minY - dy * 0.02, maxY + dy * 0.02)))
        }
        for (k, c) in all.enumerated() {
            out.append(c)
            out.append(Coordinate(x: c.x.nextUp, y: c.y))
            out.append(Coordinate(x: c.x, y: c.y.nextDown))
            out.append(Coordinate(x: c.x.nextDown.nextDown, y: c.y.nextUp))
            if k + 1 < all.count {
                let d = all[k + 1]
                out.append(Coordinate(x: (c.x + d.x) / 2, y: (c.y + d.y) / 2))
                let t = random.unit()
                out.append(Coordinate(x: c.x + (d.x - c.x) * t, y: c.y + (d.y - c.y) * t))
            }
        }
        return out
    }

    /// Every probe gets from the index exactly the polygons GEOS says cover it; returns how many
    /// probes were covered by some polygon and how many by none (so a test can check it tried both).
    @discardableResult
    static func compare(_ geometries: [Geometry], _ points: [Coordinate]) throws -> (inside: Int, outside: Int) {
        let index = try PolygonIndex(geometries)
        let prepared = try geometries.map { try PreparedGeometry($0) }
        // GEOS polygon by polygon, for those whose envelope holds the point (no other can cover it).
        let boxes = geometries.map { $0.envelope! }
        var inside = 0, outside = 0, wrong = 0
        for p in points {
            var expected: [Int] = []
            for i in boxes.indices where p.x >= boxes[i].minX && p.x <= boxes[i].maxX && p.y >= boxes[i].minY && p.y <= boxes[i].maxY {
                if try prepared[i].covers(p) { expected.append(i) }
            }
            let got = try index.covering(p)
            let first = try index.firstCovering(p)
            if got != expected || first != expected.first {
                wrong += 1
                if wrong <= 5 { Issue.record("(\(p.x), \(p.y)): index says \(got) (first \(String(describing: first))), GEOS says \(expected)") }
            }
            if expected.isEmpty { outside += 1 } else { inside += 1 }
        }
        #expect(wrong == 0)
        return (inside, outside)
    }

    static func layer(_ path: String) throws -> [Geometry] {
        let layer = try GeoJSONReader.read(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
        return layer.features.compactMap(\.geometry).filter { !$0.polygons.isEmpty }
    }

    /// The published county boundaries in the test-data folder beside the repository (CI links it
    /// there), when present.
    static let published = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/testdata/changzhi-districts-datav-gcj02.geojson").path

    @Test("published county boundaries of Changzhi: random points, vertices, points beside them and on edges",
          .enabled(if: FileManager.default.fileExists(atPath: published)))
    func publishedBoundaries() throws {
        let geometries = try PolygonGridTests.layer(PolygonGridTests.published)
        #expect(geometries.count >= 12)
        let (inside, outside) = try PolygonGridTests.compare(geometries, PolygonGridTests.probes(geometries, count: 60_000, seed: 1))
        #expect(inside > 10_000)
        #expect(outside > 1_000)
    }

    @Test("the bundled districts, in lon/lat and projected")
    func bundledDistricts() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let geometries = try PolygonGridTests.layer(root.appendingPathComponent("geodata/changzhi/districts.geojson").path)
        #expect(!geometries.isEmpty)
        try PolygonGridTests.compare(geometries, PolygonGridTests.probes(geometries, count: 30_000, seed: 2))
        let t = try CoordinateTransformer(from: .wgs84, to: .epsg(4547))
        let projected = try geometries.map { g in try g.mapCoordinates { try t.transform($0) } }
        try PolygonGridTests.compare(projected, PolygonGridTests.probes(projected, count: 30_000, seed: 3))
    }

    @Test("holes, multipolygon parts, overlapping zones, and points on hole and part boundaries")
    func holesPartsOverlaps() throws {
        func ring(_ pts: [(Double, Double)]) -> [Coordinate] { (pts + [pts[0]]).map { Coordinate(x: $0.0, y: $0.1) } }
        let withHole = Geometry.polygon(Polygon(exterior: ring([(0, 0), (10, 0), (10, 10), (0, 10)]),
                                                holes: [ring([(3, 3), (3, 7), (7, 7), (7, 3)])]))
        let parts = Geometry.multiPolygon([
            Polygon(exterior: ring([(10, 0), (20, 0), (20, 5), (10, 5)])),
            Polygon(exterior: ring([(12, 6), (19, 6), (15.5, 9.75)])),
            Polygon(exterior: ring([(4, 4), (6, 4), (6, 6), (4, 6)])),  // an island in the hole
        ])
        let zone = Geometry.polygon(Polygon(exterior: ring([(5, -1), (15, 2.5), (8.25, 11)])))
        let geometries = [withHole, parts, zone]
        var points = PolygonGridTests.probes(geometries, count: 40_000, seed: 4)
        // On the hole's edges, the island's edges, shared edges of the parts and of the square.
        for k in 0...40 {
            let t = Double(k) / 40
            points += [Coordinate(x: 3, y: 3 + 4 * t), Coordinate(x: 3 + 4 * t, y: 7), Coordinate(x: 4 + 2 * t, y: 4),
                       Coordinate(x: 10, y: 5 * t), Coordinate(x: 10 + 10 * t, y: 5), Coordinate(x: 12 + 7 * t, y: 6)]
        }
        let (inside, outside) = try PolygonGridTests.compare(geometries, points)
        #expect(inside > 0 && outside > 0)
        let index = try PolygonIndex(geometries)
        #expect(try index.covering(Coordinate(x: 5, y: 5)) == [1])  // the island, not the square's hole
        #expect(try index.covering(Coordinate(x: 3.5, y: 5)).isEmpty)  // in the hole
        #expect(try index.covering(Coordinate(x: 10, y: 2.5)) == [0, 1, 2])  // the square's and the part's shared edge, in the zone
    }

    @Test("thousands of small polygons (found through the tree), with points on the shared edges")
    func thousandsOfPolygons() throws {
        var random = Random(state: 5)
        var geometries: [Geometry] = []
        for i in 0..<30 {
            for j in 0..<30 {
                // Jittered squares: neighbours share no edge exactly, some overlap, some leave gaps.
                let x = Double(i) * 0.01 + 113, y = Double(j) * 0.01 + 36
                let w = 0.01 + random.between(-0.0005, 0.0005), h = 0.01 + random.between(-0.0005, 0.0005)
                geometries.append(.polygon(Envelope(minX: x, minY: y, maxX: x + w, maxY: y + h).polygon))
            }
        }
        let (inside, outside) = try PolygonGridTests.compare(geometries, PolygonGridTests.probes(geometries, count: 10_000, seed: 6))
        #expect(inside > 0 && outside > 0)
    }

    @Test("long diagonal edges across many cells, and a sliver")
    func longEdges() throws {
        let triangle = Geometry.polygon(Polygon(exterior: [
            Coordinate(x: 400_000, y: 4_000_000), Coordinate(x: 480_000, y: 4_010_000), Coordinate(x: 401_000, y: 4_090_000), Coordinate(x: 400_000, y: 4_000_000),
        ]))
        let sliver = Geometry.polygon(Polygon(exterior: [
            Coordinate(x: 400_000, y: 4_000_000), Coordinate(x: 480_000, y: 4_090_000), Coordinate(x: 480_000, y: 4_090_000.001), Coordinate(x: 400_000, y: 4_000_000),
        ]))
        var points = PolygonGridTests.probes([triangle, sliver], count: 40_000, seed: 7)
        var random = Random(state: 8)
        for _ in 0..<5_000 {
            // On (or a rounding away from) the long edges.
            let t = random.unit()
            points.append(Coordinate(x: 400_000 + 80_000 * t, y: 4_000_000 + 10_000 * t))
            points.append(Coordinate(x: 480_000 - 79_000 * t, y: 4_010_000 + 80_000 * t))
            points.append(Coordinate(x: 400_000 + 80_000 * t, y: 4_000_000 + 90_000 * t))
        }
        try PolygonGridTests.compare([triangle, sliver], points)
    }

    @Test("polygons whose extent overflows a Double (±1e308) are answered by GEOS alone, without a crash")
    func extremeExtent() throws {
        let huge = Geometry.polygon(Envelope(minX: -1e308, minY: -1e308, maxX: 1e308, maxY: 1e308).polygon)
        let small = Geometry.polygon(Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1).polygon)
        let points = [Coordinate(x: 0.5, y: 0.5), Coordinate(x: 2, y: 2), Coordinate(x: -1e307, y: 1e307), Coordinate(x: 1e308, y: 0)]
        try PolygonGridTests.compare([huge, small], points)
    }
}
