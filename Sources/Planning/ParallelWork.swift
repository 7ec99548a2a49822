import Foundation
import Geo

/// Runs `body` for every index of `0..<count` on all the cores (work is handed out one index at a
/// time, so a few large divisions do not hold up the rest) and returns the results in index order,
/// whatever order they finished in. When some calls throw, the error of the lowest index is
/// rethrown, so a run fails with the same message on one core or many. `workers` caps the threads
/// (nil: the machine's cores).
func parallelMap<T: Sendable>(_ count: Int, workers cap: Int? = nil, _ body: @Sendable (Int) throws -> T) throws -> [T] {
    let workers = min(count, cap ?? ProcessInfo.processInfo.activeProcessorCount)
    if workers <= 1 {
        return try (0..<count).map(body)
    }
    let results = ParallelResults<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let i = results.claim() {
            let outcome = Result { try body(i) }
            results.store(outcome, at: i)
        }
        // The pool's threads outlive this call: their GEOS contexts are released here, not at exit.
        releaseThreadGEOSContext()
    }
    return try results.collect()
}

/// The shared state of one `parallelMap`: the next index to hand out and one slot per index, each
/// written once by the worker that claimed it, all under one lock.
private final class ParallelResults<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var failed = false
    private var slots: [Result<T, any Error>?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        // Once an index has failed, no further index is started: the lowest failure is reported.
        // Every lower index has been claimed already, so it is still reported if it fails too.
        if failed { return nil }
        next += 1
        return next - 1
    }

    func store(_ result: Result<T, any Error>, at i: Int) {
        lock.lock()
        slots[i] = result
        if case .failure = result { failed = true }
        lock.unlock()
    }

    func collect() throws -> [T] {
        var out: [T] = []
        out.reserveCapacity(slots.count)
        for slot in slots {
            switch slot {
            case let .success(value)?: out.append(value)
            case let .failure(error)?: throw error
            case nil: continue  // not started after an earlier failure, which is thrown first
            }
        }
        return out
    }
}

/// Coordinate transformers for one pair of CRSs, one for each worker that asks at the same time
/// (a transformer runs one call at a time: workers sharing one would take turns). Made when first
/// needed; the first is the process's shared one.
final class TransformerPool: @unchecked Sendable {
    private let source: CRS
    private let target: CRS
    private let lock = NSLock()
    private var free: [CoordinateTransformer] = []
    private var made = 0

    init(from source: CRS, to target: CRS) {
        self.source = source
        self.target = target
    }

    /// Runs `body` with a transformer no other worker is using meanwhile.
    func using<T>(_ body: (CoordinateTransformer) throws -> T) throws -> T {
        lock.lock()
        let taken = free.popLast()
        let first = made == 0
        if taken == nil { made += 1 }
        lock.unlock()
        let transformer = try taken ?? (first ? CoordinateTransformer.shared(from: source, to: target) : CoordinateTransformer(from: source, to: target))
        defer {
            lock.lock()
            free.append(transformer)
            lock.unlock()
        }
        return try body(transformer)
    }
}
