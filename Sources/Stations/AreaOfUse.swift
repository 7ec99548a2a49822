import Geo

extension LoadRun {
    /// The dataset's coordinates against the CRS's area of use: a feature lying more than
    /// `QueryProjector.areaMarginDegrees` outside it is an error, because there the CRS's
    /// distances are no longer metres (a CRS for Israel measures Changzhi's streets ~20 % short).
    /// One issue a layer: its first such feature, and how many more there are. Nothing to check
    /// when the CRS has no area of use.
    mutating func checkAreaOfUse(_ dataset: Dataset) {
        guard let area = (try? CRSInspection.of(dataset.manifest.crs))?.area else { return }
        let margin = QueryProjector.areaMarginDegrees
        func report(_ layer: Layer, _ first: (index: Int, id: String, at: Coordinate)?, more: Int) {
            guard let first else { return }
            let others = more > 0 ? ", as are \(more) more feature(s) of this layer" : ""
            issues.append(DatasetIssue(.error, file: path(layer), featureIndex: first.index, featureID: first.id,
                                       "\(QueryProjector.text(first.at)) is more than \(Int(margin))° outside the area of use of \(dataset.manifest.crs) (\(area.bounds.description)), where its distances are not metres\(others): use a CRS for the dataset's area, e.g. \(LoadRun.suggestion(lon: LonLatBox.wrapped(first.at.lon), lat: min(84, max(-80, first.at.lat))))"))
        }
        func check<R: LoadedRecord>(_ layer: Layer, _ records: [R], _ geometry: (R) -> Geometry) {
            var first: (index: Int, id: String, at: Coordinate)?
            var more = 0
            for r in records {
                guard let off = geometry(r).allCoordinates.first(where: { !area.bounds.contains($0, marginDegrees: margin) }) else { continue }
                if first == nil { first = (r.featureIndex, r.id, off) } else { more += 1 }
            }
            report(layer, first, more: more)
        }
        // Point layers (a demand layer has millions of points): no array or id copied a point.
        func check<R: LocatedRecord>(_ layer: Layer, _ records: [R]) {
            var firstAt = -1
            var more = 0
            for i in records.indices where !area.bounds.contains(records[i].location, marginDegrees: margin) {
                if firstAt < 0 { firstAt = i } else { more += 1 }
            }
            guard firstAt >= 0 else { return }
            let r = records[firstAt]
            report(layer, (r.featureIndex, r.id, r.location), more: more)
        }
        check(.districts, dataset.districts) { $0.geometry }
        check(.stations, dataset.stations)
        check(.parking, dataset.parkingZones) { $0.geometry }
        check(.areas, dataset.commercialAreas) { $0.geometry }
        check(.demand, dataset.demand)
        check(.candidates, dataset.candidates)
    }
}

extension LoadRun {
    /// How far a CRS's metres may be from ground metres over the dataset: 3 %, which refuses Web
    /// Mercator (EPSG:3857: 24 % at Changzhi's 36°N, more than 3 % north of 14°) and passes the
    /// transverse Mercator zones (under 0.5 % within 3° of their area of use).
    static let maxScaleError = 0.03

    /// An equal-area CRS (areal scale within `equalAreaTolerance` of 1 wherever judged) keeps the
    /// area of every radius disc (on the ground an ellipse of the disc's area, so counts are right
    /// on average where demand is spread evenly, not point by point): it is allowed with a warning
    /// up to this linear scale error, refused beyond.
    static let maxEqualAreaScaleError = 0.10

    /// How far from 1 the areal scale may be for a CRS to count as equal-area where judged.
    static let equalAreaTolerance = 0.002

    /// The box the CRS's scale is judged over, the same whichever layers a command loads: the
    /// districts' (read for it when the command does not load them), else, when the districts
    /// layer is empty, the stations'; nil when both are empty.
    mutating func scaleExtent(_ dataset: Dataset, layers: Set<Layer>) -> LonLatBox? {
        var box = LonLatBox.Builder()
        let districtsLoaded = layers.contains(.districts) || !layers.isDisjoint(with: [.stations, .demand, .candidates])
        let districts = districtsLoaded ? dataset.districts : quietLoad(.districts)?.districts ?? []
        for d in districts { for c in d.geometry.allCoordinates { box.add(c) } }
        if districts.isEmpty {
            let stations = layers.contains(.stations) ? dataset.stations : quietLoad(.stations)?.stations ?? []
            for s in stations { box.add(s.location) }
        }
        return box.box
    }

    /// `layer` (and what it is checked against) loaded without issues of its own, for the scale's
    /// extent; nil when it cannot be read (its own load reports that).
    func quietLoad(_ layer: Layer) -> Dataset? {
        var run = LoadRun(source: source)
        run.usesSeats = false
        run.usesRadius = false
        run.judgesScale = false
        return run.load(layers: [layer])
    }

