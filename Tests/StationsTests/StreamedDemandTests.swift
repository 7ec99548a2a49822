import Foundation
import Geo
import Testing
import Stations
import TestSupport

/// A demand layer read from its GeoJSON file is turned into demand points feature by feature while
/// it is read (on two threads when it is big); given in memory it is read as a layer and then
/// parsed. Both must give the same points and the same issues, in the same order.
@Suite("Demand points made while the file is read: those of the layer read whole")
struct StreamedDemandTests {
    /// A demand feature: ordinary, or with what the loader objects to (read by the reader's fast
    /// path), or (`declined`) one the fast path hands to the strict parser, which ends what a
    /// second thread reads.
    static func feature(_ i: Int, _ rng: inout SplitMix64, hostile: Bool, declined: Bool = false) -> String {
        let x = String(format: "%.6f", Double.random(in: 113.01...113.19, using: &rng))
        let y = String(format: "%.6f", Double.random(in: 36.01...36.19, using: &rng))
        let point = #"{"type":"Point","coordinates":[\#(x),\#(y)]}"#
        guard hostile else { return #"{"type":"Feature","geometry":\#(point),"properties":{"id":"d\#(String(format: "%07d", i))","weight":\#(i % 13)}}"# }
        switch declined ? [2, 8, 9, 10].randomElement(using: &rng)! : [0, 1, 3, 4, 5, 6, 7, 11].randomElement(using: &rng)! {
        case 0: return #"{"type":"Feature","geometry":\#(point),"properties":{"id":"d0000003","weight":1}}"#  // a repeat
        case 1: return #"{"type":"Feature","geometry":\#(point),"properties":{"id":"a\#(i)","weight":2}}"#  // out of order
        case 2: return #"{"type":"Feature","geometry":\#(point),"properties":{"id":"t\#(i)\u0009x","weight":1}}"#  // a tab in the id (an escape)
        case 3: return #"{"type":"Feature","geometry":\#(point),"properties":{"id":"w\#(i)","weight":-4}}"#
        case 4: return #"{"type":"Feature","geometry":\#(point),"properties":{"id":"s\#(i)","weight":"many"}}"#
        case 5: return #"{"type":"Feature","geometry":{"type":"Point","coordinates":[\#(y),\#(x)]},"properties":{"id":"v\#(i)","weight":1}}"#
        case 6: return #"{"type":"Feature","geometry":null,"properties":{"id":"n\#(i)","weight":1}}"#
        case 7: return #"{"type":"Feature","id":\#(i),"geometry":\#(point),"properties":{"weight":3}}"#  // the feature's own id
        case 8: return #"{"type":"Feature","geometry":\#(point),"properties":{"id":"d0000001","id":"k\#(i)","weight":1}}"#  // key twice
        case 9: return #"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,"2"]},"properties":{"id":"c\#(i)","weight":1}}"#
        case 10: return "[\(i)]"  // not a feature
        default: return #"{"type":"Feature","geometry":{"type":"Point","coordinates":[\#(x)0000001,\#(y)]},"properties":{"weight":1}}"#
        }
    }

    /// Writes a dataset whose demand layer holds `features`; returns its folder.
    static func dataset(_ features: [String]) throws -> URL {
        var b = DatasetBuilder()
        b.districts = [("A", DatasetBuilder.box(113.0, 36.0, 113.2, 36.2))]
        let folder = try b.write()
        let text = #"{"type":"FeatureCollection","features":["# + "\n" + features.joined(separator: ",\n") + "\n]}\n"
        try text.write(to: folder.appendingPathComponent("demand.geojson"), atomically: true, encoding: .utf8)
        return folder
    }

    /// The same folder, its demand layer given in memory (read whole, then parsed).
    static func inMemory(_ folder: URL) throws -> DatasetSource {
        var source = DatasetSource(folder: folder.path)
        let file = folder.appendingPathComponent("demand.geojson").path
        let layer = try GeoJSONReader.read(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        source.inMemory[.demand] = (file: file, layer: layer)
        return source
    }

    @Test("hostile features, small and over the two-thread size: the same issues in the same order", arguments: [(200, 0.3), (40_000, 0.02)])
    func issues(count: Int, hostileShare: Double) throws {
        var rng = SplitMix64(seed: UInt64(count))
        // Features the fast path declines in the first third and near the end: the second thread
        // reads (and turns into points) most of the second half, the first thread the rest.
        let features = (0..<count).map { i in
            let declined = (i < count / 3 || i >= count - 10) && Double.random(in: 0..<1, using: &rng) < hostileShare / 2
            return Self.feature(i, &rng, hostile: declined || Double.random(in: 0..<1, using: &rng) < hostileShare, declined: declined)
        }
        let folder = try Self.dataset(features)
        defer { try? FileManager.default.removeItem(at: folder) }
        let streamed = DatasetLoader.validate(DatasetSource(folder: folder.path)).issues
        let whole = DatasetLoader.validate(try Self.inMemory(folder)).issues
        #expect(streamed.count == whole.count)
        #expect(streamed.map(\.description) == whole.map(\.description))
        // The cases above all occur: duplicates, control characters, bad weights, reader errors.
        let text = streamed.map(\.description).joined(separator: "\n")
        for expected in ["duplicate id", "control character", "weight", "swapped", "must be a JSON object"] {
            #expect(text.contains(expected), "no issue mentions \(expected)")
        }
    }

    @Test("a valid layer over the two-thread size: the same demand points",
          .enabled(if: !underThreadSanitizer, "in the normal run; under TSan the hostile 40,000-feature layer runs the two threads"))
    func points() throws {
        var rng = SplitMix64(seed: 5)
        var features = (0..<45_000).map { Self.feature($0, &rng, hostile: false) }
        // Ids out of order halfway (the duplicate check then keeps a table), none repeated.
        features.swapAt(10, 30_000)
        let folder = try Self.dataset(features)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("demand.geojson").path)[.size] as? Int ?? 0
            >= GeoJSONReader.twoThreadBytes)
        let streamed = try DatasetLoader.load(DatasetSource(folder: folder.path))
        let whole = try DatasetLoader.load(try Self.inMemory(folder))
        #expect(streamed.demand.count == 45_000)
        #expect(streamed.demand == whole.demand)
        #expect(streamed.demand.map(\.featureIndex) == Array(0..<45_000))
    }
}
