import Foundation
import Geo

/// Where a dataset comes from: a folder, plus per-layer replacement files and manifest overrides
/// (the flags `--districts FILE` ... `--crs`, `--radius`, `--input-crs`).
public struct DatasetSource: Sendable {
    public var folder: String
    public var overrides: [Layer: String]
    public var crs: CRS?
    public var radiusM: Double?
    /// Overrides of the manifest's `stay_min` and `visits_per_hour` (flags); each must be > 0, or
    /// loading reports an error naming the flag.
    public var stayMin: Double?
    public var visitsPerHour: Double?
    /// The datum of the replacement files (the dataset's own files are always WGS84).
    public var inputDatum: MapDatum
    /// Repair invalid polygons with GEOS make-valid instead of refusing them.
    public var makeValid: Bool
    /// Layers given in memory (already read, e.g. converted from CSV by `import`), named for
    /// messages by their file. They replace the folder's file and count as replacement files.
    public var inMemory: [Layer: (file: String, layer: GeoJSONLayer)] = [:]

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

    /// The path of a layer's file: the replacement when given, else the file in the folder.
    public func path(of layer: Layer) -> String {
        inMemory[layer]?.file ?? overrides[layer] ?? (folder as NSString).appendingPathComponent(layer.fileName)
    }

    /// Whether a layer comes from the command line rather than the dataset folder.
    public func isReplaced(_ layer: Layer) -> Bool { overrides[layer] != nil || inMemory[layer] != nil }

    public var manifestPath: String { (folder as NSString).appendingPathComponent("dataset.json") }
}
