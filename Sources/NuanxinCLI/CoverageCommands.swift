import ArgumentParser
import Foundation
import Geo
import Planning
import Stations

/// Options shared by coverage, gaps and propose (and export of their results): the radius, which
/// kinds offer rest, the district selection and the demand model's area grid.
struct CoverageOptions: ParsableArguments {
    @Option(help: "Service radius in metres (default: the manifest's radius_m).")
    var radius: Double?

    @Option(help: "Only these districts (id or name; repeat for several). Default: all.")
    var district: [String] = []

    @Option(help: "Station kinds that count as offering rest (repeat; default: all but charging_point and partner_venue).")
    var kind: [StationKind] = []

    @Option(name: .customLong("area-cell-m"), help: "Grid used to spread a commercial area's peak_riders over demand points, in metres. (default: 100.0)")
    var areaCell: Double?

    static let defaultAreaCellM = 100.0

    func validate() throws {
        if let radius, !(radius > 0 && radius.isFinite) { throw ValidationError("--radius must be a positive distance in metres") }
        if let radius { try FlagLimits.distance("--radius", radius) }
        if let areaCell { guard areaCell >= 10 else { throw ValidationError("--area-cell-m must be at least 10 metres") } }
        if let areaCell { try FlagLimits.distance("--area-cell-m", areaCell) }
    }

    var settings: CoverageSettings {
        CoverageSettings(districts: district, restKinds: kind.isEmpty ? nil : kind, areaCellM: areaCell ?? CoverageOptions.defaultAreaCellM)
    }

    /// The options given, as flags with their values (for messages).
    var given: [String] {
        var out: [String] = []
        if let radius { out.append("--radius \(Num.flag(radius))") }
        out += district.map { "--district \($0)" }
        out += kind.map { "--kind \($0.rawValue)" }
        if let areaCell { out.append("--area-cell-m \(Num.flag(areaCell))") }
        return out
    }
}

/// The gaps options besides the coverage ones.
struct GapOptions: ParsableArguments {
    @Option(name: .customLong("cell-m"), help: "Grid cell size for gap polygons, in metres. (default: 250.0)")
    var cell: Double?

    static let defaultCellM = 250.0

    var cellM: Double { cell ?? GapOptions.defaultCellM }

    func validate() throws {
        if let cell { guard cell >= 10, cell.isFinite else { throw ValidationError("--cell-m must be at least 10 metres") } }
        if let cell { try FlagLimits.distance("--cell-m", cell) }
    }

    var given: [String] { cell.map { ["--cell-m \(Num.flag($0))"] } ?? [] }
}

/// `nuanxin coverage`: demand, covered, seats, served, utilisation and overloaded stations per district.
struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Per district: demand, covered demand and %, seats, served demand (capacity-aware), utilisation, overloaded stations."
    )

    @OptionGroup var coverage: CoverageOptions
    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    static let layers: Set<Layer> = [.districts, .stations, .areas, .demand]

    func run() throws {
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try scenario.apply(dataset.load(radiusM: coverage.radius, layers: CoverageCommand.layers), options: dataset, radiusM: coverage.radius)
        let study = try CoverageStudy(data, settings: coverage.settings)
        try output.emit(CoverageText.render(study, data, format: format))
    }
}

enum CoverageText {
    static func render(_ study: CoverageStudy, _ data: Dataset, format: OutputFormat) throws -> String {
        let report = study.report, rows = study.rows
        switch format {
        case .json: return json(report, rows: rows, data).serialized() + "\n"
        case .geojson: return geoJSON(report, rows: rows, data)
        case .csv: return csv(report, rows: rows)
        case .table: return table(report, rows: rows, demand: study.demand)
        }
    }

    static func round(_ v: Double, _ decimals: Int = 2) -> JSONValue {
        var s = 1.0
        for _ in 0..<decimals { s *= 10 }
        return .number((v * s).rounded() / s)
    }

    static func rowJSON(_ r: CoverageReport.Row, withID: Bool) -> [(String, JSONValue)] {
        var pairs: [(String, JSONValue)] = []
        if withID { pairs += [("id", .string(r.id)), ("name", .string(r.name))] }
        pairs += [
            ("demand", round(r.demand)), ("covered", round(r.covered)), ("covered_pct", round(r.coveredPct)),
            ("seats", .number(Double(r.seats))), ("served", round(r.served)), ("served_pct", round(r.servedPct)),
            ("stations", .number(Double(r.stations))), ("utilisation_pct", round(r.utilisationPct)),
            ("overloaded", .array(r.overloaded.map(JSONValue.string))),
        ]
        return pairs
    }

    static func json(_ report: CoverageReport, rows: [CoverageReport.Row], _ data: Dataset) -> JSONValue {
        .object(JSONObject([
            ("radius_m", .number(report.radiusM)),
            ("districts", .array(rows.map { .object(JSONObject(rowJSON($0, withID: true))) })),
            ("total", .object(JSONObject(rowJSON(report.total, withID: false)))),
            ("outside", .object(JSONObject(rowJSON(report.outside, withID: false)))),
            ("overloaded_stations", .array(report.stationUse.filter(\.isOverloaded).map { use in
                let s = data.stations[use.station]
                return .object(JSONObject([("id", .string(s.id)), ("name", .string(s.name)), ("district", s.district.map(JSONValue.string) ?? .null),
                                           ("seats", .number(Double(use.seats))), ("nearest_demand", round(use.nearestDemand)), ("served", round(use.load))]))
            })),
        ]))
    }

