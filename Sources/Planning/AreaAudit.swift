import Geo
import Stations

/// The rider-friendly audit of commercial areas: how far each area is from the nearest rest
/// station, parking zone and charging point (0 when inside or touching), whether each is within
/// its threshold, and what is missing; then whether what is within reach is enough for the area's
/// riders (the article's three pillars: rest, meals, parking): rest seats against riders per seat,
/// parking slots against riders per slot, and meal partners (stations offering hot meals that are
/// not rest stations: the meal alliance).
public struct AreaAudit: Sendable {
    /// How near is near enough and how many riders are too many, for the audit.
    public struct Thresholds: Sendable {
        /// A rest station is within reach within this many metres (unless the audit's rest radius gives
        /// the division's own).
        public var restM: Double
        /// A parking zone is within reach within this many metres.
        public var parkingM: Double
        /// Charging is within reach within this many metres.
        public var chargingM: Double
        /// Meal partners count within this many metres.
        public var mealM: Double
        /// Whether the meal distance is the rest distance (no distance of its own was given).
        public var mealFollowsRest: Bool
        /// Rest is short when the area's riders per rest seat within reach exceed this.
        public var maxRidersPerSeat: Double
        /// Parking is short when the area's riders per parking slot within reach exceed this.
        public var maxRidersPerSlot: Double
        /// Meals are short with fewer meal partners within reach.
        public var minMealPartners: Int

        /// Thresholds with the given distances in metres; the meal distance follows the rest distance
        /// when not given; at most 6 riders a rest seat, 3 riders a parking slot and at least 1 meal
        /// partner unless given.
        public init(restM: Double, parkingM: Double, chargingM: Double, mealM: Double? = nil, maxRidersPerSeat: Double = 6,
                    maxRidersPerSlot: Double = 3, minMealPartners: Int = 1) {
            self.restM = restM
            self.parkingM = parkingM
            self.chargingM = chargingM
            self.mealM = mealM ?? restM
            self.mealFollowsRest = mealM == nil
            self.maxRidersPerSeat = maxRidersPerSeat
            self.maxRidersPerSlot = maxRidersPerSlot
            self.minMealPartners = minMealPartners
        }
    }

    /// Enough of an item for the area's riders: `ok`, `short` (some, too little), `none` (nothing
    /// within reach).
    public enum Verdict: String, Sendable {
        /// Enough (`ok`), some but too little (`short`), nothing within reach (`none`).
        case ok, short, none
    }

    /// The nearest item of one kind (rest station, parking zone or charging) to an area.
    public struct Nearest: Sendable {
        /// The item's id (the smallest id among equally near ones).
        public var id: String
        /// The item's name, nil when it has none.
        public var name: String?
        /// Distance in metres in the metric CRS from the area to the item; 0 when inside or touching.
        public var distanceM: Double
        /// Whether the distance is within the threshold for that kind.
        public var withinReach: Bool
    }

    /// The audit of one commercial area.
    public struct Row: Sendable {
        /// The area's id.
        public var id: String
        /// The area's name.
        public var name: String
        /// Whether the area is labelled rider-friendly.
        public var riderFriendly: Bool
        /// The division holding the area's inside point (a county-level one before a zone, then the
        /// smallest id); nil when none does.
        public var district: String?
        /// The nearest rest station open at the audited time; nil when there is none.
        public var rest: Nearest?
        /// The nearest parking zone; nil when the dataset has none.
        public var parking: Nearest?
        /// The nearest charging (a station offering it or a parking zone with charging); nil when there
        /// is none.
        public var charging: Nearest?
        /// "rest station", "parking", "charging", in that order.
        public var missing: [String]
        /// The area's riders at the audited time (peak_riders × the hour's demand factor), if known.
        public var riders: Double?
        /// Seats of the rest stations within `restM`.
        public var restSeats: Int
        /// riders / restSeats (nil without riders or seats).
        public var ridersPerRestSeat: Double?
        /// Slots of the parking zones within `parkingM` (zones without `slots` add none).
        public var parkingSlots: Int
        /// riders / parkingSlots (nil without riders or slots).
        public var ridersPerParkingSlot: Double?
        /// Stations offering hot meals that are not rest stations, within `mealM`.
        public var mealPartners: Int
        /// Whether the rest seats within reach are enough for the riders.
        public var restVerdict: Verdict
        /// Whether the parking slots within reach are enough for the riders.
        public var parkingVerdict: Verdict
        /// Whether there are enough meal partners within reach.
        public var mealVerdict: Verdict
        /// Items not enough for the riders (verdict short or none): "rest seats", "parking slots",
        /// "meal partners", in that order.
        public var short: [String]
    }

    /// The thresholds the audit used.
    public var thresholds: Thresholds
    /// One row per commercial area, in id order.
    public var rows: [Row]

