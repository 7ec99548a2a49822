import TestSupport
import Testing
@testable import Optimization

@Suite("What one more station adds to a maximum flow (OpeningGain)")
struct OpeningGainTests {
    /// Random networks: some stations open at random capacities, the others closed (capacity 0).
    /// For every closed station and several capacities, the gain `OpeningGain` gives equals the
    /// reference maximum flow with that station opened minus the one without it, and what a copy
    /// of the flow re-maximised gives.
    @Test("equals the maximum flow with the station opened, minus the flow without it", arguments: 0..<60)
    func matchesReference(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &* 7919 &+ 13)
        let n = Int.random(in: 1...14, using: &rng), m = Int.random(in: 2...9, using: &rng)
        let whole = seed % 2 == 0
        let weights = (0..<n).map { _ in whole ? Double(Int.random(in: 0...9, using: &rng)) : Double.random(in: 0...9, using: &rng) }
        let rows = (0..<n).map { _ in (0..<m).filter { _ in Double.random(in: 0..<1, using: &rng) < 0.4 } }
        var capacities = (0..<m).map { _ in Double.random(in: 0..<1, using: &rng) < 0.5 ? 0 : Double(Int.random(in: 1...12, using: &rng)) }
        capacities[0] = 0
        var state = try TransportFlow(weights: weights, capacities: capacities, reach: Reach(rows: rows, columnCount: m))
        state.maximise()
        let before = referenceMaxFlow(weights: weights, capacities: capacities, rows: rows)
        #expect(abs(state.served - before) < 1e-9)
        var gainer = OpeningGain(state)
        gainer.start(state)
        for b in 0..<m where capacities[b] == 0 {
            for cap in [1.0, 2.5, 6.0, 30.0] {
                var opened = capacities
                opened[b] = cap
                let expected = referenceMaxFlow(weights: weights, capacities: opened, rows: rows) - before
                let gain = gainer.gain(state, column: b, upTo: cap)
                #expect(abs(gain - expected) < 1e-9, "seed \(seed), station \(b), capacity \(cap): \(gain) against \(expected)")
                var copy = state
                copy.raiseCapacity(b, to: cap)
                copy.maximise()
                #expect(abs(gain - (copy.served - state.served)) < 1e-9)
            }
        }
    }
}
