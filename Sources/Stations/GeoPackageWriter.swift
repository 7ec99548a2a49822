import Foundation
import Geo

extension Layer {
    /// The table of the layer in a GeoPackage: the file's name without `.geojson`.
    public var tableName: String { String(fileName.dropLast(".geojson".count)) }

    /// The geometry type declared for the layer's table. Fixed per layer: polygons are stored as
    /// MultiPolygons so that one file with only simple polygons and one with a multipolygon agree.
    var geoPackageGeometryType: String {
        switch self {
        case .stations, .demand, .candidates: return "POINT"
        case .districts, .areas: return "MULTIPOLYGON"
        case .parking: return "GEOMETRY"
        }
    }
}

/// Writes OGC GeoPackage 1.3 files: `application_id` 'GPKG', `user_version` 10300, the required
/// spatial reference systems (-1, 0 and EPSG:4326), `gpkg_contents`, `gpkg_geometry_columns`, one
/// feature table a layer (named as the layer's file: districts, stations, parking_zones, ...),
/// geometries as GeoPackage blobs (a "GP" header with the envelope, then standard little-endian
/// WKB from GEOS), and an R-tree spatial index per table (`gpkg_rtree_index` extension, with the
/// triggers that keep it right when another tool edits the table). The dataset's manifest goes in
/// an attributes table `nuanxin_dataset` of key/value rows, each value the member's JSON text.
///
/// The database is built in memory and written atomically (temporary file, then rename).
public enum GeoPackageWriter {
    /// One feature to write: its id (the table's `id` column), its properties (one column each, by
    /// the layer's schema; a missing one is NULL) and its geometry.
    public typealias Item = (id: String, properties: JSONObject, geometry: Geometry)

    /// The manifest table.
    public static let manifestTable = "nuanxin_dataset"

    /// The bytes of a GeoPackage holding `layers` and, when given, the manifest.
    /// - Parameter lastChange: written as each table's `last_change` (pass the inputs' time for
    ///   files that are byte-identical from the same input).
    public static func data(layers: [(Layer, [Item])], manifest: JSONObject? = nil, lastChange: Date) throws -> Data {
        let db = try SQLiteDatabase(readingFile: nil)
        try db.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;")
        try db.execute("BEGIN")
        try createCoreTables(db)
        let stamp = timestamp(lastChange)
        for (layer, items) in layers {
            try writeLayer(db, layer, items, stamp: stamp)
        }
        if let manifest {
            try db.execute("""
                CREATE TABLE \(manifestTable) (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, key TEXT NOT NULL UNIQUE, value TEXT NOT NULL);
                INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES ('\(manifestTable)', 'attributes', '\(manifestTable)', 'Nuanxin dataset manifest (dataset.json): one row a member, the value as JSON text', '\(stamp)');
                """)
            let insert = try db.prepare("INSERT INTO \(manifestTable) (key, value) VALUES (?, ?)")
            for (key, value) in manifest.pairs { try insert.run([.text(key), .text(value.serialized())]) }
        }
        try db.execute("COMMIT")
        return try db.serialized()
    }

