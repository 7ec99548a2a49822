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
/// Search (`CapacitatedSearch`): exact lazy greedy, swap local search, the root bounds and the
/// relaxation's site sets, then depth-first branch and bound on the submodular bound within the
/// effort limit, and finally the sites ranked by marginal gain.
extension PreparedSelection {
    struct CapacitatedContext {
        /// The maximum flow with the existing stations alone; candidate `site` is the flow's
        /// station column `existingCount + site`, with capacity 0 until opened.
        let flowBase: TransportFlow
        let existingCount: Int
        let optimality: OptimalityTest

        /// The flow's station column of a candidate site.
        func column(of site: SiteIndex) -> Int { existingCount + site.raw }

        /// `state` with one more site opened, re-maximised.
        func opened(_ state: TransportFlow, _ site: SiteIndex, seats: Double) -> TransportFlow {
            var s = state
            s.raiseCapacity(column(of: site), to: seats)
            s.maximise()
            return s
        }
    }

    func capacitatedContext() -> CapacitatedContext {
        let e = existing?.capacities.count ?? 0
        let reach = Reach(appending: lists, to: existing?.reach, rowCount: weights.count)
        let caps = (existing?.capacities ?? []) + [Double](repeating: 0, count: ids.count)
        // Inputs were validated (weights, capacities, seats, link count); this cannot throw.
        var flow = try! TransportFlow(weights: weights, capacities: caps, reach: reach)
        flow.maximise()
        let integral = weights.allSatisfy { $0 == $0.rounded() }
            && (existing?.capacities ?? []).allSatisfy { $0 == $0.rounded() || $0.isInfinite }
            && seats.allSatisfy { $0 == $0.rounded() || $0.isInfinite }
        return CapacitatedContext(flowBase: flow, existingCount: e, optimality: OptimalityTest(integral: integral, total: total))
    }

    /// One-site gain bounds over a maximum flow, by site (0 for sites not in `free`):
    /// min(seats, demand weight in reach on the source side).
    func gainBounds(_ state: TransportFlow, free: [SiteIndex]) -> PerSite<Double> {
        let side = state.sourceSide()
        var out = PerSite(values: [Double](repeating: 0, count: ids.count))
        for k in free {
            var s = 0.0
            for i in covers(k) where side[Int(i)] { s += weights[Int(i)] }
            out[k] = min(seats(k), s)
        }
        return out
    }

    /// `free` by decreasing `value`, ties by id.
    func ranked(_ free: [SiteIndex], by value: PerSite<Double>) -> [SiteIndex] {
        free.sorted { value[$0] > value[$1] || (value[$0] == value[$1] && $0 < $1) }
    }

    /// Exact best next site by lazy evaluation (ties: id). Returns nil when nothing adds demand.
    func bestNext(_ ctx: CapacitatedContext, _ state: TransportFlow, free: [SiteIndex],
                  evaluations: inout Int) -> (site: SiteIndex, gain: Double, flow: TransportFlow)? {
        let bounds = gainBounds(state, free: free)
        let served = state.served
        var best: (site: SiteIndex, gain: Double, flow: TransportFlow)? = nil
        for k in ranked(free, by: bounds) {
            let ub = bounds[k]
            if let b = best, ub < b.gain || (ub == b.gain && k > b.site) { break }
            if ub <= 0 { break }
            let s = ctx.opened(state, k, seats: seats(k))
            evaluations += 1
            let gain = s.served - served
            if gain > 1e-9 * max(1, total), best.map({ gain > $0.gain + 1e-12 * total }) ?? true {
                best = (k, gain, s)
            }
        }
        return best
    }

    func solveCapacitated(p: Int, stage: String) -> SiteSelection {
        var search = CapacitatedSearch(self, p: p, progress: report(stage))
        return search.run()
    }
}

/// One capacitated solve, step by step.
struct CapacitatedSearch {
    struct Node: BoundedNode {
        var fixedIn: [SiteIndex]
        var fixedOut: [SiteIndex]
        var bound: Double
    }

    let problem: PreparedSelection
    let ctx: PreparedSelection.CapacitatedContext
    let p: Int
    let progress: ProgressReporter
    let tuning = SolverTuning.standard
    /// Served demand with the existing stations alone.
    let base: Double
    var incumbent: Incumbent<SiteIndex>
    /// Max-flow evaluations so far (the measure of effort).
    var evaluations = 0
    var optimality: OptimalityTest { ctx.optimality }
    var siteCount: Int { problem.ids.count }

    init(_ problem: PreparedSelection, p: Int, progress: ProgressReporter) {
        self.problem = problem
        self.ctx = problem.capacitatedContext()
        self.p = p
        self.progress = progress
        self.base = ctx.flowBase.served
        self.incumbent = Incumbent(value: 0, total: problem.total)
    }

