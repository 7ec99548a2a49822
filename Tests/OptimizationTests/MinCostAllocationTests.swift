import Foundation
import TestSupport
import Testing
@testable import Optimization

/// A random allocation instance: points in a square, reach within a radius, cost = distance
/// (rounded to whole metres now and then so that equal costs occur).
struct AllocationInstance {
    var weights: [Double]
    var capacities: [Double]
    var rows: [[Int]]
    var costs: [[Double]]
    var ranks: [Int]

    /// The same instance with demand and stations shuffled (ranks travel with their stations) and
    /// each row's edges shuffled, with the permutations: new demand k is old `demand[k]`, new
    /// station k is old `stations[k]`.
    func shuffled(using rng: inout SplitMix64) -> (instance: AllocationInstance, demand: [Int], stations: [Int]) {
        let dPerm = Array(weights.indices).shuffled(using: &rng)
        let sPerm = Array(capacities.indices).shuffled(using: &rng)
        var newStation = [Int](repeating: 0, count: sPerm.count)
        for (k, j) in sPerm.enumerated() { newStation[j] = k }
        var out = self
        out.weights = dPerm.map { weights[$0] }
        out.capacities = sPerm.map { capacities[$0] }
        out.ranks = sPerm.map { ranks[$0] }
        out.rows = []
        out.costs = []
        for i in dPerm {
            let order = Array(rows[i].indices).shuffled(using: &rng)
            out.rows.append(order.map { newStation[rows[i][$0]] })
            out.costs.append(order.map { costs[i][$0] })
        }
        return (out, dPerm, sPerm)
    }

    init(_ rng: inout SplitMix64, demand n: Int, stations m: Int, integral: Bool) {
        let d = (0..<n).map { _ in (Double.random(in: 0..<1000, using: &rng), Double.random(in: 0..<1000, using: &rng)) }
        let s = (0..<m).map { _ in (Double.random(in: 0..<1000, using: &rng), Double.random(in: 0..<1000, using: &rng)) }
        let radius = Double.random(in: 250...600, using: &rng)
        weights = (0..<n).map { _ in integral ? Double(Int.random(in: 0...6, using: &rng)) : Double.random(in: 0...6, using: &rng) }
        capacities = (0..<m).map { _ in
            Double.random(in: 0..<1, using: &rng) < 0.1 ? .infinity
                : (integral ? Double(Int.random(in: 0...9, using: &rng)) : Double.random(in: 0...9, using: &rng))
        }
        rows = []
        costs = []
        let rounded = Double.random(in: 0..<1, using: &rng) < 0.5
        for p in d {
            var row: [Int] = [], cost: [Double] = []
            for (j, q) in s.enumerated() {
                let dist = ((p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1)).squareRoot()
                if dist <= radius {
                    row.append(j)
                    cost.append(rounded ? (dist / 50).rounded() * 50 : dist)
                }
            }
            rows.append(row)
            costs.append(cost)
        }
        ranks = Array(0..<m).shuffled(using: &rng)
    }

