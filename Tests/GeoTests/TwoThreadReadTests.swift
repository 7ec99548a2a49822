import Foundation
import Testing
@testable import Geo
import TestSupport

/// A big FeatureCollection has the features from its middle on read by a second thread, from a
/// guessed feature start that is used only when the parser meets a feature exactly there. The layer,
/// its issues and its errors must be those of one thread, whatever the guess hits.
@Suite("GeoJSON features read on two threads: the layer of one thread")
struct TwoThreadReadTests {
    /// Reads `text` on one thread and with the split forced; returns how many features the second
    /// thread handed over.
    @discardableResult
    static func expectSame(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        let bytes = Array(text.utf8)
        let one = Result { try GeoJSONReader.readCounting(bytes: bytes, fastPath: true, twoThreadsFrom: nil) }
        let two = Result { try GeoJSONReader.readCounting(bytes: bytes, fastPath: true, twoThreadsFrom: 0) }
        switch (one, two) {
        case let (.success(a), .success(b)):
            #expect(a.secondThread == 0, "\(name): one thread", sourceLocation: sourceLocation)
            #expect(a.layer.features.count == b.layer.features.count, "\(name): feature count", sourceLocation: sourceLocation)
            for (x, y) in zip(a.layer.features, b.layer.features) where x != y || x.index != y.index {
                Issue.record("\(name): feature \(x.index) differs:\none \(x)\ntwo \(y)", sourceLocation: sourceLocation)
                break
            }
            #expect(a.layer.issues == b.layer.issues, "\(name): issues", sourceLocation: sourceLocation)
            for threads in [nil, 0] { expectSameStreamed(bytes, a.layer, threads, name, sourceLocation: sourceLocation) }
            return b.secondThread
        case let (.failure(x), .failure(y)):
            #expect("\(x)" == "\(y)", "\(name): errors", sourceLocation: sourceLocation)
            let streamed = Result { try GeoJSONReader.read(bytes: bytes, into: KeepingSink(), twoThreadsFrom: 0) }
            if case let .failure(z) = streamed {
                #expect("\(x)" == "\(z)", "\(name): errors handed to a sink", sourceLocation: sourceLocation)
            } else {
                Issue.record("\(name): read when handed to a sink", sourceLocation: sourceLocation)
            }
            return 0
        default:
            Issue.record("\(name): one thread \(one), two \(two)", sourceLocation: sourceLocation)
            return 0
        }
    }

    /// A sink that keeps what it is handed, as the loader's would turn it into records.
    struct KeepingSink: GeoJSONFeatureSink {
        var features: [GeoJSONFeature] = []
        var failed: [Bool] = []
        var count: Int { features.count }
        mutating func take(_ feature: consuming GeoJSONFeature, failed: Bool) {
            features.append(feature)
            self.failed.append(failed)
        }
        mutating func append(_ later: consuming KeepingSink) {
            let base = count
            features.append(contentsOf: later.features.map { var f = $0; f.index += base; return f })
            failed.append(contentsOf: later.failed)
        }
        func emptied() -> KeepingSink { KeepingSink() }
        mutating func reserveCapacity(_ count: Int) { features.reserveCapacity(count) }
    }

