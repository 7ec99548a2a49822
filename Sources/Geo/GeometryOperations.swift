import CGEOS

/// GEOS's verdict on a geometry's validity.
public struct ValidityReport: Hashable, Sendable {
    /// True when GEOS finds the geometry valid.
    public var isValid: Bool
    /// GEOS's reason, for example "Self-intersection" or "Ring Self-intersection".
    public var reason: String?
    /// Where GEOS found the problem.
    public var location: Coordinate?

    /// "valid", or GEOS's reason with the location.
    public var description: String {
        guard !isValid else { return "valid" }
        var text = reason ?? "invalid"
        if let location { text += " at (\(location.x), \(location.y))" }
        return text
    }
}

// Measures, predicates and constructive operations, all through GEOS in the calling thread's
// context. Units are those of the coordinates: project to metres first for areas and buffers.
extension Geometry {
    private func unary<T>(_ op: String, _ body: (GEOSContext, OpaquePointer) throws -> T) throws -> T {
        let context = GEOSContext.current
        let g = try makeGEOS(context)
        return try withExtendedLifetime(g) {
            context.resetError()
            return try body(context, g.pointer)
        }
    }

    private func binary<T>(_ other: Geometry, _ op: String, _ body: (GEOSContext, OpaquePointer, OpaquePointer) throws -> T) throws -> T {
        let context = GEOSContext.current
        let a = try makeGEOS(context)
        let b = try other.makeGEOS(context)
        return try withExtendedLifetime((a, b)) {
            context.resetError()
            return try body(context, a.pointer, b.pointer)
        }
    }

    private func constructive(_ op: String, _ body: (GEOSContextHandle_t, OpaquePointer) -> OpaquePointer?) throws -> Geometry {
        try unary(op) { context, g in
            let result = GEOSGeometryOwner(context: context, pointer: try context.check(body(context.handle, g), op))
            return try result.value()
        }
    }

    private func overlay(_ other: Geometry, _ op: String, _ body: (GEOSContextHandle_t, OpaquePointer, OpaquePointer) -> OpaquePointer?) throws -> Geometry {
        try binary(other, op) { context, a, b in
            let result = GEOSGeometryOwner(context: context, pointer: try context.check(body(context.handle, a, b), op))
            return try result.value()
        }
    }

    // MARK: Measures

    /// The planar area in squared coordinate units (square metres in a metric CRS).
    public func area() throws -> Double {
        try unary("area") { context, g in
            var value = 0.0
            try context.checkStatus(GEOSArea_r(context.handle, g, &value), "area")
            return value
        }
    }

    /// The planar length of lines, or the perimeter of polygons, in coordinate units.
    public func length() throws -> Double {
        try unary("length") { context, g in
            var value = 0.0
            try context.checkStatus(GEOSLength_r(context.handle, g, &value), "length")
            return value
        }
    }

    /// The shortest planar distance to `other` in coordinate units; 0 when they touch or overlap.
    public func distance(to other: Geometry) throws -> Double {
        try binary(other, "distance") { context, a, b in
            var value = 0.0
            try context.checkStatus(GEOSDistance_r(context.handle, a, b, &value), "distance")
            return value
        }
    }

    /// The centre of mass as a point (it may lie outside a concave polygon; see `pointOnSurface()`).
    public func centroid() throws -> Geometry { try constructive("centroid") { GEOSGetCentroid_r($0, $1) } }

    /// A point guaranteed to lie on the geometry (inside a polygon, unlike the centroid).
    public func pointOnSurface() throws -> Geometry { try constructive("point on surface") { GEOSPointOnSurface_r($0, $1) } }

    /// The bounding rectangle as a GEOS geometry (a point for a point, empty for empty).
    public func envelopeGeometry() throws -> Geometry { try constructive("envelope") { GEOSEnvelope_r($0, $1) } }

    // MARK: Predicates

    /// True when the geometries share any point.
    public func intersects(_ other: Geometry) throws -> Bool {
        try binary(other, "intersects") { try $0.checkPredicate(GEOSIntersects_r($0.handle, $1, $2), "intersects") }
    }

    /// True when no point of `other` lies outside and some point of it lies in the interior (a
    /// geometry on the boundary only is not contained).
    public func contains(_ other: Geometry) throws -> Bool {
        try binary(other, "contains") { try $0.checkPredicate(GEOSContains_r($0.handle, $1, $2), "contains") }
    }

