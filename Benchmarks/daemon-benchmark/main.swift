// The daemon benchmark (issue 3): a ledger of 1,000,000 items with deadlines over two years,
// 300 units and the shipped cadences; runs the release `cadenced` and reports
//   - time from start to READY=1,
//   - idle RSS,
//   - wake-ups over an idle span (context switches of all threads, watchdog off),
//   - lateness of fired events (median, p99 over 60 item deadlines due in the next seconds),
//   - notices per second to both sinks (a burst of items due at one instant).
// Run: Benchmarks/run-daemon-benchmark (builds, makes sure a journald listens, runs this).
//   - `cadencectl overdue --json` and `cadencectl item list --unit` end to end,
//   - the round trip of a write call (UpdateItem) on the socket.
// Environment: BENCH_ITEMS (1000000), BENCH_IDLE_SECONDS (60), BENCH_BURST (5000).
import CadenceControl
import CadenceCore
import CadenceStore
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

let environment = ProcessInfo.processInfo.environment
let itemCount = Int(environment["BENCH_ITEMS"] ?? "") ?? 1_000_000
let idleSeconds = Double(environment["BENCH_IDLE_SECONDS"] ?? "") ?? 60
let burst = Int(environment["BENCH_BURST"] ?? "") ?? 5_000
let cadenced = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ".build/release/cadenced"
let shipped = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "etc/cadenced"

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
func seconds(_ start: Date) -> String { String(format: "%.2f s", Date().timeIntervalSince(start)) }

let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-bench-\(getpid())").path
let config = root + "/config"
let state = root + "/state"
try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
try FileManager.default.copyItem(atPath: shipped, toPath: config)
// No warnings before deadlines here: each item has exactly its deadline and escalations as events.
try Data("[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n[Ledger]\nWarnBeforeSec=\n".utf8)
    .write(to: URL(fileURLWithPath: config + "/cadenced.conf"))
defer { try? FileManager.default.removeItem(atPath: root) }

let schedule = ItemSchedule(
    warnBefore: [], circularAfter: .seconds(3 * 86_400), talkAfter: .seconds(7 * 86_400),
    accountabilityAfter: .seconds(14 * 86_400))
let start = Date()

// 1. The ledger: 1,000,000 items over 300 units, deadlines from 10 days to 2 years ahead.
var seeding = Date()
do {
    let store = try LedgerStore(path: state + "/ledger.sqlite")
    try store.addUnits(
        [NewUnit(id: "city", name: "City Bureau", kind: .bureau)]
            + (1...300).map {
                NewUnit(
                    id: "Unit-\(String(format: "%03d", $0))", name: "Unit \($0)", kind: .countyBureau, parent: "city")
            },
        at: start, actor: nil)
    var rng = SystemRandomNumberGenerator()
    let batch = 50_000
    var added = 0
    while added < itemCount {
        let n = min(batch, itemCount - added)
        let items = (0..<n).map { i -> NewItem in
            let unit = "Unit-\(String(format: "%03d", (added + i) % 300 + 1))"
            let offset = Double.random(in: (10 * 86_400)...(730 * 86_400), using: &rng)
            return NewItem(
                unit: unit, title: "Rectification \(added + i)", deadline: start.addingTimeInterval(offset),
                first: "Leader of \(unit)")
        }
        try store.addItems(items, schedule: schedule, at: start)
        added += n
    }
    log("seeded \(itemCount) items in \(seconds(seeding))")
}

// 2. Start cadenced with our own notification socket and time READY=1.
let notifyPath = root + "/notify"
let notifyFD = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
var address = sockaddr_un()
address.sun_family = sa_family_t(AF_UNIX)
withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(notifyPath.utf8) + [0]) }
_ = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(notifyFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
    }
}
var timeout = timeval(tv_sec: 60, tv_usec: 0)
setsockopt(notifyFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

func receiveNotify() -> String? {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let n = recv(notifyFD, &buffer, buffer.count, 0)
    return n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self) : nil
}

