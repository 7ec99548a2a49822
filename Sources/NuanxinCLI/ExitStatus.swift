import ArgumentParser
import Foundation
import Geo
import Optimization
import Planning
import Stations

/// The sysexits codes the commands exit with (0, 64, 65, 66, 73, 74).
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case cannotCreate = 73
    case ioError = 74
}

/// An error the CLI reports on stderr (each line prefixed `nuanxin: `) and exits with. Every error
/// type that can reach the top conforms here, in one place; `Nuanxin.main` does the reporting.
/// ArgumentParser's own errors (usage, help, version) are not `ExitCoded` and keep its handling
/// (usage errors exit 64).
protocol ExitCoded: Error {
    var exitStatus: ExitStatus { get }
    /// The lines to print, without the `nuanxin: ` prefix.
    var messageLines: [String] { get }
}

extension ExitCoded {
    var messageLines: [String] { ["\(self)"] }
}

/// A failure the CLI itself decides on (a usage problem found after parsing, a batch with bad lines).
struct CLIFailure: ExitCoded, CustomStringConvertible {
    var status: ExitStatus
    var message: String
    var description: String { message }
    var exitStatus: ExitStatus { status }
}

/// Loading the dataset failed: every problem, then a summary line.
struct DatasetLoadFailure: ExitCoded {
    var error: DatasetError
    var exitStatus: ExitStatus { error.missingInput ? .noInput : .dataError }
    var messageLines: [String] {
        let errors = error.issues.filter { $0.severity == .error }.count
        return error.issues.map(\.description) + ["\(errors) error(s) in the input; nothing was computed"]
    }
}

extension GeoError: ExitCoded {
    var exitStatus: ExitStatus { .dataError }
}

extension AtomicFileError: ExitCoded {
    var exitStatus: ExitStatus {
        switch self {
        case .cannotCreate: return .cannotCreate
        case .writeFailed: return .ioError
        }
    }
}

extension BatchQueryReader.ReadFailure: ExitCoded {
    var exitStatus: ExitStatus { .noInput }
}

extension BatchQueryReader.Failure: ExitCoded {
    var exitStatus: ExitStatus { .dataError }
}

/// --lon/--lat in GCJ-02 or BD-09 that convert to no point on Earth.
extension QueryProjector.OutOfRange: ExitCoded {
    var exitStatus: ExitStatus { .usage }
    var messageLines: [String] { ["--lon/--lat \(self)"] }
}

extension InputFile.Failure: ExitCoded {
    /// Missing or unreadable: 66; readable but larger than the limit: bad data, 65.
    var exitStatus: ExitStatus { isTooLarge ? .dataError : .noInput }
}

/// The optimisation code (and the planning built on it) refuses malformed input (negative weights,
/// out-of-range indices) and work beyond its limits: bad data.
extension OptimizationError: ExitCoded {
    var exitStatus: ExitStatus { .dataError }
}

extension DatasetError: ExitCoded {
    var exitStatus: ExitStatus { missingInput ? .noInput : .dataError }
}

/// A --lon/--lat point that cannot be projected or lies far outside the CRS's area of use.
extension QueryProjector.QueryPointError: ExitCoded {
    var exitStatus: ExitStatus { .dataError }
}

/// `--crs` naming a CRS that does not measure in metres (a non-metric CRS in the manifest is a
/// dataset error instead, 65).
extension NonMetricCRS: ExitCoded {
    var exitStatus: ExitStatus { .usage }
    var messageLines: [String] { ["--crs \(self)"] }
}

/// No dataset folder: `NUANXIN_DATA` names a missing folder, or the default dataset is not installed.
extension DefaultDataset.LookupError: ExitCoded {
    var exitStatus: ExitStatus { .noInput }
}

/// The dataset folder cannot be locked for an import (a missing or read-only folder).
extension DatasetLock.Failure: ExitCoded {
    var exitStatus: ExitStatus { .cannotCreate }
}

/// import into a GeoPackage whose object of the layer's name is no feature table (kept as it is).
extension GeoPackageWriter.TableInTheWay: ExitCoded {
    var exitStatus: ExitStatus { .cannotCreate }
}

/// `--district` naming a division the dataset does not have.
extension UnknownDivision: ExitCoded {
    var exitStatus: ExitStatus { .usage }
    var messageLines: [String] { ["--district \(self)"] }
}

extension LayerImport.Failure: ExitCoded {
    var exitStatus: ExitStatus {
        switch self {
        case let .unreadable(failure): return failure.exitStatus
        case let .invalid(_, missingInput): return missingInput ? .noInput : .dataError
        case .malformed, .clashes: return .dataError
        }
    }

    var messageLines: [String] {
        switch self {
        case let .invalid(issues, _): return issues.map { "\($0) " } + ["nothing was imported"]
        case let .clashes(_, _, _, warnings): return warnings.map(\.description) + [description]
        default: return [description]
        }
    }
}

/// Prints an error that reached the top and gives its exit status; nil for errors that are not
/// ours (ArgumentParser's, which it reports itself).
func report(_ error: Error) -> ExitStatus? {
    guard let coded = error as? ExitCoded else { return nil }
    for line in coded.messageLines { printError("nuanxin: \(line)") }
    return coded.exitStatus
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
    } catch let error as ExitCoded {
        throw error
    } catch {
        throw CLIFailure(status: .ioError, message: "cannot write to standard output: \(AtomicFile.fileErrorReason(error) ?? "\(error)")")
    }
}
