import Foundation
import Geo
import Stations

/// The streaming loop shared by the batches of `nearest --input` and `locate --input`: chunks of
/// queries are read, brought to the dataset's CRS by `QueryProjector` (one PROJ call per chunk),
/// answered by the command and written in input order, to `--out` (atomically) or standard output.
/// Memory is bounded by the chunk size and a 1 MiB output buffer, whatever the input size.
///
/// The first 100 lines that cannot be read or projected are named on stderr (then a count of the
/// rest); when there were any, the run ends with exit 65 after every other line was answered.
struct BatchStream {
    let format: BatchFormat
    let reader: BatchQueryReader
    /// The input's name in messages ("standard input" or the path).
    let name: String
    let projector: QueryProjector
    /// Queries read at a time.
    let chunkSize: Int
    /// The first line of CSV output, with its newline.
    let csvHeader: [UInt8]

    /// Streams the whole input. `answer` turns one chunk's items into their output, in order:
    /// NDJSON lines, CSV rows, or GeoJSON features each preceded by ",\n" (the stream drops the
    /// comma before the first feature of the collection). Problem lines are counted here; `answer`
    /// writes their rows too.
    func run(out path: String?, answer: ([QueryProjector.Item]) throws -> [UInt8]) throws {
        try withoutActuallyEscaping(answer) { answer in try run(out: path, escapingAnswer: answer) }
    }

    private func run(out path: String?, escapingAnswer answer: @escaping ([QueryProjector.Item]) throws -> [UInt8]) throws {
        var problems = 0
        var unanswerable = 0
        let body: (FileHandle) throws -> Void = { out in
            switch format {
            case .csv: try out.write(contentsOf: csvHeader)
            case .geojson: try out.write(contentsOf: Array("{\"type\":\"FeatureCollection\",\"features\":[".utf8))
            case .ndjson: break
            }
            var wroteFeature = false
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            while true {
                let read = try reader.next(max: chunkSize)
                if read.isEmpty { break }
                let items = projector.project(read)
                let piece = try answer(items)
                for item in items {
                    guard let p = item.problem else { continue }
                    problems += 1
                    if case .unanswerable = item { unanswerable += 1 }
                    if problems <= 100 { printError("nuanxin: \(name): \(p)") }
                }
                if format == .geojson && !wroteFeature && !piece.isEmpty {
                    // Features each start with ",\n"; the first of the collection with "\n".
                    buffer.append(contentsOf: piece.dropFirst())
                    wroteFeature = true
                } else {
                    buffer.append(contentsOf: piece)
                }
                if buffer.count >= 1 << 20 {
                    try out.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            if !buffer.isEmpty { try out.write(contentsOf: buffer) }
            if format == .geojson { try out.write(contentsOf: Array((wroteFeature ? "\n]}\n" : "]}\n").utf8)) }
        }
        if let path {
            try AtomicFile.write(to: path, body)
        } else {
            try writingStandardOutput { try body(.standardOutput) }
        }
        if problems > 100 { printError("nuanxin: \(name): \(problems - 100) more problem(s) not shown") }
        if problems > 0 {
            let unread = problems - unanswerable
            let parts = (unread > 0 ? ["\(unread) line(s) could not be read"] : []) + (unanswerable > 0 ? ["\(unanswerable) point(s) could not be answered (not projectable, or a circle outside the CRS's area of use)"] : [])
            throw CLIFailure(status: .dataError, message: "\(name): \(parts.joined(separator: ", ")); the others were answered")
        }
    }
}
