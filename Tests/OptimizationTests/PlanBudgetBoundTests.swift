import TestSupport
import Testing
@testable import Optimization

/// Budget mode's bound against exhaustive enumeration, on small random instances with sizes,
/// spacing, required sites and cheap "expansion" sizes (no fixed cost, as `--expand` prices the
/// seats added to an existing station).
extension PlanInstance {
    /// Some candidates' sizes cost only their seats, like an expansion.
    mutating func cheapenSomeSizes(seed: UInt64) {
        var rng = SplitMix64(seed: seed ^ 0xE8)
        for k in candidates.indices where Int.random(in: 0..<3, using: &rng) == 0 {
            candidates[k].sizes = candidates[k].sizes.map { SiteSize(seats: $0.seats, capacity: $0.capacity, cost: Double(2 * $0.seats)) }
        }
    }

    /// What a site costs in budget mode: any of its sizes (served); covered, the size that holds
    /// what it could cover alone.
    func coveredCost(_ k: Int) -> Double {
        let alone = candidates[k].covers.reduce(0.0) { $0 + weights[$1] - covered[$1] }
        let s = candidates[k].sizes.first { $0.capacity + 1e-9 * max(1, alone) >= alone } ?? candidates[k].sizes.last!
        return s.cost
    }

    /// The optimum over every plan within the budget: spacing kept, required sites in, each site
    /// out or at one of its sizes.
    func exhaustiveBudget(_ budget: Double, capacitated: Bool, required: [Int]) -> Double {
        let m = candidates.count
        var best = -1.0
        func visit(_ k: Int, _ chosen: [(Int, Int)], _ cost: Double) {
            if cost > budget + 1e-9 { return }
            if k == m {
                let sites = chosen.map(\.0)
                guard clear(sites), required.allSatisfy(sites.contains) else { return }
                best = max(best, value(chosen.map { ($0.0, capacitated ? candidates[$0.0].sizes[$0.1].capacity : .infinity) }, capacitated: capacitated))
                return
            }
            visit(k + 1, chosen, cost)
            if capacitated {
                for s in candidates[k].sizes.indices { visit(k + 1, chosen + [(k, s)], cost + candidates[k].sizes[s].cost) }
            } else {
                visit(k + 1, chosen + [(k, 0)], cost + coveredCost(k))
            }
        }
        visit(0, [], 0)
        return best
    }

    /// The budget bound of the first release at the root: the required sites' value plus a
    /// fractional knapsack of single-site gain bounds (each item capped by its capacity) over the
    /// budget left.
    func oldRootBound(_ budget: Double, capacitated: Bool) throws -> Double {
        let solver = try PlanSolver(problem(capacitated: capacitated), options: SiteSelectionOptions(capacitated: capacitated))
        let items = solver.budgetItems()
        let bounds = solver.gainBounds([])
        let gains = items.map { min(bounds[$0.site], capacitated ? $0.capacity : .infinity) }
        let order = items.indices.filter { gains[$0] > 0 && items[$0].cost <= budget }
            .sorted { PlanSolver.ratio(gains[$0], items[$0].cost) > PlanSolver.ratio(gains[$1], items[$1].cost) }
        var room = budget, extra = 0.0
        for n in order {
            if items[n].cost <= room { extra += gains[n]; room -= items[n].cost } else { extra += gains[n] * room / items[n].cost; break }
        }
        return extra
    }
}

