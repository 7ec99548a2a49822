import Foundation
import Testing

/// The service radii a dataset's files give (the manifest's `radius_m`, a division's `radius_m`)
/// are checked against the CRS's area of use as `--radius` is.
@Suite("radii from files against the CRS's area of use")
struct RadiusReachTests {
    static let area = Fixtures.outsideTinyArea + ", where its distances are not metres"

    @Test("a manifest radius_m whose circles around the dataset leave the area of use is bad data (65) naming dataset.json and the field, in the commands that draw the radius and in validate; --radius replaces it; nearest answers")
    func manifestRadius() throws {
        // 400 km around the tiny dataset (113.0–113.2°E, 36°N) reaches west of 108.5°E, past 109.5°E.
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.editJSON(dir.appendingPathComponent("dataset.json")) { $0["radius_m"] = 400_000 }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = folder.appendingPathComponent("dataset.json").path
        let data = ["--data", folder.path]
        for command in [["coverage"], ["gaps"], ["load"], ["propose", "--count", "1"], ["areas"], ["export", "--layer", "coverage", "--format", "csv"]] {
            let far = try CLI.run(command + data)
            #expect(far.status == 65, "\(command): \(far.stderr)")
            #expect(far.stderr.hasPrefix("nuanxin: \(manifest): \"radius_m\" 400000 m around the dataset's points (lon 113.0"), "\(command): \(far.stderr)")
            #expect(far.stderr.contains("reaches lon 10"), "\(far.stderr)")
            #expect(far.stderr.contains(Self.area + ": use a smaller \"radius_m\" or a --crs whose area of use holds the circles"), "\(far.stderr)")
            #expect(far.stdout.isEmpty)
            let replaced = try CLI.run(command + ["--radius", "1000"] + data)
            #expect(replaced.status == 0, "\(command) --radius 1000: \(replaced.stderr)")
        }
        let validate = try CLI.run(["validate", "--format", "json"] + data)
        #expect(validate.status == 65, "\(validate.stderr)")
        #expect(validate.stdout.contains("\"file\":\"\(manifest)\",\"message\":\"\\\"radius_m\\\" 400000 m around the dataset's points"), "\(validate.stdout)")
        // Commands that draw no service radius answer.
        let nearest = try CLI.run(["nearest", "--lon", "113.1", "--lat", "36.1", "--format", "json"] + data)
        #expect(nearest.status == 0, "\(nearest.stderr)")
        // 200 km stays within the margin.
        let near = try Fixtures.tinyCopy { dir in
            try Fixtures.editJSON(dir.appendingPathComponent("dataset.json")) { $0["radius_m"] = 200_000 }
        }
        defer { try? FileManager.default.removeItem(at: near) }
        let ok = try CLI.run(["coverage", "--format", "json", "--data", near.path])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test("a division's radius_m whose circles around the division leave the area of use is bad data (65) naming the file, feature index, id and field; --radius replaces it")
    func divisionRadius() throws {
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.setProperty(dir.appendingPathComponent("districts.geojson"), 1, "radius_m", 400_000)
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let districts = folder.appendingPathComponent("districts.geojson").path
        let far = try CLI.run(["coverage", "--data", folder.path])
        #expect(far.status == 65, "\(far.stderr)")
        #expect(far.stderr.hasPrefix("nuanxin: \(districts): feature 1 (id B): radius_m 400000 m around the division (lon 113."), "\(far.stderr)")
        #expect(far.stderr.contains(Self.area + ": use a smaller radius_m or a --crs whose area of use holds the circles"), "\(far.stderr)")
        #expect(!far.stderr.contains("dataset.json"), "the manifest's 1000 m is fine: \(far.stderr)")
        let validate = try CLI.run(["validate", "--format", "table", "--data", folder.path])
        #expect(validate.status == 65)
        #expect(validate.stdout.contains("\(districts): feature 1 (id B): radius_m 400000 m around the division"), "\(validate.stdout)")
        let replaced = try CLI.run(["coverage", "--radius", "1000", "--data", folder.path])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        let info = try CLI.run(["info", "--data", folder.path])
        #expect(info.status == 0, "\(info.stderr)")
    }

    @Test("--with stations are in the radius box: a --radius (or the manifest's radius_m) whose circles around them leave the area of use is bad data (65) naming the file, in every command that takes --with")
    func scenarioStations() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        // 118.3°E is within 3° of the zone's 115.5°E; 100 km around it reaches 119.4°E, past 118.5°E.
        let far = folder.appendingPathComponent("far.csv"), near = folder.appendingPathComponent("near.csv")
        try Data("id,name,kind,lon,lat\nx1,Far,warm_station,118.3,36.05\n".utf8).write(to: far)
        _ = try Fixtures.extraStation(in: folder, name: "near.csv")
        let data = ["--data", folder.path]
        let commands: [[String]] = [["compare"], ["coverage"], ["load"], ["gaps"], ["areas"], ["propose", "--count", "1"],
                                    ["report", "--count", "0", "--format", "svg", "--out", folder.appendingPathComponent("map.svg").path]]
        for command in commands {
            let refused = try CLI.run(command + ["--with", far.path, "--radius", "100000"] + data)
            #expect(refused.status == 65, "\(command): \(refused.stderr)")
            #expect(refused.stderr.contains("nuanxin: --radius 100000 m around the stations of --with \(far.path) (lon 118.30–118.30, lat 36.05–36.05) reaches lon 117.1"), "\(command): \(refused.stderr)")
            #expect(refused.stderr.contains(Self.area + ": use a smaller --radius or a --crs whose area of use holds the circles"), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty)
            // The dataset alone with the same radius, and a station near it, are answered.
            let alone = try CLI.run(command + ["--radius", "100000"] + data + (command == ["compare"] ? ["--with", near.path] : []))
            #expect(alone.status == 0, "\(command): \(alone.stderr)")
            let inside = try CLI.run(command + ["--with", near.path, "--radius", "100000"] + data)
            #expect(inside.status == 0, "\(command): \(inside.stderr)")
            // The usual 1 km around the far station stays within the margin.
            let small = try CLI.run(command + ["--with", far.path] + data)
            #expect(small.status == 0, "\(command): \(small.stderr)")
        }
        // Without --radius, the manifest's radius_m is drawn around them: the message names dataset.json too.
        try Fixtures.editJSON(folder.appendingPathComponent("dataset.json")) { $0["radius_m"] = 100_000 }
        let manifest = try CLI.run(["compare", "--with", far.path] + data)
        #expect(manifest.status == 65, "\(manifest.stderr)")
        #expect(manifest.stderr.contains("\nnuanxin: \(folder.appendingPathComponent("dataset.json").path): \"radius_m\" 100000 m around the stations of --with \(far.path) "), "\(manifest.stderr)")
        let manifestNear = try CLI.run(["compare", "--with", near.path] + data)
        #expect(manifestNear.status == 0, "\(manifestNear.stderr)")
    }

