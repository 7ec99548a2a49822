import Geo
import Optimization
import Stations

/// What every division's plan shares: the dataset's indices, the rest stations and their
/// capacities in riders, and the checked `require` / `exclude` ids. It is only read once made, so
/// the plans of several divisions may be made on several threads at once.
struct ProposalContext: Sendable {
    let dataset: Dataset
    let demand: DemandModel
    let coverage: CoverageReport
    let settings: SiteProposals.Settings
    let back: CoordinateTransformer
    let candidateDivisions: [[Int]]
    /// Per division: its demand units and its candidates (indices, ascending).
    let unitsOf: [[Int]]
    let candidatesOf: [[Int]]
    /// With `expand`: the divisions containing each rest station (aligned with `rest`).
    let restDivisions: [[Int]]
    /// Capacitated plans: the connected part of the demand–station reach graph each rest station
    /// belongs to (a root station), and the demand units of each part (those that reach a station),
    /// ascending. Other divisions' demand can only use a division's stations through these parts.
    let restPart: [Int32]
    let unitsOfPart: [Int32: [Int]]
    /// Every demand unit, for the units a chosen site reaches.
    let allUnits: UnitGrid
    /// Station indices of the rest stations, their index and capacities (seats × riders per seat).
    let rest: [Int]
    let restIndex: PointIndex
    let capacities: [Double]
    /// Riders a seat holds (at the time asked for) and the radius of each demand unit.
    let ridersPerSeat: Double
    let unitRadius: [Double]
    let reachM: Double
    let required: Set<String>
    let excluded: Set<String>

    init(dataset: Dataset, demand: DemandModel, coverage: CoverageReport, settings: SiteProposals.Settings, chosen: [Int]) throws {
        self.dataset = dataset
        self.demand = demand
        self.coverage = coverage
        self.settings = settings
        back = try CoordinateTransformer.shared(from: dataset.manifest.crs, to: .wgs84)
        let lookup = try DistrictLookup(dataset.districts)
        let candidateDivisions = try dataset.candidates.map { try lookup.divisions(containing: $0.projected) }
        self.candidateDivisions = candidateDivisions
        // Each division's list made at its size (counted first), not grown append by append.
        var sizes = [Int](repeating: 0, count: dataset.districts.count)
        var unitsOf: [[Int]] = []
        demand.units.withUnsafeBufferPointer { units in
            for u in units.indices {
                for d in units[u].divisions { sizes[d] += 1 }
            }
            unitsOf = sizes.map { size -> [Int] in
                var list: [Int] = []
                list.reserveCapacity(size)
                return list
            }
            for u in units.indices {
                for d in units[u].divisions { unitsOf[d].append(u) }
            }
        }
        self.unitsOf = unitsOf
        var candidatesOf = [[Int]](repeating: [], count: dataset.districts.count)
        for (k, divisions) in candidateDivisions.enumerated() {
            for d in divisions { candidatesOf[d].append(k) }
        }
        self.candidatesOf = candidatesOf
        let time = settings.time ?? PlanningTime(manifest: dataset.manifest)
        let radius = settings.radius ?? ServiceRadius(uniform: settings.radiusM)
        allUnits = try UnitGrid(demand.points, cell: radius.maximumM)
        unitRadius = demand.units.map { radius.radius(of: $0) }
        reachM = radius.maximumM
        ridersPerSeat = time.ridersPerSeat
        let rest = dataset.stations.indices.filter { i in
            (settings.kinds.map { $0.contains(dataset.stations[i].kind) } ?? dataset.stations[i].offersRest) && time.isOpen(dataset.stations[i])
        }.sorted { dataset.stations[$0].id < dataset.stations[$1].id }
        self.rest = rest
        restIndex = try PointIndex(rest.map { dataset.stations[$0].projected })
        capacities = rest.map { time.capacity(seats: dataset.seats(of: dataset.stations[$0])) }
        restDivisions = settings.expand ? try rest.map { try lookup.divisions(containing: dataset.stations[$0].projected) } : []
        if let kept = coverage.reachParts, settings.capacitated, kept.stations == rest, coverage.radius == radius {
            // The coverage's graph is this one (the same stations and radii): its parts are these.
            (restPart, unitsOfPart) = (kept.restPart, kept.unitsOfPart)
        } else if settings.capacitated {
            (restPart, unitsOfPart) = Self.parts(units: demand.points, radii: unitRadius, reachM: reachM, restIndex: restIndex, restCount: rest.count)
        } else {
            (restPart, unitsOfPart) = ([], [:])
        }
        let ids = dataset.candidates.map(\.id)
        let known = Set(ids)
        func listed() -> String {
            let shown = ids.prefix(8).joined(separator: ", ")
            return ids.isEmpty ? "the dataset has no candidates.geojson sites" : "candidates: \(shown)\(ids.count > 8 ? ", … (\(ids.count))" : "")"
        }
        for (flag, list) in [("--require", settings.require), ("--exclude", settings.exclude)] {
            for id in list where !known.contains(id) {
                throw ProposalInputError("\(flag) \(id): not a candidate site (\(listed()))")
            }
        }
        if let both = settings.require.first(where: { settings.exclude.contains($0) }) {
            throw ProposalInputError("\(both) is both required and excluded")
        }
        let chosenSet = Set(chosen)
        for id in settings.require {
            let k = ids.firstIndex(of: id)!
            if !candidateDivisions[k].contains(where: chosenSet.contains) {
                let inside = candidateDivisions[k].map { "\(dataset.districts[$0].id) \(dataset.districts[$0].name)" }
                throw ProposalInputError("--require \(id): the candidate lies \(inside.isEmpty ? "in no division" : "in " + inside.joined(separator: ", ")), not in the divisions asked for")
            }
        }
        required = Set(settings.require)
        excluded = Set(settings.exclude)
    }

