import Geo

/// Everything the report draws, as plain values in WGS84 lon/lat. The renderer does no planning and
/// no I/O: callers fill this from the planning results (`ReportData(dataset:...)` does it for a
/// loaded dataset) and the same value always gives the same bytes.
public struct ReportData: Sendable {
    public struct District: Sendable {
        public var id: String
        public var name: String
        public var nameEN: String?
        /// `district`, `county` or `zone` (zones overlap districts and are drawn as outlines).
        public var kind: String
        public var geometry: Geometry
        /// A point inside the polygon for the label (GEOS point on surface); nil: no label.
        public var labelPoint: Coordinate?
        public var demand: Double
        public var covered: Double
        public var served: Double
        public var seats: Int
        public var stations: Int
        public var utilisationPct: Double
        public var overloaded: [String]
        /// The proposals' measure (see `proposalMeasure`) before and after them, when proposals were
        /// made for this district.
        public var proposedPctBefore: Double?
        public var proposedPctAfter: Double?
        /// Sites proposed in this district.
        public var proposedSites: Int
        /// The proven upper bound on the measure for that many sites.
        public var proposedBoundPct: Double?

        public var coveredPct: Double { demand > 0 ? 100 * covered / demand : 0 }
        public var servedPct: Double { demand > 0 ? 100 * served / demand : 0 }
        public var isZone: Bool { kind == "zone" }

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

    public struct Station: Sendable {
        public var id: String
        public var name: String
        public var kind: String
        public var district: String?
        /// Seats used for planning (the manifest default where the station does not say).
        public var seats: Int
        public var hours: String?
        public var services: [String]
        public var location: Coordinate
        public var offersRest: Bool
        /// Riders assigned to the station at peak, when computed.
        public var load: Double?
        /// Catchment over capacity (planning in time); nil draws the station in the neutral colour.
        public var pressure: Double?

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

    public struct Gap: Sendable {
        public var id: String
        public var district: String
        public var districtName: String
        public var rank: Int
        public var uncoveredDemand: Double
        public var areaKm2: Double
        public var geometry: Geometry

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

    public struct Area: Sendable {
        public var id: String
        public var name: String
        public var riderFriendly: Bool
        /// What the area audit found missing within reach (rest, parking, charging).
        public var missing: [String]
        public var geometry: Geometry

        public init(id: String, name: String, riderFriendly: Bool, missing: [String] = [], geometry: Geometry) {
            self.id = id
            self.name = name
            self.riderFriendly = riderFriendly
            self.missing = missing
            self.geometry = geometry
        }
    }

    public struct Parking: Sendable {
        public var id: String
        public var name: String?
        public var slots: Int?
        public var charging: Bool
        /// A polygon or a point.
        public var geometry: Geometry

        public init(id: String, name: String? = nil, slots: Int? = nil, charging: Bool = false, geometry: Geometry) {
            self.id = id
            self.name = name
            self.slots = slots
            self.charging = charging
            self.geometry = geometry
        }
    }

    public struct Proposal: Sendable {
        public var id: String
        public var district: String
        public var districtName: String
        public var rank: Int
        /// Demand newly covered or served (see `measure`).
        public var gain: Double
        public var pctAfter: Double
        public var seats: Int
        public var location: Coordinate

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
        public var demand: Double
        public var covered: Double
        public var served: Double
        public var seats: Int
        public var stations: Int

        public init(demand: Double, covered: Double, served: Double, seats: Int, stations: Int) {
            self.demand = demand
            self.covered = covered
            self.served = served
            self.seats = seats
            self.stations = stations
        }

        public var coveredPct: Double { demand > 0 ? 100 * covered / demand : 0 }
        public var servedPct: Double { demand > 0 ? 100 * served / demand : 0 }
    }

    /// The dataset's name, shown as the title.
    public var title: String
    public var radiusM: Double
    /// The dataset says it is illustrative: the map carries a watermark saying so.
    public var illustrative: Bool
    /// Source notes of the manifest, printed under the table.
    public var sourceNote: String?
    /// `served` or `covered`: what the proposals maximise.
    public var proposalMeasure: String
    /// Proposals asked per district (0: none were asked for).
    public var proposalCount: Int
    public var districts: [District]
    public var stations: [Station]
    public var gaps: [Gap]
    public var areas: [Area]
    public var parking: [Parking]
    public var proposals: [Proposal]
    /// Demand in no district, counted in the total only.
    public var outsideDemand: Double
    /// City-wide figures; nil: no demand model was run.
    public var total: Totals?
    /// Ids of the districts the map and the table focus on (empty: all).
    public var focus: [String]

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
