import Geo

/// Which divisions contain a point, through prepared district polygons under an STRtree (in the
/// dataset's metric CRS). Zones may overlap districts, so a point can be in several.
/// Belongs to the thread that made it (GEOS objects).
public final class DistrictLookup {
    /// The divisions looked up, in the order given; indices refer to this array.
    public let districts: [District]
    private let index: PolygonIndex

    /// A lookup over `districts`' metric geometries. Throws when GEOS cannot prepare or index them.
    public init(_ districts: [District]) throws {
        self.districts = districts
        self.index = try PolygonIndex(districts.map(\.projected))
    }

    /// Indices (ascending) into `districts` of the divisions covering a projected point.
    public func divisions(containing projected: Coordinate) throws -> [Int] {
        try index.covering(projected)
    }

    /// `divisions(containing:)` written into `found` (emptied first, its capacity kept).
    public func divisions(containing projected: Coordinate, into found: inout [Int]) throws {
        try index.covering(projected, into: &found)
    }

    /// The first non-zone division containing the point (the county-level division), if any.
    public func primaryDivision(containing projected: Coordinate) throws -> Int? {
        let hits = try divisions(containing: projected)
        return hits.first { districts[$0].kind != .zone } ?? hits.first
    }
}
