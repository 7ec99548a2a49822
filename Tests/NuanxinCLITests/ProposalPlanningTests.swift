import Foundation
import Testing

/// Proposals a planner can build: sizes from site_sizes, spacing, budget, required and excluded
/// sites, names, and a GeoJSON that imports as stations.
@Suite("propose: plans a planner can build")
struct ProposalPlanningTests {
    /// Candidates of district A of the tiny dataset: c01 and c02 are 180 m apart, c05 has
    /// max_seats 12 and c06 max_seats 4 (below every size).
    static let candidates: [(String, Double, Double, Int?)] = [
        ("c01", 113.010, 36.030, nil), ("c02", 113.012, 36.0305, nil), ("c03", 113.029, 36.070, nil),
        ("c04", 113.048, 36.090, nil), ("c05", 113.067, 36.030, 12), ("c06", 113.086, 36.070, 4),
    ]

    /// A copy of the tiny dataset with those candidates, demand weights × `scale` (so that sizes
    /// matter) and the candidates in the given order.
    static func dataset(scale: Double = 20, reversed: Bool = false, manifest: ((inout [String: Any]) -> Void)? = nil) throws -> URL {
        try Fixtures.tinyCopy { dir in
            var features = candidates.map { c -> [String: Any] in
                var p: [String: Any] = ["id": c.0, "name": "候选\(c.0)"]
                if let m = c.3 { p["max_seats"] = m }
                return ["type": "Feature", "properties": p, "geometry": ["type": "Point", "coordinates": [c.1, c.2]]]
            }
            if reversed { features.reverse() }
            let doc: [String: Any] = ["type": "FeatureCollection", "features": features]
            try JSONSerialization.data(withJSONObject: doc).write(to: dir.appendingPathComponent("candidates.geojson"))
            let demand = dir.appendingPathComponent("demand.geojson")
            for i in 0..<50 {
                try Fixtures.editFeature(demand, i) { f in
                    var p = f["properties"] as! [String: Any]
                    p["weight"] = (p["weight"] as! Double) * scale
                    f["properties"] = p
                }
            }
            if let manifest { try Fixtures.editJSON(dir.appendingPathComponent("dataset.json"), manifest) }
        }
    }

    /// max_seats of the default dataset's candidates.
    static func defaultMaxSeats() throws -> [String: Int] {
        let url = CLI.repositoryRoot.appendingPathComponent("geodata/changzhi/candidates.geojson")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var out: [String: Int] = [:]
        for f in doc["features"] as! [[String: Any]] {
            let p = f["properties"] as! [String: Any]
            if let m = p["max_seats"] as? Int { out[p["id"] as! String] = m }
        }
        return out
    }

    func json(_ r: CLIResult) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    func sites(_ doc: [String: Any], district: Int = 0) -> [[String: Any]] {
        (doc["districts"] as! [[String: Any]])[district]["sites"] as! [[String: Any]]
    }

    /// Great-circle metres (the spacing is in the metric CRS; they agree to well under 1 % here).
    func metres(_ a: [String: Any], _ b: [String: Any]) -> Double {
        let r = 6_371_008.8, rad = Double.pi / 180
        let (la1, la2) = ((a["lat"] as! Double) * rad, (b["lat"] as! Double) * rad)
        let dl = ((b["lon"] as! Double) - (a["lon"] as! Double)) * rad
        let h = pow(sin((la2 - la1) / 2), 2) + cos(la1) * cos(la2) * pow(sin(dl / 2), 2)
        return 2 * r * asin(min(1, h.squareRoot()))
    }

