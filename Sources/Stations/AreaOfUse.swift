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
        func check(_ layer: Layer, _ features: some Sequence<(index: Int, id: String, coordinates: [Coordinate])>) {
            var first: (index: Int, id: String, at: Coordinate)?
            var more = 0
            for f in features {
                guard let off = f.coordinates.first(where: { !area.bounds.contains($0, marginDegrees: margin) }) else { continue }
                if first == nil { first = (f.index, f.id, off) } else { more += 1 }
            }
            guard let first else { return }
            let others = more > 0 ? ", as are \(more) more feature(s) of this layer" : ""
            issues.append(DatasetIssue(.error, file: path(layer), featureIndex: first.index, featureID: first.id,
                                       "\(QueryProjector.text(first.at)) is more than \(Int(margin))° outside the area of use of \(dataset.manifest.crs) (\(area.bounds.description)), where its distances are not metres\(others): use a CRS for the dataset's area, e.g. \(LoadRun.suggestion(lon: LonLatBox.wrapped(first.at.lon), lat: min(84, max(-80, first.at.lat))))"))
        }
        check(.districts, dataset.districts.lazy.map { ($0.featureIndex, $0.id, $0.geometry.allCoordinates) })
        check(.stations, dataset.stations.lazy.map { ($0.featureIndex, $0.id, [$0.location]) })
        check(.parking, dataset.parkingZones.lazy.map { ($0.featureIndex, $0.id, $0.geometry.allCoordinates) })
        check(.areas, dataset.commercialAreas.lazy.map { ($0.featureIndex, $0.id, $0.geometry.allCoordinates) })
        check(.demand, dataset.demand.lazy.map { ($0.featureIndex, $0.id, [$0.location]) })
        check(.candidates, dataset.candidates.lazy.map { ($0.featureIndex, $0.id, [$0.location]) })
    }
}

extension LoadRun {
    /// How far a CRS's metres may be from ground metres at the dataset's centre: 3 %, which
    /// refuses Web Mercator (EPSG:3857: 24 % at Changzhi's 36°N, more than 3 % north of 14°) and
    /// passes the transverse Mercator zones and a national equal-area conic (under 2 % across
    /// China between its standard parallels).
    static let maxScaleError = 0.03

    /// A projected CRS in metres whose metres are not ground metres where the dataset is: the
    /// scale of `transformer` at the centre of the districts (else of the points), the worse of
    /// north–south and east–west, measured over 1 km geodesics; an error of the manifest's `crs`
    /// (or of `--crs`) when it is more than `maxScaleError` off, suggesting a CRS for the place.
    mutating func checkScale(_ dataset: Dataset, _ transformer: CoordinateTransformer) {
        var box = LonLatBox.Builder()
        for d in dataset.districts { for c in d.geometry.allCoordinates { box.add(c) } }
        if dataset.districts.isEmpty {
            for s in dataset.stations { box.add(s.location) }
            for p in dataset.demand { box.add(p.location) }
            for c in dataset.candidates { box.add(c.location) }
        }
        guard let bounds = box.box else { return }
        // Rounded to 1e-6° (0.1 m), as the message prints it.
        func round6(_ v: Double) -> Double { (v * 1e6).rounded() / 1e6 }
        let centre = Coordinate(lon: round6(bounds.centre.lon), lat: round6(bounds.centre.lat))
        guard let scale = LoadRun.scale(of: transformer, at: centre), abs(scale - 1) > LoadRun.maxScaleError else { return }
        let crs = dataset.manifest.crs
        let name = (try? CRSInspection.of(crs).name).map { " (\($0))" } ?? ""
        let percent = JSONValue.format(number: (abs(scale - 1) * 1000).rounded() / 10)
        let what = source.crs == nil ? "crs " : ""
        issues.append(DatasetIssue(.error, file: source.crs == nil ? source.manifestPath : "--crs",
                                   "\(what)\(crs)\(name) \(scale > 1 ? "stretches" : "shrinks") distances by \(percent) % at the dataset's centre (\(QueryProjector.text(centre))): distances and areas need a CRS whose metres are metres on the ground there (within \(Int(LoadRun.maxScaleError * 100)) %); for this dataset's area use \(LoadRun.suggestion(lon: centre.lon, lat: centre.lat))"))
    }

    /// The metric CRS suggested for a place (`CRS.metricSuggestion`), with PROJ's name of it:
    /// "EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)".
    static func suggestion(lon: Double, lat: Double) -> String {
        let crs = CRS.metricSuggestion(lon: lon, lat: lat)
        return "\(crs)" + ((try? CRSInspection.of(crs).name).map { " (\($0))" } ?? "")
    }

    /// The scale of `transformer` (WGS84 to a metric CRS) at `centre`: projected length over ground
    /// length of 1 km geodesics north and east, the one further from 1; nil when PROJ cannot
    /// project there.
    static func scale(of transformer: CoordinateTransformer, at centre: Coordinate) -> Double? {
        guard let origin = try? transformer.transform(centre) else { return nil }
        var worst: Double?
        for azimuth in [0.0, 90.0] {
            guard let end = try? transformer.transform(Geodesic.destination(from: centre, azimuth: azimuth, distance: 1000)) else { return nil }
            let s = ((end.lon - origin.lon) * (end.lon - origin.lon) + (end.lat - origin.lat) * (end.lat - origin.lat)).squareRoot() / 1000
            guard s.isFinite else { return nil }
            if worst.map({ abs(s - 1) > abs($0 - 1) }) ?? true { worst = s }
        }
        return worst
    }
}
