import Foundation
import FoundationXML
import Geo
import Report
import Testing

/// A small report around Changzhi: two districts side by side and a zone, stations, a gap, an area,
/// parking (a polygon and a point) and two proposals.
func sampleReport(illustrative: Bool = true, pressure: [String: Double] = [:]) -> ReportData {
    func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Geometry {
        .polygon(Polygon(exterior: [Coordinate(lon: x0, lat: y0), Coordinate(lon: x1, lat: y0), Coordinate(lon: x1, lat: y1),
                                    Coordinate(lon: x0, lat: y1), Coordinate(lon: x0, lat: y0)]))
    }
    let districts = [
        ReportData.District(id: "A", name: "潞州区", kind: "district", geometry: box(113.00, 36.10, 113.10, 36.20), labelPoint: Coordinate(lon: 113.05, lat: 36.15),
                            demand: 200, covered: 150, served: 90, seats: 40, stations: 2, proposedPctBefore: 45, proposedPctAfter: 60, proposedSites: 1, proposedBoundPct: 61),
        ReportData.District(id: "B", name: "上党区", kind: "district", geometry: box(113.10, 36.10, 113.20, 36.20), labelPoint: Coordinate(lon: 113.15, lat: 36.15),
                            demand: 100, covered: 10, served: 5, seats: 8, stations: 1),
        ReportData.District(id: "Z", name: "高新区", kind: "zone", geometry: box(113.08, 36.12, 113.12, 36.16), labelPoint: Coordinate(lon: 113.10, lat: 36.14),
                            demand: 30, covered: 20, served: 10, seats: 0, stations: 0),
    ]
    let stations = [
        ReportData.Station(id: "s1", name: "东街暖新驿站", kind: "warm_station", district: "A", seats: 30, hours: "08:00-20:00", services: ["rest", "water"],
                           location: Coordinate(lon: 113.03, lat: 36.12), load: 28, pressure: pressure["s1"]),
        ReportData.Station(id: "s2", name: "西街工会驿站", kind: "union_station", district: "A", seats: 10, location: Coordinate(lon: 113.07, lat: 36.18),
                           load: 10, pressure: pressure["s2"]),
        ReportData.Station(id: "s3", name: "充电桩", kind: "charging_point", district: "B", seats: 8, location: Coordinate(lon: 113.15, lat: 36.11),
                           offersRest: false, pressure: pressure["s3"]),
    ]
    return ReportData(
        title: "Test city (测试市)", radiusM: 1000, illustrative: illustrative, sourceNote: "synthetic", proposalMeasure: "served", proposalCount: 1,
        districts: districts, stations: stations,
        gaps: [ReportData.Gap(id: "B-gap-1", district: "B", districtName: "上党区", rank: 1, uncoveredDemand: 90, areaKm2: 2.5, geometry: box(113.16, 36.16, 113.18, 36.18))],
        areas: [ReportData.Area(id: "ca1", name: "万达广场", riderFriendly: true, missing: ["parking"], geometry: box(113.04, 36.14, 113.05, 36.15))],
        parking: [ReportData.Parking(id: "p1", name: "P1", slots: 20, charging: true, geometry: box(113.06, 36.11, 113.065, 36.115)),
                  ReportData.Parking(id: "p2", geometry: .point(Coordinate(lon: 113.12, lat: 36.19)))],
        proposals: [ReportData.Proposal(id: "A-new-1", district: "A", districtName: "潞州区", rank: 1, gain: 30, pctAfter: 60, seats: 16, location: Coordinate(lon: 113.02, lat: 36.18))],
        total: .init(demand: 300, covered: 160, served: 95, seats: 48, stations: 3))
}

/// The marks of an SVG document: class -> [(data-id, element)].
func marks(_ svg: String) throws -> [String: [(id: String, element: XMLElement)]] {
    let doc = try XMLDocument(xmlString: svg)
    var out: [String: [(id: String, element: XMLElement)]] = [:]
    for node in try doc.nodes(forXPath: "//*[@data-id]") {
        guard let e = node as? XMLElement, let cls = attr(e, "class"), let id = attr(e, "data-id") else { continue }
        out[cls, default: []].append((id, e))
    }
    return out
}

