import Foundation
import Geo
import Optimization
import Planning
import Stations
import Testing

// Nuanxin used from another package, through the public API of its library products only.

/// The repository's default dataset, found from this file's place in Examples/Consumer.
let changzhi: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // ConsumerTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // Consumer
    .deletingLastPathComponent()  // Examples
    .deletingLastPathComponent()  // the repository
    .appendingPathComponent("geodata/changzhi").path

@Suite struct StationLocatorFromOutside {
    @Test func nearestStationsToAPointInLuzhou() throws {
        let dataset = try DatasetLoader.load(DatasetSource(folder: changzhi), layers: [.districts, .stations])
        let locator = try StationLocator(stations: dataset.stations)
        let query = Coordinate(lon: 113.1, lat: 36.2)
        let projected = try CoordinateTransformer.shared(from: .wgs84, to: dataset.manifest.crs).transform(query)

        let matches = locator.nearest(projected: projected, lonLat: query, k: 3)
        #expect(matches.map { dataset.stations[$0.station].id } == ["st-luzhou-012", "st-luzhou-002", "st-luzhou-001"])
        // The same figures `nuanxin nearest --lon 113.1 --lat 36.2 -k 3` prints (geodesic metres).
        let metres = matches.map { ($0.geodesicM * 100).rounded() / 100 }
        #expect(metres == [358.38, 362.83, 363.62])
        // Reported distances are geodesic on WGS84, from the query to the station.
        let first = dataset.stations[matches[0].station]
        #expect(abs(matches[0].geodesicM - Geodesic.distance(from: query, to: first.location)) < 1e-9)

        // No station is nearer (in the metric CRS) than the first one returned.
        for s in dataset.stations {
            let dx = s.projected.x - projected.x, dy = s.projected.y - projected.y
            #expect((dx * dx + dy * dy).squareRoot() >= matches[0].planarM - 1e-6)
        }

        // Only stations that offer rest: the partner venue drops out.
        let rest = locator.nearest(projected: projected, lonLat: query, k: 1, filter: StationLocator.filter(restOnly: true))
        #expect(rest.map { dataset.stations[$0.station].id } == ["st-luzhou-002"])
    }
}

@Suite struct CoverageFromOutside {
    @Test func totalIsTheSumOfTheCountyLevelDivisions() throws {
        let dataset = try DatasetLoader.load(DatasetSource(folder: changzhi))
        let demand = try DemandModel(dataset)
        let report = try CoverageReport(dataset: dataset, demand: demand, radiusM: dataset.manifest.radiusM)

        // 4,073 riders at demand points plus 480 peak riders of the commercial areas.
        #expect(report.total.demand.rounded() == 4553)
        #expect(abs(report.total.demand - demand.totalWeight) < 1e-6)
        // Districts and counties do not overlap (zones do), so they add up to the total.
        let countyLevel = report.rows.filter { $0.kind != "zone" }
        #expect(countyLevel.count == 12)
        #expect(abs(countyLevel.reduce(0) { $0 + $1.demand } + report.outside.demand - report.total.demand) < 1e-6)
        #expect(abs(countyLevel.reduce(0) { $0 + $1.covered } + report.outside.covered - report.total.covered) < 1e-6)
        #expect(abs(countyLevel.reduce(0) { $0 + $1.served } + report.outside.served - report.total.served) < 1e-6)
        // Served never exceeds covered, nor what the seats hold (seats × riders per seat).
        #expect(report.total.served <= report.total.covered + 1e-9)
        #expect(report.total.served <= Double(report.total.seats) * dataset.manifest.ridersPerSeat + 1e-9)
        #expect(report.total.capacity == Double(report.total.seats) * dataset.manifest.ridersPerSeat)
        // Some demand is covered and served, not all of it (the network is far from complete).
        #expect(report.total.covered > 0 && report.total.covered < report.total.demand)
        #expect(report.total.served > 0)
        // Xiangyuan has no station at all.
        let xiangyuan = try #require(report.rows.first { $0.id == "140423" })
        #expect(xiangyuan.covered == 0 && xiangyuan.stations == 0)
    }
}

@Suite struct SiteSelectionFromOutside {
    @Test func picksTheObviouslyBestOfThreeCandidates() throws {
        // Three demand points: 10 riders at the first, 1 at each of the others. "b" reaches the
        // first two, so one site can newly cover 11; "a" and "c" reach 1 each.
        let problem = SiteSelectionProblem(weights: [10, 1, 1], candidates: [
            SiteCandidate(id: "a", covers: [1]),
            SiteCandidate(id: "c", covers: [2]),
            SiteCandidate(id: "b", covers: [0, 1]),
        ])
        let one = try selectSites(problem, goal: .count(1))
        #expect(one.sites.map(\.id) == ["b"])
        #expect(one.objective == 11)
        #expect(one.upperBound == 11)
        #expect(one.provenOptimal)

        let two = try selectSites(problem, goal: .count(2))
        #expect(two.sites.map(\.id) == ["b", "c"])
        #expect(two.objective == 12)
        #expect(two.percentAfter == 100)

        // Capacitated: a site seats at most 4, so "b" serves 4 and the second site adds 1.
        let seated = SiteSelectionProblem(weights: [10, 1, 1], candidates: problem.candidates.map {
            SiteCandidate(id: $0.id, covers: $0.covers, seats: 4)
        })
        let capacitated = try selectSites(seated, goal: .count(1), options: SiteSelectionOptions(capacitated: true))
        #expect(capacitated.objective == 4)
        #expect(capacitated.sites.first?.suggestedSeats == 4)
        #expect(capacitated.provenOptimal)
    }

    @Test func refusesMalformedInput() {
        let bad = SiteSelectionProblem(weights: [1], candidates: [SiteCandidate(id: "x", covers: [5])])
        #expect(throws: OptimizationError.self) { try selectSites(bad, goal: .count(1)) }
    }
}
