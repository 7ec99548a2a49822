/// The Lagrangian bound of budget mode, and the multiple-choice knapsack it needs.
///
/// A budget plan chooses items n = (site, size), at most one per site, of total cost at most B.
///
/// Covered (uncapacitated), with r_g the weight of demand node g not yet covered:
///   max Σ_g r_g y_g  s.t.  y_g ≤ Σ_{n covers g} x_n,  Σ_n c_n x_n ≤ B,  at most one item per site,
///   x, y ∈ {0, 1}.
/// For multipliers 0 ≤ λ_g ≤ r_g on the covering constraints,
///   L(λ) = Σ_g (r_g − λ_g) + max { Σ_n v_n x_n : x within the budget, at most one item per site },
///   v_n = Σ_{g within reach of n} λ_g.
/// For any plan x and its coverage y, Σ r_g y_g ≤ Σ r_g y_g + Σ λ_g (Σ_{n covers g} x_n − y_g) (each
/// bracket is ≥ 0) = Σ (r_g − λ_g) y_g + Σ_n v_n x_n ≤ L(λ), since r_g − λ_g ≥ 0 and y_g ≤ 1: every
/// λ gives a proof (weak duality).
///
/// Served (capacitated): the served demand of a plan is the maximum flow f with Σ_j f_ij ≤ w_i per
/// demand node, Σ_i f_ij ≤ capacity_j per station and 0 ≤ f_ij ≤ w_i. Relaxing the demand rows
/// with multipliers 0 ≤ μ_i ≤ 1, for every μ
///   served ≤ Σ_i μ_i w_i + Σ_existing K_j(μ) + max { Σ_n K_n(μ) x_n : x within the budget, one per site },
/// where K_j(μ) = max Σ_i (1 − μ_i) f_ij over 0 ≤ f_ij ≤ w_i, Σ_i f_ij ≤ capacity_j (a fractional
/// knapsack); an item's K_n grows with its size's capacity. Subtracting the existing stations'
/// flow gives a bound on demand newly served.
///
/// The knapsack is itself bounded from above, so the bound stays a proof: by its LP relaxation
/// (the items of each site reduced to their upper concave hull, then taken greedily by value per
/// yuan, the last fractionally), and, when small enough, exactly by dynamic programming over costs
/// rounded *down* to a unit with the budget rounded *up* (every plan within the budget stays
/// within the rounded one). The smaller of the two is used. Spacing and "required" are dropped
/// (relaxations); at a branch-and-bound node the items fixed in count with x = 1, the items
/// excluded and the sites in conflict with fixed or required ones are left out, which keeps it a
/// bound on every plan below the node. The multipliers come from subgradient steps at the root,
/// and a few more steps at every node, starting from its parent's best multipliers.
extension PlanSolver {
    /// A budget Lagrangian at a node of the branch and bound: its best bound, the multipliers
    /// that gave it (λ per demand node, covered; μ, served) and the step scale reached.
    struct BudgetLagrangian {
        var bound: Double
        var multipliers: [Double]
        var theta: Double
        /// At the best multipliers: the bound's constant term and every item's value (the items
        /// of sites left out at 0), so that `cachedBound` reuses them at other nodes.
        var constant: Double = 0
        var values: [Double] = []
    }

    /// The bound at `node` with the multipliers of `m`, taken at a node above it, without new
    /// steps: served, the items' values K_n(μ) do not depend on the node, so only the knapsack is
    /// solved again. (Covered, `budgetLagrangian` with its steps is used instead: it also drops
    /// the demand the fixed items cover.)
    func cachedBound(_ m: BudgetLagrangian, above: [Int], items: [Item], itemsOf: [[Int]], knapsack: ChoiceKnapsack, node: BudgetNode,
                     enough: Double = -.infinity) -> Double {
        var bound = m.constant
        for n in node.chosen where !above.contains(n) { bound += m.values[n] }
        let classes = budgetClasses(values: m.values, items: items, itemsOf: itemsOf, node: node)
        return bound + knapsack.solve(classes: classes, values: m.values, budget: max(0, node.left), solution: false, enough: enough - bound).value
    }

    /// Where a budget Lagrangian is taken: items fixed in, items and sites left out, yuan left.
    struct BudgetNode {
        var chosen: [Int]
        var excluded: Set<Int>
        /// Sites that no plan below the node can take (fixed in already, or in conflict with a
        /// fixed or required site).
        var outside: Set<PlanSite>
        var left: Double
    }

