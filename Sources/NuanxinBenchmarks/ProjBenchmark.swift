import Foundation
import Geo

/// What creating a PROJ transformation costs a process: `CoordinateTransformer(from:to:)` for
/// EPSG:4326 -> `target`, each in a PROJ context of its own (so each opens PROJ's database and
/// searches it, as the first one in a process does); median of `runs` after one warm-up.
struct ProjBenchmark {
    let target: CRS
    let runs: Int

    func run() throws {
        _ = try CoordinateTransformer(from: .wgs84, to: target)
        var times: [Double] = []
        var cpu: [Double] = []
        for _ in 0..<runs {
            let c0 = processCPUSeconds()
            times.append(try timed { try CoordinateTransformer(from: .wgs84, to: target) }.1)
            cpu.append(processCPUSeconds() - c0)
        }
        FileHandle.standardError.write(Data("proj: runs_s=\(times.map { String(format: "%.4f", $0) })\n".utf8))
        print("{\"benchmark\":\"proj_transformer\",\"from\":\"EPSG:4326\",\"to\":\"\(target)\",\"runs\":\(runs),\"median_ms\":\(String(format: "%.1f", NearestBenchmark.median(times) * 1000)),\"cpu_median_ms\":\(String(format: "%.1f", NearestBenchmark.median(cpu) * 1000))}")
    }
}
