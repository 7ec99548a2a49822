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
        write(to: &out, realKeys: realKeys, piece: .max) { _ in }
    }

    /// Appends the compact JSON text to `out`, as `serialized()` writes it.
    public func write(to out: inout String) {
        write(to: &out, realKeys: [], piece: .max) { _ in }
    }

    /// Writes the text `serialized(realKeys:)` gives, handing it to `body` in pieces of about
    /// `pieceSize` bytes (cut after an element of an array or a member of an object), so that a
    /// document of hundreds of megabytes is never held as one text: `gaps` on a country wrote
    /// 174 MB, and growing one string to that size touched twice as much fresh memory.
    public func write(realKeys: Set<String>, pieceSize: Int = 1 << 20, to body: (String) throws -> Void) throws {
        var failure: (any Error)? = nil
        var out = ""
        let hand: (inout String) -> Void = { text in
            if failure == nil {
                do { try body(text) } catch { failure = error }
            }
            text.removeAll(keepingCapacity: true)
        }
        write(to: &out, realKeys: realKeys, piece: pieceSize, flush: hand)
        if let failure { throw failure }
        if !out.isEmpty { try body(out) }
    }

    /// The writer: after each element of an array and member of an object, `out` goes to `flush`
    /// once it holds `piece` bytes or more (`flush` empties it). With no `realKeys`, compact JSON
    /// as `serialized()` writes it.
    func write(to out: inout String, realKeys: Set<String>, piece: Int, flush: (inout String) -> Void) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .number(n): out += JSONValue.format(number: n)
        case let .bigInteger(text): out += text
        case let .string(s): JSONValue.writeString(s, to: &out)
        case let .array(items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out, realKeys: realKeys, piece: piece, flush: flush)
                if out.utf8.count >= piece { flush(&out) }
            }
            out += "]"
        case let .object(o):
            let anyReals = !realKeys.isEmpty
            out += "{"
            for (i, pair) in o.pairs.enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeString(pair.key, to: &out)
                out += ":"
                // The key looked up only for a number or an array (once), not for every member.
                if anyReals, case let .number(n) = pair.value, realKeys.contains(pair.key) {
                    out += JSONValue.format(real: n)
                } else if anyReals, case let .array(items) = pair.value, realKeys.contains(pair.key), items.allSatisfy({ $0.numberValue != nil }) {
                    out += "[" + items.map { JSONValue.format(real: $0.numberValue!) }.joined(separator: ",") + "]"
                } else {
                    pair.value.write(to: &out, realKeys: realKeys, piece: piece, flush: flush)
                }
                if out.utf8.count >= piece { flush(&out) }
            }
            out += "}"
        }
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