    /// Subgradient optimisation of the budget Lagrangian at `node`, from `start` multipliers (nil:
    /// λ = r, or μ = the tuning's start) and step scale `theta`, for at most `iterations` steps;
    /// stops once the bound proves that nothing below the node beats `incumbent()`. `offer`
    /// receives the item sets of the knapsack's integral answers (with the fixed items).
    func budgetLagrangian(items: [Item], itemsOf: [[Int]], knapsack: ChoiceKnapsack, node: BudgetNode,
                          start: [Double]?, theta startTheta: Double, iterations: Int, offerLimit: Int,
                          incumbent: () -> Double, offer: ([Int]) -> Void) -> BudgetLagrangian {
        let n = prep.weights.count
        let tuning = SolverTuning.standard
        var best = BudgetLagrangian(bound: .infinity, multipliers: start ?? [], theta: startTheta)
        var theta = startTheta
        var stall = 0
        var offers = 0
        // Per class (site), the items it may still take: in one flat array first (marks, not set
        // look-ups), then an array per class only when some class has several (capacitated).
        var siteOpen = [Bool](repeating: true, count: K)
        for k in node.outside { siteOpen[k] = false }
        var itemOpen = [Bool](repeating: true, count: items.count)
        for it in node.excluded { itemOpen[it] = false }
        var flat: [Int] = [], flatStart = [0]
        var classSites: [PlanSite] = []
        let room = node.left + knapsack.tolerance
        for k in 0..<K where siteOpen[k] {
            for it in itemsOf[k] where itemOpen[it] && items[it].cost <= room { flat.append(it) }
            if flat.count > flatStart[flatStart.count - 1] { flatStart.append(flat.count); classSites.append(k) }
        }
        let oneEach = flat.count == classSites.count
        let classes: [[Int]] = oneEach && !capacitated ? [] : classSites.indices.map { Array(flat[flatStart[$0]..<flatStart[$0 + 1]]) }
        var values = [Double](repeating: 0, count: items.count)
        func tryOffer(_ solution: [(item: Int, x: Double)]) {
            guard offers < offerLimit, solution.allSatisfy({ $0.x == 1 }) else { return }
            offers += 1
            offer(node.chosen + solution.map(\.item))
        }
        // One subgradient iteration's bookkeeping, the same for both relaxations: keep the least
        // bound, halve the step after `budgetStall` iterations without progress, offer the
        // knapsack's answer as a plan. True when the iterations should stop.
        func recordIteration(bound: Double, multipliers: [Double], constant: Double,
                             solution: [(item: Int, x: Double)]) -> Bool {
            if bound < best.bound {
                best = BudgetLagrangian(bound: bound, multipliers: multipliers, theta: theta, constant: constant, values: values)
                stall = 0
            } else {
                stall += 1
                if stall >= tuning.budgetStall { theta /= 2; stall = 0 }
            }
            tryOffer(solution)
            return optimality.cannotImprove(best.bound, over: incumbent()) || theta < tuning.capacitatedMinimumTheta
        }
        if capacitated {
            let ctx = ctx!
            let E = ctx.existingCount
            let caps = prep.existing?.capacities ?? []
            let weights = prep.weights
            var mu = start ?? [Double](repeating: tuning.capacitatedStartMultiplier, count: n)
            var fill = [Double](repeating: 0, count: n)
            var scratch: [(Double, Int32)] = []
            // Fractional knapsack of (1 − μ_i) over w_i at each capacity of `capsAsc` (ascending);
            // with x > 0, adds x times the amounts taken at capacity `capsAsc[0]` to `fill`.
            func knapsacks(_ rows: ArraySlice<Int32>, _ capsAsc: [Double], record x: Double) -> [Double] {
                scratch.removeAll(keepingCapacity: true)
                for i in rows where mu[Int(i)] < 1 { scratch.append((1 - mu[Int(i)], i)) }
                scratch.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                var out = [Double](repeating: 0, count: capsAsc.count)
                var c = 0
                var used = 0.0, value = 0.0
                for (v, i) in scratch {
                    let w = weights[Int(i)]
                    while c < capsAsc.count && used + w > capsAsc[c] {
                        out[c] = value + v * (capsAsc[c] - used)
                        if x > 0 && c == 0 { fill[Int(i)] += x * (capsAsc[c] - used) }
                        c += 1
                    }
                    if c == capsAsc.count { break }
                    if x > 0 && c == 0 { fill[Int(i)] += x * w }
                    used += w
                    value += v * w
                }
                while c < capsAsc.count { out[c] = value; c += 1 }
                return out
            }
            for _ in 0..<iterations {
                for i in 0..<n { fill[i] = 0 }
                var constant = -base
                for i in 0..<n { constant += mu[i] * weights[i] }
                for j in 0..<E { constant += knapsacks(ctx.flowBase.byStation.row(j), [caps[j]], record: 1)[0] }
                for it in node.chosen { constant += knapsacks(prep.lists[items[it].site][...], [items[it].capacity], record: 1)[0] }
                for (ci, k) in classSites.enumerated() {
                    let ks = knapsacks(prep.lists[k][...], classes[ci].map { items[$0].capacity }, record: 0)
                    for (pos, it) in classes[ci].enumerated() { values[it] = ks[pos] }
                }
                let answer = knapsack.solve(classes: classes, values: values, budget: node.left, solution: true)
                let bound = constant + answer.value
                if recordIteration(bound: bound, multipliers: mu, constant: constant, solution: answer.solution) { break }
                for (it, x) in answer.solution where x > 0 {
                    _ = knapsacks(prep.lists[items[it].site][...], [items[it].capacity], record: x)
                }
                var norm = 0.0
                for i in 0..<n { let g = weights[i] - fill[i]; norm += g * g }
                if norm == 0 { break }
                let step = theta * max(bound - incumbent(), 1e-9 * max(1, prep.total)) / norm
                for i in 0..<n { mu[i] = min(1, max(0, mu[i] - step * (weights[i] - fill[i]))) }
            }
        } else {
            // Demand the fixed items cover counts as it is; the rest is relaxed.
            var r = residual
            var fixedValue = 0.0
            for it in node.chosen { for g in prep.lists[items[it].site] where r[Int(g)] > 0 { fixedValue += r[Int(g)]; r[Int(g)] = 0 } }
            var lambda = start.map { zip($0, r).map { min($0, $1) } } ?? r
            var hits = [Double](repeating: 0, count: n)
            // The classes' sites' demand nodes in one array, and with one item per class (one
            // size per site) the items too: no array of arrays walked per iteration.
            var reachStart = [0], reach: [Int32] = []
            for k in classSites { reach.append(contentsOf: prep.lists[k]); reachStart.append(reach.count) }
            let singles: [Int]? = oneEach ? flat : nil
            for _ in 0..<iterations {
                var constant = fixedValue
                for g in 0..<n { constant += r[g] - lambda[g] }
                // (Through buffers: `values` is shared with `recordIteration`, and each write
                // through it would check it is unique. The same sums in the same order.)
                values.withUnsafeMutableBufferPointer { values in
                    lambda.withUnsafeBufferPointer { lambda in
                        reach.withUnsafeBufferPointer { reach in
                            for ci in classSites.indices {
                                var s = 0.0
                                for e in reachStart[ci]..<reachStart[ci + 1] { s += lambda[Int(reach[e])] }
                                if let singles { values[singles[ci]] = s } else { for it in classes[ci] { values[it] = s } }
                            }
                        }
                    }
                }
                let answer = singles.map { knapsack.solveSingles(items: $0, values: values, budget: node.left, solution: true, enough: -.infinity) }
                    ?? knapsack.solve(classes: classes, values: values, budget: node.left, solution: true)
                let bound = constant + answer.value
                if recordIteration(bound: bound, multipliers: lambda, constant: constant, solution: answer.solution) { break }
                // Subgradient s_g = Σ_n x_n [n covers g] − y_g, y_g = 1 where r_g − λ_g > 0.
                for (it, x) in answer.solution where x > 0 { for g in prep.lists[items[it].site] { hits[Int(g)] += x } }
                var norm = 0.0
                for g in 0..<n where r[g] > 0 {
                    let s = hits[g] - (r[g] - lambda[g] > 0 ? 1 : 0)
                    norm += s * s
                }
                if norm == 0 { break }
                let step = theta * max(bound - incumbent(), 1e-9 * max(1, prep.total)) / norm
                for g in 0..<n where r[g] > 0 {
                    let s = hits[g] - (r[g] - lambda[g] > 0 ? 1 : 0)
                    lambda[g] = min(r[g], max(0, lambda[g] - step * s))
                }
                for g in 0..<n { hits[g] = 0 }
            }
        }
        best.theta = theta
        return best
    }
}

