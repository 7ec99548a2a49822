import Foundation
import Geo

// Over 400 lines on purpose: the map is drawn in one pass, back to front (districts, areas,
// parking, gaps, stations, proposals, labels, legend, inset), and keeping that order in one file
// lets a reader check the layering top to bottom.

/// How the map is drawn.
public struct ReportOptions: Sendable {
    /// An optional basemap; without one the page makes no request at all.
    public var tiles: TileLayer?
    /// Width of the map itself in pixels (the legend panel is beside it).
    public var mapWidth: Double

    /// No basemap and a 900-pixel map by default.
    public init(tiles: TileLayer? = nil, mapWidth: Double = 900) {
        self.tiles = tiles
        self.mapWidth = mapWidth
    }
}

/// The map as one SVG document: districts shaded by served %, gaps, commercial areas, parking
/// zones, stations sized by seats and coloured by pressure, ranked proposals, labels, a legend, a
/// scale bar and, for illustrative data, a watermark on the map face. Every mark carries
/// `class` (district, station, proposal, gap, area, parking), `data-id` and a `<title>` (tooltip).
public struct SVGMap {
    /// System fonts with CJK glyphs first; nothing is downloaded.
    public static let fontStack = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Hiragino Sans GB','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"
    /// The watermark of illustrative datasets.
    public static let illustrativeText = "示意数据 · Illustrative data, not a survey"

    /// Served % classes (upper bounds) and their fills, pale (little served) to green (well served).
    static let servedClasses: [(upTo: Double, fill: String)] = [
        (10, "#ffffcc"), (25, "#c2e699"), (50, "#78c679"), (75, "#31a354"), (100.0001, "#006837"),
    ]
    /// Pressure classes (catchment / capacity) and their colours.
    static let pressureClasses: [(upTo: Double, fill: String, label: String)] = [
        (0.5, "#2166ac", "below 0.5"), (1.0, "#67a9cf", "0.5 – 1"), (1.5, "#ef8a62", "1 – 1.5 (over capacity)"), (.infinity, "#b2182b", "above 1.5"),
    ]
    static let neutralStation = "#4b5563"
    static let gapColour = "#d7301f"
    static let areaColour = "#e08214"
    static let parkingColour = "#2b6cb0"
    static let proposalColour = "#7b3294"
    static let zoneColour = "#6a51a3"

    /// The data, in the fixed order of `ReportData.sorted()`.
    public let data: ReportData
    /// How the map is drawn.
    public let options: ReportOptions
    /// The main map's projection onto pixels.
    public let frame: MapFrame
    /// Width of the legend panel to the right of the map, in pixels.
    public let legendWidth = 300.0
    /// Width of the whole SVG: the map and the legend panel.
    public var width: Double { options.mapWidth + legendWidth }
    /// Height of the map (the legend panel may be taller: see `totalHeight`).
    public let height: Double
    /// An enlarged view of the densest part of the map (the most stations and proposals in a
    /// small window), drawn under the legend; nil when the map is not crowded anywhere.
    public let inset: MapFrame?
    /// The part of the main map the inset enlarges, in the main map's pixels.
    public let insetWindow: Envelope?
    /// Where the legend ends and the inset starts.
    static let legendHeight = 470.0
    static let insetSize = (width: 270.0, height: 270.0)
    /// Height of the whole SVG: the map, or the legend and inset when they are taller.
    public var totalHeight: Double { max(height, inset.map { $0.originY + $0.height + 12 } ?? 0) }

    /// Fits the frame to the focused districts (or everything) and finds the inset.
    public init(_ data: ReportData, options: ReportOptions = ReportOptions()) {
        self.data = data.sorted()
        self.options = options
        let focused = Set(data.focus)
        var coordinates: [Coordinate] = []
        for d in data.districts where focused.isEmpty || focused.contains(d.id) { coordinates += d.geometry.allCoordinates }
        if focused.isEmpty {
            coordinates += data.stations.map(\.location) + data.proposals.map(\.location)
            for a in data.areas { coordinates += a.geometry.allCoordinates }
            for p in data.parking { coordinates += p.geometry.allCoordinates }
        }
        let frame = MapFrame(fitting: coordinates, width: options.mapWidth, minHeight: 560, maxHeight: 1000, margin: 24,
                             shiftToGCJ02: options.tiles?.datum == .gcj02)
        self.frame = frame
        height = frame.height
        (inset, insetWindow) = SVGMap.crowdedWindow(data.sorted(), frame: frame, at: Coordinate(x: options.mapWidth + 18, y: SVGMap.legendHeight + 22))
    }

