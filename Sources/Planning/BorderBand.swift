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
