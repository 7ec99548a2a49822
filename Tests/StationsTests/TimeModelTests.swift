import Foundation
import Geo
import Stations
import Testing

@Suite("time of day")
struct TimeOfDayTests {
    @Test("HH:MM and H:MM read to minutes; text is HH:MM", arguments: [
        ("00:00", 0), ("8:05", 485), ("08:05", 485), ("12:30", 750), ("23:59", 1439), (" 21:00 ", 1260),
    ])
    func reads(_ text: String, _ minutes: Int) throws {
        let t = try TimeOfDay(parsing: text)
        #expect(t.minutes == minutes)
        #expect(t.hour == minutes / 60)
        #expect(try TimeOfDay(parsing: t.text) == t)
        #expect(t.text.count == 5)
    }

    @Test("bad times are named errors", arguments: ["24:30", "24:00", "25:00", "8", "8:5", "08:60", "", "08:00:00", "-1:00", "ab:cd", "０８:００", "08.00"])
    func rejects(_ text: String) {
        #expect(throws: TimeOfDayError.self) { try TimeOfDay(parsing: text) }
    }

    @Test("out-of-range hour says which hour")
    func hourMessage() {
        do {
            _ = try TimeOfDay(parsing: "24:30")
            Issue.record("24:30 was accepted")
        } catch {
            #expect(error.reason == .hourOutOfRange(24))
            #expect(error.description.contains("24:30"))
        }
    }

    @Test("minutes init is bounded and times order by minutes")
    func minutesInit() {
        #expect(TimeOfDay(minutes: -1) == nil)
        #expect(TimeOfDay(minutes: 1440) == nil)
        #expect(TimeOfDay(minutes: 0)!.text == "00:00")
        #expect(TimeOfDay(minutes: 1439)!.text == "23:59")
        #expect(TimeOfDay(minutes: 60)! < TimeOfDay(minutes: 61)!)
        #expect(TimeOfDay(hour: 23)!.minutes == 1380)
        #expect(TimeOfDay(hour: 24) == nil)
    }
}

@Suite("opening hours")
struct OpeningHoursTests {
    static func at(_ text: String) -> TimeOfDay { try! TimeOfDay(parsing: text) }

    @Test("24h is always open, and so are ranges covering the whole day")
    func always() throws {
        for text in ["24h", "24H", " 24h ", "24小时", "00:00-24:00", "06:00-18:00,18:00-06:00"] {
            let h = try OpeningHours(parsing: text)
            #expect(h.isAlwaysOpen, "\(text)")
            #expect(h == .always)
            #expect(h.text == "24h")
        }
        #expect(OpeningHours.always.isOpen(at: Self.at("03:00")))
    }

    @Test("a day range includes its start and excludes its end")
    func dayRange() throws {
        let h = try OpeningHours(parsing: "08:00-20:00")
        #expect(!h.isAlwaysOpen)
        #expect(!h.isOpen(at: Self.at("07:59")))
        #expect(h.isOpen(at: Self.at("08:00")))
        #expect(h.isOpen(at: Self.at("19:59")))
        #expect(!h.isOpen(at: Self.at("20:00")))
        #expect(h.text == "08:00-20:00")
    }

    @Test("a range may cross midnight")
    func crossesMidnight() throws {
        let h = try OpeningHours(parsing: "22:00-06:00")
        #expect(h.isOpen(at: Self.at("23:30")))
        #expect(h.isOpen(at: Self.at("00:00")))
        #expect(h.isOpen(at: Self.at("05:59")))
        #expect(!h.isOpen(at: Self.at("06:00")))
        #expect(!h.isOpen(at: Self.at("12:00")))
        #expect(!h.isOpen(at: Self.at("21:59")))
        #expect(h.ranges.count == 1 && h.ranges[0].crossesMidnight && h.ranges[0].length == 480)
    }

