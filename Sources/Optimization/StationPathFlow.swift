/// Minimum-cost maximum allocation solved from the stations' side (the default method of
/// `minimumCostAllocation`).
///
/// It starts from the allocation that ignores capacities: all of each demand node's weight at its
/// nearest station (ties to the lower rank). That allocation is the cheapest there is, but
/// stations may hold more than their capacity. The overload is then moved out, one cheapest path
/// at a time (successive shortest paths from an overloaded station to a station with room, or to
/// "unserved"), until no station is over capacity:
///
/// - nodes are the stations, `U` ("unserved") and `T` (the sink: a station with room, or U, may
///   end a path there at no cost);
/// - station s → station t: a demand node i that s carries moves (part of) its flow to t, cost
///   c(i, t) − c(i, s), the least over the demand nodes s carries that reach t;
/// - station s → U: a demand node s carries is dropped, cost M − c(i, s) (the farthest one);
/// - U → station t: unserved weight of a demand node i within reach of t is taken up by t, cost
///   c(i, t) − M (the nearest one).
///
/// M is larger than any path's cost without it, so a path to a station with room always beats a
/// path that drops demand: the flow served is the maximum, and at the end no cheaper
/// rearrangement exists (Johnson potentials keep every reduced cost ≥ 0, so every path found is a
/// cheapest one). Paths are found in phases (`PrimalDualNetwork`, shared with `SeatPathFlow`,
/// here with `T` as the root and `U` as the middle node): distances to T from every overloaded
/// station (a Dijkstra backwards from T) update the potentials, then paths of reduced cost 0 are
/// followed depth first, a dead end lowering its potential (relabel) by its least reduced cost.
/// Each station keeps its outgoing arcs (one per neighbouring station, the least over the demand
/// it carries), rebuilt only when a demand node it carries leaves it; so a search step costs the
/// number of neighbouring stations, not the number of edges of the demand carried.
struct StationPathFlow: PrimalDualNetwork {
    let problem: CanonicalAllocationProblem
    let eps: Double
    /// Flow per canonical edge.
    private(set) var flow: [Double]
    /// Weight not served, per demand node.
    private var unserved: [Double]
    /// Load per station.
    private var load: [Double]
    private let rowOf: [Int32]
    /// Per station, the edges that may carry flow (some may have dropped to zero since).
    private var carried: [[Int32]]
    private var listed: [Bool]
    /// Per station, its arcs to other stations and to U (index m); valid unless `dirty`.
    private var arcs: [[PairArc]]
    private var dirty: [Bool]
    /// Per station, (cost, edge) of demand nodes within reach with weight unserved (lazy heap:
    /// entries whose demand has none left are dropped when they reach the top).
    private var revive: [IndexHeap]
    /// Per station, (−cost, edge) of the edges it carries: the top is the farthest demand, the
    /// one dropped by the arc to U (lazy: entries without flow are dropped at the top).
    private var farthest: [IndexHeap]
    /// Potentials of the stations and U (index m); T's is 0.
    var pi: [Double]
    private let bigM: Double
    private var slot: [Int32]

    /// Search state (`parentA`: the edge (i, s) whose flow moves, `parentB`: the edge it moves to,
    /// −1: none); every relabel counts, also the overloaded station's own.
    var phase: PhaseState
    static var sourceRelabelsFree: Bool { false }
    // Arcs by head, for the backward search.
    private var revStart: [Int]
    private var revNext: [Int]
    private var revTail: [Int32] = []
    private var revIndex: [Int32] = []
    /// Reduced costs up to this count as zero when following cheapest paths.
    let tolerance: Double

    struct PairArc {
        var to: Int32
        /// The edge (i, s) whose flow moves; the edge (i, t) it moves to (−1 for U).
        var from: Int32
        var into: Int32
        var cost: Double
    }

