import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The debug build of cadenced, which `swift test` builds before the tests run.
private let binaryDirectory: URL? = [
    ".build/debug", ".build/x86_64-unknown-linux-gnu/debug", ".build/aarch64-unknown-linux-gnu/debug",
]
.map { packageRoot.appendingPathComponent($0) }
.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("cadenced").path) }

private let hasPython =
    ["/usr/bin/python3", "/usr/local/bin/python3"].contains {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    || (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/python3")
    }

/// The quick variants of the reliability campaigns, each through `scripts/reliability --quick --only
/// NAME`, as a person runs them (docs/RELIABILITY.md). They run at once, each in namespaces of its
/// own; together they add about two minutes. A campaign that cannot run here (no root, no
/// libFuzzer, no faketime) prints "SKIP: reason": the test is then skipped with that reason (never
/// passed), and under CI=true, where every tool is installed, the campaign itself fails.
@Suite(
    "Reliability campaigns (scripts/reliability --quick)",
    .enabled(if: binaryDirectory != nil, "cadenced is not built"),
    .enabled(if: hasPython, "python3 is not installed"))
struct CampaignTests {
    /// A guard against a hang, not a goal: the campaigns run beside the other suites, and on a
    /// loaded two-core machine one took more than ten minutes.
    static let guardMinutes = 20

    /// Runs one campaign and returns its output; records an issue unless it exited 0.
    private func run(_ campaign: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            packageRoot.appendingPathComponent("scripts/reliability").path, "--quick", "--only", campaign, "--bin",
            binaryDirectory!.path,
        ]
        process.currentDirectoryURL = packageRoot
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        // One pipe for both streams: lines stay in order, and neither pipe can fill up unread.
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        print("--- scripts/reliability --quick --only \(campaign)\n\(text)")
        let failures = text.split(separator: "\n").filter { $0.hasPrefix("FAIL") }.prefix(5)
        if process.terminationStatus == 0,
            let skip = text.split(separator: "\n").first(where: { $0.contains("SKIP: ") })
        {
            try Test.cancel("\(campaign) did not run: \(skip.split(separator: "SKIP: ", maxSplits: 1).last ?? skip)")
        }
        #expect(
            process.terminationStatus == 0,
            "\(campaign) exited \(process.terminationStatus):\n\(failures.joined(separator: "\n"))")
    }

    @Test(
        "Crash: SIGKILL at random moments under steady work, SIGTERM during a catch-up; nothing lost, nothing twice",
        .enabled(if: getuid() == 0, "needs root: a private mount namespace with its own journald"),
        .timeLimit(.minutes(Self.guardMinutes)))
    func crash() throws { try run("crash") }

    @Test(
        "Clock: DST changes, a leap day, a month end, downtime and a clock set back, under libfaketime",
        .enabled(if: getuid() == 0, "needs root: private mount namespaces with their own journald"),
        .timeLimit(.minutes(Self.guardMinutes)))
    func clock() throws { try run("clock") }

    @Test(
        "Resource faults: a full disk, an unwritable notice directory, no journald; reported, retried, nothing lost",
        .enabled(if: getuid() == 0, "needs root: tmpfs mounts, a second user, its own journald"),
        .timeLimit(.minutes(Self.guardMinutes)))
    func faults() throws { try run("faults") }

    @Test(
        "Hostile names cannot forge journal fields or leave the notice tree (a real journald)",
        .enabled(if: getuid() == 0, "needs root: a private mount namespace with its own journald"),
        .timeLimit(.minutes(Self.guardMinutes)))
    func names() throws { try run("names") }

    @Test(
        "Socket abuse all at once leaves the daemon serving a well-behaved client; abuse.py",
        .enabled(if: getuid() == 0, "needs root: its own journald, and abuse.py's second user"),
        .timeLimit(.minutes(Self.guardMinutes)))
    func socket() throws { try run("socket") }

    @Test("Fuzzing: each libFuzzer target for a few seconds (ASan)", .timeLimit(.minutes(Self.guardMinutes)))
    func fuzz() throws { try run("fuzz") }

    @Test(
        "cadenced.service's systemd-analyze security exposure is 1.0 or lower", .timeLimit(.minutes(Self.guardMinutes)))
    func exposure() throws { try run("exposure") }
}
