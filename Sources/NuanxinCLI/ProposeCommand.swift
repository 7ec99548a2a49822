import ArgumentParser
import Foundation
import Geo
import Optimization
import Planning
import Stations

/// The options of new sites (propose, and export --layer proposals).
struct ProposalOptions: ParsableArguments {
    @Option(help: "How many new sites per district.")
    var count: Int?

    @Option(help: "Target percentage (0-100) of the district's demand; the fewest sites that reach it.")
    var target: Double?

    @Flag(help: "Maximise plain coverage, ignoring seats (classic MCLP).")
    var uncapacitated = false

    @Option(name: .customLong("grid-m"), help: "Grid spacing in metres for candidate sites where a district has no candidates. (default: 250.0)")
    var grid: Double?

    @Option(help: "Seats of a new site without max_seats (default: the manifest's default_seats).")
    var seats: Int?

    @Option(name: .customLong("node-limit"), help: "Branch-and-bound nodes per district before answering with the best proven bound. (default: 20000)")
    var nodes: Int?

    static let defaultGridM = 250.0
    static let defaultNodeLimit = 20_000

    /// The checks of each value; whether a goal is given is for the command to decide (export
    /// defaults to `--count 3`).
    func validate() throws {
        if count != nil, target != nil { throw ValidationError("give exactly one of --count N and --target PCT") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let target, !(target >= 0 && target <= 100) { throw ValidationError("--target must be a percentage between 0 and 100") }
        if let grid { guard grid >= 10, grid.isFinite else { throw ValidationError("--grid-m must be at least 10 metres") } }
        if let grid { try FlagLimits.distance("--grid-m", grid) }
        if let seats, seats < 1 { throw ValidationError("--seats must be at least 1") }
        if let seats, seats > QuantityLimits.seats { throw ValidationError("--seats \(seats) is more than the limit of \(QuantityLimits.seats) seats") }
        if let nodes { guard nodes >= 0 else { throw ValidationError("--node-limit must be ≥ 0") } }
    }

    /// The settings, with `defaultCount` sites when neither --count nor --target is given.
    func settings(defaultCount: Int? = nil) throws -> ProposalSettings {
        let goal: SiteSelectionGoal
        if let count { goal = .count(count) } else if let target { goal = .targetPercent(target) } else if let defaultCount { goal = .count(defaultCount) } else {
            throw ValidationError("give exactly one of --count N and --target PCT")
        }
        return ProposalSettings(goal: goal, capacitated: !uncapacitated, gridM: grid ?? ProposalOptions.defaultGridM, seats: seats,
                                nodeLimit: nodes ?? ProposalOptions.defaultNodeLimit)
    }

    /// The options given, as flags with their values (for messages).
    var given: [String] {
        var out: [String] = []
        if let count { out.append("--count \(count)") }
        if let target { out.append("--target \(Num.flag(target))") }
        if uncapacitated { out.append("--uncapacitated") }
        if let grid { out.append("--grid-m \(Num.flag(grid))") }
        if let seats { out.append("--seats \(seats)") }
        if let nodes { out.append("--node-limit \(nodes)") }
        return out
    }
}

/// `nuanxin propose`: where the next stations should go in each district, and how big.
struct ProposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose",
        abstract: "New station sites per district, ranked, with the demand each adds, suggested seats and a proven upper bound.",
        discussion: """
        --count N picks the N sites that add the most of the district's own demand; --target PCT the
        fewest sites that bring the district to PCT percent. By default a new site seats at most its
        max_seats (or --seats) and the objective is demand newly served; --uncapacitated maximises
        plain coverage (the classic maximal covering location problem). Sites come from
        candidates.geojson where the district has candidates, else from a grid (--grid-m). Every
        answer carries upper_bound_pct: no choice of that many sites can do better.
        """
    )

    @OptionGroup var proposal: ProposalOptions
    @OptionGroup var coverage: CoverageOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try proposal.settings()
    }

    /// The layers proposals use (parking zones play no part).
    static let layers: Set<Layer> = [.districts, .stations, .areas, .demand, .candidates]

    func run() throws {
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try dataset.load(radiusM: coverage.radius, time: coverage.time, layers: ProposeCommand.layers)
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
        let study = try ProposalStudy(data, coverage: coverage.settings, proposals: proposal, progress: callback)
        progress.finish()
        return study
    }

    static func render(_ study: ProposalStudy, radius: Double, format: OutputFormat) -> String {
        let measure = study.settings.measure
        switch format {
        case .json: return json(study.proposals, measure: measure, radius: radius).serialized(realKeys: ResultFields.proposals) + "\n"
        case .geojson: return geoJSON(study.proposals)
        case .csv: return csv(study.proposals)
        // gpkg never gets here: the command's resolved(supported:) refuses it.
        case .table, .gpkg: return table(study.proposals, measure: measure, radius: radius)
        }
    }

    /// A target that a district cannot reach is said on stderr, after the result.
    static func reportUnreachable(_ study: ProposalStudy) {
        let target: Double
        if case let .targetPercent(t) = study.settings.goal { target = t } else { target = 0 }
        for d in study.proposals.districts {
            if case let .unreachable(_, best, reason)? = d.selection.target {
                printError("nuanxin: \(d.id) \(d.name): the target \(Num.fixed(target, 1))% cannot be reached: \(reason) (best \(Num.fixed(best, 1))%)")
            }
        }
    }

    static func round(_ v: Double, _ decimals: Int = 2) -> JSONValue { CoverageText.round(v, decimals) }

    static func siteProperties(_ s: SiteProposals.Site, _ d: SiteProposals.District) -> [(String, JSONValue)] {
        var pairs: [(String, JSONValue)] = [
            ("district", .string(d.id)), ("rank", .number(Double(s.rank))), ("id", .string(s.id)),
            ("gain", round(s.gain)), ("covered_pct_after", round(s.coveredPctAfter)), ("suggested_seats", .number(Double(s.suggestedSeats))),
            ("spillover", round(s.spillover)),
        ]
        if let c = s.candidateID { pairs.append(("candidate_id", .string(c))) }
        pairs += [("lon", .number(Double(JSONValue.format(coordinate: s.location.lon))!)), ("lat", .number(Double(JSONValue.format(coordinate: s.location.lat))!))]
        return pairs
    }

    static func json(_ p: SiteProposals, measure: String, radius: Double) -> JSONValue {
        .object(JSONObject([
            ("radius_m", .number(radius)), ("measure", .string(measure)),
            ("districts", .array(p.districts.map { d in
                var pairs: [(String, JSONValue)] = [
                    ("id", .string(d.id)), ("name", .string(d.name)), ("demand", round(d.demand)),
                    ("covered_pct_before", round(d.coveredPctBefore)), ("covered_pct_after", round(d.coveredPctAfter)),
                    ("upper_bound_pct", round(d.upperBoundPct)), ("optimal", .bool(d.optimal)),
                    ("candidates", .string(d.candidateSource)), ("candidate_count", .number(Double(d.candidateCount))),
                ]
                if let t = d.selection.target {
                    switch t {
                    case let .reached(fewest): pairs.append(("target", .object(JSONObject([("reached", .bool(true)), ("proven_fewest", .bool(fewest))]))))
                    case let .unreachable(n, best, reason):
                        pairs.append(("target", .object(JSONObject([("reached", .bool(false)), ("candidate_count", .number(Double(n))),
                                                                     ("best_pct", round(best)), ("reason", .string(reason))]))))
                    }
                }
                pairs.append(("sites", .array(d.sites.map { .object(JSONObject(siteProperties($0, d))) })))
                return .object(JSONObject(pairs))
            })),
        ]))
    }

    static func geoJSON(_ p: SiteProposals) -> String {
        GeoJSONWriter.collection(p.districts.flatMap { d in
            d.sites.map { s in
                var props = JSONObject(siteProperties(s, d).filter { $0.0 != "lon" && $0.0 != "lat" && $0.0 != "id" })
                props["district_name"] = .string(d.name)
                return GeoJSONWriter.feature(id: .string(s.id), properties: props, geometry: .point(s.location), realKeys: ResultFields.proposals)
            }
        })
    }

    static func csv(_ p: SiteProposals) -> String {
        var rows = [["district", "rank", "id", "candidate_id", "lon", "lat", "gain", "covered_pct_after", "suggested_seats", "spillover"]]
        for d in p.districts {
            for s in d.sites {
                rows.append([d.id, "\(s.rank)", s.id, s.candidateID ?? "", JSONValue.format(coordinate: s.location.lon), JSONValue.format(coordinate: s.location.lat),
                             Num.fixed(s.gain, 2), Num.fixed(s.coveredPctAfter, 2), "\(s.suggestedSeats)", Num.fixed(s.spillover, 2)])
            }
        }
        return CSVWriter.encode(rows, format: .excel).string
    }

    static func table(_ p: SiteProposals, measure: String, radius: Double) -> String {
        var text = "New sites per district (\(measure) within \(Num.int(radius)) m); bound = the most any choice of that many sites can reach\n"
        for d in p.districts {
            text += "\n\(d.id) \(d.name): \(measure) \(Num.fixed(d.coveredPctBefore, 1))% -> \(Num.fixed(d.coveredPctAfter, 1))%, bound \(Num.fixed(d.upperBoundPct, 1))%"
            text += d.optimal ? " (optimal)" : ""
            text += ", \(d.candidateCount) \(d.candidateSource == "grid" ? "grid cells" : "candidates")\n"
            if d.sites.isEmpty {
                text += "  no site adds demand\n"
                continue
            }
            var t = TextTable(["rank", "site", "lon", "lat", "gain", "after %", "seats", "spillover"], rightAligned: [0, 4, 5, 6, 7])
            for s in d.sites {
                t.add(["\(s.rank)", s.id, JSONValue.format(coordinate: s.location.lon, decimals: 5), JSONValue.format(coordinate: s.location.lat, decimals: 5),
                       Num.fixed(s.gain, 1), Num.fixed(s.coveredPctAfter, 1), "\(s.suggestedSeats)", Num.fixed(s.spillover, 1)])
            }
            text += t.render().split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        }
        return text.hasSuffix("\n") ? text : text + "\n"
    }
}
