#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif
import Foundation

/// The byte layout of a CSV file a `CSVWriter` writes.
public struct CSVFormat: Equatable, Sendable {
    /// Whether the file starts with a UTF-8 byte order mark (Excel needs it to read UTF-8).
    public var byteOrderMark: Bool
    /// Whether lines end with CRLF (RFC 4180, Excel) or LF (Unix tools).
    public var crlf: Bool
    /// Whether a text field that a spreadsheet would run as a formula (it starts with `=`, `+`,
    /// `-`, `@`, a tab or a CR) is written with a `'` in front, which spreadsheets read as "text".
    /// A field that is a plain decimal number (`-3.5`, `+2`, `-1e-3`) is a number, not text, and
    /// is written as it is.
    public var escapesFormulas: Bool

    /// A layout with or without a byte order mark, with CRLF or LF line ends, with or without
    /// formula escaping.
    public init(byteOrderMark: Bool, crlf: Bool, escapesFormulas: Bool = false) {
        self.byteOrderMark = byteOrderMark
        self.crlf = crlf
        self.escapesFormulas = escapesFormulas
    }

    /// For spreadsheets: a BOM so that Excel reads UTF-8 (Chinese text) correctly, CRLF line ends,
    /// formulas escaped (CSV injection).
    public static let excel = CSVFormat(byteOrderMark: true, crlf: true, escapesFormulas: true)
    /// For scripts and pipes: no BOM, LF line ends, every field exactly as given.
    public static let machine = CSVFormat(byteOrderMark: false, crlf: false)

    /// The first bytes that make a spreadsheet read a cell as a formula: `=`, `+`, `-`, `@`, tab, CR.
    static func startsFormula(_ first: UInt8) -> Bool {
        first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D
    }

    /// Whether `utf8` is a plain decimal number: an optional sign, digits with an optional
    /// fraction, an optional exponent. (Not `Double(_:)`, which also takes "-inf" and hex.)
    /// `text` as a number when it is a plain decimal number (`isPlainNumber`) and finite: not
    /// hexadecimal (`0x10`, which `Double(_:)` reads as 16), `nan` or `inf`.
    static func decimal<S: StringProtocol>(_ text: S) -> Double? {
        guard isPlainNumber(text.utf8), let n = Double(String(text)), n.isFinite else { return nil }
        return n
    }

    static func isPlainNumber<C: Collection>(_ utf8: C) -> Bool where C.Element == UInt8 {
        var i = utf8.startIndex
        func digits() -> Int {
            var n = 0
            while i != utf8.endIndex, (0x30 ... 0x39).contains(utf8[i]) { n += 1; i = utf8.index(after: i) }
            return n
        }
        if i != utf8.endIndex, utf8[i] == 0x2B || utf8[i] == 0x2D { i = utf8.index(after: i) }
        var mantissa = digits()
        if i != utf8.endIndex, utf8[i] == 0x2E {
            i = utf8.index(after: i)
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if i != utf8.endIndex, utf8[i] == 0x65 || utf8[i] == 0x45 {
            i = utf8.index(after: i)
            if i != utf8.endIndex, utf8[i] == 0x2B || utf8[i] == 0x2D { i = utf8.index(after: i) }
            guard digits() > 0 else { return false }
        }
        return i == utf8.endIndex
    }

    /// Whether `utf8` gets a `'` in front: a spreadsheet would run it as a formula, once any `'`
    /// in front of it is removed. (So `'=x` becomes `''=x`, and removing one `'` on reading
    /// always gives the text back.)
    public static func needsFormulaEscape<C: Collection>(_ utf8: C) -> Bool where C.Element == UInt8 {
        let rest = utf8.drop { $0 == 0x27 }
        guard let first = rest.first, startsFormula(first) else { return false }
        return !isPlainNumber(rest)
    }
}

/// Writes RFC 4180 CSV, to memory or streamed through a buffer to a file handle (standard output
/// included). A field is quoted only when it must be: when it holds a comma, a quote, a CR or an LF,
/// or starts or ends with a space or tab (which spreadsheets would otherwise trim). Numbers are
/// written with a '.' whatever the locale. In a format for spreadsheets (`escapesFormulas`) a text
/// field that starts like a formula gets a `'` in front (see `CSVFormat.escapesFormulas`).
///
/// Write a row either at once with `writeRow(_:)` or field by field with `write(_:)` and `endRow()`.
/// A row of one empty field is written as `""` (a blank line would be skipped by readers); a row
/// of no fields is a blank line.
/// A file-handle writer sends its buffer when it fills and on `flush()`; call `flush()` at the end.
public final class CSVWriter {
    private let fileHandle: FileHandle?
    private let bufferSize: Int
    private var encoder: CSVRowEncoder

