import Foundation
import Testing

@Suite("CSV in and out: import, export, convert --input")
struct CSVCommandTests {
    @Test("a CSV with Chinese headers, a BOM, quotes and GCJ-02 coordinates imports as stations")
    func importChineseCSV() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("新站点.csv")
        let text = "\u{FEFF}编号,名称,经度,纬度,类型,座位数,服务\r\nn1,\"驿站, 东门\",113.0560,36.0520,warm_station,12,rest;water\r\nn2,\"多行\n名称\",113.0660,36.0620,union_station,,rest、restroom\r\n"
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "--layer", "stations", csv.path, "--input-crs", "gcj02", "--data", folder.path])
        #expect(r.status == 0, "\(r.stderr)")
        let export = try CLI.run(["export", "--layer", "stations", "--format", "geojson", "--data", folder.path])
        let json = try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as! [String: Any]
        let features = json["features"] as! [[String: Any]]
        let n1 = features.first { ($0["id"] as? String) == "n1" }!
        let props = n1["properties"] as! [String: Any]
        #expect(props["name"] as? String == "驿站, 东门")
        #expect(props["seats"] as? Int == 12)
        #expect(props["services"] as? [String] == ["rest", "water"])
        let coords = (n1["geometry"] as! [String: Any])["coordinates"] as! [Double]
        // GCJ-02 sits roughly 0.006° east of WGS84 here.
        #expect(coords[0] < 113.0560 - 0.004 && coords[0] > 113.0560 - 0.008)
        let n2 = features.first { ($0["id"] as? String) == "n2" }!
        #expect((n2["properties"] as! [String: Any])["name"] as? String == "多行\n名称")
    }

    @Test("a bad CSV row is named by its line, and nothing is imported")
    func badCSVLine() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("bad.csv")
        try "id,name,lon,lat,kind,seats\nn1,a,113.05,36.05,warm_station,4\nn2,b,113.06,36.06,warm_station,many\n".write(to: csv, atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: folder.appendingPathComponent("stations.geojson"))
        let r = try CLI.run(["import", "--layer", "stations", csv.path, "--data", folder.path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("bad.csv: line 3 (id n2): non-numeric seats: \"many\""), "\(r.stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("stations.geojson")) == before)
    }

    @Test("a GBK-encoded CSV is refused with a hint to save it as UTF-8")
    func gbkCSV() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("gbk.csv")
        // "名称" header and a name in GBK bytes.
        let bytes: [UInt8] = Array("id,".utf8) + [0xC3, 0xFB, 0xB3, 0xC6] + Array(",lon,lat,kind\nx,".utf8) + [0xB3, 0xA4, 0xD6, 0xCE] + Array(",113.05,36.05,warm_station\n".utf8)
        try Data(bytes).write(to: csv)
        let r = try CLI.run(["import", "--layer", "stations", csv.path, "--data", folder.path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("UTF-8"), "\(r.stderr)")
    }

    @Test("export --format csv writes a BOM, CRLF and lon/lat columns")
    func exportCSV() throws {
        let r = try CLI.run(["export", "--layer", "stations", "--format", "csv", "--data", Fixtures.tiny.path])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("\u{FEFF}id,name,kind,district,seats,charging_ports,services"))
        #expect(r.stdout.contains("\r\n"))
        #expect(r.stdout.contains("s1,驿站一,warm_station,A,10,2,rest;water;charging,113.05,36.05"))
        let polygons = try CLI.run(["export", "--layer", "districts", "--format", "csv", "--data", Fixtures.tiny.path])
        #expect(polygons.stdout.contains("POLYGON"))
    }

    @Test("convert --input streams a file in order and reports bad lines with their number")
    func convertFile() throws {
        let r = try CLI.run(["convert", "--from", "wgs84", "--to", "gcj02", "--input", "-", "--input-format", "csv"],
                            stdin: "id,lon,lat\na,113.1,36.2\nb,x,36\nc,113.2,36.3\n")
        #expect(r.status == 65)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("a,113.1066"))
        #expect(lines[2].hasPrefix("c,113.2065"))
        #expect(r.stderr.contains("line 3: lon \"x\" is not a number"))
        let ndjson = try CLI.run(["convert", "--from", "gcj02", "--to", "wgs84", "--input", "-", "--format", "json"],
                                 stdin: "{\"id\":\"a\",\"lon\":113.10666929,\"lat\":36.20017457}\n")
        #expect(ndjson.status == 0)
        #expect(ndjson.stdout.hasPrefix("{\"id\":\"a\",\"lon\":113.1,\"lat\":36.2}"))
    }
}
