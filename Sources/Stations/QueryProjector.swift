import Foundation
import Geo

/// Query points as the user gives them (longitude/latitude in a map datum) brought to WGS84 and
/// to the dataset's metric CRS, one at a time or a whole batch chunk in one PROJ call.
///
/// A point PROJ cannot project, or one more than `areaMarginDegrees` outside the CRS's area of use
/// (where a projection's distances are no longer metres), cannot be answered: a single point
/// throws `QueryPointError`, a batch item becomes a problem of its line and the others are answered.
public struct QueryProjector: Sendable {
    /// The datum the query coordinates are given in.
    public let datum: MapDatum
    /// The dataset's metric CRS.
    public let crs: CRS
    /// The bounds of the CRS's area of use (nil when PROJ gives none, e.g. for a PROJ string).
    public let area: LonLatBox?
    let transformer: CoordinateTransformer
    /// A search distance around every batch point (`nearest --max-distance`) and the flag that
    /// gave it: a batch point whose circle reaches more than `areaMarginDegrees` outside the area
    /// of use becomes a problem of its line, as a point outside it does. Nil: points alone.
    public var batchReach: (metres: Double, flag: String)?

    /// How far outside the CRS's area of use, in degrees of longitude or latitude, a query is still
    /// answered. A transverse Mercator zone is then still within about 0.3 % of true scale at
    /// mid-latitudes; beyond it the error grows quadratically.
    public static let areaMarginDegrees = 3.0

    /// Why a single query point cannot be answered.
    public struct QueryPointError: Error, Sendable, CustomStringConvertible {
        /// What is wrong, naming the point.
        public var message: String
        /// The same as `message`.
        public var description: String { message }
    }

    /// A query point: as given, in WGS84, and in the metric CRS.
    public struct Point: Sendable {
        /// The point as given, in `datum`.
        public var given: Coordinate
        /// The point in WGS84 lon/lat.
        public var wgs84: Coordinate
        /// The point in the metric CRS.
        public var projected: Coordinate
    }

    /// A projector from `datum` to `crs`. Throws when PROJ cannot make a transformation from WGS84 to
    /// `crs`.
    public init(datum: MapDatum, crs: CRS) throws {
        self.datum = datum
        self.crs = crs
        self.transformer = try CoordinateTransformer.shared(from: .wgs84, to: crs)
        self.area = (try? CRSInspection.of(crs).area)?.bounds
    }

    /// Why a point (given, and in WGS84) is too far outside the area of use, or nil.
    func outsideArea(given: Coordinate, wgs84: Coordinate) -> String? {
        guard let area, !area.contains(wgs84, marginDegrees: QueryProjector.areaMarginDegrees) else { return nil }
        return "\(QueryProjector.text(given)) is more than \(Int(QueryProjector.areaMarginDegrees))° outside the area of use of \(crs) (\(area.description)), where its distances are not metres"
    }

    /// A box of WGS84 longitudes and latitudes, in the one convention of `LonLatBox` (`east` ≥
    /// `west`, past 180 across the antimeridian), the convention of `area` too.
    public typealias Extent = LonLatBox

    /// The box of points added one at a time (several layers without an array of them all), as
    /// `Extent(covering:)` makes it; with an area, points more than `areaMarginDegrees` outside it
    /// are left out.
    public struct ExtentBuilder: Sendable {
        let area: LonLatBox?
        var builder = LonLatBox.Builder()

        /// An empty box; points outside `area` (widened by `areaMarginDegrees`) will be left out.
        public init(area: LonLatBox?) {
            self.area = area
        }

        /// Grows the box to hold `c` (WGS84), unless it lies outside the area.
        @inline(__always)
        public mutating func add(_ c: Coordinate) {
            if let area, !area.contains(c, marginDegrees: QueryProjector.areaMarginDegrees) { return }
            builder.add(c)
        }

        /// The box of the points added; nil when none was.
        public var extent: Extent? { builder.box }
    }

