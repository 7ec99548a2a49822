import Foundation
import Testing
@testable import Geo

/// `AtomicFile`: a whole file or the previous one, never a half file, and no temporary file left
/// behind by a failed write. (Writes killed with SIGKILL are tested through the CLI, in
/// NuanxinCLITests/AtomicOutputTests.)
@Suite("Atomic files: failures leave the previous file and no temporary file")
struct AtomicFileTests {
    struct Midway: Error, Equatable {}

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func entries(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test("a body that throws midway leaves the previous file intact, removes its temporary file and rethrows its own error")
    func bodyThrowsMidway() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.csv").path
        try AtomicFile.write("previous\n", to: target)
        #expect(throws: Midway.self) {
            try AtomicFile.write(to: target) { handle in
                try handle.write(contentsOf: Data(repeating: UInt8(ascii: "x"), count: 3 << 20))
                throw Midway()
            }
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "previous\n")
        #expect(try AtomicFileTests.entries(dir) == ["out.csv"])
    }

    @Test("a missing folder or a directory in the way cannot be created, and nothing is left")
    func cannotCreate() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: AtomicFileError.cannotCreate(path: dir.path + "/none/x.json", reason: "the folder \(dir.path)/none does not exist")) {
            try AtomicFile.write("x", to: dir.path + "/none/x.json")
        }
        #expect(throws: AtomicFileError.cannotCreate(path: dir.path, reason: "it is a directory")) {
            try AtomicFile.write("x", to: dir.path)
        }
        #expect(try AtomicFileTests.entries(dir).isEmpty)
    }

    @Test("slot names held by another user's files (a shared /tmp) are neither removed nor waited for, even one that is locked: the writer takes a name of its own (needs root to give files away; CI runs as root)")
    func otherUsersSlots() throws {
        guard geteuid() == 0 else { return }
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.path + "/out.json"
        var locked: Int32 = -1
        for k in 0..<AtomicFile.temporarySlots {
            let name = AtomicFile.slotPath(dir.path + "/.out.json.tmp-", k)
            try "someone else's".write(toFile: name, atomically: false, encoding: .utf8)
            #expect(chown(name, 65534, 65534) == 0)
            if k == 0 {
                locked = open(name, O_RDONLY)
                #expect(flock(locked, LOCK_EX | LOCK_NB) == 0)
            }
        }
        defer { close(locked) }
        let before = try AtomicFileTests.entries(dir)
        try AtomicFile.write("new", to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
        #expect(try AtomicFileTests.entries(dir).filter { $0 != "out.json" } == before, "another user's files are left as they were")
    }

    @Test("a folder where no new file can be made (procfs: even root cannot) is named, with why the folder must be writable")
    func folderWithoutNewFiles() throws {
        let error = #expect(throws: AtomicFileError.self) { try AtomicFile.write("x", to: "/proc/nuanxin-out.json") }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.hasPrefix("cannot create /proc/nuanxin-out.json: no new file can be made in its folder /proc ("), "\(text)")
        #expect(text.hasSuffix("); the file is replaced through a temporary file beside it, so that folder must be writable"), "\(text)")
    }

    @Test("the temporary file of a killed writer is removed by the next write, in whichever slot it is; one still being written is not")
    func staleTemporaryFiles() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.csv").path
        // Writers that died: their files exist, nobody holds their locks (the first slot, and one
        // past the slot the next writer takes).
        for slot in ["000000", "000003"] {
            try "half a fi".write(toFile: dir.appendingPathComponent(".out.csv.tmp-" + slot).path, atomically: false, encoding: .utf8)
        }
        // A writer at work: its file is locked.
        let live = dir.appendingPathComponent(".out.csv.tmp-000001").path
        try "being writ".write(toFile: live, atomically: false, encoding: .utf8)
        let fd = open(live, O_RDONLY)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        // Files of other targets and other names are not ours to touch.
        let other = dir.appendingPathComponent(".other.csv.tmp-000000").path
        try "x".write(toFile: other, atomically: false, encoding: .utf8)

        try AtomicFile.write("new\n", to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(try AtomicFileTests.entries(dir) == [".other.csv.tmp-000000", ".out.csv.tmp-000001", "out.csv"])
        close(fd)
        // Once its writer is gone, the next write removes it too.
        try AtomicFile.write("newer\n", to: target)
        #expect(try AtomicFileTests.entries(dir) == [".other.csv.tmp-000000", "out.csv"])
    }

    @Test("a killed writer in every slot: one write removes them all; a name that is no slot of the target is not looked at")
    func everySlotStale() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.csv").path
        let prefix = dir.path + "/.out.csv.tmp-"
        for k in 0..<AtomicFile.temporarySlots {
            try "half".write(toFile: AtomicFile.slotPath(prefix, k), atomically: false, encoding: .utf8)
        }
        // The cleanup opens the slots by name and never lists the folder: other names stay.
        try "x".write(toFile: prefix + "Ab12Cd", atomically: false, encoding: .utf8)
        try "x".write(toFile: AtomicFile.slotPath(prefix, AtomicFile.temporarySlots), atomically: false, encoding: .utf8)
        try AtomicFile.write("new\n", to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(try AtomicFileTests.entries(dir) == [".out.csv.tmp-0000\(AtomicFile.temporarySlots)", ".out.csv.tmp-Ab12Cd", "out.csv"])
    }

    /// A file of `text` whose modification time is `age` seconds ago.
    static func leftover(_ path: String, age: Int, _ text: String = "half") throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -Double(age))], ofItemAtPath: path)
    }

    @Test("temporary files under names that are not slots' (versions before the slots, a killed writer's name of its own) are removed once they are older than 10 minutes and unlocked; fresh, locked, linked, other targets' and other names stay")
    func leftoversUnderOtherNames() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.csv").path
        let prefix = dir.path + "/.out.csv.tmp-"
        let old = AtomicFile.leftoverAgeSeconds + 60
        try AtomicFileTests.leftover(prefix + "Ab12Cd", age: old)          // an older version's
        try AtomicFileTests.leftover(prefix + "zz9Q0x", age: old)          // a killed writer's own name
        try AtomicFileTests.leftover(prefix + "Fresh1", age: 5)             // may still be written
        try AtomicFileTests.leftover(prefix + "Locked", age: old)           // a writer at work
        let fd = open(prefix + "Locked", O_RDONLY)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        defer { close(fd) }
        try AtomicFileTests.leftover(prefix + "Linked", age: old)           // a second name: not ours alone
        try FileManager.default.linkItem(atPath: prefix + "Linked", toPath: dir.path + "/keep-me")
        try AtomicFileTests.leftover(prefix + "Ab12Cd.bak", age: old)      // not the pattern
        try AtomicFileTests.leftover(prefix + "Ab12C", age: old)
        try AtomicFileTests.leftover(prefix + "Ab-2Cd", age: old)
        try AtomicFileTests.leftover(dir.path + "/.other.csv.tmp-Ab12Cd", age: old)
        try AtomicFile.write("new\n", to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(try AtomicFileTests.entries(dir) == [".other.csv.tmp-Ab12Cd", ".out.csv.tmp-Ab-2Cd", ".out.csv.tmp-Ab12C", ".out.csv.tmp-Ab12Cd.bak",
                                                     ".out.csv.tmp-Fresh1", ".out.csv.tmp-Linked", ".out.csv.tmp-Locked", "keep-me", "out.csv"])
    }

    @Test("in a crowded folder the leftovers under other names are looked for only when the write finds a killed writer's slot file (no listing on every write)")
    func leftoversInACrowdedFolder() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.csv").path
        let prefix = dir.path + "/.out.csv.tmp-"
        for i in 0..<3000 { FileManager.default.createFile(atPath: dir.path + "/crowd-\(i)-with-a-longer-name", contents: nil) }
        var info = stat()
        #expect(stat(dir.path, &info) == 0)
        #expect(Int(info.st_size) > AtomicFile.listedFolderBytes, "\(info.st_size)")
        try AtomicFileTests.leftover(prefix + "Ab12Cd", age: AtomicFile.leftoverAgeSeconds + 60)
        try AtomicFile.write("new\n", to: target)
        #expect(FileManager.default.fileExists(atPath: prefix + "Ab12Cd"))
        // A killed writer's slot file: where writers die, the folder is looked through.
        try AtomicFileTests.leftover(prefix + "000004", age: 1)
        try AtomicFile.write("newer\n", to: target)
        #expect(!FileManager.default.fileExists(atPath: prefix + "Ab12Cd"))
        #expect(!FileManager.default.fileExists(atPath: prefix + "000004"))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "newer\n")
    }

    @Test("a slot that is a link or a folder is passed over, never removed or written through")
    func foreignSlots() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.csv").path
        let prefix = dir.path + "/.out.csv.tmp-"
        let elsewhere = dir.appendingPathComponent("elsewhere.txt").path
        try "keep\n".write(toFile: elsewhere, atomically: false, encoding: .utf8)
        #expect(symlink(elsewhere, AtomicFile.slotPath(prefix, 0)) == 0)
        try FileManager.default.createDirectory(atPath: AtomicFile.slotPath(prefix, 1), withIntermediateDirectories: false)
        try AtomicFile.write("new\n", to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(try String(contentsOfFile: elsewhere, encoding: .utf8) == "keep\n")
        #expect(try AtomicFileTests.entries(dir) == [".out.csv.tmp-000000", ".out.csv.tmp-000001", "elsewhere.txt", "out.csv"])
        // Every slot taken by such files: a random name as mkstemp makes, then renamed as usual.
        for k in 2..<AtomicFile.temporarySlots { #expect(symlink(elsewhere, AtomicFile.slotPath(prefix, k)) == 0) }
        try AtomicFile.write("newer\n", to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "newer\n")
        #expect(try String(contentsOfFile: elsewhere, encoding: .utf8) == "keep\n")
        #expect(try AtomicFileTests.entries(dir).count == AtomicFile.temporarySlots + 2)
    }

    @Test("when every slot is being written, a writer waits for one and then writes; the slots its peers leave are removed")
    func everySlotLive() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.csv").path
        let prefix = dir.path + "/.out.csv.tmp-"
        var held: [Int32] = []
        for k in 0..<AtomicFile.temporarySlots {
            let path = AtomicFile.slotPath(prefix, k)
            try "busy".write(toFile: path, atomically: false, encoding: .utf8)
            let fd = open(path, O_RDONLY)
            #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
            held.append(fd)
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        Thread.detachNewThread {
            do { try AtomicFile.write("new\n", to: target) } catch { failure = error }
            done.signal()
        }
        // The writer cannot have written while every slot is held; release them (writers that died).
        #expect(done.wait(timeout: .now() + .milliseconds(200)) == .timedOut)
        #expect(!FileManager.default.fileExists(atPath: target))
        for fd in held { close(fd) }
        done.wait()
        #expect(failure == nil)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(try AtomicFileTests.entries(dir) == ["out.csv"])
    }

    @Test("a written file has the usual permissions, and writing an unchanged target again works")
    func permissions() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("a.json").path
        for text in ["1", "2"] { try AtomicFile.write(text, to: target) }
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        #expect(mode == 0o644)
        #expect(try AtomicFileTests.entries(dir) == ["a.json"])
    }

    @Test("a file error's reason is the operating system's sentence")
    func fileErrorReason() {
        let error = NSError(domain: NSCocoaErrorDomain, code: 640, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))])
        #expect(AtomicFile.fileErrorReason(error) == "No space left on device")
        #expect(AtomicFile.fileErrorReason(Midway()) == nil)
    }
}
