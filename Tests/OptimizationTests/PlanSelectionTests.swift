import TestSupport
import Testing
@testable import Optimization

/// A small random plan instance (sites in a square, sizes, spacing conflicts, existing stations)
/// with its answers by exhaustive enumeration.
struct PlanInstance {
    var weights: [Double]
    var covered: [Double]
    var candidates: [PlanCandidate]
    var conflicts: [(Int, Int)]
    var existingRows: [[Int]]
    var existingCapacities: [Double]

    init(seed: UInt64, demand n: Int = 16, candidates m: Int = 7, spacing: Double = 25, sizeCount: Int = 3) {
        var rng = SplitMix64(seed: seed)
        weights = (0..<n).map { _ in Double(Int.random(in: 1...12, using: &rng)) }
        let dx = (0..<n).map { _ in Double.random(in: 0..<100, using: &rng) }
        let dy = (0..<n).map { _ in Double.random(in: 0..<100, using: &rng) }
        var pos: [(Double, Double)] = []
        candidates = (0..<m).map { k in
            let x = Double.random(in: 0..<100, using: &rng), y = Double.random(in: 0..<100, using: &rng)
            pos.append((x, y))
            let covers = (0..<n).filter { ((dx[$0] - x) * (dx[$0] - x) + (dy[$0] - y) * (dy[$0] - y)).squareRoot() <= 30 }
            let top = Int.random(in: 1...sizeCount, using: &rng)
            let sizes = (1...top).map { s in SiteSize(seats: 2 * s, capacity: Double(6 * s), cost: Double(10 + 3 * s + Int.random(in: 0...2, using: &rng))) }
            return PlanCandidate(id: "c\(m - k)", covers: covers, sizes: sizes)
        }
        var pairs: [(Int, Int)] = []
        for a in 0..<m { for b in (a + 1)..<m {
            let d = ((pos[a].0 - pos[b].0) * (pos[a].0 - pos[b].0) + (pos[a].1 - pos[b].1) * (pos[a].1 - pos[b].1)).squareRoot()
            if d < spacing { pairs.append((a, b)) }
        } }
        conflicts = pairs
        covered = weights.map { w in Double.random(in: 0..<1, using: &rng) < 0.2 ? w : 0 }
        existingCapacities = (0..<2).map { _ in Double(Int.random(in: 4...15, using: &rng)) }
        let sx = (0..<2).map { _ in Double.random(in: 0..<100, using: &rng) }
        let sy = (0..<2).map { _ in Double.random(in: 0..<100, using: &rng) }
        existingRows = (0..<n).map { i in (0..<2).filter { ((dx[i] - sx[$0]) * (dx[i] - sx[$0]) + (dy[i] - sy[$0]) * (dy[i] - sy[$0])).squareRoot() <= 30 } }
    }

    func problem(capacitated: Bool, required: [Int] = []) -> PlanProblem {
        let existing = capacitated ? ExistingStations(capacities: existingCapacities, reach: try! Reach(rows: existingRows, columnCount: existingCapacities.count)) : nil
        return PlanProblem(weights: weights, alreadyCovered: capacitated ? [] : covered, existing: existing, candidates: candidates,
                           conflicts: conflicts, required: required, capacitated: capacitated)
    }

    /// Demand newly served (covered) with the sites at the given capacities.
    func value(_ sites: [(Int, Double)], capacitated: Bool) -> Double {
        if capacitated {
            let rows = (0..<weights.count).map { i in existingRows[i] + sites.enumerated().filter { candidates[$0.element.0].covers.contains(i) }.map { 2 + $0.offset } }
            let caps = existingCapacities + sites.map(\.1)
            let base = referenceMaxFlow(weights: weights, capacities: existingCapacities, rows: existingRows)
            return referenceMaxFlow(weights: weights, capacities: caps, rows: rows) - base
        }
        var seen = Set<Int>()
        var v = 0.0
        for (k, _) in sites { for i in candidates[k].covers where seen.insert(i).inserted { v += weights[i] - covered[i] } }
        return v
    }

