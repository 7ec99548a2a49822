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

    mutating func projectPoints(_ points: [Coordinate], _ transformer: CoordinateTransformer, _ kind: Layer) -> [Coordinate]? {
        var xs = points.map(\.x)
        var ys = points.map(\.y)
        do {
            try transformer.transform(xs: &xs, ys: &ys)
        } catch {
            issues.append(DatasetIssue(.error, file: path(kind), "cannot project to \(transformer.target): \(error)"))
            return nil
        }
        return (0..<points.count).map { Coordinate(x: xs[$0], y: ys[$0]) }
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
