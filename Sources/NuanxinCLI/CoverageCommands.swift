import ArgumentParser
import Foundation
import Geo
import Planning
import Stations

/// Options shared by coverage, gaps and propose (and export of their results): the radius, which
/// kinds offer rest, the district selection and the demand model's area grid.
struct CoverageOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Service radius in metres (default: the manifest's radius_m).", transform: FlagRange.positiveDistance.parse)
    var radius: Double?

    @Option(help: "Only these districts (id or name; repeat for several). Default: all.")
    var district: [String] = []

    @Option(help: "Station kinds that count as offering rest (repeat; default: all but charging_point and partner_venue).")
    var kind: [StationKind] = []

    @Option(name: .customLong("area-cell-m"), parsing: .unconditional, help: "Grid used to spread a commercial area's peak_riders over demand points, in metres. (default: 100.0)", transform: FlagRange.cell.parse)
    var areaCell: Double?

    /// --at, --stay-min, --visits-per-hour.
    @OptionGroup var time: TimeOptions

    static let defaultAreaCellM = 100.0

    func validate() throws {
        try FlagRange.positiveDistance.check("--radius", radius)
        try FlagRange.cell.check("--area-cell-m", areaCell)
    }

    var settings: CoverageSettings {
        CoverageSettings(districts: district, restKinds: kind.isEmpty ? nil : kind, areaCellM: areaCell ?? CoverageOptions.defaultAreaCellM,
                         at: time.time, radiusOverride: radius)
    }

    /// The options given, as flags with their values (for messages).
    var given: [String] {
        var out: [String] = []
        if let radius { out.append("--radius \(Num.flag(radius))") }
        out += district.map { "--district \($0)" }
        out += kind.map { "--kind \($0.rawValue)" }
        if let areaCell { out.append("--area-cell-m \(Num.flag(areaCell))") }
        return out + time.given
    }
}

/// The gaps options besides the coverage ones.
struct GapOptions: ParsableArguments {
    @Option(name: .customLong("cell-m"), parsing: .unconditional, help: "Grid cell size for gap polygons, in metres. (default: 250.0)", transform: FlagRange.cell.parse)
    var cell: Double?

    @Option(name: .customLong("merge-m"), parsing: .unconditional, help: "Parts of a district's gaps within this many metres of each other are one gap (default: the cell size; 0 keeps every part apart).", transform: FlagRange.distance.parse)
    var mergeM: Double?

    @Option(name: .customLong("min-demand"), parsing: .unconditional, help: "Leave out gaps with less uncovered demand (riders). (default: 0)", transform: FlagRange.riders.parse)
    var minDemand: Double?

    @Option(parsing: .unconditional, help: "Keep at most this many gaps per district (the largest).", transform: IntegerFlag.atLeastOne.parse)
    var top: Int?

    static let defaultCellM = 250.0

    var cellM: Double { cell ?? GapOptions.defaultCellM }

    var options: GapReport.Options { GapReport.Options(cellM: cellM, mergeM: mergeM, minDemand: minDemand ?? 0, top: top) }

    func validate() throws {
        try FlagRange.cell.check("--cell-m", cell)
        try FlagRange.distance.check("--merge-m", mergeM)
        try FlagRange.riders.check("--min-demand", minDemand)
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
    }

    var given: [String] {
        var out: [String] = []
        if let cell { out.append("--cell-m \(Num.flag(cell))") }
        if let mergeM { out.append("--merge-m \(Num.flag(mergeM))") }
        if let minDemand { out.append("--min-demand \(Num.flag(minDemand))") }
        if let top { out.append("--top \(top)") }
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
    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .customLong("by-hour"), help: "One row an hour (00:00 to 23:00) for the total, or for the one --district: demand of the hour, covered and served with the stations open then.")
    var byHour = false

    static let layers: Set<Layer> = [.districts, .stations, .areas, .demand]

    func validate() throws {
        if byHour, coverage.time.at != nil { throw ValidationError("--by-hour gives every hour; leave out --at") }
        if byHour, coverage.district.count > 1 { throw ValidationError("--by-hour takes at most one --district") }
    }

    func run() throws {
        if byHour {
            let format = try output.resolved(supported: [.table, .json, .csv])
            let data = try dataset.load(radiusM: coverage.radius, time: coverage.time, layers: CoverageCommand.layers)
            let study = try HourlyCoverageStudy(data, settings: coverage.settings)
            try output.emit(CoverageText.render(study, data, format: format))
            return
        }
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try scenario.apply(dataset.load(radiusM: coverage.radius, time: coverage.time, layers: CoverageCommand.layers), options: dataset, radiusM: coverage.radius)
        let study = try CoverageStudy(data, settings: coverage.settings)
        try output.emit(CoverageText.render(study, data, format: format))
    }
}

