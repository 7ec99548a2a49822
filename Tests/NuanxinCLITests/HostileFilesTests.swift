import Foundation
import Testing
import TestSupport

/// The second hostile tester's findings, one case each through the real binary: an `--out` that
/// is an input of the run, and files from other GIS tools and editors.
extension HostileInputTests {
    // MARK: K. --out never replaces an input

    struct OutputIsInput: Sendable, CustomTestStringConvertible {
        /// The command, with `DATA` for the dataset folder and `DIR` for the workspace.
        var arguments: [String]
        /// The file --out names, relative to the workspace.
        var out: String
        /// What the message says the file is.
        var what: String
        var testDescription: String { arguments.prefix(2).joined(separator: " ") + " --out " + out }
    }

    static let outputsThatAreInputs: [OutputIsInput] = [
        OutputIsInput(arguments: ["coverage", "--format", "geojson"], out: "data/stations.geojson", what: "the stations layer of the dataset"),
        OutputIsInput(arguments: ["info", "--format", "json"], out: "data/dataset.json", what: "the dataset's manifest"),
        // A layer the command does not read is lost just the same.
        OutputIsInput(arguments: ["nearest", "--lon", "113.06", "--lat", "36.05", "--format", "geojson"], out: "data/demand.geojson", what: "the demand layer of the dataset"),
        OutputIsInput(arguments: ["validate", "--format", "json", "--stations", "DIR/extra.json"], out: "extra.json", what: "the file given for the stations layer (--stations)"),
        OutputIsInput(arguments: ["nearest", "--input", "DIR/queries.csv", "--format", "csv"], out: "queries.csv", what: "the --input file"),
        OutputIsInput(arguments: ["convert", "--from", "gcj02", "--to", "wgs84", "--input", "DIR/queries.csv", "--format", "csv"], out: "queries.csv", what: "the --input file"),
        OutputIsInput(arguments: ["compare", "--with", "DIR/extra.geojson", "--format", "geojson"], out: "extra.geojson", what: "the --with file"),
        OutputIsInput(arguments: ["report", "--count", "0"], out: "data/districts.geojson", what: "the districts layer of the dataset"),
        // Through a symbolic link and a hard link: the same file under another name.
        OutputIsInput(arguments: ["gaps", "--format", "geojson"], out: "link-to-demand.geojson", what: "the demand layer of the dataset"),
        OutputIsInput(arguments: ["export", "--layer", "stations"], out: "hard-link.geojson", what: "the stations layer of the dataset"),
    ]

    @Test("--out naming an input of the run (a layer, the manifest, --input, --with, through links too) is refused with 73 before any work; the input is unchanged",
          arguments: HostileInputTests.outputsThatAreInputs)
    func outputIsInput(_ c: OutputIsInput) throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        _ = try HostileInputTests.put(dir, "queries.csv", "id,lon,lat\nq1,113.06,36.05\n")
        try FileManager.default.copyItem(atPath: data + "/stations.geojson", toPath: dir.path + "/extra.geojson")
        try FileManager.default.copyItem(atPath: data + "/stations.geojson", toPath: dir.path + "/extra.json")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/link-to-demand.geojson", withDestinationPath: data + "/demand.geojson")
        try FileManager.default.linkItem(atPath: data + "/stations.geojson", toPath: dir.path + "/hard-link.geojson")
        let out = dir.path + "/" + c.out
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        let arguments = c.arguments.map { $0.replacingOccurrences(of: "DIR", with: dir.path) } + ["--out", out] + (c.arguments[0] == "convert" ? [] : ["--data", data])
        let r = try CLI.run(arguments)
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("nuanxin: --out \(out) is \(c.what)"), "\(r.stderr)")
        #expect(r.stderr.contains("which writing the result would replace: choose another file"), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)
    }

    @Test("--input - reading a file the shell redirected (< q.csv) with --out that same file is refused (73), the file intact; from a pipe it is answered")
    func stdinFileAsOutput() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let queries = try HostileInputTests.put(dir, "q.csv", "id,lon,lat\nq1,113.06,36.05\n")
        let before = try Data(contentsOf: URL(fileURLWithPath: queries))
        let r = try CLI.runThroughShell("exec \"$0\" \"$@\" < \"$Q\"".replacingOccurrences(of: "$Q", with: queries),
                                        ["nearest", "--input", "-", "--out", queries, "--data", data])
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("nuanxin: --out \(queries) is the file read as --input - (standard input), which writing the result would replace"), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: queries)) == before)
        let piped = try CLI.run(["nearest", "--input", "-", "--out", dir.path + "/answers.csv", "--data", data], stdin: "id,lon,lat\nq1,113.06,36.05\n")
        #expect(piped.status == 0, "\(piped.stderr)")
    }

    @Test("--out beside the inputs, or a new file, is written as before")
    func outputBesideInputs() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let copy = dir.path + "/stations-copy.geojson"
        try FileManager.default.copyItem(atPath: data + "/stations.geojson", toPath: copy)
        let r = try CLI.run(["export", "--layer", "stations", "--out", copy, "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        let fresh = try CLI.run(["coverage", "--format", "json", "--out", data + "/coverage.json", "--data", data])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(FileManager.default.fileExists(atPath: data + "/coverage.json"))
    }
}

