import TestSupport
import Synchronization
import Testing
@testable import Optimization

/// A small random site-selection instance with its exhaustive answers.
struct SmallInstance {
    /// The covering model of the residual demand, its candidates in id order, and that order (the
    /// model's column k is candidate `order[k]`).
    func coverageModel() -> (CoverageModel, [Int]) {
        let residual = zip(weights, covered).map { $0 - $1 }
        let order = candidates.indices.sorted { candidates[$0].id < candidates[$1].id }
        return (CoverageModel(residual: residual, lists: order.map { candidates[$0].covers.map(Int32.init) }), order)
    }

    var weights: [Double]
    var covered: [Double]
    var candidates: [SiteCandidate]
    var existingRows: [[Int]]
    var existingCapacities: [Double]

    /// Demand and sites on a line (or, with `plane`, in a square with round neighbourhoods).
    init(seed: UInt64, demand n: Int = 30, candidates m: Int = 12, fractional: Bool = false, plane: Bool = false) {
        var rng = SplitMix64(seed: seed)
        let w = (0..<n).map { _ in
            fractional ? Double(Int.random(in: 1...40, using: &rng)) * 0.25 + 0.1 : Double(Int.random(in: 1...10, using: &rng))
        }
        weights = w
        // Demand and sites on a line; a site covers the demand near it (overlapping neighbourhoods).
        let demandPos = (0..<n).map { _ in Double.random(in: 0..<100, using: &rng) }
        let demandY = (0..<n).map { _ in plane ? Double.random(in: 0..<100, using: &rng) : 0 }
        candidates = (0..<m).map { k in
            let x = Double.random(in: 0..<100, using: &rng)
            let y = plane ? Double.random(in: 0..<100, using: &rng) : 0
            let r = plane ? Double.random(in: 15..<28, using: &rng) : Double.random(in: 8..<22, using: &rng)
            let covers = (0..<n).filter { ((demandPos[$0] - x) * (demandPos[$0] - x) + (demandY[$0] - y) * (demandY[$0] - y)).squareRoot() <= r }
            let label = m - 1 - k  // id order differs from index order
            return SiteCandidate(id: "site-\(label < 10 ? "0" : "")\(label)", covers: covers,
                                 seats: Double(Int.random(in: 4...30, using: &rng)))
        }
        covered = (0..<n).map { i in Double.random(in: 0..<1, using: &rng) < 0.2 ? w[i] : 0 }
        existingCapacities = (0..<3).map { _ in Double(Int.random(in: 5...25, using: &rng)) }
        let stationPos = (0..<3).map { _ in Double.random(in: 0..<100, using: &rng) }
        existingRows = (0..<n).map { i in (0..<3).filter { abs(stationPos[$0] - demandPos[i]) <= 12 } }
    }

    var uncapacitated: SiteSelectionProblem {
        SiteSelectionProblem(weights: weights, alreadyCovered: covered, candidates: candidates)
    }

    var capacitated: SiteSelectionProblem {
        SiteSelectionProblem(weights: weights, existing: ExistingStations(
            capacities: existingCapacities, reach: try! Reach(rows: existingRows, columnCount: 3)), candidates: candidates)
    }

    func coveredValue(_ set: [Int]) -> Double {
        var hit = [Bool](repeating: false, count: weights.count)
        for k in set { for i in candidates[k].covers { hit[i] = true } }
        var v = 0.0
        for i in weights.indices where hit[i] { v += weights[i] - covered[i] }
        return v
    }

    func servedValue(_ set: [Int]) -> Double {
        var rows = existingRows
        for (slot, k) in set.enumerated() { for i in candidates[k].covers { rows[i].append(3 + slot) } }
        let caps = existingCapacities + set.map { candidates[$0].seats }
        let all = referenceMaxFlow(weights: weights, capacities: caps, rows: rows)
        return all - referenceMaxFlow(weights: weights, capacities: existingCapacities, rows: existingRows)
    }