    /// Solves this instance and a shuffled copy of it (`shuffled`) and expects the same answer,
    /// demand node by demand node and station by station (per id, not per position).
    func expectOrderIndependent(using rng: inout SplitMix64, round: Int, _ solve: (AllocationInstance) throws -> Allocation) throws {
        let a = try solve(self)
        let (other, dPerm, sPerm) = shuffled(using: &rng)
        let b = try solve(other)
        #expect(a.served == b.served && a.cost == b.cost, "round \(round)")
        for (k, i) in dPerm.enumerated() { #expect(a.demandServed[i] == b.demandServed[k], "round \(round) demand \(i)") }
        for (k, j) in sPerm.enumerated() { #expect(a.stationLoad[j] == b.stationLoad[k], "round \(round) station \(j)") }
    }

    var reach: Reach { try! Reach(rows: rows, columnCount: capacities.count) }
    var flatCosts: [Double] { costs.flatMap { $0 } }

    /// The allocation by `method`, or by the default one.
    func solve(_ method: AllocationOptions.Method? = nil) throws -> Allocation {
        try minimumCostAllocation(weights: weights, capacities: capacities, reach: reach, costs: flatCosts, stationRank: ranks,
                                  options: method.map { AllocationOptions(method: $0) } ?? AllocationOptions())
    }

    /// Perturbs each edge's cost by less than 1 (unrounded), so that no two allocations cost the
    /// same and the optimum is unique.
    mutating func makeCostsDistinct(using rng: inout SplitMix64) {
        costs = costs.map { row in row.map { $0 + Double.random(in: 0..<1, using: &rng) } }
    }

    /// The instance in the solvers' canonical form, with the `eps` they use.
    func canonical() throws -> (problem: CanonicalAllocationProblem, eps: Double) {
        let problem = CanonicalAllocationProblem(weights: weights, capacities: capacities, reach: reach, costs: flatCosts, stationRank: ranks)
        let scale = try validatedScale(weights: weights, capacities: capacities, reach: reach)
        return (problem, max(scale, 1e-300) * 1e-11)
    }

    /// Served and cost of an independent Bellman–Ford min-cost maximum flow (TestSupport).
    var reference: (served: Double, cost: Double) {
        let (flow, cost) = referenceMinCostMaxFlow(weights: weights, capacities: capacities, rows: rows, costs: costs)
        return (flow, cost)
    }

    /// Expects `a` to be a feasible allocation of this instance whose served and cost equal the
    /// `reference`'s within 1e-7 (relative); `label` ("round 3") starts the messages.
    func expectExact(_ a: Allocation, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        MinCostAllocationTests().checkFeasible(a, self)
        let (served, cost) = reference
        #expect(abs(a.served - served) < 1e-7 * max(1, served), "\(label): served \(a.served) vs \(served)", sourceLocation: sourceLocation)
        #expect(abs(a.cost - cost) < 1e-7 * max(1, cost), "\(label): cost \(a.cost) vs \(cost)", sourceLocation: sourceLocation)
    }
}

/// Expects two allocations of one instance to be the same: served and cost within 1e-9
/// (relative), every edge's flow within 1e-7; `label` ("round 3") starts the messages.
func expectSameAllocation(_ a: Allocation, _ b: Allocation, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(a.served - b.served) < 1e-9 * max(1, b.served), "\(label)", sourceLocation: sourceLocation)
    #expect(abs(a.cost - b.cost) < 1e-9 * max(1, b.cost), "\(label)", sourceLocation: sourceLocation)
    for e in a.edgeFlow.indices {
        #expect(abs(a.edgeFlow[e] - b.edgeFlow[e]) < 1e-7, "\(label) edge \(e): \(a.edgeFlow[e]) vs \(b.edgeFlow[e])", sourceLocation: sourceLocation)
    }
}

@Suite("Allocation by minimum-cost maximum flow")
struct MinCostAllocationTests {
    func checkFeasible(_ a: Allocation, _ inst: AllocationInstance) {
        let reach = inst.reach
        var byDemand = [Double](repeating: 0, count: inst.weights.count)
        var byStation = [Double](repeating: 0, count: inst.capacities.count)
        var cost = 0.0
        for i in 0..<reach.rowCount {
            for e in reach.offsets[i]..<reach.offsets[i + 1] {
                #expect(a.edgeFlow[e] >= 0)
                byDemand[i] += a.edgeFlow[e]
                byStation[Int(reach.columns[e])] += a.edgeFlow[e]
                cost += a.edgeFlow[e] * inst.flatCosts[e]
            }
        }
        for i in inst.weights.indices {
            #expect(abs(byDemand[i] - a.demandServed[i]) < 1e-7)
            #expect(a.demandServed[i] <= inst.weights[i] + 1e-9)
        }
        for j in inst.capacities.indices {
            #expect(abs(byStation[j] - a.stationLoad[j]) < 1e-7)
            #expect(a.stationLoad[j] <= inst.capacities[j] + 1e-9)
        }
        #expect(abs(a.demandServed.reduce(0, +) - a.served) < 1e-7)
        #expect(abs(cost - a.cost) < 1e-6 * max(1, cost))
    }

