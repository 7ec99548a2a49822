import Foundation
import Geo

/// Layers as spreadsheets. Reading: a header row (English or the usual Chinese names, see
/// `CSVColumn`), one feature per row, points from lon/lat columns, polygons from a `wkt` column.
/// Known numeric columns become numbers when they parse (otherwise they stay text, and validation
/// names them as non-numeric); services may be separated by `;`, `,` or `、`. Other columns are
/// kept as text properties. Writing: UTF-8 with BOM and CRLF, which Excel opens cleanly, text that
/// would run as a formula escaped with a `'` (which reading removes again).
public enum CSVLayer {
    /// The features read, the issues found (CSV errors carry their line) and, per feature index,
    /// the CSV line it came from.
    public struct Read: Sendable {
        /// The rows as GeoJSON features and the issues found.
        public var layer: GeoJSONLayer
        /// Per feature index, the 1-based CSV line its row starts on.
        public var lines: [Int]
    }

    static let numericColumns: Set<String> = ["seats", "charging_ports", "weight", "max_seats", "slots", "workers", "daily_orders", "peak_riders"]

    /// Reads a CSV file of `layer` into features. Throws `GeoJSONDocumentError` when the whole file
    /// is unusable: an Excel workbook, a CSV syntax error, no header, two headers for one column, or
    /// neither lon and lat nor a wkt column; problems of single rows are issues of the result.
    public static func read(bytes: [UInt8], layer: Layer) throws -> Read {
        try SpreadsheetText.refuseWorkbook(bytes)
        let table: CSVTable
        do {
            let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            table = try CSVReader.parse(bytes, separator: CSVReader.sniffSeparator(bytes[start...]))
        } catch {
            throw GeoJSONDocumentError(message: "\(error)")
        }
        guard let header = table.header else { throw GeoJSONDocumentError(message: "the file is empty (a header row was expected)") }
        let map: CSVColumnMap
        do {
            map = try CSVColumnMap(header: header)
        } catch {
            throw GeoJSONDocumentError(message: "\(error)")
        }
        let wktIndex = header.fields.firstIndex { ["wkt", "geometry", "几何"].contains(CSVColumn.normalizedHeader($0)) }
        var lonIndex = map.index(of: .lon), latIndex = map.index(of: .lat)
        // GDAL's CSV with `-lco GEOMETRY=AS_XY` (ogr2ogr from GeoJSON or GeoPackage) names the
        // point's columns X and Y: read as lon and lat when the file has neither lon/lat nor wkt.
        var xyIndices: Set<Int> = []
        if wktIndex == nil, lonIndex == nil, latIndex == nil,
           let x = header.fields.firstIndex(where: { CSVColumn.normalizedHeader($0) == "x" }),
           let y = header.fields.firstIndex(where: { CSVColumn.normalizedHeader($0) == "y" }) {
            lonIndex = x
            latIndex = y
            xyIndices = [x, y]
        }
        if wktIndex == nil && (lonIndex == nil || latIndex == nil) {
            throw GeoJSONDocumentError(message: "line \(header.line): the header needs lon and lat columns (经度, 纬度; X and Y as GDAL writes them) or a wkt column; found \(header.fields.joined(separator: ","))")
        }
        var features: [GeoJSONFeature] = []
        var issues: [GeoJSONIssue] = []
        var lines: [Int] = []
        for (i, row) in table.rows.enumerated() {
            var properties = JSONObject()
            for column in CSVColumn.allCases where column != .lon && column != .lat {
                guard let text = map.value(of: column, in: row) else { continue }
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                if numericColumns.contains(column.rawValue), let n = number(trimmed) {
                    properties[column.rawValue] = n
                } else if column == .services {
                    // `a;b`, GDAL's JSON array text (`[ "rest", "water" ]`, ogr2ogr's CSV) or its `(2:a,b)`.
                    properties[column.rawValue] = .array(FieldValues.list(trimmed).map(JSONValue.string))
                } else {
                    properties[column.rawValue] = .string(unescapingFormula(text))
                }
            }
            for extra in map.extras where extra.index != wktIndex && !xyIndices.contains(extra.index) {
                guard extra.index < row.fields.count else { continue }
                let text = row.fields[extra.index]
                if text.isEmpty { continue }
                var key = CSVColumn.normalizedHeader(extra.name)
                // `property_lon` as `export --format csv` writes a property named like the geometry.
                if key.hasPrefix("property_"), escapesGeometry(String(key.dropFirst(9))) { key = String(key.dropFirst(9)) }
                switch text.lowercased() {
                case "true", "是": properties[key] = .bool(true)
                case "false", "否": properties[key] = .bool(false)
                default:
                    if let n = number(text), ["daily_orders", "peak_riders", "slots"].contains(key) {
                        properties[key] = n
                    } else {
                        properties[key] = .string(unescapingFormula(text))
                    }
                }
            }
            var geometry: Geometry?
            let id = properties["id"].flatMap { $0.stringValue ?? $0.numberText }
            func problem(_ message: String) {
                issues.append(GeoJSONIssue(.error, featureIndex: i, featureID: id, message))
            }
            // More fields than the header: an unquoted comma split a field ("Meituan, Inc"), and
            // every field after it may be in the wrong column. Nothing is dropped silently.
            if row.fields.count > header.fields.count {
                let extras = row.fields[header.fields.count...]
                let shown = extras.prefix(3).map { "\"\($0.count > 40 ? $0.prefix(40) + "…" : $0)\"" }
                let extra = shown.joined(separator: ", ") + (extras.count > 3 ? ", …" : "")
                problem("\(row.fields.count) fields where the header has \(header.fields.count) (extra: \(extra)); a field that contains a comma must be quoted, as in \"Meituan, Inc\"")
            }
            if let wktIndex, wktIndex < row.fields.count, !row.fields[wktIndex].isEmpty {
                do {
                    geometry = try Geometry(wkt: row.fields[wktIndex])
                    // As the GeoJSON reader warns of a third coordinate: nothing is dropped silently.
                    if let dimensions = extraDimensions(wkt: row.fields[wktIndex]) {
                        issues.append(GeoJSONIssue(.warning, featureIndex: i, featureID: id, "\(dimensions) values dropped: Nuanxin works in 2D"))
                    }
                } catch {
                    problem("wkt: \(error)")
                }
                // A point given twice (a wkt column and lon/lat columns, as GIS exports write
                // them) must be one point: which of two places was meant cannot be known.
                if case let .point(c)? = geometry, let lonIndex, let latIndex, lonIndex < row.fields.count, latIndex < row.fields.count,
                   case let .number(lon) = SpreadsheetText.number(row.fields[lonIndex], grouping: false),
                   case let .number(lat) = SpreadsheetText.number(row.fields[latIndex], grouping: false),
                   abs(lon - c.lon) > 1e-7 || abs(lat - c.lat) > 1e-7 {
                    problem("wkt \(row.fields[wktIndex]) and lon \(row.fields[lonIndex]), lat \(row.fields[latIndex]) are two different places: keep one of them (delete the wkt column or the lon and lat columns)")
                }
            } else if let lonIndex, let latIndex {
                let lonText = lonIndex < row.fields.count ? row.fields[lonIndex].trimmingCharacters(in: .whitespaces) : ""
                let latText = latIndex < row.fields.count ? row.fields[latIndex].trimmingCharacters(in: .whitespaces) : ""
                if case let .number(lon) = SpreadsheetText.number(lonText, grouping: false), case let .number(lat) = SpreadsheetText.number(latText, grouping: false) {
                    geometry = .point(Coordinate(lon: lon, lat: lat))
                } else if case .decimalComma = SpreadsheetText.number(lonText, grouping: false) {
                    problem(SpreadsheetText.decimalCommaAdvice("lon", lonText))
                } else if case .decimalComma = SpreadsheetText.number(latText, grouping: false) {
                    problem(SpreadsheetText.decimalCommaAdvice("lat", latText))
                } else {
                    problem("lon \"\(lonText)\" and lat \"\(latText)\" must both be numbers")
                }
            } else {
                problem("no geometry: the wkt column is empty")
            }
            features.append(GeoJSONFeature(index: i, id: nil, geometry: geometry, properties: properties))
            lines.append(row.line)
        }
        // Properties in the header's column order, so that a file imports back as it was exported.
        let order = header.fields.map { CSVColumn(header: $0)?.rawValue ?? CSVColumn.normalizedHeader($0) }
        typeFields(&features, &issues, layer, order: order)
        return Read(layer: GeoJSONLayer(features: features, issues: issues), lines: lines)
    }

