import TestSupport
import Foundation
import Geo
import Planning
import Stations
import Testing

@Suite("demand model: units in id order, each in its divisions")
struct DemandModelTests {
    /// Two districts side by side and a zone over both; commercial areas whose cell ids ("m5#1" …)
    /// fall between the points' ids ("m4", "m5", "m50" …); enough points for the model to be
    /// built in more than one part.
    static func builder(points: Int, seed: UInt64) -> DatasetBuilder {
        var rng = SplitMix64(seed: seed)
        var b = DatasetBuilder()
        b.districts = [("W", DatasetBuilder.box(113.0, 36.0, 113.05, 36.05)), ("E", DatasetBuilder.box(113.05, 36.0, 113.1, 36.05))]
        b.demand = (0..<points).map { i in
            ("m\(i)", Double(Int.random(in: 1...9, using: &rng)), Double.random(in: 112.99...113.11, using: &rng), Double.random(in: 36.0...36.05, using: &rng))
        }
        b.areas = [("m5", 40, DatasetBuilder.box(113.01, 36.01, 113.015, 36.013)),
                   ("m49999", 12, DatasetBuilder.box(113.048, 36.02, 113.052, 36.022)),
                   ("a", 7, DatasetBuilder.box(113.09, 36.04, 113.092, 36.041)),
                   ("zz", 9, DatasetBuilder.box(113.03, 36.03, 113.031, 36.031))]
        return b
    }

    /// The units an independent reading gives: every point and every area cell, each with the
    /// districts whose polygon covers it, sorted by (id, point before cell, index).
    static func expected(_ data: Dataset, areaCellM: Double) throws -> [(id: String, weight: Double, origin: DemandModel.Unit.Origin, divisions: [Int])] {
        let polygons = try data.districts.map { try PreparedGeometry($0.projected) }
        func divisions(_ c: Coordinate) throws -> [Int] { try polygons.indices.filter { try polygons[$0].covers(c) } }
        var out: [(id: String, weight: Double, origin: DemandModel.Unit.Origin, divisions: [Int])] = []
        for (i, p) in data.demand.enumerated() { out.append((p.id, p.weight, .point(i), try divisions(p.projected))) }
        for (i, a) in data.commercialAreas.enumerated() {
            // The centres of the grid's cells (multiples of areaCellM) the area covers, row by row.
            let prepared = try PreparedGeometry(a.projected)
            let env = a.projected.envelope!
            var cells: [Coordinate] = []
            var y = (env.minY / areaCellM).rounded(.down) * areaCellM + areaCellM / 2
            while y <= env.maxY {
                var x = (env.minX / areaCellM).rounded(.down) * areaCellM + areaCellM / 2
                while x <= env.maxX {
                    if try prepared.covers(Coordinate(x: x, y: y)) { cells.append(Coordinate(x: x, y: y)) }
                    x += areaCellM
                }
                y += areaCellM
            }
            #expect(!cells.isEmpty)
            for (k, c) in cells.enumerated() {
                out.append(("\(a.id)#\(k + 1)", a.peakRiders! / Double(cells.count), .area(i), try divisions(c)))
            }
        }
        func key(_ o: DemandModel.Unit.Origin) -> (Int, Int) {
            switch o {
            case let .point(i): return (0, i)
            case let .area(i): return (1, i)
            }
        }
        return out.sorted { a, b in a.id != b.id ? a.id < b.id : key(a.origin) < key(b.origin) }
    }

    @Test("points in id order or shuffled, area cells among them: the same units, in id order, with their divisions and points", arguments: (underThreadSanitizer ? [1] : [1, 2]) as [UInt64])
    func order(seed: UInt64) throws {
        var b = DemandModelTests.builder(points: 140_000, seed: seed)
        let sorted = try b.load()
        var rng = SplitMix64(seed: seed + 100)
        b.demand.shuffle(using: &rng)
        let shuffled = try b.load()
        for data in [sorted, shuffled] {
            let model = try DemandModel(data, areaCellM: 100)
            let want = try DemandModelTests.expected(data, areaCellM: 100)
            #expect(model.units.count == want.count)
            // The first unit that differs, if any (not a dump of 140,000 ids).
            var differs: Int?
            for (k, (u, w)) in zip(model.units, want).enumerated() {
                let same = u.id == w.id && u.origin == w.origin && u.divisions == w.divisions && u.weight == w.weight
                if !same {
                    differs = k
                    break
                }
            }
            if let k = differs {
                Issue.record("unit \(k): \(model.units[k].id) \(model.units[k].origin), expected \(want[k].id) \(want[k].origin)")
            }
            #expect(model.points == model.units.map(\.projected))
            // Area cells sit between the points whose ids surround theirs.
            #expect(model.units.contains { $0.id == "m5#1" })
        }
        // The same units whatever the order of the points in the file.
        let a = try DemandModel(sorted, areaCellM: 100), c = try DemandModel(shuffled, areaCellM: 100)
        #expect(a.units.map(\.id) == c.units.map(\.id) && a.units.map(\.divisions) == c.units.map(\.divisions) && a.points == c.points)
    }

    @Test("setting the units remakes their points")
    func pointsFollowUnits() throws {
        let data = try DemandModelTests.builder(points: 50, seed: 3).load()
        var model = try DemandModel(data, areaCellM: 100)
        #expect(model.points == model.units.map(\.projected))
        model.units[0].projected = Coordinate(x: 1, y: 2)
        #expect(model.points[0] == Coordinate(x: 1, y: 2))
        model.units = Array(model.units.reversed())
        #expect(model.points == model.units.map(\.projected))
        let scaled = model.scaled(by: 0.5)
        #expect(scaled.points == model.points)
        #expect(scaled.units.map(\.weight) == model.units.map { $0.weight * 0.5 })
    }
}
