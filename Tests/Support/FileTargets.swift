import Foundation

/// Files that are not plain files, for the tests of atomic output (Geo's `AtomicFile` in process
/// and `--out` through the CLI): what `lstat` says of a path, and a FIFO with a reader.
public enum FileTargets {
    /// `lstat` of `path` (a link itself, not its target); all zero when there is nothing there.
    public static func status(_ path: String) -> stat {
        var info = stat()
        _ = lstat(path, &info)
        return info
    }

    /// The type bits of `lstat` (`S_IFREG`, `S_IFLNK`, `S_IFIFO`, `S_IFCHR`, ...).
    public static func type(_ path: String) -> mode_t { status(path).st_mode & S_IFMT }

    /// Makes a FIFO at `path` (mode 0600) and starts a thread that opens it for reading and reads
    /// to the end, so that a writer's open does not wait forever; `FIFOReader.wait()` gives what
    /// was read.
    public static func fifoWithReader(at path: String) throws -> FIFOReader {
        guard mkfifo(path, 0o600) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "mkfifo \(path): \(String(cString: strerror(errno)))"])
        }
        let reader = FIFOReader()
        Thread {
            if let handle = FileHandle(forReadingAtPath: path) {
                reader.received = handle.readDataToEndOfFile()
                try? handle.close()
            }
            reader.done.signal()
        }.start()
        return reader
    }
}

/// The reading end of `FileTargets.fifoWithReader(at:)`.
public final class FIFOReader: @unchecked Sendable {
    // Written by the reader thread before `done` is signalled, read only after `wait()`.
    fileprivate var received = Data()
    fileprivate let done = DispatchSemaphore(value: 0)

    /// Waits until the writer has closed the FIFO and returns everything it wrote.
    public func wait() -> Data {
        done.wait()
        return received
    }
}
