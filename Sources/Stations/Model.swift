import Geo

/// `dataset.json`: the dataset's name, its metric CRS and defaults.
public struct Manifest: Hashable, Sendable {
    public var name: String
    /// A metric CRS for distances and areas, e.g. EPSG:4547.
    public var crs: CRS
    /// The default service radius in metres.
    public var radiusM: Double
    /// Seats for stations and new sites that do not say.
    public var defaultSeats: Int
    /// The whole manifest, for export.
    public var properties: JSONObject
    /// Minutes a rider stays at a rest station on a visit ("stay_min", > 0).
    public var stayMin: Double
    /// Visits a rider makes to a rest station in an hour ("visits_per_hour", > 0).
    public var visitsPerHour: Double
    /// Demand factors for the hours 0-23 ("demand_profile"): non-negative, the peak hour 1.
    public var demandProfile: [Double]
    /// Seat counts a new site may have ("site_sizes"), ascending.
    public var siteSizes: [Int]
    /// What a new site costs ("site_cost").
    public var siteCost: SiteCost

    public static let defaultStayMin = 20.0
    public static let defaultVisitsPerHour = 0.5
    /// An illustrative day of delivery work: low at night, a lunch peak at 12:00 (the 1) and a
    /// dinner peak at 18:00, the two-peak shape food-delivery platforms commonly report.
    public static let defaultDemandProfile: [Double] = [
        0.10, 0.06, 0.04, 0.03, 0.03, 0.05, 0.12, 0.25, 0.35, 0.40, 0.60, 0.95, // 00-11
        1.00, 0.75, 0.50, 0.45, 0.55, 0.80, 0.95, 0.85, 0.60, 0.45, 0.30, 0.18, // 12-23
    ]
    public static let defaultSiteSizes = [8, 16, 24, 32, 40]

    /// Riders of demand one seat holds (Little's law): 60 / (stay_min × visits_per_hour).
    public var ridersPerSeat: Double { 60 / (stayMin * visitsPerHour) }

    public init(name: String, crs: CRS, radiusM: Double, defaultSeats: Int, properties: JSONObject = JSONObject(),
                stayMin: Double = Manifest.defaultStayMin, visitsPerHour: Double = Manifest.defaultVisitsPerHour,
                demandProfile: [Double] = Manifest.defaultDemandProfile, siteSizes: [Int] = Manifest.defaultSiteSizes,
                siteCost: SiteCost = .illustrative) {
        self.name = name
        self.crs = crs
        self.radiusM = radiusM
        self.defaultSeats = defaultSeats
        self.properties = properties
        self.stayMin = stayMin
        self.visitsPerHour = visitsPerHour
        self.demandProfile = demandProfile
        self.siteSizes = siteSizes
        self.siteCost = siteCost
    }
}

/// The cost of a new site in yuan: a fixed part plus a part per seat.
public struct SiteCost: Hashable, Sendable {
    public var fixed: Double
    public var perSeat: Double

    public init(fixed: Double, perSeat: Double) {
        self.fixed = fixed
        self.perSeat = perSeat
    }

    /// Illustrative defaults, not from any budget: 30 000 yuan to fit out a site (sign, furniture,
    /// microwave, water dispenser) and 1 500 yuan a seat.
    public static let illustrative = SiteCost(fixed: 30_000, perSeat: 1_500)

    /// The cost of a site with `seats` seats.
    public func cost(seats: Int) -> Double { fixed + perSeat * Double(seats) }
}

/// A county-level division or a development zone.
public struct District: Hashable, Sendable {
    public var id: String
    public var name: String
    public var kind: DivisionKind
    public var nameEN: String?
    public var workers: Double?
    /// The service radius for demand inside this division ("radius_m", > 0), when it has its own.
    public var radiusM: Double? = nil
    /// WGS84 lon/lat.
    public var geometry: Geometry
    /// In the dataset's metric CRS.
    public var projected: Geometry
    public var featureIndex: Int
    public var properties: JSONObject
}

public struct Station: Hashable, Sendable {
    public var id: String
    public var name: String
    public var kind: StationKind
    public var district: String?
    /// Seats as given; `effectiveSeats` applies the manifest default.
    public var seats: Int?
    public var chargingPorts: Int?
    /// The services listed; empty when the station has no list (or an empty one).
    public var services: [StationService]
    /// `hours` as written; `openingHours` is what it means.
    public var hours: String?
    public var operatorName: String?
    public var location: Coordinate
    public var projected: Coordinate
    public var featureIndex: Int
    public var properties: JSONObject
    /// When it is open, read from `hours` at load (always open without `hours`).
    public var openingHours: OpeningHours = .always

    /// Whether the station offers rest: with a services list, exactly when the list holds `rest`;
    /// without one, by its kind (every kind but charging points and partner venues).
    public var offersRest: Bool { services.isEmpty ? kind.offersRest : services.contains(.rest) }

    /// Whether the station offers `service`: `rest` as `offersRest`; others when listed, with
    /// charging also for every charging point and for stations with charging ports.
    public func offers(_ service: StationService) -> Bool {
        switch service {
        case .rest: return offersRest
        case .charging: return services.contains(.charging) || (chargingPorts ?? 0) > 0 || kind == .chargingPoint
        default: return services.contains(service)
        }
    }

    public var offersCharging: Bool { offers(.charging) || services.contains(.batterySwap) }
}

public struct ParkingZone: Hashable, Sendable {
    public var id: String
    public var name: String?
    public var slots: Int?
    public var charging: Bool
    /// A Polygon/MultiPolygon or a Point.
    public var geometry: Geometry
    public var projected: Geometry
    public var featureIndex: Int
    public var properties: JSONObject
}

public struct CommercialArea: Hashable, Sendable {
    public var id: String
    public var name: String
    public var riderFriendly: Bool
    public var dailyOrders: Double?
    public var peakRiders: Double?
    public var geometry: Geometry
    public var projected: Geometry
    public var featureIndex: Int
    public var properties: JSONObject
}

public struct DemandPoint: Hashable, Sendable {
    public var id: String
    /// Peak riders needing a station there.
    public var weight: Double
    public var location: Coordinate
    public var projected: Coordinate
    public var featureIndex: Int
    public var properties: JSONObject
}

public struct Candidate: Hashable, Sendable {
    public var id: String
    public var name: String?
    public var maxSeats: Int?
    public var location: Coordinate
    public var projected: Coordinate
    public var featureIndex: Int
    public var properties: JSONObject
}

/// A loaded, validated dataset with every geometry also in the metric CRS.
public struct Dataset: Sendable {
    public var manifest: Manifest
    public var districts: [District]
    public var stations: [Station]
    public var parkingZones: [ParkingZone]
    public var commercialAreas: [CommercialArea]
    public var demand: [DemandPoint]
    public var candidates: [Candidate]
    /// Whether a candidates layer was present (the planner falls back to a grid where there is none).
    public var hasCandidates: Bool
    /// Warnings found while loading (errors stop loading).
    public var warnings: [DatasetIssue]

    /// Seats of a station, with the manifest default for stations that do not say.
    public func seats(of station: Station) -> Int { station.seats ?? manifest.defaultSeats }
}
