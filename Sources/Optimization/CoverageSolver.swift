/// Exact-when-it-can maximal covering over a reduced `CoverageModel`: greedy and swap local search
/// for a first answer, Lagrangian relaxation of the coverage constraints (subgradient) for a proven
/// upper bound and more answers, reduced-cost fixing, and a depth-first branch and bound on the
/// Lagrangian bound within a node (and optionally time) budget.
///
/// Relaxation: max Σ r_g y_g  s.t.  y_g ≤ Σ_{j covers g} x_j,  Σ x_j = p,  x, y ∈ {0,1}.
/// With multipliers 0 ≤ λ_g ≤ r_g:  L(λ) = Σ_g (r_g − λ_g)  +  (sum of the p largest Σ_{g∈j} λ_g),
/// an upper bound on every choice of p sites for every λ (weak duality).
struct CoverageSolver {
    struct Outcome {
        var chosen: [Int]          // reduced candidate indices
        var value: Double
        var bound: Double          // proven: no p-subset exceeds it
        var proven: Bool
        var nodes: Int
        var lagrangeIterations: Int
        var stoppedByBudget: Bool
    }

    struct Budget {
        var nodeLimit: Int
        var deadline: ContinuousClock.Instant?
        var rootIterations: Int
        var nodeIterations: Int
        var workLimit: Int = .max
        var tabuSteps: Int = 600
        var kicks: Int = 10
        var coreHandoff: Bool = true
        /// Hand over to the core when at least this share of the free sites was fixed out.
        var coreFraction: Double = 0.25
    }

    let model: CoverageModel
    let p: Int
    let budget: Budget
    let progress: ((String, Double, Double, Int) -> Void)?

    private(set) var best: [Int] = []
    private(set) var bestValue = -1.0
    /// A value known to be reachable by other means: the search only looks for better answers.
    var floor = -Double.infinity
    private var target: Double { max(bestValue, floor) }
    private var lagrangeIterations = 0
    /// Links visited by the relaxations (a machine-independent measure of effort).
    private var work = 0
    private var tried = Set<[Int]>()

    init(model: CoverageModel, p: Int, budget: Budget, progress: ((String, Double, Double, Int) -> Void)?) {
        self.model = model
        self.p = p
        self.budget = budget
        self.progress = progress
    }

    // MARK: Bounds arithmetic

    /// True when a (computed) bound proves that nothing beats `lb` by more than the tolerance:
    /// integer weights give integer objectives, so a bound below lb + 1 suffices; otherwise the
    /// bound must be within 1e-9 relative. Bounds are inflated by 1e-10 relative against rounding.
    func cannotImprove(_ ub: Double, over lb: Double) -> Bool {
        let safe = ub * (1 + 1e-10) + 1e-300
        if model.integral { return safe.rounded(.down) <= lb }
        return safe <= lb + 1e-9 * max(lb, 1e-9 * model.total)
    }

    /// A bound as reported: inflated against rounding, rounded down for integer weights.
    func reportable(_ ub: Double) -> Double {
        let safe = ub * (1 + 1e-10)
        return model.integral ? safe.rounded(.down) : safe
    }

    // MARK: Heuristics

    private mutating func offer(_ set: [Int], value: Double) {
        if value > bestValue + 1e-12 * max(1, model.total)
            || (abs(value - bestValue) <= 1e-12 * max(1, model.total) && set.sorted().lexicographicallyPrecedes(best.sorted())) {
            best = set.sorted()
            bestValue = value
        }
    }

