import CPROJ
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A per-user cache on disk of what PROJ finds in its database, so that a short process (one
/// `nearest --lon --lat`) does not pay PROJ's search again: the pipeline PROJ chose for a pair of
/// CRSs, and the inspection of a CRS (its name, type, axes and area of use).
///
/// - A pipeline is kept only when PROJ's choice is unambiguous: `proj_create_crs_to_crs` returned
///   one operation (not a set of candidates picked point by point), and the operation reads no grid
///   or other file. The transformation is then made from that pipeline's PROJ string with no
///   database search. PROJ itself builds every transformation it returns from the PROJ string of
///   the operation, so the coordinates are the same.
/// - Every entry is keyed by the PROJ version, PROJ's search path, the size and modification time
///   of `proj.db` and `proj.ini`, the modification time of each folder of the search path (adding a
///   grid there changes it) and the CRS definitions. Anything that changes makes a new key: the old
///   entry is no longer read.
/// - The cache never fails a command: a folder that cannot be created or written means no cache, an
///   entry that cannot be read or parsed is ignored (PROJ is asked) and rewritten. Entries are
///   written atomically (a temporary file, then rename), so a reader never sees half an entry.
public struct PROJCache: Sendable, Hashable {
    /// The folder holding the entries (one small text file each).
    public let directory: String

    /// A cache in `directory` (created when the first entry is written).
    public init(directory: String) {
        self.directory = directory
    }

    /// The user's cache: `$XDG_CACHE_HOME/nuanxin` when `XDG_CACHE_HOME` is an absolute path, else
    /// `$HOME/.cache/nuanxin` when `HOME` is an existing folder; nil otherwise.
    public static let user: PROJCache? = {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return PROJCache(directory: (xdg as NSString).appendingPathComponent("nuanxin"))
        }
        // Only under a home that exists: a service account's HOME=/nonexistent must stay that
        // way (the cache once created /nonexistent/.cache/nuanxin when run as root).
        var isFolder: ObjCBool = false
        if let home = environment["HOME"], home.hasPrefix("/"), FileManager.default.fileExists(atPath: home, isDirectory: &isFolder), isFolder.boolValue {
            return PROJCache(directory: (home as NSString).appendingPathComponent(".cache/nuanxin"))
        }
        return nil
    }()

    /// The cache used when a caller names none (`CoordinateTransformer(from:to:)`,
    /// `CoordinateTransformer.shared`, `CRSInspection.of`): none until a program opts in with
    /// `setDefault(_:)`, so that a library never writes into its user's home on its own. The
    /// `nuanxin` command sets it to `user` when it starts.
    public static var `default`: PROJCache? {
        defaultLock.lock()
        defer { defaultLock.unlock() }
        return defaultCache
    }

    /// Sets the cache used when a caller names none (nil: no cache).
    public static func setDefault(_ cache: PROJCache?) {
        defaultLock.lock()
        defaultCache = cache
        defaultLock.unlock()
    }

    private static let defaultLock = NSLock()
    private nonisolated(unsafe) static var defaultCache: PROJCache?

    // MARK: Keys

    /// What the entries of this process depend on besides the CRSs: PROJ's version, search path,
    /// `proj.db`, `proj.ini` and the search path's folders. Nil when `proj.db` cannot be found
    /// (then nothing is cached).
    static let environmentKey: String? = {
        let info = proj_info()
        let version = info.version.map { String(cString: $0) } ?? "?"
        let searchPath = info.searchpath.map { String(cString: $0) } ?? ""
        // PROJ_ONLY_BEST_DEFAULT changes which operation PROJ picks (PROJ 9.2 and later).
        let onlyBest = ProcessInfo.processInfo.environment["PROJ_ONLY_BEST_DEFAULT"] ?? "unset"
        // "cache 2": areas of use are stored with `east` past 180 across the antimeridian (`LonLatBox`).
        var lines = ["nuanxin proj cache 2", "proj \(version)", "searchpath \(searchPath)", "only best \(onlyBest)"]
        var database: String?
        for folder in searchPath.split(separator: ":", omittingEmptySubsequences: true).map(String.init) {
            lines.append("folder \(folder) \(fileStamp(folder))")
            let db = (folder as NSString).appendingPathComponent("proj.db")
            if database == nil, access(db, R_OK) == 0 { database = db }
            let ini = (folder as NSString).appendingPathComponent("proj.ini")
            lines.append("file \(ini) \(fileStamp(ini))")
        }
        guard let database else { return nil }
        lines.append("proj.db \(database) \(fileStamp(database))")
        return lines.joined(separator: "\n")
    }()

    /// "size mtime" of a file or folder (nanoseconds), or "absent".
    static func fileStamp(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "absent" }
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return "\(info.st_size) \(time.tv_sec).\(time.tv_nsec)"
    }

    /// The key of an entry, or nil when it cannot be cached (no proj.db, or a definition with a
    /// line break or tab in it).
    static func key(_ what: String, _ definitions: [String]) -> String? {
        guard let environment = environmentKey,
              !definitions.contains(where: { $0.contains("\n") || $0.contains("\t") || $0.contains("\r") }) else { return nil }
        return environment + "\n" + ([what] + definitions).joined(separator: "\t")
    }

    /// The entry file of a key: an FNV-1a hash of the key names it; the key itself is the file's
    /// first part, so two keys with the same hash do not mix.
    func file(for key: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return (directory as NSString).appendingPathComponent("proj-" + String(repeating: "0", count: 16 - hex.count) + hex)
    }

    static let separator = "\n=\n"

    /// The value stored under `key`, or nil when there is none or it is unreadable or for another key.
    func value(for key: String) -> [String]? {
        let path = file(for: key)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while bytes.count <= 1 << 20 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        guard bytes.count <= 1 << 20, let text = String(bytes: bytes, encoding: .utf8),
              text.hasPrefix(key + PROJCache.separator), text.hasSuffix("\n") else { return nil }
        let value = text.dropFirst(key.count + PROJCache.separator.count).dropLast()
        return value.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Stores `value` under `key`; any failure leaves the cache as it was.
    func setValue(_ value: [String], for key: String) {
        guard !value.contains(where: { $0.contains("\n") || $0.contains("\r") }) else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // Foundation's atomic write (a temporary file, then rename) rather than AtomicFile, whose
            // signal clean-up has one slot: an entry written while a command's `--out` is open must
            // not disarm the clean-up of that file.
            let text = key + PROJCache.separator + value.joined(separator: "\n") + "\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: file(for: key)), options: .atomic)
        } catch {
            // No cache then: never an error.
        }
    }

    // MARK: Pipelines

    /// The cached PROJ string of the transformation from `source` to `target`, or nil.
    func pipeline(from source: CRS, to target: CRS) -> String? {
        guard let key = PROJCache.key("operation", [source.definition, target.definition]),
              let stored = value(for: key), stored.count == 1, stored[0].hasPrefix("pipeline\t") else { return nil }
        let text = String(stored[0].dropFirst("pipeline\t".count))
        return PROJCache.isSelfContained(text) ? text : nil
    }

    /// Keeps the PROJ string of the transformation from `source` to `target`.
    func store(pipeline: String, from source: CRS, to target: CRS) {
        guard PROJCache.isSelfContained(pipeline),
              let key = PROJCache.key("operation", [source.definition, target.definition]) else { return }
        setValue(["pipeline\t" + pipeline], for: key)
    }

    /// Whether a PROJ string can be rebuilt from its text alone: a `+proj=` string that names no
    /// grid, no other file and no init file (their contents may change without the key changing).
    static func isSelfContained(_ pipeline: String) -> Bool {
        guard pipeline.hasPrefix("+proj="), !pipeline.contains("\n") else { return false }
        let lowered = pipeline.lowercased()
        return !["grids=", "file=", "init=", "model=", "+proj=deformation", "+proj=tinshift", "+proj=gridshift", "+proj=defmodel"].contains { lowered.contains($0) }
    }

    // MARK: Inspections

    /// The kind of key an inspection is stored under: "crs 2" since a CRS PROJ calls "unknown"
    /// (a `+proj=` string) is named by its method and datum, so that an entry of an earlier
    /// version, which kept "unknown", is not read.
    static let inspectionKey = "crs 2"

    /// The cached inspection of `crs`, or nil.
    func inspection(of crs: CRS) -> CRSInspection? {
        guard let key = PROJCache.key(PROJCache.inspectionKey, [crs.definition]), let stored = value(for: key) else { return nil }
        var name: String?
        var kind: CRSInspection.Kind?
        var axes: [CRSInspection.Axis] = []
        var area: CRSInspection.Area?
        for line in stored {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch fields.first {
            case "name" where fields.count == 2 && name == nil: name = fields[1]
            case "kind" where fields.count == 2 && kind == nil:
                guard let k = CRSInspection.Kind(rawValue: fields[1]) else { return nil }
                kind = k
            case "axis" where fields.count == 4:
                guard let toSI = Double(fields[3]) else { return nil }
                axes.append(.init(name: fields[1], unit: fields[2], toSI: toSI))
            case "area" where fields.count == 6 && area == nil:
                guard let w = Double(fields[1]), let s = Double(fields[2]), let e = Double(fields[3]), let n = Double(fields[4]) else { return nil }
                area = .init(bounds: LonLatBox(proj: w, south: s, east: e, north: n), name: fields[5])
            default: return nil
            }
        }
        guard let name, let kind else { return nil }
        return CRSInspection(crs: crs, name: name, kind: kind, axes: axes, area: area)
    }

    /// Keeps the inspection of a CRS.
    func store(_ inspection: CRSInspection) {
        guard let key = PROJCache.key(PROJCache.inspectionKey, [inspection.crs.definition]) else { return }
        var texts = [inspection.name] + inspection.axes.flatMap { [$0.name, $0.unit] }
        if let area = inspection.area { texts.append(area.name) }
        guard !texts.contains(where: { $0.contains("\t") || $0.contains("\n") || $0.contains("\r") }) else { return }
        var value = ["name\t\(inspection.name)", "kind\t\(inspection.kind.rawValue)"]
        value += inspection.axes.map { "axis\t\($0.name)\t\($0.unit)\t\($0.toSI)" }
        if let a = inspection.area { value.append("area\t\(a.bounds.west)\t\(a.bounds.south)\t\(a.bounds.east)\t\(a.bounds.north)\t\(a.name)") }
        setValue(value, for: key)
    }
}

