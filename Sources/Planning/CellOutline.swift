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
    /// counter-clockwise, holes clockwise), with a vertex where a ring turns (not at every cell
    /// corner along a straight stretch, as in a GEOS union of the squares). Cells that touch only at a corner are not joined there (a ring
    /// turns back along its own cell); where that makes a ring pass a corner twice (a hole touching
    /// the shell, or another hole, at that corner) it is split there into two, so every ring is
    /// simple; rings may touch at a corner, which valid polygons allow. One polygon per
    /// edge-connected group of cells, with its holes.
    /// Each polygon comes with its cells (indices into `cells`, ascending). Nil when the rings do not
    /// come out as one outer ring per group (not expected; the caller then dissolves with GEOS).
    static func outline(_ cells: [GapReport.Cell], size: Double) -> [(polygon: Polygon, cells: [Int])]? {
        guard !cells.isEmpty else { return [] }
        var index: [GapReport.Cell: Int] = [:]
        index.reserveCapacity(cells.count)
        for (i, c) in cells.enumerated() { index[c] = i }
        // Edge-connected groups of cells (union-find).
        var groups = LowestRootSets(count: cells.count)
        for (i, c) in cells.enumerated() {
            if let j = index[GapReport.Cell(col: c.col + 1, row: c.row)] { groups.union(i, j) }
            if let j = index[GapReport.Cell(col: c.col, row: c.row + 1)] { groups.union(i, j) }
        }
        // Boundary edges, the cell on their left, in cell order; the edges leaving each corner (at
        // most two: two cells touching there at their corners), -1 for none.
        var starts: [Corner] = [], ends: [Corner] = [], owner: [Int] = []
        var outgoing: [Corner: (Int, Int)] = [:]
        for (i, c) in cells.enumerated() {
            let (x, y) = (c.col, c.row)
            func side(_ neighbour: GapReport.Cell, _ a: Corner, _ b: Corner) {
                guard index[neighbour] == nil else { return }
                if let first = outgoing[a] {
                    outgoing[a] = (first.0, starts.count)
                } else {
                    outgoing[a] = (starts.count, -1)
                }
                starts.append(a)
                ends.append(b)
                owner.append(i)
            }
            side(GapReport.Cell(col: x, row: y - 1), Corner(col: x, row: y), Corner(col: x + 1, row: y))
            side(GapReport.Cell(col: x + 1, row: y), Corner(col: x + 1, row: y), Corner(col: x + 1, row: y + 1))
            side(GapReport.Cell(col: x, row: y + 1), Corner(col: x + 1, row: y + 1), Corner(col: x, row: y + 1))
            side(GapReport.Cell(col: x - 1, row: y), Corner(col: x, row: y + 1), Corner(col: x, row: y))
        }
        var used = [Bool](repeating: false, count: starts.count)
        var shells: [Int: [Coordinate]] = [:]
        var holes: [Int: [[Coordinate]]] = [:]
        // One closed walk along the boundary edges, split into rings where it passes a corner a
        // second time (see below); each ring by its orientation a shell or a hole of its group.
        var walk: [Corner] = []
        var seenAt: [Corner: Int] = [:]
        func close(_ ring: ArraySlice<Corner>, group: Int) -> Bool {
            var area2 = 0 // twice the signed area, in cell units
            var previous = ring.last!
            for c in ring {
                area2 += previous.col * c.row - c.col * previous.row
                previous = c
            }
            // Only the corners where the ring turns: the corners along a straight stretch (one a cell)
            // are left out, as a simplification of the dissolved squares would.
            var coordinates: [Coordinate] = []
            let corners = Array(ring)
            for (i, c) in corners.enumerated() {
                let p = corners[i == 0 ? corners.count - 1 : i - 1], n = corners[i == corners.count - 1 ? 0 : i + 1]
                if (c.col - p.col) * (n.row - c.row) != (c.row - p.row) * (n.col - c.col) {
                    coordinates.append(Coordinate(x: Double(c.col) * size, y: Double(c.row) * size))
                }
            }
            coordinates.append(coordinates[0])
            if area2 > 0 {
                guard shells[group] == nil else { return false }
                shells[group] = coordinates
            } else {
                holes[group, default: []].append(coordinates)
            }
            return true
        }
        for first in starts.indices where !used[first] {
            let group = groups.root(owner[first])
            walk.removeAll(keepingCapacity: true)
            seenAt.removeAll(keepingCapacity: true)
            var e = first
            repeat {
                used[e] = true
                let a = starts[e], b = ends[e]
                // Cells of one group touching at a corner (a hole or two touching there) make the
                // walk pass that corner twice: the stretch between the two passes is a ring of its
                // own (the hole's; or the shell, with the rest a hole), so that every ring is simple,
                // as GEOS's valid polygons need: holes may touch the shell, or each other, at a point.
                if let at = seenAt[a] {
                    guard close(walk[at...], group: group) else { return nil }
                    for c in walk[at...] { seenAt[c] = nil }
                    walk.removeSubrange(at...)
                }
                seenAt[a] = walk.count
                walk.append(a)
                // The next edge leaves from b; where two do (cells touching at a corner), the one
                // along the same cell.
                guard let next = outgoing[b] else { return nil }
                if next.1 < 0 {
                    e = next.0
                } else if owner[next.0] == owner[e] {
                    e = next.0
                } else if owner[next.1] == owner[e] {
                    e = next.1
                } else {
                    return nil
                }
            } while e != first && !used[e]
            guard e == first, walk.count >= 4, close(walk[...], group: group) else { return nil }
        }
        guard holes.keys.allSatisfy({ shells[$0] != nil }) else { return nil }
        var members: [Int: [Int]] = [:]
        for i in cells.indices { members[groups.root(i), default: []].append(i) }
        return shells.keys.sorted().map { (Polygon(exterior: shells[$0]!, holes: holes[$0] ?? []), members[$0] ?? []) }
    }
}
