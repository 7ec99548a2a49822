import ArgumentParser
import Geo
import Stations

/// `nuanxin export --layer L`: a layer for mapping tools and spreadsheets.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a layer (districts, stations, parking, areas, demand, candidates) as GeoJSON or CSV."
    )

    @Option(help: "The layer: districts, stations, parking, areas, demand or candidates.")
    var layer: String

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReportingErrors {
            guard let l = Layer(name: layer) else {
                throw CLIFailure(status: .usage, message: "unknown layer \"\(layer)\" (use \(Layer.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let format = try output.resolved(supported: [.geojson, .csv])
            let data = try dataset.load(layers: [l])
            let items = LayerText.features(data, l)
            switch format {
            case .csv: try output.emit(CSVWriter.encode(try CSVLayer.rows(items), format: .excel).string)
            default: try output.emit(LayerText.geoJSON(items))
            }
        }
    }
}
