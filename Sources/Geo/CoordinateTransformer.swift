import CPROJ
import Foundation

/// A coordinate reference system named by EPSG code, `AUTH:CODE`, a PROJ string or WKT.
public struct CRS: Hashable, Sendable, CustomStringConvertible {
    /// The definition as given, for example `EPSG:4547` or a `+proj=` string; PROJ reads it.
    public let definition: String

    /// A CRS from any definition PROJ accepts. Nothing is checked here: a bad definition fails
    /// when a `CoordinateTransformer` is made from it.
    public init(_ definition: String) {
        self.definition = definition
    }

    /// The CRS `EPSG:code`.
    public static func epsg(_ code: Int) -> CRS { CRS("EPSG:\(code)") }

    /// WGS84 longitude/latitude.
    public static let wgs84 = CRS.epsg(4326)

    /// The EPSG code when the definition is `EPSG:NNNN`.
    public var epsgCode: Int? {
        let upper = definition.uppercased()
        guard upper.hasPrefix("EPSG:") else { return nil }
        return Int(upper.dropFirst(5))
    }

    /// The definition, as given.
    public var description: String { definition }

    /// The WGS84 UTM zone CRS (EPSG:326zz north, 327zz south) for a lon/lat, with the Norway and
    /// Svalbard exceptions.
    public static func utmZone(lon: Double, lat: Double) -> CRS {
        var zone = Int(((lon + 180) / 6).rounded(.down)) % 60 + 1
        if lat >= 56, lat < 64, lon >= 3, lon < 12 { zone = 32 }
        if lat >= 72, lat < 84 {
            if lon >= 0, lon < 9 { zone = 31 }
            else if lon >= 9, lon < 21 { zone = 33 }
            else if lon >= 21, lon < 33 { zone = 35 }
            else if lon >= 33, lon < 42 { zone = 37 }
        }
        return CRS.epsg((lat >= 0 ? 32600 : 32700) + zone)
    }
}

/// A PROJ transformation between two CRSs, always in x/y order (longitude, latitude; easting,
/// northing) thanks to `proj_normalize_for_visualization`, with network access off.
///
/// Each transformer owns its own `PJ_CONTEXT` and serialises calls with a lock, so it is safe to
/// share; for parallel batches give each worker its own transformer (`copy()` makes one without
/// PROJ's search).
public final class CoordinateTransformer: @unchecked Sendable {
    /// The CRS the input coordinates are in.
    public let source: CRS
    /// The CRS the output coordinates are in.
    public let target: CRS
    private let context: OpaquePointer
    private let pj: OpaquePointer
    private let lock = NSLock()
    /// The PROJ string of the one operation PROJ chose (from the cache or from its search); nil
    /// when PROJ picks among several operations point by point, or when the operation reads a
    /// grid or another file. `copy()` builds from it.
    private let pipeline: String?

    /// Creates the transformation from `source` to `target` in a PROJ context of its own (network off).
    ///
    /// Creating one costs PROJ a database search (tens of milliseconds for EPSG:4326 -> EPSG:4547)
    /// unless `cache` (by default `PROJCache.default`: none unless the program set one) holds the pipeline PROJ chose for
    /// the pair: then the transformation is built from that pipeline alone. A search whose result
    /// is unambiguous is stored in `cache` for the next process; nil uses no cache.
    /// `shared(from:to:)` keeps one transformer per pair in the process.
    ///
    /// - Throws: `GeoError.proj` with PROJ's message when either CRS is unknown or no transformation exists.
    public convenience init(from source: CRS, to target: CRS, cache: PROJCache? = PROJCache.default) throws {
        try self.init(from: source, to: target, cache: cache, known: cache?.pipeline(from: source, to: target))
    }

