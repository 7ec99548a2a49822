import Foundation
import Geo
import Optimization
import Stations

/// Site proposals a planner can build: per district (or one choice for the whole city), keep the
/// existing stations, choose new sites inside the district from `candidates.geojson` or, where the
/// district has none, from the centres of a square grid (`gridM`) that could reach demand not yet
/// covered (served), size each from the manifest's `site_sizes`, and maximise the district's own
/// demand newly served (covered, uncapacitated) with `planSites`.
///
/// - A site of s seats holds s × riders-per-seat riders (Little's law); existing stations likewise.
///   Their seats first serve the demand of other divisions that reaches them (a maximum flow), and
///   what is left is available to the district.
/// - Sizes: the sizes of `site_sizes` up to the candidate's `max_seats` (a candidate whose
///   `max_seats` is below every size takes exactly `max_seats`), or the one size `seats` forces.
///   With a count, sites are chosen at their largest size, then shrunk to the smallest size that
///   holds what the allocation gives them.
/// - No two new sites closer than `minSpacingM`; `require` and `exclude` fix candidates in or out;
///   `budget` replaces the count, a site costing `fixed + perSeat × seats`.
/// - `expand`: existing rest stations of the district may also take more seats (per-seat cost only).
/// - Ties: of the plans of equal value, the one where riders travel least (straight-line metres to
///   the station serving them: the least-travel allocation, or the nearest covering station when
///   uncapacitated), found by a swap search after the proof (`planSites`); then by id.
public struct SiteProposals: Sendable {
    /// How the sites are chosen.
    public struct Settings: Sendable {
        /// The service radius in metres: for all demand when `radius` is nil; half of it is the default
        /// spacing.
        public var radiusM: Double
        /// The side of the candidate grid's squares in metres, used in a division with no candidates.
        public var gridM: Double
        /// Forces one size (seats) for every new site.
        public var seats: Int?
        /// Maximise demand newly served within the seats (true) or plain coverage (false).
        public var capacitated: Bool
        /// At most a count of sites, a total cost (yuan), or the fewest sites that reach a percentage.
        public var goal: PlanGoal
        /// Kinds that offer rest (nil: the rule by services and kind).
        public var kinds: [StationKind]?
        /// The search effort: branch-and-bound nodes per solve (see `SiteSelectionOptions.nodeLimit`).
        public var nodeLimit: Int
        /// Sizes new sites may take, ascending seats.
        public var sizes: [Int]
        /// What a new site costs, in yuan (see `cost(seats:expansion:)`).
        public var cost: SiteCost
        /// No two new sites closer than this (0: no spacing).
        public var minSpacingM: Double
        /// Candidate ids fixed in, and out.
        public var require: [String]
        /// Candidate ids no plan may use.
        public var exclude: [String]
        /// Kind of the new stations.
        public var newKind: StationKind
        /// One choice for every chosen division together.
        public var citywide: Bool
        /// Citywide with a count: at least this many sites in every chosen division.
        public var minPerDistrict: Int
        /// Existing rest stations may take more seats.
        public var expand: Bool
        /// Riders a seat holds (the capacity of a seat of a new site) and the stations open (nil:
        /// the manifest's, at the peak).
        public var time: PlanningTime?
        /// Service radius per unit of demand (nil: `radiusM` for all).
        public var radius: ServiceRadius?
        /// The cores the plans may use (nil: the machine's, `ProcessInfo.activeProcessorCount`):
        /// divisions are planned that many at a time, and each division's site selection on two
        /// threads when there are two cores for each division (`2 × divisions ≤ cores`), else on
        /// one. The plans are the same whatever the count (`SiteSelectionOptions.threads`).
        public var cores: Int?

