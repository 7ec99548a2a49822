/// The support search: when the branch and bound stops at its effort limit without a proof, a
/// search of the problem restricted to the root relaxation's support (the sites with a share of
/// its solution, an estimate of the LP's x, of at least `tuning.supportShare`) and the incumbent's
/// sites. The LP optimum's sites are where good answers are, and they fall into areas that share
/// no demand (groups): the restricted problem is then the choice of how many sites each area gets
/// and the best sites for that count in each area, independently. The search solves each area
/// alone (this solver on the area's sites, exact when it ends proven) for the incumbent's count
/// there and up to `tuning.supportShift` more or fewer, then allots the p sites among the areas by
/// a knapsack over those counts. That reaches answers that move a site from one area to another
/// and rearrange the area it left, which swaps, tabu steps and kicks, one site at a time, do not
/// (instance B: CBC's optimum takes one of the incumbent's ten sites in one area to another area,
/// and picks a different nine in the first).
///
/// Its answer is only an incumbent, offered when strictly better: the restricted problem says
/// nothing about the sites left out, so the search's bound stays the tree's (a better incumbent
/// can still close the proof when it reaches that bound). Every area's own answer keeps its
/// incumbent part, so the allotment is never worse than the incumbent. Its solves share the nodes
/// the tree left under the node limit (their nodes count as the search's: the limit holds), and a
/// work allowance of their own the size of the tree's work limit (as probing has): each solve's
/// relaxation passes, its roots' and its core's too (which a tree's own limit does not count),
/// are charged to it as passes over the area's links, the solves in two halves (every other
/// one) with half of it each. A half starts no solve once its share is spent, and each solve has
/// what is left of the share as a cap (`EffortLimit.passes`: its roots, probing, core and a
/// decomposition inside it count too, and a relaxation stops at the pass that reaches it), so a
/// half passes its share only by less than one pass over its last area's links (with at least one
/// pass for a solve's bound), on one thread and two alike. It stops at the deadline.
extension CoverageSolver {
    /// The sites of the restricted problem: the free sites of the root subproblem whose share is at
    /// least `tuning.supportShare`, with the incumbent's, ascending. Empty when that barely narrows
    /// the problem (more than `tuning.supportMaximumFraction` of the free sites) or leaves no
    /// choice (at most p sites).
    func supportSites(free: [ColumnIndex], share: [Double]) -> [ColumnIndex] {
        guard share.count == model.candidateCount else { return [] }
        var keep = [Bool](repeating: false, count: model.candidateCount)
        for j in free where share[j] >= tuning.supportShare { keep[j] = true }
        for j in incumbent.sites { keep[j] = true }
        let sites = (0..<model.candidateCount).filter { keep[$0] }
        if sites.count <= p || Double(sites.count) > tuning.supportMaximumFraction * Double(free.count) { return [] }
        return sites
    }

