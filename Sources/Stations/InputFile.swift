import Foundation
#if canImport(Glibc)
import Glibc
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { Glibc.read(fd, buffer, count) }
#elseif canImport(Darwin)
import Darwin
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { Darwin.read(fd, buffer, count) }
#endif

/// Reads a file's bytes, turning "missing", "a directory" and "unreadable" into messages.
public enum InputFile {
    /// Why a file could not be read; each case carries the path as given.
    public enum Failure: Error, CustomStringConvertible {
        /// No such file; a directory where a file was expected; a file the operating system would not
        /// read (with its reason).
        case missing(String), directory(String), unreadable(String, String)
        /// Larger than `limit` bytes (a file too big for memory, or a stream that never ends):
        /// refused while reading, with at most `limit` bytes held.
        case tooLarge(String, limit: Int)

        /// What is wrong, without the path.
        public var reason: String {
            switch self {
            case .missing: return "no such file"
            case .directory: return "is a directory, not a file"
            case let .unreadable(_, why): return "cannot read: \(why)"
            case let .tooLarge(_, limit):
                return "larger than the limit of \(limit) bytes (\(InputFile.describe(bytes: limit))) for an input file; stopped reading there (set \(InputFile.limitVariable) to raise the limit)"
            }
        }

        /// The path of the file, as given.
        public var path: String {
            switch self {
            case let .missing(p), let .directory(p), let .unreadable(p, _), let .tooLarge(p, _): return p
            }
        }

        /// The file exists but is too big: bad data (65) rather than missing input (66).
        public var isTooLarge: Bool {
            if case .tooLarge = self { return true }
            return false
        }

        /// "path: reason".
        public var description: String { "\(path): \(reason)" }
    }

    /// Opens a file for reading, or says why it cannot be.
    public static func open(_ path: String) throws -> FileHandle {
        // open(2) itself, so that the reason is the system's: Foundation's fileExists called a
        // dangling symbolic link "a directory" and a link loop "no such file".
        #if canImport(Glibc)
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        #else
        let fd = Darwin.open(path, O_RDONLY | O_CLOEXEC)
        #endif
        guard fd >= 0 else {
            let error = errno
            var link = stat()
            switch error {
            case ENOENT where lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                throw Failure.unreadable(path, "a symbolic link to \(target), which does not exist")
            case ENOENT, ENOTDIR: throw Failure.missing(path)
            case ELOOP: throw Failure.unreadable(path, "a loop of symbolic links")
            case EACCES: throw Failure.unreadable(path, "permission denied")
            case EISDIR: throw Failure.directory(path)
            default: throw Failure.unreadable(path, String(cString: strerror(error)).lowercased())
            }
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw Failure.directory(path)
        }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// The environment variable that sets `maximumBytes`.
    public static let limitVariable = "NUANXIN_MAX_LAYER_BYTES"
    /// The default limit: 4 GiB (a layer of that size takes about 14 GiB once parsed).
    public static let defaultMaximumBytes = 4 << 30

    /// The most bytes `read(_:)` takes from one file: `NUANXIN_MAX_LAYER_BYTES` when it is a
    /// positive whole number, else 4 GiB.
    public static var maximumBytes: Int {
        if let text = ProcessInfo.processInfo.environment[limitVariable], let n = Int(text), n > 0 { return n }
        return defaultMaximumBytes
    }

    /// "4 GiB", "1.5 MiB", "512 bytes".
    static func describe(bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(bytes) bytes" }
        let rounded = (value * 10).rounded() / 10
        return (rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)) + " " + units[unit]
    }

    /// The whole file, read straight into one array of its size (no intermediate `Data` copy, so
    /// a big layer is in memory once). A file larger than `limit` (by its size, or while reading
    /// for a device or pipe that never ends, such as /dev/zero) is refused with `.tooLarge` once
    /// `limit` + 1 bytes have been read, never holding more.
    public static func read(_ path: String, limit: Int = InputFile.maximumBytes) throws -> [UInt8] {
        let handle = try open(path)
        defer { try? handle.close() }
        let fd = handle.fileDescriptor
        var info = stat()
        let expected = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        if expected > limit { throw Failure.tooLarge(path, limit: limit) }
        // The first buffer holds the file's size and one byte more (so that reaching the end needs
        // no second buffer), never more than limit + 1 bytes (one past the limit proves the file
        // too large), and is read into uninitialised memory, not zeroed first: for a regular file
        // it is the only one.
        let most = limit < Int.max ? limit + 1 : limit  // (a limit of Int.max must not overflow)
        let first = min(most, max(expected + 1, 1 << 16))
        var state = (filled: 0, end: false, failure: Int32(0))
        var bytes = [UInt8](unsafeUninitializedCapacity: first) { buffer, initialized in
            state = readFully(fd, buffer.baseAddress!, first)
            initialized = state.filled
        }
        // A file that grew, a device or a pipe: more room at the end, doubling, read in place.
        while state.failure == 0, !state.end, bytes.count < most {
            let start = bytes.count
            let room = min(most - start, max(start, 1 << 16))
            bytes.append(contentsOf: repeatElement(0, count: room))
            bytes.withUnsafeMutableBufferPointer { buffer in state = readFully(fd, buffer.baseAddress! + start, room) }
            bytes.removeSubrange((start + state.filled)...)
        }
        if state.failure != 0 { throw Failure.unreadable(path, String(cString: strerror(state.failure))) }
        if bytes.count > limit { throw Failure.tooLarge(path, limit: limit) }
        return bytes
    }

    /// Reads from `fd` until `count` bytes are in `buffer` or the input ends: how many were read,
    /// whether the end was reached, and the error (`errno`), 0 for none.
    private static func readFully(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> (filled: Int, end: Bool, failure: Int32) {
        var filled = 0
        while filled < count {
            let n = systemRead(fd, buffer + filled, count - filled)
            if n > 0 {
                filled += n
            } else if n == 0 {
                return (filled, true, 0)
            } else if errno != EINTR {
                return (filled, false, errno)
            }
        }
        return (filled, false, 0)
    }
}
