import Foundation
import Geo
import Testing

/// `LonLatBox`, the one box of longitudes and latitudes: CRS areas of use (from PROJ, whose form
/// puts `west` > `east` across the antimeridian) and boxes of points share its convention.
@Suite("longitude/latitude boxes and CRS areas of use")
struct LonLatBoxTests {
    @Test("PROJ's form across the antimeridian (west > east) becomes east past 180; other bounds are kept")
    func projConversion() {
        let fiji = LonLatBox(proj: 176.81, south: -20.81, east: -178.15, north: -12.42)
        #expect(fiji.west == 176.81 && fiji.east == -178.15 + 360 && fiji.south == -20.81 && fiji.north == -12.42)
        #expect(fiji.crossesAntimeridian)
        #expect(abs(fiji.width - 5.04) < 1e-9)
        #expect(fiji.description == "176.81°E–178.15°W, 20.81°S–12.42°S")
        // Already in this form: unchanged (so reading back what was stored converts nothing).
        #expect(LonLatBox(proj: fiji.west, south: fiji.south, east: fiji.east, north: fiji.north) == fiji)
        let world = LonLatBox(proj: -180, south: -90, east: 180, north: 90)
        #expect(world.east == 180 && !world.crossesAntimeridian)
        #expect(world.description == "180°W–180°E, 90°S–90°N")
    }

    @Test("EPSG:3832 (PDC Mercator, 98.69°E–68°W across the Pacific): its area crosses the antimeridian and holds the points on both sides of it")
    func pacificMercator() throws {
        let info = try CRS.epsg(3832).inspect()
        #expect(info.isMetric)
        let area = try #require(info.area?.bounds)
        #expect(area.west == 98.69 && area.east == 292 && area.south == -60 && area.north == 66.67)
        #expect(area.crossesAntimeridian)
        #expect(area.description == "98.69°E–68°W, 60°S–66.67°N")
        for lon in [100.0, 150, 179.99, 180, -180, -150, -70, 200] {
            #expect(area.contains(Coordinate(lon: lon, lat: 0)), "\(lon)")
        }
        for lon in [0.0, 95, -60, 300] {
            #expect(!area.contains(Coordinate(lon: lon, lat: 0)), "\(lon)")
        }
        // Within 3° of either edge with the margin, not beyond.
        #expect(area.contains(Coordinate(lon: 96, lat: 0), marginDegrees: 3))
        #expect(area.contains(Coordinate(lon: -65.5, lat: 0), marginDegrees: 3))
        #expect(!area.contains(Coordinate(lon: -64.5, lat: 0), marginDegrees: 3))
        #expect(!area.contains(Coordinate(lon: 150, lat: 70), marginDegrees: 3))
    }

    @Test("UTM zones 60N and 1N end at the antimeridian: a point just past ±180 is within the margin, one 4° past is not")
    func utmZonesAtTheAntimeridian() throws {
        let zone60 = try #require(try CRS.epsg(32660).inspect().area?.bounds)
        #expect(zone60.west == 174 && zone60.east == 180 && !zone60.crossesAntimeridian)
        #expect(zone60.contains(Coordinate(lon: 179.9, lat: 10)))
        #expect(!zone60.contains(Coordinate(lon: -179.9, lat: 10)))
        #expect(zone60.contains(Coordinate(lon: -179.9, lat: 10), marginDegrees: 3))
        #expect(zone60.contains(Coordinate(lon: 182, lat: 10), marginDegrees: 3))
        #expect(!zone60.contains(Coordinate(lon: -176, lat: 10), marginDegrees: 3))
        let zone1 = try #require(try CRS.epsg(32601).inspect().area?.bounds)
        #expect(zone1.west == -180 && zone1.east == -174 && !zone1.crossesAntimeridian)
        #expect(zone1.description == "180°W–174°W, 0°N–84°N")
        #expect(zone1.contains(Coordinate(lon: 178, lat: 10), marginDegrees: 3))
        #expect(zone1.contains(Coordinate(lon: -182, lat: 10), marginDegrees: 3))
        #expect(!zone1.contains(Coordinate(lon: 176, lat: 10), marginDegrees: 3))
    }

    @Test("CGCS2000 zones in China (EPSG:4547, EPSG:4549): plain boxes east of Greenwich")
    func chineseZones() throws {
        let z38 = try #require(try CRS.epsg(4547).inspect().area?.bounds)
        #expect(z38 == LonLatBox(west: 112.5, south: 21.52, east: 115.5, north: 45.45))
        #expect(z38.description == "112.5°E–115.5°E, 21.52°N–45.45°N")
        #expect(z38.contains(Coordinate(lon: 113.1, lat: 36.2)))
        #expect(!z38.contains(Coordinate(lon: 119, lat: 36.2)))
        #expect(z38.contains(Coordinate(lon: 118.4, lat: 36.2), marginDegrees: 3))
        #expect(!z38.contains(Coordinate(lon: 113.1 - 360 + 10, lat: 36.2), marginDegrees: 3))
        let z40 = try #require(try CRS.epsg(4549).inspect().area?.bounds)
        #expect(z40 == LonLatBox(west: 118.5, south: 24.43, east: 121.5, north: 53.33))
        #expect(z40.contains(Coordinate(lon: 121.47, lat: 31.23)), "Shanghai")
        #expect(!z40.contains(Coordinate(lon: 113.1, lat: 36.2)))
    }

    @Test("an area across the antimeridian survives the PROJ cache in the same convention")
    func cachedArea() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("nuanxin-lonlatbox-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = PROJCache(directory: root)
        for code in [3832, 3460] {
            let reference = try CRS.epsg(code).inspect()
            #expect(reference.area?.bounds.crossesAntimeridian == true)
            #expect(try CRS.epsg(code).inspect(cache: cache) == reference)
            #expect(try CRS.epsg(code).inspect(cache: cache) == reference, "read back from the cache")
        }
    }
}
