import Geo

/// Query points as the user gives them (longitude/latitude in a map datum) brought to WGS84 and
/// to the dataset's metric CRS, one at a time or a whole batch chunk in one PROJ call.
public struct QueryProjector: Sendable {
    public let datum: MapDatum
    public let crs: CRS
    let transformer: CoordinateTransformer

    /// A query point: as given, in WGS84, and in the metric CRS.
    public struct Point: Sendable {
        public var given: Coordinate
        public var wgs84: Coordinate
        public var projected: Coordinate
    }

    public init(datum: MapDatum, crs: CRS) throws {
        self.datum = datum
        self.crs = crs
        self.transformer = try CoordinateTransformer.shared(from: .wgs84, to: crs)
    }

    /// One point.
    public func project(lon: Double, lat: Double) throws -> Point {
        let given = Coordinate(lon: lon, lat: lat)
        let wgs84 = MapDatum.convert(given, from: datum, to: .wgs84)
        return Point(given: given, wgs84: wgs84, projected: try transformer.transform(wgs84))
    }

    /// A batch item brought to the metric CRS, or the problem that keeps it from being answered.
    public enum Item: Sendable {
        case point(BatchQuery, Point)
        case problem(BatchQueryProblem)
    }

    /// A chunk of batch items, in order: for each query its point, for each unreadable line its problem.
    public func project(_ items: [BatchQueryItem]) throws -> [Item] {
        var xs: [Double] = []
        var ys: [Double] = []
        xs.reserveCapacity(items.count)
        ys.reserveCapacity(items.count)
        for item in items {
            guard case let .query(q) = item else { continue }
            let c = MapDatum.convert(Coordinate(lon: q.lon, lat: q.lat), from: datum, to: .wgs84)
            xs.append(c.lon)
            ys.append(c.lat)
        }
        let lonLat = (0..<xs.count).map { Coordinate(lon: xs[$0], lat: ys[$0]) }
        try transformer.transform(xs: &xs, ys: &ys)
        var next = 0
        return items.map { item in
            switch item {
            case let .query(q):
                defer { next += 1 }
                return .point(q, Point(given: Coordinate(lon: q.lon, lat: q.lat), wgs84: lonLat[next], projected: Coordinate(x: xs[next], y: ys[next])))
            case let .problem(p):
                return .problem(p)
            }
        }
    }
}
