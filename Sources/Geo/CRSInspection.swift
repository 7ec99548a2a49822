import CPROJ
import Foundation

/// What PROJ says of a CRS: its type, the units of its axes and its area of use. Nuanxin measures
/// distances and areas in the dataset's CRS, so that CRS must be projected with axes in metres.
public struct CRSInspection: Sendable, Hashable {
    /// The type of a CRS as PROJ reports it; only `projected` (with metre axes) measures distances.
    public enum Kind: String, Sendable, Hashable {
        /// Projected, geographic (degrees), geocentric (XYZ), vertical (heights), compound,
        /// engineering (local), or any other type PROJ reports.
        case projected, geographic, geocentric, vertical, compound, engineering, other
    }

    /// An axis: its name and unit, with the unit's size in SI units (metres, radians).
    public struct Axis: Sendable, Hashable {
        /// The axis name, e.g. "Easting".
        public var name: String
        /// The unit name, e.g. "metre" or "degree".
        public var unit: String
        /// The unit's size in SI units (1 for metres).
        public var toSI: Double
    }

    /// An area of use: its bounds (a `LonLatBox`, past 180 across the antimeridian) and its name.
    public struct Area: Sendable, Hashable {
        /// The bounds in WGS84 degrees; `east` is past 180 when the area crosses the antimeridian.
        public var bounds: LonLatBox
        /// PROJ's name of the area, e.g. "China - 112.5°E to 115.5°E".
        public var name: String

        /// An area from its bounds and name.
        public init(bounds: LonLatBox, name: String) {
            self.bounds = bounds
            self.name = name
        }
    }

    /// The CRS inspected, as given.
    public var crs: CRS
    /// PROJ's name of the CRS.
    public var name: String
    /// Its type.
    public var kind: Kind
    /// Its coordinate axes, in order.
    public var axes: [Axis]
    /// Its area of use, when PROJ knows one.
    public var area: Area?

    /// Projected, with every axis in metres.
    public var isMetric: Bool {
        kind == .projected && !axes.isEmpty && axes.allSatisfy { abs($0.toSI - 1) < 1e-12 && $0.unit.lowercased().hasPrefix("met") }
    }

    /// Why the CRS cannot measure distances in metres, or nil when it can: "a geographic CRS (axes in degree)".
    public var nonMetricReason: String? {
        if isMetric { return nil }
        var units: [String] = []
        for a in axes where !units.contains(a.unit) { units.append(a.unit) }
        let unitText = units.isEmpty ? "" : " (axes in \(units.joined(separator: ", ")))"
        switch kind {
        case .projected: return "a projected CRS with axes in \(units.isEmpty ? "unknown units" : units.joined(separator: ", ")), not metres"
        case .other: return "not a coordinate reference system PROJ can measure in\(unitText)"
        default: return "a \(kind.rawValue) CRS\(unitText)"
        }
    }

    /// The inspection of a CRS, asked of PROJ once per process (each costs a database search) and
    /// kept in `PROJCache.default` (when the program set one) for the next processes.
    public static func of(_ crs: CRS) throws -> CRSInspection {
        cacheLock.lock()
        if let known = cache[crs.definition] {
            cacheLock.unlock()
            return known
        }
        cacheLock.unlock()
        let made = try crs.inspect(cache: PROJCache.default)
        cacheLock.lock()
        cache[crs.definition] = made
        cacheLock.unlock()
        return made
    }

    private nonisolated(unsafe) static var cache: [String: CRSInspection] = [:]
    private static let cacheLock = NSLock()
}

extension CRS {
    /// The inspection kept in `cache` when there is one, else PROJ's (`inspect()`), which is then
    /// stored in `cache`.
    public func inspect(cache: PROJCache?) throws -> CRSInspection {
        if let stored = cache?.inspection(of: self) { return stored }
        let made = try inspect()
        cache?.store(made)
        return made
    }

