/// The uncapacitated covering problem after reductions, as two CSR views of one 0/1 matrix:
/// groups of demand (rows, with merged weights) and candidate columns. Candidates are numbered in
/// id order, so "lowest index" means "first by id" everywhere in the solver.
struct CoverageModel: Sendable {
    /// Group weights (demand not yet covered, identical rows merged).
    let weight: [Double]
    let rowOffsets: [Int]
    let rowCandidates: [Int32]
    let colOffsets: [Int]
    let colGroups: [Int32]
    /// For each reduced candidate, its position in the id-sorted candidate list.
    let sortedIndex: [Int]
    /// Every group weight is an integer, so every objective value is one.
    let integral: Bool
    let total: Double

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
        var degree = [Int](repeating: 0, count: n)
        for col in columns { for i in col { degree[Int(i)] += 1 } }
        var rowStart = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { rowStart[i + 1] = rowStart[i] + degree[i] }
        var fill = rowStart
        var rowCols = [Int32](repeating: 0, count: rowStart[n])
        for (c, col) in columns.enumerated() {
            for i in col {
                rowCols[fill[Int(i)]] = Int32(c)
                fill[Int(i)] += 1
            }
        }
        var mark = [Int](repeating: -1, count: n)
        var dominated = [Bool](repeating: false, count: columns.count)
        for (c, col) in columns.enumerated() {
            for i in col { mark[Int(i)] = c }
            var pivot = Int(col[0])
            for i in col where degree[Int(i)] < degree[pivot] { pivot = Int(i) }
            for t in rowStart[pivot]..<rowStart[pivot + 1] {
                let other = Int(rowCols[t])
                if other == c || columns[other].count <= col.count { continue }
                var inside = 0
                for i in columns[other] where mark[Int(i)] == c { inside += 1 }
                if inside == col.count {
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
        var rows = [[Int32]](repeating: [], count: n)
        for (c, col) in finalColumns.enumerated() { for i in col { rows[Int(i)].append(Int32(c)) } }
        var groupOf = ListIndex()
        var weight: [Double] = []
        var groupRows: [[Int32]] = []
        for i in 0..<n where !rows[i].isEmpty {
            if let g = groupOf.find(rows[i], in: groupRows) {
                weight[g] += residual[i]
            } else {
                groupOf.insert(rows[i], index: weight.count)
                weight.append(residual[i])
                groupRows.append(rows[i])
            }
        }
        var rowOffsets = [0]
        var rowCandidates: [Int32] = []
        for row in groupRows {
            rowCandidates.append(contentsOf: row)
            rowOffsets.append(rowCandidates.count)
        }
        var colCount = [Int](repeating: 0, count: finalColumns.count + 1)
        for c in rowCandidates { colCount[Int(c) + 1] += 1 }
        for c in 0..<finalColumns.count { colCount[c + 1] += colCount[c] }
        var next = colCount
        var colGroups = [Int32](repeating: 0, count: rowCandidates.count)
        for g in 0..<groupRows.count {
            for t in rowOffsets[g]..<rowOffsets[g + 1] {
                let c = Int(rowCandidates[t])
                colGroups[next[c]] = Int32(g)
                next[c] += 1
            }
        }
        self.weight = weight
        self.rowOffsets = rowOffsets
        self.rowCandidates = rowCandidates
        self.colOffsets = colCount
        self.colGroups = colGroups
        self.sortedIndex = sortedIndex
        self.integral = weight.allSatisfy { $0 == $0.rounded() && $0 < 9e15 }
        self.total = weight.reduce(0, +)
    }

    /// Total weight of the groups covered by a set of candidates.
    func value(_ set: [Int]) -> Double {
        var covered = [Bool](repeating: false, count: groupCount)
        var v = 0.0
        for c in set {
            for t in colOffsets[c]..<colOffsets[c + 1] {
                let g = Int(colGroups[t])
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
