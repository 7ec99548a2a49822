/// Minimum-cost maximum allocation solved from the seats' side: the default method
/// (`.stationPaths`) uses it for the connected parts of the reach graph whose stations can hold
/// less than 40 % of the demand within their reach (`CanonicalAllocationProblem.scarcityByPart`),
/// so that the work grows with the demand served rather than with the demand left unserved.
///
/// It is `StationPathFlow` turned around. Every station must place all its seats (its capacity,
/// or the demand within its reach if that is less): on a demand node it reaches (cost c(i, j)),
/// or as an empty seat (cost M). It starts from nothing placed, which is optimal for nothing
/// placed; then each station with seats left to place sends them along cheapest paths:
///
/// - nodes are the stations, `E` ("empty seats") and `Z` (the root: demand not yet served);
/// - station t → `Z`: t takes the nearest demand node within its reach that still has weight
///   not served, cost c(i, t);
/// - station t → station s: t takes over (part of) a demand node i that s serves, cost
///   c(i, t) − c(i, s); s then has a seat to place again;
/// - station t → `E`: t leaves a seat empty, cost M; `E` → station j: j fills a seat it had left
///   empty, cost −M (j then places it); `E` → `Z` at no cost.
///
/// M is larger than any path's cost without it, so a seat is left empty only when no path leads
/// to demand not yet served: the demand served is the maximum, and at the end no cheaper
/// rearrangement exists (potentials keep every reduced cost ≥ 0, so every path found is a
/// cheapest one). Demand served never becomes unserved again on such paths, so the arcs back
/// from `Z` are never needed, and a demand node enters a station's arc list once, when it is
/// first served. Phases as in `StationPathFlow`: distances to `Z` from every station with seats
/// to place (a Dijkstra backwards from `Z`) update the potentials, then paths of reduced cost 0
/// are followed depth first, a dead end lowering its potential (relabel) by its least reduced
/// cost. A station searched from may relabel itself freely (nothing enters it on the path), so
/// each one takes its nearest demand one node after the other without a new phase.
struct SeatPathFlow {
    let problem: CanonicalAllocationProblem
    let eps: Double
    /// Flow per canonical edge.
    private(set) var flow: [Double]
    /// Weight not served, per demand node.
    private var unserved: [Double]
    private var rowServed: [Bool]
    /// Load per station, seats left empty per station, seats to place per station.
    private var load: [Double]
    private var empty: [Double]
    private let seats: [Double]
    private let rowOf: [Int32]
    /// Per station, its edges as a binary min-heap by (cost, later edge first):
    /// `columnCost`/`columnEdge[columnStart[j] ..< columnEnd[j]]`. Demand once served stays served,
    /// so edges whose demand is served are popped for good when they reach the top; a station
    /// takes a few of its nearest demand nodes, and a heap costs less to build than a sorted column.
    private let columnStart: [Int]
    private var columnEnd: [Int]
    private var columnCost: [Double]
    private var columnEdge: [Int32]
    /// Per station, its edges whose demand node is served (by any station), in the order they
    /// were first served: the takeover arcs are found through them.
    private var servedEdges: [[Int32]]
    /// Per station, the edges that may carry flow (some may have dropped to zero since).
    private var carried: [[Int32]]
    private var listed: [Bool]
    /// Potentials of the stations and E (index m); Z's (index m + 1) is 0.
    private var pi: [Double]
    private let bigM: Double
    private let tolerance: Double

    // Search state, reused between searches.
    private var dist: [Double]
    private var settled: [Bool]
    private var parentNode: [Int32]
    /// The edge whose flow grows at the parent, the edge whose flow shrinks at the node (−1: none).
    private var parentGain: [Int32]
    private var parentLoss: [Int32]
    private var touched: [Int32] = []
    private var settledList: [Int32] = []
    private var heap = IndexHeap()
    private var cursor: [Int]
    private var dead: [Bool]
    private var isSource: [Bool]
    private var onPath: [UInt32]
    private var stamp: UInt32 = 0
    /// Relabels of nodes other than the one searched from left in this phase.
    private var relabels = 0

