import ArgumentParser
import Foundation
import Geo
import Planning
import Stations

/// The sysexits codes of SPEC.md.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case cannotCreate = 73
    case ioError = 74
}

/// A failure the CLI reports on stderr and exits with.
struct CLIFailure: Error, CustomStringConvertible {
    var status: ExitStatus
    var message: String
    var description: String { message }
}

/// Writes a line to standard error. A failed write (stderr closed or on a full disk) is ignored:
/// there is nowhere left to report it, and it must not crash the run.
func printError(_ text: String) {
    let bytes = Array((text.hasSuffix("\n") ? text : text + "\n").utf8)
    bytes.withUnsafeBytes { raw in
        var done = 0
        while done < raw.count {
            let n = write(STDERR_FILENO, raw.baseAddress! + done, raw.count - done)
            if n > 0 {
                done += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}

/// Runs `body`, which writes to standard output: a failed write (a full disk, a file-size limit)
/// becomes an I/O error (74) instead of a crash. Our own errors pass through unchanged.
func writingStandardOutput(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as CLIFailure {
        throw error
    } catch let error as BatchQueryReader.ReadFailure {
        throw error
    } catch let error as GeoError {
        throw error
    } catch let error as AtomicFileError {
        throw error
    } catch {
        throw CLIFailure(status: .ioError, message: "cannot write to standard output: \(AtomicFile.fileErrorReason(error) ?? "\(error)")")
    }
}

/// Runs a command body, turning our errors into a message on stderr and the matching exit code.
/// Usage errors from ArgumentParser pass through (they exit 64).
func runReportingErrors(_ body: () throws -> Void) throws {
    // Past a file-size limit (ulimit -f) the kernel sends SIGXFSZ, which would kill the run before
    // it could remove its temporary file; ignored, the write fails with EFBIG and exits 74 cleanly.
    signal(SIGXFSZ, SIG_IGN)
    // Ctrl-C, kill or a closed terminal while `--out` is written: the temporary file is removed
    // and the run ends with 130, 143 or 129.
    AtomicFile.removeTemporaryFileOnSignals()
    do {
        try body()
    } catch let failure as CLIFailure {
        printError("nuanxin: \(failure.message)")
        throw ExitCode(failure.status.rawValue)
    } catch let error as GeoError {
        printError("nuanxin: \(error)")
        throw ExitCode(ExitStatus.dataError.rawValue)
    } catch let error as AtomicFileError {
        printError("nuanxin: \(error)")
        throw ExitCode(error.exitStatus.rawValue)
    } catch let error as BatchQueryReader.ReadFailure {
        printError("nuanxin: \(error)")
        throw ExitCode(ExitStatus.noInput.rawValue)
    } catch let error as PlanningError {
        // Planning refuses malformed input (negative weights, out-of-range indices): bad data.
        printError("nuanxin: \(error)")
        throw ExitCode(ExitStatus.dataError.rawValue)
    } catch let error as DatasetError {
        printError("nuanxin: \(error)")
        throw ExitCode((error.missingInput ? ExitStatus.noInput : .dataError).rawValue)
    }
}

extension AtomicFileError {
    var exitStatus: ExitStatus {
        switch self {
        case .cannotCreate: return .cannotCreate
        case .writeFailed: return .ioError
        }
    }
}