    /// The transformation from `known`, PROJ's choice for the pair found earlier, when it is given
    /// and PROJ makes an operation of it; else from PROJ's search (stored in `cache`).
    private init(from source: CRS, to target: CRS, cache: PROJCache?, known: String?) throws {
        self.source = source
        self.target = target
        func newContext() throws -> OpaquePointer {
            guard let context = proj_context_create() else {
                throw GeoError.proj(operation: "create context", message: "out of memory")
            }
            proj_log_level(context, PJ_LOG_NONE)
            // PROJ 9.1 still writes some debug messages to stderr at level NONE ("pj_obj_create:
            // Cannot find proj.db" below); errors reach the caller through errno, not the log.
            proj_log_func(context, nil) { _, _, _ in }
            proj_context_set_enable_network(context, 0)
            return context
        }
        if let pipeline = known {
            let context = try newContext()
            // A cached pipeline reads no file (PROJCache keeps no other), so this context is given
            // no resource folder: PROJ would otherwise open and parse proj.db (a few milliseconds)
            // to build an operation that needs nothing from it.
            "/dev/null/nuanxin-no-proj-resources".withCString { nowhere in
                var paths: [UnsafePointer<CChar>?] = [nowhere]
                proj_context_set_search_paths(context, 1, &paths)  // PROJ copies the strings
            }
            if let made = proj_create(context, pipeline) {
                proj_errno_reset(made)
                self.context = context
                self.pj = made
                self.pipeline = pipeline
                return
            }
            proj_context_destroy(context)
        }
        let context = try newContext()
        func fail(_ operation: String) -> GeoError {
            let code = proj_context_errno(context)
            let message = code != 0 ? String(cString: proj_context_errno_string(context, code)) : "unknown CRS"
            return GeoError.proj(operation: operation, message: message)
        }
        guard let raw = proj_create_crs_to_crs(context, source.definition, target.definition, nil) else {
            let error = fail("create transformation \(source) -> \(target)")
            proj_context_destroy(context)
            throw error
        }
        let normalized = proj_normalize_for_visualization(context, raw)
        proj_destroy(raw)
        guard let normalized else {
            let error = fail("normalise axis order \(source) -> \(target)")
            proj_context_destroy(context)
            throw error
        }
        self.context = context
        self.pj = normalized
        // One operation has a PROJ string; a set of candidates PROJ picks from point by point has
        // none (the call fails), and is searched again by every process. A string that names a
        // grid or another file is not kept either: rebuilt without PROJ's resource folder it would
        // fail, or (an optional `@grid`) silently transform without the grid.
        self.pipeline = proj_as_proj_string(context, normalized, PJ_PROJ_5, nil)
            .map { String(cString: $0) }.flatMap { PROJCache.isSelfContained($0) ? $0 : nil }
        proj_errno_reset(normalized)
        if let cache, let pipeline { cache.store(pipeline: pipeline, from: source, to: target) }
    }

    /// A transformer of the same pair with a PROJ context of its own, for another thread. When
    /// PROJ chose one operation it is built from that operation's PROJ string, as from a filled
    /// `PROJCache` (no database search: a search costs tens of milliseconds, the copy a fraction
    /// of one); otherwise PROJ searches again.
    public func copy() throws -> CoordinateTransformer {
        try CoordinateTransformer(from: source, to: target, cache: nil, known: pipeline)
    }

    deinit {
        proj_destroy(pj)
        proj_context_destroy(context)
    }

    /// A transformer from a process-wide cache (made with `PROJCache.default`), so that commands
    /// that need the same pair several times create it once.
    public static func shared(from source: CRS, to target: CRS) throws -> CoordinateTransformer {
        let key = "\(source.definition)\u{0}\(target.definition)"
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let cached = cache[key] { return cached }
        let made = try CoordinateTransformer(from: source, to: target)
        if cache.isEmpty {
            // The cache lives until the process ends; release its PROJ handles then, so that no
            // handle is left behind (the leak check runs whole CLI processes).
            atexit { CoordinateTransformer.releaseShared() }
        }
        cache[key] = made
        return made
    }

    /// Releases the cached transformers (and their PROJ contexts).
    public static func releaseShared() {
        cacheLock.lock()
        let released = cache
        cache = [:]
        cacheLock.unlock()
        _ = released  // destroyed here, outside the lock
    }

    private nonisolated(unsafe) static var cache: [String: CoordinateTransformer] = [:]
    private static let cacheLock = NSLock()

