import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

private let cadenced = BinaryRunner.executable("cadenced")
/// The scripts use the `varlink` package from PyPI, which scripts/deps installs in a virtual
/// environment under the build directory (Debian's python3 refuses system-wide installs).
private let python3: URL? = {
    let venv = BinaryRunner.packageRoot.appendingPathComponent(".build/venv/bin/python3")
    return FileManager.default.isExecutableFile(atPath: venv.path) ? venv : BinaryRunner.which("python3")
}()
private let pythonHasVarlink: Bool = {
    guard let python3 else { return false }
    return (try? BinaryRunner.run(python3, ["-c", "import varlink"]).status) == 0
}()
private let scripts = BinaryRunner.packageRoot.appendingPathComponent("Tests/varlink")

/// A cadenced started in temporary directories with the shipped configuration, UTC and English,
/// serving its control socket; stopped (SIGTERM, then SIGKILL) when the test ends.
private final class RunningDaemon {
    let root: String
    let socket: String
    let process = Process()

    init(control: String? = nil) throws {
        root =
            FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-varlink-\(UUID().uuidString)")
            .path
        socket = root + "/state/io.cadenced"
        try FileManager.default.createDirectory(atPath: root + "/state", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: BinaryRunner.packageRoot.path + "/etc/cadenced", toPath: root + "/config")
        // Campaign plans, so that GetPlan, HandIn and RecordCount have one to answer about.
        try FileManager.default.createDirectory(atPath: root + "/config/plans.d", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: BinaryRunner.packageRoot.path + "/examples/plans/district-hospital-2011.plan",
            toPath: root + "/config/plans.d/district.plan")
        try FileManager.default.copyItem(
            atPath: BinaryRunner.packageRoot.path + "/examples/plans/city-bureau-2011.plan",
            toPath: root + "/config/plans.d/city.plan")
        var conf = "[Daemon]\nTimeZone=UTC\nLanguage=en\n"
        if let control { conf += "[Control]\n" + control }
        try Data(conf.utf8).write(to: URL(fileURLWithPath: root + "/config/cadenced.conf"))
        _ = FileManager.default.createFile(atPath: root + "/cadenced.log", contents: nil)
        process.executableURL = cadenced!
        process.arguments = [
            "--config-dir", root + "/config", "--state-dir", root + "/state", "--control-socket", socket,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: root + "/cadenced.log")
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: root + "/cadenced.log", encoding: .utf8)) ?? "" }

    /// Waits until the socket accepts a connection or `seconds` pass.
    func waitUntilListening(seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && process.isRunning {
            let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socket.utf8) + [0]) }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            close(fd)
            if connected == 0 { return true }
            usleep(50_000)
        }
        return false
    }

    /// SIGTERM, then SIGKILL after 5 s; returns how it ended.
    func stop() -> String {
        guard process.isRunning else {
            return
                "had already exited (status \(process.terminationStatus), \(process.terminationReason == .uncaughtSignal ? "signal" : "exit"))"
        }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return "did not stop on SIGTERM; killed"
        }
        return "stopped on SIGTERM (status \(process.terminationStatus))"
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: root)
    }
}

@Suite(
    "Varlink conformance of the control socket (Python varlink client)", .serialized,
    .enabled(if: cadenced != nil, "cadenced is not built"))
struct VarlinkConformanceTests {
    private func runScript(_ name: String, _ arguments: [String], daemon: RunningDaemon) throws {
        // A skip with its reason here; under CI=true (scripts/deps ran) a failure.
        if !pythonHasVarlink {
            let reason = "python3 cannot import varlink (scripts/deps installs it in .build/venv)"
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("\(reason); CI=true")
                return
            }
            try Test.cancel(Comment(rawValue: reason))
        }
        #expect(daemon.waitUntilListening(), "the control socket never accepted a connection:\n\(daemon.log)")
        let result = try BinaryRunner.run(
            python3!, [scripts.appendingPathComponent(name).path, daemon.socket] + arguments + ["--strict"],
            environment: ["PYTHONDONTWRITEBYTECODE": "1"])
        let ending = daemon.stop()
        print("--- \(name) ---\n\(result.stdout)\(result.stderr)--- cadenced \(ending)")
        #expect(
            result.status == 0,
            "\(name) failed (exit \(result.status)):\n\(result.stdout)\(result.stderr)\ncadenced log:\n\(daemon.log)")
        #expect(result.stdout.contains(" passed, 0 failed"))
    }

    // Every method of io.cadenced.Ledger is called through the package and every reply checked
    // against the IDL the service returns; after every refused call the whole ledger (units, roles,
    // commitments, reviews, quotas, items, history length) must be unchanged.
    // Bad input tried: unknown units (AddItem, AssignRole, RecordReview by and of, SubmitReport,
    // AddCommitment, ListItems/ListRoles/ListCommitments/ListReviews filters, Export, GetUnit,
    // RemoveUnit → NoSuchUnit), removed units, unknown items and commitments; deadlines in the past,
    // impossible dates (Feb 30, month 13, hour 25), free text, no zone, +-3, +3x, +36501; no first
    // responsible person (a unit without role first, @boss, an unheld @main); verify/CloseItem/
    // reject/reopen of an open item, defer without plan, explanation or date, refer without
    // referredTo, verify by the direct responsible person (by name, by @direct, by default the
    // caller), CloseItem of a closed item; invalid kind, role, source, scope, urgency, difficulty,
    // action, status, form and state values; duplicate, self-parented, orphaned and malformed unit
    // ids, quotas out of range; a review by an unrelated unit without override (and with it), a
    // quarter review for a half-year, a period not yet begun, held tomorrow or on 13-01; a report
    // for month 13, a quarter, a future day; removing a unit with sub-units or open items; imports
    // with bad rows (units, items, JSON commitments), a missing column, an unterminated quote, JSON
    // that is not an array, unknown kind/format, empty text, each dry and real; wrong JSON types for
    // every method (strings for ints and bools, bools for ints, fractional and huge ids, nulls,
    // lists, objects), non-object parameters, unknown methods and interfaces; oneway and more
    // flags, pipelined calls. Good imports (CSV with Chinese headers, JSON) and an export/import
    // round trip with formula-like titles must work.
    @Test("conformance.py: introspection, the Ledger methods, and their errors through the varlink package")
    func conformance() throws {
        let daemon = try RunningDaemon()
        try runScript("conformance.py", [], daemon: daemon)
    }

    // Bad input tried: invalid JSON, non-objects, missing/numeric method, invalid UTF-8, empty
    // and deeply nested messages; messages at, over and far over the size limits: this process may
    // write, so MaxImportSize (8K) applies to it, while a child running as uid 65534 (when the test
    // runs as root) is held to MaxMessageSize (4K) even for an import; more connections than
    // MaxConnections (4); idle connections (IdleTimeoutSec=2s); a client sending byte by byte and
    // one half-closing; 200 connect/call/close cycles; unit ids, unit names, titles and responsible
    // people with '/', '..', newlines, NUL, ESC and other control characters, bidi overrides; a
    // client that never reads its replies; clients that hang up before their replies.
    @Test("abuse.py: malformed, oversized, too many, idle, slow and hostile clients; the daemon keeps serving")
    func abuse() throws {
        let daemon = try RunningDaemon(
            control: "MaxConnections=4\nMaxMessageSize=4K\nMaxImportSize=8K\nIdleTimeoutSec=2s\n")
        try runScript(
            "abuse.py",
            [
                "--max-connections", "4", "--max-message-size", "4096", "--max-import-size", "8192",
                "--idle-timeout", "2",
            ],
            daemon: daemon)
    }
}
