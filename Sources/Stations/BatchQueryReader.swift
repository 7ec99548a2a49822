import Foundation
import Geo

/// One query point of a batch file.
public struct BatchQuery: Hashable, Sendable {
    /// Where it came from: "line 12" (CSV, NDJSON) or "feature 3" (GeoJSON).
    public var location: String
    /// The 1-based line number (CSV, NDJSON); nil for GeoJSON.
    public var line: Int?
    /// The query's id ("id" column or key, or the feature's id); nil when it has none.
    public var id: String?
    /// Longitude in degrees (WGS84), within ±180.
    public var lon: Double
    /// Latitude in degrees (WGS84), within ±90.
    public var lat: Double
}

/// A line that could not be read as a query; the others are still answered.
public struct BatchQueryProblem: Hashable, Sendable, CustomStringConvertible {
    /// Where it came from: "line 12" (CSV, NDJSON) or "feature 3" (GeoJSON).
    public var location: String
    /// The 1-based line number (CSV, NDJSON); nil for GeoJSON.
    public var line: Int?
    /// What is wrong with it.
    public var message: String
    /// The query's id when it could be read (the line's other fields may still be broken).
    public var id: String? = nil
    /// "location: message".
    public var description: String { "\(location): \(message)" }
}

/// One item of a batch, in input order: a query to answer or a problem to report.
public enum BatchQueryItem: Hashable, Sendable {
    /// A point to answer.
    case query(BatchQuery)
    /// A line or feature that could not be read as a point.
    case problem(BatchQueryProblem)
}

/// The formats a batch file may have.
public enum BatchInputFormat: String, CaseIterable, Sendable {
    /// CSV with a header, newline-delimited JSON objects, or a GeoJSON FeatureCollection of Points.
    case csv, ndjson, geojson

    /// From a file name's extension, if it says.
    public init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv", "txt": self = .csv
        case "ndjson", "jsonl", "ldjson": self = .ndjson
        case "geojson": self = .geojson
        default: return nil
        }
    }
}

/// Reads batch query points in chunks (constant memory for CSV and NDJSON, whatever the size):
/// CSV with a header naming lon and lat (and optionally id; Chinese headers too), NDJSON objects
/// `{"id","lon","lat"}`, or a GeoJSON file of Point features (read whole).
public final class BatchQueryReader {
    /// The input's name, used in messages.
    public let name: String
    /// The format read: as given, else from the file name, else NDJSON when the first byte is "{" and CSV otherwise.
    public let format: BatchInputFormat
    private var csv: CSVReader?
    private var columns: CSVColumnMap?
    private var lines: LineReader?
    private var geojson: [BatchQueryItem]?
    private var geojsonPosition = 0
    private var finished = false

    /// A fatal problem with the whole input (no header, not GeoJSON): exit 65.
    public struct Failure: Error, CustomStringConvertible {
        /// The message, starting with the input's name.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// The operating system could not read the input (an I/O error): exit 66.
    public struct ReadFailure: Error, CustomStringConvertible {
        /// The message, starting with the input's name.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    static func readFailure(_ name: String, _ error: Error) -> ReadFailure {
        if let failure = error as? ReadFailure { return failure }
        if let csv = error as? CSVError { return ReadFailure(message: "\(name): \(csv.message)") }
        return ReadFailure(message: "\(name): cannot read: \(AtomicFile.fileErrorReason(error) ?? "\(error)")")
    }

    /// Runs `body`, turning the file handle's read errors into a `ReadFailure`.
    static func reading<T>(_ name: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let tooLong as LineReader.LineTooLong {
            throw tooLong
        } catch let tooLarge as LineReader.TooLarge {
            throw tooLarge
        } catch {
            throw readFailure(name, error)
        }
    }

