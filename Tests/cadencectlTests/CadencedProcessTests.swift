import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

private let cadenced = BinaryRunner.executable("cadenced")

private final class Workspace {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path + "/config/cadences.d", withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path + "/" + relative as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + relative))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Reads a pipe on a background thread so the test can wait for a line with a deadline.
private final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [weak self] h in
            let data = h.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.text += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
    }

    var contents: String {
        lock.lock()
        defer { lock.unlock() }
        return text
    }

    /// Waits until `needle` appears or `seconds` pass.
    func wait(for needle: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if contents.contains(needle) { return true }
            usleep(20_000)
        }
        return contents.contains(needle)
    }
}

@Suite("cadenced as a process", .serialized, .enabled(if: cadenced != nil, "cadenced is not built"))
struct CadencedProcessTests {
    @Test("--check-config prints the schedule of the shipped configuration and exits 0")
    func checkShipped() throws {
        let result = try BinaryRunner.run(
            cadenced!, ["--config-dir", BinaryRunner.packageRoot.path + "/etc/cadenced", "--check-config"],
            environment: ["TZ": "Asia/Shanghai"])
        #expect(result.status == 0)
        for name in [
            "commitments", "monthly-reminder", "quarterly-review", "half-year-inspection",
            "half-year-appraisal", "year-end-evaluation", "month-end-quota",
        ] {
            #expect(result.stdout.contains("  \(name) ("), "\(name) missing from:\n\(result.stdout)")
        }
    }

    @Test(
        "TZ with a leading colon (a zone name or a tz file's path) is the daemon's zone, as glibc reads it",
        arguments: [":Asia/Tokyo", ":/usr/share/zoneinfo/Asia/Tokyo"])
    func colonZone(tz: String) throws {
        let arguments = ["--config-dir", BinaryRunner.packageRoot.path + "/etc/cadenced", "--check-config"]
        let colon = try BinaryRunner.run(cadenced!, arguments, environment: ["TZ": tz])
        let plain = try BinaryRunner.run(cadenced!, arguments, environment: ["TZ": "Asia/Tokyo"])
        let utc = try BinaryRunner.run(cadenced!, arguments, environment: ["TZ": "UTC"])
        #expect(colon.status == 0)
        #expect(colon.stdout.contains("+09:00"), "\(colon.stdout)")
        // The minute of "Next occurrences" may differ between runs only at a cadence's instant.
        #expect(colon.stdout == plain.stdout)
        #expect(colon.stdout != utc.stdout)
    }

    // Bad input tried: an unknown key, an impossible month, a zone that does not exist.
    @Test("A bad configuration stops startup with file:line: reason for every error and exit 78")
    func badConfiguration() throws {
        let workspace = try Workspace()
        try workspace.write("config/cadenced.conf", "[Daemon]\nTimeZone=Mars/Base\nBogus=1\n")
        try workspace.write("config/cadences.d/x.cadence", "[Cadence]\nOnCalendar=*-13-01\nKind=reminder\n")
        let result = try BinaryRunner.run(
            cadenced!, ["--config-dir", workspace.path + "/config", "--state-dir", workspace.path + "/state"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("/config/cadenced.conf:3: unknown key 'Bogus'"))
        #expect(result.stderr.contains("/config/cadenced.conf:2: TimeZone= 'Mars/Base'"))
        #expect(result.stderr.contains("/config/cadences.d/x.cadence:2: OnCalendar= '*-13-01'"))
        #expect(!FileManager.default.fileExists(atPath: workspace.path + "/state"))
    }

    @Test("The daemon fires a cadence at its time, survives a bad reload, and stops cleanly on SIGTERM")
    func runReloadStop() throws {
        let workspace = try Workspace()
        // Every 2 seconds, each elapse its own period.
        try workspace.write(
            "config/cadences.d/tick.cadence", "[Cadence]\nOnCalendar=*:*:0/2\nKind=reminder\nPeriod=occurrence\n")
        let process = Process()
        process.executableURL = cadenced!
        process.arguments = ["--config-dir", workspace.path + "/config", "--state-dir", workspace.path + "/state"]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        let log = LineCollector(stderr.fileHandleForReading)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        #expect(log.wait(for: "next: tick (reminder", seconds: 10))
        #expect(log.wait(for: "Notice occurrence/tick/", seconds: 10), "log so far:\n\(log.contents)")
        #expect(FileManager.default.fileExists(atPath: workspace.path + "/state/ledger.sqlite"))
        let index = try String(contentsOfFile: workspace.path + "/state/notices/index.jsonl", encoding: .utf8)
        #expect(index.contains("\"kind\":\"occurrence\""))

        // A broken cadence file, then SIGHUP: the old configuration keeps running.
        try workspace.write("config/cadences.d/broken.cadence", "[Cadence]\nOnCalendar=25:00\nKind=reminder\n")
        kill(process.processIdentifier, SIGHUP)
        #expect(log.wait(for: "Reload refused: ", seconds: 10))
        #expect(log.contents.contains("broken.cadence:2"))
        #expect(process.isRunning)
        // The refusal is a notice of its own, for whoever reads notices.
        #expect(waitForFile(workspace.path + "/state/notices/index.jsonl", containing: "configuration-refused"))
        let dueBefore = log.contents.components(separatedBy: "Notice occurrence/tick/").count
        let deadline = Date().addingTimeInterval(10)
        while log.contents.components(separatedBy: "Notice occurrence/tick/").count == dueBefore && Date() < deadline {
            usleep(20_000)
        }
        #expect(
            log.contents.components(separatedBy: "Notice occurrence/tick/").count > dueBefore,
            "no tick after the failed reload")

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // The pipe may still hold the last lines when the process is reaped: read to the end.
        #expect(log.wait(for: "Stopping on signal 15", seconds: 5), "log so far:\n\(log.contents)")
    }

