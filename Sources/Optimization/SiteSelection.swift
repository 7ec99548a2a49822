/// Site selection: which new station sites to open among candidates (the maximal covering location
/// problem, uncapacitated or capacitated), with a proven upper bound on what any choice could reach.
///
/// Everything is indices and weights: demand node `i` has weight `weights[i]`; candidate `k` covers
/// the demand indices in `candidates[k].covers` (within the service radius).

/// A candidate site.
public struct SiteCandidate: Sendable, Equatable {
    /// Unique id; ties between equally good choices break by id (string order).
    public var id: String
    /// Indices of the demand nodes within reach.
    public var covers: [Int]
    /// Seats (capacity) if opened; used only by the capacitated mode. `.infinity` for unlimited.
    public var seats: Double

    /// A candidate with the given id, reachable demand indices and seats (unlimited by default).
    public init(id: String, covers: [Int], seats: Double = .infinity) {
        self.id = id
        self.covers = covers
        self.seats = seats
    }
}

/// Stations that already exist, for the capacitated mode: capacities and which demand each reaches
/// (`reach` rows are demand nodes, columns existing stations).
public struct ExistingStations: Sendable, Equatable {
    /// The capacity of each existing station, in the same unit as the demand weights (≥ 0).
    public var capacities: [Double]
    /// Which demand nodes (rows) each existing station (column) reaches.
    public var reach: Reach

    /// Existing stations with these capacities and reach.
    public init(capacities: [Double], reach: Reach) {
        self.capacities = capacities
        self.reach = reach
    }
}

/// The input of a site selection: demand weights, what is covered already and the candidates.
public struct SiteSelectionProblem: Sendable, Equatable {
    /// The weight of each demand node (finite, ≥ 0): how much demand it holds.
    public var weights: [Double]
    /// Uncapacitated mode: how much of each demand node's weight existing stations already cover
    /// (usually 0 or the whole weight). Empty means nothing is covered yet.
    public var alreadyCovered: [Double]
    /// Capacitated mode: the existing stations (none when nil). In the uncapacitated mode, when
    /// `alreadyCovered` is empty, demand reached by any existing station counts as covered.
    public var existing: ExistingStations?
    /// The candidate sites; their order does not matter (they are handled in id order).
    public var candidates: [SiteCandidate]

    /// A problem with the given demand weights and candidates; nothing covered and no existing stations
    /// unless given.
    public init(weights: [Double], alreadyCovered: [Double] = [], existing: ExistingStations? = nil, candidates: [SiteCandidate]) {
        self.weights = weights
        self.alreadyCovered = alreadyCovered
        self.existing = existing
        self.candidates = candidates
    }
}

/// What to ask for.
public enum SiteSelectionGoal: Sendable, Equatable {
    /// The best `p` sites (fewer when more would add nothing).
    case count(Int)
    /// The fewest sites that bring covered (or, capacitated, served) demand, existing stations
    /// included, to at least this percentage (0–100) of total demand.
    case targetPercent(Double)
}

/// Where a long selection has got to, for progress reports.
public struct SelectionProgress: Sendable {
    /// "reduction", "heuristic", "lagrangian", "branch and bound", "capacitated", "target k=…".
    public var stage: String
    /// Best objective found so far (demand newly covered / served).
    public var incumbent: Double
    /// Best proven upper bound so far.
    public var bound: Double
    /// Branch-and-bound nodes so far.
    public var nodes: Int
}

/// How to solve a site selection: the mode, its effort limits and a progress callback.
public struct SiteSelectionOptions: Sendable {
    /// Capacitated mode: the objective is demand newly *served* (max-flow with seats), not covered.
    public var capacitated: Bool
    /// Branch-and-bound nodes per solve before stopping with the best bound proven so far
    /// (capacitated mode: a tenth of it, its nodes cost max-flows). The root always runs, so a
    /// limit of 0 or 1 answers with the root's bound.
    public var nodeLimit: Int
    /// Effort limit of the branch and bound, deterministic unlike a time limit: coverage links
    /// of the Lagrangian relaxations' passes, each pass counting its model's links (uncapacitated;
    /// about 10⁸ per second here; a pass at an extrapolated point of the smoothed dual, whose column
    /// values follow from the two points before it, counts in full too), or
    /// max-flow evaluations times the graph size (capacitated). The root relaxation, the heuristics
    /// and the root node always run in full (uncapacitated: the root's relaxations do not count
    /// against the limit, nor those of the core's root when the search moves to the core; probing
    /// at the root, the decomposition by components and the support search after an unproven stop
    /// each have an allowance of their own of this size, counting every relaxation pass of their
    /// solves, roots included; each of their solves stops at what is left of it, so they pass it
    /// by less than one relaxation pass over the part of the problem they solve last, the support
    /// search in each of its two halves).
    public var workLimit: Int
    /// Optional wall-clock limit per solve (seconds). Off by default: a time limit can make two runs
    /// of the same input stop at different points, and the output must be reproducible. The
    /// uncapacitated search checks it at every step of its relaxations and local searches and
    /// returns soon after it, with the best answer and a proven bound (the root's first steps
    /// always run, for a bound).
    public var timeLimit: Double?
    /// Called now and then from the calling thread during long runs.
    public var progress: (@Sendable (SelectionProgress) -> Void)?
    /// Threads one uncapacitated solve may use (at most the machine's cores): 2 runs the root's
    /// relaxation beside its tabu searches and two branch-and-bound chains at a time; 1 runs
    /// everything on the calling thread (for callers that already solve many problems in
    /// parallel). The answer, its bound, `provenOptimal`, `nodes` and `iterations` are the same
    /// for every value (unless a `timeLimit` stops the search: a deadline falls wherever the
    /// clock says).
    public var threads: Int

