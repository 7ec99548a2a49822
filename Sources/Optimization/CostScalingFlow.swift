/// Cost-scaling push–relabel (Goldberg–Tarjan) for the canonical allocation problem, on integer
/// costs.
///
/// Network: demand node i has supply wᵢ; arcs i → station j (cost c″ᵢⱼ, capacity wᵢ), i → U
/// ("unserved", cost M, capacity wᵢ); station j → T (cost 0, capacity min(capⱼ, Σw)); U → T (cost
/// 0, capacity Σw); the sink T takes Σw. Every unit left unserved pays M, larger than any path of real arcs can save, so a
/// minimum-cost flow serves the most demand and, among such flows, minimises Σ flow × c″.
///
/// Integer costs: c″ᵢⱼ = round(cᵢⱼ / maxCost × K) × m + (canonical rank of j), multiplied by L,
/// an integer larger than the number of arcs of any simple cycle. Each refine keeps the flow
/// ε-optimal (reduced cost ≥ −ε on every residual arc); the last refine ends with ε = 1, and then
/// every residual cycle costs more than −L, hence (costs being multiples of L) at least 0: the flow
/// is optimal for c″ exactly. K is chosen so that every scaled cost stays below 2⁵⁰ (prices and
/// reduced costs fit in Int64 with room to spare).
struct CostScalingFlow {
    let problem: CanonicalAllocationProblem
    let eps: Double
    /// The rounding step of the costs: the answer's total cost is within
    /// `served × (resolution + resolution)` of the minimum (rounding, plus the rank term).
    let resolution: Double

    private let nodeCount: Int
    private let sink: Int
    /// Arcs of node u: `first[u] ..< first[u + 1]`; `head`, `cost`, residual `resid`, reverse `rev`.
    private var first: [Int]
    private var head: [Int32]
    private var cost: [Int64]
    private var resid: [Double]
    private var rev: [Int32]
    private var excess: [Double]
    private var price: [Int64]
    private let maxScaled: Int64

