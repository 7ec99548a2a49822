// A reference minimum-cost maximum flow for tests of the allocation, used by the Optimization
// and Planning tests alike.

/// Reference minimum-cost maximum flow: successive shortest paths found with Bellman–Ford on a
/// dense residual matrix (node 0 source, 1 sink, then demand, then stations). `costs[i][t]` is the
/// cost of demand `i`'s `t`-th edge, to station `rows[i][t]`. Returns the maximum flow and the
/// least total cost (Σ flow × cost over the demand–station edges).
public func referenceMinCostMaxFlow(weights: [Double], capacities: [Double], rows: [[Int]], costs: [[Double]]) -> (flow: Double, cost: Double) {
    let n = weights.count, m = capacities.count
    let size = 2 + n + m
    var cap = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
    var cost = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
    let big = weights.reduce(0, +) + 1
    for i in 0..<n {
        cap[0][2 + i] = weights[i]
        for (t, j) in rows[i].enumerated() {
            cap[2 + i][2 + n + j] = big
            cost[2 + i][2 + n + j] = costs[i][t]
            cost[2 + n + j][2 + i] = -costs[i][t]
        }
    }
    for j in 0..<m { cap[2 + n + j][1] = min(capacities[j], big) }
    var flow = 0.0, total = 0.0
    while true {
        var dist = [Double](repeating: .infinity, count: size)
        var parent = [Int](repeating: -1, count: size)
        dist[0] = 0
        for _ in 0..<size {
            var changed = false
            for u in 0..<size where dist[u] < .infinity {
                for v in 0..<size where cap[u][v] > 1e-12 && dist[u] + cost[u][v] < dist[v] - 1e-9 {
                    dist[v] = dist[u] + cost[u][v]
                    parent[v] = u
                    changed = true
                }
            }
            if !changed { break }
        }
        if dist[1] == .infinity { return (flow, total) }
        let b = augmentAlong(parent, in: &cap)
        flow += b
        total += b * dist[1]
    }
}
