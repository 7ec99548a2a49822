import Foundation
import Testing
import Stations

/// `InputFile.read`: a whole file in one array, a pipe read to its end, the limit kept, and a
/// limit as large as `Int` allows taken as it is.
@Suite("InputFile.read: whole files, pipes and the size limit")
struct InputFileReadTests {
    /// Bytes 0, 1, ..., 255, 0, 1, ... of the given length.
    static func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0) } }

    @Test("a regular file comes back byte for byte, whatever its size against the first buffer", arguments: [0, 1, 65_535, 65_536, 65_537, 300_000])
    func regularFile(size: Int) throws {
        let bytes = InputFileReadTests.pattern(size)
        let file = try TemporaryFile(bytes)
        #expect(try InputFile.read(file.url.path) == bytes)
    }

    @Test("a pipe longer than the first buffer is read to its end")
    func pipe() throws {
        let bytes = InputFileReadTests.pattern(200_000)
        let pipe = Pipe()
        let writer = Thread {
            try? pipe.fileHandleForWriting.write(contentsOf: Data(bytes))
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        let read = try InputFile.read("/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)")
        #expect(read == bytes)
    }

    @Test("past the limit is refused with tooLarge, at the limit is read", arguments: [1_000, 70_000])
    func limit(limit: Int) throws {
        let atLimit = try TemporaryFile(InputFileReadTests.pattern(limit))
        #expect(try InputFile.read(atLimit.url.path, limit: limit).count == limit)
        let over = try TemporaryFile(InputFileReadTests.pattern(limit + 1))
        #expect(throws: InputFile.Failure.self) { try InputFile.read(over.url.path, limit: limit) }
        #expect((try? InputFile.read("/dev/zero", limit: limit)) == nil)
    }

    @Test("a limit of Int.max is taken as it is (one past it would overflow)")
    func largestLimit() throws {
        let bytes = InputFileReadTests.pattern(1_000)
        let file = try TemporaryFile(bytes)
        #expect(try InputFile.read(file.url.path, limit: .max) == bytes)
    }
}
