import Geo

/// Everything the report draws, as plain values in WGS84 lon/lat. The renderer does no planning and
/// no I/O: callers fill this from the planning results (`ReportData(dataset:...)` does it for a
/// loaded dataset) and the same value always gives the same bytes.
public struct ReportData: Sendable {
    /// A division with its coverage figures and, when proposals were made, their result.
    public struct District: Sendable {
        /// The division's id in the dataset.
        public var id: String
        /// Its name (Chinese in the default dataset), drawn as the label.
        public var name: String
        /// Its English name, shown in the tooltip.
        public var nameEN: String?
        /// `district`, `county` or `zone` (zones overlap districts and are drawn as outlines).
        public var kind: String
        /// Polygon or MultiPolygon, WGS84 lon/lat.
        public var geometry: Geometry
        /// A point inside the polygon for the label (GEOS point on surface); nil: no label.
        public var labelPoint: Coordinate?
        /// Riders at peak in the division.
        public var demand: Double
        /// Riders with a rest station within the radius.
        public var covered: Double
        /// Riders that fit into the seats within reach.
        public var served: Double
        /// Seats of the division's own rest stations.
        public var seats: Int
        /// The division's own rest stations.
        public var stations: Int
        /// Served load of its own stations over their seats, in percent.
        public var utilisationPct: Double
        /// Ids of its overloaded stations.
        public var overloaded: [String]
        /// The proposals' measure (see `proposalMeasure`) before and after them, when proposals were
        /// made for this district.
        public var proposedPctBefore: Double?
        /// The same measure after them.
        public var proposedPctAfter: Double?
        /// Sites proposed in this district.
        public var proposedSites: Int
        /// The proven upper bound on the measure for that many sites.
        public var proposedBoundPct: Double?

        /// Covered over demand, in percent (0 without demand).
        public var coveredPct: Double { demand > 0 ? 100 * covered / demand : 0 }
        /// Served over demand, in percent (0 without demand); the shading.
        public var servedPct: Double { demand > 0 ? 100 * served / demand : 0 }
        /// A zone overlaps districts: drawn as a dashed outline, not shaded.
        public var isZone: Bool { kind == "zone" }

        /// Every figure as computed by the caller; the renderer only draws them.
        public init(id: String, name: String, nameEN: String? = nil, kind: String, geometry: Geometry, labelPoint: Coordinate? = nil,
                    demand: Double, covered: Double, served: Double, seats: Int, stations: Int, utilisationPct: Double = 0,
                    overloaded: [String] = [], proposedPctBefore: Double? = nil, proposedPctAfter: Double? = nil, proposedSites: Int = 0,
                    proposedBoundPct: Double? = nil) {
            self.id = id
            self.name = name
            self.nameEN = nameEN
            self.kind = kind
            self.geometry = geometry
            self.labelPoint = labelPoint
            self.demand = demand
            self.covered = covered
            self.served = served
            self.seats = seats
            self.stations = stations
            self.utilisationPct = utilisationPct
            self.overloaded = overloaded
            self.proposedPctBefore = proposedPctBefore
            self.proposedPctAfter = proposedPctAfter
            self.proposedSites = proposedSites
            self.proposedBoundPct = proposedBoundPct
        }
    }

    /// A station as drawn: a circle sized by seats (a diamond when it offers no rest), coloured by pressure.
    public struct Station: Sendable {
        /// The station's id in the dataset.
        public var id: String
        /// Its name, first line of the tooltip.
        public var name: String
        /// Its kind code (`warm_station`, `charging_point`, ...).
        public var kind: String
        /// The id of its division, shown by name in the tooltip.
        public var district: String?
        /// Seats used for planning (the manifest default where the station does not say).
        public var seats: Int
        /// Opening hours as given (nil: always open).
        public var hours: String?
        /// Service codes, in the order of the dataset.
        public var services: [String]
        /// WGS84 lon/lat.
        public var location: Coordinate
        /// Whether it counts as a rest station in the coverage that was computed.
        public var offersRest: Bool
        /// Riders assigned to the station at peak, when computed.
        public var load: Double?
        /// Catchment over capacity (planning in time); nil draws the station in the neutral colour.
        public var pressure: Double?

