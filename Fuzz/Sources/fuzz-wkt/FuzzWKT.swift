import FuzzSupport
import Geo

// WKT through GEOS's reader, then the operations a WKT column of a CSV layer goes through (validity,
// make-valid for small shapes, GeoJSON and WKT writing). Oracle: no crash, and WKT written by us
// reads back with the same type.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWKT(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    guard let g = try? Geometry(wkt: text) else { return 0 }
    _ = g.geoJSON()
    _ = try? g.validity()
    if g.allCoordinates.count <= 64 { _ = try? g.makeValid() }
    if let written = try? g.wkt() {
        do {
            let again = try Geometry(wkt: written)
            fuzzCheck(again.typeName == g.typeName, "type changed: \(g.typeName) -> \(again.typeName) via \(written)")
        } catch {
            fuzzCheck(false, "our WKT does not read back: \(error)\n\(written)")
        }
    }
    return 0
}

@main
struct FuzzWKTMain {
    static func main() { runFuzzer(fuzzWKT) }
}
