/// The primal–dual phases that `SeatPathFlow` (the seats' side) and `StationPathFlow` (the
/// stations' side) share. Both route an amount left at some stations (seats to place, overload) to
/// a root node along cheapest paths over m + 2 nodes: the stations `0 ..< m`, the side's middle
/// node m (E, empty seats; U, unserved) and the root m + 1 (Z, demand not yet served; T, the
/// sink). Potentials keep every reduced cost ≥ 0. Each phase:
///
/// - searches backwards from the root (Dijkstra on reduced costs) until every station with an
///   amount left is reached, and lowers the potentials by the distances (capped at the last one
///   reached), so that each such station's cheapest path consists of arcs of reduced cost 0;
/// - then, from each such station in turn, follows arcs of reduced cost ≤ `tolerance` depth
///   first and pushes the bottleneck along each path found; a node with no such arc lowers its
///   potential by its least reduced cost (a relabel, m + 2 per phase, where the station searched
///   from may relabel freely on the seats' side) or is marked dead for the rest of the phase;
/// - when a phase moved nothing (rounding), one forward Dijkstra from the first station finds a
///   path instead.
///
/// What differs between the sides, the arcs and what pushing flow along them means, is the
/// network's (`PrimalDualNetwork`); the code here is generic over it and specialised for each.
struct PhaseState {
    var dist: [Double]
    var settled: [Bool]
    /// The search tree: each node's parent and the two edges its arc changes (−1: none).
    var parentNode: [Int32]
    var parentA: [Int32]
    var parentB: [Int32]
    var touched: [Int32] = []
    var settledList: [Int32] = []
    var heap = IndexHeap()
    /// Per node, the position of its arc scan in this phase; nodes that lead nowhere; the stations
    /// searched from; the current path's marks.
    var cursor: [Int]
    var dead: [Bool]
    var isSource: [Bool]
    var onPath: [UInt32]
    var stamp: UInt32 = 0
    /// Relabels left in this phase.
    var relabels = 0

    /// State for `nodes` nodes (m + 2).
    init(nodes: Int) {
        dist = [Double](repeating: .infinity, count: nodes)
        settled = [Bool](repeating: false, count: nodes)
        parentNode = [Int32](repeating: -1, count: nodes)
        parentA = [Int32](repeating: -1, count: nodes)
        parentB = [Int32](repeating: -1, count: nodes)
        cursor = [Int](repeating: 0, count: nodes)
        dead = [Bool](repeating: false, count: nodes)
        isSource = [Bool](repeating: false, count: nodes)
        onPath = [UInt32](repeating: 0, count: nodes)
    }

    /// Backward search: a distance nd to v, kept if shorter.
    @inline(__always)
    mutating func lower(_ v: Int, _ nd: Double) {
        if nd < dist[v] {
            dist[v] = nd
            heap.push(nd, v)
        }
    }

    /// Forward search: a distance nd to `to` from v over the arc that changes edges a and b, kept
    /// if shorter.
    @inline(__always)
    mutating func relax(_ to: Int, _ nd: Double, from v: Int, _ a: Int32, _ b: Int32) {
        if nd < dist[to] {
            if dist[to] == .infinity { touched.append(Int32(to)) }
            dist[to] = nd
            parentNode[to] = Int32(v)
            parentA[to] = a
            parentB[to] = b
            heap.push(nd, to)
        }
    }
}

/// One side's network for the phases of `PhaseState`.
protocol PrimalDualNetwork {
    var problem: CanonicalAllocationProblem { get }
    var eps: Double { get }
    /// Reduced costs up to this count as zero when following cheapest paths.
    var tolerance: Double { get }
    /// Potentials of the stations and the middle node (the root's is 0).
    var pi: [Double] { get set }
    var phase: PhaseState { get set }
    /// Whether the station a path starts from may relabel without using up one of the phase's
    /// relabels (nothing enters it on the path).
    static var sourceRelabelsFree: Bool { get }
    /// The amount station s has left to route (a source while above `eps`).
    func left(_ s: Int) -> Double
    /// The figure whose change shows that a phase moved something at s.
    func progress(_ s: Int) -> Double
    /// Brings the arcs up to date before a phase's backward search.
    mutating func preparePhase()
    /// Backward search from the root: node v settled at distance d; lowers (`phase.lower`) the
    /// nodes with an arc into v that are not settled.
    mutating func expandBackward(_ v: Int, _ d: Double)
    /// Forward search: node v (not the root) settled at distance d; relaxes (`phase.relax`) its
    /// arcs to nodes not settled.
    mutating func expandForward(_ v: Int, _ d: Double)
    /// The next arc of reduced cost ≤ `tolerance` out of v from its scan position on, to a node
    /// neither dead nor on the path: (head, edges a and b), the scan left on it; head −1 when none.
    mutating func nextAdmissible(_ v: Int) -> (next: Int, a: Int32, b: Int32)
    /// The least reduced cost of the arcs out of v (∞ when none).
    mutating func leastReducedCost(_ v: Int) -> Double?
    /// The search stepped back to p from a child that led nowhere or was relabelled: moves p's
    /// scan past the arc to it.
    mutating func stepBack(to p: Int)
    /// Pushes the bottleneck along the path in `phase`'s parent arrays, from station s.
    mutating func augment(from s: Int)
}

