import TestSupport
import Foundation
import Geo
import Optimization
import Planning
import Stations
import Testing

/// propose plans divisions in parallel; with two cores for each division (`2 × divisions ≤
/// cores`) each division's site selection runs on two threads. The plans must not depend on it.
@Suite("proposals: the same plans on 1, 2 and many cores")
struct ProposalCoresTests {
    static func dataset(seed: UInt64) throws -> Dataset {
        var rng = SplitMix64(seed: seed)
        var b = DatasetBuilder()
        b.districts = [("A", DatasetBuilder.box(113.0, 36.0, 113.04, 36.04)), ("B", DatasetBuilder.box(113.04, 36.0, 113.08, 36.04)),
                       ("C", DatasetBuilder.box(113.08, 36.0, 113.12, 36.04))]
        b.stations = (0..<12).map { i in
            ("s\(i)", "warm_station", Int.random(in: 2...8, using: &rng), Double.random(in: 113.0...113.12, using: &rng), Double.random(in: 36.0...36.04, using: &rng))
        }
        b.demand = (0..<300).map { i in
            ("d\(i)", Double(Int.random(in: 1...9, using: &rng)), Double.random(in: 113.0...113.12, using: &rng), Double.random(in: 36.0...36.04, using: &rng))
        }
        b.radius = 500
        return try b.load()
    }

    @Test("plans, bounds, proof and search effort are identical whatever cores the plans may use (1: one at a time on one thread; 6: three divisions at once on two threads each)",
          arguments: [(1 as UInt64, false), (2, false), (3, true)])
    func sameOnAnyCores(seed: UInt64, capacitated: Bool) throws {
        let data = try Self.dataset(seed: seed)
        var plans: [String] = []
        for cores in [1, 2, 6, nil] as [Int?] {
            let study = try ProposalStudy(data, coverage: CoverageSettings(),
                                          proposals: ProposalSettings(goal: .count(3), capacitated: capacitated, cores: cores))
            #expect(study.proposals.districts.count == 3)
            #expect(study.proposals.districts.allSatisfy { !$0.sites.isEmpty })
            plans.append(String(describing: study.proposals.districts))
        }
        for (k, plan) in plans.enumerated().dropFirst() { #expect(plan == plans[0], "cores choice \(k) differs") }
    }
}
