import Geo
import Stations

/// Uncovered demand as polygons per district: the grid cells (`cellM` squares, aligned to the
/// metric CRS) that hold uncovered demand, dissolved, clipped to the district and split into
/// connected parts; parts within `mergeM` of each other are one gap (a MultiPolygon; every gap is
/// written as one, single parts too, so the layer has one geometry type). Gaps are
/// ranked by the uncovered demand inside; those under `minDemand` are left out and at most `top`
/// are kept per district. Each gap has a point inside it (GEOS point-on-surface).
public struct GapReport: Sendable {
    /// One gap: uncovered demand in one district as a MultiPolygon.
    public struct Gap: Sendable {
        /// The district's id.
        public var district: String
        /// The district's name.
        public var districtName: String
        /// 1 = most uncovered demand in its district.
        public var rank: Int
        /// Uncovered demand inside the gap, in riders.
        public var uncoveredDemand: Double
        /// The gap's area in km² (in the metric CRS, after the 1 m simplification).
        public var areaKm2: Double
        /// Parts (connected polygons) merged into this gap.
        public var parts: Int
        /// Metric CRS.
        public var projected: Geometry
        /// WGS84; nil when the report was made without WGS84 outlines (`Options.wgs84Outlines`).
        public var geometry: Geometry?
        /// A point inside the gap, WGS84.
        public var inside: Coordinate
    }

    /// Per district: every gap found, and what was kept.
    public struct DistrictSummary: Sendable {
        /// The district's id.
        public var district: String
        /// The district's name.
        public var districtName: String
        /// Gaps before `minDemand` and `top`.
        public var gaps: Int
        /// Uncovered demand in all its gaps, in riders.
        public var uncoveredDemand: Double
        /// The area of all its gaps in km².
        public var areaKm2: Double
        /// Gaps kept.
        public var shown: Int
        /// Uncovered demand in the gaps kept, in riders.
        public var shownDemand: Double
    }

    /// How the gaps are drawn and which are kept.
    public struct Options: Sendable {
        /// The side of the grid cells in metres (250 by default).
        public var cellM: Double
        /// Parts closer than this (metres) are one gap; nil: the cell size.
        public var mergeM: Double?
        /// Gaps with less uncovered demand (riders) are left out (0 by default: none).
        public var minDemand: Double
        /// At most this many gaps per district (nil: all).
        public var top: Int?
        /// Whether each gap's outline is also projected back to WGS84 (`Gap.geometry`; true by
        /// default). Off, only the point inside each gap is: enough for figures and a point a gap,
        /// and it spares projecting every vertex of every gap (on a country of a million gaps, a
        /// fifth of the gaps' time).
        public var wgs84Outlines: Bool

        /// Options with 250 m cells, parts within one cell size merged, no minimum demand, every gap
        /// kept and WGS84 outlines, unless given.
        public init(cellM: Double = 250, mergeM: Double? = nil, minDemand: Double = 0, top: Int? = nil, wgs84Outlines: Bool = true) {
            self.cellM = cellM
            self.mergeM = mergeM
            self.minDemand = minDemand
            self.top = top
            self.wgs84Outlines = wgs84Outlines
        }
    }

    /// The side of the grid cells in metres.
    public var cellM: Double
    /// The options the report used.
    public var options: Options
    /// The gaps kept, district by district in the order asked for, ranked within each.
    public var gaps: [Gap]
    /// In the order the districts were asked for.
    public var summaries: [DistrictSummary]

    /// Gaps with `cellM`-metre cells and no merging of parts (each connected part its own gap), every
    /// gap kept.
    public init(dataset: Dataset, demand: DemandModel, uncovered: [Bool], districts: [Int]? = nil, cellM: Double = 250) throws {
        try self.init(dataset: dataset, demand: demand, uncovered: uncovered, districts: districts, options: Options(cellM: cellM, mergeM: 0))
    }