@Suite("Budget bound: the Lagrangian with a knapsack over (site, size) against exhaustive enumeration")
struct PlanBudgetBoundTests {
    @Test("bound ≥ optimum ≥ answer, optimal only at the optimum; sizes, spacing, required, expansion sizes", arguments: [false, true])
    func boundAgainstExhaustive(capacitated: Bool) throws {
        var checked = 0, refused = 0, pricedAboveCheapest = 0
        for seed in UInt64(700)...739 {
            var inst = PlanInstance(seed: seed, demand: 18, candidates: capacitated ? 6 : 8, spacing: 20, sizeCount: 3)
            inst.cheapenSomeSizes(seed: seed)
            let required = seed % 3 == 0 ? [Int(seed % 6)] : []
            var problem = inst.problem(capacitated: capacitated, required: required)
            problem.required = required
            for budget in [15.0, 28, 45, 70] {
                let fixed = required.reduce(0.0) { $0 + (capacitated ? inst.candidates[$1].sizes[0].cost : inst.coveredCost($1)) }
                if fixed > budget {
                    // No plan holds the required sites within the budget: a named error, never a
                    // plan over the budget (uncapacitated, the check once used the cheapest size).
                    #expect(inst.exhaustiveBudget(budget, capacitated: capacitated, required: required) < 0)
                    #expect(throws: OptimizationError.self, "seed \(seed) budget \(budget): required sites cost \(fixed)") {
                        try planSites(problem, goal: .budget(budget))
                    }
                    refused += 1
                    if required.allSatisfy({ inst.candidates[$0].sizes[0].cost <= budget }) { pricedAboveCheapest += 1 }
                    continue
                }
                let best = inst.exhaustiveBudget(budget, capacitated: capacitated, required: required)
                // With the search cut short, the bound reported is the relaxation's, not the answer.
                for nodeLimit in [10, 100_000] {
                    let plan = try planSites(problem, goal: .budget(budget), options: SiteSelectionOptions(nodeLimit: nodeLimit))
                    inst.check(plan, capacitated: capacitated, budget: budget, required: required)
                    #expect(plan.objective <= best + 1e-6, "seed \(seed) budget \(budget): answer \(plan.objective) above the optimum \(best)")
                    #expect(plan.upperBound >= best - 1e-6, "seed \(seed) budget \(budget) nodes \(nodeLimit): bound \(plan.upperBound) below the optimum \(best)")
                    if plan.provenOptimal {
                        #expect(abs(plan.objective - best) < 1e-6, "seed \(seed) budget \(budget): flagged optimal at \(plan.objective), optimum \(best)")
                    }
                    if nodeLimit > 1_000 { #expect(plan.provenOptimal, "seed \(seed) budget \(budget): small instance not proven") }
                    checked += 1
                }
            }
        }
        #expect(checked > 200)
        // Uncapacitated, some required sites are over the budget, and for some of them the cheapest
        // size fits the budget but the price does not (the case the check once let through).
        if !capacitated { #expect(refused > 0 && pricedAboveCheapest > 0, "\(refused) refused, \(pricedAboveCheapest) above the cheapest") }
    }

    @Test("the root Lagrangian is a proof and never looser than the first release's bound; strictly tighter on some instances", arguments: [false, true])
    func tighterThanTheOldBound(capacitated: Bool) throws {
        var tighter = 0, instances = 0
        for seed in UInt64(800)...839 {
            let inst = PlanInstance(seed: seed, demand: 24, candidates: capacitated ? 6 : 8, spacing: 15, sizeCount: 3)
            let budget = 40.0
            let solver = try PlanSolver(inst.problem(capacitated: capacitated), options: SiteSelectionOptions(capacitated: capacitated))
            let items = solver.budgetItems()
            var itemsOf = [[Int]](repeating: [], count: solver.K)
            for (n, it) in items.enumerated() { itemsOf[it.site].append(n) }
            let knapsack = ChoiceKnapsack(costs: items.map(\.cost), budget: budget)
            let tuning = SolverTuning.standard
            let root = solver.budgetLagrangian(items: items, itemsOf: itemsOf, knapsack: knapsack,
                                               node: .init(chosen: [], excluded: [], outside: [], left: budget),
                                               start: nil, theta: capacitated ? tuning.capacitatedStartTheta : tuning.budgetCoverTheta,
                                               iterations: tuning.budgetLagrangeIterations, offerLimit: 0,
                                               incumbent: { 0 }, offer: { _ in })
            let best = inst.exhaustiveBudget(budget, capacitated: capacitated, required: [])
            let old = try inst.oldRootBound(budget, capacitated: capacitated)
            #expect(root.bound >= best - 1e-6, "seed \(seed): Lagrangian \(root.bound) below the optimum \(best)")
            if !capacitated {
                // Covered, the start λ = r is the old bound with an exact knapsack: never looser.
                #expect(root.bound <= old + 1e-6, "seed \(seed): Lagrangian \(root.bound) looser than \(old)")
            }
            if root.bound < old - 1e-6 { tighter += 1 }
            instances += 1
        }
        #expect(tighter * 2 >= instances, "strictly tighter on only \(tighter) of \(instances)")
    }

    @Test("the knapsack bound is at least the 0/1 optimum with one item per class, whatever the costs")
    func knapsackBound() {
        var rng = SplitMix64(seed: 99)
        for round in 0..<300 {
            let classCount = Int.random(in: 1...5, using: &rng)
            var classes: [[Int]] = []
            var costs: [Double] = [], values: [Double] = []
            for _ in 0..<classCount {
                let k = Int.random(in: 1...3, using: &rng)
                classes.append(Array(costs.count..<(costs.count + k)))
                for _ in 0..<k {
                    // Whole costs (an exact unit) in half the rounds, fractional ones (rounded units) in the others.
                    let c = round % 2 == 0 ? Double(Int.random(in: 0...40, using: &rng)) : Double.random(in: 0...40, using: &rng)
                    costs.append(c)
                    // Some items worth what another of their class is (a larger size that serves
                    // no more): left out of the table when only its value is asked for.
                    let same = k > 1 && costs.count > classes[classes.count - 1][0] + 1 && Bool.random(using: &rng)
                    values.append(same ? values[values.count - 1] : Double.random(in: 0...10, using: &rng))
                }
            }
            let budget = Double.random(in: 0...60, using: &rng)
            let knapsack = ChoiceKnapsack(costs: costs, budget: budget, maxUnits: round % 3 == 0 ? 7 : 4_000)
            // Exhaustive: each class out or one of its items.
            var best = 0.0
            func visit(_ c: Int, _ cost: Double, _ value: Double) {
                if cost > budget { return }
                if c == classes.count { best = max(best, value); return }
                visit(c + 1, cost, value)
                for i in classes[c] { visit(c + 1, cost + costs[i], value + values[i]) }
            }
            visit(0, 0, 0)
            for withSolution in [false, true] {
                let answer = knapsack.solve(classes: classes, values: values, budget: budget, solution: withSolution)
                #expect(answer.value >= best - 1e-9, "round \(round): bound \(answer.value) below the optimum \(best)")
            }
            // The table without the read-back (dominated items left out) gives the same bound, bit for bit.
            let bare = knapsack.solve(classes: classes, values: values, budget: budget, solution: false).value
            let full = knapsack.solve(classes: classes, values: values, budget: budget, solution: true).value
            #expect(bare == full, "round \(round): \(bare) without the read-back, \(full) with it")
            // The table behind the reduced-cost fixing: the entry at the budget in units less an
            // item's units bounds every choice within the budget less that item's cost, and its
            // last entry is the programme's bound.
            if let table = knapsack.table(classes: classes, values: values, budget: budget) {
                let U = table.count - 1
                if knapsack.exact { #expect(abs(table[U] - bare) <= 1e-9, "round \(round): table \(table[U]), solve \(bare)") }
                #expect(table[U] >= best - 1e-9)
                for n in costs.indices where costs[n] <= budget {
                    var within = 0.0
                    func walk(_ c: Int, _ cost: Double, _ value: Double) {
                        if cost > budget - costs[n] { return }
                        if c == classes.count { within = max(within, value); return }
                        walk(c + 1, cost, value)
                        for i in classes[c] { walk(c + 1, cost + costs[i], value + values[i]) }
                    }
                    walk(0, 0, 0)
                    #expect(knapsack.units[n] <= U && table[U - knapsack.units[n]] >= within - 1e-9,
                            "round \(round): item \(n), table below the optimum within the budget less its cost")
                }
            }
        }
    }
}

@Suite("The knapsack with one item per class (covered budget mode)")
struct SingleKnapsackTests {
    /// Many items of a few whole costs (some free, some tied in value) and a budget that pays
    /// for a few of them: the table's answer (read back) is within the budget and worth exactly
    /// the optimum by enumeration, and the bound is that optimum.
    @Test("the table's answer read back is the 0/1 optimum, whole costs", arguments: UInt64(1)...40)
    func mostValuableOnly(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let count = Int.random(in: 6...14, using: &rng)
        let costs = (0..<count).map { _ in [5.0, 7, 9, 0][Int.random(in: 0..<(seed % 4 == 0 ? 4 : 3), using: &rng)] }
        // Whole values in some rounds, so that items tie.
        let values = (0..<count).map { _ in seed % 2 == 0 ? Double(Int.random(in: 0...4, using: &rng)) : Double.random(in: 0...10, using: &rng) }
        let budget = Double(Int.random(in: 0...30, using: &rng))
        let knapsack = ChoiceKnapsack(costs: costs, budget: budget)
        var best = 0.0
        for mask in 0..<(1 << count) {
            var cost = 0.0, value = 0.0
            for o in 0..<count where mask & (1 << o) != 0 { cost += costs[o]; value += values[o] }
            if cost <= budget { best = max(best, value) }
        }
        let answer = knapsack.solve(classes: (0..<count).map { [$0] }, values: values, budget: budget, solution: true)
        #expect(answer.value >= best - 1e-9)
        #expect(answer.value <= best + 1e-9, "seed \(seed): bound \(answer.value), optimum \(best)")
        #expect(answer.solution.allSatisfy { $0.x == 1 })
        #expect(answer.solution.reduce(0.0) { $0 + costs[$1.item] } <= budget)
        #expect(abs(answer.solution.reduce(0.0) { $0 + values[$1.item] } - best) < 1e-9, "seed \(seed): the answer read back is not optimal")
    }
}

@Suite("Budget, uncapacitated: a budget that pays for covering everything is proven")
struct PlanBudgetCoverAllTests {
    /// Many overlapping candidates on a lattice, spaced so that neighbours conflict, and budgets
    /// from about what covering every demand node costs upward: the Lagrangian and the gain
    /// knapsack count demand twice and stay above the total, so only the cap at the demand the
    /// free sites still reach proves such a plan (without it, seeds 1 and 2 at least stopped at
    /// the node limit unproven).
    /// Weights are not whole numbers, so that rounding a bound down to whole riders proves nothing.
    @Test("covering all that is coverable is optimal, with a small node limit", arguments: UInt64(1)...6)
    func coverAllProven(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let n = 60
        let px = (0..<n).map { _ in Double.random(in: 0..<100, using: &rng) }
        let py = (0..<n).map { _ in Double.random(in: 0..<100, using: &rng) }
        let weights = (0..<n).map { _ in Double.random(in: 0.5...9, using: &rng) }
        let covered = weights.map { w in Double.random(in: 0..<1, using: &rng) < 0.15 ? w : 0 }
        var candidates: [PlanCandidate] = []
        var spots: [(Double, Double)] = []
        for gx in 0..<20 { for gy in 0..<20 {
            let x = Double(gx) * 5.25, y = Double(gy) * 5.25
            let covers = (0..<n).filter { ((px[$0] - x) * (px[$0] - x) + (py[$0] - y) * (py[$0] - y)).squareRoot() <= 20 }
            let cost = Double(10 + Int.random(in: 0...2, using: &rng))
            candidates.append(PlanCandidate(id: "g\(gx)-\(gy)", covers: covers, sizes: [SiteSize(seats: 4, capacity: 1_000, cost: cost)]))
            spots.append((x, y))
        } }
        var conflicts: [(Int, Int)] = []
        for a in spots.indices { for b in (a + 1)..<spots.count {
            let d = ((spots[a].0 - spots[b].0) * (spots[a].0 - spots[b].0) + (spots[a].1 - spots[b].1) * (spots[a].1 - spots[b].1)).squareRoot()
            if d < 8 { conflicts.append((a, b)) }
        } }
        let problem = PlanProblem(weights: weights, alreadyCovered: covered, existing: nil, candidates: candidates,
                                  conflicts: conflicts, required: [], capacitated: false)
        let reachable = Set(candidates.flatMap(\.covers))
        let coverable = reachable.reduce(0.0) { $0 + weights[$1] - covered[$1] }
        var coveringAll = 0
        for budget in stride(from: 100.0, through: 260, by: 20) {
            let plan = try planSites(problem, goal: .budget(budget), options: SiteSelectionOptions(capacitated: false, nodeLimit: 20))
            let cost = plan.cost
            #expect(cost <= budget)
            guard abs(plan.objective - coverable) <= 1e-9 * coverable else { continue }
            coveringAll += 1
            let proven = plan.provenOptimal
            #expect(proven, "seed \(seed) budget \(budget): not proven, bound \(plan.upperBound) over \(plan.objective)")
            #expect(abs(plan.upperBound - plan.objective) <= 1e-9 * coverable)
        }
        #expect(coveringAll >= 3, "seed \(seed): \(coveringAll) budgets cover everything")
    }

