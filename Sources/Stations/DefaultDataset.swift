import Foundation

/// Finds the default dataset (`geodata/changzhi`) without flags: under `swift run` in the
/// repository, from a built binary in `.build/`, and from an installed release binary
/// (`PREFIX/bin/nuanxin` with `PREFIX/share/nuanxin/geodata/changzhi`).
public enum DefaultDataset {
    public static let relativePath = "geodata/changzhi"

    /// The folder, or nil with the places searched.
    public static func locate(executablePath: String? = nil, currentDirectory: String = FileManager.default.currentDirectoryPath,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> (folder: String?, searched: [String]) {
        var searched: [String] = []
        func check(_ folder: String) -> Bool {
            searched.append(folder)
            return FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("dataset.json"))
        }
        if let env = environment["NUANXIN_DATA"], !env.isEmpty, check(env) { return (env, searched) }
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
