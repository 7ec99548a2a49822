/// Notes from reading a GeoJSON geometry that do not stop it from being used.
public struct GeoJSONGeometryNotes: Hashable, Sendable {
    /// Positions had a third (Z) value; it was dropped, since everything here is 2D.
    public var droppedZ = false
    /// A GeometryCollection inside a GeometryCollection (RFC 7946 §3.1.8 says SHOULD NOT).
    public var nestedCollection = false
    /// A polygon ring did not follow the right-hand rule (RFC 7946 §3.1.6 says SHOULD); it is read
    /// as is and written right-handed.
    public var leftHandedRing = false
    /// Some coordinate had more than 7 decimals (finer than about 1 cm); output rounds to 7.
    public var excessivePrecision = false

    /// Values per position seen so far (2 or 3); positions of one geometry must agree.
    var dimension: Int?

    /// Notes with nothing noted, to pass to `Geometry.init(geoJSON:notes:)`.
    public init() {}
}

// GeoJSON geometry objects (RFC 7946 §3.1): reading with located messages, writing with at most
// 7 decimals and the right-hand rule.
extension Geometry {
    /// Reads a GeoJSON geometry object. Throws `GeoError.invalidInput` naming what is wrong and where
    /// inside the geometry ("coordinates[0][3]: ...").
    public init(geoJSON value: JSONValue, notes: inout GeoJSONGeometryNotes) throws {
        self = try GeoJSONGeometryReader.read(value, path: "geometry", depth: 0, notes: &notes)
    }

    /// Reads a GeoJSON geometry object, ignoring the notes (Z dropped, winding, precision).
    ///
    /// - Throws: `GeoError.invalidInput` naming what is wrong and where.
    public init(geoJSON value: JSONValue) throws {
        var notes = GeoJSONGeometryNotes()
        try self.init(geoJSON: value, notes: &notes)
    }

    /// The GeoJSON geometry object as compact text: coordinates rounded to `decimals` places,
    /// polygons right-handed (exterior counter-clockwise, holes clockwise).
    public func geoJSON(decimals: Int = 7) -> String {
        var out = ""
        writeGeoJSON(to: &out, decimals: decimals)
        return out
    }

    /// Appends the GeoJSON geometry object to `out`, as `geoJSON(decimals:)` writes it.
    public func writeGeoJSON(to out: inout String, decimals: Int = 7) {
        func position(_ c: Coordinate) {
            out += "["
            out += JSONValue.format(coordinate: c.x, decimals: decimals)
            out += ","
            out += JSONValue.format(coordinate: c.y, decimals: decimals)
            out += "]"
        }
        func line(_ cs: [Coordinate]) {
            out += "["
            for (i, c) in cs.enumerated() {
                if i > 0 { out += "," }
                position(c)
            }
            out += "]"
        }
        func polygon(_ p: Polygon) {
            let rh = RingOrientation.rightHanded(p)
            out += "["
            if !rh.isEmpty {
                line(rh.exterior)
                for h in rh.holes {
                    out += ","
                    line(h)
                }
            }
            out += "]"
        }
        func list<T>(_ items: [T], _ body: (T) -> Void) {
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                body(item)
            }
            out += "]"
        }
        out += "{\"type\":\"\(typeName)\","
        switch self {
        case let .point(c):
            out += "\"coordinates\":"
            position(c)
        case let .lineString(cs), let .multiPoint(cs):
            out += "\"coordinates\":"
            line(cs)
        case let .polygon(p):
            out += "\"coordinates\":"
            polygon(p)
        case let .multiLineString(ls):
            out += "\"coordinates\":"
            list(ls, line)
        case let .multiPolygon(ps):
            out += "\"coordinates\":"
            list(ps, polygon)
        case let .geometryCollection(gs):
            out += "\"geometries\":"
            list(gs) { $0.writeGeoJSON(to: &out, decimals: decimals) }
        }
        out += "}"
    }
}

enum GeoJSONGeometryReader {
    static let maxCollectionDepth = 32

    static func fail(_ path: String, _ message: String) -> GeoError {
        .invalidInput("\(path): \(message)")
    }

