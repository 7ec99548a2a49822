import TestSupport
import Testing
@testable import Optimization

/// The smoothed dual's passes split over two threads (`PassSplit`, PassTeam.swift) must give the
/// values of the one-thread loops to the bit, and a solve with them the outcome of one thread.
/// (An extension of the two-thread suite, so that ThreadSanitizer runs it with the others.)
extension TwoThreadSelectionTests {
    /// A reduced model of a uniform random instance (see `uniform`).
    func uniformModel(seed: UInt64, demand: Int, candidates: Int, side: Double, radius: Double) -> CoverageModel {
        let problem = Self.uniform(seed: seed, demand: demand, candidates: candidates, side: side, radius: radius)
        let order = problem.candidates.indices.sorted { problem.candidates[$0].id < problem.candidates[$1].id }
        return CoverageModel(residual: problem.weights, lists: order.map { problem.candidates[$0].covers.map(Int32.init) })
    }

    @Test("a pass's column values, best columns, smoothed top-q and gradient on two threads equal the one-thread loops to the bit",
          arguments: 0..<6)
    func splitPassIsExact(seed: Int) throws {
        let model = uniformModel(seed: UInt64(400 + seed), demand: 500, candidates: 160, side: 5_000, radius: 900)
        // Odd seeds: the worker runs every second part (on a loaded machine it is often late, and
        // the caller would run both).
        let workers = try #require(makePassWorkers(alwaysWorker: seed % 2 == 1))
        defer { workers.stop() }
        let split = PassSplit(workers: workers, model: model)
        var rng = SplitMix64(seed: UInt64(seed))
        let G = model.groupCount, K = model.candidateCount
        for round in 0..<(underThreadSanitizer ? 6 : 12) {
            // Some groups covered (a fixed-in site), some columns not free; the root's groups
            // uncovered in the first rounds.
            var covered = [Bool](repeating: false, count: G)
            if round >= 3 {
                let fixed = Int.random(in: 0..<K, using: &rng)
                for g in model.byCandidate.row(fixed) { covered[Int(g)] = true }
            }
            let free = (0..<K).filter { _ in round < 6 || Double.random(in: 0..<1, using: &rng) < 0.8 }
            let q = 1 + round % 7
            guard free.count > q else { continue }
            // Multipliers with ties (repeated values), zeros and full weights.
            let lambda = (0..<G).map { g -> Double in
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: return 0
                case 1: return model.weight[g]
                case 2: return 0.5
                default: return Double.random(in: 0...model.weight[g], using: &rng)
                }
            }
            // The smoothed dual's passes hold λ at 0 on the covered groups instead of masking it.
            var zeroed = lambda
            for g in 0..<G where covered[g] { zeroed[g] = 0 }
            var c1 = [Double](repeating: 0, count: K), c2 = c1, c3 = c1
            var scratch: [ColumnIndex] = []
            let sum1 = CoverageSolver.columnValues(lambda: lambda, covered: covered, model: model, free: free, into: &c1)
            let (top1, next1) = CoverageSolver.top(q, of: free, values: c1)
            let sum3 = CoverageSolver.columnValues(zeroOnCovered: zeroed, covered: covered, model: model, free: free, into: &c3)
            let mid = split.freeMid(free, model: model, firstPartExtra: round * 300)
            let (sum2, top2, next2) = split.values(lambda: zeroed, covered: covered, model: model, free: free, freeMid: mid, q: q,
                                                   into: &c2, scratch: &scratch)
            let tag = "seed \(seed) round \(round)"
            #expect(sum1.bitPattern == sum2.bitPattern && sum1.bitPattern == sum3.bitPattern, "\(tag): sum")
            #expect(free.allSatisfy { c1[$0].bitPattern == c2[$0].bitPattern && c1[$0].bitPattern == c3[$0].bitPattern },
                    "\(tag): column values")
            #expect(top1 == top2, "\(tag): best columns \(top1) vs \(top2)")
            #expect(next1.bitPattern == next2.bitPattern, "\(tag): next")

