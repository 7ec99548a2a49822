/// Lagrangian probing at the root (`CoverageSolver.probe`).
extension CoverageSolver {
    /// A chain of probes: the sites it may probe in the current round, in order, and the
    /// multipliers its last probe ended with (each probe starts from them).
    struct ProbeChain {
        var sites: ArraySlice<ColumnIndex>
        var lambda: [Double]
    }

    /// Lagrangian probing at the root: each free site not settled yet (nor in the incumbent) is
    /// fixed in and that node relaxed, as a branch-and-bound node would be (the smoothed dual,
    /// paced, μ from `probingShare` of the mean column value, curvature guess `probingCurvature`);
    /// when its bound cannot beat the target, no better answer uses the site, which is fixed out.
    /// Each site fixed out tightens the probes after it.
    ///
    /// Order: one path through the sites, from the one whose bound with it in, at the root's
    /// multipliers, is lowest (the lowest column value), each next one the unprobed site sharing
    /// the most groups with the last (ties: lower index). It depends only on the sites, never on
    /// the probes' results. Each probe starts from the multipliers the previous probe of its chain
    /// ended with (a neighbour's node is close to this one's, the root's is not).
    ///
    /// Chains (`probingChains`): one, along the path; or two, in rounds: in each round the first
    /// chain takes the sites left from the front of the path, the second from the back (each up to
    /// the middle of what is left), and both probe until each has spent `probingSyncPasses` passes
    /// over the model's links (or half the allowance left), each against the sites fixed out
    /// before the round plus its own fixings of the round; at the end of the round the chains'
    /// fixings (the first's, then the second's), incumbents and effort are merged. The two chains
    /// of a round share nothing else, so two threads run them at once (`Budget.threads`) and one
    /// runs them in turn with the same fixings, answers, bounds, nodes and passes. The proof
    /// survives the split: list the sites fixed out round by round, the first chain's before the
    /// second's, each chain's in its order. Every site was fixed out by a bound (L at some
    /// multipliers of that node: a true bound) on the node with it in and a subset of the sites
    /// listed before it out. If an answer better than the target existed, take the first listed
    /// site it uses: it leaves every site listed before out, so it lies in that site's probed node,
    /// whose bound says it cannot beat the target. So no better answer uses a site fixed out. (With
    /// one chain, the list is the order of the probes.)
    ///
    /// Probing stops when it has spent as much work as the tree may (`EffortLimit.work`, checked
    /// before every probe of one chain; with two, at the start of each round and, within a round,
    /// by each chain against its share), or at the deadline; under a pass cap
    /// (`EffortLimit.passes`), also when the passes left are spent (a probe stops at that pass).
    mutating func probe(sub: Subproblem, relaxation r: Relaxation, fixedIn newIn: [ColumnIndex],
                        fixedOut newOut: inout [ColumnIndex]) {
        let order = probingOrder(sub: sub, relaxation: r, fixedIn: newIn, fixedOut: newOut)
        if order.isEmpty { return }
        let saved = budget
        budget.tuning.smoothing.resumeShare = tuning.probingShare
        budget.tuning.smoothing.startCurvature = tuning.probingCurvature
        defer { budget = saved }
        // Its allowance, within the passes left under a pass cap (each probe's pass is one over
        // this model's links).
        let capped = passesLeft.multipliedReportingOverflow(by: max(1, model.byCandidate.edgeCount))
        let allowance = min(budget.limits.work, capped.overflow ? .max : capped.partialValue)
        let startWork = work
        var first = ProbeChain(sites: [], lambda: r.lambda)
        if tuning.probingChains < 2 {
            first.sites = order[...]
            // One chain leaves the second thread idle: its passes' loops take it (SmoothedDual.swift).
            let split = passSplit()
            defer { split?.workers.stop() }
            newOut += probeRound(&first, fixedIn: newIn, fixedOut: newOut, work: allowance, split: split)
            return
        }
        var second = ProbeChain(sites: [], lambda: r.lambda)
        let roundWork = max(1, tuning.probingSyncPasses) * max(1, model.byCandidate.edgeCount)
        // The sites not probed yet: order[lo..<hi].
        var lo = 0, hi = order.count
        while lo < hi {
            let spent = work - startWork
            if budget.limits.pastDeadline || spent >= allowance { return }
            var limit = min(roundWork, max(1, (allowance - spent) / 2))
            let mid = lo + (hi - lo + 1) / 2
            first.sites = order[lo..<mid]
            second.sites = ArraySlice(order[mid..<hi].reversed())
            let before = newOut
            var a = self, b = self
            if budget.limits.passes != .max {
                // Under a pass cap each chain has half the passes left: its relaxations stop there,
                // and it starts no probe once they are spent.
                let share = passesLeft / 2
                if share < 1 { return }
                a.budget.limits.passes = lagrangeIterations + share
                b.budget.limits.passes = a.budget.limits.passes
                limit = min(limit, share * max(1, model.byCandidate.edgeCount))
            }
            let (outA, outB) = bothOf(threads: budget.threads,
                                      { a.probeRound(&first, fixedIn: newIn, fixedOut: before, work: limit) },
                                      { b.probeRound(&second, fixedIn: newIn, fixedOut: before, work: limit) })
            lo = mid - first.sites.count
            hi = mid + second.sites.count
            // Both copies started from this solver's work and passes: each adds what it spent.
            work = a.work + (b.work - work)
            lagrangeIterations = a.lagrangeIterations + (b.lagrangeIterations - lagrangeIterations)
            incumbent.offer(a.incumbent.sites, value: a.incumbent.value)
            incumbent.offer(b.incumbent.sites, value: b.incumbent.value)
            for (set, v) in a.newValues { newValues[set] = v }
            for (set, v) in b.newValues { newValues[set] = v }
            newOut += outA + outB
        }
    }

