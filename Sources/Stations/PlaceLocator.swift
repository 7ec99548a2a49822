import Geo

/// Point-in-polygon lookups over every polygon layer: divisions, commercial areas and parking zones
/// (each under a GEOS STRtree of prepared polygons, in the metric CRS). Parking zones given as
/// points are matched when the query lies within `parkingPointM` metres of them.
public final class PlaceLocator {
    /// What contains a point: each found item as id, name and kind (kind only for divisions).
    public struct Found: Sendable {
        /// The divisions covering the point, in the dataset's order, with their kind.
        public var divisions: [(id: String, name: String?, kind: String?)]
        /// The commercial areas covering the point, in the dataset's order; kind nil.
        public var areas: [(id: String, name: String?, kind: String?)]
        /// The parking zones covering the point, or given as points within `parkingPointM` of it, in the
        /// dataset's order; kind nil.
        public var parking: [(id: String, name: String?, kind: String?)]
        /// Whether nothing contains the point.
        public var isEmpty: Bool { divisions.isEmpty && areas.isEmpty && parking.isEmpty }
    }

    let dataset: Dataset
    let districts: DistrictLookup
    let areas: PolygonIndex
    let parkingPolygons: PolygonIndex
    let parkingPolygonIDs: [Int]
    /// How near in metres a query must be to a parking zone given as a point to be in it (50 by
    /// default).
    public var parkingPointM: Double

    /// Indexes the dataset's divisions, commercial areas and polygonal parking zones. Throws when GEOS
    /// cannot prepare or index a polygon.
    public init(_ dataset: Dataset, parkingPointM: Double = 50) throws {
        self.dataset = dataset
        self.parkingPointM = parkingPointM
        districts = try DistrictLookup(dataset.districts)
        areas = try PolygonIndex(dataset.commercialAreas.map(\.projected))
        let polygonal = dataset.parkingZones.indices.filter { !dataset.parkingZones[$0].projected.polygons.isEmpty }
        parkingPolygonIDs = polygonal
        parkingPolygons = try PolygonIndex(polygonal.map { dataset.parkingZones[$0].projected })
    }

    /// What contains `projected` (a point in the metric CRS). Throws when a GEOS query fails.
    public func locate(_ projected: Coordinate) throws -> Found {
        let divisions = try districts.divisions(containing: projected).map { i -> (id: String, name: String?, kind: String?) in
            let d = dataset.districts[i]
            return (d.id, d.name, d.kind.rawValue)
        }
        let inAreas = try areas.covering(projected).map { i -> (id: String, name: String?, kind: String?) in
            (dataset.commercialAreas[i].id, dataset.commercialAreas[i].name, nil)
        }
        var parking = try parkingPolygons.covering(projected).map { parkingPolygonIDs[$0] }
        for (i, z) in dataset.parkingZones.enumerated() {
            if case let .point(c) = z.projected {
                let dx = c.x - projected.x, dy = c.y - projected.y
                if dx * dx + dy * dy <= parkingPointM * parkingPointM { parking.append(i) }
            }
        }
        parking.sort()
        return Found(divisions: divisions, areas: inAreas, parking: parking.map { (dataset.parkingZones[$0].id, dataset.parkingZones[$0].name, nil) })
    }
}
