import Geo
import Optimization
import Stations

/// Coverage, capacity and load per division and in total (what `nuanxin coverage` reports), at a
/// moment (`PlanningTime`: riders per seat, open stations, demand of the hour).
///
/// - covered: demand with a counted rest station within its service radius (in any district:
///   riders ignore borders).
/// - served: the most demand that fits into the stations within reach, each holding seats × riders
///   per seat; of the allocations that serve that much, the one where riders travel least in total
///   (`allocateRiders`: a minimum-cost maximum flow), remaining ties by station id.
/// - catchment of a station: the demand that has it as the nearest counted station within reach
///   (ties by id); pressure = catchment / capacity; a station is overloaded when pressure > 1.
/// Per-division figures count the division's own demand, whichever station covers it; a
/// division's seats and stations are those located inside it.
public struct CoverageReport: Sendable {
    /// The figures of one division, of all demand (the total) or of demand outside every division.
    public struct Row: Sendable {
        /// The division's id; empty for the total and the outside row.
        public var id: String
        /// The division's name; "total" or "(outside every division)" for the other rows.
        public var name: String
        /// The division's kind ("district", "county", "zone"); empty for the total and the outside row.
        public var kind: String
        /// The division's own service radius (its radius_m, else the default); nil for the total.
        public var radiusM: Double?
        /// Demand in riders at the report's time.
        public var demand = 0.0
        /// Demand in riders with a counted rest station within its service radius.
        public var covered = 0.0
        /// Demand in riders the allocation serves.
        public var served = 0.0
        /// Seats of the counted rest stations located in the division.
        public var seats = 0
        /// Riders the division's stations hold (seats × riders per seat).
        public var capacity = 0.0
        /// Counted rest stations located in the division.
        public var stations = 0
        /// Demand served by this division's stations (from anywhere).
        public var load = 0.0
        /// Ids of the division's stations with pressure above 1, by id.
        public var overloaded: [String] = []

        /// covered / demand as a percentage (0–100); 0 without demand.
        public var coveredPct: Double { demand > 0 ? 100 * covered / demand : 0 }
        /// served / demand as a percentage (0–100); 0 without demand.
        public var servedPct: Double { demand > 0 ? 100 * served / demand : 0 }
        /// Share of the division's capacity in use.
        public var utilisationPct: Double { capacity > 0 ? 100 * load / capacity : 0 }
    }

    /// The use of one counted rest station.
    public struct StationUse: Sendable {
        /// Index into dataset.stations.
        public var station: Int
        /// The station's seats, with the manifest default for a station that does not say.
        public var seats: Int
        /// Riders the station holds: seats × riders per seat.
        public var capacity: Double
        /// Demand that has this station as its nearest counted station within reach (catchment).
        public var nearestDemand: Double
        /// Riders the allocation gives it.
        public var load: Double
        /// catchment / capacity; nil when the station has no capacity (then it is overloaded
        /// exactly when its catchment is not zero).
        public var pressure: Double? { capacity > 0 ? nearestDemand / capacity : nil }
        /// load / capacity as a percentage (0–100: the allocation never exceeds a capacity); 0 without
        /// capacity.
        public var utilisationPct: Double { capacity > 0 ? 100 * load / capacity : 0 }
        /// Whether the catchment exceeds the capacity (pressure above 1); without capacity, whether it has
        /// any catchment.
        public var isOverloaded: Bool { pressure.map { $0 > 1 + 1e-9 } ?? (nearestDemand > 1e-9) }
    }

    /// The default service radius (the manifest's, or `--radius`).
    public var radiusM: Double
    /// The service radius of each division's demand.
    public var radius: ServiceRadius
    /// The moment of the report: riders per seat, the stations open, the demand factor.
    public var time: PlanningTime
    /// One row per division, in the dataset's order.
    public var rows: [Row]
    /// All demand and all counted stations.
    public var total: Row
    /// Demand in no division (reported, not dropped).
    public var outside: Row
    /// Per counted rest station, in id order.
    public var stationUse: [StationUse]
    /// Per demand unit: covered by a station within reach, and the amount served.
    public var unitCovered: [Bool]
    /// Per demand unit: the riders the allocation serves.
    public var unitServed: [Double]
    /// Total straight-line distance riders travel to their stations under the allocation (rider ×
    /// metres): the least of all allocations that serve `total.served`.
    public var riderMetres: Double
    /// Whether riders were allocated to seats. Without the allocation (`allocate: false`), every
    /// served and load figure (`served`, `load`, `unitServed`, `stationUse[].load`, `riderMetres`)
    /// is 0; demand, coverage, seats, capacity, catchment and pressure are computed all the same.
    public var allocated: Bool
    /// With `keepReachParts`: the connected parts of the graph the coverage was computed on (its
    /// stations, the rest stations counted, in id order), for a capacitated plan, which would
    /// otherwise find the same graph again.
    var reachParts: ReachParts?

    /// At the peak of the manifest (its riders per seat), one radius for all demand.
    /// - Parameter kinds: the station kinds that count as offering rest (default: stations that offer rest).
    public init(dataset: Dataset, demand: DemandModel, radiusM: Double, kinds: [StationKind]? = nil) throws {
        try self.init(dataset: dataset, demand: demand, radius: ServiceRadius(uniform: radiusM), time: PlanningTime(manifest: dataset.manifest), kinds: kinds)
    }