    /// The connected parts of the graph linking each demand unit to the rest stations within its
    /// radius: a union-find over the stations (the stations one unit reaches are one part), the root
    /// of each station's part, and the units of each part (units reaching no station belong to none).
    static func parts(units: [Coordinate], radii: [Double], reachM: Double, restIndex: PointIndex, restCount: Int) -> (restPart: [Int32], unitsOfPart: [Int32: [Int]]) {
        var sets = LowestRootSets(count: restCount)
        var firstStation = [Int32](repeating: -1, count: units.count)
        // In slices, so that the neighbour lists of ten million units are never all in memory.
        let slice = 1 << 20
        var batch = NeighborBatch()
        for lo in stride(from: 0, to: units.count, by: slice) {
            let hi = min(units.count, lo + slice)
            restIndex.within(radius: reachM, of: Array(units[lo..<hi]), into: &batch)
            for k in 0..<(hi - lo) {
                let u = lo + k
                let r2 = radii[u] * radii[u]
                var first: Int32 = -1
                for e in batch.range(ofQuery: k) where batch.squaredDistances[e] <= r2 {
                    let j = Int32(batch.indices[e])
                    if first < 0 {
                        first = j
                    } else {
                        sets.union(Int(first), Int(j))
                    }
                }
                firstStation[u] = first
            }
        }
        return ReachParts.grouped(&sets, count: restCount, firstStation: firstStation)
    }
}

/// The connected parts of a demand–station reach graph (see `ProposalContext.restPart`).
struct ReachParts: Sendable {
    /// The graph's stations (indices into dataset.stations).
    var stations: [Int]
    /// Per station: the root station of its part.
    var restPart: [Int32]
    /// Per part (by root): the demand units that reach one of its stations, ascending.
    var unitsOfPart: [Int32: [Int]]

    /// The parts of a rest graph: its rows' stations joined, row by row.
    init(_ graph: RestReach) {
        stations = graph.stations
        var sets = LowestRootSets(count: graph.stations.count)
        let reach = graph.reach
        let firstStation = reach.offsets.withUnsafeBufferPointer { offsets in
            reach.columns.withUnsafeBufferPointer { columns in
                (0..<reach.rowCount).map { u -> Int32 in
                    let row = offsets[u]..<offsets[u + 1]
                    guard let first = row.first else { return -1 }
                    for e in row.dropFirst() { sets.union(Int(columns[first]), Int(columns[e])) }
                    return columns[first]
                }
            }
        }
        (restPart, unitsOfPart) = Self.grouped(&sets, count: graph.stations.count, firstStation: firstStation)
    }

