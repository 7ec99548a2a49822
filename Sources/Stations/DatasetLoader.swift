import Foundation
import Geo

/// Loads and validates a dataset. Every problem of every file is collected in one run; loading
/// fails (throws `DatasetError`) when any of them is an error.
public enum DatasetLoader {
    /// Reads the manifest and the `layers` of `source` (all by default) and checks them. A layer
    /// not asked for stays empty, except the districts: they are read too when stations, demand or
    /// candidates are asked for, to check the points against them. Warnings end up in the dataset's
    /// `warnings`. Throws `DatasetError` with every issue found (warnings too) when any of them is
    /// an error; its `missingInput` is set when a file could not be found or read.
    ///
    /// `usesSeats` says whether the caller turns seats into riders (coverage, load, proposals: the
    /// manifest's `ridersPerSeat`). Only then is more than `QuantityLimits.ridersPerSeat` riders a
    /// seat an error; a caller that never uses them (nearest, within, locate, a summary, an export
    /// of layers) passes false and loads such a dataset, `stayMin` and `visitsPerHour` as given.
    ///
    /// `usesRadius` says whether the caller draws the service radius (coverage, gaps, proposals,
    /// the area audit). Only then must the manifest's `radius_m` around the dataset's points, and
    /// each division's `radius_m` around the division, stay within `QueryProjector.areaMarginDegrees`
    /// of the CRS's area of use (unless `source.radiusM` replaces them all; see `QueryProjector.reach`).
    ///
    /// `demandProperties` says whether each demand point keeps its feature's properties (an
    /// export or import of the layer writes them back); a caller that only computes with the
    /// points (their id, weight and position) passes false, and their `properties` are empty: a
    /// layer of 10 million points then holds about 1.3 GB less.
    public static func load(_ source: DatasetSource, layers: Set<Layer> = Set(Layer.allCases), usesSeats: Bool = true,
                            usesRadius: Bool = true, demandProperties: Bool = true) throws -> Dataset {
        var run = LoadRun(source: source)
        run.usesSeats = usesSeats
        run.usesRadius = usesRadius
        run.keepsDemandProperties = demandProperties
        let dataset = run.load(layers: layers)
        if run.issues.contains(where: { $0.severity == .error }) || dataset == nil {
            throw DatasetError(issues: run.issues, missingInput: run.missingInput)
        }
        return dataset!
    }

    /// Every problem in the dataset (errors and warnings), without stopping at the first.
    public static func validate(_ source: DatasetSource) -> (issues: [DatasetIssue], missingInput: Bool) {
        var run = LoadRun(source: source)
        _ = run.load(layers: Set(Layer.allCases))
        return (run.issues, run.missingInput)
    }

    /// Reads and validates the manifest alone.
    public static func manifest(_ source: DatasetSource) throws -> Manifest {
        var run = LoadRun(source: source)
        guard let m = run.readManifest(), !run.issues.contains(where: { $0.severity == .error }) else {
            throw DatasetError(issues: run.issues, missingInput: run.missingInput)
        }
        return m
    }
}

/// One loading pass, accumulating issues.
struct LoadRun {
    let source: DatasetSource
    var issues: [DatasetIssue] = []
    var missingInput = false
    /// Whether more riders a seat than `QuantityLimits.ridersPerSeat` is an error (see
    /// `DatasetLoader.load`); true for `validate` and for the manifest alone.
    var usesSeats = true
    /// Whether the dataset's own service radii are checked against the CRS's area of use (see
    /// `DatasetLoader.load`); true for `validate`.
    var usesRadius = true
    /// Whether demand points keep their properties (see `DatasetLoader.load`).
    var keepsDemandProperties = true
    /// Whether the CRS's scale is judged (`checkScale`); false for the quiet load of the layer the
    /// judgement is made over.
    var judgesScale = true

    init(source: DatasetSource) {
        self.source = source
    }

