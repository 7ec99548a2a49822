extension GeoJSONReader {
    static let precisionMessage = "coordinates have more than 7 decimals (finer than 1 cm); output is rounded to 7"

    /// One warning for the whole file instead of one per feature with coordinates finer than 7
    /// decimals (files from shapely, geojson.io and GDAL usually have them all), saying how many
    /// features and which was the first. It takes the place of the first one.
    static func summarisingPrecision(_ issues: [GeoJSONIssue]) -> [GeoJSONIssue] {
        let precise = issues.indices.filter { issues[$0].severity == .warning && issues[$0].message == precisionMessage }
        guard let first = precise.first else { return issues }
        let f = issues[first]
        let which = f.featureIndex.map { "; the first is feature \($0)\(f.featureID.map { ", id \($0)" } ?? "")" } ?? ""
        let summary = GeoJSONIssue(.warning, "coordinates of \(precise.count) feature\(precise.count == 1 ? "" : "s") have more than 7 decimals (finer than 1 cm\(which)); output is rounded to 7")
        var out: [GeoJSONIssue] = []
        out.reserveCapacity(issues.count - precise.count + 1)
        let dropped = Set(precise)
        for (i, issue) in issues.enumerated() {
            if i == first { out.append(summary) } else if !dropped.contains(i) { out.append(issue) }
        }
        return out
    }
}
