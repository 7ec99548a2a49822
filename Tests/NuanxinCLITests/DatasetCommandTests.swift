import Foundation
import Testing

@Suite("info, validate and export on datasets, good and bad")
struct DatasetCommandTests {
    @Test("validate passes on the tiny fixture and info counts per district")
    func goodDataset() throws {
        let v = try CLI.run(["validate", "--data", Fixtures.tiny.path])
        #expect(v.status == 0, "\(v.stderr)")
        let info = try CLI.run(["info", "--data", Fixtures.tiny.path, "--format", "json"])
        #expect(info.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as! [String: Any]
        let districts = json["districts"] as! [[String: Any]]
        #expect(districts.map { $0["id"] as! String } == ["A", "B", "Z"])
        #expect(districts[0]["stations"] as! Int == 2)
        #expect(districts[0]["seats"] as! Int == 16)  // 10 + the manifest default 6
        #expect(districts[2]["stations"] as! Int == 1)  // the zone overlaps district A
        let total = json["total"] as! [String: Any]
        #expect(total["stations"] as! Int == 4)
        #expect(total["demand"] as! Double == 150)
    }

    @Test("each bad input gives exit 65 and a message naming the file, feature and problem", arguments: [
        ("districts.geojson", 0, "unclosed", "feature 0 (id A)", "unclosed ring"),
        ("stations.geojson", 1, "latitude", "feature 1 (id s2)", "outside ±90"),
        ("stations.geojson", 0, "swapped", "feature 0 (id s1)", "swapped"),
        ("stations.geojson", 2, "duplicate", "feature 2 (id s1)", "duplicate id \"s1\" (also feature 0)"),
        ("stations.geojson", 3, "kind", "feature 3 (id s4)", "unknown kind \"cafe\""),
        ("stations.geojson", 3, "service", "feature 3 (id s4)", "unknown service \"sauna\""),
        ("stations.geojson", 0, "seats", "feature 0 (id s1)", "non-numeric seats: \"ten\""),
        ("districts.geojson", 1, "bowtie", "feature 1 (id B)", "Self-intersection"),
        ("demand.geojson", 4, "weight", "feature 4 (id d5)", "missing \"weight\""),
    ])
    func badInput(file: String, index: Int, breakage: String, location: String, problem: String) throws {
        let folder = try Fixtures.tinyCopy { dir in
            let url = dir.appendingPathComponent(file)
            switch breakage {
            case "unclosed": try Fixtures.setGeometry(url, index, ["type": "Polygon", "coordinates": [[[113.0, 36.0], [113.1, 36.0], [113.1, 36.1], [113.0, 36.1]]]])
            case "latitude": try Fixtures.setGeometry(url, index, ["type": "Point", "coordinates": [113.15, 96.05]])
            case "swapped": try Fixtures.setGeometry(url, index, ["type": "Point", "coordinates": [36.05, 113.05]])
            case "duplicate": try Fixtures.setProperty(url, index, "id", "s1")
            case "kind": try Fixtures.setProperty(url, index, "kind", "cafe")
            case "service": try Fixtures.setProperty(url, index, "services", ["rest", "sauna"])
            case "seats": try Fixtures.setProperty(url, index, "seats", "ten")
            case "bowtie": try Fixtures.setGeometry(url, index, ["type": "Polygon", "coordinates": [[[113.1, 36.0], [113.2, 36.1], [113.2, 36.0], [113.1, 36.1], [113.1, 36.0]]]])
            case "weight": try Fixtures.editFeature(url, index) { f in f["properties"] = ["id": "d5"] }
            default: Issue.record("unknown breakage \(breakage)")
            }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in [["validate", "--format", "table"], ["info"]] {
            let r = try CLI.run(command + ["--data", folder.path])
            #expect(r.status == 65, "\(command) \(breakage): \(r.stderr)")
            let output = r.stdout + r.stderr
            #expect(output.contains("\(file): \(location)"), "\(output)")
            #expect(output.contains(problem), "\(output)")
        }
    }

    @Test("every problem is reported in one run, not just the first")
    func allProblemsAtOnce() throws {
        let folder = try Fixtures.tinyCopy { dir in
            let stations = dir.appendingPathComponent("stations.geojson")
            try Fixtures.setProperty(stations, 0, "kind", "cafe")
            try Fixtures.setProperty(stations, 2, "services", ["spa"])
            try Fixtures.setProperty(dir.appendingPathComponent("demand.geojson"), 3, "weight", "heavy")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["validate", "--format", "table", "--data", folder.path])
        #expect(r.status == 65)
        #expect(r.stdout.contains("unknown kind \"cafe\""))
        #expect(r.stdout.contains("unknown service \"spa\""))
        #expect(r.stdout.contains("non-numeric weight"))
        #expect(r.stdout.contains("3 error(s)"))
    }

    @Test("--make-valid repairs an invalid district and says so")
    func makeValid() throws {
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.setGeometry(dir.appendingPathComponent("districts.geojson"), 1, ["type": "Polygon", "coordinates": [[[113.1, 36.0], [113.2, 36.1], [113.2, 36.0], [113.1, 36.1], [113.1, 36.0]]]])
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["validate", "--format", "table", "--data", folder.path, "--make-valid"])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("repaired with GEOS make-valid"))
    }

    @Test("a station outside every district is a warning, not an error")
    func outsideIsWarning() throws {
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.setGeometry(dir.appendingPathComponent("stations.geojson"), 1, ["type": "Point", "coordinates": [112.5, 36.5]])
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["validate", "--format", "table", "--data", folder.path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("stations.geojson: feature 1 (id s2): warning: outside every district"))
    }

    @Test("missing files exit 66; a directory passed as a file too")
    func missingFiles() throws {
        let none = try CLI.run(["info", "--data", "/nonexistent-nuanxin"])
        #expect(none.status == 66)
        #expect(none.stderr.contains("/nonexistent-nuanxin/dataset.json: no such file"))
        let dir = try CLI.run(["info", "--data", Fixtures.tiny.path, "--stations", Fixtures.tiny.path])
        #expect(dir.status == 66)
        #expect(dir.stderr.contains("is a directory"))
    }

    @Test("export writes a stable GeoJSON layer atomically to --out")
    func export() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).geojson")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["export", "--layer", "stations", "--format", "geojson", "--data", Fixtures.tiny.path, "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let first = try Data(contentsOf: out)
        let again = try CLI.run(["export", "--layer", "stations", "--format", "geojson", "--data", Fixtures.tiny.path])
        #expect(Data(again.stdout.utf8) == first)
        let json = try JSONSerialization.jsonObject(with: first) as! [String: Any]
        #expect((json["features"] as! [Any]).count == 4)
        let folder = FileManager.default.temporaryDirectory.path
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") && $0.contains("export-") }
        #expect(leftovers.isEmpty)
        let bad = try CLI.run(["export", "--layer", "stations", "--format", "geojson", "--data", Fixtures.tiny.path, "--out", "/nonexistent-folder/x.geojson"])
        #expect(bad.status == 73)
        #expect(bad.stderr.contains("does not exist"))
    }

    @Test("the default dataset is found without flags from any working directory, and validates")
    func defaultDataset() throws {
        let r = try CLI.run(["validate", "--format", "json"], currentDirectory: FileManager.default.temporaryDirectory)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((json["dataset"] as! String).hasSuffix("geodata/changzhi"))
        #expect(json["errors"] as? Int == 0)
        let info = try CLI.run(["info", "--format", "json"], currentDirectory: FileManager.default.temporaryDirectory)
        let districts = (try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as! [String: Any])["districts"] as! [[String: Any]]
        #expect(districts.filter { $0["kind"] as? String != "zone" }.count == 12)
        #expect(districts.filter { $0["kind"] as? String == "zone" }.count == 2)
    }

    @Test("export --layer coverage, gaps and proposals write those results as GeoJSON or CSV")
    func exportResults() throws {
        let proposals = try CLI.run(["export", "--layer", "proposals", "--data", Fixtures.tiny.path])
        #expect(proposals.status == 0, "\(proposals.stderr)")
        #expect(proposals.stdout.hasPrefix("{\"type\":\"FeatureCollection\""))
        #expect(proposals.stdout.contains("\"seats\""))
        let gaps = try CLI.run(["export", "--layer", "gaps", "--format", "csv", "--cell-m", "500", "--data", Fixtures.tiny.path])
        #expect(gaps.stdout.hasPrefix("\u{FEFF}district,district_name,rank,uncovered_demand,area_km2,wkt"))
        let coverage = try CLI.run(["export", "--layer", "coverage", "--radius", "500", "--data", Fixtures.tiny.path])
        #expect(coverage.stdout.contains("\"radius_m\":500"))
        let wrong = try CLI.run(["export", "--layer", "stations", "--count", "3", "--data", Fixtures.tiny.path])
        #expect(wrong.status == 64)
    }
}
