import Geo
import Stations

/// The rider-friendly audit of commercial areas: how far each area is from the nearest rest
/// station, parking zone and charging point (0 when inside or touching), whether each is within
/// its threshold, and what is missing.
public struct AreaAudit: Sendable {
    public struct Thresholds: Sendable {
        public var restM: Double
        public var parkingM: Double
        public var chargingM: Double

        public init(restM: Double, parkingM: Double, chargingM: Double) {
            self.restM = restM
            self.parkingM = parkingM
            self.chargingM = chargingM
        }
    }

    public struct Nearest: Sendable {
        public var id: String
        public var name: String?
        public var distanceM: Double
        public var withinReach: Bool
    }

    public struct Row: Sendable {
        public var id: String
        public var name: String
        public var riderFriendly: Bool
        public var district: String?
        public var rest: Nearest?
        public var parking: Nearest?
        public var charging: Nearest?
        /// "rest station", "parking", "charging", in that order.
        public var missing: [String]
    }

    public var thresholds: Thresholds
    public var rows: [Row]

    /// Charging comes from stations that offer it (charging points, stations with charging or
    /// battery-swap services or ports) and from parking zones with charging.
    public init(_ dataset: Dataset, thresholds: Thresholds) throws {
        self.thresholds = thresholds
        let lookup = try DistrictLookup(dataset.districts)
        let rest = dataset.stations.filter(\.offersRest).map { (id: $0.id, name: Optional($0.name), geometry: Geometry.point($0.projected)) }
        let parking = dataset.parkingZones.map { (id: $0.id, name: $0.name, geometry: $0.projected) }
        let charging = dataset.stations.filter(\.offersCharging).map { (id: $0.id, name: Optional($0.name), geometry: Geometry.point($0.projected)) }
            + dataset.parkingZones.filter(\.charging).map { (id: $0.id, name: $0.name, geometry: $0.projected) }

        func nearest(_ area: Geometry, _ items: [(id: String, name: String?, geometry: Geometry)], limit: Double) throws -> Nearest? {
            var best: Nearest?
            for item in items {
                let d = try area.distance(to: item.geometry)
                if best == nil || d < best!.distanceM || (d == best!.distanceM && item.id < best!.id) {
                    best = Nearest(id: item.id, name: item.name, distanceM: d, withinReach: d <= limit)
                }
            }
            return best
        }

        rows = try dataset.commercialAreas.map { area in
            let r = try nearest(area.projected, rest, limit: thresholds.restM)
            let p = try nearest(area.projected, parking, limit: thresholds.parkingM)
            let c = try nearest(area.projected, charging, limit: thresholds.chargingM)
            var missing: [String] = []
            if r?.withinReach != true { missing.append("rest station") }
            if p?.withinReach != true { missing.append("parking") }
            if c?.withinReach != true { missing.append("charging") }
            var district: String?
            if case let .point(inside) = try area.projected.pointOnSurface(), let d = try lookup.primaryDivision(containing: inside) {
                district = dataset.districts[d].id
            }
            return Row(id: area.id, name: area.name, riderFriendly: area.riderFriendly, district: district, rest: r, parking: p, charging: c, missing: missing)
        }
    }
}