    @Test("served and cost equal an independent Bellman–Ford min-cost flow; served equals maximumAssignment")
    func againstReference() throws {
        var rng = AllocationTestSize.seed(20261129)
        for round in 0..<AllocationTestSize.rounds(200) {
            let inst = AllocationInstance(&rng, demand: Int.random(in: 1...(round < 100 ? 10 : 28), using: &rng),
                                          stations: Int.random(in: 1...(round < 100 ? 5 : 9), using: &rng), integral: round % 2 == 0)
            let a = try inst.solve()
            inst.expectExact(a, "round \(round)")
            let flow = try maximumAssignment(weights: inst.weights, capacities: inst.capacities, reach: inst.reach)
            #expect(abs(a.served - flow.served) < 1e-7 * max(1, flow.served), "round \(round): \(a.served) vs max flow \(flow.served)")
        }
    }

    @Test("the answer does not depend on the order of demand or stations (per id)")
    func orderIndependent() throws {
        var rng = AllocationTestSize.seed(77)
        for round in 0..<AllocationTestSize.rounds(60) {
            let inst = AllocationInstance(&rng, demand: Int.random(in: 2...40, using: &rng),
                                          stations: Int.random(in: 2...9, using: &rng), integral: round % 3 != 0)
            try inst.expectOrderIndependent(using: &rng, round: round) { try $0.solve() }
        }
    }

    @Test("equal costs go to the lower-ranked station; identical demand shares equally")
    func ties() throws {
        // One demand node, two stations at the same distance, both with room: the lower rank wins.
        let reach = try Reach(rows: [[0, 1]], columnCount: 2)
        let a = try minimumCostAllocation(weights: [3], capacities: [5, 5], reach: reach, costs: [100, 100], stationRank: [1, 0])
        #expect(a.stationLoad == [0, 3])
        let b = try minimumCostAllocation(weights: [3], capacities: [5, 5], reach: reach, costs: [100, 100], stationRank: [0, 1])
        #expect(b.stationLoad == [3, 0])
        // Two identical demand nodes competing for one seat share it.
        let two = try Reach(rows: [[0], [0]], columnCount: 1)
        let c = try minimumCostAllocation(weights: [1, 1], capacities: [1], reach: two, costs: [50, 50], stationRank: [0])
        #expect(c.demandServed == [0.5, 0.5])
        // Riders travel least: the near demand keeps the seat, the far one is left out.
        let d = try minimumCostAllocation(weights: [1, 1], capacities: [1], reach: two, costs: [900, 100], stationRank: [0])
        #expect(d.demandServed == [0, 1] && d.cost == 100)
        // Most served first: moving the near demand to a far station frees the seat for the other.
        let chain = try Reach(rows: [[0, 1], [0]], columnCount: 2)
        let e = try minimumCostAllocation(weights: [1, 1], capacities: [1, 1], reach: chain, costs: [10, 800, 20], stationRank: [0, 1])
        #expect(e.served == 2 && e.cost == 820)
    }

    @Test("bad input is refused")
    func badInput() throws {
        let reach = try Reach(rows: [[0]], columnCount: 1)
        #expect(throws: OptimizationError.self) { try minimumCostAllocation(weights: [1], capacities: [1], reach: reach, costs: [-1], stationRank: [0]) }
        #expect(throws: OptimizationError.self) { try minimumCostAllocation(weights: [1], capacities: [1], reach: reach, costs: [], stationRank: [0]) }
        #expect(throws: OptimizationError.self) { try minimumCostAllocation(weights: [1], capacities: [1, 2], reach: reach, costs: [1], stationRank: [0]) }
        let two = try Reach(rows: [[0, 1]], columnCount: 2)
        #expect(throws: OptimizationError.self) { try minimumCostAllocation(weights: [1], capacities: [1, 1], reach: two, costs: [1, 1], stationRank: [3, 3]) }
        #expect(throws: OptimizationError.self) { try minimumCostAllocation(weights: [.nan], capacities: [1], reach: reach, costs: [1], stationRank: [0]) }
        let empty = try Reach(rows: [], columnCount: 0)
        let a = try minimumCostAllocation(weights: [], capacities: [], reach: empty, costs: [], stationRank: [])
        #expect(a.served == 0 && a.cost == 0)
    }
}

@Suite("Allocation methods: cost scaling and successive shortest paths")
struct AllocationMethodTests {
    @Test("larger instances: both methods match the Bellman–Ford reference in served and cost")
    func largerAgainstReference() throws {
        var rng = AllocationTestSize.seed(4_242)
        for round in 0..<AllocationTestSize.rounds(12) {
            let inst = AllocationInstance(&rng, demand: Int.random(in: 40...70, using: &rng),
                                          stations: Int.random(in: 8...16, using: &rng), integral: round % 2 == 0)
            for method in [AllocationOptions.Method.costScaling, .successiveShortestPaths, .stationPaths] {
                inst.expectExact(try inst.solve(method), "round \(round) \(method)")
            }
        }
    }

