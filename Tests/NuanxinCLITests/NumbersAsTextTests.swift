import Foundation
import Testing

/// Numbers written as text (`"seats": "5"`, a GeoPackage TEXT column: QGIS, Excel and GDAL exports
/// often type a column so) are numbers in every format, as a CSV cell is; text that is not a number
/// is an error naming file, feature (or line), id, field and value, optional fields included.
@Suite struct NumbersAsTextTests {
    /// A station layer in GeoJSON, CSV and (through ogr2ogr, TEXT columns) GeoPackage; the second
    /// feature's seats are `second`. The files' names, in `dir`.
    static func stationFiles(_ dir: URL, second: String) throws -> [String] {
        let geojson = dir.appendingPathComponent("s.geojson")
        try Data("""
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"t1","name":"T1","kind":"warm_station","seats":"5","charging_ports":" 2 "},"geometry":{"type":"Point","coordinates":[113.07,36.07]}},
            {"type":"Feature","properties":{"id":"t2","name":"T2","kind":"warm_station","seats":"\(second)"},"geometry":{"type":"Point","coordinates":[113.08,36.07]}}
            ]}
            """.utf8).write(to: geojson)
        try Data("id,name,kind,seats,charging_ports,lon,lat\nt1,T1,warm_station,5, 2 ,113.07,36.07\nt2,T2,warm_station,\(second),,113.08,36.07\n".utf8)
            .write(to: dir.appendingPathComponent("s.csv"))
        var files = [geojson.path, dir.appendingPathComponent("s.csv").path]
        let gpkg = dir.appendingPathComponent("s.gpkg")
        if let r = try GDAL.run("ogr2ogr", ["-f", "GPKG", "-nln", "stations", gpkg.path, geojson.path]) {
            #expect(r.status == 0, "\(r.stderr)")
            let types = try GDAL.fieldTypes(GDAL.summary(gpkg.path, "stations") ?? "")
            #expect(types["seats"] == "String", "\(types)")
            files.append(gpkg.path)
        }
        return files
    }

    /// Demand points whose weights are text; the second's is `second`.
    static func demandFiles(_ dir: URL, second: String) throws -> [String] {
        let geojson = dir.appendingPathComponent("d.geojson")
        try Data("""
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"w1","weight":" 12.5 "},"geometry":{"type":"Point","coordinates":[113.07,36.07]}},
            {"type":"Feature","properties":{"id":"w2","weight":"\(second)"},"geometry":{"type":"Point","coordinates":[113.08,36.07]}}
            ]}
            """.utf8).write(to: geojson)
        try Data("id,weight,lon,lat\nw1, 12.5 ,113.07,36.07\nw2,\"\(second)\",113.08,36.07\n".utf8).write(to: dir.appendingPathComponent("d.csv"))
        var files = [geojson.path, dir.appendingPathComponent("d.csv").path]
        let gpkg = dir.appendingPathComponent("d.gpkg")
        if let r = try GDAL.run("ogr2ogr", ["-f", "GPKG", "-nln", "demand", gpkg.path, geojson.path]) {
            #expect(r.status == 0, "\(r.stderr)")
            files.append(gpkg.path)
        }
        return files
    }

    /// The properties of feature `id` in a GeoJSON layer file.
    static func properties(_ file: URL, _ id: String) throws -> [String: Any]? {
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        let features = doc?["features"] as? [[String: Any]] ?? []
        return features.compactMap { $0["properties"] as? [String: Any] }.first { $0["id"] as? String == id }
    }

