import Foundation
import Testing

/// The package's root directory (this file is Tests/ReliabilityTests/FuzzCorpusTests.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Every input of the committed seed corpus (and every crash reproducer added to it) through the fuzz
/// targets, without libFuzzer: a regression found once stays found.
@Suite("Fuzz corpus replay")
struct FuzzCorpusTests {
    @Test("Each committed corpus input runs through its target", arguments: FuzzTargets.all.map(\.name))
    func replay(target: String) throws {
        let directory = packageRoot.appendingPathComponent("Fuzz/Corpus/\(target)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files.count >= 5, "the seed corpus of \(target) has \(files.count) inputs")
        let run = try #require(FuzzTargets.all.first { $0.name == target }).run
        for file in files {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            data.withUnsafeBytes { run($0) }
        }
    }
}
