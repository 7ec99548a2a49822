import Foundation
import Geo

/// Projecting the layers into the metric CRS and the checks across layers (points against districts).
extension LoadRun {
    /// Projects all coordinates of the geometries in one PROJ batch call.
    mutating func project(_ geometries: [Geometry], _ transformer: CoordinateTransformer, _ kind: Layer) -> [Geometry]? {
        var xs: [Double] = []
        var ys: [Double] = []
        for g in geometries {
            for c in g.allCoordinates {
                xs.append(c.x)
                ys.append(c.y)
            }
        }
        do {
            try transformer.transform(xs: &xs, ys: &ys)
        } catch {
            issues.append(DatasetIssue(.error, file: path(kind), "cannot project to \(transformer.target): \(error)"))
            return nil
        }
        var k = 0
        return geometries.map { g in
            g.mapCoordinates { _ in
                defer { k += 1 }
                return Coordinate(x: xs[k], y: ys[k])
            }
        }
    }

    /// Sets each point's `projected` from its WGS84 `location`, a block of points at a time: no
    /// copy of the whole layer's coordinates (ten million demand points would need four arrays of
    /// 80–160 MB). False, with one error naming the first feature PROJ cannot transform, when one
    /// fails (or, should PROJ fail a block without failing any of its points alone, naming the
    /// block); the layer then gives no points.
    mutating func project<Record: LocatedRecord>(_ records: inout [Record], _ transformer: CoordinateTransformer, _ kind: Layer) -> Bool {
        let block = 1 << 16
        var xs: [Double] = [], ys: [Double] = []
        xs.reserveCapacity(min(block, records.count))
        ys.reserveCapacity(min(block, records.count))
        var start = 0
        while start < records.count {
            let end = min(records.count, start + block)
            xs.removeAll(keepingCapacity: true)
            ys.removeAll(keepingCapacity: true)
            for i in start..<end {
                xs.append(records[i].location.x)
                ys.append(records[i].location.y)
            }
            do {
                try transformer.transform(xs: &xs, ys: &ys)
            } catch {
                // Which point: each of the block again, on its own, for PROJ's reason.
                var reasonXs = (start..<end).map { records[$0].location.x }
                var reasonYs = (start..<end).map { records[$0].location.y }
                let reasons = transformer.transformEach(xs: &reasonXs, ys: &reasonYs)
                if let k = reasons.firstIndex(where: { $0 != nil }) {
                    let r = records[start + k]
                    issues.append(DatasetIssue(.error, file: path(kind), featureIndex: r.featureIndex, featureID: r.id,
                                               "cannot project (\(JSONValue.format(number: r.location.lon)), \(JSONValue.format(number: r.location.lat))) to \(transformer.target): \(reasons[k]!)"))
                } else {
                    issues.append(DatasetIssue(.error, file: path(kind), "cannot project points \(start + 1)–\(end) to \(transformer.target) (coordinates counted from the first of them): \(error)"))
                }
                return false
            }
            for i in start..<end { records[i].projected = Coordinate(x: xs[i - start], y: ys[i - start]) }
            start = end
        }
        return true
    }

    /// Points outside every district: an error when swapping longitude and latitude would put them
    /// inside one (the classic mistake), otherwise a warning.
    mutating func checkPoints(_ points: some Sequence<(Coordinate, Int, String)>, layer: Layer, districts: [District], index: PolygonIndex?, outsideIsWarning: Bool) {
        guard let index, !districts.isEmpty else { return }
        var outside = 0
        var examples: [String] = []
        for (c, featureIndex, id) in points {
            let inside: Int?
            let swapped: Int?
            do {
                inside = try index.firstCovering(c)
                swapped = inside == nil ? try index.firstCovering(Coordinate(lon: c.lat, lat: c.lon)) : nil
            } catch {
                issues.append(DatasetIssue(.error, file: path(layer), featureIndex: featureIndex, featureID: id, "cannot test the point against the districts (GEOS): \(error)"))
                continue
            }
            guard inside == nil else { continue }
            if let first = swapped {
                issues.append(DatasetIssue(.error, file: path(layer), featureIndex: featureIndex, featureID: id,
                                           "(\(JSONValue.format(number: c.lon)), \(JSONValue.format(number: c.lat))) is outside every district but falls in \(districts[first].name) when swapped: longitude and latitude look swapped"))
            } else if outsideIsWarning {
                outside += 1
                // Stations are named one by one (up to 20); other layers are summarised.
                if layer == .stations && outside <= 20 {
                    issues.append(DatasetIssue(.warning, file: path(layer), featureIndex: featureIndex, featureID: id, "outside every district"))
                } else if examples.count < 3 {
                    examples.append(id)
                }
            }
        }
        if layer == .stations, outside > 20 {
            issues.append(DatasetIssue(.warning, file: path(layer), "\(outside - 20) more station(s) outside every district (for example \(examples.joined(separator: ", ")))"))
        } else if layer != .stations, outside > 0 {
            issues.append(DatasetIssue(.warning, file: path(layer), "\(outside) feature(s) outside every district (for example \(examples.joined(separator: ", ")))"))
        }
    }
}
