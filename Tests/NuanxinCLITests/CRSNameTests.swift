import Foundation
import Testing

/// A CRS given as a PROJ string has no name in PROJ ("unknown"): messages name it by what it is,
/// its projection (or conversion) and datum, after the string itself.
@Suite struct CRSNameTests {
    @Test("a --crs PROJ string is named by its projection and datum in messages, never \"(unknown)\"",
          arguments: [
            ("+proj=longlat +datum=WGS84", 64, "+proj=longlat +datum=WGS84 (longitude/latitude on World Geodetic System 1984) is a geographic CRS"),
            ("+proj=tmerc +lon_0=111 +ellps=GRS80 +units=ft", 64, "+proj=tmerc +lon_0=111 +ellps=GRS80 +units=ft (Transverse Mercator on the GRS80 ellipsoid) is a projected CRS with axes in foot"),
            ("+proj=merc +datum=WGS84 +units=m", 65, "+proj=merc +datum=WGS84 +units=m (Mercator (variant A) on World Geodetic System 1984) stretches distances by"),
            ("+proj=utm +zone=29 +datum=WGS84", 65, "+proj=utm +zone=29 +datum=WGS84 (UTM zone 29N on World Geodetic System 1984) stretches distances by"),
          ])
    func projStringNamed(crs: String, status: Int, message: String) throws {
        let r = try CLI.run(["coverage", "--crs", crs, "--data", Fixtures.tiny.path])
        #expect(r.status == Int32(status), "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!r.stderr.contains("(unknown)"), "\(r.stderr)")
    }

    @Test("a manifest crs given as a PROJ string is named the same way in validate")
    func manifestProjString() throws {
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.editJSON(dir.appendingPathComponent("dataset.json")) { $0["crs"] = "+proj=merc +ellps=krass +units=m" }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["validate", "--format", "table", "--data", folder.path])
        #expect(r.status == 65, "\(r.stdout)\(r.stderr)")
        let text = r.stdout + r.stderr
        #expect(text.contains("crs +proj=merc +ellps=krass +units=m (Mercator (variant A) on the Krassovsky, 1942 ellipsoid) stretches distances by"), "\(text)")
        #expect(!text.contains("(unknown)"), "\(text)")
    }
}
