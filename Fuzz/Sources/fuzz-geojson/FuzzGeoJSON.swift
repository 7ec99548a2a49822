import FuzzSupport
import Geo

// GeoJSON layer reader plus GEOS polygon validity. Oracles: no crash; the reader's fast path for
// the features of a FeatureCollection (for half the inputs with the features from the middle on read
// by a second thread, whatever the size) and the strict parser alone give the same layer (features,
// issues) or the same error; every geometry read can be written back and read again to an
// equal-shape geometry (the writer rounds to 7 decimals and rewinds rings, so the type and the
// counts must survive).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(fuzzInput(data, size))
    let twoThreads = size > 0 && bytes[size - 1] & 2 == 2
    let fast = Result { try GeoJSONReader.read(bytes: bytes, fastPath: true, twoThreadsFrom: twoThreads ? 0 : nil) }
    let strict = Result { try GeoJSONReader.read(bytes: bytes, fastPath: false) }
    switch (fast, strict) {
    case let (.success(f), .success(s)):
        fuzzCheck(f.features == s.features, "fast path and strict parser read different features")
        fuzzCheck(f.features.map { $0.geometry?.allCoordinates.flatMap { [$0.x.bitPattern, $0.y.bitPattern] } } == s.features.map { $0.geometry?.allCoordinates.flatMap { [$0.x.bitPattern, $0.y.bitPattern] } }, "coordinates differ in their bits")
        fuzzCheck(f.features.map(\.properties.keys) == s.features.map(\.properties.keys), "property keys differ in order")
        fuzzCheck(f.issues == s.issues, "fast path and strict parser report different issues: \(f.issues) vs \(s.issues)")
    case let (.failure(f), .failure(s)):
        fuzzCheck("\(f)" == "\(s)", "fast path and strict parser fail differently: \(f) vs \(s)")
    default:
        fuzzCheck(false, "one way reads, the other fails: fast \(fast), strict \(strict)")
    }
    guard var layer = try? fast.get() else { return 0 }
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
