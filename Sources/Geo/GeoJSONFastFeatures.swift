#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fast path of `GeoJSONReader` for the common case: one element of a FeatureCollection's
/// `"features"` array read straight from the bytes into a `GeoJSONFeature`, without a `JSONValue`
/// tree for the feature: keys compared as bytes, numbers parsed from bytes, the properties built
/// once.
///
/// It handles only features that read cleanly: `"type": "Feature"`, an `id` that is absent, null,
/// a string or a number, `"properties"` an object or null, and `"geometry"` null or a 2D `Point`.
/// Strings may not contain escapes. Anything else (a syntax error, a duplicate key, an escape,
/// a bbox, another geometry type, nesting deeper than `maxDepth`, any problem that makes an error
/// issue) makes it decline: it returns nil, and the strict parser reads the element from its
/// first byte again, so every message stays what the strict parser says. When it does not
/// decline, the feature and its issues are exactly those `GeoJSONReader.readFeature` gives for the
/// strict parser's tree of the same bytes (the fuzz target and `FastPathEquivalenceTests` compare
/// the two).
struct GeoJSONFastFeature {
    /// Nesting deeper than this inside one feature is left to the strict parser.
    static let maxDepth = 64

    var bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    /// Reused between features: the members of the properties object being built.
    let members = MemberStack()
    /// The known keys' patterns (`memberKey`), read at every key, at `KnownKey.rawValue`. A
    /// pointer, not the patterns: the reader is copied at some calls, and copying 280 bytes a
    /// feature cost more than the patterns saved.
    let patterns = KeyPatterns.shared

    init(bytes: UnsafeBufferPointer<UInt8>, index: Int) {
        self.bytes = bytes
        self.index = index
    }

    /// A decline: the element is not in the fast path's common case.
    struct Decline: Error {}

    /// Reads one feature object starting at `index` (its `{`). On success `index` is just past
    /// the object's `}`, the feature (at position `sink.count`) is in `sink` and the issue it
    /// adds, if any, in `issues`; on a decline neither is touched.
    mutating func readFeature<Sink: GeoJSONFeatureSink>(into sink: inout Sink, issues: inout [GeoJSONIssue]) throws(Decline) {
        let position = sink.count
        foreignKeys.removeAll(keepingCapacity: true)
        try expect(0x7B)  // {
        var sawType = false, sawProperties = false, sawGeometry = false, sawID = false
        var id: FeatureID?
        var properties = JSONObject()
        var geometry: Geometry?
        var excessivePrecision = false
        skipWhitespace()
        if peek() == 0x7D { throw Decline() }  // {}: no type, the strict reader reports it
        while true {
            skipWhitespace()
            let (key, known) = try memberKey()
            skipWhitespace()
            if known == .type {
                if sawType { throw Decline() }
                sawType = true
                if !skipString("Feature") {
                    let t = try rawString()
                    guard equal(t, "Feature") else { throw Decline() }
                }
            } else if known == .properties {
                if sawProperties { throw Decline() }
                sawProperties = true
                if peek() == 0x6E {  // null
                    try literal("null")
                } else {
                    guard peek() == 0x7B else { throw Decline() }
                    properties = try object(depth: 1)
                }
            } else if known == .geometry {
                if sawGeometry { throw Decline() }
                sawGeometry = true
                if peek() == 0x6E {
                    try literal("null")
                } else {
                    let c = try point()
                    geometry = .point(c)
                    excessivePrecision = GeoJSONGeometryReader.hasExcessivePrecision(c.x) || GeoJSONGeometryReader.hasExcessivePrecision(c.y)
                }
            } else if known == .id {
                if sawID { throw Decline() }
                sawID = true
                switch try value(depth: 1) {
                case .null: id = nil
                case let .string(s): id = .string(s)
                case let .number(n): id = .number(n)
                case let .bigInteger(text): id = .bigInteger(text)
                default: throw Decline()
                }
            } else if equal(key, "bbox") {
                throw Decline()
            } else {
                // A foreign member: read and ignored, as the strict reader does; a repeat of it
                // would be a duplicate key, which the strict parser reports.
                try checkForeignKey(key)
                _ = try value(depth: 1)
            }
            skipWhitespace()
            let b = try next()
            if b == 0x2C { continue }  // ,
            if b == 0x7D { break }  // }
            throw Decline()
        }
        guard sawType, sawProperties, sawGeometry else { throw Decline() }
        if excessivePrecision {
            let displayID = GeoJSONFeature(index: position, id: id, geometry: nil, properties: properties).displayID
            issues.append(GeoJSONIssue(.warning, featureIndex: position, featureID: displayID, GeoJSONReader.precisionMessage))
        }
        // The parts are consumed: copying them would retain the properties' storage (and the id's)
        // for the feature and release the originals right after, for every feature.
        sink.take(GeoJSONFeature(index: position, id: consume id, geometry: consume geometry, properties: consume properties),
                  failed: false)
    }

