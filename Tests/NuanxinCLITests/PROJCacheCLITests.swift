import Foundation
import Testing

/// The per-user PROJ cache as a user meets it: filled by the first run, read by the next, never a
/// reason to fail, and giving the same answers with or without it.
@Suite("nuanxin's PROJ cache ($XDG_CACHE_HOME/nuanxin)")
struct PROJCacheCLITests {
    static let query = ["nearest", "--lon", "113.1", "--lat", "36.2", "-k", "3", "--format", "json"]

    /// Runs nuanxin with XDG_CACHE_HOME set to `cacheHome` (unset when nil, with HOME unset too when
    /// `noHome`).
    static func run(_ arguments: [String], cacheHome: String?, noHome: Bool = false) throws -> CLIResult {
        let environment = cacheHome.map { "export XDG_CACHE_HOME='\($0)'; " } ?? "unset XDG_CACHE_HOME; "
        return try CLI.runThroughShell((noHome ? "unset HOME; " : "") + environment + "exec \"$0\" \"$@\"", arguments)
    }

    static func entries(_ cacheHome: URL) -> [URL] {
        let folder = cacheHome.appendingPathComponent("nuanxin")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix("proj-") }.sorted().map { folder.appendingPathComponent($0) }
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nuanxin-cache-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("the first run fills the cache, the next reads it, and both answer alike (as a run with no cache)")
    func fillsAndReads() throws {
        let home = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        let first = try Self.run(Self.query, cacheHome: home.path)
        #expect(first.status == 0, "\(first.stderr)")
        let entries = Self.entries(home)
        // The transformation WGS84 -> EPSG:4547 and the inspection of EPSG:4547.
        #expect(entries.count == 2)
        let texts = try entries.map { try String(contentsOf: $0, encoding: .utf8) }
        #expect(texts.contains { $0.contains("pipeline\t+proj=pipeline") && $0.contains("+proj=tmerc") })
        #expect(texts.contains { $0.contains("name\tCGCS2000 / 3-degree Gauss-Kruger CM 114E") })
        let second = try Self.run(Self.query, cacheHome: home.path)
        #expect(second.status == 0 && second.stdout == first.stdout && second.stderr == first.stderr)
        #expect(try entries.map { try String(contentsOf: $0, encoding: .utf8) } == texts)
        let uncached = try Self.run(Self.query, cacheHome: "/dev/null/no-cache")
        #expect(uncached.status == 0 && uncached.stdout == first.stdout && uncached.stderr.isEmpty)
    }

    @Test("corrupt entries are ignored and rewritten, and the answer is the same")
    func corruptEntries() throws {
        let home = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        let first = try Self.run(Self.query, cacheHome: home.path)
        #expect(first.status == 0)
        let entries = Self.entries(home)
        #expect(entries.count == 2)
        let good = try entries.map { try Data(contentsOf: $0) }
        for (i, entry) in entries.enumerated() {
            // Cut in half (a torn write), or bytes that are not UTF-8.
            let bad = i == 0 ? good[i].prefix(good[i].count / 2) : Data([0xFF, 0xFE, 0x00, 0x41])
            try bad.write(to: entry)
        }
        let again = try Self.run(Self.query, cacheHome: home.path)
        #expect(again.status == 0 && again.stdout == first.stdout && again.stderr.isEmpty, "\(again.stderr)")
        #expect(try entries.map { try Data(contentsOf: $0) } == good)
    }

    @Test("a cache folder that cannot be created, or no HOME at all, is no cache and no error")
    func noCache() throws {
        let home = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        let reference = try Self.run(Self.query, cacheHome: "/dev/null/no-cache")
        #expect(reference.status == 0 && reference.stderr.isEmpty)
        // XDG_CACHE_HOME names a regular file: nuanxin/ cannot be made in it.
        let file = home.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let blocked = try Self.run(Self.query, cacheHome: file.path)
        #expect(blocked.status == 0 && blocked.stdout == reference.stdout && blocked.stderr.isEmpty, "\(blocked.stderr)")
        // A read-only cache folder (when not root, who may write anyway).
        let readOnly = home.appendingPathComponent("read-only")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: readOnly.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: readOnly.path) }
        let r = try Self.run(Self.query, cacheHome: readOnly.path)
        #expect(r.status == 0 && r.stdout == reference.stdout && r.stderr.isEmpty, "\(r.stderr)")
        // Neither XDG_CACHE_HOME nor HOME.
        let bare = try Self.run(Self.query, cacheHome: nil, noHome: true)
        #expect(bare.status == 0 && bare.stdout == reference.stdout && bare.stderr.isEmpty, "\(bare.stderr)")
    }
}
