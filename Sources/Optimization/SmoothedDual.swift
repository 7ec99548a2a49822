import Foundation

/// The Lagrangian dual of the covering constraints minimised by an accelerated gradient method on
/// a smoothed copy of L, instead of subgradient steps: for the first relaxation of the full
/// model's root (after a few subgradient steps), where the multipliers start far from the LP
/// optimum, and at every branch-and-bound node, warm-started from its parent's multipliers.
///
/// With 0 ≤ λ ≤ r, L(λ) = Σ_g (r_g − λ_g) + top_q(c(λ)), c_j = Σ_{g ∈ j} λ_g: linear but for the sum
/// of the q largest column values, top_q(c) = max { cᵀx : 0 ≤ x ≤ 1, Σ x = q }. Adding μ times the
/// binary entropy of x to that maximum smooths it (Nesterov):
///
///     top_q^μ(c) = min_τ  q·τ + μ Σ_j softplus((c_j − τ) / μ),   x_j = sigmoid((c_j − τ) / μ),
///
/// with τ the level at which Σ x_j = q, and gradient −1 + Σ_{j covers g} x_j in λ_g. FISTA (projected
/// on the box, step found by backtracking on the smoothed function, restarted when the smoothed
/// value rises) minimises it while μ halves every `SmoothingTuning.halving` steps (continuation;
/// in a probe or a node also kept at most `SmoothingTuning.targetShare` of the gap left). The
/// smoothed function only steers the steps: at every point visited, L itself is evaluated exactly
/// (the column values are computed anyway), and the relaxation returns the best of those points,
/// re-evaluated from scratch, so its bound is L at those multipliers: a proof like any other.
///
/// In a paced relaxation (a probe, a node) the step is taken in a diagonal metric: each group's
/// multiplier moves by its gradient times the step times a scale s_g, √r_g over the mean √r of the
/// uncovered groups, kept within [1/`stepScaleSpread`, `stepScaleSpread`] (a group of more weight
/// has a wider box [0, r_g] to cross); the backtracking's quadratic model measures the step in
/// that metric (Σ d_g² / s_g).
///
/// On the random 2,000 × 500 instances (a prototype, counting passes over the coverage lists):
/// 500–600 passes bring the bound within ~2.5 units of the LP value, where 2,000 subgradient steps
/// from the same start stay ~8 above it (R1: 9,467 against the LP's 9,464.9 and 9,473).
extension CoverageSolver {
    /// The first relaxation of the full model's root, from `startLambda`: `subgradientSteps`
    /// subgradient steps first (on instances whose LP value is the incumbent's they prove it at
    /// once: the Polyak step aims at the incumbent), then, unless that proved the incumbent, the
    /// smoothed dual from their best multipliers for up to `evaluations` passes. The better of the
    /// two relaxations. When `iterations` is less than both together, `iterations` subgradient
    /// steps, as in every other relaxation.
    mutating func rootRelax(covered: [Bool], base: Double, free: [ColumnIndex], q: Int, lambda startLambda: [Double],
                            theta: Double, iterations: Int) -> Relaxation {
        let settings = tuning.smoothing
        // A root budget too short for both (the capacitated solver's covering bound: 600) keeps
        // the subgradient steps throughout.
        let smooth = iterations >= settings.subgradientSteps + settings.evaluations
        let steps = smooth ? settings.subgradientSteps : iterations
        let r = relax(covered: covered, base: base, free: free, fixedIn: [], q: q, lambda: startLambda, theta: theta,
                      iterations: steps, polish: true)
        if !smooth || optimality.cannotImprove(r.ub, over: target) || lagrangeIterations >= budget.limits.passes { return r }
        let left = settings.evaluations
        let s = smoothRelax(covered: covered, base: base, free: free, fixedIn: [], q: q, lambda: r.lambda,
                            evaluations: left, polish: true, stopsAtHandover: settings.stopsAtHandover && budget.coreHandoff
                                && model.byCandidate.edgeCount >= tuning.splitMinimumLinks)
        return s.ub < r.ub ? s : r
    }

