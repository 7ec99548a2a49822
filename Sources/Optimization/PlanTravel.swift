/// The second objective of a plan: of the plans of equal value, the one where riders travel least.
///
/// Travel is Σ riders × distance to the station serving them, over the plan's demand with the
/// existing stations and the chosen sites:
/// - capacitated, the minimum-cost maximum allocation (`minimumCostAllocation`, the allocation
///   `coverage` uses): of the allocations that serve the most, the one of least travel;
/// - uncapacitated, every covered rider goes to the nearest station covering it (an existing one at
///   `coveredDistances`, or a chosen site).
///
/// The search proves the value V first (and its bound); `polish` then runs a swap search over the
/// plan: one site out and one site in (with a budget, one (site, size) out and one in, or a size
/// changed; a required site only changes size), keeping the spacing, the budget and the minimum per
/// group, and taking the swap that lowers the travel most while the value stays at least V (within
/// 10⁻⁹ of the total demand; a swap that raises the value is taken first), until no single swap
/// lowers it or the effort limit is reached. The value, the bound and the proof are unchanged (a
/// higher value found on the way is kept and the proof re-checked), so the guarantee is: no plan
/// one swap away has the same value and less travel. Ties of travel break by the order of the
/// search, which is by id. Capacitated, a swap's allocation is computed only when a lower bound
/// on its travel (`TravelBound`, from the dual prices of the current plan's allocation) does not
/// already show it cannot lower the travel; the answer is the same as evaluating every swap.
extension PlanSolver {
    /// Swaps whose travel is computed, at most, per polish (each a minimum-cost allocation when
    /// capacitated): enough for every plan of the default dataset, a limit for large cities.
    /// Swaps whose travel is not computed are not counted: those `TravelBound` rules out and those
    /// of less value than the best swap so far.
    var travelEvaluationLimit: Int { max(200, options.nodeLimit / 10) }

    /// The allocation problem of the existing stations (columns first, in their order) and the
    /// sites at the given capacities (columns after them, in the order given).
    func allocationInput(_ sites: [(PlanSite, Double)]) -> TravelAllocationInput {
        let n = prep.weights.count
        let existing = prep.existing
        let e = existing?.capacities.count ?? 0
        var offsets = [Int](repeating: 0, count: n + 1)
        if let existing { for r in 0..<n { offsets[r + 1] = existing.reach.offsets[r + 1] - existing.reach.offsets[r] } }
        for (k, _) in sites { for i in prep.lists[k] { offsets[Int(i) + 1] += 1 } }
        for r in 0..<n { offsets[r + 1] += offsets[r] }
        var next = offsets
        var columns = [Int32](repeating: 0, count: offsets[n])
        var costs = [Double](repeating: 0, count: offsets[n])
        if let existing {
            for r in 0..<n {
                for edge in existing.reach.offsets[r]..<existing.reach.offsets[r + 1] {
                    columns[next[r]] = existing.reach.columns[edge]
                    costs[next[r]] = existingDistances.isEmpty ? 0 : existingDistances[edge]
                    next[r] += 1
                }
            }
        }
        for (j, (k, _)) in sites.enumerated() {
            for (pos, i) in prep.lists[k].enumerated() {
                columns[next[Int(i)]] = Int32(e + j)
                costs[next[Int(i)]] = siteDistances[k][pos]
                next[Int(i)] += 1
            }
        }
        let reach = Reach(unchecked: n, columnCount: e + sites.count, offsets: offsets, columns: columns)
        let capacities = (existing?.capacities ?? []) + sites.map(\.1)
        // Existing stations rank first, then the sites in id order (distinct ranks).
        let rank = Array(0..<e) + sites.map { e + $0.0 }
        return TravelAllocationInput(reach: reach, costs: costs, capacities: capacities, rank: rank)
    }