    mutating func load(layers: Set<Layer>) -> Dataset? {
        guard let manifest = readManifest() else { return nil }
        if let problem = source.nonMetric(manifest.crs) {
            issues.append(DatasetIssue(.error, file: source.manifestPath, "crs \(problem)"))
            return nil
        }
        let transformer: CoordinateTransformer
        do {
            transformer = try CoordinateTransformer.shared(from: .wgs84, to: manifest.crs)
        } catch {
            issues.append(DatasetIssue(.error, file: source.manifestPath, "crs \(manifest.crs): \(error)"))
            return nil
        }
        var districts: [District] = []
        var stations: [Station] = []
        var parking: [ParkingZone] = []
        var areas: [CommercialArea] = []
        var demand: [DemandPoint] = []
        var candidates: [Candidate] = []
        var hasCandidates = false

        // Districts first: the point layers are checked against them (swapped lon/lat, outside).
        if layers.contains(.districts) || !layers.isDisjoint(with: [.stations, .demand, .candidates]) {
            if let layer = readLayer(.districts) { districts = parseDistricts(consume layer, transformer) }
        }
        // Cross-layer checks against a districts layer that has errors would only add noise.
        let districtsOK = !issues.contains { $0.severity == .error && $0.file == path(.districts) }
        var districtIndex: PolygonIndex?
        if districtsOK {
            do {
                districtIndex = try PolygonIndex(districts.map(\.geometry))
            } catch {
                issues.append(DatasetIssue(.error, file: path(.districts), "cannot index the districts (GEOS): \(error)"))
            }
        }
        if layers.contains(.stations), let layer = readLayer(.stations) {
            stations = parseStations(consume layer, transformer, manifest)
            checkPoints(stations, layer: .stations, districts: districts, index: districtIndex, outsideIsWarning: true)
            let ids = Set(districts.map(\.id))
            for s in stations {
                if let d = s.district, districtsOK, !districts.isEmpty, !ids.contains(d) {
                    issues.append(DatasetIssue(.warning, file: path(.stations), featureIndex: s.featureIndex, featureID: s.id, "district \"\(d)\" is not an id in the districts layer"))
                }
            }
        }
        if layers.contains(.parking), let layer = readLayer(.parking) { parking = parseParking(consume layer, transformer) }
        if layers.contains(.areas), let layer = readLayer(.areas) { areas = parseAreas(consume layer, transformer) }
        if layers.contains(.demand), let read = readDemand(transformer) {
            demand = read
            // The layer's features and, unless kept, their properties were freed piece by piece
            // while the points were made: hand those pages back now, so that what is built next
            // (the demand model, the coverage) reuses them rather than taking fresh memory.
            LoadRun.returnFreeMemory()
            checkPoints(demand, layer: .demand, districts: districts, index: districtIndex, outsideIsWarning: true)
        }
        if layers.contains(.candidates) {
            let exists = source.geoPackage.map { (try? GeoPackageReader(path: $0).hasLayer(.candidates)) ?? true }
                ?? FileManager.default.fileExists(atPath: path(.candidates))
            if exists || source.isReplaced(.candidates), let layer = readLayer(.candidates) {
                hasCandidates = true
                candidates = parseCandidates(consume layer, transformer)
                checkPoints(candidates, layer: .candidates, districts: districts, index: districtIndex, outsideIsWarning: true)
            }
        }
        var dataset = Dataset(manifest: manifest, districts: districts,
                              stations: stations, parkingZones: parking, commercialAreas: areas, demand: demand,
                              candidates: candidates, hasCandidates: hasCandidates,
                              warnings: issues.filter { $0.severity == .warning })
        checkAreaOfUse(dataset)
        if judgesScale {
            checkScale(dataset, transformer, layers: layers)
            // An equal-area CRS off in linear scale is a warning of the dataset, shown by the command.
            dataset.warnings = issues.filter { $0.severity == .warning }
        }
        if usesRadius { checkRadiusReach(dataset) }
        return dataset
    }

    func path(_ layer: Layer) -> String { source.path(of: layer) }

