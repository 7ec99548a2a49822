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
        // Nor when the next word is an option: the value was forgotten, not a dash-named file.
        for next in [["--format", "json"], ["-k", "1"]] {
            let forgotten = try CLI.run(["nearest", "--lon", "113.1", "--lat", "36.2", "--out"] + next + ["--data=-ds"], currentDirectory: dir)
            #expect(forgotten.status == 64)
            #expect(!forgotten.stderr.contains("write --out="), "\(next): \(forgotten.stderr)")
        }
    }
}

/// A number beyond Double's range (`1e999`, `-1e999`) is refused with the words of the range check
/// it leaves, the same as a finite value past the same end (`--radius 1e999` and `--radius
/// 5000000` both name the 1,000 km limit; it said "too large a number").
extension HostileInputTests {
    /// Every decimal flag with a value above its upper limit (nil: none) and one below its lower one.
    static let flagRanges: [(command: [String], flag: String, above: String?, below: String)] = [
        (["nearest", "--lat", "36.05"], "--lon", "200", "-200"),
        (["nearest", "--lon", "113.06"], "--lat", "100", "-100"),
        (["nearest", "--lon", "113.06", "--lat", "36.05"], "--max-distance", "2e6", "-1"),
        (["within", "--lat", "36.05", "--radius", "500"], "--lon", "200", "-200"),
        (["within", "--lon", "113.06", "--lat", "36.05"], "--radius", "2e6", "-1"),
        (["locate", "--lon", "113.06"], "--lat", "100", "-100"),
        (["convert", "--from", "gcj02", "--to", "wgs84", "--lat", "36.05"], "--lon", "200", "-200"),
        (["coverage"], "--radius", "2e6", "0"),
        (["coverage"], "--area-cell-m", "2e6", "5"),
        (["coverage"], "--stay-min", "2000", "0"),
        (["coverage"], "--visits-per-hour", "61", "0"),
        (["gaps"], "--cell-m", "2e6", "5"),
        (["gaps"], "--merge-m", "2e6", "-1"),
        (["gaps"], "--min-demand", nil, "-1"),
        (["propose"], "--target", "101", "-1"),
        (["propose"], "--budget", "2e12", "0"),
        (["propose", "--count", "1"], "--grid-m", "2e6", "5"),
        (["propose", "--count", "1"], "--min-spacing", "2e6", "-1"),
        (["areas"], "--rest-m", "2e6", "-1"),
        (["areas"], "--parking-m", "2e6", "-1"),
        (["areas"], "--charging-m", "2e6", "-1"),
        (["areas"], "--meal-m", "2e6", "-1"),
        (["areas"], "--max-riders-per-seat", nil, "0"),
        (["areas"], "--max-riders-per-slot", nil, "0"),
        (["areas"], "--radius", "2e6", "0"),
        (["report", "--count", "0"], "--cell-m", "2e6", "5"),
        (["report", "--count", "0"], "--grid-m", "2e6", "5"),
    ]

    /// The words after the flag (and its value) in the first line of a usage error.
    static func rangeWords(_ stderr: String, flag: String, value: String) -> String? {
        guard let line = stderr.split(separator: "\n").first.map(String.init) else { return nil }
        // Overflow: "Error: The value '1e999' is invalid for '--radius <radius>': WORDS".
        if let r = line.range(of: "' is invalid for '\(flag) ") {
            return line[r.upperBound...].range(of: "': ").map { String(line[$0.upperBound...]) }
        }
        // A range check: "Error: --radius 5000000 is WORDS" or "Error: --radius WORDS".
        guard line.hasPrefix("Error: \(flag) ") else { return nil }
        let rest = line.dropFirst("Error: \(flag) ".count)
        if let r = rest.range(of: " is "), !rest[..<r.lowerBound].contains(" ") { return String(rest[r.upperBound...]) }
        return String(rest)
    }

    @Test("a decimal flag beyond Double's range (1e999, -1e999) names the same limit as its range check does for a finite value past that end (64)")
    func overflowNamesTheLimit() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        for (command, flag, above, below) in HostileInputTests.flagRanges {
            for (finite, huge) in [(above, "1e999"), (below, "-1e999")] {
                let big = try CLI.run(command + ["\(flag)=\(huge)", "--data", data])
                #expect(big.status == 64, "\(flag) \(huge): \(big.stderr)")
                let bigWords = HostileInputTests.rangeWords(big.stderr, flag: flag, value: huge)
                guard let finite else {
                    #expect(bigWords == "too large a number (the largest is about 1.8e308)", "\(flag) \(huge): \(big.stderr)")
                    continue
                }
                let past = try CLI.run(command + ["\(flag)=\(finite)", "--data", data])
                #expect(past.status == 64, "\(flag) \(finite): \(past.stderr)")
                let pastWords = HostileInputTests.rangeWords(past.stderr, flag: flag, value: finite)
                #expect(bigWords != nil && bigWords == pastWords, "\(flag): \(huge) says \(bigWords ?? big.stderr), \(finite) says \(pastWords ?? past.stderr)")
                #expect(!big.stderr.contains("too large a number"), "\(flag) \(huge): \(big.stderr)")
            }
        }
    }

    /// Every whole-number flag with a value past its lower end and, where it has one, its upper end.
    static let integerRanges: [(command: [String], flag: String, above: String?, below: String)] = [
        (["nearest", "--lon", "113.06", "--lat", "36.05"], "-k", nil, "0"),
        (["gaps"], "--top", nil, "0"),
        (["propose"], "--count", nil, "0"),
        (["propose", "--count", "1"], "--seats", "200000", "0"),
        (["propose", "--count", "1", "--citywide"], "--min-per-district", nil, "0"),
        (["propose", "--count", "1"], "--node-limit", nil, "-1"),
        (["report"], "--count", nil, "-1"),
        (["areas"], "--min-meal-partners", nil, "-1"),
    ]

    @Test("a whole-number flag beyond Int's range (±99999999999999999999) is a usage error (64) with the words of its range check, not a bare 'invalid'")
    func integerOverflowNamesTheLimit() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        for (command, flag, above, below) in HostileInputTests.integerRanges {
            for (finite, huge) in [(above, "99999999999999999999"), (below, "-99999999999999999999")] {
                let big = try CLI.run(command + [flag, huge, "--data", data])
                #expect(big.status == 64, "\(flag) \(huge): \(big.stderr)")
                let bigWords = HostileInputTests.rangeWords(big.stderr, flag: flag, value: huge)
                guard let finite else {
                    #expect(bigWords == "too large a number (the largest is \(Int.max))", "\(flag) \(huge): \(big.stderr)")
                    continue
                }
                let past = try CLI.run(command + [flag, finite, "--data", data])
                #expect(past.status == 64, "\(flag) \(finite): \(past.stderr)")
                let pastWords = HostileInputTests.rangeWords(past.stderr, flag: flag, value: finite)
                #expect(bigWords != nil && bigWords == pastWords, "\(flag): \(huge) says \(bigWords ?? big.stderr), \(finite) says \(pastWords ?? past.stderr)")
            }
        }
    }
}
