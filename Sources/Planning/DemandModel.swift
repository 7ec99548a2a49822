import Geo
import Optimization
import Stations

/// Where riders need a station: the dataset's demand points, plus each commercial area's
/// `peak_riders` spread evenly over the centres of a square grid (`areaCellM`) that fall inside
/// it (an area too small for any centre gets one point on its surface). Each unit of demand is
/// assigned to every division (district, county, zone) that contains it; demand in none is kept
/// and reported, never dropped. Units are in id order.
public struct DemandModel: Sendable {
    /// One unit of demand: a demand point, or one grid cell's share of a commercial area's riders.
    public struct Unit: Sendable {
        /// Where a unit comes from.
        public enum Origin: Sendable, Hashable {
            /// A demand point: its index into dataset.demand.
            case point(Int)  // index into dataset.demand
            /// A commercial area: its index into dataset.commercialAreas.
            case area(Int)  // index into dataset.commercialAreas
        }

        /// The demand point's id, or the area's id with "#" and the cell's 1-based number ("A1#3").
        public var id: String
        /// Riders: the point's weight, or the area's peak riders divided among its cells.
        public var weight: Double
        /// Metric CRS.
        public var projected: Coordinate
        /// The demand point or commercial area the unit comes from.
        public var origin: Origin
        /// Indices into dataset.districts of the divisions containing it (ascending).
        public var divisions: [Int]
    }

    /// Every unit of demand, in id order (a demand point before an area cell of the same id).
    public var units: [Unit]
    /// The side in metres of the grid spreading the commercial areas' riders (100 by default).
    public var areaCellM: Double

    /// The sum of all units' weights, in riders.
    public var totalWeight: Double { units.reduce(0) { $0 + $1.weight } }

    /// - Throws: `OptimizationError.limitExceeded` when the areas' grid would have more than
    ///   `maximumGridCells` cells, before any is made.
    public init(_ dataset: Dataset, areaCellM: Double = 100) throws {
        precondition(areaCellM > 0)
        self.areaCellM = areaCellM
        var cellCount = 0.0
        for area in dataset.commercialAreas {
            guard let riders = area.peakRiders, riders > 0, let env = area.projected.envelope else { continue }
            cellCount += gridCells(minX: env.minX, minY: env.minY, maxX: env.maxX, maxY: env.maxY, cell: areaCellM)
        }
        if cellCount > Double(maximumGridCells) {
            throw OptimizationError.limitExceeded(
                "the commercial areas span \(Int(min(cellCount, 9e18))) demand cells of \(JSONValue.format(number: areaCellM)) m (--area-cell-m), more than the limit of \(maximumGridCells) cells; give a larger --area-cell-m")
        }
        let lookup = try DistrictLookup(dataset.districts)
        // The areas' cells first, so that the units' array is made once at its full size: grown
        // by the first cell after ten million points, it was copied whole (0.7 GB, seconds).
        var areaCells: [(area: Int, riders: Double, cells: [Coordinate])] = []
        for (i, area) in dataset.commercialAreas.enumerated() {
            guard let riders = area.peakRiders, riders > 0 else { continue }
            areaCells.append((i, riders, try DemandModel.cellCentres(in: area.projected, cell: areaCellM)))
        }
        var units: [Unit] = []
        units.reserveCapacity(dataset.demand.count + areaCells.reduce(0) { $0 + $1.cells.count })
        // Each point's fields read in place (not a copy of each point with its properties). Units
        // in the same divisions share one list of them: a dataset has a few dozen different lists,
        // not one per demand point (200,000 small arrays).
        var lists = DivisionLists(count: dataset.districts.count)
        var found: [Int] = []
        try dataset.demand.withUnsafeBufferPointer { points in
            for i in points.indices {
                try lookup.divisions(containing: points[i].projected, into: &found)
                units.append(Unit(id: points[i].id, weight: points[i].weight, projected: points[i].projected, origin: .point(i),
                                  divisions: lists.shared(found)))
            }
        }
        for (i, riders, cells) in areaCells {
            let area = dataset.commercialAreas[i]
            let share = riders / Double(cells.count)
            for (k, c) in cells.enumerated() {
                units.append(Unit(id: "\(area.id)#\(k + 1)", weight: share, projected: c, origin: .area(i), divisions: try lookup.divisions(containing: c)))
            }
        }
        // Units in id order (a demand point before an area cell of the same id), so that every sum
        // and graph built on them is the same whatever the order of features in the files.
        units.sort { a, b in
            if a.id != b.id { return a.id < b.id }
            switch (a.origin, b.origin) {
            case let (.point(x), .point(y)), let (.area(x), .area(y)): return x < y
            case (.point, .area): return true
            case (.area, .point): return false
            }
        }
        self.units = units
    }

    /// Centres of the grid cells (aligned to multiples of `cell`) inside a polygon, in row order;
    /// at least one point.
    static func cellCentres(in polygon: Geometry, cell: Double) throws -> [Coordinate] {
        guard let env = polygon.envelope else { return [] }
        let prepared = try PreparedGeometry(polygon)
        var out: [Coordinate] = []
        var y = (env.minY / cell).rounded(.down) * cell + cell / 2
        while y <= env.maxY {
            var x = (env.minX / cell).rounded(.down) * cell + cell / 2
            while x <= env.maxX {
                let c = Coordinate(x: x, y: y)
                if try prepared.covers(c) { out.append(c) }
                x += cell
            }
            y += cell
        }
        if out.isEmpty, case let .point(c) = try polygon.pointOnSurface() { out.append(c) }
        return out
    }
}

/// Lists of division indices handed out shared: an equal list given again comes back as the one
/// kept the first time (the same storage), so that equal lists take memory once.
struct DivisionLists {
    /// The lists kept, by their first division.
    private var byFirst: [[[Int]]]

    init(count: Int) {
        byFirst = Array(repeating: [], count: count)
    }

    /// The kept list equal to `list`, or a copy of `list`, kept from now on.
    mutating func shared(_ list: [Int]) -> [Int] {
        guard let first = list.first else { return [] }
        guard byFirst.indices.contains(first) else { return Array(list) }
        if let kept = byFirst[first].first(where: { $0 == list }) { return kept }
        let copy = Array(list)
        byFirst[first].append(copy)
        return copy
    }
}

/// The most grid cells one run examines: the commercial areas' demand grid (`--area-cell-m`) in
/// all, and the candidate grid of one district (`--grid-m`). Each cell costs a point-in-polygon
/// test and, when kept, about 100 bytes; past this the run is refused before anything is allocated.
public let maximumGridCells = 5_000_000

/// The cells of a `cell`-metre grid aligned to multiples of `cell` that the box spans, saturating
/// instead of overflowing (so a huge count is still "more than the limit").
func gridCells(minX: Double, minY: Double, maxX: Double, maxY: Double, cell: Double) -> Double {
    let columns = ((maxX / cell).rounded(.down) - (minX / cell).rounded(.down) + 1)
    let rows = ((maxY / cell).rounded(.down) - (minY / cell).rounded(.down) + 1)
    return max(columns, 0) * max(rows, 0)
}
