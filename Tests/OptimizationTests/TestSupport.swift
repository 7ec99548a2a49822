import Optimization
import TestSupport

/// A random bipartite demand–station graph: each pair is an edge with the given probability.
func randomBipartite(_ rng: inout SplitMix64, demand n: Int, stations m: Int, edgeProbability: Double) -> [[Int]] {
    (0..<n).map { _ in (0..<m).filter { _ in Double.random(in: 0..<1, using: &rng) < edgeProbability } }
}

extension PlanProblem {
    /// The same problem with its candidates in reverse order, the conflicts and required sites
    /// renumbered to follow them: a plan must not depend on the order.
    func reversedCandidates() -> PlanProblem {
        let last = candidates.count - 1
        var out = self
        out.candidates = candidates.reversed()
        out.conflicts = conflicts.map { (last - $0.0, last - $0.1) }
        out.required = required.map { last - $0 }
        return out
    }
}
