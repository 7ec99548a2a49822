#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

// Over 400 lines on purpose: the reader and its scanner (a private state machine, so the compiler
// can keep the hot loop's state in registers) are one unit; splitting them would make the scanner
// internal for no reader's benefit.

/// One CSV record: its fields and the 1-based line of the file on which it starts.
public struct CSVRecord: Equatable, Sendable {
    /// The line of the file where the record starts (a quoted field may carry it over several lines).
    public var line: Int
    /// The fields, unquoted and unescaped, exactly as written (no trimming).
    public var fields: [String]

    /// A record of `fields` that starts on `line`.
    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// A small CSV file read whole: its first record (the header) and the records after it.
public struct CSVTable: Equatable, Sendable {
    /// The first record, or nil when the file has no record at all (0 bytes, a BOM, blank lines).
    public var header: CSVRecord?
    /// The records after the header; empty for a header-only file.
    public var rows: [CSVRecord]

    /// A table of a header (nil for an empty file) and the rows after it.
    public init(header: CSVRecord?, rows: [CSVRecord]) {
        self.header = header
        self.rows = rows
    }
}

/// An RFC 4180 CSV reader over UTF-8 bytes, record by record, from memory or streamed from a file
/// handle (standard input included) in chunks, with memory bounded by the chunk size plus the
/// longest record.
///
/// - Fields may be quoted; a quote inside a quoted field is doubled (`""`); quoted fields may hold
///   commas and line breaks. Lines end with CRLF, LF or a lone CR.
/// - A UTF-8 byte order mark at the start is skipped. Blank lines (no bytes at all between two
///   line ends) are skipped; a line holding only `""` is a record with one empty field.
/// - Every record carries the line it starts on. Errors are `CSVError`s with the line.
/// - After a `.strayQuote` or `.invalidUTF8` error, and after a `.recordTooLong` error for a record
///   that can be told apart from the next one (no quoted field still open), `next()` continues with
///   the next record, so a batch can report a bad line and go on; the too-long line is skipped
///   without being kept in memory. Every other error is final: `next()` throws it again
///   (`hasFailed` tells which).
public final class CSVReader {
    /// The default number of bytes read from a file handle at a time (1 MiB).
    public static let defaultChunkSize = 1 << 20
    /// The default limit on the bytes of one record (16 MiB).
    public static let defaultMaxRecordBytes = 16 << 20

    /// Kept so that its file descriptor stays open while the scanner reads it.
    private let fileHandle: FileHandle?
    private var scanner: CSVScanner
    private var failure: CSVError?

    /// Streams records from `fileHandle` (a file, a pipe, `FileHandle.standardInput`), reading
    /// `chunkSize` bytes at a time. The handle is read from its current offset and is not closed.
    /// - Parameter maxRecordBytes: a longer record is a `.recordTooLong` error, not a memory blow-up.
    /// - Parameter prefix: bytes already read from the handle (for example to sniff the format),
    ///   read before the rest of the handle.
    public init(fileHandle: FileHandle, chunkSize: Int = defaultChunkSize, maxRecordBytes: Int = defaultMaxRecordBytes, prefix: [UInt8] = []) {
        precondition(chunkSize > 0 && maxRecordBytes > 0, "chunk size and record limit must be positive")
        self.fileHandle = fileHandle
        scanner = CSVScanner(fileDescriptor: fileHandle.fileDescriptor, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes, prefix: prefix)
    }

    /// Reads records from bytes already in memory (the bytes are copied once).
    /// - Parameter separator: the field separator: `,` (RFC 4180), or `;` or tab as spreadsheets in
    ///   some locales save (`sniffSeparator(_:)` tells which from the header line).
    public init(bytes: some Collection<UInt8>, maxRecordBytes: Int = defaultMaxRecordBytes, separator: UInt8 = UInt8(ascii: ",")) {
        precondition(maxRecordBytes > 0, "record limit must be positive")
        precondition([0x2C, 0x3B, 0x09].contains(separator), "the separator is ',', ';' or tab")
        fileHandle = nil
        scanner = CSVScanner(bytes: bytes, maxRecordBytes: maxRecordBytes, separator: separator)
    }

