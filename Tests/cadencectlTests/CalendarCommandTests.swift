import Foundation
import Testing

private let cadencectl = BinaryRunner.executable("cadencectl")
private let systemdAnalyze = BinaryRunner.which("systemd-analyze")

/// The lines of `systemd-analyze calendar` output that do not depend on the current time.
private func stableLines(_ output: String) -> [String] {
    output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        .filter { !$0.contains("From now:") }
}

@Suite("cadencectl calendar", .serialized, .enabled(if: cadencectl != nil, "cadencectl is not built"))
struct CalendarCommandTests {
    @Test(
        "Prints what systemd-analyze calendar prints, zone by zone",
        .enabled(if: systemdAnalyze != nil, "systemd-analyze is not installed"),
        arguments: [
            "UTC", "Asia/Shanghai", "America/New_York",
            // glibc's colon forms: a zone name, and a path to a tz file (as TZ=:/etc/localtime is).
            ":Europe/Berlin", ":/usr/share/zoneinfo/Asia/Tokyo",
        ])
    func matchesSystemdAnalyze(zone: String) throws {
        let arguments = [
            "calendar", "--base-time=@1772884800", "--iterations=4",
            "quarterly", "*-*~01 17:00", "Mon..Fri 09:00 Europe/Berlin", "*-*-* 02:30", "*:*:0/7.5",
        ]
        let ours = try BinaryRunner.run(cadencectl!, arguments, environment: ["TZ": zone])
        let theirs = try BinaryRunner.run(systemdAnalyze!, arguments, environment: ["TZ": zone])
        #expect(ours.status == 0)
        #expect(stableLines(ours.stdout) == stableLines(theirs.stdout))
    }

    @Test("TZ=:PATH naming a copied tz file (not a link) computes in that file's zone, as systemd-analyze does")
    func copiedZoneFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("localtime")
        try FileManager.default.copyItem(atPath: "/usr/share/zoneinfo/America/New_York", toPath: copy.path)
        let arguments = ["calendar", "--base-time=@1772884800", "--iterations=3", "Sun 16:00"]
        let ours = try BinaryRunner.run(cadencectl!, arguments, environment: ["TZ": ":" + copy.path])
        let reference = try BinaryRunner.run(cadencectl!, arguments, environment: ["TZ": "America/New_York"])
        #expect(ours.status == 0)
        #expect(stableLines(ours.stdout) == stableLines(reference.stdout))
        #expect(ours.stdout.contains("EST") || ours.stdout.contains("EDT"))
    }

    @Test("--json prints one object per expression with UTC instants")
    func json() throws {
        let result = try BinaryRunner.run(
            cadencectl!,
            [
                "calendar", "--json", "--base-time=2026-11-23T00:00:00Z", "--iterations=2",
                "*-*-01 09:00 Asia/Shanghai", "*:*:1.25 UTC",
            ])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["normalized"] as? String == "*-*-01 09:00:00 Asia/Shanghai")
        #expect(first?["elapses"] as? [String] == ["2026-12-01T01:00:00Z", "2027-01-01T01:00:00Z"])
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
        #expect(second?["elapses"] as? [String] == ["2026-11-23T00:00:01.250000Z", "2026-11-23T00:01:01.250000Z"])
    }

    // Bad input tried: an unknown weekday, a month out of range, next to a good expression.
    @Test("A rejected expression says where and why and exits 1; the good ones still print")
    func rejected() throws {
        let result = try BinaryRunner.run(
            cadencectl!, ["calendar", "--base-time=@0", "daily", "Mondy 10:00", "*-13-01"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("Normalized form: *-*-* 00:00:00"))
        #expect(result.stderr.contains("'Mondy' at position 1: not a weekday"))
        #expect(result.stderr.contains("month '13' is out of range 1..12"))
    }

    // Bad input tried: --iterations=0 and a base time that is not a time.
    @Test(
        "Bad options are usage errors (exit 64) and print nothing on stdout",
        arguments: [
            ["calendar", "--iterations=0", "daily"],
            ["calendar", "--base-time=yesterday-ish", "daily"],
        ])
    func usageErrors(arguments: [String]) throws {
        let result = try BinaryRunner.run(cadencectl!, arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
    }
}
