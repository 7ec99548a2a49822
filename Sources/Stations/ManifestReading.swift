import Foundation
import Geo

/// Reading `dataset.json`: the name, metric CRS, radius and default seats, with the overrides from flags.
extension LoadRun {
    mutating func readManifest() -> Manifest? {
        let file = source.manifestPath
        let o: JSONObject
        if let geoPackage = source.geoPackage {
            let found: JSONObject?
            do {
                found = try GeoPackageReader(path: geoPackage).manifest()
            } catch {
                missingInput = missingInput || error.missing
                issues.append(DatasetIssue(.error, file: geoPackage, error.reason))
                return nil
            }
            guard let found else {
                if source.crs != nil, source.radiusM != nil {
                    return Manifest(name: "(from flags)", crs: source.crs!, radiusM: source.radiusM!, defaultSeats: 8)
                }
                issues.append(DatasetIssue(.error, file: geoPackage, "no \(GeoPackageWriter.manifestTable) table: a GeoPackage dataset needs the manifest (write one with `nuanxin export --layer all --format gpkg`, or give --crs and --radius)"))
                return nil
            }
            o = found
        } else {
            guard let bytes = try? InputFile.read(file) else {
                // Without a manifest a dataset can still be given entirely by flags.
                if source.crs != nil, source.radiusM != nil {
                    return Manifest(name: "(from flags)", crs: source.crs!, radiusM: source.radiusM!, defaultSeats: 8)
                }
                _ = readManifestFile(file)
                return nil
            }
            guard let object = parseManifest(bytes, file) else { return nil }
            o = object
        }
        var ok = true
        func fail(_ message: String) {
            issues.append(DatasetIssue(.error, file: file, message))
            ok = false
        }
        let name = o["name"]?.stringValue ?? { fail("\"name\" (a string) is required"); return "" }()
        var crs = CRS("")
        if let c = o["crs"]?.stringValue { crs = CRS(c) } else if source.crs == nil { fail("\"crs\" (a metric CRS such as \"EPSG:4547\") is required") }
        var radius = 0.0
        if let r = o["radius_m"]?.numberValue, r > 0 {
            if r <= QuantityLimits.distanceM { radius = r } else { fail("\"radius_m\" is \(o["radius_m"]!.serialized()), more than the limit of \(Int(QuantityLimits.distanceM)) m") }
        } else if source.radiusM == nil {
            fail("\"radius_m\" (a positive number of metres) is required")
        }
        var seats = 8
        if let s = o["default_seats"] {
            if let n = s.numberValue, n >= 0, n == n.rounded(), n <= Double(QuantityLimits.seats) {
                seats = Int(n)
            } else if let n = s.numberValue, n > Double(QuantityLimits.seats) {
                fail("\"default_seats\" is \(s.serialized()), more than the limit of \(QuantityLimits.seats)")
            } else {
                fail("\"default_seats\" must be a whole number ≥ 0, not \(s.serialized())")
            }
        }
        guard ok else { return nil }
        return Manifest(name: name, crs: source.crs ?? crs, radiusM: source.radiusM ?? radius, defaultSeats: seats, properties: o)
    }

    /// `dataset.json` as a JSON object, or nil with the issue recorded.
    mutating func readManifestFile(_ file: String) -> JSONObject? {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(file)
        } catch {
            missingInput = true
            issues.append(DatasetIssue(.error, file: file, "\((error as? InputFile.Failure)?.reason ?? "\(error)") (a dataset folder needs dataset.json; see --data)"))
            return nil
        }
        return parseManifest(bytes, file)
    }

    mutating func parseManifest(_ bytes: [UInt8], _ file: String) -> JSONObject? {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            issues.append(DatasetIssue(.error, file: file, "not valid JSON: \(error)"))
            return nil
        }
        guard case let .object(o) = value else {
            issues.append(DatasetIssue(.error, file: file, "the manifest must be a JSON object"))
            return nil
        }
        return o
    }
}
