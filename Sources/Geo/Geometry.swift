/// A position in the plane: `x` is longitude or easting, `y` latitude or northing. Always x/y order.
public struct Coordinate: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// Longitude in degrees, or easting in the units of a projected CRS.
    public var x: Double
    /// Latitude in degrees, or northing in the units of a projected CRS.
    public var y: Double

    /// A coordinate from x (longitude or easting) and y (latitude or northing).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Longitude/latitude spelling of the same thing, for readability at call sites in degrees.
    public init(lon: Double, lat: Double) {
        self.init(x: lon, y: lat)
    }

    /// The longitude: `x` read as degrees.
    public var lon: Double { x }
    /// The latitude: `y` read as degrees.
    public var lat: Double { y }

    /// "(x, y)".
    public var description: String { "(\(x), \(y))" }
}

/// A polygon: one exterior ring and any number of holes. Rings are closed (first == last).
/// An empty polygon has an empty exterior and no holes.
public struct Polygon: Hashable, Sendable {
    /// The outer ring, closed (first == last); empty for an empty polygon.
    public var exterior: [Coordinate]
    /// The inner rings, each closed.
    public var holes: [[Coordinate]]

    /// A polygon from closed rings, taken as they are (no check here; GEOS validity checks them).
    public init(exterior: [Coordinate], holes: [[Coordinate]] = []) {
        self.exterior = exterior
        self.holes = holes
    }

    /// True for the empty polygon.
    public var isEmpty: Bool { exterior.isEmpty }

    /// Calls `body` with each coordinate, the outer ring's first, then each hole's.
    func forEachCoordinate(_ body: (Coordinate) -> Void) {
        exterior.forEach(body)
        for h in holes { h.forEach(body) }
    }
}

/// A simple-features geometry as a Swift value. GEOS work converts it to a GEOS geometry and back;
/// for repeated predicates against one polygon use `PreparedGeometry`.
///
/// Empty geometries are the cases with empty arrays (an empty point, which has no coordinate, reads
/// back from GEOS as an empty `multiPoint`).
///
/// Not an `indirect` enum: the arrays of the other cases are already on the heap, and a point is
/// kept inline, so that a layer of points costs no allocation a point.
public enum Geometry: Hashable, Sendable {
    /// A single position.
    case point(Coordinate)
    /// A line through the positions in order.
    case lineString([Coordinate])
    /// One polygon with its holes.
    case polygon(Polygon)
    /// Several positions.
    case multiPoint([Coordinate])
    /// Several lines.
    case multiLineString([[Coordinate]])
    /// Several polygons.
    case multiPolygon([Polygon])
    /// Geometries of any types.
    case geometryCollection([Geometry])

    /// The GeoJSON / WKT name of the type.
    public var typeName: String {
        switch self {
        case .point: return "Point"
        case .lineString: return "LineString"
        case .polygon: return "Polygon"
        case .multiPoint: return "MultiPoint"
        case .multiLineString: return "MultiLineString"
        case .multiPolygon: return "MultiPolygon"
        case .geometryCollection: return "GeometryCollection"
        }
    }

    /// Every coordinate of the geometry, in order.
    public var allCoordinates: [Coordinate] {
        switch self {
        case let .point(c): return [c]
        case let .lineString(cs), let .multiPoint(cs): return cs
        case let .polygon(p): return p.exterior + p.holes.flatMap { $0 }
        case let .multiLineString(ls): return ls.flatMap { $0 }
        case let .multiPolygon(ps): return ps.flatMap { $0.exterior + $0.holes.flatMap { $0 } }
        case let .geometryCollection(gs): return gs.flatMap { $0.allCoordinates }
        }
    }

    /// The polygons of a Polygon or MultiPolygon (empty for other types).
    public var polygons: [Polygon] {
        switch self {
        case let .polygon(p): return [p]
        case let .multiPolygon(ps): return ps
        default: return []
        }
    }

    /// The same geometry with `transform` applied to every coordinate.
    public func mapCoordinates(_ transform: (Coordinate) throws -> Coordinate) rethrows -> Geometry {
        func ring(_ r: [Coordinate]) throws -> [Coordinate] { try r.map(transform) }
        func poly(_ p: Polygon) throws -> Polygon {
            Polygon(exterior: try ring(p.exterior), holes: try p.holes.map(ring))
        }
        switch self {
        case let .point(c): return .point(try transform(c))
        case let .lineString(cs): return .lineString(try ring(cs))
        case let .multiPoint(cs): return .multiPoint(try ring(cs))
        case let .polygon(p): return .polygon(try poly(p))
        case let .multiLineString(ls): return .multiLineString(try ls.map(ring))
        case let .multiPolygon(ps): return .multiPolygon(try ps.map(poly))
        case let .geometryCollection(gs): return .geometryCollection(try gs.map { try $0.mapCoordinates(transform) })
        }
    }

