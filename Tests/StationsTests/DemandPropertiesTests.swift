import Foundation
import Testing
import Stations
import TestSupport

/// `DatasetLoader.load(demandProperties:)`: without the properties the demand points are the same
/// points (id, weight, position, feature index), with empty properties; with them (the default),
/// every property as read.
@Suite("Demand points loaded with and without their properties")
struct DemandPropertiesTests {
    @Test("the same points either way; properties only when asked for")
    func sameWithoutProperties() throws {
        var builder = DatasetBuilder()
        builder.districts = [("D1", DatasetBuilder.box(112.9, 36.0, 113.3, 36.4))]
        builder.stations = [("s1", "warm_station", 4, 113.1, 36.2)]
        for i in 0..<40 {
            let lon = 113.0 + Double(i) * 0.004, lat = 36.1 + Double(i % 9) * 0.01
            builder.demand.append((id: "d\(i)", weight: Double(1 + i % 7), lon: lon, lat: lat))
        }
        let folder = try builder.write()
        defer { try? FileManager.default.removeItem(at: folder) }
        let with = try DatasetLoader.load(DatasetSource(folder: folder.path))
        let without = try DatasetLoader.load(DatasetSource(folder: folder.path), demandProperties: false)
        #expect(with.demand.count == 40 && without.demand.count == 40)
        for (a, b) in zip(with.demand, without.demand) {
            #expect(a.id == b.id && a.weight == b.weight && a.location == b.location && a.projected == b.projected
                    && a.featureIndex == b.featureIndex)
            #expect(a.properties.keys == ["id", "weight"], "\(a.id): \(a.properties.keys)")
            #expect(b.properties.keys.isEmpty, "\(b.id): \(b.properties.keys)")
        }
        // The other layers keep theirs.
        #expect(without.stations.first?.properties["name"] == .string("s1"))
    }
}