    /// - Parameters:
    ///   - uncovered: per demand unit, whether no rest station is within reach.
    ///   - districts: indices into `dataset.districts` to report (all, by id, when nil).
    public init(dataset: Dataset, demand: DemandModel, uncovered: [Bool], districts: [Int]? = nil, options: Options) throws {
        precondition(uncovered.count == demand.units.count)
        let cellM = options.cellM
        let mergeM = options.mergeM ?? cellM
        self.cellM = cellM
        self.options = options
        // One transformer a worker (a transformer runs one call at a time): the districts' gaps go
        // back to WGS84 on all the cores at once.
        let back = TransformerPool(from: dataset.manifest.crs, to: .wgs84)
        let chosen = districts ?? dataset.districts.indices.sorted { dataset.districts[$0].id < dataset.districts[$1].id }
        // The uncovered units of each chosen district, in unit order, found in one pass over the
        // demand (not one pass a district).
        var position = [Int](repeating: -1, count: dataset.districts.count)
        for (k, di) in chosen.enumerated() where position[di] < 0 { position[di] = k }
        var uncoveredUnits = [[Int]](repeating: [], count: chosen.count)
        for (u, unit) in demand.units.enumerated() where uncovered[u] && unit.weight > 0 {
            for di in unit.divisions where position[di] >= 0 { uncoveredUnits[position[di]].append(u) }
        }
        // Districts are independent: they are drawn on all the cores, and put back in the order asked for.
        let units = uncoveredUnits, slot = position
        let perDistrict = try parallelMap(chosen.count) { k in
            let di = chosen[k]
            return try back.using { back in
                try Self.districtGaps(dataset.districts[di], units: units[slot[di]].map { demand.units[$0] }, options: options,
                                      cellM: cellM, mergeM: mergeM, back: back)
            }
        }
        gaps = perDistrict.flatMap(\.gaps)
        summaries = perDistrict.map(\.summary)
    }

