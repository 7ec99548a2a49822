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
