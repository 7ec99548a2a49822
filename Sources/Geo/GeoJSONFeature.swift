/// A GeoJSON feature id: RFC 7946 allows a string or a number.
public enum FeatureID: Hashable, Sendable, CustomStringConvertible {
    /// A string id, for example `"st-luzhou-001"`.
    case string(String)
    /// A numeric id, for example an adcode `140403`.
    case number(Double)
    /// A number beyond ±2^53 as written (a 19-digit id), so that it keeps every digit.
    case bigInteger(String)

    /// The id as text: the string, or the number as JSON writes it (a whole number without `.0`).
    public var description: String {
        switch self {
        case let .string(s): return s
        case let .number(n): return JSONValue.format(number: n)
        case let .bigInteger(text): return text
        }
    }

    /// The id as the JSON value it was read from.
    public var jsonValue: JSONValue {
        switch self {
        case let .string(s): return .string(s)
        case let .number(n): return .number(n)
        case let .bigInteger(text): return .bigInteger(text)
        }
    }
}

/// One feature as read: its position in the file, id, geometry and properties in file order.
public struct GeoJSONFeature: Hashable, Sendable {
    /// 0-based position in the file's feature list.
    public var index: Int
    /// The Feature's top-level `id`, if any.
    public var id: FeatureID?
    /// Nil for `"geometry": null`, and for a geometry that could not be read (an error issue says why).
    public var geometry: Geometry?
    /// The `properties` object, keys in file order (empty when it is `null`).
    public var properties: JSONObject

    /// A feature at position `index` of its layer.
    public init(index: Int, id: FeatureID? = nil, geometry: Geometry?, properties: JSONObject = JSONObject()) {
        self.index = index
        self.id = id
        self.geometry = geometry
        self.properties = properties
    }

    /// The id a planner sees: `properties.id` when present, else the Feature's `id`.
    public var displayID: String? {
        if let p = properties["id"] {
            switch p {
            case let .string(s): return s
            case .number, .bigInteger: return p.numberText
            default: break
            }
        }
        return id?.description
    }
}

/// A problem found while reading, located by feature where it belongs to one.
public struct GeoJSONIssue: Hashable, Sendable, CustomStringConvertible {
    /// How serious an issue is.
    public enum Severity: String, Hashable, Sendable {
        /// `error`: the feature (or document) cannot be used; `warning`: it is used, and the reader says
        /// what it assumed.
        case error, warning
    }

    /// Whether the problem makes the feature unusable.
    public var severity: Severity
    /// 0-based feature index, nil for the document as a whole.
    public var featureIndex: Int?
    /// The feature's id (`properties.id`, else the Feature `id`), when it has one.
    public var featureID: String?
    /// What is wrong, in words a planner can act on.
    public var message: String

    /// An issue of the given severity, located by feature when `featureIndex` is given.
    public init(_ severity: Severity, featureIndex: Int? = nil, featureID: String? = nil, _ message: String) {
        self.severity = severity
        self.featureIndex = featureIndex
        self.featureID = featureID
        self.message = message
    }

    /// "feature 3 (id st-1): message" or just the message.
    public var description: String {
        guard let featureIndex else { return message }
        let id = featureID.map { " (id \($0))" } ?? ""
        return "feature \(featureIndex)\(id): \(message)"
    }
}

/// A GeoJSON document read as a layer of features.
public struct GeoJSONLayer: Sendable {
    /// The features in file order, including those with errors (their geometry may be nil).
    public var features: [GeoJSONFeature]
    /// Every problem found, in file order; errors mean some features are unusable.
    public var issues: [GeoJSONIssue]

    /// True when any issue is an error.
    public var hasErrors: Bool { issues.contains { $0.severity == .error } }

    /// A layer of the given features and issues.
    public init(features: [GeoJSONFeature], issues: [GeoJSONIssue] = []) {
        self.features = features
        self.issues = issues
    }
}

/// A document that cannot be read as a layer at all (not JSON, not GeoJSON).
public struct GeoJSONDocumentError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the document cannot be read, for example "not valid JSON: ...".
    public var message: String
    /// The message.
    public var description: String { message }
    /// An error with the given message.
    public init(message: String) { self.message = message }
}

