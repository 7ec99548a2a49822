import Foundation
import Testing

/// `--out`'s extension decides the format; batch nearest keeps one CSV row per input; GeoJSON of
/// nearest, within and locate carries the query point; batch locate.
@Suite struct OutputFormatTests {
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("out-format-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func outExtensionDecidesTheFormat() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("near.csv")
        let r1 = try CLI.run(["nearest", "--lon", "113.11", "--lat", "36.19", "--out", csv.path])
        #expect(r1.status == 0, "\(r1.stderr)")
        #expect(try String(contentsOf: csv, encoding: .utf8).hasPrefix("query_id,rank,station_id,distance_m"))
        let geo = dir.appendingPathComponent("coverage.geojson")
        let r2 = try CLI.run(["coverage", "--out", geo.path])
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(try Self.json(String(contentsOf: geo, encoding: .utf8))["type"] as? String == "FeatureCollection")
        let plain = dir.appendingPathComponent("coverage.json")
        let r3 = try CLI.run(["coverage", "--out", plain.path])
        #expect(r3.status == 0, "\(r3.stderr)")
        #expect(try Self.json(String(contentsOf: plain, encoding: .utf8))["districts"] != nil)
        // An extension the format flag contradicts, or one the command cannot write: 64, nothing written.
        let bad = dir.appendingPathComponent("near2.csv")
        let r4 = try CLI.run(["nearest", "--lon", "113.11", "--lat", "36.19", "--format", "json", "--out", bad.path])
        #expect(r4.status == 64)
        #expect(r4.stderr.contains("--format json") && r4.stderr.contains("near2.csv"), "\(r4.stderr)")
        #expect(!FileManager.default.fileExists(atPath: bad.path))
        let r5 = try CLI.run(["info", "--out", dir.appendingPathComponent("info.geojson").path])
        #expect(r5.status == 64, "\(r5.stderr)")
        let r6 = try CLI.run(["coverage", "--out", dir.appendingPathComponent("c.svg").path])
        #expect(r6.status == 64, "\(r6.stderr)")
        let r7 = try CLI.run(["coverage", "--out", dir.appendingPathComponent("c.ndjson").path])
        #expect(r7.status == 64, "\(r7.stderr)")
        // An extension that names no format keeps the default (json when not on a terminal).
        let txt = dir.appendingPathComponent("near.txt")
        let r8 = try CLI.run(["nearest", "--lon", "113.11", "--lat", "36.19", "--out", txt.path])
        #expect(r8.status == 0)
        #expect(try Self.json(String(contentsOf: txt, encoding: .utf8))["results"] != nil)
        // Batch: .ndjson and .csv.
        let input = dir.appendingPathComponent("q.csv")
        try "id,lon,lat\na,113.11,36.19\n".write(to: input, atomically: true, encoding: .utf8)
        let nd = dir.appendingPathComponent("r.ndjson")
        let r9 = try CLI.run(["nearest", "--input", input.path, "--out", nd.path])
        #expect(r9.status == 0, "\(r9.stderr)")
        #expect(try Self.json(String(contentsOf: nd, encoding: .utf8))["query"] != nil)
        let bc = dir.appendingPathComponent("r.csv")
        let r10 = try CLI.run(["nearest", "--input", input.path, "--out", bc.path])
        #expect(r10.status == 0, "\(r10.stderr)")
        #expect(try String(contentsOf: bc, encoding: .utf8).hasPrefix("query_id,"))
        // export: .gpkg implies --format gpkg.
        let gpkg = dir.appendingPathComponent("st.gpkg")
        let r11 = try CLI.run(["export", "--layer", "stations", "--out", gpkg.path])
        #expect(r11.status == 0, "\(r11.stderr)")
        let head = try Data(contentsOf: gpkg).prefix(15)
        #expect(String(decoding: head, as: UTF8.self) == "SQLite format 3")
    }

