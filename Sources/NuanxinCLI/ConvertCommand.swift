import ArgumentParser
import Geo

extension MapDatum: ExpressibleByArgument {}

/// `nuanxin convert`: between WGS84, GCJ-02 and BD-09.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert coordinates between WGS84, GCJ-02 (AMap, Tencent) and BD-09 (Baidu)."
    )

    @Option(help: "Datum of the input: wgs84, gcj02 or bd09.")
    var from: MapDatum

    @Option(help: "Datum of the output: wgs84, gcj02 or bd09.")
    var to: MapDatum

    @Option(help: "Longitude of one point.")
    var lon: Double?

    @Option(help: "Latitude of one point.")
    var lat: Double?

    func validate() throws {
        guard let lon, let lat else { throw ValidationError("give --lon and --lat") }
        guard (-180...180).contains(lon) else { throw ValidationError("--lon \(lon) is outside -180...180") }
        guard (-90...90).contains(lat) else { throw ValidationError("--lat \(lat) is outside -90...90") }
    }

    func run() throws {
        try runReportingErrors {
            let c = MapDatum.convert(Coordinate(lon: lon!, lat: lat!), from: from, to: to)
            print("{\"lon\":\(JSONValue.format(coordinate: c.lon, decimals: 8)),\"lat\":\(JSONValue.format(coordinate: c.lat, decimals: 8))}")
        }
    }
}
