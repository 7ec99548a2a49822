import Foundation
import Testing

@Suite("import")
struct ImportTests {
    static let testdata: URL? = CLI.shared.map { $0.appendingPathComponent("testdata/changzhi-districts-datav-gcj02.geojson") }
        .flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }

    /// The counties' published land areas (km²).
    static let expectedAreas: [String: Double] = [
        "140403": 347, "140404": 475, "140405": 1180, "140406": 610, "140423": 1171, "140425": 1519,
        "140426": 1119, "140427": 1015, "140428": 1032, "140429": 1619, "140430": 1322, "140431": 2576,
    ]

    @Test("the real GCJ-02 district boundaries import as 12 valid districts within 3% of the published areas",
          .enabled(if: ImportTests.testdata != nil))
    func realDistricts() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["import", "--layer", "districts", ImportTests.testdata!.path, "--input-crs", "gcj02", "--data", folder.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("imported 12 feature(s)"))
        let v = try CLI.run(["validate", "--data", folder.path, "--format", "json"])
        #expect(v.status == 0, "\(v.stdout)")
        let info = try CLI.run(["info", "--data", folder.path, "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as! [String: Any]
        let rows = (json["districts"] as! [[String: Any]]).filter { ImportTests.expectedAreas[$0["id"] as! String] != nil }
        #expect(rows.count == 12)
        for row in rows {
            let id = row["id"] as! String
            let area = row["area_km2"] as! Double
            let expected = ImportTests.expectedAreas[id]!
            #expect(abs(area - expected) / expected < 0.03, "\(id): \(area) km² vs \(expected)")
        }
        let kinds = Dictionary(rows.map { ($0["name"] as! String, $0["kind"] as! String) }, uniquingKeysWith: { a, _ in a })
        #expect(kinds["潞州区"] == "district" && kinds["沁源县"] == "county")
        // Written right-handed, converted to WGS84: Luzhou's seat lies inside Luzhou.
        let located = try CLI.run(["export", "--layer", "districts", "--format", "geojson", "--data", folder.path])
        #expect(located.status == 0)
    }

    @Test("importing an id that exists is refused unless --replace, and the file is untouched")
    func duplicateIDs() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let incoming = folder.appendingPathComponent("more.geojson")
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"s1","name":"新驿站","kind":"warm_station","seats":3},"geometry":{"type":"Point","coordinates":[113.06,36.06]}},{"type":"Feature","properties":{"id":"s9","name":"另一站","kind":"union_station"},"geometry":{"type":"Point","coordinates":[113.07,36.07]}}]}"#.write(to: incoming, atomically: true, encoding: .utf8)
        let stations = folder.appendingPathComponent("stations.geojson")
        let before = try Data(contentsOf: stations)
        let refused = try CLI.run(["import", "--layer", "stations", incoming.path, "--data", folder.path])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("s1") && refused.stderr.contains("--replace"))
        #expect(try Data(contentsOf: stations) == before)
        let ok = try CLI.run(["import", "--layer", "stations", incoming.path, "--data", folder.path, "--replace"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let export = try CLI.run(["export", "--layer", "stations", "--format", "geojson", "--data", folder.path])
        #expect(export.stdout.contains("新驿站") && export.stdout.contains("另一站") && !export.stdout.contains("驿站一"))
    }

    @Test("a bad feature in the imported file is named by that file and index; nothing is written")
    func badImport() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let incoming = folder.appendingPathComponent("bad.geojson")
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"s7","name":"x","kind":"teahouse"},"geometry":{"type":"Point","coordinates":[113.06,36.06]}}]}"#.write(to: incoming, atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: folder.appendingPathComponent("stations.geojson"))
        let r = try CLI.run(["import", "--layer", "stations", incoming.path, "--data", folder.path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("bad.geojson: feature 0 (id s7): unknown kind \"teahouse\""))
        #expect(try Data(contentsOf: folder.appendingPathComponent("stations.geojson")) == before)
    }
}
