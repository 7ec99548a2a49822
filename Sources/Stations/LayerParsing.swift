import Foundation
import Geo

/// Turning each layer's features into the domain model, one function a layer.
extension LoadRun {
    /// Runs `body` per feature with a `Properties` reader (`RecordSink`); features with errors
    /// are left out. The layer is consumed: each feature is moved out of it, not copied.
    mutating func parse<T: LoadedRecord>(_ layer: consuming GeoJSONLayer, _ kind: Layer,
                                         _ body: @escaping @Sendable (inout Properties) -> T?) -> [T] {
        var sink = RecordSink(file: path(kind), convert: body)
        layer.handOver(to: &sink)
        return finish(sink)
    }

    /// The records of a filled sink, its issues (and those of duplicate ids) added to the run's.
    mutating func finish<T>(_ sink: consuming RecordSink<T>) -> [T] {
        let (records, found) = sink.finished()
        issues.append(contentsOf: found)
        return records
    }

    mutating func parseDistricts(_ layer: consuming GeoJSONLayer, _ t: CoordinateTransformer) -> [District] {
        var parsed = parse(consume layer, .districts) { p -> District? in
            let id = p.requireID()
            let name = p.string("name", required: true)
            var kind = DivisionKind.district
            if let k = p.string("kind") {
                if let known = DivisionKind(rawValue: k) { kind = known } else { p.error("unknown kind \"\(k)\" (expected \(DivisionKind.allNames))") }
            }
            let nameEN = p.string("name_en")
            let workers = p.number("workers", minimum: 0)
            let radius = p.number("radius_m")
            if let radius, !(radius > 0) {
                p.error("radius_m is \(JSONValue.format(number: radius)); a district's own service radius must be a number of metres greater than 0")
            }
            guard let g = p.polygonal() else { return nil }
            LoadRun.checkRange(g, &p)
            guard let id, let name else { return nil }
            return District(id: id, name: name, kind: kind, nameEN: nameEN, workers: workers, radiusM: radius, geometry: g, projected: g,
                            featureIndex: p.feature.index, properties: p.takeProperties())
        }
        guard let projected = project(parsed.indices.map { parsed[$0].geometry }, t, .districts) else { return [] }
        for i in parsed.indices { parsed[i].projected = projected[i] }
        return parsed
    }

    mutating func parseStations(_ layer: consuming GeoJSONLayer, _ t: CoordinateTransformer, _ manifest: Manifest) -> [Station] {
        var parsed = parse(consume layer, .stations) { p -> Station? in
            let id = p.requireID()
            let name = p.string("name", required: true)
            var kind: StationKind?
            var properties = p.feature.properties
            switch p.feature.properties["kind"] {
            case let .string(k)? where LoadRun.isBlank(k):
                p.error("\"kind\" is empty (required: one of \(Vocabulary.knownKinds))")
            case let .string(k)?:
                kind = Vocabulary.kind(k)
                if let kind, k != kind.rawValue { properties["kind"] = .string(kind.rawValue) }
                if kind == nil { p.error("unknown kind \"\(k)\" (expected one of \(Vocabulary.knownKinds))") }
            case nil, .null?: p.error("missing \"kind\" (one of \(Vocabulary.knownKinds))")
            case let v?: p.error("\"kind\" must be a string, not \(v.typeName)")
            }
            let district = p.string("district")
            let seats = p.int("seats")
            let ports = p.int("charging_ports")
            let services = LoadRun.parseServices(&p)
            if let given = p.feature.properties["services"], !given.isNull, given != .array(services.map { .string($0.rawValue) }), !p.failed {
                // Chinese words, a "rest;water" text or repeats: the dataset keeps the codes.
                properties["services"] = .array(services.map { .string($0.rawValue) })
            }
            let hours = p.string("hours")
            var openingHours = OpeningHours.always
            if let hours {
                do {
                    openingHours = try OpeningHours(parsing: hours)
                } catch {
                    p.error("\(error)")
                }
            }
            let op = p.string("operator")
            guard let c = p.point() else { return nil }
            LoadRun.checkRange(.point(c), &p)
            guard let id, let name, let kind else { return nil }
            return Station(id: id, name: name, kind: kind, district: district, seats: seats, chargingPorts: ports, services: services,
                           hours: hours, operatorName: op, location: c, projected: c, featureIndex: p.feature.index, properties: properties,
                           openingHours: openingHours)
        }
        guard project(&parsed, t, .stations) else { return [] }
        return parsed
    }

