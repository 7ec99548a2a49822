import ArgumentParser
import Geo
import Stations

/// The range of a decimal flag and the words its checks say, in one place for both checks: the
/// one after parsing (`check`: `--radius 5000000`) and the reading of a number beyond Double's
/// range (`parse`: `1e999` is above every limit, `-1e999` below every lower bound), so that both
/// name the same limit. Beyond its limits a flag is a usage error (64) naming the flag.
struct FlagRange: Sendable {
    /// The lowest value allowed, itself allowed when `includesMinimum`.
    var minimum: Double
    var includesMinimum: Bool
    /// The highest value allowed (`QuantityLimits`), nil when there is none.
    var maximum: Double?
    /// Said after the flag's name of a value below the range: "must be a distance in metres ≥ 0".
    var tooSmall: String
    /// Said after the flag's name and value of one above it: "more than the limit of 1000000 m
    /// (1,000 km)".
    var tooLarge: String?

    /// A distance in metres ≥ 0, at most `QuantityLimits.distanceM` (1,000 km).
    static let distance = FlagRange(minimum: 0, includesMinimum: true, maximum: QuantityLimits.distanceM,
                                    tooSmall: "must be a distance in metres ≥ 0", tooLarge: distanceLimit)
    /// A service radius: a distance above 0.
    static let positiveDistance = FlagRange(minimum: 0, includesMinimum: false, maximum: QuantityLimits.distanceM,
                                            tooSmall: "must be a positive distance in metres", tooLarge: distanceLimit)
    /// A grid cell or spacing: at least 10 metres.
    static let cell = FlagRange(minimum: 10, includesMinimum: true, maximum: QuantityLimits.distanceM,
                                tooSmall: "must be at least 10 metres", tooLarge: distanceLimit)
    /// A threshold in riders above 0, without an upper limit.
    static let positiveRiders = FlagRange(minimum: 0, includesMinimum: false, maximum: nil, tooSmall: "must be a positive number of riders", tooLarge: nil)
    /// A number of riders ≥ 0, without an upper limit.
    static let riders = FlagRange(minimum: 0, includesMinimum: true, maximum: nil, tooSmall: "must be a number of riders ≥ 0", tooLarge: nil)
    /// Minutes a visit: above 0, at most a day.
    static let stayMinutes = FlagRange(minimum: 0, includesMinimum: false, maximum: QuantityLimits.stayMin,
                                       tooSmall: "must be a positive number of minutes",
                                       tooLarge: "more than the limit of \(Num.flag(QuantityLimits.stayMin)) minutes (a day)")
    /// Visits an hour: above 0, at most one a minute.
    static let visits = FlagRange(minimum: 0, includesMinimum: false, maximum: QuantityLimits.visitsPerHour,
                                  tooSmall: "must be a positive number",
                                  tooLarge: "more than the limit of \(Num.flag(QuantityLimits.visitsPerHour)) visits an hour (one a minute)")
    /// A percentage, 0 to 100.
    static let percentage = FlagRange(minimum: 0, includesMinimum: true, maximum: 100,
                                      tooSmall: "must be a percentage between 0 and 100", tooLarge: "more than 100 (a percentage between 0 and 100)")
    /// Money: above 0, at most `QuantityLimits.yuan`.
    static let yuan = FlagRange(minimum: 0, includesMinimum: false, maximum: QuantityLimits.yuan,
                                tooSmall: "must be a number of yuan greater than 0",
                                tooLarge: "more than the limit of \(Num.flag(QuantityLimits.yuan)) yuan")
    /// A longitude, -180 to 180 (checked by `QueryPointOptions` and `convert`, which print the value).
    static let longitude = FlagRange(minimum: -180, includesMinimum: true, maximum: 180, tooSmall: "outside -180...180", tooLarge: "outside -180...180")
    /// A latitude, -90 to 90.
    static let latitude = FlagRange(minimum: -90, includesMinimum: true, maximum: 90, tooSmall: "outside -90...90", tooLarge: "outside -90...90")

