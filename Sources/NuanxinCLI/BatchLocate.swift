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

/// The streaming batch behind `locate --input`: chunks of queries are read, projected by
/// `QueryProjector` (one PROJ call per chunk), located and written in input order, one result
/// per input line. Memory is bounded by the chunk size.
struct BatchLocate {
    let command: LocateCommand
    let input: String
    static let chunkSize = 1 << 14

    func run() throws {
        let format = try BatchFormat(command.output)
        let data = try command.dataset.load(layers: LocateCommand.layers)
        let locator = try PlaceLocator(data)
        let projector = try QueryProjector(datum: command.dataset.inputCRS, crs: data.manifest.crs)
        let (reader, name) = try openBatchInput(input, format: command.inputFormat)
        var problems = 0
        var unanswerable = 0
        let body: (FileHandle) throws -> Void = { out in
            var first = true
            switch format {
            case .csv: try out.write(contentsOf: CSVWriter.encode([LocateText.csvHeader], format: .machine))
            case .geojson: try out.write(contentsOf: Data("{\"type\":\"FeatureCollection\",\"features\":[".utf8))
            case .ndjson: break
            }
            while true {
                let read = try reader.next(max: BatchLocate.chunkSize)
                if read.isEmpty { break }
                var text = ""
                var rows: [[String]] = []
                for item in projector.project(read) {
                    switch item {
                    case let .point(q, p):
                        let found = try locator.locate(p.projected)
                        switch format {
                        case .ndjson: text += LocateText.json(found, id: q.id, lon: q.lon, lat: q.lat) + "\n"
                        case .csv: rows.append(LocateText.csvRow(found, id: q.id))
                        case .geojson:
                            text += (first ? "\n" : ",\n") + LocateText.feature(found, id: q.id, point: p)
                            first = false
                        }
                    case let .unreadable(p), let .unanswerable(p):
                        problems += 1
                        if case .unanswerable = item { unanswerable += 1 }
                        if problems <= 100 { printError("nuanxin: \(name): \(p)") }
                        switch format {
                        case .ndjson: text += BatchProblemText.json(p) + "\n"
                        case .csv: rows.append([p.id ?? "", "", "", "", "", p.description])
                        case .geojson:
                            text += (first ? "\n" : ",\n") + BatchProblemText.feature(p)
                            first = false
                        }
                    }
                }
                if format == .csv {
                    try out.write(contentsOf: CSVWriter.encode(rows, format: .machine))
                } else {
                    try out.write(contentsOf: Data(text.utf8))
                }
            }
            if format == .geojson { try out.write(contentsOf: Data((first ? "]}\n" : "\n]}\n").utf8)) }
        }
        if let path = command.output.out {
            try AtomicFile.write(to: path, body)
        } else {
            try writingStandardOutput { try body(.standardOutput) }
        }
        if problems > 100 { printError("nuanxin: \(name): \(problems - 100) more problem(s) not shown") }
        if problems > 0 {
            let unread = problems - unanswerable
            let parts = (unread > 0 ? ["\(unread) line(s) could not be read"] : []) + (unanswerable > 0 ? ["\(unanswerable) point(s) could not be projected"] : [])
            throw CLIFailure(status: .dataError, message: "\(name): \(parts.joined(separator: ", ")); the others were answered")
        }
    }
}
