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

/// Writes a whole file or nothing: the data goes to a temporary file `.NAME.tmp-NNNNNN` in the same
/// folder, is flushed to disk, and is renamed over the target. The target is never seen half
/// written.
///
/// - On any failure (an error thrown by the body, a full disk, a file-size limit) the temporary
///   file is removed and the previous file, if any, is intact.
/// - Only regular files are replaced. A symbolic link is followed and its target replaced (the
///   temporary file is made beside the target, so the link stays a link); a character or block
///   device or a FIFO is written through, as a shell's `>` would (there is nothing to rename over
///   it); a directory, a socket or a link loop is an error.
/// - A replaced file keeps its permission bits, owner and group: the temporary file gets them
///   before the rename. A new file is 0644.
/// - A process killed while writing (SIGKILL, power loss) runs no cleanup: its temporary file stays
///   behind, and the target is still the previous file. Each writer holds an exclusive `flock` on
///   its temporary file until it has been renamed, so the next write to the same target can tell a
///   temporary file of a dead writer (no lock) from one being written (locked), and removes only
///   the dead ones. SIGINT, SIGTERM and SIGHUP do remove it once `removeTemporaryFileOnSignals()`
///   has been called.
/// - The temporary files of a target have fixed names, `NNNNNN` a slot number from 000000 to
///   `temporarySlots` - 1: a writer takes the first slot that is free (or whose file is a dead
///   writer's) and looks at the others by name, so that finding the dead writers' files costs a
///   few `open` calls and not a listing of the folder (a `/tmp` may hold thousands of entries).
///   Only the user's own regular files are slots. When every slot is being written, the writer
///   waits for one (at most `slotWaitSeconds`, then a random name, `.NAME.tmp-nuanxin-XXXXXX`). A
///   killed writer's file under such a name is removed when old enough and unlocked, found by
///   listing the folder only when it is small or the write has just met a dead writer
///   (`removeLeftovers`). A file of another name is not looked at: versions before the slots used
///   `.NAME.tmp-` and six random letters, which cannot be told from a user's own file
///   (`.out.json.tmp-backup`), so those leftovers are left for the user to delete.
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
        try write(to: path) { handle in try handle.write(utf8: text) }
    }

    /// What `path` names once its symbolic links are followed.
    enum Destination {
        /// A regular file (`existing` holds its mode and owner) or no file yet: replaced atomically.
        case file(path: String, existing: stat?)
        /// A character or block device or a FIFO: written through.
        case stream(path: String)
    }

    /// Follows `path`'s symbolic links (at most 40, as the kernel does) to what will be written.
    /// A dangling link names the file it points to, which is then created.
    static func destination(of path: String) throws -> Destination {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0 else {
                if errno == ENOENT { return .file(path: current, existing: nil) }
                throw AtomicFileError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
            }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let n = readlink(current, &buffer, buffer.count - 1)
                guard n >= 0 else { throw AtomicFileError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
                let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if link.hasPrefix("/") {
                    current = link
                } else {
                    let folder = (current as NSString).deletingLastPathComponent
                    current = folder.isEmpty ? link : folder + "/" + link
                }
            case S_IFREG:
                return .file(path: current, existing: info)
            case S_IFDIR:
                throw AtomicFileError.cannotCreate(path: path, reason: "it is a directory")
            case S_IFCHR, S_IFBLK, S_IFIFO:
                return .stream(path: current)
            default:
                throw AtomicFileError.cannotCreate(path: path, reason: "it is not a regular file, a device or a FIFO")
            }
        }
        throw AtomicFileError.cannotCreate(path: path, reason: "too many levels of symbolic links")
    }

    /// Streams into the file through `body`; the file appears only if `body` returns normally.
    ///
    /// Errors from writing to the handle (Foundation's file errors) become
    /// `AtomicFileError.writeFailed`; any other error thrown by `body` is rethrown as it is, after
    /// the temporary file has been removed.
    public static func write(to path: String, _ body: (FileHandle) throws -> Void) throws {
        let target: String
        let existing: stat?
        switch try destination(of: path) {
        case let .stream(device):
            try writeThrough(device, named: path, body)
            return
        case let .file(file, info):
            target = file
            existing = info
        }
        let url = URL(fileURLWithPath: target)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AtomicFileError.cannotCreate(path: path, reason: "the folder \(folder) does not exist")
        }
        var crashSeen = false
        let (fd, tempPath) = try claimTemporaryFile(folder + "/." + url.lastPathComponent + ".tmp-", for: path, crashSeen: &crashSeen)
        SignalCleanup.arm(tempPath)
        removeLeftovers(in: folder, name: url.lastPathComponent, keeping: tempPath, evenInALargeFolder: crashSeen)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        // The descriptor (and with it the lock) is kept open until the rename is done.
        defer { close(fd) }
        do {
            // The replaced file's owner, group and mode (owner first: chown clears set-id bits);
            // mkstemp makes a new file 0600, so a new file gets the usual 0644.
            if let existing {
                var made = stat()
                let sameOwner = fstat(fd, &made) == 0 && made.st_uid == existing.st_uid && made.st_gid == existing.st_gid
                if !sameOwner, fchown(fd, existing.st_uid, existing.st_gid) != 0 {
                    throw AtomicFileError.cannotCreate(path: path, reason: "cannot give the new file the owner of the old one (uid \(existing.st_uid), gid \(existing.st_gid)): \(String(cString: strerror(errno)))")
                }
                fchmod(fd, existing.st_mode & 0o7777)
            } else {
                fchmod(fd, 0o644)
            }
            try body(handle)
            try handle.synchronize()
        } catch {
            unlink(tempPath)
            SignalCleanup.disarm()
            if let reason = fileErrorReason(error) { throw AtomicFileError.writeFailed(path: path, reason: reason) }
            throw error
        }
        if rename(tempPath, target) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tempPath)
            SignalCleanup.disarm()
            throw AtomicFileError.writeFailed(path: path, reason: reason)
        }
        // Disarmed only after the rename: a signal in between unlinks a name that is gone, harmlessly.
        SignalCleanup.disarm()
        // Make the rename itself durable (best effort: some file systems refuse fsync on a folder).
        let folderFD = open(folder, O_RDONLY)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }

    /// A device or FIFO: opened for writing (a FIFO waits for its reader, as with a shell's `>`)
    /// and written directly. There is no previous content to keep.
    static func writeThrough(_ device: String, named path: String, _ body: (FileHandle) throws -> Void) throws {
        var fd: Int32
        repeat { fd = open(device, O_WRONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw AtomicFileError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        do {
            try body(handle)
        } catch {
            if let reason = fileErrorReason(error) { throw AtomicFileError.writeFailed(path: path, reason: reason) }
            throw error
        }
    }

    /// Makes SIGINT, SIGTERM and SIGHUP remove the temporary file being written (if any) and end
    /// the process with 128 + the signal number (130, 143, 129), as a shell reports a process
    /// killed by that signal. For a program's `main`: the handler covers one write at a time.
    public static func removeTemporaryFileOnSignals() {
        SignalCleanup.install()
    }

    /// How many temporary files one target may have at a time (concurrent writers of the same
    /// file); a writer that finds every slot being written waits for one.
    public static let temporarySlots = 16

    /// How long a writer that finds every slot being written waits for one before it takes a
    /// temporary name of its own (`mkstemp`'s).
    public static let slotWaitSeconds = 30

    /// What a random temporary name has after `.NAME.tmp-` and before `mkstemp`'s six characters,
    /// so that `removeLeftovers` removes only names this program made.
    static let randomNameMark = "nuanxin-"

    /// The temporary file of slot `k` for the names starting with `prefix` (`FOLDER/.NAME.tmp-`).
    static func slotPath(_ prefix: String, _ k: Int) -> String {
        let digits = String(k)
        return prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// A new temporary file for `path`, created empty and locked: the first slot that is free, or
    /// whose file a dead writer left (removed first). The slots after it are looked at too and the
    /// dead writers' files there removed, so none stays behind past the next write. When every
    /// slot is held by a live writer, waits for one (at most `slotWaitSeconds`) and tries again.
    /// When the slots are taken by files that are no writer's (another user's, links, folders),
    /// after the wait, or after many lost races, a name as `mkstemp` makes it.
    /// `crashSeen` is set when a dead writer's file was found at a slot or the name is not a slot's
    /// (then earlier writers may have left files under such names too; `removeLeftovers`).
    static func claimTemporaryFile(_ prefix: String, for path: String, crashSeen: inout Bool) throws -> (Int32, String) {
        // Bounded: each try takes a slot, passes one, or meets another writer's move.
        var tries = 0
        while true {
            var live: Int?
            var k = 0
            while k < temporarySlots {
                tries += 1
                // Many writers racing for the slots: a name of its own instead.
                guard tries <= 64 * temporarySlots else { crashSeen = true; return try randomTemporaryFile(prefix + randomNameMark + "XXXXXX", for: path) }
                let candidate = slotPath(prefix, k)
                let fd = open(candidate, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
                if fd >= 0 {
                    if try lockNew(fd, candidate, for: path) {
                        for later in (k + 1)..<temporarySlots where removeIfStale(slotPath(prefix, later)) == .removed { crashSeen = true }
                        return (fd, candidate)
                    }
                    continue
                }
                guard errno == EEXIST else { throw cannotCreateTemporary(prefix, for: path) }
                switch removeIfStale(candidate) {
                case .removed: crashSeen = true; continue // a dead writer's: the slot is free again
                case .absent: continue // gone meanwhile
                case .live:
                    if live == nil { live = k }
                    k += 1
                case .other: k += 1
                }
            }
            guard let live else { crashSeen = true; return try randomTemporaryFile(prefix + randomNameMark + "XXXXXX", for: path) }
            // Every slot is taken and one at least is being written: wait until that writer is done
            // (it renames or removes its file, then closes it), then look again. At most
            // `slotWaitSeconds`: past that (a writer that never ends), a name of its own.
            let fd = open(slotPath(prefix, live), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
            if fd >= 0 {
                defer { close(fd) }
                var waited = 0
                while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                    guard errno == EWOULDBLOCK || errno == EINTR else { break }
                    guard waited < slotWaitSeconds * 100 else { crashSeen = true; return try randomTemporaryFile(prefix + randomNameMark + "XXXXXX", for: path) }
                    usleep(10_000)
                    waited += 1
                }
            }
        }
    }

    /// Locks a file just created (`fd`, named `name`); false (the descriptor closed) when another
    /// process locked it first or it lost its name meanwhile: a cleaner took it for a dead writer's
    /// and removes it. Throws when the file system cannot lock at all (the file is removed).
    static func lockNew(_ fd: Int32, _ name: String, for path: String) throws -> Bool {
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            close(fd)
            if reason == EWOULDBLOCK || reason == EINTR { return false }
            unlink(name)
            throw AtomicFileError.cannotCreate(path: path, reason: "cannot lock a temporary file: \(String(cString: strerror(reason)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_nlink > 0 else {
            close(fd)
            return false
        }
        return true
    }

    /// What `removeIfStale` found at a slot.
    enum SlotState {
        /// A dead writer's file, now removed: the slot is free.
        case removed
        /// No file (or it went meanwhile): the slot is free.
        case absent
        /// A file a live writer holds.
        case live
        /// No file, or one that is no writer's temporary file (not a regular file, not readable).
        case other
    }

    /// Removes `candidate` when it is a temporary file nobody writes (its writer died and released
    /// its lock); a file a live writer holds, and anything else, is left.
    static func removeIfStale(_ candidate: String) -> SlotState {
        let fd = open(candidate, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return errno == ENOENT ? .absent : .other }
        defer { close(fd) }
        var opened = stat(), named = stat()
        // Only this user's regular files are slots: in a shared folder (/tmp) another user's file
        // of the same name is neither waited for nor removable.
        guard fstat(fd, &opened) == 0, opened.st_mode & S_IFMT == S_IFREG, opened.st_uid == geteuid() else { return .other }
        // A live writer holds the lock; a killed one released it when it died.
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK ? .live : .other }
        // Remove only the file we locked, not one that took its name meanwhile.
        guard lstat(candidate, &named) == 0 else { return .absent }
        guard opened.st_ino == named.st_ino, opened.st_dev == named.st_dev else { return .other }
        if unlink(candidate) == 0 { return .removed }
        return errno == ENOENT ? .absent : .other
    }

    /// How long (by its modification time) a temporary file under a name that is not a slot's must
    /// have been left alone before `removeLeftovers` removes it: a writer of an older version, or
    /// one on a file system whose locks other machines do not see, is not mistaken for a dead one.
    public static let leftoverAgeSeconds = 600

    /// The size (`st_size` of the folder itself) up to which the target's folder is listed on every
    /// write to find leftovers under names that are not slots': about 1,500 entries on ext4 and
    /// tmpfs, a listing of well under a millisecond. A larger folder is listed only when the write
    /// found a dead writer's slot file or used a name of its own (`crashSeen`).
    public static let listedFolderBytes = 32 * 1024

    /// Removes temporary files of `name` left by writers that took a name of their own (`mkstemp`'s)
    /// and were killed: `.NAME.tmp-nuanxin-` and six letters or digits, exactly (no other name: a
    /// user's `.out.json.tmp-backup` is not ours). Only the user's own regular files with one link,
    /// not locked by a writer (a writer holds its lock from creation until the rename) and not
    /// modified for `leftoverAgeSeconds`; `keeping` (this writer's own file) never. The folder
    /// is listed only when it is small (`listedFolderBytes`) or `evenInALargeFolder`. Best effort:
    /// any failure leaves the files as they are.
    static func removeLeftovers(in folder: String, name: String, keeping: String, evenInALargeFolder: Bool) {
        var info = stat()
        guard stat(folder, &info) == 0, evenInALargeFolder || Int(info.st_size) <= listedFolderBytes else { return }
        guard let dir = opendir(folder) else { return }
        defer { closedir(dir) }
        let prefix = Array(("." + name + ".tmp-" + randomNameMark).utf8)
        let now = time(nil)
        while let entry = readdir(dir) {
            let candidate: String? = withUnsafePointer(to: &entry.pointee.d_name) { raw in
                raw.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes -> String? in
                    let count = strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self))
                    guard count == prefix.count + 6 else { return nil }
                    for i in 0..<prefix.count where bytes[i] != prefix[i] { return nil }
                    for i in prefix.count..<count {
                        let b = bytes[i]
                        guard (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) else { return nil }
                    }
                    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
                }
            }
            guard let candidate else { continue }
            let path = folder + "/" + candidate
            guard path != keeping else { continue }
            var named = stat()
            guard lstat(path, &named) == 0, named.st_mode & S_IFMT == S_IFREG, named.st_uid == geteuid(), named.st_nlink == 1,
                  Int(now) - modificationSeconds(named) >= leftoverAgeSeconds else { continue }
            _ = removeIfStale(path)
        }
    }

    /// A file's modification time in seconds since 1970 (the field is named differently on Darwin).
    static func modificationSeconds(_ info: stat) -> Int {
        #if canImport(Darwin)
        return Int(info.st_mtimespec.tv_sec)
        #else
        return Int(info.st_mtim.tv_sec)
        #endif
    }

    /// The error of a temporary file that cannot be created (`errno` set): it names the folder,
    /// since the file is replaced through a new file there (a writable file in a read-only folder
    /// cannot be replaced safely).
    static func cannotCreateTemporary(_ prefix: String, for path: String) -> AtomicFileError {
        let reason = String(cString: strerror(errno))
        let folder = (prefix as NSString).deletingLastPathComponent
        return .cannotCreate(path: path, reason: "no new file can be made in its folder \(folder) (\(reason)); the file is replaced through a temporary file beside it, so that folder must be writable")
    }

    /// mkstemp, then an exclusive lock. A cleaner may lock (and remove) the new file between the
    /// two calls; then another name is tried.
    static func randomTemporaryFile(_ template: String, for path: String) throws -> (Int32, String) {
        for _ in 0..<16 {
            var buffer = Array(template.utf8CString)
            let fd = mkstemp(&buffer)
            guard fd >= 0 else {
                throw AtomicFileError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
            }
            let tempPath = String(decoding: buffer.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if try lockNew(fd, tempPath, for: path) { return (fd, tempPath) }
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

/// The temporary file to remove when a signal ends the process. A signal handler may only do
/// async-signal-safe work, so the path lives in a fixed C buffer allocated before the handler is
/// installed: byte 0 says whether a path is armed, the path follows from byte 1. The handler
/// unlinks it and calls `_exit`.
enum SignalCleanup {
    static let capacity = Int(PATH_MAX) + 2
    nonisolated(unsafe) static let buffer: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
        buffer.initialize(repeating: 0, count: capacity)
        return buffer
    }()
    /// Set once by `install()` before any handler runs; read-only afterwards. While it is false
    /// (library use, tests writing on many threads) the buffer is never touched.
    nonisolated(unsafe) static var installed = false

    static func install() {
        guard !installed else { return }
        _ = buffer
        installed = true
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            // A signal the parent set to be ignored stays ignored (nohup ignores SIGHUP).
            var previous = sigaction()
            sigaction(signalNumber, nil, &previous)
            #if canImport(Glibc)
            let ignored = unsafeBitCast(previous.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
            #else
            let ignored = unsafeBitCast(previous.__sigaction_u.__sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
            #endif
            if ignored { continue }
            sigaddset(&unblock, signalNumber)
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { signalNumber in
                SignalCleanup.handle(signalNumber)
            }
            #else
            action.__sigaction_u.__sa_handler = { signalNumber in
                SignalCleanup.handle(signalNumber)
            }
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signalNumber, &action, nil)
        }
        // A parent may start us with these signals blocked (threads of a test runner or a
        // dispatch queue block most signals, and exec keeps the mask): then the handler would
        // never run. Threads started later inherit the unblocked mask.
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// Only async-signal-safe calls: unlink and _exit.
    static func handle(_ signalNumber: Int32) {
        let buffer = SignalCleanup.buffer
        if buffer[0] != 0 { unlink(buffer + 1) }
        _exit(128 + signalNumber)
    }

    static func arm(_ path: String) {
        guard installed else { return }
        let bytes = Array(path.utf8)
        guard bytes.count + 2 <= capacity else { return }
        buffer[0] = 0
        bytes.withUnsafeBufferPointer { source in
            // memcpy is opaque to the optimiser, so the flag below is stored after the path.
            _ = memcpy(buffer + 1, source.baseAddress!, source.count)
        }
        buffer[bytes.count + 1] = 0
        buffer[0] = 1
    }

    static func disarm() {
        guard installed else { return }
        buffer[0] = 0
    }
}

extension FileHandle {
    /// Writes `text` as UTF-8 straight from the string's storage, without a copy into a `Data`
    /// (a result of hundreds of megabytes was copied whole before it was written).
    public func write(utf8 text: String) throws {
        var text = text
        try text.withUTF8 { bytes in try write(contentsOf: UnsafeRawBufferPointer(bytes)) }
    }
}
