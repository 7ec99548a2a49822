/// The state of a set of p sites for swap moves (one site out, one in): how many chosen sites cover
/// each group, and the value of every swap. One state serves the swap local search and the tabu
/// search. A class over unchecked buffers so that the hot loops need no nested pointer closures.
///
/// With integer weights (totalling at most 2^53) the swap values are kept up to date by each swap,
/// touching only the groups of the two sites that change (every sum is of integers a Double holds
/// exactly, so it equals the sum computed afresh);
/// otherwise `refresh` computes them afresh before each step, in a fixed order.
final class SwapState {
    let candidateCount: Int
    let groupCount: Int
    /// The chosen sites; `set[k]` is the site at position k.
    private(set) var set: [ColumnIndex]
    /// Weight of the groups the set covers, kept up to date by `swap`.
    private(set) var value: Double
    /// Chosen sites covering each group.
    let count: UnsafeMutableBufferPointer<Int32>
    /// Sum of the chosen sites covering each group: the only one when `count == 1`.
    let owner: UnsafeMutableBufferPointer<Int>
    let inSet: UnsafeMutableBufferPointer<Bool>
    /// Position in `set` of each chosen site.
    let position: UnsafeMutableBufferPointer<Int>
    /// After `evaluate`: per site outside the set, the uncovered weight it would add ...
    let gain: UnsafeMutableBufferPointer<Double>
    /// ... per position, the weight only that site covers ...
    let loss: UnsafeMutableBufferPointer<Double>
    /// ... and per (position, site) the part of that weight the site covers too.
    let extra: UnsafeMutableBufferPointer<Double>
    /// Whether `swap` keeps `gain`, `loss` and `extra` up to date (integer weights only).
    let incremental: Bool
    /// Groups a swap touches, marked by the swap's number (both sites' groups once).
    private let touched: UnsafeMutableBufferPointer<Int>
    private var swaps = 0

    init(model: CoverageModel, set: [ColumnIndex]) {
        candidateCount = model.candidateCount
        groupCount = model.groupCount
        self.set = set
        count = .allocate(capacity: groupCount)
        count.initialize(repeating: 0)
        owner = .allocate(capacity: groupCount)
        owner.initialize(repeating: 0)
        inSet = .allocate(capacity: candidateCount)
        inSet.initialize(repeating: false)
        position = .allocate(capacity: candidateCount)
        position.initialize(repeating: -1)
        gain = .allocate(capacity: candidateCount)
        gain.initialize(repeating: 0)
        loss = .allocate(capacity: set.count)
        loss.initialize(repeating: 0)
        extra = .allocate(capacity: set.count * candidateCount)
        extra.initialize(repeating: 0)
        touched = .allocate(capacity: groupCount)
        touched.initialize(repeating: -1)
        // Exact only while every sum is an integer a Double holds exactly (below 2^53).
        incremental = model.integral && model.total <= 9_007_199_254_740_992
        value = 0
        model.withView { m in
            for (k, c) in set.enumerated() {
                inSet[c] = true
                position[c] = k
                for t in m.columnOffsets[c]..<m.columnOffsets[c + 1] {
                    let g = Int(m.columnGroups[t])
                    count[g] += 1
                    owner[g] += c
                }
            }
            value = coveredWeight(m)
            evaluate(m)
        }
    }

    deinit {
        count.deallocate(); owner.deallocate(); inSet.deallocate(); position.deallocate()
        gain.deallocate(); loss.deallocate(); extra.deallocate(); touched.deallocate()
    }

    /// Makes `gain`, `loss` and `extra` current before a step: nothing to do when the swaps keep
    /// them up to date, else computed afresh.
    func refresh(_ m: CoverageModel.View) {
        if !incremental { evaluate(m) }
    }

    /// The covered weight summed afresh in group order (no drift from the updates).
    func coveredWeight(_ m: CoverageModel.View) -> Double {
        var v = 0.0
        for g in 0..<groupCount where count[g] > 0 { v += m.weight[g] }
        return v
    }

    /// Fills `gain`, `loss` and `extra` for the current set afresh (callers skip the sites they do
    /// not allow).
    private func evaluate(_ m: CoverageModel.View) {
        let K = candidateCount
        for c in 0..<K {
            var s = 0.0
            if !inSet[c] {
                for t in m.columnOffsets[c]..<m.columnOffsets[c + 1] where count[Int(m.columnGroups[t])] == 0 {
                    s += m.weight[Int(m.columnGroups[t])]
                }
            }
            gain[c] = s
        }
        for k in 0..<set.count { loss[k] = 0 }
        for i in 0..<extra.count { extra[i] = 0 }
        for g in 0..<groupCount where count[g] == 1 {
            let k = position[owner[g]]
            loss[k] += m.weight[g]
            let base = k * K
            for t in m.groupOffsets[g]..<m.groupOffsets[g + 1] { extra[base + Int(m.groupColumns[t])] += m.weight[g] }
        }
    }