    /// The values beyond x and y that a WKT text gives: "Z", "M" or "Z and M" for `POINT Z (…)`,
    /// `POINT M (…)`, `POINT ZM (…)`, or coordinates of three (Z) or four (Z and M) numbers without
    /// a keyword; nil for plain 2D.
    static func extraDimensions(wkt: String) -> String? {
        var keyword: String?
        var word = ""
        var inNumber = false
        var numbers = 0, most = 0
        for c in wkt.unicodeScalars {
            let isNumberPart = (c >= "0" && c <= "9") || c == "." || c == "-" || c == "+" || ((c == "e" || c == "E") && inNumber)
            if isNumberPart {
                if !inNumber { numbers += 1; inNumber = true }
                continue
            }
            inNumber = false
            if (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") {
                word.unicodeScalars.append(c)
                continue
            }
            if ["Z", "M", "ZM"].contains(word.uppercased()) { keyword = word.uppercased() }
            word = ""
            if c == "(" || c == "," || c == ")" {
                most = max(most, numbers)
                numbers = 0
            }
        }
        if ["Z", "M", "ZM"].contains(word.uppercased()) { keyword = word.uppercased() }
        switch keyword ?? (most >= 4 ? "ZM" : most == 3 ? "Z" : "") {
        case "Z": return "Z"
        case "M": return "M"
        case "ZM": return "Z and M"
        default: return nil
        }
    }

