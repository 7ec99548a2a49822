import Testing
@testable import Geo

@Suite("JSON parsing and GeoJSON geometry objects")
struct GeoJSONGeometryTests {
    @Test("JSON keeps key order and round-trips byte for byte")
    func stableJSON() throws {
        let text = #"{"b":1,"a":[true,false,null,"x\"y\n",1.5,-2e-7,12345678901],"c":{"z":{},"y":[]}}"#
        let value = try JSONParser.parse(text)
        #expect(value.serialized() == #"{"b":1,"a":[true,false,null,"x\"y\n",1.5,-2e-07,12345678901],"c":{"z":{},"y":[]}}"#)
        #expect(try JSONParser.parse(value.serialized()) == value)
    }

    /// Strings with nothing to escape are written whole; the others character by character, also
    /// where an escaped character and a combining mark after it make one Character.
    @Test("JSON strings: escapes where needed, text as it is", arguments: [
        ("D00000001", #""D00000001""#),
        ("城隍庙广场 rider station", #""城隍庙广场 rider station""#),
        ("e\u{301}", "\"e\u{301}\""),
        ("a\"b\\c", #""a\"b\\c""#),
        ("\"\u{301}x", "\"\\\"\u{301}x\""),
        ("line\r\nnext\ttab", #""line\r\nnext\ttab""#),
        ("bell\u{7}nul\u{0}", #""bell\u0007nul\u0000""#),
        ("", #""""#),
    ])
    func strings(text: String, written: String) throws {
        let value = JSONValue.string(text)
        #expect(value.serialized() == written)
        #expect(try JSONParser.parse(value.serialized()) == value)
    }

    @Test("JSON errors say where and what", arguments: [
        ("{\"a\":1,}", "line 1"),
        ("[1,2", "end of input"),
        ("{\"a\": NaN}", "NaN"),
        ("[Infinity]", "NaN and Infinity"),
        ("[-Infinity]", "NaN and Infinity"),
        ("[01]", "leading zeros"),
        ("", "empty document"),
        ("[1]\n[2]", "after the JSON value"),
        ("\"\u{01}\"", "control character"),
    ])
    func jsonErrors(text: String, fragment: String) {
        #expect {
            _ = try JSONParser.parse(text)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect {
            _ = try JSONParser.parse(deep)
        } throws: { error in
            "\(error)".contains("nested deeper")
        }
    }

    @Test("text that is not UTF-8 (GBK) is refused with a hint")
    func gbk() {
        // "长治" in GBK: B3 A4 D6 CE.
        let bytes: [UInt8] = Array("{\"name\":\"".utf8) + [0xB3, 0xA4, 0xD6, 0xCE] + Array("\"}".utf8)
        #expect {
            _ = try JSONParser.parse(bytes)
        } throws: { error in
            "\(error)".contains("UTF-8")
        }
    }

    @Test("duplicate keys are recorded with their line")
    func duplicateKeys() throws {
        var parser = JSONParser(bytes: Array("{\"a\":1,\n\"a\":2}".utf8))
        let value = try parser.parseDocument()
        #expect(value["a"] == .number(2))
        #expect(parser.duplicateKeys == [JSONParser.DuplicateKey(key: "a", line: 2)])
    }

    @Test("coordinates print with at most 7 decimals and no exponent")
    func coordinateFormat() {
        #expect(JSONValue.format(coordinate: 113.10740000000001) == "113.1074")
        #expect(JSONValue.format(coordinate: 36.123456789) == "36.1234568")
        #expect(JSONValue.format(coordinate: -0.00000004) == "0")
        #expect(JSONValue.format(coordinate: -0.0000001) == "-0.0000001")
        #expect(JSONValue.format(coordinate: 5) == "5")
    }

    @Test("polygons are written right-handed whatever the input winding")
    func rightHandRule() throws {
        let clockwise = try JSONParser.parse(#"{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}"#)
        var notes = GeoJSONGeometryNotes()
        let g = try Geometry(geoJSON: clockwise, notes: &notes)
        #expect(notes.leftHandedRing)
        #expect(g.geoJSON() == #"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}"#)
        #expect(try Geometry(geoJSON: try JSONParser.parse(g.geoJSON())) == Geometry.polygon(RingOrientation.rightHanded(g.polygons[0])))
    }

    @Test("Z is dropped and noted; nested collections are noted")
    func notes() throws {
        var notes = GeoJSONGeometryNotes()
        let g = try Geometry(geoJSON: try JSONParser.parse(#"{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2,3]}]}]}"#), notes: &notes)
        #expect(notes.droppedZ && notes.nestedCollection)
        #expect(g == .geometryCollection([.geometryCollection([.point(Coordinate(x: 1, y: 2))])]))
    }

    @Test("bad geometry objects name the place and the problem", arguments: [
        (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#, "unclosed ring"),
        (#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#, "at least 4 positions"),
        (#"{"type":"Point","coordinates":["1","2"]}"#, "geometry.coordinates[0]"),
        (#"{"type":"Point","coordinates":[1]}"#, "at least 2 numbers"),
        (#"{"type":"LineString","coordinates":[[1,2]]}"#, "at least 2 positions"),
        (#"{"type":"Circle","coordinates":[1,2]}"#, "unknown geometry type"),
        (#"{"coordinates":[1,2]}"#, "no \"type\""),
        (#"{"type":"Point"}"#, "needs \"coordinates\""),
    ])
    func badGeometry(text: String, fragment: String) throws {
        let value = try JSONParser.parse(text)
        #expect {
            _ = try Geometry(geoJSON: value)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }
}
