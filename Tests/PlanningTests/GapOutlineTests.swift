import TestSupport
import Foundation
import Geo
import Planning
import Stations
import Testing

@Suite("gaps: the traced outline of the cells against GEOS's union of the squares")
struct GapOutlineTests {
    /// Half the cells of a 100 m grid hold a demand point, so the cells touch at corners, enclose
    /// empty cells (holes, some touching the outer ring at a corner) and are cut by a slanted
    /// district border.
    @Test("the gaps are GEOS's union of the cells clipped to the district, part for part", arguments: Array(1...8) as [UInt64])
    func sameAsUnion(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var b = DatasetBuilder()
        b.districts = [("A", DatasetBuilder.box(113.0, 36.0, 113.03, 36.02)),
                       ("T", [(113.03, 36.0), (113.06, 36.0), (113.03, 36.02), (113.03, 36.0)])]
        b.demand = (0..<900).map { i in
            ("d\(i)", Double(Int.random(in: 1...4, using: &rng)), Double.random(in: 113.001...113.059, using: &rng), Double.random(in: 36.001...36.019, using: &rng))
        }
        let data = try b.load()
        let demand = try DemandModel(data)
        let cellM = 100.0
        let report = try GapReport(dataset: data, demand: demand, uncovered: [Bool](repeating: true, count: demand.units.count), cellM: cellM)
        for (di, district) in data.districts.enumerated() {
            let units = demand.units.filter { $0.divisions.contains(di) }
            let cells = Set(units.map { [Int(($0.projected.x / cellM).rounded(.down)), Int(($0.projected.y / cellM).rounded(.down))] })
            #expect(cells.count > 50)
            let squares = cells.sorted { $0.lexicographicallyPrecedes($1) }.map { c in
                Geometry.polygon(Envelope(minX: Double(c[0]) * cellM, minY: Double(c[1]) * cellM, maxX: Double(c[0] + 1) * cellM, maxY: Double(c[1] + 1) * cellM).polygon)
            }
            let reference = try Geometry.unionAll(squares).intersection(district.projected)
            let gaps = report.gaps.filter { $0.district == district.id }
            // mergeM 0: every connected part is a gap.
            #expect(gaps.count == reference.polygons.filter { !$0.isEmpty }.count)
            #expect(abs(gaps.reduce(0) { $0 + $1.uncoveredDemand } - units.reduce(0) { $0 + $1.weight }) < 1e-9)
            for gap in gaps { #expect(try gap.projected.isValid()) }
            let drawn = try Geometry.unionAll(gaps.map(\.projected))
            let referenceArea = try reference.area()
            #expect(abs(gaps.reduce(0) { $0 + $1.areaKm2 } * 1e6 - referenceArea) < 1e-6 * referenceArea)
            // Equal but for the 1 m simplification of the clipped edges.
            let apart = try drawn.difference(reference).area() + reference.difference(drawn).area()
            #expect(apart < 1e-4 * referenceArea)
        }
    }
}

@Suite("gaps: every uncovered rider in exactly one gap")
struct GapDemandTests {
    /// Units on the corners of a checkerboard of 100 m cells: each unit's cell touches the cell
    /// below-left of it at the unit, so the unit lies on the border of two gaps. Part of the board
    /// crosses the district's slanted border (those cells are clipped). Each unit must count in one
    /// gap only, and the gaps must add up to the uncovered demand, district by district.
    @Test("units on shared corners count once, inside the district and across its border", arguments: [0.0, 150.0])
    func unitsOnCorners(mergeM: Double) throws {
        var b = DatasetBuilder()
        b.districts = [("T", [(113.0, 36.0), (113.03, 36.0), (113.0, 36.02), (113.0, 36.0)])]
        b.demand = [("seed", 1, 113.005, 36.005)]
        let data = try b.load()
        var demand = try DemandModel(data)
        let template = demand.units[0]
        let border = try PreparedGeometry(data.districts[0].projected)
        let box = try #require(data.districts[0].projected.envelope)
        let cellM = 100.0
        let x0 = (box.minX / cellM).rounded(.up) * cellM, y0 = (box.minY / cellM).rounded(.up) * cellM
        var units: [DemandModel.Unit] = []
        var total = 0.0
        for i in 0..<40 {
            for j in 0..<30 where (i + j) % 2 == 0 {
                let c = Coordinate(x: x0 + Double(i) * cellM, y: y0 + Double(j) * cellM)
                guard try border.covers(c) else { continue }
                var unit = template
                unit.id = "u\(i)-\(j)"
                unit.projected = c
                unit.weight = Double(1 + (i * 7 + j) % 5)
                units.append(unit)
                total += unit.weight
            }
        }
        #expect(units.count > 100)
        demand.units = units
        let report = try GapReport(dataset: data, demand: demand, uncovered: [Bool](repeating: true, count: units.count),
                                   options: GapReport.Options(cellM: cellM, mergeM: mergeM))
        // Apart, each cell is a gap; merged, the cells (touching at their corners) are one.
        #expect(report.gaps.count == (mergeM == 0 ? units.count : 1))
        #expect(abs(report.gaps.reduce(0) { $0 + $1.uncoveredDemand } - total) < 1e-9)
        #expect(abs(report.summaries[0].uncoveredDemand - total) < 1e-9)
        for gap in report.gaps { #expect(try gap.projected.isValid()) }
    }
}

@Suite("gaps: cells that only touch the district's border")
struct GapBorderTests {
    /// A district on the grid itself (projected coordinates, 250 m cells), and units on its border:
    /// a unit on the east edge has its cell outside, touching the district along an edge (GEOS's
    /// clip is a line); under a notch, a cell's clip is a polygon and a line in one collection.
    /// Their riders must not be lost.
    @Test("riders on the border line count", arguments: [false, true])
    func ridersOnTheBorder(notched: Bool) throws {
        var b = DatasetBuilder()
        b.districts = [("A", DatasetBuilder.box(113.0, 36.0, 113.02, 36.02))]
        b.demand = [("seed", 1, 113.01, 36.01)]
        var data = try b.load()
        var demand = try DemandModel(data)
        let template = demand.units[0]
        let cellM = 250.0
        let x0 = (template.projected.x / cellM).rounded(.down) * cellM - 1000, y0 = (template.projected.y / cellM).rounded(.down) * cellM - 1000
        func at(_ x: Double, _ y: Double) -> Coordinate { Coordinate(x: x0 + x, y: y0 + y) }
        let ring = notched
            ? [at(0, 0), at(1000, 0), at(1000, 1000), at(750, 1000), at(750, 750), at(500, 750), at(500, 1000), at(0, 1000), at(0, 0)]
            : [at(0, 0), at(1000, 0), at(1000, 1000), at(0, 1000), at(0, 0)]
        data.districts[0].projected = .polygon(Polygon(exterior: ring, holes: []))
        let placed: [(Coordinate, Double)] = notched ? [(at(300, 800), 2), (at(600, 750), 3)] : [(at(1000, 500), 5), (at(100, 100), 1)]
        demand.units = placed.enumerated().map { k, p in
            var unit = template
            unit.id = "u\(k)"
            unit.projected = p.0
            unit.weight = p.1
            unit.divisions = [0]
            return unit
        }
        let report = try GapReport(dataset: data, demand: demand, uncovered: [Bool](repeating: true, count: demand.units.count),
                                   options: GapReport.Options(cellM: cellM, mergeM: 0))
        let total = placed.reduce(0) { $0 + $1.1 }
        #expect(abs(report.summaries[0].uncoveredDemand - total) < 1e-9)
        #expect(abs(report.gaps.reduce(0) { $0 + $1.uncoveredDemand } - total) < 1e-9)
        for gap in report.gaps { #expect(try gap.projected.isValid()) }
    }
}

@Suite("gaps: parts merged by their distance on the grid")
struct GapMergeTests {
    /// A district far wider than the cells used, and a demand model whose units are set by
    /// `units(_:cellM:col0:row0:)`.
    static func district() throws -> (data: Dataset, demand: DemandModel) {
        var b = DatasetBuilder()
        b.districts = [("A", DatasetBuilder.box(112.6, 35.7, 113.4, 36.3))]
        b.demand = [("seed", 1, 113.0, 36.0)]
        let data = try b.load()
        return (data, try DemandModel(data))
    }

