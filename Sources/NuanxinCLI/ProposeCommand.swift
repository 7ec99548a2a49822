import ArgumentParser
import Foundation
import Geo
import Planning
import Stations

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

    @Option(help: "How many new sites per district.")
    var count: Int?

    @Option(help: "Target percentage (0-100) of the district's demand; the fewest sites that reach it.")
    var target: Double?

    @Flag(help: "Maximise plain coverage, ignoring seats (classic MCLP).")
    var uncapacitated = false

    @Option(name: .customLong("grid-m"), help: "Grid spacing in metres for candidate sites where a district has no candidates.")
    var gridM: Double = 250

    @Option(help: "Seats of a new site without max_seats (default: the manifest's default_seats).")
    var seats: Int?

    @Option(name: .customLong("node-limit"), help: "Branch-and-bound nodes per district before answering with the best proven bound.")
    var nodeLimit: Int = 20_000

    @OptionGroup var coverage: CoverageOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (count == nil) != (target == nil) else { throw ValidationError("give exactly one of --count N and --target PCT") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let target, !(target >= 0 && target <= 100) { throw ValidationError("--target must be a percentage between 0 and 100") }
        guard gridM >= 10, gridM.isFinite else { throw ValidationError("--grid-m must be at least 10 metres") }
        try FlagLimits.distance("--grid-m", gridM)
        if let seats, seats < 1 { throw ValidationError("--seats must be at least 1") }
        if let seats, seats > QuantityLimits.seats { throw ValidationError("--seats \(seats) is more than the limit of \(QuantityLimits.seats) seats") }
        guard nodeLimit >= 0 else { throw ValidationError("--node-limit must be ≥ 0") }
    }

    func run() throws {
        try runReportingErrors { try execute() }
    }

    func execute() throws {
            let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
            let data = try dataset.load(radiusM: coverage.radius, layers: [.districts, .stations, .areas, .demand, .candidates])
            let selected = try coverage.selectedDistricts(data)
            let kinds = coverage.restKinds
            let (demand, report) = try coverage.coverage(of: data)
            let goal: SiteSelectionGoal = count != nil ? .count(count!) : .targetPercent(target!)
            let settings = SiteProposals.Settings(radiusM: data.manifest.radiusM, gridM: gridM, seats: seats, capacitated: !uncapacitated,
                                                  goal: goal, kinds: kinds, nodeLimit: nodeLimit)
            let progress = ProgressLine()
            let callback: (@Sendable (String, SelectionProgress) -> Void)? = progress.isActive ? { @Sendable name, p in progress.show(name, p) } : nil
            let proposals: SiteProposals
            do {
                proposals = try SiteProposals(dataset: data, demand: demand, coverage: report, districts: selected, settings: settings, progress: callback)
            } catch let error as PlanningError {
                throw CLIFailure(status: .dataError, message: "\(error)")
            }
            progress.finish()
            let measure = uncapacitated ? "covered" : "served"
            switch format {
            case .json: try output.emit(ProposalText.json(proposals, measure: measure, radius: data.manifest.radiusM).serialized(realKeys: ResultFields.proposals) + "\n")
            case .geojson: try output.emit(ProposalText.geoJSON(proposals))
            case .csv: try output.emit(ProposalText.csv(proposals))
            default: try output.emit(ProposalText.table(proposals, measure: measure, radius: data.manifest.radiusM))
            }
            for d in proposals.districts {
                if case let .unreachable(_, best, reason)? = d.selection.target {
                    printError("nuanxin: \(d.id) \(d.name): the target \(Num.fixed(target ?? 0, 1))% cannot be reached: \(reason) (best \(Num.fixed(best, 1))%)")
                }
            }
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
