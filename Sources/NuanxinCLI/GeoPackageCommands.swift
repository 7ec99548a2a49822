import Foundation
import Geo
import Stations

/// `export --format gpkg` (one layer, or `--layer all` for the whole dataset with its manifest).
extension ExportCommand {
    func exportGeoPackage() throws {
        let chosen = try output.chosen()
        guard chosen == nil || chosen == .gpkg else {
            throw CLIFailure(status: .usage, message: "--layer all writes a GeoPackage: use --format gpkg --out FILE.gpkg")
        }
        guard let out = output.out else {
            throw CLIFailure(status: .usage, message: "--format gpkg writes a file: give --out FILE.gpkg")
        }
        let misplaced = coverage.given + gaps.given + proposal.given
        guard misplaced.isEmpty else {
            throw CLIFailure(status: .usage, message: "unknown option(s) for export --format gpkg: \(misplaced.joined(separator: " "))")
        }
        let layers: [Layer]
        if layer.lowercased() == "all" {
            layers = Layer.allCases
        } else if let l = Layer(name: layer) {
            layers = [l]
        } else {
            let results = ExportCommand.results.contains(layer.lowercased()) ? " (coverage, gaps and proposals are written as geojson or csv)" : ""
            throw CLIFailure(status: .usage, message: "--format gpkg exports the dataset's layers: districts, stations, parking, areas, demand, candidates or all, not \"\(layer)\"\(results)")
        }
        let data = try dataset.load(layers: Set(layers), usesSeats: false, demandProperties: true)
        let source = try dataset.source()
        var tables: [(Layer, [GeoPackageWriter.Item])] = []
        for l in layers where l != .candidates || data.hasCandidates {
            tables.append((l, data.features(of: l)))
        }
        var manifest: JSONObject?
        if layer.lowercased() == "all" {
            var m = data.manifest.properties
            m["name"] = .string(data.manifest.name)
            m["crs"] = .string(data.manifest.crs.definition)
            m["radius_m"] = .number(data.manifest.radiusM)
            manifest = m
        }
        do {
            try GeoPackageWriter.write(layers: tables, manifest: manifest, lastChange: GeoPackageDates.inputs(source, layers), to: out)
        } catch let error as SQLiteError {
            throw CLIFailure(status: .ioError, message: "\(out): cannot build the GeoPackage: \(error)")
        }
    }
}

/// `import` into a dataset that is one GeoPackage: the layer's table is replaced in the file, in one
/// SQLite transaction, every other layer and the manifest as they were.
extension ImportCommand {
    func replaceLayer(_ l: Layer, with items: [GeoPackageWriter.Item], in path: String) throws {
        // Only the layer's table changes, through SQLite itself: the file's other tables (a QGIS
        // layer_styles table, a user's own layers) stay, and a program that has the file open
        // (QGIS keeps a GeoPackage open in WAL mode) sees a whole change. Writing new bytes over
        // the file instead lost that program's last edits and let its old WAL file corrupt the new one.
        do {
            try GeoPackageWriter.replace(l, with: items, inFile: path, lastChange: Date())
        } catch let error as SQLiteError {
            throw CLIFailure(status: .ioError, message: "\(path): cannot change the GeoPackage: \(error)")
        }
    }
}

enum GeoPackageDates {
    /// The time written as the tables' `last_change`: `SOURCE_DATE_EPOCH` when set, else the
    /// newest modification time of the files read, so the same input gives the same bytes.
    static func inputs(_ source: DatasetSource, _ layers: [Layer]) -> Date {
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Double.init) {
            return Date(timeIntervalSince1970: epoch)
        }
        var files = source.geoPackage.map { [$0] } ?? ([source.manifestPath] + layers.map { source.path(of: $0) })
        files += layers.compactMap { source.overrides[$0] }
        let dates = files.compactMap { (try? FileManager.default.attributesOfItem(atPath: $0))?[.modificationDate] as? Date }
        return dates.max() ?? Date(timeIntervalSince1970: 0)
    }
}

extension OutputFormat {
    /// `--format gpkg` anywhere but `export` (the commands' `resolved(supported:)` refuses it first).
    static var geoPackageOnlyOnExport: CLIFailure {
        CLIFailure(status: .usage, message: "--format gpkg is written by export only: export --layer LAYER|all --format gpkg --out FILE.gpkg")
    }
}