    /// Sizes from the list (at most max_seats), the smallest that holds the riders, each site
    /// serving riders, new sites at least `spacing` apart.
    func checkPlan(_ sites: [[String: Any]], sizes: [Int], ridersPerSeat: Double = 6, spacing: Double, maxSeats: [String: Int] = [:]) {
        for s in sites {
            let seats = s["seats"] as! Int, riders = s["riders"] as! Double
            let cap = (s["candidate_id"] as? String).flatMap { maxSeats[$0] }
            let allowed = sizes.filter { size in cap.map { size <= $0 } ?? true }
            let options = allowed.isEmpty ? [cap!] : allowed
            #expect(options.contains(seats), "\(s["id"]!): \(seats) seats not among \(options)")
            #expect(riders > 0, "\(s["id"]!) serves nobody")
            #expect(Double(seats) * ridersPerSeat + 1e-6 >= riders, "\(s["id"]!): \(seats) seats cannot hold \(riders) riders")
            if let smaller = options.last(where: { $0 < seats }) {
                #expect(Double(smaller) * ridersPerSeat < riders - 0.01, "\(s["id"]!): \(smaller) seats would hold \(riders) riders")
            }
            #expect(s["name"] as? String != nil && s["kind"] as? String == "warm_station")
            #expect(abs((s["cost"] as! Double) - (30_000 + 1_500 * Double(seats))) < 0.01)
        }
        for i in sites.indices { for j in sites.indices where j > i {
            #expect(metres(sites[i], sites[j]) >= spacing * 0.99, "\(sites[i]["id"]!) and \(sites[j]["id"]!) are \(metres(sites[i], sites[j])) m apart")
        } }
    }

    @Test("sizes come from site_sizes (capped by max_seats), the smallest that holds the riders; sites spaced; no idle site")
    func sizesAndSpacing() throws {
        let dir = try Self.dataset()
        defer { try? FileManager.default.removeItem(at: dir) }
        for spacing in ["500", "2500"] {
            let r = try CLI.run(["propose", "--count", "4", "--district", "A", "--min-spacing", spacing, "--format", "json", "--data", dir.path])
            #expect(r.status == 0, "\(r.stderr)")
            let doc = try json(r)
            #expect(doc["riders_per_seat"] as? Double == 6)
            let s = sites(doc)
            #expect(!s.isEmpty)
            checkPlan(s, sizes: [8, 16, 24, 32, 40], spacing: Double(spacing)!, maxSeats: ["c05": 12, "c06": 4])
            let d = (doc["districts"] as! [[String: Any]])[0]
            #expect(d["measure"] as? String == "served")
            for key in ["covered_pct_before", "covered_pct_after", "served_pct_before", "served_pct_after", "upper_bound_pct", "optimal", "cost_total"] {
                #expect(d[key] != nil, "district field \(key) missing")
            }
            #expect(abs((d["cost_total"] as! Double) - s.reduce(0) { $0 + ($1["cost"] as! Double) }) < 0.01)
            #expect((d["served_pct_after"] as! Double) <= (d["upper_bound_pct"] as! Double) + 1e-9)
        }
        // c01 and c02 are 180 m apart: never both under the default spacing (half the 1000 m radius).
        let r = try CLI.run(["propose", "--count", "6", "--district", "A", "--format", "json", "--data", dir.path])
        let ids = sites(try json(r)).map { $0["id"] as! String }
        #expect(!(ids.contains("c01") && ids.contains("c02")), "\(ids)")
        #expect(try json(r)["min_spacing_m"] as? Double == 500)
    }