    // MARK: - Bytes

    @inline(__always) func peek() -> UInt8 { index < bytes.count ? bytes[index] : 0 }

    @inline(__always) mutating func next() throws(Decline) -> UInt8 {
        guard index < bytes.count else { throw Decline() }
        defer { index += 1 }
        return bytes[index]
    }

    @inline(__always) mutating func expect(_ byte: UInt8) throws(Decline) {
        guard index < bytes.count, bytes[index] == byte else { throw Decline() }
        index += 1
    }

    @inline(__always) mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func literal(_ word: StaticString) throws(Decline) {
        let n = word.utf8CodeUnitCount
        guard index + n <= bytes.count else { throw Decline() }
        let w = word.utf8Start
        for i in 0..<n where bytes[index + i] != w[i] { throw Decline() }
        index += n
    }

    func equal(_ range: Range<Int>, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard range.count == n else { return false }
        // `range` lies in `bytes` (a string the reader scanned); one memcmp instead of a
        // bounds-checked loop (~100 instructions a call, 1 % of a load).
        return memcmp(bytes.baseAddress! + range.lowerBound, word.utf8Start, n) == 0
    }

    /// Keys of the feature object met so far that are not one of the five it reads (compared as
    /// strings, as the strict parser's objects compare keys).
    var foreignKeys: [String] = []

    mutating func checkForeignKey(_ key: Range<Int>) throws(Decline) {
        let k = string(key)
        if foreignKeys.contains(k) { throw Decline() }
        foreignKeys.append(k)
    }

    /// A string without escapes whose bytes are valid UTF-8: the range of its contents.
    mutating func rawString() throws(Decline) -> Range<Int> {
        try expect(0x22)
        let start = index
        var i = index
        var ascii = true
        let count = bytes.count
        guard let base = bytes.baseAddress else { throw Decline() }
        // Eight bytes at a time while eight are left: a word with no quote, backslash or control
        // character is skipped whole (noting a byte of 0x80 or more); otherwise `i` moves to the
        // first such byte, which the byte loop below reads.
        while i + 8 <= count {
            let w = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let special = Self.stringStops(w)
            if special == 0 {
                if w & Self.highBits != 0 { ascii = false }
                i += 8
                continue
            }
            let k = special.trailingZeroBitCount >> 3
            if k > 0, w & Self.highBits & ((1 << (UInt64(k) << 3)) &- 1) != 0 { ascii = false }
            i += k
            break
        }
        while i < count {
            let b = base[i]
            if b == 0x22 {
                let range = start..<i
                index = i + 1
                if !ascii, String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) == nil { throw Decline() }
                return range
            }
            if b == 0x5C || b < 0x20 { throw Decline() }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        index = i
        throw Decline()
    }

    private static let highBits: UInt64 = 0x8080_8080_8080_8080
    private static let lowBits: UInt64 = 0x0101_0101_0101_0101