    @Test("a division's own radius_m is drawn around the --with stations that can reach the division: beyond the area of use it is bad data (65) naming the districts file, feature index, id and field; a station out of that radius's reach, or --radius, is answered")
    func scenarioStationsDivisionRadius() throws {
        // B (113.1–113.2°E) at 300 km: around B itself it reaches 116.5°E, within 118.5°E.
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.setProperty(dir.appendingPathComponent("districts.geojson"), 1, "radius_m", 300_000)
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let districts = folder.appendingPathComponent("districts.geojson").path
        // 116.0°E is 2.8° (250 km) east of B: 300 km around it reaches 119.5°E, past 118.5°E.
        // 116.8°E is 3.6° (325 km) east of B: no demand of B within 300 km, the manifest's 1 km is drawn.
        let reaching = folder.appendingPathComponent("reaching.csv"), beyond = folder.appendingPathComponent("beyond.csv")
        try Data("id,name,kind,lon,lat\nx1,Far,warm_station,116.0,36.05\n".utf8).write(to: reaching)
        try Data("id,name,kind,lon,lat\nx2,Farther,warm_station,116.8,36.05\n".utf8).write(to: beyond)
        let data = ["--data", folder.path]
        #expect(try CLI.run(["coverage"] + data).status == 0)
        for command in [["compare"], ["coverage"], ["propose", "--count", "1"]] {
            let refused = try CLI.run(command + ["--with", reaching.path] + data)
            #expect(refused.status == 65, "\(command): \(refused.stderr)")
            #expect(refused.stderr.contains("nuanxin: \(districts): feature 1 (id B): radius_m 300000 m around the stations of --with \(reaching.path) that reach the division (lon 116.00–116.00, lat 36.05–36.05) reaches lon 112.5"), "\(command): \(refused.stderr)")
            #expect(refused.stderr.contains(Self.area + ": use a smaller radius_m or a --crs whose area of use holds the circles"), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty)
            let out = try CLI.run(command + ["--with", beyond.path] + data)
            #expect(out.status == 0, "\(command): \(out.stderr)")
            let replaced = try CLI.run(command + ["--with", reaching.path, "--radius", "1000"] + data)
            #expect(replaced.status == 0, "\(command): \(replaced.stderr)")
        }
    }
}

