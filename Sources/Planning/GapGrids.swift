// Grids over a district's cells that let the gaps skip GEOS: the band of cells along its border
// (BorderBand) and the owner of each traced part's cells (CellOwners).

import Geo

extension GapReport {
    /// The grid cells near a district's border: every cell within `margin` cells of one that its
    /// boundary (outer rings and holes) touches. A connected group of cells none of which is in the
    /// band holds points of the district only if it lies wholly inside, at least `margin` cells from
    /// the border, so that no GEOS predicate is needed to tell.
    ///
    /// Made by walking each boundary segment in steps of at most half a cell: every point of the
    /// segment is within a quarter cell of a step, so every cell that the segment touches is within
    /// two cells of a step's cell; the band marks `margin` + 2 cells around each step's cell. Kept
    /// as a bitmap over the district's envelope (nil for a district whose envelope spans more than
    /// `maxCells` cells: then every group goes to GEOS).
    struct BorderBand {
        let col0: Int
        let row0: Int
        let columns: Int
        let rows: Int
        private var marks: [Bool]

        init?(_ district: Geometry, cellM: Double, margin: Int = 1, maxCells: Int = 1 << 24) {
            guard let box = district.envelope, cellM > 0 else { return nil }
            let reach = margin + 2
            let lo = (x: (box.minX / cellM).rounded(.down), y: (box.minY / cellM).rounded(.down))
            let hi = (x: (box.maxX / cellM).rounded(.down), y: (box.maxY / cellM).rounded(.down))
            let spanX = hi.x - lo.x + Double(2 * reach + 1), spanY = hi.y - lo.y + Double(2 * reach + 1)
            guard spanX.isFinite, spanY.isFinite, spanX * spanY <= Double(maxCells) else { return nil }
            col0 = Int(lo.x) - reach
            row0 = Int(lo.y) - reach
            columns = Int(spanX)
            rows = Int(spanY)
            var marks = [Bool](repeating: false, count: columns * rows)
            let (columns, rows, col0, row0) = (columns, rows, col0, row0)
            var last: (col: Int, row: Int)? = nil
            func mark(_ p: Coordinate) {
                let col = Int((p.x / cellM).rounded(.down)), row = Int((p.y / cellM).rounded(.down))
                if let last, last == (col, row) { return }
                last = (col, row)
                for r in max(0, row - reach - row0)...min(rows - 1, row + reach - row0) {
                    for c in max(0, col - reach - col0)...min(columns - 1, col + reach - col0) { marks[r * columns + c] = true }
                }
            }
            for polygon in district.polygons {
                for ring in [polygon.exterior] + polygon.holes {
                    for (a, b) in zip(ring, ring.dropFirst()) {
                        let dx = b.x - a.x, dy = b.y - a.y
                        let steps = max(1, Int(((dx * dx + dy * dy).squareRoot() / (cellM / 2)).rounded(.up)))
                        for k in 0...steps {
                            let t = Double(k) / Double(steps)
                            mark(Coordinate(x: a.x + dx * t, y: a.y + dy * t))
                        }
                    }
                }
            }
            self.marks = marks
        }

        /// Whether the cell is in the band (cells outside the bitmap count as in it).
        func contains(_ cell: Cell) -> Bool {
            let c = cell.col - col0, r = cell.row - row0
            guard c >= 0, c < columns, r >= 0, r < rows else { return true }
            return marks[r * columns + c]
        }
    }
}

extension GapReport {
    /// Which traced part owns each cell, on a grid over the cells' extent, to find the pairs of
    /// traced parts within `mergeM` of each other: two unions of closed cells are as far apart as
    /// their nearest two cells, and cells `dc` columns and `dr` rows apart are
    /// `cellM × √(max(0, |dc| − 1)² + max(0, |dr| − 1)²)` apart. Nil when `mergeM` spans more than
    /// four cells (the window a cell looks through grows with its square) or the grid would hold
    /// more than `maxCells` cells.
    struct CellOwners {
        let cells: [Cell]
        let partCells: [[Int]?]
        let col0: Int
        let row0: Int
        let columns: Int
        /// Part index a cell, -1 for none.
        private let owner: [Int32]
        /// How many columns or rows apart two cells can be and still be within mergeM.
        let reach: Int
        let cellM: Double
        /// mergeM².
        let limit: Double

        init?(_ cells: [Cell], partCells: [[Int]?], cellM: Double, mergeM: Double, maxCells: Int = 1 << 24) {
            guard let first = cells.first, partCells.count < Int(Int32.max), cellM > 0, mergeM / cellM <= 4 else { return nil }
            reach = Int((mergeM / cellM).rounded(.down)) + 1
            limit = mergeM * mergeM
            var lo = (col: first.col, row: first.row), hi = lo
            for c in cells {
                lo = (min(lo.col, c.col), min(lo.row, c.row))
                hi = (max(hi.col, c.col), max(hi.row, c.row))
            }
            let columns = hi.col - lo.col + 1 + 2 * reach, rows = hi.row - lo.row + 1 + 2 * reach
            guard Double(columns) * Double(rows) <= Double(maxCells) else { return nil }
            (self.cells, self.partCells, col0, row0, self.columns) = (cells, partCells, lo.col - reach, lo.row - reach, columns)
            var owner = [Int32](repeating: -1, count: columns * rows)
            for (p, members) in partCells.enumerated() {
                guard let members else { continue }
                for m in members { owner[(cells[m].row - row0) * columns + (cells[m].col - col0)] = Int32(p) }
            }
            self.owner = owner
            self.cellM = cellM
        }

        /// Calls `body(i, j)` for traced parts i < j with a cell of each within mergeM (a pair may
        /// come more than once).
        func forEachPairWithin(_ body: (Int, Int) -> Void) {
            for (p, members) in partCells.enumerated() {
                guard let members else { continue }
                for m in members {
                    let c = cells[m]
                    for dr in -reach...reach {
                        let gy = Double(max(0, abs(dr) - 1))
                        let rowBase = (c.row + dr - row0) * columns - col0
                        for dc in -reach...reach {
                            let q = Int(owner[rowBase + c.col + dc])
                            guard q > p else { continue }
                            let gx = Double(max(0, abs(dc) - 1))
                            if (gx * gx + gy * gy) * cellM * cellM <= limit { body(p, q) }
                        }
                    }
                }
            }
        }
    }
}
