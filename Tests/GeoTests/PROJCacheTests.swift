import Foundation
import Geo
import Testing
import TestSupport

@Suite("The per-user PROJ cache: cached pipelines give the coordinates PROJ's search gives")
struct PROJCacheTests {
    /// A fresh cache folder (not created yet) under a temporary folder.
    static func freshCache() -> (cache: PROJCache, root: String) {
        let root = NSTemporaryDirectory() + "nuanxin-proj-cache-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return (PROJCache(directory: root + "/cache/nuanxin"), root)
    }

    static func entries(_ cache: PROJCache) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache.directory)) ?? [])
            .filter { $0.hasPrefix("proj-") }.sorted().map { cache.directory + "/" + $0 }
    }

    /// Random points in a lon/lat box, seeded.
    static func points(_ count: Int, lon: ClosedRange<Double>, lat: ClosedRange<Double>, seed: UInt64) -> [Coordinate] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            Coordinate(lon: Double.random(in: lon, using: &random), lat: Double.random(in: lat, using: &random))
        }
    }

    @Test("cached and uncached transformations give bit-identical coordinates on 20,000 points per pair",
          arguments: [(4326, 4547), (4547, 4326), (4326, 32649), (4326, 4549), (4490, 4547)])
    func identical(pair: (Int, Int)) throws {
        let (cache, root) = Self.freshCache()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let source = CRS.epsg(pair.0), target = CRS.epsg(pair.1)
        let searched = try CoordinateTransformer(from: source, to: target, cache: nil)
        let storing = try CoordinateTransformer(from: source, to: target, cache: cache)
        #expect(Self.entries(cache).count == 1, "the search's pipeline is stored")
        let cached = try CoordinateTransformer(from: source, to: target, cache: cache)

        var input = Self.points(20_000, lon: 108...119, lat: 30...42, seed: UInt64(pair.0 * 100_000 + pair.1))
        if pair.0 == 4547 {
            // Gauss–Krüger input: eastings and northings around the zone's central meridian.
            input = input.map { Coordinate(x: 500_000 + ($0.lon - 114) * 80_000, y: $0.lat * 111_000) }
        }
        let expected = try searched.transform(input)
        #expect(try storing.transform(input) == expected)
        #expect(try cached.transform(input) == expected)
        // A copy for another thread (built from the pipeline, its own context), of each kind.
        #expect(try searched.copy().transform(input) == expected)
        #expect(try cached.copy().transform(input) == expected)
        for (p, e) in zip(input.prefix(200), expected) {
            #expect(try cached.transform(p) == e)
        }
    }

    @Test("a stored pipeline is what the next transformer is built from")
    func entryIsUsed() throws {
        let (cache, root) = Self.freshCache()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try CoordinateTransformer(from: .wgs84, to: .epsg(4547), cache: cache)
        let entry = try #require(Self.entries(cache).first)
        let text = try String(contentsOfFile: entry, encoding: .utf8)
        #expect(text.contains("+lon_0=114"))
        // Another central meridian in the entry: a transformer from the cache must follow it.
        try text.replacingOccurrences(of: "+lon_0=114", with: "+lon_0=111").write(toFile: entry, atomically: true, encoding: .utf8)
        let fromEntry = try CoordinateTransformer(from: .wgs84, to: .epsg(4547), cache: cache)
        let expected111 = try CoordinateTransformer(from: .wgs84, to: CRS("+proj=tmerc +lat_0=0 +lon_0=111 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +type=crs"), cache: nil)
        let p = Coordinate(lon: 111.3, lat: 36.2)
        #expect(try fromEntry.transform(p) == expected111.transform(p))
    }

    @Test("a corrupt entry is ignored, PROJ is asked, and the entry is rewritten",
          arguments: ["", "garbage", "nuanxin proj cache 1\n=\npipeline\t+proj=tmerc\n", "\u{FF}\u{FE}binary", "unknown operation"])
    func corruptEntry(garbage: String) throws {
        let (cache, root) = Self.freshCache()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let reference = try CoordinateTransformer(from: .wgs84, to: .epsg(4547), cache: nil)
        _ = try CoordinateTransformer(from: .wgs84, to: .epsg(4547), cache: cache)
        let entry = try #require(Self.entries(cache).first)
        let good = try String(contentsOfFile: entry, encoding: .utf8)
        // "unknown operation": the entry's own key with a pipeline PROJ cannot build.
        let bad = garbage == "unknown operation"
            ? good.replacingOccurrences(of: "+proj=tmerc", with: "+proj=no_such_operation") : garbage
        #expect(bad != good)
        try Data(bad.utf8).write(to: URL(fileURLWithPath: entry))
        let again = try CoordinateTransformer(from: .wgs84, to: .epsg(4547), cache: cache)
        let p = Coordinate(lon: 113.1, lat: 36.2)
        #expect(try again.transform(p) == reference.transform(p))
        #expect(try String(contentsOfFile: entry, encoding: .utf8) == good)
    }

    @Test("a cache that cannot be created is no cache, and no error")
    func unwritable() throws {
        let (_, root) = Self.freshCache()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = root + "/not-a-folder"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let cache = PROJCache(directory: file + "/nuanxin")
        let t = try CoordinateTransformer(from: .wgs84, to: .epsg(4547), cache: cache)
        let reference = try CoordinateTransformer(from: .wgs84, to: .epsg(4547), cache: nil)
        let p = Coordinate(lon: 113.1, lat: 36.2)
        #expect(try t.transform(p) == reference.transform(p))
        let inspection = try CRS.epsg(4547).inspect(cache: cache)
        #expect(inspection == (try CRS.epsg(4547).inspect()))
    }

    @Test("a pair PROJ answers with several candidate operations is not cached")
    func ambiguousNotCached() throws {
        let (cache, root) = Self.freshCache()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // NAD27 -> WGS 84: PROJ keeps several operations and picks one per point by area of use.
        let t = try CoordinateTransformer(from: .epsg(4267), to: .wgs84, cache: cache)
        #expect(Self.entries(cache).isEmpty)
        let reference = try CoordinateTransformer(from: .epsg(4267), to: .wgs84, cache: nil)
        let p = Coordinate(lon: -100, lat: 40)
        #expect(try t.transform(p) == reference.transform(p))
        // With no one pipeline, a copy searches again and picks per point as PROJ does: a point in
        // another area of use (Alaska) still gets that area's operation.
        let copy = try t.copy()
        let alaska = Coordinate(lon: -150, lat: 61)
        #expect(try copy.transform(p) == reference.transform(p))
        #expect(try copy.transform(alaska) == reference.transform(alaska))
    }

    @Test("a copy of a transformation through a datum grid keeps the grid")
    func copyKeepsGrid() throws {
        // An optional grid (`@`): a copy rebuilt from the PROJ string without PROJ's resource
        // folder would drop the shift silently (some 160 m here) when the grid is installed (Debian's
        // proj-data has it); without the grid both skip it alike.
        let target = CRS("+proj=tmerc +lat_0=0 +lon_0=9 +k=1 +x_0=3500000 +y_0=0 +ellps=bessel +nadgrids=@BETA2007.gsb +units=m +no_defs +type=crs")
        let t = try CoordinateTransformer(from: .wgs84, to: target, cache: nil)
        let input = Self.points(2_000, lon: 6...15, lat: 47...55, seed: 2007)
        #expect(try t.copy().transform(input) == t.transform(input))
        #expect(try t.copy().copy().transform(input) == t.transform(input))
    }

    @Test("a cached inspection equals PROJ's, for projected, geographic and PROJ-string CRSs",
          arguments: ["EPSG:4547", "EPSG:4326", "EPSG:32649", "EPSG:4978", "EPSG:2249",
                      "+proj=tmerc +lat_0=0 +lon_0=111 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m"])
    func inspection(definition: String) throws {
        let (cache, root) = Self.freshCache()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let crs = CRS(definition)
        let reference = try crs.inspect()
        #expect(try crs.inspect(cache: cache) == reference)
        #expect(Self.entries(cache).count == 1)
        #expect(try crs.inspect(cache: cache) == reference)
    }
}
