import Foundation
import Geo

/// What creating a PROJ transformation costs a process: `CoordinateTransformer(from:to:)` for
/// EPSG:4326 -> `target`, each in a PROJ context of its own, median of `runs` after one warm-up.
/// Two figures: with no `PROJCache` (PROJ opens its database and searches it, as the first process
/// does) and from a `PROJCache` holding the pair (the pipeline alone, as every later process does).
struct ProjBenchmark {
    let target: CRS
    let runs: Int

    func run() throws {
        let folder = NSTemporaryDirectory() + "nuanxin-proj-benchmark-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try measure("proj_transformer", cache: nil)
        try measure("proj_transformer_cached", cache: PROJCache(directory: folder))
    }

    func measure(_ name: String, cache: PROJCache?) throws {
        _ = try CoordinateTransformer(from: .wgs84, to: target, cache: cache)
        var times: [Double] = []
        var cpu: [Double] = []
        for _ in 0..<runs {
            let c0 = processCPUSeconds()
            times.append(try timed { try CoordinateTransformer(from: .wgs84, to: target, cache: cache) }.1)
            cpu.append(processCPUSeconds() - c0)
        }
        FileHandle.standardError.write(Data("\(name): runs_s=\(times.map { String(format: "%.4f", $0) })\n".utf8))
        print("{\"benchmark\":\"\(name)\",\"from\":\"EPSG:4326\",\"to\":\"\(target)\",\"runs\":\(runs),\"median_ms\":\(String(format: "%.2f", NearestBenchmark.median(times) * 1000)),\"cpu_median_ms\":\(String(format: "%.2f", NearestBenchmark.median(cpu) * 1000))}")
    }
}
