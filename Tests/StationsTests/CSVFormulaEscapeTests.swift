import Foundation
import Geo
import Testing
@testable import Stations

/// CSV injection: in CSV for spreadsheets, text that a spreadsheet would run as a formula gets a
/// `'` in front; numbers stay numbers; CSV for machines is left exactly as given; importing an
/// exported layer removes the `'` again.
@Suite("CSV for spreadsheets escapes formulas")
struct CSVFormulaEscapeTests {
    static func text(_ rows: [[String]], _ format: CSVFormat) -> String {
        var bytes = CSVWriter.encode(rows, format: format)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("text starting with =, +, -, @, tab or CR is prefixed with ' (and quoted only where it must be)", arguments: [
        ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "\"'\r=1\""),
        ("=1, 2", "\"'=1, 2\""),
        ("-", "'-"),
        ("--5", "'--5"),
        ("-inf", "'-inf"),
        ("-0x10", "'-0x10"),
        ("'=1", "''=1"),
        ("''@x", "'''@x"),
    ])
    func escaped(field: String, written: String) {
        #expect(CSVFormulaEscapeTests.text([[field]], .excel) == written + "\r\n")
        // Machine CSV (pipes, scripts) is exact.
        #expect(CSVWriter.encode([[field]], format: .machine) != CSVWriter.encode([[written]], format: .machine))
    }

    @Test("numbers, negative ones included, and ordinary text are not escaped", arguments: [
        "-3.5", "+2", "-1e-3", "-0", "-.5", "12", "驿站", "a=b", "'x", "'-5", "",
    ])
    func notEscaped(field: String) {
        #expect(CSVFormulaEscapeTests.text([[field, "x"]], .excel) == CSVFormulaEscapeTests.text([[field, "x"]], .machine).replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test("the streaming writer escapes like encode, and typed numbers are never escaped")
    func streaming() {
        let writer = CSVWriter(format: .excel)
        writer.write("=1+1")
        writer.write(-5)
        writer.write(-2.5)
        writer.write(-2.5, fractionDigits: 1)
        #expect(throws: Never.self) { try writer.endRow() }
        #expect(writer.bytes == [0xEF, 0xBB, 0xBF] + Array("'=1+1,-5,-2.5,-2.5\r\n".utf8))
    }

    @Test("importing an exported layer gives the names back without the '")
    func roundTrip() throws {
        let rows = [["id", "name", "kind", "lon", "lat"], ["s1", "=1+2", "warm_station", "113.05", "36.05"], ["s2", "'=kept", "warm_station", "113.05", "36.05"], ["s3", "-3", "warm_station", "113.05", "36.05"]]
        let read = try CSVLayer.read(bytes: CSVWriter.encode(rows, format: .excel), layer: .stations)
        #expect(read.layer.features.map { $0.properties["name"]?.stringValue } == ["=1+2", "'=kept", "-3"])
    }
}
