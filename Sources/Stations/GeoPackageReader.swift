import Foundation
import Geo

/// A GeoPackage that cannot be read: the message names the file, and the table and row where the
/// problem is. `missing` is set when the file is absent or unreadable (exit 66) rather than bad (65).
public struct GeoPackageError: Error, Sendable, CustomStringConvertible {
    /// The GeoPackage's path as given.
    public var path: String
    /// What is wrong, without the path.
    public var reason: String
    /// Whether the file is absent or unreadable (exit 66) rather than bad (exit 65).
    public var missing: Bool
    /// "path: reason".
    public var message: String { "\(path): \(reason)" }
    /// The same as `message`.
    public var description: String { message }

    init(_ path: String, _ reason: String, missing: Bool = false) {
        self.path = path
        self.reason = reason
        self.missing = missing
    }
}

/// Reads the feature tables of a GeoPackage (ours, or one written by GDAL, QGIS or another tool)
/// as GeoJSON layers, and our manifest table. Each row is a feature in `fid` order; columns become
/// properties (NULL columns are left out, BOOLEAN columns become true/false); geometries in
/// another EPSG CRS are reprojected to WGS84 with PROJ. A bad geometry blob is an error on its
/// feature (named by table and fid); a file that is not SQLite, lacks the tables, or has a damaged
/// page is a `GeoPackageError`.
public final class GeoPackageReader {
    /// The GeoPackage's path as given.
    public let path: String
    private let db: SQLiteDatabase

    /// Whether a path names a GeoPackage by its extension.
    public static func isGeoPackage(_ path: String) -> Bool { path.lowercased().hasSuffix(".gpkg") }

