import TestSupport
import Testing
@testable import Optimization

/// The kicks refill their sets with `lazyGreedy`, which must choose exactly what `greedy` chooses
/// (the same sites in the same order), with integer and fractional weights alike.
@Suite("Lazy greedy refill: the same choice as the plain greedy")
struct LazyGreedyTests {
    @Test("random models, random starts and masks", arguments: 0..<40)
    func sameAsGreedy(seed: Int) {
        var rng = SplitMix64(seed: UInt64(31_000 + seed))
        let n = 60 + seed % 50, m = 15 + seed % 20
        let fractional = seed % 2 == 1
        let residual = (0..<n).map { _ in fractional ? Double(rng.next() % 1000) / 7 + 0.1 : Double(1 + rng.next() % 9) }
        let lists: [[Int32]] = (0..<m).map { _ in (0..<n).filter { _ in rng.next() % 6 == 0 }.map(Int32.init) }
        let model = CoverageModel(residual: residual, lists: lists)
        let K = model.candidateCount
        guard K > 2 else { return }
        let solver = CoverageSolver(model: model, p: min(K, 8), budget: CoverageSolver.Budget(limits: EffortLimit(nodes: 1)),
                                    progress: .silent)
        for round in 0..<6 {
            let allowed = (0..<K).map { _ in rng.next() % 5 != 0 }
            var start: [ColumnIndex] = []
            for j in 0..<K where start.count < round && rng.next() % 3 == 0 { start.append(j) }
            for count in [start.count + 1, start.count + 3, K] {
                let plain = solver.greedy(start: start, count: count, allowed: allowed)
                let lazy = solver.lazyGreedy(start: start, count: count, allowed: allowed)
                #expect(plain == lazy, "seed \(seed) round \(round) count \(count)")
            }
        }
    }
}
