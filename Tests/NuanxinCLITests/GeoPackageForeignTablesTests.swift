import Foundation
import Testing

/// import into GeoPackages that other tools wrote or changed: a missing gpkg_extensions table is
/// created, and an object already bearing the layer's name that is no feature table is kept and
/// named, never dropped.
extension HostileInputTests {
    /// Runs a Python sqlite3 script on `file` (`db` is the connection; committed after).
    static func sqlite(_ file: String, _ script: String) throws {
        let r = try CLI.run(program: URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\n" + script + "\ndb.commit()", file])
        #expect(r.status == 0, "\(r.stderr)")
    }

    static func sqliteRows(_ file: String, _ query: String) throws -> String {
        let r = try CLI.run(program: URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import sqlite3, sys\nprint(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall())", file, query])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func cityGeoPackage(_ dir: URL) throws -> String {
        let city = dir.path + "/city.gpkg"
        let exported = try CLI.run(["export", "--layer", "all", "--format", "gpkg", "--out", city, "--data", HostileInputTests.data(dir)])
        #expect(exported.status == 0, "\(exported.stderr)")
        return city
    }

    @Test("import into a GeoPackage without gpkg_extensions creates what the layer needs as the standard defines it, and imports (was 74)")
    func importWithoutExtensionsTable() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let city = try HostileInputTests.cityGeoPackage(dir)
        try HostileInputTests.sqlite(city, "db.execute('DROP TABLE gpkg_extensions')")
        let csv = try HostileInputTests.put(dir, "new.csv", "id,name,kind,lon,lat\nn1,甲,warm_station,113.06,36.05\n")
        let r = try CLI.run(["import", "--layer", "stations", csv, "--data", city])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try HostileInputTests.sqliteRows(city, "SELECT table_name, extension_name FROM gpkg_extensions") == "[('stations', 'gpkg_rtree_index')]")
        let validate = try CLI.run(["validate", "--format", "table", "--data", city])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        guard let summary = try GDAL.summary(city, "stations") else { return }
        #expect(GDAL.count(summary) == 5, "\(summary)")
    }

