import Foundation
import Geo
#if canImport(Glibc)
import Glibc
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { Glibc.read(fd, buffer, count) }
#elseif canImport(Darwin)
import Darwin
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { Darwin.read(fd, buffer, count) }
#endif

/// Where a dataset comes from: a folder, plus per-layer replacement files and manifest overrides
/// (SPEC.md: `--districts FILE` ... `--crs`, `--radius`, `--input-crs`).
public struct DatasetSource: Sendable {
    public var folder: String
    public var overrides: [Layer: String]
    public var crs: CRS?
    public var radiusM: Double?
    /// The datum of the replacement files (the dataset's own files are always WGS84).
    public var inputDatum: MapDatum
    /// Repair invalid polygons with GEOS make-valid instead of refusing them.
    public var makeValid: Bool
    /// Layers given in memory (already read, e.g. converted from CSV by `import`), named for
    /// messages by their file. They replace the folder's file and count as replacement files.
    public var inMemory: [Layer: (file: String, layer: GeoJSONLayer)] = [:]

    public init(folder: String, overrides: [Layer: String] = [:], crs: CRS? = nil, radiusM: Double? = nil, inputDatum: MapDatum = .wgs84, makeValid: Bool = false) {
        self.folder = folder
        self.overrides = overrides
        self.crs = crs
        self.radiusM = radiusM
        self.inputDatum = inputDatum
        self.makeValid = makeValid
    }

    /// The path of a layer's file: the replacement when given, else the file in the folder.
    public func path(of layer: Layer) -> String {
        inMemory[layer]?.file ?? overrides[layer] ?? (folder as NSString).appendingPathComponent(layer.fileName)
    }

    /// Whether a layer comes from the command line rather than the dataset folder.
    public func isReplaced(_ layer: Layer) -> Bool { overrides[layer] != nil || inMemory[layer] != nil }

    public var manifestPath: String { (folder as NSString).appendingPathComponent("dataset.json") }
}

/// Loads and validates a dataset. Every problem of every file is collected in one run; loading
/// fails (throws `DatasetError`) when any of them is an error.
public enum DatasetLoader {
    public static func load(_ source: DatasetSource, layers: Set<Layer> = Set(Layer.allCases)) throws -> Dataset {
        var run = LoadRun(source: source)
        let dataset = run.load(layers: layers)
        if run.issues.contains(where: { $0.severity == .error }) || dataset == nil {
            throw DatasetError(issues: run.issues, missingInput: run.missingInput)
        }
        return dataset!
    }

    /// Every problem in the dataset (errors and warnings), without stopping at the first.
    public static func validate(_ source: DatasetSource) -> (issues: [DatasetIssue], missingInput: Bool) {
        var run = LoadRun(source: source)
        _ = run.load(layers: Set(Layer.allCases))
        return (run.issues, run.missingInput)
    }

    /// Reads and validates the manifest alone.
    public static func manifest(_ source: DatasetSource) throws -> Manifest {
        var run = LoadRun(source: source)
        guard let m = run.readManifest(), !run.issues.contains(where: { $0.severity == .error }) else {
            throw DatasetError(issues: run.issues, missingInput: run.missingInput)
        }
        return m
    }
}

/// Reads a file's bytes, turning "missing", "a directory" and "unreadable" into messages.
public enum InputFile {
    public enum Failure: Error, CustomStringConvertible {
        case missing(String), directory(String), unreadable(String, String)

        /// What is wrong, without the path.
        public var reason: String {
            switch self {
            case .missing: return "no such file"
            case .directory: return "is a directory, not a file"
            case let .unreadable(_, why): return "cannot read: \(why)"
            }
        }

        public var path: String {
            switch self {
            case let .missing(p), let .directory(p), let .unreadable(p, _): return p
            }
        }

        public var description: String { "\(path): \(reason)" }
    }