    /// A writer that sends its output to `fileHandle` whenever `bufferSize` bytes are waiting.
    /// The handle is not closed.
    public init(fileHandle: FileHandle, format: CSVFormat = .machine, bufferSize: Int = 1 << 16) {
        precondition(bufferSize > 0, "buffer size must be positive")
        self.fileHandle = fileHandle
        self.bufferSize = bufferSize
        encoder = CSVRowEncoder(format: format, capacity: bufferSize + 1024)
    }

    /// A writer that keeps its output in memory, in `bytes`.
    public init(format: CSVFormat = .excel) {
        fileHandle = nil
        bufferSize = .max
        encoder = CSVRowEncoder(format: format, capacity: 0)
    }

    /// Encodes whole rows in memory.
    public static func encode(_ rows: [[String]], format: CSVFormat = .excel) -> [UInt8] {
        var encoder = CSVRowEncoder(format: format, capacity: 0)
        for row in rows {
            for field in row { encoder.write(field) }
            encoder.endRow()
        }
        return encoder.buffer
    }

    /// Appends one field to `bytes` as a row of `format` would hold it (quoted, or escaped when
    /// the format escapes formulas), without a separator or line end: for callers that build
    /// rows byte by byte.
    public static func appendField(_ field: String, format: CSVFormat, to bytes: inout [UInt8]) {
        var encoder = CSVRowEncoder(format: CSVFormat(byteOrderMark: false, crlf: format.crlf, escapesFormulas: format.escapesFormulas), capacity: 0)
        swap(&encoder.buffer, &bytes)
        encoder.write(field)
        swap(&encoder.buffer, &bytes)
    }

    /// Everything written so far that has not been sent to the file handle (for an in-memory
    /// writer: all of it, BOM included).
    public var bytes: [UInt8] { encoder.buffer }

    /// Adds a text field to the current row, quoted if need be.
    public func write(_ field: String) { encoder.write(field) }

    /// Adds an integer field.
    public func write(_ value: Int) { encoder.write(value) }

    /// Adds a number field: with `fractionDigits` (0 to 9) digits after the point, rounded half
    /// away from zero, or by default in the shortest form that reads back as the same `Double`.
    /// NaN and infinities are written as empty fields.
    public func write(_ value: Double, fractionDigits: Int? = nil) {
        if let fractionDigits { precondition((0 ... 9).contains(fractionDigits), "fractionDigits must be 0 to 9") }
        encoder.write(value, fractionDigits: fractionDigits)
    }

    /// Ends the current row, sending the buffer to the file handle when it is full.
    public func endRow() throws(CSVError) {
        encoder.endRow()
        if encoder.buffer.count >= bufferSize { try flush() }
    }

    /// Writes a whole row.
    public func writeRow(_ fields: [String]) throws(CSVError) {
        for field in fields { encoder.write(field) }
        try endRow()
    }

    /// Sends what is buffered to the file handle (nothing to do for an in-memory writer).
    public func flush() throws(CSVError) {
        guard let fileHandle, !encoder.buffer.isEmpty else { return }
        let fd = fileHandle.fileDescriptor
        let failure: Int32? = encoder.buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if n >= 0 { offset += n; continue }
                if errno == EINTR { continue }
                return errno
            }
            return nil
        }
        if let failure {
            throw CSVError(.io, line: encoder.rowsWritten, message: "cannot write the CSV output: \(String(cString: strerror(failure)))")
        }
        encoder.buffer.removeAll(keepingCapacity: true)
    }
}

