import Foundation

// What the plain (covering) and the capacitated site-selection solvers share: the incumbent and
// its update, the one optimality test, the one effort check, and progress reports.

/// Index spaces of the solvers. Those of the covering solver's hot loops are documented plain
/// integers (typealiases); the capacitated search's candidate sites are a wrapper type, `SiteIndex`,
/// because there three spaces meet (site, flow column, problem position) and the max flows, not
/// index arithmetic, dominate its time.
///
/// A demand node: a row of a `Reach`, an index into the demand weights.
typealias DemandIndex = Int
/// A demand group of a `CoverageModel` (demand nodes covered by exactly the same columns, merged).
typealias GroupIndex = Int
/// A candidate column of a `CoverageModel` after its reductions; `sortedIndex` maps it to its
/// position in the list the model was built from.
typealias ColumnIndex = Int
/// A candidate site in id order (`PreparedSelection.ids`); `PreparedSelection.order` maps it to
/// its index in `SiteSelectionProblem.candidates`. In the capacitated flow its station column is
/// `CapacitatedContext.column(of:)`. Ordered like its position, that is by id.
struct SiteIndex: Hashable, Comparable, Sendable, CustomStringConvertible {
    let raw: Int
    init(_ raw: Int) { self.raw = raw }
    static func < (a: SiteIndex, b: SiteIndex) -> Bool { a.raw < b.raw }
    var description: String { "site \(raw)" }
}

/// One value per candidate site, read by `SiteIndex`.
struct PerSite<Value> {
    var values: [Value]
    subscript(site: SiteIndex) -> Value {
        get { values[site.raw] }
        set { values[site.raw] = newValue }
    }
}

/// The best solution found so far. Same value within the tolerance: the set first in
/// lexicographic order (of sorted indices, which are id order) wins, so answers do not depend on
/// the order the search met them in.
struct Incumbent<Index: Comparable & Sendable>: Sendable {
    private(set) var sites: [Index] = []
    private(set) var value: Double
    /// Two values this close count as equal: 10⁻¹² of the total demand (at least 10⁻¹²).
    let tie: Double

    init(value: Double, total: Double) {
        self.value = value
        self.tie = 1e-12 * max(1, total)
    }

    /// Takes `set` whatever its value (a solution known to be best by other means).
    mutating func replace(with set: [Index], value: Double) {
        sites = set
        self.value = value
    }

    /// Takes `set` if it is better, or as good and first in order.
    mutating func offer(_ set: [Index], value: Double) {
        if value > self.value + tie {
            sites = set.sorted()
            self.value = value
        } else if abs(value - self.value) <= tie {
            let sorted = set.sorted()
            if sorted.lexicographicallyPrecedes(sites) {
                sites = sorted
                self.value = value
            }
        }
    }
}

/// The one test of "this bound proves nothing beats the incumbent", used by both solvers, and the
/// bound as reported.
///
/// Bounds are inflated by 10⁻¹⁰ relative against rounding in their sums. With integer weights
/// (and seats) every objective value is an integer, so a bound below lb + 1 suffices: ⌊ub⌋ ≤ lb,
/// compared with a slack of 10⁻⁹ because the capacitated incumbent is a difference of two max
/// flows summed in floating point and may sit a rounding error below its integer (the covering
/// incumbent is an exact integer sum, for which the slack changes nothing). Otherwise the bound
/// must be within 10⁻⁹ relative of lb (at least 10⁻¹⁸ of the total).
struct OptimalityTest: Sendable {
    /// Every objective value is an integer.
    let integral: Bool
    /// Total demand weight (scale of the absolute tolerance).
    let total: Double

    func cannotImprove(_ ub: Double, over lb: Double) -> Bool {
        let safe = ub * (1 + 1e-10) + 1e-300
        if integral { return safe.rounded(.down) <= lb + 1e-9 }
        return safe <= lb + 1e-9 * max(lb, 1e-9 * total)
    }

