import Geo
import Planning
import Stations

extension ReportData {
    /// The report's data from a loaded dataset and the planning results the other commands compute
    /// (coverage, gaps, the area audit, proposals). Label points are GEOS points on surface.
    ///
    /// - Parameters:
    ///   - focus: indices of the districts the report is about (nil: all).
    ///   - proposalMeasure: `served` (capacitated proposals) or `covered`.
    ///   - pressure: per station id, catchment over capacity where computed; stations without it are
    ///     drawn in the neutral colour ("load not computed").
    public init(dataset: Dataset, coverage: CoverageReport, gaps: GapReport?, audit: AreaAudit?, proposals: SiteProposals?,
                proposalMeasure: String = "served", proposalCount: Int = 0, focus: [Int]? = nil, pressure: [String: Double] = [:]) throws {
        let manifest = dataset.manifest
        let illustrative = manifest.properties["illustrative"]?.boolValue ?? false
        let rowByID = Dictionary(coverage.rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let proposedByID = Dictionary((proposals?.districts ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var districts: [District] = []
        for d in dataset.districts {
            let row = rowByID[d.id]
            var label: Coordinate?
            if case let .point(c)? = try? d.geometry.pointOnSurface() { label = c }
            let proposed = proposedByID[d.id]
            districts.append(District(
                id: d.id, name: d.name, nameEN: d.nameEN, kind: d.kind.rawValue, geometry: d.geometry, labelPoint: label,
                demand: row?.demand ?? 0, covered: row?.covered ?? 0, served: row?.served ?? 0, seats: row?.seats ?? 0,
                stations: row?.stations ?? 0, utilisationPct: row?.utilisationPct ?? 0, overloaded: row?.overloaded ?? [],
                proposedPctBefore: proposed?.coveredPctBefore, proposedPctAfter: proposed?.coveredPctAfter,
                proposedSites: proposed?.sites.count ?? 0, proposedBoundPct: proposed?.upperBoundPct))
        }
        let loadByStation = Dictionary(coverage.stationUse.map { ($0.station, $0.load) }, uniquingKeysWith: { a, _ in a })
        let stations = dataset.stations.enumerated().map { i, s in
            Station(id: s.id, name: s.name, kind: s.kind.rawValue, district: s.district, seats: dataset.seats(of: s), hours: s.hours,
                    services: s.services.map(\.rawValue), location: s.location, offersRest: loadByStation[i] != nil,
                    load: loadByStation[i], pressure: pressure[s.id])
        }
        // Gaps drawn without their WGS84 outlines (`GapReport.Options.wgs84Outlines` off) get them here.
        var back: CoordinateTransformer?
        let gapRows = try (gaps?.gaps ?? []).map { g in
            let geometry: Geometry
            if let outline = g.geometry {
                geometry = outline
            } else {
                let transformer = try back ?? CoordinateTransformer(from: manifest.crs, to: .wgs84)
                back = transformer
                geometry = try transformer.transform(g.projected)
            }
            return Gap(id: "\(g.district)-gap-\(g.rank)", district: g.district, districtName: g.districtName, rank: g.rank,
                       uncoveredDemand: g.uncoveredDemand, areaKm2: g.areaKm2, geometry: geometry)
        }
        let missingByArea = Dictionary((audit?.rows ?? []).map { ($0.id, $0.missing) }, uniquingKeysWith: { a, _ in a })
        let areas = dataset.commercialAreas.map { a in
            Area(id: a.id, name: a.name, riderFriendly: a.riderFriendly, missing: missingByArea[a.id] ?? [], geometry: a.geometry)
        }
        let parking = dataset.parkingZones.map { p in
            Parking(id: p.id, name: p.name, slots: p.slots, charging: p.charging, geometry: p.geometry)
        }
        let sites = (proposals?.districts ?? []).flatMap { d in
            d.sites.map { s in
                Proposal(id: s.id, district: d.id, districtName: d.name, rank: s.rank, gain: s.gain, pctAfter: s.servedPctAfter ?? s.coveredPctAfter,
                         seats: s.seats, location: s.location)
            }
        }
        let t = coverage.total
        self.init(title: manifest.name, radiusM: coverage.radiusM, illustrative: illustrative,
                  sourceNote: manifest.properties["source"]?.stringValue, proposalMeasure: proposalMeasure, proposalCount: proposalCount,
                  districts: districts, stations: stations, gaps: gapRows, areas: areas, parking: parking, proposals: sites,
                  outsideDemand: coverage.outside.demand,
                  total: Totals(demand: t.demand, covered: t.covered, served: t.served, seats: t.seats, stations: t.stations),
                  focus: (focus ?? []).map { dataset.districts[$0].id })
    }
}
