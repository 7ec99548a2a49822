import Foundation

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
}
