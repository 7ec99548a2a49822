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
        let workers = try #require(makePassWorkers())
        defer { workers.stop() }
        let split = PassSplit(workers: workers, model: model)
        var rng = SplitMix64(seed: UInt64(seed))
        let G = model.groupCount, K = model.candidateCount
        for round in 0..<12 {
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
            var c1 = [Double](repeating: 0, count: K), c2 = c1
            var masked1: [Double] = [], masked2: [Double] = []
            var scratch: [ColumnIndex] = []
            let sum1 = CoverageSolver.columnValues(lambda: lambda, covered: covered, model: model, free: free, into: &c1, masked: &masked1)
            let (top1, next1) = CoverageSolver.top(q, of: free, values: c1)
            let mid = split.freeMid(free, model: model)
            let (sum2, top2, next2) = split.values(lambda: lambda, covered: covered, model: model, free: free, freeMid: mid, q: q,
                                                   into: &c2, masked: &masked2, scratch: &scratch)
            let tag = "seed \(seed) round \(round)"
            #expect(sum1.bitPattern == sum2.bitPattern, "\(tag): sum")
            #expect(free.allSatisfy { c1[$0].bitPattern == c2[$0].bitPattern }, "\(tag): column values")
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
          arguments: 0..<4)
    func splitPassesSameOutcome(seed: Int) throws {
        let model = uniformModel(seed: UInt64(500 + seed), demand: 700, candidates: 220, side: 6_000, radius: 1_000)
        var tuning = SolverTuning.standard
        tuning.parallelPassMinimumLinks = 0
        tuning.parallelSmoothingMinimumColumns = seed % 2 == 0 ? 0 : 40
        // Probing on these small models too, and a tree after it.
        tuning.probingMinimumFree = 10
        for p in [6, 9] {
            for core in [true, false] {
                let one = solve(model, p: p, tuning: tuning, nodes: 1_000_000, threads: 1, core: core)
                let two = solve(model, p: p, tuning: tuning, nodes: 1_000_000, threads: 2, core: core)
                expectSame(one, two, "seed \(seed) p \(p) core \(core)")
                #expect(one.proven, "seed \(seed) p \(p) core \(core): not proven")
            }
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
}
