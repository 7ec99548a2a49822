import Foundation
import Testing
import Geo
import TestSupport

/// `GeoJSONReader.read(bytes:)` reads the features of a FeatureCollection with a fast path that
/// declines to the strict parser on anything unusual. Both must give the same layer: the same
/// features (ids, properties in order, geometry) and the same issues, or the same error.
@Suite("GeoJSON fast path gives what the strict parser gives")
struct FastPathEquivalenceTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Reads `bytes` both ways and records any difference.
    static func expectSame(_ bytes: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let strict = Result { try GeoJSONReader.read(bytes: bytes, fastPath: false) }
        // The fast path on one thread, and with the features from the middle on read by a second
        // thread (whenever a feature seems to start there), whatever the size.
        expectSame(Result { try GeoJSONReader.read(bytes: bytes, fastPath: true, twoThreadsFrom: nil) }, strict, name, sourceLocation: sourceLocation)
        expectSame(Result { try GeoJSONReader.read(bytes: bytes, fastPath: true, twoThreadsFrom: 0) }, strict, name + " (two threads)",
                   sourceLocation: sourceLocation)
    }

    static func expectSame(_ fast: Result<GeoJSONLayer, any Error>, _ strict: Result<GeoJSONLayer, any Error>, _ name: String,
                           sourceLocation: SourceLocation) {
        switch (fast, strict) {
        case let (.success(f), .success(s)):
            #expect(f.features.count == s.features.count, "\(name): feature count", sourceLocation: sourceLocation)
            for (a, b) in zip(f.features, s.features) where a != b {
                Issue.record("\(name): feature \(b.index) differs:\nfast   \(a)\nstrict \(b)", sourceLocation: sourceLocation)
                break
            }
            // Properties compare in order, and numbers by their bits (-0 against 0 included).
            for (a, b) in zip(f.features, s.features) where a.properties.pairs.map(\.key) != b.properties.pairs.map(\.key) {
                Issue.record("\(name): feature \(b.index) key order differs", sourceLocation: sourceLocation)
                break
            }
            for (a, b) in zip(f.features, s.features) where bits(a) != bits(b) {
                Issue.record("\(name): feature \(b.index) numbers differ in sign or bits", sourceLocation: sourceLocation)
                break
            }
            #expect(f.issues == s.issues, "\(name): issues", sourceLocation: sourceLocation)
        case let (.failure(f), .failure(s)):
            #expect("\(f)" == "\(s)", "\(name): errors", sourceLocation: sourceLocation)
        default:
            Issue.record("\(name): fast \(fast), strict \(strict)", sourceLocation: sourceLocation)
        }
    }

    /// Every number of a feature as its bit pattern, in order (== on Double takes -0 for 0).
    static func bits(_ feature: GeoJSONFeature) -> [UInt64] {
        var out: [UInt64] = []
        func walk(_ v: JSONValue) {
            switch v {
            case let .number(n): out.append(n.bitPattern)
            case let .array(items): items.forEach(walk)
            case let .object(o): o.pairs.forEach { walk($0.value) }
            default: break
            }
        }
        walk(.object(feature.properties))
        if case let .number(n)? = feature.id { out.append(n.bitPattern) }
        for c in feature.geometry?.allCoordinates ?? [] { out += [c.x.bitPattern, c.y.bitPattern] }
        return out
    }

    static func geoJSONFiles(in folder: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".geojson") || $0.hasSuffix(".json") }
            .sorted()
            .map { folder.appendingPathComponent($0) }
    }

    @Test("the corpus, the fixtures, the bundled dataset and the test data")
    func files() throws {
        let folders = [
            CorpusTests.folder,
            FastPathEquivalenceTests.repository.appendingPathComponent("Tests/Fixtures/tiny"),
            FastPathEquivalenceTests.repository.appendingPathComponent("geodata/changzhi"),
            CorpusTests.folder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("testdata"),
        ]
        var count = 0
        for folder in folders {
            for file in FastPathEquivalenceTests.geoJSONFiles(in: folder) {
                FastPathEquivalenceTests.expectSame(try [UInt8](Data(contentsOf: file)), file.lastPathComponent)
                count += 1
            }
        }
        #expect(count >= 13)
    }

    // MARK: - Random layers

    struct Generator {
        var rng: SplitMix64

        mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 1_000_000) / 1_000_000 < p }
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

        mutating func space() -> String { chance(0.2) ? pick([" ", "\n", "\t", "\r\n", "  "]) : "" }

        mutating func number() -> String {
            pick([
                "0", "-0", "1", "-17", "9", "123456", "0.5", "-0.25", "113.123456", "36.1234567", "113.12345678",
                "1e5", "1E-7", "2.5e+3", "-0.0", "0.000001", "1234567890123456", "9007199254740993",
                "12345678901234567890", "-9223372036854775809", "1.7976931348623157e308", "4.9e-324",
                "0.1234567890123456789", "113.1000000", "1e400", "01", "1.", ".5", "-", "1e", "+1",
                "112.9999999999999999", "36.20000000000000001", "3.0000000000000004",
            ])
        }

        mutating func string() -> String {
            pick([
                "\"D0000001\"", "\"\"", "\"  \"", "\"城隍庙广场\"", "\"a\\\"b\"", "\"tab\\t\"", "\"\\u00e9\"",
                "\"\\ud83d\\ude00\"", "\"e\u{301}\"", "\"\u{e9}\"", "\"K\"", "\"\u{212A}\"", "\"line\nbreak\"",
                "\"bad \\x\"", "\"unterminated",
            ])
        }

        mutating func value(depth: Int) -> String {
            switch int(depth > 3 ? 5 : 8) {
            case 0: return number()
            case 1, 2: return string()
            case 3: return pick(["true", "false", "null", "nul", "True"])
            case 4: return number()
            case 5: return "[" + (0..<int(4)).map { _ in value(depth: depth + 1) }.joined(separator: ",") + "]"
            case 6: return object(depth: depth + 1)
            default: return "{}"
            }
        }

        mutating func key() -> String {
            pick(["\"id\"", "\"weight\"", "\"name\"", "\"kind\"", "\"seats\"", "\"名称\"", "\"e\u{301}\"", "\"\u{e9}\"", "\"w\\u0065ight\"", "\"\""])
        }

        mutating func object(depth: Int) -> String {
            let n = int(depth == 1 ? 20 : 4)
            var members: [String] = []
            for _ in 0..<n { members.append(space() + key() + space() + ":" + space() + value(depth: depth)) }
            return "{" + members.joined(separator: ",") + space() + "}"
        }

        mutating func position() -> String {
            switch int(12) {
            case 0: return "[" + number() + "," + number() + "," + number() + "]"
            case 1: return "[" + number() + "]"
            case 2: return "[]"
            case 3: return "[\"113.1\", 36.2]"
            default:
                let x = String(format: "%.\(int(10))f", 112 + Double(int(2_000_000)) / 1e6)
                let y = String(format: "%.\(int(10))f", 36 + Double(int(1_000_000)) / 1e6)
                return "[" + space() + x + space() + "," + space() + y + space() + "]"
            }
        }

        mutating func geometry() -> String {
            switch int(14) {
            case 0: return "null"
            case 1: return "{\"type\":\"Polygon\",\"coordinates\":[[[113,36],[113.1,36],[113.1,36.1],[113,36]]]}"
            case 2: return "{\"type\":\"MultiPoint\",\"coordinates\":[[113,36]]}"
            case 3: return "{\"coordinates\":" + position() + ",\"type\":\"Point\"}"
            case 4: return "{\"type\":\"Point\",\"coordinates\":" + position() + ",\"bbox\":[113,36,113,36]}"
            case 5: return "{\"type\":\"Point\"}"
            case 6: return "{\"type\":\"Point\",\"coordinates\":" + position() + ",\"type\":\"Point\"}"
            case 7: return "{\"type\":\"Point\",\"coordinates\":" + position() + ",\"note\":" + value(depth: 2) + "}"
            case 8: return "[113,36]"
            default: return "{" + space() + "\"type\"" + space() + ":" + space() + "\"Point\"," + space() + "\"coordinates\":" + position() + "}"
            }
        }

        mutating func feature() -> String {
            var members: [String] = []
            if !chance(0.05) { members.append("\"type\":" + (chance(0.05) ? pick(["\"Featur\"", "1", "\"FeatureCollection\""]) : "\"Feature\"")) }
            if chance(0.4) {
                members.append("\"id\":" + pick([number(), string(), "null", "true", "[1]", number(), string()]))
            }
            if !chance(0.05) { members.append("\"properties\":" + (chance(0.1) ? pick(["null", "[]", "\"x\""]) : object(depth: 1))) }
            if !chance(0.05) { members.append("\"geometry\":" + geometry()) }
            if chance(0.05) { members.append("\"bbox\":[113,36,113.1,36.1]") }
            if chance(0.05) { members.append("\"title\":" + value(depth: 2)) }
            if chance(0.03) { members.append(pick(members.isEmpty ? ["\"type\":\"Feature\""] : members)) }  // a duplicate key
            // Member order varies.
            for i in members.indices.reversed() where chance(0.3) { members.swapAt(i, int(i + 1)) }
            if chance(0.02) { return pick(["[]", "null", "1", "{}", "{\"type\":\"Feature\",}"]) }
            return "{" + space() + members.joined(separator: "," + space()) + space() + "}"
        }

        mutating func layer() -> String {
            let features = (0..<(1 + int(12))).map { _ in feature() }
            return "{\"type\":\"FeatureCollection\"," + space() + "\"features\":[" + space() + features.joined(separator: "," + space()) + space() + "]}"
        }
    }

    @Test("random layers, both ways", arguments: 0..<8)
    func randomLayers(seed: UInt64) {
        var g = Generator(rng: SplitMix64(seed: 0xFA57 &+ seed))
        for i in 0..<250 {
            let text = g.layer()
            FastPathEquivalenceTests.expectSame(Array(text.utf8), "seed \(seed) layer \(i): \(text.prefix(2000))")
        }
    }

    @Test("bytes changed at random in a clean point layer, both ways", arguments: 0..<4)
    func mutatedBytes(seed: UInt64) {
        var rng = SplitMix64(seed: 0xB17E &+ seed)
        let clean = Array(("{\"type\":\"FeatureCollection\",\"features\":[\n" + (0..<6).map {
            "{\"type\":\"Feature\",\"id\":\($0),\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.1\($0)2345,36.2\($0)]},\"properties\":{\"id\":\"D\($0)\",\"weight\":\($0 + 1),\"name\":\"长治\($0)\",\"tags\":[\"a\",{\"b\":null}]}}"
        }.joined(separator: ",\n") + "\n]}").utf8)
        let alphabet = Array("{}[]\",:\\0123456789.-eE+ntfu\u{0}\n".utf8) + [0xC3, 0xA9, 0xFF, 0xE9]
        for i in 0..<600 {
            var bytes = clean
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(bytes.count))
                let b = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                switch rng.next() % 3 {
                case 0: bytes[at] = b
                case 1: bytes.insert(b, at: at)
                default: bytes.remove(at: at)
                }
            }
            FastPathEquivalenceTests.expectSame(bytes, "seed \(seed) mutation \(i): \(String(decoding: bytes, as: UTF8.self))")
        }
    }

    /// The precision warning is decided without formatting text; it must agree with writing the
    /// coordinate with 7 decimals and reading it back.
    @Test("the precision warning agrees with a round trip through 7 decimals", arguments: 0..<4)
    func precisionWarning(seed: UInt64) throws {
        var rng = SplitMix64(seed: 0x7DEC &+ seed)
        var values: [Double] = [0, -0.0, 1e-9, -1e-9, 5e-8, -5e-8, 4.9999999e-8, 0.00000005, 113.12345675, 113.12345665,
                                899_999_999.1234567, 900_000_000.12345678, 1e300, -1e300, Double.leastNonzeroMagnitude, 36.1, 36.10000001]
        for _ in 0..<3000 {
            let r = rng.next()
            switch r % 4 {
            case 0: values.append(Double(bitPattern: rng.next()))
            case 1: values.append(Double(Int64(bitPattern: rng.next()) % 2_000_000_000_000) / 1e7 + Double(r % 3) * 1e-8)
            case 2: values.append(Double(String(format: "%.\(r % 12)f", Double(rng.next() % 1_000_000_000) / 1e6 - 500))!)
            default: values.append((Double(rng.next() % 10_000_000_000) + 0.5) / 1e7)
            }
        }
        for v in values where v.isFinite {
            let expected = Double(JSONValue.format(coordinate: v)) != v
            for fast in [true, false] {
                let text = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(v),0]}}]}"
                let layer = try GeoJSONReader.read(bytes: Array(text.utf8), fastPath: fast)
                #expect(layer.issues.contains { $0.message.contains("more than 7 decimals") } == expected, "\(v) (fast path \(fast))")
            }
        }
    }

    /// The fast path scans a string eight bytes at a time while eight are left: every length
    /// around those words, with the byte that ends or breaks the string (a quote, an escape, a
    /// control character, DEL, UTF-8 of two to four bytes, a byte that is not UTF-8) at every
    /// place in them, as an id, a key and a value, and cut off right after it at the buffer's end.
    @Test("strings of every length, with each kind of byte anywhere in them, both ways", arguments: 0..<4)
    func strings(seed: UInt64) {
        var rng = SplitMix64(seed: 0x5781 &+ seed)
        let plain = Array("abcXYZ019 _-.,:/".utf8)
        let kinds: [[UInt8]] = [
            Array("\\\"".utf8), Array("\\\\".utf8), Array("\\n".utf8), Array("\\u00e9".utf8), Array("\\x".utf8),
            [0x00], [0x09], [0x0A], [0x1F], [0x7F], [0x22], [0x5C],
            Array("é".utf8), Array("长".utf8), Array("😀".utf8), [0xC3], [0xFF], [0x80], [0xE9, 0x41],
        ]
        for i in 0..<400 {
            let length = Int(rng.next() % 34)
            var text = (0..<length).map { _ in plain[Int(rng.next() % UInt64(plain.count))] }
            for _ in 0..<Int(rng.next() % 3) {
                let at = Int(rng.next() % UInt64(text.count + 1))
                text.insert(contentsOf: kinds[Int(rng.next() % UInt64(kinds.count))], at: at)
            }
            let string = [0x22] + text + [0x22]
            let feature = Array("{\"type\":\"Feature\",\"id\":".utf8) + string
                + Array(",\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.1,36.2]},\"properties\":{".utf8)
                + string + Array(":1,\"name\":".utf8) + string + Array("}}".utf8)
            let layer = Array("{\"type\":\"FeatureCollection\",\"features\":[".utf8) + feature + [0x2C] + feature + Array("]}".utf8)
            FastPathEquivalenceTests.expectSame(layer, "seed \(seed) string \(i): \(String(decoding: string, as: UTF8.self))")
            // The string the last bytes of the buffer, its closing quote missing or not.
            let cut = Array("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":".utf8) + string
            FastPathEquivalenceTests.expectSame(cut, "seed \(seed) string \(i), cut")
            FastPathEquivalenceTests.expectSame(Array(cut.dropLast()), "seed \(seed) string \(i), cut before its quote")
        }
    }

    /// The keys, then for each its upper-case spelling, the key without its last or first byte,
    /// with an "s" added, and with each byte in turn changed to the next letter.
    static func withVariants(_ known: [String]) -> [String] {
        var keys = known
        for k in known {
            let b = Array(k.utf8)
            keys.append(k.uppercased())
            keys.append(String(decoding: b.dropLast(), as: UTF8.self))
            keys.append(String(decoding: b.dropFirst(), as: UTF8.self))
            keys.append(k + "s")
            for i in b.indices {
                var changed = b
                changed[i] = changed[i] == UInt8(ascii: "z") ? UInt8(ascii: "a") : changed[i] + 1
                keys.append(String(decoding: changed, as: UTF8.self))
            }
        }
        return keys
    }

    @Test("the property keys the reader knows by name, and keys a byte away from them, both ways")
    func knownKeys() {
        let known = ["id", "name", "kind", "hours", "seats", "weight", "workers", "district", "operator", "charging", "radius_m"]
        let keys = FastPathEquivalenceTests.withVariants(known)
        var features: [String] = []
        for (i, k) in keys.enumerated() {
            // Each key alone, and beside another known key whose value is the key itself.
            features.append("{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"\(k)\":\(i)}}")
            let other = known[i % known.count] == k ? "x" : known[i % known.count]
            features.append("{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"\(other)\":\"\(k)\",\"\(k)\":[\(i)]}}")
        }
        let text = "{\"type\":\"FeatureCollection\",\"features\":[" + features.joined(separator: ",") + "]}"
        FastPathEquivalenceTests.expectSame(Array(text.utf8), "known keys")
        // And what they read as, through the fast path: the keys as written.
        let layer = try? GeoJSONReader.read(bytes: Array(text.utf8), fastPath: true, twoThreadsFrom: nil)
        #expect(layer?.features.count == 2 * keys.count)
        for (i, k) in keys.enumerated() {
            #expect(layer?.features[2 * i].properties.keys == [k], "key \(k)")
            #expect(layer?.features[2 * i + 1].properties.keys.last == k, "key \(k) after another")
        }
    }

    @Test("the member keys the reader knows by their bytes, keys a byte away, a space before the colon, near the end")
    func memberKeys() {
        // The keys the fast path recognises by comparing 16 bytes at once, and variants of them
        // that it must read as any other key, each as a foreign member of a feature, of its point
        // geometry and as a property, written "key": and "key" : (the slow path) or without its
        // colon, and in a last feature whose key has about 16 bytes left after it in the file.
        let keys = FastPathEquivalenceTests.withVariants(["type", "geometry", "properties", "coordinates", "id", "weight", "name", "bbox"])
        for (i, k) in keys.enumerated() {
            // (The last two are no JSON: both must give the same syntax error.)
            for colon in [":", " :", " ", ";"] {
                let member = "\"\(k)\"\(colon)"
                // Beside the real members, and in place of each of them.
                let features = [
                    "{\"type\":\"Feature\",\"geometry\":null,\"properties\":null,\(member)\(i)}",
                    "{\(member)\"Feature\",\"type\":\"Feature\",\"geometry\":null,\"properties\":{}}",
                    "{\(member)\"Feature\",\"geometry\":null,\"properties\":{}}",
                    "{\"type\":\"Feature\",\(member)null,\"properties\":{}}",
                    "{\"type\":\"Feature\",\"geometry\":null,\(member)null}",
                    "{\"type\":\"Feature\",\"properties\":null,\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2],\(member)\(i)}}",
                    "{\"type\":\"Feature\",\"properties\":null,\"geometry\":{\(member)\"Point\",\"coordinates\":[1,2]}}",
                    "{\"type\":\"Feature\",\"properties\":null,\"geometry\":{\"type\":\"Point\",\(member)[1,2]}}",
                    "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":{\(member)\(i)}}",
                ]
                let text = "{\"type\":\"FeatureCollection\",\"features\":[" + features.joined(separator: ",\n") + "]}"
                FastPathEquivalenceTests.expectSame(Array(text.utf8), "key \(k) written \(member)")
                // The same key as the last member of the last feature, followed (written "key":,
                // the only way the fast comparison can match) by 0 to 20 spaces after the document:
                // its opening quote has from 10 to 35 bytes left, on both sides of the 16 it needs.
                let last = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":null,\"properties\":{},\(member)1}]}"
                for pad in colon == ":" ? Array(0...20) : [0] {
                    let text = last + String(repeating: " ", count: pad)
                    FastPathEquivalenceTests.expectSame(Array(text.utf8), "key \(k) written \(member) at the end, \(pad) spaces after")
                }
            }
        }
    }

    @Test("numbers of every shape: integer and fraction digits from 0 to 25, leading and trailing zeros, exponents, near the end", arguments: 0..<4)
    func numberShapes(seed: UInt64) {
        // The fraction's digits are read eight at a time after a nonzero integer part: every
        // length around 8, 16 and 19 digits, with zeros and nines where carries would show.
        var rng = SplitMix64(seed: 0x4E0B &+ seed)
        func digits(_ n: Int, first nonzero: Bool) -> String {
            String((0..<n).map { i -> Character in
                let r = rng.next() % 10
                let d = r < 2 ? 0 : r < 4 ? 9 : Int(rng.next() % 10)
                return Character(String(i == 0 && nonzero && d == 0 ? 1 : d))
            })
        }
        func number() -> String {
            let sign = rng.next() % 4 == 0 ? "-" : ""
            let integerDigits = Int(rng.next() % 6) == 0 ? Int(rng.next() % 21) : Int(rng.next() % 4)
            let integer = integerDigits == 0 ? "0" : digits(integerDigits, first: true)
            var text = sign + integer
            if rng.next() % 8 != 0 {
                let n = 1 + Int(rng.next() % 25)
                let zeros = rng.next() % 4 == 0 ? Int(rng.next() % UInt64(n)) : 0
                text += "." + String(repeating: "0", count: zeros) + digits(n - zeros, first: false)
            }
            if rng.next() % 10 == 0 { text += (rng.next() % 2 == 0 ? "e" : "E-") + String(rng.next() % 30) }
            return text
        }
        for i in 0..<60 {
            let features = (0..<40).map { _ in
                "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(number()),\(number())]},\"properties\":{\"weight\":\(number()),\"v\":[\(number())]}}"
            }
            let text = "{\"type\":\"FeatureCollection\",\"features\":[" + features.joined(separator: ",\n") + "]}"
            FastPathEquivalenceTests.expectSame(Array(text.utf8), "seed \(seed) layer \(i)")
            // A number as the last bytes before the end (fewer than eight after its point).
            let last = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"w\":\(number())"
            FastPathEquivalenceTests.expectSame(Array((last + "}}]}").utf8), "seed \(seed) layer \(i), at the end")
            FastPathEquivalenceTests.expectSame(Array(last.utf8), "seed \(seed) layer \(i), cut after it")
        }
    }

    @Test("a generated point layer as gen_synthetic writes it")
    func syntheticPoints() {
        var rng = SplitMix64(seed: 2024)
        var text = "{\"type\":\"FeatureCollection\",\"features\":[\n"
        for i in 0..<5000 {
            let lon = 111.98 + Double(rng.next() % 1_760_000) / 1e6
            let lat = 35.82 + Double(rng.next() % 1_310_000) / 1e6
            if i > 0 { text += ",\n" }
            text += "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(String(format: "%.6f", lon)),\(String(format: "%.6f", lat))]},\"properties\":{\"id\":\"D\(i)\",\"weight\":\(rng.next() % 20)}}"
        }
        text += "\n]}\n"
        FastPathEquivalenceTests.expectSame(Array(text.utf8), "synthetic points")
    }
}
