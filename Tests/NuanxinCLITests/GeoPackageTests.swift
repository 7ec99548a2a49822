import Foundation
import Testing

/// GeoPackage files, stable field types and round trips through GDAL (ogrinfo, ogr2ogr).
@Suite("GeoPackage and files mapping tools read")
struct GeoPackageTests {
    static let changzhi = CLI.repositoryRoot.appendingPathComponent("geodata/changzhi")

    /// (layer name, flag, table, file)
    static let layers: [(String, String, String, String)] = [
        ("districts", "--districts", "districts", "districts.geojson"),
        ("stations", "--stations", "stations", "stations.geojson"),
        ("parking", "--parking", "parking_zones", "parking_zones.geojson"),
        ("areas", "--areas", "commercial_areas", "commercial_areas.geojson"),
        ("demand", "--demand", "demand", "demand.geojson"),
        ("candidates", "--candidates", "candidates", "candidates.geojson"),
    ]

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gpkg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func featureCount(_ file: URL) throws -> Int {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        return (json["features"] as! [Any]).count
    }

    @Test("export --layer all writes a GeoPackage ogrinfo reads without a warning, every layer with its count and typed fields")
    func exportAll() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gpkg = dir.appendingPathComponent("changzhi.gpkg")
        let r = try CLI.run(["export", "--layer", "all", "--format", "gpkg", "--out", gpkg.path, "--data", Self.changzhi.path])
        #expect(r.status == 0, "\(r.stderr)")
        let bytes = try Data(contentsOf: gpkg)
        #expect(bytes.prefix(16) == Data("SQLite format 3\0".utf8))
        // application_id 'GPKG' at offset 68, user_version 10300 at offset 60 (big-endian).
        #expect(Array(bytes[68..<72]) == Array("GPKG".utf8))
        #expect(bytes[60..<64].reduce(0) { $0 << 8 | Int($1) } == 10300)
        // Every feature read, no warning or error.
        guard let all = try GDAL.run("ogrinfo", ["-ro", "-al", gpkg.path]) else { return }
        #expect(all.status == 0)
        #expect(!all.stderr.contains("Warning") && !all.stderr.contains("ERROR"), "\(all.stderr)")
        for (_, _, table, file) in Self.layers {
            guard let summary = try GDAL.summary(gpkg.path, table) else { return }
            #expect(GDAL.count(summary) == (try Self.featureCount(Self.changzhi.appendingPathComponent(file))), "\(table): \(summary)")
            #expect(!summary.contains("Warning") && !summary.contains("ERROR"), "\(summary)")
        }
        let stations = GDAL.fieldTypes(try GDAL.summary(gpkg.path, "stations") ?? "")
        #expect(stations["seats"] == "Integer64" && stations["charging_ports"] == "Integer64", "\(stations)")
        #expect(stations["services"] == "String" && stations["id"] == "String", "\(stations)")
        let districts = GDAL.fieldTypes(try GDAL.summary(gpkg.path, "districts") ?? "")
        #expect(districts["workers"] == "Real", "\(districts)")
        #expect(GDAL.fieldTypes(try GDAL.summary(gpkg.path, "demand") ?? "")["weight"] == "Real")
        let areas = GDAL.fieldTypes(try GDAL.summary(gpkg.path, "commercial_areas") ?? "")
        #expect(areas["rider_friendly"] == "Integer(Boolean)" && areas["peak_riders"] == "Real", "\(areas)")
        // The spatial index is there and GDAL uses it.
        let tables = try GDAL.run("ogrinfo", ["-ro", "-sql", "SELECT COUNT(*) AS n FROM rtree_stations_geom", gpkg.path])
        #expect(tables?.stdout.contains(") = 70") == true, "\(tables?.stdout ?? "")")
    }

    @Test("--data FILE.gpkg gives the same answers as the folder, and the same input gives the same bytes")
    func datasetFromGeoPackage() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.gpkg"), b = dir.appendingPathComponent("b.gpkg")
        for out in [a, b] {
            let r = try CLI.run(["export", "--layer", "all", "--format", "gpkg", "--out", out.path, "--data", Self.changzhi.path])
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
        let validate = try CLI.run(["validate", "--data", a.path, "--format", "json"])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        #expect(validate.stdout.contains("\"errors\":0"))
        for command in [["coverage"], ["gaps"], ["info"], ["propose", "--count", "1", "--district", "140403"]] {
            let fromFolder = try CLI.run(command + ["--format", "json", "--data", Self.changzhi.path])
            let fromFile = try CLI.run(command + ["--format", "json", "--data", a.path])
            #expect(fromFolder.status == 0 && fromFile.status == 0, "\(fromFile.stderr)")
            if command == ["info"] {
                // info names the dataset source; the figures are what must agree.
                #expect(fromFolder.stdout.split(separator: "\n").count == fromFile.stdout.split(separator: "\n").count)
            } else {
                #expect(fromFolder.stdout == fromFile.stdout, "\(command)")
            }
        }
        // A single layer exported to a GeoPackage replaces that layer with --stations FILE.gpkg.
        let one = dir.appendingPathComponent("stations.gpkg")
        #expect(try CLI.run(["export", "--layer", "stations", "--format", "gpkg", "--out", one.path, "--data", Self.changzhi.path]).status == 0)
        let replaced = try CLI.run(["nearest", "--lon", "113.11", "--lat", "36.19", "--format", "json", "--stations", one.path, "--data", Self.changzhi.path])
        let plain = try CLI.run(["nearest", "--lon", "113.11", "--lat", "36.19", "--format", "json", "--data", Self.changzhi.path])
        #expect(replaced.status == 0 && replaced.stdout == plain.stdout, "\(replaced.stderr)")
    }

    @Test("every layer goes GeoJSON → GeoPackage → GeoJSON, ours and GDAL's, and validates")
    func roundTrips() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (layer, flag, table, file) in Self.layers {
            let original = Self.changzhi.appendingPathComponent(file)
            let count = try Self.featureCount(original)
            // Ours: export to a GeoPackage, read it back as the layer, export GeoJSON.
            let gpkg = dir.appendingPathComponent("\(table).gpkg")
            #expect(try CLI.run(["export", "--layer", layer, "--format", "gpkg", "--out", gpkg.path, "--data", Self.changzhi.path]).status == 0)
            let back = dir.appendingPathComponent("\(table)-back.geojson")
            let exported = try CLI.run(["export", "--layer", layer, "--format", "geojson", "--out", back.path, flag, gpkg.path, "--data", Self.changzhi.path])
            #expect(exported.status == 0, "\(exported.stderr)")
            #expect(try Self.featureCount(back) == count, "\(layer)")
            let ours = try CLI.run(["validate", "--format", "json", flag, back.path, "--data", Self.changzhi.path])
            #expect(ours.status == 0 && ours.stdout.contains("\"errors\":0"), "\(layer): \(ours.stdout)")

            // GDAL's: our GeoJSON → ogr2ogr GPKG → ogr2ogr GeoJSON; lists come back as GDAL's "(N:a,b)" text.
            let geojson = dir.appendingPathComponent("\(table).geojson")
            #expect(try CLI.run(["export", "--layer", layer, "--format", "geojson", "--out", geojson.path, "--data", Self.changzhi.path]).status == 0)
            let gdalPackage = dir.appendingPathComponent("\(table)-gdal.gpkg")
            guard let toPackage = try GDAL.run("ogr2ogr", ["-f", "GPKG", gdalPackage.path, geojson.path]) else { return }
            #expect(toPackage.status == 0, "\(toPackage.stderr)")
            let gdalBack = dir.appendingPathComponent("\(table)-gdal.geojson")
            guard let toGeoJSON = try GDAL.run("ogr2ogr", ["-f", "GeoJSON", gdalBack.path, gdalPackage.path]) else { return }
            #expect(toGeoJSON.status == 0, "\(toGeoJSON.stderr)")
            let gdal = try CLI.run(["validate", "--format", "json", flag, gdalBack.path, "--data", Self.changzhi.path])
            #expect(gdal.status == 0 && gdal.stdout.contains("\"errors\":0"), "\(layer): \(gdal.stdout)")
            // GDAL's GeoPackage read directly, as a replacement layer.
            let direct = try CLI.run(["validate", "--format", "json", flag, gdalPackage.path, "--data", Self.changzhi.path])
            #expect(direct.status == 0 && direct.stdout.contains("\"errors\":0"), "\(layer): \(direct.stdout)")
        }
    }

    @Test("ogr2ogr writes every feature of every layer to FlatGeobuf and Shapefile from our GeoPackage")
    func otherFormats() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gpkg = dir.appendingPathComponent("all.gpkg")
        #expect(try CLI.run(["export", "--layer", "all", "--format", "gpkg", "--out", gpkg.path, "--data", Self.changzhi.path]).status == 0)
        for (_, _, table, file) in Self.layers {
            let count = try Self.featureCount(Self.changzhi.appendingPathComponent(file))
            for (driver, ext, options) in [("FlatGeobuf", "fgb", [String]()), ("ESRI Shapefile", "shp", ["-lco", "ENCODING=UTF-8"])] {
                let out = dir.appendingPathComponent("\(table).\(ext)")
                // (A Shapefile holds one geometry type: a parking layer of polygons and points would
                // need splitting; changzhi's parking zones are all polygons.)
                guard let r = try GDAL.run("ogr2ogr", ["-f", driver] + options + [out.path, gpkg.path, table]) else { return }
                #expect(r.status == 0, "\(table) → \(driver): \(r.stderr)")
                #expect(!r.stderr.contains("ERROR"), "\(r.stderr)")
                guard let summary = try GDAL.summary(out.path) else { return }
                let written = GDAL.count(summary) ?? -1
                #expect(written == count, "\(table) → \(driver): \(written) of \(count)")
            }
        }
    }

    @Test("a field has one type in every run: coverage at 500 m and at 700 m types the same in GDAL")
    func stableTypes() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var types: [[String: String]] = []
        for radius in ["500", "700"] {
            let out = dir.appendingPathComponent("coverage-\(radius).geojson")
            let r = try CLI.run(["export", "--layer", "coverage", "--radius", radius, "--out", out.path, "--data", Self.changzhi.path])
            #expect(r.status == 0, "\(r.stderr)")
            let text = try String(contentsOf: out, encoding: .utf8)
            #expect(text.contains("\"radius_m\":\(radius).0"))
            guard let summary = try GDAL.summary(out.path) else { return }
            types.append(GDAL.fieldTypes(summary))
        }
        #expect(types.count == 2 && types[0] == types[1], "\(types)")
        #expect(types.first?["covered"] == "Real" && types.first?["covered_pct"] == "Real" && types.first?["seats"] == "Integer", "\(types)")
        // Appending one run to the other in a GeoPackage keeps the fractions.
        let gpkg = dir.appendingPathComponent("runs.gpkg")
        guard try GDAL.run("ogr2ogr", ["-f", "GPKG", "-nln", "coverage", gpkg.path, dir.appendingPathComponent("coverage-500.geojson").path]) != nil,
              let append = try GDAL.run("ogr2ogr", ["-append", "-nln", "coverage", gpkg.path, dir.appendingPathComponent("coverage-700.geojson").path]),
              let values = try GDAL.run("ogrinfo", ["-ro", "-al", "-q", gpkg.path]) else { return }
        #expect(append.status == 0)
        let json = try CLI.run(["coverage", "--radius", "700", "--format", "json", "--data", Self.changzhi.path])
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let fractional = (doc["districts"] as! [[String: Any]]).compactMap { $0["covered_pct"] as? Double }.first { $0 != $0.rounded() }
        if let fractional {
            #expect(values.stdout.contains("covered_pct (Real) = \(fractional)"), "\(fractional)")
        }
        // The layers too: seats stays Integer, weight Real, whatever the data.
        let stations = dir.appendingPathComponent("stations.geojson")
        #expect(try CLI.run(["export", "--layer", "stations", "--out", stations.path, "--data", Self.changzhi.path]).status == 0)
        guard let s = try GDAL.summary(stations.path) else { return }
        #expect(GDAL.fieldTypes(s)["seats"] == "Integer" && GDAL.fieldTypes(s)["services"] == "StringList", "\(GDAL.fieldTypes(s))")
    }

    @Test("import reads a GeoPackage layer, and imports into a GeoPackage dataset rewrite it whole")
    func importGeoPackage() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stations = dir.appendingPathComponent("stations.gpkg")
        #expect(try CLI.run(["export", "--layer", "stations", "--format", "gpkg", "--out", stations.path, "--data", Fixtures.tiny.path]).status == 0)
        let refused = try CLI.run(["import", "--layer", "stations", stations.path, "--data", folder.path])
        #expect(refused.status == 65 && refused.stderr.contains("already in the stations layer"), "\(refused.stderr)")
        let r = try CLI.run(["import", "--layer", "stations", stations.path, "--replace", "--data", folder.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("imported 4 feature(s)"), "\(r.stderr)")
        let before = try CLI.run(["export", "--layer", "stations", "--data", Fixtures.tiny.path])
        let after = try CLI.run(["export", "--layer", "stations", "--data", folder.path])
        #expect(before.stdout == after.stdout)

        // A dataset that is one GeoPackage: import a CSV station into it.
        let dataset = dir.appendingPathComponent("tiny.gpkg")
        #expect(try CLI.run(["export", "--layer", "all", "--format", "gpkg", "--out", dataset.path, "--data", Fixtures.tiny.path]).status == 0)
        let csv = dir.appendingPathComponent("new.csv")
        try "id,name,kind,lon,lat,seats\nn1,新站,warm_station,113.06,36.06,12\n".write(to: csv, atomically: true, encoding: .utf8)
        let added = try CLI.run(["import", "--layer", "stations", csv.path, "--data", dataset.path])
        #expect(added.status == 0, "\(added.stderr)")
        let info = try CLI.run(["export", "--layer", "stations", "--data", dataset.path])
        #expect(info.stdout.contains("\"id\":\"n1\"") && info.stdout.contains("\"seats\":12"), "\(info.stdout)")
        let validate = try CLI.run(["validate", "--data", dataset.path, "--format", "json"])
        #expect(validate.status == 0, "\(validate.stdout)")
    }

    @Test("every exported CSV imports back equal, with numbers as numbers",
          arguments: ["districts", "stations", "parking", "areas", "demand", "candidates"])
    func csvRoundTrip(layer: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.changzhi, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = Self.layers.first { $0.0 == layer }!.3
        let first = try CLI.run(["export", "--layer", layer, "--format", "csv", "--data", folder.path])
        #expect(first.status == 0, "\(first.stderr)")
        let csv = folder.appendingPathComponent("export.csv")
        try first.stdout.write(to: csv, atomically: true, encoding: .utf8)
        try "{\"type\":\"FeatureCollection\",\"features\":[]}\n".write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8)
        let imported = try CLI.run(["import", "--layer", layer, csv.path, "--data", folder.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(!imported.stderr.contains("warning"), "\(imported.stderr)")
        let again = try CLI.run(["export", "--layer", layer, "--format", "csv", "--data", folder.path])
        #expect(again.stdout == first.stdout)
        let geojson = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        switch layer {
        case "districts": #expect(geojson.contains("\"workers\":6000.0"), "\(geojson.prefix(400))")
        case "stations": #expect(geojson.contains("\"seats\":4,") && geojson.contains("\"services\":[\"rest\""))
        case "demand": #expect(!geojson.contains("\"weight\":\""))
        default: break
        }
        let commands = try CLI.run(["info", "--data", folder.path])
        #expect(commands.status == 0 && !commands.stderr.contains("warning"), "\(commands.stderr)")
    }
}
