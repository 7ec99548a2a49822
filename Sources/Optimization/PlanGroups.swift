/// Citywide plans with at least `minPerGroup` sites in every group of `groups` (count goal).
///
/// The plan without the minimum is a relaxation, so its bound is the proof. When its answer meets
/// the minimum it is the answer; otherwise the plan is built group by group: the required sites,
/// then in each group short of the minimum its best sites (largest marginal gain, clear of the
/// spacing), then the best sites anywhere up to the count. It is proven optimal only when it meets
/// the relaxation's bound.
extension PlanSolver {
    func groupCounts(_ sites: [PlanSite]) -> [Int: Int] {
        var out: [Int: Int] = [:]
        for k in sites { out[group[k], default: 0] += 1 }
        return out
    }

    func meetsGroups(_ sites: [PlanSite]) -> Bool {
        let counts = groupCounts(sites)
        return groups.allSatisfy { (counts[$0] ?? 0) >= minPerGroup }
    }

    func solveCountWithGroups(_ p: Int) -> PlanSelection {
        let relaxed = solveCount(p)
        let siteOf = Dictionary(uniqueKeysWithValues: prep.order.enumerated().map { ($1, $0) })
        let relaxedSites = relaxed.sites.map { siteOf[$0.candidateIndex]! }
        if meetsGroups(relaxedSites) { return relaxed }
        var set = required
        var blocked = Set<PlanSite>()
        for k in set { blocked.insert(k); blocked.formUnion(conflicts[k]) }
        for g in groups {
            while groupCounts(set)[g, default: 0] < minPerGroup && set.count < p {
                let outside = Set((0..<K).filter { group[$0] != g })
                let next = greedy(start: set, count: set.count + 1, excluded: blocked.union(outside))
                guard next.count > set.count, let added = next.last else {
                    // Nothing in the group adds demand: a site there would serve nobody.
                    break
                }
                set = next
                blocked.insert(added)
                blocked.formUnion(conflicts[added])
            }
        }
        let full = greedy(start: set, count: p, excluded: blocked.subtracting(set))
        // Of the plans of this value, the one where riders travel least (a swap search that keeps
        // every group at its minimum).
        let (chosen, value, travel) = polish(full.map { (site: $0, size: sizes[$0].count - 1) }, value: self.value(full.map { ($0, largest($0)) }),
                                     choices: { [sizes[$0].count - 1] })
        let proven = optimality.cannotImprove(relaxed.upperBound, over: value)
        var plan = finish(chosen, bound: relaxed.upperBound, proven: proven, nodes: relaxed.nodes, travel: travel)
        // A site that adds nothing next to the others is left out, which may leave its group short.
        let planned = plan.sites.map { siteOf[$0.candidateIndex]! }
        let counts = groupCounts(planned)
        let unmet = groups.filter { (counts[$0] ?? 0) < minPerGroup }
        if !unmet.isEmpty {
            plan.provenOptimal = false
            plan.upperBound = max(plan.objective, relaxed.upperBound)
            plan.shortfall = "\(unmet.count) group(s) have fewer than \(minPerGroup) site(s): no other site there adds demand clear of the spacing"
        }
        return plan
    }
}