    /// The bytes of `w` (little-endian) that end or break a fast string: `"`, `\` or below 0x20,
    /// each marked by its high bit. The lowest mark is always exact (a borrow only carries into the
    /// bytes above a marked one, where a mark may then be spurious), which is all `rawString` uses.
    @inline(__always) static func stringStops(_ w: UInt64) -> UInt64 {
        let quote = w ^ (0x22 &* lowBits)
        let backslash = w ^ (0x5C &* lowBits)
        let isQuote = (quote &- lowBits) & ~quote
        let isBackslash = (backslash &- lowBits) & ~backslash
        let isControl = (w &- 0x20 &* lowBits) & ~w
        return (isQuote | isBackslash | isControl) & highBits
    }

    mutating func keyBytes() throws(Decline) -> Range<Int> {
        guard peek() == 0x22 else { throw Decline() }
        return try rawString()
    }

    /// The keys `memberKey` tells apart: those GeoJSON's point features and the demand layers'
    /// schema use most, and any other.
    enum KnownKey: Int, CaseIterable {
        case type, geometry, properties, coordinates, id, weight, name

        /// The one known key a key starting with `byte` can be (no two start alike); nil when none.
        @inline(__always) init?(first byte: UInt8) {
            switch byte {
            case 0x74: self = .type  // t
            case 0x67: self = .geometry  // g
            case 0x70: self = .properties  // p
            case 0x63: self = .coordinates  // c
            case 0x69: self = .id  // i
            case 0x77: self = .weight  // w
            case 0x6E: self = .name  // n
            default: return nil
            }
        }

        var word: StaticString {
            switch self {
            case .type: "type"
            case .geometry: "geometry"
            case .properties: "properties"
            case .coordinates: "coordinates"
            case .id: "id"
            case .weight: "weight"
            case .name: "name"
            }
        }
    }