    /// The densest window of the map: a square (an eighth of the map's width, shown at least 4
    /// times larger) around the station or proposal with the most others near it (ties: the first
    /// by id), centred on their mean. Worth an inset when it holds at least 12 marks.
    static func crowdedWindow(_ data: ReportData, frame: MapFrame, at origin: Coordinate) -> (MapFrame?, Envelope?) {
        let points = data.stations.map { frame.pixel($0.location) } + data.proposals.map { frame.pixel($0.location) }
        let side = min(frame.width / 8, insetSize.width / 4)
        var best = 0, centre = Coordinate(x: 0, y: 0)
        for p in points {
            let inside = points.filter { abs($0.x - p.x) <= side / 2 && abs($0.y - p.y) <= side / 2 }
            if inside.count > best {
                best = inside.count
                centre = Coordinate(x: inside.reduce(0) { $0 + $1.x } / Double(inside.count), y: inside.reduce(0) { $0 + $1.y } / Double(inside.count))
            }
        }
        guard best >= 12 else { return (nil, nil) }
        let window = Envelope(minX: centre.x - side / 2, minY: centre.y - side / 2, maxX: centre.x + side / 2, maxY: centre.y + side / 2)
        let a = frame.mercator(atPixel: Coordinate(x: window.minX, y: window.maxY)), b = frame.mercator(atPixel: Coordinate(x: window.maxX, y: window.minY))
        let inset = MapFrame(extent: Envelope(minX: a.x, minY: a.y, maxX: b.x, maxY: b.y), width: insetSize.width, height: insetSize.height,
                             originX: origin.x, originY: origin.y, shiftToGCJ02: frame.shiftToGCJ02)
        return (inset, window)
    }

    // MARK: Colours and sizes

    static func servedFill(_ pct: Double) -> String {
        servedClasses.first { pct < $0.upTo }?.fill ?? servedClasses.last!.fill
    }

    static func pressureFill(_ p: Double?) -> String {
        guard let p else { return neutralStation }
        return pressureClasses.first { p <= $0.upTo }?.fill ?? pressureClasses.last!.fill
    }

    /// Radius of a station's circle: its area grows with the seats.
    static func stationRadius(seats: Int) -> Double {
        min(14, 2.5 + 1.1 * Double(max(0, seats)).squareRoot())
    }

    // MARK: Geometry to paths

    /// An SVG path of polygons in pixels; vertices closer than 0.7 px to the last one kept are dropped.
    func path(_ g: Geometry, in frame: MapFrame) -> String {
        var out = ""
        func ring(_ r: [Coordinate]) {
            let pts = r.map(frame.pixel)
            var kept: [Coordinate] = []
            for p in pts {
                if let last = kept.last, abs(p.x - last.x) < 0.7 && abs(p.y - last.y) < 0.7 { continue }
                kept.append(p)
            }
            if kept.count < 3 { kept = pts }
            guard let first = kept.first else { return }
            out += "M" + Fmt.px(first.x) + " " + Fmt.px(first.y)
            for p in kept.dropFirst() { out += "L" + Fmt.px(p.x) + " " + Fmt.px(p.y) }
            out += "Z"
        }
        switch g {
        case .polygon, .multiPolygon:
            for p in g.polygons {
                ring(p.exterior)
                p.holes.forEach(ring)
            }
        case let .geometryCollection(gs):
            for sub in gs { out += path(sub, in: frame) }
        default:
            break
        }
        return out
    }

    // MARK: Tooltips

    func tooltip(_ d: ReportData.District) -> String {
        var lines = ["\(d.name)\(d.nameEN.map { " · \($0)" } ?? "") (\(d.kind))"]
        if d.demand > 0 {
            lines.append("served \(Fmt.pct(d.servedPct)) · covered \(Fmt.pct(d.coveredPct)) of \(Fmt.int(d.demand)) riders at peak")
        } else {
            lines.append("no demand recorded")
        }
        lines.append("\(d.stations) rest stations, \(d.seats) seats, utilisation \(Fmt.pct(d.utilisationPct))")
        if !d.overloaded.isEmpty { lines.append("overloaded: \(d.overloaded.joined(separator: ", "))") }
        if let before = d.proposedPctBefore, let after = d.proposedPctAfter {
            lines.append("\(d.proposedSites) proposed sites: \(data.proposalMeasure) \(Fmt.pct(before)) → \(Fmt.pct(after))")
        }
        return lines.joined(separator: "\n")
    }

    func tooltip(_ s: ReportData.Station) -> String {
        let district = s.district.map { id in data.districts.first { $0.id == id }?.name ?? id }
        var lines = [s.name, "\(s.kind) · \(s.seats) seats\(district.map { " · \($0)" } ?? "")"]
        lines.append("hours: \(s.hours ?? "not given (always open)")")
        lines.append("services: \(s.services.isEmpty ? "none listed" : s.services.joined(separator: ", "))")
        if let load = s.load {
            lines.append("load: \(Fmt.fixed(load, 1)) riders served at peak of \(s.seats) seats")
        } else {
            lines.append(s.offersRest ? "load: not computed" : "load: not a rest station")
        }
        lines.append(s.pressure.map { "pressure: \(Fmt.fixed($0, 2)) (catchment / capacity)" } ?? "pressure: load not computed")
        return lines.joined(separator: "\n")
    }

