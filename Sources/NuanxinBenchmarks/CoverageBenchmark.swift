import Foundation
import Geo
import Optimization
import Planning

/// Coverage at library level: which demand points have a station within the radius (and, as a
/// second figure, how much demand the seats can serve, an exact maximum flow). The first figure is
/// compared with shapely's `STRtree.query(points, predicate="dwithin", distance=r)` by
/// `scripts/bench_coverage.sh`.
struct CoverageBenchmark {
    let dataDirectory: String
    let runs: Int
    let radius: Double

    func run() throws {
        let stationsCSV = try PointCSV(path: dataDirectory + "/stations.csv")
        let demandCSV = try PointCSV(path: dataDirectory + "/demand.csv")
        let stations = try projected(stationsCSV)
        let demand = try projected(demandCSV)
        // Seats (stations.csv column 5) and weights (demand.csv column 4), read outside the timings.
        let seats = try column(dataDirectory + "/stations.csv", 4)
        let weights = try column(dataDirectory + "/demand.csv", 3)

        var batch = NeighborBatch()
        var covered = 0
        var pairs = 0
        // Covered: is any station within the radius? The nearest station within the radius answers
        // that without listing every pair.
        var nearestBatch = NeighborBatch()
        func cover() throws {
            let index = try PointIndex(stations)
            index.nearest(to: demand, k: 1, maxDistance: radius, into: &nearestBatch)
            covered = 0
            for i in 0..<nearestBatch.queryCount where !nearestBatch.range(ofQuery: i).isEmpty { covered += 1 }
        }
        var served = 0.0
        func serve() throws {
            let index = try PointIndex(stations)
            index.within(radius: radius, of: demand, into: &batch)
            pairs = batch.indices.count
            let reach = try Reach(rowCount: demand.count, columnCount: stations.count, offsets: batch.offsets, columns: batch.indices.map { Int32($0) })
            served = try maximumAssignment(weights: weights, capacities: seats, reach: reach).served
        }
        // The same served demand as the allocation where riders travel least (minimum-cost maximum
        // flow, costs = planar distance), timed like `serve` from the index on.
        var allocation: Allocation? = nil
        let ranks = Array(0..<stations.count)
        func allocate() throws {
            let index = try PointIndex(stations)
            index.within(radius: radius, of: demand, into: &batch)
            let reach = try Reach(rowCount: demand.count, columnCount: stations.count, offsets: batch.offsets, columns: batch.indices.map { Int32($0) })
            allocation = try minimumCostAllocation(weights: weights, capacities: seats, reach: reach,
                                                   costs: batch.squaredDistances.map { $0.squareRoot() }, stationRank: ranks)
        }
        try cover()  // warm-up
        try serve()
        try allocate()
        var coverTimes: [Double] = []
        var serveTimes: [Double] = []
        var allocateTimes: [Double] = []
        for _ in 0..<runs {
            coverTimes.append(try timed { try cover() }.1)
            serveTimes.append(try timed { try serve() }.1)
            allocateTimes.append(try timed { try allocate() }.1)
        }
        FileHandle.standardError.write(Data("coverage: covered_points=\(covered) pairs=\(pairs) served=\(served) cover_runs_s=\(coverTimes.map { String(format: "%.4f", $0) })\n".utf8))
        let base = "\"stations\":\(stations.count),\"demand\":\(demand.count),\"radius_m\":\(JSONNumber(radius)),\"runs\":\(runs)"
        print("{\"benchmark\":\"coverage_covered\",\(base),\"covered_points\":\(covered),\"median_s\":\(String(format: "%.6f", NearestBenchmark.median(coverTimes)))}")
        print("{\"benchmark\":\"coverage_served\",\(base),\"pairs\":\(pairs),\"served\":\(JSONNumber(served)),\"median_s\":\(String(format: "%.6f", NearestBenchmark.median(serveTimes)))}")
        if let a = allocation {
            print("{\"benchmark\":\"coverage_served_min_cost\",\(base),\"pairs\":\(pairs),\"served\":\(JSONNumber(a.served)),\"rider_metres\":\(String(format: "%.1f", a.cost)),\"median_s\":\(String(format: "%.6f", NearestBenchmark.median(allocateTimes)))}")
        }
    }

    private func JSONNumber(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    private func projected(_ csv: PointCSV) throws -> [Coordinate] {
        var xs = csv.lons
        var ys = csv.lats
        try CoordinateTransformer(from: .wgs84, to: .epsg(4547)).transform(xs: &xs, ys: &ys)
        return (0..<xs.count).map { Coordinate(x: xs[$0], y: ys[$0]) }
    }

    /// A numeric column (0-based) of a simple CSV with a header.
    private func column(_ path: String, _ index: Int) throws -> [Double] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return index < fields.count ? Double(fields[index]) ?? 0 : 0
        }
    }
}
