import Geo

/// Points bucketed by the square cell of a grid they lie in, for a few radius queries over
/// millions of points: which demand units a proposed site reaches. Made in linear time (a cell key
/// per point, computed on the cores, then a radix sort), about a fifth of a k-d tree's memory; a
/// query reads the cells its circle's box spans, widened by one cell on every side, row by row.
/// Answers are those of `PointIndex.within(radius:of:)`: the same squared distances
/// (`dx * dx + dy * dy`, `dx = p.x - q.x`), the same `<= r * r` test, sorted by (squared distance,
/// index). The extra cell covers rounding: `q.x - r` is rounded apart from `p.x - q.x`, so a point
/// the test accepts can lie a hair outside the box (by far less than a cell, which is never
/// smaller than a billionth of the coordinates' magnitude).
struct UnitGrid: Sendable {
    /// The points, by index.
    let points: [Coordinate]
    /// The side of a cell, in the points' units.
    let cell: Double
    let minX: Double
    let minY: Double
    let columns: Int
    let rows: Int
    /// Per point, its cell's key (row × columns + column) in the high 32 bits and its index in the
    /// low 32, ascending: each row's cells are one run.
    private let entries: [UInt64]

    /// A grid of cells of about `cell` (larger when the points span more than 65,536 cells a side,
    /// so that a key fits in 32 bits). The points are finite and fewer than 2³².
    init(_ points: [Coordinate], cell: Double) throws {
        precondition(points.count < 1 << 32)
        self.points = points
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for p in points {
            minX = min(minX, p.x)
            minY = min(minY, p.y)
            maxX = max(maxX, p.x)
            maxY = max(maxY, p.y)
        }
        if points.isEmpty { (minX, minY, maxX, maxY) = (0, 0, 0, 0) }
        let magnitude = max(abs(minX), abs(maxX), abs(minY), abs(maxY))
        let side = max(cell.isFinite ? cell : 0, (maxX - minX) / 65_535, (maxY - minY) / 65_535, magnitude * 1e-9, 1e-9)
        let columns = Int(((maxX - minX) / side).rounded(.down)) + 1
        let rows = Int(((maxY - minY) / side).rounded(.down)) + 1
        (self.cell, self.minX, self.minY, self.columns, self.rows) = (side, minX, minY, columns, rows)
        let (x0, y0) = (minX, minY)
        var entries: [UInt64] = try parallelArray(cuts: evenCuts(points.count)) { _, writer in
            points.withUnsafeBufferPointer { points in
                for u in writer.range {
                    let cx = min(columns - 1, Int(((points[u].x - x0) / side).rounded(.down)))
                    let cy = min(rows - 1, Int(((points[u].y - y0) / side).rounded(.down)))
                    writer.append(UInt64(cy * columns + cx) << 32 | UInt64(u))
                }
            }
        }
        let scratch = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: entries.count)
        defer { scratch.deallocate() }
        entries.withUnsafeMutableBufferPointer { radixSortByHighWord($0, scratch: scratch) }
        self.entries = entries
    }

    /// The points within `radius` of `q` (`<= radius * radius` squared), by (squared distance, index).
    func within(radius: Double, of q: Coordinate) -> [PointIndex.Neighbor] {
        guard radius >= 0, !entries.isEmpty else { return [] }
        let bound = radius * radius
        // Cells of every point whose x and y are within radius of q's, and one more on each side
        // (the cell of a coordinate does not decrease as the coordinate grows).
        let fx0 = ((q.x - radius - minX) / cell).rounded(.down) - 1, fx1 = ((q.x + radius - minX) / cell).rounded(.down) + 1
        let fy0 = ((q.y - radius - minY) / cell).rounded(.down) - 1, fy1 = ((q.y + radius - minY) / cell).rounded(.down) + 1
        guard fx1 >= 0, fy1 >= 0, fx0 < Double(columns), fy0 < Double(rows) else { return [] }
        let cx0 = Int(max(fx0, 0)), cx1 = Int(min(fx1, Double(columns - 1)))
        let cy0 = Int(max(fy0, 0)), cy1 = Int(min(fy1, Double(rows - 1)))
        var out: [PointIndex.Neighbor] = []
        entries.withUnsafeBufferPointer { entries in
            points.withUnsafeBufferPointer { points in
                // The first entry whose key is at least `key` (keys are below 2^32; the end of the
                // last row is 2^32 itself when the grid is 65,536 cells a side).
                func first(_ key: Int) -> Int {
                    if key >= 1 << 32 { return entries.count }
                    let target = UInt64(key) << 32
                    var low = 0, high = entries.count
                    while low < high {
                        let mid = (low + high) / 2
                        if entries[mid] < target { low = mid + 1 } else { high = mid }
                    }
                    return low
                }
                for cy in cy0...cy1 {
                    for e in first(cy * columns + cx0)..<first(cy * columns + cx1 + 1) {
                        let u = Int(entries[e] & 0xFFFF_FFFF)
                        let dx = points[u].x - q.x
                        let dy = points[u].y - q.y
                        let d = dx * dx + dy * dy
                        if d <= bound { out.append(PointIndex.Neighbor(index: u, squaredDistance: d)) }
                    }
                }
            }
        }
        out.sort { $0.squaredDistance < $1.squaredDistance || ($0.squaredDistance == $1.squaredDistance && $0.index < $1.index) }
        return out
    }
}