extension HostileInputTests {
    // MARK: L. files from other GIS tools and editors

    /// ogr2ogr's conversion of the tiny dataset's stations into `file` (driver and options).
    static func ogr2ogr(_ dir: URL, _ file: String, _ options: [String]) throws -> String? {
        let out = dir.appendingPathComponent(file).path
        guard let r = try GDAL.run("ogr2ogr", options + [out, HostileInputTests.data(dir) + "/stations.geojson"]) else { return nil }
        #expect(r.status == 0, "ogr2ogr \(options): \(r.stderr)")
        return out
    }

    @Test("a Shapefile, FlatGeobuf, KML or GeoJSONSeq file (from ogr2ogr) given as a layer or to import is named as such with the ogr2ogr command that converts it (65), not a JSON or CSV syntax error")
    func otherGISFormats() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        guard let shp = try HostileInputTests.ogr2ogr(dir, "shp", ["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-mapFieldType", "StringList=String"]),
              let fgb = try HostileInputTests.ogr2ogr(dir, "stations.fgb", ["-f", "FlatGeobuf", "-mapFieldType", "StringList=String"]),
              let kml = try HostileInputTests.ogr2ogr(dir, "stations.kml", ["-f", "KML"]),
              let seq = try HostileInputTests.ogr2ogr(dir, "stations.geojsons", ["-f", "GeoJSONSeq"]) else { return }
        let cases: [(String, String)] = [
            (shp + "/stations.shp", "an ESRI Shapefile"), (shp + "/stations.dbf", "a part of an ESRI Shapefile"),
            (fgb, "a FlatGeobuf file"), (kml, "XML (KML, GML or GPX)"), (seq, "GeoJSON text sequences (GeoJSONSeq, RFC 8142)"),
        ]
        let before = try Data(contentsOf: URL(fileURLWithPath: data + "/stations.geojson"))
        for (file, what) in cases {
            let message = "\(file): the file is \(what), not GeoJSON or CSV: convert it first, e.g. ogr2ogr -f GeoJSON layer.geojson \(file)"
            let imported = try CLI.run(["import", "--layer", "stations", file, "--data", data])
            #expect(imported.status == 65, "\(imported.stderr)")
            #expect(imported.stderr.contains("nuanxin: " + message), "\(imported.stderr)")
            let validated = try CLI.run(["validate", "--format", "table", "--stations", file, "--data", data])
            #expect(validated.status == 65, "\(validated.stderr)")
            #expect(validated.stdout.contains(message), "\(validated.stdout)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: data + "/stations.geojson")) == before)
    }

