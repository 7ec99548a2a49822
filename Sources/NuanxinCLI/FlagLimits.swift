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
        // The grammar the readers of files use (`FieldValues.isDecimal`).
        guard FieldValues.isDecimal(text) else {
            throw ValidationError("not a decimal number (digits with an optional sign, point and exponent, e.g. 113.1, -2.5 or 1e3)")
        }
        guard let value = Double(text), value.isFinite else {
            throw ValidationError("too large a number")
        }
        return value
    }
}
