import Foundation
import Geo

/// k = 1 nearest station for every query, at library level: the figure compared with shapely's
/// `STRtree.query_nearest` by `scripts/bench_nearest.sh`.
struct NearestBenchmark {
    let dataDirectory: String
    let runs: Int
    let chunk: Int
    let leafSize: Int

    func run() throws {
        let stations = try projected(PointCSV(path: dataDirectory + "/stations.csv"))
        let queries = try projected(PointCSV(path: dataDirectory + "/queries.csv"))

        var buildTimes: [Double] = []
        var index = try PointIndex(stations, leafSize: leafSize)
        for _ in 0..<runs {
            let (built, seconds) = try timed { try PointIndex(stations, leafSize: leafSize) }
            index = built
            buildTimes.append(seconds)
        }

        var batch = NeighborBatch()
        var pairs = 0
        var indexSum = 0
        func answerAll() {
            pairs = 0
            indexSum = 0
            var start = 0
            while start < queries.count {
                let end = min(queries.count, start + chunk)
                index.nearest(to: queries[start..<end], k: 1, into: &batch)
                pairs += batch.indices.count
                for i in batch.indices { indexSum &+= i }
                start = end
            }
        }
        answerAll()  // warm-up
        var times: [Double] = []
        var cpuTimes: [Double] = []
        for _ in 0..<runs {
            let cpuStart = processCPUSeconds()
            times.append(timed { answerAll() }.1)
            cpuTimes.append(processCPUSeconds() - cpuStart)
        }
        let median = Self.median(times)
        // Checksums on stderr, so that the peer's answers can be compared.
        FileHandle.standardError.write(Data("nearest_k1: pairs=\(pairs) index_sum=\(indexSum) runs_s=\(times.map { String(format: "%.4f", $0) }) cpu_s=\(cpuTimes.map { String(format: "%.4f", $0) })\n".utf8))
        print(
            "{\"benchmark\":\"nearest_k1\",\"stations\":\(stations.count),\"queries\":\(queries.count),"
                + "\"build_s\":\(String(format: "%.6f", Self.median(buildTimes))),\"median_s\":\(String(format: "%.6f", median)),"
                + "\"queries_per_s\":\(String(format: "%.0f", Double(queries.count) / median)),\"runs\":\(runs)}")
    }

    /// WGS84 lon/lat to EPSG:4547 metres with one batch PROJ transform.
    private func projected(_ csv: PointCSV) throws -> [Coordinate] {
        var xs = csv.lons
        var ys = csv.lats
        try CoordinateTransformer(from: .wgs84, to: .epsg(4547)).transform(xs: &xs, ys: &ys)
        return (0..<xs.count).map { Coordinate(x: xs[$0], y: ys[$0]) }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    let end = DispatchTime.now().uptimeNanoseconds
    return (value, Double(end - start) / 1e9)
}

/// CPU time of the whole process (all threads), to tell a busy machine from a slow program.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
