import Foundation
import Geo

/// Projecting the layers into the metric CRS and the checks across layers (points against districts).
extension LoadRun {
    /// Projects all coordinates of the geometries in one PROJ batch call.
    mutating func project(_ geometries: [Geometry], _ transformer: CoordinateTransformer, _ kind: Layer) -> [Geometry]? {
        var xs: [Double] = []
        var ys: [Double] = []
        for g in geometries {
            for c in g.allCoordinates {
                xs.append(c.x)
                ys.append(c.y)
            }
        }
        do {
            try transformer.transform(xs: &xs, ys: &ys)
        } catch {
            issues.append(DatasetIssue(.error, file: path(kind), "cannot project to \(transformer.target): \(error)"))
            return nil
        }
        var k = 0
        return geometries.map { g in
            g.mapCoordinates { _ in
                defer { k += 1 }
                return Coordinate(x: xs[k], y: ys[k])
            }
        }
    }

    /// Sets each point's `projected` from its WGS84 `location`, a block of points at a time: no
    /// copy of the whole layer's coordinates (ten million demand points would need four arrays of
    /// 80–160 MB). A big layer is projected in one contiguous part per core, each with a transformer
    /// of its own (a transformer is for one thread at a time). False, with one error naming the
    /// first feature PROJ cannot transform, when one fails (or, should PROJ fail a block without
    /// failing any of its points alone, naming the block); the layer then gives no points.
    mutating func project<Record: LocatedRecord>(_ records: inout [Record], _ transformer: CoordinateTransformer, _ kind: Layer) -> Bool {
        let n = records.count
        let ranges = LoadRun.partRanges(n)
        let file = path(kind)
        let failures = records.withUnsafeMutableBufferPointer { buffer -> [DatasetIssue?] in
            if ranges.count == 1 { return [LoadRun.project(buffer, 0..<n, transformer, file: file)] }
            let shared = UncheckedRecords(buffer: buffer)
            return LoadRun.onCores(ranges) { k, range in
                do {
                    let own = k == 0 ? transformer : try transformer.copy()
                    return LoadRun.project(shared.buffer, range, own, file: file)
                } catch {
                    return DatasetIssue(.error, file: file, "cannot project to \(transformer.target): \(error)")
                }
            }
        }
        // The first failure in the layer's order.
        guard let failure = failures.first(where: { $0 != nil }) else { return true }
        issues.append(failure!)
        return false
    }

    /// Points a block projects at a time (`project(_:_:_:)`).
    static let projectionBlock = 1 << 16