        /// Settings; by default a 250 m grid, no forced size, capacitated, the rest kinds by
        /// services and kind, 20 000 nodes, `Manifest.defaultSiteSizes`, the illustrative cost, spacing half of `radiusM` (when `minSpacingM` is nil), nothing
        /// required or excluded, new warm stations, one plan per division, no minimum per district,
        /// no expansions, the manifest's time at the peak, `radiusM` for all demand and the machine's cores.
        public init(radiusM: Double, gridM: Double = 250, seats: Int? = nil, capacitated: Bool = true, goal: PlanGoal,
                    kinds: [StationKind]? = nil, nodeLimit: Int = 20_000, sizes: [Int] = Manifest.defaultSiteSizes,
                    cost: SiteCost = .illustrative, minSpacingM: Double? = nil,
                    require: [String] = [], exclude: [String] = [], newKind: StationKind = .warmStation,
                    citywide: Bool = false, minPerDistrict: Int = 0, expand: Bool = false, time: PlanningTime? = nil,
                    radius: ServiceRadius? = nil, cores: Int? = nil) {
            self.radiusM = radiusM
            self.gridM = gridM
            self.seats = seats
            self.capacitated = capacitated
            self.goal = goal
            self.kinds = kinds
            self.nodeLimit = nodeLimit
            self.sizes = sizes
            self.cost = cost
            self.minSpacingM = minSpacingM ?? radiusM / 2
            self.require = require
            self.exclude = exclude
            self.newKind = newKind
            self.citywide = citywide
            self.minPerDistrict = minPerDistrict
            self.expand = expand
            self.time = time
            self.radius = radius
            self.cores = cores
        }

        /// What a site of `seats` seats costs (an expansion: the per-seat part only).
        public func cost(seats: Int, expansion: Bool = false) -> Double {
            (expansion ? 0 : cost.fixed) + cost.perSeat * Double(seats)
        }
    }

    /// One chosen site (a new station, or an existing one taking more seats).
    public struct Site: Sendable {
        /// Its place in the plan, from 1, in the order the sites were chosen.
        public var rank: Int
        /// The candidate's id; a grid site's is `<district id>-new-<rank>`; an expansion's the station's.
        public var id: String
        /// The candidate's name, else "<district name> 新站 <rank>"; an expansion's the station's.
        public var name: String
        /// The kind of station: `newKind` for a new site, the station's own for an expansion.
        public var kind: StationKind
        /// Seats to build (an expansion: its seats after the expansion).
        public var seats: Int
        /// Seats added to an existing station (expansions only).
        public var addedSeats: Int?
        /// What it costs at its final size, in yuan (an expansion: the per-seat part of the added
        /// seats only).
        public var cost: Double
        /// Division the site lies in (its id).
        public var district: String
        /// Set when the site came from candidates.geojson.
        public var candidateID: String?
        /// Where it is, longitude and latitude (WGS 84).
        public var location: Coordinate
        /// Where it is in the dataset's projected coordinates (metres).
        public var projected: Coordinate
        /// Demand of the district newly served (covered) given the sites ranked before.
        public var gain: Double
        /// Riders the allocation gives it (uncapacitated: the demand it newly covers).
        public var load: Double
        /// Uncapacitated: its largest size cannot hold what it covers.
        public var overflow: Bool
        /// Percentage, 0–100, of the district's demand within reach of a rest station once this site
        /// and those ranked before it are built.
        public var coveredPctAfter: Double
        /// Capacitated only.
        public var servedPctAfter: Double?
        /// Demand of other divisions newly covered by this site (not counted in gain).
        public var spillover: Double
        /// Fixed in by `require`.
        public var required: Bool
        /// Mean straight-line distance in metres from the site to the riders in `load` (nil when
        /// `load` is 0).
        public var meanDistanceM: Double?
    }

    /// The plan for one division (or, citywide, for all chosen divisions together).
    public struct District: Sendable {
        /// Division index (the first division for a citywide plan).
        public var index: Int
        /// The division's id (`city` for a citywide plan).
        public var id: String
        /// The division's name (the dataset's name for a citywide plan).
        public var name: String
        /// "candidates", "grid" or "candidates+grid".
        public var candidateSource: String
        /// How many places the plan chose from: candidates, grid centres and expansions.
        public var candidateCount: Int
        /// Total demand of the division (all chosen divisions, citywide) at the moment, in riders.
        public var demand: Double
        /// Percentage, 0–100, of `demand` within reach of a counted rest station before the plan.
        public var coveredPctBefore: Double
        /// Percentage, 0–100, of `demand` within reach of a rest station with the plan.
        public var coveredPctAfter: Double
        /// Percentage, 0–100, of `demand` the seats serve before the plan (nil when the plan is not
        /// capacitated).
        public var servedPctBefore: Double?
        /// Percentage, 0–100, of `demand` the seats serve with the plan (nil when the plan is not
        /// capacitated).
        public var servedPctAfter: Double?
        /// Proven: no plan within the same constraints brings the measure (served, or covered when not
        /// capacitated) above this percentage, 0–100.
        public var upperBoundPct: Double
        /// The plan meets that bound: no plan does better.
        public var optimal: Bool
        /// What the sites cost together, in yuan.
        public var costTotal: Double
        /// Why fewer sites than asked.
        public var shortfall: String?
        /// The sites in rank order.
        public var sites: [Site]
        /// The plan as `planSites` returned it (objective, bound, nodes).
        public var selection: PlanSelection
        /// Mean straight-line distance in metres from each rider of `demand` served (covered, when not
        /// capacitated) with the plan to the station serving it: the least-travel allocation, or the
        /// nearest covering station (nil when no rider is served).
        public var meanDistanceM: Double?
    }

