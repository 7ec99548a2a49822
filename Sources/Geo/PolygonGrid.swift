/// A uniform grid over the polygons of a `PolygonIndex` that answers most point-in-polygon
/// questions in Swift, with GEOS asked only for points in cells that a polygon's boundary passes
/// through. It gives exactly GEOS's answer:
///
/// - A cell is the closed rectangle `[xs[i], xs[i+1]] × [ys[j], ys[j+1]]`; a query point is put in
///   a cell whose closed rectangle holds it (checked against the stored edges, not only computed).
/// - A polygon's boundary marks every cell that any of its segments may touch, generously: each
///   cell is widened by a margin far above the rounding of the arithmetic that finds the cells.
///   Marking too many cells only sends more points to GEOS.
/// - In a cell that no segment of a polygon touches, the polygon's boundary does not enter the
///   cell, so the whole cell is inside the polygon or the whole cell is outside it; GEOS answers
///   for the cell's centre once, and that answer holds for every point of the cell.
///
/// Cells are classified on first use, and a polygon's boundary cells are found the first time a
/// cell in its envelope is classified, so a lookup of a few points costs little. Candidate
/// polygons of a cell are those whose envelope meets it, found through the index's STRtree when
/// there are many polygons.
struct PolygonGrid {
    /// Cell edges: `xs.count == nx + 1`, `ys.count == ny + 1`, increasing.
    let xs: [Double]
    let ys: [Double]
    let nx: Int
    let ny: Int
    let minX: Double
    let minY: Double
    let cellWidth: Double
    let cellHeight: Double
    /// Added on every side of a cell when marking the cells a segment touches.
    let margin: Double
    /// Each polygon's envelope (nil for an empty polygon, which covers nothing).
    let envelopes: [Envelope?]
    /// The rings of each polygon (exteriors and holes of every part).
    let rings: [[[Coordinate]]]
    /// Per cell: -1 while not classified, else the offset in `entries` of its list, which ends
    /// with -1. An entry is `polygon << 1 | 1` for a boundary cell of the polygon (GEOS decides
    /// per point) and `polygon << 1` for a cell wholly inside it; polygons wholly outside are not
    /// listed. Entries are in increasing polygon order.
    var cells: [Int32]
    var entries: [Int32] = []
    /// Per polygon, the cells its boundary may touch, once computed.
    var boundaryCells: [Set<Int32>?]

    /// About this many cells a polygon (within the limits below).
    static let cellsPerPolygon = 256
    static let minimumCells = 4_096
    static let maximumCells = 1 << 21

    /// A grid over `geometries`, or nil when they are not all polygons or multipolygons, or their
    /// extent is too thin or too far from the origin for the margin to stay small.
    init?(_ geometries: [Geometry]) {
        var rings: [[[Coordinate]]] = []
        var envelopes: [Envelope?] = []
        var all: Envelope?
        var largest = 0.0
        for g in geometries {
            switch g {
            case .polygon, .multiPolygon: break
            default: return nil
            }
            var own: [[Coordinate]] = []
            var envelope: Envelope?
            for p in g.polygons {
                for ring in [p.exterior] + p.holes where !ring.isEmpty {
                    own.append(ring)
                    for c in ring {
                        guard c.x.isFinite, c.y.isFinite else { return nil }
                        if envelope == nil { envelope = Envelope(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y) } else { envelope!.expand(toInclude: c) }
                        largest = max(largest, abs(c.x), abs(c.y))
                    }
                }
            }
            rings.append(own)
            envelopes.append(envelope)
            if let envelope {
                if all == nil { all = envelope } else { all!.expand(toInclude: envelope) }
            }
        }
        guard let all, geometries.count < Int(Int32.max >> 2) else { return nil }
        let width = all.maxX - all.minX, height = all.maxY - all.minY
        // Extreme coordinates can overflow the extent (±1e308): no grid then, GEOS answers alone.
        guard width.isFinite, height.isFinite, width > 0, height > 0 else { return nil }
        let target = Double(min(max(geometries.count * PolygonGrid.cellsPerPolygon, PolygonGrid.minimumCells), PolygonGrid.maximumCells))
        let side = (width * height / target).squareRoot()
        let nx = max(1, min(Int((width / side).rounded(.up)), PolygonGrid.maximumCells))
        let ny = max(1, min(Int((height / side).rounded(.up)), PolygonGrid.maximumCells / nx))
        let cellWidth = width / Double(nx), cellHeight = height / Double(ny)
        // Far above the rounding of the cell arithmetic (a few units in the last place of the
        // largest coordinate), far below a cell.
        let margin = max(cellWidth, cellHeight) * 1e-6 + largest * 1e-12
        guard margin < min(cellWidth, cellHeight) / 16 else { return nil }
        var xs = (0...nx).map { all.minX + Double($0) * cellWidth }
        var ys = (0...ny).map { all.minY + Double($0) * cellHeight }
        xs[0] = all.minX
        ys[0] = all.minY
        xs[nx] = max(xs[nx], all.maxX)
        ys[ny] = max(ys[ny], all.maxY)
        for i in 1...nx where xs[i] < xs[i - 1] { return nil }
        for j in 1...ny where ys[j] < ys[j - 1] { return nil }
        self.xs = xs
        self.ys = ys
        self.nx = nx
        self.ny = ny
        self.minX = all.minX
        self.minY = all.minY
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
        self.margin = margin
        self.envelopes = envelopes
        self.rings = rings
        self.cells = Array(repeating: -1, count: nx * ny)
        self.boundaryCells = Array(repeating: nil, count: geometries.count)
    }