    /// The sites to probe, in the order of the path described at `probe`.
    private func probingOrder(sub: Subproblem, relaxation r: Relaxation, fixedIn: [ColumnIndex],
                              fixedOut: [ColumnIndex]) -> [ColumnIndex] {
        var skip = [Bool](repeating: true, count: model.candidateCount)
        for j in sub.free { skip[j] = false }
        for j in fixedIn { skip[j] = true }
        for j in fixedOut { skip[j] = true }
        for j in incumbent.sites { skip[j] = true }
        var left = sub.free.filter { !skip[$0] }.sorted()
        // The lowest bound with the site in at the root's multipliers: the lowest column value.
        guard var current = left.min(by: { (r.c[$0], $0) < (r.c[$1], $1) }) else { return [] }
        var order: [ColumnIndex] = []
        order.reserveCapacity(left.count)
        var shared = [Int](repeating: 0, count: model.candidateCount)
        while true {
            order.append(current)
            left.removeAll { $0 == current }
            if left.isEmpty { return order }
            // The next: the unprobed site sharing the most groups with this one (ties: lower
            // index, `left` being in increasing order).
            for g in model.byCandidate.row(current) { for k in model.byGroup.row(Int(g)) { shared[Int(k)] += 1 } }
            var next = left[0]
            for k in left where shared[k] > shared[next] { next = k }
            // Cleared in one sweep over the sites rather than along the links again.
            for k in shared.indices { shared[k] = 0 }
            current = next
        }
    }

    /// Probes a chain's sites in order against `fixedOut` and its own fixings, until it has spent
    /// `work` or reaches the deadline; returns the sites it fixed out, in order, and leaves in
    /// `chain.sites` those it did not get to.
    private mutating func probeRound(_ chain: inout ProbeChain, fixedIn: [ColumnIndex], fixedOut: [ColumnIndex],
                                     work limit: Int, split: PassSplit? = nil) -> [ColumnIndex] {
        let start = work
        var fixed: [ColumnIndex] = []
        while let current = chain.sites.first {
            if work - start >= limit || budget.limits.pastDeadline { break }
            chain.sites = chain.sites.dropFirst()
            let node = Node(fixedIn: fixedIn + [current], fixedOut: fixedOut + fixed, lambda: chain.lambda, bound: .infinity,
                            theta: tuning.childThetaFloor)
            let s = Subproblem(node, model: model, p: p)
            guard s.q > 0 && s.free.count > s.q else { continue }
            let rr = smoothRelax(covered: s.covered, base: s.base, free: s.free, fixedIn: node.fixedIn, q: s.q,
                                 lambda: chain.lambda, evaluations: budget.nodeIterations, polish: false, resumed: true, paced: true,
                                 split: split)
            chain.lambda = rr.lambda
            if optimality.cannotImprove(rr.ub, over: target) { fixed.append(current) }
        }
        return fixed
    }
}
