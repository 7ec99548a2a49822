/// The tuning numbers of the site-selection solvers, named, in one place. The defaults are the
/// values every published result (BENCHMARKS.md) was produced with; changing one changes which
/// answers the heuristics find and how fast, never what the proofs claim.
struct SolverTuning: Sendable {
    // MARK: Lagrangian relaxation (uncapacitated covering)

    /// Subgradient iterations at the root node, and again after tabu search improves the incumbent.
    var rootIterations = 2_000
    /// At most this many relaxation passes (the smoothed dual's, or subgradient steps when
    /// `smoothing.atNodes` is off) at every other branch-and-bound node (warm-started
    /// from the parent's multipliers). A node stops earlier when its bound's descent over the last
    /// `nodeProgressWindow` iterations, continued for the iterations left, would not reach the
    /// incumbent: then branching costs less than iterating on.
    var nodeIterations = 300
    var nodeProgressWindow = 40
    /// Step scale θ at the root: the Polyak step θ·gap/‖s‖² starts bold.
    var rootTheta = 2.0
    /// Step scale when the root relaxation is resumed after the incumbent improved.
    var resumeTheta = 1.0
    /// Smallest step scale a child node starts from (its parent's θ may have shrunk further).
    /// Bold: with the root's multipliers close to the LP optimum, a child's bound must move away
    /// from its parent's fast for the early stop (`nodeProgressWindow`) not to give up; on the
    /// random 2,000 × 500 instances 2 needed 10–20× fewer nodes than 0.25 (1 and 4: 2–3× more
    /// than 2).
    var childThetaFloor = 2.0
    /// The relaxation stops when θ falls below this: the steps no longer move the bound.
    var minimumTheta = 1e-4
    /// θ halves after this many iterations without a better bound, in runs of at least
    /// `longRunIterations` iterations (`shortRunStall` in shorter runs, as at the nodes).
    var longRunStall = 20
    /// At the root (and when it resumes), θ halves only after this many iterations without a
    /// better bound: patient steps bring the bound much closer to the LP bound (on the random
    /// 2,000 × 500 instances, 20 left it ~0.6 % above the LP value after 2,000 iterations, 100
    /// ~0.1 %).
    var rootStall = 100
    var shortRunStall = 5
    var longRunIterations = 100
    /// Column values are updated incrementally with each change of λ and recomputed exactly every
    /// this many iterations, so rounding drift cannot build up.
    var exactRecomputeInterval = 32
    /// At the root, the relaxation's site sets within this fraction of the incumbent are polished
    /// by swap local search, at most `polishLimit` of them.
    var polishThreshold = 0.995
    var polishLimit = 25

    /// The smoothed dual at the root of the full model (`SmoothedDual.swift`).
    var smoothing = SmoothingTuning()

    /// Each iteration the running shares of the relaxation's sites (the branching estimate of the
    /// LP's x) are multiplied by this before the current sites add one.
    var shareDecay = 0.9

    // MARK: Tabu and iterated tabu search

    /// Swap steps of the tabu searches after the root relaxation.
    var tabuSteps = 600
    /// A tabu search stops after `steps / tabuStallDivisor` steps without a better value.
    var tabuStallDivisor = 3
    /// A site that left may not come back for `addTenureBase + (step % addTenureCycle)` steps (a
    /// varying tenure avoids cycles of one fixed length); a site that came in may not leave for
    /// `dropTenure` steps.
    var addTenureBase = 7
    var addTenureCycle = 5
    var dropTenure = 3
    /// Kicks of the iterated tabu search at the root, before reduced-cost fixing. Each kick removes
    /// `kickRemoveBase + (round % kickRemoveCycle)` sites of the best set (at most p − 1), adds a
    /// random allowed site, refills greedily, then runs a tabu search of `tabuSteps / kickStepDivisor`
    /// steps that stops after `tabuSteps / kickStallDivisor` steps without a better value.
    var kicks = 10
    var kickRemoveBase = 2
    var kickRemoveCycle = 4
    var kickStepDivisor = 2
    var kickStallDivisor = 6
    /// Seed of the kicks' generator (fixed, so runs repeat exactly).
    var kickSeed: UInt64 = 0x5EED_0F_7AB0

