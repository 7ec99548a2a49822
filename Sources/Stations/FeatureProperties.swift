import Foundation
import Geo

extension LoadRun {
    /// Whether `s` is empty or only whitespace, that is `s.trimmingCharacters(in: .whitespaces)
    /// .isEmpty`, without building the trimmed string (which costs more than the rest of reading
    /// a point feature).
    static func isBlank(_ s: String) -> Bool {
        for u in s.unicodeScalars {
            if u == " " || u == "\t" { continue }
            if u.isASCII || !CharacterSet.whitespaces.contains(u) { return false }
        }
        return true
    }

    /// Per-feature property access that records what is wrong.
    struct Properties {
        /// The feature being read; its properties are empty once `takeProperties()` has moved them out.
        private(set) var feature: GeoJSONFeature
        /// The feature's id as a planner sees it (`GeoJSONFeature.displayID`), looked up once.
        let displayID: String?
        /// What is wrong with the feature, its file's name left empty: the sink that reads the
        /// layer names it (`RecordSink`). Holding the name here would retain and release the
        /// layer's one string for every feature, from both of the reader's threads at once.
        var issues: [DatasetIssue] = []
        var failed = false

        init(feature: consuming GeoJSONFeature) {
            displayID = feature.displayID
            self.feature = feature
        }

        var id: String { displayID ?? "" }

        mutating func error(_ message: String) {
            issues.append(DatasetIssue(.error, file: "", featureIndex: feature.index, featureID: displayID, message))
            failed = true
        }

        /// The feature's properties, moved out (not copied) for the value being built: the last
        /// use of them by the reader.
        mutating func takeProperties() -> JSONObject {
            var taken = JSONObject()
            swap(&taken, &feature.properties)
            return taken
        }

        mutating func requireID() -> String? {
            switch feature.properties["id"] {
            case let .string(s)? where !LoadRun.isBlank(s): return s
            case let v? where v.numberText != nil: return v.numberText
            case .string?: error("\"id\" is empty")
            case let v? where !v.isNull: error("\"id\" must be a string or a number, not \(v.typeName)")
            default:
                if let id = feature.id { return id.description }
                error("missing \"id\" (required in properties)")
            }
            return nil
        }

        mutating func string(_ key: String, required: Bool = false) -> String? {
            switch feature.properties[key] {
            case let .string(s)? where LoadRun.isBlank(s):
                // An empty cell of a spreadsheet converted by ogr2ogr ("name": ""): absent, as in
                // a CSV; a required field is named.
                if required { error("\"\(key)\" is empty (required)") }
                return nil
            case let .string(s)?:
                return s
            case let v? where v.numberText != nil: return v.numberText
            case nil, .null?:
                if required { error("missing \"\(key)\" (required)") }
                return nil
            case let v?:
                error("\"\(key)\" must be a string, not \(v.typeName)")
                return nil
            }
        }

