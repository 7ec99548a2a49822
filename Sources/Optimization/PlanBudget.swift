/// Budget mode: total cost at most B, a size chosen per site.
///
/// Items are (site, size) pairs. Depth-first branch and bound: required sites get a size first,
/// then the item first in the gain-per-yuan order goes in, or out. These bounds prune a node, all
/// proofs for every plan below it (at the root also the plain problem at the count the budget
/// pays for, when that count is small):
/// - the Lagrangian relaxation with a multiple-choice knapsack over the items (see
///   `PlanBudgetBound.swift`), from subgradient steps at the root and, covered, a few more at each
///   node;
/// - the value so far plus a knapsack of single-site gain bounds Δ over the budget left:
///   the objective is monotone and submodular in the set of items (a maximum flow to a set of
///   sinks, or the union of covered demand), so for items F chosen and any further items S,
///   f(F ∪ S) ≤ f(F) + Σ_{s ∈ S} Δ_s(F); S has at most one item per site and fits the budget, so
///   the knapsack bound of `ChoiceKnapsack` over the Δ is at least that sum;
/// - uncapacitated, the value so far plus the demand not yet covered that the items still free
///   reach (`coverableLeft`); capacitated, the value so far plus the demand on the source side of
///   the current flow's minimum cut that the items still free reach (`servableLeft`). The other
///   two count demand that two items reach twice, so they stay above it when the budget pays for
///   serving everything: without it such a plan, the common case at large budgets, was never
///   proven and the search ran to its node limit.
/// Served, the Lagrangian at the root's multipliers also fixes items out below a node (reduced-cost
/// fixing, `budgetFixable`): an item whose value plus the knapsack of the budget left without its
/// cost cannot beat the best plan is left out of the node's subtree.
/// Starting plans: the greedy by gain per yuan, the Lagrangian knapsack's answers repaired for the
/// spacing, the required sites and the budget, the count plans for the (at most three) largest
/// counts the budget may pay for, and (covered) a local search from the best of them
/// (`PlanBudgetLocal.swift`).
extension PlanSolver {
    struct Item {
        var site: PlanSite
        var size: Int
        var cost: Double
        var capacity: Double
    }

    /// The items a site may be: every size (capacitated); uncapacitated, the one size that holds
    /// the demand the site could newly cover on its own (its final load is at most that).
    func budgetItems() -> [Item] {
        var items: [Item] = []
        for k in 0..<K {
            if capacitated {
                for (i, s) in sizes[k].enumerated() { items.append(Item(site: k, size: i, cost: s.cost, capacity: s.capacity)) }
            } else {
                let alone = prep.lists[k].reduce(0.0) { $0 + residual[Int($1)] }
                let i = sizes[k].firstIndex { $0.capacity + 1e-9 * max(1, alone) >= alone } ?? sizes[k].count - 1
                items.append(Item(site: k, size: i, cost: sizes[k][i].cost, capacity: .infinity))
            }
        }
        return items
    }

    static func ratio(_ gain: Double, _ cost: Double) -> Double {
        cost > 0 ? gain / cost : (gain > 0 ? .infinity : 0)
    }

    /// Counts tried as starting plans of a budget: the `countStartsTried` largest of 1 … this
    /// many, at most what the budget pays for.
    static let countStarts = 12
    static let countStartsTried = 3

