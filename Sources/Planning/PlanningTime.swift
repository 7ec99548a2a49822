import Geo
import Stations

/// The moment a plan looks at: how many riders one seat holds (Little's law), which stations are
/// open and how much of the peak demand is out at that time.
///
/// A rider visits a rest station `visits_per_hour` times an hour and stays `stay_min` minutes, so
/// one seat holds `riders_per_seat = 60 / (stay_min × visits_per_hour)` riders of demand (the
/// manifest's figures, or the flags that override them). Without a time (`at == nil`) demand is the
/// peak (demand weights as given) and every station counts whatever its hours; at a time, only the
/// stations open then count and demand is scaled by the manifest's `demand_profile` for that hour.
public struct PlanningTime: Sendable, Hashable {
    /// Riders of demand one seat holds (> 0).
    public var ridersPerSeat: Double
    /// nil: the peak, every station counted.
    public var at: TimeOfDay?
    /// Share of the peak demand out at `at` (1 at the peak).
    public var demandFactor: Double

    /// A moment with the given riders per seat (finite, > 0), time (the peak when nil) and demand
    /// factor (≥ 0, 1 by default); other values stop the program.
    public init(ridersPerSeat: Double, at: TimeOfDay? = nil, demandFactor: Double = 1) {
        precondition(ridersPerSeat > 0 && ridersPerSeat.isFinite && demandFactor >= 0)
        self.ridersPerSeat = ridersPerSeat
        self.at = at
        self.demandFactor = demandFactor
    }

    /// The manifest's riders per seat, and its demand profile at the hour of `at`.
    public init(manifest: Manifest, at: TimeOfDay? = nil) {
        let profile = manifest.demandProfile
        let factor = at.map { profile.indices.contains($0.hour) ? profile[$0.hour] : 1 } ?? 1
        self.init(ridersPerSeat: manifest.ridersPerSeat, at: at, demandFactor: factor)
    }

    /// Whether a station counts at this moment (always, at the peak without a time).
    public func isOpen(_ station: Station) -> Bool {
        guard let at else { return true }
        return station.openingHours.isOpen(at: at)
    }

    /// Riders that `seats` seats hold.
    public func capacity(seats: Int) -> Double { Double(seats) * ridersPerSeat }
}

/// The service radius of each unit of demand: `--radius` for all when given; else the smallest
/// `radius_m` among the divisions that contain the unit and set one; else the manifest's radius.
public struct ServiceRadius: Sendable, Hashable {
    /// The radius of demand in no division with its own (the manifest's, or the override).
    public var defaultM: Double
    /// Per division (index into dataset.districts): its own radius, nil when it has none.
    public var byDivision: [Double?]

    /// One radius for all demand.
    public init(uniform radiusM: Double) {
        defaultM = radiusM
        byDivision = []
    }

    /// Radii from the dataset's divisions; `override` (the `--radius` flag) replaces all of them.
    public init(dataset: Dataset, override: Double? = nil) {
        defaultM = override ?? dataset.manifest.radiusM
        byDivision = override == nil ? dataset.districts.map(\.radiusM) : []
    }

    /// Whether every unit has the same radius.
    public var isUniform: Bool { byDivision.allSatisfy { $0 == nil } }

    /// The largest radius any unit has.
    public var maximumM: Double { byDivision.reduce(defaultM) { max($0, $1 ?? $0) } }

    /// The radius of demand inside these divisions (indices into dataset.districts).
    public func radius(divisions: [Int]) -> Double {
        var best: Double?
        for d in divisions where byDivision.indices.contains(d) {
            if let r = byDivision[d] { best = min(best ?? r, r) }
        }
        return best ?? defaultM
    }

    /// The radius of a unit of demand.
    public func radius(of unit: DemandModel.Unit) -> Double { radius(divisions: unit.divisions) }
}

extension DemandModel {
    /// The same demand with every weight multiplied by `factor` (demand at a time of day).
    public func scaled(by factor: Double) -> DemandModel {
        guard factor != 1 else { return self }
        // Scaled apart (each change made through a model's `units[i]` would remake its `points`),
        // the points kept: the units stay where they are.
        var units = self.units
        for i in units.indices { units[i].weight *= factor }
        return DemandModel(units: units, points: points, areaCellM: areaCellM)
    }
}
