import Foundation
import Testing

/// Spreadsheets and the files other tools write from them: what is dropped is said, as the
/// GeoJSON reader says it.
extension HostileInputTests {
    @Test("a CSV wkt point with Z, M or both (keyword or a third and fourth number) imports with the warning GeoJSON gives for Z, naming the line; a 2D point gives none")
    func csvWKTExtraDimensions() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try HostileInputTests.put(dir, "s.csv", """
            id,name,kind,district,seats,wkt
            n1,新站,warm_station,A,5,POINT Z (113.06 36.06 850)
            n2,新站2,warm_station,A,5,POINT M (113.07 36.06 3)
            n3,n3,warm_station,A,5,POINT ZM (113.08 36.06 3 4)
            n4,n4,warm_station,A,5,POINT (113.09 36.06 7)
            n5,n5,warm_station,A,5,POINT (113.091 36.06)
            n6,n6,warm_station,A,5,Point z(113.092 36.06 1e2)

            """)
        let r = try CLI.run(["import", "--layer", "stations", "--data", HostileInputTests.data(dir), csv])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("s.csv: line 2 (id n1): warning: Z values dropped: Nuanxin works in 2D"), "\(r.stderr)")
        #expect(r.stderr.contains("s.csv: line 3 (id n2): warning: M values dropped: Nuanxin works in 2D"), "\(r.stderr)")
        #expect(r.stderr.contains("s.csv: line 4 (id n3): warning: Z and M values dropped: Nuanxin works in 2D"), "\(r.stderr)")
        #expect(r.stderr.contains("s.csv: line 5 (id n4): warning: Z values dropped: Nuanxin works in 2D"), "\(r.stderr)")
        #expect(!r.stderr.contains("line 6"), "\(r.stderr)")
        #expect(r.stderr.contains("s.csv: line 7 (id n6): warning: Z values dropped: Nuanxin works in 2D"), "\(r.stderr)")
        // The same words as for a GeoJSON position of three numbers.
        let geojson = try HostileInputTests.put(dir, "g.geojson", """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"g1","name":"x","kind":"warm_station","district":"A","seats":3},"geometry":{"type":"Point","coordinates":[113.06,36.06,800]}}]}
            """)
        let g = try CLI.run(["import", "--layer", "stations", "--data", HostileInputTests.data(dir), geojson])
        #expect(g.status == 0, "\(g.stderr)")
        #expect(g.stderr.contains("g.geojson: feature 0 (id g1): warning: Z values dropped: Nuanxin works in 2D"), "\(g.stderr)")
        // --with reads CSV as import does.
        let with = try CLI.run(["compare", "--with", csv, "--format", "json", "--data", HostileInputTests.data(dir)])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.stderr.contains("line 2 (id n1): warning: Z values dropped"), "\(with.stderr)")
    }
}

extension HostileInputTests {
    static let stationsWithEmptyCells = """
        id,name,kind,district,seats,charging_ports,services,hours,operator,lon,lat
        n1,新站,warm_station,A,5,,,,,113.06,36.06
        n2,二号,warm_station,,,2,rest,,,113.07,36.06

        """