    /// Gives the layer's known fields their types (see `LayerSchema`): numbers from text (full-width
    /// digits and thousands separators accepted, a decimal comma refused with what to do), lists
    /// from `a;b`, booleans from yes/no, 是/否. So a CSV exported by Nuanxin imports back equal.
    static func typeFields(_ features: inout [GeoJSONFeature], _ issues: inout [GeoJSONIssue], _ layer: Layer, order: [String]) {
        let schema = LayerSchema(fields: LayerSchema.known(layer))
        for i in features.indices {
            var properties = JSONObject()
            for key in order { if let v = features[i].properties[key], properties[key] == nil { properties[key] = v } }
            for (key, v) in features[i].properties.pairs where properties[key] == nil { properties[key] = v }
            for (key, value) in properties.pairs {
                guard let type = schema.type(of: key), case let .string(text) = value else { continue }
                switch type {
                case .integer, .real:
                    switch SpreadsheetText.number(text) {
                    case let .number(n): properties[key] = .number(n)
                    case .decimalComma:
                        issues.append(GeoJSONIssue(.error, featureIndex: i, featureID: features[i].displayID, SpreadsheetText.decimalCommaAdvice(key, text)))
                    case .notNumber: break
                    }
                case .text:
                    break
                default:
                    properties[key] = FieldValues.convert(value, to: type)
                }
            }
            features[i].properties = properties
        }
    }

    /// Whether a property named `key` is written as `property_KEY` in a CSV export: a name a CSV
    /// reader would take for the geometry (`lon`, `经度`, `wkt` ...), or such an escaped name
    /// itself (`property_lon`), so that the escape is reversible and two properties never share a
    /// column. `read` takes the prefix off again.
    static func escapesGeometry(_ key: String) -> Bool {
        if CSVColumn(header: key).map({ $0 == .lon || $0 == .lat }) ?? false { return true }
        if ["wkt", "geometry", "几何"].contains(CSVColumn.normalizedHeader(key)) { return true }
        let normal = CSVColumn.normalizedHeader(key)
        return normal.hasPrefix("property_") && escapesGeometry(String(normal.dropFirst(9)))
    }