/// Reads GeoJSON (RFC 7946) as a layer: a FeatureCollection, a single Feature or a bare geometry
/// (one feature without properties). It never stops at the first bad feature: every problem is
/// reported with its feature index and id. What RFC 7946 only recommends (right-hand winding,
/// no nested collections, sensible precision) gives warnings; what it requires gives errors.
///
/// A legacy `crs` member (GeoJSON 2008) is honoured: the coordinates are reprojected from that CRS
/// to WGS84 with PROJ and a warning says so.
public enum GeoJSONReader {
    /// Reads a GeoJSON document from UTF-8 bytes (a leading byte-order mark is allowed).
    ///
    /// - Returns: every feature with its issues; features with errors are kept, marked by their issues.
    /// - Throws: `GeoJSONDocumentError` when the bytes are not JSON, not a GeoJSON object at all, or
    ///   carry a legacy `crs` member that cannot be honoured.
    public static func read(bytes: [UInt8]) throws -> GeoJSONLayer {
        try read(bytes: bytes, fastPath: true)
    }

    /// `read(bytes:)` with its fast path for the features of a FeatureCollection turned on or off.
    /// Both give the same layer, issues and errors; off, every feature goes through the strict
    /// JSON parser's tree (for tests and the fuzz target that compare the two).
    ///
    /// - Parameter twoThreadsFrom: with the fast path on, a document of at least this many bytes
    ///   has the second half of its features read on a second thread (when the machine has two
    ///   cores or more), both halves at once: the same layer, issues and errors as on one thread
    ///   (`GeoJSONSecondPart` says why). Nil reads on one thread whatever the size; 0 splits every
    ///   document (for tests).
    public static func read(bytes: [UInt8], fastPath: Bool, twoThreadsFrom: Int? = GeoJSONReader.twoThreadBytes) throws -> GeoJSONLayer {
        try readCounting(bytes: bytes, fastPath: fastPath, twoThreadsFrom: twoThreadsFrom).layer
    }

    /// `read(bytes:)` over bytes held elsewhere (a file mapped into memory), read in place: the
    /// buffer must stay valid and unchanged until the call returns.
    public static func read(buffer: UnsafeBufferPointer<UInt8>, fastPath: Bool = true,
                            twoThreadsFrom: Int? = GeoJSONReader.twoThreadBytes) throws -> GeoJSONLayer {
        try readCounting(buffer: buffer, fastPath: fastPath, twoThreadsFrom: twoThreadsFrom).layer
    }

    /// `read(bytes:fastPath:twoThreadsFrom:)`, with the number of features the second thread read
    /// and handed over (0 when there was none, or its work was dropped).
    static func readCounting(bytes: [UInt8], fastPath: Bool, twoThreadsFrom: Int?) throws -> (layer: GeoJSONLayer, secondThread: Int) {
        try bytes.withUnsafeBufferPointer { try readCounting(buffer: $0, fastPath: fastPath, twoThreadsFrom: twoThreadsFrom) }
    }

    static func readCounting(buffer: UnsafeBufferPointer<UInt8>, fastPath: Bool, twoThreadsFrom: Int?) throws -> (layer: GeoJSONLayer, secondThread: Int) {
        var list = FeatureList()
        let parsed = try parse(buffer: buffer, fastPath: fastPath, twoThreadsFrom: twoThreadsFrom, into: &list)
        // The features' only reference goes to the layer: a legacy crs then reprojects them in
        // place, without a copy of the array.
        var features: [GeoJSONFeature]? = nil
        if parsed.didStream {
            var taken: [GeoJSONFeature] = []
            swap(&taken, &list.features)
            features = taken
        }
        return (try layer(parsed, features: consume features), parsed.handedOver)
    }