    /// Each station's root, and the units of each part: a unit's part is that of the first
    /// station it reaches (-1: none).
    static func grouped(_ sets: inout LowestRootSets, count: Int, firstStation: [Int32]) -> (restPart: [Int32], unitsOfPart: [Int32: [Int]]) {
        let restPart = (0..<count).map { Int32(sets.root($0)) }
        // Lists by root, each made at its size, then keyed: no hash lookup per unit (ten million).
        var sizes = [Int](repeating: 0, count: count)
        for j in firstStation where j >= 0 { sizes[Int(restPart[Int(j)])] += 1 }
        var byRoot = [[Int]](repeating: [], count: count)
        for r in 0..<count where sizes[r] > 0 { byRoot[r].reserveCapacity(sizes[r]) }
        for (u, j) in firstStation.enumerated() where j >= 0 { byRoot[Int(restPart[Int(j)])].append(u) }
        var unitsOfPart: [Int32: [Int]] = [:]
        unitsOfPart.reserveCapacity(sizes.lazy.filter { $0 > 0 }.count)
        for r in 0..<count where sizes[r] > 0 { unitsOfPart[Int32(r)] = byRoot[r] }
        return (restPart, unitsOfPart)
    }
}

extension ProposalContext {
    /// Demand units within reach of a site: within the radius of each unit (`units` maps the
    /// index's points to demand units).
    func reached(_ index: PointIndex, _ units: [Int], from site: Coordinate) -> [Int] {
        reachedWithDistances(index, units, from: site).map(\.index)
    }

    /// Demand units (indices into `demand.units`) within reach of a site, `allUnits` being the index of every unit.
    func reachedUnits(from site: Coordinate) -> [Int] {
        allUnits.within(radius: reachM, of: site).filter { $0.squaredDistance <= unitRadius[$0.index] * unitRadius[$0.index] }.map(\.index)
    }

    /// The same with the straight-line distance (metres) to each.
    func reachedWithDistances(_ index: PointIndex, _ units: [Int], from site: Coordinate) -> [(index: Int, distance: Double)] {
        index.within(radius: reachM, of: site).filter { $0.squaredDistance <= unitRadius[units[$0.index]] * unitRadius[units[$0.index]] }
            .map { ($0.index, $0.squaredDistance.squareRoot()) }
    }

    /// The reach graph from `units` to the rest stations, within each unit's radius, with the
    /// straight-line distance (metres) of each edge.
    func restReach(_ units: [Int]) throws -> (reach: Reach, distances: [Double]) {
        var batch = NeighborBatch()
        restIndex.within(radius: reachM, of: units.map { demand.units[$0].projected }, into: &batch)
        var offsets = [0], columns: [Int32] = [], distances: [Double] = []
        for (k, u) in units.enumerated() {
            for e in batch.range(ofQuery: k) where batch.squaredDistances[e] <= unitRadius[u] * unitRadius[u] {
                columns.append(Int32(batch.indices[e]))
                distances.append(batch.squaredDistances[e].squareRoot())
            }
            offsets.append(columns.count)
        }
        return (try Reach(rowCount: units.count, columnCount: rest.count, offsets: offsets, columns: columns), distances)
    }

