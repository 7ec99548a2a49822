/// The decomposition proof: at the root, after reduced-cost fixing and probing, where the search
/// would go on into the tree. Every strictly better answer takes the sites fixed in and the rest
/// among the sites still open (neither fixed in nor out); those (with the incumbent's) often fall
/// into components that share no demand group left uncovered by the fixed-in sites, and then any
/// choice of sites splits over the components, its value the sum of theirs. The problem is then a
/// knapsack over the components: for each component and each count k of sites, its best k sites
/// (this solver on the component alone), and a dynamic programme over the components for the best
/// total with the q sites left. The depth-first tree pays for the product of the components'
/// subtrees; the components alone pay for their sum (instance B's core: 4 components).
///
/// Each component's bound for each count starts as the Lagrangian bound at the root's multipliers
/// restricted to it (L(λ) splits over components too); a count whose bound, with the best the
/// other components' bounds allow for the rest, cannot beat the target is not solved. The others
/// are solved with that need as their floor (they only look for a better component value), and
/// their outcome gives the component's bound for that count (at least the floor). The answer is
/// the knapsack over the values found, offered when strictly better; the bound is the knapsack
/// over the bounds (any choice of sites splits over the components, so no choice exceeds it), and
/// the outcome is proven when that bound cannot beat the target.
///
/// The solves share the nodes left under the node limit and a work allowance the size of the
/// tree's (as probing and the support search have), every pass of a solve charged as a pass over
/// its component's links (its root's, probing's and core's too); each solve has what is left of
/// the allowance as a cap (`EffortLimit.passes`), so the decomposition passes its allowance only
/// by less than one pass over its last component's links. They stop at the deadline; the solves
/// left keep their Lagrangian bounds, and the outcome is then proven only if those bounds suffice.
extension CoverageSolver {
    /// Runs the decomposition when at least `tuning.decompositionMinimumOpen` sites are open and
    /// they split into at least two components of at least `tuning.decompositionMinimumSites` sites; returns its outcome (the search ends there), or nil
    /// when it does not run. `fixedIn`/`fixedOut`: the root's fixings; `lambda`: the root's
    /// multipliers; `bound`: the root's bound; `nodes`: the nodes spent so far.
    mutating func solveByComponents(sub: Subproblem, fixedIn: [ColumnIndex], fixedOut: [ColumnIndex], lambda: [Double],
                                    bound ub: Double, nodes: Int) -> Outcome? {
        guard tuning.decomposition, budget.decomposition, budget.limits.nodes > 1, budget.nodeIterations > 0,
              !budget.limits.pastDeadline, passesLeft > 0, lambda.count == model.groupCount else { return nil }
        let q = p - fixedIn.count
        guard q > 0 else { return nil }
        let parts = openComponents(free: sub.free, fixedIn: fixedIn, fixedOut: fixedOut)
        guard parts.components.reduce(0, { $0 + $1.count }) >= tuning.decompositionMinimumOpen,
              parts.components.filter({ $0.count >= tuning.decompositionMinimumSites }).count >= 2 else { return nil }
        let covered = parts.covered
        let components = parts.components
        let fixedValue = model.value(fixedIn)
        let isIn = Set(fixedIn)
        let cols = model.byCandidate
        // The value of a set of open sites: the uncovered demand it covers.
        func openValue(_ set: [ColumnIndex]) -> Double {
            var seen = Set<Int>()
            var v = 0.0
            for j in set { for g in cols.row(j) where !covered[Int(g)] && seen.insert(Int(g)).inserted { v += model.weight[Int(g)] } }
            return v
        }
        let lam = (0..<model.groupCount).map { covered[$0] ? 0 : min(max(lambda[$0], 0), model.weight[$0]) }
        // Per component and count 0...n (n: its sites, at most q): bound, best value, its sites.
        var bounds: [[Double]] = [], values: [[Double]] = [], sets: [[[ColumnIndex]]] = []
        var held: [[ColumnIndex]] = []
        var exact: [[Bool]] = []
        var componentOf = [Int](repeating: -1, count: model.candidateCount)
        for (c, part) in components.enumerated() { for j in part { componentOf[j] = c } }
        for (c, part) in components.enumerated() {
            let n = min(q, part.count)
            // The component's uncovered groups, summed in ascending order (a Set's order changes
            // from run to run, and with it the last bits of the bound).
            var inPart = [Bool](repeating: false, count: model.groupCount)
            for j in part { for g in cols.row(j) where !covered[Int(g)] { inPart[Int(g)] = true } }
            var constant = 0.0, total = 0.0
            for g in 0..<model.groupCount where inPart[g] { constant += model.weight[g] - lam[g]; total += model.weight[g] }
            let columnValues = part.map { j in cols.row(j).reduce(0.0) { $0 + (covered[Int($1)] ? 0 : lam[Int($1)]) } }.sorted(by: >)
            var b = [constant]
            for k in 0..<n { b.append(b[k] + columnValues[k]) }
            bounds.append(b.map { min($0, total) })
            var v = [Double](repeating: 0, count: n + 1)
            var s = [[ColumnIndex]](repeating: [], count: n + 1)
            var e = [Bool](repeating: false, count: n + 1)
            e[0] = true
            bounds[c][0] = 0
            if n == part.count { v[n] = total; s[n] = part; bounds[c][n] = total; e[n] = true }
            let mine = incumbent.sites.filter { !isIn.contains($0) && componentOf[$0] == c }
            if mine.count <= n, !e[mine.count] { v[mine.count] = openValue(mine); s[mine.count] = mine }
            values.append(v); sets.append(s); exact.append(e); held.append(mine)
        }
        // Values non-decreasing in k (fewer sites are allowed), bounds too (a suffix minimum).
        func tidy(_ c: Int) {
            for k in stride(from: bounds[c].count - 2, through: 0, by: -1) { bounds[c][k] = min(bounds[c][k], bounds[c][k + 1]) }
            for k in 1..<values[c].count where values[c][k - 1] > values[c][k] {
                values[c][k] = values[c][k - 1]; sets[c][k] = sets[c][k - 1]
            }
        }
        for c in components.indices { tidy(c) }
        progress("decomposition: \(components.count) components of \(components.map(\.count)) sites, \(q) to choose",
                 incumbent: incumbent.value, bound: optimality.reportable(ub), nodes: nodes)
        let nodeAllowance = budget.limits.nodes - nodes
        let workAllowance = budget.limits.work
        let passAllowance = passesLeft   // (under a pass cap of this search's own)
        var spentNodes = 0, spentWork = 0, iterations = 0, solves = 0
        var goal = target - fixedValue
        for c in components.indices {
            let others = knapsack(bounds.enumerated().filter { $0.offset != c }.map(\.element), capacity: q)
            for k in 1..<values[c].count where !exact[c][k] {
                let need = goal - others[q - k]
                if optimality.cannotImprove(fixedValue + bounds[c][k] + others[q - k], over: fixedValue + goal) { continue }
                if budget.limits.pastDeadline || spentNodes >= nodeAllowance || spentWork >= workAllowance
                    || iterations >= passAllowance { break }
                let solved = solveComponent(components[c], count: k, covered: covered, held: held[c], lambda: lam, floor: need,
                                            nodes: nodeAllowance - spentNodes, work: workAllowance - spentWork,
                                            passes: passAllowance - iterations)
                solves += 1
                spentNodes += solved.nodes
                spentWork += solved.work
                iterations += solved.iterations
                if solved.value > values[c][k] { values[c][k] = solved.value; sets[c][k] = solved.sites }
                bounds[c][k] = min(bounds[c][k], max(solved.bound, need, values[c][k]))
                tidy(c)
                goal = max(goal, knapsack(values, capacity: q)[q])
            }
        }
        // The answer: the knapsack over the values, its sites by component.
        let best = knapsackChoice(values, capacity: q)
        var chosen = fixedIn
        for (c, k) in best.enumerated() { chosen += sets[c][k] }
        if chosen.count < p {
            chosen = lazyGreedy(start: chosen, count: p, allowed: [Bool](repeating: true, count: model.candidateCount))
        }
        let value = model.value(chosen)
        if value > target + incumbent.tie { incumbent.offer(chosen, value: value) }
        let total = fixedValue + knapsack(bounds, capacity: q)[q]
        let proven = optimality.cannotImprove(total, over: target)
        let reported = proven ? incumbent.value
            : max(incumbent.value, min(optimality.reportable(ub), optimality.reportable(total)))
        progress("decomposition done: \(solves) solves, \(iterations) passes, \(spentWork) links charged (allowance \(workAllowance))",
                 incumbent: incumbent.value, bound: reported, nodes: nodes + spentNodes)
        return Outcome(chosen: incumbent.sites, value: incumbent.value, bound: reported, proven: proven, nodes: nodes + spentNodes,
                       lagrangeIterations: lagrangeIterations + iterations, stoppedByBudget: !proven)
    }