    /// Greedy by marginal gain (ties: lowest index), starting from `start`, among `allowed`.
    func greedy(start: [Int], count: Int, allowed: [Bool]) -> [Int] {
        var set = start
        var covered = [Bool](repeating: false, count: model.groupCount)
        var chosen = [Bool](repeating: false, count: model.candidateCount)
        for c in start {
            chosen[c] = true
            for t in model.colOffsets[c]..<model.colOffsets[c + 1] { covered[Int(model.colGroups[t])] = true }
        }
        while set.count < count {
            var bestC = -1
            var bestGain = 0.0
            for c in 0..<model.candidateCount where allowed[c] && !chosen[c] {
                var gain = 0.0
                for t in model.colOffsets[c]..<model.colOffsets[c + 1] {
                    let g = Int(model.colGroups[t])
                    if !covered[g] { gain += model.weight[g] }
                }
                if gain > bestGain { bestGain = gain; bestC = c }
            }
            if bestC < 0 { break }
            chosen[bestC] = true
            set.append(bestC)
            for t in model.colOffsets[bestC]..<model.colOffsets[bestC + 1] { covered[Int(model.colGroups[t])] = true }
        }
        return set
    }

    /// Best-improvement swap local search (one site out, one in) until no swap gains; `fixed`
    /// sites never leave. Returns the value.
    func localSearch(_ set: inout [Int], fixed: Set<Int> = [], allowed: [Bool]) -> Double {
        let K = model.candidateCount
        let G = model.groupCount
        guard !set.isEmpty else { return 0 }
        var count = [Int32](repeating: 0, count: G)
        var owner = [Int](repeating: 0, count: G)   // sum of covering chosen indices: the owner when count == 1
        var gain = [Double](repeating: 0, count: K)
        var extra = [Double](repeating: 0, count: set.count * K)
        var inSet = [Bool](repeating: false, count: K)
        let tol = 1e-12 * max(1, model.total)
        while true {
            for g in 0..<G { count[g] = 0; owner[g] = 0 }
            for c in 0..<K { inSet[c] = false }
            for c in set {
                inSet[c] = true
                for t in model.colOffsets[c]..<model.colOffsets[c + 1] {
                    let g = Int(model.colGroups[t])
                    count[g] += 1
                    owner[g] += c
                }
            }
            var value = 0.0
            for g in 0..<G where count[g] > 0 { value += model.weight[g] }
            for c in 0..<K {
                gain[c] = 0
                if inSet[c] || !allowed[c] { continue }
                for t in model.colOffsets[c]..<model.colOffsets[c + 1] {
                    let g = Int(model.colGroups[t])
                    if count[g] == 0 { gain[c] += model.weight[g] }
                }
            }
            var position = [Int](repeating: -1, count: K)
            for (k, c) in set.enumerated() { position[c] = k }
            var loss = [Double](repeating: 0, count: set.count)
            for i in 0..<extra.count { extra[i] = 0 }
            for g in 0..<G where count[g] == 1 {
                let k = position[owner[g]]
                loss[k] += model.weight[g]
                for t in model.rowOffsets[g]..<model.rowOffsets[g + 1] {
                    extra[k * K + Int(model.rowCandidates[t])] += model.weight[g]
                }
            }
            var bestDelta = tol
            var move: (Int, Int)? = nil
            for (k, out) in set.enumerated() where !fixed.contains(out) {
                for c in 0..<K where !inSet[c] && allowed[c] {
                    let delta = gain[c] - loss[k] + extra[k * K + c]
                    if delta > bestDelta {
                        bestDelta = delta
                        move = (k, c)
                    }
                }
            }
            guard let (k, c) = move else { return value }
            set[k] = c
        }
    }