    static let distanceLimit = "more than the limit of \(Int(QuantityLimits.distanceM)) m (1,000 km)"

    /// Throws the usage error of `value` (when given) outside the range: "`name` `tooSmall`" below
    /// it, "`name` `value` is `tooLarge`" above it.
    func check(_ name: String, _ value: Double?) throws {
        guard let value else { return }
        guard includesMinimum ? value >= minimum : value > minimum else { throw ValidationError("\(name) \(tooSmall)") }
        if let maximum, let tooLarge, !(value <= maximum) { throw ValidationError("\(name) \(Num.flag(value)) is \(tooLarge)") }
    }

    /// Reads the flag's text (`DecimalFlag.read`'s grammar). A decimal number beyond Double's
    /// range is refused with the words of the range it leaves: `--radius 1e999` is "more than
    /// the limit of 1000000 m (1,000 km)" as `--radius 5000000` is, `--radius -1e999` "must be a
    /// positive distance in metres"; a flag without an upper limit says "too large a number".
    func parse(_ text: String) throws -> Double {
        let value = try DecimalFlag.read(text)
        guard value.isFinite else {
            if value < 0 { throw ValidationError(tooSmall) }
            throw ValidationError(tooLarge ?? "too large a number (the largest is about 1.8e308)")
        }
        return value
    }
}

/// What a numeric flag accepts: a decimal number, with an optional sign, decimal point and
/// exponent (`113.1`, `-2.5`, `+3`, `.5`, `1e3`). Swift's own reading of a Double also takes
/// hexadecimal (`0x10` is 16), `nan` and `inf`: a typo must not become a coordinate or a radius,
/// so those are a usage error (64) naming the flag and the value (ArgumentParser adds both).
enum DecimalFlag {
    /// The number, or ±infinity for a decimal number beyond Double's range (the flag's
    /// `FlagRange.parse` says which limit that passes).
    static func read(_ text: String) throws -> Double {
        // The grammar the readers of files use (`FieldValues.isDecimal`).
        guard FieldValues.isDecimal(text) else {
            throw ValidationError("not a decimal number (digits with an optional sign, point and exponent, e.g. 113.1, -2.5 or 1e3)")
        }
        // Digits beyond Double's range read as ±infinity.
        return Double(text) ?? (text.hasPrefix("-") ? -.infinity : .infinity)
    }
}

/// The range of a whole-number flag, as `FlagRange` is for a decimal one: digits with an optional
/// sign (`3`, `+3`, `-1`). A number beyond Int's range is refused with the words of the range it
/// leaves (`--seats 99999999999999999999` is "more than the limit of 100000 seats", as `--seats
/// 200000` is; `-99999999999999999999` says what `-1` says), where the parser alone said only
/// that the value is invalid. The range itself is checked by each command's `validate`.
struct IntegerFlag: Sendable {
    /// Said of a value below the range ("must be at least 1"), as the command's check says it.
    var tooSmall: String
    /// Said of a value above it, nil when the flag has no upper limit ("too large a number").
    var tooLarge: String? = nil

    static let atLeastOne = IntegerFlag(tooSmall: "must be at least 1")
    static let atLeastZero = IntegerFlag(tooSmall: "must be ≥ 0")
    static let seats = IntegerFlag(tooSmall: "must be at least 1", tooLarge: "more than the limit of \(QuantityLimits.seats) seats")

    func parse(_ text: String) throws -> Int {
        let unsigned = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
        guard !unsigned.isEmpty, unsigned.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValidationError("not a whole number (digits with an optional sign, e.g. 3)")
        }
        if let value = Int(text) { return value }
        if text.hasPrefix("-") { throw ValidationError(tooSmall) }
        throw ValidationError(tooLarge ?? "too large a number (the largest is \(Int.max))")
    }
}
