import Foundation
import Testing

/// Files that went through ogr2ogr: a spreadsheet's lon/lat columns kept as properties (GDAL's
/// default, KEEP_GEOM_COLUMNS=YES), GDAL's CSV with X/Y or WKT geometry and JSON-array lists.
@Suite struct OgrRoundTripTests {
    static let csv = "id,name,kind,seats,services,lon,lat\nn1,甲,warm_station,5,rest;water,113.06,36.05\nn2,乙,warm_station,,,113.07,36.06\n"

    /// `layer`'s file after importing `file` into a fresh copy of the tiny dataset.
    static func imported(_ file: String, layer: String = "stations", replace: Bool = false) throws -> (CLIResult, Data) {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["import", "--layer", layer, file, "--data", folder.path] + (replace ? ["--replace"] : []))
        return (r, try Data(contentsOf: folder.appendingPathComponent("\(layer).geojson")))
    }

    @Test("a CSV converted by ogr2ogr to GeoJSON or GeoPackage (lon/lat columns kept as properties) imports to the same layer as the CSV itself: the coordinate columns are dropped")
    func convertedSpreadsheetImportsAsTheCSV() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try HostileInputTests.put(dir, "new.csv", Self.csv)
        let (direct, expected) = try Self.imported(source)
        #expect(direct.status == 0, "\(direct.stderr)")
        for (driver, name) in [("GeoJSON", "new.geojson"), ("GPKG", "new.gpkg")] {
            let out = dir.appendingPathComponent(name).path
            guard let r = try GDAL.run("ogr2ogr", ["-f", driver, "-nln", "stations", out, source, "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat"]) else { return }
            #expect(r.status == 0, "\(r.stderr)")
            let kept = try CLI.run(program: URL(fileURLWithPath: "/usr/bin/env"), ["grep", "-c", "113.06", out])
            #expect(driver == "GPKG" || kept.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "GDAL no longer keeps lon as a property: \(kept.stdout)")
            let (result, layer) = try Self.imported(out)
            #expect(result.status == 0, "\(driver): \(result.stderr)")
            #expect(String(decoding: layer, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "\(driver)")
            #expect(!String(decoding: layer, as: UTF8.self).contains("\"lon\""), "\(driver)")
            // Said, not silent.
            if driver == "GeoJSON" {
                #expect(result.stderr.contains("dropped the properties lat (2 features), lon (2 features) that repeat each point's own longitude or latitude"), "\(result.stderr)")
            }
        }
        #expect(!direct.stderr.contains("dropped"), "\(direct.stderr)")
        // A lon property that is not the point's own coordinate is data of its own: kept.
        let moved = try HostileInputTests.put(dir, "moved.geojson", """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"m1","name":"丙","kind":"warm_station","lng":113.5,"x":"113.08"},"geometry":{"type":"Point","coordinates":[113.08,36.06]}}]}
            """)
        let (r, layer) = try Self.imported(moved)
        #expect(r.status == 0, "\(r.stderr)")
        let text = String(decoding: layer, as: UTF8.self)
        #expect(text.contains("\"id\":\"m1\",\"name\":\"丙\",\"kind\":\"warm_station\",\"lng\":113.5}"), "\(text)")
        #expect(r.stderr.contains("dropped the property x (1 feature)"), "\(r.stderr)")
    }

    @Test("a lon/lat property that differs from the point only past its 7th decimal (a spreadsheet's full precision beside a rounded geometry) is dropped as an echo; one 6 m away is kept")
    func echoWithinRounding() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try HostileInputTests.put(dir, "rounded.geojson", """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"r1","name":"丁","kind":"warm_station","lon":113.08123454,"lat":"36.06000004","经度":113.0813}, "geometry":{"type":"Point","coordinates":[113.0812345,36.06]}}]}
            """)
        let (r, layer) = try Self.imported(file)
        #expect(r.status == 0, "\(r.stderr)")
        let text = String(decoding: layer, as: UTF8.self)
        #expect(!text.contains("\"lon\"") && !text.contains("\"lat\""), "\(text)")
        #expect(text.contains("\"经度\":113.0813"), "\(text)")
        #expect(r.stderr.contains("dropped the properties lat (1 feature), lon (1 feature)"), "\(r.stderr)")
    }

    @Test("our GeoJSON converted by ogr2ogr to CSV (-lco GEOMETRY=AS_XY or AS_WKT; services as GDAL's JSON-array text) imports back to the same layer")
    func gdalCSVImportsBack() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let exported = dir.appendingPathComponent("stations.geojson").path
        let e = try CLI.run(["export", "--layer", "stations", "--format", "geojson", "--out", exported, "--data", Fixtures.tiny.path])
        #expect(e.status == 0, "\(e.stderr)")
        for geometry in ["AS_XY", "AS_WKT"] {
            let out = dir.appendingPathComponent("back-\(geometry).csv").path
            guard let r = try GDAL.run("ogr2ogr", ["-f", "CSV", out, exported, "-lco", "GEOMETRY=\(geometry)"]) else { return }
            #expect(r.status == 0, "\(r.stderr)")
            let folder = try Fixtures.tinyCopy()
            defer { try? FileManager.default.removeItem(at: folder) }
            let i = try CLI.run(["import", "--layer", "stations", out, "--replace", "--data", folder.path])
            #expect(i.status == 0, "\(geometry): \(i.stderr)")
            let again = try CLI.run(["export", "--layer", "stations", "--format", "geojson", "--data", folder.path])
            #expect(again.stdout == (try String(contentsOfFile: exported, encoding: .utf8)), "\(geometry): \(again.stdout)")
        }
    }

    /// `export --format csv` of the stations of the dataset in `folder` into its stations.csv: the
    /// file's path and its header line.
    static func exportedCSV(_ folder: URL) throws -> (path: String, header: String) {
        let out = folder.appendingPathComponent("stations.csv").path
        let e = try CLI.run(["export", "--layer", "stations", "--format", "csv", "--out", out, "--data", folder.path])
        #expect(e.status == 0, "\(e.stderr)")
        let header = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\r\n").first.map(String.init) ?? ""
        return (out, header)
    }

    @Test("a layer whose points carry lon/lat properties exports to CSV with them as property_lon, property_lat (two lon columns made the file unreadable) and imports back")
    func csvExportKeepsOneLonColumn() throws {
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.setProperty(dir.appendingPathComponent("stations.geojson"), 0, "lon", 113.05)
            try Fixtures.setProperty(dir.appendingPathComponent("stations.geojson"), 0, "纬度", "36.05")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let (out, header) = try Self.exportedCSV(folder)
        // (The fixture's property order comes from JSONSerialization: not fixed.)
        let columns = header.split(separator: ",").map(String.init)
        #expect(columns.suffix(2) == ["lon", "lat"] && columns.filter { ["lon", "lat", "纬度"].contains($0) }.count == 2, "\(header)")
        #expect(columns.contains("property_lon") && columns.contains("property_纬度"), "\(header)")
        let i = try CLI.run(["import", "--layer", "stations", out, "--replace", "--data", folder.path])
        #expect(i.status == 0, "\(i.stderr)")
    }

    @Test("properties named like the geometry (lon, wkt) and like their escape (property_lon) survive a CSV export and import: written as property_lon, property_property_lon, read back under their own names")
    func csvEscapesRoundTrip() throws {
        let folder = try Fixtures.tinyCopy { dir in
            let file = dir.appendingPathComponent("stations.geojson")
            try Fixtures.setProperty(file, 0, "lon", "east gate")
            try Fixtures.setProperty(file, 0, "wkt", "POINT (1 2)")
            try Fixtures.setProperty(file, 1, "property_lon", "mine")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let (out, header) = try Self.exportedCSV(folder)
        let columns = header.split(separator: ",").map(String.init)
        #expect(Set(columns).count == columns.count, "\(header)")
        #expect(columns.contains("property_lon") && columns.contains("property_wkt") && columns.contains("property_property_lon"), "\(header)")
        let i = try CLI.run(["import", "--layer", "stations", out, "--replace", "--data", folder.path])
        #expect(i.status == 0, "\(i.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("stations.geojson"))) as? [String: Any]
        let properties = (doc?["features"] as? [[String: Any]] ?? []).compactMap { $0["properties"] as? [String: Any] }
        #expect(properties.contains { $0["lon"] as? String == "east gate" && $0["wkt"] as? String == "POINT (1 2)" }, "\(properties)")
        #expect(properties.contains { $0["property_lon"] as? String == "mine" }, "\(properties)")
        #expect(properties.allSatisfy { $0["property_property_lon"] == nil && $0["property_wkt"] == nil })
    }

    @Test("a CSV of projected metres (a surveyor's X/Y) is refused naming the line and saying the numbers look like metres, not degrees")
    func projectedXYIsNamed() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try HostileInputTests.put(dir, "xy.csv", "id,name,kind,x,y\np1,A,warm_station,38512345.1,4001234.5\n")
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["import", "--layer", "stations", source, "--data", folder.path])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("line 2 (id p1)") && r.stderr.contains("look like projected metres"), "\(r.stderr)")
    }
}