    static func parseServices(_ p: inout Properties) -> [StationService] {
        var names: [String] = []
        switch p.feature.properties["services"] {
        case nil, .null?: return []
        case let .string(s)? where LoadRun.isBlank(s): return []
        case let .array(items)?:
            for item in items {
                guard case let .string(s) = item else {
                    p.error("\"services\" must list strings, found \(item.typeName)")
                    return []
                }
                names.append(s)
            }
        case let .string(s)?:
            // Spreadsheets give "rest;water" or "rest, water"; GDAL's list text is "(2:rest,water)".
            names = FieldValues.list(s)
        case let v?:
            p.error("\"services\" must be a list of strings, not \(v.typeName)")
            return []
        }
        var out: [StationService] = []
        for name in names {
            if let s = Vocabulary.service(name) {
                if !out.contains(s) { out.append(s) }
            } else {
                p.error("unknown service \"\(name)\" (expected one of \(Vocabulary.knownServices))")
            }
        }
        return out
    }

    mutating func parseParking(_ layer: consuming GeoJSONLayer, _ t: CoordinateTransformer) -> [ParkingZone] {
        var parsed = parse(consume layer, .parking) { p -> ParkingZone? in
            let id = p.requireID()
            let name = p.string("name")
            let slots = p.int("slots")
            let charging = p.bool("charging") ?? false
            guard let g = p.polygonal(allowPoint: true) else { return nil }
            LoadRun.checkRange(g, &p)
            guard let id else { return nil }
            return ParkingZone(id: id, name: name, slots: slots, charging: charging, geometry: g, projected: g, featureIndex: p.feature.index, properties: p.takeProperties())
        }
        guard let projected = project(parsed.indices.map { parsed[$0].geometry }, t, .parking) else { return [] }
        for i in parsed.indices { parsed[i].projected = projected[i] }
        return parsed
    }

    mutating func parseAreas(_ layer: consuming GeoJSONLayer, _ t: CoordinateTransformer) -> [CommercialArea] {
        var parsed = parse(consume layer, .areas) { p -> CommercialArea? in
            let id = p.requireID()
            let name = p.string("name", required: true)
            let friendly = p.bool("rider_friendly") ?? false
            let orders = p.number("daily_orders", minimum: 0)
            let riders = p.number("peak_riders", minimum: 0)
            guard let g = p.polygonal() else { return nil }
            LoadRun.checkRange(g, &p)
            guard let id, let name else { return nil }
            return CommercialArea(id: id, name: name, riderFriendly: friendly, dailyOrders: orders, peakRiders: riders, geometry: g, projected: g,
                                  featureIndex: p.feature.index, properties: p.takeProperties())
        }
        guard let projected = project(parsed.indices.map { parsed[$0].geometry }, t, .areas) else { return [] }
        for i in parsed.indices { parsed[i].projected = projected[i] }
        return parsed
    }

    /// The demand points, each made as soon as its feature is read (`readRecords`): ten million
    /// points never exist as features all at once. Nil when the layer cannot be read.
    mutating func readDemand(_ t: CoordinateTransformer) -> [DemandPoint]? {
        let keepsDemandProperties = keepsDemandProperties
        guard var parsed = readRecords(.demand, { p -> DemandPoint? in
            let id = p.requireID()
            let weight = p.number("weight", required: true, minimum: 0)
            guard let c = p.point() else { return nil }
            LoadRun.checkRange(.point(c), &p)
            guard let id, let weight else { return nil }
            return DemandPoint(id: id, weight: weight, location: c, projected: c, featureIndex: p.feature.index,
                               properties: keepsDemandProperties ? p.takeProperties() : JSONObject())
        }) else { return nil }
        guard project(&parsed, t, .demand) else { return [] }
        return parsed
    }

    mutating func parseCandidates(_ layer: consuming GeoJSONLayer, _ t: CoordinateTransformer) -> [Candidate] {
        var parsed = parse(consume layer, .candidates) { p -> Candidate? in
            let id = p.requireID()
            let name = p.string("name")
            let maxSeats = p.int("max_seats")
            guard let c = p.point() else { return nil }
            LoadRun.checkRange(.point(c), &p)
            guard let id else { return nil }
            return Candidate(id: id, name: name, maxSeats: maxSeats, location: c, projected: c, featureIndex: p.feature.index, properties: p.takeProperties())
        }
        guard project(&parsed, t, .candidates) else { return [] }
        return parsed
    }
}
