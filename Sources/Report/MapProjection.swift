import Foundation
import Geo

/// A basemap of raster tiles (`{z}/{x}/{y}` web tiles, Web Mercator).
public struct TileLayer: Sendable, Hashable {
    /// The datum a tile service draws its maps in.
    public enum Datum: String, Sendable, CaseIterable {
        /// Tiles drawn in WGS84 (OpenStreetMap and most services outside China).
        case wgs84
        /// Tiles drawn in GCJ-02 (Chinese services): our WGS84 drawing is shifted onto them.
        case gcj02
    }

    /// A template that lacks a placeholder.
    public struct TemplateError: Error, CustomStringConvertible, Sendable {
        /// The template as given.
        public var template: String
        /// The placeholders it lacks, in the order {x}, {y}, {z}.
        public var missing: [String]
        /// Whether the template is not an `https://` or `http://` URL (`file:`, `javascript:`, a
        /// bare path): the page would ask for its tiles somewhere a browser should not go.
        public var notHTTP = false
        /// The message for the command line.
        public var description: String {
            if notHTTP { return "--tiles \(template): the URL template must start with https:// or http:// (e.g. https://tile.example.org/{z}/{x}/{y}.png)" }
            return "--tiles \(template): the URL template needs \(missing.joined(separator: ", ")) (e.g. https://tile.example.org/{z}/{x}/{y}.png)"
        }
    }

    /// The URL template, e.g. `https://tile.example.org/{z}/{x}/{y}.png`.
    public var template: String
    /// The datum of the tiles; `gcj02` shifts our drawing onto them.
    public var datum: Datum

    /// Refuses a template without `{x}`, `{y}` and `{z}`, or one that is not an http(s) URL.
    public init(template: String, datum: Datum = .wgs84) throws {
        let scheme = template.prefix { $0 != ":" }.lowercased()
        guard scheme == "https" || scheme == "http", template.dropFirst(scheme.count).hasPrefix("://") else {
            throw TemplateError(template: template, missing: [], notHTTP: true)
        }
        let missing = ["{x}", "{y}", "{z}"].filter { !template.contains($0) }
        guard missing.isEmpty else { throw TemplateError(template: template, missing: missing) }
        self.template = template
        self.datum = datum
    }

    /// The URL of one tile; `{s}` (a subdomain, as in `{s}.tile.example.org`) takes a, b or c by tile.
    public func url(z: Int, x: Int, y: Int) -> String {
        template.replacingOccurrences(of: "{z}", with: "\(z)").replacingOccurrences(of: "{x}", with: "\(x)")
            .replacingOccurrences(of: "{y}", with: "\(y)").replacingOccurrences(of: "{s}", with: ["a", "b", "c"][abs(x + y) % 3])
    }

    /// The tile server's origin (scheme and host), for the page's content security policy.
    public var origin: String? {
        guard let schemeEnd = template.range(of: "://") else { return nil }
        let rest = template[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" }
        guard !host.isEmpty, !host.contains("{") else {
            // A host with a placeholder ({s} subdomains): allow the scheme.
            return String(template[..<schemeEnd.lowerBound]) + ":"
        }
        return String(template[..<schemeEnd.upperBound]) + host
    }
}

/// Spherical Web Mercator (EPSG:3857) onto a pixel frame: what web tiles use, so a basemap lines up.
/// Lengths on the map are true at the frame's centre latitude divided by cos(latitude); the scale
/// bar uses the centre latitude.
public struct MapFrame: Sendable {
    /// The sphere of Web Mercator (EPSG:3857), in metres.
    public static let earthRadius = 6_378_137.0

    /// West edge of the Mercator extent drawn (metres).
    public var minX: Double
    /// South edge (metres).
    public var minY: Double
    /// East edge (metres).
    public var maxX: Double
    /// North edge (metres).
    public var maxY: Double
    /// Pixels per Mercator metre.
    public var scale: Double
    /// Width of the frame in pixels.
    public var width: Double
    /// Height of the frame in pixels.
    public var height: Double
    /// Pixel offset of the frame's left edge inside the SVG.
    public var originX: Double
    /// Pixel offset of the frame's top edge inside the SVG.
    public var originY: Double
    /// WGS84 drawing shifted into GCJ-02 (for Chinese tiles).
    public var shiftToGCJ02: Bool

    /// Web Mercator metres of a lon/lat (latitude clamped to ±85.05°).
    public static func mercator(_ c: Coordinate) -> Coordinate {
        let lat = max(-85.05112878, min(85.05112878, c.lat))
        let x = earthRadius * c.lon * .pi / 180
        let y = earthRadius * log(tan(.pi / 4 + lat * .pi / 360))
        return Coordinate(x: x, y: y)
    }

    /// The lon/lat of Web Mercator metres.
    public static func inverseMercator(_ m: Coordinate) -> Coordinate {
        Coordinate(lon: m.x / earthRadius * 180 / .pi, lat: (2 * atan(exp(m.y / earthRadius)) - .pi / 2) * 180 / .pi)
    }