    /// A numeric cell as JSON: a finite number, or an integer beyond ±2^53 as its text (as the
    /// JSON reader keeps it), so that messages about it ("seats is 12345678901234567890, more
    /// than the limit") quote it exactly. Nil when it is not a finite number; out-of-range
    /// values stay numbers here, for validation to name.
    static func number(_ text: String) -> JSONValue? {
        guard let n = CSVFormat.decimal(text) else { return nil }
        if abs(n) >= 9_007_199_254_740_992, text.utf8.allSatisfy({ (0x30 ... 0x39).contains($0) || $0 == 0x2D || $0 == 0x2B }) {
            return .bigInteger(text)
        }
        return .number(n)
    }

    /// A text field as it was before `CSVWriter` escaped it for spreadsheets: `'=1+2` is `=1+2`
    /// again, so that a layer exported to CSV, edited and imported keeps its names. A `'` before
    /// anything that is not a formula start is kept.
    public static func unescapingFormula(_ text: String) -> String {
        guard text.utf8.first == 0x27, CSVFormat.needsFormulaEscape(text.utf8) else { return text }
        return String(text.dropFirst())
    }

    /// A layer as spreadsheet rows: the union of the properties' keys in order of first
    /// appearance, then lon and lat for points or wkt for other geometries.
    /// With a `layer`, columns follow its schema (known fields in their fixed order, then the
    /// others) and values their field's type: reals always with a decimal point (`60.0`), lists
    /// `;`-joined, numbers given as text written as numbers.
    public static func rows(_ items: [(id: String, properties: JSONObject, geometry: Geometry)], layer: Layer? = nil) throws -> [[String]] {
        var keys: [String] = ["id"]
        var schema: LayerSchema?
        if let layer {
            let s = LayerSchema.of(layer, properties: items.map(\.properties))
            let present = Set(items.flatMap(\.properties.keys))
            keys += s.fields.map(\.name).filter { $0 != "id" && present.contains($0) }
            schema = s
        }
        for item in items {
            for k in item.properties.keys where !keys.contains(k) { keys.append(k) }
        }
        let points = items.allSatisfy { if case .point = $0.geometry { return true } else { return false } }
        // A property a CSV reader would take for the geometry (a `lon` or `经度` kept by ogr2ogr, a
        // `wkt`) is written as `property_NAME`, as GeoPackage does with `fid` and `geom`: two lon
        // columns would make the file unreadable (and GDAL and spreadsheets pick one at random).
        let header = keys.map { k in k != "id" && escapesGeometry(k) ? "property_" + k : k }
        var rows = [header + (points ? ["lon", "lat"] : ["wkt"])]
        for item in items {
            var row = keys.map { k -> String in
                if k == "id" { return item.id }
                var value = item.properties[k]
                if let type = schema?.type(of: k), let v = value {
                    value = FieldValues.convert(v, to: type)
                    if type == .real, LayerSchema.knownReals(layer!).contains(k), case let .number(n)? = value { return JSONValue.format(real: n) }
                }
                switch value {
                case nil, .null?: return ""
                case let .string(s)?: return s
                case let .number(n)?: return JSONValue.format(number: n)
                case let .bool(b)?: return b ? "true" : "false"
                case let .array(a)?: return a.map { $0.stringValue ?? $0.serialized() }.joined(separator: ";")
                case let v?: return v.serialized()
                }
            }
            if case let .point(c) = item.geometry, points {
                row += [JSONValue.format(coordinate: c.lon), JSONValue.format(coordinate: c.lat)]
            } else {
                row.append(try item.geometry.wkt(precision: 7))
            }
            rows.append(row)
        }
        return rows
    }
}