    /// Tabu search over swaps: each step makes the best swap whose incoming site did not just
    /// leave and whose outgoing site did not just come in (even a worsening one), unless it beats
    /// the best value found. Deterministic (ties: lowest positions and indices). Returns the best
    /// set and value seen.
    func tabuSearch(from start: [Int], steps: Int, stallLimit: Int, allowed: [Bool]? = nil) -> ([Int], Double) {
        let K = model.candidateCount
        let G = model.groupCount
        var set = start
        let p = set.count
        guard p > 0, p < K else { return (set, model.value(set)) }
        var count = [Int32](repeating: 0, count: G)
        var owner = [Int](repeating: 0, count: G)
        var gain = [Double](repeating: 0, count: K)
        var extra = [Double](repeating: 0, count: p * K)
        var loss = [Double](repeating: 0, count: p)
        var inSet = [Bool](repeating: false, count: K)
        var position = [Int](repeating: -1, count: K)
        var addTabu = [Int](repeating: -1, count: K)     // may not come in before this step
        var dropTabu = [Int](repeating: -1, count: K)    // may not leave before this step
        for c in set { inSet[c] = true }
        for c in set {
            for t in model.colOffsets[c]..<model.colOffsets[c + 1] {
                let g = Int(model.colGroups[t])
                count[g] += 1
                owner[g] += c
            }
        }
        var value = 0.0
        for g in 0..<G where count[g] > 0 { value += model.weight[g] }
        var bestSet = set
        var bestValue = value
        var sinceBest = 0
        let tol = 1e-12 * max(1, model.total)
        model.weight.withUnsafeBufferPointer { w in
        model.colOffsets.withUnsafeBufferPointer { colOff in
        model.colGroups.withUnsafeBufferPointer { colG in
        model.rowOffsets.withUnsafeBufferPointer { rowOff in
        model.rowCandidates.withUnsafeBufferPointer { rowC in
            for step in 0..<steps {
                for (k, c) in set.enumerated() { position[c] = k }
                for c in 0..<K {
                    var s = 0.0
                    if !inSet[c] && allowed?[c] != false {
                        for t in colOff[c]..<colOff[c + 1] where count[Int(colG[t])] == 0 { s += w[Int(colG[t])] }
                    }
                    gain[c] = s
                }
                for k in 0..<p { loss[k] = 0 }
                for i in 0..<extra.count { extra[i] = 0 }
                for g in 0..<G where count[g] == 1 {
                    let k = position[owner[g]]
                    loss[k] += w[g]
                    let base = k * K
                    for t in rowOff[g]..<rowOff[g + 1] { extra[base + Int(rowC[t])] += w[g] }
                }
                var bestDelta = -Double.infinity
                var move = (-1, -1)
                for k in 0..<p {
                    let out = set[k]
                    let outTabu = dropTabu[out] > step
                    let base = k * K
                    for c in 0..<K where !inSet[c] && allowed?[c] != false {
                        let delta = gain[c] - loss[k] + extra[base + c]
                        if delta <= bestDelta + tol { continue }
                        if (outTabu || addTabu[c] > step) && value + delta <= bestValue + tol { continue }
                        bestDelta = delta
                        move = (k, c)
                    }
                }
                if move.0 < 0 { break }
                let (k, c) = move
                let out = set[k]
                for t in colOff[out]..<colOff[out + 1] {
                    let g = Int(colG[t])
                    count[g] -= 1
                    owner[g] -= out
                    if count[g] == 0 { value -= w[g] }
                }
                for t in colOff[c]..<colOff[c + 1] {
                    let g = Int(colG[t])
                    if count[g] == 0 { value += w[g] }
                    count[g] += 1
                    owner[g] += c
                }
                inSet[out] = false
                inSet[c] = true
                position[out] = -1
                set[k] = c
                addTabu[out] = step + 7 + (step % 5)
                dropTabu[c] = step + 3
                if value > bestValue + tol {
                    bestValue = value
                    bestSet = set
                    sinceBest = 0
                } else {
                    sinceBest += 1
                    if sinceBest >= stallLimit { break }
                }
            }
        }}}}}
        return (bestSet.sorted(), model.value(bestSet))
    }

