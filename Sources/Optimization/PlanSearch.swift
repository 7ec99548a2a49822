/// A candidate site in id order (`PreparedSelection.ids`), as a plain integer: the plan's search
/// indexes its own per-site arrays with it and wraps it as `SiteIndex` for the capacitated helpers.
typealias PlanSite = Int

/// The search behind `planSites`: conflict branching over `selectSites` for a count, a branch and
/// bound with a fractional-knapsack bound for a budget, counts in turn for a target.
struct PlanSolver {
    /// The problem with every site at its largest size, sites in id order (`PlanSite`).
    let prep: PreparedSelection
    let sizes: [[SiteSize]]
    let conflicts: [[PlanSite]]
    let required: [PlanSite]
    /// Group of each site, the groups with a minimum, and the minimum.
    let group: [Int]
    let groups: [Int]
    let minPerGroup: Int
    let capacitated: Bool
    let options: SiteSelectionOptions
    let ctx: PreparedSelection.CapacitatedContext?
    /// Uncapacitated: weight not yet covered, per demand node.
    let residual: [Double]
    let base: Double
    let optimality: OptimalityTest
    /// The travel tie-break: per site, the distance to each demand node of `prep.lists[site]`;
    /// per edge of the existing stations' reach (capacitated); per demand node, the distance to
    /// the nearest existing station covering it (uncapacitated). `hasTravel` is false when no
    /// distance was given (every travel is then 0 and ties break by id alone).
    let siteDistances: [[Double]]
    let existingDistances: [Double]
    let coveredDistances: [Double]
    let hasTravel: Bool
    var K: Int { prep.ids.count }

    init(_ problem: PlanProblem, options: SiteSelectionOptions) throws(OptimizationError) {
        for c in problem.candidates {
            guard !c.sizes.isEmpty else { throw .invalidInput("candidate \(c.id): no size to take") }
            for (i, s) in c.sizes.enumerated() {
                guard s.seats >= 1, s.capacity > 0, !s.capacity.isNaN, s.cost >= 0, s.cost.isFinite else {
                    throw .invalidInput("candidate \(c.id): size \(s.seats) seats, capacity \(s.capacity), cost \(s.cost) is not positive")
                }
                if i > 0, !(s.capacity > c.sizes[i - 1].capacity && s.seats > c.sizes[i - 1].seats) {
                    throw .invalidInput("candidate \(c.id): sizes are not in ascending order")
                }
            }
        }
        let selection = SiteSelectionProblem(
            weights: problem.weights, alreadyCovered: problem.capacitated ? [] : problem.alreadyCovered,
            existing: problem.capacitated ? problem.existing : nil,
            candidates: problem.candidates.map { SiteCandidate(id: $0.id, covers: $0.covers, seats: problem.capacitated ? $0.sizes.last!.capacity : .infinity) })
        if !problem.capacitated, problem.alreadyCovered.isEmpty, problem.existing != nil {
            throw .invalidInput("uncapacitated plans take the covered amounts, not existing stations")
        }
        let prep = try PreparedSelection(selection, options: options)
        var siteDistances: [[Double]] = []
        for (site, index) in prep.order.enumerated() {
            let c = problem.candidates[index]
            guard c.distances.isEmpty || c.distances.count == c.covers.count else {
                throw .invalidInput("candidate \(c.id): \(c.distances.count) distances for \(c.covers.count) demand nodes")
            }
            var nearest: [Int: Double] = [:]
            for (i, d) in zip(c.covers, c.distances) {
                guard d >= 0, d.isFinite else { throw .invalidInput("candidate \(c.id): distance \(d) is negative or not finite") }
                nearest[i] = min(nearest[i] ?? d, d)
            }
            siteDistances.append(prep.lists[site].map { nearest[Int($0)] ?? 0 })
        }
        if !problem.existingDistances.isEmpty {
            guard problem.capacitated, let e = problem.existing, problem.existingDistances.count == e.reach.edgeCount else {
                throw .invalidInput("\(problem.existingDistances.count) existing-station distances for \(problem.existing?.reach.edgeCount ?? 0) edges")
            }
            for d in problem.existingDistances where !(d >= 0 && d.isFinite) { throw .invalidInput("existing-station distance \(d) is negative or not finite") }
        }
        if !problem.coveredDistances.isEmpty {
            guard problem.coveredDistances.count == problem.weights.count else {
                throw .invalidInput("\(problem.coveredDistances.count) covered distances for \(problem.weights.count) demand nodes")
            }
            for d in problem.coveredDistances where d.isNaN || d < 0 { throw .invalidInput("covered distance \(d) is negative or NaN") }
        }
        self.siteDistances = siteDistances
        self.existingDistances = problem.capacitated ? problem.existingDistances : []
        self.coveredDistances = problem.capacitated ? [] : problem.coveredDistances
        self.hasTravel = problem.candidates.contains { !$0.distances.isEmpty } || !self.existingDistances.isEmpty || !self.coveredDistances.isEmpty
        var siteOf = [Int](repeating: 0, count: problem.candidates.count)
        for (site, index) in prep.order.enumerated() { siteOf[index] = site }
        var conflicts = [[PlanSite]](repeating: [], count: problem.candidates.count)
        for (a, b) in problem.conflicts {
            guard a >= 0, a < siteOf.count, b >= 0, b < siteOf.count else {
                throw .invalidInput("conflict (\(a), \(b)) outside 0..<\(siteOf.count)")
            }
            if a == b { continue }
            conflicts[siteOf[a]].append(siteOf[b])
            conflicts[siteOf[b]].append(siteOf[a])
        }
        var required: [PlanSite] = []
        for r in problem.required {
            guard r >= 0, r < siteOf.count else { throw .invalidInput("required candidate \(r) outside 0..<\(siteOf.count)") }
            required.append(siteOf[r])
        }
        self.prep = prep
        self.sizes = prep.order.map { problem.candidates[$0].sizes }
        self.conflicts = conflicts.map { Array(Set($0)).sorted() }
        self.required = Array(Set(required)).sorted()
        self.group = prep.order.map { problem.candidates[$0].group }
        self.groups = Array(Set(problem.groups)).sorted()
        self.minPerGroup = max(0, problem.minPerGroup)
        self.capacitated = problem.capacitated
        self.options = options
        if problem.capacitated {
            let ctx = prep.capacitatedContext()
            self.ctx = ctx
            self.residual = []
            self.base = ctx.flowBase.served
            self.optimality = ctx.optimality
        } else {
            self.ctx = nil
            self.residual = prep.residual
            self.base = prep.covered.reduce(0, +)
            // The objective sums what is left uncovered (weight − already covered), so only when
            // every residual is a whole number is every value one (whole weights are not enough).
            self.optimality = OptimalityTest(integral: prep.residual.allSatisfy { $0 == $0.rounded() && $0 < 9e15 }, total: prep.total)
        }
    }

