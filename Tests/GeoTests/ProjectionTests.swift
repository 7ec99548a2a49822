import Foundation
import Testing
@testable import Geo
import TestSupport

@Suite("PROJ transforms, geodesics and Chinese map datums")
struct ProjectionTests {
    @Test("EPSG:4326 -> EPSG:4547 of (113.1, 36.2) is (419057.055, 4008110.322) m, easting first")
    func changzhiGaussKruger() throws {
        let t = try CoordinateTransformer(from: .wgs84, to: .epsg(4547))
        let p = try t.transform(Coordinate(lon: 113.1, lat: 36.2))
        #expect(abs(p.x - 419_057.055) < 0.001)
        #expect(abs(p.y - 4_008_110.322) < 0.001)
    }

    @Test("a batch transform gives the same answers as one point at a time, and inverts")
    func batchMatchesSingle() throws {
        let forward = try CoordinateTransformer(from: .wgs84, to: .epsg(32649))
        let back = try CoordinateTransformer(from: .epsg(32649), to: .wgs84)
        let points = (0..<500).map { i in Coordinate(lon: 112.0 + Double(i % 25) * 0.07, lat: 35.9 + Double(i / 25) * 0.06) }
        let batch = try forward.transform(points)
        for (p, b) in zip(points, batch) {
            let single = try forward.transform(p)
            #expect(single == b)
        }
        let returned = try back.transform(batch)
        for (p, r) in zip(points, returned) {
            #expect(abs(p.lon - r.lon) < 1e-9 && abs(p.lat - r.lat) < 1e-9)
        }
    }