    /// Every subset of exactly `p` candidates (or all of them when fewer).
    func subsets(_ p: Int) -> [[Int]] {
        let m = candidates.count
        if p >= m { return [Array(0..<m)] }
        var out: [[Int]] = []
        var current: [Int] = []
        func go(_ start: Int) {
            if current.count == p { out.append(current); return }
            if start == m { return }
            for k in start..<m {
                current.append(k)
                go(k + 1)
                current.removeLast()
            }
        }
        go(0)
        return out
    }

    func optimum(_ p: Int, capacitated: Bool) -> Double {
        subsets(p).map { capacitated ? servedValue($0) : coveredValue($0) }.max() ?? 0
    }
}

@Suite("Site selection (MCLP) against exhaustive enumeration")
struct SiteSelectionTests {
    func check(_ r: SiteSelection, optimum: Double, instance: SmallInstance, capacitated: Bool, label: String) {
        #expect(abs(r.objective - optimum) <= 1e-9 * max(1, optimum), "\(label): objective \(r.objective) vs optimum \(optimum)")
        #expect(r.upperBound >= optimum - 1e-9 * max(1, optimum), "\(label): bound \(r.upperBound) below optimum \(optimum)")
        #expect(r.upperBound >= r.objective)
        if r.provenOptimal { #expect(abs(r.objective - optimum) <= 1e-9 * max(1, optimum), "\(label): claims optimal") }
        // The objective is what the chosen sites really give, and the gains add up to it.
        let chosen = r.sites.map(\.candidateIndex)
        let real = capacitated ? instance.servedValue(chosen) : instance.coveredValue(chosen)
        #expect(abs(real - r.objective) <= 1e-9 * max(1, real), "\(label): reported \(r.objective), real \(real)")
        #expect(abs(r.sites.reduce(0) { $0 + $1.gain } - r.objective) <= 1e-7)
        for s in r.sites { #expect(instance.candidates[s.candidateIndex].id == s.id) }
    }

    @Test("uncapacitated: equals the exhaustive optimum, bound never below it", arguments: 0..<20)
    func uncapacitated(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(1000 + seed), fractional: seed % 4 == 3)
        for p in 1...4 {
            let r = try selectSites(inst.uncapacitated, goal: .count(p))
            check(r, optimum: inst.optimum(p, capacitated: false), instance: inst, capacitated: false, label: "seed \(seed) p \(p)")
            #expect(r.sites.count <= p)
            // Small instances are solved to the end within the default effort: the proof must say so.
            #expect(r.provenOptimal, "seed \(seed) p \(p): not proven")
        }
    }

    @Test("uncapacitated with a tiny node budget: still a valid bound and a real objective", arguments: 0..<10)
    func budgeted(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(2000 + seed), demand: 40, candidates: 14)
        for p in [2, 3] {
            let r = try selectSites(inst.uncapacitated, goal: .count(p), options: SiteSelectionOptions(nodeLimit: 1))
            let opt = inst.optimum(p, capacitated: false)
            #expect(r.upperBound >= opt - 1e-9)
            #expect(r.objective <= opt + 1e-9)
            if r.provenOptimal { #expect(abs(r.objective - opt) < 1e-9) }
        }
    }

    @Test("capacitated: newly served demand equals the exhaustive optimum", arguments: 0..<12)
    func capacitated(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(3000 + seed), fractional: seed % 3 == 2)
        for p in 1...3 {
            let r = try selectSites(inst.capacitated, goal: .count(p), options: SiteSelectionOptions(capacitated: true))
            check(r, optimum: inst.optimum(p, capacitated: true), instance: inst, capacitated: true, label: "seed \(seed) p \(p)")
            #expect(r.provenOptimal, "seed \(seed) p \(p): not proven")
            // The sites' loads are the new sites' share of one maximum assignment: they add up to at
            // least the newly served demand (existing stations may hand demand over to them).
            #expect(r.sites.reduce(0) { $0 + $1.served } >= r.objective - 1e-7)
            for s in r.sites {
                #expect(s.served <= inst.candidates[s.candidateIndex].seats + 1e-9)
                #expect(Double(s.suggestedSeats) >= s.served - 1e-9)
            }
        }
    }

