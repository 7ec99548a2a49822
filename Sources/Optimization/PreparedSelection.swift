import Foundation

/// A validated site-selection problem with candidates in id order, and the solvers for each mode.
struct PreparedSelection {
    let weights: [Double]
    let total: Double
    let options: SiteSelectionOptions
    /// Candidate indices (into the problem) in id order.
    let order: [Int]
    let ids: [String]                 // in id order
    let lists: [[Int32]]              // covered demand, in id order, ascending, unique
    let seats: [Double]               // in id order
    /// Uncapacitated: weight existing stations already cover, per demand node.
    let covered: [Double]
    let existing: ExistingStations?

    init(_ problem: SiteSelectionProblem, options: SiteSelectionOptions) throws(OptimizationError) {
        let n = problem.weights.count
        var total = 0.0
        for w in problem.weights {
            guard w.isFinite, w >= 0 else { throw .invalidInput("demand weight \(w) is negative or not finite") }
            total += w
        }
        let order = problem.candidates.indices.sorted { problem.candidates[$0].id < problem.candidates[$1].id }
        var ids: [String] = []
        var lists: [[Int32]] = []
        var seats: [Double] = []
        for k in order {
            let c = problem.candidates[k]
            if let last = ids.last, last == c.id { throw .invalidInput("duplicate candidate id \(c.id)") }
            guard c.seats >= 0, !c.seats.isNaN else { throw .invalidInput("candidate \(c.id): seats \(c.seats)") }
            var list: [Int32] = []
            for i in c.covers {
                guard i >= 0, i < n else { throw .invalidInput("candidate \(c.id): demand index \(i) outside 0..<\(n)") }
                list.append(Int32(i))
            }
            list.sort()
            var unique: [Int32] = []
            for i in list where unique.last != i { unique.append(i) }
            ids.append(c.id)
            lists.append(unique)
            seats.append(c.seats)
        }
        if let e = problem.existing {
            guard e.reach.rowCount == n, e.capacities.count == e.reach.columnCount else {
                throw .invalidInput("existing stations: reach has \(e.reach.rowCount) rows and \(e.reach.columnCount) columns for \(n) demand nodes and \(e.capacities.count) capacities")
            }
            for c in e.capacities where c < 0 || c.isNaN { throw .invalidInput("existing capacity \(c)") }
        }
        let links = lists.reduce(problem.existing?.reach.edgeCount ?? 0) { $0 + $1.count }
        guard links < Int(Int32.max) else { throw .invalidInput("\(links) demand–station links: too many for 32-bit indices") }
        var covered = [Double](repeating: 0, count: n)
        if !problem.alreadyCovered.isEmpty {
            guard problem.alreadyCovered.count == n else {
                throw .invalidInput("\(problem.alreadyCovered.count) covered amounts for \(n) demand nodes")
            }
            for i in 0..<n {
                let a = problem.alreadyCovered[i]
                guard a.isFinite, a >= 0 else { throw .invalidInput("covered amount \(a) at demand \(i)") }
                covered[i] = min(a, problem.weights[i])
            }
        } else if let e = problem.existing {
            for i in 0..<n where e.reach.offsets[i + 1] > e.reach.offsets[i] { covered[i] = problem.weights[i] }
        }
        self.weights = problem.weights
        self.total = total
        self.options = options
        self.order = order
        self.ids = ids
        self.lists = lists
        self.seats = seats
        self.covered = covered
        self.existing = problem.existing
    }

    /// Every candidate site, in id order.
    var sites: [SiteIndex] { ids.indices.map(SiteIndex.init) }
    /// The demand a site covers (ascending), its seats.
    func covers(_ site: SiteIndex) -> [Int32] { lists[site.raw] }
    func seats(_ site: SiteIndex) -> Double { seats[site.raw] }

