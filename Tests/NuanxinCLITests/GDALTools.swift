import Foundation
import Testing

/// GDAL's command-line tools for the tests that check our files in them. These tests do not skip
/// silently: without GDAL they fail, unless NUANXIN_SKIP_GDAL=1 says to skip them knowingly
/// (CI installs gdal-bin).
enum GDAL {
    static func path(_ tool: String) -> String? {
        ["/usr/bin/\(tool)", "/usr/local/bin/\(tool)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var skipping: Bool { ProcessInfo.processInfo.environment["NUANXIN_SKIP_GDAL"] == "1" }

    /// Runs a GDAL tool; nil (after recording a failure, unless skipping) when it is not installed.
    static func run(_ tool: String, _ arguments: [String]) throws -> CLIResult? {
        guard let path = path(tool) else {
            if !skipping { Issue.record("\(tool) is not installed (apt-get install gdal-bin); set NUANXIN_SKIP_GDAL=1 to skip the GDAL checks knowingly") }
            return nil
        }
        return try CLI.run(program: URL(fileURLWithPath: path), arguments)
    }

    /// `ogrinfo -so` of one layer: its summary (geometry, count, fields with types).
    static func summary(_ file: String, _ layer: String? = nil) throws -> String? {
        guard let r = try run("ogrinfo", ["-ro", "-so", file] + (layer.map { [$0] } ?? ["-al"])) else { return nil }
        #expect(r.status == 0, "ogrinfo \(file): \(r.stdout)\(r.stderr)")
        return r.stdout + r.stderr
    }

    /// The feature count ogrinfo reports.
    static func count(_ summary: String) -> Int? {
        guard let line = summary.split(separator: "\n").first(where: { $0.hasPrefix("Feature Count: ") }) else { return nil }
        return Int(line.dropFirst("Feature Count: ".count))
    }

    /// The "name: Type (width.precision)" lines of the fields.
    static func fieldTypes(_ summary: String) -> [String: String] {
        var out: [String: String] = [:]
        var inFields = false
        for line in summary.split(separator: "\n").map(String.init) {
            if line.hasPrefix("Geometry Column") || line.hasPrefix("FID Column") || line.hasPrefix("Data axis") { inFields = true; continue }
            guard inFields, let colon = line.range(of: ": ") else { continue }
            let name = String(line[..<colon.lowerBound])
            let type = line[colon.upperBound...].split(separator: " ").first.map(String.init) ?? ""
            if !name.contains(" ") { out[name] = type }
        }
        return out
    }
}
