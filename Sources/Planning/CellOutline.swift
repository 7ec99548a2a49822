import Geo
import Optimization

extension GapReport.Cell {
    /// A corner of the grid, by integer column and row.
    struct Corner: Hashable {
        var col: Int
        var row: Int
    }

    /// The union of `cells` (distinct `size`-metre grid cells, sorted by row, then column) as
    /// polygons, traced along the cell edges instead of dissolved by GEOS: an edge between two cells
    /// of the set is inside and is dropped; the others chain into rings with the cells on their left
    /// (outer rings counter-clockwise, holes clockwise), with a vertex where a ring turns (not at
    /// every cell corner along a straight stretch, as in a GEOS union of the squares). Cells that
    /// touch only at a corner are not joined there (a ring turns back along its own cell); where
    /// that makes a ring pass a corner twice (a hole touching the shell, or another hole, at that
    /// corner) it is split there into two, so every ring is simple; rings may touch at a corner,
    /// which valid polygons allow. One polygon per edge-connected group of cells, with its holes.
    /// Each polygon comes with its cells (indices into `cells`, ascending). Nil when the cells are
    /// not sorted, or the rings do not come out as one outer ring per group (not expected; the
    /// caller then dissolves with GEOS).
    static func outline(_ cells: [GapReport.Cell], size: Double) -> [(polygon: Polygon, cells: [Int])]? {
        guard !cells.isEmpty else { return [] }
        let n = cells.count
        for i in 1..<n where !(cells[i - 1] < cells[i]) { return nil }
        // The neighbours of each cell, -1 for none, found without hashing: along a row the next
        // and previous cells; between two rows one above the other, one sweep of both.
        // Sides: 0 below, 1 right, 2 above, 3 left; corners between side s and s + 1 (mod 4):
        // 0 below right, 1 above right, 2 above left, 3 below left.
        var side = [[Int]](repeating: [Int](repeating: -1, count: n), count: 4)
        var corner = [[Int]](repeating: [Int](repeating: -1, count: n), count: 4)
        var rowStart = 0
        var previousRow: Range<Int>? = nil
        while rowStart < n {
            var rowEnd = rowStart + 1
            while rowEnd < n && cells[rowEnd].row == cells[rowStart].row { rowEnd += 1 }
            for i in rowStart..<rowEnd - 1 where cells[i + 1].col == cells[i].col + 1 {
                side[1][i] = i + 1
                side[3][i + 1] = i
            }
            if let below = previousRow, cells[below.lowerBound].row == cells[rowStart].row - 1 {
                // For each cell of this row, the cells of the row below at columns col - 1, col,
                // col + 1 (the pointer only moves forward, as the columns do).
                var j = below.lowerBound
                for i in rowStart..<rowEnd {
                    let col = cells[i].col
                    while j < below.upperBound && cells[j].col < col - 1 { j += 1 }
                    var k = j
                    while k < below.upperBound && cells[k].col <= col + 1 {
                        switch cells[k].col - col {
                        case -1: corner[3][i] = k; corner[1][k] = i
                        case 0: side[0][i] = k; side[2][k] = i
                        default: corner[0][i] = k; corner[2][k] = i
                        }
                        k += 1
                    }
                }
            }
            previousRow = rowStart..<rowEnd
            rowStart = rowEnd
        }
        // Edge-connected groups of cells (union-find).
        var groups = LowestRootSets(count: n)
        for i in 0..<n {
            if side[1][i] >= 0 { groups.union(i, side[1][i]) }
            if side[2][i] >= 0 { groups.union(i, side[2][i]) }
        }
        // The corner where the edge on side s of cell i starts (the ring runs with the cell on
        // its left: along the bottom eastwards, up the right side, ...).
        func start(_ i: Int, _ s: Int) -> Corner {
            let c = cells[i]
            switch s {
            case 0: return Corner(col: c.col, row: c.row)
            case 1: return Corner(col: c.col + 1, row: c.row)
            case 2: return Corner(col: c.col + 1, row: c.row + 1)
            default: return Corner(col: c.col, row: c.row + 1)
            }
        }
        var used = [Bool](repeating: false, count: 4 * n)
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
                let p = corners[i == 0 ? corners.count - 1 : i - 1], q = corners[i == corners.count - 1 ? 0 : i + 1]
                if (c.col - p.col) * (q.row - c.row) != (c.row - p.row) * (q.col - c.col) {
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
        for first in 0..<(4 * n) where !used[first] && side[first % 4][first / 4] < 0 {
            let group = groups.root(first / 4)
            walk.removeAll(keepingCapacity: true)
            seenAt.removeAll(keepingCapacity: true)
            var (i, s) = (first / 4, first % 4)
            // Whether the walk came to this edge's start by a pinch (see below): the first edge's
            // start is one when the cell's previous side is open and the cell across is in the set.
            var pinched = side[(s + 3) % 4][i] < 0 && corner[(s + 3) % 4][i] >= 0
            repeat {
                used[4 * i + s] = true
                let a = start(i, s)
                // Cells of one group touching at a corner (a hole or two touching there) make the
                // walk pass that corner twice: the stretch between the two passes is a ring of its
                // own (the hole's; or the shell, with the rest a hole), so that every ring is simple,
                // as GEOS's valid polygons need: holes may touch the shell, or each other, at a point.
                if pinched {
                    if let at = seenAt[a] {
                        guard close(walk[at...], group: group) else { return nil }
                        for c in walk[at...] { seenAt[c] = nil }
                        walk.removeSubrange(at...)
                    }
                    seenAt[a] = walk.count
                }
                walk.append(a)
                // The next edge leaves from this one's end, the corner between sides s and s + 1:
                // up the same cell's next side when that is open (a left turn; where the cell
                // across the corner is in the set too, the two touch there: a pinch); else on along
                // the neighbour's side s when that is open; else down the side s - 1 of the cell
                // across the corner (a right turn).
                let t = (s + 1) % 4
                if side[t][i] < 0 {
                    pinched = corner[s][i] >= 0
                    s = t
                } else if side[s][side[t][i]] < 0 {
                    pinched = false
                    i = side[t][i]
                } else {
                    pinched = false
                    i = side[s][side[t][i]]
                    s = (s + 3) % 4
                }
            } while 4 * i + s != first && !used[4 * i + s]
            guard 4 * i + s == first, walk.count >= 4, close(walk[...], group: group) else { return nil }
        }
        guard holes.keys.allSatisfy({ shells[$0] != nil }) else { return nil }
        var members: [Int: [Int]] = [:]
        for i in cells.indices { members[groups.root(i), default: []].append(i) }
        return shells.keys.sorted().map { (Polygon(exterior: shells[$0]!, holes: holes[$0] ?? []), members[$0] ?? []) }
    }
}