    /// Opens a GeoPackage for reading. Throws a `GeoPackageError` when the file is missing or
    /// unreadable (`missing` set), is a ZIP workbook or not an SQLite database, or SQLite cannot open it.
    public init(path: String) throws(GeoPackageError) {
        self.path = path
        let head: [UInt8]
        do {
            let handle = try InputFile.open(path)
            defer { try? handle.close() }
            head = Array((try handle.read(upToCount: 100)) ?? Data())
        } catch let failure as InputFile.Failure {
            throw GeoPackageError(path, failure.reason, missing: true)
        } catch {
            throw GeoPackageError(path, "cannot read: \(error)", missing: true)
        }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw GeoPackageError(path, "not a GeoPackage but a ZIP file (an .xlsx workbook?); a GeoPackage is an SQLite database: write one with `nuanxin export --format gpkg` or `ogr2ogr -f GPKG`")
        }
        guard head.count >= 16, head.starts(with: Array("SQLite format 3".utf8) + [0]) else {
            throw GeoPackageError(path, "not a GeoPackage: the file is not an SQLite database (it does not start with \"SQLite format 3\"); write one with `nuanxin export --format gpkg` or `ogr2ogr -f GPKG`")
        }
        do {
            db = try SQLiteDatabase(readingFile: path)
        } catch {
            throw GeoPackageError(path, "cannot open as SQLite: \(error)")
        }
    }

    func failure(_ context: String, _ error: Error) -> GeoPackageError {
        if let e = error as? SQLiteError, e.isCorruption {
            return GeoPackageError(path, "\(context): the file is damaged (SQLite: \(e.message)); restore it or write it again")
        }
        return GeoPackageError(path, "\(context): \(error)")
    }

    /// The feature tables listed in `gpkg_contents`, in name order.
    public func featureTables() throws(GeoPackageError) -> [String] {
        do {
            guard try hasTable("gpkg_contents") else {
                throw GeoPackageError(path, "not a GeoPackage: it has no gpkg_contents table (an SQLite database, but not a GeoPackage)")
            }
            let s = try db.prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")
            var out: [String] = []
            while try s.step() { if let t = s.text(0) { out.append(t) } }
            return out
        } catch let e as GeoPackageError {
            throw e
        } catch {
            throw failure("reading gpkg_contents", error)
        }
    }

    func hasTable(_ name: String) throws -> Bool {
        let s = try db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?")
        try s.bind([.text(name)])
        return try s.step()
    }

    /// Whether the file holds a table for `layer`.
    public func hasLayer(_ layer: Layer) throws(GeoPackageError) -> Bool {
        do { return try hasTable(layer.tableName) } catch { throw failure("reading the table list", error) }
    }

    /// The manifest (`nuanxin_dataset`), or nil when the file has no such table.
    public func manifest() throws(GeoPackageError) -> JSONObject? {
        let table = GeoPackageWriter.manifestTable
        do {
            guard try hasTable(table) else { return nil }
            let s = try db.prepare("SELECT key, value FROM \(table) ORDER BY fid")
            var object = JSONObject()
            var row = 0
            while try s.step() {
                row += 1
                guard let key = s.text(0), let text = s.text(1) else {
                    throw GeoPackageError(path, "table \(table), row \(row): key and value must be text")
                }
                do {
                    object[key] = try JSONParser.parse(text)
                } catch {
                    throw GeoPackageError(path, "table \(table), row \(row) (key \(key)): the value is not JSON: \(error)")
                }
            }
            return object
        } catch let e as GeoPackageError {
            throw e
        } catch {
            throw failure("table \(table)", error)
        }
    }

    /// The table to read for `layer`: the one named as the layer, else (when `onlyTableWillDo`)
    /// the file's only feature table.
    public func table(for layer: Layer, onlyTableWillDo: Bool) throws(GeoPackageError) -> String {
        if try hasLayer(layer) { return layer.tableName }
        let tables = try featureTables()
        if onlyTableWillDo, tables.count == 1 { return tables[0] }
        let list = tables.isEmpty ? "it has no feature table" : "its feature tables: \(tables.joined(separator: ", "))"
        throw GeoPackageError(path, "no table \(layer.tableName) for the \(layer.rawValue) layer (\(list))")
    }

    /// What `table` is when `gpkg_contents` does not list it as a feature table ("the view", "the
    /// attributes table", "the table"), nil when it does.
    func notAFeatureTable(_ table: String) throws(GeoPackageError) -> String? {
        do {
            let type = try db.prepare("SELECT type FROM sqlite_master WHERE name = ?")
            try type.bind([.text(table)])
            let kind = try type.step() ? type.text(0) ?? "table" : "table"
            var dataType: String?
            if try hasTable("gpkg_contents") {
                let listed = try db.prepare("SELECT data_type FROM gpkg_contents WHERE table_name = ?")
                try listed.bind([.text(table)])
                if try listed.step() { dataType = listed.text(0) }
            }
            if dataType == "features" { return nil }
            if kind == "view" { return "the view" }
            if let dataType, !dataType.isEmpty { return "the \(dataType) table" }
            return "the table"
        } catch {
            throw failure("table \(table)", error)
        }
    }

    /// The rows of `table` as features.
    public func read(table: String) throws(GeoPackageError) -> GeoJSONLayer {
        let q = SQLiteDatabase.quote
        var geometryColumn: String?
        var srsID: Int64 = 4326
        var declared: [String: String] = [:]
        var primaryKey: String?
        do {
            let g = try db.prepare("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?")
            try g.bind([.text(table)])
            if try g.step() {
                geometryColumn = g.text(0)
                srsID = g.integer(1) ?? 4326
            }
            let info = try db.prepare("PRAGMA table_info(\(q(table)))")
            while try info.step() {
                if let name = info.text(1) {
                    declared[name] = (info.text(2) ?? "").uppercased()
                    if (info.integer(5) ?? 0) == 1 && declared[name] == "INTEGER" { primaryKey = name }
                }
            }
        } catch {
            throw failure("table \(table)", error)
        }
        guard !declared.isEmpty else { throw GeoPackageError(path, "no table \(table)") }
        if geometryColumn == nil, let what = try notAFeatureTable(table) {
            // A view or a table of the user's own that happens to bear the layer's name: one
            // error naming it, not one a row.
            throw GeoPackageError(path, "\(what) \(table) is not a feature layer (gpkg_contents does not list it as features and it has no geometry column): rename it, or give the layer as a feature table")
        }
        let transformer = try transformer(srsID: srsID, table: table)
        var features: [GeoJSONFeature] = []
        var issues: [GeoJSONIssue] = []
        var row = 0
        var lastFID: Int64?
        do {
            let order = primaryKey.map { " ORDER BY \(q($0))" } ?? ""
            let s = try db.prepare("SELECT * FROM \(q(table))\(order)")
            let names = (0..<s.columnCount).map(s.columnName)
            while try s.step() {
                var properties = JSONObject()
                var blob: [UInt8]?
                var fid: Int64?
                for (i, name) in names.enumerated() {
                    if name == primaryKey { fid = s.integer(i); continue }
                    let value = s.value(i)
                    if name == geometryColumn {
                        if case let .blob(b) = value { blob = b }
                        continue
                    }
                    let key = name.hasPrefix("property_") && ["fid", "geom"].contains(String(name.dropFirst(9)).lowercased()) ? String(name.dropFirst(9)) : name
                    switch value {
                    case .null: break
                    case let .integer(n):
                        if declared[name] == "BOOLEAN" {
                            properties[key] = .bool(n != 0)
                        } else {
                            // Beyond 2^53 a Double would change the digits: keep them, as the JSON reader does.
                            properties[key] = n.magnitude >= 1 << 53 ? .bigInteger(String(n)) : .number(Double(n))
                        }
                    case let .real(x): properties[key] = .number(x)
                    case let .text(t): properties[key] = .string(t)
                    case .blob:
                        issues.append(GeoJSONIssue(.warning, featureIndex: row, featureID: properties["id"]?.stringValue, "table \(table), fid \(fid.map(String.init) ?? "?"): column \(name) holds binary data; left out"))
                    }
                }
                lastFID = fid
                var feature = GeoJSONFeature(index: row, geometry: nil, properties: properties)
                let label = "table \(table), fid \(fid.map(String.init) ?? "row \(row + 1)")"
                if let blob {
                    do {
                        var g = try GeoPackageReader.geometry(blob: blob)
                        if let transformer { g = try transformer.transform(g) }
                        feature.geometry = g
                    } catch {
                        issues.append(GeoJSONIssue(.error, featureIndex: row, featureID: feature.displayID, "\(label): geometry blob: \(error)"))
                    }
                } else if geometryColumn == nil {
                    issues.append(GeoJSONIssue(.error, featureIndex: row, featureID: feature.displayID, "\(label): the table has no geometry column (it is not in gpkg_geometry_columns)"))
                }
                features.append(feature)
                row += 1
            }
        } catch {
            let after = row == 0 ? "" : ", after row \(row)\(lastFID.map { " (fid \($0))" } ?? "")"
            throw failure("table \(table)\(after)", error)
        }
        return GeoJSONLayer(features: features, issues: issues)
    }

    /// A PROJ transformer to WGS84 for a table in another EPSG CRS; nil for WGS84 and the
    /// undefined systems (-1, 0), which are read as longitude/latitude.
    func transformer(srsID: Int64, table: String) throws(GeoPackageError) -> CoordinateTransformer? {
        guard ![4326, 0, -1].contains(srsID) else { return nil }
        var organization: String?
        var code: Int64?
        do {
            let s = try db.prepare("SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?")
            try s.bind([.integer(srsID)])
            if try s.step() {
                organization = s.text(0)
                code = s.integer(1)
            }
        } catch {
            throw failure("table \(table): gpkg_spatial_ref_sys", error)
        }
        guard let organization, organization.uppercased() == "EPSG", let code else {
            throw GeoPackageError(path, "table \(table): srs_id \(srsID) is not an EPSG coordinate system; reproject the table to EPSG:4326 (ogr2ogr -t_srs EPSG:4326)")
        }
        if code == 4326 { return nil }
        do {
            return try CoordinateTransformer(from: .epsg(Int(code)), to: .wgs84)
        } catch {
            throw GeoPackageError(path, "table \(table): EPSG:\(code): \(error)")
        }
    }

    /// Reads a GeoPackage geometry blob (GeoPackage 1.3, §2.1.3): "GP", version, flags, srs_id,
    /// the envelope the flags announce, then WKB.
    static func geometry(blob: [UInt8]) throws -> Geometry {
        guard blob.count >= 8 else { throw GeoError.invalidInput("\(blob.count) bytes, too short for the 8-byte GeoPackage header") }
        guard blob[0] == 0x47, blob[1] == 0x50 else {
            let hex = blob.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw GeoError.invalidInput("does not start with \"GP\" (bytes \(hex)): not a GeoPackage geometry")
        }
        guard blob[2] == 0 else { throw GeoError.invalidInput("header version \(blob[2]); only version 0 (GeoPackage 1.x) is known") }
        let flags = blob[3]
        if flags & 0x20 != 0 { throw GeoError.invalidInput("an extended (non-standard) geometry type; only standard WKB is read") }
        let envelopeBytes: Int
        switch (flags >> 1) & 0x07 {
        case 0: envelopeBytes = 0
        case 1: envelopeBytes = 32
        case 2, 3: envelopeBytes = 48
        case 4: envelopeBytes = 64
        case let other: throw GeoError.invalidInput("envelope code \(other) in the header flags is not 0-4")
        }
        let start = 8 + envelopeBytes
        guard blob.count > start else { throw GeoError.invalidInput("\(blob.count) bytes: the header announces \(start) bytes and WKB after them") }
        if flags & 0x10 != 0 { throw GeoError.invalidInput("the geometry is empty") }
        return try Geometry(wkb: Array(blob[start...]))
    }
}