    /// The minimum-cost maximum allocation with the existing stations (columns first, in their
    /// order) and the sites at the given capacities (columns after them, in the order given).
    func allocation(_ sites: [(PlanSite, Double)]) -> Allocation {
        allocation(allocationInput(sites))
    }

    func allocation(_ input: TravelAllocationInput) -> Allocation {
        // The weights, capacities and distances were validated when the plan was prepared.
        try! minimumCostAllocation(weights: prep.weights, capacities: input.capacities, reach: input.reach, costs: input.costs,
                                   stationRank: input.rank)
    }

    /// Per site of `sites` (in the order given), the travel of the riders counted in its load:
    /// capacitated, Σ flow × distance over its edges in the allocation, with that allocation's load
    /// per site and its total travel (the allocation `known` holds when it is of the same sites and
    /// capacities, as `polish` computed it; the allocation does not depend on the sites' column
    /// order, it renumbers them by rank); uncapacitated, in that order, the demand each newly
    /// covers (not covered before, nor by a site earlier in the list) times its distance to the
    /// site. Zeros when no distance was given.
    func siteTravel(_ sites: [(PlanSite, Double)], known: TravelEvaluation? = nil)
        -> (travel: [Double], load: [Double]?, total: Double?) {
        guard hasTravel else { return ([Double](repeating: 0, count: sites.count), nil, nil) }
        if capacitated {
            let reused = known.flatMap { k in k.input != nil && k.allocation != nil && sameSites(k.sites, sites) ? k : nil }
            let input = reused?.input ?? allocationInput(sites)
            let allocation = reused?.allocation ?? self.allocation(input)
            let columnSites = reused?.sites ?? sites
            let column = Dictionary(uniqueKeysWithValues: columnSites.enumerated().map { ($1.0, $0) })
            let e = prep.existing?.capacities.count ?? 0
            var byColumn = [Double](repeating: 0, count: columnSites.count)
            for (edge, c) in input.reach.columns.enumerated() where Int(c) >= e {
                byColumn[Int(c) - e] += allocation.edgeFlow[edge] * input.costs[edge]
            }
            return (sites.map { byColumn[column[$0.0]!] }, sites.map { allocation.stationLoad[e + column[$0.0]!] }, allocation.cost)
        }
        var taken = [Bool](repeating: false, count: prep.weights.count)
        return (sites.map { (k, _) in
            var total = 0.0
            for (pos, i) in prep.lists[k].enumerated() where !taken[Int(i)] {
                taken[Int(i)] = true
                total += residual[Int(i)] * siteDistances[k][pos]
            }
            return total
        }, nil, nil)
    }

    /// Total travel with the sites at the given capacities (see the type's comment).
    func travel(_ sites: [(PlanSite, Double)]) -> Double {
        guard hasTravel else { return 0 }
        if capacitated { return allocation(sites).cost }
        return uncapacitatedTravel(sites)
    }

    /// Travel when every covered rider goes to the nearest station covering it.
    func uncapacitatedTravel(_ sites: [(PlanSite, Double)]) -> Double {
        let n = prep.weights.count
        var nearest = [Double](repeating: .infinity, count: n)
        for (k, _) in sites {
            for (pos, i) in prep.lists[k].enumerated() { nearest[Int(i)] = min(nearest[Int(i)], siteDistances[k][pos]) }
        }
        var total = 0.0
        for i in 0..<n {
            let already = prep.covered[i], rest = prep.weights[i] - already
            if already > 0 {
                let d = min(coveredDistances.isEmpty ? 0 : coveredDistances[i], nearest[i])
                if d.isFinite { total += already * d }
            }
            if rest > 0, nearest[i].isFinite { total += rest * nearest[i] }
        }
        return total
    }