    /// A bound as reported: inflated against rounding, rounded down when values are integers.
    func reportable(_ ub: Double) -> Double {
        let safe = ub * (1 + 1e-10)
        return integral ? safe.rounded(.down) : safe
    }
}

/// The one effort check of the branch and bounds: a node limit, a deterministic work limit (the
/// root node always runs in full; a covering core's paced root relaxation may run on past the
/// node or work limit when the search stops unproven, never past a pass cap) and an optional wall-clock deadline. The
/// root node is entered even past the deadline, so that a bound exists; the covering solver's
/// relaxations, tabu searches, kicks and swap searches check the deadline at every step (a clock
/// read, ~25 ns, against steps of tens of µs), and past it the root neither resumes its
/// relaxation nor hands over to a core, so a solve returns soon after it.
///
/// A solve that is part of another's allowance (the support search's area solves, the
/// decomposition's component solves, and the cores and components inside them) also has a cap on
/// its relaxation passes (`passes`), which, unlike the work limit, counts every pass: its roots',
/// its probing's, its core's and its own solves'. The covering solver starts no relaxation, probe,
/// node, core or solve once it is spent, and a relaxation stops after the pass that spends it (at
/// least one pass at the root, for a bound): the solve runs at most `passes` passes.
struct EffortLimit: Sendable {
    var nodes: Int
    var work: Int = .max
    var deadline: ContinuousClock.Instant? = nil
    /// Relaxation passes the solve may run in all (none: `.max`); see above.
    var passes: Int = .max

    /// A deadline `seconds` from now, or none.
    static func deadline(in seconds: Double?) -> ContinuousClock.Instant? {
        seconds.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
    }

    /// The deadline has passed (false without one).
    var pastDeadline: Bool { deadline.map { ContinuousClock.now >= $0 } ?? false }

    /// Whether a search that has evaluated `n` nodes with `w` work (and `r` relaxation passes in
    /// all) must stop. The root (`n` = 0) is always evaluated, past the node limit (a limit of 0
    /// too), the work limit, the pass cap or the deadline, so that every solve (the covering and
    /// the capacitated one) reports a finite bound from at least one relaxation.
    func reached(nodes n: Int, work w: Int, passes r: Int = 0) -> Bool {
        n > 0 && (n >= nodes || w >= work || r >= passes || pastDeadline)
    }

    /// The passes left under the cap after `spent` (`.max` without a cap).
    func passesLeft(after spent: Int) -> Int {
        passes == .max ? .max : max(0, passes - spent)
    }
}

/// A node of a depth-first branch and bound, as far as stopping is concerned.
protocol BoundedNode { var bound: Double { get } }

extension Array where Element: BoundedNode {
    /// The largest bound among `node` and the nodes still on the stack: what the unexplored part
    /// of the tree could still reach when the search stops early.
    func largestOpenBound(with node: Element, over start: Double) -> Double {
        var open = Swift.max(start, node.bound)
        for rest in self { open = Swift.max(open, rest.bound) }
        return open
    }
}

/// Sends progress to the caller's callback, the stage prefixed with the solve's name (e.g.
/// "target k=3: lagrangian"). The stage text is only built when someone listens.
struct ProgressReporter {
    let prefix: String
    let sink: (@Sendable (SelectionProgress) -> Void)?

    static let silent = ProgressReporter(prefix: "", sink: nil)

    func callAsFunction(_ stage: @autoclosure () -> String, incumbent: Double, bound: Double, nodes: Int) {
        guard let sink else { return }
        let s = stage()
        sink(SelectionProgress(stage: prefix.isEmpty ? s : "\(prefix): \(s)", incumbent: incumbent, bound: bound, nodes: nodes))
    }
}