    /// Solves the problem restricted to the `allowed` sites (every strictly better answer uses only
    /// them) as a new, smaller model, and takes its answer if better. Its bound covers the core;
    /// answers outside it cannot beat the incumbent.
    mutating func solveCore(allowed: [Bool], fixedIn: [Int], nodesSoFar: Int) -> Outcome {
        let isFixed = Set(fixedIn)
        let core = (0..<model.candidateCount).filter { allowed[$0] && !isFixed.contains($0) }
        var residual = model.weight
        for c in fixedIn {
            for t in model.colOffsets[c]..<model.colOffsets[c + 1] { residual[Int(model.colGroups[t])] = 0 }
        }
        let fixedValue = model.value(fixedIn)
        let lists = core.map { Array(model.colGroups[model.colOffsets[$0]..<model.colOffsets[$0 + 1]]) }
        let coreModel = CoverageModel(residual: residual, lists: lists)
        var inCore = [Int](repeating: -1, count: lists.count)
        for (k, listIndex) in coreModel.sortedIndex.enumerated() { inCore[listIndex] = k }
        var position = [Int: Int]()
        for (listIndex, c) in core.enumerated() { position[c] = listIndex }
        let q = p - fixedIn.count
        let mapped = best.filter { !isFixed.contains($0) }.compactMap { c in position[c].map { inCore[$0] } }.filter { $0 >= 0 }
        progress?("core: \(coreModel.groupCount) demand groups × \(coreModel.candidateCount) candidates, \(fixedIn.count) sites fixed",
                  bestValue, model.total, nodesSoFar)
        var sub = CoverageSolver(model: coreModel, p: q, budget: Budget(
            nodeLimit: max(1, budget.nodeLimit - nodesSoFar), deadline: budget.deadline,
            rootIterations: budget.rootIterations, nodeIterations: budget.nodeIterations,
            workLimit: max(1, budget.workLimit - work), tabuSteps: budget.tabuSteps, kicks: 0, coreHandoff: false),
            progress: progress)
        sub.floor = bestValue - fixedValue
        var out = sub.solve(initial: mapped.count == q ? mapped : nil)
        let chosen = fixedIn + out.chosen.map { core[coreModel.sortedIndex[$0]] }
        offer(chosen, value: model.value(chosen))
        out.bound += fixedValue
        return out
    }

