/// The uncapacitated covering problem after reductions: one 0/1 matrix of demand groups (rows, with
/// merged weights) by candidate columns, held as a `Reach` and its transpose. Candidates are
/// numbered in id order, so "lowest index" means "first by id" everywhere in the solver.
struct CoverageModel: Sendable {
    /// Group weights (demand not yet covered, identical rows merged), by `GroupIndex`.
    let weight: [Double]
    /// Groups × columns: the candidate columns that cover each group, ascending.
    let byGroup: Reach
    /// Columns × groups: the groups each candidate column covers, ascending.
    let byCandidate: Reach
    /// For each column, its position in the id-sorted candidate list (`ColumnIndex` → list index).
    let sortedIndex: [Int]
    /// Every group weight is an integer, so every objective value is one.
    let integral: Bool
    let total: Double
    /// For each demand node of the lists the model was built from, its group (−1 when the
    /// reductions dropped it): lets a relaxation's multipliers carry over to a model built from
    /// this one's groups (summed over the merged ones).
    let groupOfNode: [GroupIndex]

    var groupCount: Int { weight.count }
    var candidateCount: Int { sortedIndex.count }

    /// Reduces the problem: demand with nothing left to cover or no candidate in reach goes; a
    /// candidate covering nothing, the same demand as a candidate earlier by id, or a strict subset
    /// of another candidate's demand goes (some optimal choice never needs it); demand nodes reached
    /// by exactly the same remaining candidates merge into one group.
    ///
    /// `lists[k]` is the demand covered by the k-th candidate in id order; `residual[i]` is the
    /// weight of demand `i` that existing stations leave uncovered.
    init(residual: [Double], lists: [[Int32]]) {
        let n = residual.count
        // 1. Columns restricted to demand with something left; drop empty and repeated columns.
        var columns: [[Int32]] = []
        var keptIndex: [Int] = []
        var seen = ListIndex()
        for (k, list) in lists.enumerated() {
            var col = list.filter { residual[Int($0)] > 0 }
            col.sort()
            var unique: [Int32] = []
            unique.reserveCapacity(col.count)
            for i in col where unique.last != i { unique.append(i) }
            if unique.isEmpty || seen.find(unique, in: columns) != nil { continue }
            seen.insert(unique, index: columns.count)
            columns.append(unique)
            keptIndex.append(k)
        }
        // 2. Strictly dominated columns.
        let demandColumns = Reach(uncheckedColumnLists: columns, rowCount: n)
        let rowStart = demandColumns.offsets, rowCols = demandColumns.columns
        var degree = [Int](repeating: 0, count: n)
        for i in 0..<n { degree[i] = rowStart[i + 1] - rowStart[i] }
        var dominated = [Bool](repeating: false, count: columns.count)
        for (c, col) in columns.enumerated() {
            var pivot = Int(col[0])
            for i in col where degree[Int(i)] < degree[pivot] { pivot = Int(i) }
            for t in rowStart[pivot]..<rowStart[pivot + 1] {
                let other = Int(rowCols[t])
                if other == c || columns[other].count <= col.count { continue }
                if Self.isSubset(col, of: columns[other]) {
                    dominated[c] = true
                    break
                }
            }
        }
        var finalColumns: [[Int32]] = []
        var sortedIndex: [Int] = []
        for c in columns.indices where !dominated[c] {
            finalColumns.append(columns[c])
            sortedIndex.append(keptIndex[c])
        }
        // 3. Rows over the remaining columns; merge identical rows.
        let rows = Reach(uncheckedColumnLists: finalColumns, rowCount: n)
        var groupOf = ListIndex()
        var weight: [Double] = []
        var groupRows: [[Int32]] = []
        var groupOfNode = [GroupIndex](repeating: -1, count: n)
        for i in 0..<n where rows.offsets[i + 1] > rows.offsets[i] {
            let row = Array(rows.row(i))
            if let g = groupOf.find(row, in: groupRows) {
                weight[g] += residual[i]
                groupOfNode[i] = g
            } else {
                groupOf.insert(row, index: weight.count)
                groupOfNode[i] = weight.count
                weight.append(residual[i])
                groupRows.append(row)
            }
        }
        self.groupOfNode = groupOfNode
        let byGroup = Reach(uncheckedRows: groupRows, columnCount: finalColumns.count)
        self.weight = weight
        self.byGroup = byGroup
        self.byCandidate = byGroup.transposed()
        self.sortedIndex = sortedIndex
        self.integral = weight.allSatisfy { $0 == $0.rounded() && $0 < 9e15 }
        self.total = weight.reduce(0, +)
    }