    // MARK: Branch and bound

    /// Hand the search over to the core (the free sites rebuilt as a smaller problem) when root
    /// reduced-cost fixing settled at least this share of the free sites.
    var coreFraction = 0.25
    /// From this many coverage links on, the root's relaxation and its searches from the heuristic
    /// start are split into two independent halves (`CoverageSolver.rootSearches`), which two
    /// threads run at once; below, the searches run in turn, each from the best answer so far.
    var splitMinimumLinks = 5_000
    /// Lagrangian probing at the root, after reduced-cost fixing, when the root does not prove the
    /// incumbent optimal (`CoverageSolver.probe`): each free site fixed in and relaxed as a node,
    /// fixed out when that bound cannot beat the incumbent. Its relaxations start μ at
    /// `probingShare` of the mean column value and guess the smoothed function's curvature at
    /// `probingCurvature` (the nodes: 0.01 and `smoothing.startCurvature`, 100). On R4, R5, R8, R9,
    /// R10 (passes of the whole solve, one chain): 0.05 and 100 (prove8) 8,595, 6,994, 8,229,
    /// 5,364, 4,136; 0.08 and 20: 7,053, 5,413, 7,141, 4,299, 3,303 (−13 to −23 %; the other
    /// settings probe9 tried are in BENCHMARKS.md's "tried and not kept"). Earlier (prove8, curvature 100): R4,
    /// R5, R8 at 0.01, the nodes' share: 0.56–0.93 s; 0.02: 0.41–0.54 s; 0.05: 0.31–0.39 s.
    /// Only when at least `probingMinimumFree` free sites are left after that fixing: below, the
    /// tree is cheap and probing every site would cost more than it saves. With the probes of
    /// prove8 (μ 0.05, curvature 100) the line was 200 (probing every root: C3 +60 %, R1 +11 %);
    /// with these cheaper probes 150 takes in the cores of R1–R3, R6, R7 (150–183 sites: CPU on
    /// one thread R2 −17 %, R3 −13 %, R7 −18 %, R1 +1 %, R6 +3 %; 3 nodes each instead of 15–75),
    /// not those of C1, C3, C4 (95, 117, 50 sites: at 100, C3 0.051 → 0.094 s).
    var probing = true
    var probingShare = 0.08
    var probingCurvature = 20.0
    var probingMinimumFree = 150
    /// Probing's chains: 1, one path through the sites; or 2, the path probed from both ends in
    /// rounds of `probingSyncPasses` passes over the model's links per chain, merged at the end of
    /// each round (two threads run a round's chains at once; one and two threads give the same
    /// outcome). Two chains each pay the warm-up a chain needs before its probes prove sites in a
    /// pass or two: on R4, R5, R8, R9, R10 (0.08, 20) they spend 8–65 % more passes than one chain,
    /// and their longer chain per round (what two threads wait for) is 12 % longer than one
    /// chain on R4 and 7–33 % shorter on the others; so one.
    var probingChains = 1
    var probingSyncPasses = 50
    /// On two threads (`Budget.threads`), the smoothed dual's passes where the other thread would
    /// be idle (probing with one chain, the root relaxation resumed on the full model) run their
    /// large loops in two parts at once (`PassSplit`, the same results to the bit) on models of at
    /// least this many links; below, the two threads' meetings (about seven a pass) cost what the
    /// split saves. Probing's wall time, split against not, quiet machine (2026-11-30 22:26 UTC,
    /// medians of 10 solves): cores of 10,609 links +4 % (slower), of 15,804–21,814 links −4 % to
    /// +1 %, R10's core (36,122) −11 %, R9's (43,911) −15 %, R4's model and core (65,052 and
    /// 37,991) −21 %. Within a pass, the
    /// smoothed top-q's sigmoids are split only when at least `parallelSmoothingMinimumColumns`
    /// columns are left in it (R4's probes: about 260 a pass; the value is a guess, not tuned).
    var parallelPassMinimumLinks = 20_000
    var parallelSmoothingMinimumColumns = 64
    /// In a split pass the first part also sums Σ max(0, r_g − λ_g) (one chain of dependent
    /// additions): each uncovered group counts as this many links when the columns are shared out
    /// (a guess from the chain's latency, not tuned).
    var parallelSumLinks = 2
    /// The support search (`SupportSearch.swift`): when the branch and bound stops at its limits
    /// without a proof, a search over the root relaxation's sites whose share (the estimate of the
    /// LP's x) is at least `supportShare`, and the incumbent's, split into areas that share no
    /// demand; skipped when they are more than `supportMaximumFraction` of the root's free sites.
    var supportSearch = true
    var supportShare = 0.01
    var supportMaximumFraction = 0.5
    /// Each area of the support is solved for the incumbent's count of sites there and up to this
    /// many more or fewer.
    var supportShift = 2
    /// The decomposition (`Decomposition.swift`): at the root, where the tree would start, the
    /// open sites split into components that share no uncovered demand are solved by component
    /// and count, and a knapsack allots the sites; only when at least `decompositionMinimumOpen`
    /// sites are open and at least two components have `decompositionMinimumSites` sites or more.
    /// Below that many open sites the tree is cheap: C1, C3, C4's cores (65–143 open sites, 3–6
    /// components) took −11 % to +18 % of CPU with it (C3: +7 ms), B's (386 open sites, 4
    /// components) −28 %.
    var decomposition = true
    var decompositionMinimumSites = 8
    var decompositionMinimumOpen = 200
    /// Progress is reported every this many nodes.
    var progressEveryNodes = 256