    @Test("several ranges, sorted; 24:00 may end a range")
    func severalRanges() throws {
        let h = try OpeningHours(parsing: "17:00-24:00, 10:00-14:00")
        #expect(h.text == "10:00-14:00,17:00-24:00")
        #expect(h.isOpen(at: Self.at("23:59")))
        #expect(!h.isOpen(at: Self.at("00:00")))
        #expect(!h.isOpen(at: Self.at("15:00")))
        #expect(h.isOpen(at: Self.at("10:00")))
        #expect(try OpeningHours(parsing: h.text) == h)
        #expect(try OpeningHours(parsing: "10:00-14:00,17:00-24:00") == h)
    }

    @Test("Chinese punctuation reads as ASCII")
    func chinesePunctuation() throws {
        #expect(try OpeningHours(parsing: "08：00～12：00，14:00至18:00").text == "08:00-12:00,14:00-18:00")
    }

    @Test("minutes open in an hour")
    func minutesOpenInHour() throws {
        let h = try OpeningHours(parsing: "08:30-20:00,23:45-00:15")
        #expect(h.minutesOpen(inHour: 7) == 0)
        #expect(h.minutesOpen(inHour: 8) == 30)
        #expect(h.minutesOpen(inHour: 12) == 60)
        #expect(h.minutesOpen(inHour: 20) == 0)
        #expect(h.minutesOpen(inHour: 23) == 15)
        #expect(h.minutesOpen(inHour: 0) == 15)
        #expect(OpeningHours.always.minutesOpen(inHour: 3) == 60)
    }

    @Test("bad hours are named errors", arguments: [
        ("25:00-26:00", "hour 25"),
        ("8-22", "\"8\" is not a time"),
        ("10:00-10:00", "empty range"),
        ("08:00-20:00,", "trailing comma"),
        (",08:00-20:00", "leading comma"),
        ("08:00-12:00,,14:00-18:00", "two commas"),
        ("", "empty"),
        ("   ", "empty"),
        ("08:00", "not a range"),
        ("08:00-12:00-14:00", "not a range"),
        ("08:00-12:00,11:00-14:00", "overlap"),
        ("22:00-06:00,05:00-07:00", "overlap"),
        ("24:00-06:00", "hour 24"),
        ("08:00-24:30", "hour 24"),
        ("08:61-10:00", "minute 61"),
        ("always", "not a range"),
    ])
    func rejects(_ text: String, _ says: String) {
        do {
            let h = try OpeningHours(parsing: text)
            Issue.record("\"\(text)\" was accepted as \(h.text)")
        } catch {
            #expect(error.text == text)
            #expect(error.description.contains(says), "\(error.description)")
        }
    }
}

/// A small dataset on disk with the keys under test.
struct TimeDataset {
    var manifestExtra = ""
    var districtExtra = ""
    var stations: [String] = []

    static func station(_ id: String, _ extra: String, lon: Double = 113.11, lat: Double = 36.19) -> String {
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"\(id)\",\"name\":\"\(id)\"\(extra.isEmpty ? "" : ",")\(extra)},\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(lon),\(lat)]}}"
    }

    func write() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nuanxin-time-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func put(_ name: String, _ text: String) throws {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        func collection(_ f: [String]) -> String { "{\"type\":\"FeatureCollection\",\"features\":[\(f.joined(separator: ","))]}" }
        try put("dataset.json", "{\"name\":\"t\",\"crs\":\"EPSG:4547\",\"radius_m\":1000\(manifestExtra.isEmpty ? "" : ",")\(manifestExtra)}")
        try put("districts.geojson", collection([
            "{\"type\":\"Feature\",\"properties\":{\"id\":\"d1\",\"name\":\"D1\"\(districtExtra.isEmpty ? "" : ",")\(districtExtra)},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[113.0,36.1],[113.2,36.1],[113.2,36.3],[113.0,36.3],[113.0,36.1]]]}}",
        ]))
        try put("stations.geojson", collection(stations))
        for empty in ["parking_zones.geojson", "commercial_areas.geojson", "demand.geojson"] { try put(empty, collection([])) }
        return folder
    }

