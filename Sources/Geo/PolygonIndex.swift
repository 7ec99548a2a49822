import CGEOS

/// Polygons (districts, zones, areas) under a GEOS STRtree, each prepared once, for point-in-polygon
/// lookups. The tree is built on the first query inside `init` (GEOS 3.11 has no explicit build
/// call), so it is read-only afterwards. Not for use by two threads at once.
public final class PolygonIndex {
    /// The polygons, in the order given; queries answer with positions in this array.
    public let geometries: [Geometry]
    private let prepared: [PreparedGeometry]
    private let owners: [GEOSGeometryOwner]
    private let context: GEOSContext
    private let tree: OpaquePointer

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
        // A few polygons (a city's districts): each one's envelope, checked in Swift by `covers`
        // before GEOS, selects what the tree would, without a GEOS point and a tree query.
        if prepared.count <= PolygonIndex.linearCount {
            var found: [Int] = []
            for i in prepared.indices where try prepared[i].covers(c) { found.append(i) }
            return found
        }
        return try candidates(at: c).filter { try prepared[$0].covers(c) }
    }

    /// Up to this many polygons, `covering` checks each one's envelope instead of the tree.
    static let linearCount = 32
}