    /// A member's key and its colon: the key's range, `index` just past the colon, and which
    /// known key it is (nil: any other). A known key written `"key":` (no space) whose opening quote has at least
    /// 16 bytes left in the buffer (itself included) is recognised by two unaligned 8-byte loads
    /// compared with its `KeyPattern` (some 7 keys a point feature, each otherwise a string scan
    /// and comparisons); any other key, a space before the colon or a key nearer the end is read
    /// as any string and then compared. The same range, `index` and answer either way.
    mutating func memberKey() throws(Decline) -> (range: Range<Int>, known: KnownKey?) {
        if index + 16 <= bytes.count, bytes[index] == 0x22, let base = bytes.baseAddress,
           let known = KnownKey(first: bytes[index + 1]) {
            let at = UnsafeRawPointer(base + index)
            let low = UInt64(littleEndian: at.loadUnaligned(as: UInt64.self))
            let high = UInt64(littleEndian: at.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let pattern = patterns[known.rawValue]
            if pattern.matches(low, high) {
                let start = index + 1
                index += pattern.length + 3
                return (start..<(start + pattern.length), known)
            }
        }
        let key = try keyBytes()
        skipWhitespace()
        try expect(0x3A)  // :
        return (key, knownKey(key))
    }

    /// Which known key the bytes of `range` spell (nil when none).
    func knownKey(_ range: Range<Int>) -> KnownKey? {
        guard let first = range.first, let known = KnownKey(first: bytes[first]), equal(range, known.word) else { return nil }
        return known
    }

    /// Whether the string `"word"` is at `index` (then skipped); nothing is read when it is not.
    mutating func skipString(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard index + n + 2 <= bytes.count, bytes[index] == 0x22, bytes[index + n + 1] == 0x22,
              memcmp(bytes.baseAddress! + index + 1, word.utf8Start, n) == 0 else { return false }
        index += n + 2
        return true
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// A property key: the keys the layers' schema reads come from literals (no UTF-8 check, no
    /// allocation: two keys a feature of a demand layer made from bytes were ~3 % of loading
    /// it), those `memberKey` knows by `known`, any other from its bytes. The same `String`
    /// either way.
    func key(_ range: Range<Int>, _ known: KnownKey?) -> String {
        switch known {
        case .id?: return "id"
        case .weight?: return "weight"
        case .name?: return "name"
        case .type?, .geometry?, .properties?, .coordinates?, nil: break
        }
        switch range.count {
        case 4: if equal(range, "kind") { return "kind" }
        case 5:
            if equal(range, "hours") { return "hours" }
            if equal(range, "seats") { return "seats" }
        case 7: if equal(range, "workers") { return "workers" }
        case 8:
            if equal(range, "district") { return "district" }
            if equal(range, "operator") { return "operator" }
            if equal(range, "charging") { return "charging" }
            if equal(range, "radius_m") { return "radius_m" }
        default: break
        }
        return string(range)
    }

    // MARK: - Values

    mutating func value(depth: Int) throws(Decline) -> JSONValue {
        guard index < bytes.count else { throw Decline() }
        switch bytes[index] {
        case 0x22: return .string(string(try rawString()))
        case 0x7B: return .object(try object(depth: depth + 1))
        case 0x5B: return .array(try array(depth: depth + 1))
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        case 0x2D, 0x30...0x39: return try number()
        default: throw Decline()
        }
    }

    mutating func object(depth: Int) throws(Decline) -> JSONObject {
        if depth > GeoJSONFastFeature.maxDepth { throw Decline() }
        try expect(0x7B)
        skipWhitespace()
        if peek() == 0x7D {
            index += 1
            return JSONObject()
        }
        // The members collect in `self.members` (reused); nested objects stack above the start.
        let base = members.count
        defer { members.truncate(to: base) }  // when declining
        var keys: Set<String>?
        while true {
            skipWhitespace()
            let (range, known) = try memberKey()
            let key = self.key(range, known)
            skipWhitespace()
            let v = try value(depth: depth)
            // Duplicate keys: the strict parser records them with their line.
            let count = members.count - base
            if count < JSONObject.indexedCount {
                for i in base..<members.count where members.key(at: i) == key { throw Decline() }
            } else {
                if keys == nil { keys = Set((base..<members.count).map { members.key(at: $0) }) }
                if !keys!.insert(key).inserted { throw Decline() }
            }
            members.append((key, v))
            skipWhitespace()
            let b = try next()
            if b == 0x2C { continue }
            if b == 0x7D { break }
            throw Decline()
        }
        return JSONObject(distinctMembers: members.take(from: base))
    }

    mutating func array(depth: Int) throws(Decline) -> [JSONValue] {
        if depth > GeoJSONFastFeature.maxDepth { throw Decline() }
        try expect(0x5B)
        skipWhitespace()
        var items: [JSONValue] = []
        if peek() == 0x5D {
            index += 1
            return items
        }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth))
            skipWhitespace()
            let b = try next()
            if b == 0x2C { continue }
            if b == 0x5D { return items }
            throw Decline()
        }
    }

    /// A number as the strict parser reads it: the same grammar, the same `Double` (the nearest
    /// to the decimal value), and integers beyond ±2^53 kept as text.
    mutating func number() throws(Decline) -> JSONValue {
        let start = index
        var negative = false
        if peek() == 0x2D {
            negative = true
            index += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0  // digits in `mantissa`, leading zeros not counted
        var exponent = 0
        var integral = true
        guard index < bytes.count else { throw Decline() }
        if bytes[index] == 0x30 {
            index += 1
            if index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { throw Decline() }
        } else {
            let s = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- 0x30)
                    significant += 1
                } else {
                    significant += 1  // more than 19 digits: the slow path below
                }
                index += 1
            }
            if index == s { throw Decline() }
        }
        if peek() == 0x2E {
            index += 1
            integral = false
            let s = index
            if significant > 0, let base = bytes.baseAddress {
                // After a nonzero integer part every digit is significant: up to eight at a time
                // while eight bytes are left and the mantissa keeps them all (19 digits); the byte
                // loop below reads whatever is left. The same mantissa, count and exponent.
                while index + 8 <= bytes.count {
                    let w = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                    let d = Self.leadingDigits(w)
                    if d == 0 || significant + d > 19 { break }
                    mantissa = mantissa &* Self.integerPowersOfTen[d] &+ Self.digitsValue(w, count: d)
                    significant += d
                    exponent -= d
                    index += d
                    if d < 8 { break }
                }
            }
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                let d = UInt64(bytes[index] &- 0x30)
                if significant == 0 && d == 0 {
                    exponent -= 1  // a leading zero of the fraction
                } else if significant < 19 {
                    mantissa = mantissa &* 10 &+ d
                    significant += 1
                    exponent -= 1
                } else {
                    significant += 1
                }
                index += 1
            }
            if index == s { throw Decline() }
        }
        var hasExponent = false
        if peek() == 0x65 || peek() == 0x45 {
            index += 1
            integral = false
            hasExponent = true
            if peek() == 0x2B || peek() == 0x2D { index += 1 }
            let s = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            if index == s { throw Decline() }
        }
        // Clinger's fast path: a mantissa below 2^53 and a power of ten that is exact in a Double
        // give the correctly rounded value in one multiplication or division, as strtod does.
        if !hasExponent, significant <= 15, exponent >= -22 {
            var v = Double(mantissa)
            if exponent < 0 { v /= GeoJSONFastFeature.powersOfTen[-exponent] }
            return .number(negative ? -v : v)
        }
        // Everything else as the strict parser does it.
        let text = string(start..<index)
        guard let value = Double(text), value.isFinite else { throw Decline() }
        if integral, abs(value) >= 9_007_199_254_740_992 { return .bigInteger(text) }
        return .number(value)
    }

    /// How many of the eight bytes of `w` (little-endian: the first byte lowest) are ASCII digits
    /// before the first that is not. A byte x is marked by the high bit of x + 0x46 (set for
    /// 0x3A ≤ x ≤ 0xB9) or of x − 0x30 (set for x < 0x30 and x ≥ 0xB0): together every byte that
    /// is no digit, and no digit. A carry or borrow only leaves a byte that is no digit, so the
    /// lowest mark is exact.
    @inline(__always) static func leadingDigits(_ w: UInt64) -> Int {
        let marks = ((w &+ 0x4646_4646_4646_4646) | (w &- 0x3030_3030_3030_3030)) & highBits
        return marks == 0 ? 8 : marks.trailingZeroBitCount >> 3
    }

    /// The value of the first `count` (1…8) bytes of `w`, ASCII digits, as a decimal number: moved
    /// to the top of the word (the bytes below read as leading zeros), then combined in pairs,
    /// fours and eights with three multiplications.
    @inline(__always) static func digitsValue(_ w: UInt64, count: Int) -> UInt64 {
        var v = (w << UInt64((8 - count) << 3)) & 0x0F0F_0F0F_0F0F_0F0F
        v = (v &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    }

    static let integerPowersOfTen: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    static let powersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    // MARK: - Geometry

    /// `{"type": "Point", "coordinates": [x, y]}` (members in any order, foreign members ignored).
    mutating func point() throws(Decline) -> Coordinate {
        try expect(0x7B)
        var sawType = false
        var coordinate: Coordinate?
        var others: [String] = []
        skipWhitespace()
        if peek() == 0x7D { throw Decline() }
        while true {
            skipWhitespace()
            let (key, known) = try memberKey()
            skipWhitespace()
            if known == .type {
                if sawType { throw Decline() }
                sawType = true
                if !skipString("Point") {
                    guard equal(try rawString(), "Point") else { throw Decline() }
                }
            } else if known == .coordinates {
                if coordinate != nil { throw Decline() }
                try expect(0x5B)
                skipWhitespace()
                let x = try coordinateNumber()
                skipWhitespace()
                try expect(0x2C)
                skipWhitespace()
                let y = try coordinateNumber()
                skipWhitespace()
                try expect(0x5D)  // a third value (Z) is left to the strict reader
                coordinate = Coordinate(x: x, y: y)
            } else if equal(key, "bbox") {
                throw Decline()
            } else {
                let k = string(key)
                if others.contains(k) { throw Decline() }
                others.append(k)
                _ = try value(depth: 2)
            }
            skipWhitespace()
            let b = try next()
            if b == 0x2C { continue }
            if b == 0x7D { break }
            throw Decline()
        }
        guard sawType, let coordinate else { throw Decline() }
        return coordinate
    }

    mutating func coordinateNumber() throws(Decline) -> Double {
        guard case let .number(n) = try number() else { throw Decline() }
        return n
    }
}

