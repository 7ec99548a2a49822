import Dispatch
import Foundation
import Geo
import Stations

/// What a batch (`nearest --input`, `locate --input`) writes: NDJSON (the default and `json`),
/// CSV or GeoJSON, from `--format` or `--out`'s extension.
enum BatchFormat {
    case ndjson, csv, geojson

    init(_ output: OutputOptions) throws {
        switch try output.chosen(ndjson: true) {
        case nil, .json?: self = .ndjson
        case .csv?: self = .csv
        case .geojson?: self = .geojson
        case let other?:
            throw CLIFailure(status: .usage, message: "--format \(other.rawValue) is not available for a batch (use json for NDJSON, csv or geojson)")
        }
    }
}

/// The streaming batch behind `nearest --input` (the loop is `BatchStream`'s): each chunk of
/// queries is answered on all cores, formatted on all cores and written in input order.
struct BatchNearest {
    let command: NearestCommand
    let input: String
    static let chunkSize = 1 << 15

    func run() throws {
        let format = try BatchFormat(command.output)
        let data = try command.dataset.load(time: command.time, layers: [.districts, .stations], usesSeats: false)
        let filter = command.time.openFilter(command.filters.filter, data)
        let locator = try StationLocator(stations: data.stations)
        var projector = try QueryProjector(datum: command.dataset.inputCRS, crs: data.manifest.crs)
        // Each query's --max-distance circle, not only its point, must lie where the CRS measures in metres.
        projector.batchReach = command.maxDistance.map { ($0, "--max-distance") }
        let (reader, name) = try openBatchInput(input, format: command.inputFormat)
        let texts = StationTexts(data, format: format)
        let stream = BatchStream(format: format, reader: reader, name: name, projector: projector, chunkSize: BatchNearest.chunkSize,
                                 csvHeader: Array("query_id,rank,station_id,distance_m,error\n".utf8))
        var batch = NeighborBatch()
        try stream.run(out: command.output.out) { items in
            // The answered queries, in order, and each item's place among them.
            var projected: [Coordinate] = []
            var queryOf = [Int](repeating: -1, count: items.count)
            for (i, item) in items.enumerated() {
                guard case let .point(_, p) = item else { continue }
                queryOf[i] = projected.count
                projected.append(p.projected)
            }
            locator.nearest(projected: projected, k: command.k, filter: filter, maxDistance: command.maxDistance, into: &batch)
            // Format in parallel, one piece per worker, then join them in order.
            let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
            let answers = batch
            let queryIndex = queryOf
            let per = (items.count + workers - 1) / workers
            var pieces = [[UInt8]](repeating: [], count: workers)
            pieces.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let slots = slots
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(per * 64)
                    let lo = w * per, hi = min(items.count, lo + per)
                    if lo < hi {
                        for i in lo..<hi {
                            switch items[i] {
                            case let .point(q, p):
                                let r = answers.range(ofQuery: queryIndex[i])
                                switch format {
                                case .csv: texts.csvLines(query: q, neighbors: r, batch: answers, from: p.wgs84, into: &bytes)
                                case .ndjson: texts.ndjsonLine(query: q, neighbors: r, batch: answers, from: p.wgs84, into: &bytes)
                                case .geojson: texts.geoJSONFeatures(query: q, point: p, neighbors: r, batch: answers, into: &bytes)
                                }
                            case let .unreadable(p), let .unanswerable(p):
                                switch format {
                                case .csv: texts.csvProblemRow(p, into: &bytes)
                                case .ndjson: texts.problemLine(p, into: &bytes)
                                case .geojson: bytes.append(contentsOf: Array((",\n" + BatchProblemText.feature(p)).utf8))
                                }
                            }
                        }
                    }
                    slots[w] = bytes
                }
            }
            var joined: [UInt8] = []
            joined.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
            for piece in pieces { joined.append(contentsOf: piece) }
            return joined
        }
    }
}

/// Byte strings numbered 0..<count, stored end to end in one block: appending one to the output
/// is one copy of its bytes, with no array per string to retain (which the formatting threads
/// would otherwise contend on).
struct ByteTable: Sendable {
    /// Owns the block; read-only once made.
    private final class Block: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt8>
        init(_ bytes: [UInt8]) {
            base = .allocate(capacity: max(1, bytes.count))
            base.initialize(from: bytes, count: bytes.count)
        }
        deinit { base.deallocate() }
    }

    private let block: Block?
    /// The block's bytes, read without touching the owner's reference count.
    nonisolated(unsafe) private let base: UnsafePointer<UInt8>?
    /// `ends[i]` is where string `i` ends in the block.
    private let ends: [Int]

    init(count: Int, _ make: (Int, inout [UInt8]) -> Void) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        ends.reserveCapacity(count)
        for i in 0..<count {
            make(i, &bytes)
            ends.append(bytes.count)
        }
        let block = Block(bytes)
        self.block = block
        base = UnsafePointer(block.base)
        self.ends = ends
    }

    init() {
        block = nil
        base = nil
        ends = []
    }

    func append(_ i: Int, into out: inout [UInt8]) {
        let start = i == 0 ? 0 : ends[i - 1]
        out.append(contentsOf: UnsafeBufferPointer(start: base! + start, count: ends[i] - start))
    }
}

