import Geo

/// A CRS that cannot measure distances and areas in metres (geographic, geocentric, vertical,
/// compound, or projected in other units), with a metric CRS suggested for the dataset's area.
public struct NonMetricCRS: Error, Sendable, CustomStringConvertible {
    /// The CRS refused.
    public var crs: CRS
    /// PROJ's name of the CRS.
    public var name: String
    /// "a geographic CRS (axes in degree)".
    public var reason: String
    /// A projected CRS in metres for a point of the dataset's area, and its name.
    public var suggestion: CRS?
    /// PROJ's name of the suggested CRS, nil when there is no suggestion or PROJ has no name for it.
    public var suggestionName: String?

    /// "EPSG:4326 (WGS 84) is a geographic CRS …: distances and areas need a projected CRS in metres",
    /// with the suggested CRS when there is one.
    public var description: String {
        var text = "\(crs) (\(name)) is \(reason): distances and areas need a projected CRS in metres"
        if let suggestion {
            text += "; for this dataset's area use \(suggestion)" + (suggestionName.map { " (\($0))" } ?? "")
        }
        return text
    }
}

extension DatasetSource {
    /// Checks the `crs` override (`--crs`). A CRS PROJ does not know passes here: loading reports it.
    public func checkCRSOverride() throws(NonMetricCRS) {
        if let crs, let problem = nonMetric(crs) { throw problem }
    }

    /// The problem with `crs` as the dataset's CRS, or nil when it is metric or PROJ does not know it.
    func nonMetric(_ crs: CRS) -> NonMetricCRS? {
        guard let info = try? CRSInspection.of(crs), let reason = info.nonMetricReason else { return nil }
        var centre = areaCentre()
        if centre == nil { centre = info.area?.bounds.centre }
        let suggestion = centre.map { CRS.metricSuggestion(lon: $0.lon, lat: $0.lat) }
        return NonMetricCRS(crs: crs, name: info.name, reason: reason, suggestion: suggestion,
                            suggestionName: suggestion.flatMap { try? CRSInspection.of($0).name })
    }

    /// The centre of the districts' bounding box in longitude/latitude, nil when the layer cannot be read.
    func areaCentre() -> Coordinate? {
        let layer: GeoJSONLayer
        if let given = inMemory[.districts] {
            layer = given.layer
        } else {
            guard let bytes = try? InputFile.read(path(of: .districts)), let read = try? GeoJSONReader.read(bytes: bytes) else { return nil }
            layer = read
        }
        var west = Double.infinity, east = -Double.infinity, south = Double.infinity, north = -Double.infinity
        for f in layer.features {
            for c in f.geometry?.allCoordinates ?? [] where (-180...180).contains(c.lon) && (-90...90).contains(c.lat) {
                west = min(west, c.lon)
                east = max(east, c.lon)
                south = min(south, c.lat)
                north = max(north, c.lat)
            }
        }
        guard west <= east else { return nil }
        return Coordinate(lon: (west + east) / 2, lat: (south + north) / 2)
    }
}