    @Test("numbers written as text import as numbers from GeoJSON, CSV and GeoPackage alike, without a warning, optional (seats) and required (weight) fields")
    func textNumbersAreNumbers() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (layer, files, file, id, key, value) in [
            ("stations", try Self.stationFiles(dir, second: "7"), "stations.geojson", "t1", "seats", 5.0),
            ("demand", try Self.demandFiles(dir, second: "3"), "demand.geojson", "w1", "weight", 12.5),
        ] {
            for input in files {
                let folder = try Fixtures.tinyCopy()
                defer { try? FileManager.default.removeItem(at: folder) }
                let r = try CLI.run(["import", "--layer", layer, input, "--data", folder.path])
                #expect(r.status == 0, "\(input): \(r.stderr)")
                #expect(!r.stderr.contains("warning"), "\(input): \(r.stderr)")
                let stored = try Self.properties(folder.appendingPathComponent(file), id)
                #expect((stored?[key] as? NSNumber)?.doubleValue == value, "\(input): \(stored ?? [:])")
                if layer == "stations" { #expect((stored?["charging_ports"] as? NSNumber)?.intValue == 2, "\(input): \(stored ?? [:])") }
                // Read straight from the file as a layer (GeoJSON, GeoPackage; a CSV is for
                // import and --with): no warning either.
                if input.hasSuffix(".csv") { continue }
                let direct = try CLI.run(["validate", "--format", "table", "--\(layer)", input, "--data", folder.path])
                #expect(direct.status == 0, "\(input): \(direct.stdout)\(direct.stderr)")
                #expect(!(direct.stdout + direct.stderr).contains("text"), "\(input): \(direct.stdout)\(direct.stderr)")
            }
        }
    }

    @Test("text that is not a number is an error (65) naming file, feature or line, id, field and value, in an optional field (seats) and a required one (weight), in every format; nothing is imported")
    func textThatIsNoNumber() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (layer, files, id, key, bad) in [
            ("stations", try Self.stationFiles(dir, second: "many"), "t2", "seats", "many"),
            ("demand", try Self.demandFiles(dir, second: "abc"), "w2", "weight", "abc"),
        ] {
            for input in files {
                let folder = try Fixtures.tinyCopy()
                defer { try? FileManager.default.removeItem(at: folder) }
                let layerFile = folder.appendingPathComponent("\(layer).geojson")
                let before = try Data(contentsOf: layerFile)
                let r = try CLI.run(["import", "--layer", layer, input, "--data", folder.path])
                #expect(r.status == 65, "\(input): \(r.stderr)")
                let place = input.hasSuffix(".csv") ? "line 3 (id \(id))" : "feature 1 (id \(id))"
                let name = URL(fileURLWithPath: input).lastPathComponent
                #expect(r.stderr.contains("\(name): \(place): non-numeric \(key): \"\(bad)\""), "\(input): \(r.stderr)")
                #expect(try Data(contentsOf: layerFile) == before)
            }
        }
    }

    @Test("spreadsheet forms of a number written as text (full-width digits, thousands separators) read the same in GeoJSON, CSV and GeoPackage; a decimal comma is refused in each with what to do")
    func spreadsheetFormsAgree() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (written, expected) in [("６", 6.0), ("6,000", 6_000.0), ("１,２３４.５", 1_234.5)] {
            for input in try Self.demandFiles(dir, second: written) {
                let folder = try Fixtures.tinyCopy()
                defer { try? FileManager.default.removeItem(at: folder) }
                let r = try CLI.run(["import", "--layer", "demand", input, "--data", folder.path])
                #expect(r.status == 0, "\(input) \(written): \(r.stderr)")
                let stored = try Self.properties(folder.appendingPathComponent("demand.geojson"), "w2")
                #expect((stored?["weight"] as? NSNumber)?.doubleValue == expected, "\(input) \(written): \(stored ?? [:])")
            }
        }
        for input in try Self.demandFiles(dir, second: "1,5") {
            let folder = try Fixtures.tinyCopy()
            defer { try? FileManager.default.removeItem(at: folder) }
            let r = try CLI.run(["import", "--layer", "demand", input, "--data", folder.path])
            #expect(r.status == 65, "\(input): \(r.stderr)")
            #expect(r.stderr.contains("weight \"1,5\" has a decimal comma"), "\(input): \(r.stderr)")
        }
    }
}
