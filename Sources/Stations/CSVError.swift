/// A problem with a CSV file, with the 1-based line it was found on and a message for a person.
///
/// `description` reads "line 12: ...", so the caller only has to put the file name in front.
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, for callers that react differently to each (exit codes, tests).
    public enum Reason: Equatable, Sendable {
        /// A quoted field is still open at the end of the file.
        case unterminatedQuote
        /// A quote inside an unquoted field, or text after the closing quote of a quoted field.
        case strayQuote
        /// Bytes that are not UTF-8 (typically GBK from an old Excel), or a UTF-16 file.
        case invalidUTF8
        /// A record longer than the reader's limit.
        case recordTooLong
        /// Two header names that mean the same column (or the same header twice).
        case duplicateColumn
        /// The operating system refused to read or write the file.
        case io
    }

    /// What went wrong.
    public var reason: Reason
    /// The 1-based line of the file (or, for a writer, the 1-based row being written).
    public var line: Int
    /// A sentence that says what is wrong and, where possible, how to fix it.
    public var message: String

    /// An error of `reason` found on `line`, explained by `message`.
    public init(_ reason: Reason, line: Int, message: String) {
        self.reason = reason
        self.line = line
        self.message = message
    }

    /// "line 12: message".
    public var description: String { "line \(line): \(message)" }
}