    /// The open sites (free at the root, not fixed in or out; with the incumbent's outside
    /// `fixedIn`) that cover demand `fixedIn` leaves uncovered, in components that share no such
    /// group (ascending, in the order of their first site), and the groups `fixedIn` covers.
    func openComponents(free: [ColumnIndex], fixedIn: [ColumnIndex], fixedOut: [ColumnIndex])
        -> (components: [[ColumnIndex]], covered: [Bool]) {
        var covered = [Bool](repeating: false, count: model.groupCount)
        for j in fixedIn { for g in model.byCandidate.row(j) { covered[Int(g)] = true } }
        var open = [Bool](repeating: false, count: model.candidateCount)
        for j in free { open[j] = true }
        for j in fixedOut { open[j] = false }
        for j in incumbent.sites { open[j] = true }
        for j in fixedIn { open[j] = false }
        let sites = (0..<model.candidateCount).filter { j in open[j] && model.byCandidate.row(j).contains { !covered[Int($0)] } }
        return (areas(of: sites, covered: covered), covered)
    }

    /// For each capacity t (0...capacity), the largest sum of one entry per row (row[k]: the value
    /// with k sites) with at most t sites in all. Rows non-decreasing.
    func knapsack(_ rows: [[Double]], capacity: Int) -> [Double] {
        var table = [Double](repeating: 0, count: capacity + 1)
        for row in rows {
            var next = [Double](repeating: -.infinity, count: capacity + 1)
            for t in 0...capacity {
                for k in 0..<min(row.count, t + 1) { next[t] = max(next[t], table[t - k] + row[k]) }
            }
            table = next
        }
        return table
    }