    /// The parts a layer of `n` points is projected and checked in: one contiguous range per core
    /// for a layer of 262,144 points or more (each part two blocks at least), else the whole layer.
    static func partRanges(_ n: Int) -> [Range<Int>] {
        let parts = n >= 4 * projectionBlock ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, n / (2 * projectionBlock))) : 1
        return (0..<parts).map { k in (n * k / parts)..<(n * (k + 1) / parts) }
    }

    /// `body(k, ranges[k])` for every part at once on the cores, the results in part order. The
    /// pool's threads outlive the call: their GEOS contexts are released after each part.
    static func onCores<T: Sendable>(_ ranges: [Range<Int>], _ body: @Sendable (Int, Range<Int>) -> T) -> [T] {
        let results = PartResults<T>(count: ranges.count)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { k in
            results.set(k, body(k, ranges[k]))
            releaseThreadGEOSContext()
        }
        return results.all
    }

    /// Projects `records[range]` in blocks; the error of the first feature PROJ cannot transform,
    /// nil when all were.
    private static func project<Record: LocatedRecord>(_ records: UnsafeMutableBufferPointer<Record>, _ range: Range<Int>,
                                                        _ transformer: CoordinateTransformer, file: String) -> DatasetIssue? {
        let block = projectionBlock
        var xs: [Double] = [], ys: [Double] = []
        xs.reserveCapacity(min(block, range.count))
        ys.reserveCapacity(min(block, range.count))
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(range.upperBound, start + block)
            xs.removeAll(keepingCapacity: true)
            ys.removeAll(keepingCapacity: true)
            for i in start..<end {
                xs.append(records[i].location.x)
                ys.append(records[i].location.y)
            }
            do {
                try transformer.transform(xs: &xs, ys: &ys)
            } catch {
                // Which point: each of the block again, on its own, for PROJ's reason.
                var reasonXs = (start..<end).map { records[$0].location.x }
                var reasonYs = (start..<end).map { records[$0].location.y }
                let reasons = transformer.transformEach(xs: &reasonXs, ys: &reasonYs)
                if let k = reasons.firstIndex(where: { $0 != nil }) {
                    let r = records[start + k]
                    return DatasetIssue(.error, file: file, featureIndex: r.featureIndex, featureID: r.id,
                                        "cannot project (\(JSONValue.format(number: r.location.lon)), \(JSONValue.format(number: r.location.lat))) to \(transformer.target): \(reasons[k]!)")
                }
                return DatasetIssue(.error, file: file, "cannot project points \(start + 1)–\(end) to \(transformer.target) (coordinates counted from the first of them): \(error)")
            }
            for i in start..<end { records[i].projected = Coordinate(x: xs[i - start], y: ys[i - start]) }
            start = end
        }
        return nil
    }

    /// Points outside every district: an error when swapping longitude and latitude would put them
    /// inside one (the classic mistake), otherwise a warning. A big layer is tested in one
    /// contiguous part per core, each with an index of its own (an index is for one thread at a
    /// time); the issues are those of one pass in the layer's order.
    mutating func checkPoints<Record: LocatedRecord>(_ records: [Record], layer: Layer, districts: [District], index: PolygonIndex?, outsideIsWarning: Bool) {
        guard let index, !districts.isEmpty else { return }
        let n = records.count
        let ranges = LoadRun.partRanges(n)
        var scans: [PointScan]
        if ranges.count == 1 {
            scans = [PointScan(records, 0..<n, index)]
        } else {
            let geometries = districts.map(\.geometry)
            scans = records.withUnsafeBufferPointer { buffer in
                let shared = UncheckedRecords(buffer: UnsafeMutableBufferPointer(mutating: buffer))
                return LoadRun.onCores(ranges) { _, range in
                    do {
                        // Made in this thread's GEOS context, used by this thread only.
                        return PointScan(UnsafeBufferPointer(shared.buffer), range, try PolygonIndex(geometries))
                    } catch {
                        return PointScan(range, failure: "\(error)")
                    }
                }
            }
        }
        var outside = 0
        var examples: [String] = []
        for scan in scans {
            let before = outside
            for (i, event) in scan.events {
                let (c, featureIndex, id) = (records[i].location, records[i].featureIndex, records[i].id)
                switch event {
                case let .failed(message):
                    issues.append(DatasetIssue(.error, file: path(layer), featureIndex: featureIndex, featureID: id, "cannot test the point against the districts (GEOS): \(message)"))
                case let .swapped(first):
                    issues.append(DatasetIssue(.error, file: path(layer), featureIndex: featureIndex, featureID: id,
                                               "(\(JSONValue.format(number: c.lon)), \(JSONValue.format(number: c.lat))) is outside every district but falls in \(districts[first].name) when swapped: longitude and latitude look swapped"))
                case .outside:
                    guard outsideIsWarning else { continue }
                    outside += 1
                    // Stations are named one by one (up to 20); other layers are summarised.
                    if layer == .stations && outside <= 20 {
                        issues.append(DatasetIssue(.warning, file: path(layer), featureIndex: featureIndex, featureID: id, "outside every district"))
                    } else if examples.count < 3 {
                        examples.append(id)
                    }
                }
            }
            // The part's outside points it did not keep (past the first PointScan.keptOutside).
            if outsideIsWarning { outside = before + scan.outside }
        }
        if layer == .stations, outside > 20 {
            issues.append(DatasetIssue(.warning, file: path(layer), "\(outside - 20) more station(s) outside every district (for example \(examples.joined(separator: ", ")))"))
        } else if layer != .stations, outside > 0 {
            issues.append(DatasetIssue(.warning, file: path(layer), "\(outside) feature(s) outside every district (for example \(examples.joined(separator: ", ")))"))
        }
    }
}

/// What testing a range of points against the districts found, in the points' order: every
/// point that is in none (swapped or not) or could not be tested, but of the points merely outside
/// only the first `keptOutside` (the report names at most 20 and gives 3 examples) and their count.
struct PointScan: Sendable {
    enum Event: Sendable {
        case outside
        case swapped(Int)
        case failed(String)
    }

    static let keptOutside = 23
    var events: [(position: Int, event: Event)] = []
    var outside = 0

    init<Record: LocatedRecord>(_ records: UnsafeBufferPointer<Record>, _ range: Range<Int>, _ index: PolygonIndex) {
        for i in range {
            let c = records[i].location
            do {
                guard try index.firstCovering(c) == nil else { continue }
                if let first = try index.firstCovering(Coordinate(lon: c.lat, lat: c.lon)) {
                    events.append((i, .swapped(first)))
                } else {
                    if outside < Self.keptOutside { events.append((i, .outside)) }
                    outside += 1
                }
            } catch {
                events.append((i, .failed("\(error)")))
            }
        }
    }

    init<Record: LocatedRecord>(_ records: [Record], _ range: Range<Int>, _ index: PolygonIndex) {
        self = records.withUnsafeBufferPointer { PointScan($0, range, index) }
    }

    /// A range that could not be tested at all (its index could not be made): one failure, at its first point.
    init(_ range: Range<Int>, failure: String) {
        if !range.isEmpty { events = [(range.lowerBound, .failed(failure))] }
    }
}

/// A layer's records, shared by the parts of `LoadRun.project` (which write them) and of
/// `LoadRun.checkPoints` (which read them), each part touching only its own range.
private struct UncheckedRecords<Record>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Record>
}

/// One slot per part of `LoadRun.onCores` for its result, each written by its part only.
private final class PartResults<T: Sendable>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ k: Int, _ value: T) {
        lock.lock()
        slots[k] = value
        lock.unlock()
    }
    var all: [T] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
