import Foundation
import Geo

/// Where a dataset comes from: a folder, plus per-layer replacement files and manifest overrides
/// (the flags `--districts FILE` ... `--crs`, `--radius`, `--input-crs`).
public struct DatasetSource: Sendable {
    /// The dataset folder, or a GeoPackage file holding the whole dataset (`--data`).
    public var folder: String
    /// Replacement files per layer (`--districts FILE` ...); a layer not here is read from the folder.
    public var overrides: [Layer: String]
    /// The dataset's metric CRS instead of the manifest's (`--crs`); nil: the manifest's.
    public var crs: CRS?
    /// The default service radius in metres instead of the manifest's (`--radius`); nil: the manifest's.
    public var radiusM: Double?
    /// Overrides of the manifest's `stay_min` and `visits_per_hour` (flags); each must be > 0, or
    /// loading reports an error naming the flag.
    public var stayMin: Double?
    /// Overrides the manifest's `visits_per_hour` (flag); nil: the manifest's.
    public var visitsPerHour: Double?
    /// The datum of the replacement files (the dataset's own files are always WGS84).
    public var inputDatum: MapDatum
    /// Repair invalid polygons with GEOS make-valid instead of refusing them.
    public var makeValid: Bool
    /// Layers given in memory (already read, e.g. converted from CSV by `import`), named for
    /// messages by their file. They replace the folder's file and count as replacement files.
    public var inMemory: [Layer: (file: String, layer: GeoJSONLayer)] = [:]

    /// A source reading `folder` with the given replacement files and overrides (none by default).
    public init(folder: String, overrides: [Layer: String] = [:], crs: CRS? = nil, radiusM: Double? = nil, inputDatum: MapDatum = .wgs84, makeValid: Bool = false,
                stayMin: Double? = nil, visitsPerHour: Double? = nil) {
        self.folder = folder
        self.overrides = overrides
        self.crs = crs
        self.radiusM = radiusM
        self.inputDatum = inputDatum
        self.makeValid = makeValid
        self.stayMin = stayMin
        self.visitsPerHour = visitsPerHour
    }

    /// The GeoPackage holding the whole dataset, when `folder` names a `.gpkg` file (or an SQLite
    /// file under another name) rather than a folder.
    public var geoPackage: String? {
        if GeoPackageReader.isGeoPackage(folder) { return folder }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: folder) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        return head == Data("SQLite format 3\0".utf8) ? folder : nil
    }

    /// The path of a layer's file: the replacement when given, else the file in the folder. For a
    /// GeoPackage dataset, the file and table ("city.gpkg (table stations)"), as messages name it.
    public func path(of layer: Layer) -> String {
        if let given = inMemory[layer]?.file ?? overrides[layer] { return given }
        if let geoPackage { return "\(geoPackage) (table \(layer.tableName))" }
        return (folder as NSString).appendingPathComponent(layer.fileName)
    }

    /// Whether a layer comes from the command line rather than the dataset folder.
    public func isReplaced(_ layer: Layer) -> Bool { overrides[layer] != nil || inMemory[layer] != nil }

    /// The path of the manifest: `dataset.json` in the folder, or for a GeoPackage dataset the file
    /// and its manifest table, as messages name it.
    public var manifestPath: String {
        if let geoPackage { return "\(geoPackage) (table \(GeoPackageWriter.manifestTable))" }
        return (folder as NSString).appendingPathComponent("dataset.json")
    }
}