    @Test func batchNearestCSVKeepsOneRowPerInputLine() throws {
        let input = "id,lon,lat\nq1,113.11,36.19\nq2,oops,36.19\nq3,113.1\nq4,10,10\n,113.1,36.2\n"
        let r = try CLI.run(["nearest", "--input", "-", "--format", "csv", "--max-distance", "500"], stdin: input)
        #expect(r.status == 65)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines == [
            "query_id,rank,station_id,distance_m,error",
            "q1,,,,",  // answered: no station within 500 m
            #"q2,,,,"line 3: lon ""oops"" is not a number""#,
            #"q3,,,,"line 4: 2 field(s), but lon and lat are columns 2 and 3""#,
            lines[4],
            "\"\",1,st-luzhou-012,358.38,",  // an empty id, as before
            "",
        ], "\(r.stdout)")
        #expect(lines[4].hasPrefix(#"q4,,,,"line 5: lon 10, lat 10 is more than 3°"#), "\(lines[4])")
        // NDJSON error objects keep the id and the line.
        let nd = try CLI.run(["nearest", "--input", "-", "--input-format", "csv"], stdin: input)
        let ndLines = nd.stdout.split(separator: "\n").map(String.init)
        #expect(ndLines.count == 5)
        #expect(ndLines[1] == #"{"query":{"id":"q2","line":3},"error":"lon \"oops\" is not a number"}"#)
        #expect(ndLines[3].hasPrefix(#"{"query":{"id":"q4","line":5},"error":"#))
    }

    static func features(_ text: String) throws -> [[String: Any]] {
        try #require(json(text)["features"] as? [[String: Any]])
    }

    static func properties(_ f: [String: Any]) -> [String: Any] { f["properties"] as? [String: Any] ?? [:] }

    @Test func nearestAndWithinGeoJSONCarryTheQueryPoint() throws {
        let near = try CLI.run(["nearest", "--lon", "113.1", "--lat", "36.2", "-k", "2", "--format", "geojson"])
        #expect(near.status == 0, "\(near.stderr)")
        let nf = try Self.features(near.stdout)
        #expect(nf.count == 3)
        #expect(Self.properties(nf[0])["role"] as? String == "query")
        #expect(nf[0]["id"] == nil)
        let coords = (nf[0]["geometry"] as? [String: Any])?["coordinates"] as? [Double]
        #expect(coords == [113.1, 36.2])
        #expect(nf[1...].allSatisfy { Self.properties($0)["role"] as? String == "station" })
        #expect(Self.properties(nf[1])["rank"] as? Int == 1)
        // within: the radius on the query feature; --input-crs gcj02: the geometry in WGS84, the properties as given.
        let within = try CLI.run(["within", "--lon", "113.1", "--lat", "36.2", "--radius", "500", "--input-crs", "gcj02", "--format", "geojson"])
        #expect(within.status == 0, "\(within.stderr)")
        let wf = try Self.features(within.stdout)
        let q = Self.properties(wf[0])
        #expect(q["role"] as? String == "query" && q["radius_m"] as? Double == 500 && q["lon"] as? Double == 113.1)
        let wc = try #require((wf[0]["geometry"] as? [String: Any])?["coordinates"] as? [Double])
        #expect(abs(wc[0] - 113.1) > 0.001 && abs(wc[0] - 113.1) < 0.02)
        // Nothing found: the query point alone.
        let none = try CLI.run(["within", "--lon", "113.1", "--lat", "36.2", "--radius", "1", "--format", "geojson"])
        #expect(try Self.features(none.stdout).count == 1)
    }

    static let locateInput = "id,lon,lat\nq1,113.11,36.19\nq2,oops,36.19\nq3,113.15,36.05\n"

    @Test func batchLocateAnswersEveryLineInOrder() throws {
        // NDJSON: the same objects as a single locate, with the query id; the bad line keeps its place.
        let r = try CLI.run(["locate", "--input", "-"], stdin: Self.locateInput)
        #expect(r.status == 65)
        #expect(r.stderr.contains("standard input: line 3: lon \"oops\" is not a number"), "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let single = try CLI.run(["locate", "--lon", "113.11", "--lat", "36.19", "--format", "json"])
        #expect(lines[0] == single.stdout.dropLast().replacingOccurrences(of: #"{"query":{"#, with: #"{"query":{"id":"q1","#))
        #expect(lines[1] == #"{"query":{"id":"q2","line":3},"error":"lon \"oops\" is not a number"}"#)
        #expect(try Self.json(lines[2])["districts"] != nil)
        // CSV: one row per line, ids ;-joined, the error naming the line.
        let csv = try CLI.run(["locate", "--input", "-", "--format", "csv"], stdin: Self.locateInput)
        #expect(csv.status == 65)
        let rows = csv.stdout.split(separator: "\n").map(String.init)
        #expect(rows.count == 4)
        #expect(rows[0] == "query_id,districts,zones,commercial_areas,parking_zones,error")
        #expect(rows[1].hasPrefix("q1,140403,") && rows[1].hasSuffix(","))
        #expect(rows[2] == #"q2,,,,,"line 3: lon ""oops"" is not a number""#)
        // GeoJSON through --out's extension: one feature per line, the bad one without geometry.
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("where.geojson")
        let g = try CLI.run(["locate", "--input", "-", "--out", out.path], stdin: Self.locateInput)
        #expect(g.status == 65)
        let features = try Self.features(String(contentsOf: out, encoding: .utf8))
        #expect(features.count == 3)
        #expect(Self.properties(features[0])["query_id"] as? String == "q1")
        #expect(Self.properties(features[0])["districts"] as? [String] == ["140403"])
        #expect(features[1]["geometry"] is NSNull && Self.properties(features[1])["line"] as? Int == 3)
        #expect(Self.properties(features[2])["role"] as? String == "query")
        // Either --lon/--lat or --input.
        #expect(try CLI.run(["locate", "--input", "-", "--lon", "113"], stdin: "").status == 64)
    }

    @Test func locateAndBatchNearestWriteGeoJSONWithTheQueryPoint() throws {
        let one = try CLI.run(["locate", "--lon", "113.11", "--lat", "36.19", "--format", "geojson"])
        #expect(one.status == 0, "\(one.stderr)")
        let f = try Self.features(one.stdout)
        #expect(f.count == 1 && Self.properties(f[0])["role"] as? String == "query")
        #expect((f[0]["geometry"] as? [String: Any])?["coordinates"] as? [Double] == [113.11, 36.19])
        let batch = try CLI.run(["nearest", "--input", "-", "--format", "geojson", "-k", "2"], stdin: Self.locateInput)
        #expect(batch.status == 65)
        let bf = try Self.features(batch.stdout)
        // q1: query + 2 stations, q2: the error feature, q3: query + 2 stations.
        #expect(bf.count == 7, "\(batch.stdout)")
        let roles = bf.map { Self.properties($0)["role"] as? String ?? "" }
        #expect(roles == ["query", "station", "station", "query", "query", "station", "station"])
        #expect(bf.map { Self.properties($0)["query_id"] as? String ?? "" } == ["q1", "q1", "q1", "q2", "q3", "q3", "q3"])
        #expect(Self.properties(bf[3])["error"] as? String == "lon \"oops\" is not a number")
        let empty = try CLI.run(["nearest", "--input", "-", "--format", "geojson"], stdin: "id,lon,lat\n")
        #expect(empty.status == 0 && empty.stdout == "{\"type\":\"FeatureCollection\",\"features\":[]}\n")
    }
}
