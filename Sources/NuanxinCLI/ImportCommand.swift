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
        Coordinates are converted from --input-crs (wgs84, gcj02 or bd09) to WGS84. A feature without
        an "id" property takes its Feature id, or its "adcode" (as boundary files from Chinese map
        services carry). An id that already exists in the layer is an error unless --replace is given.
        """
    )

    @Option(help: "The layer: districts, stations, parking, areas, demand or candidates.")
    var layer: String

    @Argument(help: "The file to import (.geojson/.json or .csv).")
    var file: String

    @Flag(help: "Replace existing features that have the same id instead of refusing them.")
    var replace = false

    @OptionGroup var dataset: DatasetOptions

    func run() throws {
        try runReportingErrors {
            guard let l = Layer(name: layer) else {
                throw CLIFailure(status: .usage, message: "unknown layer \"\(layer)\" (use \(Layer.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            var source = try dataset.source()
            let existing = try dataset.load(layers: [l], quiet: true)
            var (incoming, lines) = try readIncoming(l)
            for i in incoming.features.indices where incoming.features[i].properties["id"] == nil {
                if let id = incoming.features[i].id {
                    incoming.features[i].properties["id"] = id.jsonValue
                } else if let adcode = incoming.features[i].properties["adcode"], adcode.numberValue != nil || adcode.stringValue != nil {
                    incoming.features[i].properties["id"] = .string(adcode.stringValue ?? adcode.numberText!)
                }
            }
            if l == .districts {
                // Boundary files name the level in the name: 县 is a county, 区 a district.
                for i in incoming.features.indices where incoming.features[i].properties["kind"] == nil {
                    if let name = incoming.features[i].properties["name"]?.stringValue {
                        if name.hasSuffix("县") { incoming.features[i].properties["kind"] = .string(DivisionKind.county.rawValue) }
                        else if name.hasSuffix("区") { incoming.features[i].properties["kind"] = .string(DivisionKind.district.rawValue) }
                    }
                }
            }
            source.inMemory[l] = (file, incoming)
            let checked: Dataset
            do {
                checked = try DatasetLoader.load(source, layers: [l])
                for w in checked.warnings where w.file == file { printError("nuanxin: \(located(w, lines))") }
            } catch let error as DatasetError {
                for issue in error.issues where issue.file == file || issue.severity == .error { printError("nuanxin: \(located(issue, lines)) ") }
                throw CLIFailure(status: error.missingInput ? .noInput : .dataError, message: "nothing was imported")
            }
            let new = LayerText.features(checked, l)
            var merged = LayerText.features(existing, l)
            let position = Dictionary(merged.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
            var replaced = 0
            var clashes: [String] = []
            for item in new {
                if let at = position[item.id] {
                    if replace {
                        merged[at] = item
                        replaced += 1
                    } else {
                        clashes.append(item.id)
                    }
                } else {
                    merged.append(item)
                }
            }
            if !clashes.isEmpty {
                let shown = clashes.prefix(10).joined(separator: ", ") + (clashes.count > 10 ? ", ..." : "")
                throw CLIFailure(status: .dataError, message: "\(file): \(clashes.count) id(s) already in the \(l.rawValue) layer (\(shown)); pass --replace to replace them. Nothing was imported.")
            }
            let original = try dataset.source()
            let target = original.path(of: l)
            if let geoPackage = original.geoPackage, !original.isReplaced(l) {
                try replaceLayer(l, with: merged, in: geoPackage)
            } else {
                try AtomicFile.write(LayerText.geoJSON(merged, layer: l), to: target)
            }
            printError("nuanxin: imported \(new.count) feature(s) from \(file) into \(target) (\(replaced) replaced); the layer now has \(merged.count)")
        }
    }

    /// The file as a layer, with the CSV line of each feature (nil for GeoJSON).
    func readIncoming(_ l: Layer) throws -> (GeoJSONLayer, [Int]?) {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(file)
        } catch let failure as InputFile.Failure {
            throw CLIFailure(status: .noInput, message: failure.description)
        }
        if GeoPackageReader.isGeoPackage(file) {
            do {
                let reader = try GeoPackageReader(path: file)
                return (try reader.read(table: reader.table(for: l, onlyTableWillDo: true)), nil)
            } catch {
                throw CLIFailure(status: error.missing ? .noInput : .dataError, message: error.message)
            }
        }
        do {
            let first = bytes.drop { [0xEF, 0xBB, 0xBF, 0x20, 0x0A, 0x0D, 0x09].contains($0) }.first
            if file.lowercased().hasSuffix(".csv") || (first != UInt8(ascii: "{") && first != nil) {
                let read = try CSVLayer.read(bytes: bytes, layer: l)
                return (read.layer, read.lines)
            }
            return (try GeoJSONReader.read(bytes: bytes), nil)
        } catch {
            throw CLIFailure(status: .dataError, message: "\(file): \(error)")
        }
    }

    /// For a CSV file, names the line instead of the feature index.
    func located(_ issue: DatasetIssue, _ lines: [Int]?) -> DatasetIssue {
        guard let lines, issue.file == file, let i = issue.featureIndex, i < lines.count else { return issue }
        var copy = issue
        copy.line = lines[i]
        copy.featureIndex = nil
        return copy
    }
}
