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
                if source.crs != nil, source.radiusM != nil { return manifestFromFlags() }
                issues.append(DatasetIssue(.error, file: geoPackage, "no \(GeoPackageWriter.manifestTable) table: a GeoPackage dataset needs the manifest (write one with `nuanxin export --layer all --format gpkg`, or give --crs and --radius)"))
                return nil
            }
            o = found
        } else {
            guard let bytes = try? InputFile.read(file) else {
                // Without a manifest a dataset can still be given entirely by flags.
                if source.crs != nil, source.radiusM != nil { return manifestFromFlags() }
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
        // A key that is there with a value of the wrong kind is named with that value, not called missing.
        func given(_ key: String) -> String { o[key].map { ", not \($0.serialized())" } ?? " is required" }
        let name = o["name"]?.stringValue ?? { fail("\"name\" (a string)\(given("name"))"); return "" }()
        var crs = CRS("")
        if let c = o["crs"]?.stringValue { crs = CRS(c) } else if source.crs == nil { fail("\"crs\" (a metric CRS such as \"EPSG:4547\")\(given("crs"))") }
        var radius = 0.0
        if let r = o["radius_m"]?.numberValue, r > 0 {
            if r <= QuantityLimits.distanceM { radius = r } else { fail("\"radius_m\" is \(o["radius_m"]!.serialized()), more than the limit of \(Int(QuantityLimits.distanceM)) m") }
        } else if source.radiusM == nil {
            fail(o["radius_m"] == nil ? "\"radius_m\" (a positive number of metres) is required" : "\"radius_m\" must be a positive number of metres, not \(o["radius_m"]!.serialized())")
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
        let rate = readRestRate(o)
        let profile = readDemandProfile(o)
        let sizes = readSiteSizes(o)
        let cost = readSiteCost(o)
        guard ok, let rate, let profile, let sizes, let cost else { return nil }
        return Manifest(name: name, crs: source.crs ?? crs, radiusM: source.radiusM ?? radius, defaultSeats: seats, properties: o,
                        stayMin: rate.stayMin, visitsPerHour: rate.visitsPerHour, demandProfile: profile, siteSizes: sizes, siteCost: cost)
    }

    /// Without a manifest a dataset can still be given entirely by flags (--crs and --radius).
    mutating func manifestFromFlags() -> Manifest? {
        guard let rate = readRestRate(JSONObject()) else { return nil }
        return Manifest(name: "(from flags)", crs: source.crs!, radiusM: source.radiusM!, defaultSeats: 8,
                        stayMin: rate.stayMin, visitsPerHour: rate.visitsPerHour)
    }

    private mutating func manifestError(_ message: String) {
        issues.append(DatasetIssue(.error, file: source.manifestPath, message))
    }

    /// "stay_min" and "visits_per_hour" of the manifest (each > 0 and at most its limit in
    /// `QuantityLimits`), replaced by the flags when given; nil when one is bad. When `usesSeats`,
    /// together they must give at most `QuantityLimits.ridersPerSeat` riders a seat (an error
    /// otherwise, the values still returned).
    mutating func readRestRate(_ o: JSONObject) -> (stayMin: Double, visitsPerHour: Double)? {
        var ok = true
        func positive(_ key: String, _ flag: String, _ override: Double?, _ fallback: Double, limit: Double, _ unit: String, _ what: String) -> Double {
            let limitText = "the limit of \(JSONValue.format(number: limit)) \(unit)"
            if let override {
                guard override.isFinite, override > 0 else {
                    issues.append(DatasetIssue(.error, file: "command line", "\(flag) \(JSONValue.format(number: override)): it must be a number greater than 0 (\(what))"))
                    ok = false
                    return fallback
                }
                guard override <= limit else {
                    issues.append(DatasetIssue(.error, file: "command line", "\(flag) \(JSONValue.format(number: override)) is more than \(limitText) (\(what))"))
                    ok = false
                    return fallback
                }
                return override
            }
            guard let v = o[key], !v.isNull else { return fallback }
            guard let n = v.numberValue, n.isFinite, n > 0 else {
                manifestError("\"\(key)\" must be a number greater than 0 (\(what)), not \(v.serialized())")
                ok = false
                return fallback
            }
            guard n <= limit else {
                manifestError("\"\(key)\" is \(v.serialized()), more than \(limitText) (\(what))")
                ok = false
                return fallback
            }
            return n
        }
        let stay = positive("stay_min", "--stay-min", source.stayMin, Manifest.defaultStayMin, limit: QuantityLimits.stayMin, "minutes",
                            "minutes a rider stays at a rest station on a visit")
        let visits = positive("visits_per_hour", "--visits-per-hour", source.visitsPerHour, Manifest.defaultVisitsPerHour, limit: QuantityLimits.visitsPerHour,
                              "visits an hour", "visits a rider makes to a rest station in an hour")
        guard ok else { return nil }
        // Each may be small, but a seat holding more riders than QuantityLimits.ridersPerSeat means
        // riders rest less than a minute an hour: named, as a value beyond its limit is, when the
        // caller turns seats into riders. The values are kept either way, so that the layers are
        // still read and checked (validate lists every problem).
        let stayName = source.stayMin == nil ? "\"stay_min\"" : "--stay-min"
        let visitsName = source.visitsPerHour == nil ? "\"visits_per_hour\"" : "--visits-per-hour"
        if usesSeats, let message = QuantityLimits.ridersPerSeatProblem(stayMin: stay, visitsPerHour: visits, stayName: stayName, visitsName: visitsName) {
            if source.stayMin != nil || source.visitsPerHour != nil {
                issues.append(DatasetIssue(.error, file: source.stayMin != nil && source.visitsPerHour != nil ? "command line" : "command line and \(source.manifestPath)", message))
            } else {
                manifestError(message)
            }
        }
        return (stay, visits)
    }

    /// "demand_profile": 24 factors for the hours 0-23, each ≥ 0, the largest exactly 1 (the peak).
    mutating func readDemandProfile(_ o: JSONObject) -> [Double]? {
        guard let v = o["demand_profile"], !v.isNull else { return Manifest.defaultDemandProfile }
        let expected = "24 numbers ≥ 0 for the hours 0-23, the peak hour 1"
        guard case let .array(items) = v else {
            manifestError("\"demand_profile\" must be a list of \(expected), not \(v.typeName)")
            return nil
        }
        guard items.count == 24 else {
            manifestError("\"demand_profile\" has \(items.count) value\(items.count == 1 ? "" : "s"); it must have \(expected)")
            return nil
        }
        var out: [Double] = []
        var ok = true
        for (hour, item) in items.enumerated() {
            if let n = item.numberValue, n.isFinite, n >= 0 {
                out.append(n)
            } else {
                manifestError("\"demand_profile\" hour \(hour) is \(item.serialized()); it must be a number ≥ 0 (\(expected))")
                ok = false
            }
        }
        guard ok else { return nil }
        let peak = out.max() ?? 0
        guard peak == 1 else {
            manifestError("\"demand_profile\" peaks at \(JSONValue.format(number: peak)); the largest factor must be exactly 1 (the peak hour, at which demand weights apply as given)")
            return nil
        }
        return out
    }

    /// "site_sizes": seat counts for new sites, whole numbers ≥ 1; kept ascending without repeats.
    mutating func readSiteSizes(_ o: JSONObject) -> [Int]? {
        guard let v = o["site_sizes"], !v.isNull else { return Manifest.defaultSiteSizes }
        guard case let .array(items) = v, !items.isEmpty else {
            manifestError("\"site_sizes\" must be a non-empty list of whole numbers of seats ≥ 1, not \(v.serialized())")
            return nil
        }
        var sizes: Set<Int> = []
        for (i, item) in items.enumerated() {
            guard let n = item.numberValue, n >= 1, n == n.rounded(), n <= 1_000_000 else {
                manifestError("\"site_sizes\" item \(i) is \(item.serialized()); seats must be a whole number ≥ 1")
                return nil
            }
            sizes.insert(Int(n))
        }
        return sizes.sorted()
    }

    /// "site_cost": {"fixed": yuan, "per_seat": yuan}, each ≥ 0; a missing part keeps its default.
    mutating func readSiteCost(_ o: JSONObject) -> SiteCost? {
        guard let v = o["site_cost"], !v.isNull else { return .illustrative }
        guard case let .object(c) = v else {
            manifestError("\"site_cost\" must be an object {\"fixed\": yuan, \"per_seat\": yuan}, not \(v.typeName)")
            return nil
        }
        var cost = SiteCost.illustrative
        var ok = true
        for key in c.keys {
            let value = c[key]!
            guard key == "fixed" || key == "per_seat" else {
                issues.append(DatasetIssue(.warning, file: source.manifestPath, "\"site_cost\" has an unknown key \"\(key)\" (known: fixed, per_seat); ignored"))
                continue
            }
            guard let n = value.numberValue, n.isFinite, n >= 0 else {
                manifestError("\"site_cost\".\"\(key)\" must be a number of yuan ≥ 0, not \(value.serialized())")
                ok = false
                continue
            }
            guard n <= QuantityLimits.yuan else {
                manifestError("\"site_cost\".\"\(key)\" is \(value.serialized()), more than the limit of \(JSONValue.format(number: QuantityLimits.yuan)) yuan")
                ok = false
                continue
            }
            if key == "fixed" { cost.fixed = n } else { cost.perSeat = n }
        }
        return ok ? cost : nil
    }

    /// `dataset.json` as a JSON object, or nil with the issue recorded.
    mutating func readManifestFile(_ file: String) -> JSONObject? {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(file)
        } catch {
            missingInput = true
            // --data naming a file (the manifest itself, a layer) rather than the folder.
            let folder = (file as NSString).deletingLastPathComponent
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
                let holder = (folder as NSString).deletingLastPathComponent
                let advice = (folder as NSString).lastPathComponent == "dataset.json"
                    ? "give the folder that holds it (--data \(holder.isEmpty ? "." : holder))"
                    : "give a dataset folder or a GeoPackage (.gpkg); to replace one layer, use --stations FILE and the like"
                issues.append(DatasetIssue(.error, file: folder, "--data names a file, not a dataset folder: \(advice)"))
                return nil
            }
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