    mutating func run() -> SiteSelection {
        let K = siteCount
        var quickBound = Double.infinity
        if p >= K && K > 0 {
            // Opening every candidate is best (served demand never drops when a site opens).
            let all = problem.sites
            incumbent.replace(with: all, value: flow(for: all).served - base)
        } else if p > 0 && K > 0 {
            quickBound = greedyStart()
        }
        var bound = 0.0
        var proven = true
        var nodes = 0
        if p > 0 && p < K && !optimality.cannotImprove(quickBound, over: incumbent.value) {
            let rootBound = rootBounds()
            (bound, proven, nodes) = branchAndBound(rootBound: rootBound)
        }
        return rankedSelection(bound: bound, proven: proven, nodes: nodes)
    }

    /// The maximum flow with the existing stations and `set` opened.
    func flow(for set: [SiteIndex]) -> TransportFlow {
        var s = ctx.flowBase
        for k in set { s.raiseCapacity(ctx.column(of: k), to: problem.seats(k)) }
        s.maximise()
        return s
    }

    /// Lazy greedy, then (unless the quick bound already proves it) swap search. Returns the quick
    /// bound: the p largest one-site cut bounds (submodularity).
    private mutating func greedyStart() -> Double {
        let K = siteCount
        var state = ctx.flowBase
        var set: [SiteIndex] = []
        while set.count < min(p, K) {
            let free = problem.sites.filter { !set.contains($0) }
            guard let next = problem.bestNext(ctx, state, free: free, evaluations: &evaluations) else { break }
            set.append(next.site)
            state = next.flow
        }
        incumbent.offer(set, value: state.served - base)
        progress("greedy", incumbent: incumbent.value, bound: problem.total, nodes: 0)
        let cut = problem.gainBounds(ctx.flowBase, free: problem.sites).values.sorted(by: >)
        let quickBound = cut.prefix(p).reduce(0, +)
        if !optimality.cannotImprove(quickBound, over: incumbent.value) {
            var value = state.served - base
            swapSearch(&set, &value)
            incumbent.offer(set, value: value)
        }
        return quickBound
    }

    /// Swap local search: drop one site, add the best other one, while that serves more.
    private mutating func swapSearch(_ set: inout [SiteIndex], _ value: inout Double) {
        let K = siteCount
        var improved = true
        while improved && set.count == p && p < K {
            improved = false
            for pos in 0..<set.count {
                var rest = set
                rest.remove(at: pos)
                let without = flow(for: rest)
                let free = problem.sites.filter { !set.contains($0) }
                if let next = problem.bestNext(ctx, without, free: free, evaluations: &evaluations),
                   next.flow.served - base > value + 1e-9 * max(1, problem.total) {
                    rest.insert(next.site, at: pos)
                    set = rest
                    value = next.flow.served - base
                    improved = true
                    break
                }
            }
        }
    }

    /// The root bound: the least of the covering bound over the source side of the existing
    /// stations' minimum cut and the capacitated Lagrangian bound. The Lagrangian relaxation's site
    /// sets are tried as solutions, the best few polished by swaps.
    private mutating func rootBounds() -> Double {
        let side = ctx.flowBase.sourceSide()
        let sideWeights = (0..<problem.weights.count).map { side[$0] ? problem.weights[$0] : 0 }
        let model = CoverageModel(residual: sideWeights, lists: problem.lists)
        var budget = CoverageSolver.Budget(limits: EffortLimit(nodes: 1), tuning: tuning)
        budget.rootIterations = tuning.capacitatedCoverIterations
        budget.nodeIterations = 0
        // The root alone, and the core's root when fixing hands over (its bound is tighter).
        budget.coreAtLastNode = true
        var coverSolver = CoverageSolver(model: model, p: p, budget: budget, progress: .silent)
        let coverBound = coverSolver.solve().bound
        var relaxed: [[SiteIndex]] = []
        let lagrangeBound = problem.capacitatedLagrangianBound(ctx, p: p, target: incumbent.value, tuning: tuning, sets: &relaxed)
        progress("capacitated Lagrangian bound", incumbent: incumbent.value, bound: min(coverBound, lagrangeBound), nodes: 0)
        var scored: [(value: Double, set: [SiteIndex])] = []
        for set in relaxed {
            let v = flow(for: set).served - base
            evaluations += 1
            incumbent.offer(set, value: v)
            scored.append((v, set))
        }
        scored.sort { $0.value > $1.value || ($0.value == $1.value && $0.set.lexicographicallyPrecedes($1.set)) }
        for (_, start) in scored.prefix(tuning.capacitatedPolishStarts) {
            var set = start
            var value = flow(for: set).served - base
            swapSearch(&set, &value)
            incumbent.offer(set, value: value)
        }
        return min(coverBound, lagrangeBound)
    }

