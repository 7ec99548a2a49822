import FuzzSupport
import Geo

// GeoJSON layer reader plus GEOS polygon validity. Oracles: no crash; every geometry read can be
// written back and read again to an equal-shape geometry (the writer rounds to 7 decimals and
// rewinds rings, so the type and the counts must survive).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(fuzzInput(data, size))
    guard var layer = try? GeoJSONReader.read(bytes: bytes) else { return 0 }
    let repair = size > 0 && bytes[size - 1] & 1 == 1
    layer.checkPolygonValidity(repair: repair)
    for feature in layer.features {
        guard let g = feature.geometry else { continue }
        let text = g.geoJSON()
        let again: Geometry
        do {
            again = try Geometry(geoJSON: JSONParser.parse(text))
        } catch {
            fuzzCheck(false, "written geometry does not read back: \(error)\n\(text)")
            return 0
        }
        fuzzCheck(again.typeName == g.typeName, "type changed: \(g.typeName) -> \(again.typeName)")
        fuzzCheck(again.allCoordinates.count == g.allCoordinates.count, "coordinate count changed in \(text)")
    }
    return 0
}

@main
struct FuzzGeoJSONMain {
    static func main() { runFuzzer(fuzzGeoJSON) }
}
