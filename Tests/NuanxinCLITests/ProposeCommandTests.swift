import Foundation
import Geo
import Testing

@Suite("propose")
struct ProposeCommandTests {
    let data = ["--data", Fixtures.tiny.path]

    func json(_ r: CLIResult) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    @Test("--count gives SPEC's JSON per district with a bound never below the answer")
    func countJSON() throws {
        for mode in [[], ["--uncapacitated"]] {
            let r = try CLI.run(["propose", "--count", "2", "--format", "json"] + mode + data)
            #expect(r.status == 0, "\(r.stderr)")
            let doc = try json(r)
            #expect(doc["radius_m"] as? Double == 1000)
            let districts = doc["districts"] as! [[String: Any]]
            #expect(districts.map { $0["id"] as! String } == ["A", "B"])  // zones only when asked for
            for d in districts {
                // The bound is on the measure: served (capacitated) or covered.
                let measure = mode.isEmpty ? "served" : "covered"
                let before = d["\(measure)_pct_before"] as! Double, after = d["\(measure)_pct_after"] as! Double, bound = d["upper_bound_pct"] as! Double
                #expect(before <= after + 1e-9 && after <= bound + 1e-9)
                if d["optimal"] as! Bool { #expect(abs(after - bound) < 0.01) }
                let sites = d["sites"] as! [[String: Any]]
                #expect(sites.count <= 2)
                var last = before
                for (i, s) in sites.enumerated() {
                    #expect(s["rank"] as! Int == i + 1)
                    #expect((s["gain"] as! Double) > 0)
                    let pct = s["\(measure)_pct_after"] as! Double
                    #expect(pct >= last)
                    last = pct
                    #expect((s["seats"] as! Int) >= 1)
                }
            }
        }
    }

    @Test("the same input gives byte-identical output")
    func deterministic() throws {
        let a = try CLI.run(["propose", "--count", "3", "--format", "geojson"] + data)
        let b = try CLI.run(["propose", "--count", "3", "--format", "geojson"] + data)
        #expect(a.status == 0 && a.stdout == b.stdout && !a.stdout.isEmpty)
        let layer = try GeoJSONReader.read(text: a.stdout)
        #expect(!layer.hasErrors)
        for f in layer.features {
            for key in ["id", "name", "kind", "seats", "cost", "district", "rank", "gain", "covered_pct_after"] { #expect(f.properties[key] != nil) }
        }
    }

    @Test("a district without candidates gets grid sites; file candidates keep their id")
    func gridFallback() throws {
        let folder = try Fixtures.tinyCopy { dir in
            try FileManager.default.removeItem(at: dir.appendingPathComponent("candidates.geojson"))
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let grid = try json(try CLI.run(["propose", "--count", "1", "--uncapacitated", "--format", "json", "--data", folder.path]))
        let a = (grid["districts"] as! [[String: Any]])[0]
        #expect(a["candidates"] as? String == "grid")
        let site = (a["sites"] as! [[String: Any]])[0]
        #expect(site["id"] as? String == "A-new-1")
        #expect(site["candidate_id"] == nil)
        let file = try json(try CLI.run(["propose", "--count", "1", "--uncapacitated", "--format", "json"] + data))
        let fa = (file["districts"] as! [[String: Any]])[0]
        #expect(fa["candidates"] as? String == "candidates")
        #expect(((fa["sites"] as! [[String: Any]]).first?["candidate_id"] as? String) == "k1")
    }

    @Test("--target finds sites that reach it, or says why it cannot")
    func target() throws {
        let folder = try Fixtures.tinyCopy { dir in
            try FileManager.default.removeItem(at: dir.appendingPathComponent("candidates.geojson"))
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["propose", "--target", "60", "--uncapacitated", "--format", "json", "--district", "A", "--data", folder.path])
        #expect(r.status == 0, "\(r.stderr)")
        let d = (try json(r)["districts"] as! [[String: Any]])[0]
        #expect((d["covered_pct_after"] as! Double) >= 60)
        #expect((d["target"] as! [String: Any])["reached"] as? Bool == true)
        let tiny = try CLI.run(["propose", "--target", "100", "--uncapacitated", "--format", "json", "--district", "A"] + data)
        let t = (try json(tiny)["districts"] as! [[String: Any]])[0]
        #expect((t["target"] as! [String: Any])["reached"] as? Bool == false)
        #expect(tiny.stderr.contains("cannot be reached"))
    }

    @Test("usage errors: neither or both of --count and --target")
    func usage() throws {
        #expect(try CLI.run(["propose"] + data).status == 64)
        #expect(try CLI.run(["propose", "--count", "1", "--target", "50"] + data).status == 64)
        #expect(try CLI.run(["propose", "--count", "0"] + data).status == 64)
    }
}
