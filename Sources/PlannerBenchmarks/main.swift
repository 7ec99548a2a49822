import Foundation
import Geo
import Optimization

// Benchmarks of the planning algorithms. `swift run -c release PlannerBenchmarks --out DIR`
// writes the site-selection instances to DIR (CSV) and prints one JSON line per benchmark.

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func normal() -> Double {
        let u = max(unit(), 1e-300), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

/// Points clustered around a few town centres in a square of `side` metres.
func clusteredPoints(_ count: Int, centres: [(Coordinate, Double)], side: Double, background: Double, rng: inout SplitMix64) -> [Coordinate] {
    var points: [Coordinate] = []
    points.reserveCapacity(count)
    while points.count < count {
        if rng.unit() < background {
            points.append(Coordinate(x: rng.unit() * side, y: rng.unit() * side))
            continue
        }
        let (c, spread) = centres[Int(rng.next() % UInt64(centres.count))]
        let p = Coordinate(x: c.x + rng.normal() * spread, y: c.y + rng.normal() * spread)
        if p.x >= 0, p.x <= side, p.y >= 0, p.y <= side { points.append(p) }
    }
    return points
}

/// For each query point, the indices of the targets within `radius` (ascending), by a grid of
/// `radius`-sized buckets.
func withinRadius(queries: [Coordinate], targets: [Coordinate], radius: Double) -> [[Int]] {
    // Targets in a flat grid of cells `radius` wide (each cell's targets in index order); each
    // query tests the 3 × 3 cells around its own and marks its hits in a bit set over the
    // targets, read back in index order (ascending, as sorting the hits would give).
    guard !targets.isEmpty else { return queries.map { _ in [] } }
    func cell(_ v: Double) -> Int { Int((v / radius).rounded(.down)) }
    var minX = Int.max, maxX = Int.min, minY = Int.max, maxY = Int.min
    for p in targets {
        let gx = cell(p.x), gy = cell(p.y)
        minX = min(minX, gx); maxX = max(maxX, gx); minY = min(minY, gy); maxY = max(maxY, gy)
    }
    let width = maxX - minX + 1, height = maxY - minY + 1
    var start = [Int](repeating: 0, count: width * height + 1)
    for p in targets { start[(cell(p.y) - minY) * width + (cell(p.x) - minX) + 1] += 1 }
    for k in 0..<(width * height) { start[k + 1] += start[k] }
    var fill = start
    var members = [Int](repeating: 0, count: targets.count)
    for (t, p) in targets.enumerated() {
        let k = (cell(p.y) - minY) * width + (cell(p.x) - minX)
        members[fill[k]] = t
        fill[k] += 1
    }
    let r2 = radius * radius
    var bits = [UInt64](repeating: 0, count: (targets.count + 63) / 64)
    return queries.map { q in
        let gx = cell(q.x) - minX, gy = cell(q.y) - minY
        var lowWord = Int.max, highWord = -1
        let y0 = max(0, gy - 1), y1 = min(height - 1, gy + 1), x0 = max(0, gx - 1), x1 = min(width - 1, gx + 1)
        for y in stride(from: y0, through: y1, by: 1) {
            for x in stride(from: x0, through: x1, by: 1) {
                let k = y * width + x
                for m in start[k]..<start[k + 1] {
                    let t = members[m]
                    let ddx = targets[t].x - q.x, ddy = targets[t].y - q.y
                    if ddx * ddx + ddy * ddy <= r2 {
                        bits[t >> 6] |= 1 << UInt64(t & 63)
                        lowWord = min(lowWord, t >> 6)
                        highWord = max(highWord, t >> 6)
                    }
                }
            }
        }
        var found: [Int] = []
        if highWord >= 0 {
            for w in lowWord...highWord where bits[w] != 0 {
                var word = bits[w]
                while word != 0 {
                    found.append(w << 6 | word.trailingZeroBitCount)
                    word &= word - 1
                }
                bits[w] = 0
            }
        }
        return found
    }
}

/// CPU time (user + system) this process has used so far, in seconds.
func processCPU() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// CPU seconds `body` took.
func cpuSeconds(_ body: () throws -> Void) rethrows -> Double {
    let start = processCPU()
    try body()
    return processCPU() - start
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU time of the calling thread while `body` runs (the solvers are single-threaded), seconds:
/// on a loaded machine a steadier figure than wall time.
func threadCPUSeconds(_ body: () throws -> Void) rethrows -> Double {
    var a = timespec(), b = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a)
    try body()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b)
    return Double(b.tv_sec - a.tv_sec) + Double(b.tv_nsec - a.tv_nsec) / 1e9
}