extension PrimalDualNetwork {
    /// Runs phases until no station has an amount left (or a phase cannot move any).
    mutating func solve() {
        let m = problem.m
        var sources = (0..<m).filter { left($0) > eps }
        while !sources.isEmpty {
            let before = sources.map { progress($0) }
            phaseDistances(sources)
            phase.relabels = m + 2
            for s in sources {
                while left(s) > eps {
                    guard admissiblePath(from: s) else { break }
                    augment(from: s)
                }
            }
            // A phase always moves something (each source has a cheapest path, all of whose arcs
            // are admissible); the fallback guards against rounding leaving it stuck.
            if zip(sources, before).allSatisfy({ progress($0) == $1 }) {
                let s = sources[0]
                guard search(from: s) else { break }
                augment(from: s)
            }
            sources = sources.filter { left($0) > eps }
        }
    }

    /// Distances to the root from every node (on reduced costs, searched backwards from the root
    /// until every source is reached), subtracted from the potentials.
    mutating func phaseDistances(_ sources: [Int]) {
        let m = problem.m, root = m + 1
        preparePhase()
        for v in 0...root {
            phase.dist[v] = .infinity
            phase.settled[v] = false
            phase.dead[v] = false
            phase.cursor[v] = 0
        }
        for s in sources { phase.isSource[s] = true }
        var remaining = sources.count
        phase.heap.removeAll()
        phase.dist[root] = 0
        phase.heap.push(0, root)
        var reachedAll = 0.0
        while let (d, v) = phase.heap.pop() {
            if phase.settled[v] || d > phase.dist[v] { continue }
            phase.settled[v] = true
            reachedAll = d
            if v < m && phase.isSource[v] {
                remaining -= 1
                if remaining == 0 { break }
            }
            expandBackward(v, d)
        }
        for s in sources { phase.isSource[s] = false }
        for v in 0...m { pi[v] -= min(phase.dist[v], reachedAll) }
        // `search` expects untouched distances.
        for v in 0...root {
            phase.dist[v] = .infinity
            phase.settled[v] = false
        }
        phase.touched.removeAll(keepingCapacity: true)
    }

    /// A path from station s to the root over arcs of reduced cost ≤ `tolerance` (depth first;
    /// each node's arcs scanned once per phase unless it is relabelled; nodes found to lead nowhere
    /// are skipped for the rest of the phase). Leaves the path in the parent arrays, as `search`
    /// does.
    mutating func admissiblePath(from s: Int) -> Bool {
        let root = problem.m + 1
        phase.stamp &+= 1
        var stack: [Int] = [s]
        phase.onPath[s] = phase.stamp
        phase.parentNode[s] = -1
        while let v = stack.last {
            if v == root { return true }
            let (next, a, b) = nextAdmissible(v)
            let free = Self.sourceRelabelsFree && v == s
            if next >= 0 {
                phase.parentNode[next] = Int32(v)
                phase.parentA[next] = a
                phase.parentB[next] = b
                if next != root { phase.onPath[next] = phase.stamp }
                stack.append(next)
            } else if free || phase.relabels > 0, let delta = leastReducedCost(v), delta > tolerance, delta < .infinity {
                // No arc of reduced cost 0 leaves v: lower its potential by the least reduced
                // cost of its arcs (all stay ≥ 0, the cheapest becomes 0). The arc into v now
                // costs more, so the search steps back unless v is where it started.
                if !free { phase.relabels -= 1 }
                pi[v] -= delta
                phase.cursor[v] = 0
                if stack.count > 1 {
                    stack.removeLast()
                    stepBack(to: stack[stack.count - 1])
                }
            } else {
                phase.dead[v] = true
                stack.removeLast()
                if let p = stack.last { stepBack(to: p) }
            }
        }
        return false
    }

    /// Dijkstra from station s to the root on reduced costs; updates the potentials. False when
    /// the root cannot be reached.
    mutating func search(from s: Int) -> Bool {
        let root = problem.m + 1
        for v in phase.touched {
            phase.dist[Int(v)] = .infinity
            phase.settled[Int(v)] = false
        }
        phase.touched.removeAll(keepingCapacity: true)
        phase.settledList.removeAll(keepingCapacity: true)
        phase.heap.removeAll()
        phase.dist[s] = 0
        phase.parentNode[s] = -1
        phase.touched.append(Int32(s))
        phase.heap.push(0, s)
        while let (d, v) = phase.heap.pop() {
            if phase.settled[v] || d > phase.dist[v] { continue }
            phase.settled[v] = true
            if v == root { break }
            phase.settledList.append(Int32(v))
            expandForward(v, d)
        }
        guard phase.settled[root] else { return false }
        let reached = phase.dist[root]
        for v in phase.settledList {
            let k = Int(v)
            pi[k] += phase.dist[k] - reached
        }
        return true
    }
}
