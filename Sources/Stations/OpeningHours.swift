/// When a station is open: always ("24h", or no `hours` at all) or during one or more daily ranges
/// "HH:MM-HH:MM[,HH:MM-HH:MM…]". A range includes its start and excludes its end; it may cross
/// midnight ("22:00-06:00"), and may end at "24:00". Ranges may not be empty or overlap; ranges
/// that together cover the whole day are the same as "24h".
public struct OpeningHours: Hashable, Sendable, CustomStringConvertible {
    /// One daily range in minutes since midnight: `start` 0 ..< 1440, `end` 1 ... 1440, and
    /// `end < start` for a range that crosses midnight.
    public struct Range: Hashable, Sendable, CustomStringConvertible {
        /// Minutes since midnight the range opens, 0 ..< 1440.
        public let start: Int
        /// Minutes since midnight the range closes (excluded), 1 ... 1440; before `start` when it crosses
        /// midnight.
        public let end: Int

        /// Whether the range runs past midnight into the next day ("22:00-06:00").
        public var crossesMidnight: Bool { end < start }

        /// Minutes open in a day.
        public var length: Int { crossesMidnight ? TimeOfDay.minutesPerDay - start + end : end - start }

        /// Whether `time` falls in the range: from `start` included to `end` excluded.
        public func contains(_ time: TimeOfDay) -> Bool {
            crossesMidnight ? (time.minutes >= start || time.minutes < end) : (time.minutes >= start && time.minutes < end)
        }

        /// "HH:MM-HH:MM".
        public var text: String { TimeOfDay.format(start) + "-" + TimeOfDay.format(end) }
        /// The same as `text`.
        public var description: String { text }

        /// The range as parts within one day, [a, b) with a < b.
        var dayParts: [(Int, Int)] { crossesMidnight ? [(start, TimeOfDay.minutesPerDay), (0, end)].filter { $0.0 < $0.1 } : [(start, end)] }
    }

    /// The ranges, by start; empty when always open.
    public let ranges: [Range]

    /// Open at every time of day.
    public static let always = OpeningHours(ranges: [])

    private init(ranges: [Range]) {
        self.ranges = ranges
    }

    /// Reads `24h` (also `24H`, `24小时`) or comma-separated ranges `HH:MM-HH:MM`. White space around
    /// the parts is ignored; Chinese full-width commas and colons and the dashes `–`, `~`, `～`, `至`
    /// are read as their ASCII forms. Anything else (an empty text, an empty part such as a trailing
    /// comma, a time like `8` or `25:00`, an empty range `10:00-10:00`, overlapping ranges) throws.
    public init(parsing text: String) throws(OpeningHoursError) {
        let whole = text.trimmingWhitespace()
        func fail(_ reason: OpeningHoursError.Reason) -> OpeningHoursError { OpeningHoursError(text: text, reason: reason) }
        if whole.isEmpty { throw fail(.empty) }
        if ["24h", "24小时", "24 h", "全天"].contains(whole.lowercased()) {
            self = .always
            return
        }
        var normalized = ""
        for ch in whole {
            switch ch {
            case "，", "；", ";", "、": normalized.append(",")
            case "：": normalized.append(":")
            case "–", "—", "~", "～", "至", "－": normalized.append("-")
            default: normalized.append(ch)
            }
        }
        let parts = normalized.split(separator: ",", omittingEmptySubsequences: false)
        var ranges: [Range] = []
        for (i, rawPart) in parts.enumerated() {
            let part = rawPart.trimmingWhitespace()
            if part.isEmpty {
                throw fail(.emptyPart(position: i + 1, of: parts.count))
            }
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2 else { throw fail(.notARange(part)) }
            let start = try Self.time(String(ends[0]), range: part, allowEndOfDay: false, text: text)
            let end = try Self.time(String(ends[1]), range: part, allowEndOfDay: true, text: text)
            if start == end { throw fail(.emptyRange(part)) }
            ranges.append(Range(start: start, end: end))
        }
        ranges.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        // Overlaps, checked on the parts of each range within one day.
        let pieces = ranges.flatMap { r in r.dayParts.map { (r, $0.0, $0.1) } }.sorted { ($0.1, $0.2) < ($1.1, $1.2) }
        for k in pieces.indices.dropFirst() where pieces[k].1 < pieces[k - 1].2 {
            throw fail(.overlap(pieces[k - 1].0.text, pieces[k].0.text))
        }
        let open = ranges.reduce(0) { $0 + $1.length }
        self = open == TimeOfDay.minutesPerDay ? .always : OpeningHours(ranges: ranges)
    }