        /// A number; a decimal number written as text is that number (in GeoJSON and GeoPackage as
        /// in CSV), anything else is an error naming the field and the value, for optional fields
        /// too. A quantity with a limit (`QuantityLimits`) above it is an error.
        mutating func number(_ key: String, required: Bool = false, minimum: Double? = nil, whole: Bool = false) -> Double? {
            let value: Double
            // The number as written, for messages ("1e308", "12345678901234567890"): the text made
            // only when a message needs it, not for every feature.
            var written: JSONValue?
            var text: String?
            let maximum = QuantityLimits.maximum(of: key)
            switch feature.properties[key] {
            case let v? where v.numberValue != nil:
                value = v.numberValue!
                written = v
            case let .string(s)? where LoadRun.isBlank(s):
                // An empty spreadsheet cell written as "" (ogr2ogr): absent, as in a CSV.
                if required { error("\"\(key)\" is empty (a number is required)") }
                return nil
            case let .string(s)?:
                let trimmed = s.trimmingCharacters(in: .whitespaces)
                // Digits too big for a Double ("1e400") are out of range, not "non-numeric"
                // (unlike the words "Infinity" or "inf").
                if CSVFormat.isPlainNumber(trimmed.utf8), let n = Double(trimmed), n.isInfinite, n > 0, let maximum {
                    error("\(key) is \"\(s)\", more than the limit of \(JSONValue.format(number: maximum))")
                    return nil
                }
                // Read as a CSV cell is (`SpreadsheetText.number`): full-width digits and
                // thousands separators accepted, a decimal comma refused with what to do.
                let n: Double
                switch SpreadsheetText.number(trimmed) {
                case let .number(v): n = v
                case .decimalComma:
                    error(SpreadsheetText.decimalCommaAdvice(key, trimmed))
                    return nil
                case .notNumber:
                    error("non-numeric \(key): \"\(s)\" (a number is required)")
                    return nil
                }
                if let maximum, n > maximum {
                    error("\(key) is \"\(s)\", more than the limit of \(JSONValue.format(number: maximum))")
                    return nil
                }
                // A number written as text, as QGIS and spreadsheet exports often write them (a
                // GeoPackage TEXT column, "seats": "5"): the number, as a CSV cell is read, without
                // a warning (one a feature would flood a demand layer, and nothing is wrong).
                value = n
                text = JSONValue.format(number: n)
            case nil, .null?:
                if required { error("missing \"\(key)\" (a number is required)") }
                return nil
            case let v?:
                error("non-numeric \(key): \(v.serialized()) (a number is required)")
                return nil
            }
            func shown() -> String { text ?? written?.numberText ?? JSONValue.format(number: value) }
            if let minimum, value < minimum {
                error("\(key) is \(shown()); it must be at least \(JSONValue.format(number: minimum))")
                return nil
            }
            if let maximum, value > maximum {
                error("\(key) is \(shown()), more than the limit of \(JSONValue.format(number: maximum))")
                return nil
            }
            if whole, value != value.rounded() {
                error("\(key) is \(shown()); it must be a whole number")
                return nil
            }
            return value
        }

        /// A whole number ≥ 0. Without a limit in `QuantityLimits`, one beyond `Int` is an error too.
        mutating func int(_ key: String, required: Bool = false) -> Int? {
            guard let value = number(key, required: required, minimum: 0, whole: true) else { return nil }
            guard let n = Int(checked: value) else {
                error("\(key) is \(JSONValue.format(number: value)), too large")
                return nil
            }
            return n
        }

        mutating func bool(_ key: String) -> Bool? {
            switch feature.properties[key] {
            case let .bool(b)?: return b
            case nil, .null?: return nil
            case let .string(s)? where LoadRun.isBlank(s): return nil
            case let .string(s)?:
                switch s.lowercased() {
                case "true", "yes", "1", "是": return true
                case "false", "no", "0", "否": return false
                default: break
                }
                error("\"\(key)\" must be true or false, not \"\(s)\"")
            case let v? where v.numberValue != nil: return v.numberValue! != 0
            case let v?: error("\"\(key)\" must be true or false, not \(v.typeName)")
            }
            return nil
        }

        mutating func point() -> Coordinate? {
            switch feature.geometry {
            case let .point(c)?: return c
            case nil:
                // A geometry that failed to read already has its error.
                if !failed { error("a Point geometry is required (geometry is null)") }
            case let g? where g.hasNoCoordinates:
                // GDAL writes an empty point as "coordinates": [].
                error("a Point geometry is required; this \(g.typeName == "MultiPoint" ? "Point" : g.typeName) is empty (no coordinates)")
            case let .multiPoint(cs)? where cs.count == 1:
                // QGIS and ogr2ogr -nlt MULTIPOINT write single points as MultiPoints: the same
                // point, read as it is (a warning each would flood a demand layer).
                return cs[0]
            case let .multiPoint(cs)?: error("a Point geometry is required, not a MultiPoint of \(cs.count) points")
            case let g?: error("a Point geometry is required, not \(g.typeName)")
            }
            return nil
        }