    /// The travel of a plan and, capacitated, the allocation it comes from (for `travelBound`).
    func evaluateTravel(_ sites: [(PlanSite, Double)]) -> TravelEvaluation {
        guard capacitated else { return TravelEvaluation(sites: sites, travel: uncapacitatedTravel(sites), input: nil, allocation: nil) }
        let input = allocationInput(sites)
        let a = allocation(input)
        return TravelEvaluation(sites: sites, travel: a.cost, input: input, allocation: a)
    }

    /// Dual prices of an optimal allocation (see `TravelBound`): shortest distances in its
    /// residual graph give potentials under which no residual arc has a negative reduced cost.
    /// Nil when the search does not settle within its step limit (the swaps are then evaluated
    /// without the bound).
    func travelBound(_ evaluation: TravelEvaluation) -> TravelBound? {
        guard let input = evaluation.input, let a = evaluation.allocation else { return nil }
        let n = prep.weights.count, m = input.capacities.count
        let source = n + m, sink = n + m + 1, count = n + m + 2
        func slack(_ x: Double) -> Double { 1e-9 * max(1, abs(x)) }
        // Residual arcs: source → node (riders left), node → source (riders served), node → station
        // (every edge), station → node (an edge with flow), station → sink (seats left), sink → station (load).
        var degree = [Int](repeating: 0, count: count + 1)
        func each(_ body: (Int, Int, Double) -> Void) {
            for i in 0..<n {
                let w = prep.weights[i], served = a.demandServed[i]
                if served < w - slack(w) { body(source, i, 0) }
                if served > slack(w) { body(i, source, 0) }
                for edge in input.reach.offsets[i]..<input.reach.offsets[i + 1] {
                    let j = n + Int(input.reach.columns[edge]), c = input.costs[edge]
                    body(i, j, c)
                    if a.edgeFlow[edge] > slack(w) { body(j, i, -c) }
                }
            }
            for j in 0..<m {
                let cap = input.capacities[j], load = a.stationLoad[j]
                if cap.isInfinite || load < cap - slack(cap) { body(n + j, sink, 0) }
                if load > slack(cap) { body(sink, n + j, 0) }
            }
        }
        each { from, _, _ in degree[from + 1] += 1 }
        for v in 0..<count { degree[v + 1] += degree[v] }
        var fill = degree
        var head = [Int32](repeating: 0, count: degree[count])
        var cost = [Double](repeating: 0, count: degree[count])
        var longest = 0.0
        each { from, to, c in
            head[fill[from]] = Int32(to)
            cost[fill[from]] = c
            fill[from] += 1
            longest = max(longest, abs(c))
        }
        // Bellman–Ford with a queue from every node at 0; improvements below `delta` are ignored
        // (rounding on zero-cost cycles), which only weakens the bound, never its validity.
        let delta = 1e-9 * max(1, longest)
        var dist = [Double](repeating: 0, count: count)
        var queued = [Bool](repeating: true, count: count)
        var queue = (0..<count).map(Int32.init)
        var front = 0, size = count
        var steps = 0
        let stepLimit = 64 * (head.count + count)
        while size > 0 {
            let u = Int(queue[front])
            front = front + 1 == count ? 0 : front + 1
            size -= 1
            queued[u] = false
            for arc in degree[u]..<degree[u + 1] {
                steps += 1
                let v = Int(head[arc]), d = dist[u] + cost[arc]
                if d < dist[v] - delta {
                    dist[v] = d
                    if !queued[v] {
                        queued[v] = true
                        queue[(front + size) % count] = Int32(v)
                        size += 1
                    }
                }
            }
            if steps > stepLimit { return nil }
        }
        let lambda = max(0, dist[sink] - dist[source])
        let potential = (0..<n).map { max(0, dist[$0] - dist[source]) }
        // Seat prices y from those node prices: existing stations, then every site.
        var existingShadow: [Double] = []
        if let existing = prep.existing {
            var nearest = [Double](repeating: .infinity, count: existing.capacities.count)
            for i in 0..<n {
                for edge in existing.reach.offsets[i]..<existing.reach.offsets[i + 1] {
                    let j = Int(existing.reach.columns[edge])
                    nearest[j] = min(nearest[j], potential[i] + (existingDistances.isEmpty ? 0 : existingDistances[edge]))
                }
            }
            existingShadow = nearest.map { max(0, lambda - $0) }
        }
        let shadow = (0..<K).map { k in
            var nearest = Double.infinity
            for (pos, i) in prep.lists[k].enumerated() { nearest = min(nearest, potential[Int(i)] + siteDistances[k][pos]) }
            return max(0, lambda - nearest)
        }
        // Then the least node prices those seat prices allow: p_i = max(0, λ − c_ij − y_j) over the
        // plan's stations j reaching i, with the site giving the largest term and the next largest
        // term, for the plan without that site.
        var top = [Double](repeating: -.infinity, count: n), next = top
        var owner = [Int32](repeating: -1, count: n)
        func offer(_ i: Int, _ term: Double, _ site: Int32) {
            if term > top[i] {
                next[i] = top[i]
                top[i] = term
                owner[i] = site
            } else if term > next[i] {
                next[i] = term
            }
        }
        if let existing = prep.existing {
            for i in 0..<n {
                for edge in existing.reach.offsets[i]..<existing.reach.offsets[i + 1] {
                    offer(i, lambda - (existingDistances.isEmpty ? 0 : existingDistances[edge]) - existingShadow[Int(existing.reach.columns[edge])], -1)
                }
            }
        }
        for (k, _) in evaluation.sites {
            for (pos, i) in prep.lists[k].enumerated() { offer(Int(i), lambda - siteDistances[k][pos] - shadow[k], Int32(k)) }
        }
        let price = top.map { max(0, $0) }
        let without = next.map { max(0, $0) }
        var fixed = 0.0
        var drop = [Double](repeating: 0, count: K)
        for i in 0..<n where price[i] > 0 {
            fixed += prep.weights[i] * price[i]
            if owner[i] >= 0 { drop[Int(owner[i])] += prep.weights[i] * (price[i] - without[i]) }
        }
        for (j, cap) in (prep.existing?.capacities ?? []).enumerated() where existingShadow[j] > 0 { fixed += cap * existingShadow[j] }
        return TravelBound(lambda: lambda, fixed: fixed, price: price, shadow: shadow, owner: owner, without: without, drop: drop)
    }

