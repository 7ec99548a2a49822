/// Capacitated assignment of demand to stations ("served"): the most demand that can be assigned to
/// stations within reach without giving any demand node more than its weight or any station more
/// than its capacity. It is a maximum flow source → demand (weight) → station (reach, unbounded)
/// → sink (capacity), solved exactly on the sparse bipartite graph.
public struct Assignment: Sendable, Equatable {
    /// Total demand assigned (the maximum flow).
    public var served: Double
    /// Demand assigned, per demand node (≤ its weight).
    public var demandServed: [Double]
    /// Demand assigned, per station (≤ its capacity).
    public var stationLoad: [Double]
}

/// Maximum capacitated assignment. `weights[i] ≥ 0` per demand row of `reach`, `capacities[j] ≥ 0`
/// per column (`.infinity` allowed). Amounts below `1e-11 ×` the largest finite weight or capacity
/// count as zero, so the result is exact up to that tolerance per augmenting step.
///
/// The solver starts from a greedy assignment (least-connected demand first) and completes it with
/// Dinic's blocking flows over the residual graph; memory is the input CSR, its transpose (each
/// station's rows with their edge indices) and one Double per edge.
public func maximumAssignment(weights: [Double], capacities: [Double], reach: Reach) throws(OptimizationError) -> Assignment {
    var state = try TransportFlow(weights: weights, capacities: capacities, reach: reach)
    state.maximise()
    return state.assignment()
}

/// The state of a transportation max-flow that can be grown: capacities can be raised and the flow
/// re-maximised from where it was (used by the capacitated site selection, which opens candidate
/// sites one at a time).
struct TransportFlow: Sendable {
    /// Demand rows × station columns.
    let reach: Reach
    /// The same edges by station (`reach` transposed): station j's demand rows are `byStation.row(j)`,
    /// and `stationEdge` holds each entry's edge index in `reach` (where `flow` is stored).
    let byStation: Reach
    let stationEdge: [Int32]
    let weights: [Double]
    private(set) var capacities: [Double]
    /// Flow on each edge (demand row → column), aligned with `reach.columns`.
    private(set) var flow: [Double]
    /// Weight not yet assigned, per demand node.
    private(set) var supply: [Double]
    /// Assigned demand per station.
    private(set) var load: [Double]
    let eps: Double

    init(weights: [Double], capacities: [Double], reach: Reach) throws(OptimizationError) {
        let scale = try validatedScale(weights: weights, capacities: capacities, reach: reach)
        self.reach = reach
        (byStation, stationEdge) = reach.transposedWithEdges()
        self.weights = weights
        self.capacities = capacities
        self.eps = max(scale, 1e-300) * 1e-11
        flow = [Double](repeating: 0, count: reach.edgeCount)
        supply = weights
        load = [Double](repeating: 0, count: reach.columnCount)
        greedy()
    }

    /// Raises (never lowers) the capacity of one station; call `maximise()` afterwards.
    mutating func raiseCapacity(_ j: Int, to c: Double) {
        precondition(c >= capacities[j], "capacities can only grow")
        capacities[j] = c
    }

    var served: Double {
        var s = 0.0
        for i in 0..<weights.count { s += weights[i] - supply[i] }
        return s
    }

    /// Demand nodes on the source side of the minimum cut: those reachable in the residual graph
    /// from demand with weight left unassigned. Meaningful after `maximise()`. A breadth-first
    /// search over the stations' own lists (`byStation`): beyond one pass over the demand nodes
    /// (those with weight left start it), its work is the edges of the nodes and stations it
    /// reaches, not every edge of the network (site selection asks this of flows whose source side
    /// is a few nodes, over a county's whole demand).
    func sourceSide() -> [Bool] {
        let n = reach.rowCount, m = reach.columnCount
        var seenD = [Bool](repeating: false, count: n)
        var seenS = [Bool](repeating: false, count: m)
        var queue: [Int32] = []
        for i in 0..<n where supply[i] > eps {
            seenD[i] = true
            queue.append(Int32(i))
        }
        var head = 0
        while head < queue.count {
            let i = Int(queue[head])
            head += 1
            for e in reach.offsets[i]..<reach.offsets[i + 1] {
                let j = Int(reach.columns[e])
                if seenS[j] { continue }
                seenS[j] = true
                // Station j leads back to the demand nodes whose flow it carries.
                for k in byStation.offsets[j]..<byStation.offsets[j + 1] {
                    let r = Int(byStation.columns[k])
                    if !seenD[r] && flow[Int(stationEdge[k])] > eps {
                        seenD[r] = true
                        queue.append(Int32(r))
                    }
                }
            }
        }
        return seenD
    }

