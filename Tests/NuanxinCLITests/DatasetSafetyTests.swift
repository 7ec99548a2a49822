import Foundation
import Testing

/// Dataset safety: concurrent imports under one lock, refusing CRSs that do not measure in metres,
/// no silent fall-back from a mistyped NUANXIN_DATA, and batch points that cannot be projected.
@Suite("Dataset safety: locking, metric CRS, dataset lookup, unprojectable points")
struct DatasetSafetyTests {
    static func stationCount(_ folder: URL) throws -> Int {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("stations.geojson"))) as! [String: Any]
        return (object["features"] as! [Any]).count
    }

    @Test("2 × 50 concurrent imports into one dataset keep all 100 features; readers meanwhile see whole files")
    func concurrentImports() throws {
        let folder = try Fixtures.tinyCopy()
        let before = try DatasetSafetyTests.stationCount(folder)
        let inputs = folder.appendingPathComponent("incoming")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        for loop in ["a", "b"] {
            for i in 1...50 {
                let lon = 113.02 + Double(i) * 0.001, lat = loop == "a" ? 36.04 : 36.06
                try Data("id,name,kind,lon,lat,seats\n\(loop)\(i),站\(loop)\(i),warm_station,\(lon),\(lat),4\n".utf8)
                    .write(to: inputs.appendingPathComponent("\(loop)-\(i).csv"))
            }
        }
        // Two loops of imports and one of readers at the same time, each a shell running the real
        // binary in the foreground; a line is logged for every run that does not exit 0.
        let imports = "for i in $(seq 1 50); do \"$0\" import --layer stations \"$2/$3-$i.csv\" --data \"$1\" 2>/dev/null || echo \"import $3-$i exited $?\"; done"
        let reads = "for i in $(seq 1 30); do \"$0\" validate --format json --data \"$1\" >/dev/null 2>&1 || echo \"validate $i exited $?\"; done"
        var loops: [(Process, Pipe)] = []
        for (script, tag) in [(imports, "a"), (imports, "b"), (reads, "r")] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script, CLI.executable.path, folder.path, inputs.path, tag]
            let log = Pipe()
            process.standardOutput = log
            process.standardInput = FileHandle.nullDevice
            try process.run()
            loops.append((process, log))
        }
        for (process, log) in loops {
            let failures = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(failures.isEmpty, "failed runs: \(failures)")
        }
        #expect(try DatasetSafetyTests.stationCount(folder) == before + 100)
        let check = try CLI.run(["validate", "--format", "table", "--data", folder.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // The lock file stays (it is git-ignored) and nothing else is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        #expect(left == [".nuanxin.lock"])
    }

    @Test("a non-metric --crs is a usage error (64) suggesting the CGCS2000 Gauss–Krüger zone", arguments: [
        ("EPSG:4490", "a geographic CRS"), ("EPSG:4326", "a geographic CRS"), ("EPSG:5773", "a vertical CRS"), ("EPSG:4978", "a geocentric CRS"),
    ])
    func nonMetricCRSFlag(crs: String, kind: String) throws {
        for command in [["coverage"], ["nearest", "--lon", "113.06", "--lat", "36.05"], ["validate"]] {
            let r = try CLI.run(command + ["--crs", crs, "--data", Fixtures.tiny.path])
            #expect(r.status == 64, "\(command) \(crs): \(r.stderr)")
            #expect(r.stderr.contains("nuanxin: --crs \(crs) ("))
            #expect(r.stderr.contains(kind))
            #expect(r.stderr.contains("use EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)"), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test("a metric --crs is accepted; a CRS in feet is refused")
    func metricCRSFlag() throws {
        let good = try CLI.run(["coverage", "--format", "json", "--crs", "EPSG:4547", "--data", Fixtures.tiny.path])
        #expect(good.status == 0, "\(good.stderr)")
        let plain = try CLI.run(["coverage", "--format", "json", "--data", Fixtures.tiny.path])
        #expect(good.stdout == plain.stdout)
        let feet = try CLI.run(["coverage", "--crs", "EPSG:2263", "--data", Fixtures.tiny.path])
        #expect(feet.status == 64)
        #expect(feet.stderr.contains("a projected CRS with axes in US survey foot, not metres"))
    }

    @Test("a non-metric CRS in the manifest is bad data (65) naming dataset.json", arguments: ["EPSG:4490", "EPSG:4978"])
    func nonMetricManifest(crs: String) throws {
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.editJSON(dir.appendingPathComponent("dataset.json")) { $0["crs"] = crs }
        }
        let r = try CLI.run(["coverage", "--data", folder.path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("dataset.json: crs \(crs) ("), "\(r.stderr)")
        #expect(r.stderr.contains("use EPSG:4547"))
        let v = try CLI.run(["validate", "--format", "table", "--data", folder.path])
        #expect(v.status == 65)
        #expect(v.stdout.contains("dataset.json: crs \(crs) ("))
        // --crs with a metric CRS overrides the manifest's.
        let fixed = try CLI.run(["coverage", "--format", "json", "--crs", "EPSG:4547", "--data", folder.path])
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }

    @Test("NUANXIN_DATA naming a missing folder is exit 66 naming it; import then writes nothing anywhere")
    func missingEnvironmentDataset() throws {
        let bundled = CLI.repositoryRoot.appendingPathComponent("geodata/changzhi/stations.geojson")
        let bundledBefore = try Data(contentsOf: bundled)
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("nuanxin-env-\(UUID().uuidString).csv")
        try Data("id,name,kind,lon,lat\nenv1,x,warm_station,113.1,36.2\n".utf8).write(to: csv)
        let missing = "/nonexistent-nuanxin-data/changzhi"
        for command in [["info"], ["import", "--layer", "stations", csv.path]] {
            let r = try CLI.runThroughShell("NUANXIN_DATA=\(missing) exec \"$0\" \"$@\"", command)
            #expect(r.status == 66, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("NUANXIN_DATA=\(missing): no such folder"))
            #expect(!r.stderr.contains("imported"))
        }
        #expect(try Data(contentsOf: bundled) == bundledBefore)
        // A folder that exists but holds no dataset is reported by loading it, not replaced by the bundled one.
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("nuanxin-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let r = try CLI.runThroughShell("NUANXIN_DATA=\(empty.path) exec \"$0\" \"$@\"", ["info"])
        #expect(r.status == 66)
        #expect(r.stderr.contains("\(empty.path)/dataset.json: no such file"))
        // A good NUANXIN_DATA is used.
        let good = try CLI.runThroughShell("NUANXIN_DATA=\(Fixtures.tiny.path) exec \"$0\" \"$@\"", ["info", "--format", "json"])
        #expect(good.status == 0)
        #expect(good.stdout.contains("Tiny test dataset"))
        // --data naming a missing folder is 66 too, naming it.
        let flag = try CLI.run(["info", "--data", missing])
        #expect(flag.status == 66)
        #expect(flag.stderr.contains("\(missing)/dataset.json: no such file"))
    }

    @Test("a batch point far outside the CRS's area of use is an error line with its line number; the others are answered")
    func batchPointOutsideArea() throws {
        var text = "id,lon,lat\n"
        let bad = 35_000
        for i in 1...40_000 {
            text += i == bad - 1 ? "far,24,0\n" : "q\(i),113.\(i % 100 + 10),36.05\n"
        }
        let folder = try Fixtures.tinyCopy()
        let input = folder.appendingPathComponent("queries.csv")
        try Data(text.utf8).write(to: input)
        let r = try CLI.run(["nearest", "--input", input.path, "--data", folder.path])
        #expect(r.status == 65)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 40_000)
        #expect(lines[bad - 2].hasPrefix("{\"query\":{\"id\":\"far\",\"line\":\(bad)},\"error\":\"lon 24, lat 0 is more than 3° outside the area of use of EPSG:4547"))
        #expect(lines.last!.hasPrefix("{\"query\":{\"id\":\"q40000\""))
        #expect(r.stderr.contains("queries.csv: line \(bad): lon 24, lat 0 is more than 3° outside the area of use of EPSG:4547"))
        #expect(r.stderr.contains("1 point(s) could not be answered (not projectable, or a circle outside the CRS's area of use); the others were answered"))
        #expect(!r.stderr.contains("coordinate "))
        // With --out the file is written, whole.
        let out = folder.appendingPathComponent("out.ndjson")
        let written = try CLI.run(["nearest", "--input", input.path, "--out", out.path, "--data", folder.path])
        #expect(written.status == 65)
        #expect(try String(contentsOf: out, encoding: .utf8) == r.stdout)
        // CSV output keeps the line as an error row (its id, the error naming the line) and answers the rest.
        let csv = try CLI.run(["nearest", "--input", input.path, "--format", "csv", "--data", folder.path])
        #expect(csv.status == 65)
        #expect(csv.stdout.split(separator: "\n").count >= 40_001)
        #expect(csv.stdout.contains("\nfar,,,,\"line \(bad): lon 24, lat 0 is more than 3°"))
    }

    @Test("a batch point PROJ cannot project is an error line; the others are answered")
    func batchPointUnprojectable() throws {
        // Orthographic: the far side of the globe cannot be projected (a PROJ string has no area of use).
        let ortho = "+proj=ortho +lat_0=36 +lon_0=113 +units=m +type=crs"
        let r = try CLI.run(["nearest", "--input", "-", "--format", "json", "--crs", ortho, "--data", Fixtures.tiny.path],
                            stdin: "id,lon,lat\na,113.06,36.05\nb,-67,-36\nc,113.1,36.1\n")
        #expect(r.status == 65)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("{\"query\":{\"id\":\"a\""))
        #expect(lines[1].hasPrefix("{\"query\":{\"id\":\"b\",\"line\":3},\"error\":\"lon -67, lat -36 cannot be projected to \(ortho): "))
        #expect(lines[2].hasPrefix("{\"query\":{\"id\":\"c\""))
        #expect(r.stderr.contains("standard input: line 3: lon -67, lat -36 cannot be projected"))
    }

    @Test("a single point far outside the CRS's area of use is bad data (65) for nearest, within and locate")
    func singlePointOutsideArea() throws {
        for command in [["nearest"], ["within", "--radius", "1000"], ["locate"]] {
            let r = try CLI.run(command + ["--lon", "24", "--lat", "0", "--data", Fixtures.tiny.path])
            #expect(r.status == 65, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("nuanxin: lon 24, lat 0 is more than 3° outside the area of use of EPSG:4547"))
            #expect(r.stdout.isEmpty)
        }
        let ortho = "+proj=ortho +lat_0=36 +lon_0=113 +units=m +type=crs"
        let r = try CLI.run(["nearest", "--lon=-67", "--lat=-36", "--crs", ortho, "--data", Fixtures.tiny.path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("nuanxin: lon -67, lat -36 cannot be projected to \(ortho): "))
        // Just outside the area of use, within the margin, is still answered.
        let near = try CLI.run(["nearest", "--lon", "111", "--lat", "36", "--format", "json", "--data", Fixtures.tiny.path])
        #expect(near.status == 0, "\(near.stderr)")
    }

    @Test("within: a radius whose circle reaches more than 3° outside the CRS's area of use is bad data (65), a smaller one is answered")
    func withinRadiusOutsideArea() throws {
        // EPSG:4547 is used from 112.5°E to 115.5°E: 900 km around 113.1°E reaches past 102°E.
        try Fixtures.expectOutsideTinyArea(["within", "--lon", "113.1", "--lat", "36.2", "--radius", "900000", "--data", Fixtures.tiny.path],
                                           prefix: "a radius of 900000 m around lon 113.1, lat 36.2 reaches lon ")
        // The same point with 200 km stays within the margin (about 110.8°E–115.4°E).
        let near = try CLI.run(["within", "--lon", "113.1", "--lat", "36.2", "--radius", "200000", "--format", "json", "--data", Fixtures.tiny.path])
        #expect(near.status == 0, "\(near.stderr)")
    }

    @Test("within: a circle past the antimeridian is checked against an area of use that crosses it (Fiji Map Grid, 176.81°E–178.15°W)")
    func withinRadiusAcrossAntimeridian() throws {
        // The tiny dataset moved to Fiji (178.0–178.2°E, 17°S), in the Fiji Map Grid.
        let fiji = try Fixtures.movedTinyCopy(dLon: 65, dLat: -53, crs: "EPSG:3460")
        defer { try? FileManager.default.removeItem(at: fiji) }
        // 567 km around 179.9°E reaches 174.6°W, more than 3° past 178.15°W: refused, the reach
        // given in longitudes of [-180, 180).
        let far = try CLI.run(["within", "--lon", "179.9", "--lat", "-17", "--radius", "567000", "--format", "json", "--data", fiji.path])
        #expect(far.status == 65, "\(far.stderr)")
        #expect(far.stderr.contains("reaches lon 174.40–-174.60, lat "), "\(far.stderr)")
        #expect(far.stderr.contains("outside the area of use of EPSG:3460"), "\(far.stderr)")
        // 100 km around the same point stays within the margin on both sides.
        let near = try CLI.run(["within", "--lon", "179.9", "--lat", "-17", "--radius", "100000", "--format", "json", "--data", fiji.path])
        #expect(near.status == 0, "\(near.stderr)")
    }
    @Test("nearest --max-distance: a circle reaching more than 3° outside the CRS's area of use is bad data (65), one point or a batch line; a smaller one is answered")
    func maxDistanceOutsideArea() throws {
        try Fixtures.expectOutsideTinyArea(["nearest", "--lon", "113.1", "--lat", "36.2", "--max-distance", "900000", "--data", Fixtures.tiny.path],
                                           prefix: "--max-distance 900000 m around lon 113.1, lat 36.2 reaches lon ")
        let near = try CLI.run(["nearest", "--lon", "113.1", "--lat", "36.2", "--max-distance", "200000", "--format", "json", "--data", Fixtures.tiny.path])
        #expect(near.status == 0, "\(near.stderr)")
        // In a batch, the query whose circle leaves the area is an error line; the others are answered.
        let queries = "id,lon,lat\na,113.1,36.2\nb,115.4,36.2\nc,113.05,36.05\n"
        let batch = try CLI.run(["nearest", "--input", "-", "--max-distance", "300000", "--data", Fixtures.tiny.path], stdin: queries)
        #expect(batch.status == 65, "\(batch.stderr)")
        let lines = batch.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("{\"query\":{\"id\":\"a\""), "\(lines)")
        #expect(lines[1].hasPrefix("{\"query\":{\"id\":\"b\",\"line\":3},\"error\":\"--max-distance 300000 m around lon 115.4, lat 36.2 reaches lon "), "\(lines)")
        #expect(lines[2].hasPrefix("{\"query\":{\"id\":\"c\""), "\(lines)")
        #expect(batch.stderr.contains("standard input: line 3: --max-distance 300000 m"), "\(batch.stderr)")
        let plain = try CLI.run(["nearest", "--input", "-", "--data", Fixtures.tiny.path], stdin: queries)
        #expect(plain.status == 0, "without --max-distance every point is answered: \(plain.stderr)")
    }

    @Test("--radius of coverage, gaps, load, propose, compare, report and export, and the areas distances: circles around the dataset leaving the CRS's area of use are bad data (65)")
    func datasetRadiusOutsideArea() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let extra = try Fixtures.extraStation(in: folder)
        let data = ["--data", folder.path]
        let commands: [[String]] = [
            ["coverage"], ["coverage", "--by-hour"], ["gaps"], ["load"], ["propose", "--count", "1"], ["compare", "--with", extra.path],
            ["export", "--layer", "gaps", "--format", "csv"], ["areas"],
            ["report", "--count", "0", "--format", "svg", "--out", folder.appendingPathComponent("map.svg").path],
        ]
        for command in commands {
            // 900 km around the tiny dataset (113.0–113.2°E) reaches past 102°E.
            try Fixtures.expectOutsideTinyArea(command + ["--radius", "900000"] + data, prefix: "--radius 900000 m around the dataset's points (lon 113.0")
            // 200 km stays within the margin; 1 km (the usual radius) too.
            for radius in ["200000", "1000"] {
                let near = try CLI.run(command + ["--radius", radius] + data)
                #expect(near.status == 0, "\(command.joined(separator: " ")) --radius \(radius): \(near.stderr)")
            }
        }
        for flag in ["--rest-m", "--parking-m", "--charging-m", "--meal-m"] {
            let far = try CLI.run(["areas", flag, "900000"] + data)
            #expect(far.status == 65 && far.stderr.hasPrefix("nuanxin: \(flag) 900000 m around the dataset's points"), "\(flag): \(far.stderr)")
        }
        // Commands without --radius, and the default dataset at its usual radius, are not affected.
        #expect(try CLI.run(["coverage", "--format", "json"] + data).status == 0)
        #expect(try CLI.run(["coverage", "--radius", "1000", "--format", "json"]).status == 0)
    }
}