    /// A frame `width` pixels wide around `coordinates` (WGS84), with a margin; the height follows
    /// the extent's shape within [minHeight, maxHeight] (the extent grows to keep the aspect).
    public init(fitting coordinates: [Coordinate], width: Double, minHeight: Double, maxHeight: Double, margin: Double,
                originX: Double = 0, originY: Double = 0, shiftToGCJ02: Bool = false) {
        self.shiftToGCJ02 = shiftToGCJ02
        self.width = width
        self.originX = originX
        self.originY = originY
        let projected = coordinates.map { MapFrame.mercator(shiftToGCJ02 ? ChineseCoordinates.wgs84ToGCJ02($0) : $0) }
        var e = Envelope(covering: projected) ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
        // At least 2 km across, so that a single point still gives a readable frame.
        let minSpan = 2000.0
        if e.width < minSpan { e.minX -= (minSpan - e.width) / 2; e.maxX = e.minX + minSpan }
        if e.height < minSpan { e.minY -= (minSpan - e.height) / 2; e.maxY = e.minY + minSpan }
        let inner = width - 2 * margin
        var s = inner / e.width
        var h = e.height * s + 2 * margin
        if h > maxHeight {
            h = maxHeight
            s = (h - 2 * margin) / e.height
        } else if h < minHeight {
            h = minHeight
        }
        // Centre the extent in the frame.
        let cx = (e.minX + e.maxX) / 2, cy = (e.minY + e.maxY) / 2
        let halfW = width / s / 2, halfH = h / s / 2
        minX = cx - halfW
        maxX = cx + halfW
        minY = cy - halfH
        maxY = cy + halfH
        scale = s
        height = h
    }

    /// A frame showing the Mercator rectangle `extent` in a `width` × `height` box at (originX, originY);
    /// the scale is the one that fits both sides, and the extent is centred.
    public init(extent: Envelope, width: Double, height: Double, originX: Double, originY: Double, shiftToGCJ02: Bool) {
        self.shiftToGCJ02 = shiftToGCJ02
        self.width = width
        self.height = height
        self.originX = originX
        self.originY = originY
        let s = min(width / max(extent.width, 1), height / max(extent.height, 1))
        scale = s
        let cx = (extent.minX + extent.maxX) / 2, cy = (extent.minY + extent.maxY) / 2
        minX = cx - width / s / 2
        maxX = cx + width / s / 2
        minY = cy - height / s / 2
        maxY = cy + height / s / 2
    }

    /// The Mercator point under a pixel of this frame.
    public func mercator(atPixel p: Coordinate) -> Coordinate {
        Coordinate(x: minX + (p.x - originX) / scale, y: maxY - (p.y - originY) / scale)
    }

    /// Pixel position of a WGS84 coordinate.
    public func pixel(_ c: Coordinate) -> Coordinate {
        let m = MapFrame.mercator(shiftToGCJ02 ? ChineseCoordinates.wgs84ToGCJ02(c) : c)
        return Coordinate(x: originX + (m.x - minX) * scale, y: originY + (maxY - m.y) * scale)
    }

    /// Latitude of the frame's centre (of the drawing's datum).
    public var centreLatitude: Double { MapFrame.inverseMercator(Coordinate(x: (minX + maxX) / 2, y: (minY + maxY) / 2)).lat }

    /// Ground metres per pixel at the centre latitude.
    public var metresPerPixel: Double { cos(centreLatitude * .pi / 180) / scale }

    /// A scale bar of a round length (1, 2 or 5 × 10ⁿ m) close to `targetPixels`.
    public func scaleBar(targetPixels: Double) -> (metres: Double, pixels: Double) {
        let want = targetPixels * metresPerPixel
        let p = pow(10, floor(log10(want)))
        var best = p
        for m in [1.0, 2.0, 5.0, 10.0] where m * p <= want { best = m * p }
        return (best, best / metresPerPixel)
    }

    /// The web tiles (zoom, x, y, pixel rectangle) that cover the frame, at the zoom whose tile
    /// pixels are closest to ours, capped at `maxTiles`.
    public func tiles(maxTiles: Int = 48) -> [(z: Int, x: Int, y: Int, rect: (x: Double, y: Double, size: Double))] {
        let world = 2 * Double.pi * MapFrame.earthRadius
        var z = Int((log2(world * scale / 256)).rounded())
        z = max(0, min(19, z))
        while true {
            let n = Double(1 << z)
            let tileMetres = world / n
            let x0 = Int(floor((minX + world / 2) / tileMetres)), x1 = Int(floor((maxX + world / 2) / tileMetres))
            let y0 = Int(floor((world / 2 - maxY) / tileMetres)), y1 = Int(floor((world / 2 - minY) / tileMetres))
            let count = (x1 - x0 + 1) * (y1 - y0 + 1)
            if count > maxTiles && z > 0 { z -= 1; continue }
            var out: [(z: Int, x: Int, y: Int, rect: (x: Double, y: Double, size: Double))] = []
            let limit = Int(n) - 1
            let rows = max(0, y0)...max(0, min(limit, y1)), columns = max(0, x0)...max(0, min(limit, x1))
            guard y0 <= limit, x0 <= limit else { return [] }
            for ty in rows {
                for tx in columns {
                    let mx = Double(tx) * tileMetres - world / 2
                    let my = world / 2 - Double(ty) * tileMetres
                    out.append((z, tx, ty, (originX + (mx - minX) * scale, originY + (maxY - my) * scale, tileMetres * scale)))
                }
            }
            return out
        }
    }
}