    @Test("serving all that is servable is optimal, capacitated, with a small node limit", arguments: UInt64(11)...14)
    func serveAllProven(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let n = 60
        let px = (0..<n).map { _ in Double.random(in: 0..<100, using: &rng) }
        let py = (0..<n).map { _ in Double.random(in: 0..<100, using: &rng) }
        let weights = (0..<n).map { _ in Double.random(in: 0.5...9, using: &rng) }
        var candidates: [PlanCandidate] = []
        var spots: [(Double, Double)] = []
        for gx in 0..<12 { for gy in 0..<12 {
            let x = Double(gx) * 9, y = Double(gy) * 9
            let covers = (0..<n).filter { ((px[$0] - x) * (px[$0] - x) + (py[$0] - y) * (py[$0] - y)).squareRoot() <= 20 }
            let cost = Double(10 + Int.random(in: 0...2, using: &rng))
            candidates.append(PlanCandidate(id: "g\(gx)-\(gy)", covers: covers, sizes: [SiteSize(seats: 4, capacity: 40, cost: cost),
                                                                                          SiteSize(seats: 8, capacity: 1_000, cost: cost + 3)]))
            spots.append((x, y))
        } }
        var conflicts: [(Int, Int)] = []
        for a in spots.indices { for b in (a + 1)..<spots.count {
            let d = ((spots[a].0 - spots[b].0) * (spots[a].0 - spots[b].0) + (spots[a].1 - spots[b].1) * (spots[a].1 - spots[b].1)).squareRoot()
            if d < 8 { conflicts.append((a, b)) }
        } }
        // One existing station with few seats in the middle.
        let rows = (0..<n).map { i in ((px[i] - 50) * (px[i] - 50) + (py[i] - 50) * (py[i] - 50)).squareRoot() <= 25 ? [0] : [] }
        let existing = ExistingStations(capacities: [6], reach: try Reach(rows: rows, columnCount: 1))
        let problem = PlanProblem(weights: weights, existing: existing, candidates: candidates, conflicts: conflicts, required: [], capacitated: true)
        let reachable = Set(candidates.flatMap(\.covers)).union((0..<n).filter { !rows[$0].isEmpty })
        let servable = reachable.reduce(0.0) { $0 + weights[$1] }
        var servingAll = 0
        for budget in stride(from: 60.0, through: 160, by: 25) {
            let plan = try planSites(problem, goal: .budget(budget), options: SiteSelectionOptions(capacitated: true, nodeLimit: 20))
            #expect(plan.cost <= budget)
            guard abs(plan.baseline + plan.objective - servable) <= 1e-9 * servable else { continue }
            servingAll += 1
            #expect(plan.provenOptimal, "seed \(seed) budget \(budget): not proven, bound \(plan.upperBound) over \(plan.objective)")
            #expect(abs(plan.upperBound - plan.objective) <= 1e-9 * servable)
        }
        #expect(servingAll >= 2, "seed \(seed): \(servingAll) budgets serve everything")
    }
}

@Suite("Uncapacitated plans: proofs with whole weights but part of the demand already covered")
struct PlanFractionalResidualTests {
    /// Whole weights but a fractional covered amount leave a fractional residual: a bound must not
    /// be rounded down to whole riders there (it cut off site b's 2.5 and proved site a's 2).
    @Test("a fractional residual is not rounded away, in budget and count mode")
    func fractionalResidual() throws {
        let problem = PlanProblem(weights: [2, 3], alreadyCovered: [0, 0.5],
                                  candidates: [PlanCandidate(id: "a", covers: [0], sizes: [SiteSize(seats: 1, capacity: 100, cost: 1)]),
                                               PlanCandidate(id: "b", covers: [1], sizes: [SiteSize(seats: 1, capacity: 100, cost: 1.5)])],
                                  capacitated: false)
        let budget = try planSites(problem, goal: .budget(1.5), options: SiteSelectionOptions(capacitated: false))
        #expect(budget.objective == 2.5)
        #expect(budget.sites.map(\.id) == ["b"])
        #expect(budget.upperBound >= 2.5)
        let count = try planSites(problem, goal: .count(1), options: SiteSelectionOptions(capacitated: false))
        #expect(count.objective == 2.5)
        #expect(count.provenOptimal)
    }
}