    func clear(_ set: [Int]) -> Bool {
        !conflicts.contains { set.contains($0.0) && set.contains($0.1) }
    }

    /// Best value over every plan: each site out or at one of its sizes; `count` limits the
    /// number of sites (at the largest size), `budget` the cost.
    func exhaustive(capacitated: Bool, count: Int? = nil, budget: Double? = nil, required: [Int] = []) -> Double {
        let m = candidates.count
        var best = -1.0
        func visit(_ k: Int, _ chosen: [(Int, Int)]) {
            if k == m {
                let sites = chosen.map(\.0)
                guard clear(sites), required.allSatisfy(sites.contains) else { return }
                if let count, chosen.count > count { return }
                let cost = chosen.reduce(0.0) { $0 + candidates[$1.0].sizes[$1.1].cost }
                if let budget, cost > budget + 1e-9 { return }
                let uncapCost = budget != nil && !capacitated
                _ = uncapCost
                best = max(best, value(chosen.map { ($0.0, capacitated ? candidates[$0.0].sizes[$0.1].capacity : .infinity) }, capacitated: capacitated))
                return
            }
            visit(k + 1, chosen)
            let options = count != nil ? [candidates[k].sizes.count - 1] : Array(candidates[k].sizes.indices)
            for s in options { visit(k + 1, chosen + [(k, s)]) }
        }
        visit(0, [])
        return best
    }

