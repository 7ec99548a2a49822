/// The capacitated mode: the objective is demand newly *served* — the maximum assignment (max flow)
/// with the existing stations and the chosen sites, minus that with the existing stations alone.
///
/// Served demand is a monotone submodular function of the set of opened sites (a max flow to a set
/// of sinks), which gives the search and the proofs:
/// - the gain of opening site k next is at most min(seats_k, weight of the demand within its reach
///   on the source side of the current minimum cut) — a one-site cut bound, cheap;
/// - no choice of q more sites beats f(F) + the q largest single-site gains over F (submodularity);
/// - newly served demand is at most the uncapacitated covering optimum over the demand on the source
///   side of the existing stations' minimum cut (the other cut of the same argument), for which the
///   Lagrangian bound of the covering solver is a proof.
/// Search: exact lazy greedy, swap local search, then depth-first branch and bound on the
/// submodular bound within the node budget.
extension PreparedSelection {
    struct CapacitatedContext {
        let flowBase: TransportFlow
        let existingCount: Int
        let integral: Bool
        let total: Double

        func cannotImprove(_ ub: Double, over lb: Double) -> Bool {
            let safe = ub * (1 + 1e-10) + 1e-300
            if integral { return safe.rounded(.down) <= lb + 1e-9 }
            return safe <= lb + 1e-9 * max(lb, 1e-9 * total)
        }

        func opened(_ state: TransportFlow, _ k: Int, seats: Double) -> TransportFlow {
            var s = state
            s.raiseCapacity(existingCount + k, to: seats)
            s.maximise()
            return s
        }
    }

    func capacitatedContext() -> CapacitatedContext {
        let n = weights.count
        let e = existing?.capacities.count ?? 0
        let K = ids.count
        var rows = [[Int32]](repeating: [], count: n)
        if let ex = existing {
            for i in 0..<n { rows[i].append(contentsOf: ex.reach.row(i)) }
        }
        for k in 0..<K { for i in lists[k] { rows[Int(i)].append(Int32(e + k)) } }
        var offsets = [0]
        var columns: [Int32] = []
        for r in rows {
            columns.append(contentsOf: r)
            offsets.append(columns.count)
        }
        let reach = Reach(unchecked: n, columnCount: e + K, offsets: offsets, columns: columns)
        let caps = (existing?.capacities ?? []) + [Double](repeating: 0, count: K)
        // Inputs were validated (weights, capacities, seats, link count); this cannot throw.
        var flow = try! TransportFlow(weights: weights, capacities: caps, reach: reach)
        flow.maximise()
        let integral = weights.allSatisfy { $0 == $0.rounded() }
            && (existing?.capacities ?? []).allSatisfy { $0 == $0.rounded() || $0.isInfinite }
            && seats.allSatisfy { $0 == $0.rounded() || $0.isInfinite }
        return CapacitatedContext(flowBase: flow, existingCount: e, integral: integral, total: total)
    }

    /// One-site gain bounds over a maximum flow: min(seats, demand weight in reach on the source side).
    func gainBounds(_ state: TransportFlow, free: [Int]) -> [Int: Double] {
        let side = state.sourceSide()
        var out: [Int: Double] = [:]
        for k in free {
            var s = 0.0
            for i in lists[k] where side[Int(i)] { s += weights[Int(i)] }
            out[k] = min(seats[k], s)
        }
        return out
    }

    /// Exact best next site by lazy evaluation (ties: id). Returns nil when nothing adds demand.
    func bestNext(_ ctx: CapacitatedContext, _ state: TransportFlow, free: [Int], evaluations: inout Int,
                  offer: (TransportFlow, Int) -> Void) -> (Int, Double, TransportFlow)? {
        let bounds = gainBounds(state, free: free)
        let order = free.sorted { bounds[$0]! > bounds[$1]! || (bounds[$0]! == bounds[$1]! && $0 < $1) }
        let served = state.served
        var best: (Int, Double, TransportFlow)? = nil
        for k in order {
            let ub = bounds[k]!
            if let b = best, ub < b.1 || (ub == b.1 && k > b.0) { break }
            if ub <= 0 { break }
            let s = ctx.opened(state, k, seats: seats[k])
            evaluations += 1
            offer(s, k)
            let gain = s.served - served
            if gain > 1e-9 * max(1, ctx.total), best == nil || gain > best!.1 + 1e-12 * ctx.total {
                best = (k, gain, s)
            }
        }
        return best
    }

