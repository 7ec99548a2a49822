import TestSupport
import Foundation
import Geo
@testable import Planning
import Testing

@Suite("the demand units' grid and the arrays made on the cores")
struct UnitGridTests {
    @Test("radius queries answer what the k-d tree answers: same points, same squared distances, same order", arguments: [1, 2, 3, 4] as [UInt64])
    func againstPointIndex(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        // Clusters, exact duplicates and points on a line, over a few kilometres (seed 4: over
        // 50,000 km, so the grid's cells grow past the 400 m asked, to keep 65,536 a side).
        let span = seed == 4 ? 5e7 : 5_000.0
        var points: [Coordinate] = []
        for _ in 0..<3_000 {
            points.append(Coordinate(x: Double.random(in: 0...span, using: &rng), y: Double.random(in: 0...span / 3, using: &rng)))
        }
        for _ in 0..<500 {
            let c = points[Int.random(in: 0..<points.count, using: &rng)]
            points.append(Coordinate(x: c.x + Double.random(in: -3...3, using: &rng), y: c.y))
        }
        points += points.prefix(200)
        for k in 0..<100 { points.append(Coordinate(x: Double(k) * 50, y: 1_000)) }
        let grid = try UnitGrid(points, cell: 400)
        let tree = try PointIndex(points)
        for q in 0..<400 {
            let query: Coordinate
            if q < 100 {
                query = points[Int.random(in: 0..<points.count, using: &rng)]
            } else {
                // Inside, on the edge and well outside the points' box.
                query = Coordinate(x: Double.random(in: -span / 2...span * 1.5, using: &rng), y: Double.random(in: -span / 2...span, using: &rng))
            }
            let radius = [0, 1, 37.5, 400, 401, 1_250][q % 6] * (seed == 4 ? 1_000 : 1)
            #expect(grid.within(radius: radius, of: query) == tree.within(radius: radius, of: query))
        }
        #expect(grid.within(radius: -1, of: points[0]).isEmpty)
    }

    @Test("edge cases: the last cell of a 65,536 × 65,536 grid; a point the box would miss by rounding; an infinite radius")
    func edges() throws {
        // Keys of the last row end at 2^32.
        let square = [Coordinate(x: 0, y: 0), Coordinate(x: 65_535, y: 65_535)]
        let big = try UnitGrid(square, cell: 1)
        let tree = try PointIndex(square)
        #expect(big.within(radius: 1, of: Coordinate(x: 65_535, y: 65_535)) == tree.within(radius: 1, of: Coordinate(x: 65_535, y: 65_535)))
        #expect(big.within(radius: 1e6, of: Coordinate(x: 30_000, y: 30_000)) == tree.within(radius: 1e6, of: Coordinate(x: 30_000, y: 30_000)))
        // p.x - q.x rounds to exactly -r while q.x - r rounds above p.x.
        for (points, cell, query, radius) in [
            ([Coordinate(x: 0, y: 0), Coordinate(x: 0.9999999999999999, y: 0), Coordinate(x: 3, y: 0)], 1.0, Coordinate(x: 2, y: 0), 1.0),
            ([Coordinate(x: -171.5730692014076, y: 0), Coordinate(x: 128.42693079859234, y: 0), Coordinate(x: 2228.4269307985924, y: 0)], 300.0,
             Coordinate(x: 428.42693079859237, y: 0), 300.0),
        ] {
            let grid = try UnitGrid(points, cell: cell)
            let exact = try PointIndex(points).within(radius: radius, of: query)
            #expect(!exact.isEmpty)
            #expect(grid.within(radius: radius, of: query) == exact)
        }
        let all = try UnitGrid(square, cell: 10)
        #expect(all.within(radius: .infinity, of: Coordinate(x: 5, y: 5)).map(\.index) == [0, 1])
    }

    @Test("an empty grid and a grid of one point")
    func small() throws {
        #expect(try UnitGrid([], cell: 100).within(radius: 1e9, of: Coordinate(x: 0, y: 0)).isEmpty)
        let one = try UnitGrid([Coordinate(x: 5, y: 5)], cell: 100)
        #expect(one.within(radius: 0, of: Coordinate(x: 5, y: 5)) == [PointIndex.Neighbor(index: 0, squaredDistance: 0)])
        #expect(one.within(radius: 2.8, of: Coordinate(x: 7, y: 7)).isEmpty)
        #expect(one.within(radius: 2.9, of: Coordinate(x: 7, y: 7)).map(\.index) == [0])
    }

    struct PartFailed: Error, Equatable { var part: Int }

    @Test("parallelArray: parts in order; the lowest failing part's error, nothing left behind")
    func parallelArrayParts() throws {
        let cuts = [0, 3, 3, 10, 200_000]
        let made: [String] = try parallelArray(cuts: cuts) { part, writer in
            for i in writer.range { writer.append("\(part):\(i)") }
        }
        #expect(made.count == 200_000)
        #expect(made[0] == "0:0" && made[3] == "2:3" && made[9] == "2:9" && made[10] == "3:10" && made[199_999] == "3:199999")
        // Parts 1 and 3 fail after writing some elements: part 1's error is the one thrown.
        #expect(throws: PartFailed(part: 1)) {
            let _: [String] = try parallelArray(cuts: [0, 50, 100, 150, 200]) { part, writer in
                for i in writer.range {
                    if part % 2 == 1 && i == writer.range.lowerBound + 10 { throw PartFailed(part: part) }
                    writer.append(String(repeating: "x", count: 40) + "\(i)")
                }
            }
        }
        #expect(evenCuts(0) == [0, 0])
        #expect(evenCuts(10) == [0, 10])
        let big = evenCuts(1 << 20)
        #expect(big.first == 0 && big.last == 1 << 20 && big.count == min(ProcessInfo.processInfo.activeProcessorCount, 16) + 1)
    }

    @Test("parallelMap handed out in another order: results by index, the error of the lowest failing index")
    func parallelMapOrder() throws {
        let reversed = Array((0..<40).reversed())
        #expect(try parallelMap(40, workers: 2, order: reversed) { $0 * $0 } == (0..<40).map { $0 * $0 })
        for failing in [[3, 37], [0], [39], [12, 13, 30]] {
            let set = Set(failing)
            #expect(throws: PartFailed(part: failing.min()!)) {
                _ = try parallelMap(40, workers: 2, order: reversed) { i -> Int in
                    if set.contains(i) { throw PartFailed(part: i) }
                    return i
                }
            }
        }
    }
}