    @Test("where the optimum is unique (distinct real costs), both methods give the same allocation, edge by edge")
    func sameAllocation() throws {
        var rng = AllocationTestSize.seed(99)
        var compared = 0
        for round in 0..<AllocationTestSize.rounds(40) {
            var inst = AllocationInstance(&rng, demand: Int.random(in: 5...120, using: &rng),
                                          stations: Int.random(in: 2...25, using: &rng), integral: round % 2 == 0)
            inst.makeCostsDistinct(using: &rng)
            let b = try inst.solve(.successiveShortestPaths)
            for a in [try inst.solve(.costScaling), try inst.solve(.stationPaths)] {
                expectSameAllocation(a, b, "round \(round)")
            }
            compared += b.edgeFlow.count
        }
        #expect(compared > 1_000)
    }

    @Test("ties and order independence hold for both methods", arguments: [AllocationOptions.Method.costScaling, .successiveShortestPaths, .stationPaths])
    func tiesAndOrder(_ method: AllocationOptions.Method) throws {
        let options = AllocationOptions(method: method)
        let reach = try Reach(rows: [[0, 1]], columnCount: 2)
        let a = try minimumCostAllocation(weights: [3], capacities: [5, 5], reach: reach, costs: [100, 100], stationRank: [1, 0], options: options)
        #expect(a.stationLoad == [0, 3])
        let b = try minimumCostAllocation(weights: [3], capacities: [5, 5], reach: reach, costs: [100, 100], stationRank: [0, 1], options: options)
        #expect(b.stationLoad == [3, 0])
        let two = try Reach(rows: [[0], [0]], columnCount: 1)
        let c = try minimumCostAllocation(weights: [1, 1], capacities: [1], reach: two, costs: [50, 50], stationRank: [0], options: options)
        #expect(c.demandServed == [0.5, 0.5])
        let chain = try Reach(rows: [[0, 1], [0]], columnCount: 2)
        let e = try minimumCostAllocation(weights: [1, 1], capacities: [1, 1], reach: chain, costs: [10, 800, 20], stationRank: [0, 1], options: options)
        #expect(e.served == 2 && e.cost == 820)
        var rng = AllocationTestSize.seed(5)
        for round in 0..<AllocationTestSize.rounds(40) {
            let inst = AllocationInstance(&rng, demand: Int.random(in: 2...40, using: &rng), stations: Int.random(in: 2...9, using: &rng), integral: round % 2 == 0)
            try inst.expectOrderIndependent(using: &rng, round: round) { try $0.solve(method) }
        }
    }

    @Test("station paths on larger random instances: served equals max flow, cost equals successive shortest paths")
    func stationPathsLarger() throws {
        var rng = AllocationTestSize.seed(2_026)
        for round in 0..<AllocationTestSize.rounds(8) {
            var inst = AllocationInstance(&rng, demand: Int.random(in: 300...900, using: &rng),
                                          stations: Int.random(in: 30...90, using: &rng), integral: round % 2 == 0)
            // Overloaded: capacities scaled so that stations hold 40–90 % of the demand.
            let total = inst.weights.reduce(0, +)
            let finite = inst.capacities.filter(\.isFinite).reduce(0, +)
            let factor = Double.random(in: 0.4...0.9, using: &rng) * total / max(finite, 1)
            inst.capacities = inst.capacities.map { $0.isFinite ? (round % 2 == 0 ? ($0 * factor).rounded() : $0 * factor) : $0 }
            let a = try inst.solve(.stationPaths)
            let b = try inst.solve(.successiveShortestPaths)
            let flow = try maximumAssignment(weights: inst.weights, capacities: inst.capacities, reach: inst.reach)
            #expect(abs(a.served - flow.served) < 1e-9 * max(1, flow.served), "round \(round): served \(a.served) vs max flow \(flow.served)")
            #expect(abs(a.cost - b.cost) < 1e-9 * max(1, b.cost), "round \(round): cost \(a.cost) vs \(b.cost)")
            #expect(a.cost > 0)
        }
    }
}

/// Instances where the stations hold much less than the demand within their reach, the case the
/// default method solves from the seats' side (`SeatPathFlow`).
extension AllocationInstance {
    /// Σ over stations of min(capacity, weight within reach) < 0.4 × Σ weight of the demand within
    /// reach: the default method's test for solving from the seats' side.
    var seatsScarce: Bool {
        var reachable = [Double](repeating: 0, count: capacities.count)
        var demand = 0.0
        for (i, row) in rows.enumerated() where !row.isEmpty && weights[i] > 0 {
            demand += weights[i]
            for j in row { reachable[j] += weights[i] }
        }
        return zip(capacities, reachable).map { min($0, $1) }.reduce(0, +) < 0.4 * demand
    }