    /// The bounding box, or nil for an empty geometry.
    public var envelope: Envelope? {
        var box: Envelope?
        forEachCoordinate { c in
            if box == nil { box = Envelope(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y) } else { box!.expand(toInclude: c) }
        }
        return box
    }

    /// Calls `body` with each coordinate in the order of `allCoordinates`, without collecting them.
    func forEachCoordinate(_ body: (Coordinate) -> Void) {
        switch self {
        case let .point(c): body(c)
        case let .lineString(cs), let .multiPoint(cs): cs.forEach(body)
        case let .polygon(p): p.forEachCoordinate(body)
        case let .multiLineString(ls): for l in ls { l.forEach(body) }
        case let .multiPolygon(ps): for p in ps { p.forEachCoordinate(body) }
        case let .geometryCollection(gs): for g in gs { g.forEachCoordinate(body) }
        }
    }
}

/// An axis-aligned rectangle.
public struct Envelope: Hashable, Sendable {
    /// The smallest x.
    public var minX: Double
    /// The smallest y.
    public var minY: Double
    /// The largest x.
    public var maxX: Double
    /// The largest y.
    public var maxY: Double

    /// A rectangle from its bounds (`min` ≤ `max` is expected, not checked).
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The smallest rectangle holding every coordinate; nil when there is none.
    public init?(covering coordinates: [Coordinate]) {
        guard let first = coordinates.first else { return nil }
        var e = Envelope(minX: first.x, minY: first.y, maxX: first.x, maxY: first.y)
        for c in coordinates.dropFirst() { e.expand(toInclude: c) }
        self = e
    }

    /// Grows the rectangle just enough to hold `c`.
    public mutating func expand(toInclude c: Coordinate) {
        minX = Swift.min(minX, c.x)
        minY = Swift.min(minY, c.y)
        maxX = Swift.max(maxX, c.x)
        maxY = Swift.max(maxY, c.y)
    }

    /// Grows the rectangle just enough to hold `other`.
    public mutating func expand(toInclude other: Envelope) {
        minX = Swift.min(minX, other.minX)
        minY = Swift.min(minY, other.minY)
        maxX = Swift.max(maxX, other.maxX)
        maxY = Swift.max(maxY, other.maxY)
    }

    /// True when `c` lies inside or on the edge.
    public func contains(_ c: Coordinate) -> Bool {
        c.x >= minX && c.x <= maxX && c.y >= minY && c.y <= maxY
    }

    /// The extent along x.
    public var width: Double { maxX - minX }
    /// The extent along y.
    public var height: Double { maxY - minY }

    /// The rectangle as a closed, counter-clockwise polygon.
    public var polygon: Polygon {
        Polygon(exterior: [
            Coordinate(x: minX, y: minY), Coordinate(x: maxX, y: minY), Coordinate(x: maxX, y: maxY),
            Coordinate(x: minX, y: maxY), Coordinate(x: minX, y: minY),
        ])
    }
}

/// Ring orientation helpers (shoelace formula, planar).
public enum RingOrientation {
    /// Twice the signed area: positive for counter-clockwise rings.
    public static func signedArea2(_ ring: [Coordinate]) -> Double {
        guard ring.count >= 3 else { return 0 }
        var sum = 0.0
        for i in 0..<(ring.count - 1) {
            sum += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y
        }
        return sum
    }

    /// True when the ring turns counter-clockwise (positive signed area).
    public static func isCounterClockwise(_ ring: [Coordinate]) -> Bool { signedArea2(ring) > 0 }

    /// The polygon with its exterior counter-clockwise and its holes clockwise (RFC 7946 §3.1.6).
    public static func rightHanded(_ p: Polygon) -> Polygon {
        func oriented(_ r: [Coordinate], ccw: Bool) -> [Coordinate] {
            let area = signedArea2(r)
            if area == 0 || (area > 0) == ccw { return r }
            return r.reversed()
        }
        return Polygon(exterior: oriented(p.exterior, ccw: true), holes: p.holes.map { oriented($0, ccw: false) })
    }

    /// True when the polygon already follows the right-hand rule.
    public static func isRightHanded(_ p: Polygon) -> Bool { rightHanded(p) == p }
}