/// The assignment instance: 200,000 demand points and 2,000 stations clustered around six towns,
/// weights 1–10, capacities 80 % of total demand; reach within `radius`, costs = distance.
struct AssignmentInstance {
    let demand: [Coordinate]
    let stations: [Coordinate]
    let rows: [[Int]]
    let reach: Reach
    let weights: [Double]
    let total: Double
    let capacities: [Double]

    init(radius: Double) throws {
        var rng = SplitMix64(seed: 20_240_601)
        let side = 60_000.0
        let centres = (0..<6).map { _ in (Coordinate(x: 8_000 + rng.unit() * 44_000, y: 8_000 + rng.unit() * 44_000), 2_500 + rng.unit() * 3_500) }
        demand = clusteredPoints(200_000, centres: centres, side: side, background: 0.1, rng: &rng)
        stations = clusteredPoints(2_000, centres: centres, side: side, background: 0.1, rng: &rng)
        rows = withinRadius(queries: demand, targets: stations, radius: radius)
        reach = try Reach(rows: rows, columnCount: stations.count)
        weights = (0..<demand.count).map { _ in Double(1 + rng.next() % 10) }
        let total = weights.reduce(0, +)
        self.total = total
        let stationCount = Double(stations.count)
        capacities = (0..<stations.count).map { _ in Double(1 + rng.next() % 10) * total / stationCount / 5.5 * 0.8 }
    }

    /// Distance of each edge, aligned with `reach.columns`.
    var costs: [Double] {
        rows.enumerated().flatMap { i, row in
            row.map { j in ((demand[i].x - stations[j].x) * (demand[i].x - stations[j].x) + (demand[i].y - stations[j].y) * (demand[i].y - stations[j].y)).squareRoot() }
        }
    }
}

