import Foundation
import Testing
@testable import Geo
import TestSupport

/// Inputs found by fuzzing (Fuzz/, scripts/fuzz.sh), kept as regression tests, and the behaviour of
/// the memory-lean readers (features converted while parsing, compact JSON objects).
@Suite("Reader hardening: fuzz findings and lean GeoJSON reading")
struct ReaderHardeningTests {
    @Test("fuzz: a huge coordinate is refused by the WKT writer instead of overflowing GEOS's buffer", arguments: [
        "POINT (1e308 -1e308)", "POINT (1e136 0)", "LINESTRING (0 0, 0 -1e200)",
    ])
    func hugeCoordinateWKT(wkt: String) throws {
        let g = try Geometry(wkt: wkt)
        #expect {
            _ = try g.wkt()
        } throws: { error in
            "\(error)".contains("beyond ±1e15")
        }
        #expect(throws: GeoError.self) { _ = try g.wkt(precision: 7) }
        // Within the limit nothing changes.
        #expect(try Geometry.point(Coordinate(x: 1e15, y: -1e15)).wkt() == "POINT (1000000000000000 -1000000000000000)")
    }

    @Test("a JSON object with many keys keeps order, finds every key and looks keys up through its index (linear reading)")
    func manyKeys() throws {
        let n = 50_000
        let text = "{" + (0..<n).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k7\":-1}"
        var parser = JSONParser(bytes: Array(text.utf8))
        let value = try parser.parseDocument()
        guard case var .object(o) = value else { Issue.record("not an object"); return }
        // Each key's lookup while reading is a hash lookup, not a search of the members before it
        // (which made such an object quadratic to read); no clock, so a loaded machine cannot fail it.
        #expect(o.isIndexed)
        #expect(!JSONObject([("a", .number(1))]).isIndexed)
        #expect(o.count == n)
        #expect(o.keys.first == "k0" && o.keys.last == "k\(n - 1)")
        #expect(o["k7"] == .number(-1))
        #expect(o["k49999"] == .number(49999))
        #expect(parser.duplicateKeys.map(\.key) == ["k7"])
        o["k3"] = nil
        #expect(o.count == n - 1 && o["k3"] == nil && o["k4"] == .number(4))
        #expect(o.keys[3] == "k4")
    }

    @Test("JSON objects are equal with the same keys in the same order; removing and re-adding moves a key last")
    func objectEquality() throws {
        var a = JSONObject([("x", .number(1)), ("y", .string("a"))])
        let b = JSONObject([("x", .number(1)), ("y", .string("a"))])
        let c = JSONObject([("y", .string("a")), ("x", .number(1))])
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != c)
        a["x"] = nil
        a["x"] = .number(1)
        #expect(a == c)
        #expect(a.pairs.map(\.key) == ["y", "x"])
    }

    static func fc(_ features: [String], before: String = "", after: String = "") -> String {
        "{\(before)\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]\(after)}"
    }

    static let good = #"{"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[113.1,36.2]}}"#
    static let bad = #"{"type":"Feature","properties":{"id":"b"},"geometry":{"type":"Point","coordinates":["x",1]}}"#

    @Test("features are read the same wherever \"type\" stands, and a duplicate \"features\" key keeps the last")
    func streamedFeatures() throws {
        let typeLast = #"{"features":[\#(ReaderHardeningTests.good),\#(ReaderHardeningTests.bad)],"type":"FeatureCollection"}"#
        let typeFirst = ReaderHardeningTests.fc([ReaderHardeningTests.good, ReaderHardeningTests.bad])
        let a = try GeoJSONReader.read(text: typeLast)
        let b = try GeoJSONReader.read(text: typeFirst)
        #expect(a.features == b.features)
        #expect(a.issues == b.issues)
        #expect(a.features.count == 2 && a.features[0].geometry == .point(Coordinate(x: 113.1, y: 36.2)))
        #expect(a.issues.map(\.description) == ["feature 1 (id b): geometry.coordinates[0]: a coordinate must be a number, not string \"x\""])

        let twice = #"{"type":"FeatureCollection","features":[\#(ReaderHardeningTests.bad)],"features":[\#(ReaderHardeningTests.good)]}"#
        let t = try GeoJSONReader.read(text: twice)
        #expect(t.features.map(\.displayID) == ["a"])
        #expect(t.issues.map(\.description) == ["duplicate JSON key \"features\" on line 1: the last value is used"])

        let thenEmpty = #"{"type":"FeatureCollection","features":[\#(ReaderHardeningTests.bad)],"features":[]}"#
        #expect(try GeoJSONReader.read(text: thenEmpty).features.isEmpty)

        let thenNotArray = #"{"type":"FeatureCollection","features":[\#(ReaderHardeningTests.good)],"features":{}}"#
        #expect {
            _ = try GeoJSONReader.read(text: thenNotArray)
        } throws: { error in
            "\(error)" == "\"features\" must be an array, not object"
        }
    }

    @Test("a Feature or a geometry with a stray \"features\" member ignores it, as before")
    func strayFeaturesMember() throws {
        let feature = #"{"type":"Feature","features":[\#(ReaderHardeningTests.bad)],"properties":{"id":"f"},"geometry":null}"#
        let layer = try GeoJSONReader.read(text: feature)
        #expect(layer.features.count == 1 && layer.features[0].displayID == "f")
        #expect(layer.issues.isEmpty)
        let point = #"{"features":[1,2],"type":"Point","coordinates":[1,2]}"#
        let p = try GeoJSONReader.read(text: point)
        #expect(p.features.map(\.geometry) == [.point(Coordinate(x: 1, y: 2))])
    }

    @Test("a syntax error after the features is still the document's error, with its position")
    func errorAfterFeatures() throws {
        let text = ReaderHardeningTests.fc([ReaderHardeningTests.good], after: ",\"bbox\":[1,2,3,]")
        #expect {
            _ = try GeoJSONReader.read(text: text)
        } throws: { error in
            "\(error)".hasPrefix("not valid JSON: line 1, column ") && "\(error)".contains("a value was expected")
        }
    }

    @Test("the fast reader's eight-digit helpers: every count of leading digits, every byte that stops them")
    func eightDigits() {
        // A whole-file comparison cannot see every slip here (a number of more than 15 digits goes
        // to the exact slow path whatever its mantissa), so the helpers are checked alone.
        var rng = SplitMix64(seed: 0xD161)
        for count in 0...8 {
            for stop in 0...255 where !(0x30...0x39).contains(stop) {
                for _ in 0..<4 {
                    var bytes = (0..<8).map { _ in UInt8(0x30 + rng.next() % 10) }
                    if count < 8 {
                        bytes[count] = UInt8(stop)
                        for i in (count + 1)..<8 { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
                    }
                    let w = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
                    #expect(GeoJSONFastFeature.leadingDigits(w) == count, "\(bytes)")
                    if count > 0 {
                        let expected = UInt64(String(decoding: bytes[0..<count], as: UTF8.self))
                        #expect(GeoJSONFastFeature.digitsValue(w, count: count) == expected, "\(bytes)")
                    }
                }
            }
        }
    }
}
