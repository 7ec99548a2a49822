// TEMPORARY: a stand-in for the Stations time model (TimeOfDay, OpeningHours, manifest fields)
// that branch `model` builds with the same names; removed when that branch is merged.
import Geo

public enum TimeOfDayError: Error, Sendable, CustomStringConvertible {
    case invalid(String)
    public var description: String { if case let .invalid(t) = self { return "\(t): give a time HH:MM from 00:00 to 23:59" }; return "" }
}

public enum OpeningHoursError: Error, Sendable { case invalid(String) }

public struct TimeOfDay: Hashable, Comparable, Sendable {
    public let minutes: Int
    public init?(minutes: Int) {
        guard (0..<1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }
    public init(parsing text: String) throws(TimeOfDayError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else {
            throw .invalid(text)
        }
        minutes = h * 60 + m
    }
    public var hour: Int { minutes / 60 }
    public var text: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.minutes < b.minutes }
}

public struct OpeningHours: Hashable, Sendable {
    var ranges: [(Int, Int)]
    public static let always = OpeningHours(ranges: [(0, 1440)])
    init(ranges: [(Int, Int)]) { self.ranges = ranges }
    public init(parsing text: String) throws(OpeningHoursError) {
        if text == "24h" { self = .always; return }
        var out: [(Int, Int)] = []
        for r in text.split(separator: ",") {
            let ends = r.split(separator: "-")
            guard ends.count == 2, let a = try? TimeOfDay(parsing: String(ends[0])), let b = try? TimeOfDay(parsing: String(ends[1])) else { throw .invalid(text) }
            out.append((a.minutes, b.minutes))
        }
        ranges = out
    }
    public func isOpen(at time: TimeOfDay) -> Bool {
        let t = time.minutes
        return ranges.contains { a, b in a <= b ? (t >= a && t < b) || (a == 0 && b == 1440) : (t >= a || t < b) }
    }
    public var isAlwaysOpen: Bool { ranges.count == 1 && ranges[0] == (0, 1440) }
    public var text: String { isAlwaysOpen ? "24h" : "ranges" }
    public static func == (a: OpeningHours, b: OpeningHours) -> Bool { a.ranges.map { [$0.0, $0.1] } == b.ranges.map { [$0.0, $0.1] } }
    public func hash(into h: inout Hasher) { h.combine(ranges.map { [$0.0, $0.1] }) }
}

extension Station {
    public var openingHours: OpeningHours { hours.flatMap { try? OpeningHours(parsing: $0) } ?? .always }
    public func offers(_ service: StationService) -> Bool { services.contains(service) }
}

public struct SiteCost: Hashable, Sendable { public var fixed: Double; public var perSeat: Double }

extension Manifest {
    func number(_ key: String) -> Double? { if case let .number(v)? = properties[key] { return v }; return nil }
    public var stayMin: Double { number("stay_min") ?? 20 }
    public var visitsPerHour: Double { number("visits_per_hour") ?? 0.5 }
    public var ridersPerSeat: Double { 60 / (stayMin * visitsPerHour) }
    public var demandProfile: [Double] { Manifest.defaultDemandProfile }
    public static let defaultDemandProfile: [Double] = [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.35, 0.5, 0.55, 0.7, 1, 1, 0.8, 0.55, 0.5, 0.6, 0.85, 0.95, 0.8, 0.6, 0.45, 0.3, 0.2]
}

extension DatasetSource {
    public var stayMin: Double? { get { nil } set { _ = newValue } }
    public var visitsPerHour: Double? { get { nil } set { _ = newValue } }
}

extension District {
    public var radiusM: Double? { if case let .number(v)? = properties["radius_m"] { return v }; return nil }
}
