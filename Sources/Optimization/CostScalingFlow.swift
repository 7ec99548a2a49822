/// Cost-scaling push–relabel (Goldberg–Tarjan) for the canonical allocation problem, on integer
/// costs.
///
/// Network: demand node i has supply wᵢ; arcs i → station j (cost c″ᵢⱼ, capacity wᵢ), i → T
/// ("unserved", cost M, capacity wᵢ); station j → T (cost 0, capacity min(capⱼ, Σw)); the sink T
/// takes Σw. Every unit left unserved pays M, larger than any path of real arcs can save, so a
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
        nodeCount = n + m + 1
        sink = n + m
        // Scale: L · M ≤ 2⁵⁰ with M = min(n, m) · maxc″ + 1, maxc″ = K · m + m − 1.
        let short = Double(min(n, m))
        let cycle = 2 * short + 3
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
        first[nodeCount] = first[sink] + n + m
        let arcs = first[nodeCount]
        var head = [Int32](repeating: 0, count: arcs)
        var cost = [Int64](repeating: 0, count: arcs)
        var resid = [Double](repeating: 0, count: arcs)
        var rev = [Int32](repeating: 0, count: arcs)
        var next = Array(first[n..<sink])
        var sinkNext = first[sink] + m
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
            link(a, sinkNext, from: i, to: sink, cost: unserved, capacity: w)
            sinkNext += 1
        }
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
            var queue = RingQueue(capacity: nodeCount)
            var queued = [Bool](repeating: false, count: nodeCount)
            var current = Array(first.dropLast())
            for u in 0..<nodeCount where excess[u] > tol {
                queue.push(Int32(u))
                queued[u] = true
            }
            while let uu = queue.pop() {
                let u = Int(uu)
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
                            if excess[v] > tol && !queued[v] {
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
        }}}}}}}
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