    // MARK: Evaluation

    /// The flow with the existing stations and the given sites at the given capacities.
    func flow(_ sites: [(PlanSite, Double)]) -> TransportFlow {
        var s = ctx!.flowBase
        for (k, c) in sites { s.raiseCapacity(ctx!.existingCount + k, to: c) }
        s.maximise()
        return s
    }

    /// Demand newly served (covered) by the sites at the given capacities.
    func value(_ sites: [(PlanSite, Double)]) -> Double {
        if capacitated { return flow(sites).served - base }
        var seen = Set<Int32>()
        var v = 0.0
        for (k, _) in sites { for i in prep.lists[k] where seen.insert(i).inserted { v += residual[Int(i)] } }
        return v
    }

    func largest(_ k: PlanSite) -> Double { capacitated ? sizes[k].last!.capacity : .infinity }

    /// The first pair of chosen sites in conflict (by id order), if any.
    func firstConflict(_ set: [PlanSite]) -> (PlanSite, PlanSite)? {
        let inSet = Set(set)
        for a in set.sorted() {
            for b in conflicts[a] where b > a && inSet.contains(b) { return (a, b) }
        }
        return nil
    }

    /// Sites that add demand next to `set` (largest sizes), those clear of every conflict with
    /// `set` first: (clear ones that add, blocked ones that add).
    func addersBeyond(_ set: [PlanSite]) -> (clear: Int, blocked: Int) {
        let chosen = Set(set)
        var blocked = Set<PlanSite>()
        for k in set { blocked.formUnion(conflicts[k]) }
        let current = set.map { ($0, largest($0)) }
        var clear = 0, inConflict = 0
        if capacitated {
            let state = flow(current)
            let bounds = prep.gainBounds(state, free: (0..<K).filter { !chosen.contains($0) }.map(SiteIndex.init)).values
            for k in 0..<K where !chosen.contains(k) && bounds[k] > 0 {
                var s = state
                s.raiseCapacity(ctx!.existingCount + k, to: largest(k))
                s.maximise()
                if s.served - state.served > 1e-9 * max(1, prep.total) {
                    if blocked.contains(k) { inConflict += 1 } else { clear += 1 }
                }
            }
        } else {
            var covered = Set<Int32>()
            for k in set { covered.formUnion(prep.lists[k]) }
            for k in 0..<K where !chosen.contains(k) && prep.lists[k].contains(where: { residual[Int($0)] > 0 && !covered.contains($0) }) {
                if blocked.contains(k) { inConflict += 1 } else { clear += 1 }
            }
        }
        return (clear, inConflict)
    }

