import TestSupport

/// A random bipartite demand–station graph: each pair is an edge with the given probability.
func randomBipartite(_ rng: inout SplitMix64, demand n: Int, stations m: Int, edgeProbability: Double) -> [[Int]] {
    (0..<n).map { _ in (0..<m).filter { _ in Double.random(in: 0..<1, using: &rng) < edgeProbability } }
}
