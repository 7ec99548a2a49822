import Foundation
import Synchronization

/// The loops of one relaxation pass on two threads (`SmoothedDual.swift`): while the solver's other
/// thread has nothing to do (Lagrangian probing, the root relaxation resumed on the full model),
/// the pass's large loops are split in two parts, the calling thread running one and a worker
/// thread the other. Every part writes its own elements (a column's value, a group's gradient
/// component, a column's smoothed share) computed exactly as one loop computes them, and every
/// sum across parts is added up afterwards by the calling thread in the one-loop order: the
/// results are the same to the bit on one thread and two (see `PassSplit`).
///
/// A pass is some 30 µs on the 2,000 × 500 instances, so the worker lives as long as the
/// relaxations that use it (all of probing), the caller takes the worker's part itself when the
/// worker is not there to take it (descheduled on a loaded machine, or asleep), and a side that
/// waits spins briefly, then blocks (`PassTeam.spinNanoseconds`).
protocol PassWorkers: AnyObject {
    /// Runs `body(0)` on the calling thread and `body(1)` on the worker (or on the calling thread
    /// too, after `body(0)`, when the worker has not taken it by then); returns when both have.
    /// The two calls must write disjoint memory and compute the same whichever thread runs them.
    func split(_ body: (Int) -> Void)
    /// Whether the next parallel stretch should use the worker: false for a while after it was
    /// late (each call counts one stretch of that while); the caller then runs the one-thread
    /// loops, with the same results.
    func engage() -> Bool
    /// Ends the worker thread (waits for it to leave its loop). Idempotent; no `split` after it.
    func stop()
}

/// A worker thread for `PassWorkers`, on `Synchronization`'s atomics (macOS 15 and later; always
/// on Linux). Nil where they are not available: the passes then run on one thread, with the same
/// results.
/// `alwaysWorker` (tests): the caller never takes the worker's part, it waits for the worker, so
/// that every split runs on two threads even on a loaded machine (where the worker is often late).
func makePassWorkers(alwaysWorker: Bool = false) -> (any PassWorkers)? {
    if #available(macOS 15.0, *) { return PassTeam(alwaysWorker: alwaysWorker) }
    return nil
}

/// The worker thread and its meeting point. The caller posts a part (`posted` counts them), runs
/// its own part, then claims the posted one itself (`claimed`, a compare-and-exchange) unless the
/// worker has claimed it already, in which case it waits for the worker to report it done
/// (`finished`). So a worker that is descheduled (a loaded machine) or asleep never holds the
/// caller up: the caller runs both parts, as one thread would. Each side waits for the other's
/// counter by spinning up to `spinNanoseconds`, then on `condition`, having said so (`workerAsleep`,
/// `callerAsleep`) so that the other side wakes it. When the worker was spinning for the part and
/// still came too late (descheduled), the caller leaves the worker out of the next stretches of
/// splits (`engage`, a pass's values or its gradient) for a while (`solo`, doubling from
/// `firstBackoff` to `longestBackoff` stretches while that repeats), and for `longestBackoff`
/// stretches when it had to block for a part the worker was running. The only
/// state both threads touch that is not an atomic is `job`, written by the caller before it posts
/// and cleared once the part is done, read by the worker only after it won the part's claim (the
/// atomics' sequentially consistent operations order those accesses).
@available(macOS 15.0, *)
final class PassTeam: PassWorkers, @unchecked Sendable {
    /// How long a side spins on the other's counter before it blocks: more than the serial work
    /// the caller does between two parts of a pass (a few µs), far less than a time slice.
    static let spinNanoseconds: UInt64 = 50_000
    /// Loads of the counter before a waiting side starts yielding the core between loads (about
    /// a µs: the other side's part usually ends, or the caller's next part comes, within it).
    static let pureSpins = 512

