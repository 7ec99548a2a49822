/// Exact-when-it-can maximal covering over a reduced `CoverageModel`, split by algorithm the way
/// OR-tools' set_cover splits model, invariant, heuristics and Lagrangian:
/// - this file: the driver — heuristic start, then a depth-first branch and bound on the
///   Lagrangian bound with reduced-cost fixing, within an `EffortLimit`;
/// - `SwapSearch.swift`: the swap state, swap local search and tabu search;
/// - `LagrangianBound.swift`: the relaxation and its subgradient steps;
/// - `CoreSearch.swift`: iterated tabu search (at the root, before fixing), and the core rebuilt as a
///   smaller problem;
/// - `SearchControl.swift`: incumbent, optimality test, effort limit, progress (shared with the
///   capacitated solver); `SolverTuning.swift`: the tuning numbers.
struct CoverageSolver {
    struct Outcome {
        var chosen: [ColumnIndex]
        var value: Double
        var bound: Double          // proven: no p-subset exceeds it
        var proven: Bool
        var nodes: Int
        var lagrangeIterations: Int
        var stoppedByBudget: Bool
    }

    struct Budget {
        var limits: EffortLimit
        var rootIterations: Int
        var nodeIterations: Int
        /// Iterated-tabu kicks at the root (before reduced-cost fixing).
        var kicks: Int
        /// Whether the root may hand the search over to a rebuilt core.
        var coreHandoff = true
        /// Whether the root's relaxations stop, as a node's do, when the bound's recent descent
        /// could not reach the target in the iterations left. True in a core: its root starts
        /// from the multipliers the full model's root already brought close to the LP optimum, so
        /// a full `rootIterations` run there gains little bound (2 units of 9,470 on R1 for 2,000
        /// iterations) that the core's nodes would not gain faster.
        var rootStopsAtPace = false
        var tuning = SolverTuning.standard

        /// The full search with the standard tuning.
        init(limits: EffortLimit, tuning: SolverTuning = .standard) {
            self.limits = limits
            self.rootIterations = tuning.rootIterations
            self.nodeIterations = tuning.nodeIterations
            self.kicks = tuning.kicks
            self.tuning = tuning
        }
    }

    let model: CoverageModel
    let p: Int
    let budget: Budget
    let progress: ProgressReporter
    let optimality: OptimalityTest
    var tuning: SolverTuning { budget.tuning }

    /// The best answer so far (updated by every part of the search, see the extensions).
    var incumbent: Incumbent<ColumnIndex>
    /// A value known to be reachable by other means: the search only looks for better answers.
    var floor = -Double.infinity
    /// What a new answer must beat.
    var target: Double { max(incumbent.value, floor) }
    var lagrangeIterations = 0
    /// Links visited by the relaxations (a machine-independent measure of effort).
    var work = 0
    /// Links the root node's relaxations visited: the root always runs in full, so the work limit
    /// counts only what the branch and bound spends after it.
    var rootWork = 0
    /// Site sets of the relaxations already evaluated.
    var tried = Set<[Int]>()
    /// Multipliers to start the root relaxation from instead of `rootMultipliers()` (a core
    /// search starts from its parent's best, summed over merged groups), with the step scale
    /// `tuning.resumeTheta`. Any multipliers give a valid bound: this only saves iterations.
    var startLambda: [Double]? = nil

    init(model: CoverageModel, p: Int, budget: Budget, progress: ProgressReporter) {
        self.model = model
        self.p = p
        self.budget = budget
        self.progress = progress
        self.optimality = OptimalityTest(integral: model.integral, total: model.total)
        self.incumbent = Incumbent(value: -1, total: model.total)
    }

