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

    @Test("the temporary file of a killed writer is removed by the next write; one still being written is not")
    func staleTemporaryFiles() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.csv").path
        // A writer that died: its file exists, nobody holds its lock.
        let dead = dir.appendingPathComponent(".out.csv.tmp-Ab12Cd").path
        try "half a fi".write(toFile: dead, atomically: false, encoding: .utf8)
        // A writer at work: its file is locked.
        let live = dir.appendingPathComponent(".out.csv.tmp-Ef34Gh").path
        try "being writ".write(toFile: live, atomically: false, encoding: .utf8)
        let fd = open(live, O_RDONLY)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        // Files of other targets and other names are not ours to touch.
        let other = dir.appendingPathComponent(".other.csv.tmp-Ij56Kl").path
        try "x".write(toFile: other, atomically: false, encoding: .utf8)

        try AtomicFile.write("new\n", to: target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(try AtomicFileTests.entries(dir) == [".other.csv.tmp-Ij56Kl", ".out.csv.tmp-Ef34Gh", "out.csv"])
        close(fd)
        // Once its writer is gone, the next write removes it too.
        try AtomicFile.write("newer\n", to: target)
        #expect(try AtomicFileTests.entries(dir) == [".other.csv.tmp-Ij56Kl", "out.csv"])
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