    /// The settings the sites were chosen with.
    public var settings: Settings
    /// Riders a seat holds in this plan (`settings.time`'s, else the manifest's at the peak): the
    /// figure the sites were sized with.
    public var ridersPerSeat: Double
    /// One plan per chosen division in the order given (all divisions but zones, in the layer's
    /// order, when none are given), or a single one for a citywide plan.
    public var districts: [District]

    /// Chooses the sites. `demand` and `coverage` are the demand and today's coverage to start
    /// from; `selected` indexes `dataset.districts` (nil: all but zones). `progress`, when given,
    /// hears how each search goes (with the division's name, or the city's for a citywide plan).
    /// Throws `ProposalInputError` for `require` / `exclude` ids that are not candidates, an id both
    /// required and excluded, a required candidate outside the chosen divisions, more required sites
    /// than the count, a minimum per district the count cannot hold, or required sites or a minimum
    /// per district that make a plan impossible; `OptimizationError.limitExceeded` for a candidate grid
    /// with too many cells; the other `OptimizationError`s of `planSites`; and GEOS or PROJ errors.
    public init(dataset: Dataset, demand: DemandModel, coverage: CoverageReport, districts selected: [Int]?, settings: Settings,
                progress: (@Sendable (String, SelectionProgress) -> Void)? = nil) throws {
        self.settings = settings
        let chosen = selected ?? dataset.districts.indices.filter { dataset.districts[$0].kind != .zone }
        let context = try ProposalContext(dataset: dataset, demand: demand, coverage: coverage, settings: settings, chosen: chosen)
        ridersPerSeat = context.ridersPerSeat
        var out: [District] = []
        if settings.citywide {
            // No division to plan (an empty districts layer, or only zones): no plan, as without
            // --citywide; an empty scope once trapped on its first element.
            if !chosen.isEmpty {
                let cores = max(1, settings.cores ?? ProcessInfo.processInfo.activeProcessorCount)
                out.append(try context.plan(scope: chosen, id: "city", name: dataset.manifest.name, threads: min(2, cores),
                                            progress: progress))
            }
        } else {
            // Divisions are planned independently: on all the cores, put back in the order chosen,
            // each solve on two threads when there are two cores for each division, else on one
            // (the answers are the same on one or two).
            let cores = max(1, settings.cores ?? ProcessInfo.processInfo.activeProcessorCount)
            let threads = 2 * chosen.count <= cores ? 2 : 1
            // The biggest divisions (most demand) first, so that the last to finish is a small
            // one, not a county's worth of work left for one core while the others are idle.
            // Results and the error (that of the first failing division in the order chosen) are
            // as in the order chosen.
            let biggestFirst = chosen.indices.sorted { a, b in
                let (x, y) = (context.unitsOf[chosen[a]].count, context.unitsOf[chosen[b]].count)
                return x != y ? x > y : a < b
            }
            out = try parallelMap(chosen.count, workers: cores, order: biggestFirst) { k in
                let d = chosen[k]
                return try context.plan(scope: [d], id: dataset.districts[d].id, name: dataset.districts[d].name, threads: threads,
                                        progress: progress)
            }
        }
        districts = out
    }
}

/// A flag value the dataset cannot satisfy (a required id that is not a candidate, more required
/// sites than the count): a usage error.
public struct ProposalInputError: Error, Sendable, CustomStringConvertible {
    /// The message: the flag, district or id at fault, and why.
    public var description: String
    /// An error with `description` as its message.
    public init(_ description: String) { self.description = description }
}
