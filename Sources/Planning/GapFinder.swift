import Geo
import Stations

/// Uncovered demand as polygons per district: the grid cells (`cellM` squares, aligned to the
/// metric CRS) that hold uncovered demand, dissolved, clipped to the district and split into
/// connected parts, ranked by the uncovered demand inside each.
public struct GapReport: Sendable {
    public struct Gap: Sendable {
        public var district: String
        public var districtName: String
        /// 1 = most uncovered demand in its district.
        public var rank: Int
        public var uncoveredDemand: Double
        public var areaKm2: Double
        /// Metric CRS.
        public var projected: Geometry
        /// WGS84.
        public var geometry: Geometry
    }

    public var cellM: Double
    public var gaps: [Gap]

    /// - Parameters:
    ///   - uncovered: per demand unit, whether no rest station is within reach.
    ///   - districts: indices into `dataset.districts` to report (all when nil).
    public init(dataset: Dataset, demand: DemandModel, uncovered: [Bool], districts: [Int]? = nil, cellM: Double = 250) throws {
        precondition(uncovered.count == demand.units.count)
        self.cellM = cellM
        let back = try CoordinateTransformer.shared(from: dataset.manifest.crs, to: .wgs84)
        var gaps: [Gap] = []
        for di in districts ?? Array(dataset.districts.indices) {
            let district = dataset.districts[di]
            // Uncovered units of this district, grouped by grid cell.
            var cells: [Cell: Double] = [:]
            var points: [(Coordinate, Double)] = []
            for (u, unit) in demand.units.enumerated() where uncovered[u] && unit.weight > 0 && unit.divisions.contains(di) {
                cells[Cell(unit.projected, cellM), default: 0] += unit.weight
                points.append((unit.projected, unit.weight))
            }
            guard !cells.isEmpty else { continue }
            let squares = cells.keys.sorted().map { Geometry.polygon($0.square(cellM)) }
            let dissolved = try Geometry.unionAll(squares).intersection(district.projected)
            var parts: [(geometry: Geometry, demand: Double, area: Double)] = []
            for polygon in dissolved.polygons where !polygon.isEmpty {
                // Dissolved grid cells leave a vertex at every cell corner along straight edges;
                // a 1 m topology-preserving simplification removes them.
                let g = try Geometry.polygon(polygon).simplified(tolerance: 1)
                let prepared = try PreparedGeometry(g)
                var inside = 0.0
                for (c, w) in points where try prepared.covers(c) { inside += w }
                guard inside > 0 else { continue }
                parts.append((g, inside, try g.area() / 1e6))
            }
            // Most uncovered demand first; ties by larger area, then position, so the order is stable.
            parts.sort {
                if $0.demand != $1.demand { return $0.demand > $1.demand }
                if $0.area != $1.area { return $0.area > $1.area }
                return ($0.geometry.envelope?.minX ?? 0, $0.geometry.envelope?.minY ?? 0) < ($1.geometry.envelope?.minX ?? 0, $1.geometry.envelope?.minY ?? 0)
            }
            for (rank, part) in parts.enumerated() {
                let all = part.geometry.allCoordinates
                let wgs = try back.transform(all)
                var k = 0
                let geometry = part.geometry.mapCoordinates { _ in
                    defer { k += 1 }
                    return wgs[k]
                }
                gaps.append(Gap(district: district.id, districtName: district.name, rank: rank + 1, uncoveredDemand: part.demand,
                                areaKm2: part.area, projected: part.geometry, geometry: geometry))
            }
        }
        self.gaps = gaps
    }

    /// A grid cell by integer column and row.
    struct Cell: Hashable, Comparable {
        var col: Int
        var row: Int

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
