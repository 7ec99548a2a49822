import Geo

/// `dataset.json`: the dataset's name, its metric CRS and defaults.
public struct Manifest: Hashable, Sendable {
    /// The dataset's name ("name").
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

    /// Minutes a rider stays on a visit when the manifest does not say: 20.
    public static let defaultStayMin = 20.0
    /// Visits a rider makes in an hour when the manifest does not say: 0.5.
    public static let defaultVisitsPerHour = 0.5
    /// An illustrative day of delivery work: low at night, a lunch peak at 12:00 (the 1) and a
    /// dinner peak at 18:00, the two-peak shape food-delivery platforms commonly report.
    public static let defaultDemandProfile: [Double] = [
        0.10, 0.06, 0.04, 0.03, 0.03, 0.05, 0.12, 0.25, 0.35, 0.40, 0.60, 0.95, // 00-11
        1.00, 0.75, 0.50, 0.45, 0.55, 0.80, 0.95, 0.85, 0.60, 0.45, 0.30, 0.18, // 12-23
    ]
    /// Seat counts a new site may have when the manifest does not say: 8 to 40 in steps of 8.
    public static let defaultSiteSizes = [8, 16, 24, 32, 40]

    /// Riders of demand one seat holds (Little's law): 60 / (stay_min × visits_per_hour).
    public var ridersPerSeat: Double { 60 / (stayMin * visitsPerHour) }

    /// A manifest with the given name, metric CRS, service radius in metres and default seats; the
    /// others default to the values above, empty `properties` and the illustrative site cost.
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
    /// The fixed part in yuan, paid once a site.
    public var fixed: Double
    /// The part in yuan paid for each seat.
    public var perSeat: Double

    /// A cost of `fixed` yuan a site plus `perSeat` yuan a seat.
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
    /// The division's id ("id"), unique in the layer.
    public var id: String
    /// The division's name ("name").
    public var name: String
    /// What kind of division it is ("kind"; a district when absent).
    public var kind: DivisionKind
    /// The English name ("name_en"), nil when absent.
    public var nameEN: String?
    /// Workers there ("workers", ≥ 0), nil when absent.
    public var workers: Double?
    /// The service radius for demand inside this division ("radius_m", > 0), when it has its own.
    public var radiusM: Double? = nil
    /// WGS84 lon/lat.
    public var geometry: Geometry
    /// In the dataset's metric CRS.
    public var projected: Geometry
    /// 0-based position of the feature in its layer file.
    public var featureIndex: Int
    /// The feature's properties as read, keys in file order.
    public var properties: JSONObject
}

/// A rest station, union station, rider station or other place riders can use.
public struct Station: Hashable, Sendable {
    /// The station's id ("id"), unique in the layer.
    public var id: String
    /// The station's name ("name").
    public var name: String
    /// The station's kind ("kind"), read through the vocabulary of kinds.
    public var kind: StationKind
    /// The "district" property as written, nil when absent.
    public var district: String?
    /// Seats as given; `effectiveSeats` applies the manifest default.
    public var seats: Int?
    /// Charging ports ("charging_ports"), nil when the station does not say.
    public var chargingPorts: Int?
    /// The services listed; empty when the station has no list (or an empty one).
    public var services: [StationService]
    /// `hours` as written; `openingHours` is what it means.
    public var hours: String?
    /// The operator ("operator"), nil when absent.
    public var operatorName: String?
    /// WGS84 lon/lat.
    public var location: Coordinate
    /// In the dataset's metric CRS.
    public var projected: Coordinate
    /// 0-based position of the feature in its layer file.
    public var featureIndex: Int
    /// The feature's properties, with `kind` and `services` rewritten to their codes.
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

    /// Whether riders can charge or swap batteries there: charging as `offers(.charging)`, or a
    /// listed battery swap.
    public var offersCharging: Bool { offers(.charging) || services.contains(.batterySwap) }
}

