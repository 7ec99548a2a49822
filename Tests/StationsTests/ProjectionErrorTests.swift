import Foundation
import Geo
import Testing
import Stations
import TestSupport

/// Points are projected into the dataset's metric CRS a block at a time; a point PROJ cannot
/// project is an error naming its feature (position and id), in whichever block it falls.
@Suite("A point the dataset's CRS cannot hold is named")
struct ProjectionErrorTests {
    /// An orthographic CRS centred on the districts: the far side of the earth has no coordinates.
    static let ortho = CRS("+proj=ortho +lat_0=36.1 +lon_0=113.1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs")

    static func demandErrors(count: Int, farSide: Int) throws -> [DatasetIssue] {
        try demandErrors(count: count, farSides: [farSide])
    }

    static func demandErrors(count: Int, farSides: Set<Int>) throws -> [DatasetIssue] {
        var b = DatasetBuilder()
        b.districts = [("A", DatasetBuilder.box(113.0, 36.0, 113.2, 36.2))]
        b.demand = (0..<count).map { i in
            let id = "d\(String(format: "%06d", i))"
            return farSides.contains(i) ? (id, 1, -66.9, -36.1) : (id, 1, 113.0 + 0.2 * Double(i % 1000) / 1000, 36.1)
        }
        let folder = try b.write()
        defer { try? FileManager.default.removeItem(at: folder) }
        return DatasetLoader.validate(DatasetSource(folder: folder.path, crs: ortho)).issues
            .filter { $0.severity == .error && $0.file.hasSuffix("demand.geojson") }
    }

    @Test("the far-side point in the first block and in a later one (blocks of 65,536 points)")
    func named() throws {
        // The second block needs 70,000 points; under TSan (which this single-threaded step does
        // not concern) the first only.
        for (count, farSide) in underThreadSanitizer ? [(5, 3)] : [(5, 3), (70_000, 68_000)] {
            let errors = try ProjectionErrorTests.demandErrors(count: count, farSide: farSide)
            #expect(errors.count == 1, "\(errors)")
            let e = try #require(errors.first)
            #expect(e.featureIndex == farSide)
            #expect(e.description.contains("(id d\(String(format: "%06d", farSide)))"), "\(e)")
            #expect(e.message.contains("cannot project (-66.9, -36.1)"), "\(e.message)")
        }
    }

    /// 270,000 points: two parts of 135,000 on two cores (a part is at least two blocks).
    @Test("a big layer is projected in parts on the cores: a far-side point in the second part is named; with one in each, the first",
          .disabled(if: underThreadSanitizer, "two loads of 270,000 points take minutes under TSan"))
    func parts() throws {
        for (farSides, named) in [([200_000], 200_000), ([100_000, 200_000], 100_000)] {
            let errors = try ProjectionErrorTests.demandErrors(count: 270_000, farSides: Set(farSides))
            #expect(errors.count == 1, "\(errors)")
            let e = try #require(errors.first)
            #expect(e.featureIndex == named)
            #expect(e.description.contains("(id d\(String(format: "%06d", named)))"), "\(e)")
        }
    }
}
