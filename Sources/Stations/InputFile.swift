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
    public enum Failure: Error, CustomStringConvertible {
        case missing(String), directory(String), unreadable(String, String)

        /// What is wrong, without the path.
        public var reason: String {
            switch self {
            case .missing: return "no such file"
            case .directory: return "is a directory, not a file"
            case let .unreadable(_, why): return "cannot read: \(why)"
            }
        }

        public var path: String {
            switch self {
            case let .missing(p), let .directory(p), let .unreadable(p, _): return p
            }
        }

        public var description: String { "\(path): \(reason)" }
    }

    /// Opens a file for reading, or says why it cannot be.
    public static func open(_ path: String) throws -> FileHandle {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw Failure.missing(path) }
        if isDirectory.boolValue { throw Failure.directory(path) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure.unreadable(path, "permission denied") }
        return handle
    }

    /// The whole file, read straight into one array of its size (no intermediate `Data` copy, so
    /// a big layer is in memory once).
    public static func read(_ path: String) throws -> [UInt8] {
        let handle = try open(path)
        defer { try? handle.close() }
        let fd = handle.fileDescriptor
        var info = stat()
        let expected = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        var bytes = [UInt8]()
        // One byte more than the size, so that reaching the end needs no second allocation.
        bytes.reserveCapacity(expected + 1)
        var chunk = max(expected + 1, 1 << 16)
        while true {
            var failure: Int32 = 0
            var done = false
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: max(chunk, bytes.capacity - start)))
            let got = bytes.withUnsafeMutableBufferPointer { buffer -> Int in
                var filled = start
                while filled < buffer.count {
                    let n = systemRead(fd, buffer.baseAddress! + filled, buffer.count - filled)
                    if n > 0 {
                        filled += n
                    } else if n == 0 {
                        done = true
                        break
                    } else if errno != EINTR {
                        failure = errno
                        break
                    }
                }
                return filled
            }
            bytes.removeSubrange(got...)
            if failure != 0 { throw Failure.unreadable(path, String(cString: strerror(failure))) }
            if done { return bytes }
            chunk = max(bytes.count, 1 << 16)
        }
    }
}
