import TestSupport
import Dispatch
import Foundation
import Geo
import Testing
@testable import Stations

/// Batch queries on both cores, for the thread sanitizer (`swift test --sanitize=thread`) as much as
/// for the answers: the k-d tree is shared read-only by the workers of a batch and by two batches
/// running at once, GEOS contexts are per thread, and a `CoordinateTransformer` is shared behind
/// its lock.
@Suite("batch queries on both cores")
struct ConcurrentBatchTests {
    static func queries(_ n: Int, seed: UInt64, _ t: CoordinateTransformer) throws -> [Coordinate] {
        var rng = SplitMix64(seed: seed)
        var xs = (0..<n).map { _ in Double.random(in: 112.99...113.06, using: &rng) }
        var ys = (0..<n).map { _ in Double.random(in: 35.99...36.06, using: &rng) }
        try t.transform(xs: &xs, ys: &ys)
        return (0..<n).map { Coordinate(x: xs[$0], y: ys[$0]) }
    }

    @Test("a batch big enough to be split across cores gives each query's own answer, twice at once")
    func parallelBatches() throws {
        let stations = try StationLocatorTests.randomStations(2_000, seed: 5, grid: false)
        let locator = try StationLocator(stations: stations)
        let t = try CoordinateTransformer(from: .wgs84, to: .epsg(4547))
        // 20,000 queries: ten parts of PointIndex's minimum chunk, spread over every core.
        let batches = try [ConcurrentBatchTests.queries(20_000, seed: 1, t), ConcurrentBatchTests.queries(20_000, seed: 2, t)]
        let filter = StationLocator.filter(services: [.rest])
        nonisolated(unsafe) var results = [NeighborBatch](repeating: NeighborBatch(), count: 2)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: 2) { b in
                locator.nearest(projected: batches[b], k: 3, filter: filter, maxDistance: 2_000, into: &slots[b])
            }
        }
        for b in 0..<2 {
            for i in stride(from: 0, to: batches[b].count, by: 97) {
                let q = batches[b][i]
                let single = locator.nearest(projected: q, lonLat: Coordinate(x: 0, y: 0), k: 3, filter: filter, maxDistance: 2_000).map(\.station)
                let batched = results[b].range(ofQuery: i).map { results[b].indices[$0] }
                #expect(batched == single, "batch \(b) query \(i)")
            }
        }
    }

    @Test("GEOS work and a shared transformer on every core at once")
    func geosAndProjOnAllCores() throws {
        let shared = try CoordinateTransformer(from: .wgs84, to: .epsg(4547))
        let square = Geometry.polygon(Polygon(exterior: [
            Coordinate(x: 0, y: 0), Coordinate(x: 10, y: 0), Coordinate(x: 10, y: 10), Coordinate(x: 0, y: 10), Coordinate(x: 0, y: 0),
        ]))
        let workers = max(2, ProcessInfo.processInfo.activeProcessorCount)
        nonisolated(unsafe) var areas = [Double](repeating: 0, count: workers)
        nonisolated(unsafe) var failures = [String](repeating: "", count: workers)
        areas.withUnsafeMutableBufferPointer { areaSlots in
            failures.withUnsafeMutableBufferPointer { failureSlots in
                nonisolated(unsafe) let areaSlots = areaSlots
                nonisolated(unsafe) let failureSlots = failureSlots
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    do {
                        var total = 0.0
                        for i in 0..<50 {
                            let g = try square.buffer(Double(w + i % 3))
                            total += try g.area()
                            _ = try g.validity()
                            _ = try shared.transform(Coordinate(lon: 113 + Double(i) * 1e-3, lat: 36))
                        }
                        areaSlots[w] = total
                    } catch {
                        failureSlots[w] = "\(error)"
                    }
                }
            }
        }
        let problems = failures.filter { !$0.isEmpty }
        #expect(problems.isEmpty, "\(problems)")
        for w in 0..<workers {
            var expected = 0.0
            for i in 0..<50 { expected += try square.buffer(Double(w + i % 3)).area() }
            #expect(abs(areas[w] - expected) < 1e-6)
        }
    }
}