    /// Opens a file for reading, or says why it cannot be.
    public static func open(_ path: String) throws -> FileHandle {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw Failure.missing(path) }
        if isDirectory.boolValue { throw Failure.directory(path) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure.unreadable(path, "permission denied") }
        return handle
    }

    /// The whole file, read straight into one array of its size (no intermediate `Data` copy, so
    /// a big layer is in memory once).
    public static func read(_ path: String) throws -> [UInt8] {
        let handle = try open(path)
        defer { try? handle.close() }
        let fd = handle.fileDescriptor
        var info = stat()
        let expected = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        var bytes = [UInt8]()
        // One byte more than the size, so that reaching the end needs no second allocation.
        bytes.reserveCapacity(expected + 1)
        var chunk = max(expected + 1, 1 << 16)
        while true {
            var failure: Int32 = 0
            var done = false
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: max(chunk, bytes.capacity - start)))
            let got = bytes.withUnsafeMutableBufferPointer { buffer -> Int in
                var filled = start
                while filled < buffer.count {
                    let n = systemRead(fd, buffer.baseAddress! + filled, buffer.count - filled)
                    if n > 0 {
                        filled += n
                    } else if n == 0 {
                        done = true
                        break
                    } else if errno != EINTR {
                        failure = errno
                        break
                    }
                }
                return filled
            }
            bytes.removeSubrange(got...)
            if failure != 0 { throw Failure.unreadable(path, String(cString: strerror(failure))) }
            if done { return bytes }
            chunk = max(bytes.count, 1 << 16)
        }
    }
}

/// One loading pass, accumulating issues.
struct LoadRun {
    let source: DatasetSource
    var issues: [DatasetIssue] = []
    var missingInput = false

    init(source: DatasetSource) {
        self.source = source
    }

    mutating func load(layers: Set<Layer>) -> Dataset? {
        guard let manifest = readManifest() else { return nil }
        let transformer: CoordinateTransformer
        do {
            transformer = try CoordinateTransformer.shared(from: .wgs84, to: manifest.crs)
        } catch {
            issues.append(DatasetIssue(.error, file: source.manifestPath, "crs \(manifest.crs): \(error)"))
            return nil
        }
        var districts: [District] = []
        var stations: [Station] = []
        var parking: [ParkingZone] = []
        var areas: [CommercialArea] = []
        var demand: [DemandPoint] = []
        var candidates: [Candidate] = []
        var hasCandidates = false

        // Districts first: the point layers are checked against them (swapped lon/lat, outside).
        if layers.contains(.districts) || !layers.isDisjoint(with: [.stations, .demand, .candidates]) {
            if let layer = readLayer(.districts) { districts = parseDistricts(layer, transformer) }
        }
        // Cross-layer checks against a districts layer that has errors would only add noise.
        let districtsOK = !issues.contains { $0.severity == .error && $0.file == path(.districts) }
        let districtIndex = districtsOK ? try? PolygonIndex(districts.map(\.geometry)) : nil
        if layers.contains(.stations), let layer = readLayer(.stations) {
            stations = parseStations(layer, transformer, manifest)
            checkPoints(stations.lazy.map { ($0.location, $0.featureIndex, $0.id) }, layer: .stations, districts: districts, index: districtIndex, outsideIsWarning: true)
            let ids = Set(districts.map(\.id))
            for s in stations {
                if let d = s.district, districtsOK, !districts.isEmpty, !ids.contains(d) {
                    issues.append(DatasetIssue(.warning, file: path(.stations), featureIndex: s.featureIndex, featureID: s.id, "district \"\(d)\" is not an id in the districts layer"))
                }
            }
        }
        if layers.contains(.parking), let layer = readLayer(.parking) { parking = parseParking(layer, transformer) }
        if layers.contains(.areas), let layer = readLayer(.areas) { areas = parseAreas(layer, transformer) }
        if layers.contains(.demand), let layer = readLayer(.demand) {
            demand = parseDemand(layer, transformer)
            checkPoints(demand.lazy.map { ($0.location, $0.featureIndex, $0.id) }, layer: .demand, districts: districts, index: districtIndex, outsideIsWarning: true)
        }
        if layers.contains(.candidates) {
            let exists = FileManager.default.fileExists(atPath: path(.candidates))
            if exists || source.isReplaced(.candidates), let layer = readLayer(.candidates) {
                hasCandidates = true
                candidates = parseCandidates(layer, transformer)
                checkPoints(candidates.lazy.map { ($0.location, $0.featureIndex, $0.id) }, layer: .candidates, districts: districts, index: districtIndex, outsideIsWarning: true)
            }
        }
        return Dataset(manifest: manifest, districts: districts,
                       stations: stations, parkingZones: parking, commercialAreas: areas, demand: demand,
                       candidates: candidates, hasCandidates: hasCandidates,
                       warnings: issues.filter { $0.severity == .warning })
    }

    func path(_ layer: Layer) -> String { source.path(of: layer) }

    // MARK: Manifest