    @Test("a GeoJSON layer in UTF-16 (with or without a byte order mark) or UTF-32 says so (65)")
    func wideEncodings() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let text = try String(contentsOfFile: data + "/stations.geojson", encoding: .utf8)
        let cases: [(String, Data, String)] = [
            ("bom16.geojson", text.data(using: .utf16)!, "UTF-16"),
            ("le16.geojson", text.data(using: .utf16LittleEndian)!, "UTF-16"),
            ("be16.geojson", text.data(using: .utf16BigEndian)!, "UTF-16"),
            ("le32.geojson", text.data(using: .utf32LittleEndian)!, "UTF-32"),
        ]
        for (name, bytes, encoding) in cases {
            let file = dir.appendingPathComponent(name)
            try bytes.write(to: file)
            let r = try CLI.run(["validate", "--format", "table", "--stations", file.path, "--data", data])
            #expect(r.status == 65)
            #expect(r.stdout.contains("\(file.path): not valid JSON: line 1, column 1: the file is \(encoding), not UTF-8"), "\(r.stdout)")
            #expect(r.stdout.contains("save it as UTF-8"), "\(r.stdout)")
        }
    }

    @Test("an empty Point or Polygon (\"coordinates\": [], GDAL's EMPTY) is an error naming the feature; a MultiPoint of one point (QGIS, ogr2ogr -nlt MULTIPOINT) is that point")
    func emptyAndMultiPointGeometries() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = URL(fileURLWithPath: HostileInputTests.data(dir))
        try Fixtures.setGeometry(data.appendingPathComponent("stations.geojson"), 0, ["type": "Point", "coordinates": [Any]()])
        try Fixtures.setGeometry(data.appendingPathComponent("districts.geojson"), 0, ["type": "Polygon", "coordinates": [Any]()])
        try Fixtures.setGeometry(data.appendingPathComponent("commercial_areas.geojson"), 0, ["type": "MultiPolygon", "coordinates": [Any]()])
        let r = try CLI.run(["validate", "--format", "table", "--data", data.path])
        #expect(r.status == 65)
        #expect(r.stdout.contains("stations.geojson: feature 0 (id s1): a Point geometry is required; this Point is empty (no coordinates)"), "\(r.stdout)")
        #expect(r.stdout.contains("districts.geojson: feature 0 (id A): a Polygon or MultiPolygon geometry is required; this Polygon is empty (no coordinates)"), "\(r.stdout)")
        #expect(r.stdout.contains("commercial_areas.geojson: feature 0 (id c1): a Polygon or MultiPolygon geometry is required; this MultiPolygon is empty (no coordinates)"), "\(r.stdout)")

        // ogr2ogr -nlt MULTIPOINT: every station a MultiPoint of one point; the same answers.
        let fresh = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: fresh) }
        guard let multi = try HostileInputTests.ogr2ogr(fresh, "multi.geojson", ["-f", "GeoJSON", "-nlt", "MULTIPOINT"]) else { return }
        let query = ["nearest", "--lon", "113.06", "--lat", "36.05", "-k", "3", "--format", "json", "--data", HostileInputTests.data(fresh)]
        let plain = try CLI.run(query)
        let fromMulti = try CLI.run(query + ["--stations", multi])
        #expect(fromMulti.status == 0, "\(fromMulti.stderr)")
        #expect(fromMulti.stdout == plain.stdout)
        #expect(try String(contentsOfFile: multi, encoding: .utf8).contains("MultiPoint"))
        // Two points are still not one station.
        try Fixtures.setGeometry(URL(fileURLWithPath: multi), 1, ["type": "MultiPoint", "coordinates": [[113.06, 36.05], [113.07, 36.06]]])
        let two = try CLI.run(query + ["--stations", multi])
        #expect(two.status == 65)
        #expect(two.stderr.contains("multi.geojson: feature 1 (id s2): a Point geometry is required, not a MultiPoint of 2 points"), "\(two.stderr)")
    }
}

extension HostileInputTests {
    // MARK: M. a negative number after a flag is its value

    @Test("a negative value of a numeric flag (or --at) is read as the value and refused by its range (64), not \"Missing value\"", arguments: [
        (["nearest", "--lon", "113.06", "--lat", "36.05", "-k", "-1"], "-k must be at least 1"),
        (["nearest", "--lon", "113.06", "--lat", "36.05", "--max-distance", "-1"], "--max-distance must be a distance in metres ≥ 0"),
        (["within", "--lon", "113.06", "--lat", "36.05", "--radius", "-5"], "--radius must be a distance in metres ≥ 0"),
        (["gaps", "--top", "-1"], "--top must be at least 1"),
        (["gaps", "--min-demand", "-1"], "--min-demand must be a number of riders ≥ 0"),
        (["propose", "--count", "-3"], "--count must be at least 1"),
        (["propose", "--count", "2", "--seats", "-1"], "--seats must be at least 1"),
        (["propose", "--budget", "-1e6"], "--budget must be a number of yuan greater than 0"),
        (["report", "--count", "-1"], "--count must be 0 (no proposals) or more"),
        (["areas", "--min-meal-partners", "-2"], "--min-meal-partners must be ≥ 0"),
        (["coverage", "--stay-min", "-20"], "--stay-min must be a positive number of minutes"),
        (["coverage", "--at", "-1:00"], "--at -1:00: give a time HH:MM between 00:00 and 23:59"),
    ])
    func negativeFlagValues(_ arguments: [String], _ message: String) throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(arguments + ["--data", HostileInputTests.data(dir)])
        #expect(r.status == 64)
        #expect(r.stderr.contains("Error: \(message)"), "\(r.stderr)")
        #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
    }
}

extension HostileInputTests {
    // MARK: N. --out "" and --out -

