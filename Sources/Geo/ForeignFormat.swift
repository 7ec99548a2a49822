/// Files of other GIS formats (and binary files) given where GeoJSON or CSV is read: told by their
/// first bytes (or, for a Shapefile's attribute table, the name), so that the message says what
/// the file is and how to convert it instead of a JSON or CSV syntax error at its first byte.
public enum ForeignFormat {
    /// What the file is, for example "an ESRI Shapefile", or nil when it may be GeoJSON or CSV
    /// (text in UTF-8) or is one that the readers name themselves (UTF-16, UTF-32, Excel
    /// workbooks).
    public static func name(of bytes: [UInt8], file: String) -> String? {
        let lower = file.lowercased()
        if bytes.starts(with: [0x00, 0x00, 0x27, 0x0A]) { return "an ESRI Shapefile" }
        if lower.hasSuffix(".shp") { return "an ESRI Shapefile" }
        if lower.hasSuffix(".dbf") || lower.hasSuffix(".shx") { return "a part of an ESRI Shapefile" }
        if bytes.starts(with: [0x66, 0x67, 0x62, 0x03]) { return "a FlatGeobuf file" }
        if bytes.first == 0x1E { return "GeoJSON text sequences (GeoJSONSeq, RFC 8142)" }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]), lower.hasSuffix(".zip") || lower.hasSuffix(".kmz") {
            return "a ZIP archive (a zipped Shapefile or KMZ)"
        }
        let text = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        if text.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) == UInt8(ascii: "<") {
            return "XML (KML, GML or GPX)"
        }
        // A zero byte in text: binary. UTF-16 and UTF-32, with a byte order mark or zero bytes
        // at the start, are left to the readers, which name them.
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return nil }
        // So are Excel and WPS workbooks (.xlsx, a ZIP; .xls), which the CSV reader names.
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return nil }
        let head = text.prefix(4096)
        if head.count >= 2, head[head.startIndex] != 0, head[head.startIndex + 1] != 0, head.contains(0) {
            return binary
        }
        return nil
    }

    /// The whole advice: what the file is and the ogr2ogr command that converts it to GeoJSON.
    public static func advice(_ name: String, file: String) -> String {
        if name == binary { return "the file is binary (it holds zero bytes), not GeoJSON or CSV text" }
        return "the file is \(name), not GeoJSON or CSV: convert it first, e.g. ogr2ogr -f GeoJSON layer.geojson \(file)"
    }

    /// The name of a file of no known format that holds zero bytes.
    static let binary = "a binary file"
}
