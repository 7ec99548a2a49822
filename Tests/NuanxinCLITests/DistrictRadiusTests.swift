import TestSupport
import Foundation
import Testing

@Suite("service radius per district")
struct DistrictRadiusTests {
    func coverage(_ folder: URL, _ extra: [String] = []) throws -> [String: [String: Any]] {
        let r = try CLI.run(["coverage", "--format", "json", "--data", folder.path] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        var out: [String: [String: Any]] = [:]
        for row in doc["districts"] as! [[String: Any]] { out[row["id"] as! String] = row }
        out["total"] = (doc["total"] as! [String: Any])
        return out
    }

    @Test("a district's radius_m narrows its own demand's reach, the zone's smaller radius wins inside it, --radius overrides all")
    func radiusPerDistrict() throws {
        let plain = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: plain) }
        let narrowed = try Fixtures.tinyCopy { dir in
            // District A (index 0) at 300 m, zone Z (index 2) at 50 m; B keeps the manifest's 1000 m.
            try Fixtures.setProperty(dir.appendingPathComponent("districts.geojson"), 0, "radius_m", 300)
            try Fixtures.setProperty(dir.appendingPathComponent("districts.geojson"), 2, "radius_m", 50)
        }
        defer { try? FileManager.default.removeItem(at: narrowed) }
        let before = try coverage(plain), after = try coverage(narrowed)
        func covered(_ rows: [String: [String: Any]], _ id: String) -> Double { rows[id]!["covered"] as! Double }
        #expect(covered(after, "A") < covered(before, "A"))
        #expect(covered(after, "Z") <= covered(before, "Z"))
        // B has no radius of its own: only its demand inside the zone (50 m there) can lose cover.
        #expect(covered(after, "B") <= covered(before, "B"))
        #expect(covered(before, "B") - covered(after, "B") <= covered(before, "Z") - covered(after, "Z") + 1e-6)
        // 50 m in the zone: only demand right next to a station stays covered there.
        #expect(covered(after, "Z") < covered(before, "Z") || covered(before, "Z") == 0)
        // --radius replaces every district's radius.
        let overridden = try coverage(narrowed, ["--radius", "1000"])
        for id in ["A", "B", "Z", "total"] {
            #expect(covered(overridden, id) == covered(before, id), "\(id)")
            #expect(overridden[id]!["served"] as? Double == before[id]!["served"] as? Double, "\(id)")
        }
    }
}
