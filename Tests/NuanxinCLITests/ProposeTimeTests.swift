import TestSupport
import Foundation
import Testing

@Suite("propose with capacity in riders")
struct ProposeTimeTests {
    let data = ["--data", CLI.repositoryRoot.appendingPathComponent("geodata/changzhi").path]

    func sites(_ extra: [String]) throws -> [[String: Any]] {
        let r = try CLI.run(["propose", "--count", "2", "--district", "140405", "--format", "json"] + extra + data)
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        return (doc["districts"] as! [[String: Any]])[0]["sites"] as! [[String: Any]]
    }

    @Test("a site's suggested seats hold its gain at riders per seat: ceil(gain / 6) by default, gain at one rider a seat")
    func seatsFromRiders() throws {
        let six = try sites([])
        #expect(!six.isEmpty)
        for s in six {
            let gain = s["gain"] as! Double, seats = s["suggested_seats"] as! Double
            #expect(seats == (gain / 6 - 1e-9).rounded(.up), "\(s)")
        }
        let one = try sites(["--stay-min", "60", "--visits-per-hour", "1"])
        for s in one { #expect((s["suggested_seats"] as! Double) == (s["gain"] as! Double).rounded(.up)) }
        // Six riders a seat: the same candidates serve more riders than at one rider a seat.
        #expect(six.reduce(0) { $0 + ($1["gain"] as! Double) } > one.reduce(0) { $0 + ($1["gain"] as! Double) })
        let night = try CLI.run(["propose", "--count", "1", "--district", "140405", "--format", "json", "--at", "23:00"] + data)
        #expect(night.status == 0, "\(night.stderr)")
    }
}
