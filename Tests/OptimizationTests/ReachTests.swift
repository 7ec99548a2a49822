import TestSupport
import Testing
@testable import Optimization

@Suite("Reach: the sparse demand–station graph")
struct ReachTests {
    @Test("transpose with edge map: every entry names the same edge, rows ascending")
    func transposeWithEdges() throws {
        var rng = SplitMix64(seed: 41)
        for _ in 0..<20 {
            let m = Int.random(in: 1...6, using: &rng)
            let rows = randomBipartite(&rng, demand: Int.random(in: 0...12, using: &rng), stations: m, edgeProbability: 0.4)
            let reach = try Reach(rows: rows, columnCount: m)
            let (t, edge) = reach.transposedWithEdges()
            #expect(t == reach.transposed())
            #expect(t.rowCount == m && t.columnCount == rows.count && t.edgeCount == reach.edgeCount)
            for j in 0..<m {
                let list = Array(t.row(j)).map(Int.init)
                #expect(list == rows.indices.filter { rows[$0].contains(j) })
                for k in t.offsets[j]..<t.offsets[j + 1] {
                    let e = Int(edge[k])
                    #expect(Int(reach.columns[e]) == j)
                    #expect(reach.offsets[Int(t.columns[k])] <= e && e < reach.offsets[Int(t.columns[k]) + 1])
                }
            }
        }
    }

    @Test("appending columns keeps each row's own columns first, new ones after in order")
    func appending() throws {
        let base = try Reach(rows: [[1, 0], [], [1]], columnCount: 2)
        let joined = Reach(appending: [[0, 2], [2]], to: base, rowCount: 3)
        #expect(joined.columnCount == 4)
        #expect((0..<3).map { Array(joined.row($0)) } == [[1, 0, 2], [], [1, 2, 3]])
        let alone = Reach(appending: [[1], [0, 1]], to: nil, rowCount: 2)
        #expect((0..<2).map { Array(alone.row($0)) } == [[1], [0, 1]])
    }

    @Test("column lists: out-of-range rows are refused with the column named")
    func columnLists() throws {
        let r = try Reach(columnLists: [[2, 0], [0]], rowCount: 3)
        #expect((0..<3).map { Array(r.row($0)) } == [[0, 1], [], [0]])
        #expect(throws: OptimizationError.invalidInput("column 1: row 3 outside 0..<3")) {
            try Reach(columnLists: [[0], [3]], rowCount: 3)
        }
    }
}