/// A multiple-choice knapsack bound: classes of items (cost, value ≥ 0), at most one item per
/// class, total cost within a budget. `solve` returns an upper bound on the best total value: the
/// LP relaxation, and when the table is small the dynamic programme over costs rounded down to
/// `unit` (budget rounded up), whichever is smaller; both are at least the 0/1 optimum.
struct ChoiceKnapsack {
    let costs: [Double]
    /// Cost in units, rounded down; unused when `unit` is 0.
    let units: [Int]
    /// 0: no dynamic programme.
    let unit: Double
    /// Largest table (items × budget units) the dynamic programme fills.
    let tableLimit: Int
    let tolerance: Double
    /// The unit is the costs' greatest common divisor: the dynamic programme is the exact 0/1
    /// optimum (at most the LP relaxation).
    let exact: Bool

    /// For items of the given costs and budgets up to `budget`: the unit is the greatest common
    /// divisor of the costs when they are whole numbers and the budget is at most `maxUnits` of
    /// it, else budget / `maxUnits`.
    init(costs: [Double], budget: Double, maxUnits: Int = 4_000, tableLimit: Int = 4_000_000) {
        self.costs = costs
        self.tableLimit = tableLimit
        self.tolerance = 1e-9 * max(1, budget)
        var g: UInt64 = 0
        var whole = true
        for c in costs {
            guard c >= 0, c == c.rounded(), c < 9e15 else { whole = false; break }
            var a = UInt64(c), b = g
            while b != 0 { (a, b) = (b, a % b) }
            g = a
        }
        var unit = 0.0
        var exact = false
        if budget > 0 {
            if whole && g > 0 && budget / Double(g) <= Double(maxUnits) {
                unit = Double(g)
                exact = true
            } else {
                unit = (budget + tolerance) / Double(maxUnits)
            }
        }
        self.unit = unit
        self.exact = exact
        if exact {
            // Whole costs over their common divisor: exact integers.
            self.units = costs.map { Int(UInt64($0) / g) }
        } else {
            // Rounded down, a little more than needed, so that rounding error never rounds up.
            self.units = unit > 0 ? costs.map { Int(($0 / unit * (1 - 1e-12)).rounded(.down)) } : costs.map { _ in 0 }
        }
    }