    /// A random instance of one of four shapes, its finite capacities scaled to hold `factor` of the
    /// demand within reach: 0 plain; 1 few demand nodes and many stations (each node split between
    /// stations); 2 every cost one of two values (many equal distances); 3 heavy demand nodes among
    /// light ones, costs rounded to 50 m.
    static func scarce(_ rng: inout SplitMix64, shape: Int, factor: Double, integral: Bool) -> AllocationInstance {
        let n = shape == 1 ? Int.random(in: 2...8, using: &rng) : Int.random(in: 5...45, using: &rng)
        let m = shape == 1 ? Int.random(in: 4...12, using: &rng) : Int.random(in: 2...10, using: &rng)
        var inst = AllocationInstance(&rng, demand: n, stations: m, integral: integral)
        if shape == 1 { inst.weights = inst.weights.map { $0 * 6 } }
        if shape == 2 { inst.costs = inst.costs.map { row in row.map { $0 < 300 ? 100 : 200 } } }
        if shape == 3 {
            inst.weights = inst.weights.map { w in Double.random(in: 0..<1, using: &rng) < 0.2 ? w * 10 : w }
            inst.costs = inst.costs.map { row in row.map { ($0 / 50).rounded() * 50 } }
        }
        var covered = 0.0
        for (i, row) in inst.rows.enumerated() where !row.isEmpty { covered += inst.weights[i] }
        let finite = inst.capacities.filter(\.isFinite).reduce(0, +)
        let scale = factor * covered / max(finite, 1)
        inst.capacities = inst.capacities.map { c in
            guard c.isFinite else { return c }
            return integral ? (c * scale).rounded() : c * scale
        }
        return inst
    }
}

@Suite("Allocation when capacity is scarce (solved from the seats' side)")
struct SeatSideAllocationTests {
    @Test("random instances of four shapes (split demand, equal distances, heavy nodes): served and cost equal the reference")
    func againstReference() throws {
        var rng = AllocationTestSize.seed(16_2)
        var seatSide = 0
        for round in 0..<AllocationTestSize.rounds(320) {
            let inst = AllocationInstance.scarce(&rng, shape: round % 4, factor: Double.random(in: 0.02...0.35, using: &rng),
                                                 integral: round % 8 < 4)
            if inst.seatsScarce { seatSide += 1 }
            let a = try inst.solve()
            inst.expectExact(a, "round \(round)")
        }
        #expect(seatSide >= AllocationTestSize.rounds(160), "only \(seatSide) instances had scarce capacity")
    }

    @Test("where the optimum is unique, the allocation equals successive shortest paths edge by edge")
    func sameAllocation() throws {
        var rng = AllocationTestSize.seed(16_3)
        var seatSide = 0
        for round in 0..<AllocationTestSize.rounds(24) {
            var inst = AllocationInstance(&rng, demand: Int.random(in: 100...500, using: &rng),
                                          stations: Int.random(in: 10...50, using: &rng), integral: round % 2 == 0)
            inst.makeCostsDistinct(using: &rng)
            var covered = 0.0
            for (i, row) in inst.rows.enumerated() where !row.isEmpty { covered += inst.weights[i] }
            let finite = inst.capacities.filter(\.isFinite).reduce(0, +)
            let scale = Double.random(in: 0.02...0.25, using: &rng) * covered / max(finite, 1)
            inst.capacities = inst.capacities.map { $0.isFinite ? ($0 * scale).rounded() : 40 }
            if inst.seatsScarce { seatSide += 1 }
            let a = try inst.solve()
            expectSameAllocation(a, try inst.solve(.successiveShortestPaths), "round \(round)")
        }
        #expect(seatSide >= AllocationTestSize.rounds(16))
    }

