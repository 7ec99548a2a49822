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

    /// A pipe that a thread fills with `bytes`, then closes; read it through /dev/fd/N.
    static func pipe(writing bytes: [UInt8]) -> Pipe {
        let pipe = Pipe()
        let writer = Thread {
            try? pipe.fileHandleForWriting.write(contentsOf: Data(bytes))
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        return pipe
    }

    @Test("a pipe longer than the first buffer is read to its end")
    func pipe() throws {
        let bytes = InputFileReadTests.pattern(200_000)
        let pipe = Self.pipe(writing: bytes)
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

    /// Whether the file is mapped into this process now (a line of /proc/self/maps names it).
    static func isMapped(_ path: String) -> Bool {
        // Read to its end (procfs files report a size of 0).
        let handle = FileHandle(forReadingAtPath: "/proc/self/maps")
        defer { try? handle?.close() }
        let maps = String(decoding: (try? handle?.readToEnd()) ?? Data(), as: UTF8.self)
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return maps.split(separator: "\n").contains { $0.hasSuffix(" " + real) || $0.hasSuffix(" " + path) }
    }

    #if os(Linux)
    @Test("withContents: a regular file mapped in place and one read into memory give the same bytes", arguments: [1, 4_096, 4_097, 300_000])
    func withContentsMapped(size: Int) throws {
        let bytes = InputFileReadTests.pattern(size)
        let file = try TemporaryFile(bytes)
        let (mapped, wasMapped) = try InputFile.withContents(file.url.path, mapFrom: 1) { (Array($0), Self.isMapped(file.url.path)) }
        #expect(mapped == bytes)
        #expect(wasMapped, "the file is mapped while the body runs")
        #expect(!Self.isMapped(file.url.path), "and unmapped after")
        let (copied, copyMapped) = try InputFile.withContents(file.url.path, mapFrom: .max) { (Array($0), Self.isMapped(file.url.path)) }
        #expect(copied == bytes && !copyMapped)
    }
    #endif

    @Test("withContents: empty files, pipes, the limit and missing files as read gives them")
    func withContentsOthers() throws {
        let empty = try TemporaryFile([])
        #expect(try InputFile.withContents(empty.url.path, mapFrom: 1) { $0.count } == 0)
        let bytes = InputFileReadTests.pattern(100_000)
        let pipe = Self.pipe(writing: bytes)
        #expect(try InputFile.withContents("/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)", mapFrom: 1) { Array($0) } == bytes)
        let over = try TemporaryFile(InputFileReadTests.pattern(5_001))
        #expect { try InputFile.withContents(over.url.path, limit: 5_000, mapFrom: 1) { $0.count } } throws: { error in
            (error as? InputFile.Failure)?.isTooLarge == true
        }
        #expect { try InputFile.withContents("/no/such/file.geojson", mapFrom: 1) { $0.count } } throws: { error in
            "\(error)" == "/no/such/file.geojson: no such file"
        }
        #expect { try InputFile.withContents(NSTemporaryDirectory(), mapFrom: 1) { $0.count } } throws: { error in
            (error as? InputFile.Failure)?.reason == "is a directory, not a file"
        }
    }
}
