/// Which columns (stations or candidate sites) each row (demand node) can reach, as compressed
/// sparse rows: the columns of row `i` are `columns[offsets[i] ..< offsets[i + 1]]`.
///
/// This is the only graph type of the planning algorithms. It holds indices, no geometry, and no
/// per-edge objects, so a graph with tens of millions of edges is two flat arrays.
public struct Reach: Sendable, Equatable {
    /// Number of rows (demand nodes).
    public let rowCount: Int
    /// Number of columns (stations, candidates).
    public let columnCount: Int
    /// `rowCount + 1` ascending offsets into `columns`, starting at 0.
    public let offsets: [Int]
    /// Column index of each edge, row by row.
    public let columns: [Int32]

    /// Number of edges.
    public var edgeCount: Int { columns.count }

    /// Takes CSR arrays as they are. Throws when the offsets are not ascending from 0 to
    /// `columns.count` or a column is outside `0 ..< columnCount`.
    public init(rowCount: Int, columnCount: Int, offsets: [Int], columns: [Int32]) throws(OptimizationError) {
        guard rowCount >= 0, columnCount >= 0, columnCount <= Int(Int32.max) else {
            throw .invalidInput("negative row or column count")
        }
        guard offsets.count == rowCount + 1, offsets.first == 0, offsets.last == columns.count else {
            throw .invalidInput("offsets must have rowCount + 1 entries from 0 to the number of edges")
        }
        for r in 0..<rowCount where offsets[r] > offsets[r + 1] {
            throw .invalidInput("offsets are not ascending at row \(r)")
        }
        for c in columns where c < 0 || Int(c) >= columnCount {
            throw .invalidInput("column \(c) outside 0..<\(columnCount)")
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.offsets = offsets
        self.columns = columns
    }

    init(unchecked rowCount: Int, columnCount: Int, offsets: [Int], columns: [Int32]) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.offsets = offsets
        self.columns = columns
    }

    /// Builds the graph from one list of columns per row (duplicates are kept as given).
    public init(rows: [[Int]], columnCount: Int) throws(OptimizationError) {
        var offsets = [Int](repeating: 0, count: rows.count + 1)
        var columns: [Int32] = []
        columns.reserveCapacity(rows.reduce(0) { $0 + $1.count })
        for (r, row) in rows.enumerated() {
            for c in row {
                guard c >= 0, c < columnCount else { throw .invalidInput("row \(r): column \(c) outside 0..<\(columnCount)") }
                columns.append(Int32(c))
            }
            offsets[r + 1] = columns.count
        }
        try self.init(rowCount: rows.count, columnCount: columnCount, offsets: offsets, columns: columns)
    }

    /// Builds the graph from one list of rows per column (for example the demand each candidate
    /// site covers). Rows list their columns in ascending column order.
    public init(columnLists: [[Int]], rowCount: Int) throws(OptimizationError) {
        for (c, list) in columnLists.enumerated() {
            for r in list where r < 0 || r >= rowCount {
                throw .invalidInput("column \(c): row \(r) outside 0..<\(rowCount)")
            }
        }
        self.init(uncheckedColumnLists: columnLists, rowCount: rowCount)
    }

    /// The same from lists known to be in range.
    init<Row: BinaryInteger>(uncheckedColumnLists columnLists: [[Row]], rowCount: Int) {
        var counts = [Int](repeating: 0, count: rowCount + 1)
        for list in columnLists { for r in list { counts[Int(r) + 1] += 1 } }
        for r in 0..<rowCount { counts[r + 1] += counts[r] }
        var next = counts
        var columns = [Int32](repeating: 0, count: counts[rowCount])
        for (c, list) in columnLists.enumerated() {
            for r in list {
                columns[next[Int(r)]] = Int32(c)
                next[Int(r)] += 1
            }
        }
        self.init(unchecked: rowCount, columnCount: columnLists.count, offsets: counts, columns: columns)
    }

    /// The columns of one row.
    public func row(_ r: Int) -> ArraySlice<Int32> { columns[offsets[r]..<offsets[r + 1]] }

    /// The same edges indexed the other way round: rows become columns. Within each new row the
    /// entries are in ascending order.
    public func transposed() -> Reach { transposition(keepingEdges: false).reach }

    /// The transpose together with, for each of its entries, the index of the same edge in `self`
    /// (so that per-edge values such as flows stored in `self`'s order can be read column-wise).
    func transposedWithEdges() -> (reach: Reach, edge: [Int32]) { transposition(keepingEdges: true) }

