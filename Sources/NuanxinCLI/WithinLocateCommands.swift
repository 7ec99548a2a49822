import ArgumentParser
import Foundation
import Geo
import Stations

/// `nuanxin within`: every station within a radius, nearest first.
struct WithinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "within",
        abstract: "All stations within the radius of a point, nearest first, with geodesic distance in metres.",
        discussion: "--at HH:MM keeps only the stations open at that time."
    )

    @Option(parsing: .unconditional, help: "Longitude of the query point.", transform: FlagRange.longitude.parse)
    var lon: Double?

    @Option(parsing: .unconditional, help: "Latitude of the query point.", transform: FlagRange.latitude.parse)
    var lat: Double?

    @Option(parsing: .unconditional, help: "Radius in metres (straight-line in the dataset's metric CRS).", transform: FlagRange.distance.parse)
    var radius: Double

    @OptionGroup var filters: StationFilterOptions
    @OptionGroup var time: TimeOptions
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try QueryPointOptions.validate(lon: lon, lat: lat)
        try FlagRange.distance.check("--radius", radius)
    }

    func run() throws {
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try dataset.load(time: time, layers: [.districts, .stations], usesSeats: false)
        let locator = try StationLocator(stations: data.stations)
        let projector = try QueryProjector(datum: dataset.inputCRS, crs: data.manifest.crs)
        let q = try projector.project(lon: lon!, lat: lat!)
        // The whole circle, not only its centre, must lie where the CRS measures in metres.
        try projector.checkReach(q, radiusM: radius)
        let matches = locator.within(projected: q.projected, lonLat: q.wgs84, radius: radius, filter: time.openFilter(filters.filter, data))
        switch format {
        case .json: try output.emit(StationResultText.document(query: q, matches: matches, dataset: data, extra: [("radius_m", .number(radius))]).serialized(realKeys: ResultFields.stations) + "\n")
        case .geojson: try output.emit(StationResultText.geoJSON(matches, data, query: q, radius: radius))
        case .csv: try output.emit(StationResultText.csv(matches, data, queryID: ""))
        default: try output.emit(StationResultText.table(matches, data))
        }
    }
}

/// `nuanxin locate`: the divisions, commercial areas and parking zones containing a point, or
/// containing each point of a batch file.
struct LocateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "locate",
        abstract: "The district(s), zone(s), commercial area and parking zone containing a point, or each point of a batch file.",
        discussion: """
        Batch: --input FILE (or - for standard input) holding CSV with an id,lon,lat header, NDJSON \
        objects {"id","lon","lat"}, or GeoJSON points. One result per input line, in input order:
        NDJSON (json), CSV (query_id,districts,zones,commercial_areas,parking_zones,error) or a \
        GeoJSON FeatureCollection. A malformed line is reported on stderr with its line number and \
        keeps its place in the output; the others are still answered, and the exit code is then 65.
        """
    )

    @Option(parsing: .unconditional, help: "Longitude of the point.", transform: FlagRange.longitude.parse)
    var lon: Double?

    @Option(parsing: .unconditional, help: "Latitude of the point.", transform: FlagRange.latitude.parse)
    var lat: Double?

    @Option(help: "Batch input: a CSV, NDJSON or GeoJSON file, or - for standard input.")
    var input: String?

    @Option(name: .customLong("input-format"), help: "Batch input format when the file name does not say: csv, ndjson or geojson.")
    var inputFormat: BatchInputFormat?

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if input != nil, lon != nil || lat != nil { throw ValidationError("give either --lon/--lat or --input, not both") }
        if input == nil { try QueryPointOptions.validate(lon: lon, lat: lat) }
    }

    func run() throws {
        if let input {
            try BatchLocate(command: self, input: input).run()
            return
        }
        let format = try output.resolved(supported: [.table, .json, .geojson, .csv])
        let data = try dataset.load(layers: LocateCommand.layers, usesSeats: false)
        let q = try QueryProjector(datum: dataset.inputCRS, crs: data.manifest.crs).project(lon: lon!, lat: lat!)
        let found = try PlaceLocator(data).locate(q.projected)
        switch format {
        case .json: try output.emit(LocateText.json(found, id: nil, lon: q.given.lon, lat: q.given.lat) + "\n")
        case .geojson: try output.emit(GeoJSONWriter.collection([LocateText.feature(found, id: nil, point: q)]))
        case .csv: try output.emit(CSVWriter.encode([LocateText.csvHeader, LocateText.csvRow(found, id: nil)], format: .machine).string)
        default:
            var t = TextTable(["layer", "id", "name", "kind"])
            for d in found.divisions { t.add([d.kind == DivisionKind.zone.rawValue ? "zone" : "district", d.id, d.name ?? "", d.kind ?? ""]) }
            for a in found.areas { t.add(["commercial area", a.id, a.name ?? "", ""]) }
            for p in found.parking { t.add(["parking zone", p.id, p.name ?? "", ""]) }
            try output.emit(found.isEmpty ? "the point is in no district, area or parking zone\n" : t.render())
        }
    }

    static let layers: Set<Layer> = [.districts, .parking, .areas]
}
