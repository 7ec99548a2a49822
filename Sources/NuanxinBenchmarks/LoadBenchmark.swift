import Foundation
import Geo
import Stations

/// Loading a GeoJSON point layer: `GeoJSONReader.read(bytes:)` (fast path on one thread, on two
/// threads as the loader reads layers of 4 MB and more, and off: the strict parser alone) on the
/// bytes of DIR/demand.geojson, and `DatasetLoader.load` of the demand layer
/// (read from disk, parsed, validated, checked against the districts, projected; each point with
/// its feature's properties, and without them as the planning commands load it), with the
/// districts of `--districts FILE` (default: the bundled Changzhi districts). MB/s are of the
/// file's bytes (10^6 bytes) per second of wall time and, less disturbed by a busy machine, per
/// second of the process's CPU time (all threads); medians of `runs` after one warm-up run.
struct LoadBenchmark {
    let dataDirectory: String
    let districts: String
    let runs: Int
    /// Only the figure of this name (for profiling one of them), when given.
    var only: String?

    func run() throws {
        let path = dataDirectory + "/demand.geojson"
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let megabytes = Double(bytes.count) / 1e6
        var features = 0

        func figure(_ name: String, _ body: () throws -> Int) rethrows {
            if let only, only != name { return }
            features = try body()  // warm-up
            var times: [Double] = []
            var cpu: [Double] = []
            for _ in 0..<runs {
                let c0 = processCPUSeconds()
                let (n, t) = try timed(body)
                cpu.append(processCPUSeconds() - c0)
                times.append(t)
                features = n
            }
            let median = NearestBenchmark.median(times)
            let cpuMedian = NearestBenchmark.median(cpu)
            FileHandle.standardError.write(Data("\(name): runs_s=\(times.map { String(format: "%.4f", $0) }) cpu_s=\(cpu.map { String(format: "%.4f", $0) })\n".utf8))
            print("{\"benchmark\":\"\(name)\",\"file\":\"\(path)\",\"bytes\":\(bytes.count),\"features\":\(features),\"runs\":\(runs),\"median_s\":\(String(format: "%.6f", median)),\"mb_per_s\":\(String(format: "%.1f", megabytes / median)),\"cpu_median_s\":\(String(format: "%.6f", cpuMedian)),\"mb_per_cpu_s\":\(String(format: "%.1f", megabytes / cpuMedian))}")
        }

        try figure("geojson_read_fast") { try GeoJSONReader.read(bytes: bytes, fastPath: true, twoThreadsFrom: nil).features.count }
        try figure("geojson_read_two_threads") { try GeoJSONReader.read(bytes: bytes, fastPath: true).features.count }
        try figure("geojson_read_strict") { try GeoJSONReader.read(bytes: bytes, fastPath: false).features.count }
        let source = DatasetSource(folder: dataDirectory, overrides: [.districts: districts])
        try figure("dataset_load_demand") { try DatasetLoader.load(source, layers: [.demand]).demand.count }
        // As `coverage`, `gaps`, `propose` and `nearest` load it: each point without its
        // feature's properties (`import`, `export` and `geopackage` keep them, as above).
        try figure("dataset_load_demand_planning") {
            try DatasetLoader.load(source, layers: [.demand], demandProperties: false).demand.count
        }
    }
}
