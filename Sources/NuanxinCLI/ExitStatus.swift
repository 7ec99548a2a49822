import ArgumentParser
import Foundation
import Geo

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

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Runs a command body, turning our errors into a message on stderr and the matching exit code.
/// Usage errors from ArgumentParser pass through (they exit 64).
func runReportingErrors(_ body: () throws -> Void) throws {
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
