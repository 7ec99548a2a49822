import Foundation

/// The second part of a big FeatureCollection's features, read by the fast path on a thread of its
/// own while the parser reads the first part.
///
/// Where the second part starts is a guess: `GeoJSONSplit.guessStart` looks, from the middle of the bytes on,
/// for a `{` that follows `}` and `,` (whitespace allowed between them), which is where a feature
/// starts in any ordinary layer, but could also be inside a string or in another array. The guess is
/// taken only when it proves right: the parser, reading from the first byte as it always does,
/// meets an element of the features array starting at exactly that offset. From there the bytes
/// are read, whatever thread reads them, by the same deterministic fast path, so the features and
/// issues the thread found are those the parser would have found, but for their positions, which
/// are shifted by the count before them. When the parser passes the offset without an element
/// starting there, the guess was wrong: the thread is stopped and its work dropped, and the parser
/// goes on alone. The thread hands each feature to a sink of its own (`GeoJSONFeatureSink`),
/// joined to the first part's when its features are taken. The thread reads until the array's `]`, or until an element the fast path
/// declines (a feature it does not handle, a syntax error): the parser reads that element and all
/// after it itself, so every error and warning is the parser's, at the parser's line. (A guess
/// the parser never passes, in a member of the root after the features, is found wrong only when
/// the parse ends: the thread's work is then wasted, not wrong.)
final class GeoJSONSecondPart<Sink: GeoJSONFeatureSink>: @unchecked Sendable {
    /// The offset of the `{` the thread starts at.
    let start: Int
    /// Read by the thread, then (after `finish`) by the caller alone. Accessed in place for every
    /// feature, without the runtime's exclusivity checks (as `StreamedFeatures.sink`).
    @exclusivity(unchecked) private var sink: Sink
    @exclusivity(unchecked) private var issues: [GeoJSONIssue] = []
    /// Just past the last feature read; `start` when none was.
    private(set) var end: Int

    private let bytes: UnsafeBufferPointer<UInt8>
    private let condition = NSCondition()
    private var done = false
    private var cancelled = false

    private init(bytes: UnsafeBufferPointer<UInt8>, start: Int, sink: Sink) {
        self.bytes = bytes
        self.start = start
        self.end = start
        self.sink = sink
    }

    /// A second part starting at `start`, read into `sink` (empty), its thread started; nil when no
    /// thread could be started (a limit on processes or memory): the caller then reads alone. The
    /// bytes must stay valid until `finish` or `cancel` returns.
    static func started(bytes: UnsafeBufferPointer<UInt8>, start: Int, sink: Sink) -> GeoJSONSecondPart? {
        let part = GeoJSONSecondPart(bytes: bytes, start: start, sink: sink)
        let started = GeoJSONSplit.startThread {
            part.run()
            part.condition.lock()
            part.done = true
            part.condition.broadcast()
            part.condition.unlock()
        }
        return started ? part : nil
    }

    private var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    private func run() {
        var fast = GeoJSONFastFeature(bytes: bytes, index: start)
        while true {
            let taken = Sink.count(inPlace: &sink)
            if taken & 255 == 0 {
                if isCancelled { return }
                if taken == GeoJSONReader.sampleCount {
                    GeoJSONReader.reserve(&sink, sampled: end - start, from: start, of: bytes.count)
                }
            }
            do {
                try fast.readFeature(into: &sink, issues: &issues)
            } catch {
                return
            }
            end = fast.index
            // Another element follows only after a comma; `]` or anything else ends the part.
            fast.skipWhitespace()
            guard fast.peek() == UInt8(ascii: ",") else { return }
            fast.index += 1
            fast.skipWhitespace()
            guard fast.peek() == UInt8(ascii: "{") else { return }
        }
    }

    private func join() {
        condition.lock()
        while !done { condition.wait() }
        condition.unlock()
    }

    /// Waits for the thread to end, then hands what it read to `target` (`GeoJSONFeatureSink.append`)
    /// and the end of `issues`,
    /// with feature positions (and the issues' feature indices) counted from the features already
    /// there. Returns how many features it read and the offset just past the last one.
    func finish(appendingTo target: inout Sink, issues: inout [GeoJSONIssue]) -> (count: Int, end: Int) {
        join()
        let base = target.count, count = sink.count
        // Swapped out, so that `target` takes the only reference to what was read.
        var read = sink.emptied()
        swap(&read, &sink)
        // Consumed, not copied: a copy alive during `append` would make its records shared, and
        // the sink's move of them (`FeatureList.append`) would copy them all first.
        target.append(consume read)
        for var issue in self.issues {
            issue.featureIndex = issue.featureIndex.map { $0 + base }
            issues.append(issue)
        }
        self.issues = []
        return (count, end)
    }

    /// Stops the thread (at its next check) and waits for it to end; what it read is dropped.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.unlock()
        join()
        sink = sink.emptied()
        issues = []
    }
}

/// Where a big FeatureCollection is split between two threads (`GeoJSONSecondPart`).
enum GeoJSONSplit {
    /// Runs `body` on a new thread; false when no thread could be started (a limit on processes
    /// or memory). pthread_create itself, for its result: Foundation's Thread.start does not
    /// report a thread that could not be created, and a caller would then wait for it forever.
    static func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
        final class Body {
            let run: @Sendable () -> Void
            init(_ run: @escaping @Sendable () -> Void) { self.run = run }
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        // The sink's work (a caller's, for each feature) runs on this thread too: the usual 8 MiB.
        pthread_attr_setstacksize(&attributes, 8 << 20)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let status = pthread_create(&thread, &attributes, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        if status != 0 {
            Unmanaged<Body>.fromOpaque(context).release()
            return false
        }
        return true
    }

    /// Whether a second thread can run beside the caller's (more than one core is active).
    static var hasSecondCore: Bool { ProcessInfo.processInfo.activeProcessorCount > 1 }

    /// Where a second part could start: the first `{` at or after the middle of `bytes` that follows
    /// `}` and `,` with only whitespace between, looked for over at most `window` bytes; nil when
    /// there is none.
    static func guessStart(in bytes: UnsafeBufferPointer<UInt8>, window: Int = 1 << 20) -> Int? {
        let from = bytes.count / 2
        let to = min(bytes.count, from + window)
        var i = from
        while i < to {
            if bytes[i] == UInt8(ascii: "{") {
                var j = i - 1
                while j > 0, isSpace(bytes[j]) { j -= 1 }
                if j > 0, bytes[j] == UInt8(ascii: ",") {
                    j -= 1
                    while j > 0, isSpace(bytes[j]) { j -= 1 }
                    if j >= 0, bytes[j] == UInt8(ascii: "}") { return i }
                }
            }
            i += 1
        }
        return nil
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