        /// A station; `load` and `pressure` stay nil where they were not computed.
        public init(id: String, name: String, kind: String, district: String? = nil, seats: Int, hours: String? = nil, services: [String] = [],
                    location: Coordinate, offersRest: Bool = true, load: Double? = nil, pressure: Double? = nil) {
            self.id = id
            self.name = name
            self.kind = kind
            self.district = district
            self.seats = seats
            self.hours = hours
            self.services = services
            self.location = location
            self.offersRest = offersRest
            self.load = load
            self.pressure = pressure
        }
    }

    /// Uncovered demand in one division, as the `gaps` command finds it.
    public struct Gap: Sendable {
        /// The gap's id, `DISTRICT-gap-RANK`.
        public var id: String
        /// The division's id.
        public var district: String
        /// The division's name.
        public var districtName: String
        /// Rank in its division by uncovered demand (1 is the largest).
        public var rank: Int
        /// Riders at peak inside it with no rest station within the radius.
        public var uncoveredDemand: Double
        /// Its area in km².
        public var areaKm2: Double
        /// Polygon or MultiPolygon, WGS84 lon/lat.
        public var geometry: Geometry

        /// A gap as the caller found it.
        public init(id: String, district: String, districtName: String, rank: Int, uncoveredDemand: Double, areaKm2: Double, geometry: Geometry) {
            self.id = id
            self.district = district
            self.districtName = districtName
            self.rank = rank
            self.uncoveredDemand = uncoveredDemand
            self.areaKm2 = areaKm2
            self.geometry = geometry
        }
    }

    /// A commercial area with what the area audit found missing near it.
    public struct Area: Sendable {
        /// The area's id in the dataset.
        public var id: String
        /// Its name.
        public var name: String
        /// Rider-friendly areas are drawn darker.
        public var riderFriendly: Bool
        /// What the area audit found missing within reach (rest, parking, charging).
        public var missing: [String]
        /// Polygon, WGS84 lon/lat.
        public var geometry: Geometry

        /// An area and the facilities missing within reach of it.
        public init(id: String, name: String, riderFriendly: Bool, missing: [String] = [], geometry: Geometry) {
            self.id = id
            self.name = name
            self.riderFriendly = riderFriendly
            self.missing = missing
            self.geometry = geometry
        }
    }

    /// A rider parking zone.
    public struct Parking: Sendable {
        /// The zone's id in the dataset.
        public var id: String
        /// Its name, if any (the tooltip falls back to the id).
        public var name: String?
        /// Parking slots, if known.
        public var slots: Int?
        /// Whether it offers charging.
        public var charging: Bool
        /// A polygon or a point.
        public var geometry: Geometry

        /// A parking zone; a point zone is drawn as a small square.
        public init(id: String, name: String? = nil, slots: Int? = nil, charging: Bool = false, geometry: Geometry) {
            self.id = id
            self.name = name
            self.slots = slots
            self.charging = charging
            self.geometry = geometry
        }
    }

    /// A proposed new site, drawn as a numbered disc.
    public struct Proposal: Sendable {
        /// The site's id (the candidate's or the grid cell's).
        public var id: String
        /// The id of the division it was chosen for.
        public var district: String
        /// That division's name.
        public var districtName: String
        /// Rank in its division (1 is chosen first), the number on the disc.
        public var rank: Int
        /// Demand newly covered or served (see `measure`).
        public var gain: Double
        /// The division's measure (`proposalMeasure`) after this site and those ranked before it, in percent.
        public var pctAfter: Double
        /// Suggested seats.
        public var seats: Int
        /// WGS84 lon/lat.
        public var location: Coordinate

        /// A site as the proposals gave it.
        public init(id: String, district: String, districtName: String, rank: Int, gain: Double, pctAfter: Double, seats: Int, location: Coordinate) {
            self.id = id
            self.district = district
            self.districtName = districtName
            self.rank = rank
            self.gain = gain
            self.pctAfter = pctAfter
            self.seats = seats
            self.location = location
        }
    }