    /// Change in covered weight when the site at position k leaves and site c comes in.
    @inline(__always)
    func delta(position k: Int, site c: ColumnIndex) -> Double {
        gain[c] - loss[k] + extra[k * candidateCount + c]
    }

    /// What group g adds to the swap values (`sign` 1) or takes back (−1): when no chosen site
    /// covers it, its weight to the gain of every site that would; when one does, its weight to
    /// that site's loss and to the extra of every other site covering it.
    @inline(__always)
    private func contribute(_ g: Int, sign: Double, _ m: CoverageModel.View) {
        let n = count[g]
        if n > 1 { return }
        let w = sign * m.weight[g]
        if n == 0 {
            for t in m.groupOffsets[g]..<m.groupOffsets[g + 1] { gain[Int(m.groupColumns[t])] += w }
        } else {
            let k = position[owner[g]]
            loss[k] += w
            let base = k * candidateCount
            for t in m.groupOffsets[g]..<m.groupOffsets[g + 1] { extra[base + Int(m.groupColumns[t])] += w }
        }
    }

    /// `contribute` for every group exactly one of sites a and b covers (marked by `markShared`).
    /// A group both cover contributes the same before and after a swap of the two: its count
    /// stays, and when it is 1 the one covering site changes from a to b at the same position.
    private func contributeGroups(of a: ColumnIndex, _ b: ColumnIndex, sign: Double, _ m: CoverageModel.View) {
        let shared = 2 * swaps + 1
        for site in 0..<2 {
            let j = site == 0 ? a : b
            for t in m.columnOffsets[j]..<m.columnOffsets[j + 1] {
                let g = Int(m.columnGroups[t])
                if touched[g] == shared { continue }
                contribute(g, sign: sign, m)
            }
        }
    }

    /// Marks the groups both a and b cover (`2·swaps + 1`) for `contributeGroups`.
    private func markShared(_ a: ColumnIndex, _ b: ColumnIndex, _ m: CoverageModel.View) {
        swaps += 1
        let mine = 2 * swaps, shared = mine + 1
        for t in m.columnOffsets[a]..<m.columnOffsets[a + 1] { touched[Int(m.columnGroups[t])] = mine }
        for t in m.columnOffsets[b]..<m.columnOffsets[b + 1] {
            let g = Int(m.columnGroups[t])
            if touched[g] == mine { touched[g] = shared }
        }
    }

    /// Makes the swap, updating counts and `value` (and, when `incremental`, the swap values of
    /// the groups the two sites cover) incrementally.
    func swap(position k: Int, site c: ColumnIndex, _ m: CoverageModel.View) {
        let out = set[k]
        // Take back what the groups of one site only contribute now; added back once the swap is made.
        if incremental {
            markShared(out, c, m)
            contributeGroups(of: out, c, sign: -1, m)
        }
        for t in m.columnOffsets[out]..<m.columnOffsets[out + 1] {
            let g = Int(m.columnGroups[t])
            count[g] -= 1
            owner[g] -= out
            if count[g] == 0 { value -= m.weight[g] }
        }
        for t in m.columnOffsets[c]..<m.columnOffsets[c + 1] {
            let g = Int(m.columnGroups[t])
            if count[g] == 0 { value += m.weight[g] }
            count[g] += 1
            owner[g] += c
        }
        inSet[out] = false
        inSet[c] = true
        position[out] = -1
        position[c] = k
        set[k] = c
        if incremental { contributeGroups(of: out, c, sign: 1, m) }
    }
}

extension CoverageSolver {
    /// Best-improvement swap local search until no swap gains more than the tie tolerance. Returns
    /// the value of the final set.
    func localSearch(_ set: inout [ColumnIndex], allowed: [Bool]) -> Double {
        guard !set.isEmpty else { return 0 }
        let state = SwapState(model: model, set: set)
        let K = model.candidateCount
        let tol = incumbent.tie
        var steps = 0
        return model.withView { m in
            while true {
                steps += 1
                if steps > 1, budget.limits.pastDeadline {
                    set = state.set
                    return state.coveredWeight(m)
                }
                state.refresh(m)
                var bestDelta = tol
                var move: (Int, Int)? = nil
                for k in 0..<set.count {
                    for c in 0..<K where !state.inSet[c] && allowed[c] {
                        let delta = state.delta(position: k, site: c)
                        if delta > bestDelta {
                            bestDelta = delta
                            move = (k, c)
                        }
                    }
                }
                guard let (k, c) = move else {
                    set = state.set
                    return state.coveredWeight(m)
                }
                state.swap(position: k, site: c, m)
            }
        }
    }

