import TestSupport
import Testing
@testable import Optimization

/// The root's smoothed dual may stop as soon as reduced-cost fixing would hand the search over to
/// a core that is not probed (`SmoothingTuning.stopsAtHandover`). Stopping early changes how much
/// of the search runs in the core, never what it proves.
@Suite("The root's smoothed dual stopping at a core handover")
struct HandoverStopTests {
    /// A uniform random instance (links well above `splitMinimumLinks`), as a reduced model.
    func model(seed: UInt64) -> CoverageModel {
        let problem = TwoThreadSelectionTests.uniform(seed: seed, demand: 900, candidates: 260, side: 6_000, radius: 1_100)
        return CoverageModel(residual: problem.weights, lists: problem.candidates.map { $0.covers.map(Int32.init) })
    }

    func solve(_ m: CoverageModel, p: Int, stop: Bool, threads: Int) -> CoverageSolver.Outcome {
        var tuning = SolverTuning.standard
        tuning.smoothing.stopsAtHandover = stop
        var budget = CoverageSolver.Budget(limits: EffortLimit(nodes: 100_000), tuning: tuning)
        budget.threads = threads
        var solver = CoverageSolver(model: m, p: p, budget: budget, progress: .silent)
        return solver.solve()
    }

    /// The root relaxation of `seed`'s instance from a greedy-and-swaps incumbent: the passes it
    /// spent, whether it ended before its passes ran out, and whether the fixing then hands over.
    func rootStop(seed: Int, p: Int) -> (spent: Int, early: Bool, handsOver: Bool, smoothed: Bool) {
        let m = model(seed: UInt64(seed))
        var solver = CoverageSolver(model: m, p: p, budget: CoverageSolver.Budget(limits: EffortLimit(nodes: 100_000)),
                                    progress: .silent)
        // An incumbent as the heuristic start would give: greedy, then swaps.
        let everything = [Bool](repeating: true, count: m.candidateCount)
        var start = solver.lazyGreedy(start: [], count: p, allowed: everything)
        let value = solver.localSearch(&start, allowed: everything)
        solver.incumbent.offer(start, value: value)
        let free = Array(0..<m.candidateCount)
        let lambda = (0..<m.groupCount).map { m.weight[$0] / Double(m.byGroup.offsets[$0 + 1] - m.byGroup.offsets[$0]) }
        let covered = [Bool](repeating: false, count: m.groupCount)
        let settings = solver.tuning.smoothing
        let before = solver.lagrangeIterations
        let r = solver.rootRelax(covered: covered, base: 0, free: free, q: p, lambda: lambda, theta: solver.tuning.rootTheta,
                                 iterations: solver.tuning.rootIterations)
        let spent = solver.lagrangeIterations - before
        // The subgradient steps, the smoothed passes up to the stop, and the exact re-evaluations.
        return (spent, spent < settings.subgradientSteps + settings.evaluations, solver.handsOver(r, free: free, q: p), r.smoothed)
    }

    @Test("the root relaxation stops before its passes run out only at a point where the fixing hands over (and does stop on some instances)")
    func stopsWhereFixingHandsOver() {
        var early = 0
        for seed in 30...41 {
            #expect(model(seed: UInt64(seed)).byCandidate.edgeCount >= SolverTuning.standard.splitMinimumLinks)
            let r = rootStop(seed: seed, p: 8)
            // Without the smoothed dual the subgradient steps proved the incumbent: nothing stopped.
            if r.smoothed && r.early {
                early += 1
                #expect(r.handsOver, "seed \(seed): stopped after \(r.spent) passes where the fixing would not hand over")
            }
        }
        #expect(early >= 2, "only \(early) of 12 instances stopped early")
    }

    @Test("with and without the stop: the same optimum, proven, on one and two threads alike", arguments: [33, 34, 36])
    func sameOptimum(seed: Int) {
        let m = model(seed: UInt64(seed))
        let without = solve(m, p: 8, stop: false, threads: 1)
        let one = solve(m, p: 8, stop: true, threads: 1)
        let two = solve(m, p: 8, stop: true, threads: 2)
        #expect(without.proven && one.proven && two.proven, "seed \(seed): proven \(without.proven) \(one.proven) \(two.proven)")
        #expect(one.value == without.value, "seed \(seed): \(one.value) vs \(without.value)")
        #expect(abs(m.value(one.chosen) - one.value) <= 1e-9 * max(1, one.value))
        #expect(one.chosen == two.chosen && one.nodes == two.nodes && one.lagrangeIterations == two.lagrangeIterations,
                "seed \(seed): \(one.nodes)/\(one.lagrangeIterations) vs \(two.nodes)/\(two.lagrangeIterations)")
    }
}
