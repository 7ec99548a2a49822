import TestSupport
import Testing
@testable import Optimization

/// The decomposition (Decomposition.swift) against exhaustive enumeration on small random
/// instances, some built to split into components that share no demand (short reach), some not:
/// when it claims a proof the answer is the optimum, its bound is never below the optimum, and one
/// and two threads give the same outcome.
@Suite("Decomposition by components at the root")
struct DecompositionTests {
    /// Weak heuristics and a short root, so the root does not prove the incumbent and the
    /// decomposition (with components of any size) has room.
    func solve(_ model: CoverageModel, p: Int, seed: Int, decomposition: Bool, threads: Int, nodes: Int = 1_000_000) -> CoverageSolver.Outcome {
        var tuning = SolverTuning.standard
        tuning.tabuSteps = 0
        tuning.kicks = 0
        tuning.rootIterations = 4 + seed % 3 * 10
        tuning.nodeIterations = 10
        tuning.nodeProgressWindow = 3
        tuning.decomposition = decomposition
        tuning.decompositionMinimumSites = 1 + seed % 3
        tuning.decompositionMinimumOpen = 0
        tuning.supportSearch = false
        var budget = CoverageSolver.Budget(limits: EffortLimit(nodes: nodes), tuning: tuning)
        budget.threads = threads
        budget.coreHandoff = seed % 2 == 0
        var solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
        return solver.solve()
    }

    func instance(_ seed: Int, separated: Bool) -> SmallInstance {
        separated
            ? SmallInstance(seed: UInt64(31_000 + seed), demand: 40 + seed, candidates: 14 + seed % 5, fractional: seed % 3 == 1, plane: false)
            : SmallInstance(seed: UInt64(32_000 + seed), demand: 80 + seed, candidates: 20 + seed % 4, fractional: seed % 4 == 3, plane: true)
    }

