/// Successive shortest paths for the canonical allocation problem: source → demand (weight) →
/// station (edge cost, unbounded) → sink (capacity). Each round finds one cheapest augmenting path
/// by Dijkstra on reduced costs and pushes its bottleneck; when no path is left the flow is maximum,
/// and being built from cheapest paths it is the cheapest maximum flow.
///
/// The search runs over stations only. Station j is entered from the source through the cheapest
/// demand node in its reach that has weight left (`entry`), and left for station j' through a
/// demand node i it carries (the flow on (i, j) moves to (i, j'), cost c(i, j') − c(i, j)).
/// Potentials π on the stations (and the sink) keep every reduced cost c + π(from) − π(to) ≥ 0.
struct MinCostFlow {
    let problem: CanonicalAllocationProblem
    let eps: Double
    /// Flow per canonical edge.
    private(set) var flow: [Double]
    /// Weight not yet served, per demand node; only ever decreases.
    private var supply: [Double]
    /// Capacity left per station.
    private var room: [Double]
    /// Potentials of the stations, and of the sink.
    private var pi: [Double]
    private var piSink = 0.0
    /// Demand node of each edge.
    private let rowOf: [Int32]
    /// Per station, its edges by (cost, demand), and how far the demand with weight left starts.
    private let entryOffsets: [Int]
    private let entryEdges: [Int32]
    private var entryNext: [Int]
    /// Per station, its current entry edge (−1: none left); refreshed when that demand runs out.
    private var entryEdge: [Int32]
    /// Per station, the edges that may carry flow (some may have dropped to zero since).
    private var carried: [[Int32]]
    private var listed: [Bool]

    // Search state, reused between rounds.
    private var dist: [Double]
    private var settled: [Bool]
    /// How each station was reached: the edge into it (demand i → this station) and, unless i came
    /// from the source, the edge whose flow moves (demand i → the previous station).
    private var viaEdge: [Int32]
    private var fromEdge: [Int32]
    private var sinkParent = -1
    private var heap = IndexHeap()

