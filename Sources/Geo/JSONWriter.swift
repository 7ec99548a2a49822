/// Writing JSON values: compact text, numbers in their shortest exact form, chosen members as reals.

extension JSONValue {
    /// Compact JSON. Numbers print in the shortest form that reads back exactly; integral values
    /// below 2^53 print without a decimal point. Object keys keep their order.
    public func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    /// The JSON text, with the numbers of members named in `realKeys` (at any depth) written as
    /// reals (`60.0`).
    public func serialized(realKeys: Set<String>) -> String {
        var out = ""
        write(to: &out, realKeys: realKeys)
        return out
    }

    /// Appends the JSON text to `out`, the numbers of members named in `realKeys` as reals.
    public func write(to out: inout String, realKeys: Set<String>) {
        var bytes: [UInt8] = []
        write(to: &bytes, realKeys: realKeys, piece: .max) { _ in }
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the compact JSON text to `out`, as `serialized()` writes it.
    public func write(to out: inout String) {
        write(to: &out, realKeys: [])
    }

    /// Writes the text `serialized(realKeys:)` gives, handing it to `body` in pieces of about
    /// `pieceSize` bytes (cut after an element of an array or a member of an object), so that a
    /// document of hundreds of megabytes is never held as one text: `gaps` on a country wrote
    /// 174 MB, and growing one string to that size touched twice as much fresh memory.
    public func write(realKeys: Set<String>, pieceSize: Int = 1 << 20, to body: (String) throws -> Void) throws {
        var failure: (any Error)? = nil
        var out: [UInt8] = []
        out.reserveCapacity(min(pieceSize, 1 << 20) + 4_096)
        let hand: (inout [UInt8]) -> Void = { bytes in
            if failure == nil {
                // Cut only after a whole element or member, so never inside a character.
                do { try body(String(decoding: bytes, as: UTF8.self)) } catch { failure = error }
            }
            bytes.removeAll(keepingCapacity: true)
        }
        write(to: &out, realKeys: realKeys, piece: pieceSize, flush: hand)
        if let failure { throw failure }
        if !out.isEmpty { try body(String(decoding: out, as: UTF8.self)) }
    }

    /// The writer, into UTF-8 bytes (appending small strings to a `String` cost 2.6 times as
    /// much: its capacity, count and flags are checked and updated at every append): after each
    /// element of an array and member of an object, `out` goes to `flush` once it holds `piece`
    /// bytes or more (`flush` empties it). With no `realKeys`, compact JSON as `serialized()`
    /// writes it. The text is that of `format(number:)`, `format(real:)` and `writeString`.
    func write(to out: inout [UInt8], realKeys: Set<String>, piece: Int, flush: (inout [UInt8]) -> Void) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .number(n): JSONValue.append(number: n, real: false, to: &out)
        case let .bigInteger(text): JSONValue.append(text, to: &out)
        case let .string(s): JSONValue.append(string: s, to: &out)
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out, realKeys: realKeys, piece: piece, flush: flush)
                if out.count >= piece { flush(&out) }
            }
            out.append(UInt8(ascii: "]"))
        case let .object(o):
            let anyReals = !realKeys.isEmpty
            out.append(UInt8(ascii: "{"))
            for (i, pair) in o.pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.append(string: pair.key, to: &out)
                out.append(UInt8(ascii: ":"))
                // The key looked up only for a number or an array (once), not for every member.
                if anyReals, case let .number(n) = pair.value, realKeys.contains(pair.key) {
                    JSONValue.append(number: n, real: true, to: &out)
                } else if anyReals, case let .array(items) = pair.value, realKeys.contains(pair.key), items.allSatisfy({ $0.numberValue != nil }) {
                    out.append(UInt8(ascii: "["))
                    for (k, item) in items.enumerated() {
                        if k > 0 { out.append(UInt8(ascii: ",")) }
                        JSONValue.append(number: item.numberValue!, real: true, to: &out)
                    }
                    out.append(UInt8(ascii: "]"))
                } else {
                    pair.value.write(to: &out, realKeys: realKeys, piece: piece, flush: flush)
                }
                if out.count >= piece { flush(&out) }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends a string's UTF-8 bytes.
    private static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Appends `format(number:)` (or `format(real:)` when `real`) of `n`, the integral values'
    /// digits without making a string.
    static func append(number n: Double, real: Bool, to out: inout [UInt8]) {
        guard n.isFinite else { return out.append(contentsOf: "null".utf8) }
        if n == n.rounded(), abs(n) < (real ? 1e15 : 9_007_199_254_740_992) {
            if n == 0 {
                out.append(UInt8(ascii: "0"))
            } else {
                let v = Int64(n)
                if v < 0 { out.append(UInt8(ascii: "-")) }
                var magnitude = v.magnitude
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
                    var i = digits.count
                    repeat {
                        i -= 1
                        digits[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                        magnitude /= 10
                    } while magnitude > 0
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i...]))
                }
            }
            if real { out.append(contentsOf: ".0".utf8) }
            return
        }
        append("\(n)", to: &out)
    }

    /// Appends `writeString`'s text: the string quoted, escaped where JSON needs it.
    static func append(string s: String, to out: inout [UInt8]) {
        // Most strings (ids, names, Chinese text) need no escape: their bytes appended whole.
        var s = s
        let plain = s.withUTF8 { bytes in
            if bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) { return false }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
            return true
        }
        if plain { return }
        var escaped = ""
        writeString(s, to: &escaped)
        append(escaped, to: &out)
    }

    /// Formats a finite number for JSON (non-finite values become null, which JSON can hold).
    public static func format(number n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 9_007_199_254_740_992 {
            return n == 0 ? "0" : String(Int64(n))
        }
        return "\(n)"
    }

    /// Formats a number that is a real quantity: always with a fraction or an exponent (`60.0`,
    /// `60.65`, `1e+16`), so that readers which type a field by its values see a real.
    public static func format(real n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 1e15 { return (n == 0 ? "0" : String(Int64(n))) + ".0" }
        return "\(n)"
    }

    /// The number `format(coordinate:decimals:)` writes, as a `Double`: what reading its text back
    /// gives, without the text. The text is `units / 10^decimals` written exactly (or the shortest
    /// round-trip form of `v` when `|v·10^decimals| ≥ 9e15`, which reads back as `v`), and dividing
    /// the exact integer `units` (below 2^53) by the exact power of ten rounds once to the nearest
    /// `Double`, as reading the text does (`GeoJSONGeometryReader.hasExcessivePrecision` relies on
    /// the same). Non-finite values come back unchanged (their text is `null`). `decimals` is 0 to
    /// 18, where `format(coordinate:)` can write the units (and 10^decimals is exact).
    public static func rounded(coordinate v: Double, decimals: Int = 7) -> Double {
        precondition((0...18).contains(decimals), "decimals must be 0 to 18")
        guard v.isFinite else { return v }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (v * scale).rounded()
        if abs(scaled) >= 9e15 { return v }
        // Zero is written "0", which reads back as +0.
        return scaled == 0 ? 0 : scaled / scale
    }

    /// Formats a coordinate value rounded to `decimals` places, without trailing zeros or exponent.
    public static func format(coordinate v: Double, decimals: Int = 7) -> String {
        guard v.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (v * scale).rounded()
        if abs(scaled) >= 9e15 { return format(number: v) }
        var units = Int64(scaled)
        let negative = units < 0
        if negative { units = -units }
        let whole = units / Int64(scale)
        var frac = units % Int64(scale)
        var text = (negative && units != 0 ? "-" : "") + String(whole)
        if frac != 0 {
            var digits = decimals
            while frac % 10 == 0 {
                frac /= 10
                digits -= 1
            }
            let f = String(frac)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        // Most strings (ids, names, Chinese text) need no escape: appended whole, not scalar by scalar.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}
