// The ledger benchmark (issue 4): with 1,000,000 items of which 10,000 are overdue, the release
// `cadenced` answers, end to end from `cadencectl` start to exit,
//   - `cadencectl overdue --json`            (goal: under 100 ms),
//   - `cadencectl item list --unit X --json` (goal: under 50 ms),
// and `cadencectl import items FILE` takes 100,000 CSV rows (goal: under 3 s) and 100,000 rows of
// an .xlsx workbook with a title row (goal: under 5 s); `cadencectl ledger print` prints a unit of
// 5,000 items to PDF through headless Chromium (goal: under 10 s; skipped without Chromium).
// Run: Benchmarks/run-ledger-benchmark (builds the release binaries, then runs this).
// Environment: BENCH_ITEMS (1000000), BENCH_OVERDUE (10000), BENCH_IMPORT (100000), BENCH_RUNS (7);
// BENCH_LEDGER=FILE keeps the seeded ledger there and reuses it on the next run.
import CadenceConfiguration
import CadenceCore
@_spi(Seeding) import CadenceStore
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

let environment = ProcessInfo.processInfo.environment
let itemCount = Int(environment["BENCH_ITEMS"] ?? "") ?? 1_000_000
let overdueCount = Int(environment["BENCH_OVERDUE"] ?? "") ?? 10_000
let importCount = Int(environment["BENCH_IMPORT"] ?? "") ?? 100_000
let runs = Int(environment["BENCH_RUNS"] ?? "") ?? 7
let cadenced = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ".build/release/cadenced"
let shipped = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "etc/cadenced"
let cadencectl = (cadenced as NSString).deletingLastPathComponent + "/cadencectl"

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-ledger-bench-\(getpid())").path
let config = root + "/config"
let state = root + "/state"
let socketPath = root + "/io.cadenced"
try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
try FileManager.default.copyItem(atPath: shipped, toPath: config)
try Data("[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n".utf8)
    .write(to: URL(fileURLWithPath: config + "/cadenced.conf"))
defer { try? FileManager.default.removeItem(atPath: root) }

let schedule = ItemSchedule(
    warnBefore: [.seconds(7 * 86_400), .seconds(86_400)], circularAfter: .seconds(3 * 86_400),
    talkAfter: .seconds(7 * 86_400), accountabilityAfter: .seconds(14 * 86_400))
let start = Date()
func unitID(_ n: Int) -> String { "Unit-\(String(format: "%03d", n % 300 + 1))" }

// 1. The ledger: 300 units; 1,000,000 items, of which the first 10,000 are past their deadline
// (their notices count as sent: this measures queries, not delivery).
let seeding = Date()
let kept = environment["BENCH_LEDGER"]
if let kept, FileManager.default.fileExists(atPath: kept) {
    try FileManager.default.copyItem(atPath: kept, toPath: state + "/ledger.sqlite")
} else {
    let store = try LedgerStore(path: state + "/ledger.sqlite")
    try store.addUnits(
        [NewUnit(id: "city", name: "示例市卫生局", kind: .bureau)]
            + (0..<300).map { NewUnit(id: unitID($0), name: "示例单位\($0 + 1)", kind: .countyBureau, parent: "city") },
        at: start, actor: nil)
    var rng = SystemRandomNumberGenerator()
    let batch = 50_000
    var added = 0
    while added < itemCount {
        let n = min(batch, itemCount - added)
        let items = (0..<n).map { i -> NewItem in
            let number = added + i
            let offset =
                number < overdueCount
                ? -Double.random(in: 3_600...(60 * 86_400), using: &rng)
                : Double.random(in: (10 * 86_400)...(730 * 86_400), using: &rng)
            return NewItem(
                unit: unitID(number), title: "整改事项 \(number)：值班制度未落实", deadline: start.addingTimeInterval(offset),
                source: .inspection, texts: ItemTexts { $0 == .measures ? "修订制度并公示" : nil },
                first: "Head of \(unitID(number))",
                direct: "Department head \(number % 50)")
        }
        try store.addItems(items, schedule: schedule, at: start)
        added += n
    }
    try store.writer.write { db in
        try db.execute(
            sql: "UPDATE rectificationItem SET nextEventAt = NULL WHERE deadlineAt <= ?", arguments: [start.micros])
    }
    try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    if let kept { try FileManager.default.copyItem(atPath: state + "/ledger.sqlite", toPath: kept) }
}
let seedSeconds = Date().timeIntervalSince(seeding)
log(String(format: "seeded %d items in %.1f s", itemCount, seedSeconds))

// 2. The daemon, with its control socket.
let daemon = Process()
daemon.executableURL = URL(fileURLWithPath: cadenced)
daemon.arguments = ["--config-dir", config, "--state-dir", state, "--control-socket", socketPath]
daemon.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
daemon.standardError = FileHandle(forWritingAtPath: environment["BENCH_DAEMON_LOG"] ?? "/dev/null")
try daemon.run()
if environment["BENCH_PAUSE"] != nil {
    log("daemon on \(socketPath); press return")
    _ = readLine()
}
defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
// The first start on the seeded ledger plans the items' next stages again under the shipped
// schedule (the seeding used another) before it listens: wait for it, and say how long it took.
let launched = Date()
for _ in 0..<6_000 where !FileManager.default.fileExists(atPath: socketPath) { usleep(20_000) }
let listening = Date().timeIntervalSince(launched)

