/// Allocation of demand to stations by minimum-cost maximum flow: of all allocations that serve the
/// most demand (the `maximumAssignment` value), the one where riders travel least in total.
public struct Allocation: Sendable, Equatable {
    /// Total demand served (the maximum flow; equals `maximumAssignment(...).served` within the
    /// tolerance below).
    public var served: Double
    /// Demand served, per demand node (≤ its weight).
    public var demandServed: [Double]
    /// Demand served, per station (≤ its capacity).
    public var stationLoad: [Double]
    /// Σ flow × cost over the edges (rider-metres when costs are metres).
    public var cost: Double
    /// Flow on each edge, aligned with `reach.columns` (and `costs`).
    public var edgeFlow: [Double]
}

/// Minimum-cost maximum allocation. `weights[i] ≥ 0` per demand row of `reach`, `capacities[j] ≥ 0`
/// per station column (`.infinity` allowed), `costs[e] ≥ 0` per edge of `reach` (aligned with
/// `reach.columns`, e.g. the distance in metres), `stationRank[j]`: distinct integers giving the
/// stations' tie order (the caller's order by id).
///
/// The answer serves the most demand, and among such allocations has the least total cost. Ties
/// (several allocations of least cost) depend on `options.method`:
/// - `.stationPaths` (the default): each demand node starts at its nearest station, ties to the
///   lower rank; overload then moves along cheapest paths between stations, equal-cost choices
///   going to the lower-ranked station where the search meets them (a rule of the search, not a
///   second objective). Where the stations hold much less than the demand (in a connected part of
///   the reach graph, Σ over its stations of min(capacity, weight within reach) below 40 % of the
///   weight within reach of any of them), stations fill their seats from the nearest demand
///   outwards, in rank order, a station's demand nodes at equal distance taken
///   later-in-canonical-order first (the node the other direction would keep), and seats then move
///   along cheapest paths between stations, equal-cost choices going where the search meets them
///   first;
/// - `.successiveShortestPaths`: equal-cost choices go to the lower-ranked station
///   where the search meets them: each augmenting path is the cheapest, ties to the path found
///   first, with stations searched in rank order, and only a strictly cheaper path replacing a
///   found one (a rule of the search, not a second objective: it is not a minimisation of rank
///   among all optimal allocations);
/// - `.costScaling`: each edge's cost is rounded to a whole number of steps and the station's
///   position in rank order (0, 1, …) is added as a fraction of one step, so among allocations of
///   equal rounded cost the one with the least Σ flow × rank position wins (one demand node, two
///   stations at the same distance: the lower-ranked one);
/// - with either method the result never depends on the order of the demand rows, nor on the
///   order of the stations beyond their ranks: the problem is solved in a canonical order
///   (stations by rank, each demand node's edges by station rank then cost, demand nodes by their
///   edge lists then weight) and the answer mapped back; demand nodes that are identical in
///   weight, stations and costs share their allocation equally. (Duplicate edges of one pair are
///   allowed and kept in that order.)
///
/// Tolerances: amounts below `1e-11 ×` the largest finite weight or capacity count as zero (as in
/// `maximumAssignment`). Costs may be any finite numbers ≥ 0, up to the largest `Double`: when
/// (stations + 2) × the largest cost would pass 2¹⁰⁰⁰, the methods work on the costs divided by a
/// power of two (exact; it keeps their "never worth it" constants finite) and the total cost is
/// multiplied back (infinite only if the true total is beyond the largest `Double`).
/// - `.stationPaths`: exact on the costs as given, like successive shortest paths, but searched
///   from the stations' side. Every demand node starts at its nearest station (the cheapest
///   allocation there is, ignoring capacity); then, in phases, the distance from every
///   overloaded station to a station with room (or to dropping demand: unserved) is computed on a
///   graph of stations only (an arc s → t is the cheapest move of one demand node s carries to
///   t), and flow is pushed along the paths of reduced cost zero; a station with no such arc has
///   its potential lowered by its least reduced cost (a relabel, up to m per phase) instead of
///   waiting for the next phase. Demand close to a station with room never enters a search.
///   In the connected parts of the reach graph whose stations hold less than 40 % of the demand
///   within their reach, the same search runs from the seats' side instead (the side is chosen
///   per part; when the parts disagree, each side solves its parts as one problem): every station
///   starts empty and places its seats (on the nearest demand not yet served, by taking over
///   demand another station serves, which then places that seat again, or, when no path leads to
///   demand, as an empty seat), so the work grows with the demand served, not with the demand left
///   unserved. Exact on the costs as given in both
///   directions. About 13–35 s of CPU on 200,000 demand points × 2,000 stations at 80 % capacity
///   (1–1.5 km reach), where much demand must move through many full stations, 200× the maximum
///   flow; when capacity is scarce (6.5 % of the demand in reach), solved from the seats' side,
///   about 0.07 s of CPU in all (18 % of a 0.38 s `coverage` run): see BENCHMARKS.md.
/// - `.successiveShortestPaths`: Dijkstra on reduced costs (Johnson potentials), exact for real
///   numbers; reduced costs that rounding makes slightly negative count as zero. The search runs
///   over stations only (a demand node between two stations is crossed in one step). One search
///   per augmenting path: fast when demand mostly finds room near by, slow when much demand
///   competes for little capacity over large reach (more than ten minutes on 200,000 demand
///   points × 2,000 stations at 1.5 km and 80 % capacity).
/// - `.costScaling`: Goldberg–Tarjan cost scaling with push–relabel and global price updates, on
///   costs rounded to a step of `maxCost / K`, K chosen so that all scaled costs stay below 2⁵⁰
///   (K ≈ 7·10⁴ for 2,000 stations, a step of 2 cm at 1.5 km; far finer on small inputs). Served
///   is the maximum; the total cost is within `2 × served × maxCost / K` of the minimum (half a
///   step of rounding on each side, and the rank fraction). Its running time grows with the log of
///   the cost range rather than with the number of augmenting paths.
public func minimumCostAllocation(weights: [Double], capacities: [Double], reach: Reach, costs: [Double],
                                  stationRank: [Int],
                                  options: AllocationOptions = AllocationOptions()) throws(OptimizationError) -> Allocation {
    let scale = try validatedScale(weights: weights, capacities: capacities, reach: reach)
    let m = reach.columnCount
    guard costs.count == reach.edgeCount else { throw .invalidInput("\(costs.count) costs for \(reach.edgeCount) edges") }
    guard stationRank.count == m else { throw .invalidInput("\(stationRank.count) station ranks for \(m) stations") }
    guard Set(stationRank).count == m else { throw .invalidInput("station ranks are not distinct") }
    for c in costs where !(c >= 0 && c.isFinite) { throw .invalidInput("edge cost \(c) is negative or not finite") }

    let canonical = CanonicalAllocationProblem(weights: weights, capacities: capacities, reach: reach, costs: costs,
                                               stationRank: stationRank)
    let eps = max(scale, 1e-300) * 1e-11
    switch options.method {
    case .stationPaths:
        return canonical.answer(edgeFlow: canonical.stationPathsFlow(eps: eps))
    case .costScaling:
        var flow = CostScalingFlow(canonical, eps: eps)
        flow.solve()
        return canonical.answer(edgeFlow: flow.flow)
    case .successiveShortestPaths:
        var flow = MinCostFlow(canonical, eps: eps)
        flow.solve()
        return canonical.answer(edgeFlow: flow.flow)
    }
}

