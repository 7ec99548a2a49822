import TestSupport
import Testing
@testable import Optimization

/// A `timeLimit` stops every part of the covering solver soon after it passes, not only the
/// subgradient steps: the smoothed dual, the tabu searches, the kicks and the swap searches check
/// it at every step, and past it the root neither resumes its relaxation nor hands over to a core.
/// Checked without timing: a deadline already past when the solve starts lets each loop make only
/// its first step, which the iteration counts and the tabu search's answer show; the bound must
/// stay a proof.
@Suite("Site selection: a time limit stops the root's searches promptly")
struct DeadlineTests {
    /// Uniformly random demand and candidates in a square, integer weights: a loose LP bound, so
    /// the root relaxation runs its whole course (300 steps and up to 500 smoothed passes) when
    /// no deadline stops it.
    func problem(seed: UInt64) -> SiteSelectionProblem {
        var rng = SplitMix64(seed: seed)
        func unit() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        let side = 6_000.0, radius = 1_000.0
        let demand = (0..<900).map { _ in (unit() * side, unit() * side) }
        let weights = (0..<900).map { _ in Double(1 + rng.next() % 10) }
        let sites = (0..<220).map { _ in (unit() * side, unit() * side) }
        let candidates = sites.enumerated().map { k, s in
            SiteCandidate(id: "c\(1000 + k)", covers: demand.indices.filter {
                let dx = demand[$0].0 - s.0, dy = demand[$0].1 - s.1
                return dx * dx + dy * dy <= radius * radius
            })
        }
        return SiteSelectionProblem(weights: weights, candidates: candidates)
    }

    @Test("a deadline already past: the root stops at its first checks, the bound is still a proof", arguments: [1, 2])
    func pastDeadline(threads: Int) throws {
        let problem = problem(seed: 160_301)
        let full = try selectSites(problem, goal: .count(8), options: SiteSelectionOptions(threads: threads))
        // Without a deadline the root's first relaxation alone takes 300 steps and then smoothed passes.
        #expect(full.iterations > 600)
        let limited = try selectSites(problem, goal: .count(8), options: SiteSelectionOptions(timeLimit: 1e-9, threads: threads))
        // The root's first relaxation makes one subgradient step and one smoothed pass; no
        // resumption, no core.
        #expect(limited.iterations <= 2, "iterations \(limited.iterations)")
        #expect(limited.sites.count == 8)
        #expect(limited.upperBound >= limited.objective)
        // A proof: not below the best answer known (the full solve's).
        #expect(limited.upperBound >= full.objective - 1e-9)
        #expect(limited.upperBound.isFinite && limited.upperBound <= limited.totalDemand)
        #expect(!limited.provenOptimal || limited.objective == full.objective)
    }

    @Test("a tabu search past its deadline stops after its first swap")
    func tabuStops() {
        let problem = problem(seed: 160_302)
        let order = problem.candidates.indices.sorted { problem.candidates[$0].id < problem.candidates[$1].id }
        let model = CoverageModel(residual: problem.weights, lists: order.map { problem.candidates[$0].covers.map(Int32.init) })
        let start = Array(0..<8)
        func search(deadline: ContinuousClock.Instant?, steps: Int) -> ([ColumnIndex], Double) {
            var budget = CoverageSolver.Budget(limits: EffortLimit(nodes: 1, deadline: deadline))
            budget.threads = 1
            let solver = CoverageSolver(model: model, p: 8, budget: budget, progress: .silent)
            return solver.tabuSearch(from: start, steps: steps, stallLimit: steps)
        }
        let past = search(deadline: .now - .seconds(1), steps: 100_000)
        let one = search(deadline: nil, steps: 1)
        let longer = search(deadline: nil, steps: 400)
        #expect(past.0 == one.0 && past.1 == one.1)
        // The check matters: a longer search finds better here.
        #expect(longer.1 > one.1)
    }
}
