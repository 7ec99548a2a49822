import Foundation
import Geo
import Testing
import Stations
import TestSupport

/// A big point layer is tested against the districts in parts on the cores; the issues are those
/// of one pass in the layer's order: each swapped point an error at its place, the points merely
/// outside counted over the whole layer with its first three as examples.
@Suite("points outside every district, tested in parts")
struct PointCheckPartsTests {
    /// UTM zone 37N, for a district near 40°E 40°N whose mirror image over the diagonal is itself
    /// (so a point with longitude and latitude swapped can fall in it).
    static let utm37 = CRS("EPSG:32637")

    static func demandIssues(count: Int, outside: Set<Int>, swapped: Set<Int>) throws -> [DatasetIssue] {
        var b = DatasetBuilder()
        b.districts = [("A", DatasetBuilder.box(40.0, 40.6, 40.5, 41.0))]
        b.demand = (0..<count).map { i in
            let id = "d\(String(format: "%06d", i))"
            if outside.contains(i) { return (id, 1, 42.0, 40.8) }  // swapped (40.8, 42.0): outside too
            if swapped.contains(i) { return (id, 1, 40.8, 40.2) }  // swapped (40.2, 40.8): inside A
            return (id, 1, 40.0 + 0.5 * Double(i % 1000) / 1000, 40.8)
        }
        let folder = try b.write()
        defer { try? FileManager.default.removeItem(at: folder) }
        return DatasetLoader.validate(DatasetSource(folder: folder.path, crs: utm37)).issues.filter { $0.file.hasSuffix("demand.geojson") }
    }

    @Test("swapped points named in order, outside points counted over every part (270,000 points in two parts; 1,000 in one)",
          arguments: [270_000, 1_000])
    func inParts(count: Int) throws {
        let scale = count / 1_000  // the same places, relatively, in the small layer
        // Thirty outside points early (more than a part keeps one by one), a few around the middle
        // where the parts meet, and the last point; two swapped points, one in each part.
        var outside = Set((0..<30).map { (5 + $0) * scale / 10 + $0 })
        outside.formUnion([499 * scale, 500 * scale, 740 * scale, count - 1])
        let swapped: Set<Int> = [2 * scale + 1, 520 * scale + 3]
        outside.subtract(swapped)
        let issues = try PointCheckPartsTests.demandIssues(count: count, outside: outside, swapped: swapped)
        let errors = issues.filter { $0.severity == .error }
        #expect(errors.map(\.featureIndex) == swapped.sorted().map { Optional($0) })
        #expect(errors.allSatisfy { $0.message.contains("longitude and latitude look swapped") })
        let warnings = issues.filter { $0.severity == .warning }
        let examples = outside.sorted().prefix(3).map { "d\(String(format: "%06d", $0))" }
        #expect(warnings.map(\.message) == ["\(outside.count) feature(s) outside every district (for example \(examples.joined(separator: ", ")))"])
        // Errors first here (each at its feature), the summary after every feature.
        #expect(issues.last?.severity == .warning)
    }
}
