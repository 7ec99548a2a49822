import Foundation

/// The coordinate systems of Chinese web maps: WGS84 (GPS), GCJ-02 (AMap, Tencent; an obfuscated
/// offset of WGS84 required by Chinese regulation) and BD-09 (Baidu; a further offset of GCJ-02).
///
/// The forward conversions are the public formulas. They have no closed-form inverse; ours iterate
/// until the round trip is within 1e-9 degree (about 0.1 mm), well inside 1 cm. Outside China
/// GCJ-02 equals WGS84, as on the maps themselves.
public enum MapDatum: String, CaseIterable, Sendable {
    /// WGS84 as GPS receivers and international maps use it (EPSG:4326).
    case wgs84
    /// GCJ-02, the offset datum of AMap (Gaode) and Tencent maps.
    case gcj02
    /// BD-09, Baidu Maps' further offset of GCJ-02.
    case bd09

    /// Converts a lon/lat from one datum to another.
    public static func convert(_ c: Coordinate, from: MapDatum, to: MapDatum) -> Coordinate {
        if from == to { return c }
        let wgs: Coordinate
        switch from {
        case .wgs84: wgs = c
        case .gcj02: wgs = ChineseCoordinates.gcj02ToWGS84(c)
        case .bd09: wgs = ChineseCoordinates.gcj02ToWGS84(ChineseCoordinates.bd09ToGCJ02(c))
        }
        switch to {
        case .wgs84: return wgs
        case .gcj02: return ChineseCoordinates.wgs84ToGCJ02(wgs)
        case .bd09: return ChineseCoordinates.gcj02ToBD09(ChineseCoordinates.wgs84ToGCJ02(wgs))
        }
    }
}

/// The formulas behind `MapDatum`: WGS84 ↔ GCJ-02 ↔ BD-09 on longitude/latitude in degrees.
///
/// Use `MapDatum.convert(_:from:to:)` unless one step is wanted on its own.
public enum ChineseCoordinates {
    private static let a = 6_378_245.0
    private static let ee = 0.006_693_421_622_965_943_23
    private static let xPi = Double.pi * 3000.0 / 180.0

    /// The rough box in which the maps apply the GCJ-02 offset.
    public static func isOutsideChina(_ c: Coordinate) -> Bool {
        c.lon < 72.004 || c.lon > 137.8347 || c.lat < 0.8293 || c.lat > 55.8271
    }

    private static func offsetLat(_ x: Double, _ y: Double) -> Double {
        var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
        r += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        r += (20.0 * sin(y * .pi) + 40.0 * sin(y / 3.0 * .pi)) * 2.0 / 3.0
        r += (160.0 * sin(y / 12.0 * .pi) + 320 * sin(y * .pi / 30.0)) * 2.0 / 3.0
        return r
    }

    private static func offsetLon(_ x: Double, _ y: Double) -> Double {
        var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
        r += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        r += (20.0 * sin(x * .pi) + 40.0 * sin(x / 3.0 * .pi)) * 2.0 / 3.0
        r += (150.0 * sin(x / 12.0 * .pi) + 300.0 * sin(x / 30.0 * .pi)) * 2.0 / 3.0
        return r
    }

    /// WGS84 to GCJ-02 by the public formula; unchanged outside China (see `isOutsideChina(_:)`).
    public static func wgs84ToGCJ02(_ c: Coordinate) -> Coordinate {
        if isOutsideChina(c) { return c }
        var dLat = offsetLat(c.lon - 105.0, c.lat - 35.0)
        var dLon = offsetLon(c.lon - 105.0, c.lat - 35.0)
        let radLat = c.lat / 180.0 * .pi
        var magic = sin(radLat)
        magic = 1 - ee * magic * magic
        let sqrtMagic = sqrt(magic)
        dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * .pi)
        dLon = (dLon * 180.0) / (a / sqrtMagic * cos(radLat) * .pi)
        return Coordinate(lon: c.lon + dLon, lat: c.lat + dLat)
    }

    /// Inverse of `wgs84ToGCJ02` by fixed-point iteration (converges in a few steps: the offset
    /// changes by well under 1e-5 per degree).
    public static func gcj02ToWGS84(_ c: Coordinate) -> Coordinate {
        if isOutsideChina(c) { return c }
        var guess = c
        for _ in 0..<30 {
            let forward = wgs84ToGCJ02(guess)
            let dx = forward.lon - c.lon
            let dy = forward.lat - c.lat
            guess = Coordinate(lon: guess.lon - dx, lat: guess.lat - dy)
            if abs(dx) < 1e-10 && abs(dy) < 1e-10 { break }
        }
        return guess
    }

    /// GCJ-02 to BD-09 by Baidu's public formula.
    public static func gcj02ToBD09(_ c: Coordinate) -> Coordinate {
        let x = c.lon, y = c.lat
        let z = sqrt(x * x + y * y) + 0.00002 * sin(y * xPi)
        let theta = atan2(y, x) + 0.000003 * cos(x * xPi)
        return Coordinate(lon: z * cos(theta) + 0.0065, lat: z * sin(theta) + 0.006)
    }

    /// Inverse of `gcj02ToBD09`: the usual closed-form approximation, refined by iteration.
    public static func bd09ToGCJ02(_ c: Coordinate) -> Coordinate {
        let x = c.lon - 0.0065, y = c.lat - 0.006
        let z = sqrt(x * x + y * y) - 0.00002 * sin(y * xPi)
        let theta = atan2(y, x) - 0.000003 * cos(x * xPi)
        var guess = Coordinate(lon: z * cos(theta), lat: z * sin(theta))
        for _ in 0..<30 {
            let forward = gcj02ToBD09(guess)
            let dx = forward.lon - c.lon
            let dy = forward.lat - c.lat
            guess = Coordinate(lon: guess.lon - dx, lat: guess.lat - dy)
            if abs(dx) < 1e-10 && abs(dy) < 1e-10 { break }
        }
        return guess
    }
}