    /// Reads a GeoJSON document as `read(buffer:)` does, but hands the features to `sink` (empty)
    /// as they are read instead of keeping them: a caller that turns each feature into a value of
    /// its own never holds the whole layer. The features, their positions, the `failed` flags and
    /// the issues are those of `read(buffer:)`'s layer, in the same order, on one thread or two.
    /// A document whose features cannot be handed over as read (a single Feature or geometry, or
    /// a legacy `crs` member naming a projected CRS, which moves every coordinate once the
    /// document is read) is read as a layer first and its features then handed over. The sink may
    /// also be given features that are then dropped with it, on either thread: those read before
    /// such a document turns out to be one, those of a `features` member given twice but the last,
    /// those the second thread read from a wrong guess (`GeoJSONSecondPart`).
    ///
    /// - Returns: the issues of the document and its features, and the sink holding the features.
    /// - Throws: what `read(buffer:)` throws.
    public static func read<Sink: GeoJSONFeatureSink>(buffer: UnsafeBufferPointer<UInt8>, into sink: Sink, fastPath: Bool = true,
                                                     twoThreadsFrom: Int? = GeoJSONReader.twoThreadBytes) throws -> (issues: [GeoJSONIssue], sink: Sink) {
        var filled = sink
        let parsed = try parse(buffer: buffer, fastPath: fastPath, twoThreadsFrom: twoThreadsFrom, into: &filled)
        var layer: GeoJSONLayer
        if parsed.didStream, parsed.root["type"] == .string("FeatureCollection") {
            var issues = parsed.duplicateKeys
            // The document's own checks (its type, bbox and features member), over no features,
            // then its legacy crs, as `layer` makes them.
            _ = try read(root: parsed.root, issues: &issues, features: [])
            let legacy = try legacyCRS(of: parsed.root)
            if legacy == nil || legacy?.crs == .wgs84 {
                issues.append(contentsOf: parsed.issues)
                if let legacy { issues.append(wgs84Warning(legacy.name)) }
                return (summarisingPrecision(issues), filled)
            }
            // A projected CRS: the features handed over are dropped, the document read again.
            filled = sink.emptied()
            layer = try readCounting(buffer: buffer, fastPath: fastPath, twoThreadsFrom: twoThreadsFrom).layer
        } else {
            layer = try self.layer(parsed, features: nil)
        }
        var fed = sink.emptied()
        layer.handOver(to: &fed)
        return (layer.issues, fed)
    }

    /// `read(buffer:into:)` over bytes in an array.
    public static func read<Sink: GeoJSONFeatureSink>(bytes: [UInt8], into sink: Sink, fastPath: Bool = true,
                                                     twoThreadsFrom: Int? = GeoJSONReader.twoThreadBytes) throws -> (issues: [GeoJSONIssue], sink: Sink) {
        try bytes.withUnsafeBufferPointer { try read(buffer: $0, into: sink, fastPath: fastPath, twoThreadsFrom: twoThreadsFrom) }
    }

    /// A document parsed with the features of a FeatureCollection handed to a sink. (Not generic
    /// over the sink: a generic struct's layout is worked out at run time, which valgrind flags.)
    struct StreamedParse {
        /// The document, with an empty array in place of the features handed over.
        var root: JSONValue
        /// Warnings for keys given twice, in the document's order.
        var duplicateKeys: [GeoJSONIssue]
        /// Whether the root's (last) "features" member was an array handed to `sink`.
        var didStream: Bool
        /// The issues of the features handed over, in their order.
        var issues: [GeoJSONIssue]
        /// How many of them the second thread read (0 when there was none, or its work was dropped).
        var handedOver: Int
    }

    /// The features handed over so far while a document is parsed, with their issues.
    final class StreamedFeatures<Sink: GeoJSONFeatureSink> {
        // Accessed in place for every feature (`inout`): unchecked, each access would register
        // with the runtime's exclusivity checks (some 3 % of loading a point layer). The reader
        // never has two accesses to one of them overlap.
        @exclusivity(unchecked) var sink: Sink
        @exclusivity(unchecked) var issues: [GeoJSONIssue] = []
        /// The offset of the first feature read by the fast path, -1 before it.
        @exclusivity(unchecked) var firstOffset = -1
        /// The second thread's part while it runs (read for every feature, until it is taken).
        @exclusivity(unchecked) var second: GeoJSONSecondPart<Sink>?
        init(_ sink: Sink) { self.sink = sink }
    }

