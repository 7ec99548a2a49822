/// Station kinds of SPEC.md. Unknown kinds are errors, never silently dropped.
public enum StationKind: String, CaseIterable, Codable, Sendable {
    case warmStation = "warm_station"
    case unionStation = "union_station"
    case riderStation = "rider_station"
    case serviceCenter = "service_center"
    case chargingPoint = "charging_point"
    case partnerVenue = "partner_venue"

    /// Whether a station of this kind offers rest by default (SPEC: every kind except charging
    /// points and partner venues).
    public var offersRest: Bool {
        switch self {
        case .chargingPoint, .partnerVenue: return false
        default: return true
        }
    }

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Services a station offers (SPEC.md). Unknown services are errors.
public enum StationService: String, CaseIterable, Codable, Sendable {
    case rest, water
    case hotMeal = "hot_meal"
    case microwave, charging
    case batterySwap = "battery_swap"
    case umbrella, restroom, shower, reading, fitness, haircut
    case healthCheck = "health_check"
    case counseling
    case legalAid = "legal_aid"
    case training
    case firstAid = "first_aid"
    case wifi

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Kinds of division in `districts.geojson`: zones may overlap districts and counties.
public enum DivisionKind: String, CaseIterable, Codable, Sendable {
    case district, county, zone

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
