import Foundation
import FoundationXML
import Geo
import Testing

/// The default dataset's report, written once for the tests that read it.
enum DefaultReport {
    static let changzhi = CLI.repositoryRoot.appendingPathComponent("geodata/changzhi").path

    struct Output: Sendable {
        var folder: URL
        var html: URL
        var svg: URL
        var htmlRun: CLIResult
        var svgRun: CLIResult
    }

    static let output: Result<Output, Error> = Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nuanxin-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let html = folder.appendingPathComponent("report.html"), svg = folder.appendingPathComponent("map.svg")
        let a = try CLI.run(["report", "--data", changzhi, "--out", html.path])
        let b = try CLI.run(["report", "--data", changzhi, "--out", svg.path])
        return Output(folder: folder, html: html, svg: svg, htmlRun: a, svgRun: b)
    }

    static func get() throws -> Output { try output.get() }

    /// The count of each kind of mark (`class="K" data-id=...`) in a document.
    static func markCounts(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for kind in ["district", "station", "proposal", "gap", "area", "parking"] {
            counts[kind] = text.components(separatedBy: "class=\"\(kind)\" data-id=\"").count - 1
        }
        return counts
    }

    /// What the other commands say the report must show: districts, stations, gaps, proposals, areas, parking.
    static let expectedCounts: Result<[String: Int], Error> = Result {
        func json(_ args: [String]) throws -> [String: Any] {
            let r = try CLI.run(args + ["--data", changzhi, "--format", "json"])
            guard r.status == 0 else { throw CLIFailureForTest(message: r.stderr) }
            return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        }
        func layerCount(_ file: String) throws -> Int {
            let fc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: changzhi).appendingPathComponent(file))) as! [String: Any]
            return (fc["features"] as! [Any]).count
        }
        let gaps = (try json(["gaps"])["gaps"] as! [Any]).count
        let proposals = (try json(["propose", "--count", "3"])["districts"] as! [[String: Any]]).reduce(0) { $0 + ($1["sites"] as! [Any]).count }
        return ["district": try layerCount("districts.geojson"), "station": try layerCount("stations.geojson"), "gap": gaps, "proposal": proposals,
                "area": try layerCount("commercial_areas.geojson"), "parking": try layerCount("parking_zones.geojson")]
    }
}

struct CLIFailureForTest: Error { var message: String }

@Suite("report command")
struct ReportCommandTests {
    @Test("the default report: one HTML file well under 2 MB with one mark per feature, the same marks as gaps and propose")
    func defaultReport() throws {
        let out = try DefaultReport.get()
        #expect(out.htmlRun.status == 0, "\(out.htmlRun.stderr)")
        #expect(out.htmlRun.stdout.contains("Report written to \(out.html.path)"))
        let html = try String(contentsOf: out.html, encoding: .utf8)
        #expect(html.utf8.count < 1_000_000, "\(html.utf8.count) bytes")
        let expected = try DefaultReport.expectedCounts.get()
        #expect(DefaultReport.markCounts(html) == expected)
        #expect(html.contains("示意数据 · Illustrative data, not a survey"))
        #expect(html.contains("load not computed"))
        // Nothing is fetched: the SVG namespace is the only URL.
        #expect(html.components(separatedBy: "://").count == 2)
    }