/// How `minimumCostAllocation` solves the problem.
public struct AllocationOptions: Sendable, Equatable {
    /// The algorithm that solves the allocation.
    public enum Method: Sendable, Equatable {
        /// The default: every demand node at its nearest station, then the overload moved out of
        /// full stations along cheapest paths between stations; in the connected parts whose
        /// stations hold less than 40 % of the demand within their reach, the seats placed from
        /// empty stations instead (see `minimumCostAllocation`).
        case stationPaths
        /// Cost-scaling push–relabel on integer-rounded costs (see `minimumCostAllocation`).
        case costScaling
        /// Successive shortest paths on the costs as given (exact in real arithmetic; one search
        /// per augmenting path, slow when much demand competes for little capacity).
        case successiveShortestPaths
    }

    /// The algorithm used (station paths by default).
    public var method: Method

    /// Options solving with `method` (station paths by default).
    public init(method: Method = .stationPaths) {
        self.method = method
    }
}

/// The allocation problem renumbered into its canonical order (see `minimumCostAllocation`).
struct CanonicalAllocationProblem {
    let n: Int
    let m: Int
    /// Canonical demand → original demand, canonical station → original station.
    let demandOriginal: [Int]
    let stationOriginal: [Int]
    /// Canonical rows: demand `i`'s edges are `rowOffsets[i] ..< rowOffsets[i + 1]`, to canonical
    /// stations `station[e]` at `cost[e]`; `edgeOriginal[e]` is the edge's index in the input.
    let rowOffsets: [Int]
    let station: [Int32]
    let cost: [Double]
    let edgeOriginal: [Int32]
    let weight: [Double]
    let capacity: [Double]
    /// Runs of identical demand nodes (same weight, stations and costs): `[start, end)` in canonical order.
    let identicalRuns: [Range<Int>]
    /// A power of two: `cost` is the input's costs divided by it (1 unless they are so large that
    /// (m + 2) × the largest would pass 2¹⁰⁰⁰; the solvers' "never worth it" constant is 2(m + 2) ×
    /// the largest cost, and they add a few of those); totals are multiplied back by it.
    let costScale: Double

