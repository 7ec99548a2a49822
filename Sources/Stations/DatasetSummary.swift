import Geo

/// `nuanxin info`: what the dataset holds, per division and in total.
public struct DatasetSummary: Sendable {
    public struct Row: Sendable {
        public var id: String
        public var name: String
        public var kind: String
        public var areaKm2: Double
        public var stations = 0
        public var stationsByKind: [StationKind: Int] = [:]
        public var seats = 0
        public var chargingPorts = 0
        public var parkingZones = 0
        public var parkingSlots = 0
        public var commercialAreas = 0
        public var riderFriendlyAreas = 0
        public var demandPoints = 0
        public var demand = 0.0
    }

    public var name: String
    public var crs: CRS
    public var radiusM: Double
    public var rows: [Row]
    /// Features in no division at all.
    public var outside: Row
    /// Each feature counted once.
    public var total: Row

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
