import Geo

/// Point-in-polygon lookups over every polygon layer: divisions, commercial areas and parking zones
/// (each under a GEOS STRtree of prepared polygons, in the metric CRS). Parking zones given as
/// points are matched when the query lies within `parkingPointM` metres of them.
public final class PlaceLocator {
    public struct Found: Sendable {
        public var divisions: [(id: String, name: String?, kind: String?)]
        public var areas: [(id: String, name: String?, kind: String?)]
        public var parking: [(id: String, name: String?, kind: String?)]
        public var isEmpty: Bool { divisions.isEmpty && areas.isEmpty && parking.isEmpty }
    }

    let dataset: Dataset
    let districts: DistrictLookup
    let areas: PolygonIndex
    let parkingPolygons: PolygonIndex
    let parkingPolygonIDs: [Int]
    public var parkingPointM: Double

    public init(_ dataset: Dataset, parkingPointM: Double = 50) throws {
        self.dataset = dataset
        self.parkingPointM = parkingPointM
        districts = try DistrictLookup(dataset.districts)
        areas = try PolygonIndex(dataset.commercialAreas.map(\.projected))
        let polygonal = dataset.parkingZones.indices.filter { !dataset.parkingZones[$0].projected.polygons.isEmpty }
        parkingPolygonIDs = polygonal
        parkingPolygons = try PolygonIndex(polygonal.map { dataset.parkingZones[$0].projected })
    }

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
