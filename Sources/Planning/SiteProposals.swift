import Geo
import Optimization
import Stations

/// Site proposals per district (SPEC: `propose`): keep the existing stations, choose new sites inside
/// the district from `candidates.geojson` or, where the district has none, from the centres of a
/// square grid (`gridM`) that could cover demand not yet covered, and maximise the district's own
/// demand newly covered (served, when capacitated) with `selectSites`.
///
/// Capacitated mode: a new site seats at most its `max_seats` (file candidates) or `seats`; the
/// existing stations' seats first serve the demand of other divisions that reaches them (a maximum
/// flow), and what is left is available to the district's own demand.
public struct SiteProposals: Sendable {
    public struct Settings: Sendable {
        public var radiusM: Double
        public var gridM: Double
        /// Seats of a new site without max_seats (nil: the manifest's default_seats).
        public var seats: Int?
        public var capacitated: Bool
        public var goal: SiteSelectionGoal
        /// Kinds that offer rest (nil: SPEC's rule).
        public var kinds: [StationKind]?
        public var nodeLimit: Int

        public init(radiusM: Double, gridM: Double = 250, seats: Int? = nil, capacitated: Bool = true, goal: SiteSelectionGoal,
                    kinds: [StationKind]? = nil, nodeLimit: Int = 20_000) {
            self.radiusM = radiusM
            self.gridM = gridM
            self.seats = seats
            self.capacitated = capacitated
            self.goal = goal
            self.kinds = kinds
            self.nodeLimit = nodeLimit
        }
    }

    public struct Site: Sendable {
        public var rank: Int
        /// The candidate's id, or a grid cell's id (`grid-<district>-<col>-<row>`).
        public var id: String
        /// Set when the site came from candidates.geojson.
        public var candidateID: String?
        public var location: Coordinate
        public var projected: Coordinate
        /// Demand of the district newly covered (served, when capacitated) given the sites ranked before.
        public var gain: Double
        /// The district's covered (served) percentage once this and the higher-ranked sites exist.
        public var coveredPctAfter: Double
        public var suggestedSeats: Int
        /// Demand of other divisions newly covered by this site (not counted in gain).
        public var spillover: Double
    }

    public struct District: Sendable {
        public var index: Int
        public var id: String
        public var name: String
        /// "candidates" or "grid".
        public var candidateSource: String
        public var candidateCount: Int
        public var demand: Double
        public var coveredPctBefore: Double
        public var coveredPctAfter: Double
        public var upperBoundPct: Double
        public var optimal: Bool
        public var sites: [Site]
        public var selection: SiteSelection
    }

    public var settings: Settings
    public var districts: [District]

