import Foundation
import Testing
import TestSupport
@testable import Geo

/// `AtomicFile` replaces only regular files: a symbolic link's target is replaced (the link stays),
/// a FIFO or device is written through, a directory is refused, and a replaced file keeps its mode
/// and owner. Everything happens in a temporary folder, never on the real /dev.
@Suite("Atomic files: links, FIFOs, devices, directories, mode and owner")
struct AtomicFileTargetsTests {
    static let isRoot = geteuid() == 0
    /// Linux's device number of /dev/null: major 1, minor 3.
    static let nullDevice = dev_t((1 << 8) | 3)

    @Test("a symbolic link stays a link: its target is replaced, atomically, with the temporary file beside the target")
    func symbolicLink() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let real = dir.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        let target = real.appendingPathComponent("out.json").path
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        let link = dir.appendingPathComponent("link.json").path
        #expect(symlink("real/out.json", link) == 0)
        // A link to the link: followed to the end.
        let link2 = dir.appendingPathComponent("link2.json").path
        #expect(symlink(link, link2) == 0)

        try AtomicFile.write("new\n", to: link2)
        #expect(FileTargets.status(link).st_mode & S_IFMT == S_IFLNK)
        #expect(FileTargets.status(link2).st_mode & S_IFMT == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real/out.json")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(try AtomicFileTests.entries(real) == ["out.json"])
        #expect(try AtomicFileTests.entries(dir) == ["link.json", "link2.json", "real"])

        // A dangling link creates the file it points to.
        let dangling = dir.appendingPathComponent("dangling.json").path
        #expect(symlink("real/fresh.json", dangling) == 0)
        try AtomicFile.write("fresh\n", to: dangling)
        #expect(try String(contentsOfFile: real.appendingPathComponent("fresh.json").path, encoding: .utf8) == "fresh\n")
        #expect(FileTargets.status(dangling).st_mode & S_IFMT == S_IFLNK)
    }

    @Test("a link to a directory, and a link loop, are refused and nothing is written")
    func linkToDirectoryAndLoop() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sub = dir.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let link = dir.appendingPathComponent("to-sub").path
        #expect(symlink("sub", link) == 0)
        #expect(throws: AtomicFileError.cannotCreate(path: link, reason: "it is a directory")) {
            try AtomicFile.write("x", to: link)
        }
        let loop = dir.appendingPathComponent("loop").path
        #expect(symlink("loop", loop) == 0)
        #expect(throws: AtomicFileError.cannotCreate(path: loop, reason: "too many levels of symbolic links")) {
            try AtomicFile.write("x", to: loop)
        }
        #expect(try AtomicFileTests.entries(sub).isEmpty)
        #expect(try AtomicFileTests.entries(dir) == ["loop", "sub", "to-sub"])
    }

    @Test("a FIFO is written through to its reader; no temporary file and no regular file replace it")
    func fifo() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe").path
        // The reader opens the FIFO on its own thread; the writer's open waits for it.
        let reader = try FileTargets.fifoWithReader(at: fifo)
        let text = String(repeating: "line through the pipe\n", count: 10_000)
        try AtomicFile.write(text, to: fifo)
        #expect(String(decoding: reader.wait(), as: UTF8.self) == text)
        #expect(FileTargets.status(fifo).st_mode & S_IFMT == S_IFIFO)
        #expect(try AtomicFileTests.entries(dir) == ["pipe"])
    }

    @Test("a character device (mknod c 1 3, the null device, made in a temporary folder) is written through and stays a device",
          .enabled(if: AtomicFileTargetsTests.isRoot, "mknod needs root"))
    func characterDevice() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let device = dir.appendingPathComponent("null").path
        let made = mknod(device, S_IFCHR | 0o666, AtomicFileTargetsTests.nullDevice)
        // Some containers forbid mknod even to root; then there is nothing to test here.
        try #require(made == 0, "mknod failed: \(String(cString: strerror(errno)))")
        try AtomicFile.write(String(repeating: "x", count: 100_000), to: device)
        let after = FileTargets.status(device)
        #expect(after.st_mode & S_IFMT == S_IFCHR)
        #expect(after.st_rdev == AtomicFileTargetsTests.nullDevice)
        #expect(try AtomicFileTests.entries(dir) == ["null"])
    }

    @Test("a replaced file keeps its mode (0640) and, as root, its owner and group (nobody)")
    func modeAndOwner() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("layer.geojson").path
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        #expect(chmod(target, 0o640) == 0)
        var owner = (uid: geteuid(), gid: getegid())
        if AtomicFileTargetsTests.isRoot, let nobody = getpwnam("nobody") {
            owner = (nobody.pointee.pw_uid, nobody.pointee.pw_gid)
            #expect(chown(target, owner.uid, owner.gid) == 0)
        }
        try AtomicFile.write("new\n", to: target)
        let after = FileTargets.status(target)
        #expect(after.st_mode & 0o7777 == 0o640)
        #expect(after.st_uid == owner.uid && after.st_gid == owner.gid)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(try AtomicFileTests.entries(dir) == ["layer.geojson"])

        // Through a link, the target's mode is the one kept.
        #expect(chmod(target, 0o600) == 0)
        let link = dir.appendingPathComponent("link").path
        #expect(symlink("layer.geojson", link) == 0)
        try AtomicFile.write("newer\n", to: link)
        #expect(FileTargets.status(target).st_mode & 0o7777 == 0o600)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "newer\n")
    }

    @Test("a socket is not replaced")
    func unixSocket() throws {
        let dir = try AtomicFileTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s").path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        #expect(throws: AtomicFileError.cannotCreate(path: path, reason: "it is not a regular file, a device or a FIFO")) {
            try AtomicFile.write("x", to: path)
        }
        #expect(FileTargets.status(path).st_mode & S_IFMT == S_IFSOCK)
    }
}
