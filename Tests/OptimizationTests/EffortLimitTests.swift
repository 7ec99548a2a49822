import TestSupport
import Testing
import Optimization

/// The effort limits keep their word: a search never reports more nodes than `nodeLimit`, also
/// when the root hands the search over to a core with its last node.
@Suite("Effort limits: the node limit holds")
struct EffortLimitTests {
    /// Uniform random instances whose root hands the search over to a core (mid-size: most do).
    func problem(seed: UInt64) -> SiteSelectionProblem {
        TwoThreadSelectionTests.uniform(seed: seed, demand: 600, candidates: 180, side: 5_000, radius: 1_000)
    }

    @Test("node limits 1 and 2: never more nodes than the limit, one and two threads the same (1 limit, 2 nodes before)", arguments: 0..<6)
    func nodeLimitAtTheRoot(seed: Int) throws {
        let problem = problem(seed: UInt64(40 + seed))
        for p in [5, 8] {
            for limit in [1, 2] {
                let one = try selectSites(problem, goal: .count(p), options: SiteSelectionOptions(nodeLimit: limit, threads: 1))
                #expect(one.nodes <= limit, "seed \(seed) p \(p) limit \(limit): \(one.nodes) nodes")
                #expect(one.upperBound >= one.objective)
                let two = try selectSites(problem, goal: .count(p), options: SiteSelectionOptions(nodeLimit: limit, threads: 2))
                #expect(one == two, "seed \(seed) p \(p) limit \(limit): \(one.nodes) vs \(two.nodes) nodes")
            }
        }
    }
}