/// Runs `first` and `second` and returns both results: on two threads at once when `threads` ≥ 2
/// (the calling thread runs `first`), else one after the other. The two must share no mutable
/// state; their results do not depend on which finishes first.
func bothOf<A, B>(threads: Int, _ first: () -> A, _ second: () -> B) -> (A, B) {
    if threads < 2 {
        let a = first()
        return (a, second())
    }
    return withoutActuallyEscaping(first) { first in
        withoutActuallyEscaping(second) { second in
            let pair = TwoResults(first: first, second: second)
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                if i == 0 { pair.a = pair.first() } else { pair.b = pair.second() }
            }
            return (pair.a!, pair.b!)
        }
    }
}

/// The two jobs of `bothOf` and their results, each slot written by one job and read after both
/// have finished (`concurrentPerform` returns only then).
private final class TwoResults<A, B>: @unchecked Sendable {
    let first: () -> A
    let second: () -> B
    var a: A?
    var b: B?
    init(first: @escaping () -> A, second: @escaping () -> B) {
        self.first = first
        self.second = second
    }
}

/// A flag one thread sets and another reads: to stop work whose result will not be used (never
/// to decide which result is used).
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}

/// One worker thread that evaluates branch-and-bound chains ahead of their turn, the newest first
/// (the deepest node, which the depth-first search pops first). A job's answer is a function of
/// what it was given: the search asks for it when it pops the node (`result(of:)`), evaluating it
/// itself when the worker has not started it, and drops it when the node is pruned (`cancel`).
final class ChainWorker: @unchecked Sendable {
    /// A chain to evaluate, its state and answer (guarded by the worker's lock).
    final class Job: @unchecked Sendable {
        fileprivate let run: @Sendable () -> CoverageSolver.Chain
        fileprivate var state = State.queued
        fileprivate var answer: CoverageSolver.Chain?
        fileprivate enum State { case queued, running, done, withdrawn }
        fileprivate init(_ run: @escaping @Sendable () -> CoverageSolver.Chain) { self.run = run }
    }

    private let condition = NSCondition()
    private var queue: [Job] = []
    private var started = false
    private var stopping = false
    private var busy = false

    /// Queues `run` (started at once when the worker is free).
    func submit(_ run: @escaping @Sendable () -> CoverageSolver.Chain) -> Job {
        let job = Job(run)
        condition.lock()
        queue.append(job)
        if !started {
            started = true
            let thread = Thread { [self] in work() }
            thread.stackSize = 8 << 20
            thread.start()
        }
        condition.signal()
        condition.unlock()
        return job
    }

    /// The job's answer: waits for it when the worker is on it, evaluates it here when not started.
    func result(of job: Job) -> CoverageSolver.Chain {
        condition.lock()
        if job.state == .queued {
            queue.removeAll { $0 === job }
            job.state = .withdrawn
            condition.unlock()
            return job.run()
        }
        while job.state == .running { condition.wait() }
        let answer = job.answer!
        job.answer = nil
        condition.unlock()
        return answer
    }

    /// The job is not needed: not started when still queued (its answer is dropped otherwise).
    func cancel(_ job: Job) {
        condition.lock()
        if job.state == .queued {
            queue.removeAll { $0 === job }
            job.state = .withdrawn
        }
        job.answer = nil
        condition.unlock()
    }

    /// Drops every queued job, waits for the job the worker runs (if any: its answer is not needed,
    /// but a solve must not leave a thread using the cores after it returns) and ends the thread.
    func stop() {
        condition.lock()
        stopping = true
        for job in queue { job.state = .withdrawn }
        queue.removeAll()
        condition.broadcast()
        while busy { condition.wait() }
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while true {
            while queue.isEmpty && !stopping { condition.wait() }
            if stopping { break }
            let job = queue.removeLast()
            job.state = .running
            busy = true
            condition.unlock()
            let answer = job.run()
            condition.lock()
            busy = false
            job.answer = answer
            job.state = .done
            condition.broadcast()
        }
        condition.unlock()
    }
}