    /// Options for the uncapacitated mode with the default limits (100 000 nodes, 3 × 10⁸ work), no
    /// time limit, no progress callback and two threads unless given.
    public init(capacitated: Bool = false, nodeLimit: Int = 100_000, workLimit: Int = 300_000_000,
                timeLimit: Double? = nil, progress: (@Sendable (SelectionProgress) -> Void)? = nil, threads: Int = 2) {
        self.capacitated = capacitated
        self.nodeLimit = nodeLimit
        self.workLimit = workLimit
        self.timeLimit = timeLimit
        self.progress = progress
        self.threads = threads
    }
}

/// One proposed site, in rank order.
public struct ChosenSite: Sendable, Equatable {
    /// The candidate's id.
    public var id: String
    /// Index into `SiteSelectionProblem.candidates`.
    public var candidateIndex: Int
    /// Demand this site adds given the sites ranked before it (and the existing stations).
    public var gain: Double
    /// Capacitated mode: demand assigned to this site in the final assignment; uncapacitated: the
    /// uncovered demand within its reach that no higher-ranked site covers (= gain).
    public var served: Double
    /// `served` rounded up.
    public var suggestedSeats: Int
}

/// How a `targetPercent` goal turned out.
public enum TargetOutcome: Sendable, Equatable {
    /// The target is reached with `sites.count` sites; `provenFewest` when fewer sites were proven
    /// unable to reach it (their upper bound stays below the target).
    case reached(provenFewest: Bool)
    /// Even all `candidateCount` candidates give only `bestPercent`.
    case unreachable(candidateCount: Int, bestPercent: Double, reason: String)
}

/// The result of a site selection: the sites in rank order, what they add and the proven bound.
public struct SiteSelection: Sendable, Equatable {
    /// The chosen sites in rank order, the best first.
    public var sites: [ChosenSite]
    /// Demand newly covered (uncapacitated) or newly served (capacitated) by the chosen sites.
    public var objective: Double
    /// Proven: no choice of the same number of sites (`count` goal: p) exceeds this objective.
    public var upperBound: Double
    /// The objective equals the bound (within 1e-9 relative): the choice is optimal.
    public var provenOptimal: Bool
    /// Demand covered (or served) by existing stations alone.
    public var baseline: Double
    /// Total demand weight.
    public var totalDemand: Double
    /// Set for the `targetPercent` goal.
    public var target: TargetOutcome?
    /// Branch-and-bound nodes explored.
    public var nodes: Int
    /// Work done: Lagrangian iterations (uncapacitated) or max-flow evaluations (capacitated).
    public var iterations: Int

    /// Covered (or served) demand before the new sites, as a percentage (0–100) of total demand; 0 when
    /// there is no demand.
    public var percentBefore: Double { totalDemand > 0 ? 100 * baseline / totalDemand : 0 }
    /// Covered (or served) demand with the new sites, as a percentage (0–100) of total demand; 0 when
    /// there is no demand.
    public var percentAfter: Double { totalDemand > 0 ? 100 * (baseline + objective) / totalDemand : 0 }
    /// The proven upper bound on covered (or served) demand, as a percentage of total demand, at most
    /// 100; 0 when there is no demand.
    public var upperBoundPercent: Double { totalDemand > 0 ? min(100, 100 * (baseline + upperBound) / totalDemand) : 0 }
}

/// Chooses new sites. Same input ⇒ same output: candidates are handled in id order, whatever
/// their order in the problem, and every tie breaks by id. Throws on malformed input (negative or
/// non-finite weights, indices out of range, duplicate ids, mismatched lengths).
public func selectSites(_ problem: SiteSelectionProblem, goal: SiteSelectionGoal,
                        options: SiteSelectionOptions = SiteSelectionOptions()) throws(OptimizationError) -> SiteSelection {
    let prepared = try PreparedSelection(problem, options: options)
    switch goal {
    case .count(let p):
        guard p >= 0 else { throw .invalidInput("site count \(p) is negative") }
        return prepared.solve(p: p)
    case .targetPercent(let pct):
        guard pct.isFinite, pct >= 0, pct <= 100 else { throw .invalidInput("target \(pct)% is outside 0…100") }
        return prepared.solveTarget(percent: pct)
    }
}
