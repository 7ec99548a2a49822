import Geo

/// `import`: features from a GeoJSON or CSV file, completed by the rules of boundary files, checked
/// like the dataset's own layer and merged into it.
public enum LayerImport {
    /// A file read for import, with the CSV line of each feature (nil for GeoJSON).
    public struct Incoming: Sendable {
        /// The file's name as the user gave it, for messages.
        public var file: String
        /// The layer the features are for.
        public var layer: Layer
        /// The features read and the issues found in the file.
        public var features: GeoJSONLayer
        /// Per feature index, the 1-based CSV line it came from; nil for GeoJSON.
        public var lines: [Int]?

        /// A file of `layer`'s features, with their CSV lines when read from CSV.
        public init(file: String, layer: Layer, features: GeoJSONLayer, lines: [Int]? = nil) {
            self.file = file
            self.layer = layer
            self.features = features
            self.lines = lines
        }
    }

    /// Why nothing was imported.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The file is missing or cannot be read (exit 66).
        case unreadable(InputFile.Failure)
        /// The file is neither valid GeoJSON nor a valid CSV layer (exit 65).
        case malformed(file: String, reason: String)
        /// The features break the layer's rules; `issues` are those of the imported file and every
        /// error, CSV features named by line (exit 65, or 66 when an input is missing).
        case invalid(issues: [DatasetIssue], missingInput: Bool)
        /// Ids already in the layer, without `replace` (exit 65); `warnings` about the file were found first.
        case clashes(file: String, layer: Layer, ids: [String], warnings: [DatasetIssue])