/// An attribute's value (FoundationXML's `attribute(forName:)` misses attributes of elements in a
/// default namespace, as SVG's are).
func attr(_ e: XMLElement, _ name: String) -> String? { e.attributes?.first { $0.name == name }?.stringValue }

func number(_ e: XMLElement, _ name: String) -> Double? { attr(e, name).flatMap(Double.init) }

/// The rings of an SVG path made of M/L/Z commands.
func rings(_ d: String) -> [[Coordinate]] {
    var out: [[Coordinate]] = []
    var current: [Coordinate] = []
    let scanner = Scanner(string: d)
    while !scanner.isAtEnd {
        guard let cmd = scanner.scanCharacter() else { break }
        if cmd == "Z" { out.append(current); current = []; continue }
        guard let x = scanner.scanDouble(), let y = scanner.scanDouble() else { break }
        if cmd == "M" { current = [] }
        current.append(Coordinate(x: x, y: y))
    }
    return out
}

func inside(_ p: Coordinate, _ ring: [Coordinate]) -> Bool {
    var c = false
    var j = ring.count - 1
    for i in ring.indices {
        let a = ring[i], b = ring[j]
        if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { c.toggle() }
        j = i
    }
    return c
}

@Suite("report rendering")
struct ReportRenderingTests {
    @Test("the SVG is valid XML with one mark per district, station, gap, area, parking zone and proposal")
    func oneMarkEach() throws {
        let data = sampleReport()
        let svg = SVGMap(data).render()
        let m = try marks(svg)
        #expect(m["district"]?.map(\.id) == ["A", "B", "Z"])
        #expect(Set(m["station"]?.map(\.id) ?? []) == ["s1", "s2", "s3"])
        #expect(m["gap"]?.map(\.id) == ["B-gap-1"])
        #expect(m["area"]?.map(\.id) == ["ca1"])
        #expect(m["parking"]?.map(\.id) == ["p1", "p2"])
        #expect(m["proposal"]?.map(\.id) == ["A-new-1"])
        // Every mark has a tooltip naming it.
        for (_, list) in m {
            for mark in list { #expect(mark.element.elements(forName: "title").first?.stringValue?.isEmpty == false) }
        }
        let s1 = m["station"]!.first { $0.id == "s1" }!.element
        let tip = s1.elements(forName: "title").first!.stringValue!
        for part in ["东街暖新驿站", "warm_station", "30 seats", "08:00-20:00", "rest, water", "load: 28.0"] { #expect(tip.contains(part), "\(tip)") }
    }

    @Test("marks land where Web Mercator puts them: inside their district, east is right, north is up")
    func placement() throws {
        let data = sampleReport()
        let map = SVGMap(data)
        let m = try marks(map.render())
        let districtRings = Dictionary(uniqueKeysWithValues: m["district"]!.map { ($0.id, rings(attr($0.element, "d")!)) })
        var pixels: [String: Coordinate] = [:]
        for s in m["station"]! where s.element.name == "circle" {
            let p = Coordinate(x: number(s.element, "cx")!, y: number(s.element, "cy")!)
            pixels[s.id] = p
            let expected = map.frame.pixel(data.stations.first { $0.id == s.id }!.location)
            #expect(abs(p.x - expected.x) <= 0.05 && abs(p.y - expected.y) <= 0.05)
        }
        #expect(inside(pixels["s1"]!, districtRings["A"]![0]) && !inside(pixels["s1"]!, districtRings["B"]![0]))
        #expect(inside(pixels["s2"]!, districtRings["A"]![0]))
        #expect(pixels["s2"]!.x > pixels["s1"]!.x && pixels["s2"]!.y < pixels["s1"]!.y)
        // The proposal's circle is at its site.
        let circle = m["proposal"]![0].element.elements(forName: "circle")[0]
        let expected = map.frame.pixel(data.proposals[0].location)
        #expect(abs(number(circle, "cx")! - expected.x) <= 0.05 && abs(number(circle, "cy")! - expected.y) <= 0.05)
        #expect(inside(expected, districtRings["A"]![0]))
        // The gap lies inside district B.
        for c in rings(attr(m["gap"]![0].element, "d")!)[0] {
            #expect(inside(c, districtRings["B"]![0]) || districtRings["B"]![0].contains(c))
        }
    }

    @Test("the scale bar's length in pixels is its length in metres on the ground at the centre")
    func scaleBar() throws {
        let map = SVGMap(sampleReport())
        let doc = try XMLDocument(xmlString: map.render())
        let bar = try doc.nodes(forXPath: "//*[@id='scalebar']").first as! XMLElement
        let metres = number(bar, "data-metres")!, pixels = number(bar, "data-pixels")!
        #expect([1.0, 2, 5].contains { metres / pow(10, floor(log10(metres))) == $0 })
        // Two points `pixels` apart on the centre row: the geodesic distance between them.
        let f = map.frame
        let lat = f.centreLatitude
        let midX = (f.minX + f.maxX) / 2
        let a = MapFrame.inverseMercator(Coordinate(x: midX, y: MapFrame.mercator(Coordinate(lon: 0, lat: lat)).y))
        let b = MapFrame.inverseMercator(Coordinate(x: midX + pixels / f.scale, y: MapFrame.mercator(Coordinate(lon: 0, lat: lat)).y))
        let ground = Geodesic.distance(from: a, to: b)
        #expect(abs(ground - metres) / metres < 0.005, "bar \(metres) m is \(ground) m on the ground")
    }

    @Test("stations without pressure are neutral with a 'load not computed' legend entry; with pressure they take its colour")
    func pressure() throws {
        let without = SVGMap(sampleReport()).render()
        let m = try marks(without)
        #expect(Set(m["station"]!.map { attr($0.element, "fill")! }) == ["#4b5563"])
        #expect(without.contains("load not computed"))
        let with = SVGMap(sampleReport(pressure: ["s1": 1.8, "s2": 0.3, "s3": 0.9])).render()
        let fills = Dictionary(uniqueKeysWithValues: try marks(with)["station"]!.map { ($0.id, attr($0.element, "fill")!) })
        #expect(fills == ["s1": "#b2182b", "s2": "#2166ac", "s3": "#67a9cf"])
        #expect(!with.contains("load not computed"))
        let some = SVGMap(sampleReport(pressure: ["s1": 1.2])).render()
        #expect(some.contains("load not computed") && some.contains("1 – 1.5"))
    }

    @Test("an illustrative dataset says so on the map's face; a surveyed one does not")
    func watermark() throws {
        let yes = SVGMap(sampleReport(illustrative: true)).render()
        #expect(yes.contains(SVGMap.illustrativeText) && yes.contains("class=\"watermark\""))
        let no = SVGMap(sampleReport(illustrative: false)).render()
        #expect(!no.contains(SVGMap.illustrativeText) && !no.contains("示意数据"))
    }

    @Test("the same data in another order gives the same bytes")
    func deterministic() throws {
        let a = sampleReport()
        var b = a
        b.districts.reverse()
        b.stations.reverse()
        b.parking.reverse()
        #expect(SVGMap(a).render() == SVGMap(b).render())
        #expect(HTMLReport(a).render() == HTMLReport(b).render())
    }

    @Test("district labels do not overlap each other")
    func labels() throws {
        var data = sampleReport()
        // Five districts whose label points nearly coincide.
        for i in 0..<5 {
            let x = 113.05 + Double(i) * 0.0005
            data.districts.append(ReportData.District(
                id: "C\(i)", name: "拥挤县\(i)", kind: "county",
                geometry: .polygon(Polygon(exterior: [Coordinate(lon: x, lat: 36.15), Coordinate(lon: x + 0.0005, lat: 36.15), Coordinate(lon: x + 0.0005, lat: 36.1505), Coordinate(lon: x, lat: 36.15)])),
                labelPoint: Coordinate(lon: x, lat: 36.15), demand: Double(10 - i), covered: 0, served: 0, seats: 0, stations: 0))
        }
        let doc = try XMLDocument(xmlString: SVGMap(data).render())
        let texts = try doc.nodes(forXPath: "//*[@class='label']").compactMap { $0 as? XMLElement }
        #expect(texts.count >= 3)
        struct Box { var x0, y0, x1, y1: Double }
        let boxes: [Box] = texts.map { t in
            let size = number(t, "font-size")!
            let name = t.children?.first?.stringValue ?? ""
            var w = Double(name.unicodeScalars.count) * size
            if let span = t.elements(forName: "tspan").first { w = max(w, Double(span.stringValue!.count) * 10.5 * 0.58) }
            let x = number(t, "x")!, y = number(t, "y")!
            return Box(x0: x - w / 2, y0: y - size, x1: x + w / 2, y1: y + (t.elements(forName: "tspan").isEmpty ? 2 : 14))
        }
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let a = boxes[i], b = boxes[j]
                #expect(!(a.x0 < b.x1 - 0.5 && b.x0 < a.x1 - 0.5 && a.y0 < b.y1 - 0.5 && b.y0 < a.y1 - 0.5), "labels \(i) and \(j) overlap")
            }
        }
    }