    /// The smoothed relaxation at a node (groups covered by fixed-in sites removed, base added),
    /// from `startLambda`, for at most `evaluations` passes over the columns (each a value of L
    /// and of its smoothed copy). Offers the relaxation's site sets as the subgradient relaxation
    /// does (with `polish` the promising ones after a swap local search). The share returned is
    /// the smoothed solution x at the last point (an estimate of the LP's x), which the branch and
    /// bound branches on. `resumed` (warm starts: a resumed root, every branch-and-bound node)
    /// starts μ at `resumeShare` instead of `startShare`; `paced` stops, as a subgradient node
    /// does, when the bound's descent over the last `nodeProgressWindow` passes, kept up for the
    /// passes left, could not bring it down to the target. With `split` (a worker thread that has
    /// nothing else to do), each pass's large loops run in two parts at once (`PassSplit`), with
    /// the same results to the bit.
    mutating func smoothRelax(covered: [Bool], base: Double, free: [ColumnIndex], fixedIn: [ColumnIndex], q: Int,
                              lambda startLambda: [Double], evaluations: Int, polish: Bool, resumed: Bool = false,
                              paced: Bool = false, stopsAtHandover handover: Bool = false, split: PassSplit? = nil) -> Relaxation {
        let G = model.groupCount
        let K = model.candidateCount
        var uncoveredWeight = 0.0
        var uncovered = 0
        for g in 0..<G where !covered[g] { uncoveredWeight += model.weight[g]; uncovered += 1 }
        var best = Relaxation(ub: .infinity, lambda: startLambda, c: [Double](repeating: 0, count: K), top: [], next: 0,
                              theta: tuning.resumeTheta)
        guard uncovered > 0, free.count > q, q > 0 else {
            return relaxFinish(best, covered: covered, base: base, free: free, q: q, share: [])
        }
        let settings = tuning.smoothing
        var mu = (resumed ? settings.resumeShare : settings.startShare) * uncoveredWeight / Double(free.count)
        let scale = Self.stepScales(weight: model.weight, covered: covered, spread: paced ? settings.stepScaleSpread : 1)
        let window = max(1, tuning.nodeProgressWindow)
        var recent = [Double](repeating: .infinity, count: window)
        var count = 0
        var c = [Double](repeating: 0, count: K)
        var x = [Double](repeating: 0, count: K)
        var tau = 0.0
        var tauKnown = false
        var active: [ColumnIndex] = []
        active.reserveCapacity(free.count)
        var polishes = 0
        var lastTop: [ColumnIndex] = []
        var evaluationsLeft = evaluations
        var bestUB = Double.infinity
        // Whether the best point's column values were summed at it (not extrapolated): its bound
        // is then exactly what `relaxFinish` would recompute, and it does not.
        var bestSummed = false
        var stop = false
        let negligible = settings.negligible
        // The free columns by the length of their lists, for the column sums (each value is its own
        // list's sum whatever the order the columns are taken in): the four columns summed
        // together (`sumColumns`) then end at about the same link, and few links are left to sum
        // one column at a time.
        let summed = model.byListLength(free)
        let freeMid = split?.freeMid(summed, model: model, firstPartExtra: tuning.parallelSumLinks * uncovered) ?? 0
        var scratch: [ColumnIndex] = []
        var terms: [Double] = []
        let splitColumns = tuning.parallelSmoothingMinimumColumns

        // Smoothed value at λ (and x, the smoothed top-q solution); records L there (exact when
        // the column values are summed here; at an extrapolated point to the last bits, and
        // `relaxFinish` recomputes the best point's exactly). `known`: the column values at λ are in
        // `c` already and this is the sum over the uncovered groups of max(0, r_g − λ_g)
        // (extrapolated points, below); nil: computed here. Either way the pass counts the model's
        // links as work (a deterministic effort measure, not a cost).
        func evaluate(_ lam: [Double], known: Double? = nil) -> Double {
            evaluationsLeft -= 1
            lagrangeIterations += 1
            work += model.byCandidate.edgeCount
            let linear: Double, top: [ColumnIndex], next: Double
            // (The worker may be left out of a pass, when it has lately not been there in time:
            // the one-thread loops then, with the same results.)
            let two = split?.engaged()
            if let known {
                linear = base + known
                (top, next) = Self.top(q, of: free, values: c)
            } else if let split = two {
                let (sum, t, n) = split.values(lambda: lam, covered: covered, model: model, free: summed, freeMid: freeMid, q: q,
                                               into: &c, scratch: &scratch)
                (linear, top, next) = (base + sum, t, n)
            } else {
                linear = base + Self.columnValues(zeroOnCovered: lam, covered: covered, model: model, free: summed, into: &c)
                (top, next) = Self.top(q, of: free, values: c)
            }
            var ub = linear
            for j in top { ub += c[j] }
            let improved = ub < bestUB
            if improved {
                bestUB = ub
                best = Relaxation(ub: ub, lambda: lam, c: c, top: top, next: next, theta: tuning.resumeTheta)
                bestSummed = known == nil
            }
            if top != lastTop {
                lastTop = top
                offerRelaxed(top, fixedIn: fixedIn, polish: polish, polishes: &polishes)
            }
            if optimality.cannotImprove(bestUB, over: target) { stop = true }
            if handover && improved && handsOver(best, free: free, q: q) { stop = true }
            // The deadline and the pass cap (L at this point is recorded: the bound stays one).
            if budget.limits.pastDeadline || lagrangeIterations >= budget.limits.passes { stop = true }
            if paced {
                if count >= window {
                    let descent = recent[count % window] - bestUB
                    let left = Double(evaluationsLeft) / Double(window)
                    if descent * left < bestUB - target { stop = true }
                }
                recent[count % window] = bestUB
                count += 1
            }
            if !tauKnown { tau = 0.5 * (c[top[q - 1]] + next); tauKnown = true }
            return linear + Self.smoothedTop(q, of: free, values: c, next: next, mu: mu, tau: &tau, x: &x, active: &active,
                                             split: two, minimumColumns: splitColumns, terms: &terms)
        }
        // Gradient of the smoothed L at the point `evaluate` saw last: −1 + Σ_{j covers g} x_j.
        func gradient(into grad: inout [Double]) {
            if let split = split?.engaged() {
                split.gradient(x: x, active: active, covered: covered, negligible: negligible, model: model, into: &grad)
                return
            }
            model.withView { m in
                covered.withUnsafeBufferPointer { cov in
                    x.withUnsafeBufferPointer { x in
                        grad.withUnsafeMutableBufferPointer { grad in
                            for g in 0..<G { grad[g] = -1 }
                            for j in active where x[j] > negligible {
                                let xj = x[j]
                                for t in m.columnOffsets[j]..<m.columnOffsets[j + 1] { grad[Int(m.columnGroups[t])] += xj }
                            }
                            for g in 0..<G where cov[g] { grad[g] = 0 }
                        }
                    }
                }
            }
        }

        // The steps never move a covered group's multiplier (`projectedStep`, `extrapolate`): held
        // at 0 during the passes, so that the column values need no copy of λ with those masked
        // (adding +0.0 to a column's sum changes no bit), and put back in the answer.
        var lam = startLambda
        if uncovered < G { for g in 0..<G where covered[g] { lam[g] = 0 } }
        var y = lam
        var grad = [Double](repeating: 0, count: G)
        var trial = lam
        var t = 1.0
        var lipschitz = settings.startCurvature
        var fy = evaluate(y)
        gradient(into: &grad)
        // The exact column values at λ (the free columns'), and a buffer for those at the trial
        // point: the extrapolated point's values follow from them (`extrapolatedColumns`).
        var cLam = c
        var cTrial = c
        var previous = Double.infinity
        var iteration = 0
        while evaluationsLeft > 0 && !stop {
            // Backtracking: the largest step 1/L with a quadratic upper model at y.
            var fTrial = 0.0
            while true {
                let (dot, norm) = Self.projectedStep(from: y, along: grad, step: 1 / lipschitz, scale: scale,
                                                     weight: model.weight, covered: covered, into: &trial)
                fTrial = evaluate(trial)
                if stop || evaluationsLeft <= 0 || fTrial <= fy + dot + 0.5 * lipschitz * norm + 1e-9 * max(1, abs(fy)) { break }
                lipschitz *= 2
            }
            if stop { break }
            iteration += 1
            var tNext = (1 + (1 + 4 * t * t).squareRoot()) / 2
            var momentum = (t - 1) / tNext
            if fTrial > previous {
                // The smoothed value rose: restart the momentum.
                tNext = 1
                momentum = 0
            }
            Self.extrapolate(trial, from: lam, momentum: momentum, weight: model.weight, into: &y)
            // `c` holds the trial point's values (its evaluation, just above): y's follow from them
            // and λ's without a pass over the links; the trial point becomes λ.
            swap(&cTrial, &c)
            let linearAtY = Self.extrapolatedColumns(trial: trial, lambda: lam, y: y, momentum: momentum, atTrial: cTrial,
                                                     atLambda: cLam, covered: covered, model: model, free: free, into: &c)
            swap(&cLam, &cTrial)
            swap(&lam, &trial)
            previous = fTrial
            t = tNext
            if iteration % settings.halving == 0 {
                mu /= 2
                previous = .infinity
            }
            // A paced relaxation (a probe, a node) ends once its bound falls below the target: μ
            // is kept at most `targetShare` of the distance left to the target (a share chosen by
            // measurement, see there), never below 10⁻⁸ of the bound (below about 10⁻¹⁰ of the
            // values, `smoothedTop`'s Newton steps could no longer place the level).
            if paced {
                let cap = max(settings.targetShare * (bestUB - target), 1e-8 * abs(bestUB))
                if cap > 0 && mu > cap {
                    mu = cap
                    previous = .infinity
                }
            }
            lipschitz *= settings.curvatureDecay
            if evaluationsLeft <= 0 { break }
            fy = evaluate(y, known: linearAtY)
            if stop { break }
            gradient(into: &grad)
        }
        var out = relaxFinish(best, covered: covered, base: base, free: summed, q: q, share: x, summed: bestSummed,
                              split: split, freeMid: freeMid)
        if uncovered < G { for g in 0..<G where covered[g] { out.lambda[g] = startLambda[g] } }
        out.smoothed = true
        return out
    }

