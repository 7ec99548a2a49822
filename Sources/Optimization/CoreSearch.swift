/// The iterated tabu search of the root (kicks), and, after root reduced-cost fixing, the branch and
/// bound handed over to the core: the free sites rebuilt as a smaller problem.
extension CoverageSolver {
    /// Solves the problem restricted to the `allowed` sites (every strictly better answer uses only
    /// them) as a new, smaller model, and takes its answer if better. Its bound covers the core;
    /// answers outside it cannot beat the incumbent. `lambda`, the root's best multipliers, starts
    /// the core's relaxation (summed over the groups the core merges); that relaxation stops at a
    /// node's pace (`Budget.rootStopsAtPace`), not after the full root's iterations. The core gets
    /// the nodes left under the node limit (one when none is left: only with
    /// `Budget.coreAtLastNode`, see `handOverToCore`), and the passes left under a pass cap.
    mutating func solveCore(allowed: [Bool], fixedIn: [ColumnIndex], nodesSoFar: Int, lambda: [Double]) -> Outcome {
        let isFixed = Set(fixedIn)
        let core = (0..<model.candidateCount).filter { allowed[$0] && !isFixed.contains($0) }
        var residual = model.weight
        for c in fixedIn {
            for g in model.byCandidate.row(c) { residual[Int(g)] = 0 }
        }
        let fixedValue = model.value(fixedIn)
        let lists = core.map { Array(model.byCandidate.row($0)) }
        let coreModel = CoverageModel(residual: residual, lists: lists)
        // A site of this model → its column in the core model (−1 when the reductions dropped it).
        var inCore = [ColumnIndex](repeating: -1, count: model.candidateCount)
        for (k, listIndex) in coreModel.sortedIndex.enumerated() { inCore[core[listIndex]] = k }
        let q = p - fixedIn.count
        let mapped = incumbent.sites.filter { !isFixed.contains($0) }.map { inCore[$0] }.filter { $0 >= 0 }
        progress("core: \(coreModel.groupCount) demand groups × \(coreModel.candidateCount) candidates, \(fixedIn.count) sites fixed",
                 incumbent: incumbent.value, bound: model.total, nodes: nodesSoFar)
        var coreBudget = budget
        coreBudget.limits.nodes = max(1, budget.limits.nodes - nodesSoFar)
        coreBudget.limits.work = max(1, budget.limits.work - (work - rootWork))
        coreBudget.limits.passes = passesLeft
        coreBudget.kicks = 0
        coreBudget.coreHandoff = false
        coreBudget.rootStopsAtPace = true
        var sub = CoverageSolver(model: coreModel, p: q, budget: coreBudget, progress: progress)
        sub.floor = target - fixedValue
        var start = [Double](repeating: 0, count: coreModel.groupCount)
        for (g, cg) in coreModel.groupOfNode.enumerated() where cg >= 0 && residual[g] > 0 { start[cg] += lambda[g] }
        for cg in start.indices { start[cg] = min(start[cg], coreModel.weight[cg]) }
        sub.startLambda = start
        var out = sub.solve(initial: mapped.count == q ? mapped : nil)
        let chosen = fixedIn + out.chosen.map { core[coreModel.sortedIndex[$0]] }
        incumbent.offer(chosen, value: model.value(chosen))
        out.bound += fixedValue
        return out
    }

    /// Kicks and searches again: removes a few sites of the best set (chosen by a fixed-seed
    /// generator, so runs repeat exactly), refills greedily among `allowed`, runs tabu search.
    /// Stops between kicks once `cancel` is set (by whoever will not use the answer).
    mutating func iteratedTabu(allowed: [Bool], rounds: Int, cancel: Flag? = nil) {
        guard p > 1, p < model.candidateCount else { return }
        var rng = tuning.kickSeed
        func next() -> UInt64 {
            rng &+= 0x9E37_79B9_7F4A_7C15
            var z = rng
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for round in 0..<rounds {
            if cancel?.isSet == true || budget.limits.pastDeadline { return }
            var set = incumbent.sites
            // An incumbent of fewer than p sites (the greedy found nothing more to cover: a search
            // stopped by a pass cap before its bound showed it optimal) has nothing to kick.
            if set.count < p { return }
            let removeCount = min(p - 1, tuning.kickRemoveBase + round % tuning.kickRemoveCycle)
            var removed: [ColumnIndex] = []
            for _ in 0..<removeCount {
                let k = Int(next() % UInt64(set.count))
                removed.append(set.remove(at: k))
            }
            var mask = allowed
            for j in removed { mask[j] = false }
            // Refill: a random allowed site first, then greedy.
            let pool = (0..<model.candidateCount).filter { mask[$0] && !set.contains($0) }
            if !pool.isEmpty { set.append(pool[Int(next() % UInt64(pool.count))]) }
            set = lazyGreedy(start: set, count: p, allowed: mask)
            let (t, v) = tabuSearch(from: set, steps: tuning.tabuSteps / tuning.kickStepDivisor,
                                    stallLimit: tuning.tabuSteps / tuning.kickStallDivisor, allowed: allowed, cancel: cancel)
            incumbent.offer(t, value: v)
        }
    }
}