/// A parking zone for riders: an area or a point.
public struct ParkingZone: Hashable, Sendable {
    /// The zone's id ("id"), unique in the layer.
    public var id: String
    /// The zone's name ("name"), nil when absent.
    public var name: String?
    /// Parking slots ("slots"), nil when the zone does not say.
    public var slots: Int?
    /// Whether riders can charge there ("charging"; false when absent).
    public var charging: Bool
    /// A Polygon/MultiPolygon or a Point.
    public var geometry: Geometry
    /// The geometry in the dataset's metric CRS.
    public var projected: Geometry
    /// 0-based position of the feature in its layer file.
    public var featureIndex: Int
    /// The feature's properties as read, keys in file order.
    public var properties: JSONObject
}

/// A commercial area where riders work; its `peak_riders` count as demand.
public struct CommercialArea: Hashable, Sendable {
    /// The area's id ("id"), unique in the layer.
    public var id: String
    /// The area's name ("name").
    public var name: String
    /// Whether it is labelled rider-friendly ("rider_friendly"; false when absent).
    public var riderFriendly: Bool
    /// Orders a day ("daily_orders", ≥ 0), nil when absent.
    public var dailyOrders: Double?
    /// Riders there at the peak ("peak_riders", ≥ 0), nil when absent; counted as demand.
    public var peakRiders: Double?
    /// A Polygon or MultiPolygon in WGS84 lon/lat.
    public var geometry: Geometry
    /// The geometry in the dataset's metric CRS.
    public var projected: Geometry
    /// 0-based position of the feature in its layer file.
    public var featureIndex: Int
    /// The feature's properties as read, keys in file order.
    public var properties: JSONObject
}

/// A demand point: riders who need a rest station at the peak, at one place.
public struct DemandPoint: Hashable, Sendable {
    /// The point's id ("id"), unique in the layer.
    public var id: String
    /// Peak riders needing a station there.
    public var weight: Double
    /// WGS84 lon/lat.
    public var location: Coordinate
    /// In the dataset's metric CRS.
    public var projected: Coordinate
    /// 0-based position of the feature in its layer file.
    public var featureIndex: Int
    /// The feature's properties as read, keys in file order; empty when the dataset was loaded
    /// without them (`DatasetLoader.load`'s `demandProperties`).
    public var properties: JSONObject
}

/// A place a new station could open.
public struct Candidate: Hashable, Sendable {
    /// The candidate's id ("id"), unique in the layer.
    public var id: String
    /// The candidate's name ("name"), nil when absent.
    public var name: String?
    /// The most seats the place can hold ("max_seats"), nil when it does not say.
    public var maxSeats: Int?
    /// WGS84 lon/lat.
    public var location: Coordinate
    /// In the dataset's metric CRS.
    public var projected: Coordinate
    /// 0-based position of the feature in its layer file.
    public var featureIndex: Int
    /// The feature's properties as read, keys in file order.
    public var properties: JSONObject
}

/// A loaded, validated dataset with every geometry also in the metric CRS.
public struct Dataset: Sendable {
    /// The manifest (`dataset.json`).
    public var manifest: Manifest
    /// The districts and other divisions.
    public var districts: [District]
    /// The stations, rest and other.
    public var stations: [Station]
    /// The parking zones.
    public var parkingZones: [ParkingZone]
    /// The commercial areas.
    public var commercialAreas: [CommercialArea]
    /// The demand points.
    public var demand: [DemandPoint]
    /// The candidate sites (empty when the layer is absent).
    public var candidates: [Candidate]
    /// Whether a candidates layer was present (the planner falls back to a grid where there is none).
    public var hasCandidates: Bool
    /// Warnings found while loading (errors stop loading).
    public var warnings: [DatasetIssue]

    /// Seats of a station, with the manifest default for stations that do not say.
    public func seats(of station: Station) -> Int { station.seats ?? manifest.defaultSeats }
}