    public init(dataset: Dataset, demand: DemandModel, coverage: CoverageReport, districts selected: [Int]?, settings: Settings,
                progress: (@Sendable (String, SelectionProgress) -> Void)? = nil) throws {
        self.settings = settings
        let chosen = selected ?? dataset.districts.indices.filter { dataset.districts[$0].kind != .zone }
        let back = try CoordinateTransformer.shared(from: dataset.manifest.crs, to: .wgs84)
        let lookup = try DistrictLookup(dataset.districts)
        let candidateDivisions = try dataset.candidates.map { try lookup.divisions(containing: $0.projected) }
        let allUnits = try PointIndex(demand.units.map(\.projected))
        let rest = dataset.stations.indices.filter { i in settings.kinds.map { $0.contains(dataset.stations[i].kind) } ?? dataset.stations[i].offersRest }
        let restIndex = try PointIndex(rest.map { dataset.stations[$0].projected })
        let defaultSeats = Double(settings.seats ?? dataset.manifest.defaultSeats)

        var out: [District] = []
        for d in chosen {
            let district = dataset.districts[d]
            let local = demand.units.indices.filter { demand.units[$0].divisions.contains(d) }
            let localPosition = Dictionary(uniqueKeysWithValues: local.enumerated().map { ($1, $0) })
            let weights = local.map { demand.units[$0].weight }
            let localIndex = try PointIndex(local.map { demand.units[$0].projected })

            // Candidates: the file's inside this district, else grid centres near uncovered demand.
            var sources: [(id: String, candidateID: String?, projected: Coordinate, seats: Double)] = []
            let fromFile = dataset.candidates.indices.filter { candidateDivisions[$0].contains(d) }
            let source: String
            if !fromFile.isEmpty {
                source = "candidates"
                for i in fromFile {
                    let c = dataset.candidates[i]
                    sources.append((c.id, c.id, c.projected, c.maxSeats.map(Double.init) ?? defaultSeats))
                }
            } else {
                source = "grid"
                let uncovered = local.filter { !coverage.unitCovered[$0] || (settings.capacitated && coverage.unitServed[$0] + 1e-9 < demand.units[$0].weight) }
                let uncoveredIndex = try PointIndex(uncovered.map { demand.units[$0].projected })
                if !uncovered.isEmpty, let env = district.projected.envelope {
                    let g = settings.gridM
                    let cells = gridCells(minX: env.minX, minY: env.minY, maxX: env.maxX, maxY: env.maxY, cell: g)
                    if cells > Double(maximumGridCells) {
                        throw PlanningError.limitExceeded(
                            "\(district.id) \(district.name): its candidate grid would have \(Int(min(cells, 9e18))) cells of \(JSONValue.format(number: g)) m (--grid-m), more than the limit of \(maximumGridCells) cells; give a larger --grid-m or a candidates file")
                    }
                    let prepared = try PreparedGeometry(district.projected)
                    var row = Int((env.minY / g).rounded(.down))
                    while Double(row) * g <= env.maxY {
                        var col = Int((env.minX / g).rounded(.down))
                        while Double(col) * g <= env.maxX {
                            let centre = Coordinate(x: (Double(col) + 0.5) * g, y: (Double(row) + 0.5) * g)
                            if !uncoveredIndex.nearest(to: centre, k: 1, maxDistance: settings.radiusM).isEmpty, try prepared.covers(centre) {
                                sources.append(("grid-\(district.id)-\(col)-\(row)", nil, centre, defaultSeats))
                            }
                            col += 1
                        }
                        row += 1
                    }
                }
            }
            let candidates = sources.map { s in
                SiteCandidate(id: s.id, covers: localIndex.within(radius: settings.radiusM, of: s.projected).map(\.index),
                              seats: settings.capacitated ? s.seats : .infinity)
            }

            var problem = SiteSelectionProblem(weights: weights, candidates: candidates)
            if settings.capacitated {
                // Seats left for this district once other divisions' demand is served.
                let outside = demand.units.indices.filter { localPosition[$0] == nil }
                var outsideBatch = NeighborBatch()
                restIndex.within(radius: settings.radiusM, of: outside.map { demand.units[$0].projected }, into: &outsideBatch)
                let outsideReach = try Reach(rowCount: outside.count, columnCount: rest.count, offsets: outsideBatch.offsets, columns: outsideBatch.indices.map { Int32($0) })
                let seats = rest.map { Double(dataset.seats(of: dataset.stations[$0])) }
                let used = try maximumAssignment(weights: outside.map { demand.units[$0].weight }, capacities: seats, reach: outsideReach)
                var localBatch = NeighborBatch()
                restIndex.within(radius: settings.radiusM, of: local.map { demand.units[$0].projected }, into: &localBatch)
                let localReach = try Reach(rowCount: local.count, columnCount: rest.count, offsets: localBatch.offsets, columns: localBatch.indices.map { Int32($0) })
                problem.existing = ExistingStations(capacities: zip(seats, used.stationLoad).map { max(0, $0 - $1) }, reach: localReach)
            } else {
                problem.alreadyCovered = local.map { coverage.unitCovered[$0] ? demand.units[$0].weight : 0 }
            }
            let name = district.name
            let selection = try selectSites(problem, goal: settings.goal, options: SiteSelectionOptions(
                capacitated: settings.capacitated, nodeLimit: settings.nodeLimit,
                progress: progress.map { callback in { @Sendable p in callback(name, p) } }))

            // Sites in rank order with cumulative percentages and spillover into other divisions.
            var sites: [Site] = []
            var cumulative = selection.baseline
            var spilled = Set<Int>()
            for (rank, chosen) in selection.sites.enumerated() {
                let s = sources[chosen.candidateIndex]
                cumulative += chosen.gain
                var spill = 0.0
                for n in allUnits.within(radius: settings.radiusM, of: s.projected) {
                    let u = n.index
                    guard localPosition[u] == nil, !coverage.unitCovered[u], !spilled.contains(u) else { continue }
                    spilled.insert(u)
                    spill += demand.units[u].weight
                }
                sites.append(Site(rank: rank + 1, id: s.id, candidateID: s.candidateID, location: try back.transform(s.projected), projected: s.projected,
                                  gain: chosen.gain, coveredPctAfter: selection.totalDemand > 0 ? 100 * cumulative / selection.totalDemand : 0,
                                  suggestedSeats: chosen.suggestedSeats, spillover: spill))
            }
            out.append(District(index: d, id: district.id, name: district.name, candidateSource: source, candidateCount: candidates.count,
                                demand: selection.totalDemand, coveredPctBefore: selection.percentBefore, coveredPctAfter: selection.percentAfter,
                                upperBoundPct: selection.upperBoundPercent, optimal: selection.provenOptimal, sites: sites, selection: selection))
        }
        districts = out
    }
}
