import Foundation
import Testing

private let cadencectl = BinaryRunner.executable("cadencectl")

@Suite("cadencectl list-cadences", .enabled(if: cadencectl != nil, "cadencectl is not built"))
struct ListCadencesCommandTests {
    /// The shipped configuration with the shipped Spring Festival example enabled, in Shanghai.
    private func configuration() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-list-\(UUID().uuidString)")
            .path
        try FileManager.default.copyItem(atPath: BinaryRunner.packageRoot.path + "/etc/cadenced", toPath: root)
        try FileManager.default.copyItem(
            atPath: BinaryRunner.packageRoot.path + "/examples/cadences/spring-festival-safety-check.cadence",
            toPath: root + "/cadences.d/spring-festival-safety-check.cadence")
        try Data("[Daemon]\nTimeZone=Asia/Shanghai\n".utf8).write(to: URL(fileURLWithPath: root + "/cadenced.conf"))
        return root
    }

    @Test(
        "--iterations previews a holiday-anchored cadence year by year from the holiday files, moved as WorkingDay= says"
    )
    func holidayPreview() throws {
        let root = try configuration()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = try BinaryRunner.run(
            cadencectl!,
            ["list-cadences", "--config-dir", root, "--iterations", "3", "--base-time", "2024-01-01 00:00"])
        #expect(out.status == 0, "\(out.stderr)")
        // 春节's first days off: 10 February 2024, 28 January 2025, 15 February 2026; 14 days before.
        let lines = out.stdout.split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex { $0.hasPrefix("spring-festival-safety-check ") })
        #expect(lines[first].contains("Fri 2024-01-26 09:00 (moved from Sat 2024-01-27)"), "\(out.stdout)")
        #expect(lines[first + 1].contains("Tue 2025-01-14 09:00"), "\(out.stdout)")
        #expect(lines[first + 2].contains("Fri 2026-01-30 09:00 (moved from Sun 2026-02-01)"), "\(out.stdout)")
        let json = try BinaryRunner.run(
            cadencectl!,
            ["list-cadences", "--config-dir", root, "--iterations", "2", "--base-time", "2024-01-01 00:00", "--json"])
        let spring = try #require(json.stdout.split(separator: "\n").first { $0.contains("spring-festival") })
        #expect(spring.contains("\"onHoliday\": [\"春节 -14 09:00\"]"), "\(spring)")
        #expect(spring.contains("\"occurrences\": [\"2024-01-26T01:00:00Z\", \"2025-01-14T01:00:00Z\"]"), "\(spring)")
    }

    // Bad input tried: 0 and 101 occurrences.
    @Test("A count of occurrences out of range is refused before anything is read", arguments: ["0", "101"])
    func badIterations(count: String) throws {
        let out = try BinaryRunner.run(
            cadencectl!, ["list-cadences", "--config-dir", "/nonexistent", "--iterations", count])
        #expect(
            out.status == 64 && out.stderr.contains("--iterations must be between 1 and 100, got \(count)"), "\(out)")
    }
}
