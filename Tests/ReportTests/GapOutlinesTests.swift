import Geo
import Planning
import Report
import Stations
import TestSupport
import Testing

@Suite("gaps without their WGS84 outlines")
struct GapOutlinesTests {
    /// Two districts, one cut by a slanted border, demand scattered so that the gaps have clipped
    /// edges and parts close enough to merge.
    func dataset() throws -> Dataset {
        var rng = SplitMix64(seed: 7)
        var b = DatasetBuilder()
        b.districts = [("A", DatasetBuilder.box(113.0, 36.0, 113.03, 36.02)),
                       ("T", [(113.03, 36.0), (113.06, 36.0), (113.03, 36.02), (113.03, 36.0)])]
        b.stations = [("s1", "warm_station", 10, 113.01, 36.01)]
        b.radius = 600
        b.demand = (0..<200).map { i in
            ("d\(i)", Double(Int.random(in: 1...4, using: &rng)), Double.random(in: 113.001...113.059, using: &rng), Double.random(in: 36.001...36.019, using: &rng))
        }
        return try b.load()
    }

    @Test("the same gaps and points inside, no WGS84 outline; the report projects the outlines itself")
    func sameGaps() throws {
        let data = try dataset()
        let settings = CoverageSettings()
        let with = try GapStudy(data, settings: settings, options: GapReport.Options(cellM: 100))
        let without = try GapStudy(data, settings: settings, options: GapReport.Options(cellM: 100, wgs84Outlines: false))
        #expect(with.gaps.gaps.count > 10)
        #expect(with.gaps.gaps.count == without.gaps.gaps.count)
        for (a, b) in zip(with.gaps.gaps, without.gaps.gaps) {
            #expect(a.district == b.district && a.rank == b.rank && a.parts == b.parts)
            #expect(a.uncoveredDemand == b.uncoveredDemand && a.areaKm2 == b.areaKm2)
            #expect(a.projected == b.projected)
            #expect(a.inside == b.inside)
            #expect(a.geometry != nil)
            #expect(b.geometry == nil)
        }
        #expect(with.gaps.gaps.contains { $0.parts > 1 })
        // The report draws the same outlines from either.
        let report = with.coverage.report
        let drawn = try ReportData(dataset: data, coverage: report, gaps: with.gaps, audit: nil, proposals: nil).gaps
        let redrawn = try ReportData(dataset: data, coverage: report, gaps: without.gaps, audit: nil, proposals: nil).gaps
        #expect(drawn.count == with.gaps.gaps.count)
        #expect(drawn.map(\.id) == redrawn.map(\.id))
        for (a, b) in zip(drawn, redrawn) {
            let pa = a.geometry.allCoordinates, pb = b.geometry.allCoordinates
            #expect(pa.count == pb.count)
            #expect(zip(pa, pb).allSatisfy { abs($0.lon - $1.lon) < 1e-12 && abs($0.lat - $1.lat) < 1e-12 })
        }
    }
}