    init(_ problem: CanonicalAllocationProblem, eps: Double) {
        self.problem = problem
        self.eps = eps
        let n = problem.n, m = problem.m, edges = problem.station.count
        flow = [Double](repeating: 0, count: edges)
        unserved = (0..<n).map { problem.weight[$0] > eps ? problem.weight[$0] : 0 }
        rowServed = [Bool](repeating: false, count: n)
        load = [Double](repeating: 0, count: m)
        empty = [Double](repeating: 0, count: m)
        var rowOf = [Int32](repeating: 0, count: edges)
        for i in 0..<n { for e in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] { rowOf[e] = Int32(i) } }
        self.rowOf = rowOf
        var columnStart = [Int](repeating: 0, count: m + 1)
        for e in 0..<edges { columnStart[Int(problem.station[e]) + 1] += 1 }
        for j in 0..<m { columnStart[j + 1] += columnStart[j] }
        var fill = Array(columnStart.dropLast())
        var columnEdge = [Int32](repeating: 0, count: edges)
        var columnCost = [Double](repeating: 0, count: edges)
        var reachable = [Double](repeating: 0, count: m)
        for e in 0..<edges {
            let j = Int(problem.station[e])
            columnEdge[fill[j]] = Int32(e)
            columnCost[fill[j]] = problem.cost[e]
            fill[j] += 1
            let w = problem.weight[Int(rowOf[e])]
            if w > eps { reachable[j] += w }
        }
        self.columnStart = columnStart
        columnEnd = Array(columnStart.dropFirst())
        self.columnCost = columnCost
        self.columnEdge = columnEdge
        seats = (0..<m).map { min(problem.capacity[$0], reachable[$0]) }
        servedEdges = [[Int32]](repeating: [], count: m)
        carried = [[Int32]](repeating: [], count: m)
        listed = [Bool](repeating: false, count: edges)
        pi = [Double](repeating: 0, count: m + 2)
        var maxCost = 0.0
        for c in problem.cost { maxCost = max(maxCost, c) }
        bigM = 2 * (Double(m) + 2) * max(maxCost, 1) + 1
        tolerance = bigM * 1e-13
        dist = [Double](repeating: .infinity, count: m + 2)
        settled = [Bool](repeating: false, count: m + 2)
        parentNode = [Int32](repeating: -1, count: m + 2)
        parentGain = [Int32](repeating: -1, count: m + 2)
        parentLoss = [Int32](repeating: -1, count: m + 2)
        cursor = [Int](repeating: 0, count: m + 2)
        dead = [Bool](repeating: false, count: m + 2)
        isSource = [Bool](repeating: false, count: m + 2)
        onPath = [UInt32](repeating: 0, count: m + 2)
        // Each column a heap (Floyd's construction).
        for j in 0..<m {
            let count = columnEnd[j] - columnStart[j]
            var k = count / 2
            while k > 0 {
                k -= 1
                siftDown(columnStart[j], k, count)
            }
        }
    }

    /// Seats station j has still to place.
    private func toPlace(_ j: Int) -> Double { seats[j] - load[j] - empty[j] }

    mutating func solve() {
        let m = problem.m
        var sources = (0..<m).filter { toPlace($0) > eps }
        while !sources.isEmpty {
            let before = sources.map { toPlace($0) }
            phaseDistances(sources)
            relabels = m + 2
            for s in sources {
                while toPlace(s) > eps {
                    guard admissiblePath(from: s) else { break }
                    augment(from: s)
                }
            }
            // A phase always places something (each station with seats to place has a cheapest
            // path, all of whose arcs are admissible); the fallback guards against rounding.
            if zip(sources, before).allSatisfy({ toPlace($0) == $1 }) {
                let s = sources[0]
                guard search(from: s) else { break }
                augment(from: s)
            }
            sources = sources.filter { toPlace($0) > eps }
        }
    }

    /// The nearest (cost, edge) of station j's demand with weight not served.
    private mutating func nearestUnserved(_ j: Int) -> (Double, Int32)? {
        let base = columnStart[j]
        while columnEnd[j] > base {
            let e = columnEdge[base]
            if unserved[Int(rowOf[Int(e)])] > eps { return (columnCost[base], e) }
            let last = columnEnd[j] - 1
            columnEnd[j] = last
            columnEdge[base] = columnEdge[last]
            columnCost[base] = columnCost[last]
            siftDown(base, 0, last - base)
        }
        return nil
    }

    /// Restores the heap order below position k of the column heap at `base` with `count` entries.
    private mutating func siftDown(_ base: Int, _ start: Int, _ count: Int) {
        var k = start
        let cost = columnCost[base + k], edge = columnEdge[base + k]
        while true {
            var child = 2 * k + 1
            if child >= count { break }
            let r = child + 1
            if r < count {
                let cl = columnCost[base + child], cr = columnCost[base + r]
                if cr < cl || (cr == cl && columnEdge[base + r] > columnEdge[base + child]) { child = r }
            }
            let cc = columnCost[base + child]
            if !(cc < cost || (cc == cost && columnEdge[base + child] > edge)) { break }
            columnCost[base + k] = cc
            columnEdge[base + k] = columnEdge[base + child]
            k = child
        }
        columnCost[base + k] = cost
        columnEdge[base + k] = edge
    }

    /// Drops the edges of station v that no longer carry flow from its carried list.
    private mutating func compact(_ v: Int) {
        carried[v].removeAll { e in
            if flow[Int(e)] > eps { return false }
            listed[Int(e)] = false
            return true
        }
    }

    /// Distances to Z from every node (on reduced costs, searched backwards from Z until every
    /// station with seats to place is reached), subtracted from the potentials.
    private mutating func phaseDistances(_ sources: [Int]) {
        let m = problem.m, e = m, z = m + 1
        for v in 0...(m + 1) { dist[v] = .infinity; settled[v] = false; dead[v] = false; cursor[v] = 0 }
        for s in sources { isSource[s] = true }
        var remaining = sources.count
        heap.removeAll()
        dist[z] = 0
        heap.push(0, z)
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
            if v < m && isSource[v] {
                remaining -= 1
                if remaining == 0 { break }
            }
            if v == z {
                for t in 0..<m where !settled[t] {
                    guard let (c, _) = nearestUnserved(t) else { continue }
                    lower(t, d + max(0, c + pi[t]))
                }
                lower(e, d + max(0, pi[e]))
                continue
            }
            let piV = pi[v]
            if v == e {
                for j in 0..<m where !settled[j] { lower(j, d + max(0, bigM + pi[j] - piV)) }
                continue
            }
            // Into station v: t takes over a demand node that v serves.
            compact(v)
            for f in carried[v] {
                let i = Int(rowOf[Int(f)])
                let cf = problem.cost[Int(f)]
                for g in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] {
                    let t = Int(problem.station[g])
                    if t == v || settled[t] { continue }
                    lower(t, d + max(0, problem.cost[g] - cf + pi[t] - piV))
                }
            }
            if empty[v] > eps && !settled[e] { lower(e, d + max(0, -bigM + pi[e] - piV)) }
        }
        for s in sources { isSource[s] = false }
        for v in 0...m { pi[v] -= min(dist[v], reachedAll) }
        for v in 0...(m + 1) { dist[v] = .infinity; settled[v] = false }
        touched.removeAll(keepingCapacity: true)
    }

    /// A path from station s to Z over arcs of reduced cost ≤ `tolerance` (depth first, each
    /// node's arcs scanned once per phase unless it is relabelled; nodes found to lead nowhere are
    /// skipped for the rest of the phase). Leaves the path in the parent arrays, as `search` does.
    private mutating func admissiblePath(from s: Int) -> Bool {
        let m = problem.m, e = m, z = m + 1
        stamp &+= 1
        var stack: [Int] = [s]
        onPath[s] = stamp
        parentNode[s] = -1
        while let v = stack.last {
            if v == z { return true }
            var next = -1
            var gain: Int32 = -1, loss: Int32 = -1
            let limit = v == e ? m + 1 : servedEdges[v].count + 2
            scan: while cursor[v] < limit {
                let k = cursor[v]
                if v == e {
                    if k == 0 {
                        if pi[e] <= tolerance { next = z; break }
                    } else {
                        let j = k - 1
                        if empty[j] > eps && !dead[j] && onPath[j] != stamp && -bigM + pi[e] - pi[j] <= tolerance {
                            next = j
                            break
                        }
                    }
                } else if k == 0 {
                    if let (c, g) = nearestUnserved(v), c + pi[v] <= tolerance {
                        next = z
                        gain = g
                        break
                    }
                } else if k == 1 {
                    if !dead[e] && onPath[e] != stamp && bigM + pi[v] - pi[e] <= tolerance {
                        next = e
                        break
                    }
                } else {
                    let g = Int(servedEdges[v][k - 2])
                    let i = Int(rowOf[g])
                    let base = problem.cost[g] + pi[v]
                    for f in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] where flow[f] > eps {
                        let w = Int(problem.station[f])
                        if w == v || dead[w] || onPath[w] == stamp { continue }
                        if base - problem.cost[f] - pi[w] <= tolerance {
                            next = w
                            gain = Int32(g)
                            loss = Int32(f)
                            break scan
                        }
                    }
                }
                cursor[v] += 1
            }
            if next >= 0 {
                parentNode[next] = Int32(v)
                parentGain[next] = gain
                parentLoss[next] = loss
                if next != z { onPath[next] = stamp }
                stack.append(next)
            } else if v == s || relabels > 0, let delta = leastReducedCost(v), delta > tolerance, delta < .infinity {
                // No arc of reduced cost 0 leaves v: lower its potential by the least reduced
                // cost of its arcs (all stay ≥ 0, the cheapest becomes 0). The arc into v now
                // costs more, so the search steps back unless v is where it started.
                if v != s { relabels -= 1 }
                pi[v] -= delta
                cursor[v] = 0
                if stack.count > 1 {
                    stack.removeLast()
                    stepBack(to: stack[stack.count - 1])
                }
            } else {
                dead[v] = true
                stack.removeLast()
                if let p = stack.last { stepBack(to: p) }
            }
        }
        return false
    }

    /// After the search stepped back to p from a child that led nowhere (dead) or was relabelled:
    /// p's scan moves past the arc to that child, unless the scan stands at a demand node p serves,
    /// whose other stations are arcs of their own; then it stays at that node and goes on with its
    /// other stations (a dead child is skipped there, a relabelled one entered again only if its arc
    /// is still admissible). Moving past the whole node would miss those arcs, and p could be found
    /// dead while it still has an admissible one, ending the phase early.
    private mutating func stepBack(to p: Int) {
        if p == problem.m || cursor[p] < 2 { cursor[p] += 1 }
    }

    /// The least reduced cost of the arcs leaving node v (station or E), ∞ when none does.
    private mutating func leastReducedCost(_ v: Int) -> Double? {
        let m = problem.m, e = m
        if v == e {
            var least = pi[e]
            for j in 0..<m where empty[j] > eps { least = min(least, -bigM + pi[e] - pi[j]) }
            return least
        }
        var least = bigM + pi[v] - pi[e]
        if let (c, _) = nearestUnserved(v) { least = min(least, c + pi[v]) }
        for g in servedEdges[v] {
            let i = Int(rowOf[Int(g)])
            let base = problem.cost[Int(g)] + pi[v]
            for f in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] where flow[f] > eps {
                let w = Int(problem.station[f])
                if w == v { continue }
                least = min(least, base - problem.cost[f] - pi[w])
            }
        }
        return least
    }

    /// Dijkstra from station s to Z on reduced costs; updates the potentials. False when Z cannot
    /// be reached (not expected: a seat can always be left empty).
    private mutating func search(from s: Int) -> Bool {
        let m = problem.m, e = m, z = m + 1
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
            if v == z { break }
            settledList.append(Int32(v))
            if v == e {
                relax(z, d + max(0, pi[e]), from: e, -1, -1)
                for j in 0..<m where empty[j] > eps && !settled[j] {
                    relax(j, d + max(0, -bigM + pi[e] - pi[j]), from: e, -1, -1)
                }
                continue
            }
            let base = pi[v]
            if let (c, g) = nearestUnserved(v) { relax(z, d + max(0, c + base), from: v, g, -1) }
            if !settled[e] { relax(e, d + max(0, bigM + base - pi[e]), from: v, -1, -1) }
            for g in servedEdges[v] {
                let i = Int(rowOf[Int(g)])
                let cg = problem.cost[Int(g)]
                for f in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] where flow[f] > eps {
                    let w = Int(problem.station[f])
                    if w == v || settled[w] { continue }
                    relax(w, d + max(0, cg - problem.cost[f] + base - pi[w]), from: v, g, Int32(f))
                }
            }
        }
        guard settled[z] else { return false }
        let reached = dist[z]
        for v in settledList {
            let k = Int(v)
            pi[k] += dist[k] - reached
        }
        return true
    }

    @inline(__always)
    private mutating func relax(_ to: Int, _ nd: Double, from v: Int, _ gain: Int32, _ loss: Int32) {
        if nd < dist[to] {
            if dist[to] == .infinity { touched.append(Int32(to)) }
            dist[to] = nd
            parentNode[to] = Int32(v)
            parentGain[to] = gain
            parentLoss[to] = loss
            heap.push(nd, to)
        }
    }

    /// Flow b more on edge g at station v.
    private mutating func gain(_ g: Int, at v: Int, _ b: Double) {
        flow[g] += b
        load[v] += b
        if !listed[g] {
            listed[g] = true
            carried[v].append(Int32(g))
        }
    }

    /// Pushes the bottleneck along the path the last search found, from station s.
    private mutating func augment(from s: Int) {
        let m = problem.m, e = m, z = m + 1
        var b = toPlace(s)
        var v = z
        while v != s {
            let p = Int(parentNode[v])
            if v == z {
                if p != e { b = min(b, unserved[Int(rowOf[Int(parentGain[z])])]) }
            } else if p == e {
                b = min(b, empty[v])
            } else if v != e {
                b = min(b, flow[Int(parentLoss[v])])
            }
            v = p
        }
        v = z
        while v != s {
            let p = Int(parentNode[v])
            if v == z {
                if p != e {
                    let g = Int(parentGain[z])
                    let i = Int(rowOf[g])
                    unserved[i] -= b
                    if unserved[i] < eps { unserved[i] = 0 }
                    gain(g, at: p, b)
                    if !rowServed[i] {
                        rowServed[i] = true
                        for f in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] {
                            servedEdges[Int(problem.station[f])].append(Int32(f))
                        }
                    }
                }
            } else if v == e {
                empty[p] += b
            } else if p == e {
                empty[v] -= b
                if empty[v] < eps { empty[v] = 0 }
            } else {
                let f = Int(parentLoss[v])
                flow[f] -= b
                load[v] -= b
                if flow[f] < eps { flow[f] = 0 }
                gain(Int(parentGain[v]), at: p, b)
            }
            v = p
        }
    }
}