enum CoverageText {
    static func render(_ study: CoverageStudy, _ data: Dataset, format: OutputFormat) throws -> String {
        let report = study.report, rows = study.rows
        switch format {
        case .json: return json(report, rows: rows, data).serialized(realKeys: ResultFields.coverage) + "\n"
        case .geojson: return geoJSON(report, rows: rows, data)
        case .csv: return csv(report, rows: rows)
        case .table: return table(report, rows: rows, demand: study.demand)
        case .gpkg: throw OutputFormat.geoPackageOnlyOnExport
        }
    }

    /// `--by-hour`: coverage at every full hour for the total or one district.
    static func render(_ study: HourlyCoverageStudy, _ data: Dataset, format: OutputFormat) throws -> String {
        let hours = study.hours, division = study.division
        let label = division.map { "\(data.districts[$0].id) \(data.districts[$0].name)" } ?? "total"
        switch format {
        case .json, .geojson:
            let doc = JSONValue.object(JSONObject([
                ("riders_per_seat", round(study.ridersPerSeat, 4)), ("radius_m", .number(data.manifest.radiusM)),
                ("district", division.map { .string(data.districts[$0].id) } ?? .null),
                ("hours", .array(hours.map { h in
                    .object(JSONObject([
                        ("hour", .number(Double(h.hour))), ("demand", round(h.row.demand)), ("covered", round(h.row.covered)),
                        ("covered_pct", round(h.row.coveredPct)), ("served", round(h.row.served)),
                        ("served_pct", round(h.row.servedPct)), ("open_stations", .number(Double(h.row.stations))),
                    ]))
                })),
            ]))
            return doc.serialized(realKeys: ResultFields.hourly) + "\n"
        case .csv:
            var rows = [["hour", "demand", "covered", "covered_pct", "served", "served_pct", "open_stations"]]
            for h in hours {
                rows.append(["\(h.hour)", Num.fixed(h.row.demand, 2), Num.fixed(h.row.covered, 2), Num.fixed(h.row.coveredPct, 2),
                             Num.fixed(h.row.served, 2), Num.fixed(h.row.servedPct, 2), "\(h.row.stations)"])
            }
            return CSVWriter.encode(rows, format: .excel).string
        case .table:
            var t = TextTable(["hour", "demand", "covered", "cov %", "served", "srv %", "open"], rightAligned: [1, 2, 3, 4, 5, 6])
            for h in hours {
                t.add([String(format: "%02d:00", h.hour), Num.int(h.row.demand), Num.int(h.row.covered), Num.fixed(h.row.coveredPct, 1),
                       Num.int(h.row.served), Num.fixed(h.row.servedPct, 1), "\(h.row.stations)"])
            }
            return "Coverage by hour, \(label): demand of the hour (demand_profile), rest stations open at the full hour, \(Num.fixed(study.ridersPerSeat, 1)) riders a seat\n\n" + t.render()
        case .gpkg: throw OutputFormat.geoPackageOnlyOnExport
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
        if withID, let radius = r.radiusM { pairs.append(("radius_m", .number(radius))) }
        pairs += [
            ("demand", round(r.demand)), ("covered", round(r.covered)), ("covered_pct", round(r.coveredPct)),
            ("seats", .number(Double(r.seats))), ("capacity", round(r.capacity)), ("served", round(r.served)), ("served_pct", round(r.servedPct)),
            ("stations", .number(Double(r.stations))), ("utilisation_pct", round(r.utilisationPct)),
            ("overloaded", .array(r.overloaded.map(JSONValue.string))),
        ]
        return pairs
    }

    static func json(_ report: CoverageReport, rows: [CoverageReport.Row], _ data: Dataset) -> JSONValue {
        .object(JSONObject([
            ("riders_per_seat", round(report.time.ridersPerSeat, 4)),
            ("at", report.time.at.map { .string($0.text) } ?? .null),
            ("demand_factor", round(report.time.demandFactor, 4)),
            ("radius_m", .number(report.radiusM)),
            ("districts", .array(rows.map { .object(JSONObject(rowJSON($0, withID: true))) })),
            ("total", .object(JSONObject(rowJSON(report.total, withID: false)))),
            ("outside", .object(JSONObject(rowJSON(report.outside, withID: false)))),
            ("overloaded_stations", .array(report.stationUse.filter(\.isOverloaded).map { use in
                let s = data.stations[use.station]
                return .object(JSONObject([("id", .string(s.id)), ("name", .string(s.name)), ("district", s.district.map(JSONValue.string) ?? .null),
                                           ("seats", .number(Double(use.seats))), ("capacity", round(use.capacity)), ("nearest_demand", round(use.nearestDemand)),
                                           ("served", round(use.load)), ("pressure", use.pressure.map { round($0, 3) } ?? .null)]))
            })),
        ]))
    }

    /// Districts as polygons carrying their coverage figures, for a choropleth in QGIS.
    static func geoJSON(_ report: CoverageReport, rows: [CoverageReport.Row], _ data: Dataset) -> String {
        let byID = Dictionary(data.districts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return GeoJSONWriter.collection(rows.map { r in
            var p = JSONObject(rowJSON(r, withID: true))
            p["kind"] = .string(r.kind)
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

    /// "1000 m", or "1000 m (500 m in 潞州区)" when divisions set their own radius.
    static func radius(_ report: CoverageReport) -> String {
        let own = report.rows.filter { $0.radiusM != nil && $0.radiusM != report.radiusM }.sorted { $0.id < $1.id }
        guard !own.isEmpty else { return "\(Num.int(report.radiusM)) m" }
        return "\(Num.int(report.radiusM)) m (" + own.map { "\(Num.int($0.radiusM!)) m in \($0.name)" }.joined(separator: ", ") + ")"
    }

    /// " at HH:MM (demand × f, N rest stations open)", or "" at the peak.
    static func moment(_ report: CoverageReport) -> String {
        guard let at = report.time.at else { return "" }
        return " at \(at.text) (demand × \(Num.fixed(report.time.demandFactor, 2)) of the peak, \(report.total.stations) rest station\(report.total.stations == 1 ? "" : "s") open)"
    }

    static func table(_ report: CoverageReport, rows: [CoverageReport.Row], demand: DemandModel) -> String {
        var t = TextTable(["id", "name", "demand", "covered", "cov %", "seats", "served", "srv %", "stations", "util %", "overloaded"], rightAligned: [2, 3, 4, 5, 6, 7, 8, 9, 10])
        for r in rows + [report.total] {
            t.add([r.id, r.name, Num.int(r.demand), Num.int(r.covered), Num.fixed(r.coveredPct, 1), "\(r.seats)", Num.int(r.served),
                   Num.fixed(r.servedPct, 1), "\(r.stations)", Num.fixed(r.utilisationPct, 1), "\(r.overloaded.count)"])
        }
        var text = "Coverage within \(CoverageText.radius(report)) of a rest station\(CoverageText.moment(report)); served = riders that fit into the seats within reach (maximum flow; of those allocations, the least rider distance), \(Num.fixed(report.time.ridersPerSeat, 1)) riders a seat; overloaded = stations whose nearest demand exceeds what their seats hold\n\n" + t.render()
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
        discussion: """
        A gap is the union of the grid cells (--cell-m) that hold demand with no rest station within the \
        radius, clipped to the district; parts within --merge-m of each other are one gap. --min-demand \
        leaves out gaps with fewer riders, --top keeps the first N per district. Each gap has a point \
        inside it (centroid_lon, centroid_lat: GEOS point-on-surface).
        """
    )

    @OptionGroup var gaps: GapOptions
    @OptionGroup var coverage: CoverageOptions
    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try scenario.apply(dataset.load(radiusM: coverage.radius, time: coverage.time, layers: CoverageCommand.layers), options: dataset, radiusM: coverage.radius)
        // The JSON and the table give a point a gap: the outlines stay in the metric CRS.
        var options = gaps.options
        options.wgs84Outlines = format == .geojson || format == .csv
        let study = try GapStudy(data, settings: coverage.settings, options: options)
        if format == .json {
            try output.emit(json: GapText.document(study), realKeys: ResultFields.gaps)
        } else {
            try output.emit(GapText.render(study, format: format))
        }
    }
}

enum GapText {
    static func properties(_ g: GapReport.Gap) -> JSONObject {
        JSONObject([("district", .string(g.district)), ("district_name", .string(g.districtName)), ("rank", .number(Double(g.rank))),
                    ("uncovered_demand", CoverageText.round(g.uncoveredDemand)), ("area_km2", CoverageText.round(g.areaKm2, 3)),
                    ("parts", .number(Double(g.parts))),
                    ("centroid_lon", .number(JSONValue.rounded(coordinate: g.inside.lon))),
                    ("centroid_lat", .number(JSONValue.rounded(coordinate: g.inside.lat)))])
    }

    /// The gap's WGS84 outline, which the GeoJSON and CSV outputs need (their studies ask for it).
    static func outline(_ g: GapReport.Gap) throws -> Geometry {
        guard let geometry = g.geometry else { throw GeoError.invalidInput("gap \(g.rank) of district \(g.district) has no WGS84 outline") }
        return geometry
    }

    /// The JSON result (`--format json`), before its numbers are written.
    static func document(_ study: GapStudy) -> JSONValue {
        let gaps = study.gaps, report = study.coverage.report, options = study.options
        return JSONValue.object(JSONObject([
            ("radius_m", .number(report.radiusM)), ("at", report.time.at.map { .string($0.text) } ?? .null), ("cell_m", .number(options.cellM)),
            ("merge_m", .number(options.mergeM ?? options.cellM)), ("min_demand", .number(options.minDemand)),
            ("districts", .array(gaps.summaries.map { s in
                .object(JSONObject([("id", .string(s.district)), ("name", .string(s.districtName)), ("gaps", .number(Double(s.gaps))),
                                    ("uncovered_demand", CoverageText.round(s.uncoveredDemand)), ("area_km2", CoverageText.round(s.areaKm2, 3)),
                                    ("shown", .number(Double(s.shown))), ("shown_demand", CoverageText.round(s.shownDemand))]))
            })),
            ("gaps", .array(gaps.gaps.map { .object(properties($0)) })),
        ]))
    }

    static func render(_ study: GapStudy, format: OutputFormat) throws -> String {
        let gaps = study.gaps, report = study.coverage.report, options = study.options
        switch format {
        case .geojson:
            return GeoJSONWriter.collection(try gaps.gaps.map { g in
                GeoJSONWriter.feature(id: .string("\(g.district)-gap-\(g.rank)"), properties: properties(g), geometry: try outline(g), realKeys: ResultFields.gaps)
            })
        case .json:
            return document(study).serialized(realKeys: ResultFields.gaps) + "\n"
        case .csv:
            // The new columns come after wkt, so that the earlier ones keep their positions.
            var rows = [["district", "district_name", "rank", "uncovered_demand", "area_km2", "wkt", "parts", "centroid_lon", "centroid_lat"]]
            for g in gaps.gaps {
                rows.append([g.district, g.districtName, "\(g.rank)", Num.fixed(g.uncoveredDemand, 2), Num.fixed(g.areaKm2, 3), try outline(g).wkt(precision: 7),
                             "\(g.parts)", JSONValue.format(coordinate: g.inside.lon), JSONValue.format(coordinate: g.inside.lat)])
            }
            return CSVWriter.encode(rows, format: .excel).string
        case .table:
            return table(gaps, report, options)
        case .gpkg: throw OutputFormat.geoPackageOnlyOnExport
        }
    }

    /// Per district a summary line, then its gaps.
    static func table(_ gaps: GapReport, _ report: CoverageReport, _ options: GapReport.Options) -> String {
        let cellM = options.cellM
        var text = "Uncovered demand within \(CoverageText.radius(report))\(CoverageText.moment(report)), as \(Num.int(cellM)) m cells dissolved per district, parts within \(Num.int(options.mergeM ?? cellM)) m merged"
        if options.minDemand > 0 { text += ", gaps of at least \(Num.fixed(options.minDemand, 1)) riders" }
        if let top = options.top { text += ", the \(top) largest per district" }
        text += "\n"
        guard gaps.summaries.contains(where: { $0.gaps > 0 }) else { return text + "\nno uncovered demand\n" }
        let byDistrict = Dictionary(grouping: gaps.gaps, by: \.district)
        for s in gaps.summaries where s.gaps > 0 {
            text += "\n\(s.district) \(s.districtName): \(s.gaps) gap\(s.gaps == 1 ? "" : "s"), \(Num.int(s.uncoveredDemand)) riders uncovered, \(Num.fixed(s.areaKm2, 2)) km²"
            text += s.shown < s.gaps ? "; showing \(s.shown) with \(Num.int(s.shownDemand)) riders\n" : "\n"
            let mine = byDistrict[s.district] ?? []
            guard !mine.isEmpty else { continue }
            var t = TextTable(["rank", "uncovered", "km²", "parts", "lon", "lat"], rightAligned: [0, 1, 2, 3])
            for g in mine {
                t.add(["\(g.rank)", Num.int(g.uncoveredDemand), Num.fixed(g.areaKm2, 2), "\(g.parts)",
                       JSONValue.format(coordinate: g.inside.lon, decimals: 5), JSONValue.format(coordinate: g.inside.lat, decimals: 5)])
            }
            text += t.render().split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        }
        return text.hasSuffix("\n") ? text : text + "\n"
    }
}
