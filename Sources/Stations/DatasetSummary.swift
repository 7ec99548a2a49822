import Geo

/// `nuanxin info`: what the dataset holds, per division and in total.
public struct DatasetSummary: Sendable {
    /// The counts of one division, of everything (the total), or of features in no division. A feature
    /// counts in every division containing it (stations and demand points by their location, parking
    /// zones and commercial areas by their centroid).
    public struct Row: Sendable {
        /// The division's id; empty for the total and the outside row.
        public var id: String
        /// The division's name; "total" or "(outside every division)" for the other rows.
        public var name: String
        /// The division's kind ("district", "county", "zone"); empty for the total and the outside row.
        public var kind: String
        /// The division's area in km² in the metric CRS; for the total, the sum over the divisions that are
        /// not zones; 0 for the outside row.
        public var areaKm2: Double
        /// Stations of every kind.
        public var stations = 0
        /// Stations per kind (kinds without any are absent).
        public var stationsByKind: [StationKind: Int] = [:]
        /// Seats of the stations, with the manifest default for those that do not say.
        public var seats = 0
        /// Charging ports of the stations (those that do not say add none).
        public var chargingPorts = 0
        /// Parking zones.
        public var parkingZones = 0
        /// Parking slots of the parking zones (those that do not say add none).
        public var parkingSlots = 0
        /// Commercial areas.
        public var commercialAreas = 0
        /// Commercial areas labelled rider-friendly.
        public var riderFriendlyAreas = 0
        /// Demand points.
        public var demandPoints = 0
        /// Riders of the demand points (their weights; commercial areas' riders not included).
        public var demand = 0.0
    }

    /// The dataset's name.
    public var name: String
    /// The dataset's metric CRS.
    public var crs: CRS
    /// The default service radius in metres.
    public var radiusM: Double
    /// One row per division, in the dataset's order.
    public var rows: [Row]
    /// Features in no division at all.
    public var outside: Row
    /// Each feature counted once.
    public var total: Row

    /// Counts the dataset. Throws when GEOS cannot index the divisions or compute an area, a centroid
    /// or a containment.
    public init(_ dataset: Dataset) throws {
        name = dataset.manifest.name
        crs = dataset.manifest.crs
        radiusM = dataset.manifest.radiusM
        let lookup = try DistrictLookup(dataset.districts)
        rows = try dataset.districts.map { d in
            Row(id: d.id, name: d.name, kind: d.kind.rawValue, areaKm2: try d.projected.area() / 1e6)
        }
        outside = Row(id: "", name: "(outside every division)", kind: "", areaKm2: 0)
        total = Row(id: "", name: "total", kind: "", areaKm2: rows.filter { $0.kind != DivisionKind.zone.rawValue }.reduce(0) { $0 + $1.areaKm2 })

        func each(_ point: Coordinate, _ body: (inout Row) -> Void) throws {
            let hits = try lookup.divisions(containing: point)
            if hits.isEmpty { body(&outside) }
            for i in hits { body(&rows[i]) }
            body(&total)
        }
        for s in dataset.stations {
            let seats = dataset.seats(of: s)
            try each(s.projected) { r in
                r.stations += 1
                r.stationsByKind[s.kind, default: 0] += 1
                r.seats += seats
                r.chargingPorts += s.chargingPorts ?? 0
            }
        }
        for z in dataset.parkingZones {
            guard case let .point(c) = try z.projected.centroid() else { continue }
            try each(c) { r in
                r.parkingZones += 1
                r.parkingSlots += z.slots ?? 0
            }
        }
        for a in dataset.commercialAreas {
            guard case let .point(c) = try a.projected.centroid() else { continue }
            try each(c) { r in
                r.commercialAreas += 1
                if a.riderFriendly { r.riderFriendlyAreas += 1 }
            }
        }
        for d in dataset.demand {
            try each(d.projected) { r in
                r.demandPoints += 1
                r.demand += d.weight
            }
        }
    }
}
