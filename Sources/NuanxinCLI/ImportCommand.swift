import ArgumentParser
import Foundation
import Geo
import Stations

/// `nuanxin import --layer L FILE`: validate features and merge them into the dataset, atomically.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Validate features from a GeoJSON or CSV file and merge them into a dataset layer (atomically).",
        discussion: """
        Coordinates are converted from --input-crs (wgs84, gcj02 or bd09) to WGS84. A feature without \
        an "id" property takes its Feature id, or its "adcode" (as boundary files from Chinese map \
        services carry). An id that already exists in the layer is an error unless --replace is given.
        """
    )

    @Option(help: "The layer: districts, stations, parking, areas, demand or candidates.")
    var layer: String

    @Argument(help: "The file to import (.geojson/.json, .csv or .gpkg).")
    var file: String

    @Flag(help: "Replace existing features that have the same id instead of refusing them.")
    var replace = false

    @OptionGroup var dataset: DatasetOptions

    func run() throws {
        guard let l = Layer(name: layer) else {
            throw CLIFailure(status: .usage, message: "unknown layer \"\(layer)\" (use \(Layer.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let source = try dataset.source()
        let target = source.path(of: l)
        // A replacement layer given as a GeoPackage (--stations x.gpkg) would be overwritten with
        // GeoJSON text, its other tables lost.
        if source.isReplaced(l), DatasetSource(folder: target).geoPackage != nil {
            throw CLIFailure(status: .cannotCreate, message: "--\(l.rawValue) \(target) is a GeoPackage, and import writes the layer as GeoJSON: it would replace the GeoPackage and its other tables; import into a GeoJSON file, or into a whole-dataset GeoPackage (--data FILE.gpkg)")
        }
        // One lock over the read, the merge and the write: a concurrent import waits, then merges
        // into this one's result. (A GeoPackage dataset is locked through the folder it is in.)
        let lockFolder = source.geoPackage.map { path -> String in
            let folder = (path as NSString).deletingLastPathComponent
            return folder.isEmpty ? "." : folder
        } ?? source.folder
        let outcome = try DatasetLock.exclusive(lockFolder) {
            let existing = try dataset.load(layers: [l], usesSeats: false, quiet: true, demandProperties: true)
            let incoming = try LayerImport.read(file, layer: l)
            let outcome = try LayerImport.merge(incoming, into: existing, source: source, replace: replace)
            for w in outcome.warnings { printError("nuanxin: \(w)") }
            if let geoPackage = source.geoPackage, !source.isReplaced(l) {
                try replaceLayer(l, with: outcome.merged, in: geoPackage)
            } else {
                try AtomicFile.write(LayerText.geoJSON(outcome.merged, layer: l), to: target)
            }
            return outcome
        }
        printError("nuanxin: imported \(outcome.imported) feature(s) from \(file) into \(target) (\(outcome.replaced) replaced); the layer now has \(outcome.merged.count)")
    }
}