    /// What `site` at `capacity` can save at the bound's prices for the plan without `removed`:
    /// its riders taken greedily, the most saving first (λ − p_i − c_i,site each, at most w_i from
    /// node i), up to its capacity.
    func seatSaving(_ bound: TravelBound, site k: PlanSite, capacity: Double, removed: PlanSite) -> Double {
        var gains: [(gain: Double, weight: Double)] = []
        for (pos, i) in prep.lists[k].enumerated() {
            let p = bound.owner[Int(i)] == removed ? bound.without[Int(i)] : bound.price[Int(i)]
            let g = bound.lambda - p - siteDistances[k][pos]
            if g > 0, prep.weights[Int(i)] > 0 { gains.append((g, prep.weights[Int(i)])) }
        }
        gains.sort { $0.gain > $1.gain }
        var left = capacity, total = 0.0
        for (g, w) in gains {
            if left <= 0 { break }
            let x = min(w, left)
            total += g * x
            left -= x
        }
        return total
    }

    /// The swap search of the type's comment, from `start` of value `value`. `choices` gives the
    /// sizes a site may take (indices into `sizes[site]`); `budget`, when set, caps the total cost.
    /// Returns the plan, its value and, when it was computed on the way, its travel (for `finish`).
    func polish(_ start: [(site: PlanSite, size: Int)], value startValue: Double, choices: (PlanSite) -> [Int],
                budget: Double? = nil) -> (items: [(site: PlanSite, size: Int)], value: Double, travel: TravelEvaluation?) {
        guard hasTravel, !start.isEmpty else { return (start, startValue, nil) }
        let tie = 1e-9 * max(1, prep.total)
        let budgetTol = 1e-9 * max(1, budget ?? 0)
        let isRequired = Set(required)
        let grouped = minPerGroup > 0 && !groups.isEmpty
        let minimumGroups = Set(groups)
        func capacity(_ site: PlanSite, _ size: Int) -> Double { capacitated ? sizes[site][size].capacity : .infinity }
        func capacities(_ items: [(site: PlanSite, size: Int)]) -> [(PlanSite, Double)] { items.map { ($0.site, capacity($0.site, $0.size)) } }

        var items = start.sorted { $0.site < $1.site }
        var value = startValue
        var floor = startValue
        // The current plan's travel, computed when a swap first needs it, and its bound.
        var current: TravelEvaluation? = nil
        var evaluations = 0
        let limit = travelEvaluationLimit
        var exhausted = false
        // Capacitated, a swap's value is the flow without the site taken out plus what the new
        // site adds to it (`OpeningGain`: one search per site for all its sizes).
        var gainer = capacitated ? OpeningGain(ctx!.flowBase) : nil
        let choiceList = (0..<K).map(choices)
        let largestChoice = choiceList.enumerated().map { k, list in list.reduce(0.0) { max($0, capacity(k, $1)) } }
        while !exhausted {
            var best: (items: [(site: PlanSite, size: Int)], value: Double, evaluation: TravelEvaluation)? = nil
            var bound: TravelBound? = nil
            var boundTried = false
            func better(_ v: Double, _ t: Double, than other: (value: Double, travel: Double)) -> Bool {
                v > other.value + tie || (v >= other.value - tie && t < other.travel - 1e-9 * max(1, other.travel))
            }
            let counts = grouped ? groupCounts(items.map(\.site)) : [:]
            scan: for (x, out) in items.enumerated() {
                var rest = items
                rest.remove(at: x)
                let restCaps = capacities(rest)
                var blocked = [Bool](repeating: false, count: K)
                for r in rest {
                    blocked[r.site] = true
                    for c in conflicts[r.site] { blocked[c] = true }
                }
                let restCost = rest.reduce(0.0) { $0 + sizes[$1.site][$1.size].cost }
                let restValue: Double, bounds: [Double]
                var state: TransportFlow? = nil
                if capacitated {
                    let s = flow(restCaps)
                    state = s
                    gainer!.start(s)
                    restValue = s.served - base
                    bounds = prep.gainBounds(s, free: (0..<K).map(SiteIndex.init)).values
                } else {
                    restValue = self.value(restCaps)
                    bounds = gainBounds(restCaps)
                }
                var restTerm: Double? = nil
                // The minimum per group: a group at or below its minimum keeps its sites.
                let outGroupKept = !grouped || !minimumGroups.contains(group[out.site]) || (counts[group[out.site]] ?? 0) > minPerGroup
                let targets: [PlanSite] = isRequired.contains(out.site) ? [out.site] : (0..<K).filter { !blocked[$0] }
                for b in targets {
                    if !outGroupKept && group[b] != group[out.site] { continue }
                    let sizesOfB = choiceList[b]
                    // Not even its largest size brings the value back to the floor.
                    if restValue + min(bounds[b], largestChoice[b]) < floor - tie { continue }
                    var reachable: Double? = nil
                    for size in sizesOfB where !(b == out.site && size == out.size) {
                        if let budget, restCost + sizes[b][size].cost > budget + budgetTol { continue }
                        let cap = capacity(b, size)
                        if restValue + min(bounds[b], cap) < floor - tie { continue }
                        let v: Double
                        if capacitated {
                            if reachable == nil { reachable = gainer!.gain(state!, column: ctx!.existingCount + b, upTo: largestChoice[b]) }
                            v = restValue + min(cap, reachable!)
                        } else {
                            // Uncapacitated, the site's bound is exact: what it covers that the rest does not.
                            v = restValue + bounds[b]
                        }
                        if v < floor - tie { continue }
                        if current == nil { current = evaluateTravel(capacities(items)) }
                        let reference = best.map { ($0.value, $0.evaluation.travel) } ?? (value, current!.travel)
                        // A swap of lower value than the reference cannot be better, whatever its travel.
                        if v < reference.0 - tie { continue }
                        if capacitated && v <= reference.0 + tie {
                            if !boundTried {
                                boundTried = true
                                bound = travelBound(current!)
                            }
                            if let bound {
                                let term = restTerm ?? bound.siteTerm(restCaps)
                                restTerm = term
                                let lower = bound.lambda * (v + base - tie / 1000) - (bound.fixed - bound.drop[out.site]) - term
                                    - seatSaving(bound, site: b, capacity: cap, removed: out.site)
                                // Its travel is at least `lower`: it cannot pass `better` (a margin for rounding).
                                if lower >= reference.1 - 0.5e-9 * max(1, reference.1) { continue }
                            }
                        }
                        if evaluations >= limit {
                            exhausted = true
                            break scan
                        }
                        evaluations += 1
                        let swapped = (rest + [(site: b, size: size)]).sorted { $0.site < $1.site }
                        let e = evaluateTravel(capacities(swapped))
                        if better(v, e.travel, than: reference) { best = (swapped, v, e) }
                    }
                }
            }
            guard let move = best else { break }
            items = move.items
            value = move.value
            if move.value > floor + tie { floor = move.value }
            current = move.evaluation
        }
        return (items, value, current)
    }
}

