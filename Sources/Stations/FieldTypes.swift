import Foundation
import Geo

/// The type of a field in every file Nuanxin writes. It is fixed per field, never decided by the
/// values of one run: a quantity the loader allows to be fractional is always a real number
/// (`60.0` in GeoJSON, REAL in GeoPackage), a count is an integer, a list is a JSON array in
/// GeoJSON and `;`-joined text in CSV and GeoPackage.
public enum FieldType: String, Sendable, Hashable {
    /// Text, a whole number, a real number, true/false, or a list of texts.
    case text, integer, real, boolean, list

    /// The column type declared in a GeoPackage table.
    public var sqlType: String {
        switch self {
        case .text, .list: return "TEXT"
        case .integer: return "INTEGER"
        case .real: return "REAL"
        case .boolean: return "BOOLEAN"
        }
    }
}

/// The fields of a layer: the known ones first, in their fixed order, then the layer's other properties
/// in order of first appearance, typed by what they hold (numbers are real, so that one run with
/// whole values and one with fractions agree; true/false is boolean; arrays are lists; anything
/// else, or a mix, is text).
public struct LayerSchema: Sendable, Hashable {
    /// The fields in order, each with its type.
    public var fields: [(name: String, type: FieldType)]

    /// Whether two schemas have the same fields, names and types, in the same order.
    public static func == (a: LayerSchema, b: LayerSchema) -> Bool {
        a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.type) == b.fields.map(\.type)
    }

    /// Hashes the fields' names and types in order.
    public func hash(into hasher: inout Hasher) {
        for f in fields { hasher.combine(f.name); hasher.combine(f.type) }
    }

    /// A schema of these fields, in this order.
    public init(fields: [(name: String, type: FieldType)]) { self.fields = fields }

    /// The type of `name`, or nil when the layer has no such field.
    public func type(of name: String) -> FieldType? { fields.first { $0.name == name }?.type }

    /// The names of the real-valued fields.
    public var realFields: Set<String> { Set(fields.filter { $0.type == .real }.map(\.name)) }

    /// The known real fields of a layer, written with a decimal point in GeoJSON and CSV (other
    /// numbers are written as given; a GeoPackage stores them in REAL columns).
    public static func knownReals(_ layer: Layer) -> Set<String> {
        Set(known(layer).filter { $0.type == .real }.map(\.name))
    }

    /// The fields every file of `layer` has, whatever its data.
    public static func known(_ layer: Layer) -> [(name: String, type: FieldType)] {
        switch layer {
        case .districts:
            return [("id", .text), ("name", .text), ("kind", .text), ("name_en", .text), ("workers", .real), ("radius_m", .real)]
        case .stations:
            return [("id", .text), ("name", .text), ("kind", .text), ("district", .text), ("seats", .integer), ("charging_ports", .integer),
                    ("services", .list), ("hours", .text), ("operator", .text)]
        case .parking:
            return [("id", .text), ("name", .text), ("slots", .integer), ("charging", .boolean)]
        case .areas:
            return [("id", .text), ("name", .text), ("rider_friendly", .boolean), ("daily_orders", .real), ("peak_riders", .real)]
        case .demand:
            return [("id", .text), ("weight", .real)]
        case .candidates:
            return [("id", .text), ("name", .text), ("max_seats", .integer)]
        }
    }

    /// The schema of a layer's features: the known fields, then the others.
    public static func of(_ layer: Layer, properties: [JSONObject]) -> LayerSchema {
        var fields = known(layer)
        var names = Set(fields.map(\.name))
        var order: [String] = []
        var types: [String: FieldType] = [:]
        for p in properties {
            for (key, value) in p.pairs where !names.contains(key) {
                if !order.contains(key) { order.append(key) }
                let t: FieldType
                switch value {
                case .null: continue
                case .number: t = .real
                // An integer beyond 2^53 (a 19-digit code) is text, so that its digits survive.
                case .bigInteger: t = .text
                case .bool: t = .boolean
                case .array: t = .list
                case .string, .object: t = .text
                }
                if let before = types[key], before != t { types[key] = .text } else { types[key] = t }
            }
        }
        for key in order {
            fields.append((key, types[key] ?? .text))
            names.insert(key)
        }
        return LayerSchema(fields: fields)
    }

    /// `properties` with every known field but `id` in its type: numbers given as text become
    /// numbers, text fields given as numbers become text, lists given as `a;b` or GDAL's
    /// `(2:a,b)` become arrays, yes/no text becomes a boolean. Values that cannot be converted are
    /// left as they are (validation names them).
    public func normalise(_ properties: JSONObject) -> JSONObject {
        var out = JSONObject()
        for (key, value) in properties.pairs {
            // The id is kept as written (a numeric id stays a number, with every digit).
            guard key != "id", let type = type(of: key) else { out[key] = value; continue }
            out[key] = FieldValues.convert(value, to: type)
        }
        return out
    }
}

