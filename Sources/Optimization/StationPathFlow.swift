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
/// cheapest one). Paths are found in phases: distances to T from every overloaded station (a
/// Dijkstra backwards from T) update the potentials, then paths of reduced cost 0 are followed
/// depth first, a dead end lowering its potential (relabel) by its least reduced cost. Each station keeps its outgoing arcs (one per neighbouring station, the least
/// over the demand it carries), rebuilt only when a demand node it carries leaves it; so a search
/// step costs the number of neighbouring stations, not the number of edges of the demand carried.
struct StationPathFlow {
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
    private var pi: [Double]
    private let bigM: Double
    private var slot: [Int32]

    // Search state, reused between searches (only touched entries are reset).
    private var dist: [Double]
    private var settled: [Bool]
    private var parentNode: [Int32]
    private var parentFrom: [Int32]
    private var parentInto: [Int32]
    private var touched: [Int32] = []
    private var settledList: [Int32] = []
    private var heap = IndexHeap()
    // Phase state: arcs by head, per-node scan position, dead ends, the current path's marks.
    private var revStart: [Int]
    private var revNext: [Int]
    private var revTail: [Int32] = []
    private var revIndex: [Int32] = []
    private var cursor: [Int]
    private var dead: [Bool]
    private var isExcess: [Bool]
    private var onPath: [UInt32]
    private var stamp: UInt32 = 0
    /// Relabels left in this phase (then new potentials from a phase's search).
    private var relabels = 0
    /// Reduced costs up to this count as zero when following cheapest paths.
    private let tolerance: Double

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
        cursor = [Int](repeating: 0, count: m + 2)
        dead = [Bool](repeating: false, count: m + 2)
        isExcess = [Bool](repeating: false, count: m + 2)
        onPath = [UInt32](repeating: 0, count: m + 2)
        slot = [Int32](repeating: -1, count: m + 1)
        dist = [Double](repeating: .infinity, count: m + 2)
        settled = [Bool](repeating: false, count: m + 2)
        parentNode = [Int32](repeating: -1, count: m + 2)
        parentFrom = [Int32](repeating: -1, count: m + 2)
        parentInto = [Int32](repeating: -1, count: m + 2)
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

    mutating func solve() {
        let m = problem.m
        var excess = (0..<m).filter { load[$0] - problem.capacity[$0] > eps }
        while !excess.isEmpty {
            let before = excess.map { load[$0] }
            phaseDistances(excess)
            relabels = m + 2
            for s in excess {
                while load[s] - problem.capacity[s] > eps {
                    guard admissiblePath(from: s) else { break }
                    augment(from: s)
                }
            }
            // A phase always moves something (each overloaded station has a cheapest path, all of
            // whose arcs are admissible); the fallback guards against rounding leaving it stuck.
            if zip(excess, before).allSatisfy({ load[$0] == $1 }) {
                let s = excess[0]
                guard search(from: s) else { break }
                augment(from: s)
            }
            excess = excess.filter { load[$0] - problem.capacity[$0] > eps }
        }
    }