    @Test("a crowded map gets an enlarged inset whose marks refer to the main marks; a sparse one does not")
    func inset() throws {
        #expect(SVGMap(sampleReport()).inset == nil)
        var data = sampleReport()
        for i in 0..<15 {
            data.stations.append(ReportData.Station(id: "c\(i)", name: "站\(i)", kind: "warm_station", seats: 8,
                                                    location: Coordinate(lon: 113.05 + Double(i % 4) * 0.001, lat: 36.15 + Double(i / 4) * 0.001)))
        }
        let map = SVGMap(data)
        let inset = try #require(map.inset)
        #expect(inset.scale / map.frame.scale >= 4 - 1e-9)
        let svg = map.render()
        let m = try marks(svg)
        #expect(m["station"]?.count == data.stations.count)  // still one mark with data-id each
        let doc = try XMLDocument(xmlString: svg)
        let refs = try doc.nodes(forXPath: "//*[@class='inset-station']").compactMap { $0 as? XMLElement }
        #expect(refs.count >= 15 && refs.allSatisfy { attr($0, "data-id") == nil })
        for e in refs where e.name == "circle" {
            let st = data.stations.first { $0.id == attr(e, "data-ref") }!
            let p = inset.pixel(st.location)
            #expect(abs(number(e, "cx")! - p.x) <= 0.05 && abs(number(e, "cy")! - p.y) <= 0.05)
            #expect(p.x >= inset.originX - 15 && p.x <= inset.originX + inset.width + 15)
        }
        #expect(map.totalHeight >= inset.originY + inset.height)
    }