    // MARK: Capacitated mode

    /// Root subgradient iterations of the covering bound over the source side of the minimum cut.
    var capacitatedCoverIterations = 600
    /// Subgradient iterations of the capacitated Lagrangian bound (fractional knapsacks).
    var capacitatedLagrangeIterations = 1_500
    /// Its multipliers μ start here (between 0 and 1), and its step scale θ here.
    var capacitatedStartMultiplier = 0.5
    var capacitatedStartTheta = 1.0
    /// θ halves after this many iterations without a better capacitated bound ...
    var capacitatedStall = 25
    /// ... and the capacitated relaxation stops when θ falls below this.
    var capacitatedMinimumTheta = 1e-3
    /// The best this many of the relaxation's site sets are polished by swap search.
    var capacitatedPolishStarts = 3
    /// The capacitated branch and bound gets this share (1/n) of the node limit: its nodes cost
    /// max flows.
    var capacitatedNodeShare = 10
    /// Effort of one max-flow evaluation, in passes over the graph (edges + demand + candidates).
    var passesPerFlowEvaluation = 4
    /// Capacitated progress is reported every this many nodes.
    var capacitatedProgressEveryNodes = 64

    // MARK: Budget plans

    /// Subgradient iterations of the budget Lagrangian at the root and at every other node
    /// (warm-started from its parent's multipliers). θ halves after `budgetStall` iterations
    /// without a better bound; the steps stop below `capacitatedMinimumTheta`.
    var budgetLagrangeIterations = 400
    var budgetNodeIterations = 15
    /// Served, the root's iterations (each solves a fractional knapsack per site and size).
    var budgetServedIterations = 150
    var budgetStall = 20
    /// Step scale a child node starts from (at least; its parent's θ if larger).
    var budgetNodeTheta = 0.25
    /// Starting step scale of the covering multipliers in budget mode (the served multipliers
    /// start at `capacitatedStartTheta`).
    var budgetCoverTheta = 1.0
    /// The knapsack answers of the budget Lagrangian tried as plans (repaired for spacing,
    /// required sites and the budget), at most this many.
    var budgetPlanOffers = 40
    /// ... and at most this many at each other node.
    var budgetNodeOffers = 1

    static let standard = SolverTuning()
}