    @Test("an unknown CRS throws PROJ's message")
    func unknownCRS() {
        #expect {
            _ = try CoordinateTransformer(from: .wgs84, to: CRS("EPSG:999999"))
        } throws: { error in
            guard case let GeoError.proj(_, message) = error else { return false }
            return !message.isEmpty
        }
    }

    @Test("UTM zones, including the Norway exception")
    func utmZones() {
        #expect(CRS.utmZone(lon: 113.1, lat: 36.2) == .epsg(32649))
        #expect(CRS.utmZone(lon: -73.8, lat: -40) == .epsg(32718))
        #expect(CRS.utmZone(lon: 5, lat: 60) == .epsg(32632))
        #expect(CRS.utmZone(lon: 180, lat: 10) == .epsg(32601))
    }

    @Test("geodesic inverse matches GeographicLib's published JFK-LHR example and the equator degree")
    func geodesicPublishedValues() {
        // GeographicLib documentation: 40.6N 73.8W to 51.6N 0.5W.
        let r = Geodesic.inverse(from: Coordinate(lon: -73.8, lat: 40.6), to: Coordinate(lon: -0.5, lat: 51.6))
        #expect(abs(r.distance - 5_551_759.400319) < 1e-3)
        #expect(abs(r.initialAzimuth - 51.198882845) < 1e-8)
        #expect(abs(r.finalAzimuth - 107.821776735) < 1e-8)
        // One degree of longitude on the equator is a * pi / 180.
        let d = Geodesic.distance(from: Coordinate(lon: 0, lat: 0), to: Coordinate(lon: 1, lat: 0))
        #expect(abs(d - 6_378_137 * Double.pi / 180) < 1e-6)
        // Direct problem inverts the inverse.
        let end = Geodesic.destination(from: Coordinate(lon: -73.8, lat: 40.6), azimuth: r.initialAzimuth, distance: r.distance)
        #expect(abs(end.lon + 0.5) < 1e-9 && abs(end.lat - 51.6) < 1e-9)
    }

    @Test("distance (no azimuths) equals the inverse problem's distance bit for bit, near, far and antipodal")
    func geodesicDistanceWithoutAzimuths() {
        var rng = SplitMix64(seed: 20261130)
        func uniform(_ lo: Double, _ hi: Double) -> Double { Double.random(in: lo...hi, using: &rng) }
        for i in 0..<20_000 {
            let a = Coordinate(lon: uniform(-180, 180), lat: uniform(-90, 90))
            // Near pairs (as batch answers are), far pairs, and nearly antipodal pairs.
            let b: Coordinate
            switch i % 3 {
            case 0: b = Coordinate(lon: a.lon + uniform(-0.05, 0.05), lat: max(-90, min(90, a.lat + uniform(-0.05, 0.05))))
            case 1: b = Coordinate(lon: uniform(-180, 180), lat: uniform(-90, 90))
            default: b = Coordinate(lon: a.lon + 180 + uniform(-0.5, 0.5), lat: max(-90, min(90, -a.lat + uniform(-0.5, 0.5))))
            }
            let d = Geodesic.distance(from: a, to: b)
            let r = Geodesic.inverse(from: a, to: b)
            #expect(d.bitPattern == r.distance.bitPattern, "\(a) -> \(b): \(d) vs \(r.distance)")
            if d.bitPattern != r.distance.bitPattern { return }
        }
    }

    @Test("WGS84 -> GCJ-02 matches the public eviltransform reference pairs")
    func gcjReferencePairs() {
        // (wgs lat, wgs lon, gcj lat, gcj lon) from the eviltransform test suites.
        let pairs: [(Double, Double, Double, Double)] = [
            (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  // Shanghai
            (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  // Shenzhen
            (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  // Beijing
        ]
        for (wlat, wlon, glat, glon) in pairs {
            let g = ChineseCoordinates.wgs84ToGCJ02(Coordinate(lon: wlon, lat: wlat))
            #expect(abs(g.lat - glat) < 1e-9 && abs(g.lon - glon) < 1e-9)
            let w = ChineseCoordinates.gcj02ToWGS84(Coordinate(lon: glon, lat: glat))
            #expect(Geodesic.distance(from: w, to: Coordinate(lon: wlon, lat: wlat)) < 0.01)
        }
    }

    @Test("GCJ-02 -> BD-09 matches an independent implementation of the public formula")
    func bdFormula() {
        // Computed with the formula in Python (float64) for AMap's Tiananmen point.
        let b = ChineseCoordinates.gcj02ToBD09(Coordinate(lon: 116.397428, lat: 39.90923))
        #expect(abs(b.lon - 116.40380056450005) < 1e-12 && abs(b.lat - 39.9155730161122) < 1e-12)
        let back = ChineseCoordinates.bd09ToGCJ02(b)
        #expect(abs(back.lon - 116.397428) < 1e-9 && abs(back.lat - 39.90923) < 1e-9)
    }

    @Test("round trips through GCJ-02 and BD-09 return within 1 cm across Changzhi")
    func roundTripsWithinOneCentimetre() {
        for i in 0..<40 {
            for j in 0..<40 {
                let w = Coordinate(lon: 111.98 + Double(i) * 0.044, lat: 35.82 + Double(j) * 0.033)
                for datum in [MapDatum.gcj02, .bd09] {
                    let there = MapDatum.convert(w, from: .wgs84, to: datum)
                    let back = MapDatum.convert(there, from: datum, to: .wgs84)
                    #expect(Geodesic.distance(from: w, to: back) < 0.01)
                }
            }
        }
        // In Changzhi GCJ-02 sits roughly 500-600 m from WGS84.
        let seat = Coordinate(lon: 113.1074, lat: 36.1877)
        let shift = Geodesic.distance(from: seat, to: ChineseCoordinates.wgs84ToGCJ02(seat))
        #expect(shift > 400 && shift < 800)
    }

    @Test("outside China GCJ-02 is WGS84")
    func outsideChina() {
        let paris = Coordinate(lon: 2.35, lat: 48.85)
        #expect(ChineseCoordinates.wgs84ToGCJ02(paris) == paris)
        #expect(ChineseCoordinates.gcj02ToWGS84(paris) == paris)
    }
}
