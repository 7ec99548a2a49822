import Foundation
import Testing
import Geo

/// `JSONValue.write(realKeys:pieceSize:to:)` hands a long document over in pieces: joined, they
/// must be the text `serialized(realKeys:)` gives, whatever the piece size.
@Suite("JSON: a document written in pieces")
struct JSONPiecesTests {
    struct Refused: Error {}

    /// Nested arrays and objects, reals at any depth, escapes, big integers and Chinese text.
    func document(_ rows: Int) -> JSONValue {
        .object(JSONObject([
            ("radius_m", .number(1500)), ("at", .null), ("ok", .bool(true)),
            ("rows", .array((0..<rows).map { i in
                .object(JSONObject([
                    ("id", .string("县\(i)\t\"q\"")), ("demand", .number(Double(i) * 1.25)), ("area_km2", .number(Double(i))),
                    ("big", .bigInteger("12345678901234567\(i % 10)")),
                    ("pair", .array([.number(Double(i)), .number(0.5)])), ("nested", .array([.object(JSONObject([("area_km2", .number(2))]))])),
                ]))
            })),
        ]))
    }

    @Test("joined pieces equal the whole text, with and without real keys, at every piece size", arguments: [1, 7, 64, 4096, 1 << 20])
    func joined(pieceSize: Int) throws {
        let doc = document(300)
        for keys: Set<String> in [["area_km2", "pair"], ["radius_m"]] {
            var pieces: [String] = []
            try doc.write(realKeys: keys, pieceSize: pieceSize) { pieces.append($0) }
            #expect(pieces.joined() == doc.serialized(realKeys: keys))
            #expect(pieces.allSatisfy { !$0.isEmpty })
            // Pieces are cut only after an element or member: no piece passes the size by more than one row.
            if pieceSize >= 4096 { #expect(pieces.dropLast().allSatisfy { $0.utf8.count < pieceSize + 400 }) }
            if pieceSize == 1 << 20 { #expect(pieces.count == 1) }
        }
        #expect(doc.serialized(realKeys: ["area_km2"]).contains("\"area_km2\":2.0"))
    }

    @Test("an error from the receiver stops the writing and is thrown, once")
    func failure() throws {
        var calls = 0
        #expect(throws: Refused.self) {
            try document(500).write(realKeys: ["demand"], pieceSize: 100) { _ in
                calls += 1
                if calls == 3 { throw Refused() }
            }
        }
        #expect(calls == 3)
    }
}