    @Test("the answer does not depend on the order of demand or stations; ties as documented")
    func orderAndTies() throws {
        var rng = AllocationTestSize.seed(16_4)
        for round in 0..<AllocationTestSize.rounds(80) {
            let inst = AllocationInstance.scarce(&rng, shape: round % 4, factor: Double.random(in: 0.03...0.4, using: &rng),
                                                 integral: round % 2 == 0)
            try inst.expectOrderIndependent(using: &rng, round: round) { try $0.solve() }
        }
        // One seat, two demand nodes at the same distance that differ elsewhere: the station
        // serves the node later in canonical order (the one the stations' side would keep), in
        // whichever order the input lists them.
        let reach = try Reach(rows: [[0, 1], [0]], columnCount: 2)
        let a = try minimumCostAllocation(weights: [3, 3], capacities: [1, 0], reach: reach, costs: [100, 50, 100], stationRank: [0, 1])
        let swapped = try Reach(rows: [[0], [0, 1]], columnCount: 2)
        let b = try minimumCostAllocation(weights: [3, 3], capacities: [1, 0], reach: swapped, costs: [100, 100, 50], stationRank: [0, 1])
        #expect(a.served == 1 && a.cost == 100)
        #expect(a.demandServed == [1, 0])
        #expect(a.demandServed == [b.demandServed[1], b.demandServed[0]])
        // Identical demand nodes share the seats equally.
        let two = try Reach(rows: [[0], [0], [0]], columnCount: 1)
        let c = try minimumCostAllocation(weights: [4, 4, 4], capacities: [3], reach: two, costs: [50, 50, 50], stationRank: [0])
        #expect(c.demandServed == [1, 1, 1])
    }

    @Test("the seats' side solver alone is exact in every regime (also when seats exceed demand)")
    func seatSolverEveryRegime() throws {
        var rng = AllocationTestSize.seed(16_5)
        for round in 0..<AllocationTestSize.rounds(240) {
            let inst = AllocationInstance.scarce(&rng, shape: round % 4, factor: Double.random(in: 0.05...2.5, using: &rng),
                                                 integral: round % 3 != 0)
            let (canonical, eps) = try inst.canonical()
            var flow = SeatPathFlow(canonical, eps: eps)
            flow.solve()
            let a = canonical.answer(edgeFlow: flow.flow)
            inst.expectExact(a, "round \(round)")
        }
    }
}

/// Instances made of independent towns: each town a `scarce` instance of its own capacity factor,
/// the towns side by side (no demand node reaches two towns), the stations' ranks shuffled over all.
extension AllocationInstance {
    static func towns(_ rng: inout SplitMix64, factors: [Double], integral: Bool) -> (instance: AllocationInstance, town: [Int]) {
        var out = AllocationInstance.scarce(&rng, shape: Int.random(in: 0...3, using: &rng), factor: factors[0], integral: integral)
        var town = [Int](repeating: 0, count: out.capacities.count)
        for (t, factor) in factors.enumerated().dropFirst() {
            let next = AllocationInstance.scarce(&rng, shape: Int.random(in: 0...3, using: &rng), factor: factor, integral: integral)
            let offset = out.capacities.count
            out.weights += next.weights
            out.capacities += next.capacities
            out.rows += next.rows.map { row in row.map { $0 + offset } }
            out.costs += next.costs
            town += [Int](repeating: t, count: next.capacities.count)
        }
        out.ranks = Array(out.capacities.indices).shuffled(using: &rng)
        return (out, town)
    }

