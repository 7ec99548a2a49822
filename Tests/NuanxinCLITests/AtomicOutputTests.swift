import Foundation
import Testing

/// `--out` is written atomically (docs/errors.md: never a half-written file), checked with the real binary: a
/// write that fails and a run killed while it writes both leave the previous file as it was.
@Suite("Atomic --out: failed and killed writes")
struct AtomicOutputTests {
    static func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// `n` query lines around the tiny fixture's stations.
    static func queries(_ n: Int) -> String {
        var csv = "id,lon,lat\n"
        csv.reserveCapacity(n * 28)
        for i in 0..<n { csv += "q\(i),\(113.0 + Double(i % 200) * 0.001),\(36.0 + Double(i / 200 % 100) * 0.001)\n" }
        return csv
    }

    static func temporaryFiles(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".out.csv.tmp-") }
    }

    /// Runs `nearest --input` of 400,000 queries with `--out` over `out.csv` (which holds
    /// "previous\n") in `dir`, and sends `signal` as soon as the temporary file beside it has
    /// data, that is, while the answer is being written. Returns the process once it has ended,
    /// whether the signal was sent mid-write (false: the run ended first, or two minutes passed),
    /// and the target.
    static func signalMidWrite(_ signal: Int32, in dir: URL) throws -> (process: Process, signalled: Bool, out: URL) {
        let input = dir.appendingPathComponent("queries.csv")
        try AtomicOutputTests.queries(400_000).write(to: input, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv")
        try "previous\n".write(to: out, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["nearest", "--input", input.path, "--format", "csv", "--out", out.path, "--data", Fixtures.tiny.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var signalled = false
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline {
            if let temp = try AtomicOutputTests.temporaryFiles(dir).first,
               let size = try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(temp).path)[.size] as? Int, size > 0 {
                kill(process.processIdentifier, signal)
                signalled = true
                break
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        return (process, signalled, out)
    }

    @Test("a write that fails midway (file-size limit) exits 74, keeps the previous file and leaves no temporary file",
          .enabled(if: BadInputCatalogueTests.fileSizeLimitWorks, "ThreadSanitizer's runtime cannot start under a file-size limit"))
    func failedWrite() throws {
        let dir = try AtomicOutputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("queries.csv")
        try AtomicOutputTests.queries(50_000).write(to: input, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv")
        try "previous\n".write(to: out, atomically: true, encoding: .utf8)
        // 64 blocks is far less than the ~1.5 MB answer; nuanxin ignores SIGXFSZ, so write(2) fails with EFBIG.
        let r = try CLI.runThroughShell("ulimit -f 64; exec \"$0\" \"$@\"",
                                        ["nearest", "--input", input.path, "--format", "csv", "--out", out.path, "--data", Fixtures.tiny.path])
        #expect(r.status == 74, "\(r.stderr)")
        #expect(r.stderr.contains("nuanxin: cannot write \(out.path): File too large"), "\(r.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "previous\n")
        #expect(try AtomicOutputTests.temporaryFiles(dir).isEmpty)
    }

    @Test("a run killed (SIGKILL) while it writes leaves the previous file intact; its temporary file is removed by the next write")
    func killedWrite() throws {
        let dir = try AtomicOutputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (process, killedWhileWriting, out) = try AtomicOutputTests.signalMidWrite(SIGKILL, in: dir)
        try #require(killedWhileWriting, "the run ended before it could be killed mid-write")
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        // The target is the previous file, whole.
        #expect(try String(contentsOf: out, encoding: .utf8) == "previous\n")
        // No cleanup runs in a killed process: its temporary file is still there.
        #expect(try AtomicOutputTests.temporaryFiles(dir).count == 1)

        // The next write to the same target succeeds and removes the dead writer's temporary file.
        let small = dir.appendingPathComponent("small.csv")
        try "id,lon,lat\na,113.06,36.05\n".write(to: small, atomically: true, encoding: .utf8)
        let again = try CLI.run(["nearest", "--input", small.path, "--format", "csv", "--out", out.path, "--data", Fixtures.tiny.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("query_id,rank,station_id,distance_m,error\na,1,s1,"))
        #expect(try AtomicOutputTests.temporaryFiles(dir).isEmpty)
    }
}