    /// Counting-sort transposition, the one place the CSR is turned round (rows in ascending order
    /// within each column). `edge` is empty unless `keepingEdges`.
    private func transposition(keepingEdges: Bool) -> (reach: Reach, edge: [Int32]) {
        var counts = [Int](repeating: 0, count: columnCount + 1)
        for c in columns { counts[Int(c) + 1] += 1 }
        for c in 0..<columnCount { counts[c + 1] += counts[c] }
        var next = counts
        var rows = [Int32](repeating: 0, count: columns.count)
        var edges = [Int32](repeating: 0, count: keepingEdges ? columns.count : 0)
        let rowCount = self.rowCount
        offsets.withUnsafeBufferPointer { off in
            columns.withUnsafeBufferPointer { cols in
                rows.withUnsafeMutableBufferPointer { rows in
                    edges.withUnsafeMutableBufferPointer { edges in
                        next.withUnsafeMutableBufferPointer { next in
                            for r in 0..<rowCount {
                                for e in off[r]..<off[r + 1] {
                                    let c = Int(cols[e])
                                    rows[next[c]] = Int32(r)
                                    if keepingEdges { edges[next[c]] = Int32(e) }
                                    next[c] += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return (Reach(unchecked: columnCount, columnCount: rowCount, offsets: counts, columns: rows), edges)
    }

    /// Flattens lists of columns, one per row, that are known to be in range.
    init(uncheckedRows rows: [[Int32]], columnCount: Int) {
        var offsets = [Int](repeating: 0, count: rows.count + 1)
        for (r, row) in rows.enumerated() { offsets[r + 1] = offsets[r] + row.count }
        var columns: [Int32] = []
        columns.reserveCapacity(offsets[rows.count])
        for row in rows { columns.append(contentsOf: row) }
        self.init(unchecked: rows.count, columnCount: columnCount, offsets: offsets, columns: columns)
    }

    /// `base` (or no edges when nil) with `lists.count` more columns appended: column
    /// `base.columnCount + k` reaches the rows in `lists[k]`. Each row keeps its columns from
    /// `base` first, in their order, then the new ones in ascending order.
    init(appending lists: [[Int32]], to base: Reach?, rowCount: Int) {
        let first = base?.columnCount ?? 0
        var offsets = [Int](repeating: 0, count: rowCount + 1)
        if let base { for r in 0..<rowCount { offsets[r + 1] = base.offsets[r + 1] - base.offsets[r] } }
        for list in lists { for r in list { offsets[Int(r) + 1] += 1 } }
        for r in 0..<rowCount { offsets[r + 1] += offsets[r] }
        var next = offsets
        var columns = [Int32](repeating: 0, count: offsets[rowCount])
        if let base {
            for r in 0..<rowCount {
                for e in base.offsets[r]..<base.offsets[r + 1] {
                    columns[next[r]] = base.columns[e]
                    next[r] += 1
                }
            }
        }
        for (k, list) in lists.enumerated() {
            for r in list {
                columns[next[Int(r)]] = Int32(first + k)
                next[Int(r)] += 1
            }
        }
        self.init(unchecked: rowCount, columnCount: first + lists.count, offsets: offsets, columns: columns)
    }
}

/// Checks the inputs of an assignment or allocation (one weight per demand row, one capacity per
/// station column, weights finite and ≥ 0, capacities ≥ 0 or infinite, 32-bit indices) and returns
/// the largest finite amount, the scale of the zero tolerance.
func validatedScale(weights: [Double], capacities: [Double], reach: Reach) throws(OptimizationError) -> Double {
    guard weights.count == reach.rowCount else {
        throw .invalidInput("\(weights.count) weights for \(reach.rowCount) demand rows")
    }
    guard capacities.count == reach.columnCount else {
        throw .invalidInput("\(capacities.count) capacities for \(reach.columnCount) stations")
    }
    var scale = 0.0
    for w in weights {
        guard w >= 0, w.isFinite else { throw .invalidInput("demand weight \(w) is negative or not finite") }
        scale = max(scale, w)
    }
    for c in capacities {
        guard c >= 0, !c.isNaN else { throw .invalidInput("capacity \(c) is negative or NaN") }
        if c.isFinite { scale = max(scale, c) }
    }
    guard reach.edgeCount < Int(Int32.max), reach.rowCount < Int(Int32.max) else {
        throw .invalidInput("graph too large for 32-bit edge indices")
    }
    return scale
}
