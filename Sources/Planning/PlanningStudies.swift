import Geo
import Optimization
import Stations

/// What the coverage, gaps and propose commands ask of a loaded dataset, one call each: the
/// demand model, today's coverage and, from those, the gaps or the proposed sites. `export` makes
/// the same calls, so an exported result is the command's result.

/// The settings shared by every coverage study.
public struct CoverageSettings: Sendable {
    /// Divisions by id or name (empty: all).
    public var districts: [String]
    /// Station kinds that offer rest (nil: every kind but charging points and partner venues).
    public var restKinds: [StationKind]?
    /// Grid spreading a commercial area's peak riders over demand points, in metres.
    public var areaCellM: Double
    /// The time of day to look at (nil: the peak, every station counted).
    public var at: TimeOfDay?
    /// `--radius`: one service radius for all demand instead of the districts' own `radius_m`
    /// (the dataset's manifest radius is already this value when it is given).
    public var radiusOverride: Double?

    /// Settings; by default all divisions, the default rest kinds, 100 m area cells, the peak and
    /// the districts' own radii.
    public init(districts: [String] = [], restKinds: [StationKind]? = nil, areaCellM: Double = 100, at: TimeOfDay? = nil, radiusOverride: Double? = nil) {
        self.districts = districts
        self.restKinds = restKinds
        self.areaCellM = areaCellM
        self.at = at
        self.radiusOverride = radiusOverride
    }

    /// The moment: riders per seat of the dataset's manifest (overrides applied), stations open
    /// and demand factor at `at`.
    public func time(_ dataset: Dataset) -> PlanningTime { PlanningTime(manifest: dataset.manifest, at: at) }

    /// Service radius per unit of demand.
    public func radius(_ dataset: Dataset) -> ServiceRadius { ServiceRadius(dataset: dataset, override: radiusOverride) }
}

/// Demand and coverage of a dataset within its service radii (the districts' own, the manifest's,
/// or `--radius`), at a moment (riders per seat, open stations, demand of the hour).
public struct CoverageStudy: Sendable {
    /// The settings the study was made with.
    public let settings: CoverageSettings
    /// The demand at the moment (`settings.at`; the peak when nil), in riders.
    public let demand: DemandModel
    /// Coverage of that demand by the counted rest stations open at the moment.
    public let report: CoverageReport
    /// Indices of the chosen divisions (nil: all).
    public let selected: [Int]?

    /// Throws `UnknownDivision` for a division that is not in the dataset. `allocate: false` skips
    /// the allocation of riders to seats (`CoverageReport.allocated`): for studies that need
    /// coverage only.
    public init(_ dataset: Dataset, settings: CoverageSettings, allocate: Bool = true) throws {
        try self.init(dataset, settings: settings, allocate: allocate, keepReachParts: false)
    }

    /// `keepReachParts`: the report keeps its graph's connected parts (`CoverageReport.reachParts`).
    init(_ dataset: Dataset, settings: CoverageSettings, allocate: Bool, keepReachParts: Bool) throws {
        self.settings = settings
        selected = try dataset.divisionIndices(matching: settings.districts)
        let time = settings.time(dataset)
        demand = try DemandModel(dataset, areaCellM: settings.areaCellM).scaled(by: time.demandFactor)
        report = try CoverageReport(dataset: dataset, demand: demand, radius: settings.radius(dataset), time: time, kinds: settings.restKinds,
                                    allocate: allocate, keepReachParts: keepReachParts)
    }

    /// The rows of the chosen divisions, in the order chosen (all by id by default, whatever the
    /// order of the layer).
    public var rows: [CoverageReport.Row] { selected.map { $0.map { report.rows[$0] } } ?? report.rows.sorted { $0.id < $1.id } }
}

/// Coverage at every full hour (00:00 … 23:00) for the total, or for one chosen division: the
/// demand of the hour and the stations open then (`settings.at` is not used).
public struct HourlyCoverageStudy: Sendable {
    /// The settings the study was made with.
    public let settings: CoverageSettings
    /// The division (index into dataset.districts), nil for the total.
    public let division: Int?
    /// Riders a seat holds: the manifest's figure.
    public let ridersPerSeat: Double
    /// One entry per hour, 0–23, in order.
    public let hours: [CoverageReport.Hour]

    /// Throws `UnknownDivision` for a division that is not in the dataset.
    public init(_ dataset: Dataset, settings: CoverageSettings) throws {
        self.settings = settings
        division = try dataset.divisionIndices(matching: settings.districts)?.first
        ridersPerSeat = dataset.manifest.ridersPerSeat
        let peak = try DemandModel(dataset, areaCellM: settings.areaCellM)
        hours = try CoverageReport.byHour(dataset: dataset, peakDemand: peak, radius: settings.radius(dataset), ridersPerSeat: ridersPerSeat,
                                          kinds: settings.restKinds, division: division)
    }
}

