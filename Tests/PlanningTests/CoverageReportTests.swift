import TestSupport
import Foundation
import Geo
import Optimization
import Planning
import Stations
import Testing

@Suite("coverage: covered and served against brute force, capacity, borders")
struct CoverageReportTests {
    static func randomBuilder(seed: UInt64) -> DatasetBuilder {
        var rng = SplitMix64(seed: seed)
        var b = DatasetBuilder()
        b.districts = [("W", DatasetBuilder.box(113.0, 36.0, 113.05, 36.05)), ("E", DatasetBuilder.box(113.05, 36.0, 113.1, 36.05))]
        let kinds = ["warm_station", "union_station", "rider_station", "charging_point", "partner_venue"]
        b.stations = (0..<25).map { i in
            ("s\(i)", kinds[Int.random(in: 0..<kinds.count, using: &rng)], Int.random(in: 0...6, using: &rng),
             Double.random(in: 113.0...113.1, using: &rng), Double.random(in: 36.0...36.05, using: &rng))
        }
        b.demand = (0..<150).map { i in
            ("d\(i)", Double(Int.random(in: 1...5, using: &rng)), Double.random(in: 113.0...113.1, using: &rng), Double.random(in: 36.0...36.05, using: &rng))
        }
        b.radius = 800
        return b
    }

    @Test("covered equals a brute-force distance check; served equals an independent max flow", arguments: [1, 2, 3, 4] as [UInt64])
    func bruteForce(seed: UInt64) throws {
        let data = try CoverageReportTests.randomBuilder(seed: seed).load()
        let demand = try DemandModel(data)
        let report = try CoverageReport(dataset: data, demand: demand, radiusM: 800)
        let rest = data.stations.indices.filter { data.stations[$0].kind.offersRest }
        var rows: [[Int]] = []
        var covered = 0.0
        for (u, unit) in demand.units.enumerated() {
            let reach = rest.indices.filter { j in
                let s = data.stations[rest[j]].projected
                let dx = s.x - unit.projected.x, dy = s.y - unit.projected.y
                return dx * dx + dy * dy <= 800 * 800
            }
            rows.append(reach)
            #expect(report.unitCovered[u] == !reach.isEmpty)
            if !reach.isEmpty { covered += unit.weight }
        }
        #expect(abs(report.total.covered - covered) < 1e-9)
        // A seat holds riders_per_seat riders (6 with the manifest's defaults).
        let ridersPerSeat = data.manifest.ridersPerSeat
        #expect(ridersPerSeat == 6)
        let expectedServed = referenceMaxFlow(weights: demand.units.map(\.weight), capacities: rest.map { Double(data.seats(of: data.stations[$0])) * ridersPerSeat }, rows: rows)
        #expect(abs(report.total.served - expectedServed) < 1e-6)
        #expect(report.total.served <= report.total.covered + 1e-9)
        #expect(report.total.served <= Double(report.total.seats) * ridersPerSeat + 1e-9)
        // Districts partition the demand here (no zones), so their sums are the total.
        #expect(abs(report.rows.reduce(0) { $0 + $1.served } + report.outside.served - report.total.served) < 1e-6)
    }

    @Test("where nearest-first assignment serves 6, the maximum flow serves 12")
    func beatsNearestFirst() throws {
        // a is within reach of both stations (nearest: s2); b only of s2. One seat each, which
        // holds 6 riders (riders per seat with the default stay and visits); 6 riders at a and b.
        // Nearest-first sends a to s2, which leaves b unserved; the maximum sends a to s1.
        var b = DatasetBuilder()
        b.districts = [("D", DatasetBuilder.box(113.0, 36.0, 113.1, 36.05))]
        b.stations = [("s1", "warm_station", 1, 113.030, 36.02), ("s2", "warm_station", 1, 113.042, 36.02)]
        b.demand = [("a", 6, 113.037, 36.02), ("b", 6, 113.050, 36.02)]
        b.radius = 800
        let data = try b.load()
        let report = try CoverageReport(dataset: data, demand: try DemandModel(data), radiusM: 800)
        #expect(report.total.covered == 12)
        #expect(report.total.served == 12)
        let s2 = report.stationUse.first { data.stations[$0.station].id == "s2" }!
        #expect(s2.nearestDemand == 12 && s2.isOverloaded && s2.pressure == 2)  // all 12 riders have s2 as nearest
        #expect(report.total.overloaded == ["s2"])
    }

    @Test("a station covers demand across the district border; each district counts its own demand")
    func acrossBorders() throws {
        var b = DatasetBuilder()
        b.districts = [("W", DatasetBuilder.box(113.0, 36.0, 113.05, 36.05)), ("E", DatasetBuilder.box(113.05, 36.0, 113.1, 36.05))]
        b.stations = [("w1", "union_station", 10, 113.048, 36.02)]
        b.demand = [("e1", 3, 113.053, 36.02), ("w", 2, 113.046, 36.02), ("far", 4, 113.09, 36.04)]
        let data = try b.load()
        let report = try CoverageReport(dataset: data, demand: try DemandModel(data), radiusM: 1000)
        let west = report.rows.first { $0.id == "W" }!, east = report.rows.first { $0.id == "E" }!
        #expect(east.demand == 7 && east.covered == 3 && east.served == 3 && east.seats == 0)
        #expect(west.demand == 2 && west.covered == 2 && west.seats == 10 && west.load == 5)
    }

    @Test("a commercial area's peak riders are spread over cells inside it")
    func areaDemand() throws {
        var b = DatasetBuilder()
        b.districts = [("D", DatasetBuilder.box(113.0, 36.0, 113.1, 36.05))]
        let folder = try b.write()
        defer { try? FileManager.default.removeItem(at: folder) }
        try DatasetBuilder.collection([DatasetBuilder.feature("\"id\":\"ca\",\"name\":\"街\",\"peak_riders\":30",
            "{\"type\":\"Polygon\",\"coordinates\":[[[113.02,36.02],[113.025,36.02],[113.025,36.024],[113.02,36.024],[113.02,36.02]]]}")])
            .write(to: folder.appendingPathComponent("commercial_areas.geojson"), atomically: true, encoding: .utf8)
        let data = try DatasetLoader.load(DatasetSource(folder: folder.path))
        let demand = try DemandModel(data, areaCellM: 100)
        let cells = demand.units.filter { if case .area = $0.origin { return true } else { return false } }
        #expect(cells.count >= 12 && cells.count <= 30)  // about 450 m x 440 m in 100 m cells
        #expect(abs(cells.reduce(0) { $0 + $1.weight } - 30) < 1e-9)
        #expect(cells.allSatisfy { $0.divisions == [0] })
    }
}