    /// `reach` with only the columns `kept` (ascending, holding every column `reach` uses),
    /// renumbered 0..<kept.count in that order.
    static func keepColumns(_ kept: [Int32], of reach: Reach) throws -> Reach {
        let position = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, Int32($0)) })
        return try Reach(rowCount: reach.rowCount, columnCount: kept.count, offsets: reach.offsets, columns: reach.columns.map { position[$0]! })
    }

    /// The sizes a new site may take.
    func sizes(maxSeats: Int?) -> [SiteSize] {
        var seats: [Int]
        if let forced = settings.seats {
            seats = [maxSeats.map { min($0, forced) } ?? forced]
        } else {
            seats = settings.sizes.filter { s in maxSeats.map { s <= $0 } ?? true }
            if seats.isEmpty, let m = maxSeats { seats = [m] }
        }
        return seats.filter { $0 >= 1 }.map { SiteSize(seats: $0, capacity: Double($0) * ridersPerSeat, cost: settings.cost(seats: $0)) }
    }

    struct Source {
        var key: String
        var candidateID: String?
        var name: String?
        var projected: Coordinate
        var division: Int
        var sizes: [SiteSize]
        /// Index into `dataset.stations` for an expansion.
        var station: Int?
    }

    /// The sites to choose from for the divisions of `scope`: the file's candidates of each
    /// division (those not excluded), or grid centres where a division has none; expansions of its
    /// rest stations with `expand`.
    func sources(scope: [Int], local: [Int]) throws -> (sources: [Source], kind: String) {
        var out: [Source] = []
        var seen = Set<String>()
        var kinds = Set<String>()
        for d in scope {
            let district = dataset.districts[d]
            let fromFile = candidatesOf[d]
            if !fromFile.isEmpty {
                kinds.insert("candidates")
                for i in fromFile where !excluded.contains(dataset.candidates[i].id) && seen.insert(dataset.candidates[i].id).inserted {
                    let c = dataset.candidates[i]
                    out.append(Source(key: c.id, candidateID: c.id, name: c.name, projected: c.projected, division: d, sizes: sizes(maxSeats: c.maxSeats)))
                }
                continue
            }
            kinds.insert("grid")
            let own = local.filter { demand.units[$0].divisions.contains(d) }
            let uncovered = own.filter { !coverage.unitCovered[$0] || (settings.capacitated && coverage.unitServed[$0] + 1e-9 < demand.units[$0].weight) }
            let uncoveredIndex = try PointIndex(uncovered.map { demand.units[$0].projected })
            guard !uncovered.isEmpty, let env = district.projected.envelope else { continue }
            let g = settings.gridM
            let cells = gridCells(minX: env.minX, minY: env.minY, maxX: env.maxX, maxY: env.maxY, cell: g)
            if cells > Double(maximumGridCells) {
                throw OptimizationError.limitExceeded(
                    "\(district.id) \(district.name): its candidate grid would have \(Int(min(cells, 9e18))) cells of \(JSONValue.format(number: g)) m (--grid-m), more than the limit of \(maximumGridCells) cells; give a larger --grid-m or a candidates file")
            }
            let prepared = try PreparedGeometry(district.projected)
            var row = Int((env.minY / g).rounded(.down))
            while Double(row) * g <= env.maxY {
                var col = Int((env.minX / g).rounded(.down))
                while Double(col) * g <= env.maxX {
                    let centre = Coordinate(x: (Double(col) + 0.5) * g, y: (Double(row) + 0.5) * g)
                    if !reached(uncoveredIndex, uncovered, from: centre).isEmpty, try prepared.covers(centre) {
                        // The key sorts grid sites by position (row, then column) and stays unique.
                        let key = "grid-\(district.id)-\(col)-\(row)"
                        if seen.insert(key).inserted {
                            out.append(Source(key: key, candidateID: nil, name: nil, projected: centre, division: d, sizes: sizes(maxSeats: nil)))
                        }
                    }
                    col += 1
                }
                row += 1
            }
        }
        if settings.expand && settings.capacitated {
            let scopeSet = Set(scope)
            for (k, s) in rest.enumerated() {
                let station = dataset.stations[s]
                guard let d = restDivisions[k].first(where: scopeSet.contains) else { continue }
                let added = (settings.seats.map { [$0] } ?? settings.sizes).filter { $0 >= 1 }
                let sizes = added.map { SiteSize(seats: $0, capacity: Double($0) * ridersPerSeat, cost: settings.cost(seats: $0, expansion: true)) }
                if sizes.isEmpty { continue }
                out.append(Source(key: "expand-\(station.id)", candidateID: nil, name: station.name, projected: station.projected, division: d, sizes: sizes, station: s))
            }
        }
        return (out, kinds.sorted().joined(separator: "+"))
    }

    /// Pairs of new sites closer than the minimum spacing (expansions are existing stations: exempt).
    func conflicts(_ sources: [Source]) throws -> [(Int, Int)] {
        let m = settings.minSpacingM
        guard m > 0 else { return [] }
        let sites = sources.indices.filter { sources[$0].station == nil }
        let index = try PointIndex(sites.map { sources[$0].projected })
        var pairs: [(Int, Int)] = []
        for (a, i) in sites.enumerated() {
            for n in index.within(radius: m, of: sources[i].projected) where n.index > a {
                let j = sites[n.index]
                let dx = sources[i].projected.x - sources[j].projected.x, dy = sources[i].projected.y - sources[j].projected.y
                if (dx * dx + dy * dy).squareRoot() < m { pairs.append((i, j)) }
            }
        }
        return pairs
    }

    /// `threads`: what each site selection may use (1 when divisions are planned in parallel).
    func plan(scope: [Int], id: String, name: String, threads: Int = 2,
              progress: (@Sendable (String, SelectionProgress) -> Void)?) throws -> SiteProposals.District {
        let local = scope.count == 1 ? unitsOf[scope[0]] : Array(Set(scope.flatMap { unitsOf[$0] })).sorted()
        let localPosition = Dictionary(uniqueKeysWithValues: local.enumerated().map { ($1, $0) })
        let weights = local.map { demand.units[$0].weight }
        let localIndex = try PointIndex(local.map { demand.units[$0].projected })
        let (sources, sourceKind) = try sources(scope: scope, local: local)
        // Each site's reach with its distances: the travel that breaks ties between plans of equal value.
        let candidates = sources.map { s in
            let within = reachedWithDistances(localIndex, local, from: s.projected)
            return PlanCandidate(id: s.key, covers: within.map(\.index), sizes: s.sizes,
                                 group: scope.firstIndex(of: s.division) ?? 0, distances: within.map(\.distance))
        }
        let requiredIndices = sources.indices.filter { sources[$0].candidateID.map(required.contains) ?? false }
        if case let .count(p) = settings.goal, requiredIndices.count > p {
            throw ProposalInputError("\(id) \(name): \(requiredIndices.count) required sites (\(requiredIndices.map { sources[$0].key }.joined(separator: ", "))) but --count \(p)")
        }
        var problem = PlanProblem(weights: weights, candidates: candidates, conflicts: try conflicts(sources), required: requiredIndices,
                                  capacitated: settings.capacitated)
        if settings.citywide && settings.minPerDistrict > 0 {
            if case let .count(p) = settings.goal, settings.minPerDistrict * scope.count > p {
                throw ProposalInputError("--min-per-district \(settings.minPerDistrict) in each of \(scope.count) districts needs --count \(settings.minPerDistrict * scope.count) or more, not \(p)")
            }
            problem.minPerGroup = settings.minPerDistrict
            problem.groups = Array(scope.indices)
        }
        if settings.capacitated {
            // Seats left for this scope once other divisions' demand is served (a maximum flow). Only
            // the stations the scope's demand reaches matter, and other demand reaches them only
            // through their connected parts of the reach graph: the flow of those parts alone is a
            // maximum flow of all other demand there.
            let localReach = try restReach(local)
            var touched = Set<Int32>()
            for j in localReach.reach.columns { touched.insert(restPart[Int(j)]) }
            let outside = touched.sorted().flatMap { unitsOfPart[$0] ?? [] }.filter { localPosition[$0] == nil }.sorted()
            let outsideReach = try restReach(outside).reach
            // Both graphs keep only the stations they reach, in id order: a station nobody here
            // reaches changes neither flow, and the solver then works on the few stations of the
            // scope instead of every station of the dataset.
            let reachedHere = Array(Set(localReach.reach.columns)).sorted()
            let reachedAll = Array(Set(localReach.reach.columns).union(outsideReach.columns)).sorted()
            let used = try maximumAssignment(weights: outside.map { demand.units[$0].weight }, capacities: reachedAll.map { capacities[Int($0)] },
                                             reach: Self.keepColumns(reachedAll, of: outsideReach))
            let load = Dictionary(uniqueKeysWithValues: zip(reachedAll, used.stationLoad))
            problem.existing = ExistingStations(capacities: reachedHere.map { max(0, capacities[Int($0)] - load[$0]!) },
                                                reach: try Self.keepColumns(reachedHere, of: localReach.reach))
            // keepColumns renumbers the columns only; the edges keep their order, and so their distances.
            problem.existingDistances = localReach.distances
        } else {
            problem.alreadyCovered = local.map { coverage.unitCovered[$0] ? demand.units[$0].weight : 0 }
            // The nearest counted rest station of each unit (none within reach: never used).
            let localReach = try restReach(local)
            problem.coveredDistances = local.indices.map { row in
                localReach.reach.offsets[row] < localReach.reach.offsets[row + 1]
                    ? localReach.distances[localReach.reach.offsets[row]..<localReach.reach.offsets[row + 1]].min()! : 0
            }
        }
        let selection: PlanSelection
        do {
            selection = try planSites(problem, goal: settings.goal, options: SiteSelectionOptions(
                capacitated: settings.capacitated, nodeLimit: settings.nodeLimit,
                progress: progress.map { callback in { @Sendable p in callback(name, p) } }, threads: threads))
        } catch {
            if case let .invalidInput(why) = error, requiredIndices.count > 0 || problem.minPerGroup > 0 {
                throw ProposalInputError("\(id) \(name): \(why)")
            }
            throw error
        }
        return try describe(selection, sources: sources, local: local, localPosition: localPosition, id: id, name: name,
                            scope: scope, sourceKind: sourceKind)
    }

    /// The plan as sites a planner reads: names, sizes, costs, running percentages, spillover.
    func describe(_ selection: PlanSelection, sources: [Source], local: [Int], localPosition: [Int: Int], id: String, name: String,
                  scope: [Int], sourceKind: String) throws -> SiteProposals.District {
        let total = selection.totalDemand
        func pct(_ x: Double) -> Double { total > 0 ? 100 * x / total : 0 }
        var coveredLocal = local.map { coverage.unitCovered[$0] }
        var covered = zip(local, coveredLocal).reduce(0.0) { $0 + ($1.1 ? demand.units[$1.0].weight : 0) }
        let coveredBefore = covered
        var served = selection.baseline
        var spilled = Set<Int>()
        var newCount: [Int: Int] = [:]
        var sites: [SiteProposals.Site] = []
        for (rank, chosen) in selection.sites.enumerated() {
            let s = sources[chosen.candidateIndex]
            served += chosen.gain
            var spill = 0.0
            for u in reachedUnits(from: s.projected) {
                if let p = localPosition[u] {
                    if !coveredLocal[p] {
                        coveredLocal[p] = true
                        covered += demand.units[u].weight
                    }
                    continue
                }
                guard !coverage.unitCovered[u], spilled.insert(u).inserted else { continue }
                spill += demand.units[u].weight
            }
            let division = dataset.districts[s.division]
            let siteID: String, siteName: String, kind: StationKind
            var seats = chosen.size.seats
            var added: Int? = nil
            if let st = s.station {
                let station = dataset.stations[st]
                siteID = station.id
                siteName = station.name
                kind = station.kind
                added = chosen.size.seats
                seats = dataset.seats(of: station) + chosen.size.seats
            } else if let c = s.candidateID {
                siteID = c
                siteName = s.name ?? c
                kind = settings.newKind
            } else {
                let n = (newCount[s.division] ?? 0) + 1
                newCount[s.division] = n
                siteID = "\(division.id)-new-\(n)"
                siteName = "\(division.name) 新站 \(n)"
                kind = settings.newKind
            }
            sites.append(SiteProposals.Site(
                rank: rank + 1, id: siteID, name: siteName, kind: kind, seats: seats, addedSeats: added, cost: chosen.size.cost,
                district: division.id, candidateID: s.candidateID, location: try back.transform(s.projected), projected: s.projected,
                gain: chosen.gain, load: chosen.load, overflow: chosen.overflow,
                coveredPctAfter: settings.capacitated ? pct(covered) : pct(selection.baseline + sites.reduce(chosen.gain) { $0 + $1.gain }),
                servedPctAfter: settings.capacitated ? pct(served) : nil, spillover: spill, required: chosen.required,
                meanDistanceM: chosen.meanDistance))
        }
        return SiteProposals.District(
            index: scope[0], id: id, name: name, candidateSource: sourceKind, candidateCount: sources.count, demand: total,
            coveredPctBefore: settings.capacitated ? pct(coveredBefore) : selection.percentBefore,
            coveredPctAfter: settings.capacitated ? pct(covered) : selection.percentAfter,
            servedPctBefore: settings.capacitated ? selection.percentBefore : nil,
            servedPctAfter: settings.capacitated ? selection.percentAfter : nil,
            upperBoundPct: selection.upperBoundPercent, optimal: selection.provenOptimal, costTotal: selection.cost,
            shortfall: selection.shortfall, sites: sites, selection: selection, meanDistanceM: selection.meanDistance)
    }
}
