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
/// search, which is by id.
extension PlanSolver {
    /// Swaps whose travel is computed, at most, per polish (each a minimum-cost allocation when
    /// capacitated): enough for every plan of the default dataset, a limit for large cities.
    var travelEvaluationLimit: Int { max(200, options.nodeLimit / 10) }

    /// The minimum-cost maximum allocation with the existing stations (columns first, in their
    /// order) and the sites at the given capacities (columns after them, in the order given).
    func allocation(_ sites: [(PlanSite, Double)]) -> Allocation {
        allocationWithEdges(sites).allocation
    }

    /// `allocation(_:)` with each edge's column (existing stations first, then the sites in the
    /// order given) and distance, aligned with `edgeFlow`.
    func allocationWithEdges(_ sites: [(PlanSite, Double)]) -> (allocation: Allocation, columns: [Int32], costs: [Double]) {
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
        // The weights, capacities and distances were validated when the plan was prepared.
        let allocation = try! minimumCostAllocation(weights: prep.weights, capacities: capacities, reach: reach, costs: costs, stationRank: rank)
        return (allocation, columns, costs)
    }

    /// Per site of `sites` (in the order given), the travel of the riders counted in its load:
    /// capacitated, Σ flow × distance over its edges in the allocation (with that allocation's
    /// load per site); uncapacitated, in that order, the demand each newly covers (not covered
    /// before, nor by a site earlier in the list) times its distance to the site. Zeros when no
    /// distance was given.
    func siteTravel(_ sites: [(PlanSite, Double)]) -> (travel: [Double], load: [Double]?) {
        guard hasTravel else { return ([Double](repeating: 0, count: sites.count), nil) }
        if capacitated {
            let (allocation, columns, costs) = allocationWithEdges(sites)
            let e = prep.existing?.capacities.count ?? 0
            var travel = [Double](repeating: 0, count: sites.count)
            for (edge, column) in columns.enumerated() where Int(column) >= e {
                travel[Int(column) - e] += allocation.edgeFlow[edge] * costs[edge]
            }
            return (travel, Array(allocation.stationLoad[e...]))
        }
        var taken = [Bool](repeating: false, count: prep.weights.count)
        return (sites.map { (k, _) in
            var total = 0.0
            for (pos, i) in prep.lists[k].enumerated() where !taken[Int(i)] {
                taken[Int(i)] = true
                total += residual[Int(i)] * siteDistances[k][pos]
            }
            return total
        }, nil)
    }

    /// Total travel with the sites at the given capacities (see the type's comment).
    func travel(_ sites: [(PlanSite, Double)]) -> Double {
        guard hasTravel else { return 0 }
        if capacitated { return allocation(sites).cost }
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

    /// The swap search of the type's comment, from `start` of value `value`. `choices` gives the
    /// sizes a site may take (indices into `sizes[site]`); `budget`, when set, caps the total cost.
    /// Returns the plan and its value.
    func polish(_ start: [(site: PlanSite, size: Int)], value startValue: Double, choices: (PlanSite) -> [Int],
                budget: Double? = nil) -> (items: [(site: PlanSite, size: Int)], value: Double) {
        guard hasTravel, !start.isEmpty else { return (start, startValue) }
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
        var travel = self.travel(capacities(items))
        var evaluations = 0
        let limit = travelEvaluationLimit
        var exhausted = false
        while !exhausted {
            var best: (items: [(site: PlanSite, size: Int)], value: Double, travel: Double)? = nil
            func better(_ v: Double, _ t: Double, than other: (value: Double, travel: Double)) -> Bool {
                v > other.value + tie || (v >= other.value - tie && t < other.travel - 1e-9 * max(1, other.travel))
            }
            let counts = grouped ? groupCounts(items.map(\.site)) : [:]
            scan: for (x, out) in items.enumerated() {
                var rest = items
                rest.remove(at: x)
                let restCaps = capacities(rest)
                var blocked = Set(rest.map(\.site))
                for r in rest { blocked.formUnion(conflicts[r.site]) }
                let restCost = rest.reduce(0.0) { $0 + sizes[$1.site][$1.size].cost }
                let restValue: Double, bounds: [Double]
                var state: TransportFlow? = nil
                if capacitated {
                    let s = flow(restCaps)
                    state = s
                    restValue = s.served - base
                    bounds = prep.gainBounds(s, free: (0..<K).map(SiteIndex.init)).values
                } else {
                    restValue = self.value(restCaps)
                    bounds = gainBounds(restCaps)
                }
                // The minimum per group: a group at or below its minimum keeps its sites.
                let outGroupKept = !grouped || !minimumGroups.contains(group[out.site]) || (counts[group[out.site]] ?? 0) > minPerGroup
                let targets: [PlanSite] = isRequired.contains(out.site) ? [out.site] : (0..<K).filter { !blocked.contains($0) }
                for b in targets {
                    if !outGroupKept && group[b] != group[out.site] { continue }
                    for size in choices(b) where !(b == out.site && size == out.size) {
                        if let budget, restCost + sizes[b][size].cost > budget + budgetTol { continue }
                        let cap = capacity(b, size)
                        if restValue + min(bounds[b], cap) < floor - tie { continue }
                        let v = capacitated ? ctx!.opened(state!, SiteIndex(b), seats: cap).served - base : self.value(restCaps + [(b, cap)])
                        if v < floor - tie { continue }
                        if evaluations >= limit {
                            exhausted = true
                            break scan
                        }
                        evaluations += 1
                        let swapped = (rest + [(site: b, size: size)]).sorted { $0.site < $1.site }
                        let t = self.travel(capacities(swapped))
                        let reference = best.map { ($0.value, $0.travel) } ?? (value, travel)
                        if better(v, t, than: reference) { best = (swapped, v, t) }
                    }
                }
            }
            guard let move = best else { break }
            items = move.items
            value = move.value
            if move.value > floor + tie { floor = move.value }
            travel = move.travel
        }
        return (items, value)
    }
}
