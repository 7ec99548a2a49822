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
        // The multipliers, the amounts taken and the knapsack's items as raw buffers: the loop below
        // is most of a capacitated run's bound, and arrays captured by the nested knapsack paid a
        // uniqueness check on every write.
        let mu = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        let flowSum = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        var longest = 0
        for j in 0..<E { longest = max(longest, stationRows.row(j).count) }
        for k in sites { longest = max(longest, covers(k).count) }
        let items = UnsafeMutableBufferPointer<(Double, Int32)>.allocate(capacity: longest)
        defer {
            mu.deallocate()
            flowSum.deallocate()
            items.deallocate()
        }
        mu.initialize(repeating: tuning.capacitatedStartMultiplier)
        flowSum.initialize(repeating: 0)
        var best = Double.infinity
        var theta = tuning.capacitatedStartTheta
        var stall = 0
        var values: [(Double, SiteIndex)] = []
        values.reserveCapacity(sites.count)
        return weights.withUnsafeBufferPointer { weights in
            // Fractional knapsack: value and (optionally) the amounts taken, added to flowSum. Items are
            // taken best first (value, then lower demand index) until the capacity is used. When they do
            // not all fit, they come off a max-heap one at a time: a knapsack takes ~10 of ~100 items
            // on a country's counties, so a heap (linear to build, a logarithm a take) does a fraction of
            // a full sort's work, in the same order, so with the same sums.
            func knapsack(_ rows: ArraySlice<Int32>, _ cap: Double, record: Bool) -> Double {
                var count = 0
                var total = 0.0
                for i in rows where mu[Int(i)] < 1 {
                    items[count] = (1 - mu[Int(i)], i)
                    count += 1
                    total += weights[Int(i)]
                }
                var left = cap
                var value = 0.0
                @inline(__always) func take(_ v: Double, _ i: Int32) {
                    let a = min(left, weights[Int(i)])
                    value += v * a
                    left -= a
                    if record { flowSum[Int(i)] += a }
                }
                if total <= cap {
                    for (v, i) in items[..<count] {
                        if left <= 0 { break }
                        take(v, i)
                    }
                    return value
                }
                let heap = items
                @inline(__always) func before(_ a: (Double, Int32), _ b: (Double, Int32)) -> Bool {
                    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
                }
                @inline(__always) func siftDown(_ i0: Int, _ count: Int) {
                    var i = i0
                    let item = heap[i]
                    while true {
                        let l = 2 * i + 1
                        if l >= count { break }
                        var c = l
                        if l + 1 < count && before(heap[l + 1], heap[l]) { c = l + 1 }
                        if !before(heap[c], item) { break }
                        heap[i] = heap[c]
                        i = c
                    }
                    heap[i] = item
                }
                for i in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(i, count) }
                while count > 0 && left > 0 {
                    let (v, i) = heap[0]
                    take(v, i)
                    count -= 1
                    if count > 0 {
                        heap[0] = heap[count]
                        siftDown(0, count)
                    }
                }
                return value
            }
            // The new sites' values, best first (value, then lower index): the p best in that order.
            func topSites(_ p: Int) -> ArraySlice<(Double, SiteIndex)> {
                @inline(__always) func before(_ a: (Double, SiteIndex), _ b: (Double, SiteIndex)) -> Bool {
                    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
                }
                if p <= 0 { return values.prefix(0) }
                if p >= values.count / 4 {
                    values.sort(by: before)
                    return values.prefix(p)
                }
                // Few of many: the p best moved to the front by insertion, in order.
                var kept = 0
                for x in values.indices {
                    let item = values[x]
                    if kept == p, !before(item, values[p - 1]) { continue }
                    var y = min(kept, p - 1)
                    values[x] = values[y]
                    while y > 0, before(item, values[y - 1]) {
                        values[y] = values[y - 1]
                        y -= 1
                    }
                    values[y] = item
                    if kept < p { kept += 1 }
                }
                return values.prefix(kept)
            }
            for _ in 0..<tuning.capacitatedLagrangeIterations {
                for i in 0..<n { flowSum[i] = 0 }
                var bound = 0.0
                for i in 0..<n { bound += mu[i] * weights[i] }
                for j in 0..<E { bound += knapsack(stationRows.row(j), caps[j], record: true) }
                values.removeAll(keepingCapacity: true)
                for k in sites { values.append((knapsack(covers(k)[...], seats(k), record: false), k)) }
                let top = topSites(p)
                let chosen = top.map(\.1).sorted()
                if seen.insert(chosen).inserted { sets.append(chosen) }
                for (v, k) in top {
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
}
