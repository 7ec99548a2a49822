import ArgumentParser
import Foundation
import Geo
import Optimization
import Planning
import Report
import Stations

/// `nuanxin report`: the map report planners pass around, as one self-contained HTML file or the
/// map alone as SVG.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a map report: one self-contained HTML file (or --format svg for the map alone).",
        discussion: """
        The map shows districts shaded by served %, stations sized by seats, gaps, commercial areas, \
        parking zones and the ranked proposals (--count per district), with a legend, a scale bar and \
        hover details; the page also has a summary in words and the per-district table, and prints on \
        A4. It makes no request unless --tiles adds a basemap (a {z}/{x}/{y} URL template; use \
        --tiles-crs gcj02 for Chinese tile services, whose maps are in GCJ-02).
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case html, svg }

    @Option(help: "Where to write the report (default: nuanxin-report.html, or .svg with --format svg, in the current folder).")
    var out: String?

    @Option(help: "html (the whole report) or svg (the map alone). Default: from --out's extension, else html.")
    var format: Format?

    @Option(parsing: .unconditional, help: "Proposed sites per district (0: none).", transform: IntegerFlag(tooSmall: "must be 0 (no proposals) or more").parse)
    var count: Int = 3

    @Option(help: "Basemap tile URL template with {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png.")
    var tiles: String?

    @Option(name: .customLong("tiles-crs"), help: "Datum of the tiles: wgs84, or gcj02 for Chinese tile services (shifts the drawing onto them).")
    var tilesCRS: TileLayer.Datum = .wgs84

    @Option(name: .customLong("cell-m"), parsing: .unconditional, help: "Grid cell size for gap polygons, in metres. (default: 250.0)", transform: FlagRange.cell.parse)
    var cellM: Double = 250

    @Option(name: .customLong("grid-m"), parsing: .unconditional, help: "Grid spacing in metres for candidate sites where a district has no candidates. (default: 250.0)", transform: FlagRange.cell.parse)
    var gridM: Double = 250

    @OptionGroup var coverage: CoverageOptions
    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var dataset: DatasetOptions

    func validate() throws {
        if out == "" || out == "-" { throw ValidationError("--out \(out!.isEmpty ? "is empty" : "-"): the report is a file; give its name (.html or .svg)") }
        guard count >= 0 else { throw ValidationError("--count must be 0 (no proposals) or more") }
        try FlagRange.cell.check("--cell-m", cellM)
        try FlagRange.cell.check("--grid-m", gridM)
        if let tiles {
            do { _ = try TileLayer(template: tiles) } catch let error as TileLayer.TemplateError { throw ValidationError(error.description) }
        }
    }

    /// The format and the output path: --format, else --out's extension, else html.
    func resolved() throws -> (Format, String) {
        let fromExtension = out.flatMap { Format(rawValue: URL(fileURLWithPath: $0).pathExtension.lowercased()) }
        if let format, let fromExtension, format != fromExtension {
            throw CLIFailure(status: .usage, message: "--format \(format.rawValue) contradicts --out \(out!)")
        }
        let chosen = format ?? fromExtension ?? .html
        return (chosen, out ?? "nuanxin-report.\(chosen.rawValue)")
    }

    func run() throws {
        let (format, path) = try resolved()
        // Fail before the planning work when the file cannot be created at all.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CLIFailure(status: .cannotCreate, message: "cannot create \(path): it is a directory")
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIFailure(status: .cannotCreate, message: "cannot create \(path): the folder \(folder) does not exist")
        }
        let tileLayer = try tiles.map { try TileLayer(template: $0, datum: tilesCRS) }
        // Every layer; the candidates only for proposals.
        let layers = Set(Layer.allCases).subtracting(count > 0 ? [] : [.candidates])
        let data = try scenario.apply(dataset.load(radiusM: coverage.radius, time: coverage.time, layers: layers), options: dataset, radiusM: coverage.radius)
        let settings = coverage.settings
        // The same studies as coverage, gaps, areas, load and propose.
        let proposalStudy = count > 0
            ? try ProposalStudy(data, coverage: settings, proposals: ProposalSettings(goal: .count(count), gridM: gridM))
            : nil
        let study = try proposalStudy?.coverage ?? CoverageStudy(data, settings: settings)
        let report = study.report
        let gaps = try GapReport(dataset: data, demand: study.demand, uncovered: report.unitCovered.map { !$0 },
                                 districts: study.selected, options: GapReport.Options(cellM: cellM))
        // The areas command's defaults: rest within each district's radius, parking 300 m, charging
        // 1000 m, at most the riders a seat holds.
        let audit = try AreaAudit(data, thresholds: .init(restM: data.manifest.radiusM, parkingM: 300, chargingM: 1000,
                                                          maxRidersPerSeat: report.time.ridersPerSeat),
                                  time: report.time, restRadius: report.radius)
        var pressure: [String: Double] = [:]
        for use in report.stationUse { if let p = use.pressure { pressure[data.stations[use.station].id] = p } }
        let reportData = try ReportData(dataset: data, coverage: report, gaps: gaps, audit: audit, proposals: proposalStudy?.proposals,
                                        proposalMeasure: "served", proposalCount: count, focus: study.selected, pressure: pressure)
        let options = ReportOptions(tiles: tileLayer)
        let text = format == .svg ? SVGMap(reportData, options: options).render() : HTMLReport(reportData, options: options).render()
        try AtomicFile.write(text, to: path)
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let kib = (Double(text.utf8.count) / 1024).rounded()
        try writingStandardOutput {
            try FileHandle.standardOutput.write(contentsOf: Data("Report written to \(absolute) (\(Int(kib)) KiB, \(format.rawValue))\n".utf8))
        }
    }
}

extension TileLayer.Datum: ExpressibleByArgument {}
