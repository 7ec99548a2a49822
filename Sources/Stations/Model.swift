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

    public init(name: String, crs: CRS, radiusM: Double, defaultSeats: Int, properties: JSONObject = JSONObject()) {
        self.name = name
        self.crs = crs
        self.radiusM = radiusM
        self.defaultSeats = defaultSeats
        self.properties = properties
    }
}

/// A county-level division or a development zone.
public struct District: Hashable, Sendable {
    public var id: String
    public var name: String
    public var kind: DivisionKind
    public var nameEN: String?
    public var workers: Double?
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
    public var services: [StationService]
    public var hours: String?
    public var operatorName: String?
    public var location: Coordinate
    public var projected: Coordinate
    public var featureIndex: Int
    public var properties: JSONObject

    /// Whether the station offers rest (SPEC: decided by its kind; `--kind` may choose others).
    public var offersRest: Bool { kind.offersRest }
    public var offersCharging: Bool { kind == .chargingPoint || services.contains(.charging) || services.contains(.batterySwap) || (chargingPorts ?? 0) > 0 }
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
