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
/// first served. The phases are those `StationPathFlow` runs too (`PrimalDualNetwork`, here with
/// `Z` as the root and `E` as the middle node): distances to `Z` from every station with seats
/// to place (a Dijkstra backwards from `Z`) update the potentials, then paths of reduced cost 0
/// are followed depth first, a dead end lowering its potential (relabel) by its least reduced
/// cost. A station searched from may relabel itself freely (nothing enters it on the path), so
/// each one takes its nearest demand one node after the other without a new phase.
struct SeatPathFlow: PrimalDualNetwork {
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
    var pi: [Double]
    private let bigM: Double
    let tolerance: Double
    /// Search state (`parentA`: the edge whose flow grows at the parent, `parentB`: the edge whose
    /// flow shrinks at the node, −1: none); the station searched from relabels freely.
    var phase: PhaseState
    static var sourceRelabelsFree: Bool { true }

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
        phase = PhaseState(nodes: m + 2)
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

    /// Seats left to place at s.
    func left(_ s: Int) -> Double { toPlace(s) }
    func progress(_ s: Int) -> Double { toPlace(s) }
    func preparePhase() {}

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

    /// Backward search (arcs into v): Z is reached from every station through its nearest demand
    /// not served and from E; E from every station; a station v from the stations that can take
    /// over a demand node v serves, and from E when v has left a seat empty.
    mutating func expandBackward(_ v: Int, _ d: Double) {
        let m = problem.m, e = m, z = m + 1
        if v == z {
            for t in 0..<m where !phase.settled[t] {
                guard let (c, _) = nearestUnserved(t) else { continue }
                phase.lower(t, d + max(0, c + pi[t]))
            }
            phase.lower(e, d + max(0, pi[e]))
            return
        }
        let piV = pi[v]
        if v == e {
            for j in 0..<m where !phase.settled[j] { phase.lower(j, d + max(0, bigM + pi[j] - piV)) }
            return
        }
        // Into station v: t takes over a demand node that v serves.
        compact(v)
        for f in carried[v] {
            let i = Int(rowOf[Int(f)])
            let cf = problem.cost[Int(f)]
            for g in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] {
                let t = Int(problem.station[g])
                if t == v || phase.settled[t] { continue }
                phase.lower(t, d + max(0, problem.cost[g] - cf + pi[t] - piV))
            }
        }
        if empty[v] > eps && !phase.settled[e] { phase.lower(e, d + max(0, -bigM + pi[e] - piV)) }
    }

    /// The next admissible arc out of v (see `PrimalDualNetwork`): from E, to Z, then to each
    /// station with an empty seat; from a station, to Z (its nearest demand not served), to E, then
    /// through each served demand node it reaches, to the stations that serve it (`parentA` the
    /// edge whose flow grows at v, `parentB` the edge whose flow shrinks at the head).
    mutating func nextAdmissible(_ v: Int) -> (next: Int, a: Int32, b: Int32) {
        let m = problem.m, e = m, z = m + 1
        let stamp = phase.stamp
        var next = -1
        var gain: Int32 = -1, loss: Int32 = -1
        let limit = v == e ? m + 1 : servedEdges[v].count + 2
        scan: while phase.cursor[v] < limit {
            let k = phase.cursor[v]
            if v == e {
                if k == 0 {
                    if pi[e] <= tolerance { next = z; break }
                } else {
                    let j = k - 1
                    if empty[j] > eps && !phase.dead[j] && phase.onPath[j] != stamp && -bigM + pi[e] - pi[j] <= tolerance {
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
                if !phase.dead[e] && phase.onPath[e] != stamp && bigM + pi[v] - pi[e] <= tolerance {
                    next = e
                    break
                }
            } else {
                let g = Int(servedEdges[v][k - 2])
                let i = Int(rowOf[g])
                let base = problem.cost[g] + pi[v]
                for f in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] where flow[f] > eps {
                    let w = Int(problem.station[f])
                    if w == v || phase.dead[w] || phase.onPath[w] == stamp { continue }
                    if base - problem.cost[f] - pi[w] <= tolerance {
                        next = w
                        gain = Int32(g)
                        loss = Int32(f)
                        break scan
                    }
                }
            }
            phase.cursor[v] += 1
        }
        return (next, gain, loss)
    }

    /// After the search stepped back to p from a child that led nowhere (dead) or was relabelled:
    /// p's scan moves past the arc to that child, unless the scan stands at a demand node p serves,
    /// whose other stations are arcs of their own; then it stays at that node and goes on with its
    /// other stations (a dead child is skipped there, a relabelled one entered again only if its arc
    /// is still admissible). Moving past the whole node would miss those arcs, and p could be found
    /// dead while it still has an admissible one, ending the phase early.
    mutating func stepBack(to p: Int) {
        if p == problem.m || phase.cursor[p] < 2 { phase.cursor[p] += 1 }
    }

    /// The least reduced cost of the arcs leaving node v (station or E), ∞ when none does.
    mutating func leastReducedCost(_ v: Int) -> Double? {
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

    /// Forward search (arcs out of v, to nodes not settled): from E to Z and to the stations with
    /// an empty seat; from a station to Z, to E, and to the stations whose demand it can take over.
    mutating func expandForward(_ v: Int, _ d: Double) {
        let m = problem.m, e = m, z = m + 1
        if v == e {
            phase.relax(z, d + max(0, pi[e]), from: e, -1, -1)
            for j in 0..<m where empty[j] > eps && !phase.settled[j] {
                phase.relax(j, d + max(0, -bigM + pi[e] - pi[j]), from: e, -1, -1)
            }
            return
        }
        let base = pi[v]
        if let (c, g) = nearestUnserved(v) { phase.relax(z, d + max(0, c + base), from: v, g, -1) }
        if !phase.settled[e] { phase.relax(e, d + max(0, bigM + base - pi[e]), from: v, -1, -1) }
        for g in servedEdges[v] {
            let i = Int(rowOf[Int(g)])
            let cg = problem.cost[Int(g)]
            for f in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] where flow[f] > eps {
                let w = Int(problem.station[f])
                if w == v || phase.settled[w] { continue }
                phase.relax(w, d + max(0, cg - problem.cost[f] + base - pi[w]), from: v, g, Int32(f))
            }
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
    mutating func augment(from s: Int) {
        let m = problem.m, e = m, z = m + 1
        var b = toPlace(s)
        var v = z
        while v != s {
            let p = Int(phase.parentNode[v])
            if v == z {
                if p != e { b = min(b, unserved[Int(rowOf[Int(phase.parentA[z])])]) }
            } else if p == e {
                b = min(b, empty[v])
            } else if v != e {
                b = min(b, flow[Int(phase.parentB[v])])
            }
            v = p
        }
        v = z
        while v != s {
            let p = Int(phase.parentNode[v])
            if v == z {
                if p != e {
                    let g = Int(phase.parentA[z])
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
                let f = Int(phase.parentB[v])
                flow[f] -= b
                load[v] -= b
                if flow[f] < eps { flow[f] = 0 }
                gain(Int(phase.parentA[v]), at: p, b)
            }
            v = p
        }
    }
}