    /// Minutes since midnight of one end of a range; "24:00" only as an end.
    private static func time(_ raw: String, range: String, allowEndOfDay: Bool, text: String) throws(OpeningHoursError) -> Int {
        let t = raw.trimmingWhitespace()
        if allowEndOfDay, let (h, m) = TimeOfDay.clock(t), h == 24, m == 0 { return TimeOfDay.minutesPerDay }
        do {
            return try TimeOfDay(parsing: t).minutes
        } catch {
            throw OpeningHoursError(text: text, reason: .badTime(range: range, error))
        }
    }

    /// Whether the station is open at `time`.
    public func isOpen(at time: TimeOfDay) -> Bool {
        ranges.isEmpty || ranges.contains { $0.contains(time) }
    }

    /// Minutes open within the hour starting at `hour` (0 ... 23): 60 when open all of it.
    public func minutesOpen(inHour hour: Int) -> Int {
        if ranges.isEmpty { return 60 }
        let a = hour * 60, b = a + 60
        var total = 0
        for r in ranges {
            for (s, e) in r.dayParts { total += max(0, min(b, e) - max(a, s)) }
        }
        return total
    }

    /// Whether the station is open at every time of day.
    public var isAlwaysOpen: Bool { ranges.isEmpty }

    /// "24h", or the ranges by start, "08:00-12:00,14:00-20:00".
    public var text: String { ranges.isEmpty ? "24h" : ranges.map(\.text).joined(separator: ",") }

    /// The same as `text`.
    public var description: String { text }
}

/// Opening hours that could not be read.
public struct OpeningHoursError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with the text.
    public enum Reason: Hashable, Sendable {
        /// The text is empty.
        case empty
        /// An empty part between commas, such as a trailing comma (1-based position of the part).
        case emptyPart(position: Int, of: Int)
        /// A part that is not "HH:MM-HH:MM".
        case notARange(String)
        /// An end of a range that is not a time.
        case badTime(range: String, TimeOfDayError)
        /// A range that starts where it ends.
        case emptyRange(String)
        /// Two ranges that share some time (their "HH:MM-HH:MM" texts).
        case overlap(String, String)
    }

    /// The text as given.
    public var text: String
    /// What is wrong.
    public var reason: Reason

    /// The message: the text, what is wrong with it and the form expected.
    public var description: String {
        let expected = "(expected 24h or HH:MM-HH:MM ranges separated by commas, e.g. 08:00-20:00 or 10:00-14:00,17:00-22:00)"
        switch reason {
        case .empty:
            return "hours is empty \(expected); leave hours out for a station that is always open"
        case let .emptyPart(position, count):
            let which = position == count ? "a trailing comma" : position == 1 ? "a leading comma" : "two commas in a row"
            return "hours \"\(text)\": \(which) (an empty range) \(expected)"
        case let .notARange(part):
            return "hours \"\(text)\": \"\(part)\" is not a range HH:MM-HH:MM \(expected)"
        case let .badTime(range, error):
            let detail: String
            switch error.reason {
            case .notHHMM: detail = "\"\(error.text.trimmingWhitespace())\" is not a time HH:MM"
            case let .hourOutOfRange(h): detail = "hour \(h) is outside 00-23 (24:00 may only end a range)"
            case let .minuteOutOfRange(m): detail = "minute \(m) is outside 00-59"
            }
            let place = range == text.trimmingWhitespace() ? "" : "in \"\(range)\", "
            return "hours \"\(text)\": \(place)\(detail) \(expected)"
        case let .emptyRange(part):
            return "hours \"\(text)\": \"\(part)\" is an empty range (it starts where it ends; write 24h for a station that never closes)"
        case let .overlap(a, b):
            return "hours \"\(text)\": the ranges \(a) and \(b) overlap"
        }
    }
}
