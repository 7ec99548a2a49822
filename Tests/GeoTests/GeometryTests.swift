import Foundation
import Synchronization
import Testing
@testable import Geo

@Suite("GEOS geometry: formats, measures, predicates, overlays, validity")
struct GeometryTests {
    let square = Geometry.polygon(Polygon(exterior: [
        Coordinate(x: 0, y: 0), Coordinate(x: 10, y: 0), Coordinate(x: 10, y: 10), Coordinate(x: 0, y: 10), Coordinate(x: 0, y: 0),
    ]))

    @Test("WKT round trip of every geometry type, holes and collections included")
    func wktRoundTrip() throws {
        let texts = [
            "POINT (1 2)",
            "LINESTRING (0 0, 1 1, 2 0)",
            "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))",
            "MULTIPOINT ((0 0), (1 1))",
            "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))",
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))",
            "GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 1 1))",
        ]
        for text in texts {
            let g = try Geometry(wkt: text)
            let written = try g.wkt()
            #expect(try Geometry(wkt: written) == g)
            // GEOS before 3.12 writes MULTIPOINT without the inner parentheses.
            if !text.hasPrefix("MULTIPOINT") { #expect(written == text, "wrote \(written)") }
            #expect(try Geometry(wkb: try g.wkb()) == g)
        }
        let holed = try Geometry(wkt: texts[2])
        #expect(holed.polygons.first?.holes.count == 1)
    }

    @Test("bad WKT and WKB throw GEOS's parse message")
    func badText() {
        #expect(throws: GeoError.self) { _ = try Geometry(wkt: "POLYGON ((0 0, 1 1") }
        #expect(throws: GeoError.self) { _ = try Geometry(wkb: [1, 2, 3]) }
    }

    @Test("area, length, distance, centroid and envelope")
    func measures() throws {
        #expect(try square.area() == 100)
        #expect(try square.length() == 40)
        #expect(try square.distance(to: .point(Coordinate(x: 13, y: 14))) == 5)
        #expect(try square.centroid() == .point(Coordinate(x: 5, y: 5)))
        let line = try Geometry(wkt: "LINESTRING (0 0, 3 4)")
        #expect(try line.length() == 5)
        #expect(try line.envelopeGeometry().area() == 12)
        #expect(line.envelope == Envelope(minX: 0, minY: 0, maxX: 3, maxY: 4))
    }

    @Test("predicates, including the boundary cases that separate contains from covers")
    func predicates() throws {
        let inside = Geometry.point(Coordinate(x: 5, y: 5))
        let onEdge = Geometry.point(Coordinate(x: 10, y: 5))
        let outside = Geometry.point(Coordinate(x: 12, y: 5))
        #expect(try square.contains(inside))
        #expect(try !square.contains(onEdge))
        #expect(try square.covers(onEdge))
        #expect(try square.intersects(onEdge))
        #expect(try !square.intersects(outside))
        #expect(try inside.within(square))
        #expect(try square.isWithinDistance(2, of: outside))
        #expect(try !square.isWithinDistance(1.9, of: outside))
    }

    @Test("buffer, union of many, intersection, difference, simplify")
    func constructive() throws {
        let disc = try Geometry.point(Coordinate(x: 0, y: 0)).buffer(1, quadrantSegments: 64)
        #expect(abs(try disc.area() - Double.pi) < 0.01)
        let other = try Geometry(wkt: "POLYGON ((5 0, 15 0, 15 10, 5 10, 5 0))")
        #expect(try Geometry.unionAll([square, other]).area() == 150)
        #expect(try square.intersection(other).area() == 50)
        #expect(try square.difference(other).area() == 50)
        let wiggly = try Geometry(wkt: "LINESTRING (0 0, 1 0.01, 2 0, 3 0.01, 4 0)")
        guard case let .lineString(cs) = try wiggly.simplified(tolerance: 0.1) else { Issue.record("not a line"); return }
        #expect(cs.count == 2)
    }

    @Test("Voronoi diagram of three points has three cells covering the envelope")
    func voronoi() throws {
        let points = try Geometry(wkt: "MULTIPOINT ((0 0), (10 0), (5 10))")
        let cells = try points.voronoiDiagram(envelope: try Geometry(wkt: "POLYGON ((-20 -20, 30 -20, 30 30, -20 30, -20 -20))"))
        guard case let .geometryCollection(parts) = cells else { Issue.record("expected a collection"); return }
        #expect(parts.count == 3)
    }

    @Test("a self-intersecting ring is invalid with GEOS's reason and location; make-valid repairs it")
    func validity() throws {
        let bowtie = try Geometry(wkt: "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))")
        let report = try bowtie.validity()
        #expect(!report.isValid)
        #expect(report.reason == "Self-intersection")
        #expect(report.location == Coordinate(x: 5, y: 5))
        let repaired = try bowtie.makeValid()
        #expect(try repaired.isValid())
        #expect(try repaired.area() == 50)
        #expect(try square.validity().isValid)
    }

    @Test("an unclosed ring made directly throws GEOS's message, not a crash")
    func unclosedRing() {
        let open = Geometry.polygon(Polygon(exterior: [Coordinate(x: 0, y: 0), Coordinate(x: 1, y: 0), Coordinate(x: 1, y: 1), Coordinate(x: 0, y: 1)]))
        #expect {
            _ = try open.area()
        } throws: { error in
            guard case let GeoError.geos(_, message) = error else { return false }
            return message.contains("closed")
        }
    }

    @Test("prepared polygons and the STRtree index answer point-in-polygon")
    func preparedAndIndex() throws {
        let prepared = try PreparedGeometry(square)
        #expect(try prepared.contains(Coordinate(x: 1, y: 1)))
        #expect(try !prepared.contains(Coordinate(x: 10, y: 1)))
        #expect(try prepared.covers(Coordinate(x: 10, y: 1)))
        #expect(try prepared.isWithinDistance(1, of: Coordinate(x: 11, y: 1)))
        var cells: [Geometry] = []
        for i in 0..<10 {
            for j in 0..<10 {
                let x = Double(i), y = Double(j)
                cells.append(.polygon(Envelope(minX: x, minY: y, maxX: x + 1, maxY: y + 1).polygon))
            }
        }
        let index = try PolygonIndex(cells)
        #expect(try index.covering(Coordinate(x: 3.5, y: 7.5)) == [37])
        #expect(try index.covering(Coordinate(x: 3, y: 7.5)) == [27, 37])
        #expect(try index.covering(Coordinate(x: 30, y: 30)).isEmpty)
    }

    @Test("thousands of GEOS and PROJ operations on two threads at once give the single-thread answers")
    func twoThreads() throws {
        let transformer = try CoordinateTransformer(from: .wgs84, to: .epsg(4547))
        let expectedArea = try square.buffer(1).area()
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            var bad = 0
            for i in 0..<3000 {
                do {
                    let shifted = square.mapCoordinates { Coordinate(x: $0.x + Double(i), y: $0.y + Double(worker)) }
                    if abs(try shifted.buffer(1).area() - expectedArea) > 1e-6 { bad += 1 }
                    if try !shifted.contains(.point(Coordinate(x: Double(i) + 5, y: Double(worker) + 5))) { bad += 1 }
                    let p = try transformer.transform(Coordinate(lon: 113.1, lat: 36.2))
                    if abs(p.x - 419_057.055) > 0.001 { bad += 1 }
                    if i % 100 == 0, try Geometry(wkt: "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))").validity().reason != "Self-intersection" { bad += 1 }
                } catch {
                    bad += 1
                }
            }
            failures.withLock { $0 += bad }
        }
        #expect(failures.withLock { $0 } == 0)
    }
}
