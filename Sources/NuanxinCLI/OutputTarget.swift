import Foundation
import Stations

/// A command that writes a result to `--out` and reads files: `--out` must not be one of them.
/// Without this check, `coverage --out DATA/stations.geojson` or `nearest --input q.csv --out q.csv`
/// replaced the input with the result (the write is atomic, so the input was lost whole).
protocol ReadsAndWritesFiles {
    /// The file the result goes to (`--out`, or report's default file); nil: standard output.
    var outputTarget: String? { get }
    /// Every file the run reads or belongs to its dataset, with what it is, for the message.
    var inputFiles: [OutputTarget.Input] { get }
}

/// The check that `--out` is not an input of the run.
enum OutputTarget {
    /// A file the run reads, and what it is ("the stations layer of the dataset", "--input").
    struct Input {
        var path: String
        var what: String
    }

    /// Refuses (73, before any work) an output that is the same file as an input: the same
    /// device and inode, so a symbolic link, a hard link or another spelling of the path is
    /// caught too. Only a regular file can be replaced; a device or FIFO is written through and
    /// a path that does not exist yet is no input.
    static func refuseInput(_ command: ReadsAndWritesFiles) throws {
        guard let target = command.outputTarget, let out = identity(of: target) else { return }
        for input in command.inputFiles where identity(of: input.path) == out {
            let same = input.path == target || input.path == "/dev/stdin" ? "" : " (\(input.path))"
            throw CLIFailure(status: .cannotCreate, message: "--out \(target) is \(input.what)\(same), which writing the result would replace: choose another file")
        }
    }

    /// Device and inode of a regular file, following symbolic links (as the atomic write does).
    private static func identity(of path: String) -> [UInt64]? {
        guard path != "-" else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }
}

extension DatasetOptions {
    /// The dataset's files: the GeoPackage, or the manifest and every layer file of the folder
    /// (those this command does not read too: replacing them would lose them as well), and the
    /// replacement layers given with `--stations FILE` and the like.
    var inputFiles: [OutputTarget.Input] {
        var files: [OutputTarget.Input] = []
        let given: [(String?, Layer)] = [(districts, .districts), (stations, .stations), (parking, .parking), (areas, .areas), (demand, .demand), (candidates, .candidates)]
        for (path, layer) in given {
            if let path { files.append(.init(path: path, what: "the file given for the \(layer.rawValue) layer (--\(layer.rawValue))")) }
        }
        guard let folder = data ?? (try? DefaultDataset.folder()) else { return files }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
            files.append(.init(path: folder, what: "the dataset (--data)"))
            return files
        }
        files.append(.init(path: (folder as NSString).appendingPathComponent("dataset.json"), what: "the dataset's manifest"))
        for layer in Layer.allCases {
            files.append(.init(path: (folder as NSString).appendingPathComponent(layer.fileName), what: "the \(layer.rawValue) layer of the dataset"))
        }
        return files
    }
}

extension ScenarioOptions {
    /// The `--with` file.
    var inputFiles: [OutputTarget.Input] { with.map { [.init(path: $0, what: "the --with file")] } ?? [] }
}

/// A batch input (`--input FILE`); `--input -` is standard input, which is a file when the shell
/// redirects one (`< q.csv`): /dev/stdin leads to it.
private func batchInput(_ path: String?) -> [OutputTarget.Input] {
    guard let path else { return [] }
    if path == "-" { return [.init(path: "/dev/stdin", what: "the file read as --input - (standard input)")] }
    return [.init(path: path, what: "the --input file")]
}

extension InfoCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles }
}

extension ValidateCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles }
}

extension CoverageCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles + scenario.inputFiles }
}

extension LoadCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles + scenario.inputFiles }
}

extension GapsCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles + scenario.inputFiles }
}

extension ProposeCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles + scenario.inputFiles }
}

extension CompareCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles + scenario.inputFiles }
}

extension AreasCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles + scenario.inputFiles }
}

extension ReportCommand: ReadsAndWritesFiles {
    var outputTarget: String? { (try? resolved())?.1 }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles + scenario.inputFiles }
}

extension ExportCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles }
}

extension NearestCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles + batchInput(input) }
}

extension WithinCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles }
}

extension LocateCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { dataset.inputFiles + batchInput(input) }
}

extension ConvertCommand: ReadsAndWritesFiles {
    var outputTarget: String? { output.out }
    var inputFiles: [OutputTarget.Input] { batchInput(input) }
}