/// The allocation problem of a plan (see `PlanSolver.allocationInput`).
struct TravelAllocationInput {
    let reach: Reach
    let costs: [Double]
    let capacities: [Double]
    let rank: [Int]
}

/// A plan's travel; capacitated, with the allocation and its problem (for `TravelBound`).
struct TravelEvaluation {
    /// The sites and their capacities, in the allocation's column order after the existing stations.
    let sites: [(PlanSite, Double)]
    let travel: Double
    let input: TravelAllocationInput?
    let allocation: Allocation?
}

/// A lower bound on the travel of every plan one swap away from a plan P, from the dual prices of
/// P's allocation, so that the swap search computes the allocation only of swaps that could lower
/// the travel.
///
/// Why it is a bound (Lagrangian relaxation of the allocation's linear program): the travel of a
/// plan S that serves F riders (the most it can) is the least Σ c·x over allocations x serving at
/// least F, with at most w_i riders from demand node i and at most C_j at station j. Price each
/// node's riders at p_i ≥ 0 and each seat of a station other than the new site k at y_j ≥ 0, and
/// drop those constraints: what is left is to send F riders at cost c_ij + p_i + y_j each, only
/// site k's seats (C_k) and its riders per node (w_i) still limited; whatever the prices, its least
/// cost minus Σ w_i p_i − Σ C_j y_j is at most S's travel. With y_j = max(0, λ − min over the
/// nodes station j reaches of (p_i + c_ij)), every other station costs at least λ a rider, so that
/// least cost is at least λF minus what site k saves against λ (`PlanSolver.seatSaving`). The
/// prices come from P's optimal dual prices (`PlanSolver.travelBound`), which make the bound P's
/// travel exactly; for the plan without the site taken out, each node's price is lowered to the
/// least the other stations' seat prices allow (so the riders that site held count as freed). A
/// swap changes only the two sites' terms and those nodes' prices, so its bound costs a pass over
/// the new site's reach. Valid whatever the prices: they decide only how tight it is.
struct TravelBound {
    /// λ: the price of a rider served.
    let lambda: Double
    /// Σ w_i p_i over the demand nodes plus Σ C_j y_j over the existing stations.
    let fixed: Double
    /// p_i ≥ 0 per demand node: the least the seat prices allow.
    let price: [Double]
    /// y per site (its shadow price: what a seat there is worth at these prices).
    let shadow: [Double]
    /// Per demand node, the plan's site that sets its price (−1: an existing station or none), and
    /// its price without that site; per site, how much Σ w_i p_i drops without it.
    let owner: [Int32]
    let without: [Double]
    let drop: [Double]

