import Geo

/// A problem in the input, located by file and feature (index and id) or CSV line.
public struct DatasetIssue: Hashable, Sendable, CustomStringConvertible {
    /// Whether an issue stops loading (`error`) or is only reported (`warning`).
    public enum Severity: String, Hashable, Sendable, Codable {
        /// An error stops loading; a warning is reported and loading goes on.
        case error, warning
    }

    /// Whether the issue stops loading.
    public var severity: Severity
    /// The file's name as the user gave it (or the layer's file name inside the dataset folder).
    public var file: String
    /// 0-based feature index in the file.
    public var featureIndex: Int?
    /// The feature's id, nil when it has none or the issue is about the whole file.
    public var featureID: String?
    /// 1-based line, for CSV and NDJSON input.
    public var line: Int?
    /// What is wrong, for a person.
    public var message: String

    /// An issue of `severity` in `file`, located by feature index, id or line when given.
    public init(_ severity: Severity, file: String, featureIndex: Int? = nil, featureID: String? = nil, line: Int? = nil, _ message: String) {
        self.severity = severity
        self.file = file
        self.featureIndex = featureIndex
        self.featureID = featureID
        self.line = line
        self.message = message
    }

    init(_ issue: GeoJSONIssue, file: String) {
        self.init(issue.severity == .error ? .error : .warning, file: file, featureIndex: issue.featureIndex, featureID: issue.featureID, issue.message)
    }

    /// "stations.geojson: feature 3 (id st-9): unknown kind ..." / "import.csv: line 7: ...".
    public var description: String {
        var where_ = file
        if let line { where_ += ": line \(line)" }
        if let featureIndex { where_ += ": feature \(featureIndex)" }
        if let featureID { where_ += (featureIndex == nil && line == nil ? ": " : " ") + "(id \(featureID))" }
        return "\(where_): \(severity == .warning ? "warning: " : "")\(message)"
    }
}

/// Loading stopped: the issues say why. `missingInput` is set when a file could not be found or
/// read (exit 66) rather than being bad (exit 65).
public struct DatasetError: Error, Sendable, CustomStringConvertible {
    public var issues: [DatasetIssue]
    public var missingInput: Bool

    public init(issues: [DatasetIssue], missingInput: Bool = false) {
        self.issues = issues
        self.missingInput = missingInput
    }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
