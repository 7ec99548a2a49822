/// A JSON syntax error with its line and column (1-based).
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, for example "unexpected end of input inside an object".
    public var message: String
    /// The 1-based line of the error.
    public var line: Int
    /// The 1-based column of the error, counted in Unicode scalars.
    public var column: Int
    /// "line L, column C: message".
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes. It rejects what JSON does not allow (NaN, Infinity,
/// trailing commas, comments, invalid UTF-8, control characters in strings), limits nesting depth
/// so that hostile input cannot exhaust the stack, and records duplicate object keys (the last one
/// wins, as in most parsers) so callers can warn about them.
public struct JSONParser {
    /// How deeply arrays and objects may nest unless the caller says otherwise.
    public static let defaultMaxDepth = 512

    /// A key that appeared twice in one object.
    public struct DuplicateKey: Hashable, Sendable {
        /// The key.
        public var key: String
        /// The 1-based line of its second (or later) appearance.
        public var line: Int
    }

    /// Every duplicate key met so far, in document order.
    public private(set) var duplicateKeys: [DuplicateKey] = []

    /// A member of the root object whose array is handed over element by element instead of being
    /// kept in the tree (GeoJSON's "features": each feature is converted, and its tree freed, as
    /// soon as it is read, so a big layer never exists twice in memory). `start` is called when
    /// such an array begins (again, for a duplicate key: the last one wins).
    struct StreamedArray {
        var key: String
        var start: () -> Void
        var element: (JSONValue) throws -> Void
        /// Tried first for each element: reads it straight from the parser's bytes, starting at
        /// the given offset, and returns the offset just past it, or nil to decline (the element
        /// is then parsed as usual, from the same offset).
        var fast: ((_ offset: Int) -> Int?)? = nil
    }

    var streamedArray: StreamedArray?
    /// Whether the root's last member named `streamedArray.key` was an array handed over; the
    /// root then holds an empty array in its place.
    private(set) var didStreamArray = false

    /// The bytes parsed: the parser's own copy (`owned`), or a buffer the caller keeps valid.
    private let bytes: UnsafeBufferPointer<UInt8>
    private let owned: OwnedBytes?
    private var index = 0
    private let maxDepth: Int

    /// A copy of the bytes a parser made by `init(bytes:)` reads, freed with the last copy of it.
    private final class OwnedBytes {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        init(_ bytes: [UInt8]) {
            buffer = .allocate(capacity: max(bytes.count, 1))
            _ = buffer.initialize(from: bytes)
        }
        deinit { buffer.deallocate() }
    }

    /// A parser over UTF-8 bytes; deeper nesting than `maxDepth` is a parse error.
    public init(bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) {
        let owned = OwnedBytes(bytes)
        self.owned = owned
        self.bytes = UnsafeBufferPointer(rebasing: owned.buffer[0..<bytes.count])
        self.maxDepth = maxDepth
    }

    /// A parser over bytes the caller keeps valid, unchanged, for as long as the parser is used
    /// (no copy: for big documents read in place).
    init(borrowing buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = JSONParser.defaultMaxDepth) {
        self.owned = nil
        self.bytes = buffer
        self.maxDepth = maxDepth
    }

    /// Parses the bytes as one document without copying them (see `parseDocument()`), with the
    /// duplicate keys met.
    public static func parseDocument(in buffer: UnsafeBufferPointer<UInt8>) throws -> (value: JSONValue, duplicateKeys: [DuplicateKey]) {
        var parser = JSONParser(borrowing: buffer)
        let value = try parser.parseDocument()
        return (value, parser.duplicateKeys)
    }

    /// Parses a whole document (one value, surrounded only by whitespace; a UTF-8 BOM is skipped).
    public mutating func parseDocument() throws -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        if let encoding = JSONParser.wideEncoding(bytes) {
            throw error("the file is \(encoding), not UTF-8\(encoding == "UTF-16" ? " (as Windows Notepad's \"Unicode\" or PowerShell's > write it)" : ""): save it as UTF-8")
        }
        skipWhitespace()
        if index >= bytes.count { throw error("empty document: no JSON value") }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if index < bytes.count { throw error("unexpected text after the JSON value") }
        return value
    }

    /// UTF-16 or UTF-32, told by a byte order mark or, without one, by the zero bytes around the
    /// first character (JSON starts with an ASCII character); nil for anything else.
    static func wideEncoding(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || (bytes.count >= 4 && bytes[0] != 0 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 0) { return "UTF-32" }
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) || (bytes.count >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] != 0) { return "UTF-32" }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16" }
        if bytes.count >= 2, (bytes[0] == 0) != (bytes[1] == 0) { return "UTF-16" }
        return nil
    }

    /// Convenience: parse `text` as one document.
    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Convenience: parse bytes as one document.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parseDocument(in: $0).value }
    }

    private func position(at offset: Int) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        // Column counts characters, not bytes.
        let column = bytes[lineStart..<end].reduce(0) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) } + 1
        return (line, column)
    }

    private func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let p = position(at: offset ?? index)
        return JSONParseError(message: message, line: p.line, column: p.column)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count == 1 ? "0" : "") + hex
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input: a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw error("NaN and Infinity are not JSON numbers")
        case let b:
            throw error("unexpected \(describe(b)): a value was expected")
        }
    }

    private mutating func expectLiteral(_ word: String) throws {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, bytes[index..<(index + w.count)].elementsEqual(w) else {
            throw error("invalid literal: expected '\(word)'")
        }
        index += w.count
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        if depth > maxDepth { throw error("nested deeper than \(maxDepth) levels") }
        index += 1
        var object = JSONObject()
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an object") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw error("unexpected \(describe(bytes[index])): an object key (string) was expected") }
            let keyOffset = index
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("':' expected after object key \"\(key)\"") }
            index += 1
            skipWhitespace()
            let value: JSONValue
            if depth == 1, let streamed = streamedArray, key == streamed.key, index < bytes.count, bytes[index] == UInt8(ascii: "[") {
                try parseStreamedArray(depth: depth + 1, streamed)
                value = .array([])
                didStreamArray = true
            } else {
                value = try parseValue(depth: depth)
                if depth == 1, key == streamedArray?.key { didStreamArray = false }
            }
            if object[key] != nil { duplicateKeys.append(DuplicateKey(key: key, line: position(at: keyOffset).line)) }
            object[key] = value
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
            throw error("unexpected \(describe(bytes[index])): ',' or '}' expected in an object")
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        if depth > maxDepth { throw error("nested deeper than \(maxDepth) levels") }
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw error("unexpected \(describe(bytes[index])): ',' or ']' expected in an array")
        }
    }

    /// `parseArray`, handing each element over instead of keeping it.
    private mutating func parseStreamedArray(depth: Int, _ streamed: StreamedArray) throws {
        if depth > maxDepth { throw error("nested deeper than \(maxDepth) levels") }
        streamed.start()
        index += 1
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            if let fast = streamed.fast, let end = fast(index) {
                index = end
            } else {
                try streamed.element(try parseValue(depth: depth))
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input inside an array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw error("unexpected \(describe(bytes[index])): ',' or ']' expected in an array")
        }
    }

    /// A number; an integer beyond ±2^53 (which a Double would round) keeps its text.
    private mutating func parseNumber() throws -> JSONValue {
        let start = index
        var integral = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let s = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - s
        }
        guard index < bytes.count else { throw error("incomplete number", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { throw error("numbers may not have leading zeros", at: start) }
        } else if digits() == 0 {
            if index < bytes.count, bytes[index] == UInt8(ascii: "I") { throw error("NaN and Infinity are not JSON numbers", at: start) }
            throw error("a digit was expected in a number", at: start)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            integral = false
            if digits() == 0 { throw error("a digit was expected after the decimal point", at: start) }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            integral = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            if digits() == 0 { throw error("a digit was expected in the exponent", at: start) }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw error("number \(text) is out of range", at: start) }
        if integral, abs(value) >= 9_007_199_254_740_992 { return .bigInteger(text) }
        return .number(value)
    }

    private mutating func parseString() throws -> String {
        let start = index
        index += 1
        var out: [UInt8] = []
        var chunkStart = index
        while true {
            guard index < bytes.count else { throw error("unterminated string", at: start) }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                out.append(contentsOf: bytes[chunkStart..<index])
                index += 1
                break
            }
            if b < 0x20 { throw error("control character \(describe(b)) inside a string (escape it)") }
            if b == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[chunkStart..<index])
                index += 1
                guard index < bytes.count else { throw error("unterminated escape", at: start) }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate in \\u escape")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw error("invalid escape \\\(Character(Unicode.Scalar(e)))")
                }
                chunkStart = index
                continue
            }
            index += 1
        }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw error("text is not valid UTF-8 (is the file in GBK or another legacy encoding? save it as UTF-8)", at: start)
        }
        return s
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}
