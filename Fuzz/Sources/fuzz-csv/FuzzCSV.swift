import Foundation
import FuzzSupport
import Geo
import Stations

/// Everything a reader hands out, in order: records and errors.
enum Event: Equatable {
    case record(CSVRecord)
    case error(CSVError)
}

func drain(_ reader: CSVReader) -> [Event] {
    var events: [Event] = []
    while events.count < 100_000 {
        do {
            guard let record = try reader.next() else { break }
            events.append(.record(record))
        } catch {
            events.append(.error(error))
            // Recoverable errors skip a line; any other error is final and repeats.
            if reader.hasFailed {
                do {
                    _ = try reader.next()
                    fuzzCheck(false, "a final error (\(error)) did not repeat")
                } catch let again {
                    fuzzCheck(again == error, "a final error changed: \(error) then \(again)")
                }
                break
            }
        }
    }
    return events
}

// The CSV reader read whole and streamed in small chunks must give the same records and errors, in
// the same order, with non-decreasing line numbers; then the same bytes go through `CSVLayer.read`
// (the import path: headers, numbers, WKT geometries through GEOS) and `DatasetLoader` (quantity
// limits: nothing above a limit is accepted, no Int conversion traps); each record also goes
// through Excel CSV and back (formula escaping is undone exactly, and no field starts a formula).
// Input: byte 0 picks the chunk size (1...64, larger for long inputs) and, with bit 7, a small record limit; byte 1 the
// layer and the limit; the rest is the CSV file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzInput(data, size)
    guard input.count >= 2 else { return 0 }
    // Small chunks for small inputs; at most about 64 reads for big ones (each read is a syscall).
    let chunkSize = max(Int(input[0] & 63) + 1, input.count / 64)
    let smallLimit = input[0] & 0x80 != 0
    let maxRecordBytes = smallLimit ? Int(input[1] & 63) + 1 : CSVReader.defaultMaxRecordBytes
    let layer = Layer.allCases[Int(input[1]) % Layer.allCases.count]
    let csv = UnsafeBufferPointer(rebasing: input[2...])

    let whole = drain(CSVReader(bytes: csv, maxRecordBytes: maxRecordBytes))
    let handle = InputFile.shared.handle(holding: UnsafeRawBufferPointer(csv))
    let streamed = drain(CSVReader(fileHandle: handle, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes))
    let tooLong = (whole + streamed).contains { if case let .error(e) = $0 { return e.reason == .recordTooLong } else { return false } }
    if !tooLong {
        fuzzCheck(whole == streamed, "whole and streamed reads differ (chunk \(chunkSize)):\n\(whole)\n\(streamed)")
    }
    var last = 0
    for event in whole {
        let line: Int
        switch event {
        case let .record(r): line = r.line
        case let .error(e): line = e.line
        }
        fuzzCheck(line >= 1 && line >= last, "line numbers go backwards: \(whole)")
        last = line
    }
    if let read = try? CSVLayer.read(bytes: Array(csv), layer: layer) {
        fuzzCheck(read.lines.count == read.layer.features.count, "one line per feature")
        checkImport(read.layer, layer)
    }
    // Spreadsheet CSV escapes formulas; reading removes the escape again: every record's fields
    // written for Excel and read back are the same text.
    for case let .record(r) in whole.prefix(200) {
        // With the writer's BOM, as a spreadsheet file starts: a reader drops one leading BOM, so a
        // field that itself starts with U+FEFF must come after the writer's.
        let bytes = Array(CSVWriter.encode([r.fields], format: .excel))
        let back = bytes.withUnsafeBufferPointer { buffer in try? CSVReader(bytes: buffer).next() }
        if let back {
            let fields = back.fields.map(CSVLayer.unescapingFormula)
            fuzzCheck(fields == r.fields || r.fields == [""], "Excel CSV round trip changed \(r.fields) into \(back.fields)")
            for field in back.fields where !field.isEmpty {
                let first = field.utf8.first!
                fuzzCheck(!(first == 0x3D || first == 0x40 || first == 0x09 || first == 0x0D) , "a formula start reached Excel CSV: \(field)")
            }
        }
    }
    return 0
}

/// The import path's checks (`DatasetLoader` over the layer, as `nuanxin import` does): never a
/// crash, and every quantity it accepts is within its limit and fits an `Int`.
func checkImport(_ read: GeoJSONLayer, _ layer: Layer) {
    var source = DatasetSource(folder: "/nonexistent-fuzz-dataset", crs: CRS("EPSG:4547"), radiusM: 1000)
    source.inMemory[layer] = ("fuzz.csv", read)
    guard let dataset = try? DatasetLoader.load(source, layers: [layer]) else { return }
    for s in dataset.stations {
        fuzzCheck((s.seats ?? 0) <= QuantityLimits.seats && (s.seats ?? 0) >= 0, "seats \(String(describing: s.seats)) accepted")
        fuzzCheck((s.chargingPorts ?? 0) <= QuantityLimits.chargingPorts && (s.chargingPorts ?? 0) >= 0, "ports \(String(describing: s.chargingPorts)) accepted")
    }
    for d in dataset.demand { fuzzCheck(d.weight >= 0 && d.weight <= Double(QuantityLimits.riders), "weight \(d.weight) accepted") }
    for c in dataset.candidates { fuzzCheck((c.maxSeats ?? 0) <= QuantityLimits.seats, "max_seats \(String(describing: c.maxSeats)) accepted") }
    for p in dataset.parkingZones { fuzzCheck((p.slots ?? 0) <= QuantityLimits.slots, "slots \(String(describing: p.slots)) accepted") }
    for a in dataset.commercialAreas {
        fuzzCheck((a.peakRiders ?? 0) <= Double(QuantityLimits.riders) && (a.dailyOrders ?? 0) <= Double(QuantityLimits.dailyOrders), "area quantities accepted")
    }
    // Sums over every feature stay far inside Int.
    _ = dataset.stations.reduce(0) { $0 + ($1.seats ?? 0) + ($1.chargingPorts ?? 0) }
}

@main
struct FuzzCSVMain {
    static func main() { runFuzzer(fuzzCSV) }
}
