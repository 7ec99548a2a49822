import Geo
import Testing
import Stations

/// The box checks behind `--radius` and `--max-distance` (`QueryProjector.Extent`, `reach`).
@Suite("search circles against the CRS's area of use")
struct QueryReachTests {
    @Test("the box of points across the antimeridian is the narrow one, and its text gives longitudes in ±180")
    func extentAcrossAntimeridian() throws {
        let e = try #require(QueryProjector.Extent(covering: [Coordinate(lon: 179.5, lat: -17), Coordinate(lon: -179.5, lat: -16), Coordinate(lon: 178.9, lat: -18)]))
        #expect(e.west == 178.9 && e.east == 180.5 && e.south == -18 && e.north == -16)
        #expect(e.text == "lon 178.90–-179.50, lat -18.00–-16.00")
        let plain = try #require(QueryProjector.Extent(covering: [Coordinate(lon: 113.0, lat: 36), Coordinate(lon: 113.2, lat: 36.1)]))
        #expect(plain.west == 113.0 && plain.east == 113.2)
        #expect(QueryProjector.Extent(covering: [Coordinate]()) == nil)
    }

    @Test("a box of points straddling ±180 in EPSG:3460 (Fiji) is within reach at 100 km and not at 600 km")
    func reachAcrossAntimeridian() throws {
        let projector = try QueryProjector(datum: .wgs84, crs: CRS("EPSG:3460"))
        let points = [Coordinate(lon: 179.5, lat: -17), Coordinate(lon: -179.6, lat: -16.5)]
        let extent = try #require(projector.extent(of: points))
        #expect(projector.reach(of: extent, radiusM: 100_000) == nil)
        let why = try #require(projector.reachProblem(around: extent, of: "the points", radiusM: 600_000, flag: "--radius"))
        #expect(why.hasPrefix("--radius 600000 m around the points (lon 179.50–-179.60, lat -17.00–-16.50) reaches lon "), "\(why)")
        #expect(why.contains("outside the area of use of EPSG:3460"), "\(why)")
    }

    @Test("points already outside the area of use are left out of the box; a box wider than the area is outside")
    func strayPointsAndWideBoxes() throws {
        let projector = try QueryProjector(datum: .wgs84, crs: CRS("EPSG:4547"))
        let extent = try #require(projector.extent(of: [Coordinate(lon: 113.0, lat: 36), Coordinate(lon: 24, lat: 0), Coordinate(lon: 113.2, lat: 36.1)]))
        #expect(extent.west == 113.0 && extent.east == 113.2)
        #expect(projector.reach(of: extent, radiusM: 1_000) == nil)
        // A box of every longitude is wider than 112.5°E–115.5°E, whatever its ends wrap to.
        let around = QueryProjector.Extent(west: 113.0, south: 36, east: 113.0 + 360, north: 36)
        #expect(projector.reach(of: around, radiusM: 1) != nil)
    }

    @Test("EPSG:3832 (PDC Mercator, across the Pacific): the projector's area is the inspection's box; points and circles on both sides of ±180 are answered, a point past 68°W is not")
    func pacificMercator() throws {
        let crs = CRS("EPSG:3832")
        let projector = try QueryProjector(datum: .wgs84, crs: crs)
        let area = try #require(projector.area)
        #expect(area == (try CRSInspection.of(crs).area?.bounds))
        #expect(area.crossesAntimeridian && area.east == 292)
        let east = try projector.project(lon: 179.9, lat: -17)
        let west = try projector.project(lon: -179.9, lat: -17)
        #expect(west.projected.x > east.projected.x && west.projected.x - east.projected.x < 30_000)
        #expect(projector.reachProblem(east, radiusM: 1_000_000) == nil)
        #expect(projector.reachProblem(west, radiusM: 1_000_000, flag: "--max-distance") == nil)
        let extent = try #require(projector.extent(of: [Coordinate(lon: 179.5, lat: -17), Coordinate(lon: -179.5, lat: -16)]))
        #expect(extent.west == 179.5 && extent.east == 180.5)
        #expect(projector.reach(of: extent, radiusM: 2_000_000) == nil)
        #expect(throws: QueryProjector.QueryPointError.self) { try projector.project(lon: -60, lat: 0) }
        let why = try #require(projector.reachProblem(try projector.project(lon: -70, lat: 0), radiusM: 1_000_000, flag: "--max-distance"))
        #expect(why.contains("outside the area of use of EPSG:3832 (98.69°E–68°W, 60°S–66.67°N)"), "\(why)")
    }

    @Test("EPSG:4549 (CGCS2000 zone 40, 118.5°E–121.5°E): Shanghai is answered and a 200 km circle stays within; Changzhi (113°E) is outside")
    func chineseZone() throws {
        let projector = try QueryProjector(datum: .wgs84, crs: CRS("EPSG:4549"))
        #expect(projector.area == LonLatBox(west: 118.5, south: 24.43, east: 121.5, north: 53.33))
        let shanghai = try projector.project(lon: 121.47, lat: 31.23)
        #expect(projector.reachProblem(shanghai, radiusM: 200_000) == nil)
        #expect(projector.reachProblem(shanghai, radiusM: 600_000) != nil)
        #expect(throws: QueryProjector.QueryPointError.self) { try projector.project(lon: 113.1, lat: 36.2) }
    }
}
