import Foundation
import Testing
import Geo

/// The third-party corpus in ../shared/corpus/geojson, with what its README says our reader must
/// do with each file. Skipped when the folder is absent.
@Suite("GeoJSON corpus")
struct CorpusTests {
    static let folder: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpus/geojson")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".geojson") }
            .sorted()
    }

    enum Verdict: Equatable {
        case reject, acceptWithWarning, accept, invalidPolygon, legacyCRS, duplicateKeys
    }

    static func expected(_ name: String) -> Verdict {
        if name.contains("bad-duplicate-properties") { return .duplicateKeys }
        let warn = ["polygon_winding_order", "bad-polygon-interiorring-rhr", "excessive_precision_truncated", "geometrycollection_nested"]
        if name.hasPrefix("gdal__featuretype") || name.hasPrefix("gdal__feature_with_type_Topology") { return .legacyCRS }
        if name.hasPrefix("geojsonhint__bad__") {
            return warn.contains(where: { name.contains($0) }) ? .acceptWithWarning : .reject
        }
        if name.hasPrefix("schema__invalid__") { return .reject }
        if name.contains("not-closing-ring") || name.contains("not-enough-coords") { return .reject }
        if name.hasPrefix("turf__boolean-valid__false__") || name.hasPrefix("turf__kinks__in__") { return .invalidPolygon }
        return .accept
    }

    @Test("the corpus is present or the test is skipped", .enabled(if: !CorpusTests.files.isEmpty))
    func corpusIsComplete() {
        #expect(CorpusTests.files.count == 59)
    }

    @Test("each corpus file gets the verdict its README asks for", .enabled(if: !CorpusTests.files.isEmpty), arguments: CorpusTests.files)
    func verdict(name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: CorpusTests.folder.appendingPathComponent(name)))
        let result: Result<GeoJSONLayer, Error> = Result { try GeoJSONReader.read(bytes: bytes) }
        switch CorpusTests.expected(name) {
        case .reject:
            switch result {
            case let .success(layer):
                let errors = layer.issues.filter { $0.severity == .error }
                #expect(!errors.isEmpty, "\(name) should be rejected")
                // A located message: a feature index for feature problems.
                for e in errors { #expect(!e.message.isEmpty) }
            case let .failure(error):
                #expect(!"\(error)".isEmpty)
            }
        case .acceptWithWarning:
            let layer = try result.get()
            #expect(!layer.hasErrors, "\(name): \(layer.issues)")
            #expect(layer.issues.contains { $0.severity == .warning }, "\(name) should warn")
        case .accept:
            let layer = try result.get()
            #expect(!layer.hasErrors, "\(name): \(layer.issues)")
            var checked = layer
            checked.checkPolygonValidity(repair: false)
            #expect(!checked.hasErrors, "\(name): \(checked.issues)")
        case .legacyCRS:
            let layer = try result.get()
            #expect(!layer.hasErrors, "\(name): \(layer.issues)")
            #expect(layer.issues.contains { $0.message.contains("crs") })
        case .duplicateKeys:
            // README: reject, or accept with a warning naming the key. Either way the key is named.
            let layer = try result.get()
            #expect(layer.issues.contains { $0.severity == .warning && $0.message.contains("duplicate JSON key \"type\"") })
        case .invalidPolygon:
            let layer = try result.get()
            #expect(!layer.hasErrors, "\(name) parses: \(layer.issues)")
            var checked = layer
            checked.checkPolygonValidity(repair: false)
            let errors = checked.issues.filter { $0.severity == .error }
            #expect(!errors.isEmpty, "\(name) should be an invalid polygon")
            #expect(errors.allSatisfy { $0.message.contains("GEOS") && $0.message.contains(" at (") })
            var repaired = layer
            repaired.checkPolygonValidity(repair: true)
            #expect(!repaired.hasErrors)
            #expect(repaired.issues.contains { $0.message.contains("make-valid") })
        }
    }

    @Test("Z is dropped with a warning that says so")
    func pointZ() throws {
        let layer = try GeoJSONReader.read(text: #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":null,"geometry":{"type":"Point","coordinates":[1,2,3]}}]}"#)
        #expect(layer.features[0].geometry == .point(Coordinate(x: 1, y: 2)))
        #expect(layer.issues.contains { $0.message.contains("Z values dropped") })
    }

    @Test("a legacy crs in EPSG:27700 is reprojected to WGS84")
    func legacyBritishGrid() throws {
        let text = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[530000,180000]}}]}"#
        let layer = try GeoJSONReader.read(text: text)
        guard case let .point(c)? = layer.features[0].geometry else { Issue.record("no point"); return }
        // Near central London.
        #expect(abs(c.lon - (-0.13)) < 0.02 && abs(c.lat - 51.5) < 0.02)
    }

    @Test("every bad feature is reported with its index and id, not just the first")
    func allProblemsReported() throws {
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{},"geometry":{"type":"Point","coordinates":["x",1]}},{"type":"Feature","properties":{"id":"b"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}},{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,1]}}]}"#
        let layer = try GeoJSONReader.read(text: text)
        let errors = layer.issues.filter { $0.severity == .error }
        #expect(errors.map(\.featureIndex) == [0, 1])
        #expect(errors[0].description.hasPrefix("feature 0 (id a):"))
        #expect(errors[1].description.contains("unclosed ring"))
        #expect(layer.features[2].geometry != nil)
    }
}
