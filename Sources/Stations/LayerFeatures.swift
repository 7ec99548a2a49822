import Geo

/// A feature of a dataset layer as loaded: its id, original properties in their order, and its
/// WGS84 geometry.
public typealias LayerFeature = (id: String, properties: JSONObject, geometry: Geometry)

extension Dataset {
    /// The features of one layer, in layer order (what `export` writes and `import` merges into).
    public func features(of layer: Layer) -> [LayerFeature] {
        switch layer {
        case .districts: return districts.map { ($0.id, $0.properties, $0.geometry) }
        case .stations: return stations.map { ($0.id, $0.properties, .point($0.location)) }
        case .parking: return parkingZones.map { ($0.id, $0.properties, $0.geometry) }
        case .areas: return commercialAreas.map { ($0.id, $0.properties, $0.geometry) }
        case .demand: return demand.map { ($0.id, $0.properties, .point($0.location)) }
        case .candidates: return candidates.map { ($0.id, $0.properties, .point($0.location)) }
        }
    }
}
