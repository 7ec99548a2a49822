import TestSupport
import Foundation
import Geo
import Planning
import Stations
import Testing

@Suite("coverage, gaps and areas commands")
struct CoverageCommandTests {
    let data = ["--data", Fixtures.tiny.path]

    @Test("coverage JSON has SPEC's fields per district and in total")
    func coverageJSON() throws {
        let r = try CLI.run(["coverage", "--format", "json"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(json["radius_m"] as? Double == 1000)
        let rows = json["districts"] as! [[String: Any]]
        #expect(rows.map { $0["id"] as! String } == ["A", "B", "Z"])
        for key in ["id", "name", "demand", "covered", "covered_pct", "seats", "served", "served_pct", "stations", "overloaded"] {
            #expect(rows[0][key] != nil, "missing \(key)")
        }
        let total = json["total"] as! [String: Any]
        // 150 from points plus 52 peak riders of the two commercial areas.
        #expect(abs((total["demand"] as! Double) - 202) < 1e-6)
        #expect((total["served"] as! Double) <= (total["covered"] as! Double))
        let narrow = try CLI.run(["coverage", "--format", "json", "--district", "东区", "--radius", "500"] + data)
        let n = try JSONSerialization.jsonObject(with: Data(narrow.stdout.utf8)) as! [String: Any]
        #expect((n["districts"] as! [[String: Any]]).map { $0["id"] as! String } == ["B"])
        #expect(n["radius_m"] as? Double == 500)
        let unknown = try CLI.run(["coverage", "--district", "nowhere"] + data)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("no such district"))
    }

    @Test("gaps are polygons clipped to their district, ranked by uncovered demand")
    func gaps() throws {
        let r = try CLI.run(["gaps", "--format", "geojson"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        let layer = try GeoJSONReader.read(text: r.stdout)
        #expect(!layer.features.isEmpty && !layer.hasErrors)
        var lastByDistrict: [String: (Int, Double)] = [:]
        for f in layer.features {
            let district = f.properties["district"]!.stringValue!
            let rank = Int(f.properties["rank"]!.numberValue!)
            let uncovered = f.properties["uncovered_demand"]!.numberValue!
            #expect(uncovered > 0 && f.properties["area_km2"]!.numberValue! > 0)
            if let (lastRank, lastUncovered) = lastByDistrict[district] {
                #expect(rank == lastRank + 1 && uncovered <= lastUncovered)
            } else {
                #expect(rank == 1)
            }
            lastByDistrict[district] = (rank, uncovered)
            #expect(try f.geometry!.validity().isValid)
        }
        // Written right-handed with at most 7 decimals.
        #expect(!r.stdout.contains("e-"))
    }

    @Test("areas names what each commercial area is missing")
    func areas() throws {
        let r = try CLI.run(["areas", "--format", "json"] + data)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let rows = json["areas"] as! [[String: Any]]
        #expect(rows[0]["missing"] as! [String] == [])
        #expect(rows[1]["missing"] as! [String] == ["rest station", "parking", "charging"])
        let generous = try CLI.run(["areas", "--format", "json", "--rest-m", "5000", "--parking-m", "8000", "--charging-m", "5000"] + data)
        // The adequacy fields (rest_seats, ..., short) follow "missing" in each area.
        #expect(generous.stdout.contains("\"missing\":[],"))
    }

    @Test("on the real district boundaries, a station on the Luzhou–Shangdang border covers demand on both sides",
          .enabled(if: ImportTests.testdata != nil))
    func realBorders() throws {
        let folder = try Fixtures.tinyCopy { dir in
            for layer in ["stations", "demand", "candidates", "districts"] {
                try "{\"type\":\"FeatureCollection\",\"features\":[]}".write(to: dir.appendingPathComponent("\(layer).geojson"), atomically: true, encoding: .utf8)
            }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let imported = try CLI.run(["import", "--layer", "districts", ImportTests.testdata!.path, "--input-crs", "gcj02", "--data", folder.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        // Find a point on the shared border and one point just inside each district.
        let dataset = try DatasetLoader.load(DatasetSource(folder: folder.path))
        let luzhou = dataset.districts.first { $0.id == "140403" }!, shangdang = dataset.districts.first { $0.id == "140404" }!
        let border = try luzhou.projected.intersection(shangdang.projected).allCoordinates
        #expect(!border.isEmpty)
        let onBorder = border[border.count / 2]
        let lookup = try DistrictLookup(dataset.districts)
        var inside: [String: Coordinate] = [:]
        for dx in stride(from: -400.0, through: 400, by: 50) {
            for dy in stride(from: -400.0, through: 400, by: 50) {
                let c = Coordinate(x: onBorder.x + dx, y: onBorder.y + dy)
                // Simplified real outlines overlap a little along borders: take points in exactly one.
                let hits = try lookup.divisions(containing: c)
                if hits.count == 1, inside[dataset.districts[hits[0]].id] == nil { inside[dataset.districts[hits[0]].id] = c }
            }
        }
        let l = try #require(inside["140403"]), s = try #require(inside["140404"])
        let back = try CoordinateTransformer(from: .epsg(4547), to: .wgs84)
        let station = try back.transform(onBorder), dl = try back.transform(l), ds = try back.transform(s)
        try DatasetBuilder.collection([DatasetBuilder.feature("\"id\":\"b1\",\"name\":\"border\",\"kind\":\"warm_station\",\"seats\":3", "{\"type\":\"Point\",\"coordinates\":[\(station.lon),\(station.lat)]}")])
            .write(to: folder.appendingPathComponent("stations.geojson"), atomically: true, encoding: .utf8)
        try DatasetBuilder.collection([
            DatasetBuilder.feature("\"id\":\"l\",\"weight\":2", "{\"type\":\"Point\",\"coordinates\":[\(dl.lon),\(dl.lat)]}"),
            DatasetBuilder.feature("\"id\":\"s\",\"weight\":4", "{\"type\":\"Point\",\"coordinates\":[\(ds.lon),\(ds.lat)]}"),
        ]).write(to: folder.appendingPathComponent("demand.geojson"), atomically: true, encoding: .utf8)
        try "{\"type\":\"FeatureCollection\",\"features\":[]}".write(to: folder.appendingPathComponent("commercial_areas.geojson"), atomically: true, encoding: .utf8)
        // One rider a seat (60-minute stays, one visit an hour), so that 3 seats hold 3 riders.
        let r = try CLI.run(["coverage", "--format", "json", "--data", folder.path, "--stay-min", "60", "--visits-per-hour", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["districts"] as! [[String: Any]]
        let lz = rows.first { $0["id"] as! String == "140403" }!, sd = rows.first { $0["id"] as! String == "140404" }!
        #expect(lz["covered"] as! Double == 2 && sd["covered"] as! Double == 4, "\(r.stdout)")
        // 3 seats for 6 riders: the total served is 3, wherever the station's point falls.
        let total = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["total"] as! [String: Any]
        #expect(total["served"] as! Double == 3)
    }
}
