import TestSupport
import Testing
@testable import Optimization

@Suite("Capacitated assignment (max flow)")
struct AssignmentTests {
    /// Checks that an assignment respects every weight and capacity and adds up.
    func checkFeasible(_ a: Assignment, weights: [Double], capacities: [Double], rows: [[Int]]) {
        #expect(a.demandServed.count == weights.count)
        #expect(a.stationLoad.count == capacities.count)
        for i in weights.indices {
            #expect(a.demandServed[i] <= weights[i] + 1e-9)
            #expect(a.demandServed[i] >= -1e-12)
            if rows[i].isEmpty { #expect(a.demandServed[i] == 0) }
        }
        for j in capacities.indices { #expect(a.stationLoad[j] <= capacities[j] + 1e-9) }
        let byDemand = a.demandServed.reduce(0, +)
        let byStation = a.stationLoad.reduce(0, +)
        #expect(abs(byDemand - a.served) < 1e-7)
        #expect(abs(byStation - a.served) < 1e-7)
    }

    @Test("nearest-first greedy serves less than the maximum; the solver finds the maximum")
    func greedyIsNotEnough() throws {
        // Demand 0 has station 0 nearest and station 1 as a second choice; demand 1 reaches only
        // station 0. Nearest-first puts demand 0 on station 0 and leaves demand 1 unserved (1 of 2).
        let rows = [[0, 1], [0]]
        let weights = [1.0, 1.0]
        let capacities = [1.0, 1.0]
        var nearestFirstLoad = [0.0, 0.0]
        var nearestFirstServed = 0.0
        for i in rows.indices {
            let j = rows[i][0]
            let amount = min(weights[i], capacities[j] - nearestFirstLoad[j])
            nearestFirstLoad[j] += amount
            nearestFirstServed += amount
        }
        #expect(nearestFirstServed == 1)
        let a = try maximumAssignment(weights: weights, capacities: capacities, reach: Reach(rows: rows, columnCount: 2))
        #expect(a.served == 2)
        #expect(a.demandServed == [1, 1])
        #expect(a.stationLoad == [1, 1])
    }

    @Test("a long alternating path: the last demand is served only if every station shifts once")
    func longChain() throws {
        // Demand k (k < n) prefers station k+1 over station k; the greedy start fills stations
        // 1...n and leaves station 0 empty. Demand n reaches only stations n and n-1, both full: it
        // is served only along the augmenting path n → n-1 → ... → 1 → 0.
        let n = 50
        var rows = (0..<n).map { [$0 + 1, $0] }
        rows.append([n, n - 1])
        let weights = [Double](repeating: 1, count: n + 1)
        let capacities = [Double](repeating: 1, count: n + 1)
        let a = try maximumAssignment(weights: weights, capacities: capacities, reach: Reach(rows: rows, columnCount: n + 1))
        #expect(a.served == Double(n + 1))
        #expect(a.stationLoad == capacities)
    }

    @Test("random small instances match an Edmonds–Karp reference (integer and fractional amounts)")
    func matchesReference() throws {
        var rng = SplitMix64(seed: 42)
        for round in 0..<300 {
            let n = Int.random(in: 1...9, using: &rng)
            let m = Int.random(in: 1...6, using: &rng)
            let rows = randomBipartite(&rng, demand: n, stations: m, edgeProbability: Double.random(in: 0.2...0.8, using: &rng))
            let fractional = round % 2 == 1
            let weights = (0..<n).map { _ in
                fractional ? Double(Int.random(in: 0...40, using: &rng)) * 0.25 : Double(Int.random(in: 0...10, using: &rng))
            }
            let capacities = (0..<m).map { _ in
                fractional ? Double(Int.random(in: 0...40, using: &rng)) * 0.25 : Double(Int.random(in: 0...12, using: &rng))
            }
            let a = try maximumAssignment(weights: weights, capacities: capacities, reach: Reach(rows: rows, columnCount: m))
            let expected = referenceMaxFlow(weights: weights, capacities: capacities, rows: rows)
            #expect(abs(a.served - expected) < 1e-9, "round \(round): \(a.served) vs \(expected)")
            checkFeasible(a, weights: weights, capacities: capacities, rows: rows)
        }
    }

    @Test("irrational-looking weights, infinite capacities and empty graphs")
    func edgeCases() throws {
        let rows = [[0], [0, 1], [], [1]]
        let weights = [0.1, 0.2, 5, 1.0 / 3.0]
        let unlimited = try maximumAssignment(weights: weights, capacities: [.infinity, .infinity], reach: Reach(rows: rows, columnCount: 2))
        #expect(abs(unlimited.served - (0.1 + 0.2 + 1.0 / 3.0)) < 1e-12)
        let tight = try maximumAssignment(weights: weights, capacities: [0.25, 0.3], reach: Reach(rows: rows, columnCount: 2))
        #expect(abs(tight.served - 0.55) < 1e-12)
        checkFeasible(tight, weights: weights, capacities: [0.25, 0.3], rows: rows)
        let none = try maximumAssignment(weights: [], capacities: [], reach: Reach(rows: [], columnCount: 0))
        #expect(none.served == 0)
        #expect(throws: OptimizationError.self) {
            _ = try maximumAssignment(weights: [-1], capacities: [1], reach: Reach(rows: [[0]], columnCount: 1))
        }
        #expect(throws: OptimizationError.self) { _ = try Reach(rows: [[3]], columnCount: 2) }
    }

    @Test("larger random instances (tight capacity, long augmenting paths) against the reference")
    func mediumRandom() throws {
        var rng = SplitMix64(seed: 7)
        for round in 0..<12 {
            let n = 150, m = 25
            // Each demand reaches a few neighbouring stations on a line: long alternating paths.
            let rows = (0..<n).map { i -> [Int] in
                let centre = i * m / n
                return (max(0, centre - 2)...min(m - 1, centre + 2)).filter { _ in Double.random(in: 0..<1, using: &rng) < 0.6 }
            }
            let weights = (0..<n).map { _ in Double(Int.random(in: 1...10, using: &rng)) * (round % 2 == 0 ? 1 : 0.125) }
            let total = weights.reduce(0, +)
            let capacities = (0..<m).map { _ in Double(Int.random(in: 1...10, using: &rng)) * total / Double(m) / 5.5 * 0.9 }
            let a = try maximumAssignment(weights: weights, capacities: capacities, reach: Reach(rows: rows, columnCount: m))
            let expected = referenceMaxFlow(weights: weights, capacities: capacities, rows: rows)
            #expect(abs(a.served - expected) < 1e-7, "round \(round): \(a.served) vs \(expected)")
            checkFeasible(a, weights: weights, capacities: capacities, rows: rows)
        }
    }
}