/// Conversions between a field's written forms.
public enum FieldValues {
    /// `value` in `type`'s form when it can be converted (see `LayerSchema.normalise`), else
    /// unchanged; null stays null.
    public static func convert(_ value: JSONValue, to type: FieldType) -> JSONValue {
        switch (type, value) {
        case (_, .null): return .null
        case (.text, .number(let n)): return .string(JSONValue.format(number: n))
        case (.text, .bigInteger(let digits)), (.list, .bigInteger(let digits)): return .string(digits)
        case (.integer, .string(let s)), (.real, .string(let s)):
            if let n = number(s) { return .number(n) }
            return value
        case (.list, .string(let s)): return .array(list(s).map(JSONValue.string))
        case (.boolean, .string(let s)):
            switch s.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "yes", "1", "是": return .bool(true)
            case "false", "no", "0", "否": return .bool(false)
            default: return value
            }
        case (.boolean, .number(let n)) where n == 0 || n == 1: return .bool(n == 1)
        default: return value
        }
    }

    /// Whether `text` is a plain decimal number, as every reader of numbers written as text takes
    /// them: an optional sign, ASCII digits with an optional point and fraction (`.5` and `1.` too),
    /// an optional exponent; not hexadecimal, `nan` or `inf` (which `Double(_:)` would read).
    public static func isDecimal(_ text: String) -> Bool {
        CSVFormat.isPlainNumber(text.utf8)
    }

    /// A number written as text, read as a CSV cell is (`SpreadsheetText.number`: surrounding
    /// spaces, full-width digits and thousands separators allowed), or nil (a decimal comma too).
    public static func number(_ text: String) -> Double? {
        if case let .number(n) = SpreadsheetText.number(text) { return n }
        return nil
    }

    /// The items of a list written as text: `a;b` (our CSV and GeoPackage form, also `,`, `|`,
    /// `、`, `，`, `；`), a JSON array `["a","b"]`, or GDAL's StringList text `(2:a,b)`.
    public static func list(_ text: String) -> [String] {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("["), let parsed = try? JSONParser.parse(t), case let .array(items) = parsed {
            // Items trimmed, empty and null ones dropped, as the split forms below drop them.
            return items.compactMap { item -> String? in
                if case .null = item { return nil }
                let text = (item.stringValue ?? item.serialized()).trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            }
        }
        var body = Substring(t)
        // GDAL writes a StringList as "(count:item,item,...)".
        if body.hasPrefix("("), body.hasSuffix(")"), let colon = body.firstIndex(of: ":"),
           Int(body[body.index(after: body.startIndex)..<colon]) != nil {
            body = body[body.index(after: colon)..<body.index(before: body.endIndex)]
        }
        return body.split(whereSeparator: { ",;|、，；".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A list as the text of a CSV cell or a GeoPackage column.
    public static func joined(_ items: [JSONValue]) -> String {
        items.map { $0.stringValue ?? $0.serialized() }.joined(separator: ";")
    }
}
