import Foundation
import Testing
@testable import Stations

@Suite("CSV reader: RFC 4180 fields, line numbers, encodings, errors")
struct CSVReaderTests {
    @Test("quoted fields keep doubled quotes as one quote and commas as text")
    func quotedFields() throws {
        let table = try CSVReader.parse(utf8("id,name,notes\n1,\"He said \"\"rest here\"\", then left\",\"a, b\"\n2,\"\",plain\n"))
        #expect(table.header == CSVRecord(line: 1, fields: ["id", "name", "notes"]))
        #expect(table.rows == [
            CSVRecord(line: 2, fields: ["1", "He said \"rest here\", then left", "a, b"]),
            CSVRecord(line: 3, fields: ["2", "", "plain"]),
        ])
    }

    @Test("records with embedded line breaks carry the line on which they start")
    func embeddedNewlinesAndStartLines() throws {
        let text = "id,name,notes\n1,\"two\nlines\",x\n2,plain,y\r\n3,\"a\r\nb\r\nc\",z\n4,\"lone\rcr\",w\n5,last,v"
        let rows = try CSVReader.parse(utf8(text)).rows
        #expect(rows.map(\.line) == [2, 4, 5, 8, 10])
        #expect(rows.map { $0.fields[1] } == ["two\nlines", "plain", "a\r\nb\r\nc", "lone\rcr", "last"])
        #expect(rows.allSatisfy { $0.fields.count == 3 })
    }

    @Test("a UTF-8 byte order mark is skipped; a BOM-only file has no records")
    func byteOrderMark() throws {
        let table = try CSVReader.parse([0xEF, 0xBB, 0xBF] + utf8("id,名称\n1,长治\n"))
        #expect(table.header?.fields == ["id", "名称"])
        #expect(table.rows == [CSVRecord(line: 2, fields: ["1", "长治"])])
        #expect(try CSVReader.parse([0xEF, 0xBB, 0xBF]) == CSVTable(header: nil, rows: []))
    }

    @Test("CRLF, LF and lone CR line ends give the same records")
    func lineEnds() throws {
        let lf = try records(utf8("id,lon,lat\n1,113.1,36.2\n2,113.2,36.3\n"))
        #expect(lf.count == 3)
        #expect(try records(utf8("id,lon,lat\r\n1,113.1,36.2\r\n2,113.2,36.3\r\n")) == lf)
        #expect(try records(utf8("id,lon,lat\r1,113.1,36.2\r2,113.2,36.3\r")) == lf)
        #expect(try records(utf8("id,lon,lat\r\n1,113.1,36.2\n2,113.2,36.3")) == lf)
    }

    @Test("blank lines are skipped and counted; a line of \"\" is one empty field; a trailing comma adds an empty field")
    func blankLinesAndEmptyFields() throws {
        let rows = try records(utf8("id,name\n\n1,a,\r\n\r\n\"\"\n,\n"))
        #expect(rows == [
            CSVRecord(line: 1, fields: ["id", "name"]),
            CSVRecord(line: 3, fields: ["1", "a", ""]),
            CSVRecord(line: 5, fields: [""]),
            CSVRecord(line: 6, fields: ["", ""]),
        ])
    }

    @Test("an empty file has no header and no rows")
    func emptyFile() throws {
        #expect(try CSVReader.parse([UInt8]()) == CSVTable(header: nil, rows: []))
        #expect(try CSVReader.parse(utf8("\n\r\n")) == CSVTable(header: nil, rows: []))
        #expect(try streamedRecords([], chunkSize: 4).isEmpty)
    }

    @Test("a header-only file has a header and no rows, with or without a final line end")
    func headerOnly() throws {
        for text in ["id,lon,lat\n", "id,lon,lat", "id,lon,lat\r\n\r\n"] {
            let table = try CSVReader.parse(utf8(text))
            #expect(table.header == CSVRecord(line: 1, fields: ["id", "lon", "lat"]))
            #expect(table.rows.isEmpty)
        }
    }

    @Test("GBK bytes are rejected with the line they are on and a hint to save as UTF-8")
    func gbkRejected() throws {
        // "长治" in GBK is B3 A4 D6 CE.
        let bytes = utf8("id,name\n1,ok\n2,") + [0xB3, 0xA4, 0xD6, 0xCE] + utf8("\n3,fine\n")
        let reader = CSVReader(bytes: bytes)
        #expect(try reader.next()?.line == 1)
        #expect(try reader.next()?.line == 2)
        let error = #expect(throws: CSVError.self) { try reader.next() }
        #expect(error?.reason == .invalidUTF8)
        #expect(error?.line == 3)
        #expect(error?.message.contains("GBK") == true)
        #expect(error?.message.contains("UTF-8") == true)
        #expect(error?.message.contains("B3 A4 D6 CE") == true)
        // The bad line is reported and the reader goes on with the next one.
        #expect(try reader.next() == CSVRecord(line: 4, fields: ["3", "fine"]))
        #expect(try reader.next() == nil)
    }

    @Test("invalid UTF-8 inside a multi-line quoted field names the line the bytes are on")
    func invalidUTF8LineInsideQuotedField() throws {
        let bytes = utf8("id,notes\n1,\"first\nsecond ") + [0xC4, 0xE3] + utf8("\"\n")
        let error = #expect(throws: CSVError.self) { try CSVReader.parse(bytes) }
        #expect(error?.reason == .invalidUTF8)
        #expect(error?.line == 3)
        #expect(error?.message.contains("column 2") == true)
    }

    @Test("a UTF-16 file is rejected on line 1")
    func utf16Rejected() throws {
        let bytes: [UInt8] = [0xFF, 0xFE] + Array("id,lon\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let error = #expect(throws: CSVError.self) { try CSVReader.parse(bytes) }
        #expect(error?.reason == .invalidUTF8)
        #expect(error?.line == 1)
        #expect(error?.message.contains("UTF-16") == true)
    }

    @Test("an unterminated quote is an error on the line where the quote opens, and it is final")
    func unterminatedQuote() throws {
        let reader = CSVReader(bytes: utf8("id,name\n1,a\n2,\"never closed\n3,x\n4,y\n"))
        _ = try reader.next()
        _ = try reader.next()
        let error = #expect(throws: CSVError.self) { try reader.next() }
        #expect(error?.reason == .unterminatedQuote)
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix("line 3: ") == true)
        #expect(throws: CSVError.self) { try reader.next() }
    }

    @Test("a quote inside an unquoted field is an error on its line, and reading goes on with the next line")
    func strayQuoteInUnquotedField() throws {
        let reader = CSVReader(bytes: utf8("id,name\n1,ab\"c,d\n2,ok\n"))
        _ = try reader.next()
        let error = #expect(throws: CSVError.self) { try reader.next() }
        #expect(error?.reason == .strayQuote)
        #expect(error?.line == 2)
        #expect(try reader.next() == CSVRecord(line: 3, fields: ["2", "ok"]))
    }

    @Test("text after a closing quote is an error on the line it is on")
    func textAfterClosingQuote() throws {
        let reader = CSVReader(bytes: utf8("id,name\n1,\"multi\nline\"x\n2,ok"))
        _ = try reader.next()
        let error = #expect(throws: CSVError.self) { try reader.next() }
        #expect(error?.reason == .strayQuote)
        #expect(error?.line == 3)
        #expect(try reader.next() == CSVRecord(line: 4, fields: ["2", "ok"]))
    }

    @Test("a line longer than the limit is an error naming the line, in memory and streamed")
    func lineOverLimit() throws {
        let long = String(repeating: "x", count: 100)
        let bytes = utf8("id,name\n1,short\n2,\(long)\n3,short\n")
        let limit = 64
        let error = #expect(throws: CSVError.self) { try CSVReader.parse(bytes, maxRecordBytes: limit) }
        #expect(error?.reason == .recordTooLong)
        #expect(error?.line == 3)
        let streamed = #expect(throws: CSVError.self) { try streamedRecords(bytes, chunkSize: 16, maxRecordBytes: limit) }
        #expect(streamed == error)
        // A record of exactly the limit is fine.
        let exact = "1," + String(repeating: "y", count: limit - 2)
        #expect(try streamedRecords(utf8("id\n\(exact)\n"), chunkSize: 7, maxRecordBytes: limit).last?.fields[1].count == limit - 2)
    }

    @Test("a runaway quoted field hits the limit and the message points at the quote")
    func runawayQuoteHitsLimit() throws {
        let bytes = utf8("id,name\n1,\"open\n") + Array(repeating: UInt8(ascii: "z"), count: 500) + utf8("\n")
        let error = #expect(throws: CSVError.self) { try streamedRecords(bytes, chunkSize: 32, maxRecordBytes: 128) }
        let csvError = try #require(error)
        #expect(csvError.reason == .recordTooLong)
        #expect(csvError.line == 2)
        #expect(csvError.message.contains("quoted field opened on line 2"))
    }
}