    @Test("--out - writes to standard output (no file named -), --out \"\" is a usage error (64), and report refuses both")
    func outDashAndEmpty() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let dash = try CLI.run(["info", "--format", "json", "--out", "-", "--data", data], currentDirectory: dir)
        #expect(dash.status == 0, "\(dash.stderr)")
        #expect(dash.stdout.hasPrefix("{\"dataset\""))
        let batch = try CLI.run(["nearest", "--input", "-", "--format", "csv", "--out", "-", "--data", data], stdin: "id,lon,lat\nq1,113.06,36.05\n", currentDirectory: dir)
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(batch.stdout.hasPrefix("query_id,rank,station_id,distance_m,error\nq1,1,"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/-"))
        let empty = try CLI.run(["info", "--format", "json", "--out", "", "--data", data], currentDirectory: dir)
        #expect(empty.status == 64)
        #expect(empty.stderr.contains("Error: --out is empty: give a file name (or - for standard output)"), "\(empty.stderr)")
        for out in ["", "-"] {
            let report = try CLI.run(["report", "--count", "0", "--out", out, "--data", data], currentDirectory: dir)
            #expect(report.status == 64)
            #expect(report.stderr.contains("the report is a file; give its name (.html or .svg)"), "\(report.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/-"))
    }
}

extension HostileInputTests {
    // MARK: O. a manifest value of the wrong kind is named, not called missing

    @Test("a manifest radius_m of -5, 0 or \"1000\", or a name or crs that is not text, is named with its value (65), not called missing", arguments: [
        ("radius_m", "-5", "\"radius_m\" must be a positive number of metres, not -5"),
        ("radius_m", "0", "\"radius_m\" must be a positive number of metres, not 0"),
        ("radius_m", "\"1000\"", "\"radius_m\" must be a positive number of metres, not \"1000\""),
        ("name", "42", "\"name\" (a string), not 42"),
        ("crs", "4547", "\"crs\" (a metric CRS such as \"EPSG:4547\"), not 4547"),
    ])
    func manifestValueOfWrongKind(_ key: String, _ json: String, _ message: String) throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = URL(fileURLWithPath: HostileInputTests.data(dir) + "/dataset.json")
        let marker = "__HOSTILE_VALUE__"
        try Fixtures.editJSON(manifest) { $0[key] = marker }
        let text = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(of: "\"\(marker)\"", with: json)
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let r = try CLI.run(["coverage", "--format", "json", "--data", HostileInputTests.data(dir)])
        #expect(r.status == 65)
        #expect(r.stderr.contains("dataset.json: \(message)"), "\(r.stderr)")
    }
}

extension HostileInputTests {
    // MARK: P. a CSV's rows are named by their lines everywhere

    @Test("a CSV given to --with names its rows by line, as import does, and a duplicate id names the line of the first row")
    func csvLinesInWithAndDuplicates() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let csv = try HostileInputTests.put(dir, "plan.csv", "id,name,kind,lon,lat\nw1,甲,warm_station,113.06,36.05\nw2,乙,tea_house,113.07,36.05\nw1,丙,warm_station,113.08,36.05\n")
        let with = try CLI.run(["coverage", "--format", "json", "--with", csv, "--data", data])
        #expect(with.status == 65)
        #expect(with.stderr.contains("plan.csv: line 3 (id w2): unknown kind \"tea_house\""), "\(with.stderr)")
        #expect(with.stderr.contains("plan.csv: line 4 (id w1): duplicate id \"w1\" (also line 2)"), "\(with.stderr)")
        let imported = try CLI.run(["import", "--layer", "stations", csv, "--data", data])
        #expect(imported.status == 65)
        #expect(imported.stderr.contains("plan.csv: line 4 (id w1): duplicate id \"w1\" (also line 2)"), "\(imported.stderr)")
    }
}

extension HostileInputTests {
    @Test("a GeoPackage named .db is imported as one; an SQLite database that is no GeoPackage says so (65)")
    func geoPackageUnderAnotherName() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let package = dir.path + "/stations.gpkg"
        let exported = try CLI.run(["export", "--layer", "stations", "--format", "gpkg", "--out", package, "--data", data])
        #expect(exported.status == 0, "\(exported.stderr)")
        try FileManager.default.moveItem(atPath: package, toPath: dir.path + "/stations.db")
        let r = try CLI.run(["import", "--layer", "stations", dir.path + "/stations.db", "--replace", "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains(" replaced); the layer now has "), "\(r.stderr)")
        // Only the SQLite header: no GeoPackage tables.
        let plain = try HostileInputTests.put(dir, "plain.sqlite", "SQLite format 3\0" + String(repeating: "\0", count: 84))
        let refused = try CLI.run(["import", "--layer", "stations", plain, "--data", data])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("plain.sqlite: "), "\(refused.stderr)")
        #expect(!refused.stderr.contains("CSV") && !refused.stderr.contains("GBK"), "\(refused.stderr)")
    }
}

extension HostileInputTests {
    @Test("--data naming the manifest or a layer file says to give the folder (66), not 'dataset.json/dataset.json: no such file'")
    func dataNamingAFile() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let manifest = try CLI.run(["info", "--data", data + "/dataset.json"])
        #expect(manifest.status == 66)
        #expect(manifest.stderr.contains("nuanxin: \(data)/dataset.json: --data names a file, not a dataset folder: give the folder that holds it (--data \(data))"), "\(manifest.stderr)")
        let layer = try CLI.run(["info", "--data", data + "/stations.geojson"])
        #expect(layer.status == 66)
        #expect(layer.stderr.contains("nuanxin: \(data)/stations.geojson: --data names a file, not a dataset folder: give a dataset folder or a GeoPackage (.gpkg); to replace one layer, use --stations FILE and the like"), "\(layer.stderr)")
    }
}

