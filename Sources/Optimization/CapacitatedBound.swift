/// The Lagrangian bound of the capacitated site selection, and its relaxed site sets as starting
/// points for the search.
extension PreparedSelection {
    /// Lagrangian bound of the capacitated problem's LP (demand constraints relaxed with
    /// multipliers 0 ≤ μ_i ≤ 1): for every μ,
    ///   served(existing ∪ S) ≤ Σ_i μ_i w_i + Σ_existing K_j(μ) + (sum of the p largest K_k(μ) over new sites),
    /// where K_j(μ) is the fractional knapsack max Σ (1 − μ_i) f_ij, Σ_i f_ij ≤ capacity_j,
    /// 0 ≤ f_ij ≤ w_i. Returns the best bound on *newly* served demand found by subgradient steps.
    func capacitatedLagrangianBound(_ ctx: CapacitatedContext, p: Int, target: Double, tuning: SolverTuning,
                                    sets: inout [[SiteIndex]]) -> Double {
        var seen = Set<[SiteIndex]>()
        let n = weights.count
        let E = ctx.existingCount
        let sites = self.sites
        let base = ctx.flowBase.served
        // Station → demand lists: existing stations are the first E columns of the flow's graph,
        // new sites their `lists`.
        let stationRows = ctx.flowBase.byStation
        let caps = existing?.capacities ?? []
        var mu = [Double](repeating: tuning.capacitatedStartMultiplier, count: n)
        var flowSum = [Double](repeating: 0, count: n)
        var best = Double.infinity
        var theta = tuning.capacitatedStartTheta
        var stall = 0
        var items: [(Double, Int32)] = []
        // Fractional knapsack: value and (optionally) the amounts taken, added to flowSum.
        func knapsack(_ rows: ArraySlice<Int32>, _ cap: Double, record: Bool) -> Double {
            items.removeAll(keepingCapacity: true)
            var total = 0.0
            for i in rows where mu[Int(i)] < 1 { items.append((1 - mu[Int(i)], i)); total += weights[Int(i)] }
            if total > cap { items.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) } }
            var left = cap
            var value = 0.0
            for (v, i) in items {
                if left <= 0 { break }
                let a = min(left, weights[Int(i)])
                value += v * a
                left -= a
                if record { flowSum[Int(i)] += a }
            }
            return value
        }
        for _ in 0..<tuning.capacitatedLagrangeIterations {
            for i in 0..<n { flowSum[i] = 0 }
            var bound = 0.0
            for i in 0..<n { bound += mu[i] * weights[i] }
            for j in 0..<E { bound += knapsack(stationRows.row(j), caps[j], record: true) }
            var values: [(Double, SiteIndex)] = []
            values.reserveCapacity(sites.count)
            for k in sites { values.append((knapsack(covers(k)[...], seats(k), record: false), k)) }
            values.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            let chosen = values.prefix(p).map(\.1).sorted()
            if seen.insert(chosen).inserted { sets.append(chosen) }
            for (v, k) in values.prefix(p) {
                bound += v
                _ = knapsack(covers(k)[...], seats(k), record: true)
            }
            let gainBound = bound - base
            if gainBound < best { best = gainBound; stall = 0 } else {
                stall += 1
                if stall >= tuning.capacitatedStall { theta /= 2; stall = 0 }
            }
            if ctx.optimality.cannotImprove(best, over: target) || theta < tuning.capacitatedMinimumTheta { break }
            var norm = 0.0
            for i in 0..<n {
                let g = weights[i] - flowSum[i]
                norm += g * g
            }
            if norm == 0 { break }
            let step = theta * max(bound - base - target, 1e-9 * max(1, total)) / norm
            for i in 0..<n { mu[i] = min(1, max(0, mu[i] - step * (weights[i] - flowSum[i]))) }
        }
        return best
    }
}
