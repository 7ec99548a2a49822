import Foundation
import Geo
@testable import Planning
import TestSupport
import Testing

@Suite("gaps: the band of cells along a district's border")
struct BorderBandTests {
    /// A star-shaped ring of `n` vertices around (cx, cy), radii between r0 and r1 (concave, with
    /// long and short edges at every angle).
    static func star(_ rng: inout SplitMix64, cx: Double, cy: Double, r0: Double, r1: Double, n: Int, clockwise: Bool = false) -> [Coordinate] {
        var ring = (0..<n).map { k -> Coordinate in
            let a = 2 * Double.pi * Double(k) / Double(n)
            let r = Double.random(in: r0...r1, using: &rng)
            return Coordinate(x: cx + r * cos(a), y: cy + r * sin(a))
        }
        if clockwise { ring.reverse() }
        return ring + [ring[0]]
    }

    /// Every cell left out of the band lies at least `margin` cells from every ring, and a cell the
    /// border crosses is in it: checked with GEOS distances on random districts with holes and
    /// several parts, far from the origin (as metric coordinates are), at cell sizes from a tenth
    /// of the district to far below its edges.
    @Test("cells outside the band are at least a cell from the border",
          .enabled(if: !underThreadSanitizer, "one thread: nothing for ThreadSanitizer to see, and GEOS a cell is slow there"),
          arguments: [1, 2, 3, 4, 5] as [UInt64])
    func farFromBorder(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let x0 = Double.random(in: -3e6...3e6, using: &rng), y0 = Double.random(in: 2e6...5e6, using: &rng)
        let outer = Self.star(&rng, cx: x0, cy: y0, r0: 2_000, r1: 9_000, n: Int.random(in: 5...60, using: &rng))
        let hole = Self.star(&rng, cx: x0, cy: y0, r0: 300, r1: 1_200, n: 9, clockwise: true)
        let island = Self.star(&rng, cx: x0 + 25_000, cy: y0 - 4_000, r0: 500, r1: 3_000, n: 7)
        let district = Geometry.multiPolygon([Polygon(exterior: outer, holes: [hole]), Polygon(exterior: island)])
        #expect(try district.isValid())
        let rings = [outer, hole, island].map { Geometry.lineString($0) }
        for cellM in [1_700.0, 250, 97.3] {
            let band = try #require(GapReport.BorderBand(district, cellM: cellM))
            var outside = 0, crossed = 0
            // Every cell of the bitmap and a frame of cells around it.
            for row in (band.row0 - 2)..<(band.row0 + band.rows + 2) {
                for col in (band.col0 - 2)..<(band.col0 + band.columns + 2) {
                    let cell = GapReport.Cell(col: col, row: row)
                    let square = Geometry.polygon(cell.square(cellM))
                    let inBand = band.contains(cell)
                    // Sampled: the check is GEOS's distance per cell.
                    if !inBand, Int.random(in: 0..<8, using: &rng) == 0 {
                        outside += 1
                        for ring in rings { #expect(try square.distance(to: ring) >= cellM * (1 - 1e-9)) }
                    }
                    if try rings.contains(where: { try $0.intersects(square) }) {
                        crossed += 1
                        #expect(inBand)
                    }
                }
            }
            #expect(outside > 0)
            #expect(crossed > 0)
        }
    }

    @Test("a district too wide for the bitmap has no band (its gaps all go to GEOS)")
    func tooWide() throws {
        let district = Geometry.polygon(Envelope(minX: 0, minY: 0, maxX: 100_000, maxY: 100_000).polygon)
        #expect(GapReport.BorderBand(district, cellM: 250, maxCells: 10_000) == nil)
        let band = try #require(GapReport.BorderBand(district, cellM: 250))
        // The middle of the square is far from its edges; a cell on an edge is in the band.
        #expect(!band.contains(GapReport.Cell(col: 200, row: 200)))
        #expect(band.contains(GapReport.Cell(col: 0, row: 200)))
        #expect(band.contains(GapReport.Cell(col: -1, row: 200)))
        #expect(band.contains(GapReport.Cell(col: 5_000, row: 200)))
    }
}
