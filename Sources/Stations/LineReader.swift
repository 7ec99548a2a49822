import Foundation

/// Reads a file or stream in chunks and hands out lines (without the newline) with their 1-based
/// numbers, in constant memory. A line longer than `maxLineBytes` is reported as an error for that
/// line and skipped, not buffered.
public final class LineReader {
    /// A line longer than the reader's limit; it was skipped and the next lines can still be read.
    public struct LineTooLong: Error, CustomStringConvertible {
        /// The 1-based number of the line.
        public var line: Int
        /// The most bytes a line may hold.
        public var limit: Int
        /// What is wrong, without the line number.
        public var reason: String {
            let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
            return "the line is longer than \(size), the most a line may hold here; is this really an NDJSON file?"
        }
        /// "line N: reason".
        public var description: String { "line \(line): \(reason)" }
    }

    /// Input read whole that is larger than its limit.
    public struct TooLarge: Error {
        /// The most bytes the input may hold.
        public var limit: Int
    }

    private let handle: FileHandle
    private let chunkSize: Int
    private let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private var lineNumber = 0

    /// A reader of `fileHandle` reading `chunkSize` bytes at a time (1 MiB by default), with lines of
    /// at most `maxLineBytes` bytes (16 MiB by default).
    public init(fileHandle: FileHandle, chunkSize: Int = 1 << 20, maxLineBytes: Int = 16 << 20) {
        self.handle = fileHandle
        self.chunkSize = chunkSize
        self.maxLineBytes = maxLineBytes
    }

    /// Reads one more chunk into the buffer; false at end of input.
    private func fill() throws -> Bool {
        guard !eof else { return false }
        let data = try handle.read(upToCount: chunkSize) ?? Data()
        if data.isEmpty {
            eof = true
            return false
        }
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > chunkSize {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: data)
        return true
    }

    /// The first byte after an optional UTF-8 BOM, without consuming anything; nil when empty.
    public func peekFirstByte() throws -> UInt8? {
        while buffer.count - start < 4, try fill() {}
        var i = start
        if buffer.count - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF { i += 3 }
        while i < buffer.count, buffer[i] == 0x20 || buffer[i] == 0x0A || buffer[i] == 0x0D || buffer[i] == 0x09 { i += 1 }
        return i < buffer.count ? buffer[i] : nil
    }

    /// The next line and its number, or nil at the end. A trailing "\r" is removed.
    public func nextLine() throws -> (Int, ArraySlice<UInt8>)? {
        var scanFrom = start
        while true {
            if let nl = buffer[scanFrom...].firstIndex(of: 0x0A) {
                lineNumber += 1
                var end = nl
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[start..<end]
                start = nl + 1
                if line.count > maxLineBytes { throw LineTooLong(line: lineNumber, limit: maxLineBytes) }
                return (lineNumber, line)
            }
            if buffer.count - start > maxLineBytes {
                // Skip the rest of this overlong line.
                lineNumber += 1
                let number = lineNumber
                buffer.removeAll(keepingCapacity: true)
                start = 0
                while try fill() {
                    if let nl = buffer.firstIndex(of: 0x0A) {
                        start = nl + 1
                        break
                    }
                    buffer.removeAll(keepingCapacity: true)
                }
                throw LineTooLong(line: number, limit: maxLineBytes)
            }
            scanFrom = buffer.count
            let before = start
            if try !fill() {
                guard start < buffer.count else { return nil }
                lineNumber += 1
                let line = buffer[start..<buffer.count]
                start = buffer.count
                return (lineNumber, line)
            }
            // fill() may have compacted the buffer.
            scanFrom = scanFrom - before + start
        }
    }

    /// Everything not yet read (for formats read whole).
    /// More than `limit` bytes (`InputFile.maximumBytes` by default) is `TooLarge`, thrown as
    /// soon as the buffer passes it: a stream that never ends is not read to the end.
    public func readAll(limit: Int = InputFile.maximumBytes) throws -> [UInt8] {
        while try fill() {
            if buffer.count - start > limit { throw TooLarge(limit: limit) }
        }
        let rest = Array(buffer[start...])
        start = buffer.count
        return rest
    }

    /// The bytes already read from the handle but not yet handed out, leaving the reader empty;
    /// for passing a sniffed stream on to another reader.
    public func takeBuffered() -> [UInt8] {
        let rest = Array(buffer[start...])
        buffer.removeAll()
        start = 0
        return rest
    }
}