func assignmentBenchmark(radius: Double) throws {
    let instance = try AssignmentInstance(radius: radius)
    let (demand, stations, reach, weights, total, capacities) = (instance.demand, instance.stations, instance.reach, instance.weights, instance.total, instance.capacities)
    var times: [Double] = []
    var served = 0.0
    for _ in 0..<5 {
        times.append(try seconds { served = try maximumAssignment(weights: weights, capacities: capacities, reach: reach).served })
    }
    print(#"{"benchmark":"assignment","radius_m":\#(radius),"demand":\#(demand.count),"stations":\#(stations.count),"edges":\#(reach.edgeCount),"served":\#(served),"total":\#(total),"median_s":\#(median(times)),"runs":5}"#)
}

/// The assignment benchmark's instance (same seed, same data) solved by `minimumCostAllocation`
/// (costs = distance in metres, station rank = index), with `maximumAssignment` timed in the same
/// run for comparison.
func allocationBenchmark(radius: Double, runs: Int, method: AllocationOptions.Method = .stationPaths) throws {
    let instance = try AssignmentInstance(radius: radius)
    let (demand, stations, reach, weights, capacities) = (instance.demand, instance.stations, instance.reach, instance.weights, instance.capacities)
    let costs = instance.costs
    let ranks = Array(0..<stations.count)
    var flowTimes: [Double] = [], costTimes: [Double] = [], flowCPU: [Double] = [], costCPU: [Double] = []
    var served = 0.0
    var allocation: Allocation? = nil
    for _ in 0..<runs {
        var wall = 0.0
        flowCPU.append(try threadCPUSeconds { wall = try seconds { served = try maximumAssignment(weights: weights, capacities: capacities, reach: reach).served } })
        flowTimes.append(wall)
        costCPU.append(try threadCPUSeconds { wall = try seconds { allocation = try minimumCostAllocation(weights: weights, capacities: capacities, reach: reach, costs: costs, stationRank: ranks,
                                                                                      options: AllocationOptions(method: method)) } })
        costTimes.append(wall)
    }
    let a = allocation!
    print(#"{"benchmark":"allocation","method":"\#(method)","radius_m":\#(radius),"demand":\#(demand.count),"stations":\#(stations.count),"edges":\#(reach.edgeCount),"max_flow_served":\#(served),"min_cost_served":\#(a.served),"rider_metres":\#(a.cost),"max_flow_median_s":\#(median(flowTimes)),"min_cost_median_s":\#(median(costTimes)),"max_flow_cpu_median_s":\#(median(flowCPU)),"min_cost_cpu_median_s":\#(median(costCPU)),"runs":\#(runs)}"#)
}

/// Ten towns of 20,000 demand points (weights 1–10) and 100 stations each, uniform in discs of
/// 2 km radius whose centres are 6 km apart on a 5 × 2 grid, reach within 600 m (so no reach links
/// two towns: ten connected parts), costs = distance: two towns hold 120 % of their demand in
/// seats, the other eight 5 % (overall 28 %, so the whole problem counts as scarce).
func mixedAllocationBenchmark(runs: Int) throws {
    var rng = SplitMix64(seed: 20_261_130)
    let spacing = 6_000.0, townRadius = 2_000.0, radius = 600.0
    var demand: [Coordinate] = [], stations: [Coordinate] = [], weights: [Double] = [], capacities: [Double] = []
    func inDisc(_ c: Coordinate) -> Coordinate {
        while true {
            let x = (2 * rng.unit() - 1) * townRadius, y = (2 * rng.unit() - 1) * townRadius
            if x * x + y * y <= townRadius * townRadius { return Coordinate(x: c.x + x, y: c.y + y) }
        }
    }
    for town in 0..<10 {
        let centre = Coordinate(x: 3_000 + spacing * Double(town % 5), y: 3_000 + spacing * Double(town / 5))
        var townDemand = 0.0
        for _ in 0..<20_000 {
            demand.append(inDisc(centre))
            let w = Double(1 + rng.next() % 10)
            weights.append(w)
            townDemand += w
        }
        let share = (town < 2 ? 1.2 : 0.05) * townDemand / 100
        for _ in 0..<100 {
            stations.append(inDisc(centre))
            capacities.append((Double(1 + rng.next() % 10) / 5.5 * share).rounded())
        }
    }
    let rows = withinRadius(queries: demand, targets: stations, radius: radius)
    let reach = try Reach(rows: rows, columnCount: stations.count)
    let costs = rows.enumerated().flatMap { i, row in
        row.map { j in ((demand[i].x - stations[j].x) * (demand[i].x - stations[j].x) + (demand[i].y - stations[j].y) * (demand[i].y - stations[j].y)).squareRoot() }
    }
    let ranks = Array(0..<stations.count)
    var cpu: [Double] = [], wall: [Double] = []
    var allocation: Allocation? = nil
    for _ in 0..<runs {
        var w = 0.0
        cpu.append(try threadCPUSeconds { w = try seconds { allocation = try minimumCostAllocation(weights: weights, capacities: capacities, reach: reach, costs: costs, stationRank: ranks) } })
        wall.append(w)
    }
    let a = allocation!
    print(#"{"benchmark":"allocation-mix","demand":\#(demand.count),"stations":\#(stations.count),"edges":\#(reach.edgeCount),"seats":\#(capacities.reduce(0, +)),"weight":\#(weights.reduce(0, +)),"served":\#(a.served),"rider_metres":\#(a.cost),"median_s":\#(median(wall)),"cpu_median_s":\#(median(cpu)),"cpu_s":\#(cpu),"runs":\#(runs)}"#)
}

/// A site-selection benchmark instance: demand and candidate points clustered around a few town
/// centres in a 60 km square (metres), integer weights 1–10, fixed seed.
struct MCLPInstance {
    let name: String
    let demand: [Coordinate]
    let weights: [Double]
    let candidates: [Coordinate]
    let p: Int
    let radius: Double

    static func make(name: String, demand n: Int, candidates m: Int, p: Int, radius: Double, seed: UInt64) -> MCLPInstance {
        var rng = SplitMix64(seed: seed)
        let side = 60_000.0
        let centres = (0..<7).map { _ in
            (Coordinate(x: 6_000 + rng.unit() * 48_000, y: 6_000 + rng.unit() * 48_000), 1_500 + rng.unit() * 3_500)
        }
        let demand = clusteredPoints(n, centres: centres, side: side, background: 0.15, rng: &rng)
        let weights = (0..<n).map { _ in Double(1 + rng.next() % 10) }
        let candidates = clusteredPoints(m, centres: centres, side: side, background: 0.25, rng: &rng)
        return MCLPInstance(name: name, demand: demand, weights: weights, candidates: candidates, p: p, radius: radius)
    }

    /// Demand and candidates uniformly random in a square of `side` metres (no clusters), integer
    /// weights 1–10: every candidate overlaps many others, which keeps the LP bound loose.
    static func uniform(name: String, demand n: Int, candidates m: Int, p: Int, radius: Double, side: Double, seed: UInt64) -> MCLPInstance {
        var rng = SplitMix64(seed: seed)
        let demand = (0..<n).map { _ in Coordinate(x: rng.unit() * side, y: rng.unit() * side) }
        let weights = (0..<n).map { _ in Double(1 + rng.next() % 10) }
        let candidates = (0..<m).map { _ in Coordinate(x: rng.unit() * side, y: rng.unit() * side) }
        return MCLPInstance(name: name, demand: demand, weights: weights, candidates: candidates, p: p, radius: radius)
    }
}

/// Reads an instance back from the CSV files `writeCSV` wrote (the timed start of the end-to-end
/// benchmark: parsing, coverage and solving, as the peer's build + solve).
func readCSV(_ folder: URL, name: String, p: Int, radius: Double) throws -> MCLPInstance {
    func rows(_ file: String) throws -> [[Substring]] {
        let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }
    let d = try rows("demand.csv"), c = try rows("candidates.csv")
    return MCLPInstance(name: name,
                        demand: d.map { Coordinate(x: Double($0[1])!, y: Double($0[2])!) },
                        weights: d.map { Double($0[3])! },
                        candidates: c.map { Coordinate(x: Double($0[1])!, y: Double($0[2])!) },
                        p: p, radius: radius)
}


func writeCSV(_ instance: MCLPInstance, to dir: URL) throws {
    var demand = "id,x,y,weight\n"
    for (i, p) in instance.demand.enumerated() {
        demand += "d\(i),\(String(format: "%.3f", p.x)),\(String(format: "%.3f", p.y)),\(Int(instance.weights[i]))\n"
    }
    var candidates = "id,x,y\n"
    for (k, p) in instance.candidates.enumerated() {
        candidates += "c\(String(format: "%04d", k)),\(String(format: "%.3f", p.x)),\(String(format: "%.3f", p.y))\n"
    }
    let folder = dir.appendingPathComponent(instance.name)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try demand.write(to: folder.appendingPathComponent("demand.csv"), atomically: true, encoding: .utf8)
    try candidates.write(to: folder.appendingPathComponent("candidates.csv"), atomically: true, encoding: .utf8)
    let meta = #"{"instance":"\#(instance.name)","p":\#(instance.p),"radius_m":\#(instance.radius)}"#
    try meta.write(to: folder.appendingPathComponent("instance.json"), atomically: true, encoding: .utf8)
}

/// Reads the coordinates back as written (3 decimals), so that this solver and the peer see
/// exactly the same points.
func roundedAsWritten(_ instance: MCLPInstance) -> MCLPInstance {
    func r(_ c: Coordinate) -> Coordinate {
        Coordinate(x: Double(String(format: "%.3f", c.x))!, y: Double(String(format: "%.3f", c.y))!)
    }
    return MCLPInstance(name: instance.name, demand: instance.demand.map(r), weights: instance.weights,
                        candidates: instance.candidates.map(r), p: instance.p, radius: instance.radius)
}

/// Prints a solve's progress to stderr with the calling thread's CPU time and the clock (`--progress`).
@Sendable func printProgress(_ p: SelectionProgress) {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    let cpu = String(format: "%.4f", Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
    clock_gettime(CLOCK_MONOTONIC, &now)
    let wall = String(format: "%.4f", (Double(now.tv_sec) + Double(now.tv_nsec) / 1e9).truncatingRemainder(dividingBy: 1000))
    FileHandle.standardError.write("[cpu \(cpu) s, clock \(wall) s] \(p.stage) incumbent \(p.incumbent) bound \(p.bound) nodes \(p.nodes)\n".data(using: .utf8)!)
}

func mclpBenchmark(_ raw: MCLPInstance, out: URL?, runs: Int, showProgress: Bool, workLimit: Int? = nil, threads: Int,
                   timeLimit solveTimeLimit: Double? = nil) throws {
    if let out { try writeCSV(raw, to: out) }
    let instance = roundedAsWritten(raw)
    var cover: [[Int]] = []
    let coverageSeconds = seconds { cover = withinRadius(queries: instance.candidates, targets: instance.demand, radius: instance.radius) }
    let candidates = cover.enumerated().map { k, list in SiteCandidate(id: "c\(String(format: "%04d", k))", covers: list) }
    let problem = SiteSelectionProblem(weights: instance.weights, candidates: candidates)
    var options = SiteSelectionOptions(threads: threads)
    if let workLimit { options.workLimit = workLimit }
    options.timeLimit = solveTimeLimit
    if showProgress { options.progress = printProgress }
    var times: [Double] = []
    var cpuTimes: [Double] = []
    var callerCPU: [Double] = []  // the calling thread's CPU alone (with 2 threads, the worker's not included)
    var result: SiteSelection? = nil
    for _ in 0..<runs {
        var wall = 0.0, caller = 0.0
        cpuTimes.append(try cpuSeconds { caller = try threadCPUSeconds { wall = try seconds { result = try selectSites(problem, goal: .count(instance.p), options: options) } } })
        times.append(wall)
        callerCPU.append(caller)
    }
    let r = result!
    // End to end: read the CSV files, build the coverage, solve (when the files were written).
    var endToEnd: [Double] = []
    var endToEndCPU: [Double] = []
    if let out {
        for _ in 0..<runs {
            var wall = 0.0
            endToEndCPU.append(try cpuSeconds { wall = try seconds {
                let read = try readCSV(out.appendingPathComponent(instance.name), name: instance.name, p: instance.p, radius: instance.radius)
                let cover = withinRadius(queries: read.candidates, targets: read.demand, radius: read.radius)
                let candidates = cover.enumerated().map { k, list in SiteCandidate(id: "c\(String(format: "%04d", k))", covers: list) }
                let again = try selectSites(SiteSelectionProblem(weights: read.weights, candidates: candidates), goal: .count(read.p), options: options)
                // (a time limit may stop two runs at different points)
                precondition(solveTimeLimit != nil || again.objective == r.objective, "end-to-end run disagrees")
            } })
            endToEnd.append(wall)
        }
    }
    let e2e = endToEnd.isEmpty ? "null" : "\(median(endToEnd))"
    let e2eCPU = endToEndCPU.isEmpty ? "null" : "\(median(endToEndCPU))"
    let chosen = r.sites.map { "\"\($0.id)\"" }.joined(separator: ",")
    print(#"{"benchmark":"mclp","instance":"\#(instance.name)","demand":\#(instance.demand.count),"candidates":\#(instance.candidates.count),"p":\#(instance.p),"radius_m":\#(instance.radius),"objective":\#(r.objective),"upper_bound":\#(r.upperBound),"optimal":\#(r.provenOptimal),"nodes":\#(r.nodes),"iterations":\#(r.iterations),"median_s":\#(median(times)),"cpu_s":\#(median(cpuTimes)),"caller_cpu_s":\#(median(callerCPU)),"end_to_end_s":\#(e2e),"end_to_end_cpu_s":\#(e2eCPU),"runs":\#(runs),"threads":\#(threads),"coverage_s":\#(coverageSeconds),"sites":[\#(chosen)]}"#)
}

/// An instance with seats: every 12th candidate point is an existing station (60 seats each), the
/// other candidates get `seats` each (250 for A, 1,000 for B); the objective is demand newly served.
func capacitatedBenchmark(_ raw: MCLPInstance, seats: Double, runs: Int) throws {
    let instance = roundedAsWritten(raw)
    let cover = withinRadius(queries: instance.candidates, targets: instance.demand, radius: instance.radius)
    let existingIdx = Array(stride(from: 0, to: instance.candidates.count, by: 12))
    var rows = [[Int]](repeating: [], count: instance.demand.count)
    for (slot, k) in existingIdx.enumerated() { for i in cover[k] { rows[i].append(slot) } }
    let existing = ExistingStations(capacities: [Double](repeating: 60, count: existingIdx.count),
                                    reach: try Reach(rows: rows, columnCount: existingIdx.count))
    let isExisting = Set(existingIdx)
    let candidates = cover.enumerated().filter { !isExisting.contains($0.offset) }.map { k, list in
        SiteCandidate(id: "c\(String(format: "%04d", k))", covers: list, seats: seats)
    }
    let problem = SiteSelectionProblem(weights: instance.weights, existing: existing, candidates: candidates)
    var times: [Double] = []
    var r: SiteSelection? = nil
    for _ in 0..<runs {
        times.append(try seconds { r = try selectSites(problem, goal: .count(instance.p), options: SiteSelectionOptions(capacitated: true)) })
    }
    let result = r!
    print(#"{"benchmark":"mclp-capacitated","instance":"\#(instance.name)","demand":\#(instance.demand.count),"candidates":\#(candidates.count),"existing":\#(existingIdx.count),"seats":\#(seats),"p":\#(instance.p),"baseline_served":\#(result.baseline),"objective":\#(result.objective),"upper_bound":\#(result.upperBound),"optimal":\#(result.provenOptimal),"nodes":\#(result.nodes),"flow_evaluations":\#(result.iterations),"median_s":\#(median(times)),"runs":\#(runs)}"#)
}

/// The plan modes (`planSites`) on an MCLP instance: sizes from a list (8–40 seats, 6 riders a
/// seat), a minimum spacing between new sites, required sites, a budget; every 12th candidate point
/// is an existing station (60 riders) as in the capacitated benchmark. One JSON line per mode.
func planBenchmark(_ raw: MCLPInstance, runs: Int, out: URL? = nil) throws {
    let instance = roundedAsWritten(raw)
    let cover = withinRadius(queries: instance.candidates, targets: instance.demand, radius: instance.radius)
    let existingIdx = Array(stride(from: 0, to: instance.candidates.count, by: 12))
    var rows = [[Int]](repeating: [], count: instance.demand.count)
    for (slot, k) in existingIdx.enumerated() { for i in cover[k] { rows[i].append(slot) } }
    let existing = ExistingStations(capacities: [Double](repeating: 60, count: existingIdx.count),
                                    reach: try Reach(rows: rows, columnCount: existingIdx.count))
    let isExisting = Set(existingIdx)
    let kept = instance.candidates.indices.filter { !isExisting.contains($0) }
    let sizes = [8, 16, 24, 32, 40].map { SiteSize(seats: $0, capacity: Double($0) * 6, cost: 30_000 + 1_500 * Double($0)) }
    let candidates = kept.map { k in PlanCandidate(id: "c\(String(format: "%04d", k))", covers: cover[k], sizes: sizes) }
    let spacing = instance.radius / 2
    var conflicts: [(Int, Int)] = []
    let positions = kept.map { instance.candidates[$0] }
    let near = withinRadius(queries: positions, targets: positions, radius: spacing)
    for (a, list) in near.enumerated() {
        for b in list where b > a {
            let dx = positions[a].x - positions[b].x, dy = positions[a].y - positions[b].y
            if (dx * dx + dy * dy).squareRoot() < spacing { conflicts.append((a, b)) }
        }
    }
    let served = PlanProblem(weights: instance.weights, existing: existing, candidates: candidates, conflicts: conflicts, capacitated: true)
    var coveredOnly = PlanProblem(weights: instance.weights, alreadyCovered: rows.indices.map { rows[$0].isEmpty ? 0 : instance.weights[$0] },
                                  candidates: candidates, conflicts: conflicts, capacitated: false)
    coveredOnly.existing = nil
    let budget = Double(instance.p) * 60_000
    if let out {
        // The plan problem as JSON, for the MIP cross-check (scripts/peers/pulp_plan_budget.py).
        func list<T>(_ xs: [T]) -> String { "[" + xs.map { "\($0)" }.joined(separator: ",") + "]" }
        var json = #"{"instance":"\#(instance.name)","budget":\#(budget),"count":\#(instance.p),"weights":\#(list(instance.weights.map { Int($0) })),"#
        json += #""existing_capacities":\#(list(existing.capacities)),"existing_rows":\#(list(rows.map { list($0) })),"#
        json += #""candidates":[\#(candidates.map { c in #"{"id":"\#(c.id)","covers":\#(list(c.covers)),"sizes":\#(list(c.sizes.map { list([Double($0.seats), $0.capacity, $0.cost]) }))}"# }.joined(separator: ","))],"#
        json += #""conflicts":\#(list(conflicts.map { list([$0.0, $0.1]) }))}"#
        let folder = out.appendingPathComponent(instance.name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try json.write(to: folder.appendingPathComponent("plan.json"), atomically: true, encoding: .utf8)
    }
    // Target modes: the fewest sites that reach what the count answer reaches (rounded down to a
    // tenth of a percent), so that the target is reachable and the answer has at most p sites.
    var reachedByCount: [String: Double] = [:]
    let modes: [(String, PlanProblem, PlanGoal?)] = [
        ("count, sizes, spacing, served", served, .count(instance.p)),
        ("count, spacing, covered", coveredOnly, .count(instance.p)),
        ("budget, sizes, spacing, served", served, .budget(budget)),
        ("budget, spacing, covered", coveredOnly, .budget(budget)),
        ("target, sizes, spacing, served", served, nil),
        ("target, spacing, covered", coveredOnly, nil),
    ]
    for (mode, problem, fixedGoal) in modes {
        let measure = mode.hasSuffix("served") ? "served" : "covered"
        let goal = fixedGoal ?? .targetPercent(reachedByCount[measure] ?? 0)
        var times: [Double] = []
        var cpu: [Double] = []
        var r: PlanSelection? = nil
        for _ in 0..<runs {
            // CPU time (user + system) as well: on a shared machine the wall time follows the load.
            let c0 = clock()
            times.append(try seconds { r = try planSites(problem, goal: goal) })
            cpu.append(Double(clock() - c0) / Double(CLOCKS_PER_SEC))
        }
        let p = r!
        if case .count = goal {
            reachedByCount[measure] = (1_000 * (p.baseline + p.objective) / p.totalDemand).rounded(.down) / 10
        }
        var fewest = ""
        if case let .reached(proven)? = p.target { fewest = #","proven_fewest":\#(proven)"# }
        let gap = p.upperBound > 0 ? 100 * (p.upperBound - p.objective) / p.upperBound : 0
        print(#"{"benchmark":"plan","instance":"\#(instance.name)","mode":"\#(mode)","candidates":\#(candidates.count),"conflicts":\#(conflicts.count),"spacing_m":\#(spacing),"goal":"\#(goal)","sites":\#(p.sites.count),"cost":\#(p.cost),"objective":\#(p.objective),"upper_bound":\#(p.upperBound),"gap_pct":\#(gap),"optimal":\#(p.provenOptimal),"nodes":\#(p.nodes),"median_s":\#(median(times)),"cpu_median_s":\#(median(cpu)),"runs":\#(runs)\#(fewest)}"#)
    }
}

func usage() -> Never {
    FileHandle.standardError.write("""
        usage: PlannerBenchmarks [--out DIR] [--runs N] [--progress] [--work LINKS] [--side METRES] [--seeds 1,2,3] [--threads 1|2] [--time-limit SECONDS]
                                 [--only A,B,C,C1..C5,R,assignment,allocation,allocation-cs,allocation-ssp,allocation-mix,A-capacitated,B-capacitated,B-target,A-plan,B-plan]

        """.data(using: .utf8)!)
    exit(64)
}

var outDir: URL? = nil
var showProgress = false
var workLimit: Int? = nil
/// `SiteSelectionOptions.timeLimit` of each site-selection solve (none by default).
var solveTimeLimit: Double? = nil
var runs = 5
/// Threads of each site-selection solve (`SiteSelectionOptions.threads`).
var solverThreads = 2
var side = 9_000.0
var seeds = Array(1...5)
var which: Set<String> = ["A", "B", "assignment"]
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    switch a {
    case "--out":
        guard let d = arguments.popFirst() else { usage() }
        outDir = URL(fileURLWithPath: d)
    case "--work":
        guard let w = arguments.popFirst().flatMap({ Double($0) }) else { usage() }
        workLimit = Int(w)
    case "--time-limit":
        guard let t = arguments.popFirst().flatMap({ Double($0) }), t >= 0 else { usage() }
        solveTimeLimit = t
    case "--progress":
        showProgress = true
    case "--threads":
        guard let t = arguments.popFirst().flatMap({ Int($0) }), t >= 1 else { usage() }
        solverThreads = t
    case "--runs":
        runs = Int(arguments.popFirst() ?? "") ?? 5
    case "--side":
        guard let v = arguments.popFirst().flatMap({ Double($0) }) else { usage() }
        side = v
    case "--seeds":
        guard let v = arguments.popFirst() else { usage() }
        seeds = v.split(separator: ",").compactMap { Int($0) }
    case "--only":
        guard let d = arguments.popFirst() else { usage() }
        which = Set(d.split(separator: ",").map(String.init))
    default:
        usage()
    }
}
if which.contains("A") {
    try mclpBenchmark(MCLPInstance.make(name: "A", demand: 2_000, candidates: 500, p: 10, radius: 1_500, seed: 1), out: outDir, runs: runs, showProgress: showProgress, workLimit: workLimit, threads: solverThreads, timeLimit: solveTimeLimit)
}
if which.contains("B") {
    try mclpBenchmark(MCLPInstance.make(name: "B", demand: 10_000, candidates: 2_000, p: 20, radius: 1_000, seed: 2), out: outDir, runs: runs, showProgress: showProgress, workLimit: workLimit, threads: solverThreads, timeLimit: solveTimeLimit)
}
if which.contains(where: { $0.hasPrefix("C") }) {
    // Five more instances for quality against CBC (3,000 × 800, p = 12, radius 1.2 km); `--only C4`
    // runs one of them.
    for k in 1...5 where which.contains("C") || which.contains("C\(k)") {
        try mclpBenchmark(MCLPInstance.make(name: "C\(k)", demand: 3_000, candidates: 800, p: 12, radius: 1_200, seed: UInt64(10 + k)),
                          out: outDir, runs: runs, showProgress: showProgress, workLimit: workLimit, threads: solverThreads, timeLimit: solveTimeLimit)
    }
}
if which.contains("R") {
    // Random uniform instances like the issue's: 2,000 demand × 500 candidates, p = 10, r = 1.5 km, in
    // a 9 km square (`--side`), seeds 101–105 (`--seeds 1,…,5`).
    for k in seeds {
        try mclpBenchmark(MCLPInstance.uniform(name: "R\(k)", demand: 2_000, candidates: 500, p: 10, radius: 1_500, side: side, seed: UInt64(100 + k)),
                          out: outDir, runs: runs, showProgress: showProgress, workLimit: workLimit, threads: solverThreads, timeLimit: solveTimeLimit)
    }
}
if which.contains("assignment") {
    try assignmentBenchmark(radius: 1_500)  // about 17 stations within reach per demand point
    try assignmentBenchmark(radius: 3_500)  // about 90
}
if which.contains("allocation") {
    // Minimum-cost maximum flow on the assignment instance at 1 km and 1.5 km (capacity 80 % of demand).
    try allocationBenchmark(radius: 1_000, runs: runs)
    try allocationBenchmark(radius: 1_500, runs: runs)
}
if which.contains("allocation-mix") {
    // Towns with a surplus of seats among towns with few, not linked by reach (see the function).
    try mixedAllocationBenchmark(runs: runs)
}
if which.contains("allocation-cs") {
    // The cost-scaling method on the same instances.
    try allocationBenchmark(radius: 1_000, runs: runs, method: .costScaling)
    try allocationBenchmark(radius: 1_500, runs: runs, method: .costScaling)
}
if which.contains("allocation-ssp") {
    // The successive-shortest-paths method, at 1 km only (at 1.5 km it takes more than ten minutes).
    try allocationBenchmark(radius: 1_000, runs: runs, method: .successiveShortestPaths)
}
if which.contains("B-target") {
    // Target mode on instance B: the fewest sites covering 50 % of demand.
    let instance = roundedAsWritten(MCLPInstance.make(name: "B", demand: 10_000, candidates: 2_000, p: 20, radius: 1_000, seed: 2))
    let cover = withinRadius(queries: instance.candidates, targets: instance.demand, radius: instance.radius)
    let candidates = cover.enumerated().map { k, list in SiteCandidate(id: "c\(String(format: "%04d", k))", covers: list) }
    let problem = SiteSelectionProblem(weights: instance.weights, candidates: candidates)
    // The effort flags and progress as for the other site-selection benchmarks.
    var options = SiteSelectionOptions(threads: solverThreads)
    if let workLimit { options.workLimit = workLimit }
    options.timeLimit = solveTimeLimit
    if showProgress { options.progress = printProgress }
    var r: SiteSelection? = nil
    var times: [Double] = [], cpuTimes: [Double] = []
    for _ in 0..<runs {
        var wall = 0.0
        cpuTimes.append(try cpuSeconds { wall = try seconds { r = try selectSites(problem, goal: .targetPercent(50), options: options) } })
        times.append(wall)
    }
    print(#"{"benchmark":"mclp-target","instance":"B","target_pct":50,"sites":\#(r!.sites.count),"covered_pct":\#(r!.percentAfter),"outcome":"\#(String(describing: r!.target!))","nodes":\#(r!.nodes),"iterations":\#(r!.iterations),"seconds":\#(median(times)),"cpu_s":\#(median(cpuTimes)),"runs":\#(runs),"threads":\#(solverThreads)}"#)
}
if which.contains("A-capacitated") {
    try capacitatedBenchmark(MCLPInstance.make(name: "A", demand: 2_000, candidates: 500, p: 10, radius: 1_500, seed: 1), seats: 250, runs: runs)
}
if which.contains("B-capacitated") {
    try capacitatedBenchmark(MCLPInstance.make(name: "B", demand: 10_000, candidates: 2_000, p: 20, radius: 1_000, seed: 2), seats: 1_000, runs: runs)
}
if which.contains("A-plan") {
    try planBenchmark(MCLPInstance.make(name: "A", demand: 2_000, candidates: 500, p: 10, radius: 1_500, seed: 1), runs: runs, out: outDir)
}
if which.contains("B-plan") {
    try planBenchmark(MCLPInstance.make(name: "B", demand: 10_000, candidates: 2_000, p: 20, radius: 1_000, seed: 2), runs: runs, out: outDir)
}