    init(_ problem: CanonicalAllocationProblem, eps: Double) {
        self.problem = problem
        self.eps = eps
        let n = problem.n, m = problem.m, edges = problem.station.count
        nodeCount = n + m + 2
        sink = n + m + 1
        // Scale: L · M ≤ 2⁵⁰ with M = min(n, m) · maxc″ + 1, maxc″ = K · m + m − 1.
        let short = Double(min(n, m))
        let cycle = 2 * short + 5
        let mm = Double(max(m, 1))
        let budget = 0x1p50 / (cycle * (short + 1) * mm) - 1
        let k = max(1, min(0x1p40, budget.rounded(.down)))
        var maxCost = 0.0
        for c in problem.cost { maxCost = max(maxCost, c) }
        resolution = maxCost > 0 ? maxCost / k : 0
        let multiplier = Int64(cycle)
        let unserved = (Int64(short) * (Int64(k) * Int64(mm) + Int64(mm)) + 1) * multiplier
        maxScaled = max(1, unserved)

        var total = 0.0
        for w in problem.weight { total += w }
        // Arc layout.
        var first = [Int](repeating: 0, count: nodeCount + 1)
        var indegree = [Int](repeating: 0, count: m)
        for e in 0..<edges { indegree[Int(problem.station[e])] += 1 }
        for i in 0..<n { first[i + 1] = first[i] + (problem.rowOffsets[i + 1] - problem.rowOffsets[i]) + 1 }
        for j in 0..<m { first[n + j + 1] = first[n + j] + indegree[j] + 1 }
        let unservedNode = n + m
        first[sink] = first[unservedNode] + n + 1
        first[nodeCount] = first[sink] + m + 1
        let arcs = first[nodeCount]
        var head = [Int32](repeating: 0, count: arcs)
        var cost = [Int64](repeating: 0, count: arcs)
        var resid = [Double](repeating: 0, count: arcs)
        var rev = [Int32](repeating: 0, count: arcs)
        var next = Array(first[n..<unservedNode])
        func link(_ a: Int, _ b: Int, from u: Int, to v: Int, cost c: Int64, capacity: Double) {
            head[a] = Int32(v); cost[a] = c; resid[a] = capacity; rev[a] = Int32(b)
            head[b] = Int32(u); cost[b] = -c; resid[b] = 0; rev[b] = Int32(a)
        }
        for i in 0..<n {
            let w = problem.weight[i]
            var a = first[i]
            for e in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] {
                let j = Int(problem.station[e])
                let rounded = maxCost > 0 ? (problem.cost[e] / maxCost * k).rounded() : 0
                let c = (Int64(rounded) * Int64(mm) + Int64(j)) * multiplier
                link(a, next[j], from: i, to: n + j, cost: c, capacity: w)
                next[j] += 1
                a += 1
            }
            link(a, first[unservedNode] + i, from: i, to: unservedNode, cost: unserved, capacity: w)
        }
        link(first[unservedNode] + n, first[sink] + m, from: unservedNode, to: sink, cost: 0, capacity: total)
        for j in 0..<m {
            link(next[j], first[sink] + j, from: n + j, to: sink, cost: 0, capacity: min(problem.capacity[j], total))
        }
        self.first = first
        self.head = head
        self.cost = cost
        self.resid = resid
        self.rev = rev
        excess = [Double](repeating: 0, count: nodeCount)
        for i in 0..<n { excess[i] = problem.weight[i] }
        excess[sink] = -total
        price = [Int64](repeating: 0, count: nodeCount)
    }

    /// Flow per canonical edge, after `solve()`.
    var flow: [Double] {
        var f = [Double](repeating: 0, count: problem.station.count)
        for i in 0..<problem.n {
            for e in problem.rowOffsets[i]..<problem.rowOffsets[i + 1] {
                let a = first[i] + (e - problem.rowOffsets[i])
                let x = resid[Int(rev[a])]
                f[e] = x > eps ? x : 0
            }
        }
        return f
    }

    mutating func solve(alpha: Int64 = 16) {
        guard problem.n > 0 else { return }
        var epsilon = maxScaled
        repeat {
            epsilon = max(1, epsilon / alpha)
            refine(epsilon)
        } while epsilon > 1
    }

    /// Turns the ε·α-optimal flow into an ε-optimal one: saturate every residual arc of negative
    /// reduced cost, then push and relabel (FIFO) until no node has excess.
    private mutating func refine(_ epsilon: Int64) {
        saturateNegative()
        repeat { globalUpdate(epsilon) } while !discharge(epsilon, relabels: nodeCount)
    }

    private mutating func saturateNegative() {
        let nodeCount = self.nodeCount, tol = eps
        first.withUnsafeBufferPointer { first in
        head.withUnsafeBufferPointer { head in
        cost.withUnsafeBufferPointer { cost in
        rev.withUnsafeBufferPointer { rev in
        resid.withUnsafeMutableBufferPointer { resid in
        excess.withUnsafeMutableBufferPointer { excess in
        price.withUnsafeMutableBufferPointer { price in
            for u in 0..<nodeCount {
                let pu = price[u]
                for a in first[u]..<first[u + 1] where resid[a] > tol {
                    let v = Int(head[a])
                    if cost[a] + pu - price[v] < 0 {
                        let d = resid[a]
                        resid[a] = 0
                        resid[Int(rev[a])] += d
                        excess[u] -= d
                        excess[v] += d
                    }
                }
            }
        }}}}}}}
    }

    /// Push–relabel until no node has excess (true) or `relabels` relabels were done (false).
    private mutating func discharge(_ epsilon: Int64, relabels budget: Int) -> Bool {
        let nodeCount = self.nodeCount, tol = eps
        return first.withUnsafeBufferPointer { first in
        return head.withUnsafeBufferPointer { head in
        return cost.withUnsafeBufferPointer { cost in
        return rev.withUnsafeBufferPointer { rev in
        return resid.withUnsafeMutableBufferPointer { resid in
        return excess.withUnsafeMutableBufferPointer { excess in
        return price.withUnsafeMutableBufferPointer { price in
            var queue = RingQueue(capacity: nodeCount)
            var queued = [Bool](repeating: false, count: nodeCount)
            var current = Array(first.dropLast())
            // The two hubs (U and T, last) are discharged only when nothing else is active.
            let hubs = nodeCount - 2
            for u in 0..<hubs where excess[u] > tol {
                queue.push(Int32(u))
                queued[u] = true
            }
            var relabels = 0
            while true {
                if relabels >= budget { return false }
                let u: Int
                if let uu = queue.pop() {
                    u = Int(uu)
                } else if excess[hubs] > tol {
                    u = hubs
                } else if excess[hubs + 1] > tol {
                    u = hubs + 1
                } else {
                    break
                }
                queued[u] = false
                let end = first[u + 1]
                var a = current[u]
                while excess[u] > tol {
                    if a == end {
                        // Relabel: the highest price that makes some residual arc admissible.
                        var best = Int64.min
                        for b in first[u]..<end where resid[b] > tol {
                            let p = price[Int(head[b])] - cost[b]
                            if p > best { best = p }
                        }
                        if best == Int64.min {
                            excess[u] = 0  // only rounding dust is left here
                            break
                        }
                        price[u] = best - epsilon
                        relabels += 1
                        a = first[u]
                        continue
                    }
                    if resid[a] > tol {
                        let v = Int(head[a])
                        if cost[a] + price[u] - price[v] < 0 {
                            let d = min(excess[u], resid[a])
                            resid[a] -= d
                            if resid[a] <= tol { resid[a] = 0 }
                            resid[Int(rev[a])] += d
                            excess[u] -= d
                            excess[v] += d
                            if excess[v] > tol && !queued[v] && v < hubs {
                                queued[v] = true
                                queue.push(Int32(v))
                            }
                            if excess[u] <= tol { break }
                        }
                    }
                    a += 1
                }
                current[u] = a
                if excess[u] <= tol { excess[u] = 0 }
            }
            return true
        }}}}}}}
    }
}