    /// Depth-first branch and bound on the submodular bound. Returns the bound to report (the
    /// first node's bound, or what the open nodes still allow when stopped early), whether the
    /// incumbent is proven optimal, and the nodes explored.
    private mutating func branchAndBound(rootBound start: Double) -> (bound: Double, proven: Bool, nodes: Int) {
        let K = siteCount
        var stack = [Node(fixedIn: [], fixedOut: [], bound: start)]
        var openBound = -Double.infinity
        var rootBound = 0.0
        var stopped = false
        var nodes = 0
        let limits = EffortLimit(nodes: max(1, problem.options.nodeLimit / tuning.capacitatedNodeShare),
                                 work: problem.options.workLimit,
                                 deadline: EffortLimit.deadline(in: problem.options.timeLimit))
        // Effort: each max-flow evaluation counts as a few passes over the graph.
        let passCost = tuning.passesPerFlowEvaluation * max(1, ctx.flowBase.reach.edgeCount + problem.weights.count + K)
        while let node = stack.popLast() {
            if optimality.cannotImprove(node.bound, over: incumbent.value) { continue }
            if limits.reached(nodes: nodes, work: evaluations * passCost) {
                stopped = true
                openBound = stack.largestOpenBound(with: node, over: openBound)
                break
            }
            nodes += 1
            let state = flow(for: node.fixedIn)
            let value = state.served - base
            incumbent.offer(node.fixedIn, value: value)
            let q = p - node.fixedIn.count
            let excluded = Set(node.fixedIn + node.fixedOut)
            let free = problem.sites.filter { !excluded.contains($0) }
            if q == 0 || free.isEmpty { continue }
            let (top, estimate) = singleSiteGains(node, state: state, value: value, free: free, q: q)
            let bound = min(node.bound, value + top.reduce(0) { $0 + estimate[$1] })
            if nodes == 1 {
                rootBound = bound
                progress("bounds", incumbent: incumbent.value, bound: bound, nodes: nodes)
            }
            if optimality.cannotImprove(bound, over: incumbent.value) { continue }
            // Sites that add nothing now add nothing in this subtree either (submodularity).
            let useless = free.filter { estimate[$0] <= 0 }
            guard let pick = top.first, estimate[pick] > 0 else { continue }
            stack.append(Node(fixedIn: node.fixedIn, fixedOut: node.fixedOut + useless + [pick], bound: bound))
            stack.append(Node(fixedIn: node.fixedIn + [pick], fixedOut: node.fixedOut + useless, bound: bound))
            if nodes % tuning.capacitatedProgressEveryNodes == 0 {
                progress("branch and bound", incumbent: incumbent.value, bound: bound, nodes: nodes)
            }
        }
        var proven = true
        if stopped {
            proven = optimality.cannotImprove(min(openBound, rootBound), over: incumbent.value)
            rootBound = max(incumbent.value, optimality.reportable(min(openBound, rootBound)))
        }
        return (rootBound, proven, nodes)
    }

    /// Single-site gains over a node's flow: exact (one max flow each) for the sites among the q
    /// best, the cut bound for the rest, until the q best are all exact. Returns the q best and the
    /// gains by site. Every exact evaluation is also offered as a solution.
    private mutating func singleSiteGains(_ node: Node, state: TransportFlow, value: Double, free: [SiteIndex],
                                          q: Int) -> (top: [SiteIndex], estimate: PerSite<Double>) {
        var estimate = problem.gainBounds(state, free: free)
        var exact = PerSite(values: [Bool](repeating: false, count: siteCount))
        while true {
            let top = Array(problem.ranked(free, by: estimate).prefix(q))
            let pending = top.filter { !exact[$0] && estimate[$0] > 0 }
            if pending.isEmpty { return (top, estimate) }
            for k in pending {
                let s = ctx.opened(state, k, seats: problem.seats(k))
                evaluations += 1
                estimate[k] = max(0, s.served - base - value)
                exact[k] = true
                incumbent.offer(node.fixedIn + [k], value: s.served - base)
            }
        }
    }

    /// The answer: sites ranked by marginal served gain (sites that add nothing are left out),
    /// loads from the assignment with the ranked sites.
    private mutating func rankedSelection(bound: Double, proven: Bool, nodes: Int) -> SiteSelection {
        var order: [(site: SiteIndex, gain: Double)] = []
        var state = ctx.flowBase
        var left = incumbent.sites
        while !left.isEmpty {
            guard let next = problem.bestNext(ctx, state, free: left, evaluations: &evaluations) else { break }
            left.removeAll { $0 == next.site }
            state = next.flow
            order.append((next.site, next.gain))
        }
        let loads = state.assignment().stationLoad
        let ranked = order.map { k, gain in
            let load = loads[ctx.column(of: k)]
            return ChosenSite(id: problem.ids[k.raw], candidateIndex: problem.order[k.raw], gain: gain, served: load,
                              suggestedSeats: seatCount((load - 1e-9).rounded(.up)))
        }
        let objective = state.served - base
        return SiteSelection(
            sites: ranked, objective: objective, upperBound: proven ? objective : max(objective, bound),
            provenOptimal: proven, baseline: base, totalDemand: problem.total, target: nil,
            nodes: nodes, iterations: evaluations)
    }
}