    /// True when no point of `other` lies outside (the boundary counts as inside).
    public func covers(_ other: Geometry) throws -> Bool {
        try binary(other, "covers") { try $0.checkPredicate(GEOSCovers_r($0.handle, $1, $2), "covers") }
    }

    /// True when this geometry lies inside `other`: `other.contains(self)`.
    public func within(_ other: Geometry) throws -> Bool {
        try binary(other, "within") { try $0.checkPredicate(GEOSWithin_r($0.handle, $1, $2), "within") }
    }

    /// True when the geometries come within `distance` coordinate units of each other.
    public func isWithinDistance(_ distance: Double, of other: Geometry) throws -> Bool {
        try binary(other, "distance within") { try $0.checkPredicate(GEOSDistanceWithin_r($0.handle, $1, $2, distance), "distance within") }
    }

    // MARK: Constructive

    /// Buffer by `distance` in coordinate units, with `quadrantSegments` segments per quarter circle.
    public func buffer(_ distance: Double, quadrantSegments: Int = 8) throws -> Geometry {
        try constructive("buffer") { GEOSBuffer_r($0, $1, distance, Int32(quadrantSegments)) }
    }

    /// The points shared with `other` (GEOS overlay).
    public func intersection(_ other: Geometry) throws -> Geometry {
        try overlay(other, "intersection") { GEOSIntersection_r($0, $1, $2) }
    }

    /// The points of this geometry that are not in `other`.
    public func difference(_ other: Geometry) throws -> Geometry {
        try overlay(other, "difference") { GEOSDifference_r($0, $1, $2) }
    }

    /// The points of either geometry; for many geometries use `unionAll(_:)`.
    public func union(_ other: Geometry) throws -> Geometry {
        try overlay(other, "union") { GEOSUnion_r($0, $1, $2) }
    }

    /// Union of all the given geometries at once (GEOS unary union: cascaded, far faster than folding).
    public static func unionAll(_ geometries: [Geometry]) throws -> Geometry {
        try Geometry.geometryCollection(geometries).constructive("union") { GEOSUnaryUnion_r($0, $1) }
    }

    /// Topology-preserving simplification with the given tolerance.
    public func simplified(tolerance: Double) throws -> Geometry {
        try constructive("simplify") { GEOSTopologyPreserveSimplify_r($0, $1, tolerance) }
    }

    /// Voronoi polygons of this geometry's vertices, extended to cover `envelope` when given.
    public func voronoiDiagram(envelope: Geometry? = nil, tolerance: Double = 0) throws -> Geometry {
        let context = GEOSContext.current
        let env = try envelope?.makeGEOS(context)
        return try withExtendedLifetime(env) {
            try constructive("voronoi") { GEOSVoronoiDiagram_r($0, $1, env?.pointer, tolerance, 0) }
        }
    }

    // MARK: Validity

    /// GEOS's validity check with its reason and location.
    public func validity() throws -> ValidityReport {
        try unary("validity") { context, g in
            var reason: UnsafeMutablePointer<CChar>?
            var location: OpaquePointer?
            let result = GEOSisValidDetail_r(context.handle, g, 0, &reason, &location)
            defer {
                if let reason { GEOSFree_r(context.handle, reason) }
                if let location { GEOSGeom_destroy_r(context.handle, location) }
            }
            switch result {
            case 1: return ValidityReport(isValid: true)
            case 0:
                var at: Coordinate?
                if let location, case let .point(c)? = try? Geometry.fromGEOS(location, context) { at = c }
                return ValidityReport(isValid: false, reason: reason.map { String(cString: $0) }, location: at)
            default:
                throw context.error("validity check")
            }
        }
    }

    /// True when GEOS finds the geometry valid; `validity()` also says why not.
    public func isValid() throws -> Bool { try validity().isValid }

    /// GEOS's make-valid: the same area as a valid geometry (may change type, e.g. to MultiPolygon).
    public func makeValid() throws -> Geometry { try constructive("make valid") { GEOSMakeValid_r($0, $1) } }

    /// The geometry in GEOS's normal form (ordered rings and parts), for comparisons.
    public func normalized() throws -> Geometry {
        try unary("normalize") { context, g in
            try context.checkStatus(GEOSNormalize_r(context.handle, g) == 0 ? 1 : 0, "normalize")
            return try Geometry.fromGEOS(g, context)
        }
    }
}
