import ArgumentParser
import Foundation
import Geo
import Planning
import Stations

/// `nuanxin export --layer L`: a layer for mapping tools and spreadsheets, or the result of
/// coverage, gaps or propose, computed by the same library call those commands make.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a layer (districts, stations, parking, areas, demand, candidates) or a result (coverage, gaps, proposals) as GeoJSON or CSV.",
        discussion: """
        coverage, gaps and proposals are the results of those commands and take their options \
        (for example --radius, --cell-m, or --count/--target for proposals, which default to --count 3).
        """
    )

    /// What `--layer` names: a dataset layer or a result.
    enum Target {
        case layer(Layer)
        case coverage, gaps, proposals

        init?(_ name: String) {
            switch name.lowercased() {
            case "coverage": self = .coverage
            case "gaps": self = .gaps
            case "proposals": self = .proposals
            default:
                guard let l = Layer(name: name) else { return nil }
                self = .layer(l)
            }
        }

        var name: String {
            switch self {
            case let .layer(l): return l.rawValue
            case .coverage: return "coverage"
            case .gaps: return "gaps"
            case .proposals: return "proposals"
            }
        }
    }

    static let results = ["coverage", "gaps", "proposals"]
    /// Sites per district when exporting proposals without --count or --target.
    static let defaultProposalCount = 3

    @Option(help: "The layer: districts, stations, parking, areas, demand, candidates, or coverage, gaps, proposals.")
    var layer: String

    @OptionGroup(title: "Options of coverage, gaps and proposals") var coverage: CoverageOptions
    @OptionGroup(title: "Options of gaps") var gaps: GapOptions
    @OptionGroup(title: "Options of proposals") var proposal: ProposalOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let chosenFormat = try output.chosen()
        if layer.lowercased() == "all" || chosenFormat == .gpkg {
            try exportGeoPackage()
            return
        }
        guard let target = Target(layer) else {
            throw CLIFailure(status: .usage, message: "unknown layer \"\(layer)\" (use \((Layer.allCases.map(\.rawValue) + ExportCommand.results).joined(separator: ", ")))")
        }
        let misplaced: [String]
        switch target {
        case .layer: misplaced = coverage.given + gaps.given + proposal.given
        case .coverage: misplaced = gaps.given + proposal.given
        case .gaps: misplaced = proposal.given
        case .proposals: misplaced = gaps.given
        }
        guard misplaced.isEmpty else {
            throw CLIFailure(status: .usage, message: "unknown option(s) for export --layer \(target.name): \(misplaced.joined(separator: " "))")
        }
        switch target {
        case let .layer(l):
            let format = try output.resolved(supported: [.geojson, .csv])
            let data = try dataset.load(layers: [l], usesSeats: false, demandProperties: true)
            let items = data.features(of: l)
            switch format {
            case .csv: try output.emit(CSVWriter.encode(try CSVLayer.rows(items, layer: l), format: .excel).string)
            default: try output.emit(LayerText.geoJSON(items, layer: l))
            }
        case .coverage:
            let format = try resultFormat()
            let data = try dataset.load(radiusM: coverage.radius, time: coverage.time, layers: CoverageCommand.layers)
            let study = try CoverageStudy(data, settings: coverage.settings)
            try output.emit(CoverageText.render(study, data, format: format))
        case .gaps:
            let format = try resultFormat()
            let data = try dataset.load(radiusM: coverage.radius, time: coverage.time, layers: CoverageCommand.layers)
            let study = try GapStudy(data, settings: coverage.settings, options: gaps.options)
            try output.emit(GapText.render(study, format: format))
        case .proposals:
            let format = try resultFormat()
            let data = try dataset.load(radiusM: coverage.radius, time: coverage.time, layers: ProposeCommand.layers)
            let study = try ProposalText.study(data, coverage: coverage, proposal: proposal.settings(defaultCount: ExportCommand.defaultProposalCount))
            try output.emit(ProposalText.render(study, radius: data.manifest.radiusM, format: format))
            ProposalText.reportUnreachable(study)
        }
    }

    /// GeoJSON unless --format csv is given.
    func resultFormat() throws -> OutputFormat {
        switch try output.chosen() {
        case nil, .geojson?: return .geojson
        case .csv?: return .csv
        default: throw CLIFailure(status: .usage, message: "export writes geojson or csv")
        }
    }
}
