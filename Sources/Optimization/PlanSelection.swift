/// Site plans a planner can build: new sites that take a size from a list, stay a minimum distance
/// apart, fit a count or a budget, with some sites forced in — still with a proven upper bound.
///
/// The plain `selectSites` answers "which p sites serve the most" with one capacity per site. A plan
/// adds side constraints, each kept as a proof:
/// - **sizes**: a candidate may take one of several sizes (capacity in riders, and a cost). With a
///   count, the sites are chosen as if each had its largest size, then each is shrunk to the
///   smallest size that holds the riders the allocation gives it (the allocation stays feasible, so
///   the served figure does not drop);
/// - **conflicts** (minimum spacing): pairs of candidates that may not both be chosen. With a count,
///   the problem without them is a relaxation, so its bound is a proof; the search branches on a
///   conflicting pair of the relaxation's answer (without the first site, or without the second),
///   and the best bound left open over the branches is the bound reported;
/// - **required** sites are fixed in, and the candidates in conflict with them out;
/// - **budget**: total cost at most B, a size chosen per site: a branch and bound whose bound is
///   the Lagrangian relaxation of the demand constraints with the budget kept as a knapsack over
///   (site, size) choices, and the value so far plus a fractional knapsack of single-site gain
///   bounds (valid because the objective is submodular in the set of (site, size) choices);
/// - **per-group minimum** (citywide plans, with a count): at least m sites in each group; the plan
///   without it is a relaxation whose bound stays the proof, and when its answer falls short the
///   plan is built group by group (see `PlanGroups.swift`).
///
/// Ties: of the plans of equal value (within 10⁻⁹ of the total demand) the one where riders travel
/// least in total is preferred, then the one first by id. The search proves the value; a swap
/// search then trades one site (or, with a budget, one site and size) for another while the value
/// stays and the travel drops, until no single swap lowers it (see `PlanTravel.swift`).

/// One size a new site may take.
public struct SiteSize: Sendable, Equatable {
    /// Seats (what the planner builds).
    public var seats: Int
    /// Riders it holds (seats × riders per seat); `.infinity` for unlimited.
    public var capacity: Double
    /// What it costs.
    public var cost: Double

    /// A size of `seats` seats holding `capacity` riders at `cost`.
    public init(seats: Int, capacity: Double, cost: Double) {
        self.seats = seats
        self.capacity = capacity
        self.cost = cost
    }
}

/// A candidate site of a plan: what it reaches and the sizes it may take.
public struct PlanCandidate: Sendable, Equatable {
    /// Unique id; the last tie-break between equally good choices (after the travel).
    public var id: String
    /// Demand indices within reach.
    public var covers: [Int]
    /// The sizes it may take, by ascending capacity (at least one).
    public var sizes: [SiteSize]
    /// Group (e.g. district) for the per-group minimum; 0 when unused.
    public var group: Int
    /// Distance (e.g. metres) from the site to each demand node of `covers`, in the same order; the
    /// tie-break between plans of equal value (the one where riders travel least). Empty: 0 for all.
    public var distances: [Double]

    /// A candidate; `sizes` ascending by capacity; `distances` aligned with `covers` (or empty).
    public init(id: String, covers: [Int], sizes: [SiteSize], group: Int = 0, distances: [Double] = []) {
        self.id = id
        self.covers = covers
        self.sizes = sizes
        self.group = group
        self.distances = distances
    }
}

/// A plan to choose: demand, what exists, candidates and the side constraints.
public struct PlanProblem: Sendable {
    /// Demand weight (riders) per demand node.
    public var weights: [Double]
    /// Uncapacitated: weight of each demand node already covered (empty: none).
    public var alreadyCovered: [Double]
    /// Capacitated: the existing stations.
    public var existing: ExistingStations?
    /// The candidate sites.
    public var candidates: [PlanCandidate]
    /// Pairs of candidate indices that may not both be chosen.
    public var conflicts: [(Int, Int)]
    /// Candidate indices fixed in.
    public var required: [Int]
    /// Objective: demand newly served (true) or newly covered (false).
    public var capacitated: Bool
    /// At least this many sites in every group in `groups` (0: no minimum).
    public var minPerGroup: Int
    /// The groups the minimum applies to.
    public var groups: [Int]
    /// Capacitated: the distance of each edge of `existing.reach` (aligned with its `columns`), for
    /// the travel tie-break. Empty: 0 for all.
    public var existingDistances: [Double]
    /// Uncapacitated: per demand node, the distance to the nearest existing station that covers it
    /// (any value where none does), for the travel tie-break. Empty: 0 for all.
    public var coveredDistances: [Double]

