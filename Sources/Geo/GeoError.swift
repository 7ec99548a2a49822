/// Errors thrown by the geometry layer. Each carries the library's own message where there is one.
public enum GeoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// GEOS refused an operation; `message` is GEOS's text (for example "IllegalArgumentException: ...").
    case geos(operation: String, message: String)
    /// PROJ refused a CRS or a transform; `message` is PROJ's text.
    case proj(operation: String, message: String)
    /// Input that cannot be turned into a geometry (WKT/WKB/GeoJSON structure, coordinates).
    case invalidInput(String)

    /// A one-line message naming the library and operation that failed, with the library's text.
    public var description: String {
        switch self {
        case let .geos(operation, message): return "GEOS \(operation) failed: \(message)"
        case let .proj(operation, message): return "PROJ \(operation) failed: \(message)"
        case let .invalidInput(message): return message
        }
    }
}