    private let posted = Atomic<Int>(0)
    private let claimed = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let workerAsleep = Atomic<Bool>(false)
    /// Whether the worker is spinning for the next part (not asleep, not busy, not waking up).
    private let workerWaiting = Atomic<Bool>(false)
    private let callerAsleep = Atomic<Bool>(false)
    private let condition = NSCondition()
    /// Set (under `condition`) when the worker has left its loop.
    private var exited = false
    private var stopped = false
    /// The part the worker runs next (see the type's comment).
    private var job: ((Int) -> Void)?
    /// The caller's own: stretches it runs alone, and how many it ran alone after the last miss
    /// (the worker awake but not there in time), doubled at each miss in a row.
    private var solo = 0
    private var backoff = 0
    static let firstBackoff = 2
    static let longestBackoff = 128

    /// The caller never claims the worker's part (`makePassWorkers(alwaysWorker:)`, tests).
    private let alwaysWorker: Bool
    /// Parts the worker thread ran (tests check that it ran some).
    let workerParts = Atomic<Int>(0)

    init(alwaysWorker: Bool = false) {
        self.alwaysWorker = alwaysWorker
        let thread = Thread { [self] in loop() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    func engage() -> Bool {
        if solo > 0 {
            solo -= 1
            return false
        }
        return true
    }

    func split(_ body: (Int) -> Void) {
        if solo > 0 {
            body(0)
            body(1)
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            let n = posted.add(1, ordering: .sequentiallyConsistent).newValue
            let ready = workerWaiting.load(ordering: .sequentiallyConsistent)
            wake(if: workerAsleep)
            body(0)
            if alwaysWorker {
                wait(for: finished, toReach: n, asleep: callerAsleep, worker: false)
            } else if claimed.compareExchange(expected: n - 1, desired: n, ordering: .sequentiallyConsistent).exchanged {
                body(1)
                if ready {
                    // Awake but too late: descheduled, most likely (a loaded machine).
                    backoff = min(max(Self.firstBackoff, 2 * backoff), Self.longestBackoff)
                    solo = backoff
                }
            } else {
                if wait(for: finished, toReach: n, asleep: callerAsleep, worker: false) {
                    // The worker was descheduled in the middle of its part: alone for a while.
                    backoff = Self.longestBackoff
                    solo = backoff
                } else {
                    backoff = 0
                }
            }
            job = nil
        }
    }

    func stop() {
        if stopped { return }
        stopped = true
        stopping.store(true, ordering: .sequentiallyConsistent)
        posted.add(1, ordering: .sequentiallyConsistent)
        condition.lock()
        condition.broadcast()
        while !exited { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        var seen = 0
        while true {
            workerWaiting.store(true, ordering: .relaxed)
            wait(for: posted, toReach: seen + 1, asleep: workerAsleep, worker: true)
            workerWaiting.store(false, ordering: .relaxed)
            if stopping.load(ordering: .sequentiallyConsistent) { break }
            let n = posted.load(ordering: .sequentiallyConsistent)
            seen = n
            // The newest part, unless the caller has taken it (or posted a newer one since).
            guard claimed.compareExchange(expected: n - 1, desired: n, ordering: .sequentiallyConsistent).exchanged else { continue }
            runJob()
            workerParts.add(1, ordering: .relaxed)
            finished.store(n, ordering: .sequentiallyConsistent)
            wake(if: callerAsleep)
        }
        condition.lock()
        exited = true
        condition.broadcast()
        condition.unlock()
    }

    /// The claimed part, its closure released before the part is reported finished (the caller's
    /// `withoutActuallyEscaping` checks that nothing kept it).
    @inline(never)
    private func runJob() {
        job?(1)
    }

    /// Wakes the other side when it said it sleeps (after the counter it waits for was stored);
    /// the first to see the flag clears it, so a sleeper costs one wake-up, not one a part.
    @inline(__always) @discardableResult
    private func wake(if asleep: borrowing Atomic<Bool>) -> Bool {
        if asleep.load(ordering: .sequentiallyConsistent) && asleep.exchange(false, ordering: .sequentiallyConsistent) {
            condition.lock()
            condition.broadcast()
            condition.unlock()
            return true
        }
        return false
    }

    /// Waits until `counter` reaches `n`: spins `pureSpins` loads, then spins yielding the core
    /// between loads (when the other side shares this core, as on a loaded machine, it runs at
    /// once), then, past `spinNanoseconds`, blocks. Lost wake-ups cannot happen: the sleeper stores
    /// `asleep` before it reads the counter under the lock, the other side stores the counter
    /// before it reads `asleep`. Returns whether it blocked.
    @discardableResult
    private func wait(for counter: borrowing Atomic<Int>, toReach n: Int, asleep: borrowing Atomic<Bool>, worker: Bool) -> Bool {
        var spins = 0
        var since: UInt64 = 0
        while counter.load(ordering: .acquiring) < n {
            spins &+= 1
            if spins < Self.pureSpins { continue }
            sched_yield()
            if spins & 15 != 0 { continue }
            let now = DispatchTime.now().uptimeNanoseconds
            if since == 0 {
                since = now
            } else if now - since >= Self.spinNanoseconds {
                if worker { workerWaiting.store(false, ordering: .relaxed) }
                asleep.store(true, ordering: .sequentiallyConsistent)
                condition.lock()
                while counter.load(ordering: .sequentiallyConsistent) < n { condition.wait() }
                condition.unlock()
                asleep.store(false, ordering: .sequentiallyConsistent)
                return true
            }
        }
        return false
    }
}

/// How a pass's loops are cut in two for `PassWorkers`, for one model: the groups below
/// `groupMid` (about half the links) are the first part's in the gradient, and `columnMid[j]` is
/// where column j's list (ascending groups) reaches them. Holds the workers.
struct PassSplit {
    let workers: any PassWorkers

    let groupMid: GroupIndex
    let columnMid: [Int]

    init(workers: any PassWorkers, model: CoverageModel) {
        self.workers = workers
        let offsets = model.byGroup.offsets
        let half = model.byGroup.edgeCount / 2
        var g = 0
        while g < model.groupCount && offsets[g + 1] <= half { g += 1 }
        groupMid = g
        let cOff = model.byCandidate.offsets, cGrp = model.byCandidate.columns
        columnMid = (0..<model.candidateCount).map { j in
            var lo = cOff[j], hi = cOff[j + 1]
            while lo < hi {
                let m = (lo + hi) / 2
                if Int(cGrp[m]) < g { lo = m + 1 } else { hi = m }
            }
            return lo
        }
    }

    /// This split when the workers take the next stretch (`PassWorkers.engage`), else nil.
    func engaged() -> PassSplit? { workers.engage() ? self : nil }

    /// The position in `free` where the second part's columns start: the first part, which also
    /// does work worth `firstPartExtra` links, gets about half of the free columns' links and
    /// that work together.
    func freeMid(_ free: [ColumnIndex], model: CoverageModel, firstPartExtra: Int = 0) -> Int {
        let off = model.byCandidate.offsets
        var total = firstPartExtra
        for j in free { total += off[j + 1] - off[j] }
        var sum = firstPartExtra
        for (i, j) in free.enumerated() {
            if 2 * sum >= total { return i }
            sum += off[j + 1] - off[j]
        }
        return free.count
    }
}

extension PassSplit {
    /// `CoverageSolver.columnValues(zeroOnCovered:)` and `CoverageSolver.top` at once, on two
    /// threads (λ must be 0 on the covered groups): the first part sums Σ max(0, r_g − λ_g) over
    /// the uncovered groups and the values of the free columns before `freeMid`, the second those
    /// from `freeMid`; each part finds its own `q` + 1 best, merged here by the same total order
    /// (value, then lower index). Returns what those two give: the sum, the q best columns best
    /// first, the (q+1)-th value. `scratch` holds 2(q + 1) columns.
    func values(lambda: [Double], covered: [Bool], model: CoverageModel, free: [ColumnIndex], freeMid: Int, q: Int,
                into c: inout [Double], scratch: inout [ColumnIndex]) -> (sum: Double, top: [ColumnIndex], next: Double) {
        let k = q + 1
        if scratch.count < 2 * k { scratch = [ColumnIndex](repeating: 0, count: 2 * k) }
        var sum = 0.0
        var count0 = 0, count1 = 0
        lambda.withUnsafeBufferPointer { lam in
            free.withUnsafeBufferPointer { fr in
                c.withUnsafeMutableBufferPointer { cv in
                    scratch.withUnsafeMutableBufferPointer { best in
                        model.withView { m in
                            workers.split { part in
                                if part == 0 { sum = CoverageSolver.uncoveredSlack(lambda, covered: covered, weight: model.weight) }
                                let mine = UnsafeBufferPointer(rebasing: part == 0 ? fr[..<freeMid] : fr[freeMid...])
                                CoverageSolver.sumColumns(lam, view: m, free: mine, into: cv)
                                // Reads only the values this part has just written.
                                let n = CoverageSolver.best(k, of: mine, values: UnsafeBufferPointer(cv), into: best.baseAddress! + part * k)
                                if part == 0 { count0 = n } else { count1 = n }
                            }
                        }
                    }
                }
            }
        }
        var top: [ColumnIndex] = []
        top.reserveCapacity(q)
        var next = 0.0
        c.withUnsafeBufferPointer { c in
            scratch.withUnsafeBufferPointer { best in
                var a = 0, b = 0, taken = 0
                while taken < k && (a < count0 || b < count1) {
                    let pick: ColumnIndex
                    if b >= count1 {
                        pick = best[a]; a += 1
                    } else if a >= count0 {
                        pick = best[k + b]; b += 1
                    } else {
                        let x = best[a], y = best[k + b]
                        if c[x] > c[y] || (c[x] == c[y] && x < y) { pick = x; a += 1 } else { pick = y; b += 1 }
                    }
                    if taken < q { top.append(pick) } else { next = c[pick] }
                    taken += 1
                }
            }
        }
        return (sum, top, next)
    }

    /// The smoothed dual's gradient (`smoothRelax`): −1 + Σ_{j covers g} x_j over the active columns
    /// with x_j above `negligible`, 0 on covered groups; the groups below `groupMid` in the first
    /// part, the others in the second. Each part visits the active columns in their order and, in
    /// each, only the links to its own groups (`columnMid`), so each component adds the same terms
    /// in the same order as one scatter over all the links does.
    func gradient(x: [Double], active: [ColumnIndex], covered: [Bool], negligible: Double, model: CoverageModel,
                  into grad: inout [Double]) {
        let G = model.groupCount
        let gMid = groupMid
        model.withView { m in
            covered.withUnsafeBufferPointer { cov in
                x.withUnsafeBufferPointer { x in
                    active.withUnsafeBufferPointer { act in
                        columnMid.withUnsafeBufferPointer { mid in
                            grad.withUnsafeMutableBufferPointer { grad in
                                workers.split { part in
                                    let groups = part == 0 ? 0..<gMid : gMid..<G
                                    for g in groups { grad[g] = -1 }
                                    for j in act where x[j] > negligible {
                                        let xj = x[j]
                                        let from = part == 0 ? m.columnOffsets[j] : mid[j]
                                        let to = part == 0 ? mid[j] : m.columnOffsets[j + 1]
                                        for t in from..<to { grad[Int(m.columnGroups[t])] += xj }
                                    }
                                    for g in groups where cov[g] { grad[g] = 0 }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` over `0..<count` in two halves (the first on the calling thread).
    func halves(_ count: Int, _ body: (Range<Int>) -> Void) {
        let mid = count / 2
        workers.split { part in body(part == 0 ? 0..<mid : mid..<count) }
    }
}

extension CoverageSolver {
    /// A worker for the smoothed dual's passes when this solve may use two threads and its model is
    /// large enough (`SolverTuning.parallelPassMinimumLinks`); nil otherwise. The caller stops it
    /// (`workers.stop()`) when its relaxations are done.
    func passSplit() -> PassSplit? {
        guard budget.threads >= 2, model.byCandidate.edgeCount >= tuning.parallelPassMinimumLinks,
              let workers = makePassWorkers() else { return nil }
        return PassSplit(workers: workers, model: model)
    }
}