    /// Greedy by marginal gain (largest sizes; ties: id) from `start`, skipping `excluded` sites and
    /// every site in conflict with one chosen, until `count` sites or nothing adds.
    func greedy(start: [PlanSite], count: Int, excluded: Set<PlanSite>) -> [PlanSite] {
        var set = start
        var blocked = excluded
        for k in start { blocked.insert(k); blocked.formUnion(conflicts[k]) }
        if capacitated {
            var state = flow(start.map { ($0, largest($0)) })
            var evaluations = 0
            while set.count < count {
                let free = (0..<K).filter { !blocked.contains($0) }
                guard let next = prep.bestNext(ctx!, state, free: free.map(SiteIndex.init), evaluations: &evaluations) else { break }
                set.append(next.site.raw)
                blocked.insert(next.site.raw)
                blocked.formUnion(conflicts[next.site.raw])
                state = next.flow
            }
        } else {
            var done = [Bool](repeating: false, count: prep.weights.count)
            for k in start { for i in prep.lists[k] { done[Int(i)] = true } }
            while set.count < count {
                var best = -1
                var bestGain = 0.0
                for k in 0..<K where !blocked.contains(k) {
                    var g = 0.0
                    for i in prep.lists[k] where !done[Int(i)] { g += residual[Int(i)] }
                    if g > bestGain + 1e-12 * max(1, prep.total) { bestGain = g; best = k }
                }
                if best < 0 { break }
                set.append(best)
                blocked.insert(best)
                blocked.formUnion(conflicts[best])
                for i in prep.lists[best] { done[Int(i)] = true }
            }
        }
        return set
    }

    // MARK: Count

    /// `selectSites` over the sites not excluded, the required ones counted as existing: the
    /// relaxation without conflicts. Returns its sites (required ones included), value and bound
    /// on the whole plan.
    func relaxation(excluded: Set<PlanSite>, q: Int) -> (sites: [PlanSite], value: Double, bound: Double, proven: Bool, fixed: Double) {
        let fixedSites = required.map { ($0, largest($0)) }
        let fixedValue = value(fixedSites)
        let free = (0..<K).filter { !excluded.contains($0) && !required.contains($0) }
        var problem = SiteSelectionProblem(weights: prep.weights, candidates: free.map {
            SiteCandidate(id: prep.ids[$0], covers: prep.lists[$0].map(Int.init), seats: largest($0))
        })
        if capacitated {
            let existingCaps = prep.existing?.capacities ?? []
            let reach = Reach(appending: required.map { prep.lists[$0] }, to: prep.existing?.reach, rowCount: prep.weights.count)
            problem.existing = ExistingStations(capacities: existingCaps + required.map { largest($0) }, reach: reach)
        } else {
            var covered = prep.covered
            for k in required { for i in prep.lists[k] { covered[Int(i)] = prep.weights[Int(i)] } }
            problem.alreadyCovered = covered
        }
        var opts = options
        opts.progress = nil
        // The inputs were validated when the plan was prepared.
        guard let s = try? selectSites(problem, goal: .count(q), options: opts) else {
            return (required, fixedValue, fixedValue, false, fixedValue)
        }
        let chosen = required + s.sites.map { free[$0.candidateIndex] }
        return (chosen, fixedValue + s.objective, fixedValue + s.upperBound, s.provenOptimal, fixedValue)
    }

