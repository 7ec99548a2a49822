/// Disjoint sets over `0..<count` (union-find with path halving) in which every set's root is its
/// lowest member, so that the root of a set does not depend on the order of the unions: the
/// connected parts of the reach graph (in the allocation here and in Planning), a county's
/// edge-connected cells. Package-wide, so that Planning uses the same one.
package struct LowestRootSets {
    private var parent: [Int32]

    /// `count` sets of one member each.
    package init(count: Int) { parent = Array(0..<Int32(count)) }

    /// The lowest member of `i`'s set.
    package mutating func root(_ i: Int) -> Int {
        var i = Int32(i)
        while parent[Int(i)] != i {
            parent[Int(i)] = parent[Int(parent[Int(i)])]
            i = parent[Int(i)]
        }
        return Int(i)
    }

    /// Joins the sets of `a` and `b`.
    package mutating func union(_ a: Int, _ b: Int) {
        let ra = root(a), rb = root(b)
        if ra != rb { parent[max(ra, rb)] = Int32(min(ra, rb)) }
    }
}
