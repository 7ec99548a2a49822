/// Writes GeoJSON FeatureCollections that are byte-for-byte stable: one feature per line, keys in
/// a fixed order (type, id, properties, geometry), properties in their given order, coordinates
/// rounded to at most 7 decimals, polygons right-handed (RFC 7946).
public enum GeoJSONWriter {
    /// A feature's text (one line, no trailing newline).
    /// - Parameter realKeys: properties whose numbers are written as reals (`60.0`, not `60`), so
    ///   that tools that infer a field's type from the values (GDAL, pandas) see one type in every run.
    public static func feature(id: FeatureID?, properties: JSONObject, geometry: Geometry?, decimals: Int = 7, realKeys: Set<String> = []) -> String {
        var out = "{\"type\":\"Feature\""
        if let id {
            out += ",\"id\":"
            id.jsonValue.write(to: &out)
        }
        out += ",\"properties\":"
        JSONValue.object(properties).write(to: &out, realKeys: realKeys)
        out += ",\"geometry\":"
        if let geometry {
            geometry.writeGeoJSON(to: &out, decimals: decimals)
        } else {
            out += "null"
        }
        out += "}"
        return out
    }

    /// A whole FeatureCollection from feature texts made by `feature(...)`, with optional extra
    /// top-level members (written before "features", in the given order).
    public static func collection(_ features: [String], members: JSONObject = JSONObject()) -> String {
        var out = "{\"type\":\"FeatureCollection\""
        for (k, v) in members.pairs {
            out += ","
            JSONValue.writeString(k, to: &out)
            out += ":"
            v.write(to: &out)
        }
        out += ",\"features\":["
        for (i, f) in features.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            out += f
        }
        out += features.isEmpty ? "]}\n" : "\n]}\n"
        return out
    }
}
