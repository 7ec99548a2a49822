import TestSupport
import Foundation
import Geo
import Planning
import Stations
import Testing

@Suite("planning in time: riders per seat, opening hours, demand profile, radius per district")
struct TimeCoverageTests {
    /// Opening hours with an independent answer to "open at hh:00?".
    static let hourChoices: [(text: String?, open: @Sendable (Int) -> Bool)] = [
        (nil, { _ in true }),
        ("24h", { _ in true }),
        ("08:00-20:00", { (8..<20).contains($0) }),
        ("22:00-06:00", { $0 >= 22 || $0 < 6 }),
        ("10:00-14:00,17:00-21:00", { (10..<14).contains($0) || (17..<21).contains($0) }),
    ]

    struct Instance {
        var builder: DatasetBuilder
        var openAt: [String: @Sendable (Int) -> Bool]
        var profile: [Double]
        var stayMin: Double
        var visitsPerHour: Double
    }

    static func instance(seed: UInt64) -> Instance {
        var rng = SplitMix64(seed: seed)
        var b = DatasetBuilder()
        b.districts = [("W", DatasetBuilder.box(113.0, 36.0, 113.05, 36.05)), ("E", DatasetBuilder.box(113.05, 36.0, 113.1, 36.05))]
        b.districtRadius = ["W": 500]
        b.radius = 900
        let kinds = ["warm_station", "union_station", "rider_station", "charging_point", "partner_venue"]
        var openAt: [String: @Sendable (Int) -> Bool] = [:]
        b.stations = (0..<20).map { i in
            let id = "s\(i)"
            let h = hourChoices[Int.random(in: 0..<hourChoices.count, using: &rng)]
            if let text = h.text { b.stationHours[id] = text }
            openAt[id] = h.open
            return (id, kinds[Int.random(in: 0..<kinds.count, using: &rng)], Int.random(in: 0...3, using: &rng),
                    Double.random(in: 113.0...113.12, using: &rng), Double.random(in: 36.0...36.05, using: &rng))
        }
        // Some demand east of both districts (113.1–113.12) takes the manifest's radius.
        b.demand = (0..<90).map { i in
            ("d\(i)", Double(Int.random(in: 1...12, using: &rng)), Double.random(in: 113.0...113.12, using: &rng), Double.random(in: 36.0...36.05, using: &rng))
        }
        var profile = (0..<24).map { _ in Double(Int.random(in: 0...10, using: &rng)) / 10 }
        profile[Int.random(in: 0..<24, using: &rng)] = 1
        let stay = [10.0, 20, 30][Int.random(in: 0..<3, using: &rng)]
        let visits = [0.5, 1, 2][Int.random(in: 0..<3, using: &rng)]
        b.manifestExtra = "\"stay_min\":\(stay),\"visits_per_hour\":\(visits),\"demand_profile\":[\(profile.map { "\($0)" }.joined(separator: ","))]"
        return Instance(builder: b, openAt: openAt, profile: profile, stayMin: stay, visitsPerHour: visits)
    }