    /// The town's own instance (its stations and the demand that reaches them), with the stations'
    /// indices in the whole instance and the demand rows' indices.
    func town(_ t: Int, of town: [Int]) -> (instance: AllocationInstance, stations: [Int], rows: [Int]) {
        let stations = capacities.indices.filter { town[$0] == t }
        var local = [Int](repeating: -1, count: capacities.count)
        for (k, j) in stations.enumerated() { local[j] = k }
        let kept = rows.indices.filter { i in rows[i].first.map { town[$0] == t } ?? false }
        var out = self
        out.weights = kept.map { weights[$0] }
        out.capacities = stations.map { capacities[$0] }
        out.ranks = stations.map { ranks[$0] }
        out.rows = kept.map { i in rows[i].map { local[$0] } }
        out.costs = kept.map { costs[$0] }
        return (out, stations, kept)
    }
}

/// Random test sizes: `NUANXIN_ALLOCATION_SEED` shifts the seeds and `NUANXIN_ALLOCATION_ROUNDS`
/// multiplies the rounds of the random allocation tests (defaults 0 and 1), to run them on many
/// more instances than the suite does by default.
enum AllocationTestSize {
    static let seedShift = UInt64(ProcessInfo.processInfo.environment["NUANXIN_ALLOCATION_SEED"] ?? "") ?? 0
    static let factor = max(1, Int(ProcessInfo.processInfo.environment["NUANXIN_ALLOCATION_ROUNDS"] ?? "") ?? 1)
    static func seed(_ base: UInt64) -> SplitMix64 { SplitMix64(seed: base &+ seedShift &* 1_000_003) }
    static func rounds(_ base: Int) -> Int { base * factor }
}

@Suite("Allocation with the side chosen per connected part")
struct AllocationPartsTests {
    @Test("towns with plenty of seats beside towns with few: served and cost equal the reference, every part on its own side")
    func mixedAgainstReference() throws {
        var rng = AllocationTestSize.seed(16_6)
        let rounds = AllocationTestSize.rounds(160)
        var mixed = 0
        for round in 0..<rounds {
            var factors = [Double.random(in: 0.02...0.3, using: &rng), Double.random(in: 0.5...2.5, using: &rng)]
            for _ in 0..<Int.random(in: 0...2, using: &rng) { factors.append(Double.random(in: 0.02...2.5, using: &rng)) }
            factors.shuffle(using: &rng)
            let (inst, _) = AllocationInstance.towns(&rng, factors: factors, integral: round % 2 == 0)
            let (canonical, eps) = try inst.canonical()
            if case .mixed = canonical.scarcityByPart(eps: eps) { mixed += 1 }
            let a = try inst.solve()
            inst.expectExact(a, "round \(round)")
        }
        #expect(mixed >= rounds / 2, "only \(mixed) of \(rounds) instances had parts on both sides")
    }

    @Test("each town gets the allocation it gets alone, edge by edge: with two towns (each side one part) ties included, with three where the optimum is unique")
    func sameAsEachTownAlone() throws {
        var rng = AllocationTestSize.seed(16_7)
        var mixed = 0
        let rounds = AllocationTestSize.rounds(80)
        for round in 0..<rounds {
            // Odd rounds: one scarce town and one with plenty of seats, so that each side solves
            // exactly one part, as that town alone would be solved; costs as drawn (equal
            // distances included). Even rounds: three towns, costs made distinct.
            let ties = round % 2 == 1
            var factors = [Double.random(in: 0.02...0.3, using: &rng), Double.random(in: 0.5...2.5, using: &rng)]
            if !ties { factors.append(Double.random(in: 0.02...2.5, using: &rng)) }
            factors.shuffle(using: &rng)
            var (inst, town) = AllocationInstance.towns(&rng, factors: factors, integral: round % 4 < 2)
            if !ties { inst.makeCostsDistinct(using: &rng) }
            let whole = try inst.solve()
            var edgeStart = [0]
            for row in inst.rows { edgeStart.append(edgeStart.last! + row.count) }
            var parts = 0
            for t in factors.indices {
                let (part, stations, rows) = inst.town(t, of: town)
                let alone = try part.solve()
                if part.seatsScarce { parts |= 1 } else if alone.served > 0 { parts |= 2 }
                for (k, j) in stations.enumerated() {
                    #expect(abs(alone.stationLoad[k] - whole.stationLoad[j]) < 1e-7, "round \(round) station \(j)")
                }
                for (k, i) in rows.enumerated() {
                    for p in inst.rows[i].indices {
                        let a = alone.edgeFlow[part.reach.offsets[k] + p], b = whole.edgeFlow[edgeStart[i] + p]
                        #expect(abs(a - b) < 1e-7, "round \(round) demand \(i) edge \(p): \(b) vs \(a) alone")
                    }
                }
            }
            if parts == 3 { mixed += 1 }
        }
        #expect(mixed >= rounds / 3, "only \(mixed) instances had towns on both sides")
    }