extension HostileInputTests {
    @Test("a CSV row whose wkt point and lon/lat columns are two places is an error naming its line (65); the same point twice imports")
    func wktAndLonLatDisagree() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: data + "/stations.geojson"))
        let two = try HostileInputTests.put(dir, "two.csv", "id,name,kind,lon,lat,wkt\nn1,甲,warm_station,113.06,36.05,\"POINT (113.2 36.2)\"\n")
        let r = try CLI.run(["import", "--layer", "stations", two, "--data", data])
        #expect(r.status == 65)
        #expect(r.stderr.contains("two.csv: line 2 (id n1): wkt POINT (113.2 36.2) and lon 113.06, lat 36.05 are two different places: keep one of them"), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: data + "/stations.geojson")) == before)
        let one = try HostileInputTests.put(dir, "one.csv", "id,name,kind,lon,lat,wkt\nn1,甲,warm_station,113.06,36.05,\"POINT (113.06 36.05)\"\n")
        let ok = try CLI.run(["import", "--layer", "stations", one, "--data", data])
        #expect(ok.status == 0, "\(ok.stderr)")
    }
}

extension HostileInputTests {
    // MARK: Q. import never loses a GeoPackage's other tables

    static func tableNames(_ path: String) throws -> [String] {
        guard let r = try GDAL.run("ogrinfo", ["-ro", "-q", path]) else { return [] }
        // "1: stations (Point)"
        return r.stdout.split(separator: "\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return line[line.index(after: colon)...].split(separator: " ").first.map(String.init)
        }
    }

    @Test("import into a --data GeoPackage keeps the file's other tables (a layer added in QGIS or GDAL, a layer_styles table); import with --stations FILE.gpkg is refused (73) instead of overwriting the GeoPackage with GeoJSON")
    func importKeepsGeoPackageTables() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let city = dir.path + "/city.gpkg"
        let exported = try CLI.run(["export", "--layer", "all", "--format", "gpkg", "--out", city, "--data", data])
        #expect(exported.status == 0, "\(exported.stderr)")
        guard let added = try GDAL.run("ogr2ogr", ["-f", "GPKG", "-update", "-nln", "my_survey", city, data + "/stations.geojson"]) else { return }
        #expect(added.status == 0, "\(added.stderr)")
        guard let styled = try GDAL.run("ogrinfo", [city, "-sql", "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY, f_table_name TEXT, styleQML TEXT)"]) else { return }
        #expect(styled.status == 0, "\(styled.stderr)")
        let before = try HostileInputTests.tableNames(city)
        #expect(before.contains("my_survey"), "\(before)")
        let csv = try HostileInputTests.put(dir, "new.csv", "id,name,kind,lon,lat\nn1,甲,warm_station,113.06,36.05\n")
        let r = try CLI.run(["import", "--layer", "stations", csv, "--data", city])
        #expect(r.status == 0, "\(r.stderr)")
        let after = try HostileInputTests.tableNames(city)
        #expect(Set(after) == Set(before), "before \(before), after \(after)")
        guard let styles = try GDAL.run("ogrinfo", ["-ro", city, "-sql", "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'layer_styles'"]) else { return }
        #expect(styles.stdout.contains("n (Integer) = 1"), "\(styles.stdout)")
        guard let summary = try GDAL.summary(city, "stations") else { return }
        #expect(GDAL.count(summary) == 5, "\(summary)")  // the tiny dataset's 4 and the new one
        let info = try CLI.run(["validate", "--format", "table", "--data", city])
        #expect(info.status == 0, "\(info.stdout)\(info.stderr)")

        // A replacement layer that is a GeoPackage is not overwritten with GeoJSON.
        let layer = dir.path + "/stations-layer.gpkg"
        let one = try CLI.run(["export", "--layer", "stations", "--format", "gpkg", "--out", layer, "--data", data])
        #expect(one.status == 0, "\(one.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: layer))
        let refused = try CLI.run(["import", "--layer", "stations", csv, "--stations", layer, "--data", data])
        #expect(refused.status == 73)
        #expect(refused.stderr.contains("nuanxin: --stations \(layer) is a GeoPackage, and import writes the layer as GeoJSON"), "\(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: layer)) == bytes)
    }
}