    @Test("target mode: the fewest sites, or a clear unreachable answer", arguments: 0..<10)
    func target(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(4000 + seed))
        let total = inst.weights.reduce(0, +)
        let before = inst.covered.reduce(0, +)
        let allValue = inst.coveredValue(Array(inst.candidates.indices))
        for pct in [30.0, 60.0, 85.0, 99.0] {
            let r = try selectSites(inst.uncapacitated, goal: .targetPercent(pct))
            let goal = pct / 100 * total
            if before + allValue + 1e-9 < goal {
                guard case .unreachable(let count, let best, _)? = r.target else {
                    Issue.record("seed \(seed) \(pct)%: expected unreachable, got \(String(describing: r.target))")
                    continue
                }
                #expect(count == inst.candidates.count)
                #expect(abs(best - 100 * (before + allValue) / total) < 1e-9)
                continue
            }
            // Exhaustive fewest.
            var fewest = 0
            while before + inst.optimum(fewest, capacitated: false) + 1e-9 < goal { fewest += 1 }
            if fewest == 0 { #expect(r.sites.isEmpty); continue }
            #expect(r.sites.count == fewest, "seed \(seed) \(pct)%: \(r.sites.count) sites, fewest \(fewest)")
            #expect(r.percentAfter + 1e-9 >= pct)
            #expect(r.target == .reached(provenFewest: true))
        }
    }