    /// A problem; `existing` for the capacitated mode, `alreadyCovered` for the uncapacitated one.
    /// The distances (`existingDistances`, `coveredDistances`, each candidate's `distances`) only
    /// break ties between plans of equal value; without them ties break by id.
    public init(weights: [Double], alreadyCovered: [Double] = [], existing: ExistingStations? = nil, candidates: [PlanCandidate],
                conflicts: [(Int, Int)] = [], required: [Int] = [], capacitated: Bool, minPerGroup: Int = 0, groups: [Int] = [],
                existingDistances: [Double] = [], coveredDistances: [Double] = []) {
        self.weights = weights
        self.alreadyCovered = alreadyCovered
        self.existing = existing
        self.candidates = candidates
        self.conflicts = conflicts
        self.required = required
        self.capacitated = capacitated
        self.minPerGroup = minPerGroup
        self.groups = groups
        self.existingDistances = existingDistances
        self.coveredDistances = coveredDistances
    }
}

/// What a plan asks for.
public enum PlanGoal: Sendable, Equatable {
    /// At most this many sites (required ones included).
    case count(Int)
    /// Total cost at most this much.
    case budget(Double)
    /// The fewest sites that bring the measure to this percentage of total demand.
    case targetPercent(Double)
}

/// One site of a plan, in rank order.
public struct PlannedSite: Sendable, Equatable {
    /// The candidate's id.
    public var id: String
    /// Index into `PlanProblem.candidates`.
    public var candidateIndex: Int
    /// Index into the candidate's `sizes`: the smallest that holds `load`.
    public var sizeIndex: Int
    /// `sizes[sizeIndex]` of the candidate.
    public var size: SiteSize
    /// Demand this site adds given the sites ranked before it.
    public var gain: Double
    /// Riders the final allocation gives it (uncapacitated: the demand it newly covers, = gain).
    public var load: Double
    /// Its size cannot hold `load` (uncapacitated only: covering ignores seats).
    public var overflow: Bool
    /// It was fixed in (`PlanProblem.required`).
    public var required: Bool
    /// Travel of the riders in `load` to this site (Σ riders × distance, in the unit of the
    /// distances given): capacitated, of the allocation `load` comes from; uncapacitated, of the
    /// demand it newly covers. 0 when no distances were given.
    public var travel: Double = 0
    /// Whether the problem gave distances (`PlanCandidate.distances`, `existingDistances`,
    /// `coveredDistances`); without them `travel` is 0 and says nothing.
    public var hasDistances: Bool = true

    /// Mean distance from the site of the riders in `load`: `travel / load`; nil when `load` is 0
    /// or no distances were given (unknown, not 0).
    public var meanDistance: Double? { hasDistances && load > 0 ? travel / load : nil }
}

/// A plan with its proof.
public struct PlanSelection: Sendable, Equatable {
    /// In rank order.
    public var sites: [PlannedSite]
    /// Demand newly served (covered) by the sites.
    public var objective: Double
    /// Proven: no plan within the same constraints exceeds this.
    public var upperBound: Double
    /// The objective meets the bound: no plan does better.
    public var provenOptimal: Bool
    /// Demand served (covered) by the existing stations alone.
    public var baseline: Double
    /// Total demand weight.
    public var totalDemand: Double
    /// The sites' costs at their final sizes.
    public var cost: Double
    /// Set for the `targetPercent` goal.
    public var target: TargetOutcome?
    /// Why the plan has fewer sites than asked (nil when it has them all, or for a budget).
    public var shortfall: String?
    /// Branch-and-bound nodes (budget) or relaxations solved (count).
    public var nodes: Int
    /// Total travel with the plan (Σ riders × distance, in the unit of the distances given, e.g.
    /// rider-metres): capacitated, of the least-travel allocation among those that serve the most
    /// (existing stations and the sites at their final sizes); uncapacitated, every covered rider to
    /// the nearest station covering it. 0 when no distances were given.
    public var travel: Double
    /// Whether the problem gave distances (`PlanCandidate.distances`, `existingDistances`,
    /// `coveredDistances`); without them `travel` is 0 and says nothing.
    public var hasDistances: Bool = true

