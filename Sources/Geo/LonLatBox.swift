import Foundation

/// A box of WGS84 longitudes and latitudes: `west`...`east` and `south`...`north`, in degrees.
///
/// One convention for every box (a CRS's area of use, the box of a dataset's points, the reach of
/// circles around them): `east` ≥ `west`, and a box that crosses the antimeridian runs past 180
/// (Fiji, 176.81°E–178.15°W, is `west` 176.81, `east` 181.85). PROJ reports such an area with
/// `west` > `east`; `init(proj:south:east:north:)` is the one conversion from that form.
public struct LonLatBox: Sendable, Hashable {
    /// Western bound, degrees of longitude.
    public var west: Double
    /// Southern bound, degrees of latitude.
    public var south: Double
    /// Eastern bound, degrees of longitude (≥ `west`; above 180 across the antimeridian).
    public var east: Double
    /// Northern bound, degrees of latitude.
    public var north: Double

    /// A box from its bounds, taken as given (`east` ≥ `west`; past 180 across the antimeridian).
    public init(west: Double, south: Double, east: Double, north: Double) {
        self.west = west
        self.south = south
        self.east = east
        self.north = north
    }

    /// A box from bounds in PROJ's form (`proj_get_area_of_use`): longitudes in ±180 and `west` >
    /// `east` when the box crosses the antimeridian, which becomes `east + 360`. Bounds already in
    /// this type's form (`east` ≥ `west`) are kept.
    public init(proj west: Double, south: Double, east: Double, north: Double) {
        self.init(west: west, south: south, east: east < west ? east + 360 : east, north: north)
    }

    /// A point as a box of no size.
    public init(_ c: Coordinate) {
        self.init(west: c.lon, south: c.lat, east: c.lon, north: c.lat)
    }

    /// The smallest box holding every point (longitudes in ±180), taken across the
    /// antimeridian when that is narrower; nil when there is none.
    public init?<S: Sequence>(covering points: S) where S.Element == Coordinate {
        var builder = Builder()
        for c in points { builder.add(c) }
        guard let box = builder.box else { return nil }
        self = box
    }

    /// Degrees of longitude from `west` to `east`.
    public var width: Double { east - west }

    /// Whether the box crosses the antimeridian (its eastern bound is past 180).
    public var crossesAntimeridian: Bool { east > 180 }

    /// The box's middle, its longitude brought into [-180, 180) (across the antimeridian the
    /// middle of `west` and an `east` past 180).
    public var centre: Coordinate { Coordinate(lon: LonLatBox.wrapped((west + east) / 2), lat: (south + north) / 2) }

    /// Whether a WGS84 point lies inside the box widened by `marginDegrees` on every side. The
    /// point's longitude is compared in every turn of the globe (±360), so a point given past ±180
    /// (a search circle's eastern or western extreme) is where it is on the globe.
    public func contains(_ c: Coordinate, marginDegrees: Double = 0) -> Bool {
        guard c.lat >= south - marginDegrees, c.lat <= north + marginDegrees else { return false }
        let low = west - marginDegrees, high = east + marginDegrees
        if c.lon >= low && c.lon <= high || high - low >= 360 { return true }
        let lon = LonLatBox.wrapped(c.lon)
        return (lon >= low && lon <= high) || (lon + 360 >= low && lon + 360 <= high) || (lon - 360 >= low && lon - 360 <= high)
    }

    /// A longitude brought into [-180, 180).
    public static func wrapped(_ lon: Double) -> Double {
        guard lon.isFinite else { return lon }
        var l = (lon + 180).truncatingRemainder(dividingBy: 360)
        if l < 0 { l += 360 }
        return l - 180
    }

    /// The bounds as text in degrees east/west and north/south, e.g. "112.5°E–115.5°E,
    /// 21.52°N–45.45°N" (Fiji: "176.81°E–178.15°W, ..."); a bound past ±180 is given on the
    /// globe, ±180 itself as it is.
    public var description: String {
        func d(_ v: Double, _ pos: String, _ neg: String) -> String {
            var text = String(format: "%.2f", abs(v))
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text + "°" + (v < 0 ? neg : pos)
        }
        func globe(_ lon: Double) -> Double { lon > 180 || lon < -180 ? LonLatBox.wrapped(lon) : lon }
        return "\(d(globe(west), "E", "W"))–\(d(globe(east), "E", "W")), \(d(south, "N", "S"))–\(d(north, "N", "S"))"
    }

    /// The bounds as decimal text, longitudes in [-180, 180): "lon 112.90–113.30, lat 35.90–36.40".
    public var text: String {
        "lon \(String(format: "%.2f", LonLatBox.wrapped(west)))–\(String(format: "%.2f", LonLatBox.wrapped(east))), lat \(String(format: "%.2f", south))–\(String(format: "%.2f", north))"
    }

    /// The box of points added one at a time (several layers without an array of them all), as
    /// `init(covering:)` makes it: across the antimeridian when that is narrower.
    public struct Builder: Sendable {
        var south = Double.infinity, north = -Double.infinity
        // Longitudes as given, and brought into [0, 360): the narrower span wins.
        var west = Double.infinity, east = -Double.infinity, west360 = Double.infinity, east360 = -Double.infinity

        /// An empty box.
        public init() {}

        /// Grows the box to hold `c` (WGS84, longitude in ±180).
        @inline(__always)
        public mutating func add(_ c: Coordinate) {
            south = min(south, c.lat)
            north = max(north, c.lat)
            west = min(west, c.lon)
            east = max(east, c.lon)
            let shifted = c.lon < 0 ? c.lon + 360 : c.lon
            west360 = min(west360, shifted)
            east360 = max(east360, shifted)
        }

        /// The box of the points added; nil when none was.
        public var box: LonLatBox? {
            guard south <= north else { return nil }
            if east360 - west360 < east - west { return LonLatBox(west: west360, south: south, east: east360, north: north) }
            return LonLatBox(west: west, south: south, east: east, north: north)
        }
    }
}
