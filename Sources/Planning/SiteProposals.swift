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
public struct SiteProposals: Sendable {
    public struct Settings: Sendable {
        public var radiusM: Double
        public var gridM: Double
        /// Forces one size (seats) for every new site.
        public var seats: Int?
        public var capacitated: Bool
        public var goal: PlanGoal
        /// Kinds that offer rest (nil: the rule by services and kind).
        public var kinds: [StationKind]?
        public var nodeLimit: Int
        /// Sizes new sites may take, ascending seats.
        public var sizes: [Int]
        public var ridersPerSeat: Double
        public var cost: SiteCost
        /// No two new sites closer than this (0: no spacing).
        public var minSpacingM: Double
        /// Candidate ids fixed in, and out.
        public var require: [String]
        public var exclude: [String]
        /// Kind of the new stations.
        public var newKind: StationKind
        /// One choice for every chosen division together.
        public var citywide: Bool
        /// Citywide with a count: at least this many sites in every chosen division.
        public var minPerDistrict: Int
        /// Existing rest stations may take more seats.
        public var expand: Bool
        /// Riders a seat holds and the stations open (nil: the manifest's, at the peak).
        public var time: PlanningTime?
        /// Service radius per unit of demand (nil: `radiusM` for all).
        public var radius: ServiceRadius?

        public init(radiusM: Double, gridM: Double = 250, seats: Int? = nil, capacitated: Bool = true, goal: PlanGoal,
                    kinds: [StationKind]? = nil, nodeLimit: Int = 20_000, sizes: [Int] = Manifest.defaultSiteSizes,
                    ridersPerSeat: Double = 6, cost: SiteCost = .illustrative, minSpacingM: Double? = nil,
                    require: [String] = [], exclude: [String] = [], newKind: StationKind = .warmStation,
                    citywide: Bool = false, minPerDistrict: Int = 0, expand: Bool = false, time: PlanningTime? = nil,
                    radius: ServiceRadius? = nil) {
            self.radiusM = radiusM
            self.gridM = gridM
            self.seats = seats
            self.capacitated = capacitated
            self.goal = goal
            self.kinds = kinds
            self.nodeLimit = nodeLimit
            self.sizes = sizes
            self.ridersPerSeat = ridersPerSeat
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
        }

        /// What a site of `seats` seats costs (an expansion: the per-seat part only).
        public func cost(seats: Int, expansion: Bool = false) -> Double {
            (expansion ? 0 : cost.fixed) + cost.perSeat * Double(seats)
        }
    }

    public struct Site: Sendable {
        public var rank: Int
        /// The candidate's id; a grid site's is `<district id>-new-<rank>`; an expansion's the station's.
        public var id: String
        /// The candidate's name, else "<district name> 新站 <rank>"; an expansion's the station's.
        public var name: String
        public var kind: StationKind
        /// Seats to build (an expansion: its seats after the expansion).
        public var seats: Int
        /// Seats added to an existing station (expansions only).
        public var addedSeats: Int?
        public var cost: Double
        /// Division the site lies in (its id).
        public var district: String
        /// Set when the site came from candidates.geojson.
        public var candidateID: String?
        public var location: Coordinate
        public var projected: Coordinate
        /// Demand of the district newly served (covered) given the sites ranked before.
        public var gain: Double
        /// Riders the allocation gives it (uncapacitated: the demand it newly covers).
        public var load: Double
        /// Uncapacitated: its largest size cannot hold what it covers.
        public var overflow: Bool
        public var coveredPctAfter: Double
        /// Capacitated only.
        public var servedPctAfter: Double?
        /// Demand of other divisions newly covered by this site (not counted in gain).
        public var spillover: Double
        public var required: Bool
    }

    public struct District: Sendable {
        /// Division index (the first division for a citywide plan).
        public var index: Int
        public var id: String
        public var name: String
        /// "candidates", "grid" or "candidates+grid".
        public var candidateSource: String
        public var candidateCount: Int
        public var demand: Double
        public var coveredPctBefore: Double
        public var coveredPctAfter: Double
        public var servedPctBefore: Double?
        public var servedPctAfter: Double?
        public var upperBoundPct: Double
        public var optimal: Bool
        public var costTotal: Double
        /// Why fewer sites than asked.
        public var shortfall: String?
        public var sites: [Site]
        public var selection: PlanSelection
    }

    public var settings: Settings
    public var districts: [District]

    public init(dataset: Dataset, demand: DemandModel, coverage: CoverageReport, districts selected: [Int]?, settings: Settings,
                progress: (@Sendable (String, SelectionProgress) -> Void)? = nil) throws {
        self.settings = settings
        let chosen = selected ?? dataset.districts.indices.filter { dataset.districts[$0].kind != .zone }
        let context = try ProposalContext(dataset: dataset, demand: demand, coverage: coverage, settings: settings, chosen: chosen)
        var out: [District] = []
        if settings.citywide {
            out.append(try context.plan(scope: chosen, id: "city", name: dataset.manifest.name, progress: progress))
        } else {
            for d in chosen {
                out.append(try context.plan(scope: [d], id: dataset.districts[d].id, name: dataset.districts[d].name, progress: progress))
            }
        }
        districts = out
    }
}

/// A flag value the dataset cannot satisfy (a required id that is not a candidate, more required
/// sites than the count): a usage error.
public struct ProposalInputError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
