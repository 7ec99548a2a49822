import Geo

extension Dataset {
    /// The box (WGS84) of the points a service radius draws circles around: every loaded station,
    /// demand point and candidate and the commercial areas' vertices, leaving out points more than
    /// `QueryProjector.areaMarginDegrees` outside `projector`'s area of use (a radius around them
    /// is not what puts them there); nil when there is none.
    public func circleCentres(in projector: QueryProjector) -> LonLatBox? {
        var box = projector.extentBuilder()
        for i in stations.indices { box.add(stations[i].location) }
        for i in demand.indices { box.add(demand[i].location) }
        for i in candidates.indices { box.add(candidates[i].location) }
        for area in commercialAreas { for c in area.geometry.allCoordinates { box.add(c) } }
        return box.extent
    }
}

extension LoadRun {
    /// The dataset's own service radii against the CRS's area of use, as `--radius` is checked:
    /// the manifest's `radius_m` around the dataset's points (`Dataset.circleCentres(in:)`) and
    /// each division's `radius_m` around the division (its polygon's vertices), each grown box
    /// within `QueryProjector.areaMarginDegrees` of the area (`QueryProjector.reach`). A radius
    /// that leaves it is an error of `dataset.json` or of the division's feature. Nothing to
    /// check when `--radius` replaces them all, or the CRS has no area of use.
    mutating func checkRadiusReach(_ dataset: Dataset) {
        guard source.radiusM == nil, let projector = try? QueryProjector(datum: .wgs84, crs: dataset.manifest.crs),
              projector.area != nil else { return }
        if let extent = dataset.circleCentres(in: projector),
           let why = projector.reachProblem(around: extent, of: "the dataset's points", radiusM: dataset.manifest.radiusM, flag: "\"radius_m\"") {
            issues.append(DatasetIssue(.error, file: source.manifestPath, why))
        }
        for d in dataset.districts {
            guard let radius = d.radiusM, radius > 0 else { continue }
            var box = projector.extentBuilder()
            for c in d.geometry.allCoordinates { box.add(c) }
            guard let extent = box.extent,
                  let why = projector.reachProblem(around: extent, of: "the division", radiusM: radius, flag: "radius_m") else { continue }
            issues.append(DatasetIssue(.error, file: path(.districts), featureIndex: d.featureIndex, featureID: d.id, why))
        }
    }
}
