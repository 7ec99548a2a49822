import ArgumentParser
import Foundation
import Geo
import Stations

/// `nuanxin export --layer L`: a layer for mapping tools and spreadsheets.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a layer (districts, stations, parking, areas, demand, candidates) or a result (coverage, gaps, proposals) as GeoJSON or CSV.",
        discussion: """
        coverage, gaps and proposals are the results of those commands and take their options
        (for example --radius, --cell-m, or --count/--target for proposals, which default to --count 3).
        """
    )

    static let results = ["coverage", "gaps", "proposals"]

    @Option(help: "The layer: districts, stations, parking, areas, demand, candidates, or coverage, gaps, proposals.")
    var layer: String

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    /// Options of the result commands, handed on to them.
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var resultOptions: [String] = []

    func run() throws {
        try runReportingErrors {
            if layer.lowercased() == "all" || output.format == .gpkg {
                try exportGeoPackage()
                return
            }
            if ExportCommand.results.contains(layer.lowercased()) {
                try exportResult()
                return
            }
            guard let l = Layer(name: layer) else {
                throw CLIFailure(status: .usage, message: "unknown layer \"\(layer)\" (use \((Layer.allCases.map(\.rawValue) + ExportCommand.results).joined(separator: ", ")))")
            }
            guard resultOptions.isEmpty else {
                throw CLIFailure(status: .usage, message: "unknown option(s) for export --layer \(l.rawValue): \(resultOptions.joined(separator: " "))")
            }
            let format = try output.resolved(supported: [.geojson, .csv])
            let data = try dataset.load(layers: [l])
            let items = LayerText.features(data, l)
            switch format {
            case .csv: try output.emit(CSVWriter.encode(try CSVLayer.rows(items, layer: l), format: .excel).string)
            default: try output.emit(LayerText.geoJSON(items, layer: l))
            }
        }
    }

    /// Runs coverage, gaps or propose with this command's arguments (less --layer), as GeoJSON
    /// unless --format csv is given.
    func exportResult() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if let at = arguments.firstIndex(of: "export") { arguments.removeFirst(at + 1) }
        if let at = arguments.firstIndex(of: "--layer"), at + 1 < arguments.count {
            arguments.removeSubrange(at...(at + 1))
        } else if let at = arguments.firstIndex(where: { $0.hasPrefix("--layer=") }) {
            arguments.remove(at: at)
        }
        if output.format == nil { arguments += ["--format", "geojson"] } else if ![.geojson, .csv].contains(output.format!) {
            throw CLIFailure(status: .usage, message: "export writes geojson or csv")
        }
        switch layer.lowercased() {
        case "coverage":
            let command = try CoverageCommand.parse(arguments)
            try command.run()
        case "gaps":
            let command = try GapsCommand.parse(arguments)
            try command.run()
        default:
            if !arguments.contains("--count") && !arguments.contains("--target") { arguments += ["--count", "3"] }
            let command = try ProposeCommand.parse(arguments)
            try command.run()
        }
    }
}