    @Test("import into a GeoPackage where the layer's name belongs to an attributes table (any letter case), a plain table, a view or an index of another table: refused (73 or 65) naming it, the file unchanged", arguments: [
        ("CREATE TABLE Candidates (fid INTEGER PRIMARY KEY, note TEXT); INSERT INTO Candidates VALUES (1, 'survey notes'); INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('Candidates', 'attributes', 'Candidates')",
         Int32(73), "city.gpkg: the GeoPackage already has an attributes table named Candidates, which is not a feature layer"),
        ("CREATE TABLE candidates (note TEXT); INSERT INTO candidates VALUES ('mine')",
         Int32(65), "city.gpkg (table candidates): the table candidates is not a feature layer (gpkg_contents does not list it as features and it has no geometry column)"),
        ("CREATE VIEW candidates AS SELECT * FROM stations",
         Int32(65), "city.gpkg (table candidates): the view candidates is not a feature layer"),
        ("CREATE TABLE notes (t TEXT); CREATE INDEX Candidates ON notes (t)",
         Int32(73), "city.gpkg: the GeoPackage already has an index of table notes named Candidates, which is not a feature layer"),
    ])
    func importOverANonFeatureTable(_ sql: String, _ status: Int32, _ message: String) throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let city = try HostileInputTests.cityGeoPackage(dir)
        // The candidates layer taken out, something else of that name put in its place.
        try HostileInputTests.sqlite(city, """
            db.executescript('''DROP TABLE candidates; DROP TABLE rtree_candidates_geom;
            DELETE FROM gpkg_geometry_columns WHERE table_name = 'candidates';
            DELETE FROM gpkg_extensions WHERE table_name = 'candidates';
            DELETE FROM gpkg_contents WHERE table_name = 'candidates';
            \(sql);''')
            """)
        let before = try Data(contentsOf: URL(fileURLWithPath: city))
        let csv = try HostileInputTests.put(dir, "cand.csv", "id,lon,lat\nc9,113.06,36.05\n")
        let r = try CLI.run(["import", "--layer", "candidates", csv, "--data", city])
        #expect(r.status == status, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: city)) == before)
    }

    @Test("import into a GeoPackage with a trigger named like the layer on another table imports, again and again (triggers have their own names)")
    func importBesideSameNamedTriggerAndIndex() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let city = try HostileInputTests.cityGeoPackage(dir)
        try HostileInputTests.sqlite(city, "db.execute('CREATE TRIGGER \"Stations\" AFTER INSERT ON parking_zones BEGIN SELECT 1; END')")
        let csv = try HostileInputTests.put(dir, "new.csv", "id,name,kind,lon,lat\nn1,甲,warm_station,113.06,36.05\n")
        for extra in [[], ["--replace"]] {
            let r = try CLI.run(["import", "--layer", "stations", csv, "--data", city] + extra)
            #expect(r.status == 0, "\(extra): \(r.stderr)")
        }
        #expect(try HostileInputTests.sqliteRows(city, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = 'Stations'") == "[('Stations',)]")
    }

    @Test("import into a GeoPackage without gpkg_spatial_ref_sys creates it with the standard's rows and imports (was 74)")
    func importWithoutSpatialRefSys() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let city = try HostileInputTests.cityGeoPackage(dir)
        try HostileInputTests.sqlite(city, "db.execute('DROP TABLE gpkg_spatial_ref_sys')")
        let csv = try HostileInputTests.put(dir, "new.csv", "id,name,kind,lon,lat\nn1,甲,warm_station,113.06,36.05\n")
        let r = try CLI.run(["import", "--layer", "stations", csv, "--data", city])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try HostileInputTests.sqliteRows(city, "SELECT srs_id FROM gpkg_spatial_ref_sys ORDER BY srs_id") == "[(-1,), (0,), (4326,)]")
    }

    @Test("import into a GeoPackage where another table's gpkg_contents identifier is the layer's name imports (was 74: identifiers are unique); the layer keeps the identifier it had, else takes \"NAME (nuanxin)\"; the other row is untouched")
    func importBesideATakenIdentifier() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let city = try HostileInputTests.cityGeoPackage(dir)
        // The user renamed the stations layer's identifier in QGIS and gave "stations" to a table of notes.
        try HostileInputTests.sqlite(city, """
            db.executescript('''UPDATE gpkg_contents SET identifier = 'Rest stations' WHERE table_name = 'stations';
            CREATE TABLE notes (fid INTEGER PRIMARY KEY, note TEXT); INSERT INTO notes VALUES (1, 'mine');
            INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('notes', 'attributes', 'stations');''')
            """)
        let csv = try HostileInputTests.put(dir, "new.csv", "id,name,kind,lon,lat\nn1,甲,warm_station,113.06,36.05\n")
        let query = "SELECT table_name, identifier FROM gpkg_contents WHERE table_name IN ('notes', 'stations', 'candidates') ORDER BY table_name"
        for extra in [[], ["--replace"]] {
            let r = try CLI.run(["import", "--layer", "stations", csv, "--data", city] + extra)
            #expect(r.status == 0, "\(extra): \(r.stderr)")
            #expect(try HostileInputTests.sqliteRows(city, query) == "[('candidates', 'candidates'), ('notes', 'stations'), ('stations', 'Rest stations')]")
        }
        // A layer without an identifier of its own (here no table yet) beside a row that has its
        // name: "candidates (nuanxin)", kept by the next import.
        try HostileInputTests.sqlite(city, """
            db.executescript('''DROP TABLE candidates; DROP TABLE rtree_candidates_geom;
            DELETE FROM gpkg_geometry_columns WHERE table_name = 'candidates'; DELETE FROM gpkg_extensions WHERE table_name = 'candidates';
            DELETE FROM gpkg_contents WHERE table_name = 'candidates'; UPDATE gpkg_contents SET identifier = 'candidates' WHERE table_name = 'notes';''')
            """)
        let sites = try HostileInputTests.put(dir, "sites.csv", "id,name,lon,lat\nc9,乙,113.07,36.06\n")
        for extra in [[], ["--replace"]] {
            let r = try CLI.run(["import", "--layer", "candidates", sites, "--data", city] + extra)
            #expect(r.status == 0, "\(extra): \(r.stderr)")
            #expect(try HostileInputTests.sqliteRows(city, query) == "[('candidates', 'candidates (nuanxin)'), ('notes', 'candidates'), ('stations', 'Rest stations')]")
        }
        let validate = try CLI.run(["validate", "--format", "table", "--data", city])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        #expect(try HostileInputTests.sqliteRows(city, "SELECT note FROM notes") == "[('mine',)]")
        guard let info = try GDAL.run("ogrinfo", ["-ro", "-q", city, "candidates"]) else { return }
        #expect(info.status == 0 && !info.stderr.contains("Warning") && !info.stdout.contains("Warning"), "\(info.stdout)\(info.stderr)")
    }
}