    /// The box that circles of `radiusM` metres around every point of `extent` fill, when it reaches
    /// more than `areaMarginDegrees` outside the CRS's area of use (where straight-line distances
    /// in the CRS are no longer metres); nil when it stays within, or the CRS has no area of use.
    /// The circles are taken on a sphere of the WGS84 equatorial radius (longitudes widened at the
    /// latitude farthest from the equator); the box's northern, southern, eastern and western
    /// extremes are checked like a query point, and a box wider than the area is outside.
    public func reach(of extent: Extent, radiusM: Double) -> Extent? {
        guard let area, radiusM > 0 else { return nil }
        let metresPerDegree = 6_378_137.0 * Double.pi / 180
        let dLat = radiusM / metresPerDegree
        let north = min(90, extent.north + dLat), south = max(-90, extent.south - dLat)
        let widest = max(abs(north), abs(south))
        let cosine = cos(widest * Double.pi / 180)
        let dLon = cosine > 1e-9 ? min(180, radiusM / (metresPerDegree * cosine)) : 180
        let grown = Extent(west: extent.west - dLon, south: south, east: extent.east + dLon, north: north)
        let margin = QueryProjector.areaMarginDegrees
        let areaWidth = area.width
        let lon = (extent.west + extent.east) / 2, lat = (extent.south + extent.north) / 2
        let extremes = [Coordinate(lon: lon, lat: north), Coordinate(lon: lon, lat: south),
                        Coordinate(lon: grown.east, lat: lat), Coordinate(lon: grown.west, lat: lat)]
        let tooWide = areaWidth + 2 * margin < 360 && grown.east - grown.west > areaWidth + 2 * margin
        guard tooWide || extremes.contains(where: { !area.contains($0, marginDegrees: margin) }) else { return nil }
        return grown
    }

    /// Why a search `radiusM` metres around `point` reaches more than `areaMarginDegrees` outside
    /// the CRS's area of use (see `reach(of:radiusM:)`), or nil. `flag` names the distance in the
    /// message (`--max-distance`); without it the message speaks of "a radius" (`within`).
    public func reachProblem(_ point: Point, radiusM: Double, flag: String? = nil) -> String? {
        reachProblem(given: point.given, wgs84: point.wgs84, radiusM: radiusM, flag: flag)
    }

    func reachProblem(given: Coordinate, wgs84: Coordinate, radiusM: Double, flag: String?) -> String? {
        guard let area, let grown = reach(of: Extent(wgs84), radiusM: radiusM) else { return nil }
        let what = flag.map { "\($0) \(JSONValue.format(number: radiusM)) m" } ?? "a radius of \(JSONValue.format(number: radiusM)) m"
        return "\(what) around \(QueryProjector.text(given)) reaches \(grown.text), more than \(Int(QueryProjector.areaMarginDegrees))° outside the area of use of \(crs) (\(area.description)), where its distances are not metres: use a smaller \(flag ?? "radius") or a --crs whose area of use holds the circle"
    }

    /// Throws `QueryPointError` with `reachProblem(_:radiusM:flag:)`'s message when there is one.
    public func checkReach(_ point: Point, radiusM: Double, flag: String? = nil) throws {
        if let why = reachProblem(point, radiusM: radiusM, flag: flag) { throw QueryPointError(message: why) }
    }

    /// The box of those `points` (WGS84) that lie within the CRS's area of use widened by
    /// `areaMarginDegrees` (every point when the CRS has none); nil when there is none. Points
    /// already outside are left out: a radius around them is not what puts them there.
    public func extent<S: Sequence>(of points: S) -> Extent? where S.Element == Coordinate {
        var builder = extentBuilder()
        for c in points { builder.add(c) }
        return builder.extent
    }

    /// An empty `ExtentBuilder` that leaves out points outside the CRS's area of use (as
    /// `extent(of:)` does).
    public func extentBuilder() -> ExtentBuilder { ExtentBuilder(area: area) }

    /// Why circles of `radiusM` metres (the value of `flag`) around `what` (the dataset's points,
    /// within `extent`) reach more than `areaMarginDegrees` outside the CRS's area of use, or nil.
    /// One check for the whole box, not one a point.
    public func reachProblem(around extent: Extent, of what: String, radiusM: Double, flag: String) -> String? {
        guard let area, let grown = reach(of: extent, radiusM: radiusM) else { return nil }
        return "\(flag) \(JSONValue.format(number: radiusM)) m around \(what) (\(extent.text)) reaches \(grown.text), more than \(Int(QueryProjector.areaMarginDegrees))° outside the area of use of \(crs) (\(area.description)), where its distances are not metres: use a smaller \(flag) or a --crs whose area of use holds the circles"
    }

    static func text(_ c: Coordinate) -> String {
        "lon \(JSONValue.format(number: c.lon)), lat \(JSONValue.format(number: c.lat))"
    }

    static func unprojectable(_ given: Coordinate, _ crs: CRS, _ reason: String) -> String {
        "\(text(given)) cannot be projected to \(crs): \(reason)"
    }

    /// A converted point that is no point on Earth: near ±180/±90 the datum shifts of GCJ-02 and
    /// BD-09 can carry a point past the edge.
    public struct OutOfRange: Error, CustomStringConvertible {
        /// What is wrong, naming the point as given and the datums.
        public var description: String
    }