    /// Kicks and searches again: removes a few sites of the best set (chosen by a fixed-seed
    /// generator, so runs repeat exactly), refills greedily among `allowed`, runs tabu search.
    mutating func iteratedTabu(allowed: [Bool], rounds: Int) {
        guard p > 1, p < model.candidateCount else { return }
        var rng: UInt64 = 0x5EED_0F_7AB0
        func next() -> UInt64 {
            rng &+= 0x9E37_79B9_7F4A_7C15
            var z = rng
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for round in 0..<rounds {
            var set = best
            let removeCount = min(p - 1, 2 + round % 4)
            var removed: [Int] = []
            for _ in 0..<removeCount {
                let k = Int(next() % UInt64(set.count))
                removed.append(set.remove(at: k))
            }
            var mask = allowed
            for j in removed { mask[j] = false }
            // Refill: a random allowed site first, then greedy.
            let pool = (0..<model.candidateCount).filter { mask[$0] && !set.contains($0) }
            if !pool.isEmpty { set.append(pool[Int(next() % UInt64(pool.count))]) }
            set = greedy(start: set, count: p, allowed: mask)
            let (t, v) = tabuSearch(from: set, steps: budget.tabuSteps / 2, stallLimit: budget.tabuSteps / 6, allowed: allowed)
            offer(t, value: v)
        }
    }

    // MARK: Lagrangian relaxation

    struct Node {
        var fixedIn: [Int]
        var fixedOut: [Int]
        var lambda: [Double]
        var bound: Double
        var theta: Double
    }

    struct Relaxation {
        var ub: Double
        var lambda: [Double]
        var c: [Double]        // column values at the best λ
        var top: [Int]         // the q best free columns at the best λ (descending)
        var next: Double       // value of the (q+1)-th best free column (0 if none)
        var theta: Double
    }

    /// The q best free columns by value (ties: lower index), best first, plus the (q+1)-th value.
    static func top(_ q: Int, of free: [Int], values c: [Double]) -> ([Int], Double) {
        // A min-heap of size q + 1 keyed by (value, -index).
        var heap: [Int] = []
        heap.reserveCapacity(q + 2)
        func worse(_ a: Int, _ b: Int) -> Bool { c[a] < c[b] || (c[a] == c[b] && a > b) }
        func siftUp(_ i0: Int) {
            var i = i0
            while i > 0 {
                let parent = (i - 1) / 2
                if worse(heap[i], heap[parent]) { heap.swapAt(i, parent); i = parent } else { break }
            }
        }
        func siftDown(_ i0: Int) {
            var i = i0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && worse(heap[l], heap[m]) { m = l }
                if r < heap.count && worse(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        let keep = q + 1
        for j in free {
            if heap.count < keep {
                heap.append(j)
                siftUp(heap.count - 1)
            } else if worse(heap[0], j) {
                heap[0] = j
                siftDown(0)
            }
        }
        var sorted = heap.sorted { worse($1, $0) }
        var next = 0.0
        if sorted.count > q {
            next = c[sorted[q]]
            sorted.removeLast(sorted.count - q)
        }
        return (sorted, next)
    }

    /// Subgradient optimisation of L(λ) at a node (groups covered by fixed-in sites removed, base
    /// added). Offers every relaxation's site set, completed by the fixed ones, as a solution.
    mutating func relax(covered: [Bool], base: Double, free: [Int], fixedIn: [Int], q: Int,
                        lambda startLambda: [Double], theta startTheta: Double, iterations: Int, polish: Bool) -> Relaxation {
        let G = model.groupCount
        let K = model.candidateCount
        var lambda = startLambda
        var thetaNow = startTheta
        var c = [Double](repeating: 0, count: K)
        var hits = [Int32](repeating: 0, count: G)
        var bestUB = Double.infinity
        var best = Relaxation(ub: .infinity, lambda: lambda, c: c, top: [], next: 0, theta: thetaNow)
        var stall = 0
        var polishes = 0
        let stallLimit = iterations >= 100 ? 20 : 5
        var slack = 0.0   // Σ max(0, r_g − λ_g) over uncovered groups, kept up to date with c
        for iteration in 0..<iterations {
            lagrangeIterations += 1
            work += model.colGroups.count
            if iteration % 32 == 0 {
                // Exact values now and then; in between, updated with each change of λ.
                slack = Self.columnValues(lambda: lambda, covered: covered, model: model, free: free, into: &c)
            }
            var ub = base + slack
            let (top, next) = Self.top(q, of: free, values: c)
            for j in top { ub += c[j] }
            if ub < bestUB {
                bestUB = ub
                best = Relaxation(ub: ub, lambda: lambda, c: c, top: top, next: next, theta: thetaNow)
                stall = 0
            } else {
                stall += 1
                if stall >= stallLimit { thetaNow /= 2; stall = 0 }
            }
            // The relaxation's sites as a solution.
            var set = fixedIn + top
            set.sort()
            if !tried.contains(set) {
                tried.insert(set)
                let v = model.value(set)
                if polish && polishes < 25 && v >= bestValue * 0.995 {
                    polishes += 1
                    var improved = set
                    let w = localSearch(&improved, allowed: [Bool](repeating: true, count: K))
                    offer(improved, value: w)
                }
                offer(set, value: v)
            }
            if cannotImprove(bestUB, over: target) || thetaNow < 1e-4 { break }
            // Subgradient: (number of chosen columns covering g) − y_g.
            let gap = max(ub - max(bestValue, 0), 1e-6 * max(1, model.total))
            if !Self.subgradientStep(lambda: &lambda, hits: &hits, c: &c, slack: &slack, covered: covered, model: model,
                                     top: top, theta: thetaNow, gap: gap) {
                break  // zero subgradient: the relaxation's solution is feasible and complementary
            }
        }
        // The bound is recomputed exactly from the best multipliers (no drift from the updates).
        if bestUB < .infinity {
            var exactC = [Double](repeating: 0, count: K)
            var ub = base + Self.columnValues(lambda: best.lambda, covered: covered, model: model, free: free, into: &exactC)
            let (top, next) = Self.top(q, of: free, values: exactC)
            for j in top { ub += exactC[j] }
            best = Relaxation(ub: ub, lambda: best.lambda, c: exactC, top: top, next: next, theta: thetaNow)
        }
        best.theta = thetaNow
        return best
    }

    /// Column values c_j = Σ λ_g over the uncovered groups of each free column; returns
    /// Σ max(0, r_g − λ_g) over uncovered groups.
    static func columnValues(lambda: [Double], covered: [Bool], model: CoverageModel, free: [Int], into c: inout [Double]) -> Double {
        var sum = 0.0
        lambda.withUnsafeBufferPointer { lam in
        covered.withUnsafeBufferPointer { cov in
        model.weight.withUnsafeBufferPointer { w in
        model.colOffsets.withUnsafeBufferPointer { off in
        model.colGroups.withUnsafeBufferPointer { grp in
        c.withUnsafeMutableBufferPointer { c in
            for g in 0..<w.count where !cov[g] { sum += max(0, w[g] - lam[g]) }
            for j in free {
                var s = 0.0
                for t in off[j]..<off[j + 1] {
                    let g = Int(grp[t])
                    if !cov[g] { s += lam[g] }
                }
                c[j] = s
            }
        }}}}}}
        return sum
    }

    /// λ ← clamp(λ − θ·gap/‖s‖²·s, 0, r) with s_g = (chosen columns covering g) − y_g. Returns
    /// false (and leaves λ) when s = 0.
    static func subgradientStep(lambda: inout [Double], hits: inout [Int32], c: inout [Double], slack: inout Double,
                                covered: [Bool], model: CoverageModel, top: [Int], theta: Double, gap: Double) -> Bool {
        var moved = true
        var slackNow = slack
        lambda.withUnsafeMutableBufferPointer { lam in
        hits.withUnsafeMutableBufferPointer { hits in
        c.withUnsafeMutableBufferPointer { c in
        covered.withUnsafeBufferPointer { cov in
        model.weight.withUnsafeBufferPointer { w in
        model.colOffsets.withUnsafeBufferPointer { off in
        model.colGroups.withUnsafeBufferPointer { grp in
        model.rowOffsets.withUnsafeBufferPointer { rowOff in
        model.rowCandidates.withUnsafeBufferPointer { rowC in
            for j in top { for t in off[j]..<off[j + 1] { hits[Int(grp[t])] += 1 } }
            // Nonzero components of the subgradient, listed once.
            var norm = 0.0
            var nonzero: [Int32] = []
            nonzero.reserveCapacity(w.count / 4)
            for g in 0..<w.count where !cov[g] {
                let s = hits[g] - (w[g] - lam[g] > 0 ? 1 : 0)
                if s != 0 {
                    nonzero.append(Int32(g))
                    norm += Double(s * s)
                }
            }
            if norm == 0 {
                for j in top { for t in off[j]..<off[j + 1] { hits[Int(grp[t])] = 0 } }
                moved = false
                return
            }
            let step = theta * gap / norm
            for gv in nonzero {
                let g = Int(gv)
                let s = Double(hits[g] - (w[g] - lam[g] > 0 ? 1 : 0))
                let before = lam[g]
                let after = min(w[g], max(0, before - step * s))
                if after != before {
                    lam[g] = after
                    slackNow += max(0, w[g] - after) - max(0, w[g] - before)
                    let d = after - before
                    for t in rowOff[g]..<rowOff[g + 1] { c[Int(rowC[t])] += d }
                }
            }
            for j in top { for t in off[j]..<off[j + 1] { hits[Int(grp[t])] = 0 } }
        }}}}}}}}}
        slack = slackNow
        return moved
    }

    // MARK: Driver

    mutating func solve(initial: [Int]? = nil) -> Outcome {
        let K = model.candidateCount
        let G = model.groupCount
        if p <= 0 || K == 0 {
            return Outcome(chosen: [], value: 0, bound: 0, proven: true, nodes: 0, lagrangeIterations: 0, stoppedByBudget: false)
        }
        if K <= p {
            let all = Array(0..<K)
            return Outcome(chosen: all, value: model.total, bound: model.total, proven: true, nodes: 0,
                           lagrangeIterations: 0, stoppedByBudget: false)
        }
        progress?("reduced to \(G) demand groups × \(K) candidates, \(model.colGroups.count) links", 0, model.total, 0)
        let everything = [Bool](repeating: true, count: K)
        var start = greedy(start: [], count: p, allowed: everything)
        var v = localSearch(&start, allowed: everything)
        offer(start, value: v)
        if let initial, initial.count == p {
            var s = initial
            v = localSearch(&s, allowed: everything)
            offer(s, value: v)
        }
        progress?("heuristic", bestValue, model.total, 0)

        // Root relaxation, starting from λ_g = r_g / (number of candidates covering g): each
        // group's weight shared out among the sites that could cover it.
        let rootLambda = (0..<G).map { model.weight[$0] / Double(max(1, model.rowOffsets[$0 + 1] - model.rowOffsets[$0])) }
        var stack = [Node(fixedIn: [], fixedOut: [], lambda: rootLambda, bound: .infinity, theta: 2)]
        var nodes = 0
        var stopped = false
        var openBound = -Double.infinity   // best bound among nodes left unexplored when stopping
        var rootBound = Double.infinity
        let clock = ContinuousClock()
        while let node = stack.popLast() {
            if cannotImprove(node.bound, over: target) { continue }
            if nodes >= budget.nodeLimit || (nodes > 0 && work >= budget.workLimit) || (budget.deadline.map { clock.now >= $0 } ?? false) {
                stopped = true
                openBound = max(openBound, node.bound)
                for rest in stack { openBound = max(openBound, rest.bound) }
                break
            }
            nodes += 1
            // The node's subproblem.
            var covered = [Bool](repeating: false, count: G)
            var isIn = [Bool](repeating: false, count: K)
            var isOut = [Bool](repeating: false, count: K)
            for j in node.fixedIn {
                isIn[j] = true
                for t in model.colOffsets[j]..<model.colOffsets[j + 1] { covered[Int(model.colGroups[t])] = true }
            }
            for j in node.fixedOut { isOut[j] = true }
            var base = 0.0
            for g in 0..<G where covered[g] { base += model.weight[g] }
            let q = p - node.fixedIn.count
            var free: [Int] = []
            for j in 0..<K where !isIn[j] && !isOut[j] {
                // A free column covering nothing new adds nothing in this subtree.
                var useful = false
                for t in model.colOffsets[j]..<model.colOffsets[j + 1] where !covered[Int(model.colGroups[t])] { useful = true; break }
                if useful { free.append(j) }
            }
            if q <= 0 || free.count <= q {
                let set = node.fixedIn + free
                offer(set, value: model.value(set))
                continue
            }
            let isRoot = node.fixedIn.isEmpty && node.fixedOut.isEmpty
            let relaxation = relax(covered: covered, base: base, free: free, fixedIn: node.fixedIn, q: q,
                          lambda: node.lambda, theta: node.theta,
                          iterations: isRoot ? budget.rootIterations : budget.nodeIterations, polish: isRoot)
            var r = relaxation
            if isRoot {
                progress?("lagrangian", bestValue, reportable(r.ub), nodes)
                if !cannotImprove(r.ub, over: target) {
                    let before = bestValue
                    let (t1, v1) = tabuSearch(from: best, steps: budget.tabuSteps, stallLimit: budget.tabuSteps / 3)
                    offer(t1, value: v1)
                    let (t2, v2) = tabuSearch(from: r.top, steps: budget.tabuSteps, stallLimit: budget.tabuSteps / 3)
                    offer(t2, value: v2)
                    progress?("tabu search", bestValue, reportable(r.ub), nodes)
                    if bestValue > before && !cannotImprove(r.ub, over: target) {
                        // A better target value steers the subgradient steps better: continue.
                        let again = relax(covered: covered, base: base, free: free, fixedIn: node.fixedIn, q: q,
                                          lambda: r.lambda, theta: 1, iterations: budget.rootIterations, polish: true)
                        if again.ub < r.ub { r = again }
                        progress?("lagrangian", bestValue, reportable(r.ub), nodes)
                    }
                }
                rootBound = r.ub
            }
            let ub = min(r.ub, node.bound)
            if cannotImprove(ub, over: target) { continue }
            // Reduced-cost fixing with the best multipliers.
            let qth = r.c[r.top[q - 1]]
            var newIn = node.fixedIn
            var newOut = node.fixedOut
            let inTop = Set(r.top)
            for j in free {
                if inTop.contains(j) {
                    if cannotImprove(r.ub - r.c[j] + r.next, over: target) { newIn.append(j) }
                } else if cannotImprove(r.ub - qth + r.c[j], over: target) {
                    newOut.append(j)
                }
            }
            if newIn.count > p { continue }  // every improving choice would need more than p sites
            if isRoot {
                progress?("root fixing: \(newIn.count - node.fixedIn.count) in, \(newOut.count - node.fixedOut.count) out of \(free.count) free", bestValue, reportable(ub), nodes)
                // Every strictly better choice uses only the sites left free: search among them.
                var allowed = [Bool](repeating: false, count: K)
                for j in free { allowed[j] = true }
                for j in newOut { allowed[j] = false }
                for j in best { allowed[j] = true }
                iteratedTabu(allowed: allowed, rounds: budget.kicks)
                progress?("iterated tabu search", bestValue, reportable(ub), nodes)
                if cannotImprove(ub, over: target) { continue }
                if budget.coreHandoff && Double(newOut.count + newIn.count) >= budget.coreFraction * Double(free.count) {
                    // Branch on the core alone: the sites fixed in, plus the free ones rebuilt as
                    // a smaller problem.
                    let out = solveCore(allowed: allowed, fixedIn: newIn, nodesSoFar: nodes)
                    let bound = out.proven ? bestValue : max(bestValue, min(reportable(ub), out.bound))
                    return Outcome(chosen: best, value: bestValue, bound: bound, proven: out.proven,
                                   nodes: nodes + out.nodes, lagrangeIterations: lagrangeIterations + out.lagrangeIterations,
                                   stoppedByBudget: out.stoppedByBudget)
                }
            }
            if newIn.count != node.fixedIn.count || newOut.count != node.fixedOut.count {
                stack.append(Node(fixedIn: newIn, fixedOut: newOut, lambda: r.lambda, bound: ub, theta: max(r.theta, 0.25)))
                continue
            }
            // Branch on the strongest relaxed site: with it first, then without it.
            let pick = r.top[0]
            stack.append(Node(fixedIn: newIn, fixedOut: newOut + [pick], lambda: r.lambda, bound: ub, theta: max(r.theta, 0.25)))
            stack.append(Node(fixedIn: newIn + [pick], fixedOut: newOut, lambda: r.lambda, bound: ub, theta: max(r.theta, 0.25)))
            if nodes % 256 == 0 { progress?("branch and bound", bestValue, reportable(max(bestValue, rootBound)), nodes) }
        }
        var bound: Double
        if stopped {
            bound = max(bestValue, min(reportable(openBound), reportable(rootBound)))
        } else {
            bound = bestValue
        }
        let proven = !stopped || cannotImprove(min(openBound, rootBound), over: target)
        if proven { bound = bestValue }
        bound = max(bound, bestValue)
        return Outcome(chosen: best, value: bestValue, bound: bound, proven: proven, nodes: nodes,
                       lagrangeIterations: lagrangeIterations, stoppedByBudget: stopped)
    }
}
