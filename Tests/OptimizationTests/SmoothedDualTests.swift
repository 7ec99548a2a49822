import Foundation
import TestSupport
import Testing
@testable import Optimization

/// The smoothed dual (`CoverageSolver.smoothRelax`) only steers the multipliers: every bound it
/// returns must be the Lagrangian value at its multipliers, computed here independently, and so
/// never below the best choice of p sites, found here by enumerating every choice.
@Suite("Smoothed Lagrangian dual against exhaustive enumeration")
struct SmoothedDualTests {
    /// A reduced model of a small random planar instance (some with fractional weights).
    func model(seed: UInt64) -> CoverageModel {
        let inst = SmallInstance(seed: seed, demand: 50, candidates: 13, fractional: seed % 3 == 0, plane: true)
        let residual = zip(inst.weights, inst.covered).map { $0 - $1 }
        let order = inst.candidates.indices.sorted { inst.candidates[$0].id < inst.candidates[$1].id }
        return CoverageModel(residual: residual, lists: order.map { inst.candidates[$0].covers.map(Int32.init) })
    }

    /// L(λ) = Σ_g max(0, r_g − λ_g) + (sum of the q largest c_j) over the groups not covered by
    /// `fixedIn` and the columns in `free`, plus the weight `fixedIn` covers.
    func lagrangian(_ m: CoverageModel, lambda: [Double], fixedIn: [Int], free: [Int], q: Int) -> Double {
        var covered = [Bool](repeating: false, count: m.groupCount)
        for j in fixedIn { for g in m.byCandidate.row(j) { covered[Int(g)] = true } }
        var value = 0.0
        for g in 0..<m.groupCount {
            value += covered[g] ? m.weight[g] : max(0, m.weight[g] - lambda[g])
        }
        let columns = free.map { j in m.byCandidate.row(j).reduce(0.0) { covered[Int($1)] ? $0 : $0 + lambda[Int($1)] } }
        return value + columns.sorted(by: >).prefix(q).reduce(0, +)
    }

    /// The best value of p columns that include `fixedIn` and avoid `fixedOut`.
    func best(_ m: CoverageModel, p: Int, fixedIn: [Int], fixedOut: [Int]) -> Double {
        let open = (0..<m.candidateCount).filter { !fixedIn.contains($0) && !fixedOut.contains($0) }
        let q = p - fixedIn.count
        var bestValue = -Double.infinity
        var current: [Int] = []
        func go(_ start: Int) {
            if current.count == q { bestValue = max(bestValue, m.value(fixedIn + current)); return }
            if start == open.count || open.count - start < q - current.count { return }
            for k in start..<open.count {
                current.append(open[k])
                go(k + 1)
                current.removeLast()
            }
        }
        go(0)
        return bestValue
    }

    @Test("every bound is L at the returned multipliers and at least the best choice: at the root and at nodes",
          arguments: 0..<24)
    func boundIsExact(seed: Int) {
        let m = model(seed: UInt64(31_000 + seed))
        var rng = SplitMix64(seed: UInt64(77 + seed))
        for p in [2, 3, 4] where p < m.candidateCount {
            // The root, and nodes with one site fixed in and one fixed out.
            var fixings: [([Int], [Int])] = [([], [])]
            if m.candidateCount > p + 2 { fixings += [([0], []), ([], [1]), ([m.candidateCount - 1], [0])] }
            for (fixedIn, fixedOut) in fixings {
                let optimum = best(m, p: p, fixedIn: fixedIn, fixedOut: fixedOut)
                if optimum == -.infinity { continue }
                let node = CoverageSolver.Node(fixedIn: fixedIn, fixedOut: fixedOut, lambda: [], bound: .infinity, theta: 2)
                let sub = CoverageSolver.Subproblem(node, model: m, p: p)
                if sub.q <= 0 || sub.free.count <= sub.q { continue }
                // From the shared-out weights and from random multipliers in the box.
                let shared = (0..<m.groupCount).map { m.weight[$0] / Double(max(1, m.byGroup.offsets[$0 + 1] - m.byGroup.offsets[$0])) }
                let random = (0..<m.groupCount).map { m.weight[$0] * Double(rng.next() % 1001) / 1000 }
                for start in [shared, random] {
                    for evaluations in [1, 6, 60, 400] {
                        var solver = CoverageSolver(model: m, p: p, budget: CoverageSolver.Budget(limits: EffortLimit(nodes: 1)),
                                                    progress: .silent)
                        let r = solver.smoothRelax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: fixedIn, q: sub.q,
                                                   lambda: start, evaluations: evaluations, polish: fixedIn.isEmpty && fixedOut.isEmpty)
                        let label = "seed \(seed) p \(p) in \(fixedIn) out \(fixedOut) evaluations \(evaluations)"
                        let exact = lagrangian(m, lambda: r.lambda, fixedIn: fixedIn, free: sub.free, q: sub.q)
                        #expect(abs(r.ub - exact) <= 1e-9 * max(1, exact), "\(label): bound \(r.ub), L there \(exact)")
                        #expect(r.ub >= optimum - 1e-9 * max(1, optimum), "\(label): bound \(r.ub) below the best \(optimum)")
                        #expect(r.smoothed)
                        for g in 0..<m.groupCount where !sub.covered[g] {
                            #expect(r.lambda[g] >= 0 && r.lambda[g] <= m.weight[g], "\(label): λ outside the box")
                        }
                        // The sites it offered are real choices: never better than the best.
                        #expect(solver.incumbent.value <= optimum + 1e-9 * max(1, optimum))
                    }
                }
            }
        }
    }

    @Test("the whole search with the smoothed root first (no tabu): optimal, proven; stopped early, still a proof",
          arguments: 0..<16)
    func searchWithSmoothedRoot(seed: Int) {
        let m = model(seed: UInt64(41_000 + seed))
        for p in [2, 3, 4] where p < m.candidateCount {
            let optimum = best(m, p: p, fixedIn: [], fixedOut: [])
            for (steps, evaluations) in [(0, 5), (0, 200), (3, 40)] {
                var tuning = SolverTuning.standard
                tuning.tabuSteps = 0
                tuning.kicks = 0
                tuning.coreFraction = seed % 2 == 0 ? 0 : 0.25
                tuning.smoothing.subgradientSteps = steps
                tuning.smoothing.evaluations = evaluations
                for nodes in [1, 3, 100_000] {
                    var solver = CoverageSolver(model: m, p: p, budget: CoverageSolver.Budget(
                        limits: EffortLimit(nodes: nodes), tuning: tuning), progress: .silent)
                    let out = solver.solve()
                    let label = "seed \(seed) p \(p) steps \(steps) evaluations \(evaluations) nodes \(nodes)"
                    #expect(out.bound >= optimum - 1e-9 * max(1, optimum), "\(label): bound \(out.bound) below \(optimum)")
                    #expect(out.value <= optimum + 1e-9 * max(1, optimum))
                    #expect(abs(m.value(out.chosen) - out.value) <= 1e-9 * max(1, out.value))
                    if out.proven { #expect(abs(out.value - optimum) <= 1e-9 * max(1, optimum), "\(label): claims optimal") }
                    if nodes == 100_000 {
                        #expect(out.proven, "\(label): not proven")
                        #expect(abs(out.value - optimum) <= 1e-9 * max(1, optimum), "\(label): \(out.value) vs \(optimum)")
                    }
                }
            }
        }
    }
}

