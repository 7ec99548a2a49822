import CGEOS

// Well-known text and binary, through GEOS's readers and writers.
extension Geometry {
    /// Parses WKT, throwing GEOS's parse message on bad input.
    public init(wkt: String) throws {
        let context = GEOSContext.current
        let h = context.handle
        guard let reader = GEOSWKTReader_create_r(h) else { throw context.error("create WKT reader") }
        defer { GEOSWKTReader_destroy_r(h, reader) }
        context.resetError()
        let raw = try context.check(GEOSWKTReader_read_r(h, reader, wkt), "read WKT")
        let owner = GEOSGeometryOwner(context: context, pointer: raw)
        self = try owner.value()
    }

    /// The largest coordinate magnitude written as WKT. GEOS 3.11's WKT writer formats numbers in
    /// fixed notation into a stack buffer and overflows it from about 1e136 on (found by fuzzing);
    /// no coordinate in any CRS comes near 1e15 (the Earth is 4e7 m round).
    public static let maxWKTMagnitude = 1e15

    /// WKT with trailing zeros trimmed and, when given, coordinates rounded to `precision` decimals.
    /// Throws `GeoError.invalidInput` for a coordinate that is not finite or beyond ±1e15.
    public func wkt(precision: Int? = nil) throws -> String {
        for c in allCoordinates where !(abs(c.x) <= Geometry.maxWKTMagnitude && abs(c.y) <= Geometry.maxWKTMagnitude) {
            throw GeoError.invalidInput("coordinate (\(c.x), \(c.y)) cannot be written as WKT: beyond ±1e15 or not a number")
        }
        let context = GEOSContext.current
        let h = context.handle
        let g = try makeGEOS(context)
        guard let writer = GEOSWKTWriter_create_r(h) else { throw context.error("create WKT writer") }
        defer { GEOSWKTWriter_destroy_r(h, writer) }
        GEOSWKTWriter_setTrim_r(h, writer, 1)
        GEOSWKTWriter_setOutputDimension_r(h, writer, 2)
        if let precision { GEOSWKTWriter_setRoundingPrecision_r(h, writer, Int32(precision)) }
        return try withExtendedLifetime(g) {
            context.resetError()
            let text = try context.check(GEOSWKTWriter_write_r(h, writer, g.pointer), "write WKT")
            defer { GEOSFree_r(h, text) }
            return String(cString: text)
        }
    }

    /// Parses (little- or big-endian, ISO or extended) WKB.
    public init(wkb: [UInt8]) throws {
        let context = GEOSContext.current
        let h = context.handle
        guard let reader = GEOSWKBReader_create_r(h) else { throw context.error("create WKB reader") }
        defer { GEOSWKBReader_destroy_r(h, reader) }
        context.resetError()
        let raw = try wkb.withUnsafeBufferPointer { buffer in
            try context.check(GEOSWKBReader_read_r(h, reader, buffer.baseAddress, buffer.count), "read WKB")
        }
        self = try GEOSGeometryOwner(context: context, pointer: raw).value()
    }

    /// Little-endian 2D WKB.
    public func wkb() throws -> [UInt8] {
        let context = GEOSContext.current
        let h = context.handle
        let g = try makeGEOS(context)
        guard let writer = GEOSWKBWriter_create_r(h) else { throw context.error("create WKB writer") }
        defer { GEOSWKBWriter_destroy_r(h, writer) }
        GEOSWKBWriter_setOutputDimension_r(h, writer, 2)
        GEOSWKBWriter_setByteOrder_r(h, writer, Int32(GEOS_WKB_NDR.rawValue))
        return try withExtendedLifetime(g) {
            var size = 0
            context.resetError()
            let bytes = try context.check(GEOSWKBWriter_write_r(h, writer, g.pointer, &size), "write WKB")
            defer { GEOSFree_r(h, bytes) }
            return Array(UnsafeBufferPointer(start: bytes, count: size))
        }
    }
}