    @Test("covered, served, least rider distance and each station's catchment equal an independent computation at every hour", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func independent(seed: UInt64) throws {
        let inst = TimeCoverageTests.instance(seed: seed)
        let data = try inst.builder.load()
        let ridersPerSeat = 60 / (inst.stayMin * inst.visitsPerHour)
        #expect(abs(data.manifest.ridersPerSeat - ridersPerSeat) < 1e-12)
        let peak = try DemandModel(data)
        let west = data.districts.firstIndex { $0.id == "W" }!
        for hour in [0, 3, 9, 12, 18, 23] {
            let time = PlanningTime(manifest: data.manifest, at: TimeOfDay(minutes: hour * 60))
            #expect(time.demandFactor == inst.profile[hour])
            let demand = peak.scaled(by: time.demandFactor)
            let report = try CoverageReport(dataset: data, demand: demand, radius: ServiceRadius(dataset: data), time: time)

            // Independently: rest stations (by kind here) open at hh:00, in id order; radius 500 m in W, 900 m elsewhere.
            let rest = data.stations.indices.filter { i in
                let s = data.stations[i]
                return s.kind != .chargingPoint && s.kind != .partnerVenue && inst.openAt[s.id]!(hour)
            }.sorted { data.stations[$0].id < data.stations[$1].id }
            var rows: [[Int]] = []
            var costs: [[Double]] = []
            var covered = 0.0
            var catchment = [Double](repeating: 0, count: rest.count)
            for unit in peak.units {
                let r = unit.divisions.contains(west) ? 500.0 : 900.0
                var best: (d: Double, j: Int)?
                var row: [Int] = []
                var cost: [Double] = []
                for (j, i) in rest.enumerated() {
                    let s = data.stations[i].projected
                    let d = ((s.x - unit.projected.x) * (s.x - unit.projected.x) + (s.y - unit.projected.y) * (s.y - unit.projected.y)).squareRoot()
                    guard d <= r else { continue }
                    row.append(j)
                    cost.append(d)
                    if best == nil || d < best!.d { best = (d, j) }
                }
                rows.append(row)
                costs.append(cost)
                let w = unit.weight * inst.profile[hour]
                if let best {
                    covered += w
                    catchment[best.j] += w
                }
            }
            let capacities = rest.map { Double(data.seats(of: data.stations[$0])) * ridersPerSeat }
            let served = referenceMaxFlow(weights: peak.units.map { $0.weight * inst.profile[hour] }, capacities: capacities, rows: rows)
            #expect(abs(report.total.covered - covered) < 1e-6, "seed \(seed) hour \(hour)")
            #expect(abs(report.total.served - served) < 1e-6, "seed \(seed) hour \(hour): \(report.total.served) vs \(served)")
            #expect(report.stationUse.map { data.stations[$0.station].id } == rest.map { data.stations[$0].id })
            for (j, use) in report.stationUse.enumerated() {
                #expect(abs(use.capacity - capacities[j]) < 1e-9)
                #expect(abs(use.nearestDemand - catchment[j]) < 1e-6, "seed \(seed) hour \(hour) station \(data.stations[use.station].id)")
                #expect(use.load <= use.capacity + 1e-9)
                #expect(use.isOverloaded == (catchment[j] > capacities[j] + 1e-9))
            }
            #expect(abs(report.stationUse.reduce(0) { $0 + $1.load } - served) < 1e-6)
            // Of the allocations that serve the most, the one with the least rider-metres.
            let reference = referenceMinCostMaxFlow(weights: peak.units.map { $0.weight * inst.profile[hour] }, capacities: capacities, rows: rows, costs: costs)
            #expect(abs(reference.flow - served) < 1e-6)
            #expect(abs(report.riderMetres - reference.cost) <= 1e-6 * max(1, reference.cost), "seed \(seed) hour \(hour): \(report.riderMetres) vs \(reference.cost)")
        }
    }

    @Test("by hour: each row is the report at that hour")
    func byHour() throws {
        let inst = TimeCoverageTests.instance(seed: 7)
        let data = try inst.builder.load()
        let peak = try DemandModel(data)
        let hours = try CoverageReport.byHour(dataset: data, peakDemand: peak, radius: ServiceRadius(dataset: data), ridersPerSeat: data.manifest.ridersPerSeat)
        #expect(hours.map(\.hour) == Array(0..<24))
        for h in [2, 12, 21] {
            let time = PlanningTime(manifest: data.manifest, at: TimeOfDay(minutes: h * 60))
            let report = try CoverageReport(dataset: data, demand: peak.scaled(by: time.demandFactor), radius: ServiceRadius(dataset: data), time: time)
            #expect(hours[h].row.served == report.total.served && hours[h].row.covered == report.total.covered)
            #expect(hours[h].row.stations == report.stationUse.count)
            #expect(abs(hours[h].row.demand - peak.totalWeight * inst.profile[h]) < 1e-6)
        }
    }

    @Test("without a time every station counts and demand is the peak")
    func peak() throws {
        let inst = TimeCoverageTests.instance(seed: 8)
        let data = try inst.builder.load()
        let time = PlanningTime(manifest: data.manifest)
        #expect(time.demandFactor == 1)
        #expect(data.stations.allSatisfy(time.isOpen))
        let report = try CoverageReport(dataset: data, demand: try DemandModel(data), radius: ServiceRadius(dataset: data), time: time)
        #expect(report.stationUse.count == data.stations.filter(\.offersRest).count)
    }

    @Test("radius per district: the smallest radius_m of the divisions holding the demand; --radius overrides all")
    func serviceRadius() throws {
        var b = DatasetBuilder()
        b.districts = [("A", DatasetBuilder.box(113.0, 36.0, 113.05, 36.05)), ("B", DatasetBuilder.box(113.03, 36.0, 113.08, 36.05)),
                       ("C", DatasetBuilder.box(113.08, 36.0, 113.1, 36.05))]
        b.districtRadius = ["A": 700, "B": 300]
        b.radius = 1000
        let data = try b.load()
        let r = ServiceRadius(dataset: data)
        let a = data.districts.firstIndex { $0.id == "A" }!, bi = data.districts.firstIndex { $0.id == "B" }!, c = data.districts.firstIndex { $0.id == "C" }!
        #expect(r.radius(divisions: [a]) == 700)
        #expect(r.radius(divisions: [a, bi]) == 300)
        #expect(r.radius(divisions: [c]) == 1000)  // no radius_m: the manifest's
        #expect(r.radius(divisions: [a, c]) == 700)  // only divisions that set one count
        #expect(r.radius(divisions: []) == 1000)
        #expect(r.maximumM == 1000)
        let o = ServiceRadius(dataset: data, override: 450)
        #expect(o.radius(divisions: [a, bi]) == 450 && o.radius(divisions: [c]) == 450)
    }

    @Test("shuffled stations and demand give the same figures, station by station and district by district", arguments: [11, 12, 13] as [UInt64])
    func orderIndependent(seed: UInt64) throws {
        let inst = TimeCoverageTests.instance(seed: seed)
        var shuffled = inst.builder
        var rng = SplitMix64(seed: seed &* 31)
        shuffled.stations.shuffle(using: &rng)
        shuffled.demand.shuffle(using: &rng)
        shuffled.districts.reverse()
        func figures(_ b: DatasetBuilder) throws -> [String] {
            let data = try b.load()
            let time = PlanningTime(manifest: data.manifest, at: TimeOfDay(minutes: 12 * 60))
            let report = try CoverageReport(dataset: data, demand: try DemandModel(data).scaled(by: time.demandFactor), radius: ServiceRadius(dataset: data), time: time)
            return report.stationUse.map { "\(data.stations[$0.station].id) \($0.load) \($0.nearestDemand)" }
                + report.rows.sorted { $0.id < $1.id }.map { "\($0.id) \($0.served) \($0.covered) \($0.load)" } + ["\(report.total.served)"]
        }
        #expect(try figures(inst.builder) == figures(shuffled))
    }
}

@Suite("allocation ties")
struct AllocationTieTests {
    @Test("stations at the same distance: the riders go to the lower id, whatever the file order; catchment too")
    func tiesByID() throws {
        var b = DatasetBuilder()
        b.districts = [("D", DatasetBuilder.box(113.0, 36.0, 113.1, 36.05))]
        // Two stations at one spot, "b" first in the file; one seat each (6 riders).
        b.stations = [("b", "warm_station", 1, 113.05, 36.02), ("a", "warm_station", 1, 113.05, 36.02)]
        b.demand = [("d1", 4, 113.052, 36.021)]
        let data = try b.load()
        let report = try CoverageReport(dataset: data, demand: try DemandModel(data), radiusM: 1000)
        let use = Dictionary(uniqueKeysWithValues: report.stationUse.map { (data.stations[$0.station].id, $0) })
        #expect(use["a"]!.load == 4 && use["b"]!.load == 0)
        #expect(use["a"]!.nearestDemand == 4 && use["b"]!.nearestDemand == 0)
        // 8 riders: 6 fill "a", the other 2 go to "b".
        b.demand = [("d1", 8, 113.052, 36.021)]
        let more = try b.load()
        let r2 = try CoverageReport(dataset: more, demand: try DemandModel(more), radiusM: 1000)
        let u2 = Dictionary(uniqueKeysWithValues: r2.stationUse.map { (more.stations[$0.station].id, $0) })
        #expect(u2["a"]!.load == 6 && u2["b"]!.load == 2)
    }

    @Test("the nearer station takes the riders when both could (least rider distance)")
    func nearerFirst() throws {
        var b = DatasetBuilder()
        b.districts = [("D", DatasetBuilder.box(113.0, 36.0, 113.1, 36.05))]
        // "a" (lower id) is farther from the riders than "z"; both have room for all of them.
        b.stations = [("a", "warm_station", 2, 113.040, 36.02), ("z", "warm_station", 2, 113.050, 36.02)]
        b.demand = [("d1", 5, 113.052, 36.02)]
        let data = try b.load()
        let report = try CoverageReport(dataset: data, demand: try DemandModel(data), radiusM: 2000)
        let use = Dictionary(uniqueKeysWithValues: report.stationUse.map { (data.stations[$0.station].id, $0) })
        #expect(use["z"]!.load == 5 && use["a"]!.load == 0)
        #expect(report.riderMetres > 0 && report.riderMetres < 5 * 300)
    }
}
