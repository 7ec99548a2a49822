import ArgumentParser
import Foundation
import Geo
import Stations

/// `nuanxin nearest`: the k nearest stations to one point, or to every point of a batch file.
struct NearestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nearest",
        abstract: "The k nearest stations with geodesic distance in metres, for one point or a batch file.",
        discussion: """
        Batch: --input FILE (or - for standard input) holding CSV with an id,lon,lat header, NDJSON \
        objects {"id","lon","lat"}, or GeoJSON points. Results stream in input order: NDJSON (json) \
        or CSV (query_id,rank,station_id,distance_m). A malformed line is reported on stderr with its \
        line number, the others are still answered, and the exit code is then 65. \
        Ranking and --max-distance use straight-line metres in the dataset's metric CRS; reported \
        distances are geodesic (WGS84). Every station tied at the k-th distance is returned. \
        --at HH:MM keeps only the stations open at that time.
        """
    )

    @Option(parsing: .unconditional, help: "Longitude of the query point.", transform: FlagRange.longitude.parse)
    var lon: Double?

    @Option(parsing: .unconditional, help: "Latitude of the query point.", transform: FlagRange.latitude.parse)
    var lat: Double?

    @Option(name: .short, parsing: .unconditional, help: "How many stations (ties at the k-th distance are all returned).", transform: IntegerFlag.atLeastOne.parse)
    var k: Int = 1

    @Option(name: .customLong("max-distance"), parsing: .unconditional, help: "Only stations within this many metres.", transform: FlagRange.distance.parse)
    var maxDistance: Double?

    @Option(help: "Batch input: a CSV, NDJSON or GeoJSON file, or - for standard input.")
    var input: String?

    @Option(name: .customLong("input-format"), help: "Batch input format when the file name does not say: csv, ndjson or geojson.")
    var inputFormat: BatchInputFormat?

    @OptionGroup var filters: StationFilterOptions
    @OptionGroup var time: TimeOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard k >= 1 else { throw ValidationError("-k must be at least 1") }
        try FlagRange.distance.check("--max-distance", maxDistance)
        if input == nil { try QueryPointOptions.validate(lon: lon, lat: lat) }
        if input != nil, lon != nil || lat != nil { throw ValidationError("give either --lon/--lat or --input, not both") }
    }

    func run() throws {
        if let input {
            try BatchNearest(command: self, input: input).run()
            return
        }
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try dataset.load(time: time, layers: [.districts, .stations], usesSeats: false)
        let locator = try StationLocator(stations: data.stations)
        let projector = try QueryProjector(datum: dataset.inputCRS, crs: data.manifest.crs)
        let q = try projector.project(lon: lon!, lat: lat!)
        // As within's radius: the whole --max-distance circle must lie where the CRS measures in metres.
        if let maxDistance { try projector.checkReach(q, radiusM: maxDistance, flag: "--max-distance") }
        let matches = locator.nearest(projected: q.projected, lonLat: q.wgs84, k: k, filter: time.openFilter(filters.filter, data), maxDistance: maxDistance)
        switch format {
        case .json: try output.emit(StationResultText.document(query: q, matches: matches, dataset: data).serialized(realKeys: ResultFields.stations) + "\n")
        case .geojson: try output.emit(StationResultText.geoJSON(matches, data, query: q))
        case .csv: try output.emit(StationResultText.csv(matches, data, queryID: ""))
        case .table: try output.emit(StationResultText.table(matches, data))
        case .gpkg: throw OutputFormat.geoPackageOnlyOnExport
        }
    }
}
