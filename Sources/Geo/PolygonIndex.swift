import CGEOS

/// Polygons (districts, zones, areas) under a GEOS STRtree, each prepared once, for point-in-polygon
/// lookups. The tree is built on the first query inside `init` (GEOS 3.11 has no explicit build
/// call). Point lookups go through a grid over the polygons (`PolygonGrid`) that answers in Swift
/// wherever a cell lies wholly inside or outside a polygon and asks GEOS only near boundaries; the
/// answers are GEOS's. The grid's cells are classified as queries reach them, so the index
/// changes as it is used: not for use by two threads at once.
public final class PolygonIndex {
    /// The polygons, in the order given; queries answer with positions in this array.
    public let geometries: [Geometry]
    private let prepared: [PreparedGeometry]
    private let owners: [GEOSGeometryOwner]
    private let context: GEOSContext
    private let tree: OpaquePointer
    /// Nil when the geometries are not all polygonal (then every lookup asks GEOS). Unchecked:
    /// read for every point looked up, and never accessed by two threads at once (see above) nor
    /// reentrantly, so the runtime's exclusivity check (~1 % of loading a point layer) adds nothing.
    @exclusivity(unchecked) private var grid: PolygonGrid?

    /// Prepares every polygon and builds the tree, in the calling thread's GEOS context.
    ///
    /// - Throws: `GeoError.geos` when GEOS refuses a geometry.
    public init(_ geometries: [Geometry]) throws {
        let context = GEOSContext.current
        self.context = context
        self.geometries = geometries
        self.prepared = try geometries.map { try PreparedGeometry($0) }
        self.owners = try geometries.map { try $0.makeGEOS(context) }
        context.resetError()
        self.tree = try context.check(GEOSSTRtree_create_r(context.handle, 10), "create STRtree")
        for (i, owner) in owners.enumerated() {
            // Items are indices + 1 stored in the pointer (0 would be NULL).
            GEOSSTRtree_insert_r(context.handle, tree, owner.pointer, UnsafeMutableRawPointer(bitPattern: i + 1))
        }
        _ = try candidates(at: Coordinate(x: 0, y: 0))  // forces the build before the tree is shared
        self.grid = PolygonGrid(geometries)
    }

    deinit {
        GEOSSTRtree_destroy_r(context.handle, tree)
    }

    /// Indices (ascending) of the polygons whose envelope contains the point.
    public func candidates(at c: Coordinate) throws -> [Int] {
        context.resetError()
        let point = GEOSGeometryOwner(context: context, pointer: try context.check(GEOSGeom_createPointFromXY_r(context.handle, c.x, c.y), "create point"))
        var found: [Int] = []
        withExtendedLifetime(point) {
            withUnsafeMutablePointer(to: &found) { foundPointer in
                GEOSSTRtree_query_r(context.handle, tree, point.pointer, { item, userdata in
                    guard let item, let userdata else { return }
                    let list = userdata.assumingMemoryBound(to: [Int].self)
                    list.pointee.append(Int(bitPattern: item) - 1)
                }, foundPointer)
            }
        }
        return found.sorted()
    }

    /// Indices (ascending) of the polygons that cover the point (boundary included).
    public func covering(_ c: Coordinate) throws -> [Int] {
        var found: [Int] = []
        try forEachCovering(c) { found.append($0); return true }
        return found
    }

    /// `covering(_:)` written into `found` (emptied first, its capacity kept), for a caller that
    /// looks up many points without a new array for each.
    public func covering(_ c: Coordinate, into found: inout [Int]) throws {
        found.removeAll(keepingCapacity: true)
        try forEachCovering(c) { found.append($0); return true }
    }

    /// The lowest index of a polygon covering the point (boundary included), nil when none does:
    /// `covering(c).first` without building the list.
    public func firstCovering(_ c: Coordinate) throws -> Int? {
        var first: Int?
        try forEachCovering(c) { first = $0; return false }
        return first
    }

