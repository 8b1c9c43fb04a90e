import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

private let cadenced = BinaryRunner.executable("cadenced")
private let cadencectl = BinaryRunner.executable("cadencectl")

/// A cadenced on temporary directories with its control socket, stopped by PID at the end.
private final class RunningDaemon {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-ctl-\(UUID().uuidString)").path
    let process = Process()
    var socket: String { root + "/state/io.cadenced" }

    init() throws {
        try FileManager.default.createDirectory(atPath: root + "/config/cadences.d", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/state", withIntermediateDirectories: true)
        try Data("[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n".utf8)
            .write(to: URL(fileURLWithPath: root + "/config/cadenced.conf"))
        process.executableURL = cadenced!
        process.arguments = ["--config-dir", root + "/config", "--state-dir", root + "/state"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socket) && Date() < deadline { usleep(20_000) }
    }

    func ctl(_ arguments: [String]) throws -> BinaryRunner.Result {
        try BinaryRunner.run(cadencectl!, arguments, environment: ["CADENCED_SOCKET": socket])
    }

    deinit {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: root)
    }
}

private func json(_ line: some StringProtocol) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
}

@Suite(
    "cadencectl ledger verbs over the control socket", .serialized,
    .enabled(if: cadenced != nil && cadencectl != nil, "cadenced or cadencectl is not built"))
struct LedgerCommandTests {
    @Test("Add, list, show and close an item; the overdue list and the status follow")
    func lifecycle() throws {
        let daemon = try RunningDaemon()
        let added = try daemon.ctl([
            "item", "add", "--unit", "县卫生局 A", "--title", "整改值班制度", "--deadline", "2099-01-31", "--json",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let item = try json(added.stdout.trimmingCharacters(in: .newlines))
        #expect(item["unit"] as? String == "县卫生局 A")
        // A date deadline falls due at the end of that day in the configured zone (DeadlineTime=24:00).
        #expect(item["deadline"] as? String == "2099-01-31T16:00:00Z")
        let soon = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2))
        #expect(
            try daemon.ctl(["item", "add", "--unit", "Unit B", "--title", "Due soon", "--deadline", soon]).status == 0)

        let list = try daemon.ctl(["item", "list"])
        #expect(list.stdout.contains("县卫生局 A"))
        #expect(list.stdout.contains("2 of 2 items."))
        let onlyB = try daemon.ctl(["item", "list", "--unit", "Unit B", "--json"])
        #expect(onlyB.stdout.split(separator: "\n").count == 1)

        // The second item falls due while the daemon runs: overdue at its instant, without any restart.
        var overdue: [String] = []
        let deadline = Date().addingTimeInterval(10)
        while overdue.isEmpty && Date() < deadline {
            usleep(200_000)
            overdue = try daemon.ctl(["overdue", "--json"]).stdout.split(separator: "\n").map(String.init)
        }
        #expect(overdue.count == 1)
        let stages = try json(overdue.first ?? "{}")["stages"] as? [String] ?? []
        #expect(stages.contains("overdue"))

        #expect(try daemon.ctl(["item", "close", "2"]).status == 0)
        #expect(try daemon.ctl(["overdue", "--json"]).stdout.isEmpty)
        let status = try json(try daemon.ctl(["status", "--json"]).stdout.trimmingCharacters(in: .newlines))
        #expect(status["items"] as? Int == 2)
        #expect(status["openItems"] as? Int == 1)
        #expect(status["overdue"] as? Int == 0)

        // The history names who did what, in order, with the caller's real user name.
        let history = try daemon.ctl(["history", "--json"]).stdout.split(separator: "\n").map { try json($0) }
        #expect(history.map { $0["action"] as? String } == ["item.add", "item.add", "item.close"])
        let me = String(cString: getpwuid(getuid())!.pointee.pw_name)
        #expect(history.allSatisfy { $0["user"] as? String == me && $0["uid"] as? Int == Int(getuid()) })
        #expect(history.last?["item"] as? Int == 2)
    }

    // Bad input tried: a deadline in the past, a date that is not one, an empty unit, an unknown
    // item, closing twice, an unreachable socket, a non-numeric id.
    @Test("Bad requests say what was wrong, exit non-zero and change nothing")
    func badRequests() throws {
        let daemon = try RunningDaemon()
        let cases: [([String], Int32, String)] = [
            (["item", "add", "--unit", "U", "--title", "T", "--deadline", "2020-01-01"], 1, "is not in the future"),
            (["item", "add", "--unit", "U", "--title", "T", "--deadline", "2027-02-30"], 1, "is not a date"),
            (["item", "add", "--unit", " ", "--title", "T", "--deadline", "2099-01-01"], 1, "unit: is empty"),
            (["item", "show", "7"], 3, "there is no rectification item #7"),
            (["item", "close", "7"], 3, "there is no rectification item #7"),
            (["item", "show", "seven"], 64, ""),
        ]
        for (arguments, status, message) in cases {
            let result = try daemon.ctl(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(message.isEmpty || result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try daemon.ctl(["item", "add", "--unit", "U", "--title", "T", "--deadline", "2099-01-01"]).status == 0)
        #expect(try daemon.ctl(["item", "close", "1"]).status == 0)
        let twice = try daemon.ctl(["item", "close", "1"])
        #expect(twice.status == 1 && twice.stderr.contains("already closed"))
        let status = try json(try daemon.ctl(["status", "--json"]).stdout.trimmingCharacters(in: .newlines))
        #expect(status["items"] as? Int == 1)
        let unreachable = try BinaryRunner.run(
            cadencectl!, ["status"], environment: ["CADENCED_SOCKET": daemon.root + "/nothing-here"])
        #expect(unreachable.status == 69)
        #expect(unreachable.stderr.contains("cannot reach cadenced"))
    }
}
