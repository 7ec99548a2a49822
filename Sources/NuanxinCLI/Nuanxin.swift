import ArgumentParser
import Foundation
import Geo

/// The `nuanxin` command: station lookup, coverage and site planning for new-economy workers.
public struct Nuanxin: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "nuanxin",
        abstract: "Locate and plan stations for delivery riders, couriers and other new-economy workers.",
        discussion: """
        Without --data, commands use the default Changzhi dataset (geodata/changzhi).
        Exit codes: 0 success, 64 usage, 65 bad input data, 66 input missing or unreadable, \
        73 cannot create output, 74 I/O error.
        """,
        version: Nuanxin.version,
        subcommands: [InfoCommand.self, ValidateCommand.self, CoverageCommand.self, LoadCommand.self, GapsCommand.self, ProposeCommand.self, CompareCommand.self, AreasCommand.self, ReportCommand.self, ExportCommand.self, ImportCommand.self, ConvertCommand.self, NearestCommand.self, WithinCommand.self, LocateCommand.self]
    )

    public init() {}

    /// Parses, runs the command, and reports any error of ours on stderr with its exit code (the
    /// one place errors become exit codes); ArgumentParser reports its own (usage errors exit 64).
    public static func main() {
        reserveStandardDescriptors()
        // Past a file-size limit (ulimit -f) the kernel sends SIGXFSZ, which would kill the run before
        // it could remove its temporary file; ignored, the write fails with EFBIG and exits 74 cleanly.
        signal(SIGXFSZ, SIG_IGN)
        #if canImport(Glibc)
        // Blocks of up to 32 MB come from the heap and are reused there, instead of being mapped
        // fresh (and faulted in page by page) for each large array and unmapped when it is freed:
        // about 30 % fewer page faults, 0.03 s less CPU time, for coverage of 200,000 points.
        // (glibc's mallopt, found at run time: Swift's Glibc module does not export it; −3 is
        // M_MMAP_THRESHOLD, −1 M_TRIM_THRESHOLD in <malloc.h>.)
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
            let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
            _ = mallopt(-3, 32 << 20)
            _ = mallopt(-1, 128 << 20)
        }
        #endif
        // Ctrl-C, kill or a closed terminal while `--out` is written: the temporary file is removed
        // and the run ends with 130, 143 or 129.
        AtomicFile.removeTemporaryFileOnSignals()
        // What PROJ finds in its database is kept per user, so that the next run skips the search.
        PROJCache.setDefault(PROJCache.user)
        do {
            var command = try parseAsRoot()
            // --out must not replace a file the run reads (checked before any work).
            if let writer = command as? ReadsAndWritesFiles { try OutputTarget.refuseInput(writer) }
            try command.run()
        } catch {
            if let status = report(error) { Foundation.exit(status.rawValue) }
            if let hint = dashValueHint(error, arguments: Array(CommandLine.arguments.dropFirst())) {
                printError(fullMessage(for: error))
                printError(hint)
                exit(withError: ExitCode.validationFailure)
            }
            exit(withError: error)
        }
    }

    /// `--data -ds`: ArgumentParser takes a word starting with a dash for the next option, never
    /// for a value (so that a forgotten value is not filled with the next flag), and says the value
    /// is missing. When the word after the flag starts with a dash and does not look like an option
    /// itself (`--format`, `-k`: then the value was simply forgotten), the message says how to give
    /// such a value: `--data=-ds`.
    static func dashValueHint(_ error: Error, arguments: [String]) -> String? {
        let message = self.message(for: error)
        let prefix = "Missing value for '"
        guard message.hasPrefix(prefix) else { return nil }
        let flag = message.dropFirst(prefix.count).prefix { $0 != " " && $0 != "'" }
        guard flag.hasPrefix("-"),
              let at = arguments.firstIndex(of: String(flag)), at + 1 < arguments.count,
              arguments[at + 1].hasPrefix("-"), arguments[at + 1].count > 1 else { return nil }
        let value = arguments[at + 1]
        // An option's shape: `--` and a letter (`--format`, `--out=x`), or `-` and one letter (`-k`).
        let body = value.drop { $0 == "-" }
        let looksLikeOption = (value.hasPrefix("--") && body.first?.isLetter == true)
            || (value.count == 2 && body.first?.isLetter == true)
        guard !looksLikeOption else { return nil }
        return "nuanxin: after \(flag), a word starting with a dash is read as the next option; if \(value) is the value (a folder or file whose name starts with a dash), write \(flag)=\(value)"
    }

    /// A closed standard input, output or error (`2>&-`, some daemons and cron setups) would let
    /// the next file opened take its number: with stderr closed, the messages of a batch went into
    /// the `--out` file. Each closed one is held by /dev/null, opened so that using it fails as a
    /// closed descriptor does (stdin for writing only, stdout for reading only: reading the input
    /// or writing the result still fails, 66 or 74) or, for stderr, discards the messages.
    static func reserveStandardDescriptors() {
        for (fd, flags) in [(STDIN_FILENO, O_WRONLY), (STDOUT_FILENO, O_RDONLY), (STDERR_FILENO, O_WRONLY)] {
            guard fcntl(fd, F_GETFD) == -1, errno == EBADF else { continue }
            let held = open("/dev/null", flags)
            if held >= 0, held != fd {
                _ = dup2(held, fd)
                close(held)
            }
        }
    }
}
