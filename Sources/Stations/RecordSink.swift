import Geo

/// A layer's value for one feature (a district, a station, a demand point): what a layer's
/// features are turned into, with the feature's position and id.
protocol LoadedRecord: Sendable {
    /// The feature's id as a planner sees it (`GeoJSONFeature.displayID`, which is what
    /// `Properties.requireID` gives): the duplicate check compares these.
    var id: String { get }
    /// The feature's position in its layer.
    var featureIndex: Int { get set }
    /// A record that owns no memory (no string or array of its own), left in the slots a sink's
    /// records were moved out of (`RecordSink.append`); nil for a type without one, whose records
    /// are copied instead.
    static var vacant: Self? { get }
}

extension LoadedRecord {
    static var vacant: Self? { nil }
}

/// A record at a point: its WGS84 location and, once the layer is projected
/// (`LoadRun.project`), the same point in the dataset's metric CRS.
protocol LocatedRecord: LoadedRecord {
    var location: Coordinate { get }
    var projected: Coordinate { get set }
}

extension District: LoadedRecord {}
extension Station: LocatedRecord {}
extension ParkingZone: LoadedRecord {}
extension CommercialArea: LoadedRecord {}
extension DemandPoint: LocatedRecord {
    /// An empty id is held inline and an empty object's members are the shared empty array.
    static var vacant: DemandPoint? {
        DemandPoint(id: "", weight: 0, location: Coordinate(lon: 0, lat: 0), projected: Coordinate(lon: 0, lat: 0),
                    featureIndex: 0, properties: JSONObject())
    }
}
extension Candidate: LocatedRecord {}

/// Turns each feature into a record as soon as it is read (`GeoJSONReader.read(buffer:into:)`),
/// so that a big layer's features never exist all at once: a demand layer of ten million points
/// is some 2 GB as features and under 1 GB as demand points. The reader fills one sink on each of its
/// threads; `append` joins them. What is wrong is recorded as the loader's issues, feature by
/// feature in the layer's order; a feature with an error gives no record. Duplicate ids, which
/// need every feature before them, are found by `finished()` once the layer is read.
struct RecordSink<Record: LoadedRecord>: GeoJSONFeatureSink {
    /// The layer's file, for the issues.
    let file: String
    /// The datum the layer's coordinates are in, converted to WGS84 before `convert` (a layer
    /// replaced from a file in GCJ-02 or BD-09); nil for WGS84.
    let datum: MapDatum?
    /// The layer's reading of one feature (`LoadRun.parse`).
    let convert: @Sendable (inout LoadRun.Properties) -> Record?

    private(set) var count = 0
    private(set) var records: [Record] = []
    /// What is wrong with the features, in their order.
    private(set) var issues: [DatasetIssue] = []
    /// The ids of the features that gave no record, with their positions, for the duplicate check.
    private var unrecorded: [(index: Int, id: String)] = []

    init(file: String, datum: MapDatum? = nil, convert: @escaping @Sendable (inout LoadRun.Properties) -> Record?) {
        self.file = file
        self.datum = datum == .wgs84 ? nil : datum
        self.convert = convert
    }

    // Called through the reader's generic code (another module), which cannot specialize it: the
    // demand layer's version is made here, so that its millions of calls look up no type metadata.
    // The body is apart so that the generic entry holds no value of a generic type (whose
    // metadata it would look up before jumping to the specialized version).
    @_specialize(where Record == DemandPoint)
    mutating func take(_ feature: consuming GeoJSONFeature, failed: Bool) {
        record(feature, failed: failed)
    }

    private mutating func record(_ feature: consuming GeoJSONFeature, failed: Bool) {
        if let datum {
            feature.geometry = feature.geometry?.mapCoordinates { MapDatum.convert($0, from: datum, to: .wgs84) }
        }
        var p = LoadRun.Properties(feature: feature)
        p.failed = failed
        var value = convert(&p)
        if let id = p.displayID, let control = Self.controlCharacter(in: id) {
            // An id is one line of text that can be typed (--require, --district, import
            // --replace): a newline, tab or NUL in it is a broken export, not an id.
            p.error("the id contains a control character (U+\(String(format: "%04X", control))): an id must be one line of printable text")
        }
        for var issue in p.issues {
            issue.file = file
            issues.append(issue)
        }
        if !p.failed, let record = value.take() {
            records.append(record)
        } else if let id = p.displayID {
            unrecorded.append((p.feature.index, id))
        }
        count += 1
    }

