import Foundation
import Testing
@testable import Stations

/// Overlong lines in streamed input: reported with their line and skipped without being kept, the
/// lines after them still read; where the end of a record cannot be found, the error is final.
@Suite("Streaming limits: overlong lines are skipped, not buffered")
struct StreamingLimitsTests {
    /// Records and errors, reading on after recoverable errors.
    static func events(_ reader: CSVReader) -> [String] {
        var out: [String] = []
        while out.count < 100 {
            do {
                guard let r = try reader.next() else { break }
                out.append("\(r.line):\(r.fields.joined(separator: "|"))")
            } catch {
                out.append("error \(error.line) \(error.reason)\(reader.hasFailed ? " final" : "")")
                if reader.hasFailed { break }
            }
        }
        return out
    }

    @Test("an overlong unquoted line is an error on its line and reading goes on, streamed and whole", arguments: [1, 7, 64, 1 << 20])
    func overlongLineSkipped(chunk: Int) throws {
        let bytes = utf8("id,v\n1,a\n2,") + [UInt8](repeating: UInt8(ascii: "x"), count: 300) + utf8("\n3,b\r\n4,c")
        let expected = ["1:id|v", "2:1|a", "error 3 recordTooLong", "4:3|b", "5:4|c"]
        let file = try TemporaryFile(bytes)
        let handle = try file.handleForReading()
        defer { try? handle.close() }
        #expect(StreamingLimitsTests.events(CSVReader(fileHandle: handle, chunkSize: chunk, maxRecordBytes: 100)) == expected)
        #expect(StreamingLimitsTests.events(CSVReader(bytes: bytes, maxRecordBytes: 100)) == expected)
    }

    @Test("a quoted field that runs past the limit while streaming is final: its end cannot be found")
    func overlongQuotedIsFinal() throws {
        let bytes = utf8("id,v\n1,\"") + [UInt8](repeating: UInt8(ascii: "x"), count: 300) + utf8("\"\n2,b\n")
        let file = try TemporaryFile(bytes)
        let handle = try file.handleForReading()
        defer { try? handle.close() }
        #expect(StreamingLimitsTests.events(CSVReader(fileHandle: handle, chunkSize: 16, maxRecordBytes: 100)) == ["1:id|v", "error 2 recordTooLong final"])
        // Read whole, the record is complete, so it is skipped and reading goes on.
        #expect(StreamingLimitsTests.events(CSVReader(bytes: bytes, maxRecordBytes: 100)) == ["1:id|v", "error 2 recordTooLong", "3:2|b"])
    }

    @Test("an overlong NDJSON line is reported and the next lines are read")
    func overlongNDJSONLine() throws {
        let bytes = utf8("{\"lon\":1,\"lat\":2}\n{\"id\":\"") + [UInt8](repeating: UInt8(ascii: "x"), count: 3000) + utf8("\"}\n{\"lon\":3,\"lat\":4}\n")
        let file = try TemporaryFile(bytes)
        let handle = try file.handleForReading()
        defer { try? handle.close() }
        let lines = LineReader(fileHandle: handle, chunkSize: 256, maxLineBytes: 1000)
        #expect(try lines.nextLine()?.0 == 1)
        #expect(throws: LineReader.LineTooLong.self) { try lines.nextLine() }
        let third = try #require(try lines.nextLine())
        #expect(third.0 == 3 && String(decoding: third.1, as: UTF8.self) == "{\"lon\":3,\"lat\":4}")
        #expect(try lines.nextLine() == nil)
    }

    @Test("NDJSON numbers given as the strings NaN or inf are not numbers")
    func ndjsonNaNStrings() throws {
        let file = try TemporaryFile(utf8("{\"lon\":\"NaN\",\"lat\":1}\n{\"lon\":\"113\",\"lat\":\"inf\"}\n{\"lon\":\"113.5\",\"lat\":\"36\"}\n"))
        let handle = try file.handleForReading()
        defer { try? handle.close() }
        let reader = try BatchQueryReader(fileHandle: handle, name: "q.ndjson", format: .ndjson)
        let items = try reader.next(max: 10)
        #expect(items.count == 3)
        #expect(items[0] == .problem(BatchQueryProblem(location: "line 1", line: 1, message: "\"lon\" is missing or not a number")))
        #expect(items[1] == .problem(BatchQueryProblem(location: "line 2", line: 2, message: "\"lat\" is missing or not a number")))
        #expect(items[2] == .query(BatchQuery(location: "line 3", line: 3, id: nil, lon: 113.5, lat: 36)))
    }
}