    /// The separator of a spreadsheet's CSV, judged from its first line: whichever of `,`, `;` and
    /// tab occurs most often outside quotes (`,` when none does, and on a tie).
    public static func sniffSeparator(_ bytes: some Collection<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var quoted = false
        for b in bytes {
            if b == 0x22 { quoted.toggle(); continue }
            if quoted { continue }
            if b == 0x0A || b == 0x0D { break }
            if counts[b] != nil { counts[b]! += 1 }
        }
        let comma = counts[0x2C]!, semicolon = counts[0x3B]!, tab = counts[0x09]!
        if semicolon > comma && semicolon >= tab { return 0x3B }
        if tab > comma && tab > semicolon { return 0x09 }
        return 0x2C
    }

    deinit { scanner.deallocate() }

    /// Parses a whole (small) CSV file: the first record is the header, the others the rows.
    public static func parse(_ bytes: some Collection<UInt8>, maxRecordBytes: Int = defaultMaxRecordBytes, separator: UInt8 = UInt8(ascii: ",")) throws(CSVError) -> CSVTable {
        let reader = CSVReader(bytes: bytes, maxRecordBytes: maxRecordBytes, separator: separator)
        guard let header = try reader.next() else { return CSVTable(header: nil, rows: []) }
        var rows: [CSVRecord] = []
        while let row = try reader.next() { rows.append(row) }
        return CSVTable(header: header, rows: rows)
    }

    /// Whether an error ended the input: `next()` will only throw it again.
    public var hasFailed: Bool { failure != nil }

    /// The next record, or nil at the end of the input.
    public func next() throws(CSVError) -> CSVRecord? {
        if let failure { throw failure }
        do throws(CSVError) {
            return try scanner.next()
        } catch {
            if !scanner.canContinue { failure = error }
            throw error
        }
    }
}

/// The reader's state machine. A struct, so that the hot loop works on state the compiler can
/// check statically (class properties cost a dynamic exclusivity check per access).
private struct CSVScanner {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, skippingLine }

    /// Where a field's content (quotes excluded) lies, relative to the start of its record.
    private struct Span {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    private enum Step {
        case record(CSVRecord)
        case needMore
        case endOfInput
    }

    private static let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    /// The file read from, or nil when all the input is already in `storage`.
    private let fileDescriptor: Int32?
    private let chunkSize: Int
    private let maxRecordBytes: Int
    /// The field separator, and the byte above which no byte is special (fast path).
    private let separator: UInt8
    private let plainAbove: UInt8

    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes `0 ..< end` of `storage` hold input; the current record starts at `recordStart`.
    private var end = 0
    private var eof: Bool
    private var begun = false

    private var recordStart = 0
    private var recordLine = 1
    /// The line at `scanPos`.
    private var line = 1
    private var scanPos = 0
    private var state = State.fieldStart
    private var fieldStart = 0
    private var fieldEscaped = false
    private var quoteLine = 1
    /// The last record ended with a CR at the end of the buffer: skip an LF that may follow.
    private var pendingCR = false
    private var spans: [Span] = []
    private var scratch: [UInt8] = []
    /// Whether reading can go on after the last error thrown.
    private(set) var canContinue = false

    init(fileDescriptor: Int32, chunkSize: Int, maxRecordBytes: Int, prefix: [UInt8] = []) {
        self.fileDescriptor = fileDescriptor
        self.chunkSize = chunkSize
        self.maxRecordBytes = maxRecordBytes
        separator = Self.comma
        plainAbove = Self.comma
        capacity = Swift.max(chunkSize, prefix.count + chunkSize)
        storage = .allocate(capacity: capacity)
        if !prefix.isEmpty { storage.initialize(from: prefix, count: prefix.count) }
        end = prefix.count
        eof = false
    }

    init(bytes: some Collection<UInt8>, maxRecordBytes: Int, separator: UInt8 = 0x2C) {
        fileDescriptor = nil
        chunkSize = 1
        self.maxRecordBytes = maxRecordBytes
        self.separator = separator
        plainAbove = Swift.max(separator, Self.quote)
        capacity = Swift.max(bytes.count, 1)
        storage = .allocate(capacity: capacity)
        _ = UnsafeMutableBufferPointer(start: storage, count: capacity).initialize(from: bytes)
        end = bytes.count
        eof = true
    }

