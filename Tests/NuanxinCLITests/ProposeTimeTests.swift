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

    /// A site's seats hold the riders the allocation gives it at `ridersPerSeat`, and no smaller
    /// size of the default `site_sizes` would.
    func expectSized(_ site: [String: Any], ridersPerSeat: Double) {
        let sizes: [Double] = [8, 16, 24, 32, 40]
        let seats = site["seats"] as! Double, riders = site["riders"] as! Double
        #expect(riders > 0, "\(site)")
        #expect(seats * ridersPerSeat + 1e-9 >= riders, "\(site)")
        if sizes.contains(seats), let below = sizes.last(where: { $0 < seats }) {
            #expect(below * ridersPerSeat < riders + 1e-9, "\(site)")
        }
    }

    @Test("a site's seats hold its riders at riders per seat (6 by default, 1 at one rider a seat), the smallest size that does")
    func seatsFromRiders() throws {
        let six = try sites([])
        #expect(!six.isEmpty)
        for s in six { expectSized(s, ridersPerSeat: 6) }
        let one = try sites(["--stay-min", "60", "--visits-per-hour", "1"])
        for s in one { expectSized(s, ridersPerSeat: 1) }
        // Six riders a seat: the same candidates serve more riders than at one rider a seat.
        #expect(six.reduce(0) { $0 + ($1["gain"] as! Double) } > one.reduce(0) { $0 + ($1["gain"] as! Double) })
        let night = try CLI.run(["propose", "--count", "1", "--district", "140405", "--format", "json", "--at", "23:00"] + data)
        #expect(night.status == 0, "\(night.stderr)")
    }
}