extension HostileInputTests {
    @Test("import into a GeoPackage another program holds open in WAL mode (as QGIS does) keeps that program's committed edits and leaves a readable file: the layer is replaced through SQLite, not by new bytes over the file")
    func importWhileGeoPackageIsOpen() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let city = dir.path + "/city.gpkg"
        let exported = try CLI.run(["export", "--layer", "all", "--format", "gpkg", "--out", city, "--data", data])
        #expect(exported.status == 0, "\(exported.stderr)")
        // Another program: WAL mode, one committed edit of its own, the connection kept open.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.execute("PRAGMA journal_mode=wal")
            c.execute("CREATE TABLE my_notes (note TEXT)")
            c.execute("INSERT INTO my_notes VALUES ('checked on site')")
            c.commit()
            print("ready", flush=True)
            sys.stdin.readline()
            c.close()
            """, city]
        let toHolder = Pipe(), fromHolder = Pipe()
        holder.standardInput = toHolder
        holder.standardOutput = fromHolder
        try holder.run()
        let ready = String(decoding: fromHolder.fileHandleForReading.availableData, as: UTF8.self)
        #expect(ready.hasPrefix("ready"), "\(ready)")
        #expect(FileManager.default.fileExists(atPath: city + "-wal"), "the other program's WAL file")
        let csv = try HostileInputTests.put(dir, "new.csv", "id,name,kind,lon,lat\nn1,甲,warm_station,113.06,36.05\n")
        let r = try CLI.run(["import", "--layer", "stations", csv, "--data", city])
        #expect(r.status == 0, "\(r.stderr)")
        try toHolder.fileHandleForWriting.write(contentsOf: Data("done\n".utf8))
        holder.waitUntilExit()
        #expect(holder.terminationStatus == 0)
        let info = try CLI.run(["validate", "--format", "table", "--data", city])
        #expect(info.status == 0, "\(info.stdout)\(info.stderr)")
        let stations = try CLI.run(["export", "--layer", "stations", "--format", "csv", "--data", city])
        #expect(stations.stdout.contains("n1,"), "\(stations.stdout)")
        let notes = Process()
        notes.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        notes.arguments = ["python3", "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT note FROM my_notes').fetchall())", city]
        let out = Pipe()
        notes.standardOutput = out
        try notes.run()
        notes.waitUntilExit()
        let kept = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(kept.contains("checked on site"), "the other program's edit is kept: \(kept)")
    }
}

extension HostileInputTests {
    @Test("a batch input that is GeoJSONSeq or KML is named with the conversion (65), not read as CSV; a GeoJSON batch of one-point MultiPoints is answered, and a geometry that is no point is named")
    func batchInputsFromOtherTools() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let seq = try HostileInputTests.put(dir, "points.geojsons", "\u{1E}{\"type\":\"Feature\",\"properties\":{\"id\":\"q1\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.06,36.05]}}\n")
        let kml = try HostileInputTests.put(dir, "points.kml", "<?xml version=\"1.0\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"></kml>\n")
        for (file, what) in [(seq, "GeoJSON text sequences (GeoJSONSeq, RFC 8142)"), (kml, "XML (KML, GML or GPX)")] {
            for command in [["nearest", "--data", data], ["convert", "--from", "gcj02", "--to", "wgs84"]] {
                let r = try CLI.run(command + ["--input", file, "--format", "csv"])
                #expect(r.status == 65)
                #expect(r.stderr.contains("nuanxin: \(file): the file is \(what), not GeoJSON or CSV: convert it first"), "\(r.stderr)")
            }
        }
        let multi = try HostileInputTests.put(dir, "multi.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"q1"},"geometry":{"type":"MultiPoint","coordinates":[[113.06,36.05]]}},
            {"type":"Feature","properties":{"id":"q2"},"geometry":{"type":"MultiPoint","coordinates":[[113.06,36.05],[113.07,36.06]]}},
            {"type":"Feature","properties":{"id":"q3"},"geometry":{"type":"LineString","coordinates":[[113.06,36.05],[113.07,36.06]]}}]}
            """)
        let r = try CLI.run(["nearest", "--data", data, "--input", multi, "--format", "csv"])
        #expect(r.status == 65)
        #expect(r.stdout.contains("\nq1,1,s1,"), "\(r.stdout)")
        #expect(r.stderr.contains("multi.geojson: feature 1: a Point geometry is required, not a MultiPoint of 2 points"), "\(r.stderr)")
        #expect(r.stderr.contains("multi.geojson: feature 2: a Point geometry is required, not LineString"), "\(r.stderr)")
    }
}

