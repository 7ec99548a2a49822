import ArgumentParser
import Geo
import Planning
import Stations

/// `nuanxin load`: one row a rest station: capacity, catchment, assigned riders, utilisation and
/// pressure, highest pressure first.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Per rest station: seats, capacity in riders, catchment, assigned riders, utilisation and pressure, highest pressure first.",
        discussion: """
        capacity = seats × riders per seat (60 / (stay_min × visits_per_hour)); catchment = demand whose \
        nearest counted rest station within its radius is this one (ties by id); assigned = riders the \
        allocation gives it (the most riders served overall); utilisation = assigned / capacity; \
        pressure = catchment / capacity (above 1: overloaded). With --at, only stations open then and \
        the demand of that hour. --district keeps the stations inside those districts. --with FILE \
        adds the stations of a file (a saved proposal, say) for this run: the load of a plan.
        """
    )

    @OptionGroup var coverage: CoverageOptions
    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try scenario.apply(dataset.load(radiusM: coverage.radius, time: coverage.time, layers: CoverageCommand.layers),
                                      options: dataset, radiusM: coverage.radius)
        let study = try LoadStudy(data, settings: coverage.settings)
        let report = study.coverage.report, uses = study.stations
        switch format {
        case .json:
            let doc = JSONValue.object(JSONObject([
                ("riders_per_seat", CoverageText.round(report.time.ridersPerSeat, 4)), ("at", report.time.at.map { .string($0.text) } ?? .null),
                ("demand_factor", CoverageText.round(report.time.demandFactor, 4)), ("radius_m", .number(report.radiusM)),
                ("stations", .array(uses.map { .object(properties($0, data)) })),
            ]))
            try output.emit(doc.serialized(realKeys: ResultFields.load) + "\n")
        case .geojson:
            try output.emit(GeoJSONWriter.collection(uses.map { use in
                let s = data.stations[use.station]
                return GeoJSONWriter.feature(id: .string(s.id), properties: properties(use, data), geometry: .point(s.location), realKeys: ResultFields.load)
            }))
        case .csv:
            var rows = [["id", "name", "kind", "district", "seats", "capacity", "catchment", "assigned", "utilisation_pct", "pressure"]]
            for use in uses {
                let s = data.stations[use.station]
                rows.append([s.id, s.name, s.kind.rawValue, s.district ?? "", "\(use.seats)", Num.fixed(use.capacity, 2), Num.fixed(use.nearestDemand, 2),
                             Num.fixed(use.load, 2), Num.fixed(use.utilisationPct, 2), use.pressure.map { Num.fixed($0, 3) } ?? ""])
            }
            try output.emit(CSVWriter.encode(rows, format: .excel).string)
        default:
            var t = TextTable(["id", "name", "district", "seats", "capacity", "catchment", "assigned", "util %", "pressure"], rightAligned: [3, 4, 5, 6, 7, 8])
            for use in uses {
                let s = data.stations[use.station]
                t.add([s.id, s.name, s.district ?? "", "\(use.seats)", Num.int(use.capacity), Num.int(use.nearestDemand), Num.int(use.load),
                       Num.fixed(use.utilisationPct, 1), use.pressure.map { Num.fixed($0, 2) } ?? "—"])
            }
            let overloaded = uses.filter(\.isOverloaded).count
            var head = "Load of \(uses.count) rest station\(uses.count == 1 ? "" : "s")\(CoverageText.moment(report)), \(Num.fixed(report.time.ridersPerSeat, 1)) riders a seat, within \(CoverageText.radius(report))"
            head += "; \(overloaded) with pressure above 1 (more nearest demand than their seats hold)\n\n"
            try output.emit(uses.isEmpty ? head + "no rest station\n" : head + t.render())
        }
    }

    func properties(_ use: CoverageReport.StationUse, _ data: Dataset) -> JSONObject {
        let s = data.stations[use.station]
        return JSONObject([
            ("id", .string(s.id)), ("name", .string(s.name)), ("kind", .string(s.kind.rawValue)), ("district", s.district.map(JSONValue.string) ?? .null),
            ("seats", .number(Double(use.seats))), ("capacity", CoverageText.round(use.capacity)), ("catchment", CoverageText.round(use.nearestDemand)),
            ("assigned", CoverageText.round(use.load)), ("utilisation_pct", CoverageText.round(use.utilisationPct)),
            ("pressure", use.pressure.map { CoverageText.round($0, 3) } ?? .null),
        ])
    }
}
