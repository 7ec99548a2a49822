/// The Lagrangian relaxation of the covering constraints, solved by subgradient steps: the proven
/// upper bound of the covering solver, and a source of site sets to try.
///
/// Relaxation: max Σ r_g y_g  s.t.  y_g ≤ Σ_{j covers g} x_j,  Σ x_j = p,  x, y ∈ {0,1}.
/// With multipliers 0 ≤ λ_g ≤ r_g:  L(λ) = Σ_g (r_g − λ_g)  +  (sum of the p largest Σ_{g∈j} λ_g),
/// an upper bound on every choice of p sites for every λ (weak duality).
extension CoverageSolver {
    /// A branch-and-bound node: sites fixed in and out, the multipliers and step scale to start
    /// its relaxation from, and the parent's bound.
    struct Node: BoundedNode {
        var fixedIn: [ColumnIndex]
        var fixedOut: [ColumnIndex]
        var lambda: [Double]
        var bound: Double
        var theta: Double
    }

    struct Relaxation {
        var ub: Double
        var lambda: [Double]
        var c: [Double]        // column values at the best λ
        var top: [ColumnIndex] // the q best free columns at the best λ (descending)
        var next: Double       // value of the (q+1)-th best free column (0 if none)
        var theta: Double
        /// How often each column was among the relaxation's sites, recent iterations weighing
        /// more (between 0 and 1): an estimate of the LP solution's x_j, for branching.
        var share: [Double] = []
        /// Found by the smoothed dual (`smoothRelax`), whose steps do not aim at the incumbent.
        var smoothed = false
    }

    /// The q best free columns by value (ties: lower index), best first, plus the (q+1)-th value.
    static func top(_ q: Int, of free: [ColumnIndex], values c: [Double]) -> ([ColumnIndex], Double) {
        let keep = max(q, 0) + 1
        var sorted = [ColumnIndex](repeating: 0, count: keep)
        let n = free.withUnsafeBufferPointer { free in
            c.withUnsafeBufferPointer { c in
                sorted.withUnsafeMutableBufferPointer { out in best(keep, of: free, values: c, into: out.baseAddress!) }
            }
        }
        var next = 0.0
        if n > q {
            next = c[sorted[q]]
            sorted.removeLast(sorted.count - q)
        } else {
            sorted.removeLast(sorted.count - n)
        }
        return (sorted, next)
    }

