/// The default method's choice of side (`SeatPathFlow` or `StationPathFlow`), made per connected
/// part of the reach graph.
///
/// Demand and stations that no chain of reach links are independent problems, and scarcity is a
/// property of each: a town with more seats than riders next to towns with few is solved fastest
/// from the stations' side there and from the seats' side in the others (from the seats' side a
/// surplus town must leave most of its seats empty, which it finds one cheapest path at a time).
/// Each connected part is therefore tested on its own (`scarcityByPart`); when the parts that hold
/// demand all agree, the whole problem is solved by that side as one (as the test over the whole
/// problem chose before), otherwise the scarce parts are solved together from the seats' side and
/// the others from the stations' side, each as a problem of its own, and their edge flows put back
/// together. Both the demand served and the total cost are sums over the parts, so the answer is
/// the same optimum (its totals may differ from a single side's in the last digits, and exact ties
/// may fall otherwise). Within one connected part the choice stays one for the whole part: a part
/// with a surplus of seats in one area and a shortfall in another runs the side its totals choose.
extension CanonicalAllocationProblem {
    /// Edge flows of a minimum-cost maximum allocation by station or seat paths, the side chosen
    /// per connected part (see above).
    func stationPathsFlow(eps: Double) -> [Double] {
        switch scarcityByPart(eps: eps) {
        case .uniform(let scarce):
            return solved(seatsSide: scarce, eps: eps)
        case .mixed(let scarceStation):
            var flow = [Double](repeating: 0, count: station.count)
            for side in [true, false] {
                let part = restricted(to: scarceStation.map { $0 == side })
                guard part.n > 0 else { continue }
                let partFlow = part.solved(seatsSide: side, eps: eps)
                for (k, f) in partFlow.enumerated() { flow[Int(part.edgeOriginal[k])] = f }
            }
            return flow
        }
    }

    /// Edge flows by one side for the whole problem.
    private func solved(seatsSide: Bool, eps: Double) -> [Double] {
        if seatsSide {
            var flow = SeatPathFlow(self, eps: eps)
            flow.solve()
            return flow.flow
        }
        var flow = StationPathFlow(self, eps: eps)
        flow.solve()
        return flow.flow
    }

    /// The side each connected part calls for.
    enum PartScarcity: Equatable {
        /// Every part with demand within reach calls for the same side (true: the seats' side).
        case uniform(Bool)
        /// Per station, whether its part calls for the seats' side (parts without demand: false).
        case mixed([Bool])
    }

    /// Whether the stations can hold less than 40 % of the demand within their reach, per connected
    /// part of the reach graph (stations linked by a demand node that reaches both, whatever its
    /// weight): Σ over the part's stations of min(capacity, weight within reach) below 0.4 × Σ
    /// weight of the part's demand nodes within reach of one. (Measured on 200,000 demand points ×
    /// 2,000 stations, whole `coverage` runs with one or the other side forced: about 0.45× the
    /// CPU time of the stations' side at 13 %, 0.85× at 43 %, but 1.7× at 65 %: see BENCHMARKS.md.)
    /// When every part with demand gives the same answer, that answer is the same test over the
    /// whole problem, whose sums are taken here in a fixed order (demand nodes, then stations, in
    /// canonical order).
    func scarcityByPart(eps: Double) -> PartScarcity {
        guard m > 0 else { return .uniform(false) }
        var sets = LowestRootSets(count: m)
        var reachable = [Double](repeating: 0, count: m)
        var totalDemand = 0.0
        for i in 0..<n {
            let lo = rowOffsets[i], hi = rowOffsets[i + 1]
            guard lo < hi else { continue }
            let first = Int(station[lo])
            for e in (lo + 1)..<hi { sets.union(first, Int(station[e])) }
            if weight[i] > eps {
                totalDemand += weight[i]
                for e in lo..<hi { reachable[Int(station[e])] += weight[i] }
            }
        }
        var totalSeats = 0.0
        for j in 0..<m { totalSeats += min(capacity[j], reachable[j]) }
        let whole = totalSeats < 0.4 * totalDemand
        var root = [Int](repeating: 0, count: m)
        var single = true
        for j in 0..<m {
            root[j] = sets.root(j)
            if root[j] != 0 { single = false }
        }
        if single { return .uniform(whole) }
        // Per part (indexed by its root): demand within reach, seats it can fill.
        var demand = [Double](repeating: 0, count: m)
        var seats = [Double](repeating: 0, count: m)
        for i in 0..<n where weight[i] > eps && rowOffsets[i] < rowOffsets[i + 1] {
            demand[root[Int(station[rowOffsets[i]])]] += weight[i]
        }
        for j in 0..<m { seats[root[j]] += min(capacity[j], reachable[j]) }
        var scarceParts = 0, plentyParts = 0
        for j in 0..<m where root[j] == j && demand[j] > 0 {
            if seats[j] < 0.4 * demand[j] { scarceParts += 1 } else { plentyParts += 1 }
        }
        if scarceParts == 0 || plentyParts == 0 { return .uniform(whole) }
        return .mixed((0..<m).map { demand[root[$0]] > 0 && seats[root[$0]] < 0.4 * demand[root[$0]] })
    }

    /// The problem restricted to the given stations (whole connected parts) and the demand nodes
    /// that reach them, still in canonical order: stations and demand nodes keep their relative
    /// order, which is the order the renumbering would give the smaller problem. `edgeOriginal`
    /// maps each edge to this problem's edge, `demandOriginal` and `stationOriginal` to this
    /// problem's demand nodes and stations; no identical runs (the answer is put together here).
    func restricted(to keep: [Bool]) -> CanonicalAllocationProblem {
        var local = [Int32](repeating: -1, count: m)
        var stations: [Int] = []
        for j in 0..<m where keep[j] {
            local[j] = Int32(stations.count)
            stations.append(j)
        }
        var rows: [Int] = [], offsets = [0]
        var partStation: [Int32] = [], partCost: [Double] = [], partEdge: [Int32] = []
        for i in 0..<n where rowOffsets[i] < rowOffsets[i + 1] && keep[Int(station[rowOffsets[i]])] {
            rows.append(i)
            for e in rowOffsets[i]..<rowOffsets[i + 1] {
                partStation.append(local[Int(station[e])])
                partCost.append(cost[e])
                partEdge.append(Int32(e))
            }
            offsets.append(partStation.count)
        }
        return CanonicalAllocationProblem(n: rows.count, m: stations.count, demandOriginal: rows, stationOriginal: stations,
                                          rowOffsets: offsets, station: partStation, cost: partCost, edgeOriginal: partEdge,
                                          weight: rows.map { weight[$0] }, capacity: stations.map { capacity[$0] },
                                          identicalRuns: [], costScale: costScale)
    }

    /// A problem from its parts, already in canonical order.
    init(n: Int, m: Int, demandOriginal: [Int], stationOriginal: [Int], rowOffsets: [Int], station: [Int32], cost: [Double],
         edgeOriginal: [Int32], weight: [Double], capacity: [Double], identicalRuns: [Range<Int>], costScale: Double) {
        self.n = n
        self.m = m
        self.demandOriginal = demandOriginal
        self.stationOriginal = stationOriginal
        self.rowOffsets = rowOffsets
        self.station = station
        self.cost = cost
        self.edgeOriginal = edgeOriginal
        self.weight = weight
        self.capacity = capacity
        self.identicalRuns = identicalRuns
        self.costScale = costScale
    }
}
