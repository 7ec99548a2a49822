import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be written.
public enum AtomicFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The temporary file could not be created (missing folder, no permission, a directory in the way).
    case cannotCreate(path: String, reason: String)
    /// Writing, flushing or renaming failed; the previous file is untouched.
    case writeFailed(path: String, reason: String)

    /// "cannot create PATH: reason" or "cannot write PATH: reason".
    public var description: String {
        switch self {
        case let .cannotCreate(path, reason): return "cannot create \(path): \(reason)"
        case let .writeFailed(path, reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Writes a whole file or nothing: the data goes to a temporary file `.NAME.tmp-XXXXXX` in the same
/// folder, is flushed to disk, and is renamed over the target. The target is never seen half
/// written.
///
/// - On any failure (an error thrown by the body, a full disk, a file-size limit) the temporary
///   file is removed and the previous file, if any, is intact.
/// - A process killed while writing (SIGKILL, power loss) runs no cleanup: its temporary file stays
///   behind, and the target is still the previous file. Each writer holds an exclusive `flock` on
///   its temporary file until it has been renamed, so the next write to the same target can tell a
///   temporary file of a dead writer (no lock) from one being written (locked), and removes only
///   the dead ones.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    ///
    /// - Throws: `AtomicFileError` (the previous file, if any, is left as it was).
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { handle in try handle.write(contentsOf: data) }
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    ///
    /// - Throws: `AtomicFileError` (the previous file, if any, is left as it was).
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Streams into the file through `body`; the file appears only if `body` returns normally.
    ///
    /// Errors from writing to the handle (Foundation's file errors) become
    /// `AtomicFileError.writeFailed`; any other error thrown by `body` is rethrown as it is, after
    /// the temporary file has been removed.
    public static func write(to path: String, _ body: (FileHandle) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw AtomicFileError.cannotCreate(path: path, reason: "it is a directory")
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AtomicFileError.cannotCreate(path: path, reason: "the folder \(folder) does not exist")
        }
        let prefix = "." + url.lastPathComponent + ".tmp-"
        removeStaleTemporaryFiles(in: folder, prefix: prefix)
        let (fd, tempPath) = try makeLockedTemporaryFile(folder + "/" + prefix + "XXXXXX", for: path)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        // The descriptor (and with it the lock) is kept open until the rename is done.
        defer { close(fd) }
        do {
            try body(handle)
            try handle.synchronize()
            // mkstemp makes the file 0600; give it the usual permissions.
            fchmod(fd, 0o644)
        } catch {
            unlink(tempPath)
            if let reason = fileErrorReason(error) { throw AtomicFileError.writeFailed(path: path, reason: reason) }
            throw error
        }
        if rename(tempPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tempPath)
            throw AtomicFileError.writeFailed(path: path, reason: reason)
        }
        // Make the rename itself durable (best effort: some file systems refuse fsync on a folder).
        let folderFD = open(folder, O_RDONLY)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }

    /// The temporary files in `folder` left by writers of the same target that are gone (killed):
    /// nobody holds their lock. Files being written are locked and left alone.
    static func staleTemporaryFiles(in folder: String, prefix: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasPrefix(prefix) && $0.utf8.count == prefix.utf8.count + 6 }.map { folder + "/" + $0 }
    }

    static func removeStaleTemporaryFiles(in folder: String, prefix: String) {
        for candidate in staleTemporaryFiles(in: folder, prefix: prefix) {
            let fd = open(candidate, O_RDONLY | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            // A live writer holds the lock; a killed one released it when it died.
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            var opened = stat(), named = stat()
            // Remove only the file we locked, not one that took its name meanwhile.
            if fstat(fd, &opened) == 0, lstat(candidate, &named) == 0, opened.st_ino == named.st_ino, opened.st_dev == named.st_dev {
                unlink(candidate)
            }
        }
    }

    /// mkstemp, then an exclusive lock. A cleaner may lock (and remove) the new file between the
    /// two calls; then the lock fails or the file is gone, and another name is tried.
    static func makeLockedTemporaryFile(_ template: String, for path: String) throws -> (Int32, String) {
        for _ in 0..<16 {
            var buffer = Array(template.utf8CString)
            let fd = mkstemp(&buffer)
            guard fd >= 0 else {
                throw AtomicFileError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
            }
            let tempPath = String(decoding: buffer.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var info = stat()
            if flock(fd, LOCK_EX | LOCK_NB) == 0, fstat(fd, &info) == 0, info.st_nlink > 0 {
                return (fd, tempPath)
            }
            close(fd)
        }
        throw AtomicFileError.cannotCreate(path: path, reason: "could not lock a temporary file")
    }

    /// The operating system's reason for a Foundation file error ("No space left on device",
    /// "File too large"), or nil when `error` is not a file error.
    public static func fileErrorReason(_ error: Error) -> String? {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        guard ns.domain == NSCocoaErrorDomain else { return nil }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