/// The members of the objects a `GeoJSONFastFeature` is reading, nested objects stacked above
/// their parent's, in one buffer reused from feature to feature. An object's members are moved out
/// into an array of their own size when it ends (one allocation an object, no copy of the keys).
final class MemberStack {
    typealias Member = (key: String, value: JSONValue)
    private(set) var count = 0
    private var capacity = 0
    private var storage: UnsafeMutablePointer<Member>?

    deinit {
        truncate(to: 0)
        storage?.deallocate()
    }

    func append(_ member: Member) {
        if count == capacity {
            let grown = max(16, capacity * 2)
            let buffer = UnsafeMutablePointer<Member>.allocate(capacity: grown)
            if let storage {
                buffer.moveInitialize(from: storage, count: count)
                storage.deallocate()
            }
            storage = buffer
            capacity = grown
        }
        (storage! + count).initialize(to: member)
        count += 1
    }

    func key(at i: Int) -> String { storage![i].key }

    /// Drops the members from `n` on.
    func truncate(to n: Int) {
        guard count > n else { return }
        (storage! + n).deinitialize(count: count - n)
        count = n
    }

    /// The members from `base` on, moved into a new array; the stack ends at `base` again.
    func take(from base: Int) -> [Member] {
        let n = count - base
        guard n > 0 else { return [] }
        // Not `Array(unsafeUninitializedCapacity:)`: that calls the standard library's unspecialized
        // allocation, which looks the storage's type up in the runtime every time (~3 % of a load's
        // instructions); `reserveCapacity` is specialized here and caches the type.
        var taken: [Member] = []
        taken.reserveCapacity(n)
        for i in base..<count { taken.append((storage! + i).move()) }
        count = base
        return taken
    }
}

