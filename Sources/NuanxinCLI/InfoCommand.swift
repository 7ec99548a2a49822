import ArgumentParser
import Geo
import Stations

/// `nuanxin info`: per division, what the dataset holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Dataset summary per district: stations by kind, seats, charging ports, parking, areas, demand."
    )

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let format = try output.resolved(supported: [.table, .json, .csv])
        let data = try dataset.load(layers: [.districts, .stations, .parking, .areas, .demand], usesSeats: false)
        let summary = try DatasetSummary(data)
        switch format {
        case .json: try output.emit(json(summary).serialized() + "\n")
        case .csv: try output.emit(csv(summary))
        default: try output.emit(table(summary))
        }
    }

    func kinds(_ row: DatasetSummary.Row) -> JSONValue {
        .object(JSONObject(StationKind.allCases.compactMap { k in
            row.stationsByKind[k].map { (k.rawValue, JSONValue.number(Double($0))) }
        }))
    }

    func rowJSON(_ r: DatasetSummary.Row, withID: Bool) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        if withID {
            pairs += [("id", .string(r.id)), ("name", .string(r.name)), ("kind", .string(r.kind)), ("area_km2", .number((r.areaKm2 * 10).rounded() / 10))]
        }
        pairs += [
            ("stations", .number(Double(r.stations))), ("stations_by_kind", kinds(r)), ("seats", .number(Double(r.seats))),
            ("charging_ports", .number(Double(r.chargingPorts))), ("parking_zones", .number(Double(r.parkingZones))),
            ("parking_slots", .number(Double(r.parkingSlots))), ("commercial_areas", .number(Double(r.commercialAreas))),
            ("rider_friendly_areas", .number(Double(r.riderFriendlyAreas))), ("demand_points", .number(Double(r.demandPoints))),
            ("demand", .number((r.demand * 100).rounded() / 100)),
        ]
        return .object(JSONObject(pairs))
    }

    func json(_ s: DatasetSummary) -> JSONValue {
        .object(JSONObject([
            ("dataset", .string(s.name)), ("crs", .string(s.crs.definition)), ("radius_m", .number(s.radiusM)),
            ("districts", .array(s.rows.map { rowJSON($0, withID: true) })),
            ("outside", rowJSON(s.outside, withID: false)),
            ("total", rowJSON(s.total, withID: false)),
        ]))
    }

    static let shortKind: [StationKind: String] = [
        .warmStation: "warm", .unionStation: "union", .riderStation: "rider", .serviceCenter: "centre",
        .chargingPoint: "charging", .partnerVenue: "partner",
    ]

    func kindText(_ r: DatasetSummary.Row) -> String {
        StationKind.allCases.compactMap { k in r.stationsByKind[k].map { "\(InfoCommand.shortKind[k]!) \($0)" } }.joined(separator: ", ")
    }

    func table(_ s: DatasetSummary) -> String {
        var t = TextTable(["id", "name", "kind", "km²", "stations", "by kind", "seats", "ports", "parking", "areas", "demand"], rightAligned: [3, 4, 6, 7, 8, 9, 10])
        for r in s.rows + [s.outside, s.total] where !(r.id.isEmpty && r.name.hasPrefix("(") && r.stations + r.demandPoints + r.parkingZones + r.commercialAreas == 0) {
            t.add([r.id, r.name, r.kind, r.areaKm2 > 0 ? Num.int(r.areaKm2) : "", "\(r.stations)", kindText(r), "\(r.seats)", "\(r.chargingPorts)",
                   "\(r.parkingZones)", "\(r.commercialAreas)", Num.int(r.demand)])
        }
        return "\(s.name) — CRS \(s.crs), service radius \(Num.int(s.radiusM)) m\n\n" + t.render()
    }

    func csv(_ s: DatasetSummary) -> String {
        var rows = [["id", "name", "kind", "area_km2", "stations", "seats", "charging_ports", "parking_zones", "parking_slots", "commercial_areas", "demand_points", "demand"]]
        for r in s.rows + [s.total] {
            rows.append([r.id, r.name, r.kind, Num.fixed(r.areaKm2, 1), "\(r.stations)", "\(r.seats)", "\(r.chargingPorts)", "\(r.parkingZones)",
                         "\(r.parkingSlots)", "\(r.commercialAreas)", "\(r.demandPoints)", Num.fixed(r.demand, 2)])
        }
        return CSVWriter.encode(rows, format: .excel).string
    }
}