/// Runs cadencectl as a shell would (posix_spawn, output to a file), timing spawn to exit.
func run(_ arguments: [String]) -> (ms: Double, lines: Int, status: Int32) {
    let outputPath = root + "/out"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([cadencectl] + arguments).map { strdup($0) } + [nil]
    let environment = ["CADENCED_SOCKET=" + socketPath, "LANG=C.UTF-8"]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
    defer { for p in argv + envp { free(p) } }
    var pid: pid_t = 0
    let started = Date()
    guard posix_spawn(&pid, cadencectl, &actions, nil, argv, envp) == 0 else { return (.nan, 0, -1) }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let ms = Date().timeIntervalSince(started) * 1000
    posix_spawn_file_actions_destroy(&actions)
    let data = (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data()
    return (ms, data.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }, (status >> 8) & 0xff)
}

func median(_ arguments: [String]) -> (ms: Double, lines: Int) {
    _ = run(arguments)  // warm the page cache
    let results = (0..<runs).map { _ in run(arguments) }
    let times = results.map(\.ms).sorted()
    return (times[times.count / 2], results.last?.lines ?? 0)
}

log(String(format: "the daemon listens after %.1f s", listening))
let overdue = median(["overdue", "--json"])
let unit = median(["item", "list", "--unit", "Unit-007", "--json"])

// 3. Import 100,000 rows from a CSV file as an office would keep it.
let csvPath = root + "/items.csv"
var csv = "unit,title,deadline,source,measures,first,direct\r\n"
csv.reserveCapacity(importCount * 120)
for n in 0..<importCount {
    csv +=
        "\(unitID(n)),\"导入事项 \(n)，需整改\",2027-\(String(format: "%02d", n % 12 + 1))-15,complaint,"
        + "公开回复,Head of \(unitID(n)),Dept \(n % 40)\r\n"
}
try Data(csv.utf8).write(to: URL(fileURLWithPath: csvPath))
let imported = run(["import", "items", csvPath])

// 4. The same number of rows from an .xlsx workbook as an office keeps it: a title row above the
// header, Chinese headers, 序号 and 备注 columns, dates as typed.
let xlsxPath = root + "/台账.xlsx"
var sheet = [["示例市卫生健康系统整改台账"], ["序号", "单位", "问题", "整改时限", "整改措施", "第一责任人", "备注"]]
for n in 0..<importCount {
    sheet.append([
        String(n + 1), unitID(n), "表格事项 \(n)，需整改", "2027年\(n % 12 + 1)月15日", "公开回复", "Head of \(unitID(n))", "",
    ])
}
try Data(XLSX.write(sheet: "台账", rows: sheet)).write(to: URL(fileURLWithPath: xlsxPath))
let importedXLSX = run(["import", "items", xlsxPath])

// 5. One unit's ledger of 5,000 items printed to PDF.
let printCount = Int(environment["BENCH_PRINT"] ?? "") ?? 5_000
_ = run(["units", "add", "print-unit", "--name", "示例打印单位", "--kind", "county-bureau", "--parent", "city"])
var printSheet = "序号,单位,问题,整改时限,整改措施,第一责任人,直接责任人\r\n"
for n in 0..<printCount {
    printSheet += "\(n + 1),print-unit,打印事项 \(n)：值班制度未落实到科室,2027-06-30,建立值班台账并每周抽查,局长示例,科长示例\r\n"
}
try Data(printSheet.utf8).write(to: URL(fileURLWithPath: root + "/print.csv"))
let printImport = run(["import", "items", root + "/print.csv"])
let hasChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].contains {
    FileManager.default.isExecutableFile(atPath: $0)
}
let printed = hasChromium ? run(["ledger", "print", "--unit", "print-unit", "-o", root + "/台账.pdf"]) : (.nan, 0, -1)
let pdfBytes = (try? FileManager.default.attributesOfItem(atPath: root + "/台账.pdf")[.size] as? Int) ?? 0
let total = run(["status", "--json"])

kill(daemon.processIdentifier, SIGTERM)
daemon.waitUntilExit()

print("cadenced ledger benchmark: \(itemCount) items (\(overdueCount) overdue), 300 units, release build")
print(String(format: "  seeding the ledger:                 %.1f s", seedSeconds))
print(
    String(
        format: "  first start, until it listens:      %.1f s (its items replanned under the shipped schedule)",
        listening))
print(
    String(
        format: "  cadencectl overdue --json:          %.0f ms (median of %d; %d items)", overdue.ms, runs,
        overdue.lines))
print(
    String(format: "  cadencectl item list --unit --json: %.0f ms (median of %d; %d items)", unit.ms, runs, unit.lines))
print(
    String(
        format: "  cadencectl import items (%d rows): %.0f ms (exit %d)", importCount, imported.ms, imported.status))
_ = total
print(
    String(
        format: "  cadencectl import items (%d .xlsx rows, title row): %.0f ms (exit %d)", importCount,
        importedXLSX.ms, importedXLSX.status))
print(
    hasChromium
        ? String(
            format: "  cadencectl ledger print (%d items to PDF): %.0f ms (exit %d, %d KiB; import exit %d)",
            printCount,
            printed.ms, printed.status, (pdfBytes ?? 0) / 1024, printImport.status)
        : "  cadencectl ledger print: skipped (Chromium is not installed)")