    func solveCapacitated(p: Int, stage: String) -> SiteSelection {
        let ctx = capacitatedContext()
        let base = ctx.flowBase.served
        let K = ids.count
        let progress = report(stage)
        var evaluations = 0
        var bestSet: [Int] = []
        var bestValue = 0.0
        func flow(for set: [Int]) -> TransportFlow {
            var s = ctx.flowBase
            for k in set { s.raiseCapacity(ctx.existingCount + k, to: seats[k]) }
            s.maximise()
            return s
        }
        func offerSet(_ set: [Int], _ value: Double) {
            let sorted = set.sorted()
            if value > bestValue + 1e-12 * max(1, total)
                || (abs(value - bestValue) <= 1e-12 * max(1, total) && sorted.lexicographicallyPrecedes(bestSet)) {
                bestSet = sorted
                bestValue = value
            }
        }
        /// Swap local search: drop one site, add the best other one, while that serves more.
        func swapSearch(_ set: inout [Int], _ value: inout Double) {
            var improved = true
            while improved && set.count == p && p < K {
                improved = false
                for pos in 0..<set.count {
                    var rest = set
                    rest.remove(at: pos)
                    let without = flow(for: rest)
                    let free = (0..<K).filter { !set.contains($0) }
                    if let (k, _, s) = bestNext(ctx, without, free: free, evaluations: &evaluations, offer: { _, _ in }),
                       s.served - base > value + 1e-9 * max(1, total) {
                        rest.insert(k, at: pos)
                        set = rest
                        value = s.served - base
                        improved = true
                        break
                    }
                }
            }
        }
        var quickBound = Double.infinity
        if p >= K && K > 0 {
            // Opening every candidate is best (served demand never drops when a site opens).
            bestSet = Array(0..<K)
            bestValue = flow(for: bestSet).served - base
        } else if p > 0 && K > 0 {
            // Greedy.
            var state = ctx.flowBase
            var set: [Int] = []
            while set.count < min(p, K) {
                let free = (0..<K).filter { !set.contains($0) }
                guard let (k, _, s) = bestNext(ctx, state, free: free, evaluations: &evaluations, offer: { _, _ in }) else { break }
                set.append(k)
                state = s
            }
            offerSet(set, state.served - base)
            progress?("greedy", bestValue, total, 0)
            // The quick bound: the p largest one-site cut bounds (submodularity).
            let cut = gainBounds(ctx.flowBase, free: Array(0..<K)).values.sorted(by: >)
            quickBound = cut.prefix(p).reduce(0, +)
            if !ctx.cannotImprove(quickBound, over: bestValue) {
                var value = state.served - base
                swapSearch(&set, &value)
                offerSet(set, value)
            }
        }
        // Root bounds.
        var rootBound = 0.0
        var proven = true
        var nodes = 0
        if p > 0 && p < K && !ctx.cannotImprove(quickBound, over: bestValue) {
            let side = ctx.flowBase.sourceSide()
            let sideWeights = (0..<weights.count).map { side[$0] ? weights[$0] : 0 }
            let model = CoverageModel(residual: sideWeights, lists: lists)
            var coverSolver = CoverageSolver(model: model, p: p, budget: CoverageSolver.Budget(
                nodeLimit: 1, deadline: nil, rootIterations: 600, nodeIterations: 0), progress: nil)
            let coverBound = coverSolver.solve().bound
            var relaxed: [[Int]] = []
            let lagrangeBound = capacitatedLagrangianBound(ctx, p: p, target: bestValue, iterations: 1500, sets: &relaxed)
            progress?("capacitated Lagrangian bound", bestValue, min(coverBound, lagrangeBound), 0)
            // The relaxation's site sets as solutions; the best few polished by swaps.
            var scored: [(Double, [Int])] = []
            for set in relaxed {
                let v = flow(for: set).served - base
                evaluations += 1
                offerSet(set, v)
                scored.append((v, set))
            }
            scored.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1.lexicographicallyPrecedes($1.1)) }
            for (_, start) in scored.prefix(3) {
                var set = start
                var value = flow(for: set).served - base
                swapSearch(&set, &value)
                offerSet(set, value)
            }
            // Branch and bound on the submodular bound.
            struct CNode { var fixedIn: [Int]; var fixedOut: [Int]; var bound: Double }
            var stack = [CNode(fixedIn: [], fixedOut: [], bound: min(coverBound, lagrangeBound))]
            var openBound = -Double.infinity
            var stopped = false
            let nodeLimit = max(1, options.nodeLimit / 10)
            let deadline = options.timeLimit.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
            var first = true
            while let node = stack.popLast() {
                if ctx.cannotImprove(node.bound, over: bestValue) { continue }
                // Effort: each max-flow evaluation counts as a pass over the graph's edges.
                let work = evaluations * 4 * max(1, ctx.flowBase.reach.edgeCount + weights.count + K)
                if nodes >= nodeLimit || (nodes > 0 && work >= options.workLimit)
                    || (deadline.map { ContinuousClock.now >= $0 } ?? false) {
                    stopped = true
                    openBound = max(openBound, node.bound)
                    for rest in stack { openBound = max(openBound, rest.bound) }
                    break
                }
                nodes += 1
                let state = flow(for: node.fixedIn)
                let value = state.served - base
                offerSet(node.fixedIn, value)
                let q = p - node.fixedIn.count
                let excluded = Set(node.fixedIn + node.fixedOut)
                let free = (0..<K).filter { !excluded.contains($0) }
                if q == 0 || free.isEmpty { continue }
                // Single-site gains: exact for the ones that matter, the cut bound for the rest.
                var estimate = gainBounds(state, free: free)
                var exact = Set<Int>()
                var exactState: [Int: TransportFlow] = [:]
                var top: [Int] = []
                while true {
                    top = Array(free.sorted { estimate[$0]! > estimate[$1]! || (estimate[$0]! == estimate[$1]! && $0 < $1) }.prefix(q))
                    let pending = top.filter { !exact.contains($0) && estimate[$0]! > 0 }
                    if pending.isEmpty { break }
                    for k in pending {
                        let s = ctx.opened(state, k, seats: seats[k])
                        evaluations += 1
                        estimate[k] = max(0, s.served - base - value)
                        exact.insert(k)
                        exactState[k] = s
                        offerSet(node.fixedIn + [k], s.served - base)
                    }
                }
                let bound = min(node.bound, value + top.reduce(0) { $0 + estimate[$1]! })
                if first {
                    rootBound = bound
                    first = false
                    progress?("bounds", bestValue, bound, nodes)
                }
                if ctx.cannotImprove(bound, over: bestValue) { continue }
                // Sites that add nothing now add nothing in this subtree either (submodularity).
                let useless = free.filter { estimate[$0]! <= 0 }
                guard let pick = top.first, estimate[pick]! > 0 else { continue }
                stack.append(CNode(fixedIn: node.fixedIn, fixedOut: node.fixedOut + useless + [pick], bound: bound))
                stack.append(CNode(fixedIn: node.fixedIn + [pick], fixedOut: node.fixedOut + useless, bound: bound))
                if nodes % 64 == 0 { progress?("branch and bound", bestValue, bound, nodes) }
            }
            if stopped {
                proven = ctx.cannotImprove(min(openBound, rootBound), over: bestValue)
                rootBound = max(bestValue, min(openBound, rootBound) * (1 + 1e-10))
                if ctx.integral { rootBound = max(bestValue, rootBound.rounded(.down)) }
            }
        }
        // Report: rank by marginal served gain (sites that add nothing are left out), loads from
        // the assignment with the ranked sites.
        var order: [(Int, Double)] = []
        var state = ctx.flowBase
        var left = bestSet
        while !left.isEmpty {
            guard let (k, gain, s) = bestNext(ctx, state, free: left, evaluations: &evaluations, offer: { _, _ in }) else { break }
            left.removeAll { $0 == k }
            state = s
            order.append((k, gain))
        }
        let final = state
        let loads = final.assignment().stationLoad
        let ranked = order.map { k, gain in
            let load = loads[ctx.existingCount + k]
            return ChosenSite(id: ids[k], candidateIndex: self.order[k], gain: gain, served: load,
                              suggestedSeats: seatCount((load - 1e-9).rounded(.up)))
        }
        let objective = final.served - base
        return SiteSelection(
            sites: ranked, objective: objective, upperBound: proven ? objective : max(objective, rootBound),
            provenOptimal: proven, baseline: base, totalDemand: total, target: nil,
            nodes: nodes, iterations: evaluations)
    }
}