extension CostScalingFlow {
    /// Global price update: a Dijkstra backwards from the nodes with a deficit, arc lengths
    /// ⌊(reduced cost + ε) / ε⌋ (≥ 0 on an ε-optimal flow), stopped once every node with excess is
    /// reached; each node's price drops by ε × its distance (those not reached: by the last
    /// distance). The flow stays ε-optimal and every node with excess gets an admissible path.
    mutating func globalUpdate(_ epsilon: Int64) {
        let nodeCount = self.nodeCount, tol = eps
        var dist = [Int64](repeating: .max, count: nodeCount)
        var done = [Bool](repeating: false, count: nodeCount)
        var heap = IndexHeap()
        var waiting = 0
        for u in 0..<nodeCount {
            if excess[u] < -tol {
                dist[u] = 0
                heap.push(0, u)
            } else if excess[u] > tol {
                waiting += 1
            }
        }
        var last: Int64 = 0
        first.withUnsafeBufferPointer { first in
        head.withUnsafeBufferPointer { head in
        cost.withUnsafeBufferPointer { cost in
        rev.withUnsafeBufferPointer { rev in
        resid.withUnsafeBufferPointer { resid in
        price.withUnsafeBufferPointer { price in
            while waiting > 0, let (key, w) = heap.pop() {
                if done[w] { continue }
                let dw = Int64(key)
                if dw > dist[w] { continue }
                done[w] = true
                last = dw
                if excess[w] > tol { waiting -= 1 }
                let pw = price[w]
                for b in first[w]..<first[w + 1] {
                    let a = Int(rev[b])
                    if resid[a] <= tol { continue }
                    let v = Int(head[b])
                    if done[v] { continue }
                    let reduced = cost[a] + price[v] - pw
                    let nd = dw + max(0, (reduced + epsilon) / epsilon)
                    if nd < dist[v] {
                        dist[v] = nd
                        heap.push(Double(nd), v)
                    }
                }
            }
        }}}}}}
        for u in 0..<nodeCount {
            let d = done[u] ? dist[u] : last
            price[u] -= d * epsilon
        }
    }
}

/// A fixed-capacity FIFO of node indices (each node queued at most once at a time).
struct RingQueue {
    private var items: [Int32]
    private var start = 0
    private var count = 0

    init(capacity: Int) { items = [Int32](repeating: 0, count: max(1, capacity)) }

    mutating func push(_ x: Int32) {
        var k = start + count
        if k >= items.count { k -= items.count }
        items[k] = x
        count += 1
    }

    mutating func pop() -> Int32? {
        guard count > 0 else { return nil }
        let x = items[start]
        start += 1
        if start == items.count { start = 0 }
        count -= 1
        return x
    }
}
