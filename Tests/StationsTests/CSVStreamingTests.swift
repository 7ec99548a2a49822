import Foundation
import Testing
@testable import Stations

@Suite("CSV streaming: chunked reads give the records of whole-file parsing")
struct CSVStreamingTests {
    /// Quotes, doubled quotes, commas and line breaks in fields, CRLF/LF/CR line ends, blank lines,
    /// a BOM, and 2-, 3- and 4-byte UTF-8 characters, so that small chunks cut through all of them.
    static let tricky: [UInt8] = [0xEF, 0xBB, 0xBF] + utf8(
        "编号,站点名称,经度,纬度,备注\r\n"
            + "WS-001,\"暖\"\"新\"\"驿站\",113.116,36.195,\"含逗号, 和\"\"引号\"\"\"\r\n"
            + "\r\n"
            + "WS-002,\"长治市\n潞州区\r\n总工会\",113.1,36.2,é ü ñ\n"
            + "WS-003,🚲骑手之家,113.2,36.3,\"\"\r"
            + "WS-004,,,,\n"
            + "\"WS-005\",\"末行\",113.3,36.4,\"𝄞 end\""
    )

    @Test("every chunk size from 1 byte up gives the same records and lines as whole-file parsing")
    func chunkBoundaries() throws {
        let whole = try records(Self.tricky)
        #expect(whole.map(\.line) == [1, 2, 4, 7, 8, 9])
        #expect(whole[1].fields[1] == "暖\"新\"驿站")
        #expect(whole[1].fields[4] == "含逗号, 和\"引号\"")
        #expect(whole[2].fields[1] == "长治市\n潞州区\r\n总工会")
        #expect(whole[3].fields[1] == "🚲骑手之家")
        for chunkSize in [1, 2, 3, 4, 5, 7, 11, 16, 64, 4096] {
            #expect(try streamedRecords(Self.tricky, chunkSize: chunkSize) == whole, "chunk size \(chunkSize)")
        }
    }

    @Test("errors found while streaming carry the same line as in whole-file parsing")
    func errorsWhileStreaming() throws {
        let gbk = utf8("id,name\n1,\"a\nb\"\n2,") + [0xB3, 0xA4] + utf8("\n")
        let unterminated = utf8("id,name\n1,x\n2,\"open\nmore\n")
        for bytes in [gbk, unterminated] {
            let whole = #expect(throws: CSVError.self) { try CSVReader.parse(bytes) }
            for chunkSize in [1, 2, 3, 5] {
                let streamed = #expect(throws: CSVError.self) { try streamedRecords(bytes, chunkSize: chunkSize) }
                #expect(streamed == whole, "chunk size \(chunkSize)")
            }
        }
    }

    @Test("a pipe delivering bytes in short reads streams like a file")
    func pipeInput() throws {
        let pipe = Pipe()
        try pipe.fileHandleForWriting.write(contentsOf: Data(Self.tricky))
        try pipe.fileHandleForWriting.close()
        let streamed = try readAll(CSVReader(fileHandle: pipe.fileHandleForReading, chunkSize: 3))
        #expect(streamed == (try records(Self.tricky)))
    }

    @Test("many records stream through a small buffer with their line numbers")
    func manyRecords() throws {
        var text = "id,lon,lat\n"
        for i in 0 ..< 20_000 { text += "q\(i),\(113 + Double(i) / 1e5),\(36 + Double(i) / 1e5)\n" }
        let file = try TemporaryFile(utf8(text))
        let handle = try file.handleForReading()
        defer { try? handle.close() }
        let reader = CSVReader(fileHandle: handle, chunkSize: 1000, maxRecordBytes: 100)
        #expect(try reader.next()?.fields == ["id", "lon", "lat"])
        var count = 0
        while let record = try reader.next() {
            #expect(record.line == count + 2)
            #expect(record.fields[0] == "q\(count)")
            count += 1
        }
        #expect(count == 20_000)
    }
}
