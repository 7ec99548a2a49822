import ArgumentParser

/// The `nuanxin` command: station lookup, coverage and site planning for new-economy workers.
public struct Nuanxin: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "nuanxin",
        abstract: "Locate and plan stations for delivery riders, couriers and other new-economy workers.",
        discussion: """
        Without --data, commands use the default Changzhi dataset (geodata/changzhi).
        Exit codes: 0 success, 64 usage, 65 bad input data, 66 input missing or unreadable,
        73 cannot create output, 74 I/O error.
        """,
        version: Nuanxin.version,
        subcommands: [InfoCommand.self, ValidateCommand.self, CoverageCommand.self, LoadCommand.self, GapsCommand.self, ProposeCommand.self, AreasCommand.self, ExportCommand.self, ImportCommand.self, ConvertCommand.self, NearestCommand.self, WithinCommand.self, LocateCommand.self]
    )

    public init() {}
}
