import Foundation
import Testing

/// Files as planners' spreadsheets save them, and input from other GIS tools.
@Suite("spreadsheet CSV and other tools' files")
struct SpreadsheetInputTests {
    static func importing(_ name: String, _ bytes: [UInt8], layer: String = "stations") throws -> (CLIResult, URL) {
        let folder = try Fixtures.tinyCopy()
        let file = folder.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return (try CLI.run(["import", "--layer", layer, file.path, "--data", folder.path]), folder)
    }

    static func stations(_ folder: URL) throws -> [String: [String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("stations.geojson"))) as! [String: Any]
        var out: [String: [String: Any]] = [:]
        for f in json["features"] as! [[String: Any]] {
            let p = f["properties"] as! [String: Any]
            out[p["id"] as! String] = p.merging(["coordinates": (f["geometry"] as! [String: Any])["coordinates"]!]) { a, _ in a }
        }
        return out
    }

    @Test("a ; separated file with full-width digits imports, with numbers typed")
    func semicolonsAndFullWidth() throws {
        let text = "\u{FEFF}编号;名称;类型;经度;纬度;座位数;服务\r\nn1;新站;warm_station;１１３．０６;３６．０５;１２;rest、water\r\nn2;\"站;二\";rider_station;113.07;36.06;\"1,200\";rest\r\n"
        let (r, folder) = try Self.importing("stations.csv", Array(text.utf8))
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(r.status == 0, "\(r.stderr)")
        let s = try Self.stations(folder)
        #expect(s["n1"]?["seats"] as? Int == 12)
        #expect((s["n1"]?["coordinates"] as? [Double]) == [113.06, 36.05])
        #expect((s["n1"]?["services"] as? [String]) == ["rest", "water"])
        #expect(s["n2"]?["name"] as? String == "站;二")
        #expect(s["n2"]?["seats"] as? Int == 1200)
    }

    @Test("a tab separated file imports")
    func tabs() throws {
        let (r, folder) = try Self.importing("stations.txt", Array("id\tname\tkind\tlon\tlat\tseats\nn1\tA, B\twarm_station\t113.06\t36.05\t4\n".utf8))
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(r.status == 0, "\(r.stderr)")
        let s = try Self.stations(folder)
        #expect(s["n1"]?["name"] as? String == "A, B" && s["n1"]?["seats"] as? Int == 4)
    }

    @Test("a decimal comma is refused with its line and what to do")
    func decimalComma() throws {
        let (r, folder) = try Self.importing("stations.csv", Array("id;name;kind;lon;lat;seats\nn1;x;warm_station;113,06;36,05;4\n".utf8))
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(r.status == 65)
        #expect(r.stderr.contains("line 2") && r.stderr.contains("decimal comma") && r.stderr.contains("113.06"), "\(r.stderr)")
        let (w, other) = try Self.importing("demand.csv", Array("id;lon;lat;weight\nd9;113.06;36.05;12,5\n".utf8), layer: "demand")
        defer { try? FileManager.default.removeItem(at: other) }
        #expect(w.status == 65 && w.stderr.contains("weight \"12,5\" has a decimal comma"), "\(w.stderr)")
    }

    @Test("an .xlsx workbook is refused with how to save it as CSV", arguments: ["plan.xlsx", "plan.csv"])
    func workbook(name: String) throws {
        // The start of a ZIP archive, as every .xlsx is.
        let (r, folder) = try Self.importing(name, [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00] + Array("[Content_Types].xml\"\"".utf8))
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(r.status == 65)
        #expect(r.stderr.contains("save it as CSV UTF-8 from Excel/WPS"), "\(r.stderr)")
        #expect(!r.stderr.contains("quote"), "\(r.stderr)")
    }

    @Test("coordinates finer than 7 decimals give one warning for the file, with the count")
    func precisionWarning() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        var features: [String] = []
        for i in 0..<12 {
            features.append("{\"type\":\"Feature\",\"properties\":{\"id\":\"d\(i)\",\"weight\":1},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.0512345678\(i),36.0512345678]}}")
        }
        let file = folder.appendingPathComponent("precise.geojson")
        try "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}".write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["info", "--demand", file.path, "--data", folder.path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").filter { $0.contains("decimals") }
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(lines.first?.contains("12 features") == true && lines.first?.contains("feature 0, id d0") == true, "\(r.stderr)")
    }

    @Test("GDAL's list text (N:a,b) and ;-joined lists are read as lists")
    func gdalLists() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("gdal.geojson")
        try """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"g1","name":"a","kind":"warm_station","services":"(3:rest,water,hot_meal)"},"geometry":{"type":"Point","coordinates":[113.05,36.05]}},
        {"type":"Feature","properties":{"id":"g2","name":"b","kind":"warm_station","services":"rest;charging"},"geometry":{"type":"Point","coordinates":[113.06,36.05]}},
        {"type":"Feature","properties":{"id":"g3","name":"c","kind":"warm_station","services":"(0:)"},"geometry":{"type":"Point","coordinates":[113.07,36.05]}}
        ]}
        """.write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["export", "--layer", "stations", "--stations", file.path, "--data", folder.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"services\":[\"rest\",\"water\",\"hot_meal\"]"), "\(r.stdout)")
        #expect(r.stdout.contains("\"services\":[\"rest\",\"charging\"]"), "\(r.stdout)")
        #expect(r.stdout.contains("\"services\":[]"), "\(r.stdout)")
    }
}
