import Foundation
import Testing

/// The GeoJSON we write must open in real tools: GDAL's ogrinfo reads what QGIS reads.
/// Skipped when ogrinfo is not installed (CI installs gdal-bin).
@Suite("GeoJSON outputs open in GDAL")
struct GDALReadabilityTests {
    static let ogrinfo: String? = ["/usr/bin/ogrinfo", "/usr/local/bin/ogrinfo"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("every GeoJSON output is read by ogrinfo with the expected geometry type and count",
          .enabled(if: GDALReadabilityTests.ogrinfo != nil),
          arguments: [
              (["export", "--layer", "districts"], "Polygon"),
              (["export", "--layer", "stations"], "Point"),
              (["nearest", "--lon", "113.06", "--lat", "36.05", "-k", "2"], "Point"),
              (["coverage"], "Polygon"),
              (["gaps"], "Polygon"),
              (["areas"], "Polygon"),
              (["propose", "--count", "2"], "Point"),
          ])
    func opensInGDAL(command: [String], geometry: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ogr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("out.geojson")
        let r = try CLI.run(command + ["--format", "geojson", "--out", file.path, "--data", Fixtures.tiny.path])
        #expect(r.status == 0, "\(r.stderr)")
        let features = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        let count = (features["features"] as! [Any]).count
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GDALReadabilityTests.ogrinfo!)
        process.arguments = ["-ro", "-so", "-al", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("Feature Count: \(count)"), "\(output)")
        // ogrinfo names a multi type with a space ("Multi Polygon"): gaps are all MultiPolygons.
        #expect(output.contains("Geometry: \(geometry)") || output.contains("Geometry: Multi \(geometry)") || count == 0, "\(output)")
        #expect(!output.contains("ERROR"), "\(output)")
    }
}