    /// Σ C_k y_k over the given sites.
    func siteTerm(_ sites: [(PlanSite, Double)]) -> Double {
        var total = 0.0
        for (k, c) in sites where shadow[k] > 0 { total += c * shadow[k] }
        return total
    }
}


/// What one more station adds to a maximum flow, computed without copying the flow.
///
/// `state` is a maximum flow and column `b` a station with no capacity yet (a site not in the
/// plan). With capacity c at `b`, the maximum flow is `state`'s plus the least of c and F_b, the
/// most that can still reach `b` in `state`'s residual graph: every augmenting path of the larger
/// network ends in `b`'s new arc to the sink, since no other path from the source to the sink is
/// left (the flow is maximum; augmenting along a path to `b` only adds residual arcs inside the
/// source side of the minimum cut and out of `b`). So one search per site gives its gain at every
/// size, and the search runs over the source side only, on a record of changes undone afterwards.
/// The same value as `CapacitatedContext.opened` (a copy of the flow re-maximised by Dinic) up to
/// the flow's rounding tolerance, at a fraction of the work when the source side is small.
struct OpeningGain {
    private var flowChange: [Double]
    private var supplyChange: [Double]
    private var touchedEdges: [Int32] = []
    private var touchedNodes: [Int32] = []
    private var seenD: [UInt32]
    private var seenS: [UInt32]
    private var target: [UInt32]
    private var stamp: UInt32 = 0
    private var targetStamp: UInt32 = 0
    /// The edge into each demand node (its flow to a station, taken back) and into each station
    /// (from a demand node, `fromNode`); −1 for a demand node with riders left (a path's start).
    private var edgeIntoD: [Int32]
    private var edgeIntoS: [Int32]
    private var fromNode: [Int32]
    private var queue: [Int32]
    /// Demand nodes with riders left in the flow the searches start from (`start(_:)`).
    private var sources: [Int32] = []

