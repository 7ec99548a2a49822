import ArgumentParser
import Foundation
import Geo
import Stations

extension MapDatum: ExpressibleByArgument {}
extension BatchInputFormat: ExpressibleByArgument {}

/// `nuanxin convert`: between WGS84, GCJ-02 and BD-09, for one point or a file of points.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert coordinates between WGS84, GCJ-02 (AMap, Tencent) and BD-09 (Baidu).",
        discussion: """
        One point with --lon/--lat, or a file with --input (CSV with an id,lon,lat header, NDJSON or \
        GeoJSON points; - for standard input). A file is written as CSV id,lon,lat (--format csv, the \
        default) or NDJSON (--format json), in input order; bad lines are reported with their line \
        number and the exit code is then 65.
        """
    )

    @Option(help: "Datum of the input: wgs84, gcj02 or bd09.")
    var from: MapDatum

    @Option(help: "Datum of the output: wgs84, gcj02 or bd09.")
    var to: MapDatum

    @Option(parsing: .unconditional, help: "Longitude of one point.", transform: FlagRange.longitude.parse)
    var lon: Double?

    @Option(parsing: .unconditional, help: "Latitude of one point.", transform: FlagRange.latitude.parse)
    var lat: Double?

    @Option(help: "A file of points (CSV, NDJSON or GeoJSON), or - for standard input.")
    var input: String?

    @Option(name: .customLong("input-format"), help: "Input format when the file name does not say: csv, ndjson or geojson.")
    var inputFormat: BatchInputFormat?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if input != nil {
            if lon != nil || lat != nil { throw ValidationError("give either --lon/--lat or --input, not both") }
            return
        }
        guard let lon, let lat else { throw ValidationError("give --lon and --lat (or --input FILE)") }
        guard lon.isFinite, (-180...180).contains(lon) else { throw ValidationError("--lon \(lon) is outside -180...180") }
        guard lat.isFinite, (-90...90).contains(lat) else { throw ValidationError("--lat \(lat) is outside -90...90") }
    }

    func run() throws {
        guard let input else {
            let c = MapDatum.convert(Coordinate(lon: lon!, lat: lat!), from: from, to: to)
            if let problem = QueryProjector.rangeProblem(c, Coordinate(lon: lon!, lat: lat!), from: from, to: to) {
                throw CLIFailure(status: .usage, message: "--lon/--lat \(problem)")
            }
            try output.emit("{\"lon\":\(JSONValue.format(coordinate: c.lon, decimals: 8)),\"lat\":\(JSONValue.format(coordinate: c.lat, decimals: 8))}\n")
            return
        }
        let asJSON: Bool
        switch try output.chosen(ndjson: true) {
        case nil, .csv?: asJSON = false
        case .json?: asJSON = true
        case let other?: throw CLIFailure(status: .usage, message: "--format \(other.rawValue) is not available for convert --input (use csv or json)")
        }
        let (reader, name) = try openBatchInput(input, format: inputFormat)
        var problems = 0
        let write: (FileHandle) throws -> Void = { out in
            if !asJSON { try out.write(contentsOf: Array("id,lon,lat\n".utf8)) }
            while true {
                let items = try reader.next(max: 1 << 14)
                if items.isEmpty { break }
                var rows: [[String]] = []
                var text = ""
                for item in items {
                    switch item {
                    case let .query(q):
                        let c = MapDatum.convert(Coordinate(lon: q.lon, lat: q.lat), from: from, to: to)
                        if let problem = QueryProjector.rangeProblem(c, Coordinate(lon: q.lon, lat: q.lat), from: from, to: to) {
                            problems += 1
                            printError("nuanxin: \(name): \(q.location): \(problem)")
                            continue
                        }
                        let lonText = JSONValue.format(coordinate: c.lon, decimals: 8), latText = JSONValue.format(coordinate: c.lat, decimals: 8)
                        if asJSON {
                            text += "{\"id\":"
                            (q.id.map(JSONValue.string) ?? .null).write(to: &text)
                            text += ",\"lon\":\(lonText),\"lat\":\(latText)}\n"
                        } else {
                            rows.append([q.id ?? "", lonText, latText])
                        }
                    case let .problem(p):
                        problems += 1
                        printError("nuanxin: \(name): \(p)")
                    }
                }
                if asJSON {
                    try out.write(contentsOf: Data(text.utf8))
                } else {
                    try out.write(contentsOf: CSVWriter.encode(rows, format: .machine))
                }
            }
        }
        if let path = output.out { try AtomicFile.write(to: path, write) } else { try writingStandardOutput { try write(.standardOutput) } }
        if problems > 0 { throw CLIFailure(status: .dataError, message: "\(name): \(problems) line(s) could not be converted; the others were") }
    }
}
