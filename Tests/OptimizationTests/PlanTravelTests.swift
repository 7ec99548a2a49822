import TestSupport
import Testing
@testable import Optimization

/// A small plan instance on a plane where many plans tie on value: demand in a few clusters, wide
/// reach, sites small next to the demand (capacitated, every site fills up). Distances are
/// Euclidean; the expected answers come from exhaustive enumeration.
struct TravelInstance {
    var weights: [Double]
    var demand: [(Double, Double)]
    var sites: [(Double, Double)]
    var candidates: [PlanCandidate]
    var conflicts: [(Int, Int)]
    var existing: (Double, Double)
    var existingCapacity: Double
    let radius = 45.0

    init(seed: UInt64, demand n: Int = 12, candidates m: Int = 7) {
        var rng = SplitMix64(seed: seed)
        let clusters = (0..<3).map { _ in (Double.random(in: 20..<80, using: &rng), Double.random(in: 20..<80, using: &rng)) }
        demand = (0..<n).map { i in
            let c = clusters[i % 3]
            return (c.0 + Double.random(in: -5..<5, using: &rng), c.1 + Double.random(in: -5..<5, using: &rng))
        }
        weights = (0..<n).map { _ in Double(Int.random(in: 2...6, using: &rng)) }
        sites = (0..<m).map { _ in (Double.random(in: 0..<100, using: &rng), Double.random(in: 0..<100, using: &rng)) }
        existing = (Double.random(in: 0..<100, using: &rng), Double.random(in: 0..<100, using: &rng))
        existingCapacity = Double(Int.random(in: 3...9, using: &rng))
        let demand = self.demand, radius = self.radius
        func dist(_ a: (Double, Double), _ b: (Double, Double)) -> Double { ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)).squareRoot() }
        candidates = sites.enumerated().map { k, s in
            let covers = (0..<n).filter { dist(demand[$0], s) <= radius }
            let sizes = [SiteSize(seats: 1, capacity: 6, cost: 10), SiteSize(seats: 2, capacity: 12, cost: 13)]
            return PlanCandidate(id: "s\(m - k)", covers: covers, sizes: sizes, distances: covers.map { dist(demand[$0], s) })
        }
        var pairs: [(Int, Int)] = []
        for a in 0..<m { for b in (a + 1)..<m where dist(sites[a], sites[b]) < 8 { pairs.append((a, b)) } }
        conflicts = pairs
    }

    func dist(_ a: (Double, Double), _ b: (Double, Double)) -> Double { ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)).squareRoot() }

    /// Demand rows the existing station reaches, and the distances of those edges.
    var existingRows: [[Int]] { demand.map { dist($0, existing) <= radius ? [0] : [] } }

    func problem(capacitated: Bool, distances: Bool = true) -> PlanProblem {
        var candidates = self.candidates
        if !distances { for k in candidates.indices { candidates[k].distances = [] } }
        if capacitated {
            let reach = try! Reach(rows: existingRows, columnCount: 1)
            let d = demand.indices.filter { !existingRows[$0].isEmpty }.map { dist(demand[$0], existing) }
            return PlanProblem(weights: weights, existing: ExistingStations(capacities: [existingCapacity], reach: reach), candidates: candidates,
                               conflicts: conflicts, capacitated: true, existingDistances: distances ? d : [])
        }
        let covered = demand.indices.map { existingRows[$0].isEmpty ? 0 : weights[$0] }
        return PlanProblem(weights: weights, alreadyCovered: covered, candidates: candidates, conflicts: conflicts, capacitated: false,
                           coveredDistances: distances ? demand.map { dist($0, existing) } : [])
    }

    /// Value and travel of the sites (candidate indices) at the given capacities: the maximum
    /// flow (reference) and the least-travel allocation of that much; uncapacitated, coverage and
    /// each covered node to its nearest station.
    func evaluate(_ set: [(Int, Double)], capacitated: Bool) -> (value: Double, travel: Double) {
        let n = weights.count
        if capacitated {
            let rows = (0..<n).map { i in existingRows[i] + set.enumerated().filter { candidates[$0.element.0].covers.contains(i) }.map { 1 + $0.offset } }
            let caps = [existingCapacity] + set.map(\.1)
            let base = referenceMaxFlow(weights: weights, capacities: [existingCapacity], rows: existingRows)
            let value = referenceMaxFlow(weights: weights, capacities: caps, rows: rows) - base
            var costs: [Double] = []
            for i in 0..<n { for c in rows[i] { costs.append(c == 0 ? dist(demand[i], existing) : dist(demand[i], sites[set[c - 1].0])) } }
            let alloc = try! minimumCostAllocation(weights: weights, capacities: caps, reach: try! Reach(rows: rows, columnCount: caps.count),
                                                   costs: costs, stationRank: Array(caps.indices))
            return (value, alloc.cost)
        }
        var value = 0.0, travel = 0.0
        for i in 0..<n {
            var d = existingRows[i].isEmpty ? Double.infinity : dist(demand[i], existing)
            let before = d.isFinite
            for (k, _) in set where candidates[k].covers.contains(i) { d = min(d, dist(demand[i], sites[k])) }
            if d.isFinite { travel += weights[i] * d }
            if d.isFinite && !before { value += weights[i] }
        }
        return (value, travel)
    }

    func clear(_ set: [Int]) -> Bool { !conflicts.contains { set.contains($0.0) && set.contains($0.1) } }

    /// Every plan of at most `p` sites clear of the spacing, at their largest sizes.
    func plans(upTo p: Int) -> [[Int]] {
        let m = candidates.count
        return (0..<(1 << m)).map { mask in (0..<m).filter { mask & (1 << $0) != 0 } }.filter { $0.count <= p && clear($0) }
    }

    func largest(_ set: [Int], capacitated: Bool) -> [(Int, Double)] {
        set.map { ($0, capacitated ? candidates[$0].sizes.last!.capacity : .infinity) }
    }

    /// The plans one swap away from `sites` (one site removed, another candidate added, clear of
    /// the spacing), with their value and travel at the largest sizes (`evaluate`).
    func swaps(of sites: [Int], capacitated: Bool) -> [(removed: Int, added: Int, value: Double, travel: Double)] {
        var out: [(removed: Int, added: Int, value: Double, travel: Double)] = []
        for removed in sites {
            for added in candidates.indices where !sites.contains(added) {
                let swapped = sites.filter { $0 != removed } + [added]
                guard clear(swapped) else { continue }
                let e = evaluate(largest(swapped, capacitated: capacitated), capacitated: capacitated)
                out.append((removed, added, e.value, e.travel))
            }
        }
        return out
    }
}

