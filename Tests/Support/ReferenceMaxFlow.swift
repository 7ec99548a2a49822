// A reference maximum flow for tests of the capacitated assignment, used by the Optimization
// and Planning tests alike.

/// Reference maximum flow: Edmonds–Karp on a dense capacity matrix (node 0 source, 1 sink).
public func referenceMaxFlow(weights: [Double], capacities: [Double], rows: [[Int]]) -> Double {
    let n = weights.count, m = capacities.count
    let size = 2 + n + m
    var cap = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
    let big = weights.reduce(0, +) + 1
    for i in 0..<n {
        cap[0][2 + i] = weights[i]
        for j in rows[i] { cap[2 + i][2 + n + j] = big }
    }
    for j in 0..<m { cap[2 + n + j][1] = min(capacities[j], big) }
    var total = 0.0
    while true {
        var parent = [Int](repeating: -1, count: size)
        parent[0] = 0
        var queue = [0]
        var h = 0
        while h < queue.count, parent[1] < 0 {
            let u = queue[h]; h += 1
            for v in 0..<size where parent[v] < 0 && cap[u][v] > 1e-12 {
                parent[v] = u
                queue.append(v)
            }
        }
        if parent[1] < 0 { return total }
        total += augmentAlong(parent, in: &cap)
    }
}

/// Pushes the bottleneck along the path to node 1 given by `parent` (back to node 0) in a dense
/// residual capacity matrix; returns the amount pushed.
public func augmentAlong(_ parent: [Int], in cap: inout [[Double]]) -> Double {
    var b = Double.infinity
    var v = 1
    while v != 0 { b = min(b, cap[parent[v]][v]); v = parent[v] }
    v = 1
    while v != 0 {
        cap[parent[v]][v] -= b
        cap[v][parent[v]] += b
        v = parent[v]
    }
    return b
}