    func validate(_ adjust: (inout DatasetSource) -> Void = { _ in }) throws -> [DatasetIssue] {
        let folder = try write()
        defer { try? FileManager.default.removeItem(at: folder) }
        var source = DatasetSource(folder: folder.path)
        adjust(&source)
        return DatasetLoader.validate(source).issues
    }

    func load(_ adjust: (inout DatasetSource) -> Void = { _ in }) throws -> Dataset {
        let folder = try write()
        defer { try? FileManager.default.removeItem(at: folder) }
        var source = DatasetSource(folder: folder.path)
        adjust(&source)
        return try DatasetLoader.load(source)
    }
}

@Suite("manifest: rest rate, demand profile, site sizes and cost")
struct ManifestTimeTests {
    @Test("defaults: 20 min, 0.5 visits an hour, 6 riders a seat, the default profile")
    func defaults() throws {
        let m = try TimeDataset().load().manifest
        #expect(m.stayMin == 20)
        #expect(m.visitsPerHour == 0.5)
        #expect(m.ridersPerSeat == 6)
        #expect(m.demandProfile == Manifest.defaultDemandProfile)
        #expect(m.siteSizes == [8, 16, 24, 32, 40])
        #expect(m.siteCost == SiteCost.illustrative)
    }

    @Test("the default profile is 24 factors in 0...1 peaking at 1, with lunch and dinner peaks above the night")
    func defaultProfileShape() {
        let p = Manifest.defaultDemandProfile
        #expect(p.count == 24)
        #expect(p.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(p.max() == 1)
        let night = p[0 ..< 6].max()!
        #expect(p[11 ... 13].max()! > 3 * night)
        #expect(p[17 ... 19].max()! > 3 * night)
        #expect(p[15] < p[12] && p[15] < p[18])
    }

    @Test("values from dataset.json, and flags override them")
    func fromManifest() throws {
        var t = TimeDataset()
        let profile = (0 ..< 24).map { $0 == 18 ? "1" : "0.5" }.joined(separator: ",")
        t.manifestExtra = "\"stay_min\":30,\"visits_per_hour\":1,\"demand_profile\":[\(profile)],\"site_sizes\":[20,10,10],\"site_cost\":{\"fixed\":1000,\"per_seat\":10}"
        let m = try t.load().manifest
        #expect(m.stayMin == 30 && m.visitsPerHour == 1 && m.ridersPerSeat == 2)
        #expect(m.demandProfile[18] == 1 && m.demandProfile[0] == 0.5)
        #expect(m.siteSizes == [10, 20])
        #expect(m.siteCost == SiteCost(fixed: 1000, perSeat: 10))
        #expect(m.siteCost.cost(seats: 8) == 1080)
        let o = try t.load { $0.stayMin = 15; $0.visitsPerHour = 2 }.manifest
        #expect(o.stayMin == 15 && o.visitsPerHour == 2 && o.ridersPerSeat == 2)
    }

    @Test("a partial site_cost keeps the default of the other part")
    func partialCost() throws {
        var t = TimeDataset()
        t.manifestExtra = "\"site_cost\":{\"per_seat\":0}"
        let m = try t.load().manifest
        #expect(m.siteCost == SiteCost(fixed: SiteCost.illustrative.fixed, perSeat: 0))
    }

