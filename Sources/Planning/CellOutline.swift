import Geo
import Optimization

extension GapReport.Cell {
    /// A corner of the grid, by integer column and row.
    struct Corner: Hashable {
        var col: Int
        var row: Int
    }

    /// The union of `cells` (distinct, `size`-metre grid cells) as polygons, traced along the cell
    /// edges instead of dissolved by GEOS: an edge between two cells of the set is inside and is
    /// dropped; the others chain into rings with the cells on their left (outer rings
    /// counter-clockwise, holes clockwise). Every cell corner along a ring stays a vertex, as in a
    /// GEOS union of the squares. Cells that touch only at a corner are not joined there (a ring
    /// turns back along its own cell), so every ring is simple; rings may touch at a corner,
    /// which valid polygons allow. One polygon per edge-connected group of cells, with its holes.
    /// Nil when the rings do not come out as one outer ring per group (not expected; the caller
    /// then dissolves with GEOS).
    static func outline(_ cells: [GapReport.Cell], size: Double) -> [Polygon]? {
        guard !cells.isEmpty else { return [] }
        var index: [GapReport.Cell: Int] = [:]
        index.reserveCapacity(cells.count)
        for (i, c) in cells.enumerated() { index[c] = i }
        // Edge-connected groups of cells (union-find).
        var groups = LowestRootSets(count: cells.count)
        for (i, c) in cells.enumerated() {
            for n in [GapReport.Cell(col: c.col + 1, row: c.row), GapReport.Cell(col: c.col, row: c.row + 1)] {
                if let j = index[n] { groups.union(i, j) }
            }
        }
        // Boundary edges, the cell on their left, in cell order; outgoing edges by start corner.
        var starts: [Corner] = [], ends: [Corner] = [], owner: [Int] = []
        var outgoing: [Corner: [Int]] = [:]
        for (i, c) in cells.enumerated() {
            let (x, y) = (c.col, c.row)
            let sides: [(GapReport.Cell, Corner, Corner)] = [
                (GapReport.Cell(col: x, row: y - 1), Corner(col: x, row: y), Corner(col: x + 1, row: y)),
                (GapReport.Cell(col: x + 1, row: y), Corner(col: x + 1, row: y), Corner(col: x + 1, row: y + 1)),
                (GapReport.Cell(col: x, row: y + 1), Corner(col: x + 1, row: y + 1), Corner(col: x, row: y + 1)),
                (GapReport.Cell(col: x - 1, row: y), Corner(col: x, row: y + 1), Corner(col: x, row: y)),
            ]
            for (neighbour, a, b) in sides where index[neighbour] == nil {
                outgoing[a, default: []].append(starts.count)
                starts.append(a)
                ends.append(b)
                owner.append(i)
            }
        }
        var used = [Bool](repeating: false, count: starts.count)
        var shells: [Int: [Coordinate]] = [:]
        var holes: [Int: [[Coordinate]]] = [:]
        for first in starts.indices where !used[first] {
            var ring: [Coordinate] = []
            var area2 = 0 // twice the signed area, in cell units
            var e = first
            repeat {
                used[e] = true
                let a = starts[e], b = ends[e]
                ring.append(Coordinate(x: Double(a.col) * size, y: Double(a.row) * size))
                area2 += a.col * b.row - b.col * a.row
                // The next edge leaves from b; where two do (cells touching at a corner), the one
                // along the same cell.
                guard let next = outgoing[b] else { return nil }
                if next.count == 1 {
                    e = next[0]
                } else if let same = next.first(where: { owner[$0] == owner[e] }) {
                    e = same
                } else {
                    return nil
                }
            } while e != first && !used[e]
            guard e == first else { return nil }
            ring.append(ring[0])
            let group = groups.root(owner[first])
            if area2 > 0 {
                guard shells[group] == nil else { return nil }
                shells[group] = ring
            } else {
                holes[group, default: []].append(ring)
            }
        }
        guard holes.keys.allSatisfy({ shells[$0] != nil }) else { return nil }
        return shells.keys.sorted().map { Polygon(exterior: shells[$0]!, holes: holes[$0] ?? []) }
    }
}