extension SmoothedDualTests {
    /// softplus(z) = log(1 + e^z), without overflow.
    static func softplus(_ z: Double) -> Double { max(z, 0) + log1p(exp(-abs(z))) }

    @Test("the smoothed top-q: shares summing to q, each the sigmoid at the level, the value its definition; columns far apart and levels far off",
          arguments: 0..<8)
    func smoothedTopMatchesItsDefinition(seed: Int) {
        var rng = SplitMix64(seed: UInt64(900 + seed))
        for round in 0..<40 {
            let K = Int.random(in: 2...300, using: &rng)
            let q = Int.random(in: 1..<K, using: &rng)
            // Values in clusters far apart (a few columns thousands of μ above or below the
            // rest), ties, and μ from tiny to large against their spread.
            let mu = pow(10, Double.random(in: -4...2, using: &rng))
            var c = (0..<K).map { _ -> Double in
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: return 1_000 + mu * Double.random(in: 0...5_000, using: &rng)
                case 1: return -mu * Double.random(in: 0...5_000, using: &rng)
                case 2: return 7.5
                default: return Double.random(in: 0...20, using: &rng)
                }
            }
            if round % 5 == 0 { c = c.map { 1e6 + $0 } }
            let free = Array(0..<K)
            let (_, next) = CoverageSolver.top(q, of: free, values: c)
            // The level the Newton steps start from: the last one (near), or far off either way.
            var tau = [next, next + 1e9, next - 1e9, next + 800 * mu, next - 800 * mu][round % 5]
            var x = [Double](repeating: -1, count: K)
            var active: [ColumnIndex] = []
            var terms: [Double] = []
            let value = CoverageSolver.smoothedTop(q, of: free, values: c, next: next, mu: mu, tau: &tau, x: &x,
                                                   active: &active, terms: &terms)
            let tag = "seed \(seed) round \(round) K \(K) q \(q) μ \(mu)"
            #expect(value.isFinite && tau.isFinite, "\(tag)")
            let shares = x.reduce(0, +)
            #expect(abs(shares - Double(q)) <= 1e-6 * Double(q), "\(tag): Σx \(shares)")
            var direct = Double(q) * tau
            for j in 0..<K {
                let z = (c[j] - tau) / mu
                let sigmoid = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
                // z itself carries the rounding of c_j − τ, relative to μ.
                let slack = 1e-9 + 4e-16 * (abs(c[j]) + abs(tau)) / mu
                #expect(abs(x[j] - sigmoid) <= slack, "\(tag): x[\(j)] \(x[j]) against \(sigmoid)")
                direct += mu * Self.softplus(z)
            }
            #expect(abs(value - direct) <= 1e-9 * max(1, abs(direct)), "\(tag): \(value) against \(direct)")
            // The smoothing only adds: at least the q best values' sum.
            let topSum = c.sorted(by: >).prefix(q).reduce(0, +)
            #expect(value >= topSum - 1e-9 * max(1, abs(topSum)), "\(tag): \(value) below \(topSum)")
        }
    }
}
