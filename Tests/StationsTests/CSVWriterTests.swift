import Foundation
import Testing
@testable import Stations

@Suite("CSV writer: Excel and machine formats, quoting, numbers, round trips")
struct CSVWriterTests {
    static let awkwardRows: [[String]] = [
        ["id", "name", "notes"],
        ["WS-001", "暖\"新\"驿站", "含逗号, 和\"引号\""],
        ["WS-002", "长治市\n潞州区", "line\r\nbreaks\rand cr"],
        [" leading", "trailing ", "\ttab"],
        ["", "", ""],
        [""],
        ["🚲", "é", "\"\""],
    ]

    @Test("Excel format: BOM, CRLF, and quotes only where a field needs them")
    func excelFormat() {
        let bytes = CSVWriter.encode([["id", "name", "notes"], ["1", "长治, 潞州", "say \"hi\""], [" a", "b ", "c\nd"]])
        let expected: [UInt8] = [0xEF, 0xBB, 0xBF] + utf8("id,name,notes\r\n1,\"长治, 潞州\",\"say \"\"hi\"\"\"\r\n\" a\",\"b \",\"c\nd\"\r\n")
        #expect(bytes == expected)
    }

    @Test("machine format: no BOM and LF line ends")
    func machineFormat() {
        #expect(CSVWriter.encode([["query_id", "rank"], ["q1", "1"]], format: .machine) == utf8("query_id,rank\nq1,1\n"))
    }

    @Test("a row of one empty field is written as \"\" so that it is not read as a blank line")
    func singleEmptyField() throws {
        #expect(CSVWriter.encode([["a"], [""], ["b"]], format: .machine) == utf8("a\n\"\"\nb\n"))
        #expect(try records(CSVWriter.encode([["a"], [""], ["b"]])).map(\.fields) == [["a"], [""], ["b"]])
    }

    @Test("numbers are written with a point, fixed digits rounded half away from zero, no negative zero")
    func numbers() throws {
        let writer = CSVWriter(format: .machine)
        writer.write(1234.5678, fractionDigits: 1)
        writer.write(2.5, fractionDigits: 0)
        writer.write(-0.04, fractionDigits: 1)
        writer.write(-12.3456, fractionDigits: 3)
        writer.write(0.05, fractionDigits: 2)
        writer.write(7.0, fractionDigits: 0)
        writer.write(0.1 + 0.2)
        writer.write(-42)
        writer.write(Double.nan)
        writer.write(1e300, fractionDigits: 2)
        try writer.endRow()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "1234.6,3,0.0,-12.346,0.05,7,0.30000000000000004,-42,,1e+300\n")
    }

    @Test("write then read gives back the same fields: quotes, commas, line breaks, spaces, Chinese")
    func roundTrip() throws {
        for format in [CSVFormat.excel, .machine] {
            let read = try records(CSVWriter.encode(Self.awkwardRows, format: format))
            // Excel's format escapes "\ttab" as "'\ttab" (a formula start); importing removes the '.
            #expect(read.map { $0.fields.map(format.escapesFormulas ? CSVLayer.unescapingFormula : { $0 }) } == Self.awkwardRows)
        }
    }

    @Test("a file-handle writer with a small buffer writes what the in-memory writer writes")
    func streamingWriter() throws {
        let file = try TemporaryFile()
        let handle = try file.handleForWriting()
        let writer = CSVWriter(fileHandle: handle, format: .machine, bufferSize: 10)
        var expected: [[String]] = [["query_id", "rank", "station_id", "distance_m"]]
        try writer.writeRow(expected[0])
        for i in 0 ..< 500 {
            let distance = Double(i) + 0.25
            writer.write("q\(i)")
            writer.write(i % 3 + 1)
            writer.write("WS-\(i % 7)")
            writer.write(distance, fractionDigits: 1)
            try writer.endRow()
            expected.append(["q\(i)", "\(i % 3 + 1)", "WS-\(i % 7)", "\(i).3"])
        }
        try writer.flush()
        try handle.close()
        #expect(try file.contents() == CSVWriter.encode(expected, format: .machine))
        #expect(try streamedRecords(file.contents(), chunkSize: 5).map(\.fields) == expected)
    }

    @Test("a write failure is a thrown I/O error, not a crash")
    func writeFailure() throws {
        let file = try TemporaryFile()
        let handle = try file.handleForReading()
        let writer = CSVWriter(fileHandle: handle, format: .machine, bufferSize: 1)
        writer.write("x")
        let error = #expect(throws: CSVError.self) { try writer.endRow() }
        #expect(error?.reason == .io)
        try handle.close()
    }
}
