import CPROJ

/// Distances and azimuths on the WGS84 ellipsoid (Karney's algorithm, PROJ's geodesic.h).
public enum Geodesic {
    /// Set up once and never written again (read-only for PROJ), so shared by every thread; a
    /// pointer, so that a call does not copy the ~400-byte struct.
    nonisolated(unsafe) private static let wgs84: UnsafeMutablePointer<geod_geodesic> = {
        let g = UnsafeMutablePointer<geod_geodesic>.allocate(capacity: 1)
        g.initialize(to: geod_geodesic())
        geod_init(g, 6_378_137, 1 / 298.257223563)
        return g
    }()

    /// The result of an inverse problem: distance in metres, azimuths in degrees clockwise from north.
    public struct Inverse: Hashable, Sendable {
        /// Geodesic distance in metres.
        public var distance: Double
        /// Azimuth at the start point, degrees clockwise from north.
        public var initialAzimuth: Double
        /// Azimuth at the end point, degrees clockwise from north.
        public var finalAzimuth: Double
    }

    /// Solves the inverse problem between two lon/lat points on WGS84: distance and azimuths.
    public static func inverse(from a: Coordinate, to b: Coordinate) -> Inverse {
        var s12 = 0.0, azi1 = 0.0, azi2 = 0.0
        geod_inverse(wgs84, a.lat, a.lon, b.lat, b.lon, &s12, &azi1, &azi2)
        return Inverse(distance: s12, initialAzimuth: azi1, finalAzimuth: azi2)
    }

    /// Geodesic distance in metres between two lon/lat points: `inverse(from:to:).distance`, bit
    /// for bit, without computing the azimuths.
    public static func distance(from a: Coordinate, to b: Coordinate) -> Double {
        var s12 = 0.0
        geod_inverse(wgs84, a.lat, a.lon, b.lat, b.lon, &s12, nil, nil)
        return s12
    }

    /// The point reached from `start` after `distance` metres at `azimuth` degrees.
    public static func destination(from start: Coordinate, azimuth: Double, distance: Double) -> Coordinate {
        var lat = 0.0, lon = 0.0
        geod_direct(wgs84, start.lat, start.lon, azimuth, distance, &lat, &lon, nil)
        return Coordinate(lon: lon, lat: lat)
    }
}
