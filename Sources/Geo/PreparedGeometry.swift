import CGEOS

/// A GEOS prepared geometry for many predicates against one shape (a district, an area).
/// Not for use by two threads at once: give each worker its own.
public final class PreparedGeometry {
    /// The geometry as given.
    public let geometry: Geometry
    /// Its bounding box (nil when empty), checked before GEOS for quick rejects of points.
    public let envelope: Envelope?
    private let owner: GEOSGeometryOwner
    private let prepared: OpaquePointer

    /// Prepares `geometry` in the calling thread's GEOS context.
    ///
    /// - Throws: `GeoError.geos` when GEOS refuses the geometry.
    public init(_ geometry: Geometry) throws {
        let context = GEOSContext.current
        self.geometry = geometry
        self.envelope = geometry.envelope
        self.owner = try geometry.makeGEOS(context)
        context.resetError()
        self.prepared = try context.check(GEOSPrepare_r(context.handle, owner.pointer), "prepare")
    }

    deinit {
        GEOSPreparedGeom_destroy_r(owner.context.handle, prepared)
    }

    private func withPoint<T>(_ c: Coordinate, _ body: (GEOSContext, OpaquePointer) throws -> T) throws -> T {
        let context = owner.context
        context.resetError()
        let point = GEOSGeometryOwner(context: context, pointer: try context.check(GEOSGeom_createPointFromXY_r(context.handle, c.x, c.y), "create point"))
        return try withExtendedLifetime((self, point)) { try body(context, point.pointer) }
    }

    private func withGeometry<T>(_ g: Geometry, _ body: (GEOSContext, OpaquePointer) throws -> T) throws -> T {
        let context = owner.context
        let other = try g.makeGEOS(context)
        return try withExtendedLifetime((self, other)) {
            context.resetError()
            return try body(context, other.pointer)
        }
    }

    /// True when the point lies in the interior (not on the boundary).
    public func contains(_ c: Coordinate) throws -> Bool {
        if let envelope, !envelope.contains(c) { return false }
        return try withPoint(c) { try $0.checkPredicate(GEOSPreparedContains_r($0.handle, prepared, $1), "contains") }
    }

    /// True when the point lies in the interior or on the boundary.
    public func covers(_ c: Coordinate) throws -> Bool {
        if let envelope, !envelope.contains(c) { return false }
        return try withPoint(c) { try $0.checkPredicate(GEOSPreparedCovers_r($0.handle, prepared, $1), "covers") }
    }

    /// True when no point of `g` lies outside and some point of it lies in the interior.
    public func contains(_ g: Geometry) throws -> Bool {
        try withGeometry(g) { try $0.checkPredicate(GEOSPreparedContains_r($0.handle, prepared, $1), "contains") }
    }

    /// True when no point of `g` lies outside (the boundary counts as inside).
    public func covers(_ g: Geometry) throws -> Bool {
        try withGeometry(g) { try $0.checkPredicate(GEOSPreparedCovers_r($0.handle, prepared, $1), "covers") }
    }

    /// True when `g` shares any point with the prepared geometry.
    public func intersects(_ g: Geometry) throws -> Bool {
        try withGeometry(g) { try $0.checkPredicate(GEOSPreparedIntersects_r($0.handle, prepared, $1), "intersects") }
    }

    /// True when the point lies within `distance` coordinate units of the prepared geometry.
    public func isWithinDistance(_ distance: Double, of c: Coordinate) throws -> Bool {
        try withPoint(c) { try $0.checkPredicate(GEOSPreparedDistanceWithin_r($0.handle, prepared, $1, distance), "distance within") }
    }
}
