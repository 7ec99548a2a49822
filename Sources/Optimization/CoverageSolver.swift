/// Exact-when-it-can maximal covering over a reduced `CoverageModel`, split by algorithm the way
/// OR-tools' set_cover splits model, invariant, heuristics and Lagrangian:
/// - this file: the driver — heuristic start, then a depth-first branch and bound on the
///   Lagrangian bound with reduced-cost fixing, within an `EffortLimit`;
/// - `SwapSearch.swift`: the swap state, swap local search and tabu search;
/// - `LagrangianBound.swift`: the relaxation and its subgradient steps; `SmoothedDual.swift`: the
///   smoothed dual (an accelerated gradient on an entropy-smoothed copy of it) at the root and nodes;
/// - `Probing.swift`: Lagrangian probing at the root (each free site fixed in, relaxed as a node,
///   fixed out on a proof);
/// - `CoreSearch.swift`: iterated tabu search (at the root, before fixing), and the core rebuilt as a
///   smaller problem;
/// - `Decomposition.swift`: at the root, where the tree would start, the open sites by components
///   that share no uncovered demand, each solved alone per count, allotted by a knapsack (a proof);
///   `SupportSearch.swift`: after a tree stopped unproven, the root relaxation's sites by areas;
/// - `SearchControl.swift`: incumbent, optimality test, effort limit, progress (shared with the
///   capacitated solver), the two-thread helpers; `SolverTuning.swift`: the tuning numbers.
///
/// On two threads (`Budget.threads`) the root's relaxation runs beside its searches from the
/// heuristic start (`rootSearches`), and a worker thread evaluates the branch and bound's next
/// chain ahead of its turn (`Entry`); probing's two chains (when `probingChains` is 2) and the
/// support search's two halves of solves run at once. All are defined so that the answer, bound,
/// nodes and iterations are those of one thread, whatever the timing.
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
        /// Threads the search may use: 1, or 2 to run the independent halves of the root's searches
        /// and two chains of the branch and bound at a time. The answer (sites, bound, nodes,
        /// iterations) is the same for any number.
        var threads = 1
        /// Whether the root may hand the search over to a rebuilt core.
        var coreHandoff = true
        /// Whether the root may hand over to a core when it was the last node the node limit
        /// allows, the core's root then counting one node past the limit. Off for every tree (the
        /// limit holds); the capacitated solver's covering bound sets it: it runs the root alone
        /// (a node limit of one, no tree) for its bound, which the core's root tightens.
        var coreAtLastNode = false
        /// Whether the root's relaxations stop, as a node's do, when the bound's recent descent
        /// could not reach the target in the iterations left. True in a core: its root starts
        /// from the multipliers the full model's root already brought close to the LP optimum, so
        /// a full `rootIterations` run there gains little bound (2 units of 9,470 on R1 for 2,000
        /// iterations) that the core's nodes would not gain faster.
        var rootStopsAtPace = false
        /// Whether a search stopped unproven at its limits may run the support search
        /// (SupportSearch.swift; off in the support search itself).
        var supportSearch = true
        /// Whether the root may solve the problem by components that share no demand
        /// (Decomposition.swift; off in its own solves).
        var decomposition = true
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
    var budget: Budget
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
    /// Relaxation passes left under the pass cap (`EffortLimit.passes`; `.max` without one).
    var passesLeft: Int { budget.limits.passesLeft(after: lagrangeIterations) }
    /// Site sets of the root's relaxations already evaluated.
    var tried = Set<[Int]>()
    /// Values of site sets the chains computed (read-only while chains run) ...
    var knownValues: [[ColumnIndex]: Double] = [:]
    /// ... and those a chain computes, merged into `knownValues` when it counts.
    var newValues: [[ColumnIndex]: Double] = [:]
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
        var stack = [Entry(node: Node(fixedIn: [], fixedOut: [], lambda: warm ? startLambda! : rootMultipliers(), bound: .infinity,
                                      theta: warm ? tuning.resumeTheta : tuning.rootTheta))]
        var nodes = 0
        var stopped = false
        var openBound = -Double.infinity   // best bound among nodes left unexplored when stopping
        var rootBound = Double.infinity
        var rootRelaxation: (sub: Subproblem, lambda: [Double], theta: Double)? = nil
        var rootShare: [Double] = []   // the root relaxation's shares, for the support search
        var nextProgress = tuning.progressEveryNodes
        // Evaluates the node below ahead of its turn on a second thread (see `Entry`).
        let worker = budget.threads >= 2 ? ChainWorker() : nil
        defer { worker?.stop() }
        while let entry = stack.popLast() {
            let node = entry.node
            if optimality.cannotImprove(node.bound, over: target) {
                if let job = entry.pending?.job { worker?.cancel(job) }
                continue
            }
            if budget.limits.reached(nodes: nodes, work: work - rootWork, passes: lagrangeIterations) {
                worker?.stop()
                stopped = true
                openBound = stack.largestOpenBound(with: entry, over: openBound)
                break
            }
            if node.fixedIn.isEmpty && node.fixedOut.isEmpty {
                // The root (the only node with nothing fixed: every other one fixes a site).
                nodes += 1
                let sub = Subproblem(node, model: model, p: p)
                if offerIfOneAnswer(node, sub) { continue }
                var (r, afterRelaxation) = model.byCandidate.edgeCount >= tuning.splitMinimumLinks
                    ? rootSearches(sub, node: node, nodes: nodes, warm: warm)
                    : rootSearchesInTurn(sub, node: node, nodes: nodes, warm: warm)
                // A better incumbent steers the subgradient steps better: the relaxation is resumed
                // with it, here on the full model only when no core takes the search over (a core
                // resumes it from these multipliers on its smaller model, at a fraction of the cost).
                let resume = incumbent.value > afterRelaxation && !budget.limits.pastDeadline && passesLeft > 0
                rootBound = r.ub
                rootWork = work
                rootRelaxation = (sub, r.lambda, r.theta)
                rootShare = r.share
                var ub = min(r.ub, node.bound)
                if optimality.cannotImprove(ub, over: target) { continue }
                var (newIn, newOut) = fixByReducedCost(r, sub: sub, node: node)
                if newIn.count > p { continue }  // every improving choice would need more than p sites
                progress("root fixing: \(newIn.count - node.fixedIn.count) in, \(newOut.count - node.fixedOut.count) out of \(sub.free.count) free",
                         incumbent: incumbent.value, bound: optimality.reportable(ub), nodes: nodes)
                if let out = handOverToCore(sub, fixedIn: newIn, fixedOut: newOut, relaxation: r, bound: ub, nodes: nodes) {
                    return out
                }
                if resume {
                    // After the smoothed dual (whose steps do not aim at the incumbent), a short
                    // continuation of it instead (its passes on both threads: the other is idle).
                    let again: Relaxation
                    if r.smoothed {
                        let split = passSplit()
                        again = smoothRelax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: node.fixedIn, q: sub.q,
                                            lambda: r.lambda, evaluations: tuning.smoothing.resumeEvaluations, polish: true,
                                            resumed: true, split: split)
                        split?.workers.stop()
                    } else {
                        again = relax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: node.fixedIn, q: sub.q,
                                      lambda: r.lambda, theta: tuning.resumeTheta, iterations: budget.rootIterations, polish: true,
                                      paced: budget.rootStopsAtPace)
                    }
                    if again.ub < r.ub { r = again }
                    rootBound = r.ub
                    rootWork = work
                    rootRelaxation = (sub, r.lambda, r.theta)
                    rootShare = r.share
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
                let unsettled = sub.free.count - (newOut.count - node.fixedOut.count) - (newIn.count - node.fixedIn.count)
                if tuning.probing && unsettled >= tuning.probingMinimumFree && budget.limits.nodes > 1 && budget.nodeIterations > 0
                    && passesLeft > 0 {
                    // Lagrangian probing (Probing.swift; not counted by the tree's work limit: it has
                    // an allowance of the same size), then the core again when it settled enough
                    // sites. Not for a search without a tree (the capacitated solver's covering
                    // bound: one node).
                    let before = newOut.count
                    probe(sub: sub, relaxation: r, fixedIn: newIn, fixedOut: &newOut)
                    rootWork = work
                    progress("probing: \(newOut.count - before) more out of \(sub.free.count) free", incumbent: incumbent.value,
                             bound: optimality.reportable(ub), nodes: nodes)
                    if let out = handOverToCore(sub, fixedIn: newIn, fixedOut: newOut, relaxation: r, bound: ub, nodes: nodes) {
                        return out
                    }
                }
                if let out = solveByComponents(sub: sub, fixedIn: newIn, fixedOut: newOut, lambda: r.lambda, bound: ub, nodes: nodes) {
                    return out
                }
                pushNext(of: node, relaxation: r, sub: sub, bound: ub, fixedIn: newIn, fixedOut: newOut, onto: &stack)
                continue
            }
            // Any other node: its chain (relaxation, fixing, relaxation again while fixing settles
            // more sites), paired with the node below when that one is fresh (see `Entry`).
            var chain: Chain
            if let pending = entry.pending {
                if let job = pending.job, let worker {
                    chain = worker.result(of: job)
                } else {
                    chain = evaluateChain(node, from: pending.snapshot)
                }
                // The chain counted the node and work limits from its snapshot's effort; the chains
                // evaluated since count too. Where they could have stopped it sooner (monotone
                // limits: its last check, with all its work, is the binding one), it runs again
                // from the same snapshot's incumbent with the effort spent by now: a prefix of the
                // same chain, ending open where the limit falls. The pass cap stops a relaxation
                // at any pass: the chain runs again when the passes spent by now and the chain's
                // reach it. Both thread counts decide this from the same figures, so they stay
                // identical, and `nodes` never passes the limit, nor the passes their cap.
                let older = pending.snapshot.iterations != lagrangeIterations
                if (chain.nodes > 1 && budget.limits.reached(nodes: nodes + chain.nodes - 1, work: work + chain.work - rootWork))
                    || (older && passesLeft <= chain.iterations) {
                    chain = evaluateChain(node, from: Snapshot(incumbent: pending.snapshot.incumbent, nodes: nodes, work: work,
                                                               iterations: lagrangeIterations))
                }
            } else {
                let now = Snapshot(incumbent: incumbent, nodes: nodes, work: work, iterations: lagrangeIterations)
                if let below = stack.last, below.pending == nil, !below.isRoot,
                   !optimality.cannotImprove(below.node.bound, over: target), nodes + 1 < budget.limits.nodes {
                    var job: ChainWorker.Job? = nil
                    if let worker {
                        // The worker's copy leaves the value cache behind: the search's own copy
                        // grows while the worker reads (a cache never changes an answer).
                        var me = self
                        me.knownValues = [:]
                        me.tried = []
                        let partner = below.node, solver = me
                        job = worker.submit { solver.evaluateChain(partner, from: now) }
                    }
                    stack[stack.count - 1].pending = Pending(snapshot: now, job: job)
                }
                chain = evaluateChain(node, from: now)
            }
            nodes += chain.nodes
            work += chain.work
            lagrangeIterations += chain.iterations
            incumbent.offer(chain.incumbent.sites, value: chain.incumbent.value)
            for (set, v) in chain.values { knownValues[set] = v }
            switch chain.end {
            case .closed:
                continue
            case let .open(rest):
                // Stopped by the limits inside the chain: back on the stack, where the limit check
                // above ends the search with it open.
                stack.append(Entry(node: rest))
            case let .branch(at, sub, r, ub):
                // Fixed again against the incumbent as it is now (the chain's may be older).
                if optimality.cannotImprove(ub, over: target) { continue }
                let (newIn, newOut) = fixByReducedCost(r, sub: sub, node: at)
                if newIn.count > p { continue }
                if pushNext(of: at, relaxation: r, sub: sub, bound: ub, fixedIn: newIn, fixedOut: newOut, onto: &stack),
                   nodes >= nextProgress {
                    nextProgress = nodes + tuning.progressEveryNodes
                    progress("branch and bound", incumbent: incumbent.value,
                             bound: optimality.reportable(max(incumbent.value, rootBound)), nodes: nodes)
                }
            }
        }
        let pastDeadline = budget.limits.deadline.map { ContinuousClock.now >= $0 } ?? false
        if stopped && budget.rootStopsAtPace && !pastDeadline && passesLeft > 0, let root = rootRelaxation,
           !optimality.cannotImprove(min(openBound, rootBound), over: target) {
            // The root stopped at a node's pace (in a core) and the search at the node or work
            // limit, unproven: the root relaxation runs its full course after all, from where it
            // stopped, so the bound reported is as tight as a full root makes it (this effort is
            // past the limit; never past a deadline or the pass cap).
            let full = relax(covered: root.sub.covered, base: root.sub.base, free: root.sub.free, fixedIn: [], q: root.sub.q,
                             lambda: root.lambda, theta: root.theta, iterations: budget.rootIterations, polish: true)
            rootBound = min(rootBound, full.ub)
            progress("lagrangian after the limit", incumbent: incumbent.value, bound: optimality.reportable(max(incumbent.value, rootBound)),
                     nodes: nodes)
        }
        if stopped, let root = rootRelaxation {
            // Unproven at the limit: a search over the root's support, area by area
            // (SupportSearch.swift), whose answer is only an incumbent; the bound stays the tree's.
            let spent = searchSupport(free: root.sub.free, share: rootShare, lambda: root.lambda, bound: min(openBound, rootBound),
                                      nodesLeft: budget.limits.nodes - nodes)
            nodes += spent.nodes
            lagrangeIterations += spent.iterations
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
    /// incumbent's) rebuilt as a smaller problem. Nil when the search stays on this model, and
    /// when the root was the last node the node limit allows (the core's root would be one more;
    /// unless `Budget.coreAtLastNode`).
    private mutating func handOverToCore(_ sub: Subproblem, fixedIn: [ColumnIndex], fixedOut: [ColumnIndex],
                                         relaxation r: Relaxation, bound ub: Double, nodes: Int) -> Outcome? {
        guard budget.coreHandoff, !budget.limits.pastDeadline, passesLeft > 0, nodes < budget.limits.nodes || budget.coreAtLastNode,
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
        var start = lazyGreedy(start: [], count: p, allowed: everything)
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

    /// The root's relaxation and heuristic searches, in two halves that share nothing but the
    /// heuristic start, so that they can run at the same time (`Budget.threads`) and give the same
    /// answer either way: (a) the relaxation, then tabu searches from its sites and from the sites
    /// most often in its solution; (b) a tabu search from the heuristic start, then the iterated
    /// tabu search (kicks) over every site. (b) is merged after (a), and only when (a)'s bound does
    /// not already prove the incumbent optimal (on one thread it is then not run at all). Returns
    /// the relaxation and the incumbent's value when it ended: the caller resumes the relaxation
    /// when the searches found better.
    private mutating func rootSearches(_ sub: Subproblem, node: Node, nodes: Int, warm: Bool) -> (Relaxation, Double) {
        let start = incumbent
        let steps = tuning.tabuSteps, stall = tuning.tabuSteps / tuning.tabuStallDivisor
        func relaxationSide(_ s: inout CoverageSolver) -> (Relaxation, Double, Bool) {
            let r = s.rootRelaxation(sub, node: node, warm: warm)
            let afterRelaxation = s.incumbent.value
            if s.optimality.cannotImprove(r.ub, over: s.target) {
                unneeded.set()
                return (r, afterRelaxation, true)
            }
            s.tabuSearches(from: r, sub: sub, node: node)
            return (r, afterRelaxation, false)
        }
        // Set when (a)'s bound proves the incumbent optimal: (b)'s answer is then not used, so it
        // may stop early (on two threads; on one it does not start).
        let unneeded = Flag()
        func searchSide(_ s: inout CoverageSolver) {
            let (t1, v1) = s.tabuSearch(from: s.incumbent.sites, steps: steps, stallLimit: stall, cancel: unneeded)
            s.incumbent.offer(t1, value: v1)
            if budget.kicks > 0 {
                s.iteratedTabu(allowed: [Bool](repeating: true, count: model.candidateCount), rounds: budget.kicks, cancel: unneeded)
            }
        }
        var a = self
        var b = self
        b.incumbent = start
        b.tried = []
        let r: Relaxation, afterRelaxation: Double, proven: Bool
        if budget.threads >= 2 {
            ((r, afterRelaxation, proven), _) = bothOf(threads: 2, { relaxationSide(&a) }, { searchSide(&b) })
        } else {
            (r, afterRelaxation, proven) = relaxationSide(&a)
            if !proven { searchSide(&b) }
        }
        self = a
        progress("lagrangian", incumbent: incumbent.value, bound: optimality.reportable(r.ub), nodes: nodes)
        if !proven {
            incumbent.offer(b.incumbent.sites, value: b.incumbent.value)
            progress("tabu search", incumbent: incumbent.value, bound: optimality.reportable(r.ub), nodes: nodes)
        }
        return (r, afterRelaxation)
    }

    /// The root's first relaxation: the full model's first one starts far from the LP optimum, and
    /// the smoothed dual gets there in fewer passes (SmoothedDual.swift); a core's root (started
    /// from its parent's multipliers, `warm`) keeps the (paced) subgradient steps.
    private mutating func rootRelaxation(_ sub: Subproblem, node: Node, warm: Bool) -> Relaxation {
        warm
            ? relax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: node.fixedIn, q: sub.q,
                    lambda: node.lambda, theta: node.theta, iterations: budget.rootIterations, polish: true,
                    paced: budget.rootStopsAtPace)
            : rootRelax(covered: sub.covered, base: sub.base, free: sub.free, q: sub.q, lambda: node.lambda, theta: node.theta,
                        iterations: budget.rootIterations)
    }

    /// The root's relaxation and heuristic searches one after the other, each search from the best
    /// answer so far (for small models, where `rootSearches`' split would not pay): the relaxation,
    /// tabu searches from the incumbent, from the relaxation's sites and from the sites most often in
    /// its solution, then the iterated tabu search (kicks) over every site, all skipped when the
    /// relaxation's bound proves the incumbent optimal.
    private mutating func rootSearchesInTurn(_ sub: Subproblem, node: Node, nodes: Int, warm: Bool) -> (Relaxation, Double) {
        let r = rootRelaxation(sub, node: node, warm: warm)
        let afterRelaxation = incumbent.value
        progress("lagrangian", incumbent: incumbent.value, bound: optimality.reportable(r.ub), nodes: nodes)
        if optimality.cannotImprove(r.ub, over: target) { return (r, afterRelaxation) }
        let steps = tuning.tabuSteps, stall = tuning.tabuSteps / tuning.tabuStallDivisor
        let (t1, v1) = tabuSearch(from: incumbent.sites, steps: steps, stallLimit: stall)
        incumbent.offer(t1, value: v1)
        tabuSearches(from: r, sub: sub, node: node)
        progress("tabu search", incumbent: incumbent.value, bound: optimality.reportable(r.ub), nodes: nodes)
        if budget.kicks > 0 && !optimality.cannotImprove(r.ub, over: target) {
            iteratedTabu(allowed: [Bool](repeating: true, count: model.candidateCount), rounds: budget.kicks)
            progress("iterated tabu search", incumbent: incumbent.value, bound: optimality.reportable(r.ub), nodes: nodes)
        }
        return (r, afterRelaxation)
    }

    /// Whether the node is one answer, no choice left (p sites fixed, or no more free sites than
    /// sites left); then that answer is offered: its fixed sites, with every free one when they do
    /// not outnumber the sites left (none when p are fixed already).
    private mutating func offerIfOneAnswer(_ node: Node, _ sub: Subproblem) -> Bool {
        guard sub.q <= 0 || sub.free.count <= sub.q else { return false }
        if sub.q >= 0 {
            let set = node.fixedIn + (sub.q > 0 ? sub.free : [])
            incumbent.offer(set, value: model.value(set))
        }
        return true
    }

    /// Tabu searches from a root relaxation's sites, and from the sites most often in its solution
    /// lately (the averaged relaxation, an estimate of the LP's x) completed by the fixed ones when
    /// they differ; each answer offered to the incumbent.
    private mutating func tabuSearches(from r: Relaxation, sub: Subproblem, node: Node) {
        let steps = tuning.tabuSteps, stall = tuning.tabuSteps / tuning.tabuStallDivisor
        let (t2, v2) = tabuSearch(from: r.top, steps: steps, stallLimit: stall)
        incumbent.offer(t2, value: v2)
        guard !r.share.isEmpty else { return }
        let (byShare, _) = Self.top(sub.q, of: sub.free, values: r.share)
        let start = node.fixedIn + byShare
        if start.count == p && Set(start) != Set(r.top + node.fixedIn) {
            let (t3, v3) = tabuSearch(from: start, steps: steps, stallLimit: stall)
            incumbent.offer(t3, value: v3)
        }
    }

    /// Pushes what follows a node after reduced-cost fixing (`newIn`, `newOut`): when fixing
    /// settled more sites, the node with them (relaxed again from these multipliers); else its two
    /// children, branching on the most fractional site of the relaxation's averaged solution (the
    /// one whose both children move the bound most), ties the strongest; with it on top (explored
    /// first), then without it. Returns whether it branched.
    @discardableResult
    private func pushNext(of node: Node, relaxation r: Relaxation, sub: Subproblem, bound ub: Double,
                          fixedIn newIn: [ColumnIndex], fixedOut newOut: [ColumnIndex], onto stack: inout [Entry]) -> Bool {
        let theta = max(r.theta, tuning.childThetaFloor)
        if newIn.count != node.fixedIn.count || newOut.count != node.fixedOut.count {
            stack.append(Entry(node: Node(fixedIn: newIn, fixedOut: newOut, lambda: r.lambda, bound: ub, theta: theta)))
            return false
        }
        let pick = branchingSite(r, free: sub.free, newIn: newIn, newOut: newOut)
        stack.append(Entry(node: Node(fixedIn: newIn, fixedOut: newOut + [pick], lambda: r.lambda, bound: ub, theta: theta)))
        stack.append(Entry(node: Node(fixedIn: newIn + [pick], fixedOut: newOut, lambda: r.lambda, bound: ub, theta: theta)))
        return true
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

/// The branch and bound's chains: a node's relaxation, reduced-cost fixing, and the relaxation
/// again while fixing settles more sites, until the node branches or is closed. When a node is
/// popped and the node below it on the stack is fresh (its sibling, usually), the second's chain
/// is fixed to start from the state the search has then (`Snapshot`), so that its answer is the
/// same whether a worker thread evaluates it at once, while the search goes on, or, on one
/// thread, the search does when it pops it (and not at all when the search no longer needs it).
/// Its effects (nodes, work, the incumbent it found) count when it is popped, never earlier,
/// whatever the number of threads.
extension CoverageSolver {
    /// What the search had when a chain started: the incumbent and the effort spent.
    struct Snapshot {
        var incumbent: Incumbent<ColumnIndex>
        var nodes: Int
        var work: Int
        var iterations: Int
    }

    /// A chain to evaluate from `snapshot`: handed to the worker thread (`job`), or evaluated when
    /// popped.
    struct Pending {
        var snapshot: Snapshot
        var job: ChainWorker.Job?
    }

    /// A node on the stack, with its chain's starting state when it was paired with the node above.
    struct Entry: BoundedNode {
        var node: Node
        var pending: Pending? = nil
        var bound: Double { node.bound }
        var isRoot: Bool { node.fixedIn.isEmpty && node.fixedOut.isEmpty }
    }

    /// A chain's outcome and effects.
    struct Chain {
        enum End {
            /// Nothing left to search below the node (a leaf, or its bound cannot beat the target).
            case closed
            /// Stopped by the effort limits before this node's relaxation.
            case open(Node)
            /// To branch (after fixing again against the incumbent of the time): the node, its
            /// subproblem and relaxation, its bound.
            case branch(Node, Subproblem, Relaxation, Double)
        }
        var end: End
        /// The chain's incumbent: the snapshot's, improved by what its relaxations offered.
        var incumbent: Incumbent<ColumnIndex>
        var nodes: Int
        var work: Int
        var iterations: Int
        /// Values of site sets it computed (a cache: never changes an answer).
        var values: [[ColumnIndex]: Double]
    }

    /// Runs the chain from `start` on a copy of the solver whose incumbent and effort are the
    /// snapshot's; the limits are checked against the snapshot's effort plus the chain's own.
    func evaluateChain(_ start: Node, from snapshot: Snapshot) -> Chain {
        var w = self
        w.incumbent = snapshot.incumbent
        w.work = snapshot.work
        w.lagrangeIterations = snapshot.iterations
        w.newValues = [:]
        var node = start
        var count = 0
        func done(_ end: Chain.End) -> Chain {
            Chain(end: end, incumbent: w.incumbent, nodes: count, work: w.work - snapshot.work,
                  iterations: w.lagrangeIterations - snapshot.iterations, values: w.newValues)
        }
        while true {
            if count > 0 && budget.limits.reached(nodes: snapshot.nodes + count, work: w.work - rootWork, passes: w.lagrangeIterations) {
                return done(.open(node))
            }
            count += 1
            let sub = Subproblem(node, model: model, p: p)
            if w.offerIfOneAnswer(node, sub) { return done(.closed) }
            let r = tuning.smoothing.atNodes
                ? w.smoothRelax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: node.fixedIn, q: sub.q,
                                lambda: node.lambda, evaluations: budget.nodeIterations, polish: false, resumed: true, paced: true)
                : w.relax(covered: sub.covered, base: sub.base, free: sub.free, fixedIn: node.fixedIn, q: sub.q,
                          lambda: node.lambda, theta: node.theta, iterations: budget.nodeIterations, polish: false)
            let ub = min(r.ub, node.bound)
            if optimality.cannotImprove(ub, over: w.target) { return done(.closed) }
            let (newIn, newOut) = w.fixByReducedCost(r, sub: sub, node: node)
            if newIn.count > p { return done(.closed) }  // every improving choice would need more than p sites
            if newIn.count != node.fixedIn.count || newOut.count != node.fixedOut.count {
                node = Node(fixedIn: newIn, fixedOut: newOut, lambda: r.lambda, bound: ub, theta: max(r.theta, tuning.childThetaFloor))
                continue
            }
            return done(.branch(node, sub, r, ub))
        }
    }

    /// Offers a relaxation's site set (sorted, fixed sites included). At the root (`polish`), each
    /// set once, the promising ones after a swap local search (at most `tuning.polishLimit`, counted
    /// in `polishes`); elsewhere every time (offering a set again changes nothing), its value
    /// looked up when a chain of the search computed it before.
    mutating func offerRelaxationSites(_ set: [ColumnIndex], polish: Bool, polishes: inout Int) {
        if polish {
            if tried.contains(set) { return }
            tried.insert(set)
            let v = model.value(set)
            if polishes < tuning.polishLimit && v >= incumbent.value * tuning.polishThreshold {
                polishes += 1
                var improved = set
                let w = localSearch(&improved, allowed: [Bool](repeating: true, count: model.candidateCount))
                incumbent.offer(improved, value: w)
            }
            incumbent.offer(set, value: v)
            return
        }
        if let v = knownValues[set] ?? newValues[set] {
            incumbent.offer(set, value: v)
            return
        }
        let v = model.value(set)
        newValues[set] = v
        incumbent.offer(set, value: v)
    }
}