    /// Distances to T from every node (on reduced costs, searched backwards from T until every
    /// overloaded station is reached), subtracted from the potentials: afterwards each overloaded
    /// station's cheapest path to T consists of arcs of reduced cost 0.
    private mutating func phaseDistances(_ excess: [Int]) {
        let m = problem.m, u = m, t = m + 1
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
        for v in 0...(m + 1) { dist[v] = .infinity; settled[v] = false; dead[v] = false; cursor[v] = 0 }
        for s in excess { isExcess[s] = true }
        var remaining = excess.count
        heap.removeAll()
        dist[t] = 0
        heap.push(0, t)
        var reachedAll = 0.0
        func lower(_ v: Int, _ nd: Double) {
            if nd < dist[v] {
                dist[v] = nd
                heap.push(nd, v)
            }
        }
        while let (d, v) = heap.pop() {
            if settled[v] || d > dist[v] { continue }
            settled[v] = true
            reachedAll = d
            if v < m && isExcess[v] {
                remaining -= 1
                if remaining == 0 { break }
            }
            if v == t {
                for j in 0..<m where room(j) > eps { lower(j, d + max(0, pi[j])) }
                lower(u, d + max(0, pi[u]))
                continue
            }
            let piV = pi[v]
            if v == u {
                for j in 0..<m where !settled[j] {
                    guard let (c, _) = farthestTop(j) else { continue }
                    lower(j, d + max(0, bigM - c + pi[j] - piV))
                }
                continue
            }
            for k in revStart[v]..<revStart[v + 1] {
                let from = Int(revTail[k])
                if settled[from] { continue }
                let arc = arcs[from][Int(revIndex[k])]
                lower(from, d + max(0, arc.cost + pi[from] - piV))
            }
            if v < m, !settled[u], let (c, _) = reviveTop(v) {
                lower(u, d + max(0, c - bigM + pi[u] - piV))
            }
        }
        for s in excess { isExcess[s] = false }
        for v in 0...m { pi[v] -= min(dist[v], reachedAll) }
        // `search` expects untouched distances.
        for v in 0...(m + 1) { dist[v] = .infinity; settled[v] = false }
        touched.removeAll(keepingCapacity: true)
    }

    /// A path from station s to T over arcs of reduced cost ≤ `tolerance` (depth first, each node's
    /// arcs scanned once per phase; nodes found to lead nowhere are skipped for the rest of the
    /// phase). Leaves the path in the parent arrays, as `search` does.
    private mutating func admissiblePath(from s: Int) -> Bool {
        let m = problem.m, u = m, t = m + 1
        stamp &+= 1
        var stack: [Int] = [s]
        onPath[s] = stamp
        parentNode[s] = -1
        while let v = stack.last {
            if v == t { return true }
            var next = -1
            var fromEdge: Int32 = -1, intoEdge: Int32 = -1
            // Arcs 0 (to T) and 1 (to U) need no arc table, so a run of drops from one station
            // rebuilds nothing; the table is rebuilt when its arcs are reached.
            while cursor[v] < (v == u ? m + 1 : arcs[v].count + 2) {
                let k = cursor[v]
                if k >= 2 && v != u && dirty[v] {
                    rebuild(v)
                    cursor[v] = 2
                    continue
                }
                if k == 0 {
                    if (v == u || room(v) > eps) && pi[v] <= tolerance {
                        next = t
                        break
                    }
                } else if v == u {
                    let j = k - 1
                    if !dead[j] && onPath[j] != stamp, let (c, e) = reviveTop(j), c - bigM + pi[u] - pi[j] <= tolerance {
                        next = j
                        intoEdge = e
                        break
                    }
                } else if k == 1 {
                    if !dead[u] && onPath[u] != stamp, let (c, e) = farthestTop(v), bigM - c + pi[v] - pi[u] <= tolerance {
                        next = u
                        fromEdge = e
                        break
                    }
                } else {
                    let arc = arcs[v][k - 2]
                    let to = Int(arc.to)
                    if !dead[to] && onPath[to] != stamp && arc.cost + pi[v] - pi[to] <= tolerance {
                        next = to
                        fromEdge = arc.from
                        intoEdge = arc.into
                        break
                    }
                }
                cursor[v] += 1
            }
            if next >= 0 {
                parentNode[next] = Int32(v)
                parentFrom[next] = fromEdge
                parentInto[next] = intoEdge
                if next != t { onPath[next] = stamp }
                stack.append(next)
            } else if relabels > 0, let delta = leastReducedCost(v), delta > tolerance, delta < .infinity {
                // No arc of reduced cost 0 leaves v: lower its potential by the least reduced
                // cost of its arcs (all stay ≥ 0, the cheapest becomes 0). The arc into v now
                // costs more, so the search steps back unless v is where it started.
                relabels -= 1
                pi[v] -= delta
                cursor[v] = 0
                if stack.count > 1 {
                    stack.removeLast()
                    cursor[stack[stack.count - 1]] += 1
                }
            } else {
                dead[v] = true
                stack.removeLast()
                if let p = stack.last { cursor[p] += 1 }
            }
        }
        return false
    }

