import Foundation
import FuzzSupport
import Stations

// The batch query reader of `nearest --input` over a real file descriptor. Input: byte 0 picks the
// format (CSV, NDJSON or sniffed from the first byte) and the chunk of queries asked for; the rest
// is the file. Oracles: no crash; every query is finite and inside ±180/±90; line numbers never
// go backwards.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBatch(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzInput(data, size)
    guard input.count >= 1 else { return 0 }
    let format: BatchInputFormat? = [.csv, .ndjson, nil, nil][Int(input[0] & 3)]
    let chunk = Int(input[0] >> 2) + 1
    let handle = InputFile.shared.handle(holding: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[1...])))
    guard let reader = try? BatchQueryReader(fileHandle: handle, name: "fuzz", format: format) else { return 0 }
    var lastLine = 0
    var rounds = 0
    while rounds < 100_000 {
        rounds += 1
        guard let items = try? reader.next(max: chunk), !items.isEmpty else { break }
        for item in items {
            switch item {
            case let .query(q):
                fuzzCheck(q.lon.isFinite && q.lat.isFinite && abs(q.lon) <= 180 && abs(q.lat) <= 90, "bad query passed: \(q)")
                if let line = q.line {
                    fuzzCheck(line > lastLine, "line numbers go backwards: \(line) after \(lastLine)")
                    lastLine = line
                }
            case let .problem(p):
                if let line = p.line {
                    fuzzCheck(line >= lastLine, "problem line goes backwards: \(line) after \(lastLine)")
                    lastLine = line
                }
            }
        }
    }
    return 0
}

@main
struct FuzzBatchMain {
    static func main() { runFuzzer(fuzzBatch) }
}