    /// An upper bound on the knapsack, and with `solution` the items of a solution that attains
    /// the relaxation's value (x = 1, or fractional for the LP): item and share.
    /// Without `solution`, the dynamic programme is skipped when the LP relaxation is already at
    /// most `enough` (the caller needs no tighter bound then).
    func solve(classes: [[Int]], values: [Double], budget: Double, solution: Bool, enough: Double = -.infinity) -> (value: Double, solution: [(item: Int, x: Double)]) {
        if classes.allSatisfy({ $0.count == 1 }) {
            return solveSingles(items: classes.map { $0[0] }, values: values, budget: budget, solution: solution, enough: enough)
        }
        // LP relaxation: upper concave hull per class from (0, 0), increments by value per yuan.
        struct Step { var dc: Double; var dv: Double; var from: Int; var to: Int; var cls: Int }
        var steps: [Step] = []
        var hull: [(c: Double, v: Double, item: Int)] = []
        // (Through buffers: the comparisons then copy no array.)
        costs.withUnsafeBufferPointer { costs in values.withUnsafeBufferPointer { values in
        for (ci, options) in classes.enumerated() {
            let sorted = options.filter { values[$0] > 0 && costs[$0] <= budget + tolerance }
                .sorted { costs[$0] < costs[$1] || (costs[$0] == costs[$1] && (values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1))) }
            hull.removeAll(keepingCapacity: true)
            hull.append((0, 0, -1))
            for o in sorted {
                let c = costs[o], v = values[o]
                if v <= hull[hull.count - 1].v { continue }
                while hull.count >= 2 {
                    let a = hull[hull.count - 2], b = hull[hull.count - 1]
                    // Pop b when the slope from b to o is at least the slope from a to b.
                    if (v - b.v) * (b.c - a.c) >= (b.v - a.v) * (c - b.c) { hull.removeLast() } else { break }
                }
                hull.append((c, v, o))
            }
            for h in 1..<hull.count {
                steps.append(Step(dc: hull[h].c - hull[h - 1].c, dv: hull[h].v - hull[h - 1].v, from: hull[h - 1].item, to: hull[h].item, cls: ci))
            }
        }
        } }
        steps.sort { a, b in
            let l = a.dv * b.dc, r = b.dv * a.dc
            return l > r || (l == r && (a.cls < b.cls || (a.cls == b.cls && a.dc < b.dc)))
        }
        var room = budget + tolerance
        var lp = 0.0
        var at = [Int: Int]()        // class → item taken whole
        var partial: (cls: Int, from: Int, to: Int, x: Double)? = nil
        for s in steps {
            if s.dc <= room {
                room -= s.dc
                lp += s.dv
                at[s.cls] = s.to
            } else {
                let x = room / s.dc
                lp += s.dv * x
                partial = (s.cls, s.from, s.to, x)
                break
            }
        }
        var best = lp
        var lpSolution: [(item: Int, x: Double)] = []
        if solution {
            for (cls, item) in at where partial?.cls != cls { lpSolution.append((item, 1)) }
            if let p = partial {
                if p.from >= 0 { lpSolution.append((p.from, 1 - p.x)) }
                if p.x > 0 { lpSolution.append((p.to, p.x)) }
            }
            lpSolution.sort { $0.item < $1.item }
        }
        // Dynamic programme over rounded costs.
        guard unit > 0, solution || best > enough else { return (best, lpSolution) }
        let U = Int(((budget + tolerance) / unit * (1 + 1e-12)).rounded(.down))
        let optionCount = classes.reduce(0) { $0 + $1.count }
        guard U >= 0, optionCount * (U + 1) <= tableLimit, U < Int(Int32.max) else { return (best, lpSolution) }
        var dp = [Double](repeating: 0, count: U + 1)
        var choice = solution ? [Int32](repeating: -1, count: classes.count * (U + 1)) : []
        var keptUnits: [Int] = [], keptValues: [Double] = []
        for (ci, options) in classes.enumerated() {
            let opts = options.filter { values[$0] > 0 && units[$0] <= U }
            if opts.isEmpty { continue }
            if !solution {
                // Only the table's values are needed (`addClass` leaves dominated options out):
                // the same maxima of the same sums as the loop below, bit for bit.
                addClass(opts, values: values, to: &dp, units: U, keptUnits: &keptUnits, keptValues: &keptValues)
                continue
            }
            for b in stride(from: U, through: 0, by: -1) {
                var v = dp[b]
                var arg = -1
                for o in opts where units[o] <= b {
                    let w = dp[b - units[o]] + values[o]
                    if w > v { v = w; arg = o }
                }
                dp[b] = v
                if solution && arg >= 0 { choice[ci * (U + 1) + b] = Int32(arg) }
            }
        }
        best = min(best, dp[U])
        guard solution else { return (best, []) }
        // The programme's items (read back class by class from the last).
        var items: [(item: Int, x: Double)] = []
        var b = U
        for ci in stride(from: classes.count - 1, through: 0, by: -1) {
            let o = Int(choice[ci * (U + 1) + b])
            if o >= 0 { items.append((o, 1)); b -= units[o] }
        }
        items.sort { $0.item < $1.item }
        return (best, items)
    }

    /// The dynamic programme's table over rounded costs, without the LP: entry b (0 … U, the
    /// budget in units rounded up) bounds from above the best total value of items (at most one
    /// per class) whose costs fit b units; a set of items that fits `budget` − c_n yuan fits
    /// U − units[n] units. Nil when there is no unit or the table would pass `tableLimit`.
    func table(classes: [[Int]], values: [Double], budget: Double) -> [Double]? {
        guard unit > 0 else { return nil }
        let U = Int(((budget + tolerance) / unit * (1 + 1e-12)).rounded(.down))
        let optionCount = classes.reduce(0) { $0 + $1.count }
        guard U >= 0, optionCount * (U + 1) <= tableLimit, U < Int(Int32.max) else { return nil }
        var dp = [Double](repeating: 0, count: U + 1)
        var keptUnits: [Int] = [], keptValues: [Double] = []
        for options in classes {
            let opts = options.filter { values[$0] > 0 && units[$0] <= U }
            if opts.isEmpty { continue }
            addClass(opts, values: values, to: &dp, units: U, keptUnits: &keptUnits, keptValues: &keptValues)
        }
        return dp
    }

    /// One class's step of the dynamic programme when only the table's values are needed (no
    /// read-back), for `solve` and `table`: an option that costs at least as much as another of
    /// its class and is worth no more never sets a maximum (the table does not fall as the budget
    /// grows), so it is left out; the others by cost, each budget b from `U` down taking the best
    /// of its entry and entry[b − cost] + value, stopping at the first cost it cannot pay.
    /// `keptUnits` and `keptValues` are scratch buffers.
    private func addClass(_ opts: [Int], values: [Double], to dp: inout [Double], units U: Int,
                          keptUnits: inout [Int], keptValues: inout [Double]) {
        let byUnits = units.withUnsafeBufferPointer { units in values.withUnsafeBufferPointer { values in
            opts.sorted { units[$0] < units[$1] || (units[$0] == units[$1] && (values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1))) }
        } }
        keptUnits.removeAll(keepingCapacity: true)
        keptValues.removeAll(keepingCapacity: true)
        for o in byUnits where keptValues.last.map({ values[o] > $0 }) ?? true {
            keptUnits.append(units[o])
            keptValues.append(values[o])
        }
        let count = keptUnits.count
        dp.withUnsafeMutableBufferPointer { dp in
            keptUnits.withUnsafeBufferPointer { ku in
                keptValues.withUnsafeBufferPointer { kv in
                    var b = U
                    while b >= 0 {
                        var v = dp[b]
                        var x = 0
                        while x < count && ku[x] <= b {
                            let w = dp[b - ku[x]] + kv[x]
                            if w > v { v = w }
                            x += 1
                        }
                        dp[b] = v
                        b -= 1
                    }
                }
            }
        }
    }

    /// `solve` when every class holds one item (covered budget mode, one size per site): the
    /// same answer, bit for bit, without a hull and two arrays per class or a table of choices
    /// per call. A class's hull is then its one step from (0, 0), so the LP takes the same steps
    /// in the same order (the same comparison; only the steps it can reach are put in order),
    /// and the dynamic programme makes the same additions and comparisons (four budgets at a
    /// time); a bit per class and budget unit records where the item improved the table, which
    /// is what the read-back needs.
    /// `items[c]` is the one item of class c.
    func solveSingles(items classItems: [Int], values: [Double], budget: Double, solution: Bool,
                      enough: Double) -> (value: Double, solution: [(item: Int, x: Double)]) {
        struct Step { var dc: Double; var dv: Double; var to: Int; var cls: Int }
        let limit = budget + tolerance
        var steps: [Step] = []
        steps.reserveCapacity(classItems.count)
        for ci in classItems.indices {
            let o = classItems[ci]
            let v = values[o], c = costs[o]
            if v > 0 && c <= limit { steps.append(Step(dc: c - 0, dv: v - 0, to: o, cls: ci)) }
        }
        func before(_ a: Step, _ b: Step) -> Bool {
            let l = a.dv * b.dc, r = b.dv * a.dc
            return l > r || (l == r && (a.cls < b.cls || (a.cls == b.cls && a.dc < b.dc)))
        }
        // The LP takes the steps in that order until the budget runs out: whole, at most
        // budget / least cost of them, then one in part. So only the first few are needed, kept
        // sorted while the others pass (the same ones in the same order as a full sort, the
        // order being total: ties end at the class); a full sort when they are not few, or when
        // rounding let the LP run past them.
        var leastCost = Double.infinity
        for s in steps { leastCost = min(leastCost, s.dc) }
        let need = leastCost > 0 ? min(Double(steps.count), (limit / leastCost).rounded(.down) + 2) : Double(steps.count)
        var order: [Step]
        if need * 8 < Double(steps.count) {
            let m = Int(need)
            order = []
            order.reserveCapacity(m + 1)
            for s in steps {
                if order.count == m {
                    if !before(s, order[m - 1]) { continue }
                    order.removeLast()
                }
                var at = order.count
                while at > 0 && before(s, order[at - 1]) { at -= 1 }
                order.insert(s, at: at)
            }
        } else {
            steps.sort(by: before)
            order = steps
        }
        var room = limit
        var lp = 0.0
        var taken = 0
        var partial: (to: Int, x: Double)? = nil
        var ended = false
        while true {
            for s in order {
                if s.dc <= room {
                    room -= s.dc
                    lp += s.dv
                    taken += 1
                } else {
                    let x = room / s.dc
                    lp += s.dv * x
                    partial = (s.to, x)
                    ended = true
                    break
                }
            }
            if ended || order.count == steps.count { break }
            steps.sort(by: before)
            order = steps
            room = limit
            lp = 0
            taken = 0
        }
        var best = lp
        var lpSolution: [(item: Int, x: Double)] = []
        if solution {
            lpSolution.reserveCapacity(taken + 1)
            for s in order.prefix(taken) { lpSolution.append((s.to, 1)) }
            if let p = partial, p.x > 0 { lpSolution.append((p.to, p.x)) }
            lpSolution.sort { $0.item < $1.item }
        }
        guard unit > 0, solution || best > enough else { return (best, lpSolution) }
        let U = Int(((budget + tolerance) / unit * (1 + 1e-12)).rounded(.down))
        guard U >= 0, classItems.count * (U + 1) <= tableLimit, U < Int(Int32.max) else { return (best, lpSolution) }
        // Items no optimal answer holds are left out of the programme (exact units only: costs
        // are then the units times the unit). With r the value per yuan of the step the LP cuts,
        // the LP is concave in the budget with slopes at least r below it, so an answer holding
        // item o is worth at most v_o + LP − r c_o; the LP's whole steps are an answer within
        // the budget, worth `whole`. An item whose bound is below that holds in no optimal answer.
        var cutRatio = -1.0, whole = 0.0
        if exact, ended {
            let cut = order[taken]
            cutRatio = cut.dv / cut.dc
            for s in order.prefix(taken) { whole += s.dv }
        }
        let margin = 1e-9 * max(1, lp)
        let words = (U + 64) / 64
        var dp = [Double](repeating: 0, count: U + 1)
        var improved = [UInt64](repeating: 0, count: solution ? classItems.count * words : 0)
        dp.withUnsafeMutableBufferPointer { dp in
            improved.withUnsafeMutableBufferPointer { bits in
                let table = UnsafeMutableRawPointer(dp.baseAddress!)
                let stride8 = MemoryLayout<Double>.stride
                for ci in classItems.indices {
                    let o = classItems[ci]
                    let u = units[o], value = values[o]
                    guard value > 0, u <= U else { continue }
                    if cutRatio >= 0 && value + lp - cutRatio * costs[o] < whole - margin { continue }
                    var b = U
                    // Four budgets at a time (b − 3 … b): they read entries at least 4 below, which
                    // this class has not written yet, so this is the one-at-a-time loop below, the
                    // same additions and comparisons.
                    if u >= 4 {
                        let add = SIMD4<Double>(repeating: value)
                        while b - 3 >= u {
                            let low = b - 3
                            let here = table.loadUnaligned(fromByteOffset: low * stride8, as: SIMD4<Double>.self)
                            let with = table.loadUnaligned(fromByteOffset: (low - u) * stride8, as: SIMD4<Double>.self) + add
                            let better = with .> here
                            if any(better) {
                                table.storeBytes(of: here.replacing(with: with, where: better), toByteOffset: low * stride8, as: SIMD4<Double>.self)
                                if solution {
                                    for lane in 0..<4 where better[lane] {
                                        let at = low + lane
                                        bits[ci * words + at >> 6] |= 1 << UInt64(at & 63)
                                    }
                                }
                            }
                            b -= 4
                        }
                    }
                    while b >= u {
                        let w = dp[b - u] + value
                        if w > dp[b] {
                            dp[b] = w
                            if solution { bits[ci * words + b >> 6] |= 1 << UInt64(b & 63) }
                        }
                        b -= 1
                    }
                }
            }
        }
        best = min(best, dp[U])
        guard solution else { return (best, []) }
        var items: [(item: Int, x: Double)] = []
        var b = U
        for ci in stride(from: classItems.count - 1, through: 0, by: -1) where improved[ci * words + b >> 6] & (1 << UInt64(b & 63)) != 0 {
            let o = classItems[ci]
            items.append((o, 1))
            b -= units[o]
        }
        items.sort { $0.item < $1.item }
        return (best, items)
    }
}
