import Foundation

/// Why a file could not be written.
public enum AtomicFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The temporary file could not be created (missing folder, no permission, a directory in the way).
    case cannotCreate(path: String, reason: String)
    /// Writing, flushing or renaming failed; the previous file is untouched.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreate(path, reason): return "cannot create \(path): \(reason)"
        case let .writeFailed(path, reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Writes a whole file or nothing: the data goes to a temporary file in the same folder, is flushed
/// to disk, and is renamed over the target. On any failure the temporary file is removed and the
/// previous file, if any, is intact.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { handle in try handle.write(contentsOf: data) }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Streams into the file through `body`; the file appears only if `body` returns normally.
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
        let template = folder + "/." + url.lastPathComponent + ".tmp-XXXXXX"
        var buffer = Array(template.utf8CString)
        let fd = mkstemp(&buffer)
        guard fd >= 0 else {
            throw AtomicFileError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        let tempPath = String(decoding: buffer.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try body(handle)
            try handle.synchronize()
            // mkstemp makes the file 0600; give it the usual permissions.
            fchmod(fd, 0o644)
            try handle.close()
        } catch {
            try? handle.close()
            unlink(tempPath)
            throw AtomicFileError.writeFailed(path: path, reason: "\(error)")
        }
        if rename(tempPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tempPath)
            throw AtomicFileError.writeFailed(path: path, reason: reason)
        }
    }
}
