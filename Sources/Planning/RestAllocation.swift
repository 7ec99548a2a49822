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
        var offsets: [Int]
        var columns: [Int32]
        var distances: [Double]
        if radius.isUniform {
            // Every neighbour within the radius is an edge: the rows are the graph's as they come
            // (tens of millions of edges on a country, written once into place).
            let rows = index.withinRows(radius: radius.maximumM, of: demand.points)
            offsets = rows.offsets
            columns = rows.indices
            distances = rows.distances
        } else {
            var batch = NeighborBatch()
            index.within(radius: radius.maximumM, of: demand.points, into: &batch)
            offsets = [0]
            offsets.reserveCapacity(demand.units.count + 1)
            columns = []
            distances = []
            // At most every neighbour found: one allocation each instead of a doubling one.
            columns.reserveCapacity(batch.indices.count)
            distances.reserveCapacity(batch.indices.count)
            for (u, unit) in demand.units.enumerated() {
                let r = radius.radius(of: unit)
                for k in batch.range(ofQuery: u) where batch.squaredDistances[k] <= r * r {
                    columns.append(Int32(batch.indices[k]))
                    distances.append(batch.squaredDistances[k].squareRoot())
                }
                offsets.append(columns.count)
            }
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

/// Riders allocated to rest stations: per demand row, per station, and the rider-metres in all.
struct RiderAllocation {
    var demandServed: [Double]
    var stationLoad: [Double]
    var cost: Double
}

/// The allocation of riders to rest stations within reach: of all allocations that serve the most
/// riders, the one where riders travel least in total (`distances`, per edge of `reach`: a
/// minimum-cost maximum flow), remaining ties by station id (the column order, which `RestReach`
/// makes the id order). This is the one place the solver is chosen.
///
/// Demand and stations that no chain of reach links are independent: the graph is split into its
/// connected parts (a union-find over the stations), each part is solved on its own, the parts on
/// all the cores, and the answers are put back together. Both the most riders served and the least
/// rider-metres are sums over the parts, so this is the same optimum as one flow over everything;
/// a country of thousands of separate towns becomes thousands of small flows instead of one huge one.
func allocateRiders(weights: [Double], capacities: [Double], reach: Reach, distances: [Double]) throws -> RiderAllocation {
    let n = reach.rowCount, m = reach.columnCount
    var sets = LowestRootSets(count: m)
    for i in 0..<n {
        let edges = reach.offsets[i]..<reach.offsets[i + 1]
        guard let first = edges.first else { continue }
        for e in edges.dropFirst() { sets.union(Int(reach.columns[first]), Int(reach.columns[e])) }
    }
    // Parts numbered by their lowest station; each part's stations and rows ascending.
    var partOfRoot = [Int](repeating: -1, count: m)
    var partColumns: [[Int]] = []
    var local = [Int32](repeating: 0, count: m)
    for j in 0..<m {
        let r = sets.root(j)
        if partOfRoot[r] < 0 {
            partOfRoot[r] = partColumns.count
            partColumns.append([])
        }
        local[j] = Int32(partColumns[partOfRoot[r]].count)
        partColumns[partOfRoot[r]].append(j)
    }
    if partColumns.count <= 1 {
        let a = try minimumCostAllocation(weights: weights, capacities: capacities, reach: reach, costs: distances, stationRank: Array(0..<m))
        return RiderAllocation(demandServed: a.demandServed, stationLoad: a.stationLoad, cost: a.cost)
    }
    // Each part's rows (ascending), edges and weights, laid out part after part in flat arrays by
    // a counting sort: one pass reading the rows in order and writing each to its part's next
    // place, rather than each part reading its rows scattered over the whole graph.
    let partCount = partColumns.count
    var partOfRow = [Int32](repeating: -1, count: n)
    var rowStart = [Int](repeating: 0, count: partCount + 1)
    var edgeStart = [Int](repeating: 0, count: partCount + 1)
    for i in 0..<n where reach.offsets[i] < reach.offsets[i + 1] {
        let p = partOfRoot[sets.root(Int(reach.columns[reach.offsets[i]]))]
        partOfRow[i] = Int32(p)
        rowStart[p + 1] += 1
        edgeStart[p + 1] += reach.offsets[i + 1] - reach.offsets[i]
    }
    for p in 0..<partCount {
        rowStart[p + 1] += rowStart[p]
        edgeStart[p + 1] += edgeStart[p]
    }
    let rowTotal = rowStart[partCount], edgeTotal = edgeStart[partCount]
    var rowNext = Array(rowStart[..<partCount]), edgeNext = Array(edgeStart[..<partCount])
    var flatRows = [Int](repeating: 0, count: rowTotal)
    var flatRowEnd = [Int](repeating: 0, count: rowTotal)  // in the flat edge arrays
    var flatWeights = [Double](repeating: 0, count: rowTotal)
    var flatColumns = [Int32](repeating: 0, count: edgeTotal)
    var flatCosts = [Double](repeating: 0, count: edgeTotal)
    // Through raw buffers: a million edges, without a bounds or uniqueness check for each.
    flatColumns.withUnsafeMutableBufferPointer { outColumns in
        flatCosts.withUnsafeMutableBufferPointer { outCosts in
            flatRows.withUnsafeMutableBufferPointer { outRows in
                flatRowEnd.withUnsafeMutableBufferPointer { outRowEnd in
                    flatWeights.withUnsafeMutableBufferPointer { outWeights in
                        rowNext.withUnsafeMutableBufferPointer { rowNext in
                            edgeNext.withUnsafeMutableBufferPointer { edgeNext in
                                reach.offsets.withUnsafeBufferPointer { offsets in
                                    reach.columns.withUnsafeBufferPointer { columns in
                                        distances.withUnsafeBufferPointer { costs in
                                            for i in 0..<n where partOfRow[i] >= 0 {
                                                let p = Int(partOfRow[i])
                                                var e = edgeNext[p]
                                                for k in offsets[i]..<offsets[i + 1] {
                                                    outColumns[e] = local[Int(columns[k])]
                                                    outCosts[e] = costs[k]
                                                    e += 1
                                                }
                                                edgeNext[p] = e
                                                let r = rowNext[p]
                                                outRows[r] = i
                                                outRowEnd[r] = e
                                                outWeights[r] = weights[i]
                                                rowNext[p] = r + 1
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let columnsOfPart = partColumns, rowStarts = rowStart, edgeStarts = edgeStart
    let rowEnds = flatRowEnd, partWeights = flatWeights, partEdgeColumns = flatColumns, partEdgeCosts = flatCosts
    let solved = try parallelMap(columnsOfPart.count) { p -> Allocation in
        let columns = columnsOfPart[p]
        let rows = rowStarts[p]..<rowStarts[p + 1], edges = edgeStarts[p]..<edgeStarts[p + 1]
        var offsets = [0]
        offsets.reserveCapacity(rows.count + 1)
        for r in rows { offsets.append(rowEnds[r] - edges.lowerBound) }
        let sub = try Reach(rowCount: rows.count, columnCount: columns.count, offsets: offsets, columns: Array(partEdgeColumns[edges]))
        return try minimumCostAllocation(weights: Array(partWeights[rows]), capacities: columns.map { capacities[$0] }, reach: sub,
                                         costs: Array(partEdgeCosts[edges]), stationRank: Array(0..<columns.count))
    }
    var out = RiderAllocation(demandServed: Array(repeating: 0, count: n), stationLoad: Array(repeating: 0, count: m), cost: 0)
    for (p, a) in solved.enumerated() {
        for (k, r) in (rowStart[p]..<rowStart[p + 1]).enumerated() { out.demandServed[flatRows[r]] = a.demandServed[k] }
        for (k, j) in columnsOfPart[p].enumerated() { out.stationLoad[j] = a.stationLoad[k] }
        out.cost += a.cost
    }
    return out
}
