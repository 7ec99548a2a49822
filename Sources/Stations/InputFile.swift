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
        return try read(handle, path: path, limit: limit)
    }

    /// `read(_:limit:)` from a file already open (`path` names it in failures).
    private static func read(_ handle: FileHandle, path: String, limit: Int) throws -> [UInt8] {
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

    /// Regular files from this size on are mapped into memory by `withContents` rather than
    /// copied into it: 4 MiB (as big as the layers read on two threads, `GeoJSONReader.twoThreadBytes`).
    /// Mapped, a file is read without a copy into fresh memory: on a 25 MB demand layer the
    /// loader spent a tenth of its time copying the file and touching the new pages.
    public static let mapFromBytes = 4 << 20

    /// Runs `body` over the whole file's bytes. A regular file of `mapFrom` bytes or more is
    /// mapped into memory, read in place from the system's file cache (a 1.3 GB layer then takes
    /// no memory of its own, and none of it is copied); anything else (smaller files, pipes,
    /// devices, a file that cannot be mapped) is read as `read(_:limit:)` reads it. The same
    /// failures as `read(_:limit:)`. The buffer is valid only inside `body`.
    ///
    /// A mapped file cut short while `body` reads it (another program truncating or rewriting it),
    /// or a page the file system cannot read (a failing disk, a network file system gone), would
    /// make the process fault; instead, a message naming the file is written to standard
    /// error and the process ends with exit code 74 (an I/O error), before any output is written.
    /// Files are mapped on Linux only, at most eight at once (more are read).
    public static func withContents<R>(_ path: String, limit: Int = InputFile.maximumBytes, mapFrom: Int = InputFile.mapFromBytes,
                                       _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        let handle = try open(path)
        defer { try? handle.close() }
        #if canImport(Glibc)
        var info = stat()
        if fstat(handle.fileDescriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) >= max(mapFrom, 1) {
            let size = Int(info.st_size)
            if size > limit { throw Failure.tooLarge(path, limit: limit) }
            if let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, handle.fileDescriptor, 0), base != MAP_FAILED {
                defer { munmap(base, size) }
                let watched = try MappedFileWatch.watching(path, start: base, count: size) {
                    try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size))
                }
                if let watched { return watched }
            }
        }
        #endif
        // The same open file, read into memory (not opened a second time).
        return try read(handle, path: path, limit: limit).withUnsafeBufferPointer(body)
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

#if canImport(Glibc)
/// The bus-error handler that stands while files are mapped: a mapped file cut short under the
/// reader (pages past its new end) raises SIGBUS on the next read there. Each mapping holds a slot
/// with its address range and a message prepared beforehand (naming the file) in memory that is
/// never freed; the handler (`SA_SIGINFO`) looks up the faulting address, writes that slot's
/// message and ends the process with exit code 74, calling nothing but write(2) and _exit(2). A bus
/// error at any other address is not ours: the handler puts the previous action back and returns,
/// so that the fault, raised again, meets it.
private enum MappedFileWatch {
    static let slotCount = 8
    static let messageCapacity = 4_096

    struct Slot {
        var start: UInt = 0
        var end: UInt = 0
        var length = 0
        var active = false
    }

    nonisolated(unsafe) static let slots: UnsafeMutablePointer<Slot> = {
        let p = UnsafeMutablePointer<Slot>.allocate(capacity: slotCount)
        p.initialize(repeating: Slot(), count: slotCount)
        return p
    }()
    nonisolated(unsafe) static let messages = UnsafeMutablePointer<UInt8>.allocate(capacity: slotCount * messageCapacity)
    nonisolated(unsafe) static var previous = sigaction()
    nonisolated(unsafe) static var depth = 0
    static let lock = NSLock()

    /// Runs `body` with the handler standing for `count` bytes from `start`, the file `path`;
    /// nil (and `body` not run) when every slot is taken: the caller then reads the file instead.
    static func watching<R>(_ path: String, start: UnsafeRawPointer, count: Int, _ body: () throws -> R) rethrows -> R? {
        lock.lock()
        guard let k = (0..<slotCount).first(where: { !slots[$0].active }) else {
            lock.unlock()
            return nil
        }
        let text = Array("nuanxin: error: \(path): the file was cut short or became unreadable while it was being read (another program is writing it, or its disk or network file system failed?); run again once it is complete and readable\n".utf8)
        let length = min(text.count, messageCapacity)
        (messages + k * messageCapacity).update(from: text, count: length)
        slots[k] = Slot(start: UInt(bitPattern: start), end: UInt(bitPattern: start) + UInt(count), length: length, active: true)
        if depth == 0 {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { _, info, _ in
                let address = UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr)
                for k in 0..<MappedFileWatch.slotCount {
                    let slot = MappedFileWatch.slots[k]
                    if slot.active, address >= slot.start, address < slot.end {
                        _ = write(2, MappedFileWatch.messages + k * MappedFileWatch.messageCapacity, slot.length)
                        _exit(74)
                    }
                }
                sigaction(SIGBUS, &MappedFileWatch.previous, nil)
            }
            action.sa_flags = SA_SIGINFO
            sigemptyset(&action.sa_mask)
            sigaction(SIGBUS, &action, &previous)
        }
        depth += 1
        lock.unlock()
        // A process started with SIGBUS blocked would be killed without the handler.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGBUS)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        defer {
            lock.lock()
            slots[k].active = false
            depth -= 1
            if depth == 0 { sigaction(SIGBUS, &previous, nil) }
            lock.unlock()
        }
        return try body()
    }
}
#endif