    /// Whether reduced-cost fixing with this relaxation, against the current target, would settle
    /// enough free sites (in or out, as `fixByReducedCost` does) for the root to hand the search
    /// over to a core (`SolverTuning.coreFraction`) that is not probed: fewer than
    /// `SolverTuning.probingMinimumFree` sites left free.
    func handsOver(_ r: Relaxation, free: [ColumnIndex], q: Int) -> Bool {
        let qth = r.c[r.top[q - 1]]
        var settled = 0
        for j in free {
            if r.top.contains(j) {
                if optimality.cannotImprove(r.ub - r.c[j] + r.next, over: target) { settled += 1 }
            } else if optimality.cannotImprove(r.ub - qth + r.c[j], over: target) {
                settled += 1
            }
        }
        return Double(settled) >= tuning.coreFraction * Double(free.count) && free.count - settled < tuning.probingMinimumFree
    }

    /// trial = clamp(y − step·s·grad, 0, r) on the uncovered groups (y elsewhere), s the group's
    /// scale; returns (⟨grad, trial − y⟩, Σ (trial − y)² / s) for the backtracking test. (Scales of
    /// 1 give the plain projected step to the bit: multiplying and dividing by 1 are exact.)
    static func projectedStep(from y: [Double], along grad: [Double], step: Double, scale: [Double],
                              weight: [Double], covered: [Bool], into trial: inout [Double]) -> (Double, Double) {
        var dot = 0.0, norm = 0.0
        y.withUnsafeBufferPointer { y in
            grad.withUnsafeBufferPointer { grad in
                weight.withUnsafeBufferPointer { w in
                    covered.withUnsafeBufferPointer { cov in
                        scale.withUnsafeBufferPointer { s in
                            trial.withUnsafeMutableBufferPointer { out in
                                for g in 0..<y.count {
                                    if cov[g] { out[g] = y[g]; continue }
                                    let v = min(w[g], max(0, y[g] - step * s[g] * grad[g]))
                                    out[g] = v
                                    let d = v - y[g]
                                    dot += grad[g] * d
                                    norm += d * d / s[g]
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dot, norm)
    }

    /// The step's scale per group (see the type's comment): √r_g over the mean √r of the uncovered
    /// groups, within [1/spread, spread]; 1 on covered groups, and 1 everywhere when `spread` is at
    /// most 1 (outside paced relaxations) or every group is covered.
    static func stepScales(weight: [Double], covered: [Bool], spread: Double) -> [Double] {
        var scale = [Double](repeating: 1, count: weight.count)
        guard spread > 1 else { return scale }
        var total = 0.0, uncovered = 0
        for g in weight.indices where !covered[g] {
            total += weight[g].squareRoot()
            uncovered += 1
        }
        guard uncovered > 0, total > 0 else { return scale }
        let mean = total / Double(uncovered)
        for g in weight.indices where !covered[g] { scale[g] = min(spread, max(1 / spread, weight[g].squareRoot() / mean)) }
        return scale
    }

    /// y = clamp(point + momentum·(point − previous), 0, r) (FISTA's extrapolation, on the box).
    static func extrapolate(_ point: [Double], from previous: [Double], momentum: Double, weight: [Double],
                            into y: inout [Double]) {
        point.withUnsafeBufferPointer { a in
            previous.withUnsafeBufferPointer { b in
                weight.withUnsafeBufferPointer { w in
                    y.withUnsafeMutableBufferPointer { y in
                        for g in 0..<y.count { y[g] = min(w[g], max(0, a[g] + momentum * (a[g] - b[g]))) }
                    }
                }
            }
        }
    }

    /// The column values at the extrapolated point y = clamp(t + m·(t − λ), 0, r) from those at
    /// t and λ (exact, the free columns'): c(t) + m·(c(t) − c(λ)) is linear in the point, so only
    /// the groups the box clamps (a few per cent) are corrected, each over its columns. Returns
    /// the sum over the uncovered groups of max(0, r_g − y_g), in ascending order as
    /// `columnValues` sums it. Rounding makes these values differ from a direct sum in the last
    /// bits, never by drift (each step starts from exact values): the points they reach are
    /// evaluated exactly before they count as a bound (`relaxFinish`).
    static func extrapolatedColumns(trial t: [Double], lambda l: [Double], y: [Double], momentum m: Double,
                                    atTrial ct: [Double], atLambda cl: [Double], covered: [Bool], model: CoverageModel,
                                    free: [ColumnIndex], into c: inout [Double]) -> Double {
        var sum = 0.0
        model.withView { view in
            c.withUnsafeMutableBufferPointer { c in
                ct.withUnsafeBufferPointer { ct in
                    cl.withUnsafeBufferPointer { cl in
                        for j in free { c[j] = ct[j] + m * (ct[j] - cl[j]) }
                    }
                }
                t.withUnsafeBufferPointer { t in
                    l.withUnsafeBufferPointer { l in
                        y.withUnsafeBufferPointer { y in
                            covered.withUnsafeBufferPointer { cov in
                                model.weight.withUnsafeBufferPointer { w in
                                    var s = 0.0
                                    for g in 0..<y.count where !cov[g] {
                                        s += max(0, w[g] - y[g])
                                        let unclamped = t[g] + m * (t[g] - l[g])
                                        if unclamped != y[g] {
                                            let d = y[g] - unclamped
                                            for k in view.groupOffsets[g]..<view.groupOffsets[g + 1] { c[Int(view.groupColumns[k])] += d }
                                        }
                                    }
                                    sum = s
                                }
                            }
                        }
                    }
                }
            }
        }
        return sum
    }

    /// The best point's bound recomputed exactly from its multipliers (no drift), with `share`;
    /// with `split` (the multipliers then 0 on the covered groups) engaged for the stretch, on two
    /// threads (the same values). `summed`: the point's column values were summed at it, in this
    /// order (the slack, each free column, the q best), not extrapolated: its bound, columns and
    /// sites are already these to the bit, and only the values of columns not free (extrapolation
    /// may have left some in `c`) are set to 0, as a fresh sum leaves them.
    private func relaxFinish(_ found: Relaxation, covered: [Bool], base: Double, free: [ColumnIndex], q: Int,
                             share: [Double], summed: Bool = false, split: PassSplit? = nil, freeMid: Int = 0) -> Relaxation {
        var best = found
        if summed {
            var isFree = [Bool](repeating: false, count: model.candidateCount)
            for j in free { isFree[j] = true }
            for j in 0..<model.candidateCount where !isFree[j] { best.c[j] = 0 }
            best.theta = tuning.resumeTheta
            best.share = share
            return best
        }
        var exactC = [Double](repeating: 0, count: model.candidateCount)
        var ub: Double, top: [ColumnIndex], next: Double
        if let split = split?.engaged() {
            var scratch: [ColumnIndex] = []
            let (sum, t, n) = split.values(lambda: best.lambda, covered: covered, model: model, free: free, freeMid: freeMid, q: q,
                                           into: &exactC, scratch: &scratch)
            (ub, top, next) = (base + sum, t, n)
        } else {
            ub = base + Self.columnValues(lambda: best.lambda, covered: covered, model: model, free: free, into: &exactC)
            (top, next) = Self.top(q, of: free, values: exactC)
        }
        for j in top { ub += exactC[j] }
        best = Relaxation(ub: ub, lambda: best.lambda, c: exactC, top: top, next: next, theta: tuning.resumeTheta)
        best.share = share
        return best
    }

    /// top_q^μ(c) over the free columns (see the type's comment): solves Σ sigmoid((c_j − τ)/μ) = q
    /// for τ by safeguarded Newton steps from the given τ, leaves x_j (0 for columns not free).
    /// `next` is the (q+1)-th largest value: τ ≥ next − μ·ln q (else the q + 1 best columns alone
    /// would sum to more than q), so a column more than `negligibleSpan`·μ below that has x_j and
    /// softplus below e^−37 of a unit, left out (0). With `split` and at least `minimumColumns`
    /// columns left in, each column's exponential and at the end its x_j and softplus term are
    /// computed in two halves at once into `terms`, and added up here in the columns' order: the
    /// same sums to the bit.
    static func smoothedTop(_ q: Int, of free: [ColumnIndex], values c: [Double], next: Double, mu: Double,
                            tau: inout Double, x: inout [Double], active: inout [ColumnIndex], split: PassSplit? = nil,
                            minimumColumns: Int = 0, terms: inout [Double]) -> Double {
        let cut = next - mu * (log(Double(q)) + negligibleSpan)
        active.removeAll(keepingCapacity: true)
        var lo = Double.infinity, hi = -Double.infinity
        for j in free {
            x[j] = 0
            if c[j] >= cut {
                active.append(j)
                lo = min(lo, c[j])
                hi = max(hi, c[j])
            }
        }
        lo -= negligibleSpan * mu
        hi += negligibleSpan * mu
        var level = min(max(tau, lo), hi)
        let target = Double(q)
        let n = active.count
        let two = n >= minimumColumns ? split : nil
        // terms[0..<n]: each active column's factor a_k = exp(−(c_k − ref)/μ) at a reference
        // level, so that its sigmoid at a level is 1 / (1 + a_k·exp((level − ref)/μ)), which is
        // σ((c_k − level)/μ) with one exponential per column per call instead of one per column per
        // Newton step. The factors are taken again whenever the level strays more than
        // `referenceSpan` μ from the reference, so that no factor that matters overflows.
        // terms[n..<2n]: the softplus terms at the end.
        if terms.count < 2 * n { terms = [Double](repeating: 0, count: 2 * max(n, free.count)) }
        var reference = level
        var taken = false
        // `body` over 0..<n: in two halves at once with `two`, else in one loop (the same values).
        func inParts(_ body: (Range<Int>) -> Void) {
            if let two { two.halves(n, body) } else { body(0..<n) }
        }
        // exp((at − reference)/μ), the factors taken first (again, at `at`) when there are none
        // yet or `at` is more than `referenceSpan` μ from their reference.
        func scale(at: Double) -> Double {
            if !taken || abs(at - reference) > referenceSpan * mu {
                reference = at
                taken = true
                active.withUnsafeBufferPointer { act in
                    c.withUnsafeBufferPointer { c in
                        terms.withUnsafeMutableBufferPointer { s in
                            inParts { range in
                                for k in range { s[k] = exp(min(maxExponent, (at - c[act[k]]) / mu)) }
                            }
                        }
                    }
                }
            }
            return exp((at - reference) / mu)
        }
        for _ in 0..<60 {
            let e = scale(at: level)
            var sum = 0.0, slope = 0.0
            // On one thread even with `split`: a step is a division a column, less than the
            // threads' meeting would cost.
            terms.withUnsafeBufferPointer { s in
                for k in 0..<n {
                    let v = 1 / (1 + s[k] * e)
                    sum += v
                    slope += v * (1 - v)
                }
            }
            let excess = sum - target
            if abs(excess) <= 1e-9 * target { break }
            if excess > 0 { lo = level } else { hi = level }
            let newton = level + excess * mu / max(slope, 1e-300)
            level = newton > lo && newton < hi ? newton : 0.5 * (lo + hi)
            if hi - lo <= 1e-12 * max(1, abs(level)) { break }
        }
        tau = level
        let e = scale(at: level)
        var value = target * level
        let at = level
        active.withUnsafeBufferPointer { act in
            c.withUnsafeBufferPointer { c in
                x.withUnsafeMutableBufferPointer { x in
                    terms.withUnsafeMutableBufferPointer { s in
                        inParts { range in
                            for k in range { (x[act[k]], s[n + k]) = smoothedShare(c[act[k]], level: at, mu: mu, factor: s[k] * e) }
                        }
                        for k in 0..<n { value += s[n + k] }
                    }
                }
            }
        }
        return value
    }

    /// A column's smoothed x_j = σ(z) at the level and its term μ·softplus(z) of top_q^μ,
    /// z = (c_j − level)/μ, from t = exp(−z): softplus(z) = z + log1p(t) when t ≤ 1, log1p(1/t)
    /// above (an infinite t, a column far below the level, gives 0 and 0; a zero t, far above, 1 and z·μ).
    @inline(__always)
    private static func smoothedShare(_ cj: Double, level: Double, mu: Double, factor t: Double) -> (Double, Double) {
        (1 / (1 + t), t <= 1 ? mu * ((cj - level) / mu + log1p(t)) : mu * log1p(1 / t))
    }

    /// Beyond this many μ from the level, a column's sigmoid is 0 or 1 to double precision.
    static var negligibleSpan: Double { 37 }
    /// `smoothedTop`'s Newton steps reuse each column's exponential while the level stays within
    /// this many μ of the level it was taken at; `maxExponent` keeps a factor finite (a column
    /// that far below the level has a sigmoid of 0 either way).
    static var referenceSpan: Double { 60 }
    static var maxExponent: Double { 700 }
}

/// The smoothed dual's tuning (`CoverageSolver.rootRelax`, `smoothRelax`); part of `SolverTuning`.
/// Chosen on the random 2,000 × 500 instances R1–R5 and A, B, C1–C5 (BENCHMARKS.md).
struct SmoothingTuning: Sendable {
    /// Subgradient steps at the root before the smoothed dual (instances whose LP value is an
    /// integer answer are proven within them), and the passes over the columns the smoothed dual
    /// spends there at most.
    var subgradientSteps = 300
    var evaluations = 500
    /// Passes of the continuation when the root relaxation is resumed after the incumbent improved;
    /// μ's starting share of the mean column value there and at the nodes (warm starts).
    var resumeEvaluations = 200
    var resumeShare = 0.01
    /// Whether the branch-and-bound nodes (after the root, in the full model and in a core) relax
    /// with the smoothed dual (warm-started, paced, at most `nodeIterations` passes) instead of
    /// subgradient steps.
    var atNodes = true
    /// μ starts at this share of the mean column value (Σ uncovered weight / free columns) ...
    var startShare = 0.2
    /// ... and halves every this many accelerated steps.
    var halving = 40
    /// In a paced relaxation (a probe, a node) μ is also kept at most this share of the best
    /// bound's distance above the target: the closer a probe gets, the finer the smoothing.
    /// 0.2 against none, passes of whole solves on one thread (2026-12-01): R1–R10
    /// −10 %, fewer in 9 of 10 (R4 +5 %); R11–R20, not looked at while choosing, −6 %, fewer in 9
    /// of 10 (R14 unproven either way, +0.1 %); B −0.5 %, C1–C5 −6 %. On R1–R10, B and C together:
    /// 0.15 −7 %, 0.2 −7 %, 0.3 −6 %; on R4, R5, R8, R9, R10: 0.1 −0.5 %, 0.05 +75 %, 0.02 four of
    /// the five unproven.
    var targetShare = 0.2
    /// The spread of the step's scales per group in a paced relaxation (see `CoverageSolver`'s
    /// smoothed dual): √r_g over its mean, within [1/spread, spread]; 1 turns the scaling off.
    /// 2 against none, passes of whole solves on one thread (2026-12-02): R1–R10 33,747 → 32,269
    /// (−4.4 %; R4 −9.4 %, R8 −4.7 %, R5 −3.2 %), fewer on each; R11–R20, not looked at while
    /// choosing, −4.2 % on the nine proven, fewer on each (R14 unproven either way); A, B, C1–C5
    /// −1.7 % (B −2.4 %, C3 +2.8 %). Spread 1.5 or 3, or exponents 0.35–1 of r_g instead of ½:
    /// −3 to −5 % on R1–R10 as well; scales from the groups' curvature (Σ x_j(1 − x_j) over their
    /// columns) or also at the root: worse.
    var stepScaleSpread = 2.0
    /// The backtracking's first guess of the smoothed function's curvature, and the factor it
    /// shrinks by after each step (so the steps can grow again).
    var startCurvature = 100.0
    var curvatureDecay = 0.9
    /// Columns with a smoothed x_j at most this are left out of the gradient. 10⁻⁶ against 10⁻¹²
    /// (2026-12-02, R4, one thread): a third of the gradient's links are those of columns between
    /// the two (their x_j adds at most a few 10⁻⁵ to a component of order 1), 6 % fewer
    /// instructions in all; passes on R1–R10 within −0.3 % and +0.1 % of 10⁻¹²'s, the same answers.
    /// 10⁻⁵ already moves the steps enough to change the passes by −16 % (R4) to +49 % (R5).
    var negligible = 1e-6
    /// Whether the smoothed dual at the root of a model that may hand its search over to a core
    /// stops as soon as reduced-cost fixing with its bound, against its own incumbent, would hand
    /// over to a core small enough not to be probed (`CoverageSolver.handsOver`): the rest of the
    /// search runs in that core, whose passes cost a fraction of the full model's, from these
    /// multipliers. Only on models of at least `SolverTuning.splitMinimumLinks` links, where the
    /// root's passes cost most (on the small models of one district, such as the default
    /// dataset's, the tree would reach another optimal site set of the same value).
    var stopsAtHandover = true
}