    /// Charging comes from stations that offer it (charging points, stations with charging or
    /// battery-swap services or ports) and from parking zones with charging. With a `time`, only
    /// the stations open then count and the riders are the area's peak riders scaled to that hour.
    /// Areas are in id order.
    ///
    /// - Parameter restRadius: when given, an area's rest (and meal-partner) distance is the service
    ///   radius of the divisions holding its inside point instead of `thresholds.restM` / `mealM`.
    public init(_ dataset: Dataset, thresholds: Thresholds, time: PlanningTime? = nil, restRadius: ServiceRadius? = nil) throws {
        self.thresholds = thresholds
        let lookup = try DistrictLookup(dataset.districts)
        let open = dataset.stations.filter { time?.isOpen($0) ?? true }
        let restStations = open.filter(\.offersRest)
        let rest = restStations.map { (id: $0.id, name: Optional($0.name), geometry: Geometry.point($0.projected)) }
        let restSeats = restStations.map { dataset.seats(of: $0) }
        let parking = dataset.parkingZones.map { (id: $0.id, name: $0.name, geometry: $0.projected) }
        let charging = open.filter(\.offersCharging).map { (id: $0.id, name: Optional($0.name), geometry: Geometry.point($0.projected)) }
            + dataset.parkingZones.filter(\.charging).map { (id: $0.id, name: $0.name, geometry: $0.projected) }
        let meals = open.filter { $0.offers(.hotMeal) && !$0.offersRest }.map { Geometry.point($0.projected) }
        let factor = time?.demandFactor ?? 1

        func nearest(_ area: Geometry, _ items: [(id: String, name: String?, geometry: Geometry)], limit: Double) throws -> Nearest? {
            var best: Nearest?
            for item in items {
                let d = try area.distance(to: item.geometry)
                if best == nil || d < best!.distanceM || (d == best!.distanceM && item.id < best!.id) {
                    best = Nearest(id: item.id, name: item.name, distanceM: d, withinReach: d <= limit)
                }
            }
            return best
        }

        rows = try dataset.commercialAreas.sorted { $0.id < $1.id }.map { area in
            var district: String?
            var divisions: [Int] = []
            if case let .point(inside) = try area.projected.pointOnSurface() {
                divisions = try lookup.divisions(containing: inside)
                // The county-level division before a zone, then by id, whatever the file order.
                district = divisions.map { dataset.districts[$0] }.min { ($0.kind == .zone ? 1 : 0, $0.id) < ($1.kind == .zone ? 1 : 0, $1.id) }?.id
            }
            let restM = restRadius?.radius(divisions: divisions) ?? thresholds.restM
            let mealM = thresholds.mealFollowsRest ? restM : thresholds.mealM
            let r = try nearest(area.projected, rest, limit: restM)
            let p = try nearest(area.projected, parking, limit: thresholds.parkingM)
            let c = try nearest(area.projected, charging, limit: thresholds.chargingM)
            var missing: [String] = []
            if r?.withinReach != true { missing.append("rest station") }
            if p?.withinReach != true { missing.append("parking") }
            if c?.withinReach != true { missing.append("charging") }
            // Adequacy: what is within reach against the area's riders.
            var seats = 0
            for (k, item) in rest.enumerated() where try area.projected.distance(to: item.geometry) <= restM { seats += restSeats[k] }
            var slots = 0
            for (k, item) in parking.enumerated() where try area.projected.distance(to: item.geometry) <= thresholds.parkingM { slots += dataset.parkingZones[k].slots ?? 0 }
            var partners = 0
            for g in meals where try area.projected.distance(to: g) <= mealM { partners += 1 }
            let riders = area.peakRiders.map { $0 * factor }
            func ratio(_ n: Int) -> Double? { riders.flatMap { n > 0 ? $0 / Double(n) : nil } }
            func verdict(_ n: Int, _ ratio: Double?, _ limit: Double) -> Verdict { n == 0 ? .none : (ratio ?? 0) > limit + 1e-9 ? .short : .ok }
            let restVerdict = verdict(seats, ratio(seats), thresholds.maxRidersPerSeat)
            let parkingVerdict = verdict(slots, ratio(slots), thresholds.maxRidersPerSlot)
            let mealVerdict: Verdict = partners == 0 ? (thresholds.minMealPartners > 0 ? .none : .ok) : partners < thresholds.minMealPartners ? .short : .ok
            var short: [String] = []
            if restVerdict != .ok { short.append("rest seats") }
            if parkingVerdict != .ok { short.append("parking slots") }
            if mealVerdict != .ok { short.append("meal partners") }
            return Row(id: area.id, name: area.name, riderFriendly: area.riderFriendly, district: district, rest: r, parking: p, charging: c, missing: missing,
                       riders: riders, restSeats: seats, ridersPerRestSeat: ratio(seats), parkingSlots: slots, ridersPerParkingSlot: ratio(slots),
                       mealPartners: partners, restVerdict: restVerdict, parkingVerdict: parkingVerdict, mealVerdict: mealVerdict, short: short)
        }
    }
}