    /// Served (covered) percentage, 0–100, without the plan: `baseline` over `totalDemand` (0 when
    /// there is no demand).
    public var percentBefore: Double { totalDemand > 0 ? 100 * baseline / totalDemand : 0 }
    /// Served (covered) percentage, 0–100, with the plan: `baseline + objective` over
    /// `totalDemand` (0 when there is no demand).
    public var percentAfter: Double { totalDemand > 0 ? 100 * (baseline + objective) / totalDemand : 0 }
    /// The most any plan within the same constraints could reach, percent 0–100: `baseline +
    /// upperBound` over `totalDemand`, capped at 100 (0 when there is no demand).
    public var upperBoundPercent: Double { totalDemand > 0 ? min(100, 100 * (baseline + upperBound) / totalDemand) : 0 }
    /// Mean distance from each rider served (covered, uncapacitated) with the plan to the station
    /// serving it: `travel` over `baseline + objective`; nil when no rider is served or no
    /// distances were given (unknown, not 0).
    public var meanDistance: Double? { hasDistances && baseline + objective > 0 ? travel / (baseline + objective) : nil }
}

/// Chooses a plan. Same input ⇒ same output whatever the order of the candidates (they are handled
/// in id order, ties by id). Throws on malformed input: sizes empty, unsorted or not positive,
/// indices out of range, more required sites than the count, required sites over the budget (at
/// the price budget mode gives them: uncapacitated, the size that holds what each could cover alone).
public func planSites(_ problem: PlanProblem, goal: PlanGoal,
                      options: SiteSelectionOptions = SiteSelectionOptions()) throws(OptimizationError) -> PlanSelection {
    var opts = options
    opts.capacitated = problem.capacitated
    let solver = try PlanSolver(problem, options: opts)
    switch goal {
    case .count(let p):
        guard p >= 0 else { throw .invalidInput("site count \(p) is negative") }
        guard problem.required.count <= p else {
            throw .invalidInput("\(problem.required.count) required sites but a count of \(p)")
        }
        if solver.minPerGroup > 0 && !solver.groups.isEmpty {
            guard solver.groups.count * solver.minPerGroup <= p else {
                throw .invalidInput("\(solver.minPerGroup) site(s) in each of \(solver.groups.count) groups need a count of at least \(solver.groups.count * solver.minPerGroup), not \(p)")
            }
            return solver.solveCountWithGroups(p)
        }
        return solver.solveCount(p)
    case .budget(let b):
        guard problem.minPerGroup <= 0 || problem.groups.isEmpty else { throw .invalidInput("a minimum per group works with a count, not a budget") }
        guard b.isFinite, b >= 0 else { throw .invalidInput("budget \(b) is negative or not finite") }
        // Each required site at the least it can cost in this mode: its cheapest size when
        // capacitated; uncapacitated, the one size it is priced at (the one that holds what it
        // could cover alone), so a check that passes leaves the required sites alone a plan.
        let items = solver.budgetItems()
        var price = [Double](repeating: .infinity, count: solver.K)
        for item in items { price[item.site] = min(price[item.site], item.cost) }
        let fixed = solver.required.reduce(0.0) { $0 + price[$1] }
        guard fixed <= b * (1 + 1e-12) else {
            let each = solver.required.sorted { solver.prep.ids[$0] < solver.prep.ids[$1] }
                .map { "\(solver.prep.ids[$0]) \(fmt(price[$0]))" }.joined(separator: ", ")
            let what = problem.capacitated ? "at their smallest sizes" : "at the sizes that hold what each could cover alone"
            throw .invalidInput("the required sites cost \(fmt(fixed)) \(what) (\(each)), more than the budget \(fmt(b)): raise the budget by \(fmt(fixed - b)) or require fewer sites")
        }
        return solver.solveBudget(b)
    case .targetPercent(let pct):
        guard problem.minPerGroup <= 0 || problem.groups.isEmpty else { throw .invalidInput("a minimum per group works with a count, not a target") }
        guard pct.isFinite, pct >= 0, pct <= 100 else { throw .invalidInput("target \(pct)% is outside 0…100") }
        return solver.solveTarget(pct)
    }
}
