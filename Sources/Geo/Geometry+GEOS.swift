import CGEOS

// Conversion between `Geometry` values and GEOS geometries. Every GEOS object made here is either
// handed to an owner or destroyed on every error path.

extension Geometry {
    /// A GEOS copy of this geometry, owned by the returned object.
    func makeGEOS(_ context: GEOSContext = .current) throws -> GEOSGeometryOwner {
        GEOSGeometryOwner(context: context, pointer: try makeRawGEOS(context))
    }

    /// A GEOS geometry the caller owns (destroy it, or hand it to GEOS which takes ownership).
    func makeRawGEOS(_ context: GEOSContext) throws -> OpaquePointer {
        let h = context.handle
        context.resetError()
        switch self {
        case let .point(c):
            return try context.check(GEOSGeom_createPointFromXY_r(h, c.x, c.y), "create point")
        case let .lineString(cs):
            if cs.isEmpty { return try context.check(GEOSGeom_createEmptyLineString_r(h), "create empty line") }
            let seq = try makeSequence(cs, context)
            return try context.check(GEOSGeom_createLineString_r(h, seq), "create line")
        case let .polygon(p):
            return try makePolygon(p, context)
        case let .multiPoint(cs):
            return try makeCollection(GEOS_MULTIPOINT, cs.map { Geometry.point($0) }, context)
        case let .multiLineString(ls):
            return try makeCollection(GEOS_MULTILINESTRING, ls.map { Geometry.lineString($0) }, context)
        case let .multiPolygon(ps):
            return try makeCollection(GEOS_MULTIPOLYGON, ps.map { Geometry.polygon($0) }, context)
        case let .geometryCollection(gs):
            return try makeCollection(GEOS_GEOMETRYCOLLECTION, gs, context)
        }
    }

    /// Reads a GEOS geometry (not consumed) into a value.
    static func fromGEOS(_ g: OpaquePointer, _ context: GEOSContext) throws -> Geometry {
        let h = context.handle
        context.resetError()
        let type = GEOSGeomTypeId_r(h, g)
        switch Int(type) {
        case Int(GEOS_POINT.rawValue):
            if GEOSisEmpty_r(h, g) == 1 { return .multiPoint([]) }
            let cs = try readSequence(g, context)
            return .point(cs[0])
        case Int(GEOS_LINESTRING.rawValue), Int(GEOS_LINEARRING.rawValue):
            return .lineString(try readSequence(g, context))
        case Int(GEOS_POLYGON.rawValue):
            return .polygon(try readPolygon(g, context))
        case Int(GEOS_MULTIPOINT.rawValue):
            return .multiPoint(try parts(g, context).map { part in
                guard case let .point(c) = part else { throw GeoError.invalidInput("empty point inside a MultiPoint") }
                return c
            })
        case Int(GEOS_MULTILINESTRING.rawValue):
            return .multiLineString(try parts(g, context).map { part in
                guard case let .lineString(cs) = part else { throw GeoError.invalidInput("unexpected part in MultiLineString") }
                return cs
            })
        case Int(GEOS_MULTIPOLYGON.rawValue):
            return .multiPolygon(try parts(g, context).map { part in
                guard case let .polygon(p) = part else { throw GeoError.invalidInput("unexpected part in MultiPolygon") }
                return p
            })
        case Int(GEOS_GEOMETRYCOLLECTION.rawValue):
            return .geometryCollection(try parts(g, context))
        default:
            throw context.error("read geometry type \(type)")
        }
    }

    private static func parts(_ g: OpaquePointer, _ context: GEOSContext) throws -> [Geometry] {
        let n = GEOSGetNumGeometries_r(context.handle, g)
        guard n >= 0 else { throw context.error("count parts") }
        return try (0..<n).map { i in
            let part = try context.check(GEOSGetGeometryN_r(context.handle, g, i), "get part")
            return try fromGEOS(part, context)
        }
    }