    private func errorMessage() -> String {
        let code = proj_errno(pj)
        return code != 0 ? String(cString: proj_context_errno_string(context, code)) : "coordinate outside the CRS's domain"
    }

    /// Transforms one coordinate.
    public func transform(_ c: Coordinate) throws -> Coordinate {
        var xs = [c.x]
        var ys = [c.y]
        try transform(xs: &xs, ys: &ys)
        return Coordinate(x: xs[0], y: ys[0])
    }

    /// Transforms many coordinates in one `proj_trans_generic` call.
    public func transform(_ coordinates: [Coordinate]) throws -> [Coordinate] {
        var xs = coordinates.map(\.x)
        var ys = coordinates.map(\.y)
        try transform(xs: &xs, ys: &ys)
        return (0..<coordinates.count).map { Coordinate(x: xs[$0], y: ys[$0]) }
    }

    /// Transforms every vertex of `geometry` in one `proj_trans_generic` call, its shape kept.
    public func transform(_ geometry: Geometry) throws -> Geometry {
        let target = try transform(geometry.allCoordinates)
        var k = 0
        // `mapCoordinates` visits the vertices in the order of `allCoordinates`.
        return geometry.mapCoordinates { _ in
            defer { k += 1 }
            return target[k]
        }
    }

    /// Transforms parallel arrays in place in one `proj_trans_generic` call. Throws naming the first
    /// coordinate PROJ could not transform.
    public func transform(xs: inout [Double], ys: inout [Double]) throws {
        precondition(xs.count == ys.count, "xs and ys differ in length")
        let n = xs.count
        if n == 0 { return }
        lock.lock()
        defer { lock.unlock() }
        proj_errno_reset(pj)
        let stride = MemoryLayout<Double>.stride
        let done = xs.withUnsafeMutableBufferPointer { xb in
            ys.withUnsafeMutableBufferPointer { yb in
                proj_trans_generic(pj, PJ_FWD, xb.baseAddress, stride, n, yb.baseAddress, stride, n, nil, 0, 0, nil, 0, 0)
            }
        }
        if done != n {
            throw GeoError.proj(operation: "transform \(source) -> \(target)", message: errorMessage())
        }
        for i in 0..<n where !xs[i].isFinite || !ys[i].isFinite {
            let message = errorMessage()
            throw GeoError.proj(operation: "transform \(source) -> \(target)", message: "coordinate \(i): \(message)")
        }
    }

    /// Transforms parallel arrays in place like `transform(xs:ys:)`, but a coordinate PROJ cannot
    /// transform does not stop the others: its slot in the result holds PROJ's reason (nil where
    /// the coordinate was transformed) and its x/y are left infinite.
    public func transformEach(xs: inout [Double], ys: inout [Double]) -> [String?] {
        precondition(xs.count == ys.count, "xs and ys differ in length")
        let n = xs.count
        var failures = [String?](repeating: nil, count: n)
        if n == 0 { return failures }
        lock.lock()
        defer { lock.unlock() }
        let originalX = xs, originalY = ys
        proj_errno_reset(pj)
        let stride = MemoryLayout<Double>.stride
        let done = xs.withUnsafeMutableBufferPointer { xb in
            ys.withUnsafeMutableBufferPointer { yb in
                proj_trans_generic(pj, PJ_FWD, xb.baseAddress, stride, n, yb.baseAddress, stride, n, nil, 0, 0, nil, 0, 0)
            }
        }
        // Where the batch call failed or left a point infinite, transform that point alone for its reason.
        for i in 0..<n where done != n || !xs[i].isFinite || !ys[i].isFinite {
            proj_errno_reset(pj)
            let out = proj_trans(pj, PJ_FWD, proj_coord(originalX[i], originalY[i], 0, 0))
            if out.xy.x.isFinite, out.xy.y.isFinite, out.xy.x != Double.greatestFiniteMagnitude {
                xs[i] = out.xy.x
                ys[i] = out.xy.y
            } else {
                failures[i] = errorMessage()
                xs[i] = .infinity
                ys[i] = .infinity
            }
        }
        proj_errno_reset(pj)
        return failures
    }
}