    /// Reads a layer file, converting the datum of replacement files and checking polygons.
    mutating func readLayer(_ layer: Layer) -> GeoJSONLayer? {
        let file = path(layer)
        var read: GeoJSONLayer
        if let given = source.inMemory[layer] {
            read = given.layer
        } else if let geoPackage = geoPackage(of: layer) {
            do {
                let reader = try GeoPackageReader(path: geoPackage)
                read = try reader.read(table: reader.table(for: layer, onlyTableWillDo: source.isReplaced(layer)))
            } catch {
                missingInput = missingInput || error.missing
                issues.append(DatasetIssue(.error, file: file, error.reason))
                return nil
            }
        } else {
            guard let layer = readGeoJSON(layer, { try GeoJSONReader.read(buffer: $0) }) else { return nil }
            read = layer
        }
        if source.isReplaced(layer), source.inputDatum != .wgs84 {
            for i in read.features.indices {
                read.features[i].geometry = read.features[i].geometry?.mapCoordinates {
                    MapDatum.convert($0, from: source.inputDatum, to: .wgs84)
                }
            }
        }
        if [.districts, .parking, .areas].contains(layer) {
            read.checkPolygonValidity(repair: source.makeValid)
        }
        issues.append(contentsOf: read.issues.map { DatasetIssue($0, file: file) })
        return read
    }
}

extension LoadRun {
    /// The GeoPackage a layer not given in memory is read from: the file replacing it when that
    /// is a GeoPackage, else the dataset's own when the layer is not replaced; nil for a GeoJSON file.
    func geoPackage(of layer: Layer) -> String? {
        source.overrides[layer].flatMap { GeoPackageReader.isGeoPackage($0) ? $0 : nil } ?? (source.isReplaced(layer) ? nil : source.geoPackage)
    }

    /// Reads a layer's GeoJSON file with `read`; a big file is read in place, mapped into memory
    /// (`InputFile.withContents`). Nil when the file is missing, unreadable or not GeoJSON (a
    /// Shapefile, FlatGeobuf, KML ... is named, with how to convert it), with the error recorded.
    mutating func readGeoJSON<R>(_ layer: Layer, _ read: (UnsafeBufferPointer<UInt8>) throws -> R) -> R? {
        let file = path(layer)
        // The value read, or why the file is not GeoJSON.
        let outcome: Result<R, NotGeoJSON>
        do {
            outcome = try InputFile.withContents(file) { buffer in
                do {
                    return .success(try read(buffer))
                } catch {
                    return .failure(NotGeoJSON(message: ForeignFormat.name(of: Array(buffer.prefix(1 << 13)), file: file)
                        .map { ForeignFormat.advice($0, file: file) } ?? "\(error)"))
                }
            }
        } catch {
            if (error as? InputFile.Failure)?.isTooLarge != true { missingInput = true }
            issues.append(DatasetIssue(.error, file: file, (error as? InputFile.Failure)?.reason ?? "\(error)"))
            return nil
        }
        switch outcome {
        case let .success(value): return value
        case let .failure(problem):
            issues.append(DatasetIssue(.error, file: file, problem.message))
            return nil
        }
    }

    /// Why a layer's file could not be read as GeoJSON.
    struct NotGeoJSON: Error {
        var message: String
    }

    /// A point layer's records, each feature turned into its record by `body` (as `parse` does)
    /// as soon as it is read from a GeoJSON file, so that the layer's features never exist all at
    /// once (`RecordSink`); nil when the layer cannot be read. A layer in memory or in a
    /// GeoPackage is read, then parsed. The issues are those of `readLayer` then `parse`.
    mutating func readRecords<T: LoadedRecord>(_ layer: Layer, _ body: @escaping @Sendable (inout Properties) -> T?) -> [T]? {
        guard source.inMemory[layer] == nil, geoPackage(of: layer) == nil else {
            guard let read = readLayer(layer) else { return nil }
            return parse(read, layer, body)
        }
        let datum = source.isReplaced(layer) ? source.inputDatum : nil
        let sink = RecordSink(file: path(layer), datum: datum, convert: body)
        guard let (found, filled) = readGeoJSON(layer, { try GeoJSONReader.read(buffer: $0, into: sink) }) else { return nil }
        issues.append(contentsOf: found.map { DatasetIssue($0, file: path(layer)) })
        return finish(filled)
    }

    /// glibc's `malloc_trim(0)`: the free pages inside the heap go back to the system (Swift does
    /// not see `malloc.h`, so the function is looked up by name; elsewhere this does nothing).
    static func returnFreeMemory() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        #endif
    }
}