/// Encodes fields and rows into a byte buffer. A struct, so that appending is checked statically
/// (class properties cost a dynamic exclusivity check per access).
private struct CSVRowEncoder {
    private static let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
    private static let space: UInt8 = 0x20, tab: UInt8 = 0x09, apostrophe: UInt8 = 0x27

    private let crlf: Bool
    private let escapesFormulas: Bool
    var buffer: [UInt8] = []
    private(set) var rowsWritten = 0
    private var fieldsInRow = 0
    /// Where the current row starts in `buffer`.
    private var rowStart = 0

    init(format: CSVFormat, capacity: Int) {
        crlf = format.crlf
        escapesFormulas = format.escapesFormulas
        buffer.reserveCapacity(capacity)
        if format.byteOrderMark { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
    }

    mutating func write(_ field: String) {
        separate()
        var field = field
        field.withUTF8 { utf8 in
            let escape = escapesFormulas && CSVFormat.needsFormulaEscape(utf8)
            guard escape || Self.needsQuotes(utf8) else {
                buffer.append(contentsOf: utf8)
                return
            }
            // With the ' in front the field no longer starts with a tab; it still needs quotes
            // for a comma, a quote, a line break or a trailing space.
            guard !escape || Self.needsQuotes(utf8, fromFirst: false) else {
                buffer.append(Self.apostrophe)
                buffer.append(contentsOf: utf8)
                return
            }
            buffer.append(Self.quote)
            if escape { buffer.append(Self.apostrophe) }
            for byte in utf8 {
                buffer.append(byte)
                if byte == Self.quote { buffer.append(Self.quote) }
            }
            buffer.append(Self.quote)
        }
    }

    mutating func write(_ value: Int) {
        separate()
        appendDecimal(value)
    }

    mutating func write(_ value: Double, fractionDigits: Int?) {
        separate()
        guard value.isFinite else { return }
        guard let digits = fractionDigits else {
            buffer.append(contentsOf: value.description.utf8)
            return
        }
        var scale = 1
        for _ in 0 ..< digits { scale *= 10 }
        let scaled = (value.magnitude * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e15 else {
            buffer.append(contentsOf: value.description.utf8)
            return
        }
        let units = Int(scaled)
        if value < 0 && units != 0 { buffer.append(0x2D) }
        appendDecimal(units / scale)
        if digits > 0 {
            buffer.append(0x2E)
            var fraction = units % scale
            var divisor = scale / 10
            while divisor > 0 {
                buffer.append(0x30 + UInt8(fraction / divisor))
                fraction %= divisor
                divisor /= 10
            }
        }
    }

    mutating func endRow() {
        // A row of one empty field would be a blank line, which readers skip: write it as "".
        if fieldsInRow == 1 && buffer.count == rowStart {
            buffer.append(Self.quote)
            buffer.append(Self.quote)
        }
        if crlf { buffer.append(Self.cr) }
        buffer.append(Self.lf)
        fieldsInRow = 0
        rowsWritten += 1
    }

    private mutating func separate() {
        if fieldsInRow > 0 {
            buffer.append(Self.comma)
        } else {
            rowStart = buffer.count
        }
        fieldsInRow += 1
    }

    /// Appends the decimal digits of `value` without going through a `String`.
    private mutating func appendDecimal(_ value: Int) {
        if value < 0 { buffer.append(0x2D) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for the 20 digits of UInt64.max
        withUnsafeMutableBytes(of: &digits) { raw in
            var i = raw.count
            repeat {
                i -= 1
                raw[i] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i...]))
        }
    }

    private static func needsQuotes(_ utf8: UnsafeBufferPointer<UInt8>, fromFirst: Bool = true) -> Bool {
        guard let first = utf8.first, let last = utf8.last else { return false }
        if fromFirst && (first == space || first == tab) { return true }
        if last == space || last == tab { return true }
        for byte in utf8 where byte == comma || byte == quote || byte == cr || byte == lf { return true }
        return false
    }
}
