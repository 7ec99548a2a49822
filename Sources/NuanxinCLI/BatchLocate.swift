import Foundation
import Geo
import Stations

/// What `locate` writes for one point: json, a GeoJSON feature and a CSV row.
enum LocateText {
    typealias Item = (id: String, name: String?, kind: String?)

    /// The four groups of a result, in output order.
    static func groups(_ found: PlaceLocator.Found) -> [(String, [Item])] {
        [
            ("districts", found.divisions.filter { $0.kind != DivisionKind.zone.rawValue }),
            ("zones", found.divisions.filter { $0.kind == DivisionKind.zone.rawValue }),
            ("commercial_areas", found.areas),
            ("parking_zones", found.parking),
        ]
    }

    /// `{"query":{"id"?,"lon","lat"},"districts":[...],"zones":[...],"commercial_areas":[...],"parking_zones":[...]}`
    /// (one line, no newline).
    static func json(_ found: PlaceLocator.Found, id: String?, lon: Double, lat: Double) -> String {
        var q: [(String, JSONValue)] = []
        if let id { q.append(("id", .string(id))) }
        q += [("lon", .number(lon)), ("lat", .number(lat))]
        let lists = groups(found).map { name, items -> (String, JSONValue) in
            (name, .array(items.map { item in
                var pairs: [(String, JSONValue)] = [("id", .string(item.id)), ("name", item.name.map(JSONValue.string) ?? .null)]
                if let kind = item.kind { pairs.append(("kind", .string(kind))) }
                return .object(JSONObject(pairs))
            }))
        }
        return JSONValue.object(JSONObject([("query", .object(JSONObject(q)))] + lists)).serialized()
    }

    /// The query point (WGS84 geometry) with `role` "query", `query_id` in a batch, `lon`/`lat` as
    /// given, and the ids found in each group as arrays.
    static func feature(_ found: PlaceLocator.Found, id: String?, point q: QueryProjector.Point) -> String {
        var p: [(String, JSONValue)] = [("role", .string("query"))]
        if let id { p.append(("query_id", .string(id))) }
        p += [("lon", .number(q.given.lon)), ("lat", .number(q.given.lat))]
        p += groups(found).map { name, items in (name, .array(items.map { .string($0.id) })) }
        return GeoJSONWriter.feature(id: nil, properties: JSONObject(p), geometry: .point(q.wgs84), realKeys: ResultFields.queryPoint)
    }

    static let csvHeader = ["query_id", "districts", "zones", "commercial_areas", "parking_zones", "error"]

    /// The ids of each group `;`-joined, and an empty error.
    static func csvRow(_ found: PlaceLocator.Found, id: String?) -> [String] {
        [id ?? ""] + groups(found).map { $0.1.map(\.id).joined(separator: ";") } + [""]
    }
}

/// The text of a batch line that could not be read or answered, shared by the batches of
/// `nearest` and `locate`.
enum BatchProblemText {
    /// `{"query":{"id"?,"line":N},"error":"..."}` (`"location"` instead of `"line"` for GeoJSON input).
    static func json(_ p: BatchQueryProblem) -> String {
        var text = "{\"query\":{"
        if let id = p.id {
            text += "\"id\":"
            JSONValue.string(id).write(to: &text)
            text += ","
        }
        if let line = p.line { text += "\"line\":\(line)" } else {
            text += "\"location\":"
            JSONValue.string(p.location).write(to: &text)
        }
        text += "},\"error\":"
        JSONValue.string(p.message).write(to: &text)
        text += "}"
        return text
    }

    /// A feature without geometry holding `role` "query", `query_id` (when read), `line` (or
    /// `location`) and `error`.
    static func feature(_ p: BatchQueryProblem) -> String {
        var props: [(String, JSONValue)] = [("role", .string("query"))]
        if let id = p.id { props.append(("query_id", .string(id))) }
        if let line = p.line { props.append(("line", .number(Double(line)))) } else { props.append(("location", .string(p.location))) }
        props.append(("error", .string(p.message)))
        return GeoJSONWriter.feature(id: nil, properties: JSONObject(props), geometry: nil)
    }
}

/// The streaming batch behind `locate --input` (the loop is `BatchStream`'s): one result per
/// input line, in input order.
struct BatchLocate {
    let command: LocateCommand
    let input: String
    static let chunkSize = 1 << 14

    func run() throws {
        let format = try BatchFormat(command.output)
        let data = try command.dataset.load(layers: LocateCommand.layers, usesSeats: false)
        let locator = try PlaceLocator(data)
        let projector = try QueryProjector(datum: command.dataset.inputCRS, crs: data.manifest.crs)
        let (reader, name) = try openBatchInput(input, format: command.inputFormat)
        let stream = BatchStream(format: format, reader: reader, name: name, projector: projector, chunkSize: BatchLocate.chunkSize,
                                 csvHeader: CSVWriter.encode([LocateText.csvHeader], format: .machine))
        try stream.run(out: command.output.out) { items in
            var text = ""
            var rows: [[String]] = []
            for item in items {
                switch item {
                case let .point(q, p):
                    let found = try locator.locate(p.projected)
                    switch format {
                    case .ndjson: text += LocateText.json(found, id: q.id, lon: q.lon, lat: q.lat) + "\n"
                    case .csv: rows.append(LocateText.csvRow(found, id: q.id))
                    case .geojson: text += ",\n" + LocateText.feature(found, id: q.id, point: p)
                    }
                case let .unreadable(p), let .unanswerable(p):
                    switch format {
                    case .ndjson: text += BatchProblemText.json(p) + "\n"
                    case .csv: rows.append([p.id ?? "", "", "", "", "", p.description])
                    case .geojson: text += ",\n" + BatchProblemText.feature(p)
                    }
                }
            }
            return format == .csv ? CSVWriter.encode(rows, format: .machine) : Array(text.utf8)
        }
    }
}
