import Foundation
import Testing
import Stations
import TestSupport

/// The loader finds repeated ids without a table while the ids increase, and with one from the
/// first id that does not; either way every repeat is reported against the first feature of its id.
@Suite("Duplicate ids in a layer, in and out of order")
struct DuplicateIDTests {
    /// The duplicate-id messages of loading a demand layer with these ids, in order.
    static func duplicates(_ ids: [String]) throws -> [String] {
        var b = DatasetBuilder()
        b.districts = [("A", DatasetBuilder.box(113.0, 36.0, 113.2, 36.2))]
        b.demand = ids.map { ($0, 1, 113.1, 36.1) }
        do {
            _ = try b.load()
            return []
        } catch let error as DatasetError {
            return error.issues.map(\.description).filter { $0.contains("duplicate id") }
        }
    }

    @Test("no repeat: increasing, decreasing, shuffled, numeric-looking ids")
    func none() throws {
        #expect(try DuplicateIDTests.duplicates(["d1", "d2", "d3"]).isEmpty)
        #expect(try DuplicateIDTests.duplicates(["d3", "d2", "d1"]).isEmpty)
        #expect(try DuplicateIDTests.duplicates(["b", "c", "a", "e", "d"]).isEmpty)
        #expect(try DuplicateIDTests.duplicates(["8", "9", "10", "11"]).isEmpty)
    }

    @Test("a repeat right after its first, after the order breaks, and several repeats of one id")
    func repeats() throws {
        let a = try DuplicateIDTests.duplicates(["a", "b", "b"])
        #expect(a.count == 1 && a[0].contains("feature 2 (id b): duplicate id \"b\" (also feature 1)"))
        let b = try DuplicateIDTests.duplicates(["a", "c", "b", "c", "a"])
        #expect(b.count == 2)
        #expect(b.first?.contains("feature 3 (id c): duplicate id \"c\" (also feature 1)") == true)
        #expect(b.last?.contains("feature 4 (id a): duplicate id \"a\" (also feature 0)") == true)
        let c = try DuplicateIDTests.duplicates(["x", "x", "x"])
        #expect(c.count == 2)
        #expect(c.allSatisfy { $0.contains("duplicate id \"x\" (also feature 0)") })
        // Canonically equal spellings are the same id (é as one scalar and as e + accent).
        let d = try DuplicateIDTests.duplicates(["caf\u{E9}", "cafe\u{301}"])
        #expect(d.count == 1 && d[0].contains("(also feature 0)"))
    }
}
