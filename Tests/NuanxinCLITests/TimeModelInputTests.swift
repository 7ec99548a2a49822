import Foundation
import Testing

/// Opening hours, the manifest's planning-in-time keys, district radii and Chinese kind and
/// service words, seen through `validate`, `import`, `export` and `nearest`.
@Suite("time model inputs: hours, manifest keys, district radius, Chinese words")
struct TimeModelInputTests {
    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    static func issues(_ r: CLIResult) throws -> [[String: Any]] {
        try json(r.stdout)["issues"] as! [[String: Any]]
    }

    @Test("validate lists every bad hours value with its feature index and id (65)")
    func badHours() throws {
        let bad = ["25:00-26:00", "8-22", "10:00-10:00", "08:00-20:00,"]
        let folder = try Fixtures.tinyCopy { dir in
            let stations = dir.appendingPathComponent("stations.geojson")
            for (i, hours) in bad.enumerated() { try Fixtures.setProperty(stations, i, "hours", hours) }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["validate", "--format", "json", "--data", folder.path])
        #expect(r.status == 65)
        let issues = try Self.issues(r)
        #expect(issues.count == 4, "\(r.stdout)")
        for (i, hours) in bad.enumerated() {
            let issue = issues.first { $0["feature"] as? Int == i }
            #expect(issue?["id"] as? String == "s\(i + 1)")
            #expect((issue?["file"] as? String)?.hasSuffix("stations.geojson") == true)
            #expect((issue?["message"] as? String)?.contains("hours \"\(hours)\"") == true, "\(String(describing: issue))")
        }
        let messages = issues.compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("hour 25") })
        #expect(messages.contains { $0.contains("\"8\" is not a time") })
        #expect(messages.contains { $0.contains("empty range") })
        #expect(messages.contains { $0.contains("trailing comma") })
    }

    @Test("good hours, a range past midnight and 24h validate")
    func goodHours() throws {
        let folder = try Fixtures.tinyCopy { dir in
            let stations = dir.appendingPathComponent("stations.geojson")
            try Fixtures.setProperty(stations, 0, "hours", "22:00-06:00")
            try Fixtures.setProperty(stations, 1, "hours", "24h")
            try Fixtures.setProperty(stations, 2, "hours", "10:00-14:00, 17:00-24:00")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["validate", "--format", "json", "--data", folder.path])
        #expect(r.status == 0, "\(r.stdout)")
    }

    @Test("validate names the manifest key that is wrong (65)", arguments: [
        ("stay_min", "0", "\"stay_min\""),
        ("visits_per_hour", "-1", "\"visits_per_hour\""),
        ("stay_min", "2000", "\"stay_min\" is 2000, more than the limit of 1440 minutes"),
        ("visits_per_hour", "1e9", "more than the limit of 60 visits an hour"),
        ("demand_profile", "[1, 0.5, 0.2]", "has 3 values"),
        ("demand_profile", "[" + Array(repeating: "0.5", count: 23).joined(separator: ",") + ",-0.1]", "hour 23"),
        ("demand_profile", "[" + Array(repeating: "0.5", count: 24).joined(separator: ",") + "]", "exactly 1"),
        ("site_sizes", "[8, -16]", "\"site_sizes\""),
        ("site_cost", "{\"fixed\": \"cheap\"}", "\"fixed\""),
    ])
    func badManifest(_ key: String, _ valueJSON: String, _ says: String) throws {
        let value = try JSONSerialization.jsonObject(with: Data(valueJSON.utf8), options: .fragmentsAllowed)
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.editJSON(dir.appendingPathComponent("dataset.json")) { $0[key] = value }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["validate", "--format", "json", "--data", folder.path])
        #expect(r.status == 65)
        let issues = try Self.issues(r)
        #expect(issues.count == 1, "\(r.stdout)")
        #expect((issues.first?["file"] as? String)?.hasSuffix("dataset.json") == true)
        #expect((issues.first?["message"] as? String)?.contains(says) == true, "\(r.stdout)")
        // Commands that load the dataset stop with the same message.
        let info = try CLI.run(["info", "--data", folder.path])
        #expect(info.status == 65)
        #expect(info.stderr.contains(says), "\(info.stderr)")
    }

    @Test("more than 60 riders a seat from stay_min × visits_per_hour is refused, naming both values; 60 is answered")
    func tooManyRidersPerSeat() throws {
        // A one-minute stay once every two hours: 120 riders a seat.
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.editJSON(dir.appendingPathComponent("dataset.json")) { $0["stay_min"] = 1; $0["visits_per_hour"] = 0.5 }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["validate", "--format", "json", "--data", folder.path])
        #expect(r.status == 65)
        let issues = try Self.issues(r)
        #expect(issues.count == 1 && (issues.first?["file"] as? String)?.hasSuffix("dataset.json") == true, "\(r.stdout)")
        #expect((issues.first?["message"] as? String)?.contains(#""stay_min" 1 with "visits_per_hour" 0.5 gives 120 riders a seat"#) == true, "\(r.stdout)")
        let coverage = try CLI.run(["coverage", "--data", folder.path])
        #expect(coverage.status == 65 && coverage.stderr.contains("more than the limit of 60"), "\(coverage.stderr)")
        // One flag with the manifest's other value: exactly 60 riders a seat is answered, more is
        // refused naming the flag and the key.
        let mixed = try CLI.run(["coverage", "--stay-min", "2", "--data", folder.path])
        #expect(mixed.status == 0, "exactly 60 riders a seat is allowed: \(mixed.stderr)")
        let mixedBad = try CLI.run(["coverage", "--stay-min", "1.5", "--data", folder.path])
        #expect(mixedBad.status == 65 && mixedBad.stderr.contains(#"--stay-min 1.5 with "visits_per_hour" 0.5 gives 80 riders a seat"#), "\(mixedBad.stderr)")
        // Both flags: a usage error before anything is read.
        let flags = try CLI.run(["coverage", "--stay-min", "1", "--visits-per-hour", "0.5", "--data", Fixtures.tiny.path])
        #expect(flags.status == 64 && flags.stderr.contains("--stay-min 1 with --visits-per-hour 0.5 gives 120 riders a seat (60 / (stay_min × visits_per_hour)), more than the limit of 60"), "\(flags.stderr)")
        // Small values that keep a minute of rest an hour are answered.
        let fine = try CLI.run(["coverage", "--stay-min", "1", "--visits-per-hour", "1", "--format", "json", "--data", Fixtures.tiny.path])
        #expect(fine.status == 0 && fine.stdout.contains(#""riders_per_seat":60.0"#), "\(fine.stderr) \(fine.stdout)")
    }

    @Test("more than 60 riders a seat stops only the commands that turn seats into riders; nearest, within, locate, info, layer exports and import answer")
    func ridersPerSeatOnlyWhereSeatsCount() throws {
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.editJSON(dir.appendingPathComponent("dataset.json")) { $0["stay_min"] = 1; $0["visits_per_hour"] = 0.5 }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = ["--data", folder.path]
        let says = #""stay_min" 1 with "visits_per_hour" 0.5 gives 120 riders a seat"#
        let queries = folder.appendingPathComponent("queries.csv")
        try Data("id,lon,lat\nq1,113.05,36.05\n".utf8).write(to: queries)
        let extra = try Fixtures.extraStation(in: folder)
        let unaffected: [[String]] = [
            ["nearest", "--lon", "113.05", "--lat", "36.05"], ["nearest", "--input", queries.path],
            ["within", "--lon", "113.05", "--lat", "36.05", "--radius", "5000"],
            ["locate", "--lon", "113.05", "--lat", "36.05"], ["locate", "--input", queries.path], ["info"],
            ["export", "--layer", "stations", "--format", "csv"],
            ["export", "--layer", "all", "--format", "gpkg", "--out", folder.appendingPathComponent("all.gpkg").path],
            // Both flags together give 120 riders a seat too: ignored where seats are not used.
            ["nearest", "--lon", "113.05", "--lat", "36.05", "--stay-min", "1", "--visits-per-hour", "0.5"],
        ]
        for command in unaffected {
            let r = try CLI.run(command + data)
            #expect(r.status == 0, "\(command.joined(separator: " ")): \(r.stderr)")
            #expect(!r.stderr.contains("riders a seat"), "\(command.joined(separator: " ")): \(r.stderr)")
        }
        let imported = try CLI.run(["import", "--layer", "stations", extra.path] + data)
        #expect(imported.status == 0, "\(imported.stderr)")
        let refused: [[String]] = [
            ["coverage"], ["coverage", "--by-hour"], ["load"], ["gaps"], ["propose", "--count", "1"], ["areas"], ["compare", "--with", extra.path],
            ["export", "--layer", "coverage", "--format", "csv"],
            ["report", "--count", "0", "--format", "svg", "--out", folder.appendingPathComponent("map.svg").path],
        ]
        for command in refused {
            let r = try CLI.run(command + data)
            #expect(r.status == 65 && r.stderr.contains(says), "\(command.joined(separator: " ")): \(r.stderr)")
        }
        // A flag that brings riders a seat within the limit is used for the --with stations too.
        let fixed = try CLI.run(["coverage", "--stay-min", "2", "--with", extra.path, "--format", "json"] + data)
        #expect(fixed.status == 0 && fixed.stdout.contains(#""riders_per_seat":60.0"#), "\(fixed.stderr)")
        // validate reports it and still checks the layers: a broken demand file is listed too.
        try Data("{\"type\": \"FeatureCollection\", \"features\": [".utf8).write(to: folder.appendingPathComponent("demand.geojson"))
        let v = try CLI.run(["validate", "--format", "json"] + data)
        #expect(v.status == 65)
        let files = try Self.issues(v).compactMap { $0["file"] as? String }
        #expect(files.contains { $0.hasSuffix("dataset.json") } && files.contains { $0.hasSuffix("demand.geojson") }, "\(v.stdout)")
    }

    @Test("compare uses --stay-min and --visits-per-hour")
    func compareUsesRestFlags() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let extra = try Fixtures.extraStation(in: folder)
        func served(_ flags: [String]) throws -> Double {
            let r = try CLI.run(["compare", "--with", extra.path, "--format", "json", "--data", folder.path] + flags)
            #expect(r.status == 0, "\(r.stderr)")
            let total = try Self.json(r.stdout)["total"] as! [String: Any]
            return (total["before"] as! [String: Any])["served_pct"] as! Double
        }
        let six = try served([]), one = try served(["--stay-min", "60", "--visits-per-hour", "1"])
        #expect(one < six, "one rider a seat serves fewer than six: \(one) vs \(six)")
    }

    @Test("a district's radius_m must be a positive number (65), and 500 validates")
    func districtRadius() throws {
        let bad = try Fixtures.tinyCopy { dir in
            try Fixtures.setProperty(dir.appendingPathComponent("districts.geojson"), 1, "radius_m", -500)
        }
        defer { try? FileManager.default.removeItem(at: bad) }
        let r = try CLI.run(["validate", "--format", "json", "--data", bad.path])
        #expect(r.status == 65)
        let issue = try Self.issues(r).first
        #expect(issue?["feature"] as? Int == 1 && issue?["id"] as? String == "B")
        #expect((issue?["message"] as? String)?.contains("radius_m") == true)
        let good = try Fixtures.tinyCopy { dir in
            try Fixtures.setProperty(dir.appendingPathComponent("districts.geojson"), 0, "radius_m", 500)
        }
        defer { try? FileManager.default.removeItem(at: good) }
        #expect(try CLI.run(["validate", "--data", good.path]).status == 0)
    }

    @Test("Chinese kind and service words in a layer validate and are kept as English codes")
    func chineseWordsInLayer() throws {
        let folder = try Fixtures.tinyCopy { dir in
            let stations = dir.appendingPathComponent("stations.geojson")
            try Fixtures.setProperty(stations, 0, "kind", "暖“新”驿站")
            try Fixtures.setProperty(stations, 0, "services", ["休息", "饮水", "充电"])
            try Fixtures.setProperty(stations, 2, "kind", "充电桩")
            try Fixtures.setProperty(stations, 2, "services", "充电、换电")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLI.run(["validate", "--data", folder.path]).status == 0)
        let export = try CLI.run(["export", "--layer", "stations", "--format", "geojson", "--data", folder.path])
        #expect(export.status == 0)
        let features = try Self.json(export.stdout)["features"] as! [[String: Any]]
        let props = Dictionary(uniqueKeysWithValues: features.map { ($0["id"] as! String, $0["properties"] as! [String: Any]) })
        #expect(props["s1"]?["kind"] as? String == "warm_station")
        #expect(props["s1"]?["services"] as? [String] == ["rest", "water", "charging"])
        #expect(props["s3"]?["kind"] as? String == "charging_point")
        #expect(props["s3"]?["services"] as? [String] == ["charging", "battery_swap"])
    }

    @Test("a CSV with Chinese kinds and services imports as English codes")
    func chineseWordsInCSV() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("驿站.csv")
        let text = "编号,名称,经度,纬度,类型,服务,开放时间\nc1,骑手驿站一,113.055,36.055,骑手驿站,休息、热饭、饮水、雨伞,10:00-22:00\nc2,爱心商户一,113.056,36.056,爱心商户,热饭;卫生间,\nc3,党群服务中心,113.057,36.057,党群服务中心,培训、法律援助,09:00-18:00\n"
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "--layer", "stations", csv.path, "--data", folder.path])
        #expect(r.status == 0, "\(r.stderr)")
        let stations = try Self.json(String(decoding: Data(contentsOf: folder.appendingPathComponent("stations.geojson")), as: UTF8.self))
        let props = Dictionary(uniqueKeysWithValues: (stations["features"] as! [[String: Any]]).map {
            let p = $0["properties"] as! [String: Any]
            return (p["id"] as! String, p)
        })
        #expect(props["c1"]?["kind"] as? String == "rider_station")
        #expect(props["c1"]?["services"] as? [String] == ["rest", "hot_meal", "water", "umbrella"])
        #expect(props["c1"]?["hours"] as? String == "10:00-22:00")
        #expect(props["c2"]?["kind"] as? String == "partner_venue")
        #expect(props["c2"]?["services"] as? [String] == ["hot_meal", "restroom"])
        #expect(props["c3"]?["kind"] as? String == "service_center")
        #expect(props["c3"]?["services"] as? [String] == ["training", "legal_aid"])
    }

    @Test("an unknown word is an error listing the known ones in English and Chinese; nothing is imported")
    func unknownWord() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try Data(contentsOf: folder.appendingPathComponent("stations.geojson"))
        let csv = folder.appendingPathComponent("bad.csv")
        try "id,name,lon,lat,kind,services\nu1,a,113.05,36.05,驿站,休息\nu2,b,113.06,36.06,warm_station,休息、按摩\n".write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "--layer", "stations", csv.path, "--data", folder.path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("line 2 (id u1): unknown kind \"驿站\""), "\(r.stderr)")
        #expect(r.stderr.contains("warm_station (暖新驿站") && r.stderr.contains("partner_venue (爱心商户"))
        #expect(r.stderr.contains("line 3 (id u2): unknown service \"按摩\""), "\(r.stderr)")
        #expect(r.stderr.contains("rest (休息") && r.stderr.contains("restroom (卫生间"))
        #expect(try Data(contentsOf: folder.appendingPathComponent("stations.geojson")) == before)
    }

    @Test("a station whose services leave out rest is not a rest station, whatever its kind")
    func restByServices() throws {
        let folder = try Fixtures.tinyCopy { dir in
            // s1, the nearest to the query, is a warm station that lists only water and charging.
            try Fixtures.setProperty(dir.appendingPathComponent("stations.geojson"), 0, "services", ["water", "charging"])
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["nearest", "--lon", "113.05", "--lat", "36.05", "--service", "rest", "--format", "json", "--data", folder.path])
        #expect(r.status == 0, "\(r.stderr)")
        let results = try Self.json(r.stdout)["results"] as! [[String: Any]]
        #expect(results.first?["id"] as? String == "s4")
        let all = try CLI.run(["nearest", "--lon", "113.05", "--lat", "36.05", "--format", "json", "--data", folder.path])
        #expect((try Self.json(all.stdout)["results"] as! [[String: Any]]).first?["id"] as? String == "s1")
    }

    @Test("the default dataset: hours that parse, one 24h station, rest kinds that list rest but Huguan's centre, Luzhou's 500 m")
    func defaultDataset() throws {
        let v = try CLI.run(["validate", "--format", "json"])
        #expect(v.status == 0)
        #expect(try Self.json(v.stdout)["errors"] as? Int == 0)
        let export = try CLI.run(["export", "--layer", "stations", "--format", "geojson"])
        let stations = (try Self.json(export.stdout)["features"] as! [[String: Any]]).map { $0["properties"] as! [String: Any] }
        #expect(stations.filter { $0["hours"] as? String == "24h" }.map { $0["id"] as! String } == ["st-licheng-001"])
        let restKinds: Set<String> = ["warm_station", "union_station", "rider_station", "service_center"]
        let withoutRest = stations.filter { restKinds.contains($0["kind"] as! String) && !(($0["services"] as? [String]) ?? []).contains("rest") }
        #expect(withoutRest.map { $0["id"] as! String } == ["st-huguan-001"])
        #expect((withoutRest.first?["basis"] as? String)?.contains("not a rest station") == true)
        // Near Huguan's seat the nearest rest station is not its service centre.
        let near = try CLI.run(["nearest", "--lon", "113.1996", "--lat", "36.1109", "--service", "rest", "--format", "json"])
        #expect(near.status == 0)
        #expect((try Self.json(near.stdout)["results"] as! [[String: Any]]).first?["id"] as? String != "st-huguan-001")
        let districts = try CLI.run(["export", "--layer", "districts", "--format", "geojson"])
        let radii = (try Self.json(districts.stdout)["features"] as! [[String: Any]]).compactMap { f -> String? in
            let p = f["properties"] as! [String: Any]
            return (p["radius_m"] as? Double).map { "\(p["id"] as! String)=\(Int($0))" }
        }
        #expect(radii == ["140403=500"])
    }
}
