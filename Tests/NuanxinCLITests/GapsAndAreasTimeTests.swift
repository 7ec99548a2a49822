import TestSupport
import Foundation
import Testing

@Suite("gaps a planner reads and the area audit of adequacy")
struct GapsAndAreasTimeTests {
    let data = ["--data", CLI.repositoryRoot.appendingPathComponent("geodata/changzhi").path]

    func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try CLI.run(arguments + data)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// Even-odd point in polygon over every ring of a Polygon or MultiPolygon (lon/lat).
    static func contains(_ geometry: [String: Any], _ lon: Double, _ lat: Double) -> Bool {
        let polygons: [[[[Double]]]] = geometry["type"] as? String == "Polygon"
            ? [geometry["coordinates"] as! [[[Double]]]] : geometry["coordinates"] as! [[[[Double]]]]
        var inside = false
        for polygon in polygons {
            for ring in polygon {
                for k in 0..<(ring.count - 1) {
                    let a = ring[k], b = ring[k + 1]
                    if (a[1] > lat) != (b[1] > lat), lon < (b[0] - a[0]) * (lat - a[1]) / (b[1] - a[1]) + a[0] { inside.toggle() }
                }
            }
        }
        return inside
    }

    @Test("gaps: neighbours merged, --min-demand and --top, a point inside each gap, a summary per district")
    func gaps() throws {
        let apart = try json(["gaps", "--format", "json", "--merge-m", "0"])["gaps"] as! [[String: Any]]
        let doc = try json(["gaps", "--format", "json"])
        let merged = doc["gaps"] as! [[String: Any]]
        #expect(merged.count < apart.count)
        // Merging moves demand between gaps, never loses it.
        let total = { (g: [[String: Any]]) in g.reduce(0) { $0 + ($1["uncovered_demand"] as! Double) } }
        #expect(abs(total(merged) - total(apart)) < 0.5)
        let summaries = doc["districts"] as! [[String: Any]]
        #expect(summaries.reduce(0) { $0 + ($1["gaps"] as! Double) } == Double(merged.count))
        let filtered = try json(["gaps", "--format", "json", "--min-demand", "3", "--top", "2"])
        let kept = filtered["gaps"] as! [[String: Any]]
        #expect(!kept.isEmpty && kept.count < merged.count)
        #expect(kept.allSatisfy { ($0["uncovered_demand"] as! Double) >= 3 })
        var perDistrict: [String: [Double]] = [:]
        for g in kept { perDistrict[g["district"] as! String, default: []].append(g["rank"] as! Double) }
        #expect(perDistrict.values.allSatisfy { $0 == Array([1.0, 2.0].prefix($0.count)) })
        for s in filtered["districts"] as! [[String: Any]] {
            #expect((s["shown"] as! Double) <= min(2, s["gaps"] as! Double))
        }
        // geojson: centroid_lon/lat inside each gap.
        let geo = try json(["gaps", "--format", "geojson", "--top", "5"])
        let features = geo["features"] as! [[String: Any]]
        #expect(!features.isEmpty)
        for f in features {
            let p = f["properties"] as! [String: Any]
            let lon = p["centroid_lon"] as! Double, lat = p["centroid_lat"] as! Double
            #expect(Self.contains(f["geometry"] as! [String: Any], lon, lat), "\(p["district"]!) gap \(p["rank"]!): \(lon), \(lat) not inside")
        }
        let table = try CLI.run(["gaps", "--format", "table", "--top", "3"] + data)
        #expect(table.stdout.contains("140403 潞州区:") && table.stdout.contains("showing 3"))
        #expect(try CLI.run(["gaps", "--top", "0"] + data).status == 64)
        #expect(try CLI.run(["gaps", "--min-demand", "-1"] + data).status == 64)
    }

    @Test("areas: 城隍庙广场 has rest nearby but too few seats for its riders; thresholds are flags")
    func adequacy() throws {
        let doc = try json(["areas", "--format", "json"])
        let rows = doc["areas"] as! [[String: Any]]
        let chenghuang = try #require(rows.first { ($0["name"] as! String).hasPrefix("城隍庙广场") })
        #expect(chenghuang["missing"] as! [String] == [])
        let riders = chenghuang["riders"] as! Double, seats = chenghuang["rest_seats"] as! Double
        #expect(riders == 120 && seats > 0)
        #expect(abs((chenghuang["riders_per_rest_seat"] as! Double) - riders / seats) < 0.01)
        #expect(riders / seats > 6)
        #expect((chenghuang["verdicts"] as! [String: String])["rest"] == "short")
        #expect((chenghuang["short"] as! [String]).contains("rest seats"))
        for key in ["parking_slots", "meal_partners"] { #expect(chenghuang[key] as? Double != nil, "missing \(key)") }
        #expect((chenghuang["meal_partners"] as! Double) > 0)
        let thresholds = doc["thresholds"] as! [String: Any]
        #expect(thresholds["max_riders_per_seat"] as? Double == 6)
        // A looser threshold (more riders a seat) makes the same seats enough.
        let loose = try json(["areas", "--format", "json", "--max-riders-per-seat", "10"])["areas"] as! [[String: Any]]
        let c2 = loose.first { $0["id"] as? String == chenghuang["id"] as? String }!
        #expect((c2["verdicts"] as! [String: String])["rest"] == "ok")
        // At night the rest stations close: no rest seats within reach.
        let night = try json(["areas", "--format", "json", "--at", "23:30"])["areas"] as! [[String: Any]]
        let c3 = night.first { $0["id"] as? String == chenghuang["id"] as? String }!
        #expect((c3["riders"] as! Double) < riders)
        #expect((c3["rest_seats"] as! Double) < seats)
    }
}