    @Test("spacing that leaves room for fewer sites: a valid answer that says why")
    func spacingShortfall() throws {
        let dir = try Self.dataset()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["propose", "--count", "3", "--district", "A", "--min-spacing", "50000", "--format", "json", "--data", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let d = (try json(r)["districts"] as! [[String: Any]])[0]
        #expect((d["sites"] as! [Any]).count == 1)
        #expect((d["shortfall"] as? String)?.contains("minimum spacing") == true, "\(d)")
        #expect(r.stderr.contains("minimum spacing"))
    }

    @Test("--uncapacitated sizes sites by what they cover, never above the largest allowed size")
    func uncapacitatedSizes() throws {
        let dir = try Self.dataset(scale: 1)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["propose", "--count", "3", "--uncapacitated", "--district", "A", "--format", "json", "--data", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try json(r)
        #expect(doc["measure"] as? String == "covered")
        for s in sites(doc) {
            #expect([8, 16, 24, 32, 40, 12, 4].contains(s["seats"] as! Int))
            #expect(s["served_pct_after"] == nil)
        }
    }

    @Test("--budget: sizes chosen per site, total cost within the budget; a budget below one site is a usage error")
    func budget() throws {
        let dir = try Self.dataset()
        defer { try? FileManager.default.removeItem(at: dir) }
        for budget in [50_000.0, 100_000, 200_000] {
            let r = try CLI.run(["propose", "--budget", String(Int(budget)), "--format", "json", "--data", dir.path])
            #expect(r.status == 0, "\(r.stderr)")
            let doc = try json(r)
            #expect(doc["budget"] as? Double == budget)
            for d in doc["districts"] as! [[String: Any]] {
                #expect((d["cost_total"] as! Double) <= budget + 0.01)
                checkPlan(d["sites"] as! [[String: Any]], sizes: [8, 16, 24, 32, 40], spacing: 500, maxSeats: ["c05": 12, "c06": 4])
                #expect((d["served_pct_after"] as! Double) <= (d["upper_bound_pct"] as! Double) + 1e-9)
            }
        }
        let low = try CLI.run(["propose", "--budget", "20000", "--data", dir.path])
        #expect(low.status == 64)
        #expect(low.stderr.contains("below the cheapest site"), "\(low.stderr)")
        #expect(try CLI.run(["propose", "--budget", "0", "--data", dir.path]).status == 64)
        #expect(try CLI.run(["propose", "--budget", "100000", "--count", "2", "--data", dir.path]).status == 64)
    }

    @Test("--require and --exclude fix candidates in or out; an unknown id or too many required is a usage error")
    func requireExclude() throws {
        let dir = try Self.dataset()
        defer { try? FileManager.default.removeItem(at: dir) }
        let forced = try CLI.run(["propose", "--count", "2", "--district", "A", "--require", "c06", "--format", "json", "--data", dir.path])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(sites(try json(forced)).contains { $0["id"] as? String == "c06" })
        let free = try CLI.run(["propose", "--count", "2", "--district", "A", "--format", "json", "--data", dir.path])
        let first = sites(try json(free)).first!["id"] as! String
        let without = try CLI.run(["propose", "--count", "2", "--district", "A", "--exclude", first, "--format", "json", "--data", dir.path])
        #expect(!sites(try json(without)).contains { $0["id"] as? String == first })
        let unknown = try CLI.run(["propose", "--count", "2", "--require", "nope", "--data", dir.path])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--require nope: not a candidate"), "\(unknown.stderr)")
        #expect(try CLI.run(["propose", "--count", "1", "--require", "c01,c03", "--data", dir.path]).status == 64)
        #expect(try CLI.run(["propose", "--count", "2", "--require", "c01", "--exclude", "c01", "--data", dir.path]).status == 64)
    }

    @Test("the GeoJSON of propose imports as stations unchanged, and the new stations serve")
    func importsAsStations() throws {
        let dir = try Self.dataset()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("proposal.geojson")
        let r = try CLI.run(["propose", "--count", "2", "--format", "geojson", "--out", out.path, "--data", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let before = try json(try CLI.run(["coverage", "--format", "json", "--data", dir.path]))
        let imported = try CLI.run(["import", "--layer", "stations", out.path, "--data", dir.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let after = try json(try CLI.run(["coverage", "--format", "json", "--data", dir.path]))
        let served = { (d: [String: Any]) in (d["total"] as! [String: Any])["served"] as! Double }
        #expect(served(after) > served(before))
        let stations = try String(contentsOf: dir.appendingPathComponent("stations.geojson"), encoding: .utf8)
        #expect(stations.contains("\"warm_station\"") && stations.contains("候选"))
    }

    @Test("grid sites get readable names and ids; sizes still from the list")
    func gridNames() throws {
        let dir = try Fixtures.tinyCopy { dir in try FileManager.default.removeItem(at: dir.appendingPathComponent("candidates.geojson")) }
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["propose", "--count", "2", "--district", "A", "--format", "json", "--data", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let s = sites(try json(r))
        #expect(s.first?["id"] as? String == "A-new-1")
        #expect(s.first?["name"] as? String == "西区 新站 1")
        checkPlan(s, sizes: [8, 16, 24, 32, 40], spacing: 500)
    }

    @Test("site_sizes in dataset.json: a list of its own is used; an empty or non-positive one is a data error")
    func manifestSizes() throws {
        let own = try Self.dataset { $0["site_sizes"] = [20, 10] }
        defer { try? FileManager.default.removeItem(at: own) }
        let r = try CLI.run(["propose", "--count", "3", "--district", "A", "--format", "json", "--data", own.path])
        #expect(r.status == 0, "\(r.stderr)")
        checkPlan(sites(try json(r)), sizes: [10, 20], spacing: 500, maxSeats: ["c05": 12, "c06": 4])
        for bad in [[Int](), [0], [-8]] {
            let dir = try Self.dataset { $0["site_sizes"] = bad }
            defer { try? FileManager.default.removeItem(at: dir) }
            let b = try CLI.run(["propose", "--count", "3", "--data", dir.path])
            #expect(b.status == 65, "\(bad): \(b.stderr)")
            #expect(b.stderr.contains("site_sizes"))
        }
    }

    @Test("the same plan whatever the order of the candidates")
    func orderIndependent() throws {
        let a = try Self.dataset(), b = try Self.dataset(reversed: true)
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        for mode in [["--count", "3"], ["--budget", "150000"]] {
            let x = try CLI.run(["propose", "--format", "geojson"] + mode + ["--data", a.path])
            let y = try CLI.run(["propose", "--format", "geojson"] + mode + ["--data", b.path])
            #expect(x.status == 0 && x.stdout == y.stdout)
        }
    }

    @Test("--citywide: one plan for every district; --min-per-district puts at least that many in each")
    func citywide() throws {
        let dir = try Self.dataset()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["propose", "--count", "3", "--citywide", "--min-per-district", "1", "--format", "json", "--data", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try json(r)
        let ds = doc["districts"] as! [[String: Any]]
        #expect(ds.count == 1 && ds[0]["id"] as? String == "city")
        let s = sites(doc)
        #expect(Set(s.map { $0["district"] as! String }) == ["A", "B"], "\(s.map { $0["district"]! })")
        checkPlan(s, sizes: [8, 16, 24, 32, 40], spacing: 500, maxSeats: ["c05": 12, "c06": 4])
        #expect((ds[0]["served_pct_after"] as! Double) <= (ds[0]["upper_bound_pct"] as! Double) + 1e-9)
        let few = try CLI.run(["propose", "--count", "1", "--citywide", "--min-per-district", "1", "--data", dir.path])
        #expect(few.status == 64 && few.stderr.contains("--min-per-district 1 in each of 2 districts"), "\(few.stderr)")
        #expect(try CLI.run(["propose", "--count", "3", "--min-per-district", "1", "--data", dir.path]).status == 64)
    }

    @Test("default dataset, every district: three sites at least the spacing apart, sized from the list, each serving riders")
    func defaultDataset() throws {
        let r = try CLI.run(["propose", "--count", "3", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try json(r)
        let districts = doc["districts"] as! [[String: Any]]
        // Every district and county of the default dataset (zones are not planned on their own).
        #expect(districts.count == 12, "\(districts.map { $0["id"]! })")
        #expect(Set(districts.map { $0["candidates"] as! String }) == ["candidates", "grid"])
        for (n, d) in districts.enumerated() {
            let s = sites(doc, district: n)
            #expect(s.count == 3, "\(d["id"]!)")
            checkPlan(s, sizes: [8, 16, 24, 32, 40], spacing: 500, maxSeats: try Self.defaultMaxSeats())
        }
    }
}

/// Of equally good choices, the one where riders travel least: three riders far from every
/// station in district A of the tiny dataset, and two candidates that both reach all of them, one
/// about 500 m away ("c-a", first by id) and one a few tens of metres away ("c-b").
@Suite("propose: ties go to the plan where riders travel least")
struct TieBreakTests {
    static func dataset(reversed: Bool = false) throws -> URL {
        try Fixtures.tinyCopy { dir in
            func point(_ id: String, _ lon: Double, _ lat: Double, _ props: [String: Any]) -> [String: Any] {
                ["type": "Feature", "properties": props.merging(["id": id]) { a, _ in a }, "geometry": ["type": "Point", "coordinates": [lon, lat]]]
            }
            // Far from the stations and from the commercial area c2 (whose riders are demand too).
            let demand = [point("d1", 113.010, 36.095, ["weight": 5]), point("d2", 113.011, 36.095, ["weight": 5]),
                          point("d3", 113.010, 36.096, ["weight": 5])]
            var candidates = [point("c-a", 113.016, 36.0955, ["name": "远"]), point("c-b", 113.0105, 36.0953, ["name": "近"])]
            if reversed { candidates.reverse() }
            for (name, features) in [("demand.geojson", demand), ("candidates.geojson", candidates)] {
                let doc: [String: Any] = ["type": "FeatureCollection", "features": features]
                try JSONSerialization.data(withJSONObject: doc).write(to: dir.appendingPathComponent(name))
            }
        }
    }

    @Test("the nearer of two candidates that serve the same riders, in every mode, whatever the order of the file")
    func nearerCandidate() throws {
        let a = try Self.dataset(), b = try Self.dataset(reversed: true)
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let modes = [["--count", "1"], ["--count", "1", "--uncapacitated"], ["--budget", "60000"], ["--budget", "60000", "--uncapacitated"],
                     ["--target", "50"], ["--count", "1", "--citywide"]]
        for mode in modes {
            let x = try CLI.run(["propose", "--district", "A", "--format", "json"] + mode + ["--data", a.path])
            #expect(x.status == 0, "\(mode): \(x.stderr)")
            let doc = try JSONSerialization.jsonObject(with: Data(x.stdout.utf8)) as! [String: Any]
            let district = (doc["districts"] as! [[String: Any]])[0]
            let sites = district["sites"] as! [[String: Any]]
            #expect(sites.map { $0["id"] as! String } == ["c-b"], "\(mode): \(sites.map { $0["id"]! })")
            #expect(district["optimal"] as? Bool == true)
            // The other candidate alone serves as many: a tie in value that the travel decides.
            let other = try CLI.run(["propose", "--district", "A", "--format", "json", "--exclude", "c-b"] + mode + ["--data", a.path])
            let otherSites = ((try JSONSerialization.jsonObject(with: Data(other.stdout.utf8)) as! [String: Any])["districts"] as! [[String: Any]])[0]["sites"] as! [[String: Any]]
            #expect(otherSites.map { $0["id"] as! String } == ["c-a"] && otherSites[0]["gain"] as? Double == sites.first?["gain"] as? Double,
                    "\(mode): \(otherSites)")
            let y = try CLI.run(["propose", "--district", "A", "--format", "json"] + mode + ["--data", b.path])
            #expect(y.status == 0 && y.stdout == x.stdout, "\(mode): the order of the candidates changed the answer")
        }
    }

    @Test("uncapacitated budget: a required site priced above the budget is a usage error naming it and the money; never a plan over the budget")
    func requiredOverBudget() throws {
        let dir = try Self.dataset()
        defer { try? FileManager.default.removeItem(at: dir) }
        // One rider a seat: c-b covers 15 riders alone, so uncapacitated it is priced at 16 seats
        // (54,000 yuan), although its cheapest size (8 seats, 42,000) fits a budget of 50,000.
        let args = ["propose", "--district", "A", "--budget", "50000", "--require", "c-b", "--stay-min", "60", "--visits-per-hour", "1",
                    "--format", "json", "--data", dir.path]
        let r = try CLI.run(args + ["--uncapacitated"])
        #expect(r.status == 64, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("nuanxin: A 西区: the required sites cost 54000 at the sizes that hold what each could cover alone (c-b 54000), more than the budget 50000: raise the budget by 4000"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        // Capacitated, the cheapest size is a plan: answered within the budget.
        let served = try CLI.run(args)
        #expect(served.status == 0, "\(served.stderr)")
        let district = ((try JSONSerialization.jsonObject(with: Data(served.stdout.utf8)) as! [String: Any])["districts"] as! [[String: Any]])[0]
        #expect((district["cost_total"] as! Double) <= 50000 && (district["sites"] as! [[String: Any]]).map { $0["id"] as! String } == ["c-b"], "\(district)")
    }

    @Test("mean_distance_m: the site's riders' mean distance to it, the division's falls with the nearer site; last key in json, geojson and csv")
    func meanDistance() throws {
        let dir = try Self.dataset()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The three riders' straight-line distances to c-b (local flat approximation; the CRS's
        // scale differs by far less than the tolerance at these few tens of metres).
        func metres(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
            let lat = (a.1 + b.1) / 2 * Double.pi / 180
            let dx = (a.0 - b.0) * Double.pi / 180 * 6_378_137 * cos(lat), dy = (a.1 - b.1) * Double.pi / 180 * 6_356_752
            return (dx * dx + dy * dy).squareRoot()
        }
        let riders = [(113.010, 36.095), (113.011, 36.095), (113.010, 36.096)]
        let expected = riders.map { metres($0, (113.0105, 36.0953)) }.reduce(0, +) / 3
        for mode in [["--count", "1"], ["--count", "1", "--uncapacitated"]] {
            func district(_ extra: [String]) throws -> [String: Any] {
                let r = try CLI.run(["propose", "--district", "A", "--format", "json"] + mode + extra + ["--data", dir.path])
                #expect(r.status == 0, "\(mode): \(r.stderr)")
                // Keys in order: the new one comes last, in the division and in each site.
                #expect(r.stdout.contains(#"],"mean_distance_m":"#) && r.stdout.hasSuffix("}]}\n"), "\(r.stdout)")
                return ((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["districts"] as! [[String: Any]])[0]
            }
            let near = try district([]), far = try district(["--exclude", "c-b"])
            let site = (near["sites"] as! [[String: Any]])[0]
            #expect(site["riders"] as? Double == 15)
            let mean = try #require(site["mean_distance_m"] as? Double)
            #expect(abs(mean - expected) < 1, "\(mode): \(mean) m, expected \(expected)")
            let farSite = (far["sites"] as! [[String: Any]])[0]
            #expect((farSite["mean_distance_m"] as! Double) > 400, "\(mode): \(farSite)")
            // Same value, and the division's riders travel less on average with the nearer site.
            let nearMean = try #require(near["mean_distance_m"] as? Double), farMean = try #require(far["mean_distance_m"] as? Double)
            #expect(nearMean > 0 && nearMean < farMean, "\(mode): \(nearMean) vs \(farMean)")

            let csv = try CLI.run(["propose", "--district", "A", "--format", "csv"] + mode + ["--data", dir.path])
            let lines = csv.stdout.split(whereSeparator: \.isNewline)
            #expect(lines.first?.hasSuffix(",lon,lat,mean_distance_m") == true, "\(csv.stdout)")
            #expect(lines.count == 2 && lines[1].hasSuffix(",\(String(format: "%.1f", mean))"), "\(csv.stdout)")
            let geo = try CLI.run(["propose", "--district", "A", "--format", "geojson"] + mode + ["--data", dir.path])
            #expect(geo.stdout.contains(#","mean_distance_m":\#(String(format: "%.1f", mean))},"geometry""#), "\(geo.stdout)")
            let table = try CLI.run(["propose", "--district", "A", "--format", "table"] + mode + ["--data", dir.path])
            #expect(table.stdout.contains("m from their station on average") && table.stdout.contains("mean dist m"), "\(table.stdout)")
        }
    }
}

@Suite("scenarios: --with FILE and compare")
struct ScenarioTests {
    @Test("a saved proposal adds stations for one run on coverage, gaps, areas and propose; compare shows before and after")
    func withAndCompare() throws {
        let dir = try ProposalPlanningTests.dataset()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = dir.appendingPathComponent("plan.geojson")
        #expect(try CLI.run(["propose", "--count", "2", "--format", "geojson", "--out", plan.path, "--data", dir.path]).status == 0)
        let stationsBefore = try Data(contentsOf: dir.appendingPathComponent("stations.geojson"))
        func total(_ args: [String]) throws -> [String: Any] {
            let r = try CLI.run(args + ["--format", "json", "--data", dir.path])
            #expect(r.status == 0, "\(r.stderr)")
            return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])
        }
        let base = try total(["coverage"])["total"] as! [String: Any]
        let with = try total(["coverage", "--with", plan.path])["total"] as! [String: Any]
        #expect((with["served"] as! Double) > (base["served"] as! Double))
        #expect((with["stations"] as! Int) > (base["stations"] as! Int))
        // The dataset's files are untouched.
        #expect(try Data(contentsOf: dir.appendingPathComponent("stations.geojson")) == stationsBefore)
        // Gaps shrink (or stay), areas and propose accept it.
        let gaps = try CLI.run(["gaps", "--format", "geojson", "--data", dir.path]), gapsWith = try CLI.run(["gaps", "--with", plan.path, "--format", "geojson", "--data", dir.path])
        #expect(gaps.status == 0 && gapsWith.status == 0)
        #expect(gapsWith.stdout.components(separatedBy: "\"Feature\"").count <= gaps.stdout.components(separatedBy: "\"Feature\"").count)
        #expect(try CLI.run(["areas", "--with", plan.path, "--format", "json", "--data", dir.path]).status == 0)
        // load: the plan's stations get rows of their own and take riders.
        let planIDs = Set(((try JSONSerialization.jsonObject(with: Data(contentsOf: plan)) as! [String: Any])["features"] as! [[String: Any]])
            .map { ($0["properties"] as! [String: Any])["id"] as! String })
        let loadRows = try total(["load"])["stations"] as! [[String: Any]]
        let loadWith = try total(["load", "--with", plan.path])["stations"] as! [[String: Any]]
        #expect(!planIDs.isEmpty && planIDs.isDisjoint(with: loadRows.map { $0["id"] as! String }))
        let added = loadWith.filter { planIDs.contains($0["id"] as! String) }
        #expect(added.count == planIDs.count, "\(added.map { $0["id"]! }) for \(planIDs)")
        #expect(added.allSatisfy { ($0["assigned"] as! Double) > 0 })
        #expect(loadWith.count == loadRows.count + planIDs.count)
        #expect(try CLI.run(["load", "--with", "/nonexistent/plan.geojson", "--data", dir.path]).status == 66)
        let again = try total(["propose", "--count", "2", "--with", plan.path])
        let first = (again["districts"] as! [[String: Any]])[0]
        #expect((first["served_pct_before"] as! Double) > 0)
        // compare: per district before, after and change.
        let cmp = try total(["compare", "--with", plan.path])
        let a = (cmp["districts"] as! [[String: Any]])[0]
        let before = a["before"] as! [String: Any], after = a["after"] as! [String: Any], change = a["change"] as! [String: Any]
        #expect((after["stations"] as! Int) - (before["stations"] as! Int) == change["stations"] as! Int)
        #expect((after["seats"] as! Int) >= (before["seats"] as! Int))
        #expect((cmp["total"] as! [String: Any])["after"] != nil)
        // Missing file: 66; a bad station: 65 naming the file and feature; compare without --with: 64.
        #expect(try CLI.run(["coverage", "--with", "/nonexistent/plan.geojson", "--data", dir.path]).status == 66)
        let bad = dir.appendingPathComponent("bad.geojson")
        try Data(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x","name":"n","kind":"bogus"},"geometry":{"type":"Point","coordinates":[113.05,36.05]}}]}"#.utf8).write(to: bad)
        let r = try CLI.run(["compare", "--with", bad.path, "--data", dir.path])
        #expect(r.status == 65 && r.stderr.contains("bad.geojson: feature 0 (id x)"), "\(r.stderr)")
        #expect(try CLI.run(["compare", "--data", dir.path]).status == 64)
    }
}
