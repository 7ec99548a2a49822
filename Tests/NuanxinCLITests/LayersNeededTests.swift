import Foundation
import Testing

/// Each command reads only the layers it needs: a broken file of a layer it does not use leaves it
/// working, while `validate` (which reads every layer) still reports that file.
@Suite("commands read only the layers they need")
struct LayersNeededTests {
    static let cases: [(command: [String], unused: [String])] = [
        (["nearest", "--lon", "113.05", "--lat", "36.05"], ["demand.geojson", "parking_zones.geojson", "commercial_areas.geojson", "candidates.geojson"]),
        (["within", "--lon", "113.05", "--lat", "36.05", "--radius", "5000"], ["demand.geojson", "parking_zones.geojson", "commercial_areas.geojson", "candidates.geojson"]),
        (["locate", "--lon", "113.05", "--lat", "36.05"], ["stations.geojson", "demand.geojson", "candidates.geojson"]),
        (["coverage"], ["parking_zones.geojson", "candidates.geojson"]),
        (["areas"], ["demand.geojson", "candidates.geojson"]),
        (["propose", "--count", "1"], ["parking_zones.geojson"]),
        (["info"], ["candidates.geojson"]),
        (["export", "--layer", "proposals", "--count", "1", "--format", "geojson"], ["parking_zones.geojson"]),
        (["load"], ["parking_zones.geojson", "candidates.geojson"]),
        (["gaps"], ["parking_zones.geojson", "candidates.geojson"]),
        (["export", "--layer", "coverage", "--format", "geojson"], ["parking_zones.geojson", "candidates.geojson"]),
        (["export", "--layer", "stations", "--format", "geojson"], ["demand.geojson", "parking_zones.geojson", "commercial_areas.geojson", "candidates.geojson"]),
        (["report", "--count", "0", "--format", "svg", "--out", "-REPORT-"], ["candidates.geojson"]),
    ]

    @Test("a broken file of an unused layer does not stop the command", arguments: 0..<LayersNeededTests.cases.count)
    func unusedLayerIsNotRead(index: Int) throws {
        let (command, unused) = LayersNeededTests.cases[index]
        for file in unused {
            let folder = try Fixtures.tinyCopy { dir in
                try Data("{\"type\": \"FeatureCollection\", \"features\": [".utf8).write(to: dir.appendingPathComponent(file))
            }
            defer { try? FileManager.default.removeItem(at: folder) }
            let format = command.contains("--format") ? [] : ["--format", "json"]
            // The report writes a file: into the fixture's folder, removed with it.
            let arguments = command.map { $0 == "-REPORT-" ? folder.appendingPathComponent("report.svg").path : $0 }
            let r = try CLI.run(arguments + format + ["--data", folder.path])
            #expect(r.status == 0, "\(command.joined(separator: " ")) with a broken \(file): \(r.stderr)")
            #expect(!r.stderr.contains(file), "\(command[0]) read \(file): \(r.stderr)")
            let v = try CLI.run(["validate", "--format", "table", "--data", folder.path])
            #expect(v.status == 65 && v.stdout.contains(file), "validate should report the broken \(file)")
        }
    }
}