    init(_ problem: CanonicalAllocationProblem, eps: Double) {
        self.problem = problem
        self.eps = eps
        let n = problem.n, m = problem.m, edges = problem.station.count
        flow = [Double](repeating: 0, count: edges)
        unserved = [Double](repeating: 0, count: n)
        load = [Double](repeating: 0, count: m)
        var rowOf = [Int32](repeating: 0, count: edges)
        for i in 0..<n { for e in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] { rowOf[e] = Int32(i) } }
        self.rowOf = rowOf
        carried = [[Int32]](repeating: [], count: m)
        listed = [Bool](repeating: false, count: edges)
        arcs = [[PairArc]](repeating: [], count: m)
        dirty = [Bool](repeating: true, count: m)
        revive = [IndexHeap](repeating: IndexHeap(), count: m)
        farthest = [IndexHeap](repeating: IndexHeap(), count: m)
        pi = [Double](repeating: 0, count: m + 1)
        var maxCost = 0.0
        for c in problem.cost { maxCost = max(maxCost, c) }
        bigM = 2 * (Double(m) + 2) * max(maxCost, 1) + 1
        tolerance = bigM * 1e-13
        revStart = [Int](repeating: 0, count: m + 2)
        revNext = [Int](repeating: 0, count: m + 2)
        phase = PhaseState(nodes: m + 2)
        slot = [Int32](repeating: -1, count: m + 1)
        // Every demand node at its nearest station (first least cost in canonical order: lower rank).
        for i in 0..<n where problem.weight[i] > eps {
            let row = problem.rowOffsets[i]..<problem.rowOffsets[i + 1]
            guard var best = row.first else {
                unserved[i] = problem.weight[i]
                continue
            }
            for e in row where problem.cost[e] < problem.cost[best] { best = e }
            flow[best] = problem.weight[i]
            let j = Int(problem.station[best])
            load[j] += problem.weight[i]
            listed[best] = true
            carried[j].append(Int32(best))
            farthest[j].push(-problem.cost[best], Int32(best))
        }
    }

    /// Overload left at s.
    func left(_ s: Int) -> Double { load[s] - problem.capacity[s] }
    func progress(_ s: Int) -> Double { load[s] }

    /// The arc tables brought up to date and indexed by head, for the backward search.
    mutating func preparePhase() {
        let m = problem.m
        for v in 0..<m where dirty[v] { rebuild(v) }
        // Arcs by head: revStart[to] ..< revStart[to + 1] in revTail / revIndex (arc revIndex of revTail).
        for k in 0...(m + 1) { revStart[k] = 0 }
        for v in 0..<m { for arc in arcs[v] { revStart[Int(arc.to) + 1] += 1 } }
        for k in 0...m { revStart[k + 1] += revStart[k] }
        let total = revStart[m + 1]
        if revTail.count < total {
            revTail = [Int32](repeating: 0, count: total)
            revIndex = [Int32](repeating: 0, count: total)
        }
        for k in 0...m { revNext[k] = revStart[k] }
        for v in 0..<m {
            for (k, arc) in arcs[v].enumerated() {
                let slot = revNext[Int(arc.to)]
                revTail[slot] = Int32(v)
                revIndex[slot] = Int32(k)
                revNext[Int(arc.to)] = slot + 1
            }
        }
    }

    /// Backward search (arcs into v, from nodes not settled): T is reached from every station
    /// with room and from U; U from every station through the farthest demand it carries; a
    /// station v from the stations with an arc to it, and from U through its nearest unserved
    /// demand.
    mutating func expandBackward(_ v: Int, _ d: Double) {
        let m = problem.m, u = m, t = m + 1
        if v == t {
            for j in 0..<m where room(j) > eps { phase.lower(j, d + max(0, pi[j])) }
            phase.lower(u, d + max(0, pi[u]))
            return
        }
        let piV = pi[v]
        if v == u {
            for j in 0..<m where !phase.settled[j] {
                guard let (c, _) = farthestTop(j) else { continue }
                phase.lower(j, d + max(0, bigM - c + pi[j] - piV))
            }
            return
        }
        for k in revStart[v]..<revStart[v + 1] {
            let from = Int(revTail[k])
            if phase.settled[from] { continue }
            let arc = arcs[from][Int(revIndex[k])]
            phase.lower(from, d + max(0, arc.cost + pi[from] - piV))
        }
        if v < m, !phase.settled[u], let (c, _) = reviveTop(v) {
            phase.lower(u, d + max(0, c - bigM + pi[u] - piV))
        }
    }

    /// The next admissible arc out of v (see `PrimalDualNetwork`): from U, to T, then to each
    /// station through its nearest unserved demand; from a station, to T (when it has room), to U
    /// (dropping its farthest demand), then along its arc table (`parentA` the edge whose flow
    /// moves, `parentB` the edge it moves to).
    mutating func nextAdmissible(_ v: Int) -> (next: Int, a: Int32, b: Int32) {
        let m = problem.m, u = m, t = m + 1
        let stamp = phase.stamp
        var next = -1
        var fromEdge: Int32 = -1, intoEdge: Int32 = -1
        // Arcs 0 (to T) and 1 (to U) need no arc table, so a run of drops from one station
        // rebuilds nothing; the table is rebuilt when its arcs are reached.
        while phase.cursor[v] < (v == u ? m + 1 : arcs[v].count + 2) {
            let k = phase.cursor[v]
            if k >= 2 && v != u && dirty[v] {
                rebuild(v)
                phase.cursor[v] = 2
                continue
            }
            if k == 0 {
                if (v == u || room(v) > eps) && pi[v] <= tolerance {
                    next = t
                    break
                }
            } else if v == u {
                let j = k - 1
                if !phase.dead[j] && phase.onPath[j] != stamp, let (c, e) = reviveTop(j), c - bigM + pi[u] - pi[j] <= tolerance {
                    next = j
                    intoEdge = e
                    break
                }
            } else if k == 1 {
                if !phase.dead[u] && phase.onPath[u] != stamp, let (c, e) = farthestTop(v), bigM - c + pi[v] - pi[u] <= tolerance {
                    next = u
                    fromEdge = e
                    break
                }
            } else {
                let arc = arcs[v][k - 2]
                let to = Int(arc.to)
                if !phase.dead[to] && phase.onPath[to] != stamp && arc.cost + pi[v] - pi[to] <= tolerance {
                    next = to
                    fromEdge = arc.from
                    intoEdge = arc.into
                    break
                }
            }
            phase.cursor[v] += 1
        }
        return (next, fromEdge, intoEdge)
    }

    /// Each arc of the scan leads to one node: the scan moves on.
    mutating func stepBack(to p: Int) { phase.cursor[p] += 1 }

    private func room(_ v: Int) -> Double { problem.capacity[v] - load[v] }

    /// Forward search (arcs out of v, to nodes not settled): from U to T and to each station
    /// through its nearest unserved demand; from a station to T (when it has room), to U and
    /// along its arc table.
    mutating func expandForward(_ v: Int, _ d: Double) {
        let m = problem.m, u = m, t = m + 1
        if v == u {
            phase.relax(t, d + max(0, pi[u]), from: u, -1, -1)
            for j in 0..<m {
                if phase.settled[j] { continue }
                guard let (c, e) = reviveTop(j) else { continue }
                phase.relax(j, d + max(0, c - bigM + pi[u] - pi[j]), from: u, -1, e)
            }
            return
        }
        if room(v) > eps { phase.relax(t, d + max(0, pi[v]), from: v, -1, -1) }
        if dirty[v] { rebuild(v) }
        let base = pi[v]
        if !phase.settled[u], let (c, e) = farthestTop(v) { phase.relax(u, d + max(0, bigM - c + base - pi[u]), from: v, e, -1) }
        for arc in arcs[v] {
            let to = Int(arc.to)
            if phase.settled[to] { continue }
            phase.relax(to, d + max(0, arc.cost + base - pi[to]), from: v, arc.from, arc.into)
        }
    }

    /// The least reduced cost of the arcs leaving node v (station or U), ∞ when none does.
    mutating func leastReducedCost(_ v: Int) -> Double? {
        let m = problem.m, u = m
        var least = Double.infinity
        if v == u {
            least = pi[u]
            for j in 0..<m {
                if let (c, _) = reviveTop(j) { least = min(least, c - bigM + pi[u] - pi[j]) }
            }
            return least
        }
        if room(v) > eps { least = pi[v] }
        if let (c, _) = farthestTop(v) { least = min(least, bigM - c + pi[v] - pi[u]) }
        if dirty[v] {
            rebuild(v)
            phase.cursor[v] = 0
        }
        for arc in arcs[v] { least = min(least, arc.cost + pi[v] - pi[Int(arc.to)]) }
        return least
    }

    /// The cheapest (cost, edge) into station j from unserved weight, dropping stale entries.
    private mutating func reviveTop(_ j: Int) -> (Double, Int32)? {
        while let top = revive[j].top {
            if unserved[Int(rowOf[Int(top.index)])] > eps { return (top.key, top.index) }
            revive[j].pop()
        }
        return nil
    }

    /// The farthest (cost, edge) that station j carries, dropping stale entries.
    private mutating func farthestTop(_ j: Int) -> (Double, Int32)? {
        while let top = farthest[j].top {
            if flow[Int(top.index)] > eps { return (-top.key, top.index) }
            farthest[j].pop()
        }
        return nil
    }

    /// Recomputes station v's arcs from the demand it carries.
    private mutating func rebuild(_ v: Int) {
        carried[v].removeAll { e in
            if flow[Int(e)] > eps { return false }
            listed[Int(e)] = false
            return true
        }
        var list: [PairArc] = []
        swap(&list, &arcs[v])
        list.removeAll(keepingCapacity: true)
        for eb in carried[v] { addArcs(of: eb, at: v, to: &list) }
        for arc in list { slot[Int(arc.to)] = -1 }
        arcs[v] = list
        dirty[v] = false
    }

    /// Adds (or lowers) station v's arcs to other stations for the carried edge eb (the arc to U
    /// is kept apart, in `farthest`); `slot` maps a target to its
    /// position in `list` and is left set (the caller clears it).
    private mutating func addArcs(of eb: Int32, at v: Int, to list: inout [PairArc]) {
        let i = Int(rowOf[Int(eb)])
        let base = problem.cost[Int(eb)]
        for e in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] {
            let to = Int(problem.station[e])
            if to == v { continue }
            let c = problem.cost[e] - base
            let k = Int(slot[to])
            if k < 0 {
                slot[to] = Int32(list.count)
                list.append(PairArc(to: Int32(to), from: eb, into: Int32(e), cost: c))
            } else if c < list[k].cost {
                list[k] = PairArc(to: Int32(to), from: eb, into: Int32(e), cost: c)
            }
        }
    }

    /// A newly carried edge at station v: listed, and v's arcs lowered where it offers cheaper moves.
    private mutating func carry(_ e: Int, at v: Int, wasEmpty: Bool) {
        if wasEmpty { farthest[v].push(-problem.cost[e], Int32(e)) }
        if listed[e] { return }
        listed[e] = true
        carried[v].append(Int32(e))
        if dirty[v] { return }
        var list: [PairArc] = []
        swap(&list, &arcs[v])
        for (k, arc) in list.enumerated() { slot[Int(arc.to)] = Int32(k) }
        addArcs(of: Int32(e), at: v, to: &list)
        for arc in list { slot[Int(arc.to)] = -1 }
        arcs[v] = list
    }

    /// Pushes the bottleneck along the path the last search found, from station s.
    mutating func augment(from s: Int) {
        let m = problem.m, u = m, t = m + 1
        let last = Int(phase.parentNode[t])
        var b = load[s] - problem.capacity[s]
        if last != u { b = min(b, room(last)) }
        var v = last
        while v != s {
            let p = Int(phase.parentNode[v])
            if p == u {
                b = min(b, unserved[Int(rowOf[Int(phase.parentB[v])])])
            } else {
                b = min(b, flow[Int(phase.parentA[v])])
            }
            v = p
        }
        v = last
        while v != s {
            let p = Int(phase.parentNode[v])
            if p == u {
                let e = Int(phase.parentB[v])
                let i = Int(rowOf[e])
                unserved[i] -= b
                if unserved[i] < eps { unserved[i] = 0 }
                let wasEmpty = flow[e] <= eps
                flow[e] += b
                load[v] += b
                carry(e, at: v, wasEmpty: wasEmpty)
            } else {
                let from = Int(phase.parentA[v])
                flow[from] -= b
                load[p] -= b
                if flow[from] < eps {
                    flow[from] = 0
                    if !dirty[p] && arcs[p].contains(where: { $0.from == Int32(from) }) { dirty[p] = true }
                }
                if v == u {
                    let i = Int(rowOf[from])
                    let was = unserved[i]
                    unserved[i] += b
                    if was <= eps {
                        for e in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] {
                            revive[Int(problem.station[e])].push(problem.cost[e], Int32(e))
                        }
                    }
                } else {
                    let e = Int(phase.parentB[v])
                    let wasEmpty = flow[e] <= eps
                    flow[e] += b
                    load[v] += b
                    carry(e, at: v, wasEmpty: wasEmpty)
                }
            }
            v = p
        }
    }
}
