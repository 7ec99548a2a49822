import Foundation
import Geo

/// The report as one self-contained HTML page: the map (inline SVG), a summary in words, the
/// per-district table, the proposals and the notes. Styles and the small hover script are inline;
/// a content security policy forbids every request except, with a basemap, the tile server's.
public struct HTMLReport {
    /// The data, in the fixed order of `ReportData.sorted()`.
    public let data: ReportData
    /// How the map is drawn.
    public let options: ReportOptions

    /// The page of `data`.
    public init(_ data: ReportData, options: ReportOptions = ReportOptions()) {
        self.data = data.sorted()
        self.options = options
    }

    /// The summary in words: how well the city is served, the worst districts, the biggest gaps
    /// and what the proposals add.
    public func summary() -> [String] {
        if data.isEmpty {
            return ["Nothing to show: the dataset has no districts, stations, commercial areas or parking zones."]
        }
        var out: [String] = []
        let r = Fmt.int(data.radiusM)
        let focused = Set(data.focus)
        if focused.isEmpty, let t = data.total {
            if t.demand > 0 {
                out.append("City-wide, \(Fmt.int(t.covered)) of \(Fmt.int(t.demand)) riders at peak (\(Fmt.pct(t.coveredPct))) have a rest station within \(r) m, and \(Fmt.int(t.served)) (\(Fmt.pct(t.servedPct))) fit into the \(Fmt.int(Double(t.seats))) seats within reach.")
            } else {
                out.append("The dataset records no rider demand, so nothing is covered or served yet; the map shows the \(data.stations.count) stations.")
            }
        }
        for d in data.districts where focused.contains(d.id) {
            out.append("\(d.name): \(Fmt.int(d.covered)) of \(Fmt.int(d.demand)) riders at peak (\(Fmt.pct(d.coveredPct))) have a rest station within \(r) m, and \(Fmt.int(d.served)) (\(Fmt.pct(d.servedPct))) fit into the \(d.seats) seats of its \(d.stations) stations and their neighbours within reach.")
        }
        let ranked = data.districts.filter { !$0.isZone && $0.demand > 0 && (focused.isEmpty || focused.contains($0.id)) }.sorted { a, b in
            a.servedPct != b.servedPct ? a.servedPct < b.servedPct : a.id < b.id
        }
        if ranked.count > 1 {
            let worst = ranked.prefix(3).map { "\($0.name) (\(Fmt.pct($0.servedPct)) served of \(Fmt.int($0.demand)))" }
            out.append("Least served: \(worst.joined(separator: ", ")).")
        }
        let gaps = data.gaps.sorted { a, b in
            a.uncoveredDemand != b.uncoveredDemand ? a.uncoveredDemand > b.uncoveredDemand : a.id < b.id
        }
        if gaps.isEmpty {
            if data.total.map({ $0.demand > 0 }) == true { out.append("No gaps: every rider at peak has a rest station within \(r) m.") }
        } else {
            let top = gaps.prefix(3).map { "\(Fmt.int($0.uncoveredDemand)) riders in \($0.districtName) (\(Fmt.fixed($0.areaKm2, 1)) km²)" }
            let total = gaps.reduce(0) { $0 + $1.uncoveredDemand }
            out.append("\(gaps.count) gaps leave \(Fmt.int(total)) riders without a rest station in reach; the biggest: \(top.joined(separator: "; ")).")
        }
        if data.proposalCount > 0 {
            let withSites = data.districts.filter { $0.proposedSites > 0 }
            if data.proposals.isEmpty {
                out.append("No new site would add \(data.proposalMeasure) demand in any district.")
            } else {
                let seats = data.proposals.reduce(0) { $0 + $1.seats }
                let gain = data.proposals.reduce(0.0) { $0 + $1.gain }
                var text = "Up to \(data.proposalCount) new sites per district (ranked by the \(data.proposalMeasure) demand they add): \(data.proposals.count) sites with \(seats) seats in \(withSites.count) district\(withSites.count == 1 ? "" : "s") add \(Fmt.int(gain)) riders \(data.proposalMeasure)"
                let rises = withSites.compactMap { d -> (ReportData.District, Double)? in
                    guard let b = d.proposedPctBefore, let a = d.proposedPctAfter else { return nil }
                    return (d, a - b)
                }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.id < $1.0.id }
                if let best = rises.first, let b = best.0.proposedPctBefore, let a = best.0.proposedPctAfter {
                    text += "; the largest rise is in \(best.0.name), from \(Fmt.pct(b)) to \(Fmt.pct(a))"
                }
                out.append(text + ".")
            }
        }
        if !data.stations.isEmpty && data.stations.allSatisfy({ $0.pressure == nil }) {
            out.append("Station pressure (catchment over capacity) is not computed in this report: stations are drawn in grey.")
        }
        return out
    }

    static let style = """
    :root{color-scheme:light}
    body{font-family:\(SVGMap.fontStack);color:#1f2937;margin:0 auto;max-width:1200px;padding:16px 20px;line-height:1.45;background:#fff}
    h1{font-size:22px;margin:4px 0 2px}h2{font-size:16px;margin:18px 0 6px}
    .sub{color:#4b5563;margin:0 0 8px}
    .illustrative{border:1px solid #c2410c;background:#fff7ed;color:#9a3412;padding:6px 10px;font-weight:700;margin:8px 0}
    .summary p{margin:4px 0}
    figure{margin:10px 0}figure svg{width:100%;height:auto;display:block}
    #tip{position:fixed;z-index:9;max-width:340px;background:#111827;color:#f9fafb;padding:6px 9px;border-radius:4px;font-size:12px;white-space:pre-line;pointer-events:none}
    #tip[hidden]{display:none}
    [data-hover]{stroke:#111827;stroke-width:2.5}
    table{border-collapse:collapse;font-size:12px;width:100%}th,td{border-bottom:1px solid #e5e7eb;padding:3px 6px;text-align:right}
    th{background:#f3f4f6}th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}tr.total td{font-weight:700;border-top:2px solid #9ca3af}
    tr.zone td{color:#6b7280}
    .notes{font-size:11px;color:#4b5563}
    @page{size:A4;margin:12mm}
    @media print{body{max-width:none;padding:0}#tip{display:none}figure{break-inside:avoid}tr{break-inside:avoid}h2{break-after:avoid}}
    """

    /// Records script errors on the root element (tests read them from the DOM) and then, once the
    /// page is loaded, turns each mark's <title> into a hover box that follows the pointer.
    static let errorScript = "window.addEventListener('error',function(e){var r=document.documentElement;r.setAttribute('data-errors',(r.getAttribute('data-errors')||'')+String(e.message)+';');});"

    static let hoverScript = """
    document.addEventListener('DOMContentLoaded',function(){
    var tip=document.getElementById('tip'),map=document.getElementById('map'),cur=null;
    if(!map){document.documentElement.setAttribute('data-ready','1');return;}
    map.querySelectorAll('[data-id],[data-ref]').forEach(function(el){var t=el.querySelector('title');if(t){el.setAttribute('data-tip',t.textContent);t.remove();}});
    function place(ev){var x=ev.clientX+14,y=ev.clientY+14;if(x+tip.offsetWidth>innerWidth-4)x=ev.clientX-tip.offsetWidth-10;if(y+tip.offsetHeight>innerHeight-4)y=ev.clientY-tip.offsetHeight-10;tip.style.left=Math.max(2,x)+'px';tip.style.top=Math.max(2,y)+'px';}
    function show(el,ev){if(cur)cur.removeAttribute('data-hover');cur=el;el.setAttribute('data-hover','1');tip.textContent=el.getAttribute('data-tip')||'';tip.setAttribute('data-for',el.getAttribute('data-id')||el.getAttribute('data-ref'));tip.hidden=false;place(ev);}
    map.addEventListener('mouseover',function(ev){var el=ev.target.closest('[data-id],[data-ref]');if(el)show(el,ev);});
    map.addEventListener('mousemove',function(ev){if(!tip.hidden)place(ev);});
    map.addEventListener('mouseout',function(ev){var el=ev.target.closest('[data-id],[data-ref]');if(el&&!el.contains(ev.relatedTarget)){el.removeAttribute('data-hover');cur=null;tip.hidden=true;}});
    if(location.hash==='#selftest'){var s=map.querySelector('.station');if(s)s.dispatchEvent(new MouseEvent('mouseover',{bubbles:true,clientX:20,clientY:20}));}
    document.documentElement.setAttribute('data-ready','1');
    });
    """

    public func render() -> String {
        let svg = SVGMap(data, options: options)
        var imgSources = "data:"
        if let tiles = options.tiles, let origin = tiles.origin { imgSources += " " + origin }
        let csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src \(imgSources)"
        var h = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(Fmt.escape(csp))\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(Fmt.escape(data.title)) · 骑手驿站报告 · Rider station report</title>\n"
        h += "<script>\(HTMLReport.errorScript)</script>\n"
        h += "<style>\n\(HTMLReport.style)\n</style>\n</head>\n<body>\n"
        h += "<h1>\(Fmt.escape(data.title)) · 骑手驿站覆盖报告</h1>\n"
        h += "<p class=\"sub\">Rest stations for delivery riders: who has one within \(Fmt.int(data.radiusM)) m, who fits into its seats, and where the next ones should go.</p>\n"
        if data.illustrative {
            h += "<p class=\"illustrative\">\(Fmt.escape(SVGMap.illustrativeText)). Positions and boundaries are illustrative; do not use this map to find a real station.</p>\n"
        }
        h += "<section class=\"summary\">\n<h2>Summary · 概要</h2>\n"
        for p in summary() { h += "<p>\(Fmt.escape(p))</p>\n" }
        h += "</section>\n<figure>\n" + svg.render(standalone: false) + "</figure>\n<div id=\"tip\" hidden></div>\n"
        h += districtTable()
        h += proposalTable()
        h += "<section class=\"notes\">\n<h2>Notes · 说明</h2>\n"
        h += "<p>Covered: a rest station within \(Fmt.int(data.radiusM)) m (straight line). Served: the riders that fit into the seats of the stations within reach (maximum flow). Zones overlap districts; the total counts each rider once.</p>\n"
        if data.outsideDemand > 0 { h += "<p>\(Fmt.int(data.outsideDemand)) riders of demand lie outside every district (counted in the total only).</p>\n" }
        if let note = data.sourceNote { h += "<p>Source: \(Fmt.escape(note))</p>\n" }
        h += "<p>Made by nuanxin report. The map is Web Mercator; the scale bar is true at the centre latitude.</p>\n</section>\n"
        h += "<script>\n\(HTMLReport.hoverScript)\n</script>\n</body>\n</html>\n"
        return h
    }

    func districtTable() -> String {
        let hasProposals = data.proposalCount > 0
        var h = "<h2>Districts · 分区</h2>\n"
        if data.districts.isEmpty { return h + "<p>No districts in the dataset.</p>\n" }
        h += "<table id=\"districts-table\">\n<thead><tr><th>id</th><th>name</th><th>riders at peak</th><th>covered %</th><th>served %</th><th>seats</th><th>stations</th><th>utilisation %</th><th>overloaded</th>"
        if hasProposals { h += "<th>new sites</th><th>\(Fmt.escape(data.proposalMeasure)) % after</th><th>bound %</th>" }
        h += "</tr></thead>\n<tbody>\n"
        let focused = Set(data.focus)
        let rows = data.districts.filter { focused.isEmpty || focused.contains($0.id) }.sorted { a, b in
            a.isZone != b.isZone ? !a.isZone : a.id < b.id
        }
        for d in rows {
            h += "<tr\(d.isZone ? " class=\"zone\"" : "") data-district=\"\(Fmt.escape(d.id))\"><td>\(Fmt.escape(d.id))</td><td>\(Fmt.escape(d.name))\(d.isZone ? " (zone)" : "")</td>"
            h += "<td>\(Fmt.int(d.demand))</td><td>\(Fmt.fixed(d.coveredPct, 1))</td><td>\(Fmt.fixed(d.servedPct, 1))</td><td>\(d.seats)</td><td>\(d.stations)</td><td>\(Fmt.fixed(d.utilisationPct, 1))</td><td>\(d.overloaded.count)</td>"
            if hasProposals {
                if let a = d.proposedPctAfter {
                    h += "<td>\(d.proposedSites)</td><td>\(Fmt.fixed(a, 1))</td><td>\(d.proposedBoundPct.map { Fmt.fixed($0, 1) } ?? "")</td>"
                } else {
                    h += "<td></td><td></td><td></td>"
                }
            }
            h += "</tr>\n"
        }
        if let t = data.total {
            h += "<tr class=\"total\"><td></td><td>total</td><td>\(Fmt.int(t.demand))</td><td>\(Fmt.fixed(t.coveredPct, 1))</td><td>\(Fmt.fixed(t.servedPct, 1))</td><td>\(t.seats)</td><td>\(t.stations)</td><td></td><td></td>"
            if hasProposals { h += "<td>\(data.proposals.count)</td><td></td><td></td>" }
            h += "</tr>\n"
        }
        return h + "</tbody>\n</table>\n"
    }

    func proposalTable() -> String {
        guard data.proposalCount > 0 else { return "" }
        var h = "<h2>Proposed sites · 建议新站</h2>\n"
        if data.proposals.isEmpty { return h + "<p>No site adds \(Fmt.escape(data.proposalMeasure)) demand.</p>\n" }
        h += "<table id=\"proposals-table\">\n<thead><tr><th>district</th><th>rank</th><th>site</th><th>adds riders</th><th>\(Fmt.escape(data.proposalMeasure)) % after</th><th>seats</th><th>lon</th><th>lat</th></tr></thead>\n<tbody>\n"
        for p in data.proposals {
            h += "<tr><td>\(Fmt.escape(p.districtName))</td><td>\(p.rank)</td><td style=\"text-align:left\">\(Fmt.escape(p.id))</td><td>\(Fmt.fixed(p.gain, 1))</td><td>\(Fmt.fixed(p.pctAfter, 1))</td><td>\(p.seats)</td><td>\(Fmt.fixed(p.location.lon, 5))</td><td>\(Fmt.fixed(p.location.lat, 5))</td></tr>\n"
        }
        return h + "</tbody>\n</table>\n"
    }
}
