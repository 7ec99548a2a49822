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

/// The writer builds its text as bytes: numbers must read as `format(number:)` and
/// `format(real:)` give them, and strings must read back as themselves.
@Suite("JSON: the writer's numbers and strings")
struct JSONWriterTextTests {
    @Test("numbers as format(number:) and, for real keys, format(real:) give them, alone and in arrays")
    func numbers() {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 1, -1, 9, 10, -10, 60, 0.5, -0.25, 1e-7, 1e15, 1e15 - 1, -1e15, 1e16, 9_007_199_254_740_991,
                                9_007_199_254_740_992, -9_007_199_254_740_994, 1e300, -1e-300, .nan, .infinity, -.infinity,
                                Double(Int64.max), Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude]
        for _ in 0..<2_000 {
            values.append(Double(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng)))
            values.append(Double.random(in: -1e6...1e6, using: &rng))
            values.append((Double.random(in: 100...120, using: &rng) * 1e7).rounded() / 1e7)
            values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng)))
        }
        for n in values {
            #expect(JSONValue.number(n).serialized() == JSONValue.format(number: n), "\(n)")
            let object = JSONValue.object(JSONObject([("x", .number(n)), ("y", .array([.number(n), .number(2)]))]))
            #expect(object.serialized(realKeys: ["x", "y"])
                    == "{\"x\":\(JSONValue.format(real: n)),\"y\":[\(JSONValue.format(real: n)),2.0]}", "\(n)")
            #expect(object.serialized() == "{\"x\":\(JSONValue.format(number: n)),\"y\":[\(JSONValue.format(number: n)),2]}", "\(n)")
        }
    }

    @Test("rounded(coordinate:) is the number format(coordinate:) writes, read back, to the bit")
    func roundedCoordinates() {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 1e-9, -1e-9, 5e-8, -5e-8, 0.00000005, 113.1234567, -113.12345675, 1e9, 9e8, 8.99999e8,
                                1e300, -1e300, Double.leastNonzeroMagnitude, 36.000000049999]
        for _ in 0..<5_000 {
            values.append(Double.random(in: -180...180, using: &rng))
            values.append(Double.random(in: -1e-6...1e-6, using: &rng))
            values.append((Double.random(in: -180...180, using: &rng) * 1e8).rounded() / 1e8)
            values.append(Double.random(in: -2e9...2e9, using: &rng))
            let any = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng))
            if any.isFinite { values.append(any) }
        }
        for v in values {
            for decimals in [7, 3, 0] {
                let read = Double(JSONValue.format(coordinate: v, decimals: decimals))!
                #expect(JSONValue.rounded(coordinate: v, decimals: decimals).bitPattern == read.bitPattern, "\(v) at \(decimals)")
            }
        }
    }

    @Test("strings with quotes, backslashes, control characters and any Unicode read back as themselves")
    func strings() throws {
        #expect(JSONValue.string("a\"b\\c\n\r\t\u{01}\u{1F}").serialized() == #""a\"b\\c\n\r\t\u0001\u001f""#)
        #expect(JSONValue.string("县 🚲 \u{7F}/").serialized() == "\"县 🚲 \u{7F}/\"")
        var rng = SystemRandomNumberGenerator()
        let pieces = ["\"", "\\", "\n", "\t", "\u{0}", "\u{8}", "\u{1B}", "a", "Z", "县", "🚲", "é", " ", "/", "\u{7F}", "\u{2028}"]
        for _ in 0..<500 {
            let s = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let text = JSONValue.array([.string(s), .object(JSONObject([(s, .string(s))]))]).serialized()
            let back = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any]
            #expect(back?.first as? String == s)
            #expect((back?.last as? [String: String])?[s] == s)
        }
    }
}