extension HostileInputTests {
    @Test("GeoJSON converted by ogr2ogr from a CSV with Chinese headers (编号, 名称, 类型, 座位数, 开放时间) imports with the English keys, as that CSV does")
    func chineseKeysFromOgr2ogr() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let csv = try HostileInputTests.put(dir, "驿站.csv", "编号,名称,类型,座位数,经度,纬度,开放时间\nc1,城东驿站,暖新驿站,6,113.06,36.05,08:00-20:00\nc2,城西驿站,骑手驿站,4,113.07,36.06,24h\n")
        let geojson = dir.path + "/驿站.geojson"
        guard let converted = try GDAL.run("ogr2ogr", ["-f", "GeoJSON", "-oo", "X_POSSIBLE_NAMES=经度", "-oo", "Y_POSSIBLE_NAMES=纬度", "-oo", "KEEP_GEOM_COLUMNS=NO", "-oo", "AUTODETECT_TYPE=YES", geojson, csv]) else { return }
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(try String(contentsOfFile: geojson, encoding: .utf8).contains("\"编号\": \"c1\""))
        let r = try CLI.run(["import", "--layer", "stations", geojson, "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        let layer = try String(contentsOfFile: data + "/stations.geojson", encoding: .utf8)
        #expect(layer.contains(#""id":"c1","name":"城东驿站","kind":"warm_station","seats":6,"hours":"08:00-20:00""#), "\(layer)")
        // The same rows as CSV give the same layer.
        let fromCSV = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: fromCSV) }
        let viaCSV = try CLI.run(["import", "--layer", "stations", csv, "--data", HostileInputTests.data(fromCSV)])
        #expect(viaCSV.status == 0, "\(viaCSV.stderr)")
        #expect(try String(contentsOfFile: HostileInputTests.data(fromCSV) + "/stations.geojson", encoding: .utf8) == layer)
    }
}

extension HostileInputTests {
    @Test("an id with a newline, tab or NUL is an error naming the feature and the character (65)")
    func controlCharactersInIDs() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let stations = URL(fileURLWithPath: HostileInputTests.data(dir) + "/stations.geojson")
        try Fixtures.setProperty(stations, 1, "id", "s2\nDROP")
        try Fixtures.setProperty(stations, 2, "id", "s3\u{0}")
        let r = try CLI.run(["validate", "--format", "table", "--data", HostileInputTests.data(dir)])
        #expect(r.status == 65)
        #expect(r.stdout.contains("stations.geojson: feature 1 (id s2\nDROP): the id contains a control character (U+000A): an id must be one line of printable text"), "\(r.stdout)")
        #expect(r.stdout.contains("stations.geojson: feature 2 (id s3\u{0}): the id contains a control character (U+0000)"), "\(r.stdout)")
    }
}

extension HostileInputTests {
    @Test("a site_cost of 1e308 yuan is a named error in validate and propose (65), not 'cost inf is not positive'; --budget above a trillion yuan is a usage error (64)")
    func moneyLimits() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let manifest = URL(fileURLWithPath: data + "/dataset.json")
        try Fixtures.editJSON(manifest) { $0["site_cost"] = ["fixed": 1e308, "per_seat": 1500] }
        for command in [["validate", "--format", "table"], ["propose", "--count", "1", "--format", "json"]] {
            let r = try CLI.run(command + ["--data", data])
            #expect(r.status == 65)
            #expect((r.stdout + r.stderr).contains("dataset.json: \"site_cost\".\"fixed\" is 1e+308, more than the limit of 1000000000000 yuan"), "\(r.stdout)\(r.stderr)")
            #expect(!r.stderr.contains("inf"), "\(r.stderr)")
        }
        let fresh = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: fresh) }
        let budget = try CLI.run(["propose", "--budget", "1e300", "--format", "json", "--data", HostileInputTests.data(fresh)])
        #expect(budget.status == 64)
        #expect(budget.stderr.contains("Error: --budget 1e+300 is more than the limit of 1000000000000 yuan"), "\(budget.stderr)")
    }
}

extension HostileInputTests {
    @Test("report --tiles with a template that is not an http(s) URL (javascript:, file:, a bare path) is a usage error (64), before any work", arguments: [
        "javascript:alert(1)//{z}/{x}/{y}", "file:///srv/tiles/{z}/{x}/{y}.png", "tiles/{z}/{x}/{y}.png",
    ])
    func tilesMustBeHTTP(_ template: String) throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.path + "/report.html"
        let r = try CLI.run(["report", "--count", "0", "--tiles", template, "--out", out, "--data", HostileInputTests.data(dir)])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--tiles \(template): the URL template must start with https:// or http://"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

extension HostileInputTests {
    @Test("with standard error closed (2>&-), a batch's messages do not end up in the --out file; with standard output closed, writing the result is still an error (74)")
    func closedStandardDescriptors() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let queries = try HostileInputTests.put(dir, "q.csv", "id,lon,lat\nq1,113.06,36.05\nq2,abc,36.05\n")
        for command in [["nearest", "--data", data], ["convert", "--from", "gcj02", "--to", "wgs84"]] {
            let out = dir.path + "/out-\(command[0]).csv"
            let r = try CLI.runThroughShell(#"f=$1; shift; exec "$0" "$@" 2>&- <"$f""#, [queries] + command + ["--input", "-", "--format", "csv", "--out", out])
            #expect(r.status == 65)
            let written = try String(contentsOfFile: out, encoding: .utf8)
            #expect(!written.contains("nuanxin:"), "\(written)")
            #expect(written.contains("q1,"), "\(written)")
        }
        let closed = try CLI.runThroughShell(#"exec "$0" "$@" >&-"#, ["info", "--format", "csv", "--data", data])
        #expect(closed.status == 74)
        #expect(closed.stderr.contains("nuanxin: cannot write to standard output: Bad file descriptor"), "\(closed.stderr)")
    }
}

extension HostileInputTests {
    @Test("a HOME that does not exist (a service account's /nonexistent) is not created by the PROJ cache; the command answers")
    func missingHomeIsNotCreated() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let home = dir.path + "/nonexistent"
        let r = try CLI.runThroughShell(#"export HOME="$1"; unset XDG_CACHE_HOME; shift; exec "$0" "$@""#,
                                        [home, "nearest", "--lon", "113.06", "--lat", "36.05", "--format", "json", "--data", HostileInputTests.data(dir)])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home))
    }
}