    /// One unit at the centre of each cell (column, row, counted from `col0`, `row0`), with its weight.
    static func units(_ cells: [(col: Int, row: Int, weight: Double)], like template: DemandModel.Unit, cellM: Double, col0: Int, row0: Int) -> [DemandModel.Unit] {
        cells.enumerated().map { k, c in
            var unit = template
            unit.id = "u\(k)"
            unit.projected = Coordinate(x: (Double(col0 + c.col) + 0.5) * cellM, y: (Double(row0 + c.row) + 0.5) * cellM)
            unit.weight = c.weight
            unit.divisions = [0]
            return unit
        }
    }

    /// Units in random cells of a window well inside the district (every part traced whole). The
    /// gaps must be the groups of edge-connected cells, joined when two of their cells are within
    /// mergeM: cells with gx, gy empty columns and rows between them are cellM·√(gx² + gy²) apart,
    /// so with mergeM = cellM (the default) parts one empty cell apart are one gap, also at cell
    /// sizes whose multiples are not exact in floating point.
    @Test("parts within mergeM are one gap, measured in whole cells", arguments: [97.3, 250, 777.7])
    func mergedOnTheGrid(cellM: Double) throws {
        let (data, model) = try Self.district()
        var demand = model
        let template = demand.units[0]
        let col0 = Int((template.projected.x / cellM).rounded(.down)) - 20, row0 = Int((template.projected.y / cellM).rounded(.down)) - 15
        // 5.5 cells: past the grid's window, so GEOS measures (no pair of cells is exactly 5.5
        // cells apart, so its rounding cannot matter).
        for (seed, factor) in [(1, nil), (2, nil), (3, 0), (4, 2.5), (5, 5.5)] as [(UInt64, Double?)] {
            var rng = SplitMix64(seed: seed)
            var weightOf: [[Int]: Double] = [:]
            for _ in 0..<180 { weightOf[[Int.random(in: 0..<40, using: &rng), Int.random(in: 0..<30, using: &rng)], default: 0] += Double(Int.random(in: 1...3, using: &rng)) }
            demand.units = Self.units(weightOf.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { ($0.key[0], $0.key[1], $0.value) },
                                      like: template, cellM: cellM, col0: col0, row0: row0)
            let mergeM = factor.map { $0 * cellM }
            let report = try GapReport(dataset: data, demand: demand, uncovered: [Bool](repeating: true, count: demand.units.count),
                                       options: GapReport.Options(cellM: cellM, mergeM: mergeM))
            // The expected groups: edge-connected cells, then groups within reach of each other.
            let cells = Array(weightOf.keys)
            var parent = Array(cells.indices)
            func root(_ i: Int) -> Int { parent[i] == i ? i : root(parent[i]) }
            func join(_ i: Int, _ j: Int) { parent[root(i)] = root(j) }
            for i in cells.indices {
                for j in cells.indices where abs(cells[i][0] - cells[j][0]) + abs(cells[i][1] - cells[j][1]) == 1 { join(i, j) }
            }
            let parts = Set(cells.indices.map(root)).count
            // mergeM 0 keeps every part apart (also parts that touch at a corner).
            let cellsApart = factor ?? 1
            for i in cells.indices where cellsApart > 0 {
                for j in cells.indices {
                    let gx = max(0, abs(cells[i][0] - cells[j][0]) - 1), gy = max(0, abs(cells[i][1] - cells[j][1]) - 1)
                    if Double(gx * gx + gy * gy) <= cellsApart * cellsApart { join(i, j) }
                }
            }
            var expected: [Int: (demand: Double, cells: Int)] = [:]
            for i in cells.indices { expected[root(i), default: (0, 0)].demand += weightOf[cells[i]]!; expected[root(i), default: (0, 0)].cells += 1 }
            #expect(report.gaps.count == expected.count, "cell \(cellM) m, merge \(String(describing: mergeM))")
            #expect(report.gaps.reduce(0) { $0 + $1.parts } == parts)
            #expect(report.gaps.map(\.uncoveredDemand).sorted() == expected.values.map(\.demand).sorted())
            let areas = expected.values.map { Double($0.cells) * cellM * cellM / 1e6 }.sorted()
            #expect(zip(report.gaps.map(\.areaKm2).sorted(), areas).allSatisfy { abs($0 - $1) < 1e-9 * max(1, $1) })
            if factor == 0 { #expect(report.gaps.count == parts) } else { #expect(report.gaps.count < parts) }
        }
    }

    /// A part one row of 75 cells and a cell one empty row above its middle: one cell apart, so
    /// one gap. (GEOS measures such a pair 250.00000000000003 m apart at 250 m cells, from the
    /// cell's corner projected on the long edge, for edges of 75, 77, 91, 93, 99 cells and more,
    /// and had left them apart.)
    @Test("a cell one empty row from the middle of a long edge merges with it", arguments: [250.0, 97.3])
    func longEdge(cellM: Double) throws {
        let (data, model) = try Self.district()
        var demand = model
        let template = demand.units[0]
        let col0 = Int((template.projected.x / cellM).rounded(.down)) - 37, row0 = Int((template.projected.y / cellM).rounded(.down))
        let cells = (0..<75).map { (col: $0, row: 0, weight: 1.0) } + [(col: 37, row: 2, weight: 1.0)]
        demand.units = Self.units(cells, like: template, cellM: cellM, col0: col0, row0: row0)
        let report = try GapReport(dataset: data, demand: demand, uncovered: [Bool](repeating: true, count: cells.count),
                                   options: GapReport.Options(cellM: cellM))
        #expect(report.gaps.count == 1)
        #expect(report.gaps.first?.parts == 2)
        #expect(report.gaps.first?.uncoveredDemand == 76)
    }
}
