import ArgumentParser
import Foundation
import Geo
import Planning
import Stations

/// `--with FILE`: stations added for this run only (a saved proposal, a plan to try), GeoJSON or
/// CSV, read and checked as the stations layer is by `import`. A station whose id is already in
/// the layer replaces it for the run (an expansion from `propose --expand` carries the station's
/// id and its seats after the expansion); the dataset's files are not touched. The service radius
/// (`--radius`, else the manifest's `radius_m`) around the added stations must stay within the
/// CRS's area of use, as around the dataset's own points (`checkReach`).
struct ScenarioOptions: ParsableArguments {
    @Option(name: .customLong("with"), help: "Add the stations of this GeoJSON or CSV file for this run (e.g. a saved proposal); the dataset is not changed.")
    var with: String?

    var given: [String] { with.map { ["--with \($0)"] } ?? [] }

    /// The dataset with the scenario's stations, or unchanged without `--with`.
    func apply(_ dataset: Dataset, options: DatasetOptions, radiusM: Double? = nil) throws -> Dataset {
        guard let with else { return dataset }
        return try Self.adding(with, to: dataset, options: options, radiusM: radiusM)
    }

    static func adding(_ file: String, to dataset: Dataset, options: DatasetOptions, radiusM: Double?) throws -> Dataset {
        var incoming = try LayerImport.read(file, layer: .stations)
        LayerImport.complete(&incoming)
        var source = try options.source(radiusM: radiusM)
        source.inMemory[.stations] = (incoming.file, incoming.features)
        let added: [Station]
        do {
            let loaded = try DatasetLoader.load(source, layers: [.stations], usesSeats: false, usesRadius: false)
            for w in loaded.warnings where w.file == incoming.file { printError("nuanxin: \(LayerImport.located(w, incoming))") }
            added = loaded.stations
        } catch let error as DatasetError {
            var only = error
            // A CSV's rows are named by their lines, as import names them.
            only.issues = error.issues.filter { $0.file == incoming.file || $0.severity == .error }.map { LayerImport.located($0, incoming) }
            throw DatasetLoadFailure(error: only)
        }
        try checkReach(added, file: file, dataset: dataset, manifestPath: source.manifestPath, districtsPath: source.path(of: .districts), radiusM: radiusM)
        var out = dataset
        let position = Dictionary(out.stations.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        for station in added {
            if let at = position[station.id] { out.stations[at] = station } else { out.stations.append(station) }
        }
        return out
    }

    /// The circles of the service radius around the added stations, checked as around the
    /// dataset's points (`DatasetOptions.checkReach`, `DatasetLoader.load`): `--radius` when given,
    /// else the manifest's `radius_m` (the dataset was checked with the same radius without them).
    /// One check on the box of the added stations; exit 65 naming the radius and the file. Without
    /// `--radius`, a division's own `radius_m` wider than the manifest's is checked too, around the
    /// added stations that can reach the division's demand with it (those within that radius of the
    /// division's lon/lat box), naming the division as the dataset check does.
    static func checkReach(_ added: [Station], file: String, dataset: Dataset, manifestPath: String, districtsPath: String, radiusM: Double?) throws {
        let projector = try QueryProjector(datum: .wgs84, crs: dataset.manifest.crs)
        guard projector.area != nil else { return }
        var box = projector.extentBuilder()
        for s in added { box.add(s.location) }
        guard let extent = box.extent else { return }
        let what = "the stations of --with \(file)"
        if let radiusM {
            if let why = projector.reachProblem(around: extent, of: what, radiusM: radiusM, flag: "--radius") {
                throw CLIFailure(status: .dataError, message: why)
            }
        } else if let why = projector.reachProblem(around: extent, of: what, radiusM: dataset.manifest.radiusM, flag: "\"radius_m\"") {
            throw CLIFailure(status: .dataError, message: "\(manifestPath): \(why)")
        }
        guard radiusM == nil else { return }
        // A smaller radius than the manifest's stays within what was just checked.
        for d in dataset.districts.sorted(by: { $0.featureIndex < $1.featureIndex }) {
            guard let radius = d.radiusM, radius > dataset.manifest.radiusM, let division = LonLatBox(covering: d.geometry.allCoordinates) else { continue }
            // The box grown by the radius, generously (1° of latitude is at least 110.5 km; a
            // degree of longitude is shortest at the box's latitude farthest from the equator).
            let dLat = radius / 110_000
            let farthest = min(89.0, max(abs(division.south), abs(division.north)) + dLat)
            let dLon = min(360, dLat / cos(farthest * .pi / 180))
            let near = LonLatBox(west: division.west - dLon, south: division.south - dLat, east: division.east + dLon, north: division.north + dLat)
            var box = projector.extentBuilder()
            for s in added where near.contains(s.location) { box.add(s.location) }
            guard let nearby = box.extent,
                  let why = projector.reachProblem(around: nearby, of: "the stations of --with \(file) that reach the division", radiusM: radius, flag: "radius_m") else { continue }
            throw CLIFailure(status: .dataError, message: "\(districtsPath): feature \(d.featureIndex) (id \(d.id)): \(why)")
        }
    }
}

/// `nuanxin compare --with FILE`: each district before and after the scenario's stations.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Per district, before and after adding the stations of a file: covered %, served %, seats, stations.",
        discussion: """
        The file is GeoJSON or CSV stations (a saved `propose --format geojson`, for example). It is \
        read as `import --layer stations` reads it, but only for this run: the dataset is not changed. \
        A station whose id is already in the dataset replaces it for the comparison.
        """
    )

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var coverage: CoverageOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if scenario.with == nil { throw ValidationError("give the stations to compare with: --with FILE") }
    }

    func run() throws {
        let format = try output.resolved(supported: [.table, .json, .csv])
        let before = try dataset.load(radiusM: coverage.radius, time: coverage.time, layers: CoverageCommand.layers)
        let after = try scenario.apply(before, options: dataset, radiusM: coverage.radius)
        let a = try CoverageStudy(before, settings: coverage.settings)
        let b = try CoverageStudy(after, settings: coverage.settings)
        try output.emit(CompareText.render(before: a, after: b, file: scenario.with!, format: format))
    }
}