let process = Process()
process.executableURL = URL(fileURLWithPath: cadenced)
process.arguments = ["--config-dir", config, "--state-dir", state]
var childEnvironment = environment
childEnvironment["NOTIFY_SOCKET"] = notifyPath
childEnvironment["TZ"] = "Asia/Shanghai"
process.environment = childEnvironment
process.standardError = FileHandle(forWritingAtPath: "/dev/null")
/// Reads the notification socket all the time, as systemd does: a full socket would block the
/// daemon's next sd_notify().
final class NotifyListener: @unchecked Sendable {
    private let lock = NSLock()
    private var readyAt: Date?
    func start() {
        Thread.detachNewThread {
            while true {
                guard let message = receiveNotify() else { continue }
                if message.contains("READY=1") {
                    self.lock.lock()
                    if self.readyAt == nil { self.readyAt = Date() }
                    self.lock.unlock()
                }
            }
        }
    }
    func waitForReady(timeout: TimeInterval) -> Date? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            lock.lock()
            let at = readyAt
            lock.unlock()
            if let at { return at }
            usleep(1000)
        }
        return nil
    }
}
let listener = NotifyListener()
listener.start()
let launched = Date()
try process.run()
defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
guard let readyAt = listener.waitForReady(timeout: 60) else { fatalError("cadenced never sent READY=1") }
let ready = readyAt.timeIntervalSince(launched)
let pid = process.processIdentifier

func rssKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

func contextSwitches() -> Int {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    return tasks.reduce(0) { total, task in
        let status = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8)) ?? ""
        return total
            + status.split(separator: "\n").filter { $0.contains("ctxt_switches") }
            .compactMap { Int($0.split(separator: "\t").last ?? "") }.reduce(0, +)
    }
}

// 3. Idle: nothing is due for days. Count context switches of all threads.
usleep(500_000)
let rssAfterReady = rssKiB()
let switchesBefore = contextSwitches()
usleep(useconds_t(idleSeconds * 1_000_000))
let idleSwitches = contextSwitches() - switchesBefore
let rssIdle = rssKiB()

// 4. Lateness and throughput need new items while the daemon runs: the control socket comes with
// the ledger verbs, so stop it, add them, and start it again (as an office would after an import).
kill(pid, SIGTERM)
process.waitUntilExit()
let dueStart = Date().addingTimeInterval(8)
let lateIDs: [Int64]
let burstAt = dueStart.addingTimeInterval(8)
do {
    let store = try LedgerStore(path: state + "/ledger.sqlite")
    var ids: [Int64] = []
    for i in 0..<60 {
        ids.append(
            try store.addItem(
                unit: "Unit-001", title: "Due soon \(i)", deadline: dueStart.addingTimeInterval(Double(i) * 0.1),
                first: "Leader of Unit-001", schedule: schedule, at: Date()))
    }
    lateIDs = ids
    try store.addItems(
        (0..<burst).map {
            NewItem(
                unit: "Unit-\(String(format: "%03d", $0 % 300 + 1))", title: "Burst \($0)", deadline: burstAt,
                first: "Leader")
        },
        schedule: schedule, at: Date())
}
let second = Process()
second.executableURL = URL(fileURLWithPath: cadenced)
second.arguments = ["--config-dir", config, "--state-dir", state]
second.environment = childEnvironment
second.standardError = FileHandle(forWritingAtPath: "/dev/null")
try second.run()
defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }

let reader = try DatabaseQueue(
    path: state + "/ledger.sqlite",
    configuration: {
        var c = Configuration(); c.readonly = true; return c
    }())