    /// The counts by row of the best sum with at most `capacity` sites (equal sums: the fewer sites
    /// in the later rows).
    func knapsackChoice(_ rows: [[Double]], capacity: Int) -> [Int] {
        var tables = [[Double](repeating: 0, count: capacity + 1)]
        var picks: [[Int]] = []
        for row in rows {
            let table = tables.last!
            var next = [Double](repeating: -.infinity, count: capacity + 1)
            var pick = [Int](repeating: 0, count: capacity + 1)
            for t in 0...capacity {
                for k in 0..<min(row.count, t + 1) where table[t - k] + row[k] > next[t] {
                    next[t] = table[t - k] + row[k]
                    pick[t] = k
                }
            }
            tables.append(next)
            picks.append(pick)
        }
        var t = capacity
        var out = [Int](repeating: 0, count: rows.count)
        for c in rows.indices.reversed() {
            out[c] = picks[c][t]
            t -= out[c]
        }
        return out
    }

    /// One component's solve for one count: this solver on the component's sites alone (the demand
    /// `covered` removed), looking only for values above `floor`; its best sites in this model's
    /// columns, their value, a bound on the component's best with `count` sites, and its effort.
    /// `work`, what is left of the allowance, is both its tree's work limit and the cap of its
    /// passes as charged (`solveRestricted`); `passes`, those left under this search's own cap.
    private func solveComponent(_ part: [ColumnIndex], count: Int, covered: [Bool], held: [ColumnIndex], lambda: [Double],
                                floor: Double, nodes: Int, work: Int, passes: Int)
        -> (value: Double, sites: [ColumnIndex], bound: Double, nodes: Int, work: Int, iterations: Int) {
        var residual = model.weight
        for g in residual.indices where covered[g] { residual[g] = 0 }
        var own = budget
        own.supportSearch = false
        own.decomposition = false
        own.rootStopsAtPace = true
        own.limits.nodes = max(1, nodes)
        own.limits.work = max(1, work)
        own.limits.passes = passes
        let (restricted, out, chosen) = solveRestricted(part, residual: residual, count: count, held: held, lambda: lambda,
                                                        budget: own, workCap: work, floor: floor)
        var seen = Set<Int>()
        var value = 0.0
        for j in chosen { for g in model.byCandidate.row(j) where !covered[Int(g)] && seen.insert(Int(g)).inserted { value += model.weight[Int(g)] } }
        // Its work: every relaxation pass, a core's too (which `search.work` leaves out), as a pass
        // over the component's links.
        return (value, chosen, out.bound, out.nodes, out.lagrangeIterations * restricted.byCandidate.edgeCount, out.lagrangeIterations)
    }
}