    /// The fast reader that `parse` reuses for every feature, held in a class for the same reason
    /// as `StreamedFeatures`' properties: as a `var` captured by the closure that reads each
    /// feature, its every in-place use would register with the runtime's exclusivity checks.
    final class FastReader {
        @exclusivity(unchecked) var reader: GeoJSONFastFeature
        init(_ reader: GeoJSONFastFeature) { self.reader = reader }
    }

    /// The layer of a parsed document, with a legacy `crs` honoured: `features` are the features
    /// the parse handed over (used when the root is a FeatureCollection), nil when the root holds
    /// them.
    static func layer(_ parsed: StreamedParse, features: consuming [GeoJSONFeature]?) throws -> GeoJSONLayer {
        var issues = parsed.duplicateKeys
        var layer: GeoJSONLayer
        if features != nil, parsed.root["type"] == .string("FeatureCollection") {
            layer = try read(root: parsed.root, issues: &issues, features: consume features)
            layer.issues.append(contentsOf: parsed.issues)
        } else {
            layer = try read(root: parsed.root, issues: &issues)
        }
        try reprojectLegacyCRS(root: parsed.root, layer: &layer)
        layer.issues = summarisingPrecision(layer.issues)
        return layer
    }

    /// Parses the document; the elements of the root's "features" array go to `sink` (empty) as
    /// they are read, each element's JSON tree freed at once (used as features only if the root
    /// turns out to be a FeatureCollection).
    static func parse<Sink: GeoJSONFeatureSink>(buffer: UnsafeBufferPointer<UInt8>, fastPath: Bool, twoThreadsFrom: Int?,
                                               into sink: inout Sink) throws -> StreamedParse {
        var parser = JSONParser(borrowing: buffer)
        var handedOver = 0
        let streamed = StreamedFeatures(sink)
        parser.streamedArray = JSONParser.StreamedArray(
            key: "features",
            start: {
                streamed.sink = streamed.sink.emptied()
                streamed.issues = []
                streamed.firstOffset = -1
            },
            element: { value in
                let before = streamed.issues.count
                let feature = readFeature(value, index: streamed.sink.count, issues: &streamed.issues)
                let failed = streamed.issues[before...].contains { $0.severity == .error }
                streamed.sink.take(feature, failed: failed)
            }
        )
        // The fast path reads the bytes through one buffer pointer for the whole parse (not the
        // array handed over, and a pointer taken, for each feature).
        let root: JSONValue = try { () throws -> JSONValue in
            if fastPath {
                if let minimum = twoThreadsFrom, buffer.count >= minimum, GeoJSONSplit.hasSecondCore,
                   let start = GeoJSONSplit.guessStart(in: buffer) {
                    streamed.second = GeoJSONSecondPart.started(bytes: buffer, start: start, sink: streamed.sink.emptied())
                }
                let fast = FastReader(GeoJSONFastFeature(bytes: buffer, index: 0))
                parser.streamedArray?.fast = { offset in
                    if let part = streamed.second, offset >= part.start {
                        streamed.second = nil
                        if offset == part.start {
                            // The guess was right: an element of the features array starts there.
                            let (count, end) = part.finish(appendingTo: &streamed.sink, issues: &streamed.issues)
                            if count > 0 {
                                handedOver = count
                                return end
                            }
                        } else {
                            part.cancel()
                        }
                    }
                    guard offset < buffer.count, buffer[offset] == UInt8(ascii: "{") else { return nil }
                    fast.reader.index = offset
                    if streamed.firstOffset < 0 { streamed.firstOffset = offset }
                    if Sink.count(inPlace: &streamed.sink) == GeoJSONReader.sampleCount, streamed.firstOffset >= 0, offset > streamed.firstOffset {
                        reserve(&streamed.sink, sampled: offset - streamed.firstOffset, from: streamed.firstOffset, of: buffer.count)
                    }
                    do {
                        try fast.reader.readFeature(into: &streamed.sink, issues: &streamed.issues)
                    } catch {
                        return nil
                    }
                    return fast.reader.index
                }
            }
            // The pointer is not kept past this closure, nor is the thread reading through it.
            defer {
                parser.streamedArray?.fast = nil
                streamed.second?.cancel()
                streamed.second = nil
            }
            do {
                return try parser.parseDocument()
            } catch let error as JSONParseError {
                throw GeoJSONDocumentError(message: "not valid JSON: \(error)")
            }
        }()
        parser.streamedArray = nil
        let duplicateKeys = parser.duplicateKeys.map {
            GeoJSONIssue(.warning, "duplicate JSON key \"\($0.key)\" on line \($0.line): the last value is used")
        }
        // The features to the caller's sink, which then holds their only reference.
        swap(&sink, &streamed.sink)
        return StreamedParse(root: root, duplicateKeys: duplicateKeys, didStream: parser.didStreamArray, issues: streamed.issues,
                             handedOver: handedOver)
    }

