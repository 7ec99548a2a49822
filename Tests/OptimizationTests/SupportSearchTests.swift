import TestSupport
import Testing
@testable import Optimization

/// The support search (SupportSearch.swift) against exhaustive enumeration on small random
/// instances: it only ever offers a strictly better answer, never touches the bound, and with
/// every site in the support and every count allowed it is an exact search.
@Suite("Support search after an unproven tree")
struct SupportSearchTests {
    func nodeLimit(_ seed: Int) -> Int { seed % 2 == 0 ? 12 + seed : 1_000_000 }

    /// Weak heuristics and a tree stopped after a few nodes, so the support search has room.
    func solve(_ model: CoverageModel, p: Int, seed: Int, support: Bool) -> CoverageSolver.Outcome {
        var tuning = SolverTuning.standard
        tuning.tabuSteps = 0
        tuning.kicks = 0
        tuning.rootIterations = 4 + seed % 3 * 10
        tuning.nodeIterations = 10
        tuning.nodeProgressWindow = 3
        tuning.supportSearch = support
        tuning.supportShare = [0, 0.01, 0.2][seed % 3]
        tuning.supportMaximumFraction = 1
        tuning.supportShift = 1 + seed % 3
        // The tree stops at a node limit that leaves the support search a few nodes, or at a small
        // work limit (counted after the root) that leaves it many.
        let limits = seed % 2 == 0 ? EffortLimit(nodes: nodeLimit(seed)) : EffortLimit(nodes: nodeLimit(seed), work: 50 + seed % 4 * 100)
        var budget = CoverageSolver.Budget(limits: limits, tuning: tuning)
        budget.coreHandoff = seed % 2 == 0
        var solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
        return solver.solve()
    }

    @Test("stopped unproven: the answer with the support search is real, at most the optimum, never worse than without it; the bound the same proof", arguments: 0..<16)
    func onlyImproves(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(21_000 + seed), demand: 80 + seed, candidates: 24 + seed % 4,
                                 fractional: seed % 4 == 3, plane: true)
        let (model, order) = inst.coverageModel()
        for p in [3, 4, 5] {
            let tag = "seed \(seed) p \(p)"
            let without = solve(model, p: p, seed: seed, support: false)
            let with = solve(model, p: p, seed: seed, support: true)
            let optimum = inst.optimum(p, capacitated: false)
            let tie = 1e-9 * max(1, optimum)
            let used = with.chosen.map { order[model.sortedIndex[$0]] }
            #expect(used.count <= p, "\(tag)")
            #expect(with.nodes <= nodeLimit(seed), "\(tag): \(with.nodes) nodes")
            #expect(abs(inst.coveredValue(used) - with.value) <= tie, "\(tag): reported \(with.value)")
            #expect(with.value <= optimum + tie, "\(tag)")
            #expect(with.value >= without.value - tie, "\(tag): \(with.value) < \(without.value) without the support search")
            if with.value <= without.value + tie {
                // Nothing better found: the same answer, sites included.
                #expect(with.chosen == without.chosen, "\(tag)")
            }
            #expect(with.bound >= optimum - tie, "\(tag): bound \(with.bound) < optimum \(optimum)")
            #expect(with.bound <= without.bound + tie, "\(tag): the bound moved up")
            if with.proven { #expect(abs(with.value - optimum) <= tie, "\(tag): claims optimal") }
            if without.proven { #expect(with.proven && with.nodes == without.nodes, "\(tag): a proven search ran it") }
        }
    }

    @Test("past the deadline it does not run: the same outcome with and without it", arguments: 0..<6)
    func deadline(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(23_000 + seed), demand: 80, candidates: 24, plane: true)
        let (model, _) = inst.coverageModel()
        func run(_ support: Bool) -> CoverageSolver.Outcome {
            var tuning = SolverTuning.standard
            tuning.supportSearch = support
            tuning.supportShare = 0
            tuning.supportMaximumFraction = 1
            let limits = EffortLimit(nodes: 1_000_000, deadline: ContinuousClock.now - .seconds(1))
            var solver = CoverageSolver(model: model, p: 4, budget: CoverageSolver.Budget(limits: limits, tuning: tuning),
                                        progress: .silent)
            return solver.solve()
        }
        let with = run(true), without = run(false)
        #expect(with.chosen == without.chosen && with.value == without.value && with.bound == without.bound)
        #expect(with.nodes == without.nodes && with.lagrangeIterations == without.lagrangeIterations)
    }

    @Test("with every site in the support and every count allowed, the search finds the optimum (areas solved alone, then allotted)", arguments: 0..<12)
    func exactOnTheWholeProblem(seed: Int) throws {
        // Short reach on a line: the sites fall into several areas that share no demand.
        let inst = SmallInstance(seed: UInt64(22_000 + seed), demand: 40 + seed, candidates: 14 + seed % 5, fractional: seed % 3 == 1,
                                 plane: seed % 2 == 1)
        let (model, order) = inst.coverageModel()
        for p in [2, 3, 4] where p < model.candidateCount {
            var tuning = SolverTuning.standard
            tuning.supportShare = 0
            tuning.supportMaximumFraction = 1
            tuning.supportShift = p
            let budget = CoverageSolver.Budget(limits: EffortLimit(nodes: 1_000_000), tuning: tuning)
            var solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
            // A weak start: the p sites covering least.
            let weakest = (0..<model.candidateCount).sorted { (model.value([$0]), $0) < (model.value([$1]), $1) }
            let start = Array(weakest.prefix(p))
            solver.incumbent.offer(start, value: model.value(start))
            let all = Array(0..<model.candidateCount)
            let areas = solver.areas(of: all)
            #expect(areas.flatMap { $0 }.sorted() == all)
            for (a, area) in areas.enumerated() {
                let groups = Set(area.flatMap { Array(model.byCandidate.row($0)) })
                for (b, other) in areas.enumerated() where b > a {
                    #expect(groups.isDisjoint(with: other.flatMap { Array(model.byCandidate.row($0)) }), "seed \(seed): areas \(a), \(b) share demand")
                }
            }
            _ = solver.searchSupport(free: all, share: [Double](repeating: 1, count: model.candidateCount), lambda: model.weight,
                                     bound: .infinity, nodesLeft: 1_000_000)
            let optimum = inst.optimum(p, capacitated: false)
            let used = solver.incumbent.sites.map { order[model.sortedIndex[$0]] }
            #expect(abs(solver.incumbent.value - optimum) <= 1e-9 * max(1, optimum),
                    "seed \(seed) p \(p): \(solver.incumbent.value) vs \(optimum) (\(areas.count) areas)")
            #expect(abs(inst.coveredValue(used) - solver.incumbent.value) <= 1e-9 * max(1, optimum))
            #expect(used.count <= p)
        }
    }
}