    /// - Parameter format: nil to decide from the file name, else from the first bytes.
    public init(fileHandle: FileHandle, name: String, format: BatchInputFormat?) throws {
        self.name = name
        let reader = LineReader(fileHandle: fileHandle)
        var chosen = format ?? BatchInputFormat(path: name)
        if chosen == nil {
            let first = try BatchQueryReader.reading(name) { try reader.peekFirstByte() }
            // GeoJSONSeq (a record separator first), XML, a Shapefile: named, not read as CSV.
            if let first, let other = ForeignFormat.name(of: [first], file: name) {
                throw Failure(message: "\(name): " + ForeignFormat.advice(other, file: name))
            }
            chosen = first == UInt8(ascii: "{") ? .ndjson : .csv
        }
        self.format = chosen!
        switch self.format {
        case .csv:
            let csv = CSVReader(fileHandle: fileHandle, prefix: reader.takeBuffered())
            let header: CSVRecord?
            do {
                header = try csv.next()
            } catch {
                if error.reason == .io { throw BatchQueryReader.readFailure(name, error) }
                throw Failure(message: "\(name): \(error)")
            }
            guard let header else { throw Failure(message: "\(name): the file is empty (a CSV header id,lon,lat was expected)") }
            let map: CSVColumnMap
            do {
                map = try CSVColumnMap(header: header)
            } catch {
                throw Failure(message: "\(name): \(error)")
            }
            guard map.index(of: .lon) != nil, map.index(of: .lat) != nil else {
                throw Failure(message: "\(name): line \(header.line): the header must name lon and lat columns (id,lon,lat), found \(header.fields.joined(separator: ","))")
            }
            self.csv = csv
            self.columns = map
        case .ndjson:
            self.lines = reader
        case .geojson:
            let bytes: [UInt8]
            do {
                bytes = try BatchQueryReader.reading(name) { try reader.readAll() }
            } catch let tooLarge as LineReader.TooLarge {
                throw Failure(message: "\(name): \(InputFile.Failure.tooLarge(name, limit: tooLarge.limit).reason) (GeoJSON input is read whole; CSV and NDJSON stream in constant memory)")
            }
            let layer: GeoJSONLayer
            do {
                layer = try GeoJSONReader.read(bytes: bytes)
            } catch {
                throw Failure(message: "\(name): \(error)")
            }
            let broken = Dictionary(layer.issues.filter { $0.severity == .error && $0.featureIndex != nil }.map { ($0.featureIndex!, $0.message) }, uniquingKeysWith: { a, _ in a })
            geojson = layer.features.map { f in
                let location = "feature \(f.index)"
                if let message = broken[f.index] { return .problem(BatchQueryProblem(location: location, message: message, id: f.displayID)) }
                // A MultiPoint of one point is that point, as in the layers.
                let point: Coordinate? = switch f.geometry {
                case let .point(c)?: c
                case let .multiPoint(cs)? where cs.count == 1: cs[0]
                default: nil
                }
                guard let c = point else {
                    return .problem(BatchQueryProblem(location: location, message: "a Point geometry is required" + (f.geometry.map { g -> String in
                        if case let .multiPoint(cs) = g { return cs.isEmpty ? "; this Point is empty (no coordinates)" : ", not a MultiPoint of \(cs.count) points" }
                        return ", not \(g.typeName)"
                    } ?? " (geometry is null)"), id: f.displayID))
                }
                return BatchQueryReader.check(BatchQuery(location: location, line: nil, id: f.displayID, lon: c.lon, lat: c.lat))
            }
        }
    }

    static func check(_ q: BatchQuery) -> BatchQueryItem {
        if !(-90...90).contains(q.lat) {
            let hint = (-90...90).contains(q.lon) && (-180...180).contains(q.lat) ? ": longitude and latitude look swapped" : ""
            return .problem(BatchQueryProblem(location: q.location, line: q.line, message: "latitude \(JSONValue.format(number: q.lat)) is outside ±90\(hint)", id: q.id))
        }
        if !(-180...180).contains(q.lon) {
            return .problem(BatchQueryProblem(location: q.location, line: q.line, message: "longitude \(JSONValue.format(number: q.lon)) is outside ±180", id: q.id))
        }
        return .query(q)
    }

    /// Up to `max` items in input order; empty at the end. Throws `ReadFailure` when the input
    /// cannot be read.
    public func next(max: Int) throws -> [BatchQueryItem] {
        var out: [BatchQueryItem] = []
        out.reserveCapacity(Swift.min(max, 1 << 16))
        switch format {
        case .geojson:
            let all = geojson!
            let end = Swift.min(all.count, geojsonPosition + max)
            out.append(contentsOf: all[geojsonPosition..<end])
            geojsonPosition = end
        case .csv:
            guard !finished else { return [] }
            let map = columns!
            let lonAt = map.index(of: .lon)!, latAt = map.index(of: .lat)!
            let idAt = map.index(of: .id)
            while out.count < max {
                let record: CSVRecord?
                do {
                    record = try csv!.next()
                } catch {
                    if error.reason == .io { throw BatchQueryReader.readFailure(name, error) }
                    out.append(.problem(BatchQueryProblem(location: "line \(error.line)", line: error.line, message: error.message)))
                    // A stray quote, bad UTF-8 or an overlong line spoils one line; anything else
                    // (an unterminated quote, a read error) ends the input.
                    if !csv!.hasFailed { continue }
                    finished = true
                    break
                }
                guard let record else {
                    finished = true
                    break
                }
                if record.fields.count == 1 && record.fields[0].isEmpty { continue }  // blank line
                let location = "line \(record.line)"
                func field(_ i: Int) -> String? { i < record.fields.count ? record.fields[i] : nil }
                guard let lonText = field(lonAt), let latText = field(latAt) else {
                    out.append(.problem(BatchQueryProblem(location: location, line: record.line, message: "\(record.fields.count) field(s), but lon and lat are columns \(lonAt + 1) and \(latAt + 1)", id: idAt.flatMap(field))))
                    continue
                }
                guard let lon = BatchQueryReader.number(lonText), lon.isFinite else {
                    out.append(.problem(BatchQueryProblem(location: location, line: record.line, message: "lon \"\(lonText)\" is not a number", id: idAt.flatMap(field))))
                    continue
                }
                guard let lat = BatchQueryReader.number(latText), lat.isFinite else {
                    out.append(.problem(BatchQueryProblem(location: location, line: record.line, message: "lat \"\(latText)\" is not a number", id: idAt.flatMap(field))))
                    continue
                }
                out.append(BatchQueryReader.check(BatchQuery(location: location, line: record.line, id: idAt.flatMap(field), lon: lon, lat: lat)))
            }
        case .ndjson:
            while out.count < max {
                let next: (Int, ArraySlice<UInt8>)?
                do {
                    next = try BatchQueryReader.reading(name) { try lines!.nextLine() }
                } catch let tooLong as LineReader.LineTooLong {
                    // The line was skipped as it streamed by; the next ones are still read.
                    out.append(.problem(BatchQueryProblem(location: "line \(tooLong.line)", line: tooLong.line, message: tooLong.reason)))
                    continue
                }
                guard let (lineNumber, bytes) = next else { break }
                let location = "line \(lineNumber)"
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                out.append(BatchQueryReader.parseNDJSON(bytes, line: lineNumber, location: location))
            }
        }
        return out
    }