    /// Greedy by marginal gain (ties: lowest index), starting from `start`, among `allowed`.
    func greedy(start: [ColumnIndex], count: Int, allowed: [Bool]) -> [ColumnIndex] {
        let cols = model.byCandidate
        var set = start
        var covered = [Bool](repeating: false, count: model.groupCount)
        var chosen = [Bool](repeating: false, count: model.candidateCount)
        for c in start {
            chosen[c] = true
            for g in cols.row(c) { covered[Int(g)] = true }
        }
        while set.count < count {
            var bestC = -1
            var bestGain = 0.0
            for c in 0..<model.candidateCount where allowed[c] && !chosen[c] {
                var gain = 0.0
                for g in cols.row(c) where !covered[Int(g)] { gain += model.weight[Int(g)] }
                if gain > bestGain { bestGain = gain; bestC = c }
            }
            if bestC < 0 { break }
            chosen[bestC] = true
            set.append(bestC)
            for g in cols.row(bestC) { covered[Int(g)] = true }
        }
        return set
    }

    // MARK: Driver

    mutating func solve(initial: [ColumnIndex]? = nil) -> Outcome {
        let K = model.candidateCount
        if p <= 0 || K == 0 {
            return Outcome(chosen: [], value: 0, bound: 0, proven: true, nodes: 0, lagrangeIterations: 0, stoppedByBudget: false)
        }
        if K <= p {
            return Outcome(chosen: Array(0..<K), value: model.total, bound: model.total, proven: true, nodes: 0,
                           lagrangeIterations: 0, stoppedByBudget: false)
        }
        progress("reduced to \(model.groupCount) demand groups × \(K) candidates, \(model.byCandidate.edgeCount) links",
                 incumbent: 0, bound: model.total, nodes: 0)
        heuristicStart(initial: initial)
        progress("heuristic", incumbent: incumbent.value, bound: model.total, nodes: 0)

        let warm = startLambda.map { $0.count == model.groupCount } ?? false
        var stack = [Node(fixedIn: [], fixedOut: [], lambda: warm ? startLambda! : rootMultipliers(), bound: .infinity,
                          theta: warm ? tuning.resumeTheta : tuning.rootTheta)]
        var nodes = 0
        var stopped = false
        var openBound = -Double.infinity   // best bound among nodes left unexplored when stopping
        var rootBound = Double.infinity
        var rootRelaxation: (sub: Subproblem, lambda: [Double], theta: Double)? = nil
        while let node = stack.popLast() {
            if optimality.cannotImprove(node.bound, over: target) { continue }
            if budget.limits.reached(nodes: nodes, work: work - rootWork) {
                stopped = true
                openBound = stack.largestOpenBound(with: node, over: openBound)
                break
            }
            nodes += 1
            let sub = Subproblem(node, model: model, p: p)
            if sub.q <= 0 || sub.free.count <= sub.q {
                // The node is one answer: its fixed sites, with every free one when they do not
                // outnumber the sites left (none when p are fixed already).
                if sub.q >= 0 {
                    let set = node.fixedIn + (sub.q > 0 ? sub.free : [])
                    incumbent.offer(set, value: model.value(set))
                }
                continue
            }
            let isRoot = node.fixedIn.isEmpty && node.fixedOut.isEmpty
            // The full model's first root relaxation starts far from the LP optimum: the smoothed
            // dual gets there in fewer passes (SmoothedDual.swift), and at the nodes, warm-started,
            // it prunes sooner; a core's root keeps the (paced) subgradient steps.
            var r = isRoot && !warm
                ? rootRelax(covered: sub.covered, base: sub.base, free: sub.free, q: sub.q, lambda: node.lambda, theta: node.theta,
                            iterations: budget.rootIterations)
                : !isRoot && tuning.smoothing.atNodes
                ? smoothRelax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: node.fixedIn, q: sub.q,
                              lambda: node.lambda, evaluations: budget.nodeIterations, polish: false, resumed: true, paced: true)
                : relax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: node.fixedIn, q: sub.q,
                        lambda: node.lambda, theta: node.theta,
                        iterations: isRoot ? budget.rootIterations : budget.nodeIterations, polish: isRoot,
                        paced: isRoot && budget.rootStopsAtPace)
            var resume = false
            if isRoot {
                let beforeSearch = incumbent.value
                r = searchAtRoot(sub, node: node, relaxation: r, nodes: nodes)
                // A better incumbent steers the subgradient steps better: the relaxation is resumed
                // with it, here on the full model only when no core takes the search over (a core
                // resumes it from these multipliers on its smaller model, at a fraction of the cost).
                resume = incumbent.value > beforeSearch
                rootBound = r.ub
                rootWork = work
                rootRelaxation = (sub, r.lambda, r.theta)
            }
            var ub = min(r.ub, node.bound)
            if optimality.cannotImprove(ub, over: target) { continue }
            var (newIn, newOut) = fixByReducedCost(r, sub: sub, node: node)
            if newIn.count > p { continue }  // every improving choice would need more than p sites
            if isRoot {
                progress("root fixing: \(newIn.count - node.fixedIn.count) in, \(newOut.count - node.fixedOut.count) out of \(sub.free.count) free",
                         incumbent: incumbent.value, bound: optimality.reportable(ub), nodes: nodes)
                if let out = handOverToCore(sub, fixedIn: newIn, fixedOut: newOut, relaxation: r, bound: ub, nodes: nodes) {
                    return out
                }
                if resume {
                    // After the smoothed dual (whose steps do not aim at the incumbent), a short
                    // continuation of it instead.
                    let again = r.smoothed
                        ? smoothRelax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: node.fixedIn, q: sub.q,
                                      lambda: r.lambda, evaluations: tuning.smoothing.resumeEvaluations, polish: true, resumed: true)
                        : relax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: node.fixedIn, q: sub.q,
                                lambda: r.lambda, theta: tuning.resumeTheta, iterations: budget.rootIterations, polish: true,
                                paced: budget.rootStopsAtPace)
                    if again.ub < r.ub { r = again }
                    rootBound = r.ub
                    rootWork = work
                    rootRelaxation = (sub, r.lambda, r.theta)
                    ub = min(r.ub, node.bound)
                    progress("lagrangian", incumbent: incumbent.value, bound: optimality.reportable(ub), nodes: nodes)
                    if optimality.cannotImprove(ub, over: target) { continue }
                    (newIn, newOut) = fixByReducedCost(r, sub: sub, node: node)
                    if newIn.count > p { continue }
                    progress("root fixing again: \(newIn.count - node.fixedIn.count) in, \(newOut.count - node.fixedOut.count) out of \(sub.free.count) free",
                             incumbent: incumbent.value, bound: optimality.reportable(ub), nodes: nodes)
                    if let out = handOverToCore(sub, fixedIn: newIn, fixedOut: newOut, relaxation: r, bound: ub, nodes: nodes) {
                        return out
                    }
                }
            }
            let theta = max(r.theta, tuning.childThetaFloor)
            if newIn.count != node.fixedIn.count || newOut.count != node.fixedOut.count {
                stack.append(Node(fixedIn: newIn, fixedOut: newOut, lambda: r.lambda, bound: ub, theta: theta))
                continue
            }
            // Branch on the most fractional site of the relaxation's averaged solution (the one
            // whose both children move the bound most), ties the strongest: with it first, then
            // without it.
            let pick = branchingSite(r, free: sub.free, newIn: newIn, newOut: newOut)
            stack.append(Node(fixedIn: newIn, fixedOut: newOut + [pick], lambda: r.lambda, bound: ub, theta: theta))
            stack.append(Node(fixedIn: newIn + [pick], fixedOut: newOut, lambda: r.lambda, bound: ub, theta: theta))
            if nodes % tuning.progressEveryNodes == 0 {
                progress("branch and bound", incumbent: incumbent.value,
                         bound: optimality.reportable(max(incumbent.value, rootBound)), nodes: nodes)
            }
        }
        let pastDeadline = budget.limits.deadline.map { ContinuousClock.now >= $0 } ?? false
        if stopped && budget.rootStopsAtPace && !pastDeadline, let root = rootRelaxation,
           !optimality.cannotImprove(min(openBound, rootBound), over: target) {
            // The root stopped at a node's pace (in a core) and the search at the node or work
            // limit, unproven: the root relaxation runs its full course after all, from where it
            // stopped, so the bound reported is as tight as a full root makes it (this effort is
            // past the limit; never past a deadline).
            let full = relax(covered: root.sub.covered, base: root.sub.base, free: root.sub.free, fixedIn: [], q: root.sub.q,
                             lambda: root.lambda, theta: root.theta, iterations: budget.rootIterations, polish: true)
            rootBound = min(rootBound, full.ub)
            progress("lagrangian after the limit", incumbent: incumbent.value, bound: optimality.reportable(max(incumbent.value, rootBound)),
                     nodes: nodes)
        }
        let proven = !stopped || optimality.cannotImprove(min(openBound, rootBound), over: target)
        var bound = incumbent.value
        if stopped && !proven {
            bound = max(incumbent.value, min(optimality.reportable(openBound), optimality.reportable(rootBound)))
        }
        return Outcome(chosen: incumbent.sites, value: incumbent.value, bound: bound, proven: proven, nodes: nodes,
                       lagrangeIterations: lagrangeIterations, stoppedByBudget: stopped)
    }

    /// The free site to branch on: the most fractional share of the relaxation's solution
    /// (closest to ½, ties by larger column value, then lower index); the strongest relaxed site
    /// when every share is 0 or 1.
    private func branchingSite(_ r: Relaxation, free: [ColumnIndex], newIn: [ColumnIndex], newOut: [ColumnIndex]) -> ColumnIndex {
        if r.share.isEmpty { return r.top[0] }
        let decided = Set(newIn).union(newOut)
        var best = -1
        var bestScore = 0.0
        for j in free where !decided.contains(j) {
            let score = min(r.share[j], 1 - r.share[j])
            if best < 0 || score > bestScore + 1e-12 || (abs(score - bestScore) <= 1e-12 && r.c[j] > r.c[best]) {
                best = j
                bestScore = score
            }
        }
        return best >= 0 && bestScore > 1e-6 ? best : r.top[0]
    }

    /// When root fixing settled enough of the free sites (`tuning.coreFraction`), the branch and
    /// bound on the core alone: the sites fixed in, plus the free ones not fixed out (and the
    /// incumbent's) rebuilt as a smaller problem. Nil when the search stays on this model.
    private mutating func handOverToCore(_ sub: Subproblem, fixedIn: [ColumnIndex], fixedOut: [ColumnIndex],
                                         relaxation r: Relaxation, bound ub: Double, nodes: Int) -> Outcome? {
        guard budget.coreHandoff,
              Double(fixedOut.count + fixedIn.count) >= tuning.coreFraction * Double(sub.free.count) else { return nil }
        // Every strictly better choice uses only the sites left free: search among them.
        var allowed = [Bool](repeating: false, count: model.candidateCount)
        for j in sub.free { allowed[j] = true }
        for j in fixedOut { allowed[j] = false }
        for j in incumbent.sites { allowed[j] = true }
        let out = solveCore(allowed: allowed, fixedIn: fixedIn, nodesSoFar: nodes, lambda: r.lambda)
        let bound = out.proven ? incumbent.value : max(incumbent.value, min(optimality.reportable(ub), out.bound))
        return Outcome(chosen: incumbent.sites, value: incumbent.value, bound: bound, proven: out.proven,
                       nodes: nodes + out.nodes, lagrangeIterations: lagrangeIterations + out.lagrangeIterations,
                       stoppedByBudget: out.stoppedByBudget)
    }

    /// Greedy plus swap local search, and the caller's starting set (if any) polished the same way.
    private mutating func heuristicStart(initial: [ColumnIndex]?) {
        let everything = [Bool](repeating: true, count: model.candidateCount)
        var start = greedy(start: [], count: p, allowed: everything)
        let value = localSearch(&start, allowed: everything)
        incumbent.offer(start, value: value)
        if let initial, initial.count == p {
            var s = initial
            let v = localSearch(&s, allowed: everything)
            incumbent.offer(s, value: v)
        }
    }

    /// Root multipliers λ_g = r_g / (number of candidates covering g): each group's weight shared
    /// out among the sites that could cover it.
    private func rootMultipliers() -> [Double] {
        (0..<model.groupCount).map { model.weight[$0] / Double(max(1, model.byGroup.offsets[$0 + 1] - model.byGroup.offsets[$0])) }
    }

    /// A node's subproblem: groups its fixed-in sites cover, their weight, sites still to choose,
    /// and the free sites that would cover something new (the others add nothing in this subtree).
    struct Subproblem {
        var covered: [Bool]
        var base: Double
        var q: Int
        var free: [ColumnIndex]

        init(_ node: Node, model: CoverageModel, p: Int) {
            let cols = model.byCandidate
            var covered = [Bool](repeating: false, count: model.groupCount)
            var decided = [Bool](repeating: false, count: model.candidateCount)
            for j in node.fixedIn {
                decided[j] = true
                for g in cols.row(j) { covered[Int(g)] = true }
            }
            for j in node.fixedOut { decided[j] = true }
            var base = 0.0
            for g in 0..<model.groupCount where covered[g] { base += model.weight[g] }
            var free: [ColumnIndex] = []
            for j in 0..<model.candidateCount where !decided[j] && cols.row(j).contains(where: { !covered[Int($0)] }) {
                free.append(j)
            }
            self.covered = covered
            self.base = base
            self.q = p - node.fixedIn.count
            self.free = free
        }
    }

    /// At the root: tabu searches from the incumbent and from the relaxation's sites, then the
    /// iterated tabu search (kicks) over every site. The caller resumes the relaxation when they
    /// found better.
    private mutating func searchAtRoot(_ sub: Subproblem, node: Node, relaxation r: Relaxation, nodes: Int) -> Relaxation {
        progress("lagrangian", incumbent: incumbent.value, bound: optimality.reportable(r.ub), nodes: nodes)
        if optimality.cannotImprove(r.ub, over: target) { return r }
        let steps = tuning.tabuSteps, stall = tuning.tabuSteps / tuning.tabuStallDivisor
        let (t1, v1) = tabuSearch(from: incumbent.sites, steps: steps, stallLimit: stall)
        incumbent.offer(t1, value: v1)
        let (t2, v2) = tabuSearch(from: r.top, steps: steps, stallLimit: stall)
        incumbent.offer(t2, value: v2)
        if !r.share.isEmpty {
            // And from the sites most often in the relaxation's solution lately (the averaged
            // relaxation, an estimate of the LP's x), completed by the fixed ones.
            let (byShare, _) = Self.top(sub.q, of: sub.free, values: r.share)
            let start = node.fixedIn + byShare
            if start.count == p && Set(start) != Set(r.top + node.fixedIn) {
                let (t3, v3) = tabuSearch(from: start, steps: steps, stallLimit: stall)
                incumbent.offer(t3, value: v3)
            }
        }
        progress("tabu search", incumbent: incumbent.value, bound: optimality.reportable(r.ub), nodes: nodes)
        if budget.kicks > 0 && !optimality.cannotImprove(r.ub, over: target) {
            iteratedTabu(allowed: [Bool](repeating: true, count: model.candidateCount), rounds: budget.kicks)
            progress("iterated tabu search", incumbent: incumbent.value, bound: optimality.reportable(r.ub), nodes: nodes)
        }
        return r
    }

    /// Reduced-cost fixing with the relaxation's multipliers: a relaxed site whose removal, or a
    /// site outside whose inclusion, would bring the bound down to the target is fixed in, or out.
    private func fixByReducedCost(_ r: Relaxation, sub: Subproblem, node: Node) -> (fixedIn: [ColumnIndex], fixedOut: [ColumnIndex]) {
        let qth = r.c[r.top[sub.q - 1]]
        var newIn = node.fixedIn
        var newOut = node.fixedOut
        let inTop = Set(r.top)
        for j in sub.free {
            if inTop.contains(j) {
                if optimality.cannotImprove(r.ub - r.c[j] + r.next, over: target) { newIn.append(j) }
            } else if optimality.cannotImprove(r.ub - qth + r.c[j], over: target) {
                newOut.append(j)
            }
        }
        return (newIn, newOut)
    }
}