    func solveBudget(_ budget: Double) -> PlanSelection {
        let items = budgetItems()
        var itemsOf = [[Int]](repeating: [], count: K)
        for (n, it) in items.enumerated() { itemsOf[it.site].append(n) }
        let tol = 1e-9 * max(1, budget)
        let minCost = (0..<K).map { k in itemsOf[k].map { items[$0].cost }.min() ?? .infinity }
        func cap(_ n: Int) -> Double { capacitated ? items[n].capacity : .infinity }

        var best: (value: Double, items: [Int]) = (-1, [])
        func offer(_ chosen: [Int], _ v: Double) {
            let sorted = chosen.sorted()
            if v > best.value + 1e-12 * max(1, prep.total) || (abs(v - best.value) <= 1e-12 * max(1, prep.total) && sorted.lexicographicallyPrecedes(best.items)) {
                best = (v, sorted)
            }
        }

        // Start: required sites at their cheapest size, then greedy by gain per yuan (lazy: the
        // bounds decide which items are evaluated exactly).
        var evaluations = 0
        let startItems = required.map { k in itemsOf[k].min { items[$0].cost < items[$1].cost || (items[$0].cost == items[$1].cost && $0 < $1) }! }
        var chosen = startItems
        var spent = chosen.reduce(0.0) { $0 + items[$1].cost }
        var current = chosen.map { (items[$0].site, cap($0)) }
        var v = value(current)
        while true {
            var blocked = Set(chosen.map { items[$0].site })
            for n in chosen { blocked.formUnion(conflicts[items[n].site]) }
            let bounds = gainBounds(current)
            var order = items.indices.filter { !blocked.contains(items[$0].site) && items[$0].cost <= budget - spent + tol && bounds[items[$0].site] > 0 }
            let ratioBound = { (n: Int) in PlanSolver.ratio(min(bounds[items[n].site], cap(n)), items[n].cost) }
            order.sort { ratioBound($0) > ratioBound($1) || (ratioBound($0) == ratioBound($1) && $0 < $1) }
            var pick: (n: Int, gain: Double, r: Double)? = nil
            for n in order {
                if let p = pick, ratioBound(n) <= p.r { break }
                let g = value(current + [(items[n].site, cap(n))]) - v
                evaluations += 1
                let r = PlanSolver.ratio(g, items[n].cost)
                if g > 1e-9 * max(1, prep.total), pick.map({ r > $0.r }) ?? true { pick = (n, g, r) }
            }
            guard let p = pick else { break }
            chosen.append(p.n)
            spent += items[p.n].cost
            current.append((items[p.n].site, cap(p.n)))
            v += p.gain
        }
        offer(chosen, v)

        // The Lagrangian bound (see PlanBudgetBound.swift); its knapsack answers, repaired for
        // the required sites, the spacing and the budget, are tried as plans.
        let knapsack = ChoiceKnapsack(costs: items.map(\.cost), budget: budget)
        var requiredBlocked = Set<PlanSite>()
        for r in required { requiredBlocked.formUnion(conflicts[r]) }
        requiredBlocked.subtract(required)
        func tryPlan(_ set: [Int]) {
            var plan = startItems.map { r in set.first { items[$0].site == items[r].site } ?? r }
            var taken = Set(plan.map { items[$0].site })
            var cost = plan.reduce(0.0) { $0 + items[$1].cost }
            for n in set where !taken.contains(items[n].site) && cost + items[n].cost <= budget + tol
                && !plan.contains(where: { conflicts[items[$0].site].contains(items[n].site) }) {
                plan.append(n)
                taken.insert(items[n].site)
                cost += items[n].cost
            }
            guard cost <= budget + tol else { return }
            evaluations += 1
            offer(plan, value(plan.map { (items[$0].site, cap($0)) }))
        }
        let tuning = SolverTuning.standard
        // The gain-bound knapsack at the root.
        let reserveAll = required.reduce(0.0) { $0 + minCost[$1] }
        let rootCurrent = required.map { ($0, largest($0)) }
        let rootGains = gainBounds(rootCurrent)
        let rootFree = items.indices.filter { !requiredBlocked.contains(items[$0].site) && !required.contains(items[$0].site) }
        let gainRoot = value(rootCurrent) + gainKnapsack(rootFree, gain: { min(rootGains[items[$0].site], cap($0)) }, items: items,
                                                         knapsack: knapsack, left: max(0, budget - reserveAll))
        var rootBound = gainRoot
        if capacitated {
            let state = flow(rootCurrent)
            rootBound = min(rootBound, state.served - base + servableLeft(state, current: rootCurrent, free: rootFree, items: items))
        } else {
            rootBound = min(rootBound, value(rootCurrent) + coverableLeft(rootCurrent, free: rootFree, items: items))
        }
        // No plan within the budget has more sites than the cheapest ones it pays for: with few
        // of them, the plain problem at that count (largest sizes, no spacing) is a tight bound.
        let cheapest = minCost.sorted()
        var affordable = 0
        var sum = 0.0
        for c in cheapest where sum + c <= budget + tol { sum += c; affordable += 1 }
        affordable = max(affordable, required.count)
        if affordable < K && affordable <= Self.countStarts && !optimality.cannotImprove(rootBound, over: best.value) {
            rootBound = min(rootBound, relaxation(excluded: [], q: affordable - required.count).bound)
        }
        // Count plans as starting points: the best q sites at their largest sizes, shrunk to what
        // they hold, for the largest counts the budget might pay for; taken when they fit the
        // budget. Skipped once the bound proves the best plan so far.
        var siteOf = [Int](repeating: 0, count: K)
        for (site, index) in prep.order.enumerated() { siteOf[index] = site }
        let most = min(affordable, K, Self.countStarts), fewest = max(1, required.count, most - Self.countStartsTried + 1)
        for q in stride(from: fewest, through: most, by: 1) where !optimality.cannotImprove(rootBound, over: best.value) {
            let plan = solveCount(q, polishing: false)
            guard plan.cost <= budget + tol else { continue }
            var chosenItems: [Int] = []
            for site in plan.sites {
                let k = siteOf[site.candidateIndex]
                let n = capacitated ? itemsOf[k].first { items[$0].size == site.sizeIndex } : itemsOf[k].first
                if let n { chosenItems.append(n) }
            }
            guard chosenItems.count == plan.sites.count, chosenItems.reduce(0.0, { $0 + items[$1].cost }) <= budget + tol else { continue }
            offer(chosenItems, value(chosenItems.map { (items[$0].site, cap($0)) }))
        }
        // The Lagrangian, when those bounds do not already prove the best plan.
        var root = BudgetLagrangian(bound: rootBound, multipliers: [], theta: 0)
        if !optimality.cannotImprove(rootBound, over: best.value) {
            root = budgetLagrangian(items: items, itemsOf: itemsOf, knapsack: knapsack,
                                    node: BudgetNode(chosen: [], excluded: [], outside: requiredBlocked, left: budget),
                                    start: nil, theta: capacitated ? tuning.capacitatedStartTheta : tuning.budgetCoverTheta,
                                    iterations: capacitated ? tuning.budgetServedIterations : tuning.budgetLagrangeIterations,
                                    offerLimit: tuning.budgetPlanOffers,
                                    incumbent: { best.value }, offer: tryPlan)
            rootBound = min(rootBound, root.bound)
            // Served: the same local search over the demand the existing stations leave unserved,
            // each site at the size that holds what it could reach alone (then every rider it
            // covers can be served); its plan is evaluated by the flow like any other.
            if capacitated && !optimality.cannotImprove(rootBound, over: best.value) {
                let unserved = ctx!.flowBase.supply
                var alone: [Item] = []
                var itemOf: [Int] = []
                for k in 0..<K {
                    let need = prep.lists[k].reduce(0.0) { $0 + unserved[Int($1)] }
                    guard let n = itemsOf[k].first(where: { items[$0].capacity + 1e-9 * max(1, need) >= need }) ?? itemsOf[k].last else { continue }
                    alone.append(items[n])
                    itemOf.append(n)
                }
                let aloneIndex = Dictionary(uniqueKeysWithValues: itemOf.enumerated().map { ($1, $0) })
                let starts = startItems.compactMap { n in itemOf.indices.first { items[itemOf[$0]].site == items[n].site } }
                if starts.count == startItems.count {
                    let fromBest = best.items.compactMap { aloneIndex[$0] }
                    for start in Set([starts.sorted(), fromBest.count == best.items.count ? fromBest.sorted() : starts.sorted()]).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                        let improved = improveCovered(start, items: alone, budget: budget, fixed: Set(starts), weights: unserved)
                        let plan = improved.items.map { itemOf[$0] }
                        // The required sites at these sizes may cost more than the budget allows
                        // (it is checked at their cheapest sizes): then the plan is not one.
                        guard plan.reduce(0.0, { $0 + items[$1].cost }) <= budget + tol else { continue }
                        evaluations += 1
                        offer(plan, value(plan.map { (items[$0].site, cap($0)) }))
                    }
                }
            }
            // Covered: the local search of `PlanBudgetLocal.swift` from the best plan so far,
            // when the bounds do not prove it.
            if !capacitated && !optimality.cannotImprove(rootBound, over: best.value) {
                // From the greedy plan and from the best one (when that is another).
                for start in Set([chosen.sorted(), best.items]).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                    let improved = improveCovered(start, items: items, budget: budget, fixed: Set(startItems))
                    guard improved.items.reduce(0.0, { $0 + items[$1].cost }) <= budget + tol else { continue }
                    evaluations += 1
                    offer(improved.items, improved.value)
                }
            }
        }
        struct Node { var chosen: [Int]; var excluded: Set<Int>; var pending: [PlanSite]; var bound: Double; var multipliers: [Double]; var theta: Double }
        var stack = [Node(chosen: [], excluded: [], pending: required, bound: rootBound, multipliers: root.multipliers, theta: root.theta)]
        var nodes = 0
        var open: [Double] = []
        var firstBound = rootBound
        let nodeLimit = max(1, capacitated ? options.nodeLimit / SolverTuning.standard.capacitatedNodeShare : options.nodeLimit)
        let passCost = capacitated ? SolverTuning.standard.passesPerFlowEvaluation * max(1, ctx!.flowBase.reach.edgeCount + prep.weights.count + K) : max(1, prep.weights.count)
        while let node = stack.popLast() {
            if optimality.cannotImprove(node.bound, over: best.value) { continue }
            if nodes >= nodeLimit || (nodes > 0 && evaluations * passCost >= options.workLimit) {
                open.append(node.bound)
                continue
            }
            nodes += 1
            let spentHere = node.chosen.reduce(0.0) { $0 + items[$1].cost }
            let reserve = node.pending.reduce(0.0) { $0 + minCost[$1] }
            let left = budget - spentHere - reserve
            if left < -tol { continue }
            // The Lagrangian bound first: it needs no flow.
            var outside = Set(node.chosen.map { items[$0].site })
            for n in node.chosen { outside.formUnion(conflicts[items[n].site]) }
            for r in node.pending { outside.formUnion(conflicts[r]) }
            let here = BudgetNode(chosen: node.chosen, excluded: node.excluded, outside: outside, left: budget - spentHere)
            var relaxed = root
            var nodeTable: (constant: Double, dp: [Double])? = nil
            if root.values.isEmpty {
                relaxed.bound = .infinity
            } else if capacitated {
                // One table of the dynamic programme for the bound and the fixing below: with
                // whole costs over their common divisor it is the exact knapsack, at most the LP.
                let constant = node.chosen.reduce(root.constant) { $0 + root.values[$1] }
                if knapsack.exact, let dp = knapsack.table(classes: budgetClasses(values: root.values, items: items, itemsOf: itemsOf, node: here),
                                                           values: root.values, budget: max(0, here.left)) {
                    nodeTable = (constant, dp)
                    relaxed.bound = constant + dp[dp.count - 1]
                } else {
                    relaxed.bound = cachedBound(root, above: [], items: items, itemsOf: itemsOf, knapsack: knapsack, node: here, enough: best.value)
                }
            } else {
                relaxed = budgetLagrangian(items: items, itemsOf: itemsOf, knapsack: knapsack, node: here,
                                           start: node.multipliers, theta: max(node.theta, tuning.budgetNodeTheta),
                                           iterations: tuning.budgetNodeIterations, offerLimit: tuning.budgetNodeOffers,
                                           incumbent: { best.value }, offer: tryPlan)
            }
            let lagrangian = relaxed.bound
            let nodeBound = min(node.bound, lagrangian)
            if nodes == 1 { firstBound = min(firstBound, nodeBound) }
            if optimality.cannotImprove(nodeBound, over: best.value) { continue }
            let currentHere = node.chosen.map { (items[$0].site, cap($0)) } + node.pending.map { ($0, largest($0)) }
            let value: Double, bounds: [Double]
            var flowHere: TransportFlow? = nil
            if capacitated {
                // One flow for the value and both bounds from its minimum cut.
                let state = flow(currentHere)
                value = state.served - base
                bounds = prep.gainBounds(state, free: (0..<K).map(SiteIndex.init)).values
                flowHere = state
            } else {
                value = self.value(currentHere)
                bounds = gainBounds(currentHere)
            }
            evaluations += 1
            if node.pending.isEmpty { offer(node.chosen, value) }
            var blocked = Set(currentHere.map(\.0))
            for (k, _) in currentHere { blocked.formUnion(conflicts[k]) }
            let gain = { (n: Int) in min(bounds[items[n].site], cap(n)) }
            // (Marks and each item's ratio computed once: the same items in the same order.)
            var siteOpen = [Bool](repeating: true, count: K)
            for k in blocked { siteOpen[k] = false }
            var itemOpen = [Bool](repeating: true, count: items.count)
            for n in node.excluded { itemOpen[n] = false }
            var free = items.indices.filter { itemOpen[$0] && siteOpen[items[$0].site] && items[$0].cost <= left + tol && gain($0) > 0 }
            var ratioOf = [Double](repeating: 0, count: items.count)
            for n in free { ratioOf[n] = PlanSolver.ratio(gain(n), items[n].cost) }
            ratioOf.withUnsafeBufferPointer { r in free.sort { r[$0] > r[$1] || (r[$0] == r[$1] && $0 < $1) } }
            // Served, reduced-cost fixing: the free items that no plan better than the best one
            // can hold, by the Lagrangian at the root's multipliers, are left out below this node.
            // (Covered, where the node's own steps give other multipliers, it was tried: 140426
            // at 1,000,000 yuan took twice the time for the same answer and node count.)
            var excludedBelow = node.excluded
            if let nodeTable, !free.isEmpty {
                let fixed = budgetFixable(constant: nodeTable.constant, values: root.values, table: nodeTable.dp, knapsack: knapsack,
                                          candidates: free, incumbent: best.value)
                if !fixed.isEmpty {
                    var out = [Bool](repeating: false, count: items.count)
                    for n in fixed { out[n] = true; excludedBelow.insert(n) }
                    free.removeAll { out[$0] }
                }
            }
            let extra = gainKnapsack(free, gain: gain, items: items, knapsack: knapsack, left: max(0, left), enough: best.value - value)
            var ub = min(nodeBound, value + extra)
            if let flowHere {
                ub = min(ub, value + servableLeft(flowHere, current: currentHere, free: free, items: items))
            } else {
                ub = min(ub, value + coverableLeft(currentHere, free: free, items: items))
            }
            if nodes == 1 { firstBound = min(firstBound, ub) }
            if optimality.cannotImprove(ub, over: best.value) { continue }
            if let r = node.pending.first {
                // Each size of the first required site (largest explored first).
                for n in itemsOf[r] where items[n].cost - minCost[r] <= left + tol {
                    stack.append(Node(chosen: node.chosen + [n], excluded: excludedBelow, pending: Array(node.pending.dropFirst()), bound: ub,
                                      multipliers: relaxed.multipliers, theta: relaxed.theta))
                }
                continue
            }
            guard let pick = free.first else { continue }
            stack.append(Node(chosen: node.chosen, excluded: excludedBelow.union([pick]), pending: [], bound: ub,
                              multipliers: relaxed.multipliers, theta: relaxed.theta))
            stack.append(Node(chosen: node.chosen + [pick], excluded: excludedBelow, pending: [], bound: ub,
                              multipliers: relaxed.multipliers, theta: relaxed.theta))
            if nodes % 64 == 0 {
                options.progress?(SelectionProgress(stage: "budget branch and bound", incumbent: best.value, bound: ub, nodes: nodes))
            }
        }
        let openBound = open.max() ?? -Double.infinity
        let proven = open.isEmpty || optimality.cannotImprove(min(openBound, firstBound), over: best.value)
        let bound = proven ? best.value : max(best.value, optimality.reportable(min(openBound, firstBound)))
        // Of the plans of this value within the budget, the one where riders travel least.
        let (polished, polishedValue, travel) = polish(best.items.map { (site: items[$0].site, size: items[$0].size) }, value: best.value,
                                     choices: { k in itemsOf[k].map { items[$0].size } }, budget: budget)
        let stillProven = proven || optimality.cannotImprove(min(openBound, firstBound), over: polishedValue)
        return finish(polished, bound: stillProven ? polishedValue : bound, proven: stillProven, nodes: nodes, travel: travel)
    }

    /// The knapsack's classes at `node`: per site not left out, its items not excluded and worth
    /// something at `values`.
    func budgetClasses(values: [Double], items: [Item], itemsOf: [[Int]], node: BudgetNode) -> [[Int]] {
        var classes: [[Int]] = []
        var siteOpen = [Bool](repeating: true, count: K)
        for k in node.outside { siteOpen[k] = false }
        var itemOpen = [Bool](repeating: true, count: items.count)
        for n in node.excluded { itemOpen[n] = false }
        for k in 0..<K where siteOpen[k] {
            let options = itemsOf[k].filter { itemOpen[$0] && values[$0] > 0 }
            if !options.isEmpty { classes.append(options) }
        }
        return classes
    }

    /// Reduced-cost fixing: the items of `candidates` that no plan below a node better than
    /// `incumbent` can hold. With a Lagrangian's constant and item values at the node, a plan
    /// below it that holds item n is worth at most constant + v_n + the knapsack of the other
    /// items within the yuan left less c_n; `table`, the dynamic programme over all the node's
    /// items (`budgetClasses`, n's own class included: a relaxation), bounds that knapsack at
    /// every budget at once (`ChoiceKnapsack.table`).
    func budgetFixable(constant: Double, values: [Double], table dp: [Double], knapsack: ChoiceKnapsack,
                       candidates: [Int], incumbent: Double) -> [Int] {
        let U = dp.count - 1
        var fixed: [Int] = []
        for n in candidates {
            let u = knapsack.units[n]
            let inBound = u <= U ? constant + max(0, values[n]) + dp[U - u] : -.infinity
            if optimality.cannotImprove(inBound, over: incumbent) { fixed.append(n) }
        }
        return fixed
    }

    /// A bound on what the items `free` add together, at most one per site, within `left` yuan:
    /// the knapsack bound (`ChoiceKnapsack`) over their gain bounds.
    func gainKnapsack(_ free: [Int], gain: (Int) -> Double, items: [Item], knapsack: ChoiceKnapsack, left: Double, enough: Double = -.infinity) -> Double {
        var values = [Double](repeating: 0, count: items.count)
        var classOf = [Int](repeating: -1, count: K)
        var classes: [[Int]] = []
        for n in free.sorted() {
            values[n] = gain(n)
            let k = items[n].site
            if classOf[k] < 0 { classOf[k] = classes.count; classes.append([]) }
            classes[classOf[k]].append(n)
        }
        return knapsack.solve(classes: classes, values: values, budget: left, solution: false, enough: enough).value
    }

    /// Uncapacitated: the demand not yet covered by `current` that some item of `free` covers.
    /// No plan that adds items of `free` to `current` covers more than this on top of it; the
    /// other bounds may exceed it (the Lagrangian and the gain knapsack count demand covered by
    /// two items twice), and without it a plan that covers all that is left would not be proven.
    func coverableLeft(_ current: [(PlanSite, Double)], free: [Int], items: [Item]) -> Double {
        var seen = [Bool](repeating: false, count: prep.weights.count)
        for (k, _) in current { for i in prep.lists[k] { seen[Int(i)] = true } }
        var left = 0.0
        for n in free {
            for i in prep.lists[items[n].site] where !seen[Int(i)] {
                seen[Int(i)] = true
                left += residual[Int(i)]
            }
        }
        return left
    }

    /// Capacitated: the demand on the source side of `state`'s minimum cut within reach of some
    /// item of `free`. No plan that adds items of `free` to the stations of `state` serves more
    /// than this on top of it: moving those demand nodes to the sink side of that cut gives a cut
    /// of the larger network (each costs its source edge, at most its weight; no other edge comes
    /// into a demand node), so the larger maximum flow is at most the cut plus their weight. The
    /// gain knapsack and the Lagrangian count a rider two new sites reach twice; this one does
    /// not, so it proves the plans that serve everything the free sites still reach.
    /// Also no plan serves more than the demand within reach of its stations (existing, `current`
    /// and `free` ones): the smaller of the two is returned.
    func servableLeft(_ state: TransportFlow, current: [(PlanSite, Double)], free: [Int], items: [Item]) -> Double {
        let side = state.sourceSide()
        var seen = [Bool](repeating: false, count: prep.weights.count)
        var left = 0.0
        for n in free {
            for i in prep.lists[items[n].site] where side[Int(i)] && !seen[Int(i)] {
                seen[Int(i)] = true
                left += prep.weights[Int(i)]
            }
        }
        // The demand within reach: existing stations', the current sites', the free items'.
        var reached = [Bool](repeating: false, count: prep.weights.count)
        for j in 0..<ctx!.existingCount { for i in ctx!.flowBase.byStation.row(j) { reached[Int(i)] = true } }
        for (k, _) in current { for i in prep.lists[k] { reached[Int(i)] = true } }
        for n in free { for i in prep.lists[items[n].site] { reached[Int(i)] = true } }
        var reach = 0.0
        for i in reached.indices where reached[i] { reach += prep.weights[i] }
        return min(left, max(0, reach - state.served))
    }

    /// Per site, a bound on what it adds next to `current` at any size: capacitated, the demand
    /// within its reach on the source side of the minimum cut; uncapacitated, the demand within
    /// its reach not yet covered (exact).
    func gainBounds(_ current: [(PlanSite, Double)]) -> [Double] {
        if capacitated {
            // Capped by the largest size; each item caps it by its own capacity.
            return prep.gainBounds(flow(current), free: (0..<K).map(SiteIndex.init)).values
        }
        var covered = [Bool](repeating: false, count: prep.weights.count)
        for (k, _) in current { for i in prep.lists[k] { covered[Int(i)] = true } }
        return prep.lists.map { list in list.reduce(0.0) { covered[Int($1)] ? $0 : $0 + residual[Int($1)] } }
    }
}