    /// Whether every element of `a` is in `b` (both ascending, without repeats): one merge that
    /// stops at the first element of `a` missing from `b` (for two candidates' lists, usually
    /// within the first few), or when what is left of `b` is shorter than what is left of `a`.
    static func isSubset(_ a: [Int32], of b: [Int32]) -> Bool {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var k = 0
                for (i, x) in a.enumerated() {
                    if b.count - k < a.count - i { return false }
                    while k < b.count && b[k] < x { k += 1 }
                    if k == b.count || b[k] != x { return false }
                    k += 1
                }
                return true
            }
        }
    }

    /// Total weight of the groups covered by a set of candidates.
    func value(_ set: [Int]) -> Double {
        var covered = [Bool](repeating: false, count: groupCount)
        var v = 0.0
        for c in set {
            for t in byCandidate.offsets[c]..<byCandidate.offsets[c + 1] {
                let g = Int(byCandidate.columns[t])
                if !covered[g] {
                    covered[g] = true
                    v += weight[g]
                }
            }
        }
        return v
    }
}

/// Finds equal integer lists fast: a 64-bit hash of each list to the indices of the lists with that
/// hash (compared element by element on a match), instead of hashing arrays as dictionary keys.
struct ListIndex {
    private var table: [UInt64: [Int]] = [:]

    static func hash(_ list: [Int32]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(list.count)
        for x in list {
            h = (h ^ UInt64(UInt32(bitPattern: x))) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
        }
        return h
    }

    /// The index of a stored list equal to `list`; `lists[index]` must be the stored lists.
    func find(_ list: [Int32], in lists: [[Int32]]) -> Int? {
        guard let bucket = table[Self.hash(list)] else { return nil }
        return bucket.first { lists[$0] == list }
    }

    mutating func insert(_ list: [Int32], index: Int) {
        table[Self.hash(list), default: []].append(index)
    }
}

extension CoverageModel {
    /// The model's arrays as unchecked buffers, for the hot loops of the solver.
    struct View {
        let weight: UnsafeBufferPointer<Double>
        /// `byGroup`: the columns covering group g are `groupColumns[groupOffsets[g] ..< groupOffsets[g + 1]]`.
        let groupOffsets: UnsafeBufferPointer<Int>
        let groupColumns: UnsafeBufferPointer<Int32>
        /// `byCandidate`: the groups column j covers are `columnGroups[columnOffsets[j] ..< columnOffsets[j + 1]]`.
        let columnOffsets: UnsafeBufferPointer<Int>
        let columnGroups: UnsafeBufferPointer<Int32>
    }

    /// `columns` ordered by the length of their lists (ties: lower index first).
    func byListLength(_ columns: [ColumnIndex]) -> [ColumnIndex] {
        let off = byCandidate.offsets
        return columns.sorted { a, b in
            let la = off[a + 1] - off[a], lb = off[b + 1] - off[b]
            return la < lb || (la == lb && a < b)
        }
    }

    /// Calls `body` with the model's arrays as buffers (valid only inside `body`).
    func withView<R>(_ body: (View) throws -> R) rethrows -> R {
        try weight.withUnsafeBufferPointer { w in
            try byGroup.offsets.withUnsafeBufferPointer { gOff in
                try byGroup.columns.withUnsafeBufferPointer { gCol in
                    try byCandidate.offsets.withUnsafeBufferPointer { cOff in
                        try byCandidate.columns.withUnsafeBufferPointer { cGrp in
                            try body(View(weight: w, groupOffsets: gOff, groupColumns: gCol, columnOffsets: cOff, columnGroups: cGrp))
                        }
                    }
                }
            }
        }
    }
}

/// Calls `body` with three arrays as mutable buffers (valid only inside `body`).
func withMutableBuffers<A, B, C, R>(_ a: inout [A], _ b: inout [B], _ c: inout [C],
                                    _ body: (UnsafeMutableBufferPointer<A>, UnsafeMutableBufferPointer<B>, UnsafeMutableBufferPointer<C>) throws -> R) rethrows -> R {
    try a.withUnsafeMutableBufferPointer { a in
        try b.withUnsafeMutableBufferPointer { b in
            try c.withUnsafeMutableBufferPointer { c in try body(a, b, c) }
        }
    }
}