    static func read(_ value: JSONValue, path: String, depth: Int, notes: inout GeoJSONGeometryNotes) throws -> Geometry {
        guard case let .object(o) = value else {
            throw fail(path, "a geometry must be a JSON object, not \(value.typeName)")
        }
        guard let typeValue = o["type"] else { throw fail(path, "the geometry has no \"type\"") }
        guard case let .string(type) = typeValue else { throw fail(path, "\"type\" must be a string, not \(typeValue.typeName)") }
        if type == "GeometryCollection" {
            if depth >= maxCollectionDepth { throw fail(path, "GeometryCollections nested deeper than \(maxCollectionDepth) levels") }
            if depth > 0 { notes.nestedCollection = true }
            guard let members = o["geometries"] else { throw fail(path, "a GeometryCollection needs a \"geometries\" array") }
            guard case let .array(items) = members else { throw fail(path, "\"geometries\" must be an array, not \(members.typeName)") }
            return .geometryCollection(try items.enumerated().map { i, item in
                notes.dimension = nil
                return try read(item, path: "\(path).geometries[\(i)]", depth: depth + 1, notes: &notes)
            })
        }
        let known = ["Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"]
        guard known.contains(type) else {
            if type == "Feature" || type == "FeatureCollection" {
                throw fail(path, "a \(type) is not a geometry")
            }
            throw fail(path, "unknown geometry type \"\(type)\" (expected one of \(known.joined(separator: ", ")), GeometryCollection)")
        }
        guard let coordinates = o["coordinates"] else { throw fail(path, "a \(type) needs \"coordinates\"") }
        let cpath = "\(path).coordinates"
        switch type {
        case "Point":
            if case let .array(a) = coordinates, a.isEmpty { return .multiPoint([]) }
            return .point(try position(coordinates, cpath, &notes))
        case "MultiPoint":
            return .multiPoint(try positions(coordinates, cpath, minimum: 0, &notes))
        case "LineString":
            return .lineString(try lineString(coordinates, cpath, &notes))
        case "MultiLineString":
            return .multiLineString(try array(coordinates, cpath).enumerated().map { i, l in
                try lineString(l, "\(cpath)[\(i)]", &notes)
            })
        case "Polygon":
            return .polygon(try polygon(coordinates, cpath, &notes))
        default:  // MultiPolygon
            return .multiPolygon(try array(coordinates, cpath).enumerated().map { i, p in
                try polygon(p, "\(cpath)[\(i)]", &notes)
            })
        }
    }

    static func array(_ value: JSONValue, _ path: String) throws -> [JSONValue] {
        guard case let .array(a) = value else { throw fail(path, "an array was expected, not \(value.typeName)") }
        return a
    }

    static func position(_ value: JSONValue, _ path: String, _ notes: inout GeoJSONGeometryNotes) throws -> Coordinate {
        let a = try array(value, path)
        guard a.count >= 2 else { throw fail(path, "a position needs at least 2 numbers (longitude, latitude), found \(a.count)") }
        var numbers: [Double] = []
        for (i, item) in a.enumerated() {
            guard let n = item.numberValue else {
                throw fail("\(path)[\(i)]", "a coordinate must be a number, not \(item.typeName)\(item.stringValue.map { " \"\($0)\"" } ?? "")")
            }
            numbers.append(n)
        }
        if numbers.count > 2 { notes.droppedZ = true }
        if let dimension = notes.dimension, dimension != numbers.count {
            throw fail(path, "positions of one geometry must have the same number of values: this one has \(numbers.count), earlier ones \(dimension)")
        }
        notes.dimension = numbers.count
        if !notes.excessivePrecision, hasExcessivePrecision(numbers[0]) || hasExcessivePrecision(numbers[1]) {
            notes.excessivePrecision = true
        }
        return Coordinate(x: numbers[0], y: numbers[1])
    }

    /// Whether `v` changes when written with 7 decimals and read back, that is
    /// `Double(JSONValue.format(coordinate: v)) != v`, without the text: the text is
    /// `units / 10^7` written exactly (or the shortest round-trip form when `|v·10^7| ≥ 9e15`,
    /// which reads back unchanged), and dividing the exact integer `units` (below 2^53) by 10^7
    /// rounds once to the nearest `Double`, as reading the text does.
    static func hasExcessivePrecision(_ v: Double) -> Bool {
        let scaled = (v * 1e7).rounded()
        if !(abs(scaled) < 9e15) { return false }
        return scaled / 1e7 != v
    }

    static func positions(_ value: JSONValue, _ path: String, minimum: Int, _ notes: inout GeoJSONGeometryNotes) throws -> [Coordinate] {
        let a = try array(value, path)
        return try a.enumerated().map { i, p in try position(p, "\(path)[\(i)]", &notes) }
    }

    static func lineString(_ value: JSONValue, _ path: String, _ notes: inout GeoJSONGeometryNotes) throws -> [Coordinate] {
        let cs = try positions(value, path, minimum: 2, &notes)
        if !cs.isEmpty && cs.count < 2 { throw fail(path, "a LineString needs at least 2 positions, found \(cs.count)") }
        return cs
    }

    static func polygon(_ value: JSONValue, _ path: String, _ notes: inout GeoJSONGeometryNotes) throws -> Polygon {
        let rings = try array(value, path).enumerated().map { i, r -> [Coordinate] in
            let rpath = "\(path)[\(i)]"
            let cs = try positions(r, rpath, minimum: 4, &notes)
            guard cs.count >= 4 else {
                throw fail(rpath, "a polygon ring needs at least 4 positions (the first repeated at the end), found \(cs.count)")
            }
            guard cs.first == cs.last else {
                throw fail(rpath, "unclosed ring: the first position \(cs.first!) differs from the last \(cs.last!)")
            }
            return cs
        }
        guard let exterior = rings.first else { return Polygon(exterior: []) }
        let p = Polygon(exterior: exterior, holes: Array(rings.dropFirst()))
        if !RingOrientation.isRightHanded(p) { notes.leftHandedRing = true }
        return p
    }
}
