import Foundation
import Testing

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

    static func mode(_ path: String) -> (type: mode_t, permissions: mode_t, uid: uid_t, gid: gid_t) {
        var info = stat()
        _ = lstat(path, &info)
        return (info.st_mode & S_IFMT, info.st_mode & 0o7777, info.st_uid, info.st_gid)
    }

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
        #expect(HostileInputTests.mode(link).type == S_IFLNK)
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
        #expect(mkfifo(fifo, 0o600) == 0)
        nonisolated(unsafe) var received = Data()
        let done = DispatchSemaphore(value: 0)
        Thread {
            if let handle = FileHandle(forReadingAtPath: fifo) {
                received = handle.readDataToEndOfFile()
                try? handle.close()
            }
            done.signal()
        }.start()
        let r = try CLI.run(["nearest", "--lon", "113.06", "--lat", "36.05", "--format", "json", "--out", fifo, "--data", HostileInputTests.data(dir)])
        done.wait()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("{\"query\""))
        #expect(HostileInputTests.mode(fifo).type == S_IFIFO)
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
        #expect(HostileInputTests.mode(device).type == S_IFCHR)
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
        #expect(HostileInputTests.mode(data + "/stations.geojson").type == S_IFLNK)
        let after = HostileInputTests.mode(elsewhere)
        #expect(after.type == S_IFREG && after.permissions == 0o640)
        #expect(after.uid == owner.uid && after.gid == owner.gid)
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
    ])
    func hugeFlags(_ arguments: [String], _ message: String) throws {
        let r = try CLI.run(arguments + ["--data", Fixtures.tiny.path, "--format", "table"])
        #expect(r.status == 64)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }
}