    /// - Parameters:
    ///   - demand: the demand at `time` (see `DemandModel.scaled(by:)`).
    ///   - kinds: the station kinds that count as offering rest (default: stations that offer rest).
    ///   - allocate: allocate riders to seats (the minimum-cost maximum flow, by far the largest
    ///     part of the work on a large dataset); false for callers that need coverage only, such
    ///     as the gaps (see `allocated`).
    ///   - keepReachParts: keep the connected parts of the graph (`reachParts`), for a plan.
    public init(dataset: Dataset, demand: DemandModel, radius: ServiceRadius, time: PlanningTime, kinds: [StationKind]? = nil,
                allocate: Bool = true, keepReachParts: Bool = false) throws {
        self.radiusM = radius.defaultM
        self.radius = radius
        self.time = time
        self.allocated = allocate
        let graph = try RestReach(dataset: dataset, demand: demand, radius: radius, time: time, kinds: kinds)
        reachParts = keepReachParts ? ReachParts(graph) : nil
        let weights = demand.units.map(\.weight)
        let assignment = try allocate ? allocateRiders(weights: weights, capacities: graph.capacities, reach: graph.reach, distances: graph.distances) : nil
        let demandServed = assignment?.demandServed ?? Array(repeating: 0, count: weights.count)
        let stationLoad = assignment?.stationLoad ?? Array(repeating: 0, count: graph.stations.count)

        var nearestDemand = [Double](repeating: 0, count: graph.stations.count)
        var covered = [Bool](repeating: false, count: demand.units.count)
        for u in demand.units.indices {
            guard let first = graph.nearest(ofRow: u) else { continue }
            covered[u] = true
            nearestDemand[first] += weights[u]
        }
        unitCovered = covered
        unitServed = demandServed
        riderMetres = assignment?.cost ?? 0
        stationUse = graph.stations.indices.map { j in
            StationUse(station: graph.stations[j], seats: dataset.seats(of: dataset.stations[graph.stations[j]]), capacity: graph.capacities[j],
                       nearestDemand: nearestDemand[j], load: stationLoad[j])
        }

        let lookup = try DistrictLookup(dataset.districts)
        var rows = dataset.districts.indices.map { d in
            Row(id: dataset.districts[d].id, name: dataset.districts[d].name, kind: dataset.districts[d].kind.rawValue, radiusM: radius.radius(divisions: [d]))
        }
        var total = Row(id: "", name: "total", kind: "")
        var outside = Row(id: "", name: "(outside every division)", kind: "")
        // Each unit read in place (not copied with its divisions).
        demand.units.withUnsafeBufferPointer { units in
            for u in units.indices {
                let w = units[u].weight
                let c = covered[u] ? w : 0
                let s = demandServed[u]
                func add(_ r: inout Row) {
                    r.demand += w
                    r.covered += c
                    r.served += s
                }
                add(&total)
                if units[u].divisions.isEmpty { add(&outside) }
                for d in units[u].divisions { add(&rows[d]) }
            }
        }
        for use in stationUse {
            let station = dataset.stations[use.station]
            func add(_ r: inout Row) {
                r.seats += use.seats
                r.capacity += use.capacity
                r.stations += 1
                r.load += use.load
                if use.isOverloaded { r.overloaded.append(station.id) }
            }
            add(&total)
            for d in try lookup.divisions(containing: station.projected) { add(&rows[d]) }
        }
        self.rows = rows
        self.total = total
        self.outside = outside
    }

    /// The stations by pressure, highest first (a station without capacity but with catchment
    /// first of all), ties by id: the order of `nuanxin load`.
    public func stationsByPressure(_ dataset: Dataset) -> [StationUse] {
        stationUse.sorted { a, b in
            let pa = a.pressure ?? (a.nearestDemand > 0 ? .infinity : 0)
            let pb = b.pressure ?? (b.nearestDemand > 0 ? .infinity : 0)
            if pa != pb { return pa > pb }
            return dataset.stations[a.station].id < dataset.stations[b.station].id
        }
    }

    /// One row an hour: coverage of all demand (or of one division) at hh:00 with the demand
    /// profile's factor for the hour and the stations open then.
    public struct Hour: Sendable {
        /// The hour, 0–23.
        public var hour: Int
        /// The demand profile's factor for the hour (the peak hour 1).
        public var demandFactor: Double
        /// The figures of the total, or of the division asked for, at hh:00.
        public var row: Row
        /// Counted rest stations open at hh:00 (all of them, wherever they are).
        public var openStations: Int
    }

    /// Coverage at every hour 0–23 for the total, or for division `division` (index into
    /// dataset.districts). `peakDemand` is the demand at the peak (unscaled).
    public static func byHour(dataset: Dataset, peakDemand: DemandModel, radius: ServiceRadius, ridersPerSeat: Double,
                              kinds: [StationKind]? = nil, division: Int? = nil) throws -> [Hour] {
        var hours: [Hour] = []
        for h in 0..<24 {
            let at = TimeOfDay(minutes: h * 60)!
            var time = PlanningTime(manifest: dataset.manifest, at: at)
            time.ridersPerSeat = ridersPerSeat
            let report = try CoverageReport(dataset: dataset, demand: peakDemand.scaled(by: time.demandFactor), radius: radius, time: time, kinds: kinds)
            hours.append(Hour(hour: h, demandFactor: time.demandFactor, row: division.map { report.rows[$0] } ?? report.total, openStations: report.stationUse.count))
        }
        return hours
    }
}