    /// The cell whose closed rectangle holds the point, or nil when the point is outside the grid
    /// (and so outside every polygon).
    func cell(of c: Coordinate) -> Int? {
        guard c.x >= xs[0], c.x <= xs[nx], c.y >= ys[0], c.y <= ys[ny] else { return nil }
        var i = column(c.x), j = row(c.y)
        while i > 0, c.x < xs[i] { i -= 1 }
        while i < nx - 1, c.x > xs[i + 1] { i += 1 }
        while j > 0, c.y < ys[j] { j -= 1 }
        while j < ny - 1, c.y > ys[j + 1] { j += 1 }
        return j * nx + i
    }

    /// The column of `x`, by arithmetic (clamped to the grid).
    @inline(__always) func column(_ x: Double) -> Int {
        let f = ((x - minX) / cellWidth).rounded(.down)
        return f < 0 ? 0 : (f >= Double(nx - 1) ? nx - 1 : Int(f))
    }

    @inline(__always) func row(_ y: Double) -> Int {
        let f = ((y - minY) / cellHeight).rounded(.down)
        return f < 0 ? 0 : (f >= Double(ny - 1) ? ny - 1 : Int(f))
    }

    /// The closed rectangle of a cell.
    func rectangle(_ cell: Int) -> Envelope {
        let i = cell % nx, j = cell / nx
        return Envelope(minX: xs[i], minY: ys[j], maxX: xs[i + 1], maxY: ys[j + 1])
    }

    /// Every cell that a segment of the polygon's rings may touch (each cell widened by `margin`).
    func markBoundary(of polygon: Int) -> Set<Int32> {
        var marked = Set<Int32>()
        for ring in rings[polygon] {
            guard var a = ring.last else { continue }  // the closing segment too, should a ring be open
            for b in ring {
                markSegment(a, b, into: &marked)
                a = b
            }
        }
        return marked
    }

    /// Marks the cells of rows `r0...r1` in column `i`.
    private func mark(column i: Int, rows r0: Int, _ r1: Int, into marked: inout Set<Int32>) {
        for j in r0...r1 { marked.insert(Int32(j * nx + i)) }
    }

    private func markSegment(_ a: Coordinate, _ b: Coordinate, into marked: inout Set<Int32>) {
        // Twice the margin: once for the rounding of the segment's arithmetic, once for the
        // difference between `column(_:)`/`row(_:)` and the stored edges.
        let m = 2 * margin
        let x0 = min(a.x, b.x), x1 = max(a.x, b.x), y0 = min(a.y, b.y), y1 = max(a.y, b.y)
        let c0 = column(x0 - m), c1 = column(x1 + m), r0 = row(y0 - m), r1 = row(y1 + m)
        if c0 == c1 || r0 == r1 || (c1 - c0 + 1) * (r1 - r0 + 1) <= 4 {
            // The segment's bounding box, widened: one row or column, or a few cells.
            for i in c0...c1 { mark(column: i, rows: r0, r1, into: &marked) }
            return
        }
        // A long segment: along its flatter axis, cell by cell, the range it spans across. With a
        // slope of at most 1 the interpolated value is off by a few units in the last place of the
        // largest coordinate at most, far below the margin.
        if abs(b.y - a.y) <= abs(b.x - a.x) {
            let slope = (b.y - a.y) / (b.x - a.x)
            for i in c0...c1 {
                let lo = max(x0, xs[i] - m), hi = min(x1, xs[i + 1] + m)
                guard lo <= hi else { continue }
                let ya = a.y + (lo - a.x) * slope, yb = a.y + (hi - a.x) * slope
                let rs = row(max(min(ya, yb), y0) - m), re = row(min(max(ya, yb), y1) + m)
                mark(column: i, rows: rs, re, into: &marked)
            }
        } else {
            let slope = (b.x - a.x) / (b.y - a.y)
            for j in r0...r1 {
                let lo = max(y0, ys[j] - m), hi = min(y1, ys[j + 1] + m)
                guard lo <= hi else { continue }
                let xa = a.x + (lo - a.y) * slope, xb = a.x + (hi - a.y) * slope
                let cs = column(max(min(xa, xb), x0) - m), ce = column(min(max(xa, xb), x1) + m)
                for i in cs...ce { marked.insert(Int32(j * nx + i)) }
            }
        }
    }
}
