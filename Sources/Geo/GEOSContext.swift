import CGEOS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One GEOS reentrant context. GEOS contexts must not be used by two threads at once, so every
/// thread gets its own (`GEOSContext.current`, kept in thread-local storage and finished when the
/// thread exits). Objects that hold GEOS memory (`GEOSGeometryOwner`, `PreparedGeometry`,
/// `PolygonIndex`) keep a strong reference to the context that made them, so it outlives them.
///
/// GEOS reports errors through a message handler; ours stores the last message, and `check`
/// turns a failed call into a thrown `GeoError.geos` carrying that message.
final class GEOSContext {
    let handle: GEOSContextHandle_t
    private(set) var lastError: String?

    init() {
        guard let handle = GEOS_init_r() else { fatalError("GEOS_init_r returned NULL (out of memory)") }
        self.handle = handle
        self.lastError = nil
        GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let message, let userdata else { return }
            let context = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            context.lastError = String(cString: message)
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        GEOS_finish_r(handle)
    }

    /// The calling thread's context.
    static var current: GEOSContext {
        if let raw = pthread_getspecific(geosContextKey) {
            return Unmanaged<GEOSContext>.fromOpaque(raw).takeUnretainedValue()
        }
        _ = releaseAtExit
        let context = GEOSContext()
        pthread_setspecific(geosContextKey, Unmanaged.passRetained(context).toOpaque())
        return context
    }

    /// Drops the calling thread's reference to its context (finishing it unless a geometry still
    /// holds it). Thread-local destructors run when a thread ends, but not for the thread that
    /// calls `exit`, so this runs at exit too: a CLI run leaves no GEOS context behind.
    static func releaseCurrent() {
        guard let raw = pthread_getspecific(geosContextKey) else { return }
        pthread_setspecific(geosContextKey, nil)
        Unmanaged<GEOSContext>.fromOpaque(raw).release()
    }

    private static let releaseAtExit: Void = {
        atexit { GEOSContext.releaseCurrent() }
    }()

    /// Clears the stored message before a call whose failure we want to attribute.
    func resetError() { lastError = nil }

    func error(_ operation: String) -> GeoError {
        .geos(operation: operation, message: lastError ?? "unknown GEOS error")
    }

    /// Unwraps a pointer result, throwing GEOS's message when it is NULL.
    func check<T>(_ result: T?, _ operation: String) throws -> T {
        guard let result else { throw error(operation) }
        return result
    }

    /// Interprets a GEOS `char` predicate result: 1 true, 0 false, 2 exception.
    func checkPredicate(_ result: CChar, _ operation: String) throws -> Bool {
        switch result {
        case 1: return true
        case 0: return false
        default: throw error(operation)
        }
    }

    /// Interprets a GEOS `int` status result: 0 is an exception.
    func checkStatus(_ result: Int32, _ operation: String) throws {
        if result == 0 { throw error(operation) }
    }
}

/// Thread-local slot for the per-thread GEOS context; its destructor releases the context.
private let geosContextKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { raw in
        #if canImport(Glibc)
        guard let raw else { return }
        #endif
        Unmanaged<GEOSContext>.fromOpaque(raw).release()
    }
    precondition(status == 0, "pthread_key_create failed")
    return key
}()

/// Owns one GEOS geometry and destroys it exactly once, with the context that made it.
final class GEOSGeometryOwner {
    let context: GEOSContext
    let pointer: OpaquePointer

    init(context: GEOSContext, pointer: OpaquePointer) {
        self.context = context
        self.pointer = pointer
    }

    deinit {
        GEOSGeom_destroy_r(context.handle, pointer)
    }
}

/// Drops the calling thread's GEOS context; the thread makes a new one when it next uses GEOS, and
/// geometries made with the old one keep it alive as long as they need it. Threads of a pool (GCD's
/// `concurrentPerform` workers) outlive the work and are still running when the process exits, so
/// their thread-local contexts would never be finished: code that runs GEOS work on such threads
/// calls this when its share of the work is done, so that a run leaves no GEOS context behind.
public func releaseThreadGEOSContext() {
    GEOSContext.releaseCurrent()
}