    /// Checks what any plan must satisfy.
    func check(_ plan: PlanSelection, capacitated: Bool, count: Int? = nil, budget: Double? = nil, required: [Int] = []) {
        let sites = plan.sites.map(\.candidateIndex)
        #expect(clear(sites), "sites \(sites) break the spacing")
        #expect(Set(sites).count == sites.count)
        for r in required { #expect(sites.contains(r), "required \(r) missing from \(sites)") }
        if let count { #expect(sites.count <= count) }
        if let budget { #expect(plan.cost <= budget + 1e-9, "cost \(plan.cost) over \(budget)") }
        #expect(abs(plan.cost - plan.sites.reduce(0) { $0 + $1.size.cost }) < 1e-9)
        for s in plan.sites {
            let sizes = candidates[s.candidateIndex].sizes
            #expect(sizes[s.sizeIndex] == s.size)
            if capacitated {
                #expect(s.size.capacity + 1e-9 >= s.load, "size \(s.size.capacity) below load \(s.load)")
                if s.sizeIndex > 0 { #expect(sizes[s.sizeIndex - 1].capacity < s.load - 1e-9, "a smaller size holds \(s.load)") }
            }
            if !s.required { #expect(s.load > 1e-9, "site \(s.id) serves nobody") }
        }
        // The objective is what the sites at their final sizes give.
        let v = value(plan.sites.map { ($0.candidateIndex, capacitated ? $0.size.capacity : .infinity) }, capacitated: capacitated)
        #expect(abs(v - plan.objective) < 1e-6, "objective \(plan.objective), sites give \(v)")
    }
}

@Suite("Plans: sizes, spacing, required sites and budget against exhaustive enumeration")
struct PlanSelectionTests {
    @Test("count with spacing: feasible, never above the optimum, bound a proof, optimal when flagged", arguments: [false, true])
    func countWithSpacing(capacitated: Bool) throws {
        for seed in UInt64(1)...40 {
            let inst = PlanInstance(seed: seed)
            for p in 1...3 {
                let plan = try planSites(inst.problem(capacitated: capacitated), goal: .count(p))
                let best = inst.exhaustive(capacitated: capacitated, count: p)
                inst.check(plan, capacitated: capacitated, count: p)
                #expect(plan.objective <= best + 1e-6)
                #expect(plan.upperBound >= best - 1e-6, "seed \(seed) p \(p): bound \(plan.upperBound) below optimum \(best)")
                if plan.provenOptimal { #expect(abs(plan.objective - best) < 1e-6, "seed \(seed) p \(p): flagged optimal at \(plan.objective), optimum \(best)") }
                if plan.sites.count < p { #expect(plan.shortfall != nil) }
            }
        }
    }

    @Test("count with required sites", arguments: [false, true])
    func required(capacitated: Bool) throws {
        for seed in UInt64(100)...125 {
            let inst = PlanInstance(seed: seed)
            // A required site and the sites clear of it.
            let r = Int(seed % UInt64(inst.candidates.count))
            let plan = try planSites(inst.problem(capacitated: capacitated, required: [r]), goal: .count(3))
            let best = inst.exhaustive(capacitated: capacitated, count: 3, required: [r])
            inst.check(plan, capacitated: capacitated, count: 3, required: [r])
            #expect(plan.objective <= best + 1e-6)
            #expect(plan.upperBound >= best - 1e-6)
            if plan.provenOptimal { #expect(abs(plan.objective - best) < 1e-6) }
        }
    }

    @Test("budget: sizes chosen per site, within the budget, bound a proof", arguments: [false, true])
    func budget(capacitated: Bool) throws {
        for seed in UInt64(200)...230 {
            let inst = PlanInstance(seed: seed, candidates: 6)
            for budget in [20.0, 35, 60] {
                let plan = try planSites(inst.problem(capacitated: capacitated), goal: .budget(budget))
                inst.check(plan, capacitated: capacitated, budget: budget)
                if capacitated {
                    let best = inst.exhaustive(capacitated: true, budget: budget)
                    #expect(plan.objective <= best + 1e-6)
                    #expect(plan.upperBound >= best - 1e-6, "seed \(seed) budget \(budget): bound \(plan.upperBound) below \(best)")
                    if plan.provenOptimal { #expect(abs(plan.objective - best) < 1e-6, "seed \(seed) budget \(budget): \(plan.objective) vs \(best)") }
                } else {
                    // Uncapacitated, a site costs the size that holds what it could cover alone:
                    // the optimum over those costs.
                    let best = inst.exhaustiveUncapacitatedBudget(budget)
                    #expect(plan.objective <= best + 1e-6)
                    #expect(plan.upperBound >= best - 1e-6)
                    if plan.provenOptimal { #expect(abs(plan.objective - best) < 1e-6) }
                }
            }
        }
    }

    @Test("target: fewest sites, proven when flagged", arguments: [false, true])
    func target(capacitated: Bool) throws {
        for seed in UInt64(300)...320 {
            let inst = PlanInstance(seed: seed)
            let plan = try planSites(inst.problem(capacitated: capacitated), goal: .targetPercent(40))
            inst.check(plan, capacitated: capacitated)
            let total = inst.weights.reduce(0, +)
            let goal = 0.4 * total - plan.baseline
            switch plan.target {
            case .reached(let fewest)?:
                #expect(plan.objective >= goal - 1e-6)
                if fewest, plan.sites.count > 0 {
                    #expect(inst.exhaustive(capacitated: capacitated, count: plan.sites.count - 1) < goal - 1e-6)
                }
            case .unreachable?:
                #expect(inst.exhaustive(capacitated: capacitated, count: inst.candidates.count) < goal + 1e-6)
            case nil:
                Issue.record("no target outcome")
            }
        }
    }

    @Test("bad input: empty, unsorted or non-positive sizes; too many required; required over budget")
    func badInput() {
        let inst = PlanInstance(seed: 7)
        var p = inst.problem(capacitated: true)
        p.candidates[0].sizes = []
        #expect(throws: OptimizationError.self) { try planSites(p, goal: .count(2)) }
        p = inst.problem(capacitated: true)
        p.candidates[0].sizes = [SiteSize(seats: 16, capacity: 96, cost: 1), SiteSize(seats: 8, capacity: 48, cost: 1)]
        #expect(throws: OptimizationError.self) { try planSites(p, goal: .count(2)) }
        p.candidates[0].sizes = [SiteSize(seats: 0, capacity: 0, cost: 1)]
        #expect(throws: OptimizationError.self) { try planSites(p, goal: .count(2)) }
        p = inst.problem(capacitated: true, required: [0, 1, 2])
        #expect(throws: OptimizationError.self) { try planSites(p, goal: .count(2)) }
        #expect(throws: OptimizationError.self) { try planSites(p, goal: .budget(1)) }
    }

    @Test("the same plan whatever the order of the candidates")
    func orderIndependent() throws {
        let inst = PlanInstance(seed: 42, candidates: 8)
        let a = inst.problem(capacitated: true)
        let plan = try planSites(a, goal: .count(3))
        let again = try planSites(a.reversedCandidates(), goal: .count(3))
        #expect(plan.sites.map(\.id) == again.sites.map(\.id))
        #expect(plan.sites.map(\.size) == again.sites.map(\.size))
        #expect(plan.objective == again.objective)
    }
}

extension PlanInstance {
    func exhaustiveUncapacitatedBudget(_ budget: Double) -> Double {
        let m = candidates.count
        let cost = (0..<m).map { k -> Double in
            let alone = candidates[k].covers.reduce(0.0) { $0 + weights[$1] - covered[$1] }
            let s = candidates[k].sizes.first { $0.capacity + 1e-9 * max(1, alone) >= alone } ?? candidates[k].sizes.last!
            return s.cost
        }
        var best = 0.0
        for mask in 0..<(1 << m) {
            let set = (0..<m).filter { mask & (1 << $0) != 0 }
            guard clear(set), set.reduce(0.0, { $0 + cost[$1] }) <= budget + 1e-9 else { continue }
            best = max(best, value(set.map { ($0, .infinity) }, capacitated: false))
        }
        return best
    }
}

@Suite("Plans with a minimum per group against exhaustive enumeration")
struct PlanGroupTests {
    @Test("count with at least one site per group: feasible, never above the optimum, bound a proof", arguments: [false, true])
    func minimumPerGroup(capacitated: Bool) throws {
        for seed in UInt64(500)...530 {
            var inst = PlanInstance(seed: seed, candidates: 7, spacing: 15)
            for k in inst.candidates.indices { inst.candidates[k].group = k % 3 }
            var problem = inst.problem(capacitated: capacitated)
            problem.minPerGroup = 1
            problem.groups = [0, 1, 2]
            for p in [3, 4] {
                let plan = try planSites(problem, goal: .count(p))
                inst.check(plan, capacitated: capacitated, count: p)
                // Exhaustive optimum over plans meeting the minimum.
                var best = -1.0
                let m = inst.candidates.count
                for mask in 0..<(1 << m) {
                    let set = (0..<m).filter { mask & (1 << $0) != 0 }
                    guard set.count <= p, inst.clear(set), Set(set.map { $0 % 3 }).count == 3 else { continue }
                    best = max(best, inst.value(set.map { ($0, capacitated ? inst.candidates[$0].sizes.last!.capacity : .infinity) }, capacitated: capacitated))
                }
                let groupsMet = Set(plan.sites.map { $0.candidateIndex % 3 }).count == 3
                if best >= 0 {
                    #expect(groupsMet || plan.shortfall != nil, "seed \(seed) p \(p): groups not met and no reason")
                    if groupsMet { #expect(plan.objective <= best + 1e-6) }
                }
                #expect(plan.upperBound >= best - 1e-6, "seed \(seed) p \(p): bound \(plan.upperBound) below \(best)")
                if plan.provenOptimal && groupsMet { #expect(abs(plan.objective - best) < 1e-6, "seed \(seed) p \(p): \(plan.objective) vs \(best)") }
            }
            #expect(throws: OptimizationError.self) { try planSites(problem, goal: .count(2)) }
            #expect(throws: OptimizationError.self) { try planSites(problem, goal: .budget(100)) }
        }
    }
}
