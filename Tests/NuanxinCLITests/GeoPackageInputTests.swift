import Foundation
import Testing
import Geo
@testable import Stations

/// Bad GeoPackages: each is a clear message naming the file, the table and, where there is one,
/// the row, with exit 65 (bad data) or 66 (missing), never a crash.
@Suite("bad GeoPackage input")
struct GeoPackageInputTests {
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("badgpkg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The whole changzhi dataset as one GeoPackage in `dir`.
    static func dataset(_ dir: URL) throws -> URL {
        let out = dir.appendingPathComponent("changzhi.gpkg")
        let r = try CLI.run(["export", "--layer", "all", "--format", "gpkg", "--out", out.path, "--data", CLI.repositoryRoot.appendingPathComponent("geodata/changzhi").path])
        #expect(r.status == 0, "\(r.stderr)")
        return out
    }

    /// Runs `validate`, `info` and `import` on a bad file; each must fail with `status` and say `expected`.
    static func refused(_ file: URL, status: Int32, _ expected: [String], importToo: Bool = true) throws {
        for command in [["validate"], ["info"]] {
            let r = try CLI.run(command + ["--data", file.path])
            #expect(r.status == status, "\(command): \(r.stderr)")
            // validate lists the problems on standard output, the others on standard error.
            for text in expected { #expect((r.stdout + r.stderr).contains(text), "\(command): \(r.stdout)\(r.stderr)") }
            #expect(!r.stderr.contains("Fatal error"), "\(r.stderr)")
        }
        guard importToo else { return }
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["import", "--layer", "stations", file.path, "--data", folder.path])
        #expect(r.status == status, "import: \(r.stderr)")
        #expect(r.stderr.contains(file.lastPathComponent), "\(r.stderr)")
    }

    @Test("a missing .gpkg is exit 66")
    func missing() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.refused(dir.appendingPathComponent("nowhere.gpkg"), status: 66, ["nowhere.gpkg", "no such file"])
    }

    @Test("a .gpkg that is not SQLite is exit 65 saying so", arguments: [Array("hello, world\n".utf8), [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], []])
    func notSQLite(bytes: [UInt8]) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plan.gpkg")
        try Data(bytes).write(to: file)
        try Self.refused(file, status: 65, ["plan.gpkg", "not a GeoPackage"])
    }

    @Test("an SQLite database that is not a GeoPackage, and a GeoPackage without our tables, are exit 65 naming what is missing")
    func withoutOurTables() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try SQLiteDatabase(readingFile: nil)
        try db.execute("CREATE TABLE notes (a TEXT); INSERT INTO notes VALUES ('x')")
        let plain = dir.appendingPathComponent("plain.gpkg")
        try db.serialized().write(to: plain)
        try Self.refused(plain, status: 65, ["plain.gpkg"])
        let imported = try CLI.run(["import", "--layer", "stations", plain.path, "--data", Fixtures.tiny.path])
        #expect(imported.stderr.contains("no gpkg_contents table"), "\(imported.stderr)")

        // A GeoPackage with none of our tables (and one with the manifest but no stations table).
        let empty = dir.appendingPathComponent("empty.gpkg")
        try GeoPackageWriter.data(layers: [], lastChange: Date(timeIntervalSince1970: 0)).write(to: empty)
        try Self.refused(empty, status: 65, ["empty.gpkg", "nuanxin_dataset"], importToo: false)
        let noStations = dir.appendingPathComponent("nostations.gpkg")
        try GeoPackageWriter.data(layers: [], manifest: JSONObject([("name", .string("x")), ("crs", .string("EPSG:4547")), ("radius_m", .number(500))]),
                                  lastChange: Date(timeIntervalSince1970: 0)).write(to: noStations)
        let r = try CLI.run(["info", "--data", noStations.path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("nostations.gpkg (table stations)") && r.stderr.contains("no table stations"), "\(r.stderr)")
        let i = try CLI.run(["import", "--layer", "stations", empty.path, "--data", Fixtures.tiny.path])
        #expect(i.status == 65 && i.stderr.contains("no table stations") && i.stderr.contains("it has no feature table"), "\(i.stderr)")
    }

    @Test("a damaged page is exit 65 naming the table and the last row read")
    func corruptPage() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try Self.dataset(dir)
        var pageSize = 0, root = 0
        do {
            let db = try SQLiteDatabase(readingFile: file.path)
            let size = try db.prepare("PRAGMA page_size")
            _ = try size.step()
            pageSize = Int(size.integer(0)!)
            let s = try db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'demand'")
            _ = try s.step()
            root = Int(s.integer(0)!)
        }
        var bytes = [UInt8](try Data(contentsOf: file))
        let rootStart = (root - 1) * pageSize
        // 2760 demand rows fill many pages: the root is an interior page (type 5); its right-most
        // child (bytes 8-11) is the last leaf. Damage that leaf's header.
        #expect(bytes[rootStart] == 0x05)
        let last = bytes[(rootStart + 8)..<(rootStart + 12)].reduce(0) { $0 << 8 | Int($1) }
        let leaf = (last - 1) * pageSize
        #expect(bytes[leaf] == 0x0D)
        for k in 0..<8 { bytes[leaf + k] = 0xFF }
        try Data(bytes).write(to: file)
        try Self.refused(file, status: 65, ["changzhi.gpkg (table demand)", "after row", "damaged"], importToo: false)
    }

    @Test("a geometry blob with a wrong header is exit 65 naming the table, fid and id")
    func wrongBlobHeader() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.gpkg")
        #expect(try CLI.run(["export", "--layer", "all", "--format", "gpkg", "--out", file.path, "--data", Fixtures.tiny.path]).status == 0)
        var bytes = [UInt8](try Data(contentsOf: file))
        // Station s2 is at 113.15, 36.05: its blob starts "GP", version 0, flags 3, srs 4326, minx.
        var header: [UInt8] = [0x47, 0x50, 0, 3]
        withUnsafeBytes(of: Int32(4326).littleEndian) { header += $0 }
        withUnsafeBytes(of: (113.15).bitPattern.littleEndian) { header += $0 }
        let at = (0...(bytes.count - header.count)).first { bytes[$0..<($0 + header.count)].elementsEqual(header) }
        #expect(at != nil)
        bytes[at!] = 0x58
        bytes[at! + 1] = 0x59
        try Data(bytes).write(to: file)
        try Self.refused(file, status: 65, ["tiny.gpkg (table stations)", "fid 2", "s2", "does not start with"], importToo: false)
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["import", "--layer", "stations", file.path, "--replace", "--data", folder.path])
        #expect(r.status == 65 && r.stderr.contains("table stations, fid 2"), "\(r.stderr)")
    }
}