    init(_ state: TransportFlow) {
        let n = state.reach.rowCount, m = state.reach.columnCount
        flowChange = [Double](repeating: 0, count: state.reach.edgeCount)
        supplyChange = [Double](repeating: 0, count: n)
        seenD = [UInt32](repeating: 0, count: n)
        target = [UInt32](repeating: 0, count: n)
        seenS = [UInt32](repeating: 0, count: m)
        edgeIntoD = [Int32](repeating: -1, count: n)
        edgeIntoS = [Int32](repeating: -1, count: m)
        fromNode = [Int32](repeating: -1, count: m)
        queue = [Int32](repeating: 0, count: n + m)
    }

    /// Takes `state` (a maximum flow over the same network) as the flow the next gains are over.
    mutating func start(_ state: TransportFlow) {
        sources = (0..<state.reach.rowCount).filter { state.supply[$0] > state.eps }.map(Int32.init)
    }

    /// min(`cap`, F_b) for station column `b` over the flow given to `start` (which must be `state`).
    mutating func gain(_ state: TransportFlow, column b: Int, upTo cap: Double) -> Double {
        if sources.isEmpty || cap <= 0 { return 0 }
        let eps = state.eps
        let n = state.reach.rowCount
        let off = state.reach.offsets, cols = state.reach.columns
        let tOff = state.byStation.offsets, tRows = state.byStation.columns, tEdges = state.stationEdge
        let flow = state.flow, supply = state.supply, load = state.load
        var none: [UInt32] = []
        Self.advance(&targetStamp, &target, &none)
        for k in tOff[b]..<tOff[b + 1] { target[Int(tRows[k])] = targetStamp }
        var pushed = 0.0
        // Riders left at a demand node `b` reaches go to `b` straight (paths of no arc); only what
        // they leave of `cap` needs a search, which starts from every such node.
        for k in tOff[b]..<tOff[b + 1] where pushed < cap - eps {
            let i = Int(tRows[k])
            let left = supply[i] + supplyChange[i]
            guard left > eps else { continue }
            let amount = min(left, cap - pushed)
            if supplyChange[i] == 0 { touchedNodes.append(Int32(i)) }
            supplyChange[i] -= amount
            pushed += amount
        }
        search: while pushed < cap - eps {
            // Breadth-first from the demand nodes with riders left, over the residual arcs: demand
            // → any station it reaches that carries flow (a station without flow leads nowhere
            // but to the sink, out of reach of a maximum flow), station → a demand node whose flow
            // it carries. A demand node `b` reaches ends the path.
            Self.advance(&stamp, &seenD, &seenS)
            var tail = 0
            for i in sources where supply[Int(i)] + supplyChange[Int(i)] > eps {
                seenD[Int(i)] = stamp
                edgeIntoD[Int(i)] = -1
                queue[tail] = i
                tail += 1
            }
            var head = 0
            var end = -1
            while head < tail {
                let v = Int(queue[head])
                head += 1
                if v < n {
                    if target[v] == targetStamp {
                        end = v
                        break
                    }
                    for e in off[v]..<off[v + 1] {
                        let j = Int(cols[e])
                        if j == b || seenS[j] == stamp || load[j] <= eps { continue }
                        seenS[j] = stamp
                        edgeIntoS[j] = Int32(e)
                        fromNode[j] = Int32(v)
                        queue[tail] = Int32(n + j)
                        tail += 1
                    }
                } else {
                    let j = v - n
                    for k in tOff[j]..<tOff[j + 1] {
                        let i = Int(tRows[k]), e = Int(tEdges[k])
                        if seenD[i] == stamp || flow[e] + flowChange[e] <= eps { continue }
                        seenD[i] = stamp
                        edgeIntoD[i] = Int32(e)
                        queue[tail] = Int32(i)
                        tail += 1
                    }
                }
            }
            if end < 0 { break search }
            // The bottleneck: riders left at the start, flow taken back on the way, seats left.
            var amount = cap - pushed
            var i = end
            while edgeIntoD[i] >= 0 {
                let e = Int(edgeIntoD[i])
                amount = min(amount, flow[e] + flowChange[e])
                i = Int(fromNode[Int(cols[e])])
            }
            amount = min(amount, supply[i] + supplyChange[i])
            i = end
            while edgeIntoD[i] >= 0 {
                let e = Int(edgeIntoD[i]), j = Int(cols[e])
                change(e, by: -amount)
                change(Int(edgeIntoS[j]), by: amount)
                i = Int(fromNode[j])
            }
            if supplyChange[i] == 0 { touchedNodes.append(Int32(i)) }
            supplyChange[i] -= amount
            pushed += amount
        }
        for e in touchedEdges { flowChange[Int(e)] = 0 }
        for i in touchedNodes { supplyChange[Int(i)] = 0 }
        touchedEdges.removeAll(keepingCapacity: true)
        touchedNodes.removeAll(keepingCapacity: true)
        return min(cap, pushed)
    }

    private mutating func change(_ e: Int, by amount: Double) {
        if flowChange[e] == 0 { touchedEdges.append(Int32(e)) }
        flowChange[e] += amount
    }

    /// The next stamp; marks are cleared when the stamps wrap around.
    private static func advance(_ s: inout UInt32, _ marks: inout [UInt32], _ more: inout [UInt32]) {
        if s == UInt32.max {
            s = 0
            for x in marks.indices { marks[x] = 0 }
            for x in more.indices { more[x] = 0 }
        }
        s += 1
    }
}
