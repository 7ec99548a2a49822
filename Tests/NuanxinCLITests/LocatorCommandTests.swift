import Foundation
import Testing

@Suite("nearest, within, locate and the batch")
struct LocatorCommandTests {
    let data = ["--data", Fixtures.tiny.path]

    @Test("nearest gives the SPEC's JSON with geodesic distances, nearest first")
    func nearestJSON() throws {
        let r = try CLI.run(["nearest", "--lon", "113.06", "--lat", "36.05", "-k", "2"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let results = json["results"] as! [[String: Any]]
        #expect(results.map { $0["id"] as! String } == ["s1", "s4"])
        let d = results[0]["distance_m"] as! Double
        #expect(abs(d - 900) < 10)  // 0.01° of longitude at 36°N is about 900 m
        #expect(Set(results[0].keys) == ["id", "name", "kind", "district", "distance_m", "lon", "lat"])
    }

    @Test("--kind and --service filter, --max-distance limits")
    func filters() throws {
        let rider = try CLI.run(["nearest", "--lon", "113.06", "--lat", "36.05", "--kind", "rider_station"] + data)
        #expect(rider.stdout.contains("\"id\":\"s2\""))
        let swap = try CLI.run(["nearest", "--lon", "113.06", "--lat", "36.05", "--service", "battery_swap"] + data)
        #expect(swap.stdout.contains("\"id\":\"s3\""))
        let near = try CLI.run(["nearest", "--lon", "113.06", "--lat", "36.05", "-k", "5", "--max-distance", "500"] + data)
        #expect(near.stdout.contains("\"results\":[]"))
        let within = try CLI.run(["within", "--lon", "113.15", "--lat", "36.05", "--radius", "1500"] + data)
        let json = try JSONSerialization.jsonObject(with: Data(within.stdout.utf8)) as! [String: Any]
        #expect((json["results"] as! [[String: Any]]).map { $0["id"] as! String } == ["s2", "s3"])
    }

    @Test("locate names the district and the zone that overlaps it, and the commercial area")
    func locate() throws {
        let r = try CLI.run(["locate", "--lon", "113.09", "--lat", "36.05"] + data)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((json["districts"] as! [[String: Any]]).map { $0["id"] as! String } == ["A"])
        #expect((json["zones"] as! [[String: Any]]).map { $0["id"] as! String } == ["Z"])
        let area = try CLI.run(["locate", "--lon", "113.15", "--lat", "36.05"] + data)
        #expect(area.stdout.contains("\"commercial_areas\":[{\"id\":\"c1\""))
        #expect(area.stdout.contains("\"parking_zones\":[{\"id\":\"p1\""))
        let nowhere = try CLI.run(["locate", "--lon", "110", "--lat", "30"] + data)
        #expect(nowhere.status == 0)
        #expect(nowhere.stdout.contains("\"districts\":[]"))
    }

    @Test("a swapped --lat is a usage error that says so")
    func swappedQuery() throws {
        let r = try CLI.run(["nearest", "--lon", "36.05", "--lat", "113.06"] + data)
        #expect(r.status == 64)
        #expect(r.stderr.contains("swapped"))
    }

    @Test("a CSV batch keeps input order, reports bad lines by number and still answers the rest (exit 65)")
    func csvBatch() throws {
        let input = "id,lon,lat\nq1,113.06,36.05\nq2,oops,36.05\nq3,113.151,36.05\nq4,113.06\nq5,110.0,30.0\n"
        let r = try CLI.run(["nearest", "--input", "-", "--format", "csv"] + data, stdin: input)
        #expect(r.status == 65)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        // One row per input line: the unreadable ones keep their id and name their line.
        #expect(lines[0] == "query_id,rank,station_id,distance_m,error")
        #expect(lines[1].hasPrefix("q1,1,s1,") && lines[1].hasSuffix(","))
        #expect(lines[2] == #"q2,,,,"line 3: lon ""oops"" is not a number""#)
        #expect(lines[3].hasPrefix("q3,1,s2,"))
        #expect(lines[4].hasPrefix("q4,,,,\"line 5:"))
        #expect(lines[5].hasPrefix("q5,1,"))  // outside every district, still answered
        #expect(r.stderr.contains("line 3: lon \"oops\" is not a number"))
        #expect(r.stderr.contains("line 5:"))
    }

    @Test("a CSV batch writes station ids of any length and any characters as CSV, with the single query's distances")
    func csvBatchStationIDs() throws {
        // 15 bytes, 16 bytes, a comma and a quote (quoted), Chinese (multibyte), a long one.
        let ids = ["S23456789012345", "S234567890123456", "a,\"b\"", "站点七", String(repeating: "x", count: 70)]
        let folder = try Fixtures.tinyCopy { dir in
            let features = ids.enumerated().map { i, id in
                let idJSON = String(data: try! JSONSerialization.data(withJSONObject: [id], options: [.fragmentsAllowed]), encoding: .utf8)!.dropFirst().dropLast()
                return "{\"type\":\"Feature\",\"properties\":{\"id\":\(idJSON),\"name\":\"n\(i)\",\"kind\":\"warm_station\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(113.02 + Double(i) * 0.03),36.05]}}"
            }
            try "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}".write(to: dir.appendingPathComponent("stations.geojson"), atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        var input = "id,lon,lat\n"
        for i in ids.indices { input += "q\(i),\(113.021 + Double(i) * 0.03),36.051\n" }
        input += "\"\",113.021,36.051\n"  // an empty query id stays a quoted empty field
        let r = try CLI.run(["nearest", "--input", "-", "--format", "csv", "--data", folder.path], stdin: input)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").map(String.init)
        #expect(rows.count == ids.count + 2)
        let encoded = ids.map { $0.contains(",") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
        for (i, id) in encoded.enumerated() {
            let single = try CLI.run(["nearest", "--lon", "\(113.021 + Double(i) * 0.03)", "--lat", "36.051", "--format", "csv", "--data", folder.path])
            let distance = single.stdout.split(separator: "\n")[1].split(separator: ",").last!
            #expect(rows[i + 1] == "q\(i),1,\(id),\(distance),")
        }
        #expect(rows[ids.count + 1].hasPrefix("\"\",1,S23456789012345,"))
    }

    @Test("an NDJSON batch writes one object per input line, errors included, in order")
    func ndjsonBatch() throws {
        let input = "{\"id\":\"a\",\"lon\":113.06,\"lat\":36.05}\n{\"id\":\"b\",\"lon\":113.06}\n\n{\"id\":7,\"lon\":113.151,\"lat\":36.05}\n"
        let r = try CLI.run(["nearest", "--input", "-"] + data, stdin: input)
        #expect(r.status == 65)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("{\"query\":{\"id\":\"a\""))
        #expect(lines[1] == "{\"query\":{\"id\":\"b\",\"line\":2},\"error\":\"\\\"lat\\\" is missing or not a number\"}")
        #expect(lines[2].hasPrefix("{\"query\":{\"id\":\"7\""))
    }

    @Test("a batch against an empty station layer answers every query with no results")
    func emptyStations() throws {
        let folder = try Fixtures.tinyCopy { dir in
            try "{\"type\":\"FeatureCollection\",\"features\":[]}".write(to: dir.appendingPathComponent("stations.geojson"), atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["nearest", "--input", "-", "--data", folder.path], stdin: "id,lon,lat\na,113.06,36.05\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "{\"query\":{\"id\":\"a\",\"lon\":113.06,\"lat\":36.05},\"results\":[]}\n")
    }

    @Test("a batch from a file to --out is written atomically; a missing input file exits 66")
    func batchFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = "id,lon,lat\n"
        for i in 0..<5000 { csv += "q\(i),\(113.0 + Double(i % 100) * 0.002),\(36.0 + Double(i / 100) * 0.002)\n" }
        try csv.write(to: dir.appendingPathComponent("queries.csv"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv")
        let r = try CLI.run(["nearest", "--input", dir.appendingPathComponent("queries.csv").path, "--format", "csv", "--out", out.path] + data)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5001)
        #expect(lines[1].hasPrefix("q0,1,") && lines[5000].hasPrefix("q4999,1,"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["out.csv", "queries.csv"])
        let missing = try CLI.run(["nearest", "--input", dir.appendingPathComponent("nope.csv").path] + data)
        #expect(missing.status == 66)
    }
}
