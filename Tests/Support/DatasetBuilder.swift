import Foundation
import Geo
import Stations

/// Writes small datasets to a temporary folder and loads them through the public loader
/// (shared by the Planning and CLI tests).
public struct DatasetBuilder {
    public var districts: [(id: String, ring: [(Double, Double)])] = []
    public var stations: [(id: String, kind: String, seats: Int, lon: Double, lat: Double)] = []
    public var demand: [(id: String, weight: Double, lon: Double, lat: Double)] = []
    /// Commercial areas with their peak riders (none by default).
    public var areas: [(id: String, peakRiders: Double, ring: [(Double, Double)])] = []
    public var radius = 1000.0
    /// Opening hours by station id (stations not listed have none: always open).
    public var stationHours: [String: String] = [:]
    /// radius_m by district id.
    public var districtRadius: [String: Double] = [:]
    /// Extra members of dataset.json, e.g. `"stay_min":30`.
    public var manifestExtra = ""

    public static func feature(_ properties: String, _ geometry: String) -> String {
        "{\"type\":\"Feature\",\"properties\":{\(properties)},\"geometry\":\(geometry)}"
    }

    public static func collection(_ features: [String]) -> String {
        "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}"
    }

    public init() {}

    public func write() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nuanxin-planning-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func put(_ name: String, _ text: String) throws {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try put("dataset.json", "{\"name\":\"test\",\"crs\":\"EPSG:4547\",\"radius_m\":\(radius),\"default_seats\":5\(manifestExtra.isEmpty ? "" : "," + manifestExtra)}")
        try put("districts.geojson", DatasetBuilder.collection(districts.map { d in
            let ring = d.ring.map { "[\($0.0),\($0.1)]" }.joined(separator: ",")
            let r = districtRadius[d.id].map { ",\"radius_m\":\($0)" } ?? ""
            return DatasetBuilder.feature("\"id\":\"\(d.id)\",\"name\":\"\(d.id)\"\(r)", "{\"type\":\"Polygon\",\"coordinates\":[[\(ring)]]}")
        }))
        try put("stations.geojson", DatasetBuilder.collection(stations.map { s in
            let h = stationHours[s.id].map { ",\"hours\":\"\($0)\"" } ?? ""
            return DatasetBuilder.feature("\"id\":\"\(s.id)\",\"name\":\"\(s.id)\",\"kind\":\"\(s.kind)\",\"seats\":\(s.seats)\(h)", "{\"type\":\"Point\",\"coordinates\":[\(s.lon),\(s.lat)]}")
        }))
        try put("demand.geojson", DatasetBuilder.collection(demand.map { d in
            DatasetBuilder.feature("\"id\":\"\(d.id)\",\"weight\":\(d.weight)", "{\"type\":\"Point\",\"coordinates\":[\(d.lon),\(d.lat)]}")
        }))
        try put("commercial_areas.geojson", DatasetBuilder.collection(areas.map { a in
            let ring = a.ring.map { "[\($0.0),\($0.1)]" }.joined(separator: ",")
            return DatasetBuilder.feature("\"id\":\"\(a.id)\",\"name\":\"\(a.id)\",\"peak_riders\":\(a.peakRiders)", "{\"type\":\"Polygon\",\"coordinates\":[[\(ring)]]}")
        }))
        try put("parking_zones.geojson", DatasetBuilder.collection([]))
        return folder
    }

    public func load() throws -> Dataset {
        let folder = try write()
        defer { try? FileManager.default.removeItem(at: folder) }
        return try DatasetLoader.load(DatasetSource(folder: folder.path))
    }

    public static func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [(Double, Double)] {
        [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    }
}