    /// Why `c` (converted from `given`) is no point on Earth, or nil.
    public static func rangeProblem(_ c: Coordinate, _ given: Coordinate, from: MapDatum, to: MapDatum) -> String? {
        guard !(c.lon.isFinite && c.lat.isFinite && (-180...180).contains(c.lon) && (-90...90).contains(c.lat)) else { return nil }
        let which = c.lat.isFinite && (-90...90).contains(c.lat)
            ? "longitude \(JSONValue.format(number: c.lon)), outside ±180"
            : "latitude \(JSONValue.format(number: c.lat)), outside ±90"
        return "\(JSONValue.format(number: given.lon)),\(JSONValue.format(number: given.lat)) in \(from.rawValue) converts to \(which) in \(to.rawValue): there is no such point"
    }

    /// One point; `OutOfRange` when the datum shift carries it past ±180/±90, `QueryPointError`
    /// when it cannot be answered otherwise.
    public func project(lon: Double, lat: Double) throws -> Point {
        let given = Coordinate(lon: lon, lat: lat)
        let wgs84 = MapDatum.convert(given, from: datum, to: .wgs84)
        if let problem = QueryProjector.rangeProblem(wgs84, given, from: datum, to: .wgs84) { throw OutOfRange(description: problem) }
        if let why = outsideArea(given: given, wgs84: wgs84) { throw QueryPointError(message: why) }
        var xs = [wgs84.lon], ys = [wgs84.lat]
        if let reason = transformer.transformEach(xs: &xs, ys: &ys)[0] {
            throw QueryPointError(message: QueryProjector.unprojectable(given, crs, reason))
        }
        return Point(given: given, wgs84: wgs84, projected: Coordinate(x: xs[0], y: ys[0]))
    }

    /// A batch item brought to the metric CRS, or the problem that keeps it from being answered.
    public enum Item: Sendable {
        /// A query and its point.
        case point(BatchQuery, Point)
        /// A line that could not be read as a query.
        case unreadable(BatchQueryProblem)
        /// A query that was read but cannot be projected, or lies too far outside the area of use.
        case unanswerable(BatchQueryProblem)

        /// The problem of an unreadable or unanswerable item; nil for a point.
        public var problem: BatchQueryProblem? {
            switch self {
            case .point: return nil
            case let .unreadable(p), let .unanswerable(p): return p
            }
        }
    }

    /// A chunk of batch items, in order: for each query its point, for each unreadable line and each
    /// point that cannot be answered its problem.
    public func project(_ items: [BatchQueryItem]) -> [Item] {
        // First the points to project, in one PROJ call; then the items in order.
        var xs: [Double] = []
        var ys: [Double] = []
        var outside: [Int: String] = [:]
        xs.reserveCapacity(items.count)
        ys.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case let .query(q) = item else { continue }
            let given = Coordinate(lon: q.lon, lat: q.lat)
            let c = MapDatum.convert(given, from: datum, to: .wgs84)
            if let problem = QueryProjector.rangeProblem(c, given, from: datum, to: .wgs84) {
                outside[i] = problem
                continue
            }
            if let why = outsideArea(given: given, wgs84: c) {
                outside[i] = why
                continue
            }
            if let batchReach, let why = reachProblem(given: given, wgs84: c, radiusM: batchReach.metres, flag: batchReach.flag) {
                outside[i] = why
                continue
            }
            xs.append(c.lon)
            ys.append(c.lat)
        }
        let lonLat = (0..<xs.count).map { Coordinate(lon: xs[$0], lat: ys[$0]) }
        let failures = transformer.transformEach(xs: &xs, ys: &ys)
        var out: [Item] = []
        out.reserveCapacity(items.count)
        var k = 0
        for (i, item) in items.enumerated() {
            switch item {
            case let .problem(p):
                out.append(.unreadable(p))
            case let .query(q):
                if let why = outside[i] {
                    out.append(.unanswerable(QueryProjector.problem(q, why)))
                    continue
                }
                defer { k += 1 }
                if let reason = failures[k] {
                    out.append(.unanswerable(QueryProjector.problem(q, QueryProjector.unprojectable(Coordinate(lon: q.lon, lat: q.lat), crs, reason))))
                } else {
                    out.append(.point(q, Point(given: Coordinate(lon: q.lon, lat: q.lat), wgs84: lonLat[k], projected: Coordinate(x: xs[k], y: ys[k]))))
                }
            }
        }
        return out
    }

    /// The problem of a query that was read but cannot be answered, named by its line.
    static func problem(_ q: BatchQuery, _ message: String) -> BatchQueryProblem {
        BatchQueryProblem(location: q.location, line: q.line, message: message, id: q.id)
    }
}