    /// Calls `body` with each polygon covering the point, in increasing order, while it returns true.
    private func forEachCovering(_ c: Coordinate, _ body: (Int) -> Bool) throws {
        if grid != nil {
            guard let cell = grid!.cell(of: c) else { return }
            var k = Int(grid!.cells[cell])
            if k < 0 { k = try classify(cell) }
            while k >= 0 {
                let entry = grid!.entries[k]
                if entry < 0 { return }
                let i = Int(entry >> 1)
                let covered = entry & 1 == 0 ? true : try prepared[i].covers(c)
                if covered, !body(i) { return }
                k += 1
            }
            // The grid was given up (see `classify`): GEOS answers.
        }
        // A few polygons (a city's districts): each one's envelope, checked in Swift by `covers`
        // before GEOS, selects what the tree would, without a GEOS point and a tree query.
        if prepared.count <= PolygonIndex.linearCount {
            for i in prepared.indices where try prepared[i].covers(c) {
                if !body(i) { return }
            }
            return
        }
        for i in try candidates(at: c) where try prepared[i].covers(c) {
            if !body(i) { return }
        }
    }

    /// Lists the polygons of a grid cell (see `PolygonGrid`): those whose boundary may pass
    /// through it, and those that hold it whole, GEOS deciding for the cell's centre. Returns the
    /// offset of the list in the grid's entries, or -1 when the entries would outgrow their
    /// 32-bit offsets (polygons piled on one another by the thousand): the grid is then dropped.
    private func classify(_ cell: Int) throws -> Int {
        let box = grid!.rectangle(cell)
        var near: [Int]
        if prepared.count <= PolygonIndex.linearCount {
            near = Array(prepared.indices)
        } else {
            near = try candidates(in: box)
        }
        let centre = Coordinate(x: box.minX + (box.maxX - box.minX) / 2, y: box.minY + (box.maxY - box.minY) / 2)
        var list: [Int32] = []
        for i in near {
            guard let e = grid!.envelopes[i], e.minX <= box.maxX, e.maxX >= box.minX, e.minY <= box.maxY, e.maxY >= box.minY else { continue }
            if grid!.boundaryCells[i] == nil { grid!.boundaryCells[i] = grid!.markBoundary(of: i) }
            if grid!.boundaryCells[i]!.contains(Int32(cell)) {
                list.append(Int32(i) << 1 | 1)
            } else if try prepared[i].covers(centre) {
                list.append(Int32(i) << 1)
            }
        }
        let offset = grid!.entries.count
        if offset + list.count + 1 >= Int(Int32.max) {
            grid = nil
            return -1
        }
        grid!.entries.append(contentsOf: list)
        grid!.entries.append(-1)
        grid!.cells[cell] = Int32(offset)
        return offset
    }

    /// Indices (ascending) of the polygons whose envelope meets the rectangle.
    private func candidates(in box: Envelope) throws -> [Int] {
        context.resetError()
        let ring = [Coordinate(x: box.minX, y: box.minY), Coordinate(x: box.maxX, y: box.minY), Coordinate(x: box.maxX, y: box.maxY),
                    Coordinate(x: box.minX, y: box.maxY), Coordinate(x: box.minX, y: box.minY)]
        let query = try Geometry.polygon(Polygon(exterior: ring)).makeGEOS(context)
        var found: [Int] = []
        withExtendedLifetime(query) {
            withUnsafeMutablePointer(to: &found) { foundPointer in
                GEOSSTRtree_query_r(context.handle, tree, query.pointer, { item, userdata in
                    guard let item, let userdata else { return }
                    let list = userdata.assumingMemoryBound(to: [Int].self)
                    list.pointee.append(Int(bitPattern: item) - 1)
                }, foundPointer)
            }
        }
        return found.sorted()
    }

    /// Up to this many polygons, `covering` checks each one's envelope instead of the tree.
    static let linearCount = 32
}
