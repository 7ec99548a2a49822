import Foundation
import Testing

/// The catalogue of bad inputs: one case per kind of error in docs/errors.md, and more.
/// Each case runs the CLI and states the exit code and the message it must print. None may crash
/// (a crash is a signal, not one of these codes) or leave a file behind.
///
/// The two heavy cases (a 100 MB line, a polygon of a million vertices) run when
/// NUANXIN_HEAVY_TESTS=1 (as `.ci/run` does); the suite always runs smaller versions of them
/// (a line just over the 16 MiB limit, a polygon of 100,000 vertices).
@Suite("Bad inputs: exit code and message for each")
struct BadInputCatalogueTests {
    static let heavy = ProcessInfo.processInfo.environment["NUANXIN_HEAVY_TESTS"] == "1"
    /// Under ThreadSanitizer (scripts/sanitizers.sh sets NUANXIN_SANITIZER) a file-size limit makes
    /// the sanitizer's own runtime die with SIGBUS before main, so those cases cannot run there.
    static let fileSizeLimitWorks = ProcessInfo.processInfo.environment["NUANXIN_SANITIZER"] != "thread"

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var status: Int32
        /// Fragments that must all appear in what the CLI prints (stderr, and stdout for `validate`).
        var messages: [String]
        /// Runs the CLI in a fresh temporary folder holding a copy of the tiny dataset (`data/`).
        var run: @Sendable (URL) throws -> CLIResult
        var testDescription: String { name }
    }

    static let tinyArgs = ["--data"]

    /// A fresh folder with `data/` (the tiny fixture) inside.
    static func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.tiny, to: dir.appendingPathComponent("data"))
        return dir
    }

    static func put(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func put(_ dir: URL, _ name: String, bytes: [UInt8]) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func data(_ dir: URL) -> String { dir.appendingPathComponent("data").path }

    /// Breaks feature `index` of a layer of the workspace's dataset.
    static func breakFeature(_ dir: URL, _ file: String, _ index: Int, _ change: (inout [String: Any]) -> Void) throws {
        try Fixtures.editFeature(dir.appendingPathComponent("data").appendingPathComponent(file), index, change)
    }

    static func setProperty(_ dir: URL, _ file: String, _ index: Int, _ key: String, _ value: Any) throws {
        try Fixtures.setProperty(dir.appendingPathComponent("data").appendingPathComponent(file), index, key, value)
    }

    static func setGeometry(_ dir: URL, _ file: String, _ index: Int, _ geometry: [String: Any]) throws {
        try Fixtures.setGeometry(dir.appendingPathComponent("data").appendingPathComponent(file), index, geometry)
    }

    /// A districts layer of one circle of `n` vertices (or a zigzag that crosses itself).
    static func bigPolygon(_ n: Int, selfIntersecting: Bool) -> String {
        var text = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"A\",\"name\":\"大区\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[["
        text.reserveCapacity(n * 40 + 200)
        func vertex(_ i: Int) -> String {
            // Two neighbours swapped make a small bow tie.
            let k = selfIntersecting && i == n / 2 ? i + 1 : selfIntersecting && i == n / 2 + 1 ? i - 1 : i
            let a = 2 * Double.pi * Double(k) / Double(n)
            return "[\(113.1 + 0.05 * cos(a)),\(36.05 + 0.05 * sin(a))]"
        }
        for i in 0..<n { text += vertex(i) + "," }
        text += vertex(0) + "]]}}]}"
        return text
    }

    /// CSV queries with one line of `size` bytes between two good ones.
    static func longLineCSV(_ size: Int) -> [UInt8] {
        Array("id,lon,lat\na,113.06,36.05\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: size) + Array(",1,2\nc,113.151,36.05\n".utf8)
    }

    static func longLineNDJSON(_ size: Int) -> [UInt8] {
        Array("{\"id\":\"a\",\"lon\":113.06,\"lat\":36.05}\n{\"id\":\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: size)
            + Array("\"}\n{\"id\":\"c\",\"lon\":113.151,\"lat\":36.05}\n".utf8)
    }

    static let gbk: [UInt8] = [0xB3, 0xA4, 0xD6, 0xCE]  // 长治 in GBK

    // MARK: Errors (docs/errors.md): each problem named there

    static let specCases: [Case] = [
        Case(name: "unclosed ring", status: 65, messages: [
            "districts.geojson: feature 0 (id A): geometry.coordinates[0]: unclosed ring: the first position (113.0, 36.0) differs from the last (113.0, 36.1)",
            "validation failed: 1 error(s)",
        ]) { dir in
            try setGeometry(dir, "districts.geojson", 0, ["type": "Polygon", "coordinates": [[[113.0, 36.0], [113.1, 36.0], [113.1, 36.1], [113.0, 36.1]]]])
            return try CLI.run(["validate", "--format", "table", "--data", data(dir)])
        },
        Case(name: "latitude outside ±90", status: 65, messages: ["stations.geojson: feature 1 (id s2): latitude 96.05 is outside ±90"]) { dir in
            try setGeometry(dir, "stations.geojson", 1, ["type": "Point", "coordinates": [113.15, 96.05]])
            return try CLI.run(["validate", "--format", "table", "--data", data(dir)])
        },
        Case(name: "longitude and latitude swapped", status: 65, messages: [
            "stations.geojson: feature 0 (id s1): latitude 113.05 is outside ±90: longitude and latitude look swapped (GeoJSON is [longitude, latitude])",
        ]) { dir in
            try setGeometry(dir, "stations.geojson", 0, ["type": "Point", "coordinates": [36.05, 113.05]])
            return try CLI.run(["validate", "--format", "table", "--data", data(dir)])
        },
        Case(name: "duplicate id", status: 65, messages: ["stations.geojson: feature 2 (id s1): duplicate id \"s1\" (also feature 0)"]) { dir in
            try setProperty(dir, "stations.geojson", 2, "id", "s1")
            return try CLI.run(["validate", "--format", "table", "--data", data(dir)])
        },
        Case(name: "unknown kind", status: 65, messages: ["stations.geojson: feature 3 (id s4): unknown kind \"cafe\" (expected one of warm_station"]) { dir in
            try setProperty(dir, "stations.geojson", 3, "kind", "cafe")
            return try CLI.run(["validate", "--format", "table", "--data", data(dir)])
        },
        Case(name: "unknown service", status: 65, messages: ["stations.geojson: feature 3 (id s4): unknown service \"sauna\" (expected one of rest"]) { dir in
            try setProperty(dir, "stations.geojson", 3, "services", ["rest", "sauna"])
            return try CLI.run(["validate", "--format", "table", "--data", data(dir)])
        },
        Case(name: "invalid polygon with GEOS's reason", status: 65, messages: [
            "districts.geojson: feature 1 (id B): invalid polygon: Self-intersection at (113.15, 36.05) (GEOS); fix it or pass --make-valid",
        ]) { dir in
            try setGeometry(dir, "districts.geojson", 1, ["type": "Polygon", "coordinates": [[[113.1, 36.0], [113.2, 36.1], [113.2, 36.0], [113.1, 36.1], [113.1, 36.0]]]])
            return try CLI.run(["validate", "--format", "table", "--data", data(dir)])
        },
        Case(name: "non-numeric seats", status: 65, messages: ["stations.geojson: feature 0 (id s1): non-numeric seats: \"ten\" (a number is required)"]) { dir in
            try setProperty(dir, "stations.geojson", 0, "seats", "ten")
            return try CLI.run(["validate", "--format", "table", "--data", data(dir)])
        },
        // The exit codes of the same section.
        Case(name: "usage: a flag without its value (64)", status: 64, messages: ["Error: ", "--lat"]) { dir in
            try CLI.run(["nearest", "--lon", "113.06", "--data", data(dir)])
        },
        Case(name: "usage: an unknown flag (64)", status: 64, messages: ["Error: Unknown option '--bogus'"]) { dir in
            try CLI.run(["info", "--bogus", "--data", data(dir)])
        },
        Case(name: "input missing (66)", status: 66, messages: ["/nonexistent-nuanxin/dataset.json: no such file (a dataset folder needs dataset.json; see --data)"]) { _ in
            try CLI.run(["info", "--data", "/nonexistent-nuanxin"])
        },
        Case(name: "input unreadable (66)", status: 66, messages: ["nuanxin: /proc/self/mem: cannot read: Input/output error"]) { dir in
            try CLI.run(["nearest", "--input", "/proc/self/mem", "--data", data(dir)])
        },
        Case(name: "cannot create output (73)", status: 73, messages: ["cannot create /nonexistent-nuanxin/out.json: the folder /nonexistent-nuanxin does not exist"]) { dir in
            try CLI.run(["info", "--format", "json", "--out", "/nonexistent-nuanxin/out.json", "--data", data(dir)])
        },
        Case(name: "I/O error: standard output on a full disk (74)", status: 74, messages: ["nuanxin: cannot write to standard output: No space left on device"]) { dir in
            try CLI.runThroughShell("exec \"$0\" \"$@\" > /dev/full", ["info", "--format", "json", "--data", data(dir)])
        },
        Case(name: "I/O error: --out over the file-size limit (74)", status: 74, messages: ["cannot write ", "out.ndjson: File too large"]) { dir in
            var csv = "id,lon,lat\n"
            for i in 0..<20_000 { csv += "q\(i),113.0\(i % 10),36.05\n" }
            let input = try put(dir, "queries.csv", csv)
            // nuanxin ignores SIGXFSZ, so the write fails with EFBIG instead of the signal killing the run.
            return try CLI.runThroughShell("ulimit -f 64; exec \"$0\" \"$@\"",
                                           ["nearest", "--input", input, "--out", dir.appendingPathComponent("out.ndjson").path, "--data", data(dir)])
        },
    ]

    // MARK: More: empty, truncated, odd files

    static let fileCases: [Case] = [
        Case(name: "an empty (0-byte) layer file", status: 65, messages: ["stations.geojson: not valid JSON: line 1, column 1: empty document: no JSON value"]) { dir in
            _ = try put(dir, "data/stations.geojson", "")
            return try CLI.run(["info", "--data", data(dir)])
        },
        Case(name: "a 0-byte CSV batch", status: 65, messages: ["empty.csv: the file is empty (a CSV header id,lon,lat was expected)"]) { dir in
            try CLI.run(["nearest", "--input", try put(dir, "empty.csv", ""), "--data", data(dir)])
        },
        Case(name: "a 0-byte CSV import", status: 65, messages: ["empty.csv: the file is empty (a header row was expected)"]) { dir in
            try CLI.run(["import", "--layer", "stations", try put(dir, "empty.csv", ""), "--data", data(dir)])
        },
        Case(name: "a truncated GeoJSON layer", status: 65, messages: ["stations.geojson: not valid JSON: line 1, column 58: unexpected end of input inside an object"]) { dir in
            _ = try put(dir, "data/stations.geojson", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\"")
            return try CLI.run(["info", "--data", data(dir)])
        },
        Case(name: "binary garbage as a layer", status: 65, messages: ["stations.geojson: the file is binary (it holds zero bytes), not GeoJSON or CSV text"]) { dir in
            _ = try put(dir, "data/stations.geojson", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D])
            return try CLI.run(["info", "--data", data(dir)])
        },
        Case(name: "a manifest that is not JSON", status: 65, messages: ["dataset.json: not valid JSON: line 1, column 1: invalid literal: expected 'null'"]) { dir in
            _ = try put(dir, "data/dataset.json", "name: changzhi\n")
            return try CLI.run(["info", "--data", data(dir)])
        },
        Case(name: "JSON nested 100,000 deep as a layer", status: 65, messages: ["stations.geojson: not valid JSON: line 1, column 513: nested deeper than 512 levels"]) { dir in
            _ = try put(dir, "data/stations.geojson", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
            return try CLI.run(["info", "--data", data(dir)])
        },
        Case(name: "JSON nested 100,000 deep as an NDJSON query", status: 65, messages: [
            "deep.ndjson: line 2: not valid JSON (column 2561): nested deeper than 512 levels",
            "deep.ndjson: 1 line(s) could not be read; the others were answered",
        ]) { dir in
            let text = "{\"id\":\"a\",\"lon\":113.06,\"lat\":36.05}\n" + String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000) + "\n"
            return try CLI.run(["nearest", "--input", try put(dir, "deep.ndjson", text), "--data", data(dir)])
        },
        Case(name: "NaN in a GeoJSON layer", status: 65, messages: ["stations.geojson: not valid JSON: line 1, column 58: NaN and Infinity are not JSON numbers"]) { dir in
            _ = try put(dir, "data/stations.geojson", "{\"type\":\"Point\",\"coordinates\":[113.0,36.0],\"bbox\":[1,2,3,NaN]}")
            return try CLI.run(["info", "--data", data(dir)])
        },
        Case(name: "Infinity in a GeoJSON layer", status: 65, messages: ["not valid JSON: line 1, column 32: NaN and Infinity are not JSON numbers"]) { dir in
            _ = try put(dir, "data/demand.geojson", "{\"type\":\"Point\",\"coordinates\":[-Infinity,36.0]}")
            return try CLI.run(["info", "--data", data(dir)])
        },
        Case(name: "NaN and Infinity in a CSV batch", status: 65, messages: [
            "nan.csv: line 2: lon \"NaN\" is not a number", "nan.csv: line 3: lat \"inf\" is not a number",
        ]) { dir in
            try CLI.run(["nearest", "--input", try put(dir, "nan.csv", "id,lon,lat\na,NaN,36.05\nb,113.06,inf\nc,113.06,36.05\n"), "--data", data(dir)])
        },
        Case(name: "NaN and Infinity as NDJSON strings", status: 65, messages: [
            "nan.ndjson: line 1: \"lon\" is missing or not a number", "nan.ndjson: line 2: \"lat\" is missing or not a number",
        ]) { dir in
            try CLI.run(["nearest", "--input", try put(dir, "nan.ndjson", "{\"lon\":\"NaN\",\"lat\":36}\n{\"lon\":113,\"lat\":\"-Infinity\"}\n"), "--data", data(dir)])
        },
        Case(name: "NaN on the command line", status: 64, messages: ["Error: The value 'nan' is invalid for '--lon <lon>': not a decimal number"]) { dir in
            try CLI.run(["nearest", "--lon", "nan", "--lat", "36", "--data", data(dir)])
        },
        Case(name: "Infinity as seats", status: 65, messages: ["stations.geojson: feature 0 (id s1): non-numeric seats: \"Infinity\" (a number is required)"]) { dir in
            try setProperty(dir, "stations.geojson", 0, "seats", "Infinity")
            return try CLI.run(["validate", "--format", "table", "--data", data(dir)])
        },
        Case(name: "a GBK (old Excel) CSV import", status: 65, messages: [
            "gbk.csv: line 2: column 2 is not valid UTF-8 text (bytes B3 A4 D6 CE…); the file is probably GBK/GB18030",
        ]) { dir in
            let bytes = Array("id,name,kind,lon,lat\nx1,".utf8) + gbk + Array(",warm_station,113.05,36.05\n".utf8)
            return try CLI.run(["import", "--layer", "stations", try put(dir, "gbk.csv", bytes: bytes), "--data", data(dir)])
        },
        Case(name: "a GBK GeoJSON layer", status: 65, messages: [
            "stations.geojson: not valid JSON: line 1, column 80: text is not valid UTF-8 (is the file in GBK or another legacy encoding? save it as UTF-8)",
        ]) { dir in
            let bytes = Array("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"".utf8) + gbk + Array("\"},\"geometry\":null}]}".utf8)
            _ = try put(dir, "data/stations.geojson", bytes: bytes)
            return try CLI.run(["info", "--data", data(dir)])
        },
        Case(name: "a GBK id in a CSV batch", status: 65, messages: ["gbk.csv: line 2: column 1 is not valid UTF-8 text"]) { dir in
            let bytes = Array("id,lon,lat\n".utf8) + gbk + Array(",113.06,36.05\nb,113.06,36.05\n".utf8)
            return try CLI.run(["nearest", "--input", try put(dir, "gbk.csv", bytes: bytes), "--data", data(dir)])
        },
        Case(name: "a UTF-16 CSV (Excel's Unicode Text)", status: 65, messages: ["utf16.csv: line 1: the file is UTF-16 (Excel's \"Unicode Text\"), not UTF-8"]) { dir in
            let bytes: [UInt8] = [0xFF, 0xFE] + Array("id,lon,lat\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            return try CLI.run(["import", "--layer", "stations", try put(dir, "utf16.csv", bytes: bytes), "--data", data(dir)])
        },
        Case(name: "a directory passed as a layer file", status: 66, messages: [": is a directory, not a file"]) { dir in
            try CLI.run(["info", "--stations", dir.path, "--data", data(dir)])
        },
        Case(name: "a directory passed as the batch input", status: 66, messages: [": is a directory, not a file"]) { dir in
            try CLI.run(["nearest", "--input", dir.path, "--data", data(dir)])
        },
        Case(name: "a directory passed as the file to import", status: 66, messages: [": is a directory, not a file"]) { dir in
            try CLI.run(["import", "--layer", "stations", dir.path, "--data", data(dir)])
        },
        Case(name: "a file passed as the dataset folder", status: 66, messages: ["stations.geojson: --data names a file, not a dataset folder: give a dataset folder or a GeoPackage (.gpkg)"]) { dir in
            try CLI.run(["info", "--data", dir.appendingPathComponent("data/stations.geojson").path])
        },
        Case(name: "--out in a folder that does not exist", status: 73, messages: ["cannot create ", "/missing/out.csv: the folder ", "/missing does not exist"]) { dir in
            try CLI.run(["export", "--layer", "stations", "--format", "csv", "--out", dir.appendingPathComponent("missing/out.csv").path, "--data", data(dir)])
        },
        Case(name: "--out naming a directory", status: 73, messages: ["cannot create ", ": it is a directory"]) { dir in
            try CLI.run(["nearest", "--lon", "113.06", "--lat", "36.05", "--out", dir.path, "--data", data(dir)])
        },
        Case(name: "a batch input that does not exist", status: 66, messages: ["nope.csv: no such file"]) { dir in
            try CLI.run(["nearest", "--input", dir.appendingPathComponent("nope.csv").path, "--data", data(dir)])
        },
        Case(name: "a CSV line just over the 16 MiB limit", status: 65, messages: [
            "long.csv: line 3: the line is longer than 16 MiB, the most a CSV record may hold here; is this really a CSV file?",
            "long.csv: 1 line(s) could not be read; the others were answered",
        ]) { dir in
            try CLI.run(["nearest", "--input", try put(dir, "long.csv", bytes: longLineCSV((16 << 20) + 1)), "--format", "csv", "--data", data(dir)])
        },
        Case(name: "an NDJSON line just over the 16 MiB limit", status: 65, messages: [
            "long.ndjson: line 2: the line is longer than 16 MiB, the most a line may hold here; is this really an NDJSON file?",
        ]) { dir in
            try CLI.run(["nearest", "--input", try put(dir, "long.ndjson", bytes: longLineNDJSON(16 << 20)), "--format", "csv", "--data", data(dir)])
        },
        Case(name: "a districts polygon of 100,000 vertices that crosses itself", status: 65, messages: [
            "big.geojson: feature 0 (id A): invalid polygon: Self-intersection",
        ]) { dir in
            try CLI.run(["validate", "--format", "table", "--districts", try put(dir, "big.geojson", bigPolygon(100_000, selfIntersecting: true)), "--data", data(dir)])
        },
    ]

    static let heavyCases: [Case] = [
        Case(name: "a CSV batch with a line of 100 MB", status: 65, messages: [
            "long.csv: line 3: the line is longer than 16 MiB", "long.csv: 1 line(s) could not be read; the others were answered",
        ]) { dir in
            try CLI.run(["nearest", "--input", try put(dir, "long.csv", bytes: longLineCSV(100 << 20)), "--format", "csv", "--data", data(dir)])
        },
        Case(name: "an NDJSON batch with a line of 100 MB", status: 65, messages: ["long.ndjson: line 2: the line is longer than 16 MiB"]) { dir in
            try CLI.run(["nearest", "--input", try put(dir, "long.ndjson", bytes: longLineNDJSON(100 << 20)), "--format", "csv", "--data", data(dir)])
        },
        Case(name: "a districts polygon of a million vertices that crosses itself", status: 65, messages: [
            "big.geojson: feature 0 (id A): invalid polygon: Self-intersection",
        ]) { dir in
            try CLI.run(["validate", "--format", "table", "--districts", try put(dir, "big.geojson", bigPolygon(1_000_000, selfIntersecting: true)), "--data", data(dir)])
        },
    ]

    @Test("each bad input gives its exit code and message, and leaves no file behind",
          arguments: specCases.filter { fileSizeLimitWorks || !$0.name.contains("file-size limit") } + fileCases + (heavy ? heavyCases : []))
    func badInput(_ c: Case) throws {
        let dir = try BadInputCatalogueTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try c.run(dir)
        let printed = r.stderr + r.stdout
        #expect(r.status == c.status, "\(c.name): exit \(r.status), stderr: \(r.stderr.prefix(2000))")
        for m in c.messages {
            #expect(printed.contains(m), "\(c.name): \"\(m)\" not printed: \(printed.prefix(2000))")
        }
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("crashed"), "\(r.stderr.prefix(2000))")
        // No output file and no temporary file: only the inputs the case wrote.
        let written = try FileManager.default.subpathsOfDirectory(atPath: dir.path).filter {
            $0.contains(".tmp-") || ($0 as NSString).lastPathComponent.hasPrefix("out")
        }
        #expect(written.isEmpty, "\(c.name): left \(written)")
    }

    @Test("the good lines around a bad one are still answered, in order")
    func goodLinesAnswered() throws {
        let dir = try BadInputCatalogueTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try BadInputCatalogueTests.put(dir, "long.csv", bytes: BadInputCatalogueTests.longLineCSV((16 << 20) + 1))
        let r = try CLI.run(["nearest", "--input", csv, "--format", "csv", "--data", BadInputCatalogueTests.data(dir)])
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 4 && lines[1].hasPrefix("a,1,s1,") && lines[2].contains("line 3") && lines[3].hasPrefix("c,1,s2,"), "\(r.stdout)")
        let nd = try BadInputCatalogueTests.put(dir, "long.ndjson", bytes: BadInputCatalogueTests.longLineNDJSON(16 << 20))
        let n = try CLI.run(["nearest", "--input", nd, "--format", "csv", "--data", BadInputCatalogueTests.data(dir)])
        let ndLines = n.stdout.split(separator: "\n")
        #expect(ndLines.count == 4 && ndLines[1].hasPrefix("a,1,s1,") && ndLines[2].contains("line 2") && ndLines[3].hasPrefix("c,1,s2,"), "\(n.stdout)")
    }

    @Test("a header-only CSV is a valid empty batch and an empty import")
    func headerOnly() throws {
        let dir = try BadInputCatalogueTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = try BadInputCatalogueTests.put(dir, "header.csv", "id,lon,lat\n")
        let batch = try CLI.run(["nearest", "--input", header, "--format", "csv", "--data", BadInputCatalogueTests.data(dir)])
        #expect(batch.status == 0 && batch.stdout == "query_id,rank,station_id,distance_m,error\n" && batch.stderr.isEmpty)
        let stations = dir.appendingPathComponent("data/stations.geojson")
        let imported = try CLI.run(["import", "--layer", "stations", header, "--data", BadInputCatalogueTests.data(dir)])
        #expect(imported.status == 0)
        #expect(imported.stderr.contains("imported 0 feature(s) from \(header)"))
        let layer = try JSONSerialization.jsonObject(with: Data(contentsOf: stations)) as? [String: Any]
        let ids = (layer?["features"] as? [[String: Any]])?.compactMap { ($0["properties"] as? [String: Any])?["id"] as? String }
        #expect(ids == ["s1", "s2", "s3", "s4"])
    }

    @Test("a polygon of 100,000 vertices (a million when heavy) is read, checked and used")
    func bigValidPolygon() throws {
        let dir = try BadInputCatalogueTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let n = BadInputCatalogueTests.heavy ? 1_000_000 : 100_000
        let file = try BadInputCatalogueTests.put(dir, "big.geojson", BadInputCatalogueTests.bigPolygon(n, selfIntersecting: false))
        let r = try CLI.run(["locate", "--lon", "113.1", "--lat", "36.05", "--districts", file, "--data", BadInputCatalogueTests.data(dir)])
        #expect(r.status == 0, "\(r.stderr.prefix(2000))")
        #expect(r.stdout.contains("\"districts\":[{\"id\":\"A\""), "\(r.stdout)")
    }
}
