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
    /// Setting it, or one of its units, remakes `points`: change many units on a copy and set
    /// the whole array once.
    public var units: [Unit] {
        didSet { points = units.map(\.projected) }
    }
    /// Each unit's `projected`, in the units' order: what the spatial indexes and batches over the
    /// units are built from (made once instead of by each of them).
    public private(set) var points: [Coordinate]
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
        // The areas' cells first (few), in id order; then every unit is written once, straight
        // into its place in id order, by the cores: no sort of ten million units (and no second
        // array of them to merge into) when the demand points are in id order already, as a
        // generated layer's usually are.
        var areaUnits: [Unit] = []
        if dataset.commercialAreas.contains(where: { ($0.peakRiders ?? 0) > 0 }) {
            let lookup = try DistrictLookup(dataset.districts)
            for (i, area) in dataset.commercialAreas.enumerated() {
                guard let riders = area.peakRiders, riders > 0 else { continue }
                let cells = try DemandModel.cellCentres(in: area.projected, cell: areaCellM)
                let share = riders / Double(cells.count)
                for (k, c) in cells.enumerated() {
                    areaUnits.append(Unit(id: "\(area.id)#\(k + 1)", weight: share, projected: c, origin: .area(i), divisions: try lookup.divisions(containing: c)))
                }
            }
            areaUnits.sort { a, b in a.id != b.id ? a.id < b.id : a.origin.index < b.origin.index }
        }
        let demand = dataset.demand
        // The demand points in id order (a point before another of the same id when it comes
        // first): nil when they are already.
        let order: [Int]? = demand.withUnsafeBufferPointer { points in
            guard points.indices.dropFirst().contains(where: { points[$0].id < points[$0 - 1].id }) else { return nil }
            return points.indices.sorted { a, b in points[a].id != points[b].id ? points[a].id < points[b].id : a < b }
        }
        // Where each area cell goes: before the first point (in id order) whose id is greater than
        // the cell's (a point goes before a cell of the same id).
        let slots: [Int] = demand.withUnsafeBufferPointer { points in
            areaUnits.map { cell in
                var low = 0, high = points.count
                while low < high {
                    let mid = (low + high) / 2
                    if points[order?[mid] ?? mid].id <= cell.id { low = mid + 1 } else { high = mid }
                }
                return low
            }
        }
        // One part per core over the points; each part writes its points and the cells that go
        // before them (the last part also those after every point).
        let pointCuts = evenCuts(demand.count)
        var c = 0
        let cellCuts = [0] + pointCuts.dropFirst().dropLast().map { cut in
            while c < slots.count, slots[c] < cut { c += 1 }
            return c
        } + [slots.count]
        let areas = areaUnits
        let districts = dataset.districts
        let units: [Unit] = try parallelArray(cuts: zip(pointCuts, cellCuts).map { $0 + $1 }) { part, writer in
            // A lookup per part: a lookup is for one thread at a time.
            let lookup = try DistrictLookup(districts)
            // Units in the same divisions share one list of them: a dataset has a few dozen
            // different lists, not one per demand point (200,000 small arrays).
            var lists = DivisionLists(count: districts.count)
            var found: [Int] = []
            var cell = cellCuts[part]
            try demand.withUnsafeBufferPointer { points in
                for p in pointCuts[part]..<pointCuts[part + 1] {
                    while cell < cellCuts[part + 1], slots[cell] == p {
                        writer.append(areas[cell])
                        cell += 1
                    }
                    let i = order?[p] ?? p
                    try lookup.divisions(containing: points[i].projected, into: &found)
                    writer.append(Unit(id: points[i].id, weight: points[i].weight, projected: points[i].projected, origin: .point(i),
                                       divisions: lists.shared(found)))
                }
            }
            while cell < cellCuts[part + 1] {
                writer.append(areas[cell])
                cell += 1
            }
        }
        self.units = units
        points = try parallelArray(cuts: evenCuts(units.count)) { part, writer in
            for u in writer.range { writer.append(units[u].projected) }
        }
    }

    /// Units with their points as given (`points[i]` is `units[i].projected`).
    init(units: [Unit], points: [Coordinate], areaCellM: Double) {
        precondition(units.count == points.count)
        self.units = units
        self.points = points
        self.areaCellM = areaCellM
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

extension DemandModel.Unit.Origin {
    /// The index of the demand point or of the commercial area.
    var index: Int {
        switch self {
        case let .point(i), let .area(i): return i
        }
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
