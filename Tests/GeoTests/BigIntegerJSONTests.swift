import Foundation
import Testing
import Geo

/// An integer beyond ±2^53 (a 19-digit id) keeps its exact text through reading and writing; a
/// Double would turn 1234567890123456789 into 1.2345678901234568e+18 and make neighbours equal.
@Suite("JSON: integers beyond 2^53 keep their text")
struct BigIntegerJSONTests {
    @Test("big integers are kept as written, smaller ones and non-integers are numbers", arguments: [
        ("1234567890123456789", JSONValue.bigInteger("1234567890123456789")),
        ("-1234567890123456789", .bigInteger("-1234567890123456789")),
        ("123456789012345678901234567890", .bigInteger("123456789012345678901234567890")),
        ("9007199254740993", .bigInteger("9007199254740993")),
        ("9007199254740992", .bigInteger("9007199254740992")),
        ("9007199254740991", .number(9_007_199_254_740_991)),
    ])
    func kept(text: String, expected: JSONValue) throws {
        let value = try JSONParser.parse(text)
        #expect(value == expected)
        #expect(value.serialized() == text)
        #expect(value.typeName == "number")
        #expect(value.numberValue == Double(text))
    }

    @Test("an exponent or a fraction makes a number, written in its shortest form", arguments: [
        ("1e19", 1e19, "1e+19"), ("12345678901234567890.5", 12345678901234567890.5, "1.2345678901234567e+19"),
    ])
    func notKept(text: String, expected: Double, written: String) throws {
        let value = try JSONParser.parse(text)
        #expect(value == .number(expected))
        #expect(value.serialized() == written)
    }

    @Test("two 19-digit ids that one Double cannot tell apart stay distinct, in properties and as Feature ids")
    func distinctIDs() throws {
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","id":1234567890123456789,"properties":{"id":1234567890123456788},"geometry":null},{"type":"Feature","id":1234567890123456788,"properties":null,"geometry":null}]}"#
        let layer = try GeoJSONReader.read(text: text)
        #expect(layer.features.map(\.displayID) == ["1234567890123456788", "1234567890123456788"])
        #expect(layer.features.map { $0.id?.description } == ["1234567890123456789", "1234567890123456788"])
        let written = GeoJSONWriter.feature(id: layer.features[0].id, properties: layer.features[0].properties, geometry: nil)
        #expect(written == #"{"type":"Feature","id":1234567890123456789,"properties":{"id":1234567890123456788},"geometry":null}"#)
    }

    @Test("a coordinate written as a huge integer is a number (out of range later), not a type error")
    func hugeCoordinate() throws {
        let layer = try GeoJSONReader.read(text: #"{"type":"Point","coordinates":[123456789012345678901,36]}"#)
        #expect(layer.features.first?.geometry == .point(Coordinate(lon: Double("123456789012345678901")!, lat: 36)))
    }
}
