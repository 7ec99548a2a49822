import Foundation
import Testing

/// Spreadsheets and the files other tools write from them: what is dropped is said, as the
/// GeoJSON reader says it.
extension HostileInputTests {
    @Test("a CSV wkt point with Z, M or both (keyword or a third and fourth number) imports with the warning GeoJSON gives for Z, naming the line; a 2D point gives none")
    func csvWKTExtraDimensions() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try HostileInputTests.put(dir, "s.csv", """
            id,name,kind,district,seats,wkt
            n1,新站,warm_station,A,5,POINT Z (113.06 36.06 850)
            n2,新站2,warm_station,A,5,POINT M (113.07 36.06 3)
            n3,n3,warm_station,A,5,POINT ZM (113.08 36.06 3 4)
            n4,n4,warm_station,A,5,POINT (113.09 36.06 7)
            n5,n5,warm_station,A,5,POINT (113.091 36.06)
            n6,n6,warm_station,A,5,Point z(113.092 36.06 1e2)

            """)
        let r = try CLI.run(["import", "--layer", "stations", "--data", HostileInputTests.data(dir), csv])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("s.csv: line 2 (id n1): warning: Z values dropped: Nuanxin works in 2D"), "\(r.stderr)")
        #expect(r.stderr.contains("s.csv: line 3 (id n2): warning: M values dropped: Nuanxin works in 2D"), "\(r.stderr)")
        #expect(r.stderr.contains("s.csv: line 4 (id n3): warning: Z and M values dropped: Nuanxin works in 2D"), "\(r.stderr)")
        #expect(r.stderr.contains("s.csv: line 5 (id n4): warning: Z values dropped: Nuanxin works in 2D"), "\(r.stderr)")
        #expect(!r.stderr.contains("line 6"), "\(r.stderr)")
        #expect(r.stderr.contains("s.csv: line 7 (id n6): warning: Z values dropped: Nuanxin works in 2D"), "\(r.stderr)")
        // The same words as for a GeoJSON position of three numbers.
        let geojson = try HostileInputTests.put(dir, "g.geojson", """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"g1","name":"x","kind":"warm_station","district":"A","seats":3},"geometry":{"type":"Point","coordinates":[113.06,36.06,800]}}]}
            """)
        let g = try CLI.run(["import", "--layer", "stations", "--data", HostileInputTests.data(dir), geojson])
        #expect(g.status == 0, "\(g.stderr)")
        #expect(g.stderr.contains("g.geojson: feature 0 (id g1): warning: Z values dropped: Nuanxin works in 2D"), "\(g.stderr)")
        // --with reads CSV as import does.
        let with = try CLI.run(["compare", "--with", csv, "--format", "json", "--data", HostileInputTests.data(dir)])
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.stderr.contains("line 2 (id n1): warning: Z values dropped"), "\(with.stderr)")
    }
}
