import Geo
import Stations

/// GeoJSON text of a dataset layer as loaded (WGS84, original properties in their order).
enum LayerText {
    /// The layer as GeoJSON with its known fields in their fixed types (see `LayerSchema`): reals as
    /// `60.0`, counts as integers, text as strings, lists as arrays, whatever form the input had.
    /// The `id` property and other properties are written as given (a numeric id stays a number).
    static func geoJSON(_ items: [LayerFeature], layer: Layer) -> String {
        let schema = LayerSchema(fields: LayerSchema.known(layer))
        let reals = LayerSchema.knownReals(layer)
        return GeoJSONWriter.collection(items.map {
            let properties = schema.normalise($0.properties)
            return GeoJSONWriter.feature(id: .string($0.id), properties: properties, geometry: $0.geometry, realKeys: reals)
        })
    }
}
