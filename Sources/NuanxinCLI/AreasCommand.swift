import ArgumentParser
import Geo
import Planning
import Stations

/// `nuanxin areas`: the rider-friendly audit of commercial areas.
struct AreasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "areas",
        abstract: "Audit each commercial area: nearest rest station, parking zone and charging point, and what is missing.",
        discussion: "Distances are from the area's edge (0 inside), straight-line in the dataset's metric CRS."
    )

    @Option(name: .customLong("rest-m"), help: "A rest station counts within this many metres (default: the service radius).")
    var restM: Double?

    @Option(name: .customLong("parking-m"), help: "A parking zone counts within this many metres.")
    var parkingM: Double = 300

    @Option(name: .customLong("charging-m"), help: "A charging point counts within this many metres.")
    var chargingM: Double = 1000

    @Option(help: "Service radius in metres (default: the manifest's radius_m).")
    var radius: Double?

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        for (name, v) in [("--rest-m", restM), ("--parking-m", parkingM), ("--charging-m", chargingM), ("--radius", radius)] {
            if let v, !(v >= 0 && v.isFinite) { throw ValidationError("\(name) must be a distance in metres ≥ 0") }
            if let v { try FlagLimits.distance(name, v) }
        }
    }

    func run() throws {
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try scenario.apply(dataset.load(radiusM: radius, layers: [.districts, .stations, .parking, .areas]), options: dataset, radiusM: radius)
        let audit = try AreaAudit(data, thresholds: .init(data, restM: restM, parkingM: parkingM, chargingM: chargingM))
        switch format {
        case .json:
            let doc = JSONValue.object(JSONObject([
                ("thresholds_m", .object(JSONObject([("rest", .number(audit.thresholds.restM)), ("parking", .number(audit.thresholds.parkingM)), ("charging", .number(audit.thresholds.chargingM))]))),
                ("areas", .array(audit.rows.map { .object(properties($0)) })),
            ]))
            try output.emit(doc.serialized() + "\n")
        case .geojson:
            let geometries = Dictionary(data.commercialAreas.map { ($0.id, $0.geometry) }, uniquingKeysWith: { a, _ in a })
            try output.emit(GeoJSONWriter.collection(audit.rows.map {
                GeoJSONWriter.feature(id: .string($0.id), properties: properties($0), geometry: geometries[$0.id])
            }))
        case .csv:
            var rows = [["id", "name", "rider_friendly", "district", "rest_station", "rest_m", "parking_zone", "parking_m", "charging", "charging_m", "missing"]]
            for r in audit.rows {
                rows.append([r.id, r.name, r.riderFriendly ? "true" : "false", r.district ?? "",
                             r.rest?.id ?? "", r.rest.map { Num.int($0.distanceM) } ?? "",
                             r.parking?.id ?? "", r.parking.map { Num.int($0.distanceM) } ?? "",
                             r.charging?.id ?? "", r.charging.map { Num.int($0.distanceM) } ?? "",
                             r.missing.joined(separator: "; ")])
            }
            try output.emit(CSVWriter.encode(rows, format: .excel).string)
        default:
            var t = TextTable(["id", "name", "friendly", "rest (m)", "parking (m)", "charging (m)", "missing"], rightAligned: [3, 4, 5])
            func cell(_ n: AreaAudit.Nearest?) -> String {
                guard let n else { return "none" }
                return Num.int(n.distanceM) + (n.withinReach ? "" : " ✗")
            }
            for r in audit.rows {
                t.add([r.id, r.name, r.riderFriendly ? "yes" : "no", cell(r.rest), cell(r.parking), cell(r.charging), r.missing.isEmpty ? "—" : r.missing.joined(separator: ", ")])
            }
            let th = audit.thresholds
            try output.emit("Within reach: rest ≤ \(Num.int(th.restM)) m, parking ≤ \(Num.int(th.parkingM)) m, charging ≤ \(Num.int(th.chargingM)) m (✗ = beyond)\n\n" + t.render())
        }
    }

    func properties(_ r: AreaAudit.Row) -> JSONObject {
        func nearest(_ n: AreaAudit.Nearest?) -> JSONValue {
            guard let n else { return .null }
            return .object(JSONObject([("id", .string(n.id)), ("name", n.name.map(JSONValue.string) ?? .null),
                                       ("distance_m", .number((n.distanceM * 10).rounded() / 10)), ("within_reach", .bool(n.withinReach))]))
        }
        return JSONObject([
            ("id", .string(r.id)), ("name", .string(r.name)), ("rider_friendly", .bool(r.riderFriendly)),
            ("district", r.district.map(JSONValue.string) ?? .null),
            ("rest_station", nearest(r.rest)), ("parking_zone", nearest(r.parking)), ("charging", nearest(r.charging)),
            ("missing", .array(r.missing.map(JSONValue.string))),
        ])
    }
}