        /// The message: the read failure, "file: reason", the issues one a line, or the clashing ids
        /// (the first ten) with how to replace them.
        public var description: String {
            switch self {
            case let .unreadable(failure): return failure.description
            case let .malformed(file, reason): return "\(file): \(reason)"
            case let .invalid(issues, _): return issues.map(\.description).joined(separator: "\n")
            case let .clashes(file, layer, ids, _):
                let shown = ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? ", ..." : "")
                return "\(file): \(ids.count) id(s) already in the \(layer.rawValue) layer (\(shown)); pass --replace to replace them. Nothing was imported."
            }
        }
    }

    /// The merged layer and what changed.
    public struct Outcome: Sendable {
        /// The layer after the import: existing features in their order (replaced in place), then the new ones.
        public var merged: [LayerFeature]
        /// Features read from the file.
        public var imported: Int
        /// Of those, how many replaced a feature with the same id.
        public var replaced: Int
        /// Warnings about the imported file, CSV features named by line.
        public var warnings: [DatasetIssue]
    }

    /// Reads a file as a layer: the layer's table of a .gpkg, CSV when its name ends in .csv or it
    /// does not start with `{`, else GeoJSON.
    public static func read(_ file: String, layer: Layer) throws(Failure) -> Incoming {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(file)
        } catch let failure as InputFile.Failure {
            throw .unreadable(failure)
        } catch {
            throw .malformed(file: file, reason: "\(error)")
        }
        // A GeoPackage under another name (.sqlite, .db, none) is one all the same.
        if GeoPackageReader.isGeoPackage(file) || bytes.starts(with: Array("SQLite format 3\0".utf8)) {
            do {
                let reader = try GeoPackageReader(path: file)
                return Incoming(file: file, layer: layer, features: try reader.read(table: reader.table(for: layer, onlyTableWillDo: true)))
            } catch {
                throw .malformed(file: file, reason: error.reason)
            }
        }
        if let name = ForeignFormat.name(of: bytes, file: file) {
            throw .malformed(file: file, reason: ForeignFormat.advice(name, file: file))
        }
        do {
            let first = bytes.drop { [0xEF, 0xBB, 0xBF, 0x20, 0x0A, 0x0D, 0x09].contains($0) }.first
            if file.lowercased().hasSuffix(".csv") || (first != UInt8(ascii: "{") && first != nil) {
                let read = try CSVLayer.read(bytes: bytes, layer: layer)
                return Incoming(file: file, layer: layer, features: read.layer, lines: read.lines)
            }
            return Incoming(file: file, layer: layer, features: try GeoJSONReader.read(bytes: bytes))
        } catch {
            throw .malformed(file: file, reason: "\(error)")
        }
    }

    /// The rules of boundary files from Chinese map services: a feature without an `id` property
    /// takes its Feature id, else its `adcode`; a district without `kind` is a county when its name
    /// ends in 县 and a district when it ends in 区.
    public static func complete(_ incoming: inout Incoming) {
        var features = incoming.features.features
        // GeoJSON converted from a Chinese spreadsheet (ogr2ogr from a CSV) keeps its Chinese
        // column names as property keys: they mean what they mean as CSV headers (编号 is id,
        // 名称 name, 类型 kind, 座位数 seats ...), unless the English key is there too.
        if incoming.lines == nil {
            for i in features.indices {
                let pairs = features[i].properties.pairs
                guard pairs.contains(where: { !$0.key.allSatisfy(\.isASCII) }) else { continue }
                let keys = Set(pairs.map(\.key))
                features[i].properties = JSONObject(pairs.map { pair -> (String, JSONValue) in
                    guard !pair.key.allSatisfy(\.isASCII), let column = CSVColumn(header: pair.key), column != .lon, column != .lat,
                          !keys.contains(column.rawValue) else { return (pair.key, pair.value) }
                    return (column.rawValue, pair.value)
                })
            }
        }
        // A spreadsheet cell left empty is absent in a CSV; ogr2ogr writes it into GeoJSON as ""
        // (and QGIS as "" or null): the same absent property here, so that an optional field
        // reads as not given and a required one as missing, whichever file the rows came in.
        if incoming.lines == nil {
            for i in features.indices where features[i].properties.pairs.contains(where: { $0.value.stringValue.map(LoadRun.isBlank) ?? false }) {
                features[i].properties = JSONObject(features[i].properties.pairs.filter { !($0.value.stringValue.map(LoadRun.isBlank) ?? false) })
            }
        }
        // ogr2ogr keeps a spreadsheet's coordinate columns as properties (unless `-oo
        // KEEP_GEOM_COLUMNS=NO`), and its CSV's `-lco GEOMETRY=AS_XY` writes X and Y: on a point,
        // a property that is its own longitude or latitude (named as a CSV's lon or lat column, or
        // X or Y; a number or numeric text equal to the coordinate) is dropped, as a CSV's lon and
        // lat columns are: it would go stale once the point moves. Other values are kept.
        // Which coordinate each key names (nil: none), worked out once a key, not once a feature.
        var axes: [String: Bool?] = [:]
        // Features that lost each key, for the warning that says so.
        var dropped: [String: Int] = [:]
        for i in features.indices {
            let point: Coordinate
            switch features[i].geometry {
            case let .point(c)?: point = c
            case let .multiPoint(cs)? where cs.count == 1: point = cs[0]
            default: continue
            }
            let pairs = features[i].properties.pairs
            let kept = pairs.filter { pair in
                if axes[pair.key] == nil { axes[pair.key] = .some(coordinateAxis(pair.key)) }
                guard let isLongitude = axes[pair.key]! else { return true }
                if isEcho(pair.value, of: isLongitude ? point.lon : point.lat) {
                    dropped[pair.key, default: 0] += 1
                    return false
                }
                return true
            }
            if kept.count != pairs.count { features[i].properties = JSONObject(kept) }
        }
        if !dropped.isEmpty {
            let keys = dropped.keys.sorted().map { "\($0) (\(dropped[$0]!) feature\(dropped[$0]! == 1 ? "" : "s"))" }
            incoming.features.issues.append(GeoJSONIssue(.warning, "dropped the propert\(keys.count == 1 ? "y" : "ies") \(keys.joined(separator: ", ")) that repeat each point's own longitude or latitude (a spreadsheet's coordinate columns, as ogr2ogr keeps them): the point's geometry keeps its place"))
        }
        for i in features.indices where features[i].properties["id"] == nil {
            if let id = features[i].id {
                features[i].properties["id"] = id.jsonValue
            } else if let adcode = features[i].properties["adcode"], adcode.numberValue != nil || adcode.stringValue != nil {
                features[i].properties["id"] = .string(adcode.stringValue ?? adcode.numberText!)
            }
        }
        if incoming.layer == .districts {
            for i in features.indices where features[i].properties["kind"] == nil {
                if let name = features[i].properties["name"]?.stringValue {
                    if name.hasSuffix("县") { features[i].properties["kind"] = .string(DivisionKind.county.rawValue) }
                    else if name.hasSuffix("区") { features[i].properties["kind"] = .string(DivisionKind.district.rawValue) }
                }
            }
        }
        incoming.features.features = features
    }

    /// The coordinate a property named `key` would hold as a CSV column: true for a longitude
    /// (`lon`, `lng`, `经度` ... or `X`), false for a latitude (`lat`, `纬度` ... or `Y`), nil for
    /// neither.
    static func coordinateAxis(_ key: String) -> Bool? {
        switch CSVColumn(header: key) {
        case .lon?: return true
        case .lat?: return false
        default:
            switch CSVColumn.normalizedHeader(key) {
            case "x": return true
            case "y": return false
            default: return nil
            }
        }
    }

    /// Whether `value` (a number or numeric text) is `coordinate`, to within 1e-7 (1 cm of a degree,
    /// the 7 decimals GeoJSON files usually keep): a spreadsheet's full-precision column beside a
    /// geometry rounded to 7 decimals is still the same coordinate.
    static func isEcho(_ value: JSONValue, of coordinate: Double) -> Bool {
        let number: Double?
        switch value {
        case let .number(n): number = n
        case let .string(s): number = FieldValues.number(s)
        default: number = nil
        }
        guard let number else { return false }
        return abs(number - coordinate) <= 1e-7
    }

    /// Completes the incoming features, checks them as the layer of `source` (its CRS, datum and
    /// districts), and merges them into `existing`'s layer: an id already there is replaced when
    /// `replace` is set and refused otherwise.
    public static func merge(_ incoming: Incoming, into existing: Dataset, source: DatasetSource, replace: Bool) throws(Failure) -> Outcome {
        var incoming = incoming
        complete(&incoming)
        var checkSource = source
        checkSource.inMemory[incoming.layer] = (incoming.file, incoming.features)
        let checked: Dataset
        do {
            checked = try DatasetLoader.load(checkSource, layers: [incoming.layer], usesSeats: false)
        } catch let error as DatasetError {
            throw .invalid(issues: error.issues.filter { $0.file == incoming.file || $0.severity == .error }.map { located($0, incoming) },
                           missingInput: error.missingInput)
        } catch {
            throw .malformed(file: incoming.file, reason: "\(error)")
        }
        let warnings = checked.warnings.filter { $0.file == incoming.file }.map { located($0, incoming) }
        let new = checked.features(of: incoming.layer)
        var merged = existing.features(of: incoming.layer)
        let position = Dictionary(merged.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var replaced = 0
        var clashes: [String] = []
        for item in new {
            if let at = position[item.id] {
                if replace {
                    merged[at] = item
                    replaced += 1
                } else {
                    clashes.append(item.id)
                }
            } else {
                merged.append(item)
            }
        }
        if !clashes.isEmpty { throw .clashes(file: incoming.file, layer: incoming.layer, ids: clashes, warnings: warnings) }
        return Outcome(merged: merged, imported: new.count, replaced: replaced, warnings: warnings)
    }

    /// For a CSV file, names the line instead of the feature index (and, for a duplicate id, the
    /// line of the first row with it); other issues are returned as they are.
    public static func located(_ issue: DatasetIssue, _ incoming: Incoming) -> DatasetIssue {
        guard let lines = incoming.lines, issue.file == incoming.file, let i = issue.featureIndex, i < lines.count else { return issue }
        var copy = issue
        copy.line = lines[i]
        copy.featureIndex = nil
        // A duplicate id names the other row by its line too, not by a feature index a CSV does not show.
        if let range = copy.message.range(of: #"\(also feature [0-9]+\)$"#, options: .regularExpression),
           let first = Int(copy.message[range].dropFirst("(also feature ".count).dropLast()), first < lines.count {
            copy.message.replaceSubrange(range, with: "(also line \(lines[first]))")
        }
        return copy
    }
}
