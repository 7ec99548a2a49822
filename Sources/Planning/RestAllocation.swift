import Geo
import Optimization
import Stations

/// The rest stations that count at a moment and the demand each can reach: the graph every
/// capacity figure (served, load, pressure) is built on.
///
/// Stations are in id order, so column `j` is the j-th station by id; each demand row lists the
/// stations within its service radius nearest first, ties by id. Demand rows follow the order of
/// the demand model's units (sorted by id), so the graph, and everything computed on it, does not
/// depend on the order of features in the files.
public struct RestReach: Sendable {
    /// Indices into dataset.stations, by station id.
    public var stations: [Int]
    /// Riders each station holds (seats × riders per seat).
    public var capacities: [Double]
    /// Rows: demand units; columns: `stations`.
    public var reach: Reach
    /// Straight-line metres (metric CRS) of each edge of `reach`.
    public var distances: [Double]

    /// - Parameter kinds: the station kinds that count as offering rest (nil: stations that offer rest).
    public init(dataset: Dataset, demand: DemandModel, radius: ServiceRadius, time: PlanningTime, kinds: [StationKind]? = nil) throws {
        let counted = dataset.stations.indices.filter { i in
            let s = dataset.stations[i]
            return (kinds.map { $0.contains(s.kind) } ?? s.offersRest) && time.isOpen(s)
        }
        stations = counted.sorted { dataset.stations[$0].id < dataset.stations[$1].id }
        capacities = stations.map { time.capacity(seats: dataset.seats(of: dataset.stations[$0])) }
        let index = try PointIndex(stations.map { dataset.stations[$0].projected })
        var batch = NeighborBatch()
        index.within(radius: radius.maximumM, of: demand.units.map(\.projected), into: &batch)
        var offsets = [0]
        offsets.reserveCapacity(demand.units.count + 1)
        var columns: [Int32] = []
        var distances: [Double] = []
        let uniform = radius.isUniform
        for (u, unit) in demand.units.enumerated() {
            let r = uniform ? radius.defaultM : radius.radius(of: unit)
            for k in batch.range(ofQuery: u) where uniform || batch.squaredDistances[k] <= r * r {
                columns.append(Int32(batch.indices[k]))
                distances.append(batch.squaredDistances[k].squareRoot())
            }
            offsets.append(columns.count)
        }
        reach = try Reach(rowCount: demand.units.count, columnCount: stations.count, offsets: offsets, columns: columns)
        self.distances = distances
    }

    /// The nearest counted station of demand row `u` (ties by id), if any is within its radius.
    public func nearest(ofRow u: Int) -> Int? {
        let r = reach.offsets[u]..<reach.offsets[u + 1]
        return r.isEmpty ? nil : Int(reach.columns[r.lowerBound])
    }
}

/// The allocation of riders to rest stations within reach: of all allocations that serve the most
/// riders, the one where riders travel least in total (`distances`, per edge of `reach`: a
/// minimum-cost maximum flow), remaining ties by station id (the column order, which `RestReach`
/// makes the id order). This is the one place the solver is chosen.
func allocateRiders(weights: [Double], capacities: [Double], reach: Reach, distances: [Double]) throws -> Allocation {
    try minimumCostAllocation(weights: weights, capacities: capacities, reach: reach, costs: distances, stationRank: Array(0..<reach.columnCount))
}