/// For CSV rows: each station's location and CSV id (when it fits in 15 bytes) side by side in one
/// 32-byte slot of 64-byte aligned memory. The stations of a million answers are spread over the
/// whole layer, so every read is a cache miss: one slot is one miss instead of three (the id's
/// end, its bytes, the location). Read-only once made.
final class StationSlots: @unchecked Sendable {
    static let stride = 32
    /// An id longer than this is read from `StationTexts.csvIDs` instead.
    static let maxInlineID = 15
    let base: UnsafeMutableRawPointer

    init(locations: [Coordinate], ids: ByteTable) {
        base = .allocate(byteCount: max(1, locations.count) * StationSlots.stride, alignment: 64)
        var id: [UInt8] = []
        for (i, c) in locations.enumerated() {
            let slot = base + i * StationSlots.stride
            slot.storeBytes(of: c.lon, toByteOffset: 0, as: Double.self)
            slot.storeBytes(of: c.lat, toByteOffset: 8, as: Double.self)
            id.removeAll(keepingCapacity: true)
            ids.append(i, into: &id)
            if id.count <= StationSlots.maxInlineID {
                slot.storeBytes(of: UInt8(id.count), toByteOffset: 16, as: UInt8.self)
                for (k, b) in id.enumerated() { slot.storeBytes(of: b, toByteOffset: 17 + k, as: UInt8.self) }
            } else {
                slot.storeBytes(of: UInt8.max, toByteOffset: 16, as: UInt8.self)
            }
        }
    }

    deinit { base.deallocate() }
}

/// Pre-serialised pieces of each station's JSON or CSV, and fast number formatting for batch output.
/// Only the pieces the output format uses are made (none for GeoJSON).
struct StationTexts: Sendable {
    let stations: [Station]
    /// Each station's location (WGS84), for the distances.
    let locations: [Coordinate]
    /// `{"id":..,"name":..,"kind":..,"district":..,"distance_m":` per station (NDJSON).
    let heads: ByteTable
    /// `,"lon":..,"lat":..}` per station (NDJSON).
    let tails: ByteTable
    /// CSV-escaped ids (CSV).
    let csvIDs: ByteTable
    /// Locations and short ids side by side (CSV), and their memory read without touching the
    /// owner's reference count (which the formatting threads would contend on).
    let csvSlots: StationSlots?
    nonisolated(unsafe) let csvSlotBase: UnsafeRawPointer?

    init(_ dataset: Dataset, format: BatchFormat) {
        let stations = dataset.stations
        self.stations = stations
        locations = stations.indices.map { stations[$0].location }
        heads = format != .ndjson ? ByteTable() : ByteTable(count: stations.count) { i, out in
            var text = "{\"id\":"
            JSONValue.string(stations[i].id).write(to: &text)
            text += ",\"name\":"
            JSONValue.string(stations[i].name).write(to: &text)
            text += ",\"kind\":\"\(stations[i].kind.rawValue)\",\"district\":"
            (stations[i].district.map(JSONValue.string) ?? .null).write(to: &text)
            text += ",\"distance_m\":"
            out.append(contentsOf: text.utf8)
        }
        tails = format != .ndjson ? ByteTable() : ByteTable(count: stations.count) { i, out in
            let c = stations[i].location
            out.append(contentsOf: ",\"lon\":\(JSONValue.format(coordinate: c.lon)),\"lat\":\(JSONValue.format(coordinate: c.lat))}".utf8)
        }
        csvIDs = format != .csv ? ByteTable() : ByteTable(count: stations.count) { i, out in
            StationTexts.appendCSVID(stations[i].id, into: &out)
        }
        csvSlots = format != .csv ? nil : StationSlots(locations: locations, ids: csvIDs)
        csvSlotBase = csvSlots.map { UnsafeRawPointer($0.base) }
    }

    /// Appends an id as the first field of a CSV row: an empty one as `""`, as a row of that one
    /// field would hold it (a bare empty field there would read as a blank line).
    static func appendCSVID(_ id: String, into out: inout [UInt8]) {
        if id.isEmpty {
            out.append(contentsOf: "\"\"".utf8)
        } else {
            CSVWriter.appendField(id, format: .machine, to: &out)
        }
    }

