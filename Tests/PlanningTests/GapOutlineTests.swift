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