    func deallocate() { storage.deallocate() }

    mutating func next() throws(CSVError) -> CSVRecord? {
        if !begun { try begin() }
        while true {
            switch try scan() {
            case let .record(record): return record
            case .endOfInput: return nil
            case .needMore: try refill()
            }
        }
    }

    // MARK: - Input

    /// Skips a UTF-8 byte order mark; refuses UTF-16, which Excel writes as "Unicode Text".
    private mutating func begin() throws(CSVError) {
        while end < 3 && !eof { try refill() }
        begun = true
        if end >= 2 && ((storage[0] == 0xFF && storage[1] == 0xFE) || (storage[0] == 0xFE && storage[1] == 0xFF)) {
            canContinue = false
            throw CSVError(.invalidUTF8, line: 1, message: "the file is UTF-16 (Excel's \"Unicode Text\"), not UTF-8; save it as \"CSV UTF-8 (Comma delimited)\"")
        }
        if end >= 3 && storage[0] == 0xEF && storage[1] == 0xBB && storage[2] == 0xBF {
            recordStart = 3
            scanPos = 3
        }
    }

    /// Moves the unfinished record to the front of the buffer and reads the next chunk after it.
    private mutating func refill() throws(CSVError) {
        guard let fileDescriptor else { eof = true; return }
        if state != .skippingLine && end - recordStart > maxRecordBytes {
            let error = tooLong(complete: false)
            // Inside a quoted field the end of the record cannot be found: the error is final.
            canContinue = state != .quoted && state != .quoteInQuoted
            guard canContinue else { throw error }
            // An unquoted line: drop what was read of it and skip the rest as it streams by.
            spans.removeAll(keepingCapacity: true)
            state = .skippingLine
            recordStart = end
            scanPos = end
            throw error
        }
        if recordStart > 0 {
            let kept = end - recordStart
            if kept > 0 { memmove(storage, storage + recordStart, kept) }
            scanPos -= recordStart
            fieldStart -= recordStart
            end = kept
            recordStart = 0
        }
        if capacity - end < chunkSize {
            let newCapacity = Swift.max(capacity * 2, end + chunkSize)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.initialize(from: storage, count: end)
            storage.deallocate()
            storage = grown
            capacity = newCapacity
        }
        while true {
            let n = read(fileDescriptor, storage + end, chunkSize)
            if n > 0 { end += n; return }
            if n == 0 { eof = true; return }
            if errno == EINTR { continue }
            canContinue = false
            throw CSVError(.io, line: line, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
    }

    // MARK: - Scanning

    /// Scans from `scanPos` to the end of the next record, or to the end of the buffer.
    private mutating func scan() throws(CSVError) -> Step {
        let p = storage, end = self.end
        let separator = self.separator, plainAbove = self.plainAbove
        var pos = scanPos
        if pendingCR {
            if pos < end {
                if p[pos] == Self.lf { pos += 1; recordStart = pos }
                pendingCR = false
            } else if !eof {
                return .needMore
            }
        }
        scanning: while pos < end {
            switch state {
            case .fieldStart:
                let b = p[pos]
                if b == Self.quote {
                    state = .quoted
                    fieldStart = pos + 1
                    fieldEscaped = false
                    quoteLine = line
                    pos += 1
                } else if b == separator {
                    spans.append(Span(start: pos - recordStart, end: pos - recordStart, escaped: false))
                    pos += 1
                } else if b == Self.lf || b == Self.cr {
                    if spans.isEmpty {
                        pos = consumeLineEnd(at: pos)
                        recordStart = pos
                        recordLine = line
                    } else {
                        spans.append(Span(start: pos - recordStart, end: pos - recordStart, escaped: false))
                        return try finishRecord(at: pos, lineEnd: true)
                    }
                } else {
                    state = .unquoted
                    fieldStart = pos
                }
            case .unquoted:
                while pos < end {
                    let c = p[pos]
                    // Digits, letters, '.', '-' and every byte of a multibyte character are above ','.
                    if c > plainAbove || (c != separator && c != Self.quote && c != Self.cr && c != Self.lf) {
                        pos += 1
                    } else {
                        break
                    }
                }
                guard pos < end else { break scanning }
                let c = p[pos]
                if c == separator {
                    spans.append(Span(start: fieldStart - recordStart, end: pos - recordStart, escaped: false))
                    state = .fieldStart
                    pos += 1
                } else if c == Self.quote {
                    throw strayQuote(at: pos, message: "a quote (\") inside an unquoted field; a field that contains quotes must be enclosed in quotes, with each quote inside doubled (\"\")")
                } else {
                    spans.append(Span(start: fieldStart - recordStart, end: pos - recordStart, escaped: false))
                    return try finishRecord(at: pos, lineEnd: true)
                }
            case .quoted:
                while pos < end {
                    let c = p[pos]
                    if c == Self.quote { break }
                    if c == Self.lf {
                        if p[pos - 1] != Self.cr { line += 1 }
                    } else if c == Self.cr {
                        line += 1
                    }
                    pos += 1
                }
                guard pos < end else { break scanning }
                state = .quoteInQuoted
                pos += 1
            case .quoteInQuoted:
                let c = p[pos]
                if c == Self.quote {
                    fieldEscaped = true
                    state = .quoted
                    pos += 1
                } else if c == separator {
                    spans.append(Span(start: fieldStart - recordStart, end: pos - 1 - recordStart, escaped: fieldEscaped))
                    state = .fieldStart
                    pos += 1
                } else if c == Self.cr || c == Self.lf {
                    spans.append(Span(start: fieldStart - recordStart, end: pos - 1 - recordStart, escaped: fieldEscaped))
                    return try finishRecord(at: pos, lineEnd: true)
                } else {
                    throw strayQuote(at: pos, message: "text after the closing quote of a quoted field; a quote inside a quoted field must be doubled (\"\")")
                }
            case .skippingLine:
                while pos < end && p[pos] != Self.lf && p[pos] != Self.cr { pos += 1 }
                recordStart = pos
                guard pos < end else { break scanning }
                pos = consumeLineEnd(at: pos)
                recordStart = pos
                recordLine = line
                state = .fieldStart
            }
        }
        scanPos = pos
        if !eof { return .needMore }
        switch state {
        case .fieldStart:
            if spans.isEmpty { return .endOfInput }
            spans.append(Span(start: pos - recordStart, end: pos - recordStart, escaped: false))
        case .unquoted:
            spans.append(Span(start: fieldStart - recordStart, end: pos - recordStart, escaped: false))
        case .quoted:
            canContinue = false
            throw CSVError(.unterminatedQuote, line: quoteLine, message: "the quoted field that starts on this line is never closed (a missing closing quote)")
        case .quoteInQuoted:
            spans.append(Span(start: fieldStart - recordStart, end: pos - 1 - recordStart, escaped: fieldEscaped))
        case .skippingLine:
            return .endOfInput
        }
        return try finishRecord(at: pos, lineEnd: false)
    }

    /// Steps over the line end at `pos` (CRLF, LF or CR) and counts the line.
    private mutating func consumeLineEnd(at pos: Int) -> Int {
        line += 1
        if storage[pos] == Self.lf { return pos + 1 }
        if pos + 1 < end {
            return storage[pos + 1] == Self.lf ? pos + 2 : pos + 1
        }
        if !eof { pendingCR = true }
        return pos + 1
    }

    /// Turns the spans of the record that ends at `recordEnd` into a record and starts the next one.
    private mutating func finishRecord(at recordEnd: Int, lineEnd: Bool) throws(CSVError) -> Step {
        if recordEnd - recordStart > maxRecordBytes {
            // The whole record is here: skip it and go on with the next one.
            let error = tooLong(complete: true)
            let pos = lineEnd ? consumeLineEnd(at: recordEnd) : recordEnd
            recordStart = pos
            scanPos = pos
            recordLine = line
            state = .fieldStart
            spans.removeAll(keepingCapacity: true)
            canContinue = true
            throw error
        }
        let base = storage + recordStart
        var fields: [String] = []
        fields.reserveCapacity(spans.count)
        var badField: Int?
        for (index, span) in spans.enumerated() {
            let raw = UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
            let text: String?
            if span.escaped {
                scratch.removeAll(keepingCapacity: true)
                var i = 0
                while i < raw.count {
                    scratch.append(raw[i])
                    i += raw[i] == Self.quote ? 2 : 1
                }
                text = scratch.withUnsafeBufferPointer(Self.decode)
            } else {
                text = Self.decode(raw)
            }
            guard let text else { badField = index; break }
            fields.append(text)
        }
        let record = CSVRecord(line: recordLine, fields: fields)
        let error = badField.map { invalidUTF8(field: $0) }
        let pos = lineEnd ? consumeLineEnd(at: recordEnd) : recordEnd
        recordStart = pos
        scanPos = pos
        recordLine = line
        state = .fieldStart
        spans.removeAll(keepingCapacity: true)
        if let error {
            canContinue = true
            throw error
        }
        return .record(record)
    }

    /// The text of UTF-8 bytes, or nil when they are not valid UTF-8.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var nonASCII: UInt8 = 0
        for byte in bytes { nonASCII |= byte }
        let text = String(decoding: bytes, as: UTF8.self)
        if nonASCII < 0x80 { return text }
        // `String(decoding:)` replaces invalid sequences with U+FFFD, so valid input is exactly
        // what comes out. (`String(validating:as:)` does the same check, but unspecialised and slower.)
        var copy = text
        let same = copy.withUTF8 { utf8 in
            utf8.count == bytes.count && (bytes.isEmpty || memcmp(utf8.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
        return same ? text : nil
    }

    // MARK: - Errors

    /// A stray quote: the rest of the line is skipped so that reading can go on.
    private mutating func strayQuote(at pos: Int, message: String) -> CSVError {
        let error = CSVError(.strayQuote, line: line, message: message)
        canContinue = true
        spans.removeAll(keepingCapacity: true)
        state = .skippingLine
        scanPos = pos + 1
        recordStart = pos + 1
        return error
    }

    /// - Parameter complete: whether the whole record was read (then a quoted field in it is closed).
    private func tooLong(complete: Bool) -> CSVError {
        let limit = maxRecordBytes % (1 << 20) == 0 ? "\(maxRecordBytes >> 20) MiB" : "\(maxRecordBytes) bytes"
        if complete && recordLine != line {
            return CSVError(.recordTooLong, line: recordLine, message: "the record that starts on this line is longer than \(limit), the most a CSV record may hold here")
        }
        if !complete && (state == .quoted || state == .quoteInQuoted) {
            return CSVError(.recordTooLong, line: recordLine, message: "the record that starts on this line is longer than \(limit); the quoted field opened on line \(quoteLine) is probably never closed")
        }
        return CSVError(.recordTooLong, line: recordLine, message: "the line is longer than \(limit), the most a CSV record may hold here; is this really a CSV file?")
    }

    /// Names the line and the bytes of the first invalid UTF-8 sequence in field `index`.
    private func invalidUTF8(field index: Int) -> CSVError {
        let span = spans[index]
        let raw = UnsafeBufferPointer(start: storage + recordStart + span.start, count: span.end - span.start)
        var offset = 0
        var iterator = raw.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(scalar): offset += scalar.count
            case .error, .emptyInput: break loop
            }
        }
        let badEnd = Swift.min(offset + 4, raw.count)
        let hex = raw[offset ..< badEnd].map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
        let errorLine = recordLine + lineBreaks(from: recordStart, to: recordStart + span.start + offset)
        return CSVError(
            .invalidUTF8, line: errorLine,
            message: "column \(index + 1) is not valid UTF-8 text (bytes \(hex)…); the file is probably GBK/GB18030, as older Excel saves Chinese text: open it and save it as \"CSV UTF-8 (Comma delimited)\""
        )
    }

    private func lineBreaks(from start: Int, to stop: Int) -> Int {
        var count = 0
        for i in start ..< stop {
            if storage[i] == Self.lf {
                if i == start || storage[i - 1] != Self.cr { count += 1 }
            } else if storage[i] == Self.cr {
                count += 1
            }
        }
        return count
    }
}
