import ArgumentParser
import Geo
import Planning
import Stations

/// `--at`, `--stay-min` and `--visits-per-hour`: the moment a command looks at and how long riders rest.
struct TimeOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Time of day HH:MM: count only the stations open then and scale demand by the manifest's demand_profile for that hour (default: the peak, every station).")
    var at: String?

    @Option(name: .customLong("stay-min"), parsing: .unconditional, help: "Minutes a rider stays at a rest station per visit (default: the manifest's stay_min, else 20).", transform: FlagRange.stayMinutes.parse)
    var stayMin: Double?

    @Option(name: .customLong("visits-per-hour"), parsing: .unconditional, help: "Rest-station visits per rider an hour (default: the manifest's visits_per_hour, else 0.5).", transform: FlagRange.visits.parse)
    var visitsPerHour: Double?

    func validate() throws {
        if let at { _ = try parsedTime(at) }
        try FlagRange.stayMinutes.check("--stay-min", stayMin)
        try FlagRange.visits.check("--visits-per-hour", visitsPerHour)
    }

    /// Both flags given: more riders a seat than `QuantityLimits.ridersPerSeat` is a usage error
    /// (64) for a command that turns seats into riders (one flag given: checked with the
    /// manifest's other value on load). Commands that use no seats ignore it.
    func checkRidersPerSeat() throws {
        guard let stayMin, let visitsPerHour,
              let problem = QuantityLimits.ridersPerSeatProblem(stayMin: stayMin, visitsPerHour: visitsPerHour, stayName: "--stay-min", visitsName: "--visits-per-hour")
        else { return }
        throw CLIFailure(status: .usage, message: problem)
    }

    private func parsedTime(_ text: String) throws -> TimeOfDay {
        do {
            return try TimeOfDay(parsing: text)
        } catch {
            throw ValidationError("--at \(text): give a time HH:MM between 00:00 and 23:59")
        }
    }

    /// The options given, as flags with their values (for messages).
    var given: [String] {
        var out: [String] = []
        if let at { out.append("--at \(at)") }
        if let stayMin { out.append("--stay-min \(Num.flag(stayMin))") }
        if let visitsPerHour { out.append("--visits-per-hour \(Num.flag(visitsPerHour))") }
        return out
    }

    /// The time of `--at` (nil: the peak).
    var time: TimeOfDay? { at.flatMap { try? TimeOfDay(parsing: $0) } }

    /// Puts the rest-time overrides into a dataset source (the loader applies and checks them).
    func apply(to source: inout DatasetSource) {
        source.stayMin = stayMin
        source.visitsPerHour = visitsPerHour
    }

    /// The moment to plan for: riders per seat of the loaded manifest (overrides applied), open
    /// stations and demand factor at `--at`.
    func moment(_ data: Dataset) -> PlanningTime {
        PlanningTime(manifest: data.manifest, at: time)
    }

    /// A station filter narrowed to the stations open at `--at` (unchanged without it).
    func openFilter(_ base: PointIndex.Filter, _ data: Dataset) -> PointIndex.Filter {
        guard let at = time else { return base }
        return PointIndex.Filter(allowing: data.stations.map { $0.openingHours.isOpen(at: at) }, requiredBits: base.requiredBits, anyOfBits: base.anyOfBits)
    }
}
