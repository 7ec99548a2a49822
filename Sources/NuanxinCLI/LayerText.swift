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

    static func geoJSON(_ items: [(id: String, properties: JSONObject, geometry: Geometry)]) -> String {
        GeoJSONWriter.collection(items.map { GeoJSONWriter.feature(id: .string($0.id), properties: $0.properties, geometry: $0.geometry) })
    }
}
