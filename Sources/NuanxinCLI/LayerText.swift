import Geo
import Stations

/// GeoJSON text of a dataset layer as loaded (WGS84, original properties in their order).
enum LayerText {
    static func geoJSON(_ items: [LayerFeature]) -> String {
        GeoJSONWriter.collection(items.map { GeoJSONWriter.feature(id: .string($0.id), properties: $0.properties, geometry: $0.geometry) })
    }
}