    /// The gaps of one district from its uncovered units (in unit order).
    static func districtGaps(_ district: District, units: [DemandModel.Unit], options: Options, cellM: Double, mergeM: Double,
                             back: CoordinateTransformer) throws -> (summary: DistrictSummary, gaps: [Gap]) {
        var gaps: [Gap] = []
        var summary = DistrictSummary(district: district.id, districtName: district.name, gaps: 0, uncoveredDemand: 0, areaKm2: 0, shown: 0, shownDemand: 0)
        // Uncovered units of this district, grouped by grid cell.
        var cells: [Cell: Double] = [:]
        for unit in units { cells[Cell(unit.projected, cellM), default: 0] += unit.weight }
        guard !cells.isEmpty else { return (summary, gaps) }
        let sortedCells = cells.keys.sorted()
        // The cells' union traced along the grid (GEOS's union of the squares gives the same
        // polygons, far slower), clipped to the district. A traced polygon inside the district (most
        // are: the demand is the district's) is its own clip, and the demand inside it is that of
        // its cells; only those that cross the district's border go through GEOS's overlay, and
        // their units are then shared among the pieces.
        var pieces: [(polygon: Polygon, demand: Double)] = []
        var parts: [(geometry: Geometry, demand: Double, area: Double)] = []
        // Per part, its cells (indices into sortedCells) when it is a traced polygon taken whole;
        // nil for the pieces of a clip.
        var partCells: [[Int]?] = []
        if let traced = Cell.outline(sortedCells, size: cellM) {
            // A traced polygon with no cell in the band along the border is inside (its cells
            // hold the district's riders; taken whole either way, as a part whose clip is empty
            // is); the others are asked of GEOS, against the district prepared once.
            let band = BorderBand(district.projected, cellM: cellM)
            var prepared: PreparedGeometry?
            var clipped: [[Polygon]] = []
            var groupOf = [Int](repeating: -1, count: sortedCells.count)
            for (polygon, members) in traced {
                let g = Geometry.polygon(polygon)
                var inside = false
                if let band, !members.contains(where: { band.contains(sortedCells[$0]) }) {
                    inside = true
                } else {
                    let border = try prepared ?? PreparedGeometry(district.projected)
                    prepared = border
                    inside = try border.covers(g)
                }
                let clip = inside ? [] : Self.areal(try g.intersection(district.projected))
                if clip.isEmpty {
                    // Inside the district (or, rarely, cells that only touch its border, their
                    // riders on the border line: kept whole rather than lost). Already simple (a
                    // vertex only where the outline turns); the area of its cells.
                    parts.append((g, members.reduce(0) { $0 + cells[sortedCells[$1]]! }, Double(members.count) * cellM * cellM / 1e6))
                    partCells.append(members)
                } else {
                    for m in members { groupOf[m] = clipped.count }
                    clipped.append(clip)
                }
            }
            if !clipped.isEmpty {
                var cellIndex: [Cell: Int] = [:]
                for (i, c) in sortedCells.enumerated() { cellIndex[c] = i }
                var unitsOf = [[(Coordinate, Double)]](repeating: [], count: clipped.count)
                for unit in units {
                    let k = groupOf[cellIndex[Cell(unit.projected, cellM)]!]
                    if k >= 0 { unitsOf[k].append((unit.projected, unit.weight)) }
                }
                for (k, group) in clipped.enumerated() { pieces += try Self.share(unitsOf[k], among: group) }
            }
        } else {
            let union = try Geometry.unionAll(sortedCells.map { Geometry.polygon($0.square(cellM)) })
            let clip = try Self.areal(union.intersection(district.projected))
            pieces = try Self.share(units.map { ($0.projected, $0.weight) }, among: clip.isEmpty ? Self.areal(union) : clip)
        }
        for (polygon, demand) in pieces where demand > 0 {
            // The clip leaves slivers of a cell at the district's border (and GEOS's union a vertex
            // at every cell corner along straight edges): a 1 m topology-preserving simplification.
            let g = try Geometry.polygon(polygon).simplified(tolerance: 1)
            parts.append((g, demand, try g.area() / 1e6))
            partCells.append(nil)
        }
        // Parts in a fixed order (by position), then grouped: parts within mergeM are one gap.
        // (Each part's envelope computed once, not once a comparison.)
        let unsortedEnvelopes = parts.map(\.geometry.envelope)
        let order = parts.indices.sorted { Self.precedes(unsortedEnvelopes[$0], unsortedEnvelopes[$1]) }
        parts = order.map { parts[$0] }
        partCells = order.map { partCells[$0] }
        let envelopes = order.map { unsortedEnvelopes[$0] }
        var parent = Array(parts.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i {
                parent[i] = parent[parent[i]]
                i = parent[i]
            }
            return i
        }
        if mergeM > 0 {
            // Two traced parts are unions of whole cells: their distance is the least between two
            // of their cells, counted in cells on the grid (exact, where GEOS would measure the
            // outlines). Pairs with a clipped piece are measured by GEOS.
            let tracedParts = partCells.lazy.filter { $0 != nil }.prefix(2).count
            let onGrid = tracedParts < 2 ? nil : CellOwners(sortedCells, partCells: partCells, cellM: cellM, mergeM: mergeM)
            if let onGrid {
                onGrid.forEachPairWithin { i, j in
                    let (a, b) = (root(i), root(j))
                    if a != b { parent[max(a, b)] = min(a, b) }
                }
            }
            // The parts are in order of their envelopes' west edge: the parts after i that lie
            // farther east than mergeM from i's east edge, and all after them, are too far.
            for i in parts.indices {
                guard let a = envelopes[i] else { continue }
                for j in (i + 1)..<parts.count {
                    guard let b = envelopes[j] else { continue }
                    if b.minX - a.maxX > mergeM { break }
                    if onGrid != nil && partCells[i] != nil && partCells[j] != nil { continue }
                    let dx = max(0, max(a.minX, b.minX) - min(a.maxX, b.maxX))
                    let dy = max(0, max(a.minY, b.minY) - min(a.maxY, b.maxY))
                    guard dx * dx + dy * dy <= mergeM * mergeM, root(i) != root(j) else { continue }
                    if try parts[i].geometry.isWithinDistance(mergeM, of: parts[j].geometry) { parent[root(j)] = root(i) }
                }
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in parts.indices { groups[root(i), default: []].append(i) }
        var merged: [(geometry: Geometry, demand: Double, area: Double, parts: Int, envelope: Envelope?)] = groups.keys.sorted().map { key in
            let members = groups[key]!
            let polygons = members.flatMap { parts[$0].geometry.polygons }
            // Always a MultiPolygon, so that the layer has one geometry type (GDAL and QGIS read a
            // layer of mixed Polygon and MultiPolygon as of unknown type).
            let geometry: Geometry = .multiPolygon(polygons)
            // The gap's envelope is that of its parts' together.
            let envelope = members.compactMap { envelopes[$0] }.reduce(nil as Envelope?) { box, e in
                guard var box else { return e }
                box.expand(toInclude: e)
                return box
            }
            return (geometry, members.reduce(0) { $0 + parts[$1].demand }, members.reduce(0) { $0 + parts[$1].area }, members.count, envelope)
        }
        // Most uncovered demand first; ties by larger area, then position, so the order is stable.
        merged.sort {
            if $0.demand != $1.demand { return $0.demand > $1.demand }
            if $0.area != $1.area { return $0.area > $1.area }
            return Self.precedes($0.envelope, $1.envelope)
        }
        summary.gaps = merged.count
        summary.uncoveredDemand = merged.reduce(0) { $0 + $1.demand }
        summary.areaKm2 = merged.reduce(0) { $0 + $1.area }
        var kept = merged.filter { $0.demand >= options.minDemand }
        if let top = options.top { kept = Array(kept.prefix(top)) }
        // The kept gaps' coordinates (when their WGS84 outlines are asked for), then their points
        // inside, to WGS84 in one call.
        var xs: [Double] = [], ys: [Double] = []
        var insides: [Coordinate] = []
        for gap in kept {
            if options.wgs84Outlines {
                for c in gap.geometry.allCoordinates {
                    xs.append(c.x)
                    ys.append(c.y)
                }
            }
            guard case let .point(inside) = try gap.geometry.pointOnSurface() else { throw GeoError.invalidInput("no point on the surface of a gap") }
            insides.append(inside)
        }
        let firstInside = xs.count
        xs += insides.map(\.x)
        ys += insides.map(\.y)
        try back.transform(xs: &xs, ys: &ys)
        var k = 0
        for (rank, gap) in kept.enumerated() {
            let geometry = options.wgs84Outlines ? gap.geometry.mapCoordinates { _ in
                defer { k += 1 }
                return Coordinate(x: xs[k], y: ys[k])
            } : nil
            let inside = Coordinate(x: xs[firstInside + rank], y: ys[firstInside + rank])
            gaps.append(Gap(district: district.id, districtName: district.name, rank: rank + 1, uncoveredDemand: gap.demand, areaKm2: gap.area,
                            parts: gap.parts, projected: gap.geometry, geometry: geometry, inside: inside))
            summary.shown += 1
            summary.shownDemand += gap.demand
        }
        return (summary, gaps)
    }

    /// The demand of `units` (projected point, weight) shared among `polygons` (the pieces of the
    /// clip of one traced polygon, or of the whole union): each unit's weight goes to the first
    /// polygon that covers it, or, when none does (a unit on the district's border that the clip
    /// left a rounding error outside), to the nearest; so no unit counts twice (at a corner two
    /// pieces share) or not at all, and the gaps add up to the uncovered demand.
    static func share(_ units: [(Coordinate, Double)], among polygons: [Polygon]) throws -> [(polygon: Polygon, demand: Double)] {
        guard !polygons.isEmpty else { return [] }
        var owner = [Int](repeating: -1, count: units.count)
        // The units by x, so that each polygon looks only at those within its envelope's x range.
        let byX = units.indices.sorted { units[$0].0.x < units[$1].0.x }
        let xs = byX.map { units[$0].0.x }
        for (k, polygon) in polygons.enumerated() {
            let g = Geometry.polygon(polygon)
            guard let box = g.envelope else { continue }
            let prepared = try PreparedGeometry(g)
            var lo = 0, hi = xs.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if xs[mid] < box.minX { lo = mid + 1 } else { hi = mid }
            }
            while lo < xs.count && xs[lo] <= box.maxX {
                let u = byX[lo]
                lo += 1
                let c = units[u].0
                if owner[u] < 0 && c.y >= box.minY && c.y <= box.maxY, try prepared.covers(c) { owner[u] = k }
            }
        }
        var demand = [Double](repeating: 0, count: polygons.count)
        for (u, (c, weight)) in units.enumerated() {
            var k = owner[u]
            if k < 0 {
                let point = Geometry.point(c)
                var best = Double.infinity
                for (j, polygon) in polygons.enumerated() {
                    let d = try Geometry.polygon(polygon).distance(to: point)
                    if d < best { (best, k) = (d, j) }
                }
            }
            demand[k] += weight
        }
        return zip(polygons, demand).map { ($0, $1) }
    }

    /// The polygons of an overlay's result, also those in a collection: where cells only touch the
    /// district's border along an edge, GEOS's intersection gives that line beside the polygons, as
    /// one GeometryCollection.
    static func areal(_ g: Geometry) -> [Polygon] {
        if case let .geometryCollection(members) = g { return members.flatMap(areal) }
        return g.polygons.filter { !$0.isEmpty }
    }

    /// Whether a shape with envelope `a` comes before one with envelope `b`: west first, then south,
    /// then by east and north edges (an empty shape, no envelope, before any other).
    static func precedes(_ a: Envelope?, _ b: Envelope?) -> Bool {
        guard let b else { return false }
        guard let a else { return true }
        return (a.minX, a.minY, a.maxX, a.maxY) < (b.minX, b.minY, b.maxX, b.maxY)
    }

    /// A grid cell by integer column and row.
    struct Cell: Hashable, Comparable {
        var col: Int
        var row: Int

        init(col: Int, row: Int) {
            self.col = col
            self.row = row
        }

        init(_ c: Coordinate, _ size: Double) {
            col = Int((c.x / size).rounded(.down))
            row = Int((c.y / size).rounded(.down))
        }

        func square(_ size: Double) -> Polygon {
            Envelope(minX: Double(col) * size, minY: Double(row) * size, maxX: Double(col + 1) * size, maxY: Double(row + 1) * size).polygon
        }

        static func < (a: Cell, b: Cell) -> Bool { (a.row, a.col) < (b.row, b.col) }
    }
}