    /// Asks PROJ what this CRS is. Throws a `GeoError` when PROJ does not know it.
    public func inspect() throws -> CRSInspection {
        guard let context = proj_context_create() else { throw GeoError.proj(operation: "create context", message: "out of memory") }
        defer { proj_context_destroy(context) }
        proj_log_level(context, PJ_LOG_NONE)
        proj_context_set_enable_network(context, 0)
        var text = definition
        if text.hasPrefix("+proj"), !text.contains("+type=crs") { text += " +type=crs" }
        guard let created = proj_create(context, text) else {
            let code = proj_context_errno(context)
            throw GeoError.proj(operation: "read CRS \(definition)", message: code != 0 ? String(cString: proj_context_errno_string(context, code)) : "unknown CRS")
        }
        defer { proj_destroy(created) }
        // A bound CRS (a CRS with a towgs84 transformation) is judged by the CRS it binds.
        var base: OpaquePointer?
        if proj_get_type(created) == PJ_TYPE_BOUND_CRS { base = proj_get_source_crs(context, created) }
        defer { if let base { proj_destroy(base) } }
        let pj = base ?? created
        let kind: CRSInspection.Kind
        switch proj_get_type(pj) {
        case PJ_TYPE_PROJECTED_CRS: kind = .projected
        case PJ_TYPE_GEOGRAPHIC_2D_CRS, PJ_TYPE_GEOGRAPHIC_3D_CRS, PJ_TYPE_GEOGRAPHIC_CRS: kind = .geographic
        case PJ_TYPE_GEOCENTRIC_CRS: kind = .geocentric
        case PJ_TYPE_GEODETIC_CRS: kind = .geographic
        case PJ_TYPE_VERTICAL_CRS: kind = .vertical
        case PJ_TYPE_COMPOUND_CRS: kind = .compound
        case PJ_TYPE_ENGINEERING_CRS: kind = .engineering
        default: kind = .other
        }
        var axes: [CRSInspection.Axis] = []
        if kind != .compound, let cs = proj_crs_get_coordinate_system(context, pj) {
            defer { proj_destroy(cs) }
            for i in 0..<max(0, proj_cs_get_axis_count(context, cs)) {
                var name: UnsafePointer<CChar>?
                var unit: UnsafePointer<CChar>?
                var factor = 0.0
                if proj_cs_get_axis_info(context, cs, i, &name, nil, nil, &factor, &unit, nil, nil) != 0 {
                    axes.append(.init(name: name.map { String(cString: $0) } ?? "", unit: unit.map { String(cString: $0) } ?? "", toSI: factor))
                }
            }
        }
        var area: CRSInspection.Area?
        var w = 0.0, s = 0.0, e = 0.0, n = 0.0
        var areaName: UnsafePointer<CChar>?
        if proj_get_area_of_use(context, pj, &w, &s, &e, &n, &areaName) != 0, w > -1000, s > -1000, e > -1000, n > -1000 {
            area = .init(bounds: LonLatBox(proj: w, south: s, east: e, north: n), name: areaName.map { String(cString: $0) } ?? "")
        }
        let name = CRS.knownName(proj_get_name(pj)) ?? CRS.describe(context, pj, kind: kind) ?? definition
        return CRSInspection(crs: self, name: name, kind: kind, axes: axes, area: area)
    }

    /// A name PROJ gave, or nil when it gave none or "unknown" (its name for every CRS read from a
    /// `+proj=` string).
    private static func knownName(_ text: UnsafePointer<CChar>?) -> String? {
        guard let text else { return nil }
        let name = String(cString: text)
        return name.isEmpty || name.lowercased() == "unknown" ? nil : name
    }

    /// A name for a CRS PROJ calls "unknown" (one given as a `+proj=` string), from what it is:
    /// its conversion or projection method and its datum, "Transverse Mercator on World Geodetic
    /// System 1984", "UTM zone 49N on World Geodetic System 1984", "longitude/latitude on the GRS
    /// 1980 ellipsoid". Nil when PROJ tells neither.
    private static func describe(_ context: OpaquePointer, _ pj: OpaquePointer, kind: CRSInspection.Kind) -> String? {
        var what: String?
        switch kind {
        case .projected:
            if let operation = proj_crs_get_coordoperation(context, pj) {
                defer { proj_destroy(operation) }
                var method: UnsafePointer<CChar>?
                what = knownName(proj_get_name(operation))
                if what == nil, proj_coordoperation_get_method_info(context, operation, &method, nil, nil) != 0 { what = knownName(method) }
            }
            if what == nil { what = "a projected CRS" }
        case .geographic: what = "longitude/latitude"
        case .geocentric: what = "geocentric X/Y/Z"
        case .other: what = nil
        default: what = "a \(kind.rawValue) CRS"
        }
        var datum: String?
        if let d = proj_crs_get_datum_forced(context, pj) {
            defer { proj_destroy(d) }
            datum = knownName(proj_get_name(d))
            // PROJ names a datum given only by its ellipsoid (+ellps=GRS80) "Unknown based on GRS
            // 1980 ellipsoid".
            let prefix = "Unknown based on "
            if let d = datum, d.hasPrefix(prefix) { datum = "the " + d.dropFirst(prefix.count) }
        }
        switch (what, datum) {
        case let (what?, datum?): return "\(what) on \(datum)"
        case let (what?, nil): return what
        case let (nil, datum?): return "a CRS on \(datum)"
        case (nil, nil): return nil
        }
    }

    /// A metric CRS for a WGS84 point: in and near China the CGCS2000 3-degree Gauss–Krüger zone
    /// (EPSG:4534–4554, central meridians 75°E–135°E), elsewhere the WGS84 UTM zone.
    public static func metricSuggestion(lon: Double, lat: Double) -> CRS {
        if lon >= 73.5, lon <= 136.5, lat >= 3, lat <= 54 {
            let meridian = min(135, max(75, (lon / 3).rounded() * 3))
            return .epsg(4534 + Int((meridian - 75) / 3))
        }
        return .utmZone(lon: lon, lat: lat)
    }
}