    /// Tabu search over swaps: each step makes the best swap whose incoming site did not just
    /// leave and whose outgoing site did not just come in (even a worsening one), unless it beats
    /// the best value found (tenures in `SolverTuning`). Deterministic (ties: lowest positions and
    /// indices). Returns the best set and value seen; stops early once `cancel` is set (by whoever
    /// will not use the answer).
    func tabuSearch(from start: [ColumnIndex], steps: Int, stallLimit: Int, allowed: [Bool]? = nil,
                    cancel: Flag? = nil) -> ([ColumnIndex], Double) {
        let K = model.candidateCount
        let p = start.count
        guard p > 0, p < K else { return (start, model.value(start)) }
        let state = SwapState(model: model, set: start)
        var addTabu = [Int](repeating: -1, count: K)     // may not come in before this step
        var dropTabu = [Int](repeating: -1, count: K)    // may not leave before this step
        var bestSet = start
        var bestValue = state.value
        var sinceBest = 0
        let tol = incumbent.tie
        model.withView { m in
            for step in 0..<steps {
                if step % 16 == 15, cancel?.isSet == true { break }
                if step > 0, budget.limits.pastDeadline { break }
                state.refresh(m)
                var bestDelta = -Double.infinity
                var move = (-1, -1)
                for k in 0..<p {
                    let outTabu = dropTabu[state.set[k]] > step
                    for c in 0..<K where !state.inSet[c] && allowed?[c] != false {
                        let delta = state.delta(position: k, site: c)
                        if delta <= bestDelta + tol { continue }
                        if (outTabu || addTabu[c] > step) && state.value + delta <= bestValue + tol { continue }
                        bestDelta = delta
                        move = (k, c)
                    }
                }
                if move.0 < 0 { break }
                let (k, c) = move
                let out = state.set[k]
                state.swap(position: k, site: c, m)
                addTabu[out] = step + tuning.addTenureBase + (step % tuning.addTenureCycle)
                dropTabu[c] = step + tuning.dropTenure
                if state.value > bestValue + tol {
                    bestValue = state.value
                    bestSet = state.set
                    sinceBest = 0
                } else {
                    sinceBest += 1
                    if sinceBest >= stallLimit { break }
                }
            }
        }
        return (bestSet.sorted(), model.value(bestSet))
    }
}

extension CoverageSolver {
    /// `greedy`'s choice (marginal gain, ties the lowest index, stopping at a gain of 0), found
    /// lazily: every gain is computed once, then only the best candidate's is recomputed until it
    /// stays the best. Gains only shrink as sites are added, and a gain summed over fewer of the
    /// same non-negative terms, in the same order, is never larger in floating point either, so a
    /// stale gain is an upper bound and the choice is `greedy`'s exactly. For refills that add a
    /// few sites to a nearly full set (the kicks), where `greedy` scans every list once per site.
    func lazyGreedy(start: [ColumnIndex], count: Int, allowed: [Bool]) -> [ColumnIndex] {
        var set = start
        guard set.count < count else { return set }
        let K = model.candidateCount
        return model.withView { m in
            var covered = [Bool](repeating: false, count: model.groupCount)
            var chosen = [Bool](repeating: false, count: K)
            for c in start {
                chosen[c] = true
                for t in m.columnOffsets[c]..<m.columnOffsets[c + 1] { covered[Int(m.columnGroups[t])] = true }
            }
            func gain(_ c: Int) -> Double {
                var s = 0.0
                for t in m.columnOffsets[c]..<m.columnOffsets[c + 1] where !covered[Int(m.columnGroups[t])] {
                    s += m.weight[Int(m.columnGroups[t])]
                }
                return s
            }
            // A max-heap of (stale gain, candidate): larger gain first, then lower index.
            var heap: [(Double, Int)] = []
            heap.reserveCapacity(K)
            for c in 0..<K where allowed[c] && !chosen[c] {
                let g = gain(c)
                if g > 0 { heap.append((g, c)) }
            }
            func above(_ a: (Double, Int), _ b: (Double, Int)) -> Bool { a.0 > b.0 || (a.0 == b.0 && a.1 < b.1) }
            func siftDown(_ i0: Int) {
                var i = i0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var b = i
                    if l < heap.count && above(heap[l], heap[b]) { b = l }
                    if r < heap.count && above(heap[r], heap[b]) { b = r }
                    if b == i { return }
                    heap.swapAt(i, b)
                    i = b
                }
            }
            for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
            while set.count < count && !heap.isEmpty {
                let c = heap[0].1
                let g = gain(c)
                if g <= 0 {
                    // No gain left for it: out of the heap (its gain can only stay 0).
                    heap[0] = heap[heap.count - 1]
                    heap.removeLast()
                    if !heap.isEmpty { siftDown(0) }
                    continue
                }
                heap[0].0 = g
                siftDown(0)
                if heap[0].1 != c { continue }  // another's stale gain is higher: look at it first
                chosen[c] = true
                set.append(c)
                for t in m.columnOffsets[c]..<m.columnOffsets[c + 1] { covered[Int(m.columnGroups[t])] = true }
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
                if !heap.isEmpty { siftDown(0) }
            }
            return set
        }
    }
}
