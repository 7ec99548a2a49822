import Foundation

/// Finds the dataset folder without `--data`: `NUANXIN_DATA` when set, else the default dataset
/// (`geodata/changzhi`) under `swift run` in the repository, from a built binary in `.build/`,
/// and from an installed release binary (`PREFIX/bin/nuanxin` with
/// `PREFIX/share/nuanxin/geodata/changzhi`). A `NUANXIN_DATA` naming a missing folder is an
/// error, never a fall-back to the bundled dataset (which `import` would then write into).
public enum DefaultDataset {
    /// The default dataset's folder relative to the repository or to `PREFIX/share/nuanxin`.
    public static let relativePath = "geodata/changzhi"

    /// Why no dataset folder was found.
    public enum LookupError: Error, Sendable, CustomStringConvertible {
        /// `NUANXIN_DATA` names a folder that does not exist (or is not a folder).
        case environmentFolderMissing(String)
        /// No default dataset in any of the places searched.
        case notFound(searched: [String])

        /// What went wrong and what to do: fix or unset `NUANXIN_DATA`, or pass `--data`.
        public var description: String {
            switch self {
            case let .environmentFolderMissing(folder):
                return "NUANXIN_DATA=\(folder): no such folder (fix the path, or unset NUANXIN_DATA to use the default dataset)"
            case let .notFound(searched):
                return "the default dataset (\(DefaultDataset.relativePath)) was not found; searched: \(searched.joined(separator: ", ")). Pass --data FOLDER or set NUANXIN_DATA."
            }
        }
    }

    /// The folder to use when no `--data` is given.
    public static func folder(executablePath: String? = nil, currentDirectory: String = FileManager.default.currentDirectoryPath,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws(LookupError) -> String {
        if let env = environment["NUANXIN_DATA"], !env.isEmpty {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: env, isDirectory: &isFolder), isFolder.boolValue else {
                throw .environmentFolderMissing(env)
            }
            // A folder without dataset.json is reported by loading it, like --data.
            return env
        }
        let found = locate(executablePath: executablePath, currentDirectory: currentDirectory)
        guard let folder = found.folder else { throw .notFound(searched: found.searched) }
        return folder
    }

    /// The bundled dataset beside or above the binary or the current folder, or nil with the places searched.
    public static func locate(executablePath: String? = nil, currentDirectory: String = FileManager.default.currentDirectoryPath) -> (folder: String?, searched: [String]) {
        var searched: [String] = []
        func check(_ folder: String) -> Bool {
            searched.append(folder)
            return FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("dataset.json"))
        }
        var starts: [URL] = []
        let exe = executablePath ?? (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first
        if let exe {
            let binDir = URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent()
            let installed = binDir.deletingLastPathComponent().appendingPathComponent("share/nuanxin").appendingPathComponent(relativePath).path
            if check(installed) { return (installed, searched) }
            starts.append(binDir)
        }
        starts.append(URL(fileURLWithPath: currentDirectory))
        for start in starts {
            var folder = start
            while true {
                let candidate = folder.appendingPathComponent(relativePath).path
                if check(candidate) { return (candidate, searched) }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return (nil, searched)
    }
}