            // The smoothed top-q, its shares and the gradient from them.
            for mu in [0.05, 1.0, 20.0] {
                var tau1 = 0.5 * (c1[top1[q - 1]] + next1), tau2 = tau1
                var x1 = [Double](repeating: 0, count: K), x2 = x1
                var active1: [ColumnIndex] = [], active2: [ColumnIndex] = []
                var terms1: [Double] = [], terms2: [Double] = []
                let v1 = CoverageSolver.smoothedTop(q, of: free, values: c1, next: next1, mu: mu, tau: &tau1, x: &x1, active: &active1,
                                                    terms: &terms1)
                let v2 = CoverageSolver.smoothedTop(q, of: free, values: c2, next: next2, mu: mu, tau: &tau2, x: &x2, active: &active2,
                                                    split: split, minimumColumns: 0, terms: &terms2)
                #expect(v1.bitPattern == v2.bitPattern && tau1.bitPattern == tau2.bitPattern, "\(tag) μ \(mu): smoothed value")
                #expect(active1 == active2 && x1.map(\.bitPattern) == x2.map(\.bitPattern), "\(tag) μ \(mu): shares")
                var g1 = [Double](repeating: 0, count: G), g2 = g1
                serialGradient(model: model, x: x1, active: active1, covered: covered, into: &g1)
                split.gradient(x: x2, active: active2, covered: covered, negligible: SmoothingTuning().negligible, model: model, into: &g2)
                #expect(g1.map(\.bitPattern) == g2.map(\.bitPattern), "\(tag) μ \(mu): gradient")
            }
        }
    }

    /// The gradient as `smoothRelax` computes it on one thread: one scatter over the active
    /// columns' links, in their order.
    func serialGradient(model: CoverageModel, x: [Double], active: [ColumnIndex], covered: [Bool], into grad: inout [Double]) {
        for g in grad.indices { grad[g] = -1 }
        for j in active where x[j] > SmoothingTuning().negligible {
            for g in model.byCandidate.row(j) { grad[Int(g)] += x[j] }
        }
        for g in grad.indices where covered[g] { grad[g] = 0 }
    }

    @Test("solves whose probing and resumed root split their passes over two threads (forced on small models) answer as one thread does",
          arguments: [2, 4])
    func splitPassesSameOutcome(seed: Int) throws {
        // Instances whose roots do not prove the optimum for p = 9, so that probing runs (on the
        // full model, and on the core handed over to when `core`).
        let model = uniformModel(seed: UInt64(500 + seed), demand: 700, candidates: 220, side: 6_000, radius: 1_000)
        var tuning = SolverTuning.standard
        tuning.parallelPassMinimumLinks = 0
        tuning.parallelSmoothingMinimumColumns = seed == 2 ? 0 : 40
        tuning.probingMinimumFree = 10
        let core = seed == 2
        let one = solve(model, p: 9, tuning: tuning, nodes: 1_000_000, threads: 1, core: core)
        let two = solve(model, p: 9, tuning: tuning, nodes: 1_000_000, threads: 2, core: core)
        expectSame(one, two, "seed \(seed) core \(core)")
        #expect(one.proven, "seed \(seed) core \(core): not proven")
    }

    @Test("a smoothed relaxation with its passes split gives the one-thread relaxation to the bit: at the root, resumed, and at probed nodes",
          arguments: 0..<3)
    func splitRelaxationIsExact(seed: Int) throws {
        let model = uniformModel(seed: UInt64(600 + seed), demand: 500, candidates: 160, side: 5_000, radius: 900)
        let workers = try #require(makePassWorkers(alwaysWorker: seed != 0))
        defer { workers.stop() }
        let split = PassSplit(workers: workers, model: model)
        var tuning = SolverTuning.standard
        tuning.parallelSmoothingMinimumColumns = seed
        var budget = CoverageSolver.Budget(limits: EffortLimit(nodes: 1_000), tuning: tuning)
        budget.threads = 2
        let p = 6
        // Each evaluation splits its passes between the threads: under TSan fewer of them.
        let evaluations = underThreadSanitizer ? 40 : 120
        var solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
        let start = (0..<model.groupCount).map { model.weight[$0] / 3 }
        // The root (nothing fixed), then nodes with a site fixed in (some groups covered).
        var rng = SplitMix64(seed: UInt64(seed))
        var fixings: [[ColumnIndex]] = [[]]
        for _ in 0..<(underThreadSanitizer ? 1 : 4) { fixings.append([Int.random(in: 0..<model.candidateCount, using: &rng)]) }
        for fixedIn in fixings {
            let node = CoverageSolver.Node(fixedIn: fixedIn, fixedOut: [], lambda: start, bound: .infinity, theta: 1)
            let sub = CoverageSolver.Subproblem(node, model: model, p: p)
            guard sub.free.count > sub.q else { continue }
            for resumed in [false, true] {
                var a = solver, b = solver
                let r1 = a.smoothRelax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: fixedIn, q: sub.q, lambda: start,
                                       evaluations: evaluations, polish: false, resumed: resumed, paced: resumed)
                let r2 = b.smoothRelax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: fixedIn, q: sub.q, lambda: start,
                                       evaluations: evaluations, polish: false, resumed: resumed, paced: resumed, split: split)
                let tag = "seed \(seed) fixed \(fixedIn) resumed \(resumed)"
                #expect(r1.ub.bitPattern == r2.ub.bitPattern, "\(tag): bound \(r1.ub) vs \(r2.ub)")
                #expect(r1.lambda.map(\.bitPattern) == r2.lambda.map(\.bitPattern), "\(tag): multipliers")
                #expect(r1.c.map(\.bitPattern) == r2.c.map(\.bitPattern) && r1.top == r2.top, "\(tag): column values")
                #expect(r1.share.map(\.bitPattern) == r2.share.map(\.bitPattern), "\(tag): shares")
                #expect(a.lagrangeIterations == b.lagrangeIterations && a.lagrangeIterations > 0, "\(tag): passes")
                #expect(a.incumbent.value == b.incumbent.value && a.incumbent.sites == b.incumbent.sites, "\(tag): incumbent")
                // Covered groups' multipliers come back as they went in.
                #expect(sub.covered.indices.allSatisfy { !sub.covered[$0] || r2.lambda[$0] == start[$0] }, "\(tag): covered multipliers")
            }
            solver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
        }
    }

    @Test("the pass workers run both parts of every split, on one thread when the worker is late, and stop once")
    func passWorkersRunBothParts() throws {
        let workers = try #require(makePassWorkers())
        var parts = [Int](repeating: 0, count: 2 * 5_000)
        parts.withUnsafeMutableBufferPointer { parts in
            for k in 0..<5_000 {
                workers.split { part in parts[2 * k + part] += 1 + part }
            }
        }
        workers.stop()
        workers.stop()
        #expect(parts.enumerated().allSatisfy { $0.element == 1 + $0.offset % 2 })
    }

    @Test("with the caller never taking the worker's part, the worker thread runs every second part")
    func alwaysWorkerRunsItsParts() throws {
        let workers = try #require(makePassWorkers(alwaysWorker: true))
        var parts = [Int](repeating: 0, count: 2 * 2_000)
        parts.withUnsafeMutableBufferPointer { parts in
            for k in 0..<2_000 {
                workers.split { part in parts[2 * k + part] += 1 + part }
            }
        }
        workers.stop()
        #expect(parts.enumerated().allSatisfy { $0.element == 1 + $0.offset % 2 })
        if #available(macOS 15.0, *), let team = workers as? PassTeam {
            #expect(team.workerParts.load(ordering: .relaxed) == 2_000)
        }
    }
}