enum CompareText {
    typealias Row = CoverageReport.Row

    static func figures(_ r: Row) -> [(String, JSONValue)] {
        [("covered_pct", CoverageText.round(r.coveredPct)), ("served_pct", CoverageText.round(r.servedPct)),
         ("seats", .number(Double(r.seats))), ("stations", .number(Double(r.stations)))]
    }

    static func change(_ a: Row, _ b: Row) -> [(String, JSONValue)] {
        [("covered_pct", CoverageText.round(b.coveredPct - a.coveredPct)), ("served_pct", CoverageText.round(b.servedPct - a.servedPct)),
         ("seats", .number(Double(b.seats - a.seats))), ("stations", .number(Double(b.stations - a.stations)))]
    }

    static func pairs(before: CoverageStudy, after: CoverageStudy) -> [(Row, Row)] {
        Array(zip(before.rows, after.rows))
    }

    static func render(before: CoverageStudy, after: CoverageStudy, file: String, format: OutputFormat) -> String {
        let rows = pairs(before: before, after: after)
        let totals = (before.report.total, after.report.total)
        switch format {
        case .json:
            func entry(_ a: Row, _ b: Row) -> JSONValue {
                .object(JSONObject([("id", .string(a.id)), ("name", .string(a.name)), ("demand", CoverageText.round(a.demand)),
                                    ("before", .object(JSONObject(figures(a)))), ("after", .object(JSONObject(figures(b)))),
                                    ("change", .object(JSONObject(change(a, b))))]))
            }
            return JSONValue.object(JSONObject([
                ("radius_m", .number(before.report.radiusM)), ("with", .string(file)),
                ("districts", .array(rows.map { entry($0.0, $0.1) })), ("total", entry(totals.0, totals.1)),
            ])).serialized() + "\n"
        case .csv:
            var out = [["id", "name", "demand", "covered_pct_before", "covered_pct_after", "served_pct_before", "served_pct_after",
                        "seats_before", "seats_after", "stations_before", "stations_after"]]
            for (a, b) in rows + [totals] {
                out.append([a.id, a.name, Num.fixed(a.demand, 2), Num.fixed(a.coveredPct, 2), Num.fixed(b.coveredPct, 2), Num.fixed(a.servedPct, 2),
                            Num.fixed(b.servedPct, 2), "\(a.seats)", "\(b.seats)", "\(a.stations)", "\(b.stations)"])
            }
            return CSVWriter.encode(out, format: .excel).string
        default:
            var t = TextTable(["district", "name", "covered %", "after", "served %", "after", "seats", "after", "stations", "after"],
                              rightAligned: Set(2..<10))
            for (a, b) in rows + [totals] {
                t.add([a.id, a.name, Num.fixed(a.coveredPct, 1), Num.fixed(b.coveredPct, 1), Num.fixed(a.servedPct, 1), Num.fixed(b.servedPct, 1),
                       "\(a.seats)", "\(b.seats)", "\(a.stations)", "\(b.stations)"])
            }
            return "Before and after the stations of \(file) (within \(Num.int(before.report.radiusM)) m)\n" + t.render() + "\n"
        }
    }
}