    @Test("capacitated target mode reaches the served target with the fewest sites", arguments: 0..<4)
    func capacitatedTarget(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(5000 + seed), demand: 20, candidates: 8)
        let total = inst.weights.reduce(0, +)
        let base = referenceMaxFlow(weights: inst.weights, capacities: inst.existingCapacities, rows: inst.existingRows)
        let allGain = inst.servedValue(Array(inst.candidates.indices))
        let pct = 100 * (base + allGain * 0.8) / total
        let r = try selectSites(inst.capacitated, goal: .targetPercent(pct), options: SiteSelectionOptions(capacitated: true))
        var fewest = 0
        while base + inst.optimum(fewest, capacitated: true) + 1e-9 < pct / 100 * total { fewest += 1 }
        #expect(r.sites.count == fewest)
        #expect(r.target == .reached(provenFewest: true))

    }

    @Test("deterministic: same input twice, and shuffled candidates, give the same ids")
    func determinism() throws {
        var rng = SplitMix64(seed: 99)
        for seed in 0..<8 {
            let inst = SmallInstance(seed: UInt64(6000 + seed), demand: 60, candidates: 25)
            for capacitated in [false, true] {
                let problem = capacitated ? inst.capacitated : inst.uncapacitated
                let options = SiteSelectionOptions(capacitated: capacitated)
                let a = try selectSites(problem, goal: .count(4), options: options)
                let b = try selectSites(problem, goal: .count(4), options: options)
                #expect(a == b)
                var shuffled = problem
                shuffled.candidates.shuffle(using: &rng)
                let c = try selectSites(shuffled, goal: .count(4), options: options)
                #expect(c.sites.map(\.id) == a.sites.map(\.id))
                #expect(c.objective == a.objective)
                #expect(c.upperBound == a.upperBound)
            }
        }
    }

    @Test("ties break by candidate id: identical sites, the first id wins")
    func ties() throws {
        let candidates = [
            SiteCandidate(id: "b", covers: [0, 1]),
            SiteCandidate(id: "a", covers: [0, 1]),
            SiteCandidate(id: "c", covers: [2]),
        ]
        let r = try selectSites(SiteSelectionProblem(weights: [1, 1, 1], candidates: candidates), goal: .count(1))
        #expect(r.sites.map(\.id) == ["a"])
        #expect(r.provenOptimal)
        let r2 = try selectSites(SiteSelectionProblem(weights: [1, 1, 2], candidates: candidates), goal: .count(1))
        #expect(r2.sites.map(\.id) == ["a"])  // 2 = 2: the tie goes to "a" before "c"
    }

    @Test("branch and bound on the reduced core (weak root on purpose) finds and proves the optimum")
    func coreBranching() throws {
        var coreRuns = 0
        for seed in 0..<16 {
            let inst = SmallInstance(seed: UInt64(9000 + seed), demand: 60, candidates: 16, plane: true)
            let residual = zip(inst.weights, inst.covered).map { $0 - $1 }
            let order = inst.candidates.indices.sorted { inst.candidates[$0].id < inst.candidates[$1].id }
            let lists = order.map { inst.candidates[$0].covers.map(Int32.init) }
            let model = CoverageModel(residual: residual, lists: lists)
            for p in [3, 4] {
                let stages = Mutex<[String]>([])
                // Ten root iterations leave the bound open, and any fixing hands over to the core.
                var tuning = SolverTuning.standard
                tuning.tabuSteps = 0
                tuning.kicks = 0
                tuning.coreFraction = 0
                tuning.rootIterations = 10
                var solver = CoverageSolver(model: model, p: p, budget: CoverageSolver.Budget(
                    limits: EffortLimit(nodes: 100_000), tuning: tuning),
                    progress: ProgressReporter(prefix: "", sink: { p in stages.withLock { $0.append(p.stage) } }))
                let out = solver.solve()
                let optimum = inst.optimum(p, capacitated: false)
                #expect(abs(out.value - optimum) < 1e-9, "seed \(seed) p \(p): \(out.value) vs \(optimum)")
                #expect(out.proven)
                #expect(out.bound >= optimum - 1e-9)
                #expect(abs(model.value(out.chosen) - out.value) < 1e-9)
                let used = out.chosen.map { order[model.sortedIndex[$0]] }
                #expect(abs(inst.coveredValue(used) - optimum) < 1e-9)
                if stages.withLock({ $0.contains { $0.hasPrefix("core:") } }) { coreRuns += 1 }
            }
        }
        #expect(coreRuns >= 3, "only \(coreRuns) runs went through the core search")
    }

    @Test("capacitated with a tiny budget: the bound stays a proof")
    func capacitatedBudget() throws {
        for seed in 0..<6 {
            let inst = SmallInstance(seed: UInt64(7000 + seed), demand: 40, candidates: 12)
            let options = SiteSelectionOptions(capacitated: true, nodeLimit: 10)
            for p in [2, 3] {
                let r = try selectSites(inst.capacitated, goal: .count(p), options: options)
                let opt = inst.optimum(p, capacitated: true)
                #expect(r.upperBound >= opt - 1e-9, "seed \(seed) p \(p): bound \(r.upperBound) < optimum \(opt)")
                #expect(r.objective <= opt + 1e-9)
                if r.provenOptimal { #expect(abs(r.objective - opt) < 1e-9) }
            }
        }
    }

    @Test("unreachable target: all candidates and the reason are named")
    func unreachable() throws {
        // Demand 2 (weight 5 of 8) is within reach of nothing.
        let problem = SiteSelectionProblem(weights: [1, 2, 5], candidates: [
            SiteCandidate(id: "a", covers: [0]), SiteCandidate(id: "b", covers: [1]),
        ])
        let r = try selectSites(problem, goal: .targetPercent(90))
        guard case .unreachable(let count, let best, let reason)? = r.target else {
            Issue.record("expected unreachable, got \(String(describing: r.target))")
            return
        }
        #expect(count == 2)
        #expect(abs(best - 37.5) < 1e-9)
        #expect(reason.contains("37.5%"))
        #expect(reason.contains("weight 5"))
        let reached = try selectSites(problem, goal: .targetPercent(25))
        #expect(reached.sites.map(\.id) == ["b"])
        #expect(reached.target == .reached(provenFewest: true))
    }

    @Test("progress is reported during a solve")
    func progress() throws {
        let seen = Mutex<[String]>([])
        let inst = SmallInstance(seed: 8000, demand: 60, candidates: 25)
        _ = try selectSites(inst.uncapacitated, goal: .count(3), options: SiteSelectionOptions(progress: { p in
            seen.withLock { $0.append(p.stage) }
        }))
        let stages = seen.withLock { $0 }
        #expect(stages.contains { $0.hasPrefix("reduced to") })
        #expect(stages.contains("heuristic"))
    }

    @Test("bad input is refused")
    func badInput() {
        #expect(throws: OptimizationError.self) {
            _ = try selectSites(SiteSelectionProblem(weights: [1], candidates: [SiteCandidate(id: "x", covers: [1])]), goal: .count(1))
        }
        #expect(throws: OptimizationError.self) {
            _ = try selectSites(SiteSelectionProblem(weights: [1], candidates: [SiteCandidate(id: "x", covers: [0]), SiteCandidate(id: "x", covers: [])]), goal: .count(1))
        }
        #expect(throws: OptimizationError.self) {
            _ = try selectSites(SiteSelectionProblem(weights: [-1], candidates: []), goal: .count(1))
        }
        #expect(throws: OptimizationError.self) {
            _ = try selectSites(SiteSelectionProblem(weights: [1], candidates: []), goal: .targetPercent(120))
        }
    }
}

