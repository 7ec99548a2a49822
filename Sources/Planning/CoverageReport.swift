import Geo
import Optimization
import Stations

/// Coverage, capacity and overload per division and in total (SPEC: `coverage`).
///
/// - covered: demand with a rest-offering station within the radius (in any district: riders
///   ignore borders).
/// - served: the most demand that fits into the seats of the stations within reach, an exact
///   maximum flow over the sparse demand–station graph (`maximumAssignment`), not a greedy guess.
/// - overloaded: a station whose demand that has it as the nearest station within reach exceeds
///   its seats.
/// Per-division figures count the division's own demand, whichever station covers it; a
/// division's seats and stations are those located inside it.
public struct CoverageReport: Sendable {
    public struct Row: Sendable {
        public var id: String
        public var name: String
        public var kind: String
        public var demand = 0.0
        public var covered = 0.0
        public var served = 0.0
        public var seats = 0
        public var stations = 0
        /// Demand served by this division's stations (from anywhere).
        public var load = 0.0
        public var overloaded: [String] = []

        public var coveredPct: Double { demand > 0 ? 100 * covered / demand : 0 }
        public var servedPct: Double { demand > 0 ? 100 * served / demand : 0 }
        /// Share of the division's seats in use at peak.
        public var utilisationPct: Double { seats > 0 ? 100 * load / Double(seats) : 0 }
    }

    public struct StationUse: Sendable {
        public var station: Int
        public var seats: Int
        /// Demand that has this station as its nearest within reach.
        public var nearestDemand: Double
        /// Demand assigned to it by the maximum flow.
        public var load: Double
        public var isOverloaded: Bool { nearestDemand > Double(seats) + 1e-9 }
    }

    public var radiusM: Double
    public var rows: [Row]
    public var total: Row
    /// Demand in no division (reported, not dropped).
    public var outside: Row
    /// Per rest-offering station (indices into dataset.stations).
    public var stationUse: [StationUse]
    /// Per demand unit: covered by a station within reach, and the amount served.
    public var unitCovered: [Bool]
    public var unitServed: [Double]

    /// - Parameter kinds: the station kinds that count as offering rest (default: SPEC's rule).
    public init(dataset: Dataset, demand: DemandModel, radiusM: Double, kinds: [StationKind]? = nil) throws {
        self.radiusM = radiusM
        let restIndices = dataset.stations.indices.filter { i in
            kinds.map { $0.contains(dataset.stations[i].kind) } ?? dataset.stations[i].offersRest
        }
        let seats = restIndices.map { dataset.seats(of: dataset.stations[$0]) }
        let index = try PointIndex(restIndices.map { dataset.stations[$0].projected })
        var batch = NeighborBatch()
        index.within(radius: radiusM, of: demand.units.map(\.projected), into: &batch)

        // The neighbour lists, nearest first, are the rows of the reach graph.
        let reach = try Reach(rowCount: demand.units.count, columnCount: restIndices.count, offsets: batch.offsets, columns: batch.indices.map { Int32($0) })
        let weights = demand.units.map(\.weight)
        let assignment = try maximumAssignment(weights: weights, capacities: seats.map(Double.init), reach: reach)

        var nearestDemand = [Double](repeating: 0, count: restIndices.count)
        var covered = [Bool](repeating: false, count: demand.units.count)
        for u in demand.units.indices {
            let r = batch.range(ofQuery: u)
            guard let first = r.first else { continue }
            covered[u] = true
            nearestDemand[batch.indices[first]] += weights[u]
        }
        unitCovered = covered
        unitServed = assignment.demandServed
        stationUse = restIndices.indices.map { j in
            StationUse(station: restIndices[j], seats: seats[j], nearestDemand: nearestDemand[j], load: assignment.stationLoad[j])
        }

        let lookup = try DistrictLookup(dataset.districts)
        var rows = dataset.districts.map { Row(id: $0.id, name: $0.name, kind: $0.kind.rawValue) }
        var total = Row(id: "", name: "total", kind: "")
        var outside = Row(id: "", name: "(outside every division)", kind: "")
        for (u, unit) in demand.units.enumerated() {
            let w = unit.weight
            let c = covered[u] ? w : 0
            let s = assignment.demandServed[u]
            func add(_ r: inout Row) {
                r.demand += w
                r.covered += c
                r.served += s
            }
            add(&total)
            if unit.divisions.isEmpty { add(&outside) }
            for d in unit.divisions { add(&rows[d]) }
        }
        for use in stationUse {
            let station = dataset.stations[use.station]
            func add(_ r: inout Row) {
                r.seats += use.seats
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
}