    @Test("an empty report says there is nothing to show")
    func empty() throws {
        let data = ReportData(title: "Nowhere", radiusM: 1000)
        let svg = SVGMap(data).render()
        _ = try XMLDocument(xmlString: svg)
        #expect(svg.contains("Nothing to show"))
        let html = HTMLReport(data).render()
        #expect(html.contains("Nothing to show") && html.contains("No districts in the dataset."))
    }

    @Test("tile templates need {x}, {y} and {z}; tiles cover the map; GCJ-02 shifts the drawing")
    func tiles() throws {
        #expect(throws: TileLayer.TemplateError.self) { try TileLayer(template: "https://tiles.example.org/{z}/{x}.png") }
        let error = try #require(throws: TileLayer.TemplateError.self) { try TileLayer(template: "https://tiles.example.org/tile.png") }
        #expect(error.missing == ["{x}", "{y}", "{z}"])
        let layer = try TileLayer(template: "https://tiles.example.org/{z}/{x}/{y}.png")
        #expect(layer.origin == "https://tiles.example.org")
        let sub = try TileLayer(template: "https://{s}.tiles.example.org/{z}/{x}/{y}.png")
        #expect(sub.url(z: 3, x: 1, y: 1) == "https://c.tiles.example.org/3/1/1.png" && sub.origin == "https:")
        let data = sampleReport()
        let plain = SVGMap(data, options: ReportOptions(tiles: layer))
        let svg = plain.render()
        let doc = try XMLDocument(xmlString: svg)
        let images = try doc.nodes(forXPath: "//*[local-name()='image']").compactMap { $0 as? XMLElement }
        #expect(!images.isEmpty && images.count <= 48)
        // The tiles cover the whole map frame.
        let xs = images.map { number($0, "x")! }, ys = images.map { number($0, "y")! }, size = number(images[0], "width")!
        #expect(xs.min()! <= 0 && ys.min()! <= 0 && xs.max()! + size >= plain.frame.width && ys.max()! + size >= plain.frame.height)
        // The tile holding a station (by standard slippy-map arithmetic) is drawn under it.
        let s = data.stations[0].location
        let z = Int(attr(images[0], "href")!.split(separator: "/")[2])!
        let n = Double(1 << z)
        let tx = Int((s.lon + 180) / 360 * n)
        let latR = s.lat * .pi / 180
        let ty = Int((1 - log(tan(latR) + 1 / cos(latR)) / .pi) / 2 * n)
        let holder = try #require(images.first { attr($0, "href")! == "https://tiles.example.org/\(z)/\(tx)/\(ty).png" },
                                  "\(z)/\(tx)/\(ty) not in \(images.map { attr($0, "href")! })")
        let p = plain.frame.pixel(s)
        #expect(p.x >= number(holder, "x")! && p.x <= number(holder, "x")! + size && p.y >= number(holder, "y")! && p.y <= number(holder, "y")! + size)
        // GCJ-02 tiles: a station is drawn where its GCJ-02 position is, a few hundred metres away.
        let shifted = SVGMap(data, options: ReportOptions(tiles: try TileLayer(template: layer.template, datum: .gcj02)))
        let q = shifted.frame.pixel(s)
        let gcj = ChineseCoordinates.wgs84ToGCJ02(s)
        let expected = MapFrame.mercator(gcj)
        #expect(abs(shifted.frame.originX + (expected.x - shifted.frame.minX) * shifted.frame.scale - q.x) < 1e-6)
        let offsetM = Geodesic.distance(from: s, to: gcj)
        #expect(offsetM > 100 && offsetM < 1000)
        #expect(svg.contains("Basemap: https://tiles.example.org"))
    }

    @Test("the page is self-contained: no URL but the SVG namespace, a policy that blocks requests, A4 print rules")
    func htmlSelfContained() throws {
        let html = HTMLReport(sampleReport()).render()
        let urls = html.components(separatedBy: "://").dropFirst().map { "://" + $0.prefix(40) }
        #expect(urls.count == 1 && urls[0].hasPrefix("://www.w3.org/2000/svg\""), "\(urls)")
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;"))
        #expect(html.contains("@page{size:A4"))
        #expect(html.contains("<table id=\"districts-table\">"))
        #expect(html.contains("Least served: 上党区 (5.0% served of 100), 潞州区 (45.0% served of 200)."))
        #expect(html.contains("the largest rise is in 潞州区, from 45.0% to 60.0%"))
        let withTiles = HTMLReport(sampleReport(), options: ReportOptions(tiles: try TileLayer(template: "https://t.example.cn/{z}/{x}/{y}.png"))).render()
        #expect(withTiles.contains("img-src data: https://t.example.cn"))
    }
}