/// The dataset's own coordinates are checked against the CRS's area of use: far outside it a
/// metre of the CRS is no metre on the ground.
@Suite("the dataset's coordinates against the CRS's area of use")
struct DatasetAreaOfUseTests {
    @Test("a --crs or manifest crs for another part of the world is bad data (65): one error a layer, naming its first feature outside, how many more, and a CRS for the dataset's area; validate says the same")
    func farCRS() throws {
        let israel = "more than 3° outside the area of use of EPSG:2039 (34.17°E–35.69°E, 29.45°N–33.28°N), where its distances are not metres"
        let stations = Fixtures.tiny.appendingPathComponent("stations.geojson").path
        // Every station is far outside: the first is named, the others counted.
        let stationLayer = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stations))) as? [String: Any]
        let stationCount = (stationLayer?["features"] as? [Any])?.count ?? 0
        #expect(stationCount > 2)
        for command in [["coverage"], ["nearest", "--lon", "113.1", "--lat", "36.1"], ["propose", "--count", "1"]] {
            let far = try CLI.run(command + ["--crs", "EPSG:2039", "--data", Fixtures.tiny.path])
            #expect(far.status == 65, "\(command): \(far.stderr)")
            #expect(far.stderr.contains("nuanxin: \(stations): feature 0 (id "), "\(command): \(far.stderr)")
            #expect(far.stderr.contains(israel + ", as are \(stationCount - 1) more feature(s) of this layer"), "\(command): \(far.stderr)")
            #expect(far.stderr.contains("use a CRS for the dataset's area, e.g. EPSG:4547"), "\(command): \(far.stderr)")
            #expect(far.stdout.isEmpty)
        }
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.editJSON(dir.appendingPathComponent("dataset.json")) { $0["crs"] = "EPSG:2039" }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let validate = try CLI.run(["validate", "--format", "json", "--data", folder.path])
        #expect(validate.status == 65, "\(validate.stderr)")
        #expect(validate.stdout.contains("\"file\":\"\(folder.appendingPathComponent("districts.geojson").path)\",\"feature\":0"), "\(validate.stdout)")
        #expect(validate.stdout.contains(israel), "\(validate.stdout)")
    }

    @Test("one feature far outside an otherwise fitting CRS is named by its index and id, alone")
    func oneFarFeature() throws {
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.setGeometry(dir.appendingPathComponent("stations.geojson"), 1, ["type": "Point", "coordinates": [100.5, 36.1]])
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let stations = folder.appendingPathComponent("stations.geojson").path
        let far = try CLI.run(["coverage", "--data", folder.path])
        #expect(far.status == 65, "\(far.stderr)")
        #expect(far.stderr.contains("nuanxin: \(stations): feature 1 (id "), "\(far.stderr)")
        #expect(far.stderr.contains("lon 100.5, lat 36.1 is " + Fixtures.outsideTinyArea + ", where its distances are not metres: use a CRS for the dataset's area, e.g. EPSG:4543"), "\(far.stderr)")
        #expect(!far.stderr.contains("as are"), "\(far.stderr)")
        // Within the margin (112.5°E less 3°) it is only outside every district.
        let near = try Fixtures.tinyCopy { dir in
            try Fixtures.setGeometry(dir.appendingPathComponent("stations.geojson"), 1, ["type": "Point", "coordinates": [110.0, 36.1]])
        }
        defer { try? FileManager.default.removeItem(at: near) }
        let ok = try CLI.run(["coverage", "--data", near.path])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test("a metric CRS whose metres are not ground metres where the dataset is (Web Mercator at 36°N) is bad data (65) naming --crs or dataset.json's crs, by how much, and a CRS to use; a UTM zone passes")
    func stretchedCRS() throws {
        let mercator = try CLI.run(["coverage", "--crs", "EPSG:3857", "--data", Fixtures.tiny.path])
        #expect(mercator.status == 65, "\(mercator.stderr)")
        #expect(mercator.stderr.hasPrefix("nuanxin: --crs: EPSG:3857 (WGS 84 / Pseudo-Mercator) stretches distances by 2"), "\(mercator.stderr)")
        #expect(mercator.stderr.contains("% at lon 113, lat 36.1 of the dataset's extent (lon 113.00–113.20, lat 36.00–36.10)"), "\(mercator.stderr)")
        #expect(mercator.stderr.contains("for this dataset's area use EPSG:4547"), "\(mercator.stderr)")
        let folder = try Fixtures.tinyCopy { dir in
            try Fixtures.editJSON(dir.appendingPathComponent("dataset.json")) { $0["crs"] = "EPSG:3857" }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let validate = try CLI.run(["validate", "--format", "table", "--data", folder.path])
        #expect(validate.status == 65, "\(validate.stderr)")
        #expect(validate.stdout.contains("\(folder.appendingPathComponent("dataset.json").path): crs EPSG:3857 (WGS 84 / Pseudo-Mercator) stretches distances by"), "\(validate.stdout)")
        let utm = try CLI.run(["coverage", "--crs", "EPSG:32649", "--format", "json", "--data", Fixtures.tiny.path])
        #expect(utm.status == 0, "\(utm.stderr)")
    }

    /// Every coordinate of the dataset's layers moved by `dLat` degrees (the layers in `layers`).
    static func shifted(_ folder: URL, _ dLat: Double, layers: [String]) throws {
        func move(_ value: Any) -> Any {
            guard let list = value as? [Any] else { return value }
            if list.count >= 2, let lon = list[0] as? Double, let lat = list[1] as? Double { return [lon, lat + dLat] }
            return list.map(move)
        }
        for layer in layers {
            try Fixtures.editJSON(folder.appendingPathComponent(layer + ".geojson")) { doc in
                doc["features"] = (doc["features"] as! [[String: Any]]).map { f in
                    var f = f
                    var g = f["geometry"] as! [String: Any]
                    g["coordinates"] = move(g["coordinates"]!)
                    f["geometry"] = g
                    return f
                }
            }
        }
    }

    static let chinaAlbers = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +ellps=krass +units=m +no_defs"

    @Test("an equal-area CRS (China Albers) more than 3 % off in linear scale where the dataset is (53°N) is allowed with a warning saying distances are off and coverage counts are not; at 36°N no warning; a conformal CRS as far off is refused")
    func equalAreaCRS() throws {
        let north = try Fixtures.tinyCopy { dir in
            try Self.shifted(dir, 17, layers: ["districts", "stations", "demand", "commercial_areas", "parking_zones", "candidates"])
        }
        defer { try? FileManager.default.removeItem(at: north) }
        let south = try CLI.run(["coverage", "--crs", Self.chinaAlbers, "--format", "json", "--data", Fixtures.tiny.path])
        #expect(south.status == 0, "\(south.stderr)")
        #expect(!south.stderr.contains("warning"), "\(south.stderr)")
        for command in [["coverage"], ["nearest", "--lon", "113.06", "--lat", "53.05"], ["validate", "--format", "table"]] {
            let r = try CLI.run(command + ["--crs", Self.chinaAlbers, "--data", north.path])
            #expect(r.status == 0, "\(command): \(r.stdout)\(r.stderr)")
            #expect((r.stdout + r.stderr).contains("--crs: warning: \(Self.chinaAlbers) (Albers Equal Area on the Krassovsky, 1942 ellipsoid) stretches distances by 3.5 % at lon 113.2, lat 53.1 of the dataset's extent (lon 113.00–113.20, lat 53.00–53.10): it is equal-area, so each radius disc keeps its area (on the ground an ellipse: coverage counts are right on average where demand is spread evenly, not point by point), but distances"), "\(command): \(r.stdout)\(r.stderr)")
        }
        // Mercator is conformal: 3 % off is refused, as at 36°N.
        let mercator = try CLI.run(["coverage", "--crs", "+proj=merc +lat_ts=0 +ellps=WGS84 +units=m", "--data", north.path])
        #expect(mercator.status == 65, "\(mercator.stderr)")
        #expect(mercator.stderr.contains("stretches distances by 66."), "\(mercator.stderr)")
    }

    @Test("a sheared equal-area CRS is judged in its worst direction: Equal Earth 53° east of its meridian stretches 12.8 % on a diagonal (refused), only 6.2 % north or east (it was a warning)")
    func shearedCRSWorstDirection() throws {
        let r = try CLI.run(["coverage", "--crs", "+proj=eqearth +lon_0=60 +ellps=WGS84 +units=m", "--data", Fixtures.tiny.path])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("stretches distances by 12.8 %"), "\(r.stderr)")
    }

    @Test("the CRS's scale is judged over the same box whichever layers a command loads: the districts' (an export of parking zones reads them for it), else the stations'")
    func sameJudgementInEveryCommand() throws {
        // Web Mercator is 3 % off near 12°N. Without districts, stations and candidates at 16°N (4.7 %
        // off), demand at 6°N: judged at the centre of whatever points a command loaded, nearest
        // (stations) was refused while coverage, propose and info (centre 11°N) answered, and an
        // export of parking zones alone was not judged at all.
        let folder = try Fixtures.tinyCopy { dir in
            try Data(#"{"type":"FeatureCollection","features":[]}"#.utf8).write(to: dir.appendingPathComponent("districts.geojson"))
            try Self.shifted(dir, -20, layers: ["stations", "candidates"])
            try Self.shifted(dir, -30, layers: ["demand", "commercial_areas", "parking_zones"])
            try Fixtures.editJSON(dir.appendingPathComponent("dataset.json")) { $0["crs"] = "EPSG:3857" }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out.geojson").path
        for command in [["nearest", "--lon", "113.06", "--lat", "16.05"], ["coverage"], ["propose", "--count", "1"], ["info"],
                        ["export", "--layer", "parking_zones", "--format", "geojson", "--out", out], ["validate", "--format", "table"]] {
            let r = try CLI.run(command + ["--data", folder.path])
            #expect(r.status == 65, "\(command): \(r.stderr)")
            #expect((r.stdout + r.stderr).contains("crs EPSG:3857 (WGS 84 / Pseudo-Mercator) stretches distances by 4.7 % at lon 113.05, lat 16.06 of the dataset's extent (lon 113.05–113.16, lat 16.05–16.06)"), "\(command): \(r.stdout)\(r.stderr)")
        }
        // With districts (the tiny dataset's at 36°N), an export of parking zones alone is judged over them.
        let withDistricts = try CLI.run(["export", "--layer", "parking_zones", "--format", "geojson", "--crs", "EPSG:3857", "--data", Fixtures.tiny.path])
        #expect(withDistricts.status == 65, "\(withDistricts.stderr)")
        #expect(withDistricts.stderr.contains("stretches distances by 24.2 % at lon 113, lat 36.1 of the dataset's extent (lon 113.00–113.20, lat 36.00–36.10)"), "\(withDistricts.stderr)")
    }
}