    private static func readPolygon(_ g: OpaquePointer, _ context: GEOSContext) throws -> Polygon {
        let h = context.handle
        if GEOSisEmpty_r(h, g) == 1 { return Polygon(exterior: []) }
        let shell = try context.check(GEOSGetExteriorRing_r(h, g), "get exterior ring")
        let nHoles = GEOSGetNumInteriorRings_r(h, g)
        guard nHoles >= 0 else { throw context.error("count holes") }
        let holes = try (0..<nHoles).map { i in
            try readSequence(try context.check(GEOSGetInteriorRingN_r(h, g, i), "get hole"), context)
        }
        return Polygon(exterior: try readSequence(shell, context), holes: holes)
    }

    private static func readSequence(_ g: OpaquePointer, _ context: GEOSContext) throws -> [Coordinate] {
        let h = context.handle
        let seq = try context.check(GEOSGeom_getCoordSeq_r(h, g), "get coordinates")
        var size: UInt32 = 0
        try context.checkStatus(GEOSCoordSeq_getSize_r(h, seq, &size), "get coordinate count")
        if size == 0 { return [] }
        var buffer = [Double](repeating: 0, count: Int(size) * 2)
        try context.checkStatus(GEOSCoordSeq_copyToBuffer_r(h, seq, &buffer, 0, 0), "copy coordinates")
        return (0..<Int(size)).map { Coordinate(x: buffer[2 * $0], y: buffer[2 * $0 + 1]) }
    }

    private func makeSequence(_ cs: [Coordinate], _ context: GEOSContext) throws -> OpaquePointer {
        var flat = [Double]()
        flat.reserveCapacity(cs.count * 2)
        for c in cs {
            flat.append(c.x)
            flat.append(c.y)
        }
        return try context.check(GEOSCoordSeq_copyFromBuffer_r(context.handle, flat, UInt32(cs.count), 0, 0), "create coordinates")
    }

    private func makeRing(_ cs: [Coordinate], _ context: GEOSContext) throws -> OpaquePointer {
        let seq = try makeSequence(cs, context)
        // GEOSGeom_createLinearRing_r takes the sequence, also when it fails.
        return try context.check(GEOSGeom_createLinearRing_r(context.handle, seq), "create ring")
    }

    private func makePolygon(_ p: Polygon, _ context: GEOSContext) throws -> OpaquePointer {
        let h = context.handle
        if p.isEmpty { return try context.check(GEOSGeom_createEmptyPolygon_r(h), "create empty polygon") }
        let shell = try makeRing(p.exterior, context)
        var holes: [OpaquePointer?] = []
        do {
            for hole in p.holes { holes.append(try makeRing(hole, context)) }
        } catch {
            GEOSGeom_destroy_r(h, shell)
            for hole in holes { if let hole { GEOSGeom_destroy_r(h, hole) } }
            throw error
        }
        // Takes ownership of shell and holes.
        return try holes.withUnsafeMutableBufferPointer { buffer in
            try context.check(GEOSGeom_createPolygon_r(h, shell, buffer.baseAddress, UInt32(buffer.count)), "create polygon")
        }
    }

    private func makeCollection(_ type: GEOSGeomTypes, _ members: [Geometry], _ context: GEOSContext) throws -> OpaquePointer {
        let h = context.handle
        var made: [OpaquePointer?] = []
        made.reserveCapacity(members.count)
        do {
            for m in members { made.append(try m.makeRawGEOS(context)) }
        } catch {
            for g in made { if let g { GEOSGeom_destroy_r(h, g) } }
            throw error
        }
        context.resetError()
        // Takes ownership of the members.
        return try made.withUnsafeMutableBufferPointer { buffer in
            try context.check(GEOSGeom_createCollection_r(h, Int32(type.rawValue), buffer.baseAddress, UInt32(buffer.count)), "create collection")
        }
    }
}

extension GEOSGeometryOwner {
    /// Reads the owned geometry back into a value.
    func value() throws -> Geometry {
        try withExtendedLifetime(self) { try Geometry.fromGEOS(pointer, context) }
    }
}