    /// The covering solver's budget: the caller's limits, the deadline counted from now.
    var budget: CoverageSolver.Budget {
        var budget = CoverageSolver.Budget(limits: EffortLimit(nodes: options.nodeLimit, work: options.workLimit,
                                                               deadline: EffortLimit.deadline(in: options.timeLimit)))
        budget.threads = max(1, min(options.threads, 2, ProcessInfo.processInfo.activeProcessorCount))
        return budget
    }

    /// Progress of one solve, its stages prefixed with `stage` (when not empty).
    func report(_ stage: String) -> ProgressReporter {
        ProgressReporter(prefix: stage, sink: options.progress)
    }

    func solve(p: Int) -> SiteSelection {
        options.capacitated ? solveCapacitated(p: p, stage: "") : solveUncapacitated(p: p, stage: "")
    }

    // MARK: Uncapacitated

    var residual: [Double] { zip(weights, covered).map { max(0, $0 - $1) } }

    func solveUncapacitated(p: Int, stage: String) -> SiteSelection {
        let residual = self.residual
        let model = CoverageModel(residual: residual, lists: lists)
        var solver = CoverageSolver(model: model, p: p, budget: budget, progress: report(stage))
        let out = solver.solve()
        let chosen = out.chosen.map { model.sortedIndex[$0] }
        let sites = rankUncapacitated(chosen, residual: residual)
        let objective = sites.reduce(0) { $0 + $1.gain }
        let bound = max(out.bound, objective)
        return SiteSelection(
            sites: sites, objective: objective, upperBound: out.proven ? objective : bound,
            provenOptimal: out.proven, baseline: covered.reduce(0, +), totalDemand: total, target: nil,
            nodes: out.nodes, iterations: out.lagrangeIterations)
    }

    /// Orders sites by marginal gain (ties: id) and drops those that add nothing.
    func rankUncapacitated(_ chosen: [Int], residual: [Double]) -> [ChosenSite] {
        var left = Set(chosen)
        var done = [Bool](repeating: false, count: weights.count)
        var sites: [ChosenSite] = []
        while !left.isEmpty {
            var best = -1
            var bestGain = -1.0
            for k in left.sorted() {
                var g = 0.0
                for i in lists[k] where !done[Int(i)] { g += residual[Int(i)] }
                if g > bestGain { bestGain = g; best = k }
            }
            left.remove(best)
            if bestGain <= 0 { continue }
            for i in lists[best] { done[Int(i)] = true }
            sites.append(ChosenSite(id: ids[best], candidateIndex: order[best], gain: bestGain, served: bestGain,
                                    suggestedSeats: seatCount(bestGain.rounded(.up))))
        }
        return sites
    }

    // MARK: Target

