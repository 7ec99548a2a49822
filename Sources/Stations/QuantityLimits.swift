import Geo

/// The largest values a dataset or a flag may give for the quantities of the domain. Beyond these a
/// value is a named error (65 in a file, 64 in a flag), never an overflow: with every quantity
/// within its limit, sums over millions of features stay far inside `Int` and exact in `Double`.
///
/// The limits are far above anything real (Changzhi's largest rest station has a few dozen seats)
/// and far below where arithmetic breaks.
public enum QuantityLimits {
    /// Seats of a station, a candidate (`max_seats`), the manifest's `default_seats` and `--seats`.
    public static let seats = 100_000
    /// Charging ports of a station.
    public static let chargingPorts = 100_000
    /// Parking slots of a zone.
    public static let slots = 100_000
    /// Peak riders at one demand point (`weight`) or in one commercial area (`peak_riders`).
    public static let riders = 10_000_000
    /// Daily orders of a commercial area.
    public static let dailyOrders = 1_000_000_000
    /// New-economy workers of a district.
    public static let workers = 100_000_000
    /// A service radius, search distance or grid spacing in metres (1,000 km).
    public static let distanceM = 1_000_000.0
    /// Minutes a rider stays at a rest station on one visit (`stay_min`, `--stay-min`): a day.
    public static let stayMin = 1_440.0
    /// Rest-station visits a rider makes in an hour (`visits_per_hour`, `--visits-per-hour`): one
    /// a minute.
    public static let visitsPerHour = 60.0
    /// Riders of demand one seat may hold, 60 / (`stay_min` × `visits_per_hour`): 60, a rider
    /// resting one minute an hour on average. Each of the two may be small, but not both: a
    /// one-minute stay once every two hours would make a seat hold 120 riders.
    public static let ridersPerSeat = 60.0
    /// Money in yuan: each part of `site_cost` and `--budget` (a trillion yuan). Beyond it the
    /// price of a site could overflow to infinity.
    public static let yuan = 1e12

    /// Why `stayMin` minutes a visit with `visitsPerHour` visits an hour give more riders a seat
    /// than `ridersPerSeat`, or nil when they do not. `stayName` and `visitsName` say where each
    /// value comes from: `"stay_min"` (quoted, the manifest's key) or `--stay-min` (the flag). The
    /// one message for the manifest and the flags: every number as JSON writes it (`120`, `62.5`),
    /// the riders a seat to 0.1.
    public static func ridersPerSeatProblem(stayMin: Double, visitsPerHour: Double, stayName: String, visitsName: String) -> String? {
        let perSeat = 60 / (stayMin * visitsPerHour)
        guard perSeat > ridersPerSeat * (1 + 1e-12) else { return nil }
        let rounded = (perSeat * 10).rounded() / 10
        let gives = rounded.isFinite ? JSONValue.format(number: rounded) : "unboundedly many"
        return "\(stayName) \(JSONValue.format(number: stayMin)) with \(visitsName) \(JSONValue.format(number: visitsPerHour)) gives \(gives) riders a seat (60 / (stay_min × visits_per_hour)), more than the limit of \(JSONValue.format(number: ridersPerSeat)) (riders resting less than a minute an hour): raise one of them"
    }

    /// The limit of a feature property, by its name, or nil for properties without one.
    public static func maximum(of property: String) -> Double? {
        // The cases are tried in order: "weight" first, asked once for every demand point.
        switch property {
        case "weight", "peak_riders": return Double(riders)
        case "seats", "max_seats", "default_seats": return Double(seats)
        case "charging_ports": return Double(chargingPorts)
        case "slots": return Double(slots)
        case "daily_orders": return Double(dailyOrders)
        case "workers": return Double(workers)
        case "radius_m": return distanceM
        default: return nil
        }
    }
}

extension Int {
    /// `value` rounded to the nearest integer, or nil when it is not finite or does not fit in an
    /// `Int` (where `Int(_:)` would trap).
    public init?(checked value: Double) {
        let rounded = value.rounded()
        guard rounded.isFinite, rounded >= -9.223372036854775e18, rounded <= 9.223372036854775e18 else { return nil }
        self = Int(rounded)
    }
}
