import CFuzzer
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An oracle failure: print what was expected and abort, so libFuzzer saves the input as a crash.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        FileHandle.standardError.write(Data("fuzz oracle failed: \(message())\n".utf8))
        abort()
    }
}

/// One unlinked temporary file per process, refilled with each input, for readers that take a
/// `FileHandle` (streaming CSV, batch queries). Reading it goes through the same `read(2)` path as
/// a real file or pipe.
public final class InputFile: @unchecked Sendable {
    public static let shared = InputFile()
    private let fd: Int32

    private init() {
        var template = Array((NSTemporaryDirectory() + "/nuanxin-fuzz-XXXXXX").utf8CString)
        fd = mkstemp(&template)
        precondition(fd >= 0, "mkstemp failed")
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    }

    /// A handle positioned at the start of a file holding exactly `bytes`; not closed on dealloc.
    public func handle(holding bytes: UnsafeRawBufferPointer) -> FileHandle {
        precondition(ftruncate(fd, 0) == 0)
        var written = 0
        while written < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + written, bytes.count - written, off_t(written))
            precondition(n > 0, "pwrite failed")
            written += n
        }
        precondition(lseek(fd, 0, SEEK_SET) == 0)
        return FileHandle(fileDescriptor: fd, closeOnDealloc: false)
    }
}

/// The fuzzer's input as a buffer (libFuzzer may pass a null pointer for size 0).
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
}

/// A libFuzzer test function: the input's bytes and count; returns 0.
public typealias FuzzTest = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

/// Runs libFuzzer's driver over `test` with the process's arguments; returns its exit status.
public func runFuzzer(_ test: FuzzTest) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv, test)
    exit(status)
}