    @Test("--format svg (or an .svg --out) writes the map alone: valid XML with the same marks")
    func svgAlone() throws {
        let out = try DefaultReport.get()
        #expect(out.svgRun.status == 0, "\(out.svgRun.stderr)")
        let svg = try String(contentsOf: out.svg, encoding: .utf8)
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let doc = try XMLDocument(xmlString: svg)
        #expect(doc.rootElement()?.name == "svg")
        #expect(!svg.contains("<script") && !svg.contains("<table"))
        #expect(DefaultReport.markCounts(svg) == (try DefaultReport.expectedCounts.get()))

        // After projection, every station's circle lies inside the path of the district its
        // properties name, and distances on the map match geodesic ones at the scale bar's scale.
        func attr(_ e: XMLElement, _ name: String) -> String? { e.attributes?.first { $0.name == name }?.stringValue }
        var districtRings: [String: [[(Double, Double)]]] = [:]
        for case let e as XMLElement in try doc.nodes(forXPath: "//*[@*[local-name()='class']='district']") {
            var rings: [[(Double, Double)]] = []
            for part in attr(e, "d")!.split(separator: "Z") {
                rings.append(part.split(whereSeparator: { $0 == "M" || $0 == "L" }).map { pair in
                    let xy = pair.split(separator: " ").map { Double($0)! }
                    return (xy[0], xy[1])
                })
            }
            districtRings[attr(e, "data-id")!] = rings
        }
        func inside(_ p: (Double, Double), _ rings: [[(Double, Double)]]) -> Bool {
            var c = false
            for ring in rings {
                var j = ring.count - 1
                for i in ring.indices {
                    let a = ring[i], b = ring[j]
                    if (a.1 > p.1) != (b.1 > p.1), p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 { c.toggle() }
                    j = i
                }
            }
            return c
        }
        let stations = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: DefaultReport.changzhi).appendingPathComponent("stations.geojson"))) as! [String: Any]
        var byID: [String: (district: String, lon: Double, lat: Double)] = [:]
        for f in stations["features"] as! [[String: Any]] {
            let p = f["properties"] as! [String: Any], c = (f["geometry"] as! [String: Any])["coordinates"] as! [Double]
            byID[p["id"] as! String] = (p["district"] as! String, c[0], c[1])
        }
        var placed: [(id: String, x: Double, y: Double)] = []
        for case let e as XMLElement in try doc.nodes(forXPath: "//*[local-name()='circle'][@*[local-name()='class']='station']") {
            let id = attr(e, "data-id")!, x = Double(attr(e, "cx")!)!, y = Double(attr(e, "cy")!)!
            let station = try #require(byID[id])
            #expect(inside((x, y), districtRings[station.district]!), "\(id) is drawn outside \(station.district)")
            placed.append((id, x, y))
        }
        #expect(placed.count > 40)
        let bar = try #require(try doc.nodes(forXPath: "//*[@*[local-name()='id']='scalebar']").first as? XMLElement)
        let metresPerPixel = Double(attr(bar, "data-metres")!)! / Double(attr(bar, "data-pixels")!)!
        let sorted = placed.sorted { $0.id < $1.id }
        let a = sorted.first!, b = sorted.max { hypot($0.x - a.x, $0.y - a.y) < hypot($1.x - a.x, $1.y - a.y) }!
        let onMap = hypot(b.x - a.x, b.y - a.y) * metresPerPixel
        let ground = Geodesic.distance(from: Coordinate(lon: byID[a.id]!.lon, lat: byID[a.id]!.lat), to: Coordinate(lon: byID[b.id]!.lon, lat: byID[b.id]!.lat))
        // Web Mercator's scale changes with latitude: within 2% over the city's 1.3 degrees.
        #expect(abs(onMap - ground) / ground < 0.02, "\(onMap) m on the map, \(ground) m on the ground")
    }

    @Test("the same input gives byte-identical maps: the HTML run's inline SVG is the SVG run's file")
    func deterministic() throws {
        // Two separate runs (one writing HTML, one SVG) draw the same map, byte for byte.
        let out = try DefaultReport.get()
        let html = try String(contentsOf: out.html, encoding: .utf8)
        let svg = try String(contentsOf: out.svg, encoding: .utf8)
        let start = try #require(html.range(of: "<svg xmlns=")), end = try #require(html.range(of: "</svg>\n"))
        let inline = String(html[start.lowerBound..<end.upperBound])
        #expect(svg == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + inline)
    }

    @Test("without --out the report is nuanxin-report.html in the current folder, and says so")
    func defaultOut() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try CLI.run(["report", "--data", folder.path, "--count", "1"], currentDirectory: folder)
        #expect(r.status == 0, "\(r.stderr)")
        let file = folder.appendingPathComponent("nuanxin-report.html")
        #expect(FileManager.default.fileExists(atPath: file.path))
        #expect(r.stdout.contains("Report written to ") && r.stdout.contains("/nuanxin-report.html"))
        let html = try String(contentsOf: file, encoding: .utf8)
        #expect(!html.contains("示意数据"))  // the tiny fixture does not say it is illustrative
        // --count 0: no proposals and no proposals table.
        let none = try CLI.run(["report", "--data", folder.path, "--count", "0", "--out", "none.html"], currentDirectory: folder)
        #expect(none.status == 0)
        let noneHTML = try String(contentsOf: folder.appendingPathComponent("none.html"), encoding: .utf8)
        #expect(DefaultReport.markCounts(noneHTML)["proposal"] == 0 && !noneHTML.contains("proposals-table"))
    }

    @Test("--tiles adds a basemap; --tiles-crs gcj02 shifts the drawing onto it")
    func tiles() throws {
        let folder = try Fixtures.tinyCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = "https://tiles.example.cn/{z}/{x}/{y}.png"
        var svgs: [String] = []
        for crs in ["wgs84", "gcj02"] {
            let out = folder.appendingPathComponent("\(crs).svg").path
            let r = try CLI.run(["report", "--data", folder.path, "--tiles", template, "--tiles-crs", crs, "--out", out])
            #expect(r.status == 0, "\(r.stderr)")
            svgs.append(try String(contentsOfFile: out, encoding: .utf8))
        }
        #expect(svgs[0].contains("<image href=\"https://tiles.example.cn/"))
        func firstStation(_ svg: String) throws -> (Double, Double) {
            let doc = try XMLDocument(xmlString: svg)
            let c = try doc.nodes(forXPath: "//*[local-name()='circle'][@*[local-name()='class']='station']").first as! XMLElement
            let a = c.attributes!
            return (Double(a.first { $0.name == "cx" }!.stringValue!)!, Double(a.first { $0.name == "cy" }!.stringValue!)!)
        }
        let (x0, y0) = try firstStation(svgs[0]), (x1, y1) = try firstStation(svgs[1])
        #expect(x0 != x1 || y0 != y1)
        let html = folder.appendingPathComponent("t.html").path
        #expect(try CLI.run(["report", "--data", folder.path, "--tiles", template, "--out", html]).status == 0)
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("img-src data: https://tiles.example.cn"))
    }

    @Test("bad input: unwritable --out (73), a tile template without {x}/{y}/{z} (64), --format against --out (64)")
    func badInput() throws {
        let data = ["--data", Fixtures.tiny.path]
        let missing = try CLI.run(["report", "--out", "/nonexistent-nuanxin/report.html"] + data)
        #expect(missing.status == 73)
        #expect(missing.stderr.contains("cannot create /nonexistent-nuanxin/report.html: the folder /nonexistent-nuanxin does not exist"))
        let dir = FileManager.default.temporaryDirectory.path
        let isDirectory = try CLI.run(["report", "--out", dir] + data)
        #expect(isDirectory.status == 73 && isDirectory.stderr.contains("it is a directory"))
        let tiles = try CLI.run(["report", "--tiles", "https://tiles.example.org/{z}/{x}.png", "--out", "/tmp/never.html"] + data)
        #expect(tiles.status == 64)
        #expect(tiles.stderr.contains("the URL template needs {y}"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never.html"))
        let contradiction = try CLI.run(["report", "--format", "svg", "--out", "/tmp/never.html"] + data)
        #expect(contradiction.status == 64 && contradiction.stderr.contains("--format svg contradicts --out /tmp/never.html"))
        let count = try CLI.run(["report", "--count", "-1"] + data)
        #expect(count.status == 64)
    }

    @Test("an empty dataset gives a valid report that says there is nothing to show")
    func emptyDataset() throws {
        let folder = try Fixtures.tinyCopy { dir in
            for file in ["districts", "stations", "parking_zones", "commercial_areas", "demand", "candidates"] {
                try "{\"type\":\"FeatureCollection\",\"features\":[]}".write(to: dir.appendingPathComponent("\(file).geojson"), atomically: true, encoding: .utf8)
            }
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["empty.html", "empty.svg"] {
            let out = folder.appendingPathComponent(name)
            let r = try CLI.run(["report", "--data", folder.path, "--out", out.path])
            #expect(r.status == 0, "\(r.stderr)")
            let text = try String(contentsOf: out, encoding: .utf8)
            #expect(text.contains("Nothing to show"))
            #expect(DefaultReport.markCounts(text).values.allSatisfy { $0 == 0 })
            if name.hasSuffix(".svg") { _ = try XMLDocument(xmlString: text) }
        }
    }
}