@Suite("Covering branch and bound: branching on the averaged relaxation, nodes that stop early")
struct CoverageBranchingTests {
    /// The covering model of a small planar instance, and its candidates in model order.
    func model(_ inst: SmallInstance) -> (CoverageModel, [Int]) {
        let residual = zip(inst.weights, inst.covered).map { $0 - $1 }
        let order = inst.candidates.indices.sorted { inst.candidates[$0].id < inst.candidates[$1].id }
        return (CoverageModel(residual: residual, lists: order.map { inst.candidates[$0].covers.map(Int32.init) }), order)
    }

    /// The solve's answer against the instance's optimum by enumeration: its value is what its
    /// sites cover, at most the optimum, the bound at least the optimum, "proven" only at the
    /// optimum, and (when `proofExpected`, no limit in the way) proven.
    func checkAgainstEnumeration(_ out: CoverageSolver.Outcome, _ inst: SmallInstance, model: CoverageModel, order: [Int], p: Int,
                                 proofExpected: Bool, tag: String) {
        let optimum = inst.optimum(p, capacitated: false)
        let used = out.chosen.map { order[model.sortedIndex[$0]] }
        #expect(abs(inst.coveredValue(used) - out.value) <= 1e-9 * max(1, optimum), "\(tag)")
        #expect(out.value <= optimum + 1e-9, "\(tag)")
        #expect(out.bound >= optimum - 1e-9 * max(1, optimum), "\(tag): bound \(out.bound) < optimum \(optimum)")
        if proofExpected {
            #expect(out.proven, "\(tag): not proven")
            #expect(abs(out.value - optimum) <= 1e-9 * max(1, optimum), "\(tag): \(out.value) vs \(optimum)")
        }
        if out.proven { #expect(abs(out.value - optimum) <= 1e-9 * max(1, optimum), "\(tag): claims optimal") }
    }

    @Test("weak root, no heuristics, tiny node windows: the tree alone finds and proves the optimum", arguments: 0..<12)
    func treeAlone(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(12_000 + seed), demand: 70, candidates: 22, fractional: seed % 3 == 2, plane: true)
        let (model, order) = model(inst)
        for p in [3, 4] {
            var tuning = SolverTuning.standard
            tuning.tabuSteps = 0
            tuning.kicks = 0
            tuning.rootIterations = 5
            tuning.nodeIterations = 12
            tuning.nodeProgressWindow = 2 + seed % 3   // nodes give up after a few flat iterations
            var budget = CoverageSolver.Budget(limits: EffortLimit(nodes: 1_000_000), tuning: tuning)
            budget.coreHandoff = false
            var solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
            let out = solver.solve()
            let optimum = inst.optimum(p, capacitated: false)
            #expect(out.proven, "seed \(seed) p \(p): not proven")
            #expect(abs(out.value - optimum) <= 1e-9 * max(1, optimum), "seed \(seed) p \(p): \(out.value) vs \(optimum)")
            #expect(out.bound >= optimum - 1e-9 * max(1, optimum))
            let used = out.chosen.map { order[model.sortedIndex[$0]] }
            #expect(abs(inst.coveredValue(used) - out.value) <= 1e-9 * max(1, optimum))
        }
    }