    /// Reads a GeoJSON document from a string; see `read(bytes:)`.
    public static func read(text: String) throws -> GeoJSONLayer { try read(bytes: Array(text.utf8)) }

    /// The size from which `read(bytes:)` reads a FeatureCollection's features on two threads:
    /// 4 MiB, some 30,000 point features, where the features take tens of milliseconds to read and
    /// a thread's start (tens of microseconds) is lost in them.
    public static let twoThreadBytes = 4 << 20

    /// How many features are read before their array is given room for the rest.
    static let sampleCount = 256

    /// Room for as many more features as the rest of the bytes would hold at the size a feature had
    /// so far (`sampledBytes` over `sink.count`), and a tenth more: a big layer then grows its
    /// array once or not at all instead of doubling (and copying) some twenty times. Never more
    /// than one feature per 40 bytes (a feature is at least that long).
    static func reserve<Sink: GeoJSONFeatureSink>(_ sink: inout Sink, sampled sampledBytes: Int, from firstOffset: Int, of byteCount: Int) {
        guard sink.count > 0, sampledBytes > 0 else { return }
        let perFeature = Double(sampledBytes) / Double(sink.count)
        let estimate = Double(byteCount - firstOffset) / perFeature * 1.1
        sink.reserveCapacity(min(Int(estimate.rounded(.up)) + 16, byteCount / 40))
    }