extension PreparedSelection {
    /// Lagrangian bound of the capacitated problem's LP (demand constraints relaxed with
    /// multipliers 0 ≤ μ_i ≤ 1): for every μ,
    ///   served(existing ∪ S) ≤ Σ_i μ_i w_i + Σ_existing K_j(μ) + (sum of the p largest K_k(μ) over new sites),
    /// where K_j(μ) is the fractional knapsack max Σ (1 − μ_i) f_ij, Σ_i f_ij ≤ capacity_j,
    /// 0 ≤ f_ij ≤ w_i. Returns the best bound on *newly* served demand found by subgradient steps.
    func capacitatedLagrangianBound(_ ctx: CapacitatedContext, p: Int, target: Double, iterations: Int,
                                    sets: inout [[Int]]) -> Double {
        var seen = Set<[Int]>()
        let n = weights.count
        let E = ctx.existingCount
        let K = ids.count
        let base = ctx.flowBase.served
        // Station → demand lists: existing from the combined reach (columns < E), new from `lists`.
        var stationRows: [[Int32]] = [[Int32]](repeating: [], count: E)
        if E > 0 {
            let reach = ctx.flowBase.reach
            for i in 0..<n {
                for e in reach.offsets[i]..<reach.offsets[i + 1] where Int(reach.columns[e]) < E {
                    stationRows[Int(reach.columns[e])].append(Int32(i))
                }
            }
        }
        let caps = existing?.capacities ?? []
        var mu = [Double](repeating: 0.5, count: n)
        var flowSum = [Double](repeating: 0, count: n)
        var best = Double.infinity
        var theta = 1.0
        var stall = 0
        var items: [(Double, Int32)] = []
        // Fractional knapsack: value and (optionally) the amounts taken, added to flowSum.
        func knapsack(_ rows: [Int32], _ cap: Double, record: Bool) -> Double {
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
        for _ in 0..<iterations {
            for i in 0..<n { flowSum[i] = 0 }
            var bound = 0.0
            for i in 0..<n { bound += mu[i] * weights[i] }
            for j in 0..<E { bound += knapsack(stationRows[j], caps[j], record: true) }
            var values: [(Double, Int)] = []
            values.reserveCapacity(K)
            for k in 0..<K { values.append((knapsack(lists[k], seats[k], record: false), k)) }
            values.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            let chosen = values.prefix(p).map(\.1).sorted()
            if seen.insert(chosen).inserted { sets.append(chosen) }
            for (v, k) in values.prefix(p) {
                bound += v
                _ = knapsack(lists[k], seats[k], record: true)
            }
            let gainBound = bound - base
            if gainBound < best { best = gainBound; stall = 0 } else {
                stall += 1
                if stall >= 25 { theta /= 2; stall = 0 }
            }
            if ctx.cannotImprove(best, over: target) || theta < 1e-3 { break }
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