    /// The features handed to a sink (on one thread, or split with `threads` 0) are the layer's, in
    /// its order, `failed` exactly where the layer has an error, with the layer's issues.
    static func expectSameStreamed(_ bytes: [UInt8], _ layer: GeoJSONLayer, _ threads: Int?, _ name: String,
                                   sourceLocation: SourceLocation) {
        let label = "\(name), handed to a sink on \(threads == nil ? "one thread" : "two threads")"
        do {
            let (issues, sink) = try GeoJSONReader.read(bytes: bytes, into: KeepingSink(), twoThreadsFrom: threads)
            #expect(sink.features == layer.features && sink.features.map(\.index) == layer.features.map(\.index),
                    "\(label): features", sourceLocation: sourceLocation)
            let broken = Set(layer.issues.filter { $0.severity == .error }.compactMap(\.featureIndex))
            #expect(sink.failed == layer.features.map { broken.contains($0.index) }, "\(label): failed flags", sourceLocation: sourceLocation)
            #expect(issues == layer.issues, "\(label): issues", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(label): \(error), the layer read", sourceLocation: sourceLocation)
        }
    }

    /// A point feature the fast path reads: coordinates of 6 decimals, or of 12 for a precision
    /// warning.
    static func point(_ i: Int, _ rng: inout SplitMix64, precise: Bool = false) -> String {
        let digits = precise ? 12 : 6
        let x = String(format: "%.\(digits)f", Double.random(in: 110...120, using: &rng))
        let y = String(format: "%.\(digits)f", Double.random(in: 30...40, using: &rng))
        return #"{"type":"Feature","geometry":{"type":"Point","coordinates":[\#(x),\#(y)]},"properties":{"id":"p\#(i)","weight":\#(i % 17)}}"#
    }

    /// Features the fast path declines, or that carry errors and warnings.
    static func unusual(_ i: Int, _ rng: inout SplitMix64) -> String {
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: return #"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]},"properties":{"id":"l\#(i)"}}"#
        case 1: return #"{"type":"Feature","geometry":null,"properties":{"id":"q\#(i)","note":"a \"quoted\" word"}}"#
        case 2: return #"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"id":"d\#(i)","id":"again"}}"#
        case 3: return #"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,3]},"properties":{"id":"z\#(i)"}}"#
        case 4: return #"{"type":"Feature","geometry":{"type":"Point","coordinates":["1",2]},"properties":{"id":"bad\#(i)"}}"#
        case 5: return #"{"type":"Feature","id":\#(i),"bbox":[1,2,1,2],"geometry":{"type":"Point","coordinates":[1,2]},"properties":null}"#
        default: return #"[1,2]"#
        }
    }

    static func collection(_ features: [String], separator: String = ",\n") -> String {
        #"{"type":"FeatureCollection","features":[\#n"# + features.joined(separator: separator) + "\n]}\n"
    }

    @Test("random layers: ordinary points and some the fast path declines, in three layouts", arguments: 0..<24)
    func randomLayers(seed: Int) {
        var rng = SplitMix64(seed: UInt64(9_000 + seed))
        let n = Int.random(in: 2...600, using: &rng)
        let unusualShare = seed % 3 == 0 ? 0 : 0.03
        var features: [String] = []
        for i in 0..<n {
            if Double.random(in: 0..<1, using: &rng) < unusualShare {
                features.append(Self.unusual(i, &rng))
            } else {
                features.append(Self.point(i, &rng, precise: Double.random(in: 0..<1, using: &rng) < 0.02))
            }
        }
        let separator = [",", ",\n", "\r\n ,\t"][seed % 3]
        let handed = Self.expectSame(Self.collection(features, separator: separator), "seed \(seed)")
        // Where no feature is unusual, the guess lands on a feature start and the second thread
        // reads every feature from there (all but those before the middle).
        if unusualShare == 0, n >= 4, GeoJSONSplit.hasSecondCore {
            #expect(handed > 0 && handed < n, "seed \(seed): the second thread read \(handed) of \(n)")
        }
    }

    @Test("a guess inside a string, inside a property's array of objects, or in another root member is dropped")
    func wrongGuesses() {
        var rng = SplitMix64(seed: 7)
        let before = (0..<40).map { Self.point($0, &rng) }
        let after = (40..<45).map { Self.point($0, &rng) }
        // A long string holding "},{" across the middle.
        let text = String(repeating: "x},{y", count: 2_000)
        let inString = #"{"type":"Feature","geometry":null,"properties":{"id":"s","note":"\#(text)"}}"#
        #expect(Self.expectSame(Self.collection(before + [inString] + after), "in a string") == 0)
        // A property holding an array of objects across the middle.
        let objects = (0..<2_000).map { #"{"k":\#($0)}"# }.joined(separator: ",")
        let inArray = #"{"type":"Feature","geometry":null,"properties":{"id":"a","list":[\#(objects)]}}"#
        #expect(Self.expectSame(Self.collection(before + [inArray] + after), "in an array") == 0)
        // Objects in another member of the root, after the features.
        let other = #"{"type":"FeatureCollection","features":["# + before.joined(separator: ",") + #"],"extra":[\#(objects)]}"#
        #expect(Self.expectSame(other, "another member") == 0)
        // Before the features.
        let first = #"{"extra":[\#(objects)],"type":"FeatureCollection","features":["# + before.joined(separator: ",") + "]}"
        #expect(Self.expectSame(first, "before the features") == 0)
        // Not a FeatureCollection: a GeometryCollection of many points.
        let points = (0..<3_000).map { #"{"type":"Point","coordinates":[\#($0 % 90),1]}"# }.joined(separator: ",")
        #expect(Self.expectSame(#"{"type":"GeometryCollection","geometries":[\#(points)]}"#, "geometries") == 0)
        // A single feature, and a legacy crs naming a projected CRS (which moves every point once
        // the document is read): read as a layer, then handed over. One naming WGS84 (as ogr2ogr
        // writes) is handed over as read, with the layer's warning.
        #expect(Self.expectSame(before[0], "a single feature") == 0)
        let legacy = #"{"type":"FeatureCollection","features":["# + before.joined(separator: ",") +
            #"],"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}}}"#
        Self.expectSame(legacy, "legacy crs after the features")
        let wgs84 = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"features":["# +
            before.joined(separator: ",") + "]}"
        Self.expectSame(wgs84, "legacy crs naming WGS84")
    }

    @Test("errors after the middle, before it, and a features array given twice read as on one thread")
    func errorsAndRepeats() {
        var rng = SplitMix64(seed: 11)
        let features = (0..<200).map { Self.point($0, &rng) }
        let whole = Self.collection(features)
        // Syntax errors in the second half: a missing comma, a cut-off document, a stray byte.
        let missing = #"{"type":"FeatureCollection","features":["# + features[..<160].joined(separator: ",") +
            features[160...].joined(separator: ",") + "]}"
        Self.expectSame(missing, "a missing comma")
        Self.expectSame(String(whole.prefix(whole.utf8.count * 3 / 4)), "cut off")
        var stray = features
        stray[170] = stray[170] + " x"
        Self.expectSame(Self.collection(stray), "stray byte")
        // A syntax error in the first half: the second thread is stopped, nothing hangs.
        var early = features
        early[3] = "{\"type\":"
        Self.expectSame(Self.collection(early), "error before the middle")
        // The thread stops at the first feature it declines; the parser reads that one and the rest.
        var declined = features
        for i in 101..<104 { declined[i] = Self.unusual(i, &rng) }
        declined[120] = #"{"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[1,2]]},"properties":{"id":"m"}}"#
        Self.expectSame(Self.collection(declined), "declined after the middle")
        // "features" twice: the last array counts, whichever one holds the middle.
        let twice = #"{"type":"FeatureCollection","features":["# + features[..<20].joined(separator: ",") + #"],"features":["# +
            features[20...].joined(separator: ",") + "]}"
        let twiceHanded = Self.expectSame(twice, "features twice, the middle in the second")
        #expect(twiceHanded > 0 || !GeoJSONSplit.hasSecondCore)
        let twiceEarly = #"{"type":"FeatureCollection","features":["# + features[..<180].joined(separator: ",") + #"],"features":["# +
            features[180...].joined(separator: ",") + "]}"
        Self.expectSame(twiceEarly, "features twice, the middle in the first")
        // Whitespace only after the middle: the document ends cleanly.
        let trailingHanded = Self.expectSame(whole + String(repeating: " ", count: 10), "trailing spaces")
        #expect(trailingHanded > 0 || !GeoJSONSplit.hasSecondCore)
    }
}
