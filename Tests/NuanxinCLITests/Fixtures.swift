import Foundation
import Testing

/// Copies of the test fixtures in a temporary folder, so tests can break them.
enum Fixtures {
    static let tiny = CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/tiny")

    /// A fresh copy of the tiny dataset; `edit` may rewrite its files.
    static func tinyCopy(_ edit: (URL) throws -> Void = { _ in }) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nuanxin-test-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: tiny, to: folder)
        try edit(folder)
        return folder
    }

    /// A copy of the tiny dataset moved by `dLon`, `dLat` degrees (every layer's coordinates), for
    /// a CRS of another place (`crs`, written to the manifest) whose area of use must hold it.
    static func movedTinyCopy(dLon: Double, dLat: Double, crs: String) throws -> URL {
        func move(_ value: Any) -> Any {
            guard let array = value as? [Any] else { return value }
            if array.count >= 2, let lon = (array[0] as? NSNumber)?.doubleValue, let lat = (array[1] as? NSNumber)?.doubleValue {
                return [lon + dLon, lat + dLat] + array.dropFirst(2)
            }
            return array.map(move)
        }
        return try tinyCopy { dir in
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".geojson") {
                try editJSON(dir.appendingPathComponent(name)) { fc in
                    fc["features"] = (fc["features"] as! [[String: Any]]).map { f in
                        var f = f
                        if var g = f["geometry"] as? [String: Any], let c = g["coordinates"] {
                            g["coordinates"] = move(c)
                            f["geometry"] = g
                        }
                        return f
                    }
                }
            }
            try editJSON(dir.appendingPathComponent("dataset.json")) { $0["crs"] = crs }
        }
    }

    /// Rewrites a JSON file through a closure over its parsed object.
    static func editJSON(_ url: URL, _ change: (inout [String: Any]) -> Void) throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    /// Changes the properties or geometry of feature `index` in a FeatureCollection file.
    static func editFeature(_ url: URL, _ index: Int, _ change: (inout [String: Any]) -> Void) throws {
        try editJSON(url) { fc in
            var features = fc["features"] as! [[String: Any]]
            change(&features[index])
            fc["features"] = features
        }
    }

    static func setProperty(_ url: URL, _ index: Int, _ key: String, _ value: Any) throws {
        try editFeature(url, index) { f in
            var p = f["properties"] as! [String: Any]
            p[key] = value
            f["properties"] = p
        }
    }

    static func setGeometry(_ url: URL, _ index: Int, _ geometry: [String: Any]) throws {
        try editFeature(url, index) { f in f["geometry"] = geometry }
    }

    /// One rest station inside district A of the tiny dataset, as CSV (a `--with` scenario).
    static let extraStationCSV = "id,name,kind,lon,lat\nx1,Extra,warm_station,113.06,36.06\n"

    /// Writes `extraStationCSV` into `folder` as `name`; its URL.
    static func extraStation(in folder: URL, name: String = "extra.csv") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(extraStationCSV.utf8).write(to: url)
        return url
    }

    /// What every refusal of a circle leaving the tiny dataset's CRS (EPSG:4547) says of its area.
    static let outsideTinyArea = "more than 3° outside the area of use of EPSG:4547 (112.5°E–115.5°E, 21.52°N–45.45°N)"

    /// Runs `arguments` and expects a circle refused for leaving EPSG:4547's area of use: exit 65,
    /// stderr starting with `prefix` (after "nuanxin: ") and naming the area, nothing on stdout.
    @discardableResult
    static func expectOutsideTinyArea(_ arguments: [String], prefix: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIResult {
        let r = try CLI.run(arguments)
        let what = arguments.prefix(3).joined(separator: " ")
        #expect(r.status == 65, "\(what): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("nuanxin: " + prefix), "\(what): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(outsideTinyArea), "\(what): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, "\(what)", sourceLocation: sourceLocation)
        return r
    }
}