@Suite("Plans: of equally good choices, the one where riders travel least")
struct PlanTravelTests {
    /// Five riders on a line; sites a (far) and b (near) reach them all.
    func line(capacitated: Bool) -> PlanProblem {
        let xs = [0.0, 1, 2, 3, 4]
        let size = [SiteSize(seats: 1, capacity: 100, cost: 10)]
        let far = PlanCandidate(id: "a", covers: [0, 1, 2, 3, 4], sizes: size, distances: xs.map { 30 - $0 })
        let near = PlanCandidate(id: "b", covers: [0, 1, 2, 3, 4], sizes: size, distances: xs.map { abs(2 - $0) + 1 })
        return PlanProblem(weights: [1, 1, 1, 1, 1], alreadyCovered: capacitated ? [] : [0, 0, 0, 0, 0], candidates: [far, near],
                           capacitated: capacitated)
    }

    @Test("two sites reach the same riders: the nearer one, whatever the ids, in every goal", arguments: [false, true])
    func nearerWins(capacitated: Bool) throws {
        let problem = line(capacitated: capacitated)
        for goal in [PlanGoal.count(1), .budget(10), .targetPercent(100)] {
            let plan = try planSites(problem, goal: goal)
            #expect(plan.sites.map(\.id) == ["b"], "\(goal): \(plan.sites.map(\.id))")
            #expect(plan.objective == 5 && plan.provenOptimal)
            #expect(abs(plan.travel - (2 + 1 + 0 + 1 + 2 + 5)) < 1e-9, "\(goal): travel \(plan.travel)")
        }
        // Without distances the id decides, as before.
        var plain = problem
        for k in plain.candidates.indices { plain.candidates[k].distances = [] }
        #expect(try planSites(plain, goal: .count(1)).sites.map(\.id) == ["a"])
        #expect(try planSites(plain, goal: .count(1)).travel == 0)
        // Then the mean distances are unknown (nil), not 0; with distances they are known.
        for goal in [PlanGoal.count(1), .budget(10), .targetPercent(100)] {
            let unknown = try planSites(plain, goal: goal)
            #expect(unknown.meanDistance == nil && unknown.sites.allSatisfy { $0.meanDistance == nil }, "\(goal): \(String(describing: unknown.meanDistance))")
            let known = try planSites(problem, goal: goal)
            #expect(known.meanDistance.map { abs($0 - 11.0 / 5) < 1e-9 } == true, "\(goal): \(String(describing: known.meanDistance))")
            #expect(known.sites.allSatisfy { $0.meanDistance != nil })
        }
    }