    /// A number from a CSV field, ignoring spaces around it (a hot path: no Foundation trimming).
    static func number(_ text: String) -> Double? {
        if let n = text.utf8.withContiguousStorageIfAvailable(plainDecimal) ?? nil { return n }
        // Only decimal numbers: `Double(_:)` would also read "0x71" as 113.
        var utf8 = Substring(text).utf8
        while let first = utf8.first, first == 0x20 || first == 0x09 { utf8 = utf8.dropFirst() }
        while let last = utf8.last, last == 0x20 || last == 0x09 { utf8 = utf8.dropLast() }
        guard CSVFormat.isPlainNumber(utf8) else { return nil }
        return Double(Substring(utf8))
    }

    /// Exact powers of ten, 10^0 through 10^22 (every one is a `Double` exactly).
    private static let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { p, _ in p * 10 } }

    /// The value of a plain decimal such as `-113.133655` (an optional minus, digits, optionally a
    /// point and more digits), when it can be computed exactly the way `Double(_:)` rounds it: at
    /// most 15 significant digits and 22 decimals, so that the digits and the power of ten are
    /// both exact and the one division rounds correctly (Clinger's fast path). Anything else
    /// (more digits, exponents, signs, spaces, "inf") is nil, for `Double(_:)` to read.
    static func plainDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let negative = !bytes.isEmpty && bytes[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var digits: UInt64 = 0
        var count = 0
        var decimals = 0
        var seenPoint = false
        var any = false
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 {
                any = true
                if digits != 0 || b != 0x30 { count += 1 }
                guard count <= 15 else { return nil }
                digits = digits * 10 + UInt64(b - 0x30)
                if seenPoint { decimals += 1 }
            } else if b == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else {
                return nil
            }
            i += 1
        }
        guard any, decimals <= 22 else { return nil }
        let value = Double(digits) / exactPowersOfTen[decimals]
        return negative ? -value : value
    }

    static func parseNDJSON(_ bytes: ArraySlice<UInt8>, line: Int, location: String) -> BatchQueryItem {
        let value: JSONValue, duplicateKeys: [JSONParser.DuplicateKey]
        do {
            (value, duplicateKeys) = try bytes.withUnsafeBufferPointer { try JSONParser.parseDocument(in: $0) }
        } catch let error as JSONParseError {
            return .problem(BatchQueryProblem(location: location, line: line, message: "not valid JSON (column \(error.column)): \(error.message)"))
        } catch {
            return .problem(BatchQueryProblem(location: location, line: line, message: "\(error)"))
        }
        guard case let .object(o) = value else {
            return .problem(BatchQueryProblem(location: location, line: line, message: "expected an object {\"id\",\"lon\",\"lat\"}, found \(value.typeName)"))
        }
        var id: String?
        switch o["id"] {
        case let .string(s)?: id = s
        case let v? where v.numberText != nil: id = v.numberText
        default: break
        }
        // A key given twice makes the query ambiguous (which "lon" was meant?). Answering with the
        // last value, as layers do with a warning, could answer a point nobody asked about, and a
        // warning on stderr would not reach the NDJSON output; so it is an error line, like any
        // line that cannot be answered for sure.
        if let duplicate = duplicateKeys.first {
            return .problem(BatchQueryProblem(location: location, line: line, message: "the key \"\(duplicate.key)\" appears more than once; give each key once", id: id))
        }
        func number(_ key: String) -> Double? {
            switch o[key] {
            case let v? where v.numberValue != nil: return v.numberValue
            case let .string(s)?: return CSVFormat.decimal(s)
            default: return nil
            }
        }
        guard let lon = number("lon") ?? number("lng") else {
            return .problem(BatchQueryProblem(location: location, line: line, message: "\"lon\" is missing or not a number", id: id))
        }
        guard let lat = number("lat") else {
            return .problem(BatchQueryProblem(location: location, line: line, message: "\"lat\" is missing or not a number", id: id))
        }
        return check(BatchQuery(location: location, line: line, id: id, lon: lon, lat: lat))
    }
}