func delivered(prefix: String) throws -> [(due: Int64, emitted: Int64)] {
    try reader.read { db in
        try Row.fetchAll(
            db, sql: "SELECT dueAt, emittedAt FROM notice WHERE key LIKE ? AND fileWritten = 1 AND journalSent = 1",
            arguments: [prefix]
        ).map { ($0["dueAt"], $0["emittedAt"]) }
    }
}
var lateness: [Double] = []
while Date() < dueStart.addingTimeInterval(30) {
    let rows = try lateIDs.flatMap { try delivered(prefix: "item/\($0)/overdue") }
    if rows.count == lateIDs.count {
        lateness = rows.map { Double($0.emitted - $0.due) / 1000 }.sorted()
        break
    }
    usleep(100_000)
}
var burstSeconds: Double?
while Date() < burstAt.addingTimeInterval(120) {
    // The poll itself must not load the daemon: the undelivered count reads the partial index of
    // undelivered notices; the burst's whole count (a scan of the notice table) is read only when
    // none is waiting.
    let count = try reader.read { db -> Int in
        let waiting = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notice WHERE fileWritten = 0 OR journalSent = 0")
        guard waiting == 0 else { return 0 }
        return try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM notice WHERE kind = 'overdue' AND dueAt = ? AND fileWritten = 1 AND journalSent = 1
                """, arguments: [burstAt.micros]) ?? 0
    }
    if count == burst {
        burstSeconds = Date().timeIntervalSince(burstAt)
        break
    }
    usleep(20_000)
}
// 5. Queries through the control socket, end to end (cadencectl process start to exit).
let cadencectl = (cadenced as NSString).deletingLastPathComponent + "/cadencectl"
func timeCommand(_ arguments: [String]) -> (median: Double, lines: Int) {
    var times: [Double] = []
    var lines = 0
    for _ in 0..<5 {
        let command = Process()
        command.executableURL = URL(fileURLWithPath: cadencectl)
        command.arguments = arguments
        command.environment = ["CADENCED_SOCKET": state + "/io.cadenced"]
        let output = Pipe()
        command.standardOutput = output
        let started = Date()
        try? command.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        command.waitUntilExit()
        times.append(Date().timeIntervalSince(started) * 1000)
        lines = data.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }
    return (times.sorted()[2], lines)
}
let overdueQuery = timeCommand(["overdue", "--json"])
let unitQuery = timeCommand(["item", "list", "--unit", "Unit-007", "--json"])

// 6. A write call through the socket (UpdateItem: progress noted on one item), 200 times, each on
// another item, 20 ms apart so that each call meets an idle daemon: the round trip of one write.
var writeTimes: [Double] = []
var writeFailure: String?
do {
    let client = try VarlinkClient(path: state + "/io.cadenced")
    for id in 1...200 {
        let started = Date()
        _ = try client.call(
            "io.cadenced.Ledger.UpdateItem", ["id": id, "action": "progress", "note": "Benchmark note \(id)"])
        writeTimes.append(Date().timeIntervalSince(started) * 1000)
        usleep(20_000)
    }
} catch {
    writeFailure = "\(error)"
}
writeTimes.sort()

kill(second.processIdentifier, SIGTERM)
second.waitUntilExit()

func percentile(_ values: [Double], _ p: Double) -> Double {
    values.isEmpty ? .nan : values[min(values.count - 1, Int((Double(values.count - 1) * p).rounded()))]
}
print("cadenced benchmark: \(itemCount) items, 300 units, shipped cadences")
print(String(format: "  start to READY=1:             %.0f ms", ready * 1000))
print("  RSS after READY / after idle:  \(rssAfterReady / 1024) MiB / \(rssIdle / 1024) MiB")
print(String(format: "  context switches, %.0f s idle: %d (all threads; watchdog off)", idleSeconds, idleSwitches))
print(
    String(
        format: "  lateness of %d events:        median %.2f ms, p99 %.2f ms, max %.2f ms", lateness.count,
        percentile(lateness, 0.5), percentile(lateness, 0.99), lateness.last ?? .nan))
if let burstSeconds {
    print(
        String(
            format: "  burst of %d notices:        %.2f s after their instant, %.0f notices/s to file + journal",
            burst, burstSeconds, Double(burst) / burstSeconds))
} else {
    print("  burst of \(burst) notices: not all delivered within 120 s")
}
print(
    String(
        format: "  cadencectl overdue --json:     %.0f ms (median of 5, %d items)", overdueQuery.median,
        overdueQuery.lines))
print(
    String(format: "  cadencectl item list --unit:  %.0f ms (median of 5, %d items)", unitQuery.median, unitQuery.lines)
)
if let writeFailure {
    print("  write call (UpdateItem): failed after \(writeTimes.count) calls: \(writeFailure)")
} else {
    print(
        String(
            format: "  write call (UpdateItem):       median %.2f ms, p99 %.2f ms (%d calls on the socket)",
            percentile(writeTimes, 0.5), percentile(writeTimes, 0.99), writeTimes.count))
}
print("  total benchmark time: \(seconds(start))")
