import ArgumentParser
import Foundation
import Geo
import Stations

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, geojson, csv
    /// A GeoPackage (export only; needs --out).
    case gpkg
}

/// `--data` and the per-layer replacement flags (`--districts FILE` ... `--candidates FILE`, `--crs`, `--input-crs`).
struct DatasetOptions: ParsableArguments {
    @Option(name: .long, help: "Dataset folder (default: the bundled geodata/changzhi).")
    var data: String?

    @Option(name: .long, help: "Replace the districts layer with this GeoJSON file.")
    var districts: String?

    @Option(name: .long, help: "Replace the stations layer with this GeoJSON file.")
    var stations: String?

    @Option(name: .long, help: "Replace the parking zones layer with this GeoJSON file.")
    var parking: String?

    @Option(name: .long, help: "Replace the commercial areas layer with this GeoJSON file.")
    var areas: String?

    @Option(name: .long, help: "Replace the demand layer with this GeoJSON file.")
    var demand: String?

    @Option(name: .long, help: "Replace the candidates layer with this GeoJSON file.")
    var candidates: String?

    @Option(name: .long, help: "Metric CRS for distances and areas, e.g. EPSG:4547 (default: the manifest's).")
    var crs: String?

    @Option(name: .customLong("input-crs"), help: "Datum of the files named on the command line and of --lon/--lat: wgs84, gcj02 or bd09.")
    var inputCRS: MapDatum = .wgs84

    @Flag(name: .customLong("make-valid"), help: "Repair invalid polygons with GEOS make-valid instead of refusing them.")
    var makeValid = false

    func validate() throws {
        if let crs, !crs.uppercased().hasPrefix("EPSG:") && !crs.hasPrefix("+proj") {
            throw ValidationError("--crs \(crs): give an EPSG code such as EPSG:4547")
        }
    }

    func source(radiusM: Double? = nil, time: TimeOptions? = nil) throws -> DatasetSource {
        let folder = try data ?? DefaultDataset.folder()
        var overrides: [Layer: String] = [:]
        overrides[.districts] = districts
        overrides[.stations] = stations
        overrides[.parking] = parking
        overrides[.areas] = areas
        overrides[.demand] = demand
        overrides[.candidates] = candidates
        var source = DatasetSource(folder: folder, overrides: overrides, crs: crs.map(CRS.init), radiusM: radiusM, inputDatum: inputCRS, makeValid: makeValid)
        try source.checkCRSOverride()
        time?.apply(to: &source)
        return source
    }

    /// Loads the dataset, printing warnings to stderr; errors become a `DatasetLoadFailure` (65, or
    /// 66 for missing files) that prints every problem. `usesSeats`: the command turns seats into
    /// riders, so the riders a seat of the manifest and the flags must be within their limit
    /// (`DatasetLoader.load`); nearest, within, locate, info, import and layer exports pass false.
    /// `usesRadius` (by default as `usesSeats`: the commands that turn seats into riders are the
    /// ones that draw the service radius): the manifest's and the divisions' `radius_m` must stay
    /// within the CRS's area of use as `--radius` must (`DatasetLoader.load`). `demandProperties`:
    /// the command writes the demand layer's features back (export and import of layers pass
    /// true); the others compute with the points alone and load them without their properties.
    func load(radiusM: Double? = nil, time: TimeOptions? = nil, layers: Set<Layer> = Set(Layer.allCases), usesSeats: Bool = true,
              usesRadius: Bool? = nil, quiet: Bool = false, demandProperties: Bool = false) throws -> Dataset {
        if usesSeats { try time?.checkRidersPerSeat() }
        let source = try source(radiusM: radiusM, time: time)
        do {
            let dataset = try DatasetLoader.load(source, layers: layers, usesSeats: usesSeats, usesRadius: usesRadius ?? usesSeats,
                                                 demandProperties: demandProperties)
            if !quiet { for w in dataset.warnings { printError("nuanxin: \(w)") } }
            // --radius draws circles around the dataset's demand points and stations.
            if let radiusM { try DatasetOptions.checkReach(dataset, radiusM: radiusM, flag: "--radius") }
            return dataset
        } catch let error as DatasetError {
            throw DatasetLoadFailure(error: error)
        }
    }