    @Test("bad manifest values are errors naming the key", arguments: [
        ("\"stay_min\":0", "\"stay_min\""),
        ("\"stay_min\":-5", "\"stay_min\""),
        ("\"stay_min\":\"20\"", "\"stay_min\""),
        ("\"visits_per_hour\":0", "\"visits_per_hour\""),
        ("\"visits_per_hour\":-0.5", "\"visits_per_hour\""),
        ("\"stay_min\":1441", "\"stay_min\" is 1441, more than the limit of 1440 minutes"),
        ("\"stay_min\":1e308", "\"stay_min\" is 1e+308, more than the limit of 1440 minutes"),
        ("\"visits_per_hour\":61", "\"visits_per_hour\" is 61, more than the limit of 60 visits an hour"),
        ("\"demand_profile\":[1,0.5]", "has 2 values"),
        ("\"demand_profile\":\"flat\"", "must be a list"),
        ("\"demand_profile\":[\(Array(repeating: "0.5", count: 23).joined(separator: ",")),-1]", "hour 23"),
        ("\"demand_profile\":[\(Array(repeating: "0.5", count: 23).joined(separator: ",")),\"x\"]", "hour 23"),
        ("\"demand_profile\":[\(Array(repeating: "0.5", count: 24).joined(separator: ","))]", "exactly 1"),
        ("\"demand_profile\":[\(Array(repeating: "2", count: 24).joined(separator: ","))]", "exactly 1"),
        ("\"demand_profile\":[\(Array(repeating: "0", count: 24).joined(separator: ","))]", "exactly 1"),
        ("\"site_sizes\":[]", "\"site_sizes\""),
        ("\"site_sizes\":[8,0]", "item 1"),
        ("\"site_sizes\":[8.5]", "item 0"),
        ("\"site_cost\":5", "\"site_cost\""),
        ("\"site_cost\":{\"fixed\":-1}", "\"fixed\""),
    ])
    func rejects(_ extra: String, _ says: String) throws {
        var t = TimeDataset()
        t.manifestExtra = extra
        let issues = try t.validate().filter { $0.severity == .error }
        #expect(issues.count == 1, "\(issues)")
        #expect(issues.first?.file.hasSuffix("dataset.json") == true)
        #expect(issues.first?.message.contains(says) == true, "\(issues)")
        #expect(throws: DatasetError.self) { try t.load() }
    }

    @Test("bad flag overrides are errors naming the flag", arguments: [
        (0.0, 1.0, "--stay-min 0"), (-3.0, 1.0, "--stay-min -3"), (20.0, 0.0, "--visits-per-hour 0"), (Double.nan, 1.0, "--stay-min"),
        (1_441.0, 1.0, "--stay-min 1441 is more than the limit of 1440 minutes"),
        (20.0, 1e300, "--visits-per-hour 1e+300 is more than the limit of 60 visits an hour"),
    ])
    func badOverrides(_ stay: Double, _ visits: Double, _ says: String) throws {
        let issues = try TimeDataset().validate { $0.stayMin = stay; $0.visitsPerHour = visits }.filter { $0.severity == .error }
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains(says) == true, "\(issues)")
    }

    @Test("an unknown key in site_cost is a warning")
    func unknownCostKey() throws {
        var t = TimeDataset()
        t.manifestExtra = "\"site_cost\":{\"fixed\":1,\"rent\":2}"
        let issues = try t.validate()
        #expect(issues.count == 1 && issues[0].severity == .warning && issues[0].message.contains("rent"))
    }
}

@Suite("stations: hours, the rest rule, district radius")
struct StationTimeTests {
    @Test("hours are parsed at load; no hours is always open")
    func hoursAtLoad() throws {
        var t = TimeDataset()
        t.stations = [
            TimeDataset.station("a", "\"kind\":\"warm_station\",\"hours\":\"09:00-21:00\""),
            TimeDataset.station("b", "\"kind\":\"warm_station\""),
            TimeDataset.station("c", "\"kind\":\"warm_station\",\"hours\":\"24h\""),
            // An empty spreadsheet cell converted by ogr2ogr: no hours given.
            TimeDataset.station("d", "\"kind\":\"warm_station\",\"hours\":\"\""),
        ]
        let s = try t.load().stations
        #expect(s[3].openingHours.isAlwaysOpen && s[3].hours == nil)
        #expect(s[0].openingHours.text == "09:00-21:00" && s[0].hours == "09:00-21:00")
        #expect(!s[0].openingHours.isOpen(at: try TimeOfDay(parsing: "22:00")))
        #expect(s[1].openingHours.isAlwaysOpen && s[1].hours == nil)
        #expect(s[2].openingHours.isAlwaysOpen)
    }