    /// Count mode: the relaxation, branched on conflicting pairs until its answers are clear of
    /// conflicts or proven no better than the best plan found.
    func solveCount(_ p: Int, polishing: Bool = true) -> PlanSelection {
        let q = p - required.count
        var blocked = Set<PlanSite>()
        for r in required { blocked.formUnion(conflicts[r]) }
        blocked.subtract(required)
        var incumbent = Incumbent<PlanSite>(value: -1, total: prep.total)
        let start = greedy(start: required, count: p, excluded: blocked)
        incumbent.offer(start, value: value(start.map { ($0, largest($0)) }))
        // Depth-first over sets of excluded sites; each node carries its parent's bound.
        var stack: [(excluded: Set<PlanSite>, bound: Double)] = [(blocked, .infinity)]
        var open: [Double] = []
        var solves = 0
        let maxSolves = max(1, options.nodeLimit / 100)
        if q > 0 {
            while let node = stack.popLast() {
                if optimality.cannotImprove(node.bound, over: incumbent.value) { continue }
                if solves >= maxSolves {
                    open.append(node.bound)
                    continue
                }
                solves += 1
                let r = relaxation(excluded: node.excluded, q: q)
                let bound = min(node.bound, r.bound)
                options.progress?(SelectionProgress(stage: "spacing branch \(solves)", incumbent: incumbent.value, bound: bound, nodes: solves))
                guard let (a, b) = firstConflict(r.sites) else {
                    incumbent.offer(r.sites, value: r.value)
                    if !r.proven { open.append(bound) }
                    continue
                }
                // Repair: keep the sites clear of conflicts in rank order, refill greedily.
                var kept: [PlanSite] = required
                var no = node.excluded
                for k in r.sites where !kept.contains(k) && !kept.contains(where: { conflicts[$0].contains(k) }) { kept.append(k) }
                for k in kept { no.formUnion(conflicts[k]) }
                let repaired = greedy(start: kept, count: p, excluded: no.subtracting(kept))
                incumbent.offer(repaired, value: value(repaired.map { ($0, largest($0)) }))
                if optimality.cannotImprove(bound, over: incumbent.value) { continue }
                stack.append((node.excluded.union([b]), bound))
                stack.append((node.excluded.union([a]), bound))
            }
        }
        let openBound = open.max() ?? -Double.infinity
        var chosen = incumbent.sites.map { (site: $0, size: sizes[$0].count - 1) }
        var value = incumbent.value
        var travel: TravelEvaluation? = nil
        if polishing {
            // Of the plans of this value, the one where riders travel least (a swap search).
            (chosen, value, travel) = polish(chosen, value: value, choices: { [sizes[$0].count - 1] })
        }
        let proven = open.isEmpty || optimality.cannotImprove(openBound, over: value)
        let bound = proven ? value : max(value, optimality.reportable(openBound))
        var plan = finish(chosen, bound: bound, proven: proven, nodes: solves, travel: travel)
        let placed = plan.sites.count
        if placed < p {
            let beyond = addersBeyond(plan.sites.map { prep.order.firstIndex(of: $0.candidateIndex)! })
            if beyond.clear == 0 && beyond.blocked > 0 {
                plan.shortfall = "only \(placed) of \(p) sites fit: every other candidate that would add demand is closer than the minimum spacing to a chosen site"
            } else {
                plan.shortfall = "only \(placed) of \(p) sites add demand: no other candidate reaches demand that is not already \(capacitated ? "served" : "covered")"
            }
        }
        return plan
    }

