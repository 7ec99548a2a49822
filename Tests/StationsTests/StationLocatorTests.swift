import TestSupport
import Foundation
import Geo
import Testing
@testable import Stations

@Suite("station locator against brute force")
struct StationLocatorTests {
    static func randomStations(_ n: Int, seed: UInt64, grid: Bool) throws -> [Station] {
        var rng = SplitMix64(seed: seed)
        let t = try CoordinateTransformer(from: .wgs84, to: .epsg(4547))
        return try (0..<n).map { i in
            // On a grid, many stations tie at equal distances.
            let lon = grid ? 113.0 + Double(Int.random(in: 0..<12, using: &rng)) * 0.002 : Double.random(in: 113.0...113.05, using: &rng)
            let lat = grid ? 36.0 + Double(Int.random(in: 0..<12, using: &rng)) * 0.002 : Double.random(in: 36.0...36.05, using: &rng)
            let c = Coordinate(lon: lon, lat: lat)
            let kind = StationKind.allCases[Int.random(in: 0..<StationKind.allCases.count, using: &rng)]
            let services = StationService.allCases.filter { _ in Bool.random(using: &rng) }
            return Station(id: "s\(i)", name: "s\(i)", kind: kind, district: nil, seats: 4, chargingPorts: nil, services: services, hours: nil,
                           operatorName: nil, location: c, projected: try t.transform(c), featureIndex: i, properties: JSONObject())
        }
    }

    /// All matches at distance ≤ the k-th smallest (ties included), by (distance, index).
    static func bruteForce(_ stations: [Station], _ q: Coordinate, k: Int, kinds: [StationKind], services: [StationService], maxDistance: Double?) -> [Int] {
        var candidates: [(index: Int, d2: Double)] = []
        for i in stations.indices {
            let s = stations[i]
            if !kinds.isEmpty && !kinds.contains(s.kind) { continue }
            if !services.allSatisfy({ s.offers($0) }) { continue }
            let dx = s.projected.x - q.x
            let dy = s.projected.y - q.y
            let d2 = dx * dx + dy * dy
            if let maxDistance, d2 > maxDistance * maxDistance { continue }
            candidates.append((i, d2))
        }
        candidates.sort { $0.d2 != $1.d2 ? $0.d2 < $1.d2 : $0.index < $1.index }
        guard candidates.count > k else { return candidates.map { $0.index } }
        let kth = candidates[k - 1].d2
        return candidates.filter { $0.d2 <= kth }.map { $0.index }
    }

    @Test("k nearest with ties, kind and service filters and a maximum distance match brute force", arguments: [false, true])
    func nearestMatchesBruteForce(grid: Bool) throws {
        let stations = try StationLocatorTests.randomStations(300, seed: grid ? 7 : 3, grid: grid)
        let locator = try StationLocator(stations: stations)
        var rng = SplitMix64(seed: 11)
        let t = try CoordinateTransformer(from: .wgs84, to: .epsg(4547))
        for trial in 0..<200 {
            let lonLat = grid
                ? Coordinate(lon: 113.0 + Double(Int.random(in: 0..<12, using: &rng)) * 0.002 + 0.001, lat: 36.0 + Double(Int.random(in: 0..<12, using: &rng)) * 0.002 + 0.001)
                : Coordinate(lon: Double.random(in: 112.99...113.06, using: &rng), lat: Double.random(in: 35.99...36.06, using: &rng))
            let q = try t.transform(lonLat)
            let k = 1 + trial % 5
            let kinds: [StationKind] = trial % 3 == 0 ? [] : [StationKind.allCases[trial % 6], StationKind.allCases[(trial + 2) % 6]]
            let services: [StationService] = trial % 4 == 0 ? [StationService.allCases[trial % StationService.allCases.count]] : []
            let maxDistance: Double? = trial % 5 == 0 ? 1500 : nil
            let expected = StationLocatorTests.bruteForce(stations, q, k: k, kinds: kinds, services: services, maxDistance: maxDistance)
            let got = locator.nearest(projected: q, lonLat: lonLat, k: k, filter: StationLocator.filter(kinds: kinds, services: services), maxDistance: maxDistance)
            #expect(got.map(\.station) == expected, "trial \(trial)")
            for m in got {
                // Geodesic and grid distances agree to well under a percent here.
                #expect(abs(m.geodesicM - m.planarM) <= 0.002 * m.planarM + 0.01)
            }
        }
    }

    @Test("within returns every station in the radius, nearest first")
    func withinMatchesBruteForce() throws {
        let stations = try StationLocatorTests.randomStations(200, seed: 5, grid: true)
        let locator = try StationLocator(stations: stations)
        let t = try CoordinateTransformer(from: .wgs84, to: .epsg(4547))
        let lonLat = Coordinate(lon: 113.011, lat: 36.011)
        let q = try t.transform(lonLat)
        let got = locator.within(projected: q, lonLat: lonLat, radius: 700).map(\.station)
        let expected = StationLocatorTests.bruteForce(stations, q, k: stations.count, kinds: [], services: [], maxDistance: 700)
        #expect(got == expected)
        #expect(!got.isEmpty)
    }

    @Test("an empty station layer answers nothing, without failing")
    func emptyLayer() throws {
        let locator = try StationLocator(stations: [])
        #expect(locator.nearest(projected: Coordinate(x: 0, y: 0), lonLat: Coordinate(lon: 113, lat: 36), k: 3).isEmpty)
    }
}
