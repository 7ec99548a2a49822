import Foundation
import Testing
import TestSupport

/// The second hostile tester's findings, one case each through the real binary: an `--out` that
/// is an input of the run, and files from other GIS tools and editors.
extension HostileInputTests {
    // MARK: K. --out never replaces an input

    struct OutputIsInput: Sendable, CustomTestStringConvertible {
        /// The command, with `DATA` for the dataset folder and `DIR` for the workspace.
        var arguments: [String]
        /// The file --out names, relative to the workspace.
        var out: String
        /// What the message says the file is.
        var what: String
        var testDescription: String { arguments.prefix(2).joined(separator: " ") + " --out " + out }
    }

    static let outputsThatAreInputs: [OutputIsInput] = [
        OutputIsInput(arguments: ["coverage", "--format", "geojson"], out: "data/stations.geojson", what: "the stations layer of the dataset"),
        OutputIsInput(arguments: ["info", "--format", "json"], out: "data/dataset.json", what: "the dataset's manifest"),
        // A layer the command does not read is lost just the same.
        OutputIsInput(arguments: ["nearest", "--lon", "113.06", "--lat", "36.05", "--format", "geojson"], out: "data/demand.geojson", what: "the demand layer of the dataset"),
        OutputIsInput(arguments: ["validate", "--format", "json", "--stations", "DIR/extra.json"], out: "extra.json", what: "the file given for the stations layer (--stations)"),
        OutputIsInput(arguments: ["nearest", "--input", "DIR/queries.csv", "--format", "csv"], out: "queries.csv", what: "the --input file"),
        OutputIsInput(arguments: ["convert", "--from", "gcj02", "--to", "wgs84", "--input", "DIR/queries.csv", "--format", "csv"], out: "queries.csv", what: "the --input file"),
        OutputIsInput(arguments: ["compare", "--with", "DIR/extra.geojson", "--format", "geojson"], out: "extra.geojson", what: "the --with file"),
        OutputIsInput(arguments: ["report", "--count", "0"], out: "data/districts.geojson", what: "the districts layer of the dataset"),
        // Through a symbolic link and a hard link: the same file under another name.
        OutputIsInput(arguments: ["gaps", "--format", "geojson"], out: "link-to-demand.geojson", what: "the demand layer of the dataset"),
        OutputIsInput(arguments: ["export", "--layer", "stations"], out: "hard-link.geojson", what: "the stations layer of the dataset"),
    ]

    @Test("--out naming an input of the run (a layer, the manifest, --input, --with, through links too) is refused with 73 before any work; the input is unchanged",
          arguments: HostileInputTests.outputsThatAreInputs)
    func outputIsInput(_ c: OutputIsInput) throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        _ = try HostileInputTests.put(dir, "queries.csv", "id,lon,lat\nq1,113.06,36.05\n")
        try FileManager.default.copyItem(atPath: data + "/stations.geojson", toPath: dir.path + "/extra.geojson")
        try FileManager.default.copyItem(atPath: data + "/stations.geojson", toPath: dir.path + "/extra.json")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/link-to-demand.geojson", withDestinationPath: data + "/demand.geojson")
        try FileManager.default.linkItem(atPath: data + "/stations.geojson", toPath: dir.path + "/hard-link.geojson")
        let out = dir.path + "/" + c.out
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        let arguments = c.arguments.map { $0.replacingOccurrences(of: "DIR", with: dir.path) } + ["--out", out] + (c.arguments[0] == "convert" ? [] : ["--data", data])
        let r = try CLI.run(arguments)
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("nuanxin: --out \(out) is \(c.what)"), "\(r.stderr)")
        #expect(r.stderr.contains("which writing the result would replace: choose another file"), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == before)
    }

    @Test("--out beside the inputs, or a new file, is written as before")
    func outputBesideInputs() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = HostileInputTests.data(dir)
        let copy = dir.path + "/stations-copy.geojson"
        try FileManager.default.copyItem(atPath: data + "/stations.geojson", toPath: copy)
        let r = try CLI.run(["export", "--layer", "stations", "--out", copy, "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        let fresh = try CLI.run(["coverage", "--format", "json", "--out", data + "/coverage.json", "--data", data])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(FileManager.default.fileExists(atPath: data + "/coverage.json"))
    }
}
