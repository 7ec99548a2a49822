import Foundation
import Testing

/// Numeric flags read decimal numbers only: Swift's Double reading would take `0x10` as 16 and
/// `nan`/`inf` as numbers, so a planner's typo became a coordinate or a radius.
extension HostileInputTests {
    /// Every Double flag of every command, with the rest of a command line that is fine without it.
    static let decimalFlags: [(command: [String], flag: String)] = [
        (["nearest", "--lat", "36.05"], "--lon"),
        (["nearest", "--lon", "113.06"], "--lat"),
        (["nearest", "--lon", "113.06", "--lat", "36.05"], "--max-distance"),
        (["within", "--lat", "36.05", "--radius", "500"], "--lon"),
        (["within", "--lon", "113.06", "--radius", "500"], "--lat"),
        (["within", "--lon", "113.06", "--lat", "36.05"], "--radius"),
        (["locate", "--lat", "36.05"], "--lon"),
        (["locate", "--lon", "113.06"], "--lat"),
        (["convert", "--from", "gcj02", "--to", "wgs84", "--lat", "36.05"], "--lon"),
        (["convert", "--from", "gcj02", "--to", "wgs84", "--lon", "113.06"], "--lat"),
        (["coverage"], "--radius"),
        (["coverage"], "--area-cell-m"),
        (["coverage"], "--stay-min"),
        (["coverage"], "--visits-per-hour"),
        (["gaps"], "--cell-m"),
        (["gaps"], "--merge-m"),
        (["gaps"], "--min-demand"),
        (["propose"], "--target"),
        (["propose"], "--budget"),
        (["propose", "--count", "1"], "--grid-m"),
        (["propose", "--count", "1"], "--min-spacing"),
        (["areas"], "--rest-m"),
        (["areas"], "--parking-m"),
        (["areas"], "--charging-m"),
        (["areas"], "--meal-m"),
        (["areas"], "--max-riders-per-seat"),
        (["areas"], "--max-riders-per-slot"),
        (["areas"], "--radius"),
        (["report", "--count", "0"], "--cell-m"),
        (["report", "--count", "0"], "--grid-m"),
    ]

    static let integerFlags: [(command: [String], flag: String)] = [
        (["nearest", "--lon", "113.06", "--lat", "36.05"], "-k"),
        (["gaps"], "--top"),
        (["propose"], "--count"),
        (["propose", "--count", "1"], "--seats"),
        (["propose", "--count", "1", "--citywide"], "--min-per-district"),
        (["propose", "--count", "1"], "--node-limit"),
        (["report"], "--count"),
        (["areas"], "--min-meal-partners"),
    ]

    @Test("a numeric flag given 0x10, 0x1p4, nan, inf, 1e999, 1_000 or 12abc is a usage error (64) naming the flag and the value, for every Double and Int flag",
          arguments: ["0x10", "0x1p4", "nan", "-inf", "1e999", "1_000", "12abc", "１２"])
    func nonDecimalFlagValues(_ value: String) throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        for (command, flag) in HostileInputTests.decimalFlags + HostileInputTests.integerFlags {
            let r = try CLI.run(command + [flag, value, "--data", data, "--out", dir.path + "/out.txt"])
            #expect(r.status == 64, "\(command) \(flag) \(value): \(r.stderr)")
            #expect(r.stderr.contains("The value '\(value)' is invalid for '\(flag) "), "\(command) \(flag) \(value): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.path + "/out.txt"))
        }
    }

    @Test("decimal numbers with a sign, a point or an exponent are read as before", arguments: [
        ["nearest", "--lon", "+113.06", "--lat", "3.605e1", "--format", "json"],
        ["nearest", "--lon", "113.060", "--lat", "36.05", "--max-distance", "5E4", "--format", "json"],
        ["within", "--lon", "113.06", "--lat", "36.05", "--radius", "5000.", "--format", "json"],
    ])
    func decimalFlagValues(_ arguments: [String]) throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(arguments + ["--data", HostileInputTests.data(dir)])
        #expect(r.status == 0, "\(arguments): \(r.stderr)")
        let plain = try CLI.run(["nearest", "--lon", "113.06", "--lat", "36.05", "--format", "json", "--data", HostileInputTests.data(dir)])
        if arguments[0] == "nearest", arguments.count == 7 { #expect(r.stdout == plain.stdout) }
    }
}

/// `--data -ds`: a folder whose name starts with a dash.
extension HostileInputTests {
    @Test("--data -ds is a usage error (64) that says to write --data=-ds; --data=-ds reads the folder")
    func dataFolderStartingWithADash() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.moveItem(at: dir.appendingPathComponent("data"), to: dir.appendingPathComponent("-ds"))
        let spaced = try CLI.run(["info", "--format", "json", "--data", "-ds"], currentDirectory: dir)
        #expect(spaced.status == 64)
        #expect(spaced.stderr.contains("Missing value for '--data <data>'"), "\(spaced.stderr)")
        #expect(spaced.stderr.contains("if -ds is the value (a folder or file whose name starts with a dash), write --data=-ds"), "\(spaced.stderr)")
        let joined = try CLI.run(["info", "--format", "json", "--data=-ds"], currentDirectory: dir)
        #expect(joined.status == 0, "\(joined.stderr)")
        // The same for a layer file, and no hint when the value is simply missing at the end.
        let layer = try CLI.run(["validate", "--stations", "-s.geojson", "--data=-ds"], currentDirectory: dir)
        #expect(layer.status == 64)
        #expect(layer.stderr.contains("write --stations=-s.geojson"), "\(layer.stderr)")
        let missing = try CLI.run(["info", "--data"], currentDirectory: dir)
        #expect(missing.status == 64)
        #expect(!missing.stderr.contains("write --data="), "\(missing.stderr)")
    }
}
