import ArgumentParser
import Foundation
import Geo
import Stations

/// A kind or service flag takes the English code or, as the layers do, one of its Chinese words
/// (`--kind 暖新驿站`).
extension StationKind: ExpressibleByArgument {
    public init?(argument: String) {
        guard let kind = Vocabulary.kind(argument) else { return nil }
        self = kind
    }
}

extension StationService: ExpressibleByArgument {
    public init?(argument: String) {
        guard let service = Vocabulary.service(argument) else { return nil }
        self = service
    }
}

/// `--kind` and `--service` filters shared by nearest and within.
struct StationFilterOptions: ParsableArguments {
    @Option(help: "Only stations of this kind (repeat for several): \(StationKind.allNames), or a Chinese word for one (暖新驿站).")
    var kind: [StationKind] = []

    @Option(help: "Only stations offering this service (repeat: all must be offered): \(StationService.allNames), or a Chinese word for one (热水).")
    var service: [StationService] = []

    var filter: PointIndex.Filter { StationLocator.filter(kinds: kind, services: service) }
}

/// The checks of --lon/--lat shared by nearest, within and locate.
enum QueryPointOptions {
    static func validate(lon: Double?, lat: Double?) throws {
        guard let lon, let lat else { throw ValidationError("give --lon and --lat (or --input FILE for a batch)") }
        guard lon.isFinite, (-180...180).contains(lon) else { throw ValidationError("--lon \(lon) is outside -180...180") }
        guard lat.isFinite, (-90...90).contains(lat) else {
            let hint = (-90...90).contains(lon) && (-180...180).contains(lat) ? " (longitude and latitude swapped?)" : ""
            throw ValidationError("--lat \(lat) is outside -90...90\(hint)")
        }
    }
}

/// JSON and table pieces for station results.
enum StationResultText {
    static func json(_ m: StationLocator.Match, _ dataset: Dataset, rank: Int? = nil) -> JSONValue {
        let s = dataset.stations[m.station]
        var pairs: [(String, JSONValue)] = []
        if let rank { pairs.append(("rank", .number(Double(rank)))) }
        pairs += [
            ("id", .string(s.id)), ("name", .string(s.name)), ("kind", .string(s.kind.rawValue)),
            ("district", s.district.map(JSONValue.string) ?? .null),
            ("distance_m", .number((m.geodesicM * 100).rounded() / 100)),
            ("lon", .number(JSONValue.rounded(coordinate: s.location.lon))),
            ("lat", .number(JSONValue.rounded(coordinate: s.location.lat))),
        ]
        return .object(JSONObject(pairs))
    }

    static func document(query: QueryProjector.Point, id: String? = nil, matches: [StationLocator.Match], dataset: Dataset, extra: [(String, JSONValue)] = []) -> JSONValue {
        var q: [(String, JSONValue)] = []
        if let id { q.append(("id", .string(id))) }
        q += [("lon", .number(query.given.lon)), ("lat", .number(query.given.lat))]
        return .object(JSONObject([("query", .object(JSONObject(q)))] + extra + [("results", .array(matches.map { json($0, dataset) }))]))
    }

    static func table(_ matches: [StationLocator.Match], _ dataset: Dataset) -> String {
        var t = TextTable(["rank", "id", "name", "kind", "district", "distance (m)"], rightAligned: [0, 5])
        for (i, m) in matches.enumerated() {
            let s = dataset.stations[m.station]
            t.add(["\(i + 1)", s.id, s.name, s.kind.rawValue, s.district ?? "", Num.fixed(m.geodesicM, 1)])
        }
        return matches.isEmpty ? "no station found\n" : t.render()
    }

    /// The query point first (`role` "query", its `lon`/`lat` as given, `radius_m` for within),
    /// then the stations found (`role` "station"), nearest first.
    static func geoJSON(_ matches: [StationLocator.Match], _ dataset: Dataset, query: QueryProjector.Point, radius: Double? = nil) -> String {
        GeoJSONWriter.collection([queryFeature(query, radius: radius)] + stationFeatures(matches, dataset))
    }

    /// The query point as a Feature without an id (a station may have any id): its position in
    /// WGS84, its coordinates as given in the properties.
    static func queryFeature(_ q: QueryProjector.Point, id: String? = nil, radius: Double? = nil) -> String {
        var p: [(String, JSONValue)] = [("role", .string("query"))]
        if let id { p.append(("query_id", .string(id))) }
        p += [("lon", .number(q.given.lon)), ("lat", .number(q.given.lat))]
        if let radius { p.append(("radius_m", .number(radius))) }
        return GeoJSONWriter.feature(id: nil, properties: JSONObject(p), geometry: .point(q.wgs84), realKeys: ResultFields.queryPoint)
    }

    /// The stations found, each with `rank`, `distance_m`, `role` "station" and, in a batch, the
    /// `query_id` they answer.
    static func stationFeatures(_ matches: [StationLocator.Match], _ dataset: Dataset, queryID: String? = nil) -> [String] {
        matches.enumerated().map { i, m in stationFeature(dataset.stations[m.station], rank: i + 1, distanceM: m.geodesicM, queryID: queryID) }
    }

    static func stationFeature(_ s: Station, rank: Int, distanceM: Double, queryID: String?) -> String {
        var p = LayerSchema.of(.stations, properties: []).normalise(s.properties)
        p["rank"] = .number(Double(rank))
        p["distance_m"] = .number((distanceM * 100).rounded() / 100)
        p["role"] = .string("station")
        if let queryID { p["query_id"] = .string(queryID) }
        return GeoJSONWriter.feature(id: .string(s.id), properties: p, geometry: .point(s.location), realKeys: ResultFields.stations)
    }

    static func csv(_ matches: [StationLocator.Match], _ dataset: Dataset, queryID: String) -> String {
        var rows = [["query_id", "rank", "station_id", "distance_m"]]
        for (i, m) in matches.enumerated() {
            rows.append([queryID, "\(i + 1)", dataset.stations[m.station].id, Num.fixed(m.geodesicM, 2)])
        }
        return CSVWriter.encode(rows, format: .machine).string
    }
}

/// Opens a batch input (a file, or - for standard input) as a query reader; a missing file is
/// exit 66, an input that is not CSV, NDJSON or GeoJSON points exit 65.
func openBatchInput(_ input: String, format: BatchInputFormat?) throws -> (reader: BatchQueryReader, name: String) {
    let handle = input == "-" ? FileHandle.standardInput : try InputFile.open(input)
    let name = input == "-" ? "standard input" : input
    return (try BatchQueryReader(fileHandle: handle, name: name, format: format), name)
}