    @Test("towns on both sides: the answer does not depend on the order of demand or stations")
    func mixedOrder() throws {
        var rng = AllocationTestSize.seed(16_8)
        for round in 0..<AllocationTestSize.rounds(60) {
            let factors = [Double.random(in: 0.02...0.3, using: &rng), Double.random(in: 0.5...2.5, using: &rng),
                           Double.random(in: 0.02...2.5, using: &rng)].shuffled(using: &rng)
            let (inst, _) = AllocationInstance.towns(&rng, factors: factors, integral: round % 2 == 0)
            try inst.expectOrderIndependent(using: &rng, round: round) { try $0.solve() }
        }
    }

    @Test("one station without demand does not split an instance: scarcity is tested on the parts with demand")
    func partsWithoutDemand() throws {
        // Two scarce parts and a station nobody reaches: one side for all.
        let reach = try Reach(rows: [[0], [0], [1], [1]], columnCount: 3)
        let canonical = CanonicalAllocationProblem(weights: [5, 5, 5, 5], capacities: [1, 1, 9], reach: reach, costs: [10, 20, 10, 20],
                                                   stationRank: [0, 1, 2])
        #expect(canonical.scarcityByPart(eps: 1e-10) == .uniform(true))
        // A part with plenty of seats beside a scarce one: mixed, per station.
        let two = try Reach(rows: [[0], [0], [1], [1]], columnCount: 2)
        let mixed = CanonicalAllocationProblem(weights: [5, 5, 5, 5], capacities: [1, 20], reach: two, costs: [10, 20, 10, 20],
                                               stationRank: [0, 1])
        #expect(mixed.scarcityByPart(eps: 1e-10) == .mixed([true, false]))
        let a = try minimumCostAllocation(weights: [5, 5, 5, 5], capacities: [1, 20], reach: two, costs: [10, 20, 10, 20], stationRank: [0, 1])
        #expect(a.demandServed == [1, 0, 5, 5] && a.cost == 10 + 50 + 100)
    }
}

@Suite("Allocation with costs near the largest finite number")
struct HugeCostAllocationTests {
    @Test("costs up to 2^1022 (times 2^k of an ordinary instance): the same served, the cost 2^k times the reference, every method", arguments: [AllocationOptions.Method.stationPaths, .successiveShortestPaths, .costScaling])
    func hugeCosts(_ method: AllocationOptions.Method) throws {
        var rng = AllocationTestSize.seed(16_9)
        for round in 0..<AllocationTestSize.rounds(40) {
            var inst = AllocationInstance.scarce(&rng, shape: round % 4, factor: Double.random(in: 0.05...1.5, using: &rng), integral: round % 2 == 0)
            // Weights scaled by a power of two so that they sum to at most 1 (the total cost stays finite).
            let total = inst.weights.reduce(0, +)
            if total > 1 { inst.weights = inst.weights.map { $0 * Double(sign: .plus, exponent: -(total.exponent + 1), significand: 1) } }
            let maxCost = inst.costs.joined().max() ?? 0
            guard maxCost > 0 else { continue }
            let k = 1021 - maxCost.exponent
            let huge = Double(sign: .plus, exponent: k, significand: 1)
            var big = inst
            big.costs = inst.costs.map { row in row.map { $0 * huge } }
            let a = try big.solve(method)
            let (served, cost) = inst.reference
            #expect(a.cost.isFinite, "round \(round)")
            #expect(abs(a.served - served) < 1e-7 * max(1, served), "round \(round): served \(a.served) vs \(served)")
            // Cost scaling rounds the costs to steps of the largest over K ≥ 7·10⁴ (see
            // `minimumCostAllocation`): its total is within 2 × served steps.
            let slack = method == .costScaling ? 2 * served * maxCost / 7e4 : 1e-7 * max(1, cost)
            #expect(abs(a.cost / huge - cost) <= slack, "round \(round): cost \(a.cost / huge) vs \(cost)")
        }
    }
}
