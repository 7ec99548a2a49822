import ArgumentParser
import Foundation
import Geo
import Optimization
import Planning
import Stations

/// The options of new sites (propose, and export --layer proposals).
struct ProposalOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "How many new sites per district (or for the city with --citywide).", transform: IntegerFlag.atLeastOne.parse)
    var count: Int?

    @Option(parsing: .unconditional, help: "Target percentage (0-100) of the district's demand; the fewest sites that reach it.", transform: FlagRange.percentage.parse)
    var target: Double?

    @Option(parsing: .unconditional, help: "Budget in yuan per district (or for the city with --citywide): sites cost site_cost.fixed + site_cost.per_seat × seats.", transform: FlagRange.yuan.parse)
    var budget: Double?

    @Flag(help: "Maximise plain coverage, ignoring seats (classic MCLP).")
    var uncapacitated = false

    @Option(name: .customLong("grid-m"), parsing: .unconditional, help: "Grid spacing in metres for candidate sites where a district has no candidates. (default: 250.0)", transform: FlagRange.cell.parse)
    var grid: Double?

    @Option(parsing: .unconditional, help: "Force one size (seats) for every new site (default: a size from site_sizes, at most the candidate's max_seats).", transform: IntegerFlag.seats.parse)
    var seats: Int?

    @Option(name: .customLong("min-spacing"), parsing: .unconditional, help: "No two new sites closer than this many metres; 0 turns it off. (default: half the radius)", transform: FlagRange.distance.parse)
    var minSpacing: Double?

    @Option(parsing: .singleValue, help: "Candidate ids that must be chosen (comma-separated, or repeat the flag).")
    var require: [String] = []

    @Option(parsing: .singleValue, help: "Candidate ids that must not be chosen (comma-separated, or repeat the flag).")
    var exclude: [String] = []

    @Option(name: .customLong("new-kind"), help: "Kind of the proposed stations. (default: warm_station)")
    var newKind: StationKind?

    @Flag(help: "One choice for all the districts together instead of one per district.")
    var citywide = false

    @Option(name: .customLong("min-per-district"), parsing: .unconditional, help: "With --citywide and --count: at least this many new sites in every district.", transform: IntegerFlag.atLeastOne.parse)
    var minPerDistrict: Int?

    @Flag(help: "Also consider adding seats to existing rest stations (per-seat cost only).")
    var expand = false

    @Option(name: .customLong("node-limit"), parsing: .unconditional, help: "Branch-and-bound nodes per district before answering with the best proven bound. (default: 20000)", transform: IntegerFlag.atLeastZero.parse)
    var nodes: Int?

    static let defaultGridM = 250.0
    static let defaultNodeLimit = 20_000

    /// Ids from the flag values: split at commas, blanks trimmed, empty parts dropped.
    static func ids(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The checks of each value; whether a goal is given is for the command to decide (export
    /// defaults to `--count 3`).
    func validate() throws {
        for (flag, values) in [("--require", require), ("--exclude", exclude)] {
            if let empty = values.first(where: { Self.ids([$0]).isEmpty }) {
                throw ValidationError("\(flag) \"\(empty)\" names no candidate id (give ids separated by commas)")
            }
        }
        if [count != nil, target != nil, budget != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give exactly one of --count N, --target PCT and --budget YUAN")
        }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        try FlagRange.percentage.check("--target", target)
        try FlagRange.yuan.check("--budget", budget)
        try FlagRange.cell.check("--grid-m", grid)
        if let seats, seats < 1 { throw ValidationError("--seats must be at least 1") }
        if let seats, seats > QuantityLimits.seats { throw ValidationError("--seats \(seats) is more than the limit of \(QuantityLimits.seats) seats") }
        try FlagRange.distance.check("--min-spacing", minSpacing)
        if let nodes { guard nodes >= 0 else { throw ValidationError("--node-limit must be ≥ 0") } }
        if let minPerDistrict {
            guard minPerDistrict >= 1 else { throw ValidationError("--min-per-district must be at least 1") }
            guard citywide, count != nil else { throw ValidationError("--min-per-district goes with --citywide and --count") }
        }
        if expand && uncapacitated { throw ValidationError("--expand adds seats, which --uncapacitated ignores; give one of them") }
        let required = Self.ids(require), excluded = Self.ids(exclude)
        if let both = required.first(where: excluded.contains) { throw ValidationError("\(both) is given to both --require and --exclude") }
        if let count, Set(required).count > count, !citywide {
            throw ValidationError("--require names \(Set(required).count) sites but --count is \(count)")
        }
    }

    /// The settings, with `defaultCount` sites when no goal is given.
    func settings(defaultCount: Int? = nil) throws -> ProposalSettings {
        let goal: PlanGoal
        if let count { goal = .count(count) } else if let target { goal = .targetPercent(target) } else if let budget { goal = .budget(budget) } else if let defaultCount { goal = .count(defaultCount) } else {
            throw ValidationError("give exactly one of --count N, --target PCT and --budget YUAN")
        }
        return ProposalSettings(goal: goal, capacitated: !uncapacitated, gridM: grid ?? ProposalOptions.defaultGridM, seats: seats,
                                nodeLimit: nodes ?? ProposalOptions.defaultNodeLimit, minSpacingM: minSpacing,
                                require: Self.ids(require), exclude: Self.ids(exclude), newKind: newKind ?? .warmStation,
                                citywide: citywide, minPerDistrict: minPerDistrict ?? 0, expand: expand)
    }

    /// A budget below the cheapest site the dataset allows is a usage error that says the price.
    func checkBudget(_ data: Dataset) throws {
        guard let budget else { return }
        let m = data.manifest
        let smallest = seats ?? m.siteSizes.first ?? m.defaultSeats
        var cheapest = m.siteCost.fixed + m.siteCost.perSeat * Double(smallest)
        var how = "site_cost.fixed \(Num.flag(m.siteCost.fixed)) + site_cost.per_seat \(Num.flag(m.siteCost.perSeat)) × \(smallest) seats"
        for c in data.candidates {
            if let max = c.maxSeats, max < smallest, m.siteCost.fixed + m.siteCost.perSeat * Double(max) < cheapest {
                cheapest = m.siteCost.fixed + m.siteCost.perSeat * Double(max)
                how = "candidate \(c.id) at its max_seats \(max)"
            }
        }
        if expand, m.siteCost.perSeat * Double(smallest) < cheapest {
            cheapest = m.siteCost.perSeat * Double(smallest)
            how = "\(smallest) seats added to a station at site_cost.per_seat \(Num.flag(m.siteCost.perSeat))"
        }
        if budget < cheapest {
            throw CLIFailure(status: .usage, message: "--budget \(Num.flag(budget)) is below the cheapest site, \(Num.flag(cheapest)) yuan (\(how)); no site fits")
        }
    }

    /// The options given, as flags with their values (for messages).
    var given: [String] {
        var out: [String] = []
        if let count { out.append("--count \(count)") }
        if let target { out.append("--target \(Num.flag(target))") }
        if let budget { out.append("--budget \(Num.flag(budget))") }
        if uncapacitated { out.append("--uncapacitated") }
        if let grid { out.append("--grid-m \(Num.flag(grid))") }
        if let seats { out.append("--seats \(seats)") }
        if let minSpacing { out.append("--min-spacing \(Num.flag(minSpacing))") }
        if !require.isEmpty { out.append("--require \(require.joined(separator: ","))") }
        if !exclude.isEmpty { out.append("--exclude \(exclude.joined(separator: ","))") }
        if let newKind { out.append("--new-kind \(newKind.rawValue)") }
        if citywide { out.append("--citywide") }
        if let minPerDistrict { out.append("--min-per-district \(minPerDistrict)") }
        if expand { out.append("--expand") }
        if let nodes { out.append("--node-limit \(nodes)") }
        return out
    }
}

/// A proposal flag the dataset cannot satisfy: a usage error.
extension ProposalInputError: ExitCoded {
    var exitStatus: ExitStatus { .usage }
}

/// `nuanxin propose`: where the next stations should go in each district, and how big.
struct ProposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose",
        abstract: "New station sites per district, ranked and sized, with the riders each adds, its cost and a proven upper bound.",
        discussion: """
        --count N picks the N sites that add the most of the district's own demand; --target PCT the \
        fewest sites that bring the district to PCT percent; --budget YUAN the sites that add the most \
        within that cost. Each site takes a size from site_sizes in dataset.json (at most its \
        max_seats): with --count the sites are chosen at their largest size, then each gets the \
        smallest size that holds the riders it serves (one seat holds riders_per_seat riders). No two \
        new sites are closer than --min-spacing (default half the radius). --require and --exclude fix \
        candidates in or out; --expand also considers adding seats to existing rest stations; \
        --citywide makes one choice for all the districts. --uncapacitated maximises plain coverage \
        (the classic maximal covering location problem). Sites come from candidates.geojson where the \
        district has candidates, else from a grid (--grid-m). Every answer carries upper_bound_pct, \
        a proof that no plan within the same constraints does better, and optimal when it is met. \
        Of plans that serve (cover) as many, the one where riders travel least is taken (a swap \
        search after the proof; see docs/domain.md), then the first by id. The geojson output imports as stations (nuanxin import --layer stations).
        """
    )

    @OptionGroup var proposal: ProposalOptions
    @OptionGroup var coverage: CoverageOptions
    @OptionGroup var scenario: ScenarioOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try proposal.settings()
    }

    /// The layers proposals use (parking zones play no part).
    static let layers: Set<Layer> = [.districts, .stations, .areas, .demand, .candidates]

    func run() throws {
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try scenario.apply(dataset.load(radiusM: coverage.radius, time: coverage.time, layers: ProposeCommand.layers),
                                      options: dataset, radiusM: coverage.radius)
        try proposal.checkBudget(data)
        let study = try ProposalText.study(data, coverage: coverage, proposal: proposal.settings())
        try output.emit(ProposalText.render(study, radius: data.manifest.radiusM, format: format))
        ProposalText.reportUnreachable(study)
    }
}