    /// City-wide figures (zones overlap districts, so these are not the sum of the rows).
    public struct Totals: Sendable {
        /// Riders at peak, each counted once.
        public var demand: Double
        /// Riders with a rest station within the radius.
        public var covered: Double
        /// Riders that fit into the seats within reach.
        public var served: Double
        /// Seats of all rest stations.
        public var seats: Int
        /// Rest stations.
        public var stations: Int

        /// The city-wide figures of a coverage report.
        public init(demand: Double, covered: Double, served: Double, seats: Int, stations: Int) {
            self.demand = demand
            self.covered = covered
            self.served = served
            self.seats = seats
            self.stations = stations
        }

        /// Covered over demand, in percent.
        public var coveredPct: Double { demand > 0 ? 100 * covered / demand : 0 }
        /// Served over demand, in percent.
        public var servedPct: Double { demand > 0 ? 100 * served / demand : 0 }
    }

    /// The dataset's name, shown as the title.
    public var title: String
    /// The service radius the figures were computed with, in metres.
    public var radiusM: Double
    /// The dataset says it is illustrative: the map carries a watermark saying so.
    public var illustrative: Bool
    /// Source notes of the manifest, printed under the table.
    public var sourceNote: String?
    /// `served` or `covered`: what the proposals maximise.
    public var proposalMeasure: String
    /// Proposals asked per district (0: none were asked for).
    public var proposalCount: Int
    /// Every division, zones included.
    public var districts: [District]
    /// Every station of the dataset.
    public var stations: [Station]
    /// The gaps, ranked per division.
    public var gaps: [Gap]
    /// The commercial areas.
    public var areas: [Area]
    /// The rider parking zones.
    public var parking: [Parking]
    /// The proposed sites, ranked per division.
    public var proposals: [Proposal]
    /// Demand in no district, counted in the total only.
    public var outsideDemand: Double
    /// City-wide figures; nil: no demand model was run.
    public var total: Totals?
    /// Ids of the districts the map and the table focus on (empty: all).
    public var focus: [String]

    /// A report from its parts; everything but the title and the radius may be empty.
    public init(title: String, radiusM: Double, illustrative: Bool = false, sourceNote: String? = nil, proposalMeasure: String = "served",
                proposalCount: Int = 0, districts: [District] = [], stations: [Station] = [], gaps: [Gap] = [], areas: [Area] = [],
                parking: [Parking] = [], proposals: [Proposal] = [], outsideDemand: Double = 0, total: Totals? = nil, focus: [String] = []) {
        self.title = title
        self.radiusM = radiusM
        self.illustrative = illustrative
        self.sourceNote = sourceNote
        self.proposalMeasure = proposalMeasure
        self.proposalCount = proposalCount
        self.districts = districts
        self.stations = stations
        self.gaps = gaps
        self.areas = areas
        self.parking = parking
        self.proposals = proposals
        self.outsideDemand = outsideDemand
        self.total = total
        self.focus = focus
    }

    /// Nothing to draw: no district, station, area, parking zone or proposal.
    public var isEmpty: Bool {
        districts.isEmpty && stations.isEmpty && areas.isEmpty && parking.isEmpty && proposals.isEmpty && gaps.isEmpty
    }

    /// The same data in a fixed order (by id; gaps and proposals by district, then rank), so that
    /// the output never depends on the order of features in the files.
    public func sorted() -> ReportData {
        var d = self
        d.districts.sort { $0.id < $1.id }
        d.stations.sort { $0.id < $1.id }
        d.gaps.sort { ($0.district, $0.rank, $0.id) < ($1.district, $1.rank, $1.id) }
        d.areas.sort { $0.id < $1.id }
        d.parking.sort { $0.id < $1.id }
        d.proposals.sort { ($0.district, $0.rank, $0.id) < ($1.district, $1.rank, $1.id) }
        d.focus.sort()
        return d
    }
}