/// Uncovered demand as polygons per chosen division.
public struct GapStudy: Sendable {
    /// The coverage the gaps are drawn from: demand and coverage only, riders are not allocated to
    /// seats (its served and load figures are 0, see `CoverageReport.allocated`).
    public let coverage: CoverageStudy
    /// The side of the gap grid's cells, in metres (`options.cellM`).
    public let cellM: Double
    /// How the gaps were drawn and which were kept.
    public let options: GapReport.Options
    /// The gaps of the chosen divisions.
    public let gaps: GapReport

    /// Gaps drawn on a grid of `cellM`-metre cells, the other options at their defaults. Throws
    /// what the other initialiser throws.
    public init(_ dataset: Dataset, settings: CoverageSettings, cellM: Double) throws {
        try self.init(dataset, settings: settings, options: GapReport.Options(cellM: cellM))
    }

    /// Throws `UnknownDivision` for a division that is not in the dataset, and the errors of the
    /// demand model, the coverage and the gap geometry (GEOS, PROJ).
    public init(_ dataset: Dataset, settings: CoverageSettings, options: GapReport.Options) throws {
        coverage = try CoverageStudy(dataset, settings: settings, allocate: false)
        cellM = options.cellM
        self.options = options
        gaps = try GapReport(dataset: dataset, demand: coverage.demand, uncovered: coverage.report.unitCovered.map { !$0 },
                             districts: coverage.selected, options: options)
    }
}

/// How new sites are chosen.
public struct ProposalSettings: Sendable {
    /// At most a count of sites, a total cost (yuan), or the fewest sites that reach a percentage.
    public var goal: PlanGoal
    /// Maximise demand newly served within the seats (true) or plain coverage (false).
    public var capacitated: Bool
    /// The side of the candidate grid's squares in metres, used in a division with no candidates
    /// (250 by default).
    public var gridM: Double
    /// Forces one size (seats) for every new site (nil: the manifest's `site_sizes`).
    public var seats: Int?
    /// The search effort: branch-and-bound nodes per solve before the search stops with the best
    /// bound proven so far (see `SiteSelectionOptions.nodeLimit`).
    public var nodeLimit: Int
    /// No two new sites closer than this (nil: half the radius).
    public var minSpacingM: Double?
    /// Candidate ids every plan must include (`--require`).
    public var require: [String]
    /// Candidate ids no plan may use (`--exclude`).
    public var exclude: [String]
    /// Kind of the new stations (a warm station by default).
    public var newKind: StationKind
    /// One plan for all chosen divisions together instead of one per division.
    public var citywide: Bool
    /// Citywide with a count: at least this many sites in every district.
    public var minPerDistrict: Int
    /// Existing rest stations may also take more seats (capacitated plans only).
    public var expand: Bool
    /// The cores the plans may use (nil: the machine's; see `SiteProposals.Settings.cores`). The
    /// plans are the same whatever the count.
    public var cores: Int?

    /// Settings; the defaults: capacitated, a 250 m grid, the manifest's sizes, 20 000 nodes,
    /// spacing half the radius, nothing required or excluded, new warm stations, one plan per
    /// division, no minimum per district, no expansions, the machine's cores.
    public init(goal: PlanGoal, capacitated: Bool = true, gridM: Double = 250, seats: Int? = nil, nodeLimit: Int = 20_000,
                minSpacingM: Double? = nil, require: [String] = [], exclude: [String] = [], newKind: StationKind = .warmStation,
                citywide: Bool = false, minPerDistrict: Int = 0, expand: Bool = false, cores: Int? = nil) {
        self.goal = goal
        self.capacitated = capacitated
        self.gridM = gridM
        self.seats = seats
        self.nodeLimit = nodeLimit
        self.minSpacingM = minSpacingM
        self.require = require
        self.exclude = exclude
        self.newKind = newKind
        self.citywide = citywide
        self.minPerDistrict = minPerDistrict
        self.expand = expand
        self.cores = cores
    }

    /// "served" or "covered": what the gains measure.
    public var measure: String { capacitated ? "served" : "covered" }
}

/// New sites per chosen division (or for the whole city).
public struct ProposalStudy: Sendable {
    /// Demand and coverage the plan starts from. Made with `allocate: false`, riders are allocated
    /// to seats only when a plan needs it (see the initialiser).
    public let coverage: CoverageStudy
    /// The settings the sites were chosen with.
    public let settings: ProposalSettings
    /// The chosen sites, per division or for the whole city.
    public let proposals: SiteProposals

