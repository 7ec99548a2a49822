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

    @Option(name: .customLong("rest-m"), parsing: .unconditional, help: "A rest station counts within this many metres (default: the service radius).", transform: FlagRange.distance.parse)
    var restM: Double?

    @Option(name: .customLong("parking-m"), parsing: .unconditional, help: "A parking zone counts within this many metres. (default: 300.0)", transform: FlagRange.distance.parse)
    var parkingM: Double = 300

    @Option(name: .customLong("charging-m"), parsing: .unconditional, help: "A charging point counts within this many metres. (default: 1000.0)", transform: FlagRange.distance.parse)
    var chargingM: Double = 1000

    @Option(name: .customLong("meal-m"), parsing: .unconditional, help: "A meal partner (a station offering hot meals that is not a rest station) counts within this many metres (default: --rest-m, else the area's service radius).", transform: FlagRange.distance.parse)
    var mealM: Double?

    @Option(name: .customLong("max-riders-per-seat"), parsing: .unconditional, help: "Rest is short when the area's riders per rest seat within reach exceed this (default: riders per seat, 60 / (stay_min × visits_per_hour)).", transform: FlagRange.positiveRiders.parse)
    var maxRidersPerSeat: Double?

    @Option(name: .customLong("max-riders-per-slot"), parsing: .unconditional, help: "Parking is short when the area's riders per parking slot within reach exceed this. (default: 3.0)", transform: FlagRange.positiveRiders.parse)
    var maxRidersPerSlot: Double = 3

    @Option(name: .customLong("min-meal-partners"), parsing: .unconditional, help: "Meals are short with fewer meal partners within reach.", transform: IntegerFlag.atLeastZero.parse)
    var minMealPartners: Int = 1

    @Option(parsing: .unconditional, help: "Service radius in metres (default: the manifest's radius_m).", transform: FlagRange.positiveDistance.parse)
    var radius: Double?

    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var time: TimeOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        for (name, v) in [("--rest-m", restM), ("--parking-m", parkingM), ("--charging-m", chargingM), ("--meal-m", mealM)] {
            try FlagRange.distance.check(name, v)
        }
        // The service radius, as in every other command: a radius of 0 reaches nothing.
        try FlagRange.positiveDistance.check("--radius", radius)
        for (name, v) in [("--max-riders-per-seat", maxRidersPerSeat), ("--max-riders-per-slot", maxRidersPerSlot)] {
            try FlagRange.positiveRiders.check(name, v)
        }
        guard minMealPartners >= 0 else { throw ValidationError("--min-meal-partners must be ≥ 0") }
    }

    func run() throws {
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try scenario.apply(dataset.load(radiusM: radius, time: time, layers: [.districts, .stations, .parking, .areas]), options: dataset, radiusM: radius)
        // The distances are circles around the commercial areas: the largest must stay where the CRS measures in metres.
        let distances = [("--rest-m", restM), ("--parking-m", parkingM), ("--charging-m", chargingM), ("--meal-m", mealM)].compactMap { f, v in v.map { (f, $0) } }
        if let (flag, widest) = distances.max(by: { $0.1 < $1.1 }) { try DatasetOptions.checkReach(data, radiusM: widest, flag: flag) }
        let moment = time.moment(data)
        let rest = restM ?? data.manifest.radiusM
        let audit = try AreaAudit(data, thresholds: .init(restM: rest, parkingM: parkingM, chargingM: chargingM, mealM: mealM,
                                                          maxRidersPerSeat: maxRidersPerSeat ?? moment.ridersPerSeat, maxRidersPerSlot: maxRidersPerSlot,
                                                          minMealPartners: minMealPartners), time: moment,
                                  // Without --rest-m, each area's rest distance is its district's service radius.
                                  restRadius: restM == nil ? ServiceRadius(dataset: data, override: radius) : nil)
        switch format {
        case .json:
            let th = audit.thresholds
            let doc = JSONValue.object(JSONObject([
                ("riders_per_seat", CoverageText.round(moment.ridersPerSeat, 4)), ("at", moment.at.map { .string($0.text) } ?? .null),
                ("thresholds_m", .object(JSONObject([("rest", .number(th.restM)), ("parking", .number(th.parkingM)), ("charging", .number(th.chargingM)), ("meals", .number(th.mealM))]))),
                ("thresholds", .object(JSONObject([("max_riders_per_seat", CoverageText.round(th.maxRidersPerSeat, 4)), ("max_riders_per_slot", CoverageText.round(th.maxRidersPerSlot, 4)),
                                                   ("min_meal_partners", .number(Double(th.minMealPartners)))]))),
                ("areas", .array(audit.rows.map { .object(properties($0)) })),
            ]))
            try output.emit(doc.serialized(realKeys: ResultFields.areas) + "\n")
        case .geojson:
            let geometries = Dictionary(data.commercialAreas.map { ($0.id, $0.geometry) }, uniquingKeysWith: { a, _ in a })
            try output.emit(GeoJSONWriter.collection(audit.rows.map {
                GeoJSONWriter.feature(id: .string($0.id), properties: properties($0), geometry: geometries[$0.id], realKeys: ResultFields.areas)
            }))
        case .csv:
            var rows = [["id", "name", "rider_friendly", "district", "rest_station", "rest_m", "parking_zone", "parking_m", "charging", "charging_m", "missing",
                         "riders", "rest_seats", "riders_per_rest_seat", "rest", "parking_slots", "parking", "meal_partners", "meals", "short"]]
            for r in audit.rows {
                rows.append([r.id, r.name, r.riderFriendly ? "true" : "false", r.district ?? "",
                             r.rest?.id ?? "", r.rest.map { Num.int($0.distanceM) } ?? "",
                             r.parking?.id ?? "", r.parking.map { Num.int($0.distanceM) } ?? "",
                             r.charging?.id ?? "", r.charging.map { Num.int($0.distanceM) } ?? "",
                             r.missing.joined(separator: "; "),
                             r.riders.map { Num.fixed($0, 2) } ?? "", "\(r.restSeats)", r.ridersPerRestSeat.map { Num.fixed($0, 2) } ?? "", r.restVerdict.rawValue,
                             "\(r.parkingSlots)", r.parkingVerdict.rawValue, "\(r.mealPartners)", r.mealVerdict.rawValue, r.short.joined(separator: "; ")])
            }
            try output.emit(CSVWriter.encode(rows, format: .excel).string)
        default:
            var t = TextTable(["id", "name", "friendly", "rest (m)", "parking (m)", "charging (m)", "riders", "seats", "per seat", "slots", "meals", "missing", "short"],
                              rightAligned: [3, 4, 5, 6, 7, 8, 9, 10])
            func cell(_ n: AreaAudit.Nearest?) -> String {
                guard let n else { return "none" }
                return Num.int(n.distanceM) + (n.withinReach ? "" : " ✗")
            }
            for r in audit.rows {
                func mark(_ v: AreaAudit.Verdict) -> String { v == .ok ? "" : " ✗" }
                t.add([r.id, r.name, r.riderFriendly ? "yes" : "no", cell(r.rest), cell(r.parking), cell(r.charging), r.riders.map(Num.int) ?? "—",
                       "\(r.restSeats)", (r.ridersPerRestSeat.map { Num.fixed($0, 1) } ?? "—") + mark(r.restVerdict), "\(r.parkingSlots)" + mark(r.parkingVerdict),
                       "\(r.mealPartners)" + mark(r.mealVerdict), r.missing.isEmpty ? "—" : r.missing.joined(separator: ", "), r.short.isEmpty ? "—" : r.short.joined(separator: ", ")])
            }
            let th = audit.thresholds
            var head = "Within reach: rest ≤ \(Num.int(th.restM)) m, parking ≤ \(Num.int(th.parkingM)) m, charging ≤ \(Num.int(th.chargingM)) m, meal partners ≤ \(Num.int(th.mealM)) m (✗ = beyond)\n"
            head += "Enough: ≤ \(Num.fixed(th.maxRidersPerSeat, 1)) riders a rest seat, ≤ \(Num.fixed(th.maxRidersPerSlot, 1)) riders a parking slot, ≥ \(th.minMealPartners) meal partner(s) (✗ = short)"
            head += moment.at.map { "; at \($0.text): stations open then, riders × \(Num.fixed(moment.demandFactor, 2))" } ?? ""
            try output.emit(head + "\n\n" + t.render())
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
            ("riders", r.riders.map { CoverageText.round($0) } ?? .null),
            ("rest_seats", .number(Double(r.restSeats))), ("riders_per_rest_seat", r.ridersPerRestSeat.map { CoverageText.round($0) } ?? .null),
            ("parking_slots", .number(Double(r.parkingSlots))), ("riders_per_parking_slot", r.ridersPerParkingSlot.map { CoverageText.round($0) } ?? .null),
            ("meal_partners", .number(Double(r.mealPartners))),
            ("verdicts", .object(JSONObject([("rest", .string(r.restVerdict.rawValue)), ("meals", .string(r.mealVerdict.rawValue)), ("parking", .string(r.parkingVerdict.rawValue))]))),
            ("short", .array(r.short.map(JSONValue.string))),
        ])
    }
}
