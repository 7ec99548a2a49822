/// A local search for covered (uncapacitated) budget plans: better starting plans, so that the
/// bounds prove the optimum early.
///
/// The greedy by gain per yuan is often a few riders short of the optimum, and the branch and
/// bound cannot prune what only a better plan would prune: with every district's plan a few
/// points from the optimum, the search ran to its node limit. This search changes a plan by
/// moves that keep it within the budget, the spacing and the required sites:
/// - add: an item that fits the budget left and is clear of the chosen sites' conflicts;
/// - swap: one chosen item out (not a required one), another in.
/// A move is taken when it covers more, or as much for less money (which may let an add in
/// later); of those, the one covering most, then the cheapest, then the lowest item numbers. The
/// search ends when no move is taken (each move raises the value or lowers the cost at equal value,
/// so it ends). Then rounds of perturbation: from the plan the rounds walk from (at first the
/// search's answer), drop one to four items (cycling; which ones by a fixed pseudo-random
/// sequence, so the same input gives the same plan), add first an item other than those dropped
/// (by its gain shaken by the same sequence), then the add and swap moves again. The rounds walk
/// on from the result when it covers at least as much as the plan they came from (moves across
/// plateaus of equal value), else from that plan again; the best plan met (covers most, then
/// costs least) is returned. Every plan it returns is feasible; it only ever offers plans, so the
/// proofs are unaffected.
extension PlanSolver {
    /// Perturbation rounds of `improveCovered`.
    static let coveredLocalRounds = 1000