/// Progress on stderr for long runs, only on a terminal, after the first second.
final class ProgressLine: @unchecked Sendable {
    let start = Date()
    let isActive = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var shown = false

    func show(_ district: String, _ p: SelectionProgress) {
        guard Date().timeIntervalSince(start) > 1 else { return }
        lock.lock()
        defer { lock.unlock() }
        shown = true
        let text = "\r\(district): \(p.stage), best \(Num.fixed(p.incumbent, 1)), bound \(Num.fixed(p.bound, 1)), \(p.nodes) nodes   "
        FileHandle.standardError.write(Data(text.utf8))
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

enum ProposalText {
    /// Runs the proposal study, with a progress line on a terminal.
    static func study(_ data: Dataset, coverage: CoverageOptions, proposal: ProposalSettings) throws -> ProposalStudy {
        let progress = ProgressLine()
        let callback: (@Sendable (String, SelectionProgress) -> Void)? = progress.isActive ? { @Sendable name, p in progress.show(name, p) } : nil
        // propose and export read the proposals only: the coverage's allocation is made only when a plan needs it.
        let study = try ProposalStudy(data, coverage: coverage.settings, proposals: proposal, allocate: false, progress: callback)
        progress.finish()
        return study
    }

    static func render(_ study: ProposalStudy, radius: Double, format: OutputFormat) -> String {
        let p = study.proposals
        switch format {
        case .json: return json(p, radius: radius).serialized(realKeys: ResultFields.proposals) + "\n"
        case .geojson: return geoJSON(p)
        case .csv: return csv(p)
        // gpkg never gets here: the command's resolved(supported:) refuses it.
        case .table, .gpkg: return table(p, radius: radius)
        }
    }

    /// A target that a district cannot reach, or fewer sites than asked, is said on stderr after
    /// the result.
    static func reportUnreachable(_ study: ProposalStudy) {
        let target: Double
        if case let .targetPercent(t) = study.settings.goal { target = t } else { target = 0 }
        for d in study.proposals.districts {
            if case let .unreachable(_, best, reason)? = d.selection.target {
                printError("nuanxin: \(d.id) \(d.name): the target \(Num.fixed(target, 1))% cannot be reached: \(reason) (best \(Num.fixed(best, 1))%)")
            } else if let why = d.shortfall {
                printError("nuanxin: \(d.id) \(d.name): \(why)")
            }
        }
    }

    static func round(_ v: Double, _ decimals: Int = 2) -> JSONValue { CoverageText.round(v, decimals) }

    /// A mean distance in metres to 0.1 m, or null when no rider is there to measure it.
    static func distance(_ metres: Double?) -> JSONValue { metres.map { round($0, 1) } ?? .null }

    /// The same for CSV (empty when there is none) and tables (a dash).
    static func distanceText(_ metres: Double?, table: Bool = false) -> String {
        metres.map { Num.fixed($0, table ? 0 : 1) } ?? (table ? "-" : "")
    }

    /// A site's fields in the order scripts rely on.
    static func siteProperties(_ s: SiteProposals.Site, capacitated: Bool) -> [(String, JSONValue)] {
        var pairs: [(String, JSONValue)] = [
            ("id", .string(s.id)), ("name", .string(s.name)), ("kind", .string(s.kind.rawValue)), ("seats", .number(Double(s.seats))),
            ("cost", round(s.cost)), ("district", .string(s.district)), ("rank", .number(Double(s.rank))), ("gain", round(s.gain)),
            ("covered_pct_after", round(s.coveredPctAfter)),
        ]
        if capacitated { pairs.append(("served_pct_after", round(s.servedPctAfter ?? 0))) }
        if let c = s.candidateID { pairs.append(("candidate_id", .string(c))) }
        if let a = s.addedSeats { pairs.append(("added_seats", .number(Double(a)))) }
        // suggested_seats: the first release's name of `seats`, kept for scripts that read it.
        pairs += [("riders", round(s.load)), ("suggested_seats", .number(Double(s.seats))), ("spillover", round(s.spillover)),
                  ("lon", .number(JSONValue.rounded(coordinate: s.location.lon))), ("lat", .number(JSONValue.rounded(coordinate: s.location.lat)))]
        pairs.append(("mean_distance_m", distance(s.meanDistanceM)))
        return pairs
    }

    static func json(_ p: SiteProposals, radius: Double) -> JSONValue {
        let capacitated = p.settings.capacitated
        var top: [(String, JSONValue)] = [
            ("radius_m", .number(radius)), ("measure", .string(capacitated ? "served" : "covered")),
            ("riders_per_seat", round(p.ridersPerSeat, 4)), ("min_spacing_m", round(p.settings.minSpacingM)),
        ]
        if case let .budget(b) = p.settings.goal { top.append(("budget", round(b))) }
        top.append(("districts", .array(p.districts.map { d in
            var pairs: [(String, JSONValue)] = [
                ("id", .string(d.id)), ("name", .string(d.name)), ("measure", .string(capacitated ? "served" : "covered")), ("demand", round(d.demand)),
                ("covered_pct_before", round(d.coveredPctBefore)), ("covered_pct_after", round(d.coveredPctAfter)),
            ]
            if capacitated {
                pairs += [("served_pct_before", round(d.servedPctBefore ?? 0)), ("served_pct_after", round(d.servedPctAfter ?? 0))]
            }
            pairs += [("upper_bound_pct", round(d.upperBoundPct)), ("optimal", .bool(d.optimal)), ("cost_total", round(d.costTotal)),
                      ("candidates", .string(d.candidateSource)), ("candidate_count", .number(Double(d.candidateCount)))]
            if let why = d.shortfall { pairs.append(("shortfall", .string(why))) }
            if let t = d.selection.target {
                switch t {
                case let .reached(fewest): pairs.append(("target", .object(JSONObject([("reached", .bool(true)), ("proven_fewest", .bool(fewest))]))))
                case let .unreachable(n, best, reason):
                    pairs.append(("target", .object(JSONObject([("reached", .bool(false)), ("candidate_count", .number(Double(n))),
                                                                 ("best_pct", round(best)), ("reason", .string(reason))]))))
                }
            }
            pairs.append(("sites", .array(d.sites.map { .object(JSONObject(siteProperties($0, capacitated: capacitated))) })))
            pairs.append(("mean_distance_m", distance(d.meanDistanceM)))
            return .object(JSONObject(pairs))
        })))
        return .object(JSONObject(top))
    }

    /// Point features whose properties are a station's (id, name, kind, seats, district) plus the
    /// proposal's figures: `nuanxin import --layer stations` takes the file as it is.
    static func geoJSON(_ p: SiteProposals) -> String {
        GeoJSONWriter.collection(p.districts.flatMap { d in
            d.sites.map { s in
                let props = JSONObject(siteProperties(s, capacitated: p.settings.capacitated).filter { $0.0 != "lon" && $0.0 != "lat" })
                return GeoJSONWriter.feature(id: .string(s.id), properties: props, geometry: .point(s.location), realKeys: ResultFields.proposals)
            }
        })
    }

    static func csv(_ p: SiteProposals) -> String {
        let capacitated = p.settings.capacitated
        var header = ["id", "name", "kind", "seats", "cost", "district", "rank", "gain", "covered_pct_after"]
        if capacitated { header.append("served_pct_after") }
        header += ["candidate_id", "riders", "spillover", "lon", "lat", "mean_distance_m"]
        var rows = [header]
        for d in p.districts {
            for s in d.sites {
                var row = [s.id, s.name, s.kind.rawValue, "\(s.seats)", Num.fixed(s.cost, 2), s.district, "\(s.rank)", Num.fixed(s.gain, 2), Num.fixed(s.coveredPctAfter, 2)]
                if capacitated { row.append(Num.fixed(s.servedPctAfter ?? 0, 2)) }
                row += [s.candidateID ?? "", Num.fixed(s.load, 2), Num.fixed(s.spillover, 2),
                        JSONValue.format(coordinate: s.location.lon), JSONValue.format(coordinate: s.location.lat), distanceText(s.meanDistanceM)]
                rows.append(row)
            }
        }
        return CSVWriter.encode(rows, format: .excel).string
    }

    static func table(_ p: SiteProposals, radius: Double) -> String {
        let capacitated = p.settings.capacitated
        let measure = capacitated ? "served" : "covered"
        var text = "New sites (\(measure) within \(Num.int(radius)) m, at least \(Num.int(p.settings.minSpacingM)) m apart, \(Num.fixed(p.ridersPerSeat, 1)) riders a seat); bound = the most any plan within the same limits can reach\n"
        for d in p.districts {
            text += "\n\(d.id) \(d.name): covered \(Num.fixed(d.coveredPctBefore, 1))% -> \(Num.fixed(d.coveredPctAfter, 1))%"
            if capacitated { text += ", served \(Num.fixed(d.servedPctBefore ?? 0, 1))% -> \(Num.fixed(d.servedPctAfter ?? 0, 1))%" }
            text += ", bound \(Num.fixed(d.upperBoundPct, 1))%\(d.optimal ? " (optimal)" : ""), cost \(Num.int(d.costTotal)) yuan"
            text += ", \(d.candidateCount) \(d.candidateSource == "grid" ? "grid cells" : "candidates")"
            if let m = d.meanDistanceM { text += ", riders \(measure) \(Num.fixed(m, 0)) m from their station on average" }
            text += "\n"
            if let why = d.shortfall { text += "  \(why)\n" }
            if d.sites.isEmpty {
                text += "  no site adds demand\n"
                continue
            }
            var header = ["rank", "id", "name", "seats", "cost", "riders", "gain", "covered %"]
            if capacitated { header.append("served %") }
            header += ["spillover", "mean dist m"]
            var t = TextTable(header, rightAligned: Set([0] + Array(3..<header.count)))
            for s in d.sites {
                var row = ["\(s.rank)", s.id, s.name, s.addedSeats.map { "\(s.seats) (+\($0))" } ?? "\(s.seats)", Num.int(s.cost), Num.fixed(s.load, 1),
                           Num.fixed(s.gain, 1), Num.fixed(s.coveredPctAfter, 1)]
                if capacitated { row.append(Num.fixed(s.servedPctAfter ?? 0, 1)) }
                row += [Num.fixed(s.spillover, 1), distanceText(s.meanDistanceM, table: true)]
                t.add(row)
            }
            text += t.render().split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        }
        return text.hasSuffix("\n") ? text : text + "\n"
    }
}
