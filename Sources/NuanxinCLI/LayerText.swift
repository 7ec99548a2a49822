import Geo
import Stations

/// GeoJSON text of a dataset layer as loaded (WGS84, original properties in their order).
enum LayerText {
    static func features(_ dataset: Dataset, _ layer: Layer) -> [(id: String, properties: JSONObject, geometry: Geometry)] {
        switch layer {
        case .districts: return dataset.districts.map { ($0.id, $0.properties, $0.geometry) }
        case .stations: return dataset.stations.map { ($0.id, $0.properties, .point($0.location)) }
        case .parking: return dataset.parkingZones.map { ($0.id, $0.properties, $0.geometry) }
        case .areas: return dataset.commercialAreas.map { ($0.id, $0.properties, $0.geometry) }
        case .demand: return dataset.demand.map { ($0.id, $0.properties, .point($0.location)) }
        case .candidates: return dataset.candidates.map { ($0.id, $0.properties, .point($0.location)) }
        }
    }

    /// The layer as GeoJSON with its fields in their fixed types (see `LayerSchema`): ids and other
    /// text as strings, reals as `60.0`, lists as arrays, whatever form the input had.
    static func geoJSON(_ items: [(id: String, properties: JSONObject, geometry: Geometry)], layer: Layer) -> String {
        let schema = LayerSchema.of(layer, properties: items.map(\.properties))
        let reals = schema.realFields
        return GeoJSONWriter.collection(items.map {
            var properties = schema.normalise($0.properties)
            if properties["id"] != nil { properties["id"] = .string($0.id) }
            return GeoJSONWriter.feature(id: .string($0.id), properties: properties, geometry: $0.geometry, realKeys: reals)
        })
    }
}