    /// The local search above from `start` (items, required ones included). `fixed` are the items
    /// that stay (the required sites'). Returns the best plan found (items sorted) and its value.
    /// `weights` are the demand weights to cover (nil: `residual`, the covered mode's); with other
    /// weights the value returned is the coverage of those weights.
    func improveCovered(_ start: [Int], items: [Item], budget: Double, fixed: Set<Int>,
                        rounds: Int = PlanSolver.coveredLocalRounds, weights: [Double]? = nil) -> (items: [Int], value: Double) {
        let residual = weights ?? self.residual
        let n = prep.weights.count
        let tol = 1e-9 * max(1, budget)
        let tie = 1e-9 * max(1, prep.total)
        // Items that may ever add something, and per demand node the items that cover it.
        let useful = items.indices.filter { it in fixed.contains(it) || prep.lists[items[it].site].contains { residual[Int($0)] > 0 } }
        var coverers = [[Int]](repeating: [], count: n)
        for it in useful { for g in prep.lists[items[it].site] where residual[Int(g)] > 0 { coverers[Int(g)].append(it) } }
        let siteCount = K

        // State.
        var count = [Int32](repeating: 0, count: n)
        var blocking = [Int32](repeating: 0, count: siteCount)   // chosen sites in conflict with a site, or the site itself
        var chosen: [Int] = []
        var inPlan = [Bool](repeating: false, count: items.count)
        var value = 0.0
        var cost = 0.0
        func put(_ it: Int) {
            let k = items[it].site
            for g in prep.lists[k] { if count[Int(g)] == 0 { value += residual[Int(g)] }; count[Int(g)] += 1 }
            blocking[k] += 1
            for c in conflicts[k] { blocking[c] += 1 }
            chosen.append(it)
            inPlan[it] = true
            cost += items[it].cost
        }
        func take(_ it: Int) {
            let k = items[it].site
            for g in prep.lists[k] { count[Int(g)] -= 1; if count[Int(g)] == 0 { value -= residual[Int(g)] } }
            blocking[k] -= 1
            for c in conflicts[k] { blocking[c] -= 1 }
            chosen.remove(at: chosen.firstIndex(of: it)!)
            inPlan[it] = false
            cost -= items[it].cost
        }
        /// What `it` adds to the current plan.
        func gain(_ it: Int) -> Double {
            var s = 0.0
            for g in prep.lists[items[it].site] where count[Int(g)] == 0 { s += residual[Int(g)] }
            return s
        }
        // Whether (value a, cost a, item a) is a better move than b.
        func better(_ a: (Double, Double, Int, Int), _ b: (Double, Double, Int, Int)?) -> Bool {
            guard let b else { return true }
            if a.0 > b.0 + tie { return true }
            if a.0 < b.0 - tie { return false }
            if a.1 < b.1 - tol { return true }
            if a.1 > b.1 + tol { return false }
            return (a.2, a.3) < (b.2, b.3)
        }
        var gains = [Double](repeating: 0, count: items.count)
        var extra = [Double](repeating: 0, count: items.count)
        var touched: [Int] = []
        /// Add and swap moves until none is taken.
        func descend() {
            while true {
                for it in useful { gains[it] = inPlan[it] ? 0 : gain(it) }
                // Add: the item that adds most (then the cheapest, then the lowest number).
                var add: (Double, Double, Int, Int)? = nil
                for it in useful where !inPlan[it] && blocking[items[it].site] == 0 && cost + items[it].cost <= budget + tol && gains[it] > tie {
                    let m = (gains[it], items[it].cost, it, -1)
                    if better(m, add) { add = m }
                }
                if let add { put(add.2); continue }
                // Swap: out `a`, in `b`; b's gain without a is its gain plus the demand only a covers
                // that b covers too.
                let byGain = useful.filter { !inPlan[$0] && gains[$0] > 0 }.sorted { gains[$0] > gains[$1] || (gains[$0] == gains[$1] && $0 < $1) }
                var swap: (Double, Double, Int, Int)? = nil
                for a in chosen where !fixed.contains(a) {
                    let ka = items[a].site
                    var loss = 0.0
                    for g in prep.lists[ka] where count[Int(g)] == 1 {
                        loss += residual[Int(g)]
                        for b in coverers[Int(g)] {
                            if extra[b] == 0 { touched.append(b) }
                            extra[b] += residual[Int(g)]
                        }
                    }
                    let room = budget - cost + items[a].cost + tol
                    let conflictsA = Set(conflicts[ka])
                    func consider(_ b: Int) {
                        guard !inPlan[b], items[b].cost <= room else { return }
                        let kb = items[b].site
                        let blockers = blocking[kb] - (kb == ka ? 1 : 0) - (conflictsA.contains(kb) ? 1 : 0)
                        if blockers != 0 { return }
                        let delta = gains[b] + extra[b] - loss
                        let saving = items[a].cost - items[b].cost
                        // Covers more, or as much for less.
                        guard delta > tie || (delta >= -tie && saving > tol) else { return }
                        let m = (delta, -saving, a, b)
                        if better(m, swap) { swap = m }
                    }
                    // The items that cover some demand only `a` covers, then the others by their
                    // gain, down to where they cannot make up for what `a` loses.
                    for b in touched { consider(b) }
                    for b in byGain {
                        if gains[b] - loss < -tie { break }
                        if extra[b] == 0 { consider(b) }
                    }
                    for b in touched { extra[b] = 0 }
                    touched.removeAll(keepingCapacity: true)
                }
                guard let swap else { return }
                take(swap.2)
                put(swap.3)
            }
        }
        for it in start { put(it) }
        descend()
        var best = (items: chosen.sorted(), value: value, cost: cost)
        // Perturbation rounds from the best plan, by a fixed linear congruential sequence.
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(max(1, bound)))
        }
        var base = best
        for round in 0..<rounds {
            // Back to the plan the rounds walk from.
            while let it = chosen.last { take(it) }
            for it in base.items { put(it) }
            let movable = chosen.filter { !fixed.contains($0) }
            if movable.isEmpty { break }
            let drops = min(movable.count, 1 + round % 4)
            var out = Set<Int>()
            while out.count < drops { out.insert(movable[next(movable.count)]) }
            for it in out.sorted() { take(it) }
            // The first refill: among the items that add (not those just dropped), the gain
            // shaken by the sequence, so that the refill goes elsewhere.
            var refill: (Double, Double, Int, Int)? = nil
            for it in useful where !inPlan[it] && !out.contains(it) && blocking[items[it].site] == 0 && cost + items[it].cost <= budget + tol {
                let g = gain(it)
                guard g > tie else { continue }
                let m = (g * (1 + Double(next(1000)) / 2000), items[it].cost, it, -1)
                if better(m, refill) { refill = m }
            }
            if let refill { put(refill.2) }
            descend()
            if value > best.value + tie || (value >= best.value - tie && cost < best.cost - tol) {
                best = (chosen.sorted(), value, cost)
            }
            // Walk on: from a plan as good as the one walked from (a plateau move), else back.
            if value >= base.value - tie { base = (chosen.sorted(), value, cost) }
        }
        // The value again from scratch (the running sum drifts by rounding).
        var seen = [Bool](repeating: false, count: n)
        var exact = 0.0
        for it in best.items { for g in prep.lists[items[it].site] where !seen[Int(g)] { seen[Int(g)] = true; exact += residual[Int(g)] } }
        return (best.items, exact)
    }
}
