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

    @Test("a feature with an error still counts as its id's first; a repeat's error comes after its other issues")
    func order() throws {
        var b = DatasetBuilder()
        b.districts = [("A", DatasetBuilder.box(113.0, 36.0, 113.2, 36.2))]
        // "a" first with a negative weight (no demand point), then valid; "b<TAB>x" twice (the JSON
        // escape \t): a control character in both, the second a repeat too; then "c", "a" again.
        b.demand = [("a", -1, 113.1, 36.1), ("a", 1, 113.1, 36.1), ("b\\tx", 1, 113.1, 36.1), ("b\\tx", 1, 113.1, 36.1),
                    ("c", 1, 113.1, 36.1), ("a", 2, 113.1, 36.1)]
        let folder = try b.write()
        defer { try? FileManager.default.removeItem(at: folder) }
        let issues = DatasetLoader.validate(DatasetSource(folder: folder.path)).issues
            .filter { $0.file.hasSuffix("demand.geojson") }
            .map { "\($0.featureIndex ?? -1) \($0.message)" }
        #expect(issues.count == 6, "\(issues)")
        guard issues.count == 6 else { return }
        #expect(issues[0].hasPrefix("0 ") && issues[0].contains("weight"))
        #expect(issues[1] == "1 duplicate id \"a\" (also feature 0)")
        #expect(issues[2].hasPrefix("2 ") && issues[2].contains("control character"))
        #expect(issues[3].hasPrefix("3 ") && issues[3].contains("control character"))
        #expect(issues[4] == "3 duplicate id \"b\tx\" (also feature 2)")
        #expect(issues[5] == "5 duplicate id \"a\" (also feature 0)")
    }
}