    func tooltip(_ g: ReportData.Gap) -> String {
        "Gap \(g.rank) in \(g.districtName)\n\(Fmt.int(g.uncoveredDemand)) riders without a rest station within \(Fmt.int(data.radiusM)) m\n\(Fmt.fixed(g.areaKm2, 2)) km²"
    }

    func tooltip(_ a: ReportData.Area) -> String {
        var lines = ["\(a.name) (commercial area\(a.riderFriendly ? ", rider-friendly" : ""))"]
        lines.append(a.missing.isEmpty ? "rest, parking and charging within reach" : "missing within reach: \(a.missing.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }

    func tooltip(_ p: ReportData.Parking) -> String {
        var lines = ["\(p.name ?? p.id) (rider parking)"]
        lines.append("\(p.slots.map { "\($0) slots" } ?? "slots not given")\(p.charging ? ", charging" : "")")
        return lines.joined(separator: "\n")
    }

    func tooltip(_ p: ReportData.Proposal) -> String {
        "Proposed site \(p.rank) in \(p.districtName) (\(p.id))\nadds \(Fmt.fixed(p.gain, 1)) riders \(data.proposalMeasure); \(data.proposalMeasure) \(Fmt.pct(p.pctAfter)) after it\nsuggested seats: \(p.seats)"
    }

    static func title(_ text: String) -> String { "<title>\(Fmt.escape(text))</title>" }

    // MARK: Drawing

    /// The whole SVG document (with an XML declaration when `standalone`).
    public func render(standalone: Bool = true) -> String {
        let mapW = options.mapWidth, mapH = height
        var s = ""
        if standalone { s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" }
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"map\" viewBox=\"0 0 \(Fmt.px(width)) \(Fmt.px(totalHeight))\" width=\"\(Fmt.px(width))\" height=\"\(Fmt.px(totalHeight))\""
        s += " font-family=\"\(SVGMap.fontStack)\" role=\"img\" aria-label=\"\(Fmt.escape(data.title))\">\n"
        s += SVGMap.title("\(data.title): rest stations for riders, served within \(Fmt.int(data.radiusM)) m") + "\n"
        s += "<defs><clipPath id=\"mapclip\"><rect x=\"0\" y=\"0\" width=\"\(Fmt.px(mapW))\" height=\"\(Fmt.px(mapH))\"/></clipPath>"
        s += "<pattern id=\"gaphatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"\(SVGMap.gapColour)\" fill-opacity=\"0.18\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"\(SVGMap.gapColour)\" stroke-width=\"2.2\" stroke-opacity=\"0.75\"/></pattern></defs>\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(Fmt.px(width))\" height=\"\(Fmt.px(totalHeight))\" fill=\"#ffffff\"/>\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(Fmt.px(mapW))\" height=\"\(Fmt.px(mapH))\" fill=\"\(options.tiles == nil ? "#eef2f5" : "#dfe3e6")\"/>\n"
        s += "<g clip-path=\"url(#mapclip)\">\n"
        if let tiles = options.tiles {
            s += "<g id=\"basemap\">"
            for t in frame.tiles() {
                s += "<image href=\"\(Fmt.escape(tiles.url(z: t.z, x: t.x, y: t.y)))\" x=\"\(Fmt.px(t.rect.x))\" y=\"\(Fmt.px(t.rect.y))\" width=\"\(Fmt.fixed(t.rect.size + 0.5, 1))\" height=\"\(Fmt.fixed(t.rect.size + 0.5, 1))\" preserveAspectRatio=\"none\"/>"
            }
            s += "</g>\n"
        }
        s += layers(in: frame, inset: false)
        s += labels()
        if data.illustrative { s += watermark(mapW: mapW, mapH: mapH) }
        if data.isEmpty {
            s += "<text class=\"empty\" x=\"\(Fmt.px(mapW / 2))\" y=\"\(Fmt.px(mapH / 2))\" text-anchor=\"middle\" font-size=\"18\" fill=\"#374151\">Nothing to show: the dataset has no districts, stations, areas or parking zones.</text>\n"
        }
        s += "</g>\n"
        s += "<rect x=\"0.5\" y=\"0.5\" width=\"\(Fmt.px(mapW - 1))\" height=\"\(Fmt.px(mapH - 1))\" fill=\"none\" stroke=\"#9ca3af\"/>\n"
        s += scaleBar(mapH: mapH)
        s += northArrow(mapW: mapW)
        if let tiles = options.tiles {
            s += "<text x=\"\(Fmt.px(mapW - 8))\" y=\"\(Fmt.px(mapH - 8))\" text-anchor=\"end\" font-size=\"10\" fill=\"#374151\">Basemap: \(Fmt.escape(tiles.origin ?? tiles.template))\(tiles.datum == .gcj02 ? " (GCJ-02; drawing shifted to match)" : "")</text>\n"
        }
        s += legend(x: mapW + 18)
        s += insetView()
        s += "</svg>\n"
        return s
    }

    /// The map's layers drawn in `frame`. In the inset, marks carry `class="inset-KIND"` and
    /// `data-ref` (the id of the main map's mark) instead of `data-id`, so that every feature has
    /// exactly one mark with its id; only the marks inside the frame are drawn.
    func layers(in frame: MapFrame, inset: Bool) -> String {
        var s = ""
        func mark(_ kind: String, _ id: String) -> String {
            inset ? "class=\"inset-\(kind)\" data-ref=\"\(Fmt.escape(id))\"" : "class=\"\(kind)\" data-id=\"\(Fmt.escape(id))\""
        }
        func visible(_ g: Geometry) -> Bool {
            guard inset, let e = g.envelope else { return true }
            let a = frame.pixel(Coordinate(x: e.minX, y: e.minY)), b = frame.pixel(Coordinate(x: e.maxX, y: e.maxY))
            return max(a.x, b.x) >= frame.originX && min(a.x, b.x) <= frame.originX + frame.width
                && max(a.y, b.y) >= frame.originY && min(a.y, b.y) <= frame.originY + frame.height
        }
        let fillOpacity = options.tiles == nil ? "0.85" : "0.55"
        s += "<g\(inset ? "" : " id=\"districts\"")>\n"
        // Districts and counties shaded; zones (which overlap them) as dashed outlines on top.
        for d in data.districts where !d.isZone && visible(d.geometry) {
            s += "<path \(mark("district", d.id)) data-kind=\"\(Fmt.escape(d.kind))\" data-served=\"\(Fmt.fixed(d.servedPct, 1))\" d=\"\(path(d.geometry, in: frame))\" fill=\"\(SVGMap.servedFill(d.servedPct))\" fill-opacity=\"\(fillOpacity)\" fill-rule=\"evenodd\" stroke=\"#ffffff\" stroke-width=\"1.6\" stroke-linejoin=\"round\">\(SVGMap.title(tooltip(d)))</path>\n"
        }
        for d in data.districts where d.isZone && visible(d.geometry) {
            s += "<path \(mark("district", d.id)) data-kind=\"zone\" data-served=\"\(Fmt.fixed(d.servedPct, 1))\" d=\"\(path(d.geometry, in: frame))\" fill=\"\(SVGMap.zoneColour)\" fill-opacity=\"0.06\" fill-rule=\"evenodd\" stroke=\"\(SVGMap.zoneColour)\" stroke-width=\"1.4\" stroke-dasharray=\"5 3\">\(SVGMap.title(tooltip(d)))</path>\n"
        }
        s += "</g>\n<g\(inset ? "" : " id=\"gaps\"")>\n"
        for g in data.gaps where visible(g.geometry) {
            s += "<path \(mark("gap", g.id)) d=\"\(path(g.geometry, in: frame))\" fill=\"url(#gaphatch)\" fill-rule=\"evenodd\" stroke=\"\(SVGMap.gapColour)\" stroke-width=\"0.8\">\(SVGMap.title(tooltip(g)))</path>\n"
        }
        s += "</g>\n<g\(inset ? "" : " id=\"areas\"")>\n"
        for a in data.areas where visible(a.geometry) {
            s += "<path \(mark("area", a.id)) d=\"\(areaPath(a.geometry, marker: 4, in: frame))\" fill=\"\(SVGMap.areaColour)\" fill-opacity=\"\(a.riderFriendly ? "0.45" : "0.15")\" fill-rule=\"evenodd\" stroke=\"\(SVGMap.areaColour)\" stroke-width=\"1.5\">\(SVGMap.title(tooltip(a)))</path>\n"
        }
        s += "</g>\n<g\(inset ? "" : " id=\"parking\"")>\n"
        for p in data.parking where visible(p.geometry) {
            s += "<path \(mark("parking", p.id)) d=\"\(areaPath(p.geometry, marker: 3.5, in: frame))\" fill=\"\(SVGMap.parkingColour)\" fill-opacity=\"0.55\" fill-rule=\"evenodd\" stroke=\"\(SVGMap.parkingColour)\" stroke-width=\"1.2\">\(SVGMap.title(tooltip(p)))</path>\n"
        }
        s += "</g>\n<g\(inset ? "" : " id=\"stations\"")>\n"
        // Larger stations first, so that small ones stay visible on top.
        for st in data.stations.sorted(by: { ($1.seats, $0.id) < ($0.seats, $1.id) }) where visible(.point(st.location)) {
            let p = frame.pixel(st.location)
            let r = SVGMap.stationRadius(seats: st.seats)
            var attrs = "\(mark("station", st.id)) data-kind=\"\(Fmt.escape(st.kind))\" data-seats=\"\(st.seats)\""
            if let pr = st.pressure { attrs += " data-pressure=\"\(Fmt.fixed(pr, 2))\"" }
            let shape: String
            if st.offersRest {
                shape = "<circle \(attrs) cx=\"\(Fmt.px(p.x))\" cy=\"\(Fmt.px(p.y))\" r=\"\(Fmt.px(r))\""
            } else {
                // Stations without rest (charging points, partner venues): small diamonds.
                let q = max(3.5, r * 0.8)
                shape = "<path \(attrs) d=\"M\(Fmt.px(p.x)) \(Fmt.px(p.y - q))L\(Fmt.px(p.x + q)) \(Fmt.px(p.y))L\(Fmt.px(p.x)) \(Fmt.px(p.y + q))L\(Fmt.px(p.x - q)) \(Fmt.px(p.y))Z\""
            }
            s += shape + " fill=\"\(SVGMap.pressureFill(st.pressure))\" fill-opacity=\"0.9\" stroke=\"#ffffff\" stroke-width=\"1\">\(SVGMap.title(tooltip(st)))</\(st.offersRest ? "circle" : "path")>\n"
        }
        s += "</g>\n<g\(inset ? "" : " id=\"proposals\"")>\n"
        for pr in data.proposals where visible(.point(pr.location)) {
            let p = frame.pixel(pr.location)
            s += "<g \(mark("proposal", pr.id)) data-rank=\"\(pr.rank)\" data-district=\"\(Fmt.escape(pr.district))\">\(SVGMap.title(tooltip(pr)))"
            s += "<circle cx=\"\(Fmt.px(p.x))\" cy=\"\(Fmt.px(p.y))\" r=\"8\" fill=\"\(SVGMap.proposalColour)\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>"
            s += "<text x=\"\(Fmt.px(p.x))\" y=\"\(Fmt.px(p.y + 3.6))\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"700\" fill=\"#ffffff\">\(pr.rank)</text></g>\n"
        }
        s += "</g>\n"
        return s
    }

    /// Polygons as paths; points as small squares of half-size `marker`.
    func areaPath(_ g: Geometry, marker: Double, in frame: MapFrame) -> String {
        switch g {
        case let .point(c):
            let p = frame.pixel(c)
            let m = marker
            return "M\(Fmt.px(p.x - m)) \(Fmt.px(p.y - m))L\(Fmt.px(p.x + m)) \(Fmt.px(p.y - m))L\(Fmt.px(p.x + m)) \(Fmt.px(p.y + m))L\(Fmt.px(p.x - m)) \(Fmt.px(p.y + m))Z"
        case let .multiPoint(cs):
            return cs.map { areaPath(.point($0), marker: marker, in: frame) }.joined()
        default:
            return path(g, in: frame)
        }
    }

    /// District labels at a point inside each district, placed greedily: districts with more demand
    /// first, each at the first of a few positions that overlaps no label placed before; a label
    /// that fits nowhere is left out (its district still has its tooltip).
    func labels() -> String {
        struct Box { var x0, y0, x1, y1: Double
            func overlaps(_ o: Box) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
        }
        let ordered = data.districts.filter { $0.labelPoint != nil }.sorted { a, b in
            if a.isZone != b.isZone { return !a.isZone }
            if a.demand != b.demand { return a.demand > b.demand }
            return a.id < b.id
        }
        var placed: [Box] = []
        // Proposals are obstacles too: a label must not hide a numbered site.
        for pr in data.proposals {
            let p = frame.pixel(pr.location)
            placed.append(Box(x0: p.x - 9, y0: p.y - 9, x1: p.x + 9, y1: p.y + 9))
        }
        var out = "<g id=\"labels\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\">\n"
        for d in ordered {
            let anchor = frame.pixel(d.labelPoint!)
            let nameSize = d.isZone ? 11.0 : 14.0
            let second = d.isZone ? nil : (d.demand > 0 ? "served \(Fmt.fixed(d.servedPct, 0))%" : nil)
            let w = max(Fmt.textWidth(d.name, fontSize: nameSize), second.map { Fmt.textWidth($0, fontSize: 10.5) } ?? 0) + 4
            let h = nameSize + (second == nil ? 4 : 16)
            let tries = [(0.0, 0.0), (0, -h), (0, h), (-w * 0.6, 0), (w * 0.6, 0), (0, -2 * h), (0, 2 * h)]
            for (dx, dy) in tries {
                let cx = anchor.x + dx, cy = anchor.y + dy
                let box = Box(x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2)
                guard box.x0 >= 2, box.y0 >= 2, box.x1 <= options.mapWidth - 2, box.y1 <= height - 2 else { continue }
                if placed.contains(where: { $0.overlaps(box) }) { continue }
                placed.append(box)
                let top = cy - h / 2 + nameSize
                out += "<text class=\"label\" data-for=\"\(Fmt.escape(d.id))\" x=\"\(Fmt.px(cx))\" y=\"\(Fmt.px(top))\" text-anchor=\"middle\" font-size=\"\(Fmt.fixed(nameSize, 0))\" font-weight=\"\(d.isZone ? "400" : "700")\" fill=\"\(d.isZone ? SVGMap.zoneColour : "#1f2937")\">\(Fmt.escape(d.name))"
                if let second {
                    out += "<tspan x=\"\(Fmt.px(cx))\" dy=\"13\" font-size=\"10.5\" font-weight=\"400\" fill=\"#374151\">\(Fmt.escape(second))</tspan>"
                }
                out += "</text>\n"
                break
            }
        }
        return out + "</g>\n"
    }

    /// The inset: its window outlined on the main map, the enlarged view under the legend.
    func insetView() -> String {
        guard let inset, let window = insetWindow else { return "" }
        let zoom = inset.scale / frame.scale
        var s = "<rect class=\"inset-window\" x=\"\(Fmt.px(window.minX))\" y=\"\(Fmt.px(window.minY))\" width=\"\(Fmt.px(window.width))\" height=\"\(Fmt.px(window.height))\" fill=\"none\" stroke=\"#111827\" stroke-width=\"1.2\" stroke-dasharray=\"4 2\"/>\n"
        let x = inset.originX, y = inset.originY, w = inset.width, h = inset.height
        s += "<text x=\"\(Fmt.px(x))\" y=\"\(Fmt.px(y - 7))\" font-size=\"12\" font-weight=\"700\" fill=\"#1f2937\">Densest area, ×\(Fmt.fixed(zoom, 1)) · 局部放大</text>\n"
        s += "<clipPath id=\"insetclip\"><rect x=\"\(Fmt.px(x))\" y=\"\(Fmt.px(y))\" width=\"\(Fmt.px(w))\" height=\"\(Fmt.px(h))\"/></clipPath>\n"
        s += "<g id=\"inset\" clip-path=\"url(#insetclip)\">\n<rect x=\"\(Fmt.px(x))\" y=\"\(Fmt.px(y))\" width=\"\(Fmt.px(w))\" height=\"\(Fmt.px(h))\" fill=\"#eef2f5\"/>\n"
        s += layers(in: inset, inset: true)
        let (metres, pixels) = inset.scaleBar(targetPixels: 70)
        let label = metres >= 1000 ? "\(Fmt.fixed(metres / 1000, 0)) km" : "\(Fmt.fixed(metres, 0)) m"
        s += "<g data-metres=\"\(Fmt.fixed(metres, 0))\"><rect x=\"\(Fmt.px(x + 6))\" y=\"\(Fmt.px(y + h - 24))\" width=\"\(Fmt.px(pixels + 44))\" height=\"19\" fill=\"#ffffff\" fill-opacity=\"0.85\"/><rect x=\"\(Fmt.px(x + 10))\" y=\"\(Fmt.px(y + h - 12))\" width=\"\(Fmt.px(pixels))\" height=\"4\" fill=\"#111827\"/><text x=\"\(Fmt.px(x + 14 + pixels))\" y=\"\(Fmt.px(y + h - 8))\" font-size=\"10\" fill=\"#111827\">\(label)</text></g>\n"
        if data.illustrative {
            s += "<text x=\"\(Fmt.px(x + w - 6))\" y=\"\(Fmt.px(y + 14))\" text-anchor=\"end\" font-size=\"10\" font-weight=\"700\" fill=\"#9a3412\">示意数据 · Illustrative</text>\n"
        }
        s += "</g>\n<rect x=\"\(Fmt.px(x + 0.5))\" y=\"\(Fmt.px(y + 0.5))\" width=\"\(Fmt.px(w - 1))\" height=\"\(Fmt.px(h - 1))\" fill=\"none\" stroke=\"#111827\" stroke-width=\"1\"/>\n"
        return s
    }

    func watermark(mapW: Double, mapH: Double) -> String {
        let size = (mapW / 14).rounded()
        var s = "<g class=\"watermark\" pointer-events=\"none\">"
        s += "<text x=\"\(Fmt.px(mapW / 2))\" y=\"\(Fmt.px(mapH / 2))\" text-anchor=\"middle\" font-size=\"\(Fmt.fixed(size, 0))\" font-weight=\"700\" fill=\"#000000\" fill-opacity=\"0.07\" transform=\"rotate(-24 \(Fmt.px(mapW / 2)) \(Fmt.px(mapH / 2)))\">示意数据 · ILLUSTRATIVE</text>"
        let w = Fmt.textWidth(SVGMap.illustrativeText, fontSize: 13) + 20
        s += "<rect x=\"10\" y=\"10\" width=\"\(Fmt.px(w))\" height=\"24\" rx=\"3\" fill=\"#fff7ed\" fill-opacity=\"0.92\" stroke=\"#c2410c\"/>"
        s += "<text x=\"20\" y=\"27\" font-size=\"13\" font-weight=\"700\" fill=\"#9a3412\">\(Fmt.escape(SVGMap.illustrativeText))</text>"
        return s + "</g>\n"
    }

    func scaleBar(mapH: Double) -> String {
        let (metres, pixels) = frame.scaleBar(targetPixels: 140)
        let x = 16.0, y = mapH - 22
        let label = metres >= 1000 ? "\(Fmt.fixed(metres / 1000, metres.truncatingRemainder(dividingBy: 1000) == 0 ? 0 : 1)) km" : "\(Fmt.fixed(metres, 0)) m"
        var s = "<g id=\"scalebar\" data-metres=\"\(Fmt.fixed(metres, 0))\" data-pixels=\"\(Fmt.fixed(pixels, 2))\">"
        s += "<rect x=\"\(Fmt.px(x - 6))\" y=\"\(Fmt.px(y - 18))\" width=\"\(Fmt.px(pixels + 60))\" height=\"30\" fill=\"#ffffff\" fill-opacity=\"0.85\" rx=\"3\"/>"
        s += "<rect x=\"\(Fmt.px(x))\" y=\"\(Fmt.px(y))\" width=\"\(Fmt.px(pixels / 2))\" height=\"5\" fill=\"#111827\"/>"
        s += "<rect x=\"\(Fmt.px(x + pixels / 2))\" y=\"\(Fmt.px(y))\" width=\"\(Fmt.px(pixels / 2))\" height=\"5\" fill=\"#ffffff\" stroke=\"#111827\" stroke-width=\"1\"/>"
        s += "<text x=\"\(Fmt.px(x))\" y=\"\(Fmt.px(y - 5))\" font-size=\"11\" fill=\"#111827\">0</text>"
        s += "<text x=\"\(Fmt.px(x + pixels))\" y=\"\(Fmt.px(y - 5))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#111827\">\(label)</text>"
        s += "<text x=\"\(Fmt.px(x + pixels + 8))\" y=\"\(Fmt.px(y + 5))\" font-size=\"9\" fill=\"#4b5563\">at \(Fmt.fixed(frame.centreLatitude, 1))°N</text>"
        return s + "</g>\n"
    }

    func northArrow(mapW: Double) -> String {
        let x = mapW - 24, y = 18.0
        return "<g id=\"north\"><path d=\"M\(Fmt.px(x)) \(Fmt.px(y))L\(Fmt.px(x + 7)) \(Fmt.px(y + 20))L\(Fmt.px(x)) \(Fmt.px(y + 15))L\(Fmt.px(x - 7)) \(Fmt.px(y + 20))Z\" fill=\"#111827\"/><text x=\"\(Fmt.px(x))\" y=\"\(Fmt.px(y + 33))\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"700\" fill=\"#111827\">N</text></g>\n"
    }

    func legend(x: Double) -> String {
        var s = "<g id=\"legend\" font-size=\"12\" fill=\"#1f2937\">\n"
        var y = 26.0
        func line(_ text: String, size: Double = 12, weight: String = "400", dx: Double = 0, colour: String = "#1f2937") {
            s += "<text x=\"\(Fmt.px(x + dx))\" y=\"\(Fmt.px(y))\" font-size=\"\(Fmt.fixed(size, 1))\" font-weight=\"\(weight)\" fill=\"\(colour)\">\(Fmt.escape(text))</text>\n"
        }
        line(data.title, size: 15, weight: "700")
        y += 18
        line("Rest stations for delivery riders", size: 12, colour: "#4b5563")
        y += 15
        line("served within \(Fmt.int(data.radiusM)) m · 服务半径 \(Fmt.int(data.radiusM)) 米", size: 11, colour: "#4b5563")
        y += 26
        line("Districts: riders served (%)", weight: "700")
        y += 8
        var lower = 0.0
        for c in SVGMap.servedClasses {
            s += "<rect x=\"\(Fmt.px(x))\" y=\"\(Fmt.px(y))\" width=\"22\" height=\"13\" fill=\"\(c.fill)\" stroke=\"#9ca3af\" stroke-width=\"0.6\"/>"
            y += 11
            line("\(Fmt.fixed(lower, 0)) – \(Fmt.fixed(min(100, c.upTo), 0))%", size: 11, dx: 30)
            lower = min(100, c.upTo)
            y += 6
        }
        s += "<rect x=\"\(Fmt.px(x))\" y=\"\(Fmt.px(y))\" width=\"22\" height=\"13\" fill=\"none\" stroke=\"\(SVGMap.zoneColour)\" stroke-width=\"1.4\" stroke-dasharray=\"5 3\"/>"
        y += 11
        line("development zone (overlaps)", size: 11, dx: 30)
        y += 24
        line("Stations: size = seats", weight: "700")
        y += 10
        var cx = x + 8
        for seats in [5, 20, 50] {
            let r = SVGMap.stationRadius(seats: seats)
            s += "<circle cx=\"\(Fmt.px(cx))\" cy=\"\(Fmt.px(y + 8))\" r=\"\(Fmt.px(r))\" fill=\"\(SVGMap.neutralStation)\" fill-opacity=\"0.9\" stroke=\"#ffffff\"/>"
            s += "<text x=\"\(Fmt.px(cx + r + 4))\" y=\"\(Fmt.px(y + 12))\" font-size=\"11\">\(seats)</text>"
            cx += 2 * r + 34
        }
        y += 32
        s += "<path d=\"M\(Fmt.px(x + 8)) \(Fmt.px(y - 4))L\(Fmt.px(x + 13)) \(Fmt.px(y + 1))L\(Fmt.px(x + 8)) \(Fmt.px(y + 6))L\(Fmt.px(x + 3)) \(Fmt.px(y + 1))Z\" fill=\"\(SVGMap.neutralStation)\"/>"
        y += 5
        line("charging point or partner (no rest)", size: 11, dx: 30)
        y += 20
        line("Station pressure (catchment / capacity)", weight: "700")
        y += 8
        let anyPressure = data.stations.contains { $0.pressure != nil }
        let anyMissing = data.stations.isEmpty || data.stations.contains { $0.pressure == nil }
        if anyPressure {
            for c in SVGMap.pressureClasses {
                s += "<circle cx=\"\(Fmt.px(x + 8))\" cy=\"\(Fmt.px(y + 6))\" r=\"6\" fill=\"\(c.fill)\"/>"
                y += 10
                line(c.label, size: 11, dx: 30)
                y += 8
            }
        }
        if anyMissing {
            s += "<circle class=\"legend-neutral\" cx=\"\(Fmt.px(x + 8))\" cy=\"\(Fmt.px(y + 6))\" r=\"6\" fill=\"\(SVGMap.neutralStation)\"/>"
            y += 10
            line("load not computed", size: 11, dx: 30)
            y += 8
        }
        y += 16
        s += "<rect x=\"\(Fmt.px(x))\" y=\"\(Fmt.px(y))\" width=\"22\" height=\"13\" fill=\"url(#gaphatch)\" stroke=\"\(SVGMap.gapColour)\" stroke-width=\"0.8\"/>"
        y += 11
        line("gap: riders with no rest station in reach", size: 11, dx: 30)
        y += 8
        s += "<rect x=\"\(Fmt.px(x))\" y=\"\(Fmt.px(y))\" width=\"22\" height=\"13\" fill=\"\(SVGMap.areaColour)\" fill-opacity=\"0.45\" stroke=\"\(SVGMap.areaColour)\" stroke-width=\"1.5\"/>"
        y += 11
        line("commercial area (rider-friendly: darker)", size: 11, dx: 30)
        y += 8
        s += "<rect x=\"\(Fmt.px(x + 4))\" y=\"\(Fmt.px(y + 2))\" width=\"12\" height=\"10\" fill=\"\(SVGMap.parkingColour)\" fill-opacity=\"0.55\" stroke=\"\(SVGMap.parkingColour)\" stroke-width=\"1.2\"/>"
        y += 11
        line("rider parking zone", size: 11, dx: 30)
        y += 10
        s += "<circle cx=\"\(Fmt.px(x + 11))\" cy=\"\(Fmt.px(y + 6))\" r=\"8\" fill=\"\(SVGMap.proposalColour)\" stroke=\"#ffffff\" stroke-width=\"1.5\"/><text x=\"\(Fmt.px(x + 11))\" y=\"\(Fmt.px(y + 9.6))\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"700\" fill=\"#ffffff\">1</text>"
        y += 10
        let proposalText = data.proposalCount > 0 ? "proposed site, rank in its district" : "proposed site (none asked for)"
        line(proposalText, size: 11, dx: 30)
        y += 26
        if data.illustrative {
            line("示意数据：位置与边界均为示意", size: 11, weight: "700", colour: "#9a3412")
            y += 15
            line("Illustrative data, not a survey.", size: 11, weight: "700", colour: "#9a3412")
            y += 15
        }
        line("Hover a mark for details.", size: 10, colour: "#6b7280")
        return s + "</g>\n"
    }
}