    @Test("bad hours are validation errors with the feature index and id", arguments: ["25:00-26:00", "8-22", "10:00-10:00", "08:00-20:00,"])
    func badHours(_ hours: String) throws {
        var t = TimeDataset()
        t.stations = [
            TimeDataset.station("ok", "\"kind\":\"warm_station\""),
            TimeDataset.station("st-9", "\"kind\":\"warm_station\",\"hours\":\"\(hours)\""),
        ]
        let issues = try t.validate().filter { $0.severity == .error }
        #expect(issues.count == 1)
        #expect(issues.first?.featureIndex == 1 && issues.first?.featureID == "st-9")
        #expect(issues.first?.file.hasSuffix("stations.geojson") == true)
        #expect(issues.first?.description.contains("hours") == true)
    }

    @Test("hours that are not text are an error")
    func hoursNotText() throws {
        var t = TimeDataset()
        t.stations = [TimeDataset.station("x", "\"kind\":\"warm_station\",\"hours\":[\"08:00-20:00\"]")]
        let issues = try t.validate().filter { $0.severity == .error }
        #expect(issues.count == 1 && issues[0].featureID == "x")
    }

    @Test("the services list decides rest when there is one; the kind decides otherwise")
    func restRule() throws {
        var t = TimeDataset()
        t.stations = [
            TimeDataset.station("centre-training", "\"kind\":\"service_center\",\"services\":[\"training\",\"legal_aid\"]"),
            TimeDataset.station("centre-rest", "\"kind\":\"service_center\",\"services\":[\"rest\",\"training\"]"),
            TimeDataset.station("centre-bare", "\"kind\":\"service_center\""),
            TimeDataset.station("venue-rest", "\"kind\":\"partner_venue\",\"services\":[\"rest\",\"hot_meal\"]"),
            TimeDataset.station("venue-meal", "\"kind\":\"partner_venue\",\"services\":[\"hot_meal\"]"),
            TimeDataset.station("venue-bare", "\"kind\":\"partner_venue\""),
            TimeDataset.station("charger", "\"kind\":\"charging_point\""),
            TimeDataset.station("warm-empty-list", "\"kind\":\"warm_station\",\"services\":[]"),
        ]
        let s = Dictionary(uniqueKeysWithValues: try t.load().stations.map { ($0.id, $0) })
        #expect(s["centre-training"]!.offersRest == false)
        #expect(s["centre-rest"]!.offersRest == true)
        #expect(s["centre-bare"]!.offersRest == true)
        #expect(s["venue-rest"]!.offersRest == true)
        #expect(s["venue-meal"]!.offersRest == false)
        #expect(s["venue-bare"]!.offersRest == false)
        #expect(s["charger"]!.offersRest == false)
        #expect(s["warm-empty-list"]!.offersRest == true)
        #expect(s["venue-meal"]!.offers(.hotMeal))
        #expect(!s["venue-meal"]!.offers(.water))
        #expect(s["centre-training"]!.offers(.legalAid))
        #expect(!s["centre-training"]!.offers(.rest))
        #expect(s["centre-bare"]!.offers(.rest))
        #expect(s["charger"]!.offers(.charging))
    }

    @Test("a district's radius_m is read; missing is nil", arguments: [("\"radius_m\":500", 500.0 as Double?), ("", nil)])
    func districtRadius(_ extra: String, _ radius: Double?) throws {
        var t = TimeDataset()
        t.districtExtra = extra
        #expect(try t.load().districts[0].radiusM == radius)
    }

    @Test("a bad district radius_m is an error with the feature", arguments: ["\"radius_m\":0", "\"radius_m\":-100", "\"radius_m\":\"far\"", "\"radius_m\":true"])
    func badDistrictRadius(_ extra: String) throws {
        var t = TimeDataset()
        t.districtExtra = extra
        let issues = try t.validate().filter { $0.severity == .error }
        #expect(issues.count == 1, "\(issues)")
        #expect(issues.first?.featureIndex == 0 && issues.first?.featureID == "d1")
        #expect(issues.first?.message.contains("radius_m") == true)
    }
}
