import Foundation
import Testing
import TestSupport

/// What a hostile tester found, one case per finding, each run through the real binary with its
/// exit code and message: outputs that are not regular files, huge numbers and ids, spreadsheet
/// formulas, extra CSV fields, ranges, memory limits and signals.
@Suite("Hostile inputs: exit code and message for each finding")
struct HostileInputTests {
    static func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.tiny, to: dir.appendingPathComponent("data"))
        return dir
    }

    static func put(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func data(_ dir: URL) -> String { dir.appendingPathComponent("data").path }

    // MARK: A. --out and import replace only regular files

    @Test("--out through a symbolic link replaces the link's target, and the link stays a link")
    func outThroughSymlink() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = try HostileInputTests.put(dir, "target.json", "previous\n")
        let link = dir.appendingPathComponent("link.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.json")
        let r = try CLI.run(["info", "--format", "json", "--out", link, "--data", HostileInputTests.data(dir)])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileTargets.type(link) == S_IFLNK)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("{\"dataset\""))
    }

    @Test("--out naming a directory (or a link to one) exits 73 and names it")
    func outDirectory() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let link = dir.appendingPathComponent("to-data").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "data")
        for path in [HostileInputTests.data(dir), link] {
            let r = try CLI.run(["info", "--format", "json", "--out", path, "--data", HostileInputTests.data(dir)])
            #expect(r.status == 73)
            #expect(r.stderr.contains("nuanxin: cannot create \(path): it is a directory"), "\(r.stderr)")
        }
    }

    @Test("--out to a FIFO writes through to its reader and leaves the FIFO in place")
    func outFIFO() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe").path
        let reader = try FileTargets.fifoWithReader(at: fifo)
        let r = try CLI.run(["nearest", "--lon", "113.06", "--lat", "36.05", "--format", "json", "--out", fifo, "--data", HostileInputTests.data(dir)])
        let received = reader.wait()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("{\"query\""))
        #expect(FileTargets.type(fifo) == S_IFIFO)
    }

    @Test("--out over a character device (mknod c 1 3 in a temporary folder) writes through and the device stays",
          .enabled(if: geteuid() == 0, "mknod needs root"))
    func outDevice() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let device = dir.appendingPathComponent("null").path
        try #require(mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0, "mknod failed")
        let r = try CLI.run(["info", "--format", "json", "--out", device, "--data", HostileInputTests.data(dir)])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileTargets.type(device) == S_IFCHR)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["data", "null"])
    }

    @Test("import keeps the layer's mode and owner (0640, nobody when run as root) and writes through a symlinked layer")
    func importKeepsModeOwnerAndLink() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        // The layer is a link into another folder.
        let elsewhere = dir.appendingPathComponent("real-stations.geojson").path
        try FileManager.default.moveItem(atPath: data + "/stations.geojson", toPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: data + "/stations.geojson", withDestinationPath: elsewhere)
        #expect(chmod(elsewhere, 0o640) == 0)
        var owner = (uid: geteuid(), gid: getegid())
        if geteuid() == 0, let nobody = getpwnam("nobody") {
            owner = (nobody.pointee.pw_uid, nobody.pointee.pw_gid)
            #expect(chown(elsewhere, owner.uid, owner.gid) == 0)
        }
        let incoming = try HostileInputTests.put(dir, "more.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"s9","name":"新站","kind":"union_station"},"geometry":{"type":"Point","coordinates":[113.07,36.07]}}]}"#)
        let r = try CLI.run(["import", "--layer", "stations", incoming, "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileTargets.type(data + "/stations.geojson") == S_IFLNK)
        let after = FileTargets.status(elsewhere)
        #expect(after.st_mode & S_IFMT == S_IFREG && after.st_mode & 0o7777 == 0o640)
        #expect(after.st_uid == owner.uid && after.st_gid == owner.gid)
        #expect(try String(contentsOfFile: elsewhere, encoding: .utf8).contains("新站"))
    }

    // MARK: C. ids keep their exact text

    static func station(_ id: String, _ name: String, _ lon: Double, _ lat: Double, seats: String = "4") -> String {
        #"{"type":"Feature","properties":{"id":\#(id),"name":"\#(name)","kind":"warm_station","seats":\#(seats)},"geometry":{"type":"Point","coordinates":[\#(lon),\#(lat)]}}"#
    }

    static func layer(_ features: [String]) -> String {
        #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}"
    }

    @Test("19-digit numeric ids keep every digit (validate, export, nearest), two of them are not a false duplicate, and import --replace replaces the right one")
    func nineteenDigitIDs() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        _ = try HostileInputTests.put(dir, "data/stations.geojson", HostileInputTests.layer([
            HostileInputTests.station("1234567890123456789", "甲站", 113.05, 36.05),
            HostileInputTests.station("1234567890123456788", "乙站", 113.15, 36.05),
        ]))
        let v = try CLI.run(["validate", "--data", data, "--format", "json"])
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
        #expect(!v.stdout.contains("duplicate"))
        let csv = try CLI.run(["export", "--layer", "stations", "--format", "csv", "--data", data])
        #expect(csv.status == 0)
        #expect(csv.stdout.contains("1234567890123456789,") && csv.stdout.contains("1234567890123456788,"), "\(csv.stdout)")
        #expect(!csv.stdout.contains("e+18"))
        let geojson = try CLI.run(["export", "--layer", "stations", "--format", "geojson", "--data", data])
        #expect(geojson.stdout.contains(#""properties":{"id":1234567890123456789,"#), "\(geojson.stdout)")
        let near = try CLI.run(["nearest", "--lon", "113.05", "--lat", "36.05", "--format", "json", "--data", data])
        #expect(near.stdout.contains(#""id":"1234567890123456789""#), "\(near.stdout)")

        let incoming = try HostileInputTests.put(dir, "replace.geojson", HostileInputTests.layer([
            HostileInputTests.station("1234567890123456788", "乙站新", 113.16, 36.05),
        ]))
        let refused = try CLI.run(["import", "--layer", "stations", incoming, "--data", data])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("(1234567890123456788); pass --replace"), "\(refused.stderr)")
        let r = try CLI.run(["import", "--layer", "stations", incoming, "--data", data, "--replace"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("(1 replaced); the layer now has 2"), "\(r.stderr)")
        let after = try CLI.run(["export", "--layer", "stations", "--format", "csv", "--data", data])
        #expect(after.stdout.contains("1234567890123456789,甲站") && after.stdout.contains("1234567890123456788,乙站新"), "\(after.stdout)")
    }

    @Test("a CSV import keeps a 19-digit id as written")
    func nineteenDigitCSVImport() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let incoming = try HostileInputTests.put(dir, "more.csv", "id,name,kind,seats,lon,lat\n1234567890123456787,丙站,union_station,5,113.07,36.07\n9007199254740993,丁站,union_station,5,113.08,36.07\n")
        let r = try CLI.run(["import", "--layer", "stations", incoming, "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        let layer = try String(contentsOfFile: data + "/stations.geojson", encoding: .utf8)
        #expect(layer.contains(#""id":"1234567890123456787""#) && layer.contains(#""id":"9007199254740993""#), "\(layer)")
        let near = try CLI.run(["nearest", "--lon", "113.07", "--lat", "36.07", "--format", "json", "--data", data])
        #expect(near.stdout.contains(#""id":"1234567890123456787""#), "\(near.stdout)")
    }

    // MARK: E. CSV for spreadsheets escapes formulas

    @Test("export --format csv writes names that start like a formula with a ' in front, numbers (negative too) as they are, and importing that CSV gives the names back")
    func csvInjection() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        // As JSON string contents (the quotes escaped).
        let names = [#"=HYPERLINK(\"http://evil\",\"x\")"#, "+1+1", "-2+3", "@SUM(A1)"]
        var features: [String] = []
        for (i, name) in names.enumerated() {
            features.append(#"{"type":"Feature","properties":{"id":"f\#(i)","name":"\#(name)","kind":"warm_station","seats":4,"level":-3},"geometry":{"type":"Point","coordinates":[113.0\#(i + 1),36.05]}}"#)
        }
        _ = try HostileInputTests.put(dir, "data/stations.geojson", HostileInputTests.layer(features))
        let out = dir.appendingPathComponent("stations.csv").path
        let r = try CLI.run(["export", "--layer", "stations", "--format", "csv", "--out", out, "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try String(contentsOfFile: out, encoding: .utf8)
        #expect(csv.contains("f0,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",warm_station,4,-3,"), "\(csv)")
        #expect(csv.contains("f1,'+1+1,warm_station,4,-3,") && csv.contains("f2,'-2+3,") && csv.contains("f3,'@SUM(A1),"), "\(csv)")
        #expect(!csv.contains(",'-3,"))

        // Imported into an empty stations layer, the names are what they were.
        _ = try HostileInputTests.put(dir, "data/stations.geojson", HostileInputTests.layer([]))
        let back = try CLI.run(["import", "--layer", "stations", out, "--data", data])
        #expect(back.status == 0, "\(back.stderr)")
        let layer = try String(contentsOfFile: data + "/stations.geojson", encoding: .utf8)
        #expect(layer.contains(#""name":"=HYPERLINK(\"http://evil\",\"x\")""#) && layer.contains(#""name":"-2+3""#), "\(layer)")
    }
}

extension HostileInputTests {
    // MARK: F. extra CSV fields are an error

    @Test("a CSV row with more fields than the header (an unquoted comma) is an error naming its line and what to do; nothing is imported")
    func extraCSVField() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let incoming = try HostileInputTests.put(dir, "more.csv", "id,name,kind,lon,lat,operator\nn1,甲,union_station,113.07,36.07,Meituan\nn2,乙,union_station,113.08,36.07,Meituan, Inc\n")
        let before = try Data(contentsOf: URL(fileURLWithPath: data + "/stations.geojson"))
        let r = try CLI.run(["import", "--layer", "stations", incoming, "--data", data])
        #expect(r.status == 65)
        #expect(r.stderr.contains("more.csv: line 3 (id n2): 7 fields where the header has 6 (extra: \" Inc\"); a field that contains a comma must be quoted, as in \"Meituan, Inc\""), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: data + "/stations.geojson")) == before)
        // Quoted, it imports with the whole name.
        _ = try HostileInputTests.put(dir, "more.csv", "id,name,kind,lon,lat,operator\nn2,乙,union_station,113.08,36.07,\"Meituan, Inc\"\n")
        let ok = try CLI.run(["import", "--layer", "stations", incoming, "--data", data])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try String(contentsOfFile: data + "/stations.geojson", encoding: .utf8).contains(#""operator":"Meituan, Inc""#))
    }
}

extension HostileInputTests {
    // MARK: D. quantities beyond their limits are named errors, never a crash

    struct Huge: Sendable, CustomTestStringConvertible {
        var file: String
        var index: Int
        var key: String
        /// The value as JSON text, put into the file as it is.
        var json: String
        var message: String
        var testDescription: String { "\(key) \(json)" }
    }

    static let hugeQuantities: [Huge] = [
        Huge(file: "stations.geojson", index: 0, key: "seats", json: "1e19", message: "stations.geojson: feature 0 (id s1): seats is 1e+19, more than the limit of 100000"),
        Huge(file: "stations.geojson", index: 0, key: "seats", json: "12345678901234567890", message: "stations.geojson: feature 0 (id s1): seats is 12345678901234567890, more than the limit of 100000"),
        Huge(file: "stations.geojson", index: 0, key: "seats", json: "100001", message: "stations.geojson: feature 0 (id s1): seats is 100001, more than the limit of 100000"),
        Huge(file: "stations.geojson", index: 1, key: "charging_ports", json: "1e308", message: "stations.geojson: feature 1 (id s2): charging_ports is 1e+308, more than the limit of 100000"),
        Huge(file: "parking_zones.geojson", index: 0, key: "slots", json: "\"1e308\"", message: "parking_zones.geojson: feature 0 (id p1): slots is \"1e308\", more than the limit of 100000"),
        Huge(file: "parking_zones.geojson", index: 0, key: "slots", json: "\"1e400\"", message: "parking_zones.geojson: feature 0 (id p1): slots is \"1e400\", more than the limit of 100000"),
        Huge(file: "candidates.geojson", index: 0, key: "max_seats", json: "1e19", message: "candidates.geojson: feature 0 (id k1): max_seats is 1e+19, more than the limit of 100000"),
        Huge(file: "demand.geojson", index: 0, key: "weight", json: "1e308", message: "demand.geojson: feature 0 (id d1): weight is 1e+308, more than the limit of 10000000"),
        Huge(file: "commercial_areas.geojson", index: 0, key: "peak_riders", json: "1e19", message: "commercial_areas.geojson: feature 0 (id c1): peak_riders is 1e+19, more than the limit of 10000000"),
        Huge(file: "commercial_areas.geojson", index: 0, key: "daily_orders", json: "1e19", message: "commercial_areas.geojson: feature 0 (id c1): daily_orders is 1e+19, more than the limit of 1000000000"),
        Huge(file: "districts.geojson", index: 0, key: "workers", json: "1e19", message: "districts.geojson: feature 0 (id A): workers is 1e+19, more than the limit of 100000000"),
    ]

    /// Sets `key` of feature `index` to the JSON text `json`, exactly as written (JSONSerialization
    /// would reformat big numbers).
    static func setRaw(_ url: URL, _ index: Int, _ key: String, _ json: String) throws {
        let marker = "__HOSTILE_VALUE__"
        try Fixtures.setProperty(url, index, key, marker)
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "\"\(marker)\"", with: json)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("a quantity above its limit is an error naming file, feature, id, value and limit (65) in validate and in a command that uses it", arguments: HostileInputTests.hugeQuantities)
    func hugeQuantity(_ huge: Huge) throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        try HostileInputTests.setRaw(URL(fileURLWithPath: data + "/" + huge.file), huge.index, huge.key, huge.json)
        let v = try CLI.run(["validate", "--data", data, "--format", "table"])
        #expect(v.status == 65)
        #expect((v.stdout + v.stderr).contains(huge.message), "\(v.stdout)\(v.stderr)")
        let command = ["parking_zones.geojson": ["areas"], "candidates.geojson": ["propose", "--count", "1"]][huge.file] ?? ["coverage"]
        let c = try CLI.run(command + ["--data", data, "--format", "table"])
        #expect(c.status == 65, "\(c.stderr)")
        #expect(c.stderr.contains(huge.message), "\(c.stderr)")
    }

    @Test("two stations of 5e18 seats each (which sum past Int.max) stop info, coverage, gaps and propose with 65, not a crash")
    func seatsThatOverflowTogether() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let stations = URL(fileURLWithPath: data + "/stations.geojson")
        try HostileInputTests.setRaw(stations, 0, "seats", "5000000000000000000")
        try HostileInputTests.setRaw(stations, 1, "seats", "5000000000000000000")
        for command in [["info"], ["coverage"], ["gaps"], ["propose", "--count", "1"]] {
            let r = try CLI.run(command + ["--data", data, "--format", "table"])
            #expect(r.status == 65, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("stations.geojson: feature 1 (id s2): seats is 5000000000000000000, more than the limit of 100000"), "\(r.stderr)")
        }
    }

    @Test("default_seats of 1e19 in the manifest is a named error")
    func hugeDefaultSeats() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let manifest = try String(contentsOfFile: data + "/dataset.json", encoding: .utf8).replacingOccurrences(of: "\"default_seats\": 6", with: "\"default_seats\": 1e19")
        try manifest.write(toFile: data + "/dataset.json", atomically: true, encoding: .utf8)
        let r = try CLI.run(["coverage", "--data", data, "--format", "table"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("dataset.json: \"default_seats\" is 1e+19, more than the limit of 100000"), "\(r.stderr)")
    }

    @Test("a CSV import with seats of 20 digits or 1e400 names the line, value and limit; nothing is imported")
    func hugeCSVSeats() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let incoming = try HostileInputTests.put(dir, "more.csv", "id,name,kind,seats,charging_ports,lon,lat\nn1,甲,union_station,12345678901234567890,1,113.07,36.07\nn2,乙,union_station,4,1e400,113.08,36.07\n")
        let before = try Data(contentsOf: URL(fileURLWithPath: data + "/stations.geojson"))
        let r = try CLI.run(["import", "--layer", "stations", incoming, "--data", data])
        #expect(r.status == 65)
        #expect(r.stderr.contains("more.csv: line 2 (id n1): seats is 12345678901234567890, more than the limit of 100000"), "\(r.stderr)")
        #expect(r.stderr.contains("more.csv: line 3 (id n2): charging_ports is \"1e400\", more than the limit of 100000"), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: data + "/stations.geojson")) == before)
    }

    @Test("flags beyond their limits are usage errors (64) naming the flag and the limit", arguments: [
        (["propose", "--count", "1", "--seats", "100001"], "--seats 100001 is more than the limit of 100000 seats"),
        (["propose", "--count", "1", "--seats", "9223372036854775807"], "--seats 9223372036854775807 is more than the limit of 100000 seats"),
        (["coverage", "--radius", "1e308"], "--radius 1e+308 is more than the limit of 1000000 m (1,000 km)"),
        (["gaps", "--cell-m", "1e300"], "--cell-m 1e+300 is more than the limit of 1000000 m (1,000 km)"),
        (["propose", "--target", "50", "--grid-m", "1e300"], "--grid-m 1e+300 is more than the limit of 1000000 m (1,000 km)"),
        (["areas", "--rest-m", "1e308"], "--rest-m 1e+308 is more than the limit of 1000000 m (1,000 km)"),
        (["coverage", "--area-cell-m", "1e300"], "--area-cell-m 1e+300 is more than the limit of 1000000 m (1,000 km)"),
        (["nearest", "--lon", "113.06", "--lat", "36.05", "--max-distance", "1000001"], "--max-distance 1000001 is more than the limit of 1000000 m (1,000 km)"),
        (["nearest", "--input", "-", "--max-distance", "1e999"], "The value '1e999' is invalid for '--max-distance <max-distance>': more than the limit of 1000000 m (1,000 km)"),
        (["within", "--lon", "113.06", "--lat", "36.05", "--radius", "2e6"], "--radius 2000000 is more than the limit of 1000000 m (1,000 km)"),
        (["coverage", "--stay-min", "1441"], "--stay-min 1441 is more than the limit of 1440 minutes (a day)"),
        (["load", "--visits-per-hour", "61"], "--visits-per-hour 61 is more than the limit of 60 visits an hour (one a minute)"),
    ])
    func hugeFlags(_ arguments: [String], _ message: String) throws {
        let r = try CLI.run(arguments + ["--data", Fixtures.tiny.path, "--format", "table"])
        #expect(r.status == 64)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }
}

extension HostileInputTests {
    // MARK: G. duplicate NDJSON keys, conversions past the edge, negative flag values

    @Test("an NDJSON query with a key given twice is an error line (65) naming the key; the other lines are answered")
    func duplicateNDJSONKey() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try HostileInputTests.put(dir, "q.ndjson", #"{"id":"a","lon":113.05,"lat":36.05}"# + "\n" + #"{"id":"b","lon":113.05,"lat":36.05,"lon":114.5}"# + "\n" + #"{"id":"c","lon":113.15,"lat":36.05}"# + "\n")
        let r = try CLI.run(["nearest", "--input", input, "--format", "json", "--data", HostileInputTests.data(dir)])
        #expect(r.status == 65)
        #expect(r.stderr.contains("line 2: the key \"lon\" appears more than once; give each key once"), "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].contains(#""id":"a""#) && lines[2].contains(#""id":"c""#))
        #expect(lines[1].hasPrefix(#"{"query":{"id":"b","line":2},"error":"#), "\(lines[1])")
    }

    @Test("convert with a point that BD-09/GCJ-02 shifts past ±180/±90 is an error: 64 for --lon/--lat, an error line (65) in a file")
    func conversionPastTheEdge() throws {
        let one = try CLI.run(["convert", "--from", "bd09", "--to", "wgs84", "--lon", "-180", "--lat", "-90"])
        #expect(one.status == 64)
        #expect(one.stderr.contains("nuanxin: --lon/--lat -180,-90 in bd09 converts to latitude -90.0054"), "\(one.stderr)")
        #expect(one.stderr.contains("outside ±90 in wgs84: there is no such point"))
        #expect(one.stdout.isEmpty)
        let east = try CLI.run(["convert", "--from", "wgs84", "--to", "bd09", "--lon", "180", "--lat", "36"])
        #expect(east.status == 64)
        #expect(east.stderr.contains("converts to longitude 180.0063"), "\(east.stderr)")
        let file = try CLI.run(["convert", "--from", "wgs84", "--to", "bd09", "--input", "-"], stdin: "id,lon,lat\na,180,36\nb,113,36\n")
        #expect(file.status == 65)
        #expect(file.stderr.contains("standard input: line 2: 180,36 in wgs84 converts to longitude 180.0063"), "\(file.stderr)")
        #expect(file.stdout.hasPrefix("id,lon,lat\nb,113.01"), "\(file.stdout)")
        // nearest with --input-crs bd09 refuses such a point too.
        let near = try CLI.run(["nearest", "--lon", "-180", "--lat", "-90", "--input-crs", "bd09", "--data", Fixtures.tiny.path])
        #expect(near.status == 64)
        #expect(near.stderr.contains("outside ±90 in wgs84"), "\(near.stderr)")
    }

    @Test("negative numbers after --lon and --lat are values, in every command; beyond the range they are a clear range error")
    func negativeFlagValues() throws {
        let tiny = Fixtures.tiny.path
        // Negative values are read as values (not as flags). In a CRS whose area of use holds the
        // point (Web Mercator, metres, ±85°, true to scale near the equator, where the tiny
        // dataset is moved) they are answered...
        let equator = try Fixtures.movedTinyCopy(dLon: 0, dLat: -36, crs: "EPSG:3857")
        defer { try? FileManager.default.removeItem(at: equator) }
        let world = ["--data", equator.path]
        let south = try CLI.run(["nearest", "--lat", "-80", "--lon", "113", "--format", "json"] + world)
        #expect(south.status == 0, "\(south.stderr)")
        #expect(south.stdout.hasPrefix(#"{"query":{"lon":113,"lat":-80}"#), "\(south.stdout)")
        let within = try CLI.run(["within", "--lon", "-73.9", "--lat", "-40", "--radius", "10", "--format", "json"] + world)
        #expect(within.status == 0, "\(within.stderr)")
        let locate = try CLI.run(["locate", "--lon", "-73.9", "--lat", "-40", "--format", "json"] + world)
        #expect(locate.status == 0, "\(locate.stderr)")
        // ...and far outside the dataset's CRS they are refused as such, never as a missing value.
        let pole = try CLI.run(["nearest", "--lat", "-90", "--lon", "113", "--data", tiny])
        #expect(pole.status == 65, "\(pole.stderr)")
        #expect(pole.stderr.contains("outside the area of use"), "\(pole.stderr)")
        #expect(!pole.stderr.contains("Missing value"))
        let convert = try CLI.run(["convert", "--from", "wgs84", "--to", "gcj02", "--lon", "-73.9", "--lat", "-40.5"])
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(convert.stdout == "{\"lon\":-73.9,\"lat\":-40.5}\n")
        let tooFar = try CLI.run(["nearest", "--lon", "113", "--lat", "-91", "--data", tiny])
        #expect(tooFar.status == 64)
        #expect(tooFar.stderr.contains("--lat -91.0 is outside -90...90"), "\(tooFar.stderr)")
        #expect(!tooFar.stderr.contains("Missing value"))
        let west = try CLI.run(["convert", "--from", "wgs84", "--to", "gcj02", "--lon", "-181", "--lat", "0"])
        #expect(west.status == 64)
        #expect(west.stderr.contains("--lon -181.0 is outside -180...180"), "\(west.stderr)")
    }
}

extension HostileInputTests {
    // MARK: H. inputs too large for memory stop early, naming the limit

    static let smallLimit = "NUANXIN_MAX_LAYER_BYTES=1000000 exec \"$0\" \"$@\""
    static let limitMessage = "larger than the limit of 1000000 bytes (976.6 KiB) for an input file; stopped reading there (set NUANXIN_MAX_LAYER_BYTES to raise the limit)"

    @Test("a layer that never ends (/dev/zero) is refused once it passes the limit (NUANXIN_MAX_LAYER_BYTES), exit 65")
    func endlessLayer() throws {
        let r = try CLI.runThroughShell(HostileInputTests.smallLimit, ["info", "--demand", "/dev/zero", "--data", Fixtures.tiny.path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("nuanxin: /dev/zero: " + HostileInputTests.limitMessage), "\(r.stderr)")
    }

    @Test("a layer file larger than the limit is refused by its size, as is an import of one and a GeoJSON batch that never ends")
    func oversizedFiles() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let big = dir.appendingPathComponent("big.geojson").path
        try Data(count: 1_000_001).write(to: URL(fileURLWithPath: big))
        let layer = try CLI.runThroughShell(HostileInputTests.smallLimit, ["coverage", "--demand", big, "--data", HostileInputTests.data(dir)])
        #expect(layer.status == 65)
        #expect(layer.stderr.contains("\(big): " + HostileInputTests.limitMessage), "\(layer.stderr)")
        let imported = try CLI.runThroughShell(HostileInputTests.smallLimit, ["import", "--layer", "stations", big, "--data", HostileInputTests.data(dir)])
        #expect(imported.status == 65)
        #expect(imported.stderr.contains("\(big): " + HostileInputTests.limitMessage), "\(imported.stderr)")
        let batch = try CLI.runThroughShell(HostileInputTests.smallLimit, ["nearest", "--input", "/dev/zero", "--input-format", "geojson", "--data", HostileInputTests.data(dir)])
        #expect(batch.status == 65)
        #expect(batch.stderr.contains("/dev/zero: " + HostileInputTests.limitMessage + " (GeoJSON input is read whole"), "\(batch.stderr)")
        // At the limit exactly, the file is read (and then judged as JSON).
        try Data(count: 1_000_000).write(to: URL(fileURLWithPath: big))
        let atLimit = try CLI.runThroughShell(HostileInputTests.smallLimit, ["coverage", "--demand", big, "--data", HostileInputTests.data(dir)])
        #expect(atLimit.status == 65)
        #expect(!atLimit.stderr.contains("larger than the limit") && atLimit.stderr.contains("not valid JSON"), "\(atLimit.stderr)")
    }

    @Test("a 0.3° × 0.3° commercial area with --area-cell-m 10 is refused before the grid is made, naming the limit and the flag")
    func hugeDemandGrid() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        try Fixtures.setGeometry(URL(fileURLWithPath: data + "/commercial_areas.geojson"), 0,
                                 ["type": "Polygon", "coordinates": [[[113.0, 36.0], [113.3, 36.0], [113.3, 36.3], [113.0, 36.3], [113.0, 36.0]]]])
        let r = try CLI.run(["coverage", "--area-cell-m", "10", "--data", data])
        #expect(r.status == 65)
        #expect(r.stderr.contains("demand cells of 10 m (--area-cell-m), more than the limit of 5000000 cells; give a larger --area-cell-m"), "\(r.stderr)")
        let ok = try CLI.run(["coverage", "--area-cell-m", "100", "--data", data, "--format", "json"])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test("propose's candidate grid over a huge district is refused before it is made, naming --grid-m and the limit")
    func hugeCandidateGrid() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        try Fixtures.setGeometry(URL(fileURLWithPath: data + "/districts.geojson"), 0,
                                 ["type": "Polygon", "coordinates": [[[112.6, 35.6], [113.1, 35.6], [113.1, 36.1], [112.6, 36.1], [112.6, 35.6]]]])
        _ = try HostileInputTests.put(dir, "data/candidates.geojson", HostileInputTests.layer([]))
        let r = try CLI.run(["propose", "--count", "1", "--grid-m", "10", "--district", "A", "--data", data])
        #expect(r.status == 65)
        #expect(r.stderr.contains("A 西区: its candidate grid would have"), "\(r.stderr)")
        #expect(r.stderr.contains("cells of 10 m (--grid-m), more than the limit of 5000000 cells"), "\(r.stderr)")
    }
}

extension HostileInputTests {
    // MARK: B. Ctrl-C and kill remove the temporary file

    @Test("SIGINT or SIGTERM while --out is written removes the temporary file, keeps the previous file and exits 130 or 143",
          arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func interruptedWrite(_ signalNumber: Int32, _ expected: Int32) throws {
        let dir = try AtomicOutputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The test runner's threads block these signals and a child inherits the mask; nuanxin
        // unblocks them when it installs its handler, which this test also checks.
        let (process, signalled, out) = try AtomicOutputTests.signalMidWrite(signalNumber, in: dir)
        try #require(signalled, "the run ended before the signal could be sent mid-write")
        #expect(process.terminationReason == .exit && process.terminationStatus == expected)
        #expect(try String(contentsOf: out, encoding: .utf8) == "previous\n")
        #expect(try AtomicOutputTests.temporaryFiles(dir).isEmpty)
    }
}