/// `"word":` (a key of at most 13 bytes, its quotes and its colon) as 16 bytes read as two
/// little-endian words, with masks that keep the pattern's bytes: a key at some position is this
/// one when the two words read there, masked, equal the pattern's.
struct KeyPattern {
    let low: UInt64, high: UInt64, lowMask: UInt64, highMask: UInt64
    /// The word's length in bytes.
    let length: Int

    init(_ word: StaticString) {
        let n = word.utf8CodeUnitCount
        precondition(n + 3 <= 16, "a key pattern holds at most 13 bytes")
        var bytes = [UInt8](repeating: 0, count: 16)
        var mask = [UInt8](repeating: 0, count: 16)
        bytes[0] = 0x22
        for i in 0..<n { bytes[i + 1] = word.utf8Start[i] }
        bytes[n + 1] = 0x22
        bytes[n + 2] = 0x3A
        for i in 0..<(n + 3) { mask[i] = 0xFF }
        func word64(_ b: [UInt8], _ at: Int) -> UInt64 {
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << UInt64(8 * $1) }
        }
        (low, high, lowMask, highMask) = (word64(bytes, 0), word64(bytes, 8), word64(mask, 0), word64(mask, 8))
        length = n
    }

    @inline(__always) func matches(_ low: UInt64, _ high: UInt64) -> Bool {
        (low & lowMask) == self.low && (high & highMask) == self.high
    }
}

/// The patterns of `GeoJSONFastFeature.KnownKey`'s keys, at their raw values: one table for the
/// process, never freed nor written after it is made.
enum KeyPatterns {
    nonisolated(unsafe) static let shared: UnsafePointer<KeyPattern> = {
        let keys = GeoJSONFastFeature.KnownKey.allCases
        let table = UnsafeMutablePointer<KeyPattern>.allocate(capacity: keys.count)
        for key in keys { (table + key.rawValue).initialize(to: KeyPattern(key.word)) }
        return UnsafePointer(table)
    }()
}