    /// Appends `v` with exactly two decimals (distances in metres to the centimetre).
    static func appendFixed2(_ v: Double, into out: inout [UInt8]) {
        // A geodesic distance is at most half the Earth's circumference; anything beyond Int64
        // (or not finite) is written in the shortest form instead of trapping.
        guard let c = Int(checked: v * 100) else {
            out.append(contentsOf: JSONValue.format(number: v).utf8)
            return
        }
        var cents = Int64(c)
        if cents < 0 {
            out.append(UInt8(ascii: "-"))
            cents = -cents
        }
        appendInt(cents / 100, into: &out)
        out.append(UInt8(ascii: "."))
        let frac = cents % 100
        out.append(UInt8(48 + frac / 10))
        out.append(UInt8(48 + frac % 10))
    }

    static func appendInt(_ v: Int64, into out: inout [UInt8]) {
        if v == 0 {
            out.append(48)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = v < 0 ? -v : v
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while n > 0 {
                d[count] = UInt8(48 + n % 10)
                n /= 10
                count += 1
            }
        }
        if v < 0 { out.append(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &digits) { d in
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }

    /// One row per station found, each with an empty `error`; a query with no station gets one
    /// row with only its id, so that every input line has a row.
    func csvLines(query: BatchQuery, neighbors: Range<Int>, batch: NeighborBatch, from: Coordinate, into out: inout [UInt8]) {
        let id = query.id ?? ""
        if neighbors.isEmpty {
            StationTexts.appendCSVID(id, into: &out)
            out.append(contentsOf: ",,,,\n".utf8)
            return
        }
        let slots = csvSlotBase!
        var rank: Int64 = 1
        for n in neighbors {
            let s = batch.indices[n]
            let slot = slots + s * StationSlots.stride
            StationTexts.appendCSVID(id, into: &out)
            out.append(UInt8(ascii: ","))
            StationTexts.appendInt(rank, into: &out)
            out.append(UInt8(ascii: ","))
            let idCount = Int(slot.load(fromByteOffset: 16, as: UInt8.self))
            if idCount <= StationSlots.maxInlineID {
                out.append(contentsOf: UnsafeRawBufferPointer(start: slot + 17, count: idCount))
            } else {
                csvIDs.append(s, into: &out)
            }
            out.append(UInt8(ascii: ","))
            let location = Coordinate(lon: slot.load(fromByteOffset: 0, as: Double.self), lat: slot.load(fromByteOffset: 8, as: Double.self))
            StationTexts.appendFixed2(Geodesic.distance(from: from, to: location), into: &out)
            out.append(UInt8(ascii: ","))
            out.append(UInt8(ascii: "\n"))
            rank += 1
        }
    }

    /// The row of a line that could not be answered: its id when it could be read, and the error
    /// naming the line (or feature).
    func csvProblemRow(_ p: BatchQueryProblem, into out: inout [UInt8]) {
        out.append(contentsOf: CSVWriter.encode([[p.id ?? "", "", "", "", p.description]], format: .machine))
    }

    /// The query point (role "query", with its `query_id`), then the stations found (role
    /// "station", `query_id`, `rank`, `distance_m`), each feature preceded by ",\n".
    func geoJSONFeatures(query: BatchQuery, point: QueryProjector.Point, neighbors: Range<Int>, batch: NeighborBatch, into out: inout [UInt8]) {
        var text = ",\n" + StationResultText.queryFeature(point, id: query.id)
        var rank = 1
        for n in neighbors {
            let s = batch.indices[n]
            text += ",\n" + StationResultText.stationFeature(stations[s], rank: rank, distanceM: Geodesic.distance(from: point.wgs84, to: stations[s].location), queryID: query.id)
            rank += 1
        }
        out.append(contentsOf: Array(text.utf8))
    }

    func ndjsonLine(query: BatchQuery, neighbors: Range<Int>, batch: NeighborBatch, from: Coordinate, into out: inout [UInt8]) {
        var head = "{\"query\":{"
        if let id = query.id {
            head += "\"id\":"
            JSONValue.string(id).write(to: &head)
            head += ","
        }
        head += "\"lon\":\(JSONValue.format(number: query.lon)),\"lat\":\(JSONValue.format(number: query.lat))},\"results\":["
        out.append(contentsOf: Array(head.utf8))
        var first = true
        for n in neighbors {
            let s = batch.indices[n]
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            heads.append(s, into: &out)
            StationTexts.appendFixed2(Geodesic.distance(from: from, to: locations[s]), into: &out)
            tails.append(s, into: &out)
        }
        out.append(contentsOf: Array("]}\n".utf8))
    }

    func problemLine(_ p: BatchQueryProblem, into out: inout [UInt8]) {
        out.append(contentsOf: Array((BatchProblemText.json(p) + "\n").utf8))
    }
}
