import TestSupport
import Foundation
import Testing

/// The default dataset with the features of every layer shuffled gives byte-identical results.
@Suite("results do not depend on the order of features in the files")
struct OrderIndependenceTests {
    /// A copy of the default dataset with each layer's features (one per line there) in a shuffled order.
    static func shuffledCopy(seed: UInt64) throws -> URL {
        let source = CLI.repositoryRoot.appendingPathComponent("geodata/changzhi")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nuanxin-shuffled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: seed)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            let text = try String(contentsOf: source.appendingPathComponent(name), encoding: .utf8)
            guard name.hasSuffix(".geojson") else {
                try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
                continue
            }
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let head = lines.removeFirst()
            while lines.last?.isEmpty == true { lines.removeLast() }
            let tail = lines.removeLast()
            precondition(head.hasSuffix("\"features\":[") && tail.hasPrefix("]"), "\(name): not one feature per line")
            var features = lines.map { $0.hasSuffix(",") ? String($0.dropLast()) : $0 }
            let before = features
            features.shuffle(using: &rng)
            if features.count > 1, features == before { features.reverse() }
            try ([head, features.joined(separator: ",\n"), tail].joined(separator: "\n") + "\n")
                .write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return folder
    }

    static let commands: [[String]] = [
        ["coverage", "--format", "json"],
        ["coverage", "--format", "json", "--at", "20:00"],
        ["coverage", "--format", "csv"],
        ["load", "--format", "json"],
        ["load", "--format", "json", "--at", "09:00"],
        ["gaps", "--format", "json"],
        ["gaps", "--format", "geojson", "--top", "3"],
        ["areas", "--format", "json"],
    ]

    @Test("coverage, load, gaps and areas: identical bytes on shuffled layers", arguments: [1, 2] as [UInt64])
    func shuffled(seed: UInt64) throws {
        let folder = try Self.shuffledCopy(seed: seed)
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = CLI.repositoryRoot.appendingPathComponent("geodata/changzhi").path
        // The copy really is in another order.
        let a = try String(contentsOfFile: original + "/stations.geojson", encoding: .utf8)
        let b = try String(contentsOf: folder.appendingPathComponent("stations.geojson"), encoding: .utf8)
        #expect(a != b)
        for command in Self.commands {
            let expected = try CLI.run(command + ["--data", original])
            let got = try CLI.run(command + ["--data", folder.path])
            #expect(expected.status == 0 && got.status == 0, "\(command): \(got.stderr)")
            #expect(!expected.stdout.isEmpty)
            #expect(got.stdout == expected.stdout, "\(command.joined(separator: " ")) differs on shuffled input (seed \(seed))")
        }
    }
}
