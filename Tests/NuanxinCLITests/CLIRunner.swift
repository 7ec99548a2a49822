import Foundation

/// Runs the built `nuanxin` binary (next to the test bundle) and captures what it prints.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    /// The `nuanxin` executable built alongside the tests.
    static let executable: URL = {
        let testBinary = URL(fileURLWithPath: try! FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        var folder = testBinary.deletingLastPathComponent()
        // On Linux the test binary is <build>/debug/NuanxinPackageTests.xctest.
        while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("nuanxin").path), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("nuanxin")
    }()

    /// The repository root (for the default dataset and fixtures).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shared test-data folder beside the repository, when present (tests that need it skip otherwise).
    static let shared: URL? = {
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    @discardableResult
    static func run(_ arguments: [String], stdin: String? = nil, currentDirectory: URL? = nil) throws -> CLIResult {
        try run(program: executable, arguments, stdin: stdin, currentDirectory: currentDirectory)
    }

    /// Runs `nuanxin` through `/bin/sh -c script`, with the executable as `$0` and `arguments` as
    /// `"$@"`, so that a test can set limits or redirect (`ulimit -f 64; exec "$0" "$@"`).
    @discardableResult
    static func runThroughShell(_ script: String, _ arguments: [String]) throws -> CLIResult {
        try run(program: URL(fileURLWithPath: "/bin/sh"), ["-c", script, executable.path] + arguments)
    }

    static func run(program: URL, _ arguments: [String], stdin: String? = nil, currentDirectory: URL? = nil) throws -> CLIResult {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so neither fills up and blocks the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
    }
}
