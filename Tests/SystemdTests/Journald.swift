import Foundation
import Testing

@testable import Systemd

#if canImport(Glibc)
    import Glibc
#endif

// The write end of the pipe that keeps the journald started by these tests alive, and that journald's
// PID; read by the atexit hook, which cannot capture context.
nonisolated(unsafe) private var keepAliveWriteEnd: Int32 = -1
nonisolated(unsafe) private var startedJournaldPID: pid_t = 0
nonisolated(unsafe) private var startedJournaldLog: String?

/// A real systemd-journald for the suite: the one already listening, or one started as a child.
///
/// The child is `sh -c '/lib/systemd/systemd-journald & …; cat; kill $pid'` with a pipe on its stdin.
/// Only this process holds the pipe's write end (close-on-exec), so the shell's `cat` sees end-of-file
/// when the tests end — normally, by a crash or by SIGKILL — and then stops the journald it started, by
/// its PID. An atexit hook closes the pipe and waits (bounded) until that journald is gone, so it does
/// not outlive `swift test`. A journald that was already running is used and left alone.
enum Journald {
    static let socketPath = "/run/systemd/journal/socket"
    static let executable = "/lib/systemd/systemd-journald"

    /// Whether this process can start a journald (the tests skip with this reason otherwise).
    static let canRun = getuid() == 0 && access(executable, X_OK) == 0

    private static let started: Result<String, JournaldStartError> = start()

    /// Makes sure a journald listens; returns how (`"already running"` or `"started, PID n"`).
    @discardableResult
    static func require() throws -> String {
        try started.get()
    }

    /// Sends an empty datagram to the journal socket; ECONNREFUSED or ENOENT means nobody listens.
    static func isListening() -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8) + [0]) }
        let sent = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, nil, 0, Int32(MSG_NOSIGNAL), $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return sent >= 0
    }

    /// Whether journald has opened a journal file: it accepts datagrams on its socket before it
    /// creates /run/log/journal/MACHINE-ID/system.journal.
    static func hasJournalFile() -> Bool {
        for root in ["/run/log/journal", "/var/log/journal"] {
            for machine in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + machine)) ?? []
                if files.contains(where: { $0.hasSuffix(".journal") }) { return true }
            }
        }
        return false
    }

    private static func start() -> Result<String, JournaldStartError> {
        if isListening() { return .success("already running") }
        // Where no journald ran before (a fresh chroot or container), /run/log/journal does not
        // exist yet, and a reader opened before journald makes it watches nothing: it never sees
        // the entries that follow (sd_journal_wait only watches directories that existed when it
        // opened). Make the directory first, and call journald ready once its file is there.
        try? FileManager.default.createDirectory(atPath: "/run/log/journal", withIntermediateDirectories: true)
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return .failure(.init("pipe failed: errno \(errno)")) }
        // Only this process may hold the write end, or end-of-file would wait for other children too.
        guard fcntl(ends[1], F_SETFD, FD_CLOEXEC) == 0 else {
            return .failure(.init("fcntl FD_CLOEXEC failed: errno \(errno)"))
        }
        let log = NSTemporaryDirectory() + "cadenced-journald-\(getpid()).log"
        let pidFile = NSTemporaryDirectory() + "cadenced-journald-\(getpid()).pid"
        let script = """
            \(executable) </dev/null >'\(log)' 2>&1 &
            pid=$!
            echo $pid >'\(pidFile)'
            cat >/dev/null
            kill $pid
            wait $pid
            """
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", script]
        shell.standardInput = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true)
        do {
            try shell.run()
        } catch {
            close(ends[1])
            return .failure(.init("cannot run /bin/sh: \(error)"))
        }
        keepAliveWriteEnd = ends[1]
        startedJournaldLog = log
        atexit(stopStartedJournald)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if startedJournaldPID == 0, let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                startedJournaldPID = pid
                unlink(pidFile)
            }
            if startedJournaldPID != 0 && isListening() && hasJournalFile() {
                return .success("started, PID \(startedJournaldPID)")
            }
            usleep(10_000)  // bounded by the deadline above
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return .failure(.init("journald did not accept datagrams and open its journal within 10 s: \(output)"))
    }
}

struct JournaldStartError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

private func stopStartedJournald() {
    guard keepAliveWriteEnd >= 0 else { return }
    // End-of-file on the shell's stdin makes it kill the journald it started and wait for it.
    close(keepAliveWriteEnd)
    keepAliveWriteEnd = -1
    if let log = startedJournaldLog { unlink(log) }
    guard startedJournaldPID > 0 else { return }
    for _ in 0..<300 {  // at most 3 s
        if kill(startedJournaldPID, 0) != 0 && errno == ESRCH { return }
        usleep(10_000)
    }
}

/// A value no earlier run has put in the journal.
func uniqueMarker(_ label: String) -> String {
    "\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
}

/// Runs `journalctl` with `arguments` and returns its stdout.
func journalctl(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
    process.arguments = ["--no-pager"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Polls `journalctl -o json` every 50 ms until it prints `count` entries or 5 s have passed.
func journalctlJSON(_ arguments: [String], count: Int = 1) throws -> [[String: Any]] {
    let deadline = ContinuousClock.now + .seconds(5)
    while true {
        let lines = try journalctl(["-o", "json"] + arguments).split(separator: "\n")
        let entries = lines.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        if entries.count >= count || ContinuousClock.now >= deadline { return entries }
        usleep(50_000)  // bounded by the deadline above
    }
}