    mutating func readManifest() -> Manifest? {
        let file = source.manifestPath
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(file)
        } catch {
            // Without a manifest a dataset can still be given entirely by flags.
            if source.crs != nil, source.radiusM != nil {
                return Manifest(name: "(from flags)", crs: source.crs!, radiusM: source.radiusM!, defaultSeats: 8)
            }
            missingInput = true
            issues.append(DatasetIssue(.error, file: file, "\((error as? InputFile.Failure)?.reason ?? "\(error)") (a dataset folder needs dataset.json; see --data)"))
            return nil
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            issues.append(DatasetIssue(.error, file: file, "not valid JSON: \(error)"))
            return nil
        }
        guard case let .object(o) = value else {
            issues.append(DatasetIssue(.error, file: file, "the manifest must be a JSON object"))
            return nil
        }
        var ok = true
        func fail(_ message: String) {
            issues.append(DatasetIssue(.error, file: file, message))
            ok = false
        }
        let name = o["name"]?.stringValue ?? { fail("\"name\" (a string) is required"); return "" }()
        var crs = CRS("")
        if let c = o["crs"]?.stringValue { crs = CRS(c) } else if source.crs == nil { fail("\"crs\" (a metric CRS such as \"EPSG:4547\") is required") }
        var radius = 0.0
        if let r = o["radius_m"]?.numberValue, r > 0 { radius = r } else if source.radiusM == nil { fail("\"radius_m\" (a positive number of metres) is required") }
        var seats = 8
        if let s = o["default_seats"] {
            if let n = s.numberValue, n >= 0, n == n.rounded() { seats = Int(n) } else { fail("\"default_seats\" must be a whole number ≥ 0, not \(s.serialized())") }
        }
        guard ok else { return nil }
        return Manifest(name: name, crs: source.crs ?? crs, radiusM: source.radiusM ?? radius, defaultSeats: seats, properties: o)
    }

    // MARK: Layers

    /// Reads a layer file, converting the datum of replacement files and checking polygons.
    mutating func readLayer(_ layer: Layer) -> GeoJSONLayer? {
        let file = path(layer)
        var read: GeoJSONLayer
        if let given = source.inMemory[layer] {
            read = given.layer
        } else {
            let bytes: [UInt8]
            do {
                bytes = try InputFile.read(file)
            } catch {
                missingInput = true
                issues.append(DatasetIssue(.error, file: file, (error as? InputFile.Failure)?.reason ?? "\(error)"))
                return nil
            }
            do {
                read = try GeoJSONReader.read(bytes: bytes)
            } catch {
                issues.append(DatasetIssue(.error, file: file, "\(error)"))
                return nil
            }
        }
        if source.isReplaced(layer), source.inputDatum != .wgs84 {
            for i in read.features.indices {
                read.features[i].geometry = read.features[i].geometry?.mapCoordinates {
                    MapDatum.convert($0, from: source.inputDatum, to: .wgs84)
                }
            }
        }
        if [.districts, .parking, .areas].contains(layer) {
            read.checkPolygonValidity(repair: source.makeValid)
        }
        issues.append(contentsOf: read.issues.map { DatasetIssue($0, file: file) })
        return read
    }

    /// Per-feature property access that records what is wrong.
    struct Properties {
        let feature: GeoJSONFeature
        let file: String
        var issues: [DatasetIssue] = []
        var failed = false

        var id: String { feature.displayID ?? "" }

        mutating func error(_ message: String) {
            issues.append(DatasetIssue(.error, file: file, featureIndex: feature.index, featureID: feature.displayID, message))
            failed = true
        }

        mutating func warning(_ message: String) {
            issues.append(DatasetIssue(.warning, file: file, featureIndex: feature.index, featureID: feature.displayID, message))
        }

        mutating func requireID() -> String? {
            switch feature.properties["id"] {
            case let .string(s)? where !s.trimmingCharacters(in: .whitespaces).isEmpty: return s
            case let .number(n)?: return JSONValue.format(number: n)
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
            case let .string(s)?:
                if required && s.trimmingCharacters(in: .whitespaces).isEmpty { error("\"\(key)\" is empty") }
                return s
            case let .number(n)?: return JSONValue.format(number: n)
            case nil, .null?:
                if required { error("missing \"\(key)\" (required)") }
                return nil
            case let v?:
                error("\"\(key)\" must be a string, not \(v.typeName)")
                return nil
            }
        }

        /// A number; numeric strings are accepted with a warning, anything else is an error.
        mutating func number(_ key: String, required: Bool = false, minimum: Double? = nil, whole: Bool = false) -> Double? {
            let value: Double
            switch feature.properties[key] {
            case let .number(n)?: value = n
            case let .string(s)?:
                let trimmed = s.trimmingCharacters(in: .whitespaces)
                guard let n = Double(trimmed), n.isFinite else {
                    error("non-numeric \(key): \"\(s)\" (a number is required)")
                    return nil
                }
                warning("\(key) is the text \"\(s)\"; read as the number \(JSONValue.format(number: n))")
                value = n
            case nil, .null?:
                if required { error("missing \"\(key)\" (a number is required)") }
                return nil
            case let v?:
                error("non-numeric \(key): \(v.serialized()) (a number is required)")
                return nil
            }
            if let minimum, value < minimum {
                error("\(key) is \(JSONValue.format(number: value)); it must be at least \(JSONValue.format(number: minimum))")
                return nil
            }
            if whole, value != value.rounded() {
                error("\(key) is \(JSONValue.format(number: value)); it must be a whole number")
                return nil
            }
            return value
        }

        mutating func int(_ key: String, required: Bool = false) -> Int? {
            number(key, required: required, minimum: 0, whole: true).map { Int($0) }
        }

        mutating func bool(_ key: String) -> Bool? {
            switch feature.properties[key] {
            case let .bool(b)?: return b
            case nil, .null?: return nil
            case let .string(s)?:
                switch s.lowercased() {
                case "true", "yes", "1", "是": return true
                case "false", "no", "0", "否": return false
                default: break
                }
                error("\"\(key)\" must be true or false, not \"\(s)\"")
            case let .number(n)?: return n != 0
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
            case let g?: error("a Point geometry is required, not \(g.typeName)")
            }
            return nil
        }

        mutating func polygonal(allowPoint: Bool = false) -> Geometry? {
            switch feature.geometry {
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

    /// Runs `body` per feature with a `Properties` reader; features with errors are left out.
    mutating func parse<T>(_ layer: GeoJSONLayer, _ kind: Layer, _ body: (inout Properties) -> T?) -> [T] {
        let file = path(kind)
        let brokenIndices = Set(layer.issues.filter { $0.severity == .error }.compactMap(\.featureIndex))
        var out: [T] = []
        var seen: [String: Int] = [:]
        for feature in layer.features {
            var p = Properties(feature: feature, file: file)
            p.failed = brokenIndices.contains(feature.index)
            let value = body(&p)
            if let id = feature.displayID {
                if let first = seen[id] {
                    p.error("duplicate id \"\(id)\" (also feature \(first))")
                } else {
                    seen[id] = feature.index
                }
            }
            issues.append(contentsOf: p.issues)
            if !p.failed, let value { out.append(value) }
        }
        return out
    }

    static func checkRange(_ g: Geometry, _ p: inout Properties) {
        for c in g.allCoordinates {
            if !(-90...90).contains(c.lat) || !(-180...180).contains(c.lon) {
                if (-90...90).contains(c.lon) && (-180...180).contains(c.lat) {
                    p.error("latitude \(JSONValue.format(number: c.lat)) is outside ±90: longitude and latitude look swapped (GeoJSON is [longitude, latitude])")
                } else if !(-90...90).contains(c.lat) {
                    p.error("latitude \(JSONValue.format(number: c.lat)) is outside ±90")
                } else {
                    p.error("longitude \(JSONValue.format(number: c.lon)) is outside ±180")
                }
                return
            }
        }
    }

    /// Projects all coordinates of the geometries in one PROJ batch call.
    mutating func project(_ geometries: [Geometry], _ transformer: CoordinateTransformer, _ kind: Layer) -> [Geometry]? {
        var xs: [Double] = []
        var ys: [Double] = []
        for g in geometries {
            for c in g.allCoordinates {
                xs.append(c.x)
                ys.append(c.y)
            }
        }
        do {
            try transformer.transform(xs: &xs, ys: &ys)
        } catch {
            issues.append(DatasetIssue(.error, file: path(kind), "cannot project to \(transformer.target): \(error)"))
            return nil
        }
        var k = 0
        return geometries.map { g in
            g.mapCoordinates { _ in
                defer { k += 1 }
                return Coordinate(x: xs[k], y: ys[k])
            }
        }
    }

    mutating func projectPoints(_ points: [Coordinate], _ transformer: CoordinateTransformer, _ kind: Layer) -> [Coordinate]? {
        var xs = points.map(\.x)
        var ys = points.map(\.y)
        do {
            try transformer.transform(xs: &xs, ys: &ys)
        } catch {
            issues.append(DatasetIssue(.error, file: path(kind), "cannot project to \(transformer.target): \(error)"))
            return nil
        }
        return (0..<points.count).map { Coordinate(x: xs[$0], y: ys[$0]) }
    }

    // MARK: Per-layer parsing

    mutating func parseDistricts(_ layer: GeoJSONLayer, _ t: CoordinateTransformer) -> [District] {
        var parsed = parse(layer, .districts) { p -> District? in
            let id = p.requireID()
            let name = p.string("name", required: true)
            var kind = DivisionKind.district
            if let k = p.string("kind") {
                if let known = DivisionKind(rawValue: k) { kind = known } else { p.error("unknown kind \"\(k)\" (expected \(DivisionKind.allNames))") }
            }
            let nameEN = p.string("name_en")
            let workers = p.number("workers", minimum: 0)
            guard let g = p.polygonal() else { return nil }
            LoadRun.checkRange(g, &p)
            guard let id, let name else { return nil }
            return District(id: id, name: name, kind: kind, nameEN: nameEN, workers: workers, geometry: g, projected: g,
                            featureIndex: p.feature.index, properties: p.feature.properties)
        }
        guard let projected = project(parsed.map(\.geometry), t, .districts) else { return [] }
        for i in parsed.indices { parsed[i].projected = projected[i] }
        return parsed
    }

    mutating func parseStations(_ layer: GeoJSONLayer, _ t: CoordinateTransformer, _ manifest: Manifest) -> [Station] {
        var parsed = parse(layer, .stations) { p -> Station? in
            let id = p.requireID()
            let name = p.string("name", required: true)
            var kind: StationKind?
            switch p.feature.properties["kind"] {
            case let .string(k)?:
                kind = StationKind(rawValue: k)
                if kind == nil { p.error("unknown kind \"\(k)\" (expected one of \(StationKind.allNames))") }
            case nil, .null?: p.error("missing \"kind\" (one of \(StationKind.allNames))")
            case let v?: p.error("\"kind\" must be a string, not \(v.typeName)")
            }
            let district = p.string("district")
            let seats = p.int("seats")
            let ports = p.int("charging_ports")
            let services = LoadRun.parseServices(&p)
            let hours = p.string("hours")
            let op = p.string("operator")
            guard let c = p.point() else { return nil }
            LoadRun.checkRange(.point(c), &p)
            guard let id, let name, let kind else { return nil }
            return Station(id: id, name: name, kind: kind, district: district, seats: seats, chargingPorts: ports, services: services,
                           hours: hours, operatorName: op, location: c, projected: c, featureIndex: p.feature.index, properties: p.feature.properties)
        }
        guard let projected = projectPoints(parsed.map(\.location), t, .stations) else { return [] }
        for i in parsed.indices { parsed[i].projected = projected[i] }
        return parsed
    }

    static func parseServices(_ p: inout Properties) -> [StationService] {
        var names: [String] = []
        switch p.feature.properties["services"] {
        case nil, .null?: return []
        case let .array(items)?:
            for item in items {
                guard case let .string(s) = item else {
                    p.error("\"services\" must list strings, found \(item.typeName)")
                    return []
                }
                names.append(s)
            }
        case let .string(s)?:
            // Spreadsheets give "rest;water" or "rest, water".
            names = s.split(whereSeparator: { ",;|、，；".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case let v?:
            p.error("\"services\" must be a list of strings, not \(v.typeName)")
            return []
        }
        var out: [StationService] = []
        for name in names {
            if let s = StationService(rawValue: name) {
                if !out.contains(s) { out.append(s) }
            } else {
                p.error("unknown service \"\(name)\" (expected one of \(StationService.allNames))")
            }
        }
        return out
    }

    mutating func parseParking(_ layer: GeoJSONLayer, _ t: CoordinateTransformer) -> [ParkingZone] {
        var parsed = parse(layer, .parking) { p -> ParkingZone? in
            let id = p.requireID()
            let name = p.string("name")
            let slots = p.int("slots")
            let charging = p.bool("charging") ?? false
            guard let g = p.polygonal(allowPoint: true) else { return nil }
            LoadRun.checkRange(g, &p)
            guard let id else { return nil }
            return ParkingZone(id: id, name: name, slots: slots, charging: charging, geometry: g, projected: g, featureIndex: p.feature.index, properties: p.feature.properties)
        }
        guard let projected = project(parsed.map(\.geometry), t, .parking) else { return [] }
        for i in parsed.indices { parsed[i].projected = projected[i] }
        return parsed
    }

    mutating func parseAreas(_ layer: GeoJSONLayer, _ t: CoordinateTransformer) -> [CommercialArea] {
        var parsed = parse(layer, .areas) { p -> CommercialArea? in
            let id = p.requireID()
            let name = p.string("name", required: true)
            let friendly = p.bool("rider_friendly") ?? false
            let orders = p.number("daily_orders", minimum: 0)
            let riders = p.number("peak_riders", minimum: 0)
            guard let g = p.polygonal() else { return nil }
            LoadRun.checkRange(g, &p)
            guard let id, let name else { return nil }
            return CommercialArea(id: id, name: name, riderFriendly: friendly, dailyOrders: orders, peakRiders: riders, geometry: g, projected: g,
                                  featureIndex: p.feature.index, properties: p.feature.properties)
        }
        guard let projected = project(parsed.map(\.geometry), t, .areas) else { return [] }
        for i in parsed.indices { parsed[i].projected = projected[i] }
        return parsed
    }

    mutating func parseDemand(_ layer: GeoJSONLayer, _ t: CoordinateTransformer) -> [DemandPoint] {
        var parsed = parse(layer, .demand) { p -> DemandPoint? in
            let id = p.requireID()
            let weight = p.number("weight", required: true, minimum: 0)
            guard let c = p.point() else { return nil }
            LoadRun.checkRange(.point(c), &p)
            guard let id, let weight else { return nil }
            return DemandPoint(id: id, weight: weight, location: c, projected: c, featureIndex: p.feature.index, properties: p.feature.properties)
        }
        guard let projected = projectPoints(parsed.map(\.location), t, .demand) else { return [] }
        for i in parsed.indices { parsed[i].projected = projected[i] }
        return parsed
    }

    mutating func parseCandidates(_ layer: GeoJSONLayer, _ t: CoordinateTransformer) -> [Candidate] {
        var parsed = parse(layer, .candidates) { p -> Candidate? in
            let id = p.requireID()
            let name = p.string("name")
            let maxSeats = p.int("max_seats")
            guard let c = p.point() else { return nil }
            LoadRun.checkRange(.point(c), &p)
            guard let id else { return nil }
            return Candidate(id: id, name: name, maxSeats: maxSeats, location: c, projected: c, featureIndex: p.feature.index, properties: p.feature.properties)
        }
        guard let projected = projectPoints(parsed.map(\.location), t, .candidates) else { return [] }
        for i in parsed.indices { parsed[i].projected = projected[i] }
        return parsed
    }

    /// Points outside every district: an error when swapping longitude and latitude would put them
    /// inside one (the classic mistake), otherwise a warning.
    mutating func checkPoints(_ points: some Sequence<(Coordinate, Int, String)>, layer: Layer, districts: [District], index: PolygonIndex?, outsideIsWarning: Bool) {
        guard let index, !districts.isEmpty else { return }
        var outside = 0
        var examples: [String] = []
        for (c, featureIndex, id) in points {
            guard let inside = try? index.covering(c), inside.isEmpty else { continue }
            let swapped = Coordinate(lon: c.lat, lat: c.lon)
            if let hits = try? index.covering(swapped), let first = hits.first {
                issues.append(DatasetIssue(.error, file: path(layer), featureIndex: featureIndex, featureID: id,
                                           "(\(JSONValue.format(number: c.lon)), \(JSONValue.format(number: c.lat))) is outside every district but falls in \(districts[first].name) when swapped: longitude and latitude look swapped"))
            } else if outsideIsWarning {
                outside += 1
                // Stations are named one by one (up to 20); other layers are summarised.
                if layer == .stations && outside <= 20 {
                    issues.append(DatasetIssue(.warning, file: path(layer), featureIndex: featureIndex, featureID: id, "outside every district"))
                } else if examples.count < 3 {
                    examples.append(id)
                }
            }
        }
        if layer == .stations, outside > 20 {
            issues.append(DatasetIssue(.warning, file: path(layer), "\(outside - 20) more station(s) outside every district (for example \(examples.joined(separator: ", ")))"))
        } else if layer != .stations, outside > 0 {
            issues.append(DatasetIssue(.warning, file: path(layer), "\(outside) feature(s) outside every district (for example \(examples.joined(separator: ", ")))"))
        }
    }
}