    /// Chooses the sites with the coverage's service radii and moment (riders per seat, open
    /// stations) and the manifest's site sizes and site cost; spacing defaults to half the
    /// manifest's radius. `progress`, when given, hears how each search goes (with the division's
    /// name, or the city's for a citywide plan). Throws `UnknownDivision` for a division that is
    /// not in the dataset; `ProposalInputError` for `--require` / `--exclude` ids that are not
    /// candidates, an id both required and excluded, a required candidate outside the chosen
    /// divisions, more required sites than the count, a minimum per district the count cannot
    /// hold, or required sites or a minimum per district that make a plan impossible;
    /// `OptimizationError.limitExceeded` for a demand or candidate grid with too many cells; the other
    /// `OptimizationError`s of `planSites`; and GEOS or PROJ errors.
    ///
    /// `allocate: false` is for callers that read only `proposals`: the coverage then allocates
    /// riders to seats (a minimum-cost flow over all demand) only when a capacitated plan draws a
    /// candidate grid, which starts from the demand not served today; with candidates in every
    /// chosen division the plans do not read it, and `coverage.report` has no served figures
    /// (`CoverageReport.allocated`). The proposals are the same either way.
    public init(_ dataset: Dataset, coverage settings: CoverageSettings, proposals proposalSettings: ProposalSettings,
                allocate: Bool = true, progress: (@Sendable (String, SelectionProgress) -> Void)? = nil) throws {
        var needsAllocation = allocate
        if !needsAllocation && proposalSettings.capacitated {
            // A division without candidates gets a grid, and the grid reads the served demand.
            let chosen = try dataset.divisionIndices(matching: settings.districts) ?? dataset.districts.indices.filter { dataset.districts[$0].kind != .zone }
            let lookup = try DistrictLookup(dataset.districts)
            var hasCandidates = Set<Int>()
            for c in dataset.candidates { hasCandidates.formUnion(try lookup.divisions(containing: c.projected)) }
            needsAllocation = chosen.contains { !hasCandidates.contains($0) }
        }
        coverage = try CoverageStudy(dataset, settings: settings, allocate: needsAllocation, keepReachParts: proposalSettings.capacitated)
        self.settings = proposalSettings
        let m = dataset.manifest
        let siteSettings = SiteProposals.Settings(
            radiusM: m.radiusM, gridM: proposalSettings.gridM, seats: proposalSettings.seats, capacitated: proposalSettings.capacitated,
            goal: proposalSettings.goal, kinds: settings.restKinds, nodeLimit: proposalSettings.nodeLimit, sizes: m.siteSizes,
            cost: m.siteCost, minSpacingM: proposalSettings.minSpacingM, require: proposalSettings.require,
            exclude: proposalSettings.exclude, newKind: proposalSettings.newKind, citywide: proposalSettings.citywide, minPerDistrict: proposalSettings.minPerDistrict,
            expand: proposalSettings.expand, time: coverage.report.time, radius: coverage.report.radius, cores: proposalSettings.cores)
        proposals = try SiteProposals(dataset: dataset, demand: coverage.demand, coverage: coverage.report, districts: coverage.selected,
                                      settings: siteSettings, progress: progress)
    }
}

extension AreaAudit.Thresholds {
    /// The audit's defaults: rest within the dataset's service radius, parking within 300 m,
    /// charging within 1000 m.
    public init(_ dataset: Dataset, restM: Double? = nil, parkingM: Double = 300, chargingM: Double = 1000) {
        self.init(restM: restM ?? dataset.manifest.radiusM, parkingM: parkingM, chargingM: chargingM)
    }
}

/// Per counted rest station: capacity, catchment, assigned riders and pressure, highest pressure
/// first (ties by id); with chosen divisions, the stations inside them.
public struct LoadStudy: Sendable {
    /// The coverage the stations' loads come from.
    public let coverage: CoverageStudy
    /// The counted rest stations, highest pressure first (ties by id), only those inside the chosen
    /// divisions when divisions are chosen.
    public let stations: [CoverageReport.StationUse]

    /// Throws `UnknownDivision` for a division that is not in the dataset, and the errors of the
    /// demand model, the coverage and the district lookup (GEOS, PROJ).
    public init(_ dataset: Dataset, settings: CoverageSettings) throws {
        coverage = try CoverageStudy(dataset, settings: settings)
        var uses = coverage.report.stationsByPressure(dataset)
        if let selected = coverage.selected {
            let lookup = try DistrictLookup(dataset.districts)
            let chosen = Set(selected)
            uses = try uses.filter { use in try !chosen.isDisjoint(with: lookup.divisions(containing: dataset.stations[use.station].projected)) }
        }
        stations = uses
    }
}