    @Test("A start with a bad configuration runs on the last good copy, says so, and serves the ledger")
    func startsOnLastGood() throws {
        let workspace = try Workspace()
        try workspace.write(
            "config/cadences.d/monthly.cadence", "[Cadence]\nOnCalendar=*-*-01 09:00\nKind=reminder\nPeriod=month\n")
        // A chat group's robot: on the last good configuration, its notices still reach the group.
        try workspace.write("config/robots.d/county-group.robot", "[Robot]\nDescription=甲县卫生局工作群\nChannel=dingtalk\n")
        let arguments = ["--config-dir", workspace.path + "/config", "--state-dir", workspace.path + "/state"]
        func start() throws -> (Process, LineCollector) {
            let process = Process()
            process.executableURL = cadenced!
            process.arguments = arguments
            let stderr = Pipe()
            process.standardError = stderr
            process.standardOutput = FileHandle.nullDevice
            let log = LineCollector(stderr.fileHandleForReading)
            try process.run()
            return (process, log)
        }
        let (first, firstLog) = try start()
        #expect(firstLog.wait(for: "Kept a copy of the configuration as the last good one", seconds: 10))
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()

        // Broken while it was down (a kill, a crash, a reboot): the next start keeps the office running.
        try workspace.write("config/cadences.d/monthly.cadence", "[Cadence]\nOnCalendar=*-*-01 09:00 Asia/Shangai\n")
        let (second, log) = try start()
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        #expect(log.wait(for: "running on the last good configuration", seconds: 10), "\(log.contents)")
        #expect(log.contents.contains("monthly.cadence:2: OnCalendar= '*-*-01 09:00 Asia/Shangai'"))
        #expect(log.contents.contains("the time zone 'Asia/Shangai' at position 14 is unknown"))
        #expect(second.isRunning)
        #expect(waitForFile(workspace.path + "/state/notices/index.jsonl", containing: "configuration-refused"))
        let ctl = try #require(BinaryRunner.executable("cadencectl"))
        let status = try BinaryRunner.run(
            ctl, ["status"], environment: ["CADENCED_SOCKET": workspace.path + "/state/io.cadenced"])
        #expect(status.status == 0, "\(status.stderr)")
        // The copy still holds the good cadence: it was not overwritten by the bad one.
        let copy = try String(
            contentsOfFile: workspace.path + "/state/last-good-config/cadences.d/monthly.cadence", encoding: .utf8)
        #expect(copy.contains("Kind=reminder"))
        // The group robot is in force on the last good configuration: routing still posts to it.
        #expect(
            FileManager.default.fileExists(
                atPath: workspace.path + "/state/last-good-config/robots.d/county-group.robot"))
        if let sqlite3 = BinaryRunner.which("sqlite3") {
            let robots = try BinaryRunner.run(
                sqlite3, ["-readonly", workspace.path + "/state/ledger.sqlite", "SELECT name FROM robot"])
            #expect(robots.stdout == "county-group\n", "robots in force: \(robots.stdout) \(robots.stderr)")
        }
        kill(second.processIdentifier, SIGTERM)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
    }

    /// Waits up to 10 s for `path` to contain `text`.
    private func waitForFile(_ path: String, containing text: String) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        repeat {
            if let contents = try? String(contentsOfFile: path, encoding: .utf8), contents.contains(text) {
                return true
            }
            usleep(20_000)
        } while Date() < deadline
        return false
    }
}