        mutating func polygonal(allowPoint: Bool = false) -> Geometry? {
            switch feature.geometry {
            case let g? where g.hasNoCoordinates:
                // "coordinates": [] (GDAL's POLYGON EMPTY) would be a division without area.
                error("a Polygon or MultiPolygon\(allowPoint ? " or Point" : "") geometry is required; this \(g.typeName == "MultiPoint" ? "Point" : g.typeName) is empty (no coordinates)")
            case let g? where !g.polygons.isEmpty:
                return g
            case let .point(c)? where allowPoint:
                return .point(c)
            case let .geometryCollection(parts)? where parts.allSatisfy({ !$0.polygons.isEmpty }) && !parts.isEmpty:
                // make-valid may turn a polygon into a collection of polygons.
                return .multiPolygon(parts.flatMap(\.polygons))
            case nil:
                if !failed { error("a Polygon or MultiPolygon geometry is required (geometry is null)") }
            case let g?:
                error("a Polygon or MultiPolygon\(allowPoint ? " or Point" : "") geometry is required, not \(g.typeName)")
            }
            return nil
        }
    }

    /// Coordinates outside ±180/±90, with a hint when longitude and latitude look swapped.
    static func checkRange(_ g: Geometry, _ p: inout Properties) {
        // A point (every feature of a demand layer) without gathering its one position into an array.
        if case let .point(c) = g {
            _ = checkRange(c, &p)
            return
        }
        for c in g.allCoordinates where !checkRange(c, &p) { return }
    }

    /// Whether `c` is a longitude and latitude in range; else records the error saying what is
    /// wrong (swapped, metres, or which one is out) and returns false.
    private static func checkRange(_ c: Coordinate, _ p: inout Properties) -> Bool {
        if (-90...90).contains(c.lat) && (-180...180).contains(c.lon) { return true }
        if (-90...90).contains(c.lon) && (-180...180).contains(c.lat) {
            p.error("latitude \(JSONValue.format(number: c.lat)) is outside ±90: longitude and latitude look swapped (GeoJSON is [longitude, latitude])")
        } else if abs(c.lon) > 360 || abs(c.lat) > 360 {
            // A surveyor's X/Y in metres (a projected CRS such as CGCS2000 / 3-degree
            // Gauss-Kruger), read as degrees.
            let which = !(-90...90).contains(c.lat) ? "latitude \(JSONValue.format(number: c.lat)) is outside ±90" : "longitude \(JSONValue.format(number: c.lon)) is outside ±180"
            p.error("\(which): the coordinates look like projected metres, not degrees; convert the file to longitude and latitude first (ogr2ogr -t_srs EPSG:4326, or QGIS's Export > Save Features As with CRS EPSG:4326)")
        } else if !(-90...90).contains(c.lat) {
            p.error("latitude \(JSONValue.format(number: c.lat)) is outside ±90")
        } else {
            p.error("longitude \(JSONValue.format(number: c.lon)) is outside ±180")
        }
        return false
    }
}

private extension Geometry {
    /// Whether the geometry has no position at all ("coordinates": [], as GDAL writes an empty
    /// geometry), without gathering the positions of a large one.
    var hasNoCoordinates: Bool {
        switch self {
        case .point: return false
        case let .lineString(cs), let .multiPoint(cs): return cs.isEmpty
        case let .polygon(p): return p.exterior.isEmpty
        case let .multiLineString(ls): return ls.allSatisfy(\.isEmpty)
        case let .multiPolygon(ps): return ps.allSatisfy { $0.exterior.isEmpty }
        case let .geometryCollection(gs): return gs.allSatisfy(\.hasNoCoordinates)
        }
    }
}