    /// Ranks the chosen sites by marginal gain at their sizes, drops those that add nothing (unless
    /// required), and shrinks each to the smallest size that holds its load. `travel`, when given,
    /// is the evaluation `polish` already made of some plan: used when it is this one.
    func finish(_ chosen: [(site: PlanSite, size: Int)], bound: Double, proven: Bool, nodes: Int,
                travel known: TravelEvaluation? = nil) -> PlanSelection {
        let isRequired = Set(required)
        var order: [(site: PlanSite, size: Int, gain: Double)] = []
        var left = chosen.sorted { $0.site < $1.site }
        var current: [(PlanSite, Double)] = []
        var currentValue = 0.0
        while !left.isEmpty {
            var best = -1
            var bestGain = -Double.infinity
            for (pos, c) in left.enumerated() {
                let g = value(current + [(c.site, sizes[c.site][c.size].capacity)]) - currentValue
                if g > bestGain + 1e-12 * max(1, prep.total) { bestGain = g; best = pos }
            }
            let c = left.remove(at: best)
            if bestGain <= 1e-9 * max(1, prep.total) && !isRequired.contains(c.site) { continue }
            current.append((c.site, capacitated ? sizes[c.site][c.size].capacity : .infinity))
            currentValue += bestGain
            order.append((c.site, c.size, max(0, bestGain)))
        }
        var loads = order.map(\.gain)
        // Each site's travel (its riders × their distances) and, capacitated, its load, from the
        // least-travel allocation (the one polish computed for the same sites, when it did).
        let perSite = siteTravel(current, known: known)
        if capacitated {
            let state = flow(current)
            // The least-travel allocation among those serving the most: each site then shrinks to
            // hold its load there, which keeps that allocation, so the travel does not grow.
            if let siteLoads = perSite.load {
                loads = siteLoads
            } else {
                let stationLoad = state.assignment().stationLoad
                loads = order.map { stationLoad[ctx!.existingCount + $0.site] }
            }
            currentValue = state.served - base
        }
        var sites: [PlannedSite] = []
        var cost = 0.0
        for (n, o) in order.enumerated() {
            let load = loads[n]
            let tol = 1e-9 * max(1, load)
            var sizeIndex = capacitated ? o.size : sizes[o.site].count - 1
            for (i, s) in sizes[o.site].enumerated() where s.capacity + tol >= load {
                sizeIndex = min(sizeIndex, i)
                break
            }
            let size = sizes[o.site][sizeIndex]
            cost += size.cost
            sites.append(PlannedSite(id: prep.ids[o.site], candidateIndex: prep.order[o.site], sizeIndex: sizeIndex, size: size,
                                     gain: o.gain, load: load, overflow: size.capacity + tol < load, required: isRequired.contains(o.site),
                                     travel: perSite.travel[n], hasDistances: hasTravel))
        }
        let objective = max(0, currentValue)
        let final = zip(order, sites).map { ($0.0.site, capacitated ? $0.1.size.capacity : Double.infinity) }
        return PlanSelection(sites: sites, objective: objective, upperBound: proven ? objective : max(objective, bound),
                             provenOptimal: proven, baseline: base, totalDemand: prep.total, cost: cost, target: nil,
                             shortfall: nil, nodes: nodes, travel: hasTravel ? (sameSites(final, current) ? perSite.total : nil) ?? travel(final) : 0,
                             hasDistances: hasTravel)
    }

    /// Whether two plans have the same sites at the same capacities, in any order.
    func sameSites(_ a: [(PlanSite, Double)], _ b: [(PlanSite, Double)]) -> Bool {
        a.count == b.count && a.sorted { $0.0 < $1.0 }.elementsEqual(b.sorted { $0.0 < $1.0 }) { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    // MARK: Target

    func solveTarget(_ percent: Double) -> PlanSelection {
        let goal = percent / 100 * prep.total
        let tol = 1e-9 * max(prep.total, 1)
        if base + tol >= goal && required.isEmpty {
            var s = finish([], bound: 0, proven: true, nodes: 0)
            s.target = .reached(provenFewest: true)
            return s
        }
        // No k sites add more than the k largest single-site gains (submodularity), so fewer than
        // kMin sites cannot reach the target.
        var gains: [Double]
        if capacitated {
            gains = prep.gainBounds(ctx!.flowBase, free: (0..<K).map(SiteIndex.init)).values
        } else {
            gains = prep.lists.map { $0.reduce(0) { $0 + residual[Int($1)] } }
        }
        gains.sort(by: >)
        var kMin = 0
        var sum = 0.0
        for g in gains where base + sum * (1 + 1e-12) + tol < goal {
            sum += g
            kMin += 1
        }
        var k = max(1, kMin, required.count)
        var provenBelow = true
        var last: PlanSelection? = nil
        while k <= max(K, 1) {
            var s = solveCount(k)
            if s.baseline + s.objective + tol >= goal {
                s.target = .reached(provenFewest: provenBelow)
                s.shortfall = nil
                return s
            }
            if s.baseline + s.upperBound + tol >= goal { provenBelow = false }
            let fewer = s.sites.count < k
            last = s
            if fewer { break }
            k += 1
        }
        var s = last ?? solveCount(K)
        let best = 100 * (s.baseline + s.objective) / max(prep.total, 1e-300)
        var reason = "the best plan found reaches \(fmt(best))% of demand"
        if let why = s.shortfall { reason += "; " + why }
        let beyond = prep.unreachableWeight()
        if beyond > 0 { reason += "; demand of weight \(fmt(beyond)) is within reach of no station and no candidate" }
        if capacitated { reason += "; seats limit what can be served" }
        s.target = .unreachable(candidateCount: K, bestPercent: best, reason: reason)
        return s
    }
}