    /// A distance flag that draws circles around the dataset's points (`--radius` around demand
    /// points and stations, `areas --rest-m` around commercial areas): the circles around every
    /// loaded station, demand point, candidate and commercial area must stay within
    /// `QueryProjector.areaMarginDegrees` of the CRS's area of use, as `within --radius` does for
    /// its one point. One check for the box of those points, not one a point; exit 65 naming the
    /// flag, its value and the CRS.
    static func checkReach(_ data: Dataset, radiusM: Double, flag: String) throws {
        let projector = try QueryProjector(datum: .wgs84, crs: data.manifest.crs)
        guard projector.area != nil, let extent = data.circleCentres(in: projector) else { return }
        if let why = projector.reachProblem(around: extent, of: "the dataset's points", radiusM: radiusM, flag: flag) {
            throw CLIFailure(status: .dataError, message: why)
        }
    }
}

/// `--format` and `--out`.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json, geojson or csv; gpkg for export (default: table on a terminal, json otherwise).")
    var format: OutputFormat?

    @Option(name: .customLong("out"), help: "Write the result to this file (atomically: a temporary file, then rename); - for standard output.")
    var outFlag: String?

    /// The file to write, or nil for standard output (no `--out`, or `--out -` as `--input -` is
    /// standard input).
    var out: String? { outFlag == "-" ? nil : outFlag }

    func validate() throws {
        if outFlag?.isEmpty == true { throw ValidationError("--out is empty: give a file name (or - for standard output)") }
    }

    /// The format `--out`'s extension asks for, and whether a `--format` contradicts it.
    /// `.geojson`, `.json`, `.csv` and `.gpkg` name their format; `.ndjson` is json lines, for the
    /// commands that write them (`ndjson`); `.html` and `.svg` belong to `report`. Any other
    /// extension (or none) leaves the choice to `--format` and the default.
    func chosen(ndjson: Bool = false) throws -> OutputFormat? {
        guard let out else { return format }
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        let implied: OutputFormat
        switch ext {
        case "geojson": implied = .geojson
        case "json": implied = .json
        case "csv": implied = .csv
        case "gpkg": implied = .gpkg
        case "ndjson":
            guard ndjson else {
                throw CLIFailure(status: .usage, message: "--out \(out): this command does not write NDJSON (name the file .json for JSON)")
            }
            implied = .json
        case "html", "svg":
            throw CLIFailure(status: .usage, message: "--out \(out): .\(ext) is written by the report command only")
        default: return format
        }
        if let format, format != implied {
            throw CLIFailure(status: .usage, message: "--format \(format.rawValue) contradicts --out \(out) (.\(ext) is \(ext == "ndjson" ? "NDJSON" : implied.rawValue))")
        }
        return implied
    }

    /// The format to use: the flag, else `--out`'s extension, else table on a terminal (when
    /// writing to stdout), else json. A format the command cannot write is a usage error (64).
    func resolved(supported: [OutputFormat], ndjson: Bool = false) throws -> OutputFormat {
        if let chosen = try chosen(ndjson: ndjson) {
            guard supported.contains(chosen) else {
                let source = format == nil ? "--out \(out!): \(chosen.rawValue)" : "--format \(chosen.rawValue)"
                throw CLIFailure(status: .usage, message: "\(source) is not available here (use \(supported.map(\.rawValue).joined(separator: ", ")))")
            }
            return chosen
        }
        if out == nil, isatty(STDOUT_FILENO) == 1, supported.contains(.table) { return .table }
        return supported.contains(.json) ? .json : supported[0]
    }

    /// Writes the whole result to --out atomically, or to stdout.
    func emit(_ text: String) throws {
        if let out {
            try AtomicFile.write(text, to: out)
        } else {
            try writingStandardOutput { try FileHandle.standardOutput.write(utf8: text) }
        }
    }

    /// Writes a JSON document and a newline, as `emit(doc.serialized(realKeys:) + "\n")` would,
    /// in pieces as it is serialized (a country's gaps are 174 MB of JSON).
    func emit(json doc: JSONValue, realKeys: Set<String>) throws {
        func stream(_ handle: FileHandle) throws {
            try doc.write(realKeys: realKeys) { piece in try handle.write(utf8: piece) }
            try handle.write(utf8: "\n")
        }
        if let out {
            try AtomicFile.write(to: out, stream)
        } else {
            try writingStandardOutput { try stream(FileHandle.standardOutput) }
        }
    }
}
