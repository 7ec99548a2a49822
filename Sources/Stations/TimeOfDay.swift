/// A time of day to the minute: 00:00 ... 23:59, as minutes since midnight.
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Minutes since midnight, 0 ..< 1440.
    public let minutes: Int

    /// Minutes in a day: 1440.
    public static let minutesPerDay = 1440

    /// A time from minutes since midnight; nil outside 0 ..< 1440.
    public init?(minutes: Int) {
        guard (0 ..< Self.minutesPerDay).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// The start of an hour, 0 ... 23.
    public init?(hour: Int) {
        self.init(minutes: hour * 60)
    }

    /// Reads "HH:MM" (also "H:MM"): hours 0-23, minutes 0-59. "24:30", "8", "8:5" and "08:00 " with
    /// other text around it are errors; white space around the whole is ignored.
    public init(parsing text: String) throws(TimeOfDayError) {
        guard let (h, m) = Self.clock(text) else { throw TimeOfDayError(text: text, reason: .notHHMM) }
        guard h < 24 else { throw TimeOfDayError(text: text, reason: .hourOutOfRange(h)) }
        guard m < 60 else { throw TimeOfDayError(text: text, reason: .minuteOutOfRange(m)) }
        minutes = h * 60 + m
    }

    /// The hour and minute of "H:MM" or "HH:MM" without range checks, or nil when the text has
    /// another shape.
    static func clock(_ text: String) -> (hour: Int, minute: Int)? {
        let t = text.trimmingWhitespace()
        let parts = t.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let hh = parts[0], mm = parts[1]
        guard (1 ... 2).contains(hh.count), mm.count == 2,
              hh.allSatisfy(\.isASCIIDigit), mm.allSatisfy(\.isASCIIDigit),
              let h = Int(hh), let m = Int(mm) else { return nil }
        return (h, m)
    }

    /// The hour, 0 ... 23.
    public var hour: Int { minutes / 60 }

    /// "HH:MM".
    public var text: String { Self.format(minutes) }

    /// The same as `text`.
    public var description: String { text }

    /// Whether `a` is earlier in the day than `b`.
    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.minutes < b.minutes }

    /// "HH:MM" for 0 ... 1440 minutes (1440 is "24:00", the end of a day in opening hours).
    static func format(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }
}

/// A time of day that could not be read.
public struct TimeOfDayError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with the text.
    public enum Reason: Hashable, Sendable {
        /// Not of the form HH:MM.
        case notHHMM
        /// An hour of 24 or more.
        case hourOutOfRange(Int)
        /// A minute of 60 or more.
        case minuteOutOfRange(Int)
    }

    /// The text as given.
    public var text: String
    /// What is wrong.
    public var reason: Reason

    /// The message: the text as given and what is wrong with it.
    public var description: String {
        switch reason {
        case .notHHMM: return "\"\(text)\" is not a time of day (HH:MM, 00:00 to 23:59)"
        case let .hourOutOfRange(h): return "\"\(text)\": hour \(h) is outside 00-23 (times run from 00:00 to 23:59)"
        case let .minuteOutOfRange(m): return "\"\(text)\": minute \(m) is outside 00-59"
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    /// Without surrounding white space (ASCII and ideographic).
    func trimmingWhitespace() -> String {
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first ... last])
    }
}
