import Foundation
import Geo

/// Runs `body` for every index of `0..<count` on all the cores (work is handed out one index at a
/// time, so a few large divisions do not hold up the rest) and returns the results in index order,
/// whatever order they finished in. When some calls throw, the error of the lowest index is
/// rethrown, so a run fails with the same message on one core or many. `workers` caps the threads
/// (nil: the machine's cores). `order`, a permutation of the indices, is the order they are handed
/// out in (biggest work first, say); after a failure at index `f` only indices below `f` are still
/// started, so the lowest failing index is found whatever the order.
func parallelMap<T: Sendable>(_ count: Int, workers cap: Int? = nil, order: [Int]? = nil, _ body: @Sendable (Int) throws -> T) throws -> [T] {
    precondition(order.map { $0.count == count } ?? true)
    let workers = min(count, cap ?? ProcessInfo.processInfo.activeProcessorCount)
    if workers <= 1 {
        return try (0..<count).map(body)
    }
    let results = ParallelResults<T>(count: count, order: order)
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
    private let order: [Int]?
    /// The lowest index that failed so far (Int.max: none).
    private var lowestFailure = Int.max
    private var slots: [Result<T, any Error>?]

    init(count: Int, order: [Int]?) {
        slots = Array(repeating: nil, count: count)
        self.order = order
    }

    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        // Once an index has failed, only lower indices are started: the lowest failure is
        // reported. (In index order every lower index has been claimed already.)
        while next < slots.count {
            let i = order?[next] ?? next
            next += 1
            if i < lowestFailure { return i }
        }
        return nil
    }

    func store(_ result: Result<T, any Error>, at i: Int) {
        lock.lock()
        slots[i] = result
        if case .failure = result { lowestFailure = min(lowestFailure, i) }
        lock.unlock()
    }

    func collect() throws -> [T] {
        var out: [T] = []
        out.reserveCapacity(slots.count)
        for slot in slots {
            switch slot {
            case let .success(value)?: out.append(value)
            case let .failure(error)?: throw error
            case nil: continue  // not started after a lower failure, which is thrown first
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
        let transformer: CoordinateTransformer
        if let taken {
            transformer = taken
        } else {
            // The first worker uses the process's shared transformer, the others a copy of it.
            let shared = try CoordinateTransformer.shared(from: source, to: target)
            transformer = first ? shared : try shared.copy()
        }
        defer {
            lock.lock()
            free.append(transformer)
            lock.unlock()
        }
        return try body(transformer)
    }
}

/// A new array of `cuts.last!` elements made on the cores, one contiguous part per worker: part
/// `k` is positions `cuts[k] ..< cuts[k + 1]`, and `body(k, &writer)` appends exactly its elements,
/// in order. The array's memory is first written by the thread that fills each part, so a big
/// array's fresh pages are faulted in by all the cores at once, not by one after the other. When
/// parts throw, every element written is destroyed and the error of the lowest part is rethrown.
/// `cuts` starts at 0 and does not decrease.
func parallelArray<T>(cuts: [Int], _ body: @Sendable (_ part: Int, _ writer: inout PartWriter<T>) throws -> Void) throws -> [T] {
    precondition(cuts.first == 0 && zip(cuts, cuts.dropFirst()).allSatisfy { $0 <= $1 })
    let count = cuts.last!
    let parts = cuts.count - 1
    return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let base = UncheckedSendable(buffer.baseAddress)
        let written = UncheckedSendable(UnsafeMutableBufferPointer<Int>.allocate(capacity: parts))
        let failures = UncheckedSendable(UnsafeMutableBufferPointer<(any Error)?>.allocate(capacity: parts))
        written.value.initialize(repeating: 0)
        failures.value.initialize(repeating: nil)
        defer {
            written.value.deallocate()
            _ = failures.value.deinitialize()
            failures.value.deallocate()
        }
        @Sendable func run(_ k: Int) {
            var writer = PartWriter<T>(start: base.value.map { $0 + cuts[k] }, range: cuts[k]..<cuts[k + 1])
            do {
                try body(k, &writer)
                precondition(writer.count == writer.capacity, "a part of parallelArray wrote \(writer.count) of its \(writer.capacity) elements")
            } catch {
                failures.value[k] = error
            }
            written.value[k] = writer.count
        }
        if parts == 1 {
            run(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                run(k)
                // The pool's threads outlive this call: their GEOS contexts are released here.
                releaseThreadGEOSContext()
            }
        }
        if let failed = failures.value.firstIndex(where: { $0 != nil }) {
            for k in 0..<parts where written.value[k] > 0 {
                (base.value! + cuts[k]).deinitialize(count: written.value[k])
            }
            initialized = 0
            throw failures.value[failed]!
        }
        initialized = count
    }
}

/// Even cuts of `0..<count` for `parallelArray`: one part per core, none shorter than
/// `minimumPart` (a single part when `count` is small).
func evenCuts(_ count: Int, minimumPart: Int = 1 << 16) -> [Int] {
    let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count / max(1, minimumPart)))
    return (0...parts).map { count * $0 / parts }
}

/// Where one part of `parallelArray` writes its elements, in order.
struct PartWriter<T> {
    private let start: UnsafeMutablePointer<T>?
    /// The positions of the part in the whole array.
    let range: Range<Int>
    /// The elements written so far.
    private(set) var count = 0
    /// The elements the part must write.
    var capacity: Int { range.count }

    fileprivate init(start: UnsafeMutablePointer<T>?, range: Range<Int>) {
        self.start = start
        self.range = range
    }

    /// Writes the part's next element.
    mutating func append(_ element: consuming T) {
        precondition(count < capacity, "a part of parallelArray wrote more than its \(capacity) elements")
        (start! + count).initialize(to: element)
        count += 1
    }
}

/// A value handed to the threads of `parallelArray`, each of which touches only its own part.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
