import TestSupport
import Foundation
import Testing

/// `--at`, `--by-hour`, `--stay-min`/`--visits-per-hour` on the default dataset and the tiny fixture.
@Suite("coverage in time: --at, --by-hour, riders per seat")
struct TimeCoverageCLITests {
    static let defaultData = ["--data", CLI.repositoryRoot.appendingPathComponent("geodata/changzhi").path]

    static func json(_ r: CLIResult) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
    }

    /// The ids of the default dataset's rest stations open at hh:mm, read from the file with a parser
    /// of its own (hours are "24h" or ranges "HH:MM-HH:MM[,…]", a range may cross midnight).
    static func restStationsOpen(at minutes: Int) throws -> [String] {
        let url = CLI.repositoryRoot.appendingPathComponent("geodata/changzhi/stations.geojson")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var out: [String] = []
        for f in doc["features"] as! [[String: Any]] {
            let p = f["properties"] as! [String: Any]
            let kind = p["kind"] as! String
            let rest = (p["services"] as? [String]).map { $0.contains("rest") || $0.contains("休息") } ?? !["charging_point", "partner_venue"].contains(kind)
            guard rest else { continue }
            var open = true
            if let hours = p["hours"] as? String, hours != "24h" {
                func m(_ t: Substring) -> Int { Int(t.prefix(2))! * 60 + Int(t.suffix(2))! }
                open = hours.split(separator: ",").contains { range in
                    let ends = range.split(separator: "-")
                    let a = m(ends[0]), b = m(ends[1])
                    return a <= b ? (minutes >= a && minutes < b) : (minutes >= a || minutes < b)
                }
            }
            if open { out.append(p["id"] as! String) }
        }
        return out.sorted()
    }

    @Test("coverage --at 23:00 on the default dataset counts only the rest stations open then, and the demand of that hour")
    func nightCoverage() throws {
        let peak = try Self.json(try CLI.run(["coverage", "--format", "json"] + Self.defaultData))
        let night = try Self.json(try CLI.run(["coverage", "--format", "json", "--at", "23:00"] + Self.defaultData))
        #expect(peak["riders_per_seat"] as? Double == 6)
        #expect(night["at"] as? String == "23:00")
        let openIDs = try Self.restStationsOpen(at: 23 * 60)
        let nightTotal = night["total"] as! [String: Any], peakTotal = peak["total"] as! [String: Any]
        #expect(nightTotal["stations"] as? Double == Double(openIDs.count))
        #expect((nightTotal["stations"] as! Double) < (peakTotal["stations"] as! Double))
        let factor = night["demand_factor"] as! Double
        #expect(factor < 1)
        #expect(abs((nightTotal["demand"] as! Double) - (peakTotal["demand"] as! Double) * factor) < 0.05)
        #expect((nightTotal["covered_pct"] as! Double) < (peakTotal["covered_pct"] as! Double))
        // The open stations are the ones load lists at that time.
        let load = try Self.json(try CLI.run(["load", "--format", "json", "--at", "23:00"] + Self.defaultData))
        #expect((load["stations"] as! [[String: Any]]).map { $0["id"] as! String }.sorted() == openIDs)
        let table = try CLI.run(["coverage", "--format", "table", "--at", "23:00"] + Self.defaultData)
        #expect(table.stdout.contains("at 23:00") && table.stdout.contains("\(openIDs.count) rest station\(openIDs.count == 1 ? "" : "s") open"))
    }

    @Test("coverage --by-hour: 24 rows with the SPEC fields; the 23:00 row is coverage --at 23:00")
    func byHour() throws {
        let r = try CLI.run(["coverage", "--by-hour", "--format", "json"] + Self.defaultData)
        #expect(r.status == 0, "\(r.stderr)")
        let hours = try Self.json(r)["hours"] as! [[String: Any]]
        #expect(hours.map { $0["hour"] as! Double } == (0..<24).map(Double.init))
        for key in ["hour", "demand", "covered", "covered_pct", "served", "served_pct", "open_stations"] { #expect(hours[0][key] != nil, "missing \(key)") }
        let at23 = try Self.json(try CLI.run(["coverage", "--format", "json", "--at", "23:00"] + Self.defaultData))["total"] as! [String: Any]
        #expect(hours[23]["served"] as? Double == at23["served"] as? Double && hours[23]["covered"] as? Double == at23["covered"] as? Double)
        #expect(hours[23]["open_stations"] as? Double == at23["stations"] as? Double)
        let peakHour = hours.max { ($0["demand"] as! Double) < ($1["demand"] as! Double) }!
        #expect((peakHour["open_stations"] as! Double) > (hours[3]["open_stations"] as! Double))
        // One district.
        let d = try Self.json(try CLI.run(["coverage", "--by-hour", "--format", "json", "--district", "140403"] + Self.defaultData))
        #expect(d["district"] as? String == "140403" && (d["hours"] as! [[String: Any]]).count == 24)
        let csv = try CLI.run(["coverage", "--by-hour", "--format", "csv"] + Self.defaultData)
        #expect(csv.stdout.contains("hour,demand,covered,covered_pct,served,served_pct,open_stations"))
        #expect(csv.stdout.split(whereSeparator: \.isNewline).count == 25)
        #expect(try CLI.run(["coverage", "--by-hour", "--at", "12:00"] + Self.defaultData).status == 64)
        #expect(try CLI.run(["coverage", "--by-hour", "--district", "140403", "--district", "140404"] + Self.defaultData).status == 64)
    }

    @Test("riders per seat follows --stay-min and --visits-per-hour; served never exceeds seats × riders per seat")
    func ridersPerSeat() throws {
        let data = ["--data", Fixtures.tiny.path]
        let base = try Self.json(try CLI.run(["coverage", "--format", "json"] + data))
        let slow = try Self.json(try CLI.run(["coverage", "--format", "json", "--stay-min", "60", "--visits-per-hour", "1"] + data))
        #expect(base["riders_per_seat"] as? Double == 6)
        #expect(slow["riders_per_seat"] as? Double == 1)
        let b = base["total"] as! [String: Any], s = slow["total"] as! [String: Any]
        #expect((s["served"] as! Double) <= (s["seats"] as! Double) + 1e-9)
        #expect((b["served"] as! Double) <= 6 * (b["seats"] as! Double) + 1e-9)
        #expect((b["served"] as! Double) >= (s["served"] as! Double))
        #expect(b["capacity"] as? Double == 6 * (b["seats"] as! Double))
    }

    @Test("bad times and rest figures are usage errors (64) on every command that takes them",
          arguments: ["nearest", "within", "coverage", "gaps", "areas", "load", "propose"])
    func badFlags(command: String) throws {
        var extra: [String] = []
        if command == "nearest" { extra = ["--lon", "113.1", "--lat", "36.19"] }
        if command == "within" { extra = ["--lon", "113.1", "--lat", "36.19", "--radius", "500"] }
        if command == "propose" { extra = ["--count", "1"] }
        for bad in [["--at", "24:30"], ["--at", "12:60"], ["--at", "noon"], ["--stay-min", "0"], ["--visits-per-hour", "-1"], ["--stay-min", "nan"]] {
            let r = try CLI.run([command] + extra + bad + ["--data", Fixtures.tiny.path])
            #expect(r.status == 64, "\(command) \(bad): \(r.status) \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test("nearest and within --at leave out the stations closed then")
    func nearestAt() throws {
        let open = try Self.json(try CLI.run(["nearest", "--lon", "113.11", "--lat", "36.19", "-k", "5", "--format", "json", "--at", "03:00"] + Self.defaultData))
        let stations = try JSONSerialization.jsonObject(with: Data(contentsOf: CLI.repositoryRoot.appendingPathComponent("geodata/changzhi/stations.geojson"))) as! [String: Any]
        let hours = Dictionary(uniqueKeysWithValues: (stations["features"] as! [[String: Any]]).map { f in
            let p = f["properties"] as! [String: Any]
            return (p["id"] as! String, p["hours"] as? String)
        })
        let ids = (open["results"] as! [[String: Any]]).map { $0["id"] as! String }
        #expect(!ids.isEmpty)
        // At 03:00 only stations open around the clock (or across midnight) remain.
        for id in ids { #expect(hours[id]! == nil || hours[id]! == "24h" || hours[id]!!.contains("-0"), "\(id) \(String(describing: hours[id]))") }
        // A batch answers with the same stations as single queries.
        let batch = try CLI.run(["nearest", "--input", "-", "-k", "5", "--format", "csv", "--at", "03:00"] + Self.defaultData, stdin: "id,lon,lat\nq1,113.11,36.19\n")
        #expect(batch.status == 0, "\(batch.stderr)")
        let batchIDs = batch.stdout.split(whereSeparator: \.isNewline).dropFirst().map { String($0.split(separator: ",")[2]) }
        #expect(batchIDs == ids)
        let within = try Self.json(try CLI.run(["within", "--lon", "113.11", "--lat", "36.19", "--radius", "3000", "--format", "json", "--at", "03:00"] + Self.defaultData))
        let all = try Self.json(try CLI.run(["within", "--lon", "113.11", "--lat", "36.19", "--radius", "3000", "--format", "json"] + Self.defaultData))
        #expect((within["results"] as! [Any]).count < (all["results"] as! [Any]).count)
    }
}