    /// The first control character (C0 or DEL) of `id`, read through one buffer of its bytes
    /// (iterating a string's UTF-8 view byte by byte cost 1 % of loading a demand layer).
    private static func controlCharacter(in id: String) -> UInt8? {
        func first(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8? { bytes.first { $0 < 0x20 || $0 == 0x7F } }
        if let found = id.utf8.withContiguousStorageIfAvailable(first) { return found }
        return id.utf8.first { $0 < 0x20 || $0 == 0x7F }
    }

    /// The records are moved when their type has a vacant value to leave behind (as `FeatureList`
    /// moves features): a copy would retain what each record holds here and release it when
    /// `later` goes. Other types' records are copied.
    @_specialize(where Record == DemandPoint)
    mutating func append(_ later: consuming RecordSink) {
        let base = count
        if let vacant = Record.vacant {
            records.append(movingFrom: &later.records, leaving: vacant) { $0.featureIndex += base }
        } else {
            let start = records.count
            records.append(contentsOf: later.records)
            for i in start..<records.count { records[i].featureIndex += base }
        }
        for var issue in later.issues {
            issue.featureIndex = issue.featureIndex.map { $0 + base }
            issues.append(issue)
        }
        for (index, id) in later.unrecorded { unrecorded.append((index + base, id)) }
        count += later.count
    }

    func emptied() -> RecordSink { RecordSink(file: file, datum: datum, convert: convert) }

    mutating func reserveCapacity(_ count: Int) {
        if count > records.capacity { records.reserveCapacity(count) }
    }

    /// The records and issues once every feature is in: a feature whose id an earlier feature
    /// has is an error ("duplicate id"), its record dropped, its error after its other issues.
    ///
    /// While the ids so far increase strictly (as generated layers' usually do) none can repeat,
    /// and only the last one is kept; from the first id that does not, every id goes into a
    /// table (filled then with those before it), as the first feature of each.
    consuming func finished() -> (records: [Record], issues: [DatasetIssue]) {
        var duplicates: [(index: Int, id: String, first: Int)] = []
        var dropped: [Int] = []  // positions in `records`
        var seen: [String: Int] = [:]
        var increasing = true
        var last: String?
        // Every id in feature order: records and unrecorded features, merged by position.
        var r = 0, u = 0
        while r < records.count || u < unrecorded.count {
            let fromRecords = u == unrecorded.count || (r < records.count && records[r].featureIndex < unrecorded[u].index)
            let (index, id) = fromRecords ? (records[r].featureIndex, records[r].id) : unrecorded[u]
            if increasing {
                if let last, !(last < id) {
                    increasing = false
                    seen.reserveCapacity(records.count + unrecorded.count)
                    for earlier in records[..<r] { seen[earlier.id] = earlier.featureIndex }
                    for earlier in unrecorded[..<u] { seen[earlier.id] = earlier.index }
                } else {
                    last = id
                }
            }
            // One hash lookup for the common case of a new id; a duplicate keeps the first.
            if !increasing, let first = seen.updateValue(index, forKey: id) {
                seen[id] = first
                duplicates.append((index, id, first))
                if fromRecords { dropped.append(r) }
            }
            if fromRecords { r += 1 } else { u += 1 }
        }
        if duplicates.isEmpty { return (records, issues) }
        // The records of duplicates taken out in place (no second array of them).
        var write = 0, next = 0
        for position in records.indices {
            if next < dropped.count, dropped[next] == position {
                next += 1
                continue
            }
            if write != position { records.swapAt(write, position) }
            write += 1
        }
        records.removeLast(records.count - write)
        // Each duplicate's error after the issues of its feature and those before it.
        var merged: [DatasetIssue] = []
        merged.reserveCapacity(issues.count + duplicates.count)
        var d = 0
        for issue in issues {
            if let index = issue.featureIndex {
                while d < duplicates.count, duplicates[d].index < index {
                    merged.append(duplicateIssue(duplicates[d]))
                    d += 1
                }
            }
            merged.append(issue)
        }
        while d < duplicates.count {
            merged.append(duplicateIssue(duplicates[d]))
            d += 1
        }
        return (records, merged)
    }

    private func duplicateIssue(_ duplicate: (index: Int, id: String, first: Int)) -> DatasetIssue {
        DatasetIssue(.error, file: file, featureIndex: duplicate.index, featureID: duplicate.id,
                     "duplicate id \"\(duplicate.id)\" (also feature \(duplicate.first))")
    }
}