    @Test("travel never costs value: the farther site wins when it serves more")
    func valueFirst() throws {
        var problem = line(capacitated: true)
        problem.candidates[1].covers = [0, 1, 2, 3]
        problem.candidates[1].distances = [3, 2, 1, 2]
        let plan = try planSites(problem, goal: .count(1))
        #expect(plan.sites.map(\.id) == ["a"] && plan.objective == 5)
    }

    @Test("minimum per group: the nearer site within the group that needs one")
    func groups() throws {
        let size = [SiteSize(seats: 1, capacity: 100, cost: 10)]
        // Group 0: a (far) and b (near) reach riders 0–1; group 1: c reaches rider 2 only.
        let problem = PlanProblem(weights: [1, 1, 1], alreadyCovered: [0, 0, 0], candidates: [
            PlanCandidate(id: "a", covers: [0, 1], sizes: size, group: 0, distances: [9, 9]),
            PlanCandidate(id: "b", covers: [0, 1], sizes: size, group: 0, distances: [1, 1]),
            PlanCandidate(id: "c", covers: [2], sizes: size, group: 1, distances: [5]),
        ], capacitated: false, minPerGroup: 1, groups: [0, 1])
        let plan = try planSites(problem, goal: .count(2))
        #expect(Set(plan.sites.map(\.id)) == ["b", "c"], "\(plan.sites.map(\.id))")
        #expect(abs(plan.travel - 7) < 1e-9)
    }

