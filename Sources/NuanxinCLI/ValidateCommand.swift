import ArgumentParser
import Geo
import Stations

/// `nuanxin validate`: every problem in the dataset, with file, feature index and id.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "List every problem in the dataset with file, feature index and id; exit 65 if any is an error."
    )

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let format = try output.resolved(supported: [.table, .json])
        let source = try dataset.source()
        let (issues, missing) = DatasetLoader.validate(source)
        let errors = issues.filter { $0.severity == .error }.count
        let warnings = issues.count - errors
        switch format {
        case .json:
            let list = issues.map { i -> JSONValue in
                var pairs: [(String, JSONValue)] = [("severity", .string(i.severity.rawValue)), ("file", .string(i.file))]
                if let f = i.featureIndex { pairs.append(("feature", .number(Double(f)))) }
                if let id = i.featureID { pairs.append(("id", .string(id))) }
                if let l = i.line { pairs.append(("line", .number(Double(l)))) }
                pairs.append(("message", .string(i.message)))
                return .object(JSONObject(pairs))
            }
            let doc = JSONValue.object(JSONObject([("dataset", .string(source.folder)), ("errors", .number(Double(errors))),
                                                  ("warnings", .number(Double(warnings))), ("issues", .array(list))]))
            try output.emit(doc.serialized() + "\n")
        default:
            var text = issues.map(\.description).joined(separator: "\n")
            if !text.isEmpty { text += "\n" }
            text += "\(source.folder): \(errors) error(s), \(warnings) warning(s)\n"
            try output.emit(text)
        }
        if errors > 0 {
            throw CLIFailure(status: missing ? .noInput : .dataError, message: "validation failed: \(errors) error(s)")
        }
    }
}
