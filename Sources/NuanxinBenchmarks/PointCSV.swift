import Foundation

/// Longitudes and latitudes from columns 2 and 3 of a CSV file with a header (`id,lon,lat,...`),
/// parsed straight from the file's bytes with `strtod`. Enough for benchmark inputs written by
/// `scripts/gen_synthetic.py` (no quoted fields in the first three columns).
struct PointCSV {
    var lons: [Double] = []
    var lats: [Double] = []

    struct BadLine: Error, CustomStringConvertible {
        let path: String
        let line: Int
        var description: String { "\(path): line \(line): expected id,lon,lat" }
    }

    init(path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes.append(0)  // strtod stops at the terminator at the latest
        var lons: [Double] = []
        var lats: [Double] = []
        try bytes.withUnsafeMutableBufferPointer { buffer in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let end = buffer.count - 1
            var i = 0
            var line = 1
            // Skip the header.
            while i < end && buffer[i] != UInt8(ascii: "\n") { i += 1 }
            i += 1
            while i < end {
                line += 1
                let lineStart = i
                while i < end && buffer[i] != UInt8(ascii: ",") && buffer[i] != UInt8(ascii: "\n") { i += 1 }
                if i == lineStart && i < end && buffer[i] == UInt8(ascii: "\n") { i += 1; continue }  // blank line
                guard i < end, buffer[i] == UInt8(ascii: ",") else { throw BadLine(path: path, line: line) }
                var parsedEnd: UnsafeMutablePointer<CChar>?
                let lon = strtod(base + i + 1, &parsedEnd)
                var j = parsedEnd! - base
                guard j > i + 1, j < end, buffer[j] == UInt8(ascii: ",") else { throw BadLine(path: path, line: line) }
                let lat = strtod(base + j + 1, &parsedEnd)
                let k = parsedEnd! - base
                guard k > j + 1 else { throw BadLine(path: path, line: line) }
                lons.append(lon)
                lats.append(lat)
                j = k
                while j < end && buffer[j] != UInt8(ascii: "\n") { j += 1 }
                i = j + 1
            }
        }
        self.lons = lons
        self.lats = lats
    }

    var count: Int { lons.count }
}