extension HostileInputTests {
    @Test("a layer given as a dangling symbolic link or a link loop says so (66), not 'no such file'")
    func brokenLinksAsInputs() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let dangling = dir.path + "/dangling.geojson", loop = dir.path + "/loop.geojson"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: dir.path + "/gone.geojson")
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        let expected = [(dangling, "cannot read: a symbolic link to \(dir.path)/gone.geojson, which does not exist"), (loop, "cannot read: a loop of symbolic links")]
        for (file, message) in expected {
            let r = try CLI.run(["nearest", "--lon", "113.06", "--lat", "36.05", "--stations", file, "--data", HostileInputTests.data(dir)])
            #expect(r.status == 66)
            #expect(r.stderr.contains("nuanxin: \(file): \(message)"), "\(r.stderr)")
        }
    }
}

extension HostileInputTests {
    @Test("propose --citywide (and export --layer proposals --citywide) on a dataset without districts or with only zones answers with no plan, as without --citywide, instead of trapping (132)")
    func citywideWithoutDistricts() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let districts = URL(fileURLWithPath: data + "/districts.geojson")
        try Fixtures.editJSON(districts) { fc in
            fc["features"] = (fc["features"] as! [[String: Any]]).map { f in
                var f = f, p = f["properties"] as! [String: Any]
                p["kind"] = "zone"
                f["properties"] = p
                return f
            }
        }
        for command in [["propose", "--count", "1", "--citywide", "--format", "json"], ["export", "--layer", "proposals", "--citywide"]] {
            let r = try CLI.run(command + ["--data", data])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"), "\(r.stderr)")
        }
        try Data(#"{"type":"FeatureCollection","features":[]}"#.utf8).write(to: districts)
        let none = try CLI.run(["propose", "--count", "1", "--citywide", "--format", "json", "--data", data])
        #expect(none.status == 0, "\(none.stderr)")
        #expect(none.stdout.contains("\"districts\":[]"), "\(none.stdout)")
    }

    @Test("--require or --exclude with a value that names no id (',,', '') is a usage error (64); it was silently ignored")
    func emptyRequireValues() throws {
        for (flag, value) in [("--require", ",,"), ("--exclude", ""), ("--require", " , ")] {
            let r = try CLI.run(["propose", "--count", "1", flag, value, "--data", Fixtures.tiny.path])
            #expect(r.status == 64, "\(flag) '\(value)': \(r.stderr)")
            #expect(r.stderr.contains("\(flag) \"\(value)\" names no candidate id"), "\(r.stderr)")
        }
        let trailing = try CLI.run(["propose", "--count", "1", "--exclude", "k1,", "--format", "json", "--data", Fixtures.tiny.path])
        #expect(trailing.status == 0, "a trailing comma after an id is fine: \(trailing.stderr)")
    }

    @Test("--kind and --service take the Chinese words the layers take (暖新驿站, 热水): the same answer as the codes; an unknown word is a usage error (64)")
    func chineseKindFlags() throws {
        let data = Fixtures.tiny.path
        let point = ["--lon", "113.06", "--lat", "36.05", "--format", "json", "--data", data]
        let code = try CLI.run(["nearest", "--kind", "warm_station"] + point)
        let word = try CLI.run(["nearest", "--kind", "暖新驿站"] + point)
        #expect(code.status == 0 && word.status == 0, "\(code.stderr)\(word.stderr)")
        #expect(word.stdout == code.stdout)
        let service = try CLI.run(["within", "--radius", "50000", "--service", "热水"] + point)
        let serviceCode = try CLI.run(["within", "--radius", "50000", "--service", "water"] + point)
        #expect(service.status == 0, "\(service.stderr)")
        #expect(service.stdout == serviceCode.stdout)
        let unknown = try CLI.run(["nearest", "--kind", "驿站甲"] + point)
        #expect(unknown.status == 64, "\(unknown.stderr)")
    }
}
