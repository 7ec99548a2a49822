import ArgumentParser
import Foundation
import Geo
import Planning
import Stations

/// Options shared by coverage, gaps and propose: the radius, which kinds offer rest, the district
/// selection and the demand model's area grid.
struct CoverageOptions: ParsableArguments {
    @Option(help: "Service radius in metres (default: the manifest's radius_m).")
    var radius: Double?

    @Option(help: "Only these districts (id or name; repeat for several). Default: all.")
    var district: [String] = []

    @Option(help: "Station kinds that count as offering rest (repeat; default: all but charging_point and partner_venue).")
    var kind: [StationKind] = []

    @Option(name: .customLong("area-cell-m"), help: "Grid used to spread a commercial area's peak_riders over demand points, in metres.")
    var areaCellM: Double = 100

    func validate() throws {
        if let radius, !(radius > 0 && radius.isFinite) { throw ValidationError("--radius must be a positive distance in metres") }
        if let radius { try FlagLimits.distance("--radius", radius) }
        guard areaCellM >= 10 else { throw ValidationError("--area-cell-m must be at least 10 metres") }
        try FlagLimits.distance("--area-cell-m", areaCellM)
    }

    /// The kinds that offer rest (nil: SPEC's rule).
    var restKinds: [StationKind]? { kind.isEmpty ? nil : kind }

    /// The demand model and today's coverage of a loaded dataset, the start of coverage, gaps and propose.
    func coverage(of data: Dataset) throws -> (demand: DemandModel, report: CoverageReport) {
        let demand = try DemandModel(data, areaCellM: areaCellM)
        return (demand, try CoverageReport(dataset: data, demand: demand, radiusM: data.manifest.radiusM, kinds: restKinds))
    }

    /// Indices of the selected divisions, or a usage failure naming the unknown ones.
    func selectedDistricts(_ dataset: Dataset) throws -> [Int]? {
        guard !district.isEmpty else { return nil }
        var out: [Int] = []
        for wanted in district {
            guard let i = dataset.districts.firstIndex(where: { $0.id == wanted || $0.name == wanted || $0.nameEN?.lowercased() == wanted.lowercased() }) else {
                let known = dataset.districts.map { "\($0.id) \($0.name)" }.joined(separator: ", ")
                throw CLIFailure(status: .usage, message: "--district \(wanted): no such district (known: \(known))")
            }
            if !out.contains(i) { out.append(i) }
        }
        return out
    }
}

/// `nuanxin coverage`: demand, covered, seats, served, utilisation and overloaded stations per district.
struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Per district: demand, covered demand and %, seats, served demand (capacity-aware), utilisation, overloaded stations."
    )

    @OptionGroup var coverage: CoverageOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReportingErrors {
            let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
            let data = try dataset.load(radiusM: coverage.radius, layers: [.districts, .stations, .areas, .demand])
            let selected = try coverage.selectedDistricts(data)
            let (demand, report) = try coverage.coverage(of: data)
            let rows = selected.map { $0.map { report.rows[$0] } } ?? report.rows
            switch format {
            case .json: try output.emit(CoverageText.json(report, rows: rows, data).serialized(realKeys: ResultFields.coverage) + "\n")
            case .geojson: try output.emit(CoverageText.geoJSON(report, rows: rows, data))
            case .csv: try output.emit(CoverageText.csv(report, rows: rows))
            default: try output.emit(CoverageText.table(report, rows: rows, demand: demand))
            }
        }
    }
}

enum CoverageText {
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
            return GeoJSONWriter.feature(id: .string(r.id), properties: p, geometry: byID[r.id]?.geometry, realKeys: ResultFields.coverage)
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

    @Option(name: .customLong("cell-m"), help: "Grid cell size for gap polygons, in metres.")
    var cellM: Double = 250

    @OptionGroup var coverage: CoverageOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard cellM >= 10, cellM.isFinite else { throw ValidationError("--cell-m must be at least 10 metres") }
        try FlagLimits.distance("--cell-m", cellM)
    }

    func run() throws {
        try runReportingErrors {
            let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
            let data = try dataset.load(radiusM: coverage.radius, layers: [.districts, .stations, .areas, .demand])
            let selected = try coverage.selectedDistricts(data)
            let (demand, report) = try coverage.coverage(of: data)
            let gaps = try GapReport(dataset: data, demand: demand, uncovered: report.unitCovered.map { !$0 }, districts: selected, cellM: cellM)
            func props(_ g: GapReport.Gap) -> JSONObject {
                JSONObject([("district", .string(g.district)), ("district_name", .string(g.districtName)), ("rank", .number(Double(g.rank))),
                            ("uncovered_demand", CoverageText.round(g.uncoveredDemand)), ("area_km2", CoverageText.round(g.areaKm2, 3))])
            }
            switch format {
            case .geojson:
                try output.emit(GeoJSONWriter.collection(gaps.gaps.map { g in
                    GeoJSONWriter.feature(id: .string("\(g.district)-gap-\(g.rank)"), properties: props(g), geometry: g.geometry, realKeys: ResultFields.gaps)
                }))
            case .json:
                let doc = JSONValue.object(JSONObject([("radius_m", .number(report.radiusM)), ("cell_m", .number(cellM)),
                                                       ("gaps", .array(gaps.gaps.map { .object(props($0)) }))]))
                try output.emit(doc.serialized(realKeys: ResultFields.gaps) + "\n")
            case .csv:
                var rows = [["district", "district_name", "rank", "uncovered_demand", "area_km2", "wkt"]]
                for g in gaps.gaps {
                    rows.append([g.district, g.districtName, "\(g.rank)", Num.fixed(g.uncoveredDemand, 2), Num.fixed(g.areaKm2, 3), try g.geometry.wkt(precision: 7)])
                }
                try output.emit(CSVWriter.encode(rows, format: .excel).string)
            default:
                var t = TextTable(["district", "name", "rank", "uncovered", "km²"], rightAligned: [2, 3, 4])
                for g in gaps.gaps { t.add([g.district, g.districtName, "\(g.rank)", Num.int(g.uncoveredDemand), Num.fixed(g.areaKm2, 2)]) }
                try output.emit(gaps.gaps.isEmpty ? "no uncovered demand\n" : "Uncovered demand within \(Num.int(report.radiusM)) m, as \(Num.int(cellM)) m cells dissolved per district\n\n" + t.render())
            }
        }
    }
}