    /// The `k` best of `free` by value (ties: lower index), best first, written to `out` (room for
    /// `k`); returns how many (fewer than `k` when `free` is shorter). A min-heap of the best so far
    /// keyed by (value, −index), sorted at the end by popping its worst to the back: the order is a
    /// total one, so any part of `free` gives the same best columns as a pass over all of it
    /// would among its own.
    static func best(_ k: Int, of free: UnsafeBufferPointer<ColumnIndex>, values c: UnsafeBufferPointer<Double>,
                     into heap: UnsafeMutablePointer<ColumnIndex>) -> Int {
        @inline(__always) func worse(_ a: Int, _ b: Int) -> Bool { c[a] < c[b] || (c[a] == c[b] && a > b) }
        @inline(__always) func siftDown(_ i0: Int, _ count: Int) {
            var i = i0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < count && worse(heap[l], heap[m]) { m = l }
                if r < count && worse(heap[r], heap[m]) { m = r }
                if m == i { return }
                swap(&heap[i], &heap[m])
                i = m
            }
        }
        guard k > 0 else { return 0 }
        var count = 0
        for j in free {
            if count < k {
                // Sift up.
                var i = count
                heap[i] = j
                count += 1
                while i > 0 {
                    let parent = (i - 1) / 2
                    if worse(heap[i], heap[parent]) { swap(&heap[i], &heap[parent]); i = parent } else { break }
                }
            } else if worse(heap[0], j) {
                heap[0] = j
                siftDown(0, count)
            }
        }
        // The worst to the back, one at a time: best first.
        var n = count
        while n > 1 {
            n -= 1
            swap(&heap[0], &heap[n])
            siftDown(0, n)
        }
        return count
    }

    /// Subgradient optimisation of L(λ) at a node (groups covered by fixed-in sites removed, base
    /// added). Offers every relaxation's site set, completed by the fixed ones, as a solution; with
    /// `polish`, the promising ones after a swap local search. Without `polish` (at a node) or with
    /// `paced`, it stops early when the bound's pace could not reach the target.
    mutating func relax(covered: [Bool], base: Double, free: [ColumnIndex], fixedIn: [ColumnIndex], q: Int,
                        lambda startLambda: [Double], theta startTheta: Double, iterations: Int, polish: Bool,
                        paced: Bool = false) -> Relaxation {
        let G = model.groupCount
        let K = model.candidateCount
        var lambda = startLambda
        var thetaNow = startTheta
        var c = [Double](repeating: 0, count: K)
        var hits = [Int32](repeating: 0, count: G)
        var moving = [Int64](repeating: 0, count: G)
        var bestUB = Double.infinity
        var best = Relaxation(ub: .infinity, lambda: lambda, c: c, top: [], next: 0, theta: thetaNow)
        var stall = 0
        var polishes = 0
        let stallLimit = polish ? tuning.rootStall : iterations >= tuning.longRunIterations ? tuning.longRunStall : tuning.shortRunStall
        var slack = 0.0   // Σ max(0, r_g − λ_g) over uncovered groups, kept up to date with c
        var share = [Double](repeating: 0, count: K)
        var shareWeight = 0.0
        let window = max(1, tuning.nodeProgressWindow)
        var recent = [Double](repeating: .infinity, count: window)  // bestUB, by iteration mod window
        var lastTop: [ColumnIndex] = []
        var masked = [Double](repeating: 0, count: G)
        // The free columns by list length, for the column sums (see `smoothRelax`).
        let summed = model.byListLength(free)
        for iteration in 0..<iterations {
            // (One step at least: a bound.) The pass cap is checked at every pass, as the deadline.
            if iteration > 0, budget.limits.pastDeadline || lagrangeIterations >= budget.limits.passes { break }
            lagrangeIterations += 1
            work += model.byCandidate.edgeCount
            if iteration % tuning.exactRecomputeInterval == 0 {
                // Exact values now and then; in between, updated with each change of λ.
                slack = Self.columnValues(lambda: lambda, covered: covered, model: model, free: summed, into: &c, masked: &masked)
            }
            var ub = base + slack
            let (top, next) = Self.top(q, of: free, values: c)
            for j in top { ub += c[j] }
            // Ergodic average of the relaxation's sites (older iterations fade).
            shareWeight = shareWeight * tuning.shareDecay + 1
            for j in free { share[j] *= tuning.shareDecay }
            for j in top { share[j] += 1 }
            if ub < bestUB {
                bestUB = ub
                best = Relaxation(ub: ub, lambda: lambda, c: c, top: top, next: next, theta: thetaNow)
                stall = 0
            } else {
                stall += 1
                if stall >= stallLimit { thetaNow /= 2; stall = 0 }
            }
            // The relaxation's sites as a solution (unless they are the last iteration's).
            if top != lastTop {
                lastTop = top
                offerRelaxed(top, fixedIn: fixedIn, polish: polish, polishes: &polishes)
            }
            if optimality.cannotImprove(bestUB, over: target) || thetaNow < tuning.minimumTheta { break }
            // At a node (and at a core's root): give up on pruning when the bound's recent
            // descent, kept up for the iterations left, would not bring it down to the target
            // (branching is then cheaper).
            if !polish || paced {
                if iteration >= window {
                    let descent = recent[iteration % window] - bestUB
                    let left = Double(iterations - iteration) / Double(window)
                    if descent * left < bestUB - target { break }
                }
                recent[iteration % window] = bestUB
            }
            // Subgradient: (number of chosen columns covering g) − y_g.
            let gap = max(ub - max(incumbent.value, 0), 1e-6 * max(1, model.total))
            if !Self.subgradientStep(lambda: &lambda, hits: &hits, c: &c, slack: &slack, covered: covered, model: model,
                                     top: top, theta: thetaNow, gap: gap, moving: &moving) {
                break  // zero subgradient: the relaxation's solution is feasible and complementary
            }
        }
        // The bound is recomputed exactly from the best multipliers (no drift from the updates).
        if bestUB < .infinity {
            var exactC = [Double](repeating: 0, count: K)
            var ub = base + Self.columnValues(lambda: best.lambda, covered: covered, model: model, free: summed, into: &exactC)
            let (top, next) = Self.top(q, of: free, values: exactC)
            for j in top { ub += exactC[j] }
            best = Relaxation(ub: ub, lambda: best.lambda, c: exactC, top: top, next: next, theta: thetaNow)
        }
        best.theta = thetaNow
        if shareWeight > 0 { best.share = share.map { $0 / shareWeight } }
        return best
    }

    /// Offers a relaxation's sites, completed by the fixed ones, as a solution; with `polish`, a
    /// promising set (within `polishThreshold` of the incumbent) also after a swap local search, at
    /// most `polishLimit` times per relaxation (`polishes` counts them). See `offerRelaxationSites`.
    mutating func offerRelaxed(_ top: [ColumnIndex], fixedIn: [ColumnIndex], polish: Bool, polishes: inout Int) {
        var set = fixedIn + top
        set.sort()
        offerRelaxationSites(set, polish: polish, polishes: &polishes)
    }

    /// Column values c_j = Σ λ_g over the uncovered groups of each free column; returns
    /// Σ max(0, r_g − λ_g) over uncovered groups.
    ///
    /// Each c_j is summed in its own list's order, as one loop per column would (so every value
    /// is the same to the bit), but four columns at a time, so that their four chains of additions
    /// overlap. Covered groups add λ = 0 (from a masked copy when any group is covered): adding
    /// +0.0 to a sum of non-negative terms leaves it unchanged.
    static func columnValues(lambda: [Double], covered: [Bool], model: CoverageModel, free: [ColumnIndex], into c: inout [Double]) -> Double {
        var masked: [Double] = []
        return columnValues(lambda: lambda, covered: covered, model: model, free: free, into: &c, masked: &masked)
    }

    /// The same, with `masked` (any contents; resized to the number of groups when it is not) as
    /// the buffer for the masked copy of λ, so that a relaxation calling this at every pass
    /// allocates it once. The sum runs over the uncovered groups in ascending order in a local
    /// accumulator (a covered group would add +0.0: the same value to the bit).
    static func columnValues(lambda: [Double], covered: [Bool], model: CoverageModel, free: [ColumnIndex], into c: inout [Double],
                             masked: inout [Double]) -> Double {
        let G = model.groupCount
        if masked.count != G { masked = [Double](repeating: 0, count: G) }
        var sum = 0.0
        var anyCovered = false
        // λ with the covered groups' set to 0, and the sum over the others.
        model.weight.withUnsafeBufferPointer { w in
            covered.withUnsafeBufferPointer { cov in
                lambda.withUnsafeBufferPointer { lam in
                    masked.withUnsafeMutableBufferPointer { out in
                        var s = 0.0
                        var any = false
                        for g in 0..<G {
                            if cov[g] {
                                out[g] = 0
                                any = true
                            } else {
                                let l = lam[g]
                                out[g] = l
                                s += max(0, w[g] - l)
                            }
                        }
                        sum = s
                        anyCovered = any
                    }
                }
            }
        }
        sumColumns(anyCovered ? masked : lambda, model: model, free: free, into: &c)
        return sum
    }

    /// The same when λ is 0 (+0.0) on every covered group already, as in the smoothed dual's passes:
    /// no masked copy, the same values to the bit.
    static func columnValues(zeroOnCovered lambda: [Double], covered: [Bool], model: CoverageModel, free: [ColumnIndex],
                             into c: inout [Double]) -> Double {
        let sum = uncoveredSlack(lambda, covered: covered, weight: model.weight)
        sumColumns(lambda, model: model, free: free, into: &c)
        return sum
    }

    /// Σ max(0, r_g − λ_g) over the uncovered groups, in ascending order (as `columnValues` sums it).
    static func uncoveredSlack(_ lambda: [Double], covered: [Bool], weight: [Double]) -> Double {
        var s = 0.0
        weight.withUnsafeBufferPointer { w in
            covered.withUnsafeBufferPointer { cov in
                lambda.withUnsafeBufferPointer { lam in
                    for g in 0..<w.count where !cov[g] { s += max(0, w[g] - lam[g]) }
                }
            }
        }
        return s
    }

    /// c_j = Σ_{g ∈ j} λ_g for the free columns, four columns at a time (each in its own order).
    private static func sumColumns(_ lambda: [Double], model: CoverageModel, free: [ColumnIndex], into c: inout [Double]) {
        model.withView { m in
            lambda.withUnsafeBufferPointer { lam in
                free.withUnsafeBufferPointer { free in
                    c.withUnsafeMutableBufferPointer { c in sumColumns(lam, view: m, free: free, into: c) }
                }
            }
        }
    }

    /// The same over buffers: writes c_j for the columns of `free` only (any part of the free
    /// columns: each value is summed alone, so the part it is computed in does not matter).
    static func sumColumns(_ lam: UnsafeBufferPointer<Double>, view m: CoverageModel.View, free: UnsafeBufferPointer<ColumnIndex>,
                           into c: UnsafeMutableBufferPointer<Double>) {
        let off = m.columnOffsets, grp = m.columnGroups
        var i = 0
        while i + 4 <= free.count {
            let j0 = free[i], j1 = free[i + 1], j2 = free[i + 2], j3 = free[i + 3]
            var t0 = off[j0], t1 = off[j1], t2 = off[j2], t3 = off[j3]
            let e0 = off[j0 + 1], e1 = off[j1 + 1], e2 = off[j2 + 1], e3 = off[j3 + 1]
            let shared = min(e0 - t0, e1 - t1, e2 - t2, e3 - t3)
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            for _ in 0..<shared {
                s0 += lam[Int(grp[t0])]
                s1 += lam[Int(grp[t1])]
                s2 += lam[Int(grp[t2])]
                s3 += lam[Int(grp[t3])]
                t0 &+= 1; t1 &+= 1; t2 &+= 1; t3 &+= 1
            }
            while t0 < e0 { s0 += lam[Int(grp[t0])]; t0 &+= 1 }
            while t1 < e1 { s1 += lam[Int(grp[t1])]; t1 &+= 1 }
            while t2 < e2 { s2 += lam[Int(grp[t2])]; t2 &+= 1 }
            while t3 < e3 { s3 += lam[Int(grp[t3])]; t3 &+= 1 }
            c[j0] = s0; c[j1] = s1; c[j2] = s2; c[j3] = s3
            i += 4
        }
        while i < free.count {
            let j = free[i]
            var s = 0.0
            for t in off[j]..<off[j + 1] { s += lam[Int(grp[t])] }
            c[j] = s
            i += 1
        }
    }

    /// The component of the subgradient for group g, projected on the box 0 ≤ λ_g ≤ r_g: with
    /// y_g = 1 (any y_g in [0, 1] is optimal when r_g − λ_g = 0; taking 1 there lets λ_g leave the
    /// upper end), s_g = hits − 1, and 0 when the step would push λ_g out of the box (λ_g = 0 and
    /// s_g > 0, or λ_g = r_g and s_g < 0). Dropping those components from the direction and its
    /// norm lengthens the steps on the others; the bound is evaluated exactly at every λ, so the
    /// choice of direction changes how fast the bound falls, never whether it is one.
    @inline(__always)
    static func projectedSubgradient(hits: Int32, lambda: Double, weight: Double) -> Int32 {
        let s = hits - 1
        if s > 0 && lambda <= 0 { return 0 }
        if s < 0 && lambda >= weight { return 0 }
        return s
    }

    /// λ ← clamp(λ − θ·gap/‖s‖²·s, 0, r) with s the projected subgradient (see
    /// `projectedSubgradient`). Returns false (and leaves λ) when s = 0. `moving` (capacity: the
    /// number of groups) receives the groups with s ≠ 0 and their s from the pass that sums the
    /// norm, so the step visits only those; the norm is summed in integers (exact: each term is
    /// a small integer square), so every value equals the two-pass float sum's.
    static func subgradientStep(lambda: inout [Double], hits: inout [Int32], c: inout [Double], slack: inout Double,
                                covered: [Bool], model: CoverageModel, top: [ColumnIndex], theta: Double, gap: Double,
                                moving: inout [Int64]) -> Bool {
        var moved = true
        var slackNow = slack
        model.withView { m in
            covered.withUnsafeBufferPointer { cov in
                moving.withUnsafeMutableBufferPointer { mov in
                    withMutableBuffers(&lambda, &hits, &c) { lam, hits, c in
                        let w = m.weight
                        for j in top { for t in m.columnOffsets[j]..<m.columnOffsets[j + 1] { hits[Int(m.columnGroups[t])] += 1 } }
                        defer { for j in top { for t in m.columnOffsets[j]..<m.columnOffsets[j + 1] { hits[Int(m.columnGroups[t])] = 0 } } }
                        // The norm first (collecting the nonzero components), then the step along them.
                        var norm = 0
                        var count = 0
                        for g in 0..<w.count where !cov[g] {
                            let s = Self.projectedSubgradient(hits: hits[g], lambda: lam[g], weight: w[g])
                            if s == 0 { continue }
                            norm &+= Int(s) &* Int(s)
                            mov[count] = Int64(g) << 32 | Int64(UInt32(bitPattern: s))
                            count &+= 1
                        }
                        if norm == 0 {
                            moved = false
                            return
                        }
                        let step = theta * gap / Double(norm)
                        for k in 0..<count {
                            let g = Int(mov[k] >> 32)
                            let s = Double(Int32(truncatingIfNeeded: mov[k]))
                            let before = lam[g]
                            let after = min(w[g], max(0, before - step * s))
                            if after != before {
                                lam[g] = after
                                slackNow += max(0, w[g] - after) - max(0, w[g] - before)
                                let d = after - before
                                for t in m.groupOffsets[g]..<m.groupOffsets[g + 1] { c[Int(m.groupColumns[t])] += d }
                            }
                        }
                    }
                }
            }
        }
        slack = slackNow
        return moved
    }
}
