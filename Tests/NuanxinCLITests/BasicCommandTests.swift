import Foundation
import Testing

@Suite("nuanxin: version, help, usage errors, convert")
struct BasicCommandTests {
    @Test("--version prints the version")
    func version() throws {
        let r = try CLI.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    @Test("--help lists the commands")
    func help() throws {
        let r = try CLI.run(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("convert"))
    }

    @Test("a usage error exits 64")
    func usage() throws {
        let r = try CLI.run(["convert", "--from", "gcj02", "--to", "wgs84", "--lon", "113"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--lat"))
        let unknown = try CLI.run(["convert", "--from", "mars", "--to", "wgs84", "--lon", "113", "--lat", "36"])
        #expect(unknown.status == 64)
    }

    @Test("convert GCJ-02 to WGS84 and back within a centimetre")
    func convert() throws {
        let there = try CLI.run(["convert", "--from", "wgs84", "--to", "gcj02", "--lon", "113.1074", "--lat", "36.1877"])
        #expect(there.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(there.stdout.utf8)) as! [String: Double]
        let back = try CLI.run(["convert", "--from", "gcj02", "--to", "wgs84", "--lon", "\(json["lon"]!)", "--lat", "\(json["lat"]!)"])
        let b = try JSONSerialization.jsonObject(with: Data(back.stdout.utf8)) as! [String: Double]
        #expect(abs(b["lon"]! - 113.1074) < 1e-7 && abs(b["lat"]! - 36.1877) < 1e-7)
        #expect(abs(json["lon"]! - 113.1074) > 0.003)
    }
}
