import TestSupport
import Foundation
import Testing

@Suite("load command: capacity, catchment, assigned, pressure per station")
struct LoadCommandTests {
    let data = ["--data", CLI.repositoryRoot.appendingPathComponent("geodata/changzhi").path]

    @Test("load json: SPEC fields, capacity = seats × riders per seat, sorted by pressure then id, totals match coverage")
    func loadJSON() throws {
        let r = try CLI.run(["load", "--format", "json"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let rows = doc["stations"] as! [[String: Any]]
        #expect(!rows.isEmpty)
        let rps = doc["riders_per_seat"] as! Double
        #expect(rps == 6)
        for key in ["id", "name", "kind", "district", "seats", "capacity", "catchment", "assigned", "utilisation_pct", "pressure"] {
            #expect(rows[0][key] != nil, "missing \(key)")
        }
        for row in rows {
            let seats = row["seats"] as! Double, capacity = row["capacity"] as! Double
            #expect(capacity == seats * rps)
            #expect((row["assigned"] as! Double) <= capacity + 0.01)
            if capacity > 0 { #expect(abs((row["pressure"] as! Double) - (row["catchment"] as! Double) / capacity) < 0.001) }
        }
        for (a, b) in zip(rows, rows.dropFirst()) {
            let pa = a["pressure"] as? Double ?? .infinity, pb = b["pressure"] as? Double ?? .infinity
            #expect(pa > pb || (pa == pb && (a["id"] as! String) < (b["id"] as! String)), "\(a["id"]!) before \(b["id"]!)")
        }
        let coverage = try JSONSerialization.jsonObject(with: Data(try CLI.run(["coverage", "--format", "json"] + data).stdout.utf8)) as! [String: Any]
        let total = coverage["total"] as! [String: Any]
        #expect(abs(rows.reduce(0) { $0 + ($1["assigned"] as! Double) } - (total["served"] as! Double)) < 0.5)
        #expect(rows.count == Int(total["stations"] as! Double))
        // Every covered rider is in exactly one catchment.
        #expect(abs(rows.reduce(0) { $0 + ($1["catchment"] as! Double) } - (total["covered"] as! Double)) < 0.5)
        // coverage's overloaded stations are those with pressure above 1.
        let overloaded = Set((coverage["overloaded_stations"] as! [[String: Any]]).map { $0["id"] as! String })
        #expect(overloaded == Set(rows.filter { ($0["pressure"] as? Double ?? .infinity) > 1 }.map { $0["id"] as! String }))
        #expect(!overloaded.isEmpty && overloaded.count < rows.count)
    }

    @Test("load csv, geojson and table agree with the json")
    func formats() throws {
        let json = try JSONSerialization.jsonObject(with: Data(try CLI.run(["load", "--format", "json"] + data).stdout.utf8)) as! [String: Any]
        let ids = (json["stations"] as! [[String: Any]]).map { $0["id"] as! String }
        let csv = try CLI.run(["load", "--format", "csv"] + data)
        // Spreadsheet CSV: a UTF-8 byte order mark, CRLF line ends.
        let lines = csv.stdout.replacingOccurrences(of: "\u{FEFF}", with: "").split(whereSeparator: \.isNewline)
        #expect(lines.first?.hasPrefix("id,name,kind,district,seats,capacity,catchment,assigned,utilisation_pct,pressure") == true)
        #expect(lines.dropFirst().map { String($0.split(separator: ",")[0]) } == ids)
        let geo = try JSONSerialization.jsonObject(with: Data(try CLI.run(["load", "--format", "geojson"] + data).stdout.utf8)) as! [String: Any]
        let features = geo["features"] as! [[String: Any]]
        #expect(features.map { ($0["properties"] as! [String: Any])["id"] as! String } == ids)
        #expect(features.allSatisfy { ($0["geometry"] as! [String: Any])["type"] as? String == "Point" })
        let table = try CLI.run(["load", "--format", "table"] + data)
        #expect(table.stdout.contains("pressure") && table.stdout.contains(ids[0]))
    }

    @Test("load --district keeps that district's stations; --stay-min changes capacity")
    func filters() throws {
        let one = try JSONSerialization.jsonObject(with: Data(try CLI.run(["load", "--format", "json", "--district", "140429"] + data).stdout.utf8)) as! [String: Any]
        let rows = one["stations"] as! [[String: Any]]
        #expect(!rows.isEmpty && rows.allSatisfy { $0["district"] as? String == "140429" })
        let slow = try JSONSerialization.jsonObject(with: Data(try CLI.run(["load", "--format", "json", "--stay-min", "30"] + data).stdout.utf8)) as! [String: Any]
        #expect(slow["riders_per_seat"] as? Double == 4)
        for row in slow["stations"] as! [[String: Any]] { #expect(row["capacity"] as! Double == 4 * (row["seats"] as! Double)) }
    }
}
