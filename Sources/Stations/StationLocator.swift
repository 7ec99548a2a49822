import Geo

/// Nearest and within-radius station queries over a static point index of the stations in the
/// dataset's metric CRS. Ranking and `maxDistance`/radius use straight-line metres in that CRS;
/// reported distances are geodesic (WGS84).
/// `Sendable`: one locator serves every thread of a batch.
public struct StationLocator: Sendable {
    /// The stations indexed; `Match.station` indexes this array.
    public let stations: [Station]
    let index: PointIndex

    /// A found station: its index in `stations`, planar and geodesic distance in metres.
    public struct Match: Hashable, Sendable {
        /// The index of the station in `stations`.
        public var station: Int
        /// Straight-line distance in metres in the metric CRS.
        public var planarM: Double
        /// Geodesic distance in metres (WGS84) from the query to the station.
        public var geodesicM: Double
    }

    /// Indexes `stations` by their metric coordinates. Throws `GeoError.invalidInput` for a non-finite
    /// coordinate or more stations than a 32-bit index holds.
    public init(stations: [Station]) throws {
        self.stations = stations
        self.index = try PointIndex(stations.map(\.projected), categories: stations.map(StationLocator.categories))
    }

    /// One bit per kind (bits 0-7), one per service the station offers (bits 8-31, see
    /// `Station.offers(_:)`), one for "offers rest" (bit 40).
    static func categories(_ s: Station) -> UInt64 {
        var bits = kindBit(s.kind)
        for service in StationService.allCases where s.offers(service) { bits |= serviceBit(service) }
        if s.offersRest { bits |= restBit }
        return bits
    }

    static func kindBit(_ k: StationKind) -> UInt64 { 1 << UInt64(StationKind.allCases.firstIndex(of: k)!) }
    static func serviceBit(_ s: StationService) -> UInt64 { 1 << UInt64(8 + StationService.allCases.firstIndex(of: s)!) }
    static let restBit: UInt64 = 1 << 40

    /// A filter: stations of any of `kinds` (all kinds when empty) offering every one of `services`;
    /// `restOnly` keeps only stations that offer rest.
    public static func filter(kinds: [StationKind] = [], services: [StationService] = [], restOnly: Bool = false) -> PointIndex.Filter {
        var required: UInt64 = 0
        for s in services { required |= serviceBit(s) }
        if restOnly { required |= restBit }
        var any: UInt64 = 0
        for k in kinds { any |= kindBit(k) }
        return PointIndex.Filter(requiredBits: required, anyOfBits: any)
    }

    /// Whether there are no stations.
    public var isEmpty: Bool { stations.isEmpty }

    func match(_ n: PointIndex.Neighbor, query: Coordinate) -> Match {
        Match(station: n.index, planarM: n.distance, geodesicM: Geodesic.distance(from: query, to: stations[n.index].location))
    }

    /// The k nearest stations (all ties at the k-th distance included), nearest first.
    /// - Parameters: `projected` is the query in the metric CRS, `lonLat` the same point in WGS84.
    public func nearest(projected: Coordinate, lonLat: Coordinate, k: Int = 1, filter: PointIndex.Filter = .all, maxDistance: Double? = nil) -> [Match] {
        index.nearest(to: projected, k: k, filter: filter, maxDistance: maxDistance).map { match($0, query: lonLat) }
    }

    /// Every station within `radius` metres, nearest first.
    public func within(projected: Coordinate, lonLat: Coordinate, radius: Double, filter: PointIndex.Filter = .all) -> [Match] {
        index.within(radius: radius, of: projected, filter: filter).map { match($0, query: lonLat) }
    }

    /// Batch k-nearest on all cores into a reusable `NeighborBatch`.
    public func nearest(projected: [Coordinate], k: Int, filter: PointIndex.Filter, maxDistance: Double?, into batch: inout NeighborBatch) {
        index.nearest(to: projected, k: k, filter: filter, maxDistance: maxDistance, into: &batch)
    }

    /// Batch within-radius on all cores.
    public func within(projected: [Coordinate], radius: Double, filter: PointIndex.Filter, into batch: inout NeighborBatch) {
        index.within(radius: radius, of: projected, filter: filter, into: &batch)
    }
}