    private func room(_ v: Int) -> Double { problem.capacity[v] - load[v] }

    /// Dijkstra from station s to T on reduced costs; updates the potentials. False when T cannot
    /// be reached (not expected: an overloaded station carries demand, which can always be dropped).
    private mutating func search(from s: Int) -> Bool {
        let m = problem.m, u = m, t = m + 1
        for v in touched { dist[Int(v)] = .infinity; settled[Int(v)] = false }
        touched.removeAll(keepingCapacity: true)
        settledList.removeAll(keepingCapacity: true)
        heap.removeAll()
        dist[s] = 0
        parentNode[s] = -1
        touched.append(Int32(s))
        heap.push(0, s)
        while let (d, v) = heap.pop() {
            if settled[v] || d > dist[v] { continue }
            settled[v] = true
            if v == t { break }
            settledList.append(Int32(v))
            if v == u {
                relax(t, d + max(0, pi[u]), from: u, -1, -1)
                for j in 0..<m {
                    if settled[j] { continue }
                    guard let (c, e) = reviveTop(j) else { continue }
                    relax(j, d + max(0, c - bigM + pi[u] - pi[j]), from: u, -1, e)
                }
                continue
            }
            if room(v) > eps { relax(t, d + max(0, pi[v]), from: v, -1, -1) }
            if dirty[v] { rebuild(v) }
            let base = pi[v]
            if !settled[u], let (c, e) = farthestTop(v) { relax(u, d + max(0, bigM - c + base - pi[u]), from: v, e, -1) }
            for arc in arcs[v] {
                let to = Int(arc.to)
                if settled[to] { continue }
                relax(to, d + max(0, arc.cost + base - pi[to]), from: v, arc.from, arc.into)
            }
        }
        guard settled[t] else { return false }
        let reached = dist[t]
        for v in settledList {
            let k = Int(v)
            pi[k] += dist[k] - reached
        }
        return true
    }

    @inline(__always)
    private mutating func relax(_ to: Int, _ nd: Double, from v: Int, _ fromEdge: Int32, _ intoEdge: Int32) {
        if nd < dist[to] {
            if dist[to] == .infinity { touched.append(Int32(to)) }
            dist[to] = nd
            parentNode[to] = Int32(v)
            parentFrom[to] = fromEdge
            parentInto[to] = intoEdge
            heap.push(nd, to)
        }
    }

    /// The least reduced cost of the arcs leaving node v (station or U), ∞ when none does.
    private mutating func leastReducedCost(_ v: Int) -> Double? {
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
            cursor[v] = 0
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
    private mutating func augment(from s: Int) {
        let m = problem.m, u = m, t = m + 1
        let last = Int(parentNode[t])
        var b = load[s] - problem.capacity[s]
        if last != u { b = min(b, room(last)) }
        var v = last
        while v != s {
            let p = Int(parentNode[v])
            if p == u {
                b = min(b, unserved[Int(rowOf[Int(parentInto[v])])])
            } else {
                b = min(b, flow[Int(parentFrom[v])])
            }
            v = p
        }
        v = last
        while v != s {
            let p = Int(parentNode[v])
            if p == u {
                let e = Int(parentInto[v])
                let i = Int(rowOf[e])
                unserved[i] -= b
                if unserved[i] < eps { unserved[i] = 0 }
                let wasEmpty = flow[e] <= eps
                flow[e] += b
                load[v] += b
                carry(e, at: v, wasEmpty: wasEmpty)
            } else {
                let from = Int(parentFrom[v])
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
                    let e = Int(parentInto[v])
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