    /// - Parameter features: the features, already read while parsing (the root's "features" is
    ///   then an empty placeholder).
    static func read(root: JSONValue, issues: inout [GeoJSONIssue], features streamedFeatures: [GeoJSONFeature]? = nil) throws -> GeoJSONLayer {
        guard case let .object(o) = root else {
            throw GeoJSONDocumentError(message: "a GeoJSON document must be a JSON object, not \(root.typeName)")
        }
        guard let typeValue = o["type"] else { throw GeoJSONDocumentError(message: "the document has no \"type\" member") }
        guard case let .string(type) = typeValue else {
            throw GeoJSONDocumentError(message: "the document's \"type\" must be a string, not \(typeValue.typeName)")
        }
        if let problem = bboxProblem(o["bbox"]) { throw GeoJSONDocumentError(message: "the document's \(problem)") }
        switch type {
        case "FeatureCollection":
            guard let list = o["features"] else {
                throw GeoJSONDocumentError(message: "a FeatureCollection needs a \"features\" array")
            }
            guard case let .array(items) = list else {
                throw GeoJSONDocumentError(message: "\"features\" must be an array, not \(list.typeName)")
            }
            if let streamedFeatures { return GeoJSONLayer(features: streamedFeatures, issues: issues) }
            var features: [GeoJSONFeature] = []
            features.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                features.append(readFeature(item, index: i, issues: &issues))
            }
            return GeoJSONLayer(features: features, issues: issues)
        case "Feature":
            let feature = readFeature(root, index: 0, issues: &issues)
            return GeoJSONLayer(features: [feature], issues: issues)
        default:
            var notes = GeoJSONGeometryNotes()
            do {
                let g = try Geometry(geoJSON: root, notes: &notes)
                add(notes, index: 0, id: nil, to: &issues)
                return GeoJSONLayer(features: [GeoJSONFeature(index: 0, geometry: g)], issues: issues)
            } catch let error as GeoError {
                if case .invalidInput = error, !["Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"].contains(type) {
                    throw GeoJSONDocumentError(message: "unknown GeoJSON type \"\(type)\" (expected FeatureCollection, Feature or a geometry)")
                }
                throw GeoJSONDocumentError(message: "\(error)")
            }
        }
    }

    static func readFeature(_ value: JSONValue, index: Int, issues: inout [GeoJSONIssue]) -> GeoJSONFeature {
        var feature = GeoJSONFeature(index: index, geometry: nil)
        guard case let .object(o) = value else {
            issues.append(GeoJSONIssue(.error, featureIndex: index, "a feature must be a JSON object, not \(value.typeName)"))
            return feature
        }
        func error(_ message: String) {
            issues.append(GeoJSONIssue(.error, featureIndex: index, featureID: feature.displayID, message))
        }
        if case let .object(p)? = o["properties"] { feature.properties = p }
        switch o["id"] {
        case nil, .null?: break
        case let .string(s)?: feature.id = .string(s)
        case let .number(n)?: feature.id = .number(n)
        case let .bigInteger(text)?: feature.id = .bigInteger(text)
        case let other?: error("a feature \"id\" must be a string or a number, not \(other.typeName)")
        }
        switch o["type"] {
        case .string("Feature")?: break
        case let .string(t)?: error("\"type\" is \"\(t)\" where \"Feature\" was expected")
        case nil: error("the feature has no \"type\": \"Feature\"")
        case let other?: error("\"type\" must be the string \"Feature\", not \(other.typeName)")
        }
        switch o["properties"] {
        case nil: error("the feature has no \"properties\" member (use null or {})")
        case .null?, .object?: break
        case let other?: error("\"properties\" must be an object or null, not \(other.typeName)")
        }
        if let problem = bboxProblem(o["bbox"]) { error(problem) }
        guard let geometryValue = o["geometry"] else {
            error("the feature has no \"geometry\" member (use null for none)")
            return feature
        }
        if geometryValue.isNull { return feature }
        var notes = GeoJSONGeometryNotes()
        do {
            feature.geometry = try Geometry(geoJSON: geometryValue, notes: &notes)
            if let problem = bboxProblem(geometryValue["bbox"]) { error("geometry \(problem)") }
            add(notes, index: index, id: feature.displayID, to: &issues)
        } catch {
            issues.append(GeoJSONIssue(.error, featureIndex: index, featureID: feature.displayID, "\(error)"))
        }
        return feature
    }

    static func add(_ notes: GeoJSONGeometryNotes, index: Int, id: String?, to issues: inout [GeoJSONIssue]) {
        if notes.droppedZ {
            issues.append(GeoJSONIssue(.warning, featureIndex: index, featureID: id, "Z values dropped: Nuanxin works in 2D"))
        }
        if notes.nestedCollection {
            issues.append(GeoJSONIssue(.warning, featureIndex: index, featureID: id, "nested GeometryCollection (RFC 7946 §3.1.8 advises against it)"))
        }
        if notes.leftHandedRing {
            issues.append(GeoJSONIssue(.warning, featureIndex: index, featureID: id, "polygon ring winding does not follow the right-hand rule (RFC 7946 §3.1.6); read as is, written right-handed"))
        }
        if notes.excessivePrecision {
            issues.append(GeoJSONIssue(.warning, featureIndex: index, featureID: id, precisionMessage))
        }
    }

    /// RFC 7946 §5: a bbox is an array of 2n numbers, n the number of dimensions (2 or 3).
    static func bboxProblem(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        guard case let .array(items) = value else { return "\"bbox\" must be an array of numbers, not \(value.typeName)" }
        guard items.count == 4 || items.count == 6 else { return "\"bbox\" must have 4 or 6 numbers, found \(items.count)" }
        guard items.allSatisfy({ $0.numberValue != nil }) else { return "\"bbox\" must contain only numbers" }
        return nil
    }

    /// The CRS a document's legacy `crs` member names, with the name; nil when there is none (or
    /// it is null). Throws when it names none this reader knows.
    static func legacyCRS(of root: JSONValue) throws -> (crs: CRS, name: String)? {
        guard let crsValue = root["crs"], !crsValue.isNull else { return nil }
        guard let name = crsValue["properties"]?["name"]?.stringValue else {
            throw GeoJSONDocumentError(message: "the legacy \"crs\" member has no properties.name; only named CRSs are supported")
        }
        guard let crs = legacyCRS(name) else {
            throw GeoJSONDocumentError(message: "the legacy \"crs\" member names \"\(name)\", which is not an EPSG or OGC CRS name")
        }
        return (crs, name)
    }

    /// The warning for a legacy `crs` member that names WGS84 (ogr2ogr writes one unless told
    /// RFC7946=YES): the coordinates are read as they are.
    static func wgs84Warning(_ name: String) -> GeoJSONIssue {
        GeoJSONIssue(.warning, "legacy \"crs\" member (\(name)) read as WGS84 longitude/latitude; RFC 7946 removed it")
    }

    /// Honours a legacy `crs` member by reprojecting every geometry to WGS84.
    static func reprojectLegacyCRS(root: JSONValue, layer: inout GeoJSONLayer) throws {
        guard let (crs, name) = try legacyCRS(of: root) else { return }
        if crs == .wgs84 {
            layer.issues.append(wgs84Warning(name))
            return
        }
        let transformer: CoordinateTransformer
        do {
            transformer = try CoordinateTransformer(from: crs, to: .wgs84)
        } catch {
            throw GeoJSONDocumentError(message: "the legacy \"crs\" member names \(name): \(error)")
        }
        for i in layer.features.indices {
            guard let g = layer.features[i].geometry else { continue }
            do {
                layer.features[i].geometry = try transformer.transform(g)
            } catch {
                layer.issues.append(GeoJSONIssue(.error, featureIndex: i, featureID: layer.features[i].displayID, "cannot reproject from \(name): \(error)"))
                layer.features[i].geometry = nil
            }
        }
        layer.issues.append(GeoJSONIssue(.warning, "legacy \"crs\" member: coordinates reprojected from \(crs) to WGS84"))
    }

    /// EPSG:4326 and OGC CRS84 are lon/lat here (GeoJSON is always x/y); other EPSG codes reproject.
    static func legacyCRS(_ name: String) -> CRS? {
        let upper = name.uppercased()
        if upper.hasSuffix("CRS84") || upper == "EPSG:4326" || upper.hasSuffix("EPSG::4326") { return .wgs84 }
        if let range = upper.range(of: "EPSG::") ?? upper.range(of: "EPSG:") {
            let code = upper[range.upperBound...]
            if let n = Int(code) { return .epsg(n) }
        }
        return nil
    }
}

extension GeoJSONLayer {
    /// Checks every polygon with GEOS. Invalid ones are errors carrying GEOS's reason and location,
    /// unless `repair` is set: then GEOS's make-valid replaces them and a warning says so.
    public mutating func checkPolygonValidity(repair: Bool) {
        for i in features.indices {
            guard let g = features[i].geometry, !g.polygons.isEmpty || g.typeName == "GeometryCollection" else { continue }
            let id = features[i].displayID
            do {
                let report = try g.validity()
                guard !report.isValid else { continue }
                if repair {
                    features[i].geometry = try g.makeValid()
                    issues.append(GeoJSONIssue(.warning, featureIndex: i, featureID: id, "invalid polygon (\(report.description)) repaired with GEOS make-valid"))
                } else {
                    issues.append(GeoJSONIssue(.error, featureIndex: i, featureID: id, "invalid polygon: \(report.description) (GEOS); fix it or pass --make-valid"))
                }
            } catch {
                issues.append(GeoJSONIssue(.error, featureIndex: i, featureID: id, "invalid polygon: \(error)"))
            }
        }
    }
}