    init(weights: [Double], capacities: [Double], reach: Reach, costs: [Double], stationRank: [Int]) {
        n = reach.rowCount
        m = reach.columnCount
        let rowCount = reach.rowCount
        stationOriginal = (0..<m).sorted { stationRank[$0] < stationRank[$1] }
        var canonicalStation = [Int32](repeating: 0, count: m)
        for (k, j) in stationOriginal.enumerated() { canonicalStation[j] = Int32(k) }
        // Each row's edges by (station rank, cost, input position): rows are short, an insertion
        // sort in place. The sorted rows are kept in the input's row layout as (input edge,
        // canonical station, cost) side by side, so that the demand order and the renumbered rows
        // below read each row as one contiguous block.
        let edgeCount = reach.edgeCount
        var sortedEdgesFill = [Int32](repeating: 0, count: edgeCount)
        var sortedStationFill = [Int32](repeating: 0, count: edgeCount)
        var sortedCostFill = [Double](repeating: 0, count: edgeCount)
        // The first (station, cost) of each row (station −1 for a row without edges): the demand
        // order below compares whole rows only when these are equal.
        var firstStationFill = [Int32](repeating: -1, count: rowCount)
        var firstCostFill = [Double](repeating: 0, count: rowCount)
        canonicalStation.withUnsafeBufferPointer { rank in
            reach.columns.withUnsafeBufferPointer { columns in
                costs.withUnsafeBufferPointer { cost in
                    reach.offsets.withUnsafeBufferPointer { offsets in
                        sortedEdgesFill.withUnsafeMutableBufferPointer { outEdge in
                            sortedStationFill.withUnsafeMutableBufferPointer { outStation in
                                sortedCostFill.withUnsafeMutableBufferPointer { outCost in
                                    for i in 0..<rowCount {
                                        let lo = offsets[i], hi = offsets[i + 1]
                                        for t in lo..<hi {
                                            // Edges arrive in input order, so the new edge's index
                                            // is above every one placed: on equal (station, cost)
                                            // it goes after them.
                                            let s = rank[Int(columns[t])], c = cost[t]
                                            var k = t
                                            while k > lo && (s < outStation[k - 1] || (s == outStation[k - 1] && c < outCost[k - 1])) {
                                                outEdge[k] = outEdge[k - 1]
                                                outStation[k] = outStation[k - 1]
                                                outCost[k] = outCost[k - 1]
                                                k -= 1
                                            }
                                            outEdge[k] = Int32(t)
                                            outStation[k] = s
                                            outCost[k] = c
                                        }
                                        if lo < hi {
                                            firstStationFill[i] = outStation[lo]
                                            firstCostFill[i] = outCost[lo]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // Read-only from here: the comparisons below (millions on a country's plans) then read
        // plain arrays, without the run-time exclusivity checks of variables a closure captures.
        let sortedEdges = sortedEdgesFill, sortedStation = sortedStationFill, sortedCost = sortedCostFill
        let firstStation = firstStationFill, firstCost = firstCostFill
        // Demand by (edge list of (station, cost), then weight), compared lexicographically.
        func order(_ a: Int, _ b: Int) -> Int {
            if firstStation[a] != firstStation[b] { return firstStation[a] < firstStation[b] ? -1 : 1 }
            if firstCost[a] != firstCost[b] { return firstCost[a] < firstCost[b] ? -1 : 1 }
            let oa = reach.offsets[a], ob = reach.offsets[b]
            let la = reach.offsets[a + 1] - oa, lb = reach.offsets[b + 1] - ob
            for t in 0..<min(la, lb) {
                let sa = sortedStation[oa + t], sb = sortedStation[ob + t]
                if sa != sb { return sa < sb ? -1 : 1 }
                let ca = sortedCost[oa + t], cb = sortedCost[ob + t]
                if ca != cb { return ca < cb ? -1 : 1 }
            }
            if la != lb { return la < lb ? -1 : 1 }
            if weights[a] != weights[b] { return weights[a] < weights[b] ? -1 : 1 }
            return 0
        }
        // Rows bucketed by first station (counting sort, rows without edges first, input order
        // kept), then each bucket sorted by (first cost, whole row, input row): a strict total
        // order, so identical rows stay in input order whatever the sort algorithm.
        var bucketStart = [Int](repeating: 0, count: m + 2)
        for i in 0..<rowCount { bucketStart[Int(firstStation[i]) + 2] += 1 }
        for b in stride(from: 1, to: m + 2, by: 1) { bucketStart[b] += bucketStart[b - 1] }
        var keys = [(cost: Double, row: Int32)](repeating: (0, 0), count: rowCount)
        var fill = bucketStart
        for i in 0..<rowCount {
            let b = Int(firstStation[i]) + 1
            keys[fill[b]] = (firstCost[i], Int32(i))
            fill[b] += 1
        }
        if bucketStart[1] > 1 {
            // Rows without edges (a plan's county has many: demand no station reaches): `order`
            // compares only their weights, so they are sorted by weight, then input row, without it.
            keys[0..<bucketStart[1]].sort { a, b in
                let wa = weights[Int(a.row)], wb = weights[Int(b.row)]
                return wa < wb || (wa == wb && a.row < b.row)
            }
        }
        for b in 1..<(m + 1) where bucketStart[b + 1] - bucketStart[b] > 1 {
            keys[bucketStart[b]..<bucketStart[b + 1]].sort { a, b in
                if a.cost != b.cost { return a.cost < b.cost }
                let o = order(Int(a.row), Int(b.row))
                return o < 0 || (o == 0 && a.row < b.row)
            }
        }
        demandOriginal = keys.map { Int($0.row) }
        var runs: [Range<Int>] = []
        var start = 0
        for k in stride(from: 1, through: n, by: 1) where k == n || order(demandOriginal[k - 1], demandOriginal[k]) != 0 {
            if k - start > 1 { runs.append(start..<k) }
            start = k
        }
        identicalRuns = runs
        // The renumbered rows: each sorted row copied as one block to its canonical place, the
        // rows read in input order (one pass over the sorted rows, the writes scattered).
        var rowOffsets = [Int](repeating: 0, count: n + 1)
        var canonicalRow = [Int32](repeating: 0, count: n)
        for (k, i) in demandOriginal.enumerated() {
            rowOffsets[k + 1] = rowOffsets[k] + (reach.offsets[i + 1] - reach.offsets[i])
            canonicalRow[i] = Int32(k)
        }
        var station = [Int32](repeating: 0, count: edgeCount)
        var cost = [Double](repeating: 0, count: edgeCount)
        var maxCost = 0.0
        var edgeOriginal = [Int32](repeating: 0, count: edgeCount)
        for i in 0..<n {
            var at = rowOffsets[Int(canonicalRow[i])]
            for t in reach.offsets[i]..<reach.offsets[i + 1] {
                station[at] = sortedStation[t]
                cost[at] = sortedCost[t]
                maxCost = max(maxCost, sortedCost[t])
                edgeOriginal[at] = sortedEdges[t]
                at += 1
            }
        }
        self.rowOffsets = rowOffsets
        self.station = station
        // Dividing by a power of two is exact (costs below 2⁻¹⁰⁰⁰ of the largest aside, which the
        // solvers' tolerance already counts as nothing), so the solvers meet the same comparisons.
        let exponent = maxCost > 0 ? maxCost.exponent + 1 + (Double(m + 2).exponent + 1) - 1_000 : 0
        if exponent > 0 {
            let down = Double(sign: .plus, exponent: -exponent, significand: 1)
            for e in 0..<edgeCount { cost[e] *= down }
            costScale = Double(sign: .plus, exponent: exponent, significand: 1)
        } else {
            costScale = 1
        }
        self.cost = cost
        self.edgeOriginal = edgeOriginal
        weight = demandOriginal.map { weights[$0] }
        capacity = stationOriginal.map { capacities[$0] }
    }

    /// The answer in the input's numbering, from canonical edge flows; identical demand nodes get
    /// the mean of their flows, edge by edge.
    func answer(edgeFlow canonicalFlow: [Double]) -> Allocation {
        var flow = canonicalFlow
        for run in identicalRuns {
            let degree = rowOffsets[run.lowerBound + 1] - rowOffsets[run.lowerBound]
            for t in 0..<degree {
                var sum = 0.0
                for i in run { sum += flow[rowOffsets[i] + t] }
                let mean = sum / Double(run.count)
                for i in run { flow[rowOffsets[i] + t] = mean }
            }
        }
        var edgeFlow = [Double](repeating: 0, count: flow.count)
        var demandServed = [Double](repeating: 0, count: n)
        var stationLoad = [Double](repeating: 0, count: m)
        var served = 0.0, total = 0.0
        for i in 0..<n {
            var s = 0.0
            for e in rowOffsets[i]..<rowOffsets[i + 1] where flow[e] > 0 {
                s += flow[e]
                total += flow[e] * cost[e]
                stationLoad[Int(station[e])] += flow[e]
                edgeFlow[Int(edgeOriginal[e])] = flow[e]
            }
            demandServed[demandOriginal[i]] = min(s, weight[i])
            served += s
        }
        var load = [Double](repeating: 0, count: m)
        for j in 0..<m { load[stationOriginal[j]] = min(stationLoad[j], capacity[j]) }
        return Allocation(served: served, demandServed: demandServed, stationLoad: load, cost: total * costScale, edgeFlow: edgeFlow)
    }
}