    init(_ problem: CanonicalAllocationProblem, eps: Double) {
        self.problem = problem
        self.eps = eps
        let n = problem.n, m = problem.m, edges = problem.station.count
        flow = [Double](repeating: 0, count: edges)
        supply = problem.weight
        room = problem.capacity
        pi = [Double](repeating: 0, count: m)
        var rowOf = [Int32](repeating: 0, count: edges)
        for i in 0..<n { for e in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] { rowOf[e] = Int32(i) } }
        self.rowOf = rowOf
        let byStation = Reach(unchecked: n, columnCount: m, offsets: problem.rowOffsets, columns: problem.station).transposedWithEdges()
        var entryEdges = byStation.edge
        for j in 0..<m {
            let range = byStation.reach.offsets[j]..<byStation.reach.offsets[j + 1]
            let sorted = entryEdges[range].sorted { a, b in
                problem.cost[Int(a)] < problem.cost[Int(b)] || (problem.cost[Int(a)] == problem.cost[Int(b)] && a < b)
            }
            entryEdges.replaceSubrange(range, with: sorted)
        }
        self.entryOffsets = byStation.reach.offsets
        self.entryEdges = entryEdges
        entryNext = Array(byStation.reach.offsets.dropLast())
        entryEdge = [Int32](repeating: -1, count: m)
        carried = [[Int32]](repeating: [], count: m)
        listed = [Bool](repeating: false, count: edges)
        dist = [Double](repeating: .infinity, count: m + 1)
        settled = [Bool](repeating: false, count: m + 1)
        viaEdge = [Int32](repeating: -1, count: m)
        fromEdge = [Int32](repeating: -1, count: m)
        for j in 0..<m { entryEdge[j] = Int32(entry(j) ?? -1) }
    }

    mutating func solve() {
        while search() { augment() }
    }

    /// Dijkstra from the source to the sink on reduced costs. Returns false when the sink cannot
    /// be reached (the flow is maximum). Updates the potentials.
    private mutating func search() -> Bool {
        let m = problem.m
        for v in 0...m { dist[v] = .infinity; settled[v] = false }
        heap.removeAll()
        for j in 0..<m where entryEdge[j] >= 0 {
            let e = Int(entryEdge[j])
            let d = max(0, problem.cost[e] - pi[j])
            dist[j] = d
            viaEdge[j] = Int32(e)
            fromEdge[j] = -1
            heap.push(d, j)
        }
        while let (d, v) = heap.pop() {
            if settled[v] || d > dist[v] { continue }
            settled[v] = true
            if v == m { break }
            if room[v] > eps {
                let toSink = d + max(0, pi[v] - piSink)
                if toSink < dist[m] {
                    dist[m] = toSink
                    sinkParent = v
                    heap.push(toSink, m)
                }
            }
            relaxThroughCarried(from: v, distance: d)
        }
        guard settled[m] else { return false }
        let reached = dist[m]
        for j in 0..<m { pi[j] += min(dist[j], reached) }
        piSink += reached
        return true
    }

    /// The cheapest edge into station j from demand with weight left, or nil.
    private mutating func entry(_ j: Int) -> Int? {
        var k = entryNext[j]
        let end = entryOffsets[j + 1]
        while k < end && supply[Int(rowOf[Int(entryEdges[k])])] <= eps { k += 1 }
        entryNext[j] = k
        return k < end ? Int(entryEdges[k]) : nil
    }

    /// Relaxes the moves out of station j: each demand node it carries may move to its other stations.
    private mutating func relaxThroughCarried(from j: Int, distance d: Double) {
        var stale = false
        for back in carried[j] {
            let eBack = Int(back)
            if flow[eBack] <= eps {
                stale = true
                continue
            }
            let i = Int(rowOf[eBack])
            // Reduced cost of moving i's flow from j to `to`: c(i, to) − c(i, j) + π(j) − π(to).
            let leave = problem.cost[eBack] - pi[j]
            for e in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] {
                let to = Int(problem.station[e])
                if to == j || settled[to] { continue }
                let nd = d + max(0, problem.cost[e] - leave - pi[to])
                if nd < dist[to] {
                    dist[to] = nd
                    viaEdge[to] = Int32(e)
                    fromEdge[to] = back
                    heap.push(nd, to)
                }
            }
        }
        if stale {
            carried[j].removeAll { e in
                if flow[Int(e)] > eps { return false }
                listed[Int(e)] = false
                return true
            }
        }
    }

    /// Pushes the bottleneck along the path the last search found.
    private mutating func augment() {
        var b = room[sinkParent]
        var v = sinkParent
        while true {
            let from = fromEdge[v]
            if from < 0 {
                b = min(b, supply[Int(rowOf[Int(viaEdge[v])])])
                break
            }
            b = min(b, flow[Int(from)])
            v = Int(problem.station[Int(from)])
        }
        room[sinkParent] -= b
        v = sinkParent
        while true {
            let into = Int(viaEdge[v])
            flow[into] += b
            if !listed[into] {
                listed[into] = true
                carried[v].append(Int32(into))
            }
            let from = fromEdge[v]
            if from < 0 {
                let i = Int(rowOf[into])
                supply[i] -= b
                if supply[i] < eps {
                    supply[i] = 0
                    // Stations that entered through i look for their next demand with weight left.
                    for e in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] {
                        let j = Int(problem.station[e])
                        if entryEdge[j] >= 0 && Int(rowOf[Int(entryEdge[j])]) == i { entryEdge[j] = Int32(entry(j) ?? -1) }
                    }
                }
                break
            }
            flow[Int(from)] -= b
            if flow[Int(from)] < eps { flow[Int(from)] = 0 }
            v = Int(problem.station[Int(from)])
        }
    }
}

/// A binary min-heap of (key, index), ties to the lower index: the station heaps of the shortest
/// path searches (distance, node: stations are in rank order, the sink last) and the per-station
/// heaps of edges of `StationPathFlow` (cost, edge). Entries are not removed on decrease; callers
/// skip stale ones when they pop.
struct IndexHeap {
    private var items: [(key: Double, index: Int32)] = []

    /// The least entry, if any.
    var top: (key: Double, index: Int32)? { items.first }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    private static func less(_ a: (key: Double, index: Int32), _ b: (key: Double, index: Int32)) -> Bool {
        a.key < b.key || (a.key == b.key && a.index < b.index)
    }

    mutating func push(_ key: Double, _ index: Int) {
        push(key, Int32(index))
    }

    mutating func push(_ key: Double, _ index: Int32) {
        let item = (key: key, index: index)
        var i = items.count
        items.append(item)
        while i > 0 {
            let parent = (i - 1) / 2
            if !Self.less(item, items[parent]) { break }
            items[i] = items[parent]
            i = parent
        }
        items[i] = item
    }

    /// Removes and returns the least entry.
    @discardableResult
    mutating func pop() -> (Double, Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            var i = 0
            let count = items.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var s = i
                var best = last
                if l < count && Self.less(items[l], best) { s = l; best = items[l] }
                if r < count && Self.less(items[r], best) { s = r }
                if s == i { break }
                items[i] = items[s]
                i = s
            }
            items[i] = last
        }
        return (top.key, Int(top.index))
    }
}