    /// Districts as polygons carrying their coverage figures, for a choropleth in QGIS.
    static func geoJSON(_ report: CoverageReport, rows: [CoverageReport.Row], _ data: Dataset) -> String {
        let byID = Dictionary(data.districts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return GeoJSONWriter.collection(rows.map { r in
            var p = JSONObject(rowJSON(r, withID: true))
            p["kind"] = .string(r.kind)
            p["radius_m"] = .number(report.radiusM)
            return GeoJSONWriter.feature(id: .string(r.id), properties: p, geometry: byID[r.id]?.geometry)
        })
    }

    static func csv(_ report: CoverageReport, rows: [CoverageReport.Row]) -> String {
        var out = [["id", "name", "demand", "covered", "covered_pct", "seats", "served", "served_pct", "stations", "utilisation_pct", "overloaded"]]
        for r in rows + [report.total] {
            out.append([r.id, r.name, Num.fixed(r.demand, 2), Num.fixed(r.covered, 2), Num.fixed(r.coveredPct, 2), "\(r.seats)",
                        Num.fixed(r.served, 2), Num.fixed(r.servedPct, 2), "\(r.stations)", Num.fixed(r.utilisationPct, 2), r.overloaded.joined(separator: ";")])
        }
        return CSVWriter.encode(out, format: .excel).string
    }

    static func table(_ report: CoverageReport, rows: [CoverageReport.Row], demand: DemandModel) -> String {
        var t = TextTable(["id", "name", "demand", "covered", "cov %", "seats", "served", "srv %", "stations", "util %", "overloaded"], rightAligned: [2, 3, 4, 5, 6, 7, 8, 9, 10])
        for r in rows + [report.total] {
            t.add([r.id, r.name, Num.int(r.demand), Num.int(r.covered), Num.fixed(r.coveredPct, 1), "\(r.seats)", Num.int(r.served),
                   Num.fixed(r.servedPct, 1), "\(r.stations)", Num.fixed(r.utilisationPct, 1), "\(r.overloaded.count)"])
        }
        var text = "Coverage within \(Num.int(report.radiusM)) m of a rest station; served = demand that fits into the seats within reach (maximum flow)\n\n" + t.render()
        if report.outside.demand > 0 {
            text += "\n\(Num.int(report.outside.demand)) demand outside every district (counted in the total only)\n"
        }
        return text
    }
}

/// `nuanxin gaps`: uncovered demand as polygons per district, ranked.
struct GapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gaps",
        abstract: "Uncovered demand as polygons per district, ranked by uncovered demand, with area.",
        discussion: "A gap is the union of the grid cells (--cell-m) that hold demand with no rest station within the radius, clipped to the district."
    )

    @OptionGroup var gaps: GapOptions
    @OptionGroup var coverage: CoverageOptions
    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try scenario.apply(dataset.load(radiusM: coverage.radius, layers: CoverageCommand.layers), options: dataset, radiusM: coverage.radius)
        let study = try GapStudy(data, settings: coverage.settings, cellM: gaps.cellM)
        try output.emit(GapText.render(study, format: format))
    }
}

enum GapText {
    static func properties(_ g: GapReport.Gap) -> JSONObject {
        JSONObject([("district", .string(g.district)), ("district_name", .string(g.districtName)), ("rank", .number(Double(g.rank))),
                    ("uncovered_demand", CoverageText.round(g.uncoveredDemand)), ("area_km2", CoverageText.round(g.areaKm2, 3))])
    }

    static func render(_ study: GapStudy, format: OutputFormat) throws -> String {
        let gaps = study.gaps.gaps, radiusM = study.coverage.report.radiusM, cellM = study.cellM
        switch format {
        case .geojson:
            return GeoJSONWriter.collection(gaps.map { g in
                GeoJSONWriter.feature(id: .string("\(g.district)-gap-\(g.rank)"), properties: properties(g), geometry: g.geometry)
            })
        case .json:
            let doc = JSONValue.object(JSONObject([("radius_m", .number(radiusM)), ("cell_m", .number(cellM)),
                                                   ("gaps", .array(gaps.map { .object(properties($0)) }))]))
            return doc.serialized() + "\n"
        case .csv:
            var rows = [["district", "district_name", "rank", "uncovered_demand", "area_km2", "wkt"]]
            for g in gaps {
                rows.append([g.district, g.districtName, "\(g.rank)", Num.fixed(g.uncoveredDemand, 2), Num.fixed(g.areaKm2, 3), try g.geometry.wkt(precision: 7)])
            }
            return CSVWriter.encode(rows, format: .excel).string
        case .table:
            var t = TextTable(["district", "name", "rank", "uncovered", "km²"], rightAligned: [2, 3, 4])
            for g in gaps { t.add([g.district, g.districtName, "\(g.rank)", Num.int(g.uncoveredDemand), Num.fixed(g.areaKm2, 2)]) }
            return gaps.isEmpty ? "no uncovered demand\n" : "Uncovered demand within \(Num.int(radiusM)) m, as \(Num.int(cellM)) m cells dissolved per district\n\n" + t.render()
        }
    }
}