    func assignment() -> Assignment {
        // The flow keeps supply (weight left) per demand node and load per station up to date.
        var demandServed = [Double](repeating: 0, count: reach.rowCount)
        var total = 0.0
        for i in 0..<reach.rowCount {
            demandServed[i] = max(0, weights[i] - supply[i])
            total += demandServed[i]
        }
        var stationLoad = load
        for j in 0..<reach.columnCount { stationLoad[j] = min(max(0, stationLoad[j]), capacities[j]) }
        return Assignment(served: total, demandServed: demandServed, stationLoad: stationLoad)
    }

    /// Assigns each demand node, least-connected first, to its stations in reach order while they
    /// have room. Not optimal (see the nearest-first example in the tests) but usually close, which
    /// leaves few augmenting paths for `maximise()`.
    private mutating func greedy() {
        let n = reach.rowCount
        var maxDegree = 0
        for i in 0..<n { maxDegree = max(maxDegree, reach.offsets[i + 1] - reach.offsets[i]) }
        var bucketStart = [Int](repeating: 0, count: maxDegree + 2)
        for i in 0..<n { bucketStart[reach.offsets[i + 1] - reach.offsets[i] + 1] += 1 }
        for d in 0...maxDegree { bucketStart[d + 1] += bucketStart[d] }
        var order = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let d = reach.offsets[i + 1] - reach.offsets[i]
            order[bucketStart[d]] = Int32(i)
            bucketStart[d] += 1
        }
        let eps = self.eps
        withBuffers { b in
            for iv in order {
                let i = Int(iv)
                var left = b.supply[i]
                if left <= eps { continue }
                for e in b.off[i]..<b.off[i + 1] {
                    let j = Int(b.cols[e])
                    let room = b.cap[j] - b.load[j]
                    if room <= eps { continue }
                    let amount = min(left, room)
                    b.flow[e] += amount
                    b.load[j] += amount
                    left -= amount
                    if left <= eps { break }
                }
                b.supply[i] = left
            }
        }
    }

    /// The graph and the flow's state as unchecked buffers, for the hot loops.
    struct Buffers {
        /// `reach`: demand i's edges are `off[i] ..< off[i + 1]`, leading to stations `cols[e]`.
        let off: UnsafeBufferPointer<Int>
        let cols: UnsafeBufferPointer<Int32>
        /// `byStation`: station j's entries are `tOff[j] ..< tOff[j + 1]`, demand `tRows[k]` over edge `tEdges[k]`.
        let tOff: UnsafeBufferPointer<Int>
        let tRows: UnsafeBufferPointer<Int32>
        let tEdges: UnsafeBufferPointer<Int32>
        let cap: UnsafeBufferPointer<Double>
        let flow: UnsafeMutableBufferPointer<Double>
        let supply: UnsafeMutableBufferPointer<Double>
        let load: UnsafeMutableBufferPointer<Double>
    }

    /// Calls `body` with the buffers (valid only inside `body`).
    private mutating func withBuffers<R>(_ body: (Buffers) -> R) -> R {
        reach.offsets.withUnsafeBufferPointer { off in
            reach.columns.withUnsafeBufferPointer { cols in
                byStation.offsets.withUnsafeBufferPointer { tOff in
                    byStation.columns.withUnsafeBufferPointer { tRows in
                        stationEdge.withUnsafeBufferPointer { tEdges in
                            capacities.withUnsafeBufferPointer { cap in
                                flow.withUnsafeMutableBufferPointer { flow in
                                    supply.withUnsafeMutableBufferPointer { supply in
                                        load.withUnsafeMutableBufferPointer { load in
                                            body(Buffers(off: off, cols: cols, tOff: tOff, tRows: tRows, tEdges: tEdges,
                                                         cap: cap, flow: flow, supply: supply, load: load))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Completes the flow to a maximum one (Dinic on the residual graph).
    mutating func maximise() {
        let n = reach.rowCount
        let m = reach.columnCount
        guard n > 0, m > 0 else { return }
        let eps = self.eps
        withBuffers { b in Self.dinic(n: n, m: m, b, eps: eps) }
    }

    private static func dinic(n: Int, m: Int, _ b: Buffers, eps: Double) {
        let off = b.off, cols = b.cols, tOff = b.tOff, tRows = b.tRows, tEdges = b.tEdges
        let cap = b.cap, flow = b.flow, supply = b.supply, load = b.load
        // Distance labels to the sink: a station with room has label 1; a demand node is one more
        // than a station it reaches; a station is one more than a demand node whose flow it carries.
        let levelD = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
        let levelS = UnsafeMutableBufferPointer<Int32>.allocate(capacity: m)
        let queue = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n + m)
        let curD = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        let curS = UnsafeMutableBufferPointer<Int>.allocate(capacity: m)
        // Demand nodes with supply left that can still reach a station with room. A node that cannot
        // never will again within this call (augmenting only adds residual edges between nodes that
        // can reach the sink), so it leaves the list for good.
        let active = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
        // Path: nodes alternate demand, station, demand, ...; edges[k] leads into nodes[k + 1].
        let pathNodes = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n + m + 1)
        let pathEdges = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n + m + 1)
        defer {
            levelD.deallocate(); levelS.deallocate(); queue.deallocate(); curD.deallocate(); curS.deallocate()
            active.deallocate()
            pathNodes.deallocate(); pathEdges.deallocate()
        }
        var activeCount = 0
        for i in 0..<n where supply[i] > eps && off[i + 1] > off[i] {
            active[activeCount] = Int32(i)
            activeCount += 1
        }
        while activeCount > 0 {
            // Reverse BFS from the stations with room, until every active node has a label.
            for i in 0..<n { levelD[i] = -1 }
            var tail = 0
            for j in 0..<m {
                if cap[j] - load[j] > eps {
                    levelS[j] = 1
                    queue[tail] = Int32(n + j)
                    tail += 1
                } else {
                    levelS[j] = -1
                }
            }
            // Dinic's layers: stop after the layer where the first active node is found. When the
            // search runs dry instead, unlabelled active nodes are dead.
            var nearest = Int32.max
            var cut = false
            var head = 0
            while head < tail {
                let v = Int(queue[head])
                head += 1
                if v >= n {
                    let j = v - n
                    let l = levelS[j] + 1
                    if l > nearest {
                        cut = true
                        break
                    }
                    for k in tOff[j]..<tOff[j + 1] {
                        let i = Int(tRows[k])
                        if levelD[i] < 0 {
                            levelD[i] = l
                            queue[tail] = Int32(i)
                            tail += 1
                            if supply[i] > eps { nearest = l }
                        }
                    }
                } else {
                    if levelD[v] >= nearest {
                        cut = true
                        continue
                    }
                    let l = levelD[v] + 1
                    for e in off[v]..<off[v + 1] where flow[e] > eps {
                        let j = Int(cols[e])
                        if levelS[j] < 0 {
                            levelS[j] = l
                            queue[tail] = Int32(n + j)
                            tail += 1
                        }
                    }
                }
            }
            if nearest == Int32.max {
                break  // no active node reaches a station with room: the flow is maximum
            }
            let exhaustive = !cut
            var kept = 0
            for k in 0..<activeCount {
                let i = Int(active[k])
                if supply[i] > eps && (levelD[i] > 0 || !exhaustive) {
                    active[kept] = active[k]
                    kept += 1
                }
            }
            activeCount = kept

            for j in 0..<m { curS[j] = tOff[j] }
            for i in 0..<n { curD[i] = off[i] }

            // Blocking flow along admissible edges (label drops by one) with current arcs.
            for a in 0..<activeCount {
                let root = Int(active[a])
                if levelD[root] <= 0 { continue }
                while supply[root] > eps && levelD[root] > 0 {
                    var depth = 1
                    pathNodes[0] = Int32(root)
                    var found = false
                    while depth > 0 {
                        if depth % 2 == 1 {
                            let u = Int(pathNodes[depth - 1])
                            let want = levelD[u] - 1
                            var e = curD[u]
                            let end = off[u + 1]
                            while e < end && levelS[Int(cols[e])] != want { e += 1 }
                            curD[u] = e
                            if e == end {
                                levelD[u] = -2
                                depth -= 1
                                if depth > 0 { curS[Int(pathNodes[depth - 1])] += 1 }
                                continue
                            }
                            pathEdges[depth - 1] = Int32(e)
                            pathNodes[depth] = cols[e]
                            depth += 1
                        } else {
                            let j = Int(pathNodes[depth - 1])
                            let l = levelS[j]
                            if l == 1 {
                                if cap[j] - load[j] > eps {
                                    found = true
                                    break
                                }
                            } else {
                                let want = l - 1
                                var k = curS[j]
                                let end = tOff[j + 1]
                                while k < end && !(levelD[Int(tRows[k])] == want && flow[Int(tEdges[k])] > eps) { k += 1 }
                                curS[j] = k
                                if k < end {
                                    pathEdges[depth - 1] = tEdges[k]
                                    pathNodes[depth] = tRows[k]
                                    depth += 1
                                    continue
                                }
                            }
                            levelS[j] = -2
                            depth -= 1
                            curD[Int(pathNodes[depth - 1])] += 1
                        }
                    }
                    if !found { break }
                    // Bottleneck: the root's supply, the last station's room, backward edges' flow.
                    let last = Int(pathNodes[depth - 1])
                    var b = min(supply[root], cap[last] - load[last])
                    var k = 1
                    while k < depth - 1 {
                        b = min(b, flow[Int(pathEdges[k])])
                        k += 2
                    }
                    k = 0
                    while k < depth - 1 {
                        flow[Int(pathEdges[k])] += b
                        if k + 1 < depth - 1 {
                            let back = Int(pathEdges[k + 1])
                            flow[back] -= b
                            if flow[back] < eps { flow[back] = 0 }
                        }
                        k += 2
                    }
                    supply[root] -= b
                    if supply[root] < eps { supply[root] = 0 }
                    load[last] += b
                }
            }
        }
    }
}