    /// Replaces `layer`'s table in the GeoPackage at `path` by `items`, in the file itself, in one
    /// SQLite transaction: every other table (the other layers, the manifest, a QGIS
    /// `layer_styles` table, a user's own layers) is kept as it is. The old table, its R-tree and
    /// the GeoPackage's rows about it (`gpkg_contents`, `gpkg_geometry_columns`,
    /// `gpkg_extensions`, and GDAL's `gpkg_ogr_contents` when present) are removed before the new
    /// table is written. SQLite's journal makes the change whole or absent (a crash rolls it back
    /// at the next open), and another program with the file open (QGIS, in WAL mode) sees it
    /// through SQLite's locks; while that program writes, this waits (up to 10 s), then fails.
    ///
    /// A GeoPackage written by another tool may lack tables a feature layer needs
    /// (`gpkg_spatial_ref_sys` or its required rows, `gpkg_geometry_columns`, `gpkg_extensions`):
    /// they are created as the GeoPackage standard defines them (`createCoreTables`). A table, view
    /// or index of another table already named like the layer that is not a feature table
    /// registered in `gpkg_contents` is not replaced: `TableInTheWay` (nothing changed).
    public static func replace(_ layer: Layer, with items: [Item], inFile path: String, lastChange: Date) throws {
        let db = try SQLiteDatabase(updatingFile: path)
        let table = layer.tableName
        let q = SQLiteDatabase.quote
        try db.execute("BEGIN IMMEDIATE")
        do {
            var existing: Set<String> = []
            let names = try db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            while try names.step() { if let name = names.text(0) { existing.insert(name) } }
            try refuseTableInTheWay(db, table: table, file: path, contents: existing.contains("gpkg_contents"))
            // The identifier (a display name; QGIS and GDAL show it) the layer had, kept.
            var kept: (identifier: String?, description: String?)?
            if existing.contains("gpkg_contents") {
                let row = try db.prepare("SELECT identifier, description FROM gpkg_contents WHERE lower(table_name) = lower(?)")
                try row.bind([.text(table)])
                if try row.step() { kept = (row.text(0), row.text(1)) }
            }
            try db.execute("DROP TABLE IF EXISTS \(q(table)); DROP TABLE IF EXISTS \(q("rtree_\(table)_geom"));")
            for about in ["gpkg_geometry_columns", "gpkg_extensions", "gpkg_ogr_contents", "gpkg_contents"] where existing.contains(about) {
                try db.prepare("DELETE FROM \(about) WHERE lower(table_name) = lower(?)").run([.text(table)])
            }
            try createCoreTables(db)
            try writeLayer(db, layer, items, stamp: timestamp(lastChange), identifier: kept?.identifier, description: kept?.description)
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// An object named like the layer's table (SQLite compares names ignoring ASCII case) that
    /// import must not drop or cannot write beside: a view, an index of another table (tables,
    /// views and indexes share one namespace; triggers have their own and never stand in the way),
    /// or a table that `gpkg_contents` does not list as a feature table (an attribute table, a
    /// tile pyramid, a table of the user's own).
    public struct TableInTheWay: Error, CustomStringConvertible {
        /// The GeoPackage.
        public var file: String
        /// The object's name as the file spells it.
        public var name: String
        /// What it is: "a view", "an attributes table", "a table not listed in gpkg_contents" ...
        public var what: String
        public var description: String {
            "\(file): the GeoPackage already has \(what) named \(name), which is not a feature layer: import replaces only a feature table of that name; rename or remove \(name) (in QGIS, GDAL or sqlite3) and import again"
        }
    }

    static func refuseTableInTheWay(_ db: SQLiteDatabase, table: String, file: String, contents: Bool) throws {
        // Every object of that name, in a fixed order (a trigger may share the name).
        let objects = try db.prepare("SELECT name, type, tbl_name FROM sqlite_master WHERE lower(name) = lower(?) ORDER BY type, name")
        try objects.bind([.text(table)])
        var found: String?
        while try objects.step() {
            guard let name = objects.text(0), let type = objects.text(1) else { continue }
            switch type {
            case "trigger": continue // its own namespace: no conflict, and the layer's own go with it
            case "index" where objects.text(2)?.lowercased() == table.lowercased(): continue // dropped with the table
            case "table": found = name
            default: throw TableInTheWay(file: file, name: name, what: type == "index" ? "an index of table \(objects.text(2) ?? "?")" : "a \(type)")
            }
        }
        guard let name = found else { return }
        var dataType: String?
        if contents {
            let listed = try db.prepare("SELECT data_type FROM gpkg_contents WHERE lower(table_name) = lower(?)")
            try listed.bind([.text(table)])
            if try listed.step() { dataType = listed.text(0) ?? "" }
        }
        guard let dataType else { throw TableInTheWay(file: file, name: name, what: "a table not listed in gpkg_contents") }
        guard dataType == "features" else {
            throw TableInTheWay(file: file, name: name, what: dataType.isEmpty ? "a table" : "a\(dataType.first.map { "aeiou".contains($0) } == true ? "n" : "") \(dataType) table")
        }
    }

    /// Writes a GeoPackage to `path` atomically.
    public static func write(layers: [(Layer, [Item])], manifest: JSONObject? = nil, lastChange: Date, to path: String) throws {
        let bytes = try data(layers: layers, manifest: manifest, lastChange: lastChange)
        try AtomicFile.write(bytes, to: path)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        return formatter.string(from: date)
    }

    static let wgs84Definition = """
        GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]
        """

    /// The GeoPackage standard's core tables (1.2+: spatial reference systems with their three
    /// required rows, contents, geometry columns, extensions), each created only when missing: a
    /// new file gets them all, and a file another tool wrote without some of them (no
    /// `gpkg_extensions`, even no `gpkg_spatial_ref_sys`) gets what a feature layer needs.
    static func createCoreTables(_ db: SQLiteDatabase) throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
            CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
            INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
            INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
            """)
        try db.prepare("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')")
            .run([.text(wgs84Definition)])
    }

    /// The column a property is stored in: its own name, unless it would clash with the
    /// feature id or geometry column.
    static func columnName(_ property: String) -> String {
        ["fid", "geom"].contains(property.lowercased()) ? "property_" + property : property
    }

    /// The `gpkg_contents` identifier for a layer's table: `kept` (what the layer had before) when
    /// given, else the table's name, unless another table's row already bears it (identifiers are
    /// unique: a table a user or QGIS gave the identifier "stations"), then "stations (nuanxin)",
    /// "stations (nuanxin 2)" ..., the first that is free.
    static func identifier(_ db: SQLiteDatabase, table: String, kept: String?) throws -> String {
        if let kept, !kept.isEmpty { return kept }
        let query = try db.prepare("SELECT 1 FROM gpkg_contents WHERE identifier = ?")
        func taken(_ name: String) throws -> Bool {
            try query.bind([.text(name)])
            return try query.step()
        }
        if try !taken(table) { return table }
        var n = 1
        while true {
            let name = n == 1 ? "\(table) (nuanxin)" : "\(table) (nuanxin \(n))"
            if try !taken(name) { return name }
            n += 1
        }
    }

    static func writeLayer(_ db: SQLiteDatabase, _ layer: Layer, _ items: [Item], stamp: String, identifier kept: String? = nil, description: String? = nil) throws {
        let table = layer.tableName
        let schema = LayerSchema.of(layer, properties: items.map(\.properties))
        let q = SQLiteDatabase.quote
        var columns = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", "geom \(layer.geoPackageGeometryType)"]
        columns += schema.fields.map { "\(q(columnName($0.name))) \($0.type.sqlType)" }
        try db.execute("CREATE TABLE \(q(table)) (\(columns.joined(separator: ", ")))")
        let placeholders = Array(repeating: "?", count: schema.fields.count + 1).joined(separator: ", ")
        let names = (["geom"] + schema.fields.map { q(columnName($0.name)) }).joined(separator: ", ")
        let insert = try db.prepare("INSERT INTO \(q(table)) (\(names)) VALUES (\(placeholders))")
        let rtree = "rtree_\(table)_geom"
        try db.execute("CREATE VIRTUAL TABLE \(q(rtree)) USING rtree(id, minx, maxx, miny, maxy)")
        let index = try db.prepare("INSERT INTO \(q(rtree)) VALUES (?, ?, ?, ?, ?)")
        var extent: Envelope?
        for (n, item) in items.enumerated() {
            var geometry = item.geometry
            if layer.geoPackageGeometryType == "MULTIPOLYGON", case let .polygon(p) = geometry { geometry = .multiPolygon([p]) }
            let (blob, envelope) = try geometryBlob(geometry)
            var values: [SQLiteDatabase.Statement.Value] = [.blob(blob)]
            for field in schema.fields {
                let value = field.name == "id" ? .string(item.id) : item.properties[field.name].map { FieldValues.convert($0, to: field.type) } ?? .null
                values.append(sqlValue(value, field.type))
            }
            try insert.run(values)
            if let envelope {
                try index.run([.integer(Int64(n + 1)), .real(envelope.minX), .real(envelope.maxX), .real(envelope.minY), .real(envelope.maxY)])
                if extent == nil { extent = envelope } else {
                    extent!.expand(toInclude: Coordinate(x: envelope.minX, y: envelope.minY))
                    extent!.expand(toInclude: Coordinate(x: envelope.maxX, y: envelope.maxY))
                }
            }
        }
        let contents = try db.prepare("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, 4326)")
        try contents.run([.text(table), .text(try identifier(db, table: table, kept: kept)), .text(description ?? "Nuanxin \(layer.rawValue) layer"), .text(stamp),
                          extent.map { .real($0.minX) } ?? .null, extent.map { .real($0.minY) } ?? .null,
                          extent.map { .real($0.maxX) } ?? .null, extent.map { .real($0.maxY) } ?? .null])
        try db.prepare("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)").run([.text(table), .text(layer.geoPackageGeometryType)])
        try db.prepare("INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')").run([.text(table)])
        // The triggers of the R-tree extension (they call ST_* functions that GDAL and QGIS
        // provide; created after the rows, which are indexed directly above).
        let t = q(table), r = q(rtree)
        let box = "NEW.\"fid\", ST_MinX(NEW.\"geom\"), ST_MaxX(NEW.\"geom\"), ST_MinY(NEW.\"geom\"), ST_MaxY(NEW.\"geom\")"
        let name = { (suffix: String) in q("\(rtree)_\(suffix)") }
        try db.execute("""
            CREATE TRIGGER \(name("insert")) AFTER INSERT ON \(t) WHEN (new."geom" NOT NULL AND NOT ST_IsEmpty(NEW."geom")) BEGIN INSERT OR REPLACE INTO \(r) VALUES (\(box)); END;
            CREATE TRIGGER \(name("update1")) AFTER UPDATE OF "geom" ON \(t) WHEN OLD."fid" = NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom")) BEGIN INSERT OR REPLACE INTO \(r) VALUES (\(box)); END;
            CREATE TRIGGER \(name("update2")) AFTER UPDATE OF "geom" ON \(t) WHEN OLD."fid" = NEW."fid" AND (NEW."geom" ISNULL OR ST_IsEmpty(NEW."geom")) BEGIN DELETE FROM \(r) WHERE id = OLD."fid"; END;
            CREATE TRIGGER \(name("update3")) AFTER UPDATE ON \(t) WHEN OLD."fid" != NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom")) BEGIN DELETE FROM \(r) WHERE id = OLD."fid"; INSERT OR REPLACE INTO \(r) VALUES (\(box)); END;
            CREATE TRIGGER \(name("update4")) AFTER UPDATE ON \(t) WHEN OLD."fid" != NEW."fid" AND (NEW."geom" ISNULL OR ST_IsEmpty(NEW."geom")) BEGIN DELETE FROM \(r) WHERE id IN (OLD."fid", NEW."fid"); END;
            CREATE TRIGGER \(name("delete")) AFTER DELETE ON \(t) WHEN old."geom" NOT NULL BEGIN DELETE FROM \(r) WHERE id = OLD."fid"; END;
            """)
    }

    static func sqlValue(_ value: JSONValue, _ type: FieldType) -> SQLiteDatabase.Statement.Value {
        switch value {
        case .null: return .null
        case let .bool(b): return type == .text ? .text(b ? "true" : "false") : .integer(b ? 1 : 0)
        case let .number(n):
            switch type {
            case .text, .list: return .text(JSONValue.format(number: n))
            case .integer, .boolean:
                if n == n.rounded(), abs(n) < 9e15 { return .integer(Int64(n)) }
                return .real(n)
            case .real: return .real(n)
            }
        case let .bigInteger(text):
            // Beyond 2^53: an INTEGER column keeps it exactly when it fits 64 bits, else its text.
            switch type {
            case .integer, .boolean: return Int64(text).map { .integer($0) } ?? .text(text)
            case .real: return .real(Double(text) ?? 0)
            case .text, .list: return .text(text)
            }
        case let .string(s): return .text(s)
        case let .array(items): return .text(FieldValues.joined(items))
        case .object: return .text(value.serialized())
        }
    }

    /// A GeoPackage geometry blob: "GP", version 0, flags (little-endian, envelope [minx, maxx,
    /// miny, maxy]), srs_id 4326, the envelope, then little-endian WKB.
    static func geometryBlob(_ geometry: Geometry) throws -> ([UInt8], Envelope?) {
        let envelope = geometry.envelope
        var out: [UInt8] = [0x47, 0x50, 0]
        out.append(envelope == nil ? 0x01 | 0x10 : 0x01 | 0x02)
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        append(Int32(4326))
        if let e = envelope {
            for v in [e.minX, e.maxX, e.minY, e.maxY] { append(v.bitPattern) }
        }
        out += try geometry.wkb()
        return (out, envelope)
    }
}
