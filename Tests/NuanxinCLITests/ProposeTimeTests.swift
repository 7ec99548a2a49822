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

    @Test("a site's seats hold the riders it serves at riders per seat: 6 by default, 1 with --stay-min 60 --visits-per-hour 1")
    func seatsFromRiders() throws {
        // Sizes come from site_sizes (ProposalPlanningTests checks the smallest that holds them).
        let six = try sites([])
        #expect(!six.isEmpty)
        for s in six {
            let riders = s["riders"] as! Double, seats = s["seats"] as! Double
            #expect(seats * 6 + 1e-6 >= riders, "\(s)")
            #expect(s["suggested_seats"] as! Double == seats)
        }
        let one = try sites(["--stay-min", "60", "--visits-per-hour", "1"])
        for s in one { #expect((s["seats"] as! Double) + 1e-6 >= (s["riders"] as! Double), "\(s)") }
        // Six riders a seat: the same candidates serve more riders than at one rider a seat.
        #expect(six.reduce(0) { $0 + ($1["gain"] as! Double) } > one.reduce(0) { $0 + ($1["gain"] as! Double) })
        let night = try CLI.run(["propose", "--count", "1", "--district", "140405", "--format", "json", "--at", "23:00"] + data)
        #expect(night.status == 0, "\(night.stderr)")
    }
}
