import TestSupport
import Testing
@testable import Optimization

/// Budget mode's local search (covered): it only offers plans, so what matters is that every plan
/// it returns is one (budget, spacing, required sites), that its value is the plan's, and that it
/// finds the optimum often; checked against exhaustive enumeration on small random instances.
@Suite("Budget mode's local search (covered) against exhaustive enumeration")
struct PlanBudgetLocalTests {
    @Test("feasible, exact value, never below its start nor above the optimum; the optimum on most instances")
    func againstExhaustive() throws {
        var runs = 0, optimal = 0, fromEmpty = 0
        for seed in UInt64(900)...969 {
            var inst = PlanInstance(seed: seed, demand: 18, candidates: 10, spacing: 20, sizeCount: 3)
            inst.cheapenSomeSizes(seed: seed)
            let required = seed % 4 == 0 ? [Int(seed % 10)] : []
            var problem = inst.problem(capacitated: false, required: required)
            problem.required = required
            let solver = try PlanSolver(problem, options: SiteSelectionOptions(capacitated: false))
            let items = solver.budgetItems()
            let fixed = solver.required.map { r in items.indices.first { items[$0].site == r }! }
            let fixedCost = fixed.reduce(0.0) { $0 + items[$1].cost }
            for budget in [20.0, 35, 50, 80] where fixedCost <= budget {
                let startValue = solver.value(fixed.map { (items[$0].site, Double.infinity) })
                let result = solver.improveCovered(fixed, items: items, budget: budget, fixed: Set(fixed))
                let sites = result.items.map { items[$0].site }
                let label = "seed \(seed) budget \(budget)"
                #expect(Set(sites).count == sites.count, "\(label): a site twice")
                #expect(result.items.reduce(0.0) { $0 + items[$1].cost } <= budget + 1e-9, "\(label): over the budget")
                #expect(!sites.contains { a in solver.conflicts[a].contains { sites.contains($0) } }, "\(label): two sites in conflict")
                #expect(solver.required.allSatisfy(sites.contains), "\(label): a required site dropped")
                #expect(abs(result.value - solver.value(sites.map { ($0, Double.infinity) })) < 1e-9, "\(label): value \(result.value) is not the plan's")
                #expect(result.value >= startValue - 1e-9, "\(label): below its start")
                let best = inst.exhaustiveBudget(budget, capacitated: false, required: required)
                #expect(result.value <= best + 1e-9, "\(label): \(result.value) above the optimum \(best)")
                if abs(result.value - best) < 1e-9 { optimal += 1 }
                if fixed.isEmpty { fromEmpty += 1 }
                runs += 1
            }
        }
        #expect(runs > 200 && fromEmpty > 100)
        // A heuristic: the optimum on at least nine instances in ten.
        #expect(optimal * 10 >= runs * 9, "the optimum on \(optimal) of \(runs)")
    }

    @Test("the same plan whatever the order of the candidates")
    func orderIndependent() throws {
        for seed in UInt64(980)...989 {
            let inst = PlanInstance(seed: seed, demand: 18, candidates: 10, spacing: 20, sizeCount: 3)
            let problem = inst.problem(capacitated: false)
            var reversed = problem
            reversed.candidates.reverse()
            let m = problem.candidates.count
            reversed.conflicts = problem.conflicts.map { (m - 1 - $0.0, m - 1 - $0.1) }
            for budget in [35.0, 80] {
                let a = try planSites(problem, goal: .budget(budget))
                let b = try planSites(reversed, goal: .budget(budget))
                #expect(a.sites.map(\.id) == b.sites.map(\.id), "seed \(seed) budget \(budget)")
                #expect(a.objective == b.objective)
            }
        }
    }
}
