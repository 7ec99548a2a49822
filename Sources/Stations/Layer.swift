/// The layers of a dataset folder, one GeoJSON file each.
public enum Layer: String, CaseIterable, Sendable {
    /// Districts (and other divisions), stations, parking zones, commercial areas, demand points and
    /// candidate sites.
    case districts, stations, parking, areas, demand, candidates

    /// The file inside a dataset folder.
    public var fileName: String {
        switch self {
        case .districts: return "districts.geojson"
        case .stations: return "stations.geojson"
        case .parking: return "parking_zones.geojson"
        case .areas: return "commercial_areas.geojson"
        case .demand: return "demand.geojson"
        case .candidates: return "candidates.geojson"
        }
    }

    /// Only candidates may be absent.
    public var isOptional: Bool { self == .candidates }

    /// Accepts the short names and the file stems (`parking_zones`, `commercial_areas`).
    public init?(name: String) {
        switch name.lowercased() {
        case "districts", "zones": self = .districts
        case "stations": self = .stations
        case "parking", "parking_zones": self = .parking
        case "areas", "commercial_areas": self = .areas
        case "demand": self = .demand
        case "candidates": self = .candidates
        default: return nil
        }
    }
}