    /// `sites` in areas that share no group (connected through the groups they cover, except
    /// those marked in `covered`), each ascending, the areas in the order of their first site.
    func areas(of sites: [ColumnIndex], covered: [Bool]? = nil) -> [[ColumnIndex]] {
        var parent = [Int](repeating: -1, count: model.candidateCount)
        for j in sites { parent[j] = j }
        func root(_ j: Int) -> Int {
            var j = j
            while parent[j] != j { parent[j] = parent[parent[j]]; j = parent[j] }
            return j
        }
        var owner = [Int](repeating: -1, count: model.groupCount)
        for j in sites {
            for g in model.byCandidate.row(j) where covered?[Int(g)] != true {
                let o = owner[Int(g)]
                if o < 0 { owner[Int(g)] = j; continue }
                let a = root(j), b = root(o)
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var index = [Int](repeating: -1, count: model.candidateCount)
        var out: [[ColumnIndex]] = []
        for j in sites {
            let r = root(j)
            if index[r] < 0 { index[r] = out.count; out.append([]) }
            out[index[r]].append(j)
        }
        return out
    }

    /// Runs the support search after the tree stopped unproven (`bound`: the best bound left open)
    /// and offers its answer when strictly better than the target. Returns the nodes (at most
    /// `nodesLeft`) and relaxation iterations it spent (added to the search's). Nothing runs
    /// without a tree (`EffortLimit.nodes` 1, as in the capacitated solver's covering bound), in a
    /// search that is itself part of a support search, past the deadline, when fewer nodes are left
    /// than it has solves, or when the bound already proves the incumbent optimal.
    mutating func searchSupport(free: [ColumnIndex], share: [Double], lambda: [Double], bound: Double,
                                nodesLeft: Int) -> (nodes: Int, iterations: Int) {
        guard tuning.supportSearch, budget.supportSearch, budget.limits.nodes > 1, budget.nodeIterations > 0,
              !budget.limits.pastDeadline, !optimality.cannotImprove(bound, over: target) else { return (0, 0) }
        let sites = supportSites(free: free, share: share)
        if sites.isEmpty { return (0, 0) }
        let areas = areas(of: sites)
        var areaOf = [Int](repeating: -1, count: model.candidateCount)
        for (a, area) in areas.enumerated() { for j in area { areaOf[j] = a } }
        // The incumbent's sites by area (all of them are in the support).
        var held = [[ColumnIndex]](repeating: [], count: areas.count)
        for j in incumbent.sites { held[areaOf[j]].append(j) }
        // The counts to solve: each area's, and up to `supportShift` more or fewer; one area can
        // only take all p sites (fewer would leave the rest to the greedy fill).
        let shift = tuning.supportShift
        var counts: [(area: Int, k: Int)] = []
        for a in areas.indices {
            let lo = areas.count == 1 ? p : max(1, held[a].count - shift)
            let hi = min(areas[a].count, held[a].count + shift, p)
            if lo <= hi { for k in lo...hi where !(k == held[a].count && k == areas[a].count) { counts.append((a, k)) } }
        }
        if counts.isEmpty { return (0, 0) }
        let nodeShare = nodesLeft / max(1, counts.count)
        if nodeShare < 1 { return (0, 0) }
        // best[a][k]: the best k sites (at most) of area a found, and their value; the incumbent's
        // part of each area to start with.
        var best = [[Int: (value: Double, sites: [ColumnIndex])]](repeating: [:], count: areas.count)
        for a in areas.indices {
            best[a][0] = (0, [])
            best[a][held[a].count] = (model.value(held[a]), held[a])
        }
        progress("support search: \(sites.count) sites in \(areas.count) areas, \(counts.count) solves",
                 incumbent: incumbent.value, bound: optimality.reportable(bound), nodes: 0)
        // The solves are independent, in two halves (every other one), each with half the work
        // allowance: on two threads (`Budget.threads`) at once, on one in turn; each solve's
        // answer, and which solves a half starts, are the same either way.
        let workShare = max(1, budget.limits.work / counts.count)
        let halves = counts.count > 1 ? 2 : 1
        let allowance = max(1, budget.limits.work / halves)
        // (Under a pass cap of this search's own, each half also has half the passes left.)
        let passShare = passesLeft == .max ? .max : passesLeft / halves
        let parallel = budget.threads >= 2 && halves == 2
        let me = self
        func run(_ half: Int) -> [Solved] {
            var out: [Solved] = []
            var charged = 0, passes = 0
            for (n, (a, k)) in counts.enumerated() where n % halves == half {
                if me.budget.limits.pastDeadline || charged >= allowance || passes >= passShare { break }
                // The solve's cap: what is left of the half's allowance.
                let (value, chosen, spent) = me.solveArea(areas[a], count: k, held: held[a], lambda: lambda, nodes: nodeShare,
                                                          work: workShare, cap: (work: allowance - charged, passes: passShare - passes),
                                                          threads: parallel ? 1 : me.budget.threads)
                charged += spent.work
                passes += spent.iterations
                out.append(Solved(area: a, count: k, value: value, sites: chosen, nodes: spent.nodes, iterations: spent.iterations,
                                  work: spent.work))
            }
            return out
        }
        let (first, second) = bothOf(threads: parallel ? 2 : 1, { run(0) }, { halves == 2 ? run(1) : [] })
        var nodes = 0, iterations = 0, charged = 0
        for s in first + second {
            nodes += s.nodes
            iterations += s.iterations
            charged += s.work
            if s.value > (best[s.area][s.count]?.value ?? -1) { best[s.area][s.count] = (s.value, s.sites) }
        }
        // The allotment: a knapsack over the areas' counts (p sites at most; equal values: the
        // fewer sites in the later area).
        var table: [Double] = [0] + [Double](repeating: -.infinity, count: p)
        var pick = [[Int]](repeating: [Int](repeating: 0, count: p + 1), count: areas.count)
        for a in areas.indices {
            var next = [Double](repeating: -.infinity, count: p + 1)
            for used in 0...p where table[used] > -.infinity {
                for k in best[a].keys.sorted() where used + k <= p {
                    let entry = best[a][k]!
                    let v = table[used] + entry.value
                    if v > next[used + k] || (v == next[used + k] && k < pick[a][used + k]) {
                        next[used + k] = v
                        pick[a][used + k] = k
                    }
                }
            }
            table = next
        }
        var total = 0
        for t in 0...p where table[t] > table[total] { total = t }
        var chosen: [ColumnIndex] = []
        for a in areas.indices.reversed() {
            let k = pick[a][total]
            chosen += best[a][k]!.sites
            total -= k
        }
        if chosen.count < p {
            chosen = lazyGreedy(start: chosen, count: p, allowed: [Bool](repeating: true, count: model.candidateCount))
        }
        let value = model.value(chosen)
        if value > target + incumbent.tie { incumbent.offer(chosen, value: value) }
        progress("support search done: \(first.count + second.count) solves, \(iterations) passes, \(charged) links charged (allowance \(budget.limits.work))",
                 incumbent: incumbent.value, bound: optimality.reportable(max(bound, incumbent.value)), nodes: nodes)
        return (nodes, iterations)
    }

    /// One area's solve for one count of sites: the best sites found, their value, its effort
    /// (`work`: every relaxation pass, roots and core included, as a pass over the area's links).
    struct Solved {
        var area: Int
        var count: Int
        var value: Double
        var sites: [ColumnIndex]
        var nodes: Int
        var iterations: Int
        var work: Int
    }

    /// The best `count` sites of one area (this solver on the area's sites alone, its multipliers
    /// from `lambda` summed over the groups it merges), in this model's columns, with their value;
    /// the area's incumbent sites (`held`) start it when there are `count` of them. `nodes`, `work`:
    /// its node and (tree) work limits; `cap`: the links of its passes as charged (passes over the
    /// area's links) and the passes it may spend in all (`solveRestricted`).
    private func solveArea(_ area: [ColumnIndex], count: Int, held: [ColumnIndex], lambda: [Double],
                           nodes: Int, work: Int, cap: (work: Int, passes: Int),
                           threads: Int) -> (Double, [ColumnIndex], (nodes: Int, iterations: Int, work: Int)) {
        var own = budget
        own.supportSearch = false
        own.rootStopsAtPace = false
        own.limits.nodes = nodes
        own.limits.work = work
        own.limits.passes = cap.passes
        own.threads = threads
        let (restricted, out, chosen) = solveRestricted(area, residual: model.weight, count: count, held: held, lambda: lambda,
                                                        budget: own, workCap: cap.work)
        return (model.value(chosen), chosen, (out.nodes, out.lagrangeIterations, out.lagrangeIterations * restricted.byCandidate.edgeCount))
    }

    /// This solver on `sites` alone (their coverage lists over `residual`, rebuilt and reduced as
    /// a smaller model) for `count` sites, looking only for values above `floor`: its multipliers
    /// start from `lambda` summed over the groups the smaller model merges (at most each group's
    /// weight), and `held`'s sites start it when there are `count` of them. The smaller model, the
    /// outcome, and its chosen sites in this model's columns. Shared by the support search's areas
    /// and the decomposition's components, which charge every pass of the solve as a pass over the
    /// smaller model's links: `workCap` (those links) caps its passes (`EffortLimit.passes`, at
    /// least one) within `own`'s pass cap, so that the solve's charge passes `workCap` only when
    /// that is less than one pass, and then by less than one pass.
    func solveRestricted(_ sites: [ColumnIndex], residual: [Double], count: Int, held: [ColumnIndex], lambda: [Double],
                         budget own: Budget, workCap: Int, floor: Double = -.infinity)
        -> (model: CoverageModel, outcome: Outcome, chosen: [ColumnIndex]) {
        let restricted = CoverageModel(residual: residual, lists: sites.map { Array(model.byCandidate.row($0)) })
        var own = own
        own.limits.passes = min(own.limits.passes, max(1, workCap / max(1, restricted.byCandidate.edgeCount)))
        var column = [ColumnIndex](repeating: -1, count: model.candidateCount)
        for (k, listIndex) in restricted.sortedIndex.enumerated() { column[sites[listIndex]] = k }
        let mapped = held.map { column[$0] }.filter { $0 >= 0 }
        var search = CoverageSolver(model: restricted, p: count, budget: own, progress: .silent)
        search.floor = floor
        var start = [Double](repeating: 0, count: restricted.groupCount)
        for (g, rg) in restricted.groupOfNode.enumerated() where rg >= 0 { start[rg] += lambda[g] }
        for rg in start.indices { start[rg] = min(start[rg], restricted.weight[rg]) }
        search.startLambda = start
        let out = search.solve(initial: mapped.count == count ? mapped : nil)
        return (restricted, out, out.chosen.map { sites[restricted.sortedIndex[$0]] })
    }
}