    @Test("the whole search with the decomposition: proven means optimal, the bound at least the optimum, one and two threads the same", arguments: 0..<16)
    func againstEnumeration(seed: Int) throws {
        for separated in [true, false] {
            let inst = instance(seed, separated: separated)
            let (model, order) = inst.coverageModel()
            for p in [2, 3, 4, 5] where p < model.candidateCount {
                let tag = "seed \(seed) separated \(separated) p \(p)"
                let optimum = inst.optimum(p, capacitated: false)
                let tie = 1e-9 * max(1, optimum)
                for nodes in [1_000_000, 3] {
                    let one = solve(model, p: p, seed: seed, decomposition: true, threads: 1, nodes: nodes)
                    let two = solve(model, p: p, seed: seed, decomposition: true, threads: 2, nodes: nodes)
                    #expect(one.chosen == two.chosen && one.value == two.value && one.bound == two.bound, "\(tag)")
                    #expect(one.proven == two.proven && one.nodes == two.nodes && one.lagrangeIterations == two.lagrangeIterations, "\(tag)")
                    let used = one.chosen.map { order[model.sortedIndex[$0]] }
                    #expect(used.count <= p, "\(tag)")
                    #expect(one.nodes <= nodes, "\(tag): \(one.nodes) nodes")
                    #expect(abs(inst.coveredValue(used) - one.value) <= tie, "\(tag): reported \(one.value)")
                    #expect(one.value <= optimum + tie, "\(tag)")
                    #expect(one.bound >= optimum - tie, "\(tag): bound \(one.bound) < optimum \(optimum)")
                    if one.proven { #expect(abs(one.value - optimum) <= tie, "\(tag): claims optimal at \(one.value), optimum \(optimum)") }
                    if nodes > 1_000 { #expect(one.proven, "\(tag): unproven with no effective limit") }
                }
            }
        }
    }

    @Test("called on the whole problem from a weak start: components that share no demand, and the optimum proven", arguments: 0..<12)
    func exactOnTheWholeProblem(seed: Int) throws {
        let inst = instance(seed, separated: true)
        let (model, order) = inst.coverageModel()
        for p in [2, 3, 4] where p < model.candidateCount {
            var tuning = SolverTuning.standard
            tuning.decompositionMinimumSites = 1
            tuning.decompositionMinimumOpen = 0
            let budget = CoverageSolver.Budget(limits: EffortLimit(nodes: 1_000_000), tuning: tuning)
            var solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
            let weakest = (0..<model.candidateCount).sorted { (model.value([$0]), $0) < (model.value([$1]), $1) }
            let start = Array(weakest.prefix(p))
            solver.incumbent.offer(start, value: model.value(start))
            let all = Array(0..<model.candidateCount)
            let parts = solver.openComponents(free: all, fixedIn: [], fixedOut: []).components
            #expect(parts.flatMap { $0 }.sorted() == all)
            for (a, part) in parts.enumerated() {
                let groups = Set(part.flatMap { Array(model.byCandidate.row($0)) })
                for (b, other) in parts.enumerated() where b > a {
                    #expect(groups.isDisjoint(with: other.flatMap { Array(model.byCandidate.row($0)) }), "seed \(seed): components \(a), \(b) share demand")
                }
            }
            let root = CoverageSolver.Node(fixedIn: [], fixedOut: [], lambda: model.weight, bound: .infinity, theta: 1)
            let sub = CoverageSolver.Subproblem(root, model: model, p: p)
            let optimum = inst.optimum(p, capacitated: false)
            let tag = "seed \(seed) p \(p) (\(parts.count) components)"
            guard let out = solver.solveByComponents(sub: sub, fixedIn: [], fixedOut: [], lambda: model.weight, bound: model.total, nodes: 0) else {
                #expect(parts.count < 2, "\(tag): did not run")
                continue
            }
            let used = out.chosen.map { order[model.sortedIndex[$0]] }
            #expect(out.proven, "\(tag)")
            #expect(abs(out.value - optimum) <= 1e-9 * max(1, optimum), "\(tag): \(out.value) vs \(optimum)")
            #expect(abs(inst.coveredValue(used) - out.value) <= 1e-9 * max(1, optimum), "\(tag)")
            #expect(used.count <= p, "\(tag)")
        }
    }

    @Test("a fixed-in site's demand does not join components: the sites left split, the answer keeps it", arguments: 0..<8)
    func fixedInSplits(seed: Int) throws {
        let inst = instance(seed, separated: false)
        let (model, order) = inst.coverageModel()
        let p = 4
        let optimum = inst.optimum(p, capacitated: false)
        // Fix in the optimum's best single site when it is in some optimal answer: compare with the
        // best answer that holds it (enumeration through a second solve with it forced).
        var solver = CoverageSolver(model: model, p: p, budget: CoverageSolver.Budget(limits: EffortLimit(nodes: 1_000_000)), progress: .silent)
        solver.budget.tuning.decompositionMinimumSites = 1
        solver.budget.tuning.decompositionMinimumOpen = 0
        let reference = solver.solve()
        #expect(abs(reference.value - optimum) <= 1e-9 * max(1, optimum))
        let keep = reference.chosen[0]
        var fresh = CoverageSolver(model: model, p: p, budget: solver.budget, progress: .silent)
        fresh.incumbent.offer([keep], value: model.value([keep]))
        let root = CoverageSolver.Node(fixedIn: [], fixedOut: [], lambda: model.weight, bound: .infinity, theta: 1)
        let sub = CoverageSolver.Subproblem(root, model: model, p: p)
        let parts = fresh.openComponents(free: sub.free, fixedIn: [keep], fixedOut: []).components
        #expect(!parts.joined().contains(keep))
        if let out = fresh.solveByComponents(sub: sub, fixedIn: [keep], fixedOut: [], lambda: model.weight, bound: model.total, nodes: 0) {
            // Every answer holding `keep`: the reference answer holds it, so the optimum.
            #expect(out.chosen.contains(keep))
            #expect(out.proven && abs(out.value - optimum) <= 1e-9 * max(1, optimum), "seed \(seed): \(out.value) vs \(optimum)")
            #expect(abs(inst.coveredValue(out.chosen.map { order[model.sortedIndex[$0]] }) - out.value) <= 1e-9 * max(1, optimum))
        }
    }
    /// The best value of `p` sites by enumeration of every p-subset of the model's columns.
    func enumerated(_ model: CoverageModel, p: Int) -> Double {
        var best = 0.0
        var pick: [Int] = []
        func walk(_ from: Int) {
            if pick.count == p || from == model.candidateCount {
                best = max(best, model.value(pick))
                return
            }
            for j in from..<model.candidateCount {
                pick.append(j)
                walk(j + 1)
                pick.removeLast()
            }
        }
        walk(0)
        return best
    }

    /// Clusters far apart: each cluster's sites cover random demand of that cluster only.
    func clustered(seed: Int) -> CoverageModel {
        var rng = SplitMix64(seed: UInt64(33_000 + seed))
        let clusters = 2 + seed % 3
        var weights: [Double] = []
        var lists: [[Int32]] = []
        for _ in 0..<clusters {
            let first = weights.count
            let demand = Int.random(in: 6...12, using: &rng)
            for _ in 0..<demand {
                weights.append(seed % 2 == 0 ? Double(Int.random(in: 1...9, using: &rng)) : Double.random(in: 0.5...7, using: &rng))
            }
            for _ in 0..<Int.random(in: 3...6, using: &rng) {
                let covers = (first..<weights.count).filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
                lists.append((covers.isEmpty ? [first] : covers).map(Int32.init))
            }
        }
        return CoverageModel(residual: weights, lists: lists)
    }

    @Test("clusters far apart: the decomposition runs, proves, and its answer is the enumerated optimum on one and two threads", arguments: 0..<12)
    func clusters(seed: Int) throws {
        let model = clustered(seed: seed)
        for p in [2, 3, 4, 5] where p < model.candidateCount {
            let optimum = enumerated(model, p: p)
            let tie = 1e-9 * max(1, optimum)
            var outcomes: [CoverageSolver.Outcome] = []
            for threads in [1, 2] {
                var tuning = SolverTuning.standard
                tuning.decompositionMinimumSites = 1
                tuning.decompositionMinimumOpen = 0
                var budget = CoverageSolver.Budget(limits: EffortLimit(nodes: 1_000_000), tuning: tuning)
                budget.threads = threads
                var solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
                let weakest = (0..<model.candidateCount).sorted { (model.value([$0]), $0) < (model.value([$1]), $1) }
                let start = Array(weakest.prefix(p))
                solver.incumbent.offer(start, value: model.value(start))
                let root = CoverageSolver.Node(fixedIn: [], fixedOut: [], lambda: model.weight, bound: .infinity, theta: 1)
                let sub = CoverageSolver.Subproblem(root, model: model, p: p)
                let parts = solver.openComponents(free: sub.free, fixedIn: [], fixedOut: []).components
                #expect(parts.count >= 2, "seed \(seed): \(parts.count) components")
                let ran = solver.solveByComponents(sub: sub, fixedIn: [], fixedOut: [], lambda: model.weight, bound: model.total, nodes: 0)
                let out = try #require(ran)
                #expect(out.proven, "seed \(seed) p \(p)")
                #expect(abs(out.value - optimum) <= tie, "seed \(seed) p \(p): \(out.value) vs \(optimum)")
                #expect(abs(model.value(out.chosen) - out.value) <= tie && out.chosen.count <= p)
                outcomes.append(out)
            }
            #expect(outcomes[0].chosen == outcomes[1].chosen && outcomes[0].nodes == outcomes[1].nodes
                    && outcomes[0].lagrangeIterations == outcomes[1].lagrangeIterations, "seed \(seed) p \(p)")
        }
    }
}
