import Foundation
@testable import Stations

/// The UTF-8 bytes of `text`.
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Every remaining record of `reader`.
func readAll(_ reader: CSVReader) throws(CSVError) -> [CSVRecord] {
    var records: [CSVRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

/// The records of `bytes` read whole from memory.
func records(_ bytes: [UInt8]) throws(CSVError) -> [CSVRecord] {
    try readAll(CSVReader(bytes: bytes))
}

/// A temporary file holding `bytes`, removed when the value is.
final class TemporaryFile {
    let url: URL

    init(_ bytes: [UInt8] = []) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-test-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
    }

    func handleForReading() throws -> FileHandle { try FileHandle(forReadingFrom: url) }
    func handleForWriting() throws -> FileHandle { try FileHandle(forWritingTo: url) }
    func contents() throws -> [UInt8] { Array(try Data(contentsOf: url)) }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The records of `bytes` streamed from a file, `chunkSize` bytes per read.
func streamedRecords(_ bytes: [UInt8], chunkSize: Int, maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) throws -> [CSVRecord] {
    let file = try TemporaryFile(bytes)
    let handle = try file.handleForReading()
    defer { try? handle.close() }
    return try readAll(CSVReader(fileHandle: handle, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes))
}