    func solveTarget(percent: Double) -> SiteSelection {
        let goal = percent / 100 * total
        let tol = 1e-9 * max(total, 1)
        let single = options.capacitated ? solveCapacitated(p: 0, stage: "target k=0") : solveUncapacitated(p: 0, stage: "target k=0")
        if single.baseline + tol >= goal {
            var s = single
            s.target = .reached(provenFewest: true)
            return s
        }
        // Everything: all candidates.
        let K = ids.count
        let all = options.capacitated ? solveCapacitated(p: K, stage: "target all") : solveUncapacitated(p: K, stage: "target all")
        let best = all.baseline + all.objective
        if best + tol < goal {
            let beyond = unreachableWeight()
            var reason = "all \(K) candidates together reach \(fmt(100 * best / max(total, 1e-300)))% of demand"
            if beyond > 0 {
                reason += "; demand of weight \(fmt(beyond)) is within reach of no station and no candidate"
            }
            if options.capacitated {
                reason += "; seats limit what can be served"
            }
            var s = all
            s.target = .unreachable(candidateCount: K, bestPercent: 100 * best / max(total, 1e-300), reason: reason)
            return s
        }
        // No k sites can add more than the k largest single-site gains (coverage is a union;
        // served demand is submodular), so fewer than kMin sites cannot reach the target.
        var gains: [Double] = []
        if options.capacitated {
            let ctx = capacitatedContext()
            gains = gainBounds(ctx.flowBase, free: sites).values
        } else {
            let residual = self.residual
            gains = lists.map { list in list.reduce(0) { $0 + residual[Int($1)] } }
        }
        gains.sort(by: >)
        var kMin = 1
        var sum = 0.0
        for (idx, g) in gains.enumerated() {
            sum += g
            kMin = idx + 1
            if all.baseline + sum * (1 + 1e-12) + tol >= goal { break }
        }
        if !options.capacitated {
            // Greedy gives a count that surely reaches the target (the solver's answer for that
            // count is at least the greedy's); then count down while the target is still reached.
            let residual = self.residual
            let model = CoverageModel(residual: residual, lists: lists)
            let solver = CoverageSolver(model: model, p: K, budget: budget, progress: .silent)
            let order = solver.lazyGreedy(start: [], count: model.candidateCount,
                                          allowed: [Bool](repeating: true, count: model.candidateCount))
            var kGreedy = order.count
            var covered = all.baseline
            var seen = [Bool](repeating: false, count: model.groupCount)
            for (idx, c) in order.enumerated() {
                for g in model.byCandidate.row(c) where !seen[Int(g)] {
                    seen[Int(g)] = true
                    covered += model.weight[Int(g)]
                }
                if covered + tol >= goal { kGreedy = idx + 1; break }
            }
            var k = max(kGreedy, kMin)
            var reached = solveUncapacitated(p: k, stage: "target k=\(k)")
            var proven = k <= kMin
            while reached.baseline + reached.objective + tol < goal && k < K {
                k += 1  // not expected (the answer is at least the greedy's); kept for safety
                reached = solveUncapacitated(p: k, stage: "target k=\(k)")
            }
            while k > kMin {
                let s = solveUncapacitated(p: k - 1, stage: "target k=\(k - 1)")
                if s.baseline + s.objective + tol >= goal {
                    reached = s
                    k -= 1
                    proven = k <= kMin
                } else {
                    // Fewer sites fail; proven when even the bound for k − 1 stays below the target.
                    proven = s.baseline + s.upperBound + tol < goal
                    break
                }
            }
            reached.target = .reached(provenFewest: proven)
            return reached
        }
        var provenBelow = true
        var k = max(1, kMin)
        while true {
            let s = options.capacitated ? solveCapacitated(p: k, stage: "target k=\(k)") : solveUncapacitated(p: k, stage: "target k=\(k)")
            if s.baseline + s.objective + tol >= goal {
                var r = s
                r.target = .reached(provenFewest: provenBelow)
                return r
            }
            if s.baseline + s.upperBound + tol >= goal { provenBelow = false }
            k += 1
            if k >= K {
                var r = all
                r.target = .reached(provenFewest: provenBelow)
                return r
            }
        }
    }

    func unreachableWeight() -> Double {
        var reached = [Bool](repeating: false, count: weights.count)
        for list in lists { for i in list { reached[Int(i)] = true } }
        if let e = existing { for i in 0..<weights.count where e.reach.offsets[i + 1] > e.reach.offsets[i] { reached[i] = true } }
        var s = 0.0
        for i in 0..<weights.count where !reached[i] && covered[i] < weights[i] { s += weights[i] - covered[i] }
        return s
    }
}

/// Whole seats for a load: `Int(_:)` traps beyond ±9.2e18 (or on NaN), so such loads saturate.
func seatCount(_ x: Double) -> Int {
    guard x.isFinite else { return x > 0 ? .max : 0 }
    return abs(x) < 9e18 ? Int(x) : (x > 0 ? .max : .min)
}

func fmt(_ x: Double) -> String {
    let r = (x * 100).rounded() / 100
    // Int(_:) traps beyond ±9.2e18; such values print as Doubles.
    if r == r.rounded(), abs(r) < 9e18 { return String(Int(r)) }
    return String(r)
}