    @Test("empty spreadsheet cells that ogr2ogr writes into GeoJSON as \"\" are absent, as in the CSV itself: optional fields import, both files give the same layer")
    func ogr2ogrEmptyCellsAreAbsent() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try HostileInputTests.put(dir, "s.csv", HostileInputTests.stationsWithEmptyCells)
        let geojson = dir.appendingPathComponent("s.geojson").path
        guard let converted = try GDAL.run("ogr2ogr", ["-f", "GeoJSON", geojson, csv, "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "KEEP_GEOM_COLUMNS=NO"]) else { return }
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(try String(contentsOfFile: geojson, encoding: .utf8).contains("\"charging_ports\": \"\""))
        var layers: [String] = []
        for file in [csv, geojson] {
            let copy = dir.appendingPathComponent("data-\(layers.count)")
            try FileManager.default.copyItem(atPath: HostileInputTests.data(dir), toPath: copy.path)
            let r = try CLI.run(["import", "--layer", "stations", "--data", copy.path, file])
            #expect(r.status == 0, "\(file): \(r.stderr)")
            #expect(!r.stderr.contains("non-numeric"), "\(r.stderr)")
            let export = try CLI.run(["export", "--layer", "stations", "--format", "geojson", "--data", copy.path])
            #expect(export.status == 0, "\(export.stderr)")
            layers.append(export.stdout)
        }
        #expect(layers[0] == layers[1])
        // Read straight from the file (no import): the same fields are absent, no error.
        let direct = try CLI.run(["validate", "--format", "json", "--stations", geojson, "--data", HostileInputTests.data(dir)])
        #expect(!direct.stderr.contains("non-numeric") && !direct.stdout.contains("non-numeric"), "\(direct.stdout)\(direct.stderr)")
    }

    @Test("an empty required field (a station's name or kind, a demand point's weight) is an error naming the file, the feature and the field, in the CSV, in ogr2ogr's GeoJSON and in a layer read directly")
    func ogr2ogrEmptyRequiredCells() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try HostileInputTests.put(dir, "s.csv", HostileInputTests.stationsWithEmptyCells.replacingOccurrences(of: "n2,二号,warm_station", with: "n2,,warm_station"))
        let geojson = dir.appendingPathComponent("s.geojson").path
        guard let converted = try GDAL.run("ogr2ogr", ["-f", "GeoJSON", geojson, csv, "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat"]) else { return }
        #expect(converted.status == 0, "\(converted.stderr)")
        let fromCSV = try CLI.run(["import", "--layer", "stations", "--data", HostileInputTests.data(dir), csv])
        #expect(fromCSV.status == 65)
        #expect(fromCSV.stderr.contains("s.csv: line 3 (id n2): missing \"name\" (required)"), "\(fromCSV.stderr)")
        let fromGeoJSON = try CLI.run(["import", "--layer", "stations", "--data", HostileInputTests.data(dir), geojson])
        #expect(fromGeoJSON.status == 65)
        #expect(fromGeoJSON.stderr.contains("s.geojson: feature 1 (id n2): missing \"name\" (required)"), "\(fromGeoJSON.stderr)")
        // A layer read as it is names the empty value.
        let stations = try HostileInputTests.put(dir, "direct.geojson", """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"d1","name":"","kind":" ","seats":""},"geometry":{"type":"Point","coordinates":[113.06,36.06]}}]}
            """)
        let demand = try HostileInputTests.put(dir, "demand.geojson", """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"p1","weight":""},"geometry":{"type":"Point","coordinates":[113.06,36.06]}}]}
            """)
        let direct = try CLI.run(["validate", "--format", "json", "--stations", stations, "--demand", demand, "--data", HostileInputTests.data(dir)])
        #expect(direct.status == 65)
        let text = direct.stdout
        #expect(text.contains("direct.geojson\",\"feature\":0,\"id\":\"d1\",\"message\":\"\\\"name\\\" is empty (required)\""), "\(text)")
        #expect(text.contains("direct.geojson\",\"feature\":0,\"id\":\"d1\",\"message\":\"\\\"kind\\\" is empty (required: one of"), "\(text)")
        #expect(!text.contains("seats"), "\(text)")
        #expect(text.contains("demand.geojson\",\"feature\":0,\"id\":\"p1\",\"message\":\"\\\"weight\\\" is empty (a number is required)\""), "\(text)")
    }
}

extension HostileInputTests {
    @Test("numbers written as text in files are decimal too: 0x71 or nan as a CSV lon, a batch query's lon (CSV and NDJSON) or a GeoJSON \"seats\": \"0x10\" are not numbers, named with their line or feature")
    func hexadecimalTextIsNoNumber() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let csv = try HostileInputTests.put(dir, "hex.csv", "id,name,kind,lon,lat,seats\nn1,甲,warm_station,0x71,36.05,4\nn2,乙,warm_station,113.06,36.05,0x10\n")
        let imported = try CLI.run(["import", "--layer", "stations", csv, "--data", data])
        #expect(imported.status == 65, "\(imported.stderr)")
        #expect(imported.stderr.contains("hex.csv: line 2 (id n1): lon \"0x71\" and lat \"36.05\" must both be numbers"), "\(imported.stderr)")
        #expect(imported.stderr.contains("hex.csv: line 3 (id n2): non-numeric seats: \"0x10\" (a number is required)"), "\(imported.stderr)")
        let batch = try CLI.run(["nearest", "--input", "-", "--format", "csv", "--data", data], stdin: "id,lon,lat\nq1,0x71,36.05\nq2,113.06,36.05\n")
        #expect(batch.status == 65, "\(batch.stderr)")
        #expect(batch.stdout.contains("q1,,,,"), "\(batch.stdout)")
        #expect(batch.stdout.contains("q2,1,"), "\(batch.stdout)")
        let ndjson = try CLI.run(["nearest", "--input", "-", "--input-format", "ndjson", "--format", "csv", "--data", data], stdin: #"{"id":"q1","lon":"0x71","lat":"36.05"}"# + "\n")
        #expect(ndjson.status == 65, "\(ndjson.stderr)")
        let geojson = try HostileInputTests.put(dir, "hex.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"g1","name":"x","kind":"warm_station","seats":"0x10"},"geometry":{"type":"Point","coordinates":[113.06,36.05]}}]}"#)
        let g = try CLI.run(["validate", "--format", "json", "--stations", geojson, "--data", data])
        #expect(g.status == 65, "\(g.stdout)")
        #expect(g.stdout.contains(#"non-numeric seats: \"0x10\" (a number is required)"#), "\(g.stdout)")
    }
}