    @Test("a root that stops at a node's pace (as a core's does): proven optimum without a limit; stopped after a few nodes (the root then runs its full course for the bound), bound ≥ optimum ≥ answer", arguments: 0..<12)
    func pacedRoot(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(16_000 + seed), demand: 70, candidates: 22, fractional: seed % 3 == 1, plane: true)
        let (model, order) = model(inst)
        for p in [3, 4, 5] {
            for nodeLimit in [1_000_000, 2 + seed % 5] {
                var tuning = SolverTuning.standard
                tuning.tabuSteps = 0
                tuning.kicks = 0
                tuning.nodeIterations = 20
                tuning.nodeProgressWindow = 2 + seed % 4   // the root gives up after a few flat iterations
                var budget = CoverageSolver.Budget(limits: EffortLimit(nodes: nodeLimit), tuning: tuning)
                budget.coreHandoff = seed % 2 == 0
                budget.rootStopsAtPace = true
                var solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
                let out = solver.solve()
                checkAgainstEnumeration(out, inst, model: model, order: order, p: p, proofExpected: nodeLimit == 1_000_000,
                                        tag: "seed \(seed) p \(p) limit \(nodeLimit)")
            }
        }
    }

    @Test("a core model built from a model's groups: multipliers summed over merged groups keep every column's value", arguments: 0..<8)
    func coreMultipliers(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(14_000 + seed), demand: 80, candidates: 24, plane: true)
        let (model, _) = model(inst)
        var rng = SplitMix64(seed: UInt64(15_000 + seed))
        // Any multipliers in the box, and a core of about half the columns.
        let lambda = model.weight.map { Double.random(in: 0...$0, using: &rng) }
        let core = (0..<model.candidateCount).filter { _ in Bool.random(using: &rng) }
        let lists = core.map { Array(model.byCandidate.row($0)) }
        let coreModel = CoverageModel(residual: model.weight, lists: lists)
        var start = [Double](repeating: 0, count: coreModel.groupCount)
        var mergedWeight = [Double](repeating: 0, count: coreModel.groupCount)
        for (g, cg) in coreModel.groupOfNode.enumerated() where cg >= 0 {
            start[cg] += lambda[g]
            mergedWeight[cg] += model.weight[g]
        }
        for cg in 0..<coreModel.groupCount {
            #expect(abs(mergedWeight[cg] - coreModel.weight[cg]) <= 1e-9, "group \(cg): weights do not add up")
            #expect(start[cg] <= coreModel.weight[cg] + 1e-9)
        }
        for (k, listIndex) in coreModel.sortedIndex.enumerated() {
            let parent = core[listIndex]
            let before = model.byCandidate.row(parent).reduce(0.0) { $0 + lambda[Int($1)] }
            let after = coreModel.byCandidate.row(k).reduce(0.0) { $0 + start[Int($1)] }
            #expect(abs(before - after) <= 1e-9 * max(1, before), "column \(parent): \(before) vs \(after)")
        }
        // A group no core column covers is dropped, and only those.
        for g in 0..<model.groupCount {
            let reached = core.contains { model.byCandidate.row($0).contains(Int32(g)) }
            #expect((coreModel.groupOfNode[g] >= 0) == reached, "group \(g)")
        }
    }

    @Test("Lagrangian probing at every root (no size threshold), weak heuristics, one or two chains, on one and two threads: a site is fixed out only on a proof, so the optimum is found and proven; stopped after a few nodes, bound ≥ optimum ≥ answer", arguments: 0..<16)
    func probing(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(17_000 + seed), demand: 70 + seed, candidates: 22 + seed % 5, fractional: seed % 4 == 3,
                                 plane: true)
        let (model, order) = model(inst)
        for p in [2, 3, 4, 5] {
            for nodeLimit in [1_000_000, 1 + seed % 3] {
                for (chains, threads) in [(1, 1), (2, 1), (2, 2)] {
                    var budget = CoverageSolver.Budget(limits: EffortLimit(nodes: nodeLimit), tuning: weakProbingTuning(seed, chains: chains))
                    budget.coreHandoff = seed % 3 != 0
                    budget.threads = threads
                    var solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
                    let out = solver.solve()
                    checkAgainstEnumeration(out, inst, model: model, order: order, p: p, proofExpected: nodeLimit == 1_000_000,
                                            tag: "seed \(seed) p \(p) limit \(nodeLimit) chains \(chains) threads \(threads)")
                }
            }
        }
    }

    /// Probing at every root with weak heuristics (so that it has sites to fix), its two chains
    /// merged every 1–3 passes over the links.
    func weakProbingTuning(_ seed: Int, chains: Int) -> SolverTuning {
        var tuning = SolverTuning.standard
        tuning.tabuSteps = 0
        tuning.kicks = 0
        tuning.rootIterations = seed % 2 == 0 ? 40 : 1_000
        tuning.nodeIterations = 20 + seed % 3 * 20
        tuning.nodeProgressWindow = 2 + seed % 5
        tuning.probingMinimumFree = 0
        tuning.probingShare = [0.01, 0.03, 0.1][seed % 3]
        tuning.probingChains = chains
        tuning.probingSyncPasses = 1 + seed % 3
        return tuning
    }

    @Test("probing's two chains on one thread and on two: the same sites, value, bound, proof, nodes and passes, with a node or work limit or none", arguments: 0..<12)
    func probingThreads(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(18_000 + seed), demand: 160 + seed, candidates: 40 + seed % 4, fractional: seed % 3 == 2,
                                 plane: true)
        let (model, _) = model(inst)
        for p in [3, 4, 5, 6] {
            var limits = EffortLimit(nodes: [1_000_000, 2, 1_000_000][seed % 3])
            if seed % 3 == 2 { limits.work = model.byCandidate.edgeCount * (5 + seed) }  // probing stops at its allowance
            var outcomes: [CoverageSolver.Outcome] = []
            for threads in [1, 2] {
                var tuning = weakProbingTuning(seed, chains: 2)
                tuning.rootIterations = 20 + seed % 3 * 10
                var budget = CoverageSolver.Budget(limits: limits, tuning: tuning)
                budget.threads = threads
                var solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
                outcomes.append(solver.solve())
            }
            let (one, two) = (outcomes[0], outcomes[1])
            let tag = "seed \(seed) p \(p)"
            #expect(one.chosen == two.chosen, "\(tag)")
            #expect(one.value == two.value && one.bound == two.bound && one.proven == two.proven, "\(tag)")
            #expect(one.nodes == two.nodes && one.lagrangeIterations == two.lagrangeIterations, "\(tag)")
        }
    }

    @Test("stopped after a few nodes: bound ≥ optimum ≥ answer, optimal only when equal", arguments: 0..<12)
    func stoppedEarly(seed: Int) throws {
        let inst = SmallInstance(seed: UInt64(13_000 + seed), demand: 70, candidates: 22, plane: true)
        let (model, order) = model(inst)
        for p in [3, 4, 5] {
            var tuning = SolverTuning.standard
            tuning.tabuSteps = 0
            tuning.kicks = 0
            tuning.rootIterations = 8
            tuning.nodeIterations = 30
            tuning.nodeProgressWindow = 3
            var budget = CoverageSolver.Budget(limits: EffortLimit(nodes: 2 + seed % 5), tuning: tuning)
            budget.coreHandoff = seed % 2 == 0
            var solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
            let out = solver.solve()
            let optimum = inst.optimum(p, capacitated: false)
            let used = out.chosen.map { order[model.sortedIndex[$0]] }
            let real = inst.coveredValue(used)
            #expect(abs(real - out.value) <= 1e-9 * max(1, optimum))
            #expect(out.value <= optimum + 1e-9)
            #expect(out.bound >= optimum - 1e-9 * max(1, optimum), "seed \(seed) p \(p): bound \(out.bound) < optimum \(optimum)")
            if out.proven { #expect(abs(out.value - optimum) <= 1e-9 * max(1, optimum), "seed \(seed) p \(p): claims optimal") }
        }
    }
}
