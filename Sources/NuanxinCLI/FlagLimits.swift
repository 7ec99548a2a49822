import ArgumentParser
import Geo
import Stations

/// Upper limits of numeric flags (`QuantityLimits`): beyond them a flag is a usage error (64)
/// that names the flag and the limit, instead of an overflow later on.
enum FlagLimits {
    /// A distance in metres: at most `QuantityLimits.distanceM` (1,000 km; infinity is beyond it).
    static func distance(_ name: String, _ value: Double) throws {
        guard value <= QuantityLimits.distanceM else {
            throw ValidationError("\(name) \(Num.flag(value)) is more than the limit of \(Int(QuantityLimits.distanceM)) m (1,000 km)")
        }
    }
}

/// What a numeric flag accepts: a decimal number, with an optional sign, decimal point and
/// exponent (`113.1`, `-2.5`, `+3`, `.5`, `1e3`). Swift's own reading of a Double also takes
/// hexadecimal (`0x10` is 16), `nan` and `inf`: a typo must not become a coordinate or a radius,
/// so those are a usage error (64) naming the flag and the value (ArgumentParser adds both).
enum DecimalFlag {
    static func parse(_ text: String) throws -> Double {
        guard isDecimal(text) else {
            throw ValidationError("not a decimal number (digits with an optional sign, point and exponent, e.g. 113.1, -2.5 or 1e3)")
        }
        guard let value = Double(text), value.isFinite else {
            throw ValidationError("too large a number")
        }
        return value
    }

    /// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, ASCII digits only.
    static func isDecimal(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        func digits() -> Int {
            var n = 0
            while let b = bytes.first, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { bytes.removeFirst(); n += 1 }
            return n
        }
        if let b = bytes.first, b == UInt8(ascii: "+") || b == UInt8(ascii: "-") { bytes.removeFirst() }
        var mantissa = digits()
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if let b = bytes.first, b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
            bytes.removeFirst()
            if let s = bytes.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { bytes.removeFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