    /// A projected CRS in metres whose metres are not ground metres where the dataset is. The scale
    /// of `transformer` (in the worst direction, from 1 km geodesics north and east) is judged at
    /// nine points of `scaleExtent`'s box: its centre, corners and the middles of its sides, which
    /// hold the worst of a transverse Mercator (east and west), a conic (north and south) or
    /// Mercator (the pole-most side) over the box. More than `maxScaleError` off anywhere: an error
    /// of the manifest's `crs` (or of `--crs`) naming the worst point and suggesting a CRS for the
    /// place; for an equal-area CRS (areal scale 1 at every point), a warning up to
    /// `maxEqualAreaScaleError`, an error beyond.
    mutating func checkScale(_ dataset: Dataset, _ transformer: CoordinateTransformer, layers: Set<Layer>) {
        guard let bounds = scaleExtent(dataset, layers: layers) else { return }
        // Rounded to 1e-6° (0.1 m), as the message prints them.
        func round6(_ v: Double) -> Double { (v * 1e6).rounded() / 1e6 }
        let centre = bounds.centre
        let lons = [bounds.west, centre.lon, bounds.east].map { round6(LonLatBox.wrapped($0 == 180 ? 179.999999 : $0)) }
        let lats = [bounds.south, centre.lat, bounds.north].map(round6)
        var worst: (point: Coordinate, linear: Double)?
        var equalArea = true
        for lat in lats {
            for lon in lons {
                let point = Coordinate(lon: lon, lat: lat)
                guard let scale = LoadRun.scale(of: transformer, at: point) else { continue }
                if abs(scale.areal - 1) > LoadRun.equalAreaTolerance { equalArea = false }
                if worst.map({ abs(scale.linear - 1) > abs($0.linear - 1) }) ?? true { worst = (point, scale.linear) }
            }
        }
        guard let worst, abs(worst.linear - 1) > LoadRun.maxScaleError else { return }
        let crs = dataset.manifest.crs
        let name = (try? CRSInspection.of(crs).name).map { " (\($0))" } ?? ""
        let percent = JSONValue.format(number: (abs(worst.linear - 1) * 1000).rounded() / 10)
        let what = source.crs == nil ? "crs " : ""
        let file = source.crs == nil ? source.manifestPath : "--crs"
        let place = bounds.west == bounds.east && bounds.south == bounds.north
            ? "at the dataset's \(QueryProjector.text(worst.point))" : "at \(QueryProjector.text(worst.point)) of the dataset's extent (\(bounds.text))"
        let stretch = "\(what)\(crs)\(name) \(worst.linear > 1 ? "stretches" : "shrinks") distances by \(percent) % \(place)"
        if equalArea, abs(worst.linear - 1) <= LoadRun.maxEqualAreaScaleError {
            issues.append(DatasetIssue(.warning, file: file, "\(stretch): it is equal-area, so each radius disc keeps its area (on the ground an ellipse: coverage counts are right on average where demand is spread evenly, not point by point), but distances measured in it (within, --max-distance, --min-spacing, and which station nearest ranks first; the distance nearest prints is on the ground) are off by up to that much; for true distances use \(LoadRun.suggestion(lon: centre.lon, lat: centre.lat))"))
            return
        }
        issues.append(DatasetIssue(.error, file: file,
                                   "\(stretch): distances and areas need a CRS whose metres are metres on the ground there (within \(Int(LoadRun.maxScaleError * 100)) %\(equalArea ? "; \(Int(LoadRun.maxEqualAreaScaleError * 100)) % for an equal-area CRS" : "")); for this dataset's area use \(LoadRun.suggestion(lon: centre.lon, lat: centre.lat))"))
    }

    /// The metric CRS suggested for a place (`CRS.metricSuggestion`), with PROJ's name of it:
    /// "EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)".
    static func suggestion(lon: Double, lat: Double) -> String {
        let crs = CRS.metricSuggestion(lon: lon, lat: lat)
        return "\(crs)" + ((try? CRSInspection.of(crs).name).map { " (\($0))" } ?? "")
    }

    /// The scale of `transformer` (WGS84 to a metric CRS) at `centre`, from the images of 1 km
    /// geodesics north and east (the local linear map from ground metres to projected metres):
    /// `linear`, the projected length over the ground length in the direction where it is furthest
    /// from 1, that is the one of the map's two singular values further from 1 (in a CRS that does
    /// not keep shapes, a sheared one, the worst direction is neither north nor east); `areal`, the
    /// projected area over the ground area (the determinant; 1 for an equal-area CRS); nil when
    /// PROJ cannot project there.
    static func scale(of transformer: CoordinateTransformer, at centre: Coordinate) -> (linear: Double, areal: Double)? {
        guard let origin = try? transformer.transform(centre) else { return nil }
        var vectors: [(x: Double, y: Double)] = []
        for azimuth in [0.0, 90.0] {
            guard let end = try? transformer.transform(Geodesic.destination(from: centre, azimuth: azimuth, distance: 1000)) else { return nil }
            let v = (x: (end.lon - origin.lon) / 1000, y: (end.lat - origin.lat) / 1000)
            guard v.x.isFinite, v.y.isFinite else { return nil }
            vectors.append(v)
        }
        // Columns: the images of a ground metre north and east. Singular values of [[a, b], [c, d]]:
        // Q ± R with Q = |((a + d), (c − b))| / 2 and R = |((a − d), (c + b))| / 2.
        let a = vectors[0].x, c = vectors[0].y, b = vectors[1].x, d = vectors[1].y
        let q = ((a + d) * (a + d) + (c - b) * (c - b)).squareRoot() / 2
        let r = ((a - d) * (a - d) + (c + b) * (c + b)).squareRoot() / 2
        let largest = q + r, smallest = abs(q - r)
        let linear = abs(largest - 1) >= abs(smallest - 1) ? largest : smallest
        return (linear, abs(a * d - b * c))
    }
}