    @Test("count: value as without distances; one site: the least travel of every optimal plan; more: no equal-value swap travels less",
          arguments: [false, true])
    func exhaustive(capacitated: Bool) throws {
        var ties = 0
        for seed in UInt64(1)...30 {
            let inst = TravelInstance(seed: seed)
            let all = inst.plans(upTo: 3)
            for p in 1...3 {
                let plan = try planSites(inst.problem(capacitated: capacitated), goal: .count(p))
                let plain = try planSites(inst.problem(capacitated: capacitated, distances: false), goal: .count(p))
                // The value, bound and proof are those of the search without the tie-break.
                if plain.provenOptimal { #expect(plan.provenOptimal && abs(plan.objective - plain.objective) < 1e-9, "seed \(seed) p \(p)") }
                #expect(plan.objective >= plain.objective - 1e-9)
                #expect(plan.upperBound >= plan.objective - 1e-9)
                let sites = plan.sites.map(\.candidateIndex)
                let mine = inst.evaluate(plan.sites.map { ($0.candidateIndex, capacitated ? $0.size.capacity : .infinity) }, capacitated: capacitated)
                #expect(abs(mine.value - plan.objective) < 1e-6)
                #expect(abs(mine.travel - plan.travel) < 1e-6, "seed \(seed) p \(p): travel \(plan.travel), sites give \(mine.travel)")
                let best = all.filter { $0.count <= p }.map { inst.evaluate(inst.largest($0, capacitated: capacitated), capacitated: capacitated) }
                let optimum = best.map(\.value).max()!
                let equal = best.filter { abs($0.value - optimum) < 1e-6 }
                if equal.count > 1 { ties += 1 }
                if p == 1, plan.provenOptimal, sites.count == 1 {
                    let least = equal.filter { _ in true }.map(\.travel).min()!
                    let oneSite = all.filter { $0.count == 1 }.map { inst.evaluate(inst.largest($0, capacitated: capacitated), capacitated: capacitated) }
                        .filter { abs($0.value - optimum) < 1e-6 }.map(\.travel).min() ?? least
                    #expect(abs(plan.travel - oneSite) < 1e-6, "seed \(seed): travel \(plan.travel), least \(oneSite)")
                }
                // No single swap (one site out, one in, clear of the spacing) keeps the value and travels less.
                guard sites.count == p else { continue }
                for s in inst.swaps(of: sites, capacitated: capacitated) where s.value >= plan.objective - 1e-6 {
                    #expect(s.travel >= plan.travel - 1e-6, "seed \(seed) p \(p): swapping \(s.removed) for \(s.added) keeps \(s.value) and travels \(s.travel) < \(plan.travel)")
                }
            }
        }
        // The instances do tie (otherwise the test proves nothing).
        #expect(ties > 10, "only \(ties) instances with tied plans")
    }

    @Test("budget: the nearer of two sites of equal cost and value; sizes within the budget")
    func budget() throws {
        let sizes = [SiteSize(seats: 1, capacity: 2, cost: 10), SiteSize(seats: 2, capacity: 5, cost: 15)]
        let problem = PlanProblem(weights: [1, 1, 1, 1, 1], existing: ExistingStations(capacities: [], reach: try Reach(rows: [[], [], [], [], []], columnCount: 0)),
                                  candidates: [
                                      PlanCandidate(id: "a", covers: [0, 1, 2, 3, 4], sizes: sizes, distances: [20, 20, 20, 20, 20]),
                                      PlanCandidate(id: "b", covers: [0, 1, 2, 3, 4], sizes: sizes, distances: [3, 3, 3, 3, 3]),
                                  ], capacitated: true)
        let plan = try planSites(problem, goal: .budget(15))
        #expect(plan.sites.map(\.id) == ["b"] && plan.objective == 5 && plan.cost == 15, "\(plan.sites.map(\.id)) \(plan.objective)")
        #expect(abs(plan.travel - 15) < 1e-9)
    }

    @Test("the same plan and travel whatever the order of the candidates", arguments: [false, true])
    func orderIndependent(capacitated: Bool) throws {
        for seed in UInt64(40)...50 {
            let inst = TravelInstance(seed: seed, candidates: 8)
            let a = inst.problem(capacitated: capacitated)
            let plan = try planSites(a, goal: .count(3))
            let again = try planSites(a.reversedCandidates(), goal: .count(3))
            #expect(plan.sites.map(\.id) == again.sites.map(\.id))
            #expect(plan.sites.map(\.size) == again.sites.map(\.size))
            #expect(plan.objective == again.objective && plan.travel == again.travel)
        }
    }

    @Test("bad distances: wrong count, negative or not finite")
    func badInput() {
        let inst = TravelInstance(seed: 3)
        var p = inst.problem(capacitated: true)
        p.candidates[0].distances = [1]
        p.candidates[0].covers = [0, 1]
        #expect(throws: OptimizationError.self) { try planSites(p, goal: .count(2)) }
        p = inst.problem(capacitated: true)
        p.candidates[0].covers = [0]
        p.candidates[0].distances = [-1]
        #expect(throws: OptimizationError.self) { try planSites(p, goal: .count(2)) }
        p.candidates[0].distances = [.infinity]
        #expect(throws: OptimizationError.self) { try planSites(p, goal: .count(2)) }
        p = inst.problem(capacitated: true)
        p.existingDistances = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
        #expect(throws: OptimizationError.self) { try planSites(p, goal: .count(2)) }
        p = inst.problem(capacitated: false)
        p.coveredDistances = [1]
        #expect(throws: OptimizationError.self) { try planSites(p, goal: .count(2)) }
    }
}

@Suite("Plans: the swap search's travel bound rules out no better swap")
struct PlanTravelBoundTests {
    /// Larger instances than `PlanTravelTests.exhaustive` (more demand, more candidates, more
    /// sites), where the search rules swaps out by their dual-price bound before computing their
    /// allocation: the answer must still be one that no single swap improves.
    @Test("count, capacitated: no swap of equal value travels less", arguments: [UInt64(61), 71, 81])
    func noBetterSwap(firstSeed: UInt64) throws {
        var compared = 0
        for seed in firstSeed..<(firstSeed + 10) {
            let inst = TravelInstance(seed: seed, demand: 18, candidates: 8)
            for p in 2...4 {
                let plan = try planSites(inst.problem(capacitated: true), goal: .count(p))
                let sites = plan.sites.map(\.candidateIndex)
                let mine = inst.evaluate(inst.largest(sites, capacitated: true), capacitated: true)
                #expect(abs(mine.value - plan.objective) < 1e-6 && abs(mine.travel - plan.travel) < 1e-6, "seed \(seed) p \(p)")
                guard sites.count == p else { continue }
                for s in inst.swaps(of: sites, capacitated: true) where abs(s.value - plan.objective) < 1e-6 {
                    compared += 1
                    #expect(s.travel >= plan.travel - 1e-6, "seed \(seed) p \(p): \(s.removed) → \(s.added) travels \(s.travel) < \(plan.travel)")
                }
            }
        }
        // Swaps of equal value exist (otherwise the test proves nothing).
        #expect(compared > 20, "only \(compared) swaps of equal value")
    }
}
