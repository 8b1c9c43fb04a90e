// The evaluation benchmark (issue 6): a generated campaign year of 300 units, 30,000 commitments
// (with their evaluations), reviews, information reports and tens of thousands of rectification
// items (with their escalation stages, and older closed ones); the year-end evaluation of it
//   - in process: figures from the store plus the HTML, Markdown, CSV and JSON (goal: under 2 s),
//   - end to end: `cadencectl evaluate --format html` against the release `cadenced`,
// and its figures compared with a computation from the generated events made here, independently.
// Run: Benchmarks/run-evaluation-benchmark (builds the release binaries, then runs this).
// Environment: BENCH_UNITS (300), BENCH_COMMITMENTS (30000), BENCH_ITEMS (45000), BENCH_OLD_ITEMS
// (20000), BENCH_RUNS (7); for the scale of DOMAIN.md R15 (7,000 people, 10 years of history),
// BENCH_PEOPLE (0) people in the directory, and BENCH_HISTORY_YEARS (0) years before the evaluated
// one, each with as many commitments (evaluated each quarter), reviews, reports and items (closed
// within the year) as it; the interactive listings are then timed end to end as well.
import CadenceCore
@_spi(Seeding) import CadenceStore
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

let environment = ProcessInfo.processInfo.environment
let unitCount = Int(environment["BENCH_UNITS"] ?? "") ?? 300
let commitmentCount = Int(environment["BENCH_COMMITMENTS"] ?? "") ?? 30_000
let itemCount = Int(environment["BENCH_ITEMS"] ?? "") ?? 45_000
let oldItemCount = Int(environment["BENCH_OLD_ITEMS"] ?? "") ?? 20_000
let runs = Int(environment["BENCH_RUNS"] ?? "") ?? 7
let peopleCount = Int(environment["BENCH_PEOPLE"] ?? "") ?? 0
let historyYears = Int(environment["BENCH_HISTORY_YEARS"] ?? "") ?? 0
let cadenced = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ".build/release/cadenced"
let shipped = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "etc/cadenced"
let cadencectl = (cadenced as NSString).deletingLastPathComponent + "/cadencectl"

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

let zone = TimeZone(identifier: "Asia/Shanghai")!
/// The year evaluated: last year, so that it is over and `cadencectl` may ask for it.
let year = Calendar(identifier: .gregorian).dateComponents(in: zone, from: Date()).year! - 1
func local(_ month: Int, _ day: Int, _ hour: Int = 0, year y: Int = year) -> Date {
    let date = LocalDate(year: y, month: month, day: day)!
    return Date(timeIntervalSince1970: TimeInterval(date.dayNumber * 86_400 + hour * 3600 - 8 * 3600))
}
let s = local(1, 1)
let e = local(1, 1, year: year + 1)
let dayLength: TimeInterval = 86_400

/// A deterministic hash of a few numbers, 0..<modulus.
func h(_ a: Int, _ b: Int = 0, _ c: Int = 0, _ modulus: Int) -> Int {
    var x = UInt64(truncatingIfNeeded: a &* 73_856_093 ^ b &* 19_349_663 ^ c &* 83_492_791)
    x ^= x >> 33
    x = x &* 0xff51_afd7_ed55_8ccd
    x ^= x >> 33
    return Int(x % UInt64(modulus))
}

let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-eval-bench-\(getpid())").path
let config = root + "/config"
let state = root + "/state"
let socketPath = root + "/io.cadenced"
try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
try FileManager.default.copyItem(atPath: shipped, toPath: config)
try Data("[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n".utf8).write(
    to: URL(fileURLWithPath: config + "/cadenced.conf"))
defer { try? FileManager.default.removeItem(atPath: root) }

// MARK: - The generated year

struct GenUnit {
    var id: String
    var kind: UnitKind
    var parent: String?
    var quota: Int { kind.defaultMonthlyQuota }
}
let counties = max(1, unitCount / 15)
let directs = max(1, unitCount * 4 / 15)
let units: [GenUnit] = {
    var units = [GenUnit(id: "city", kind: .bureau, parent: nil)]
    units += (1...counties).map { GenUnit(id: "county-\($0)", kind: .countyBureau, parent: "city") }
    units += (1...directs).map { GenUnit(id: "direct-\($0)", kind: .cityDirect, parent: "city") }
    while units.count < unitCount {
        let n = units.count
        units.append(GenUnit(id: "town-\(n)", kind: .township, parent: "county-\(n % counties + 1)"))
    }
    return units
}()
let unitCreated = local(12, 20, year: year - 1 - historyYears)

struct GenCommitment {
    var unit: Int
    var evaluations: [(at: Date, status: CommitmentStatus)]
}
let quarterDays = [local(3, 10, 12), local(6, 10, 12), local(9, 10, 12), local(12, 10, 12)]
let statuses: [CommitmentStatus] = [.fulfilled, .fulfilled, .fulfilled, .partial, .unfulfilled]
let commitments = (0..<commitmentCount).map { n in
    GenCommitment(
        unit: n % units.count,
        evaluations: (0..<h(n, 1, 0, 4)).map { q in (quarterDays[q], statuses[h(n, q, 2, statuses.count)]) })
}

struct GenDuty {
    var cadence: String
    var kind: CadenceKind
    var period: String
    var held: Date
    var end: Date
}
let duties = [
    GenDuty(cadence: "quarterly-review", kind: .review, period: "\(year)-Q1", held: local(3, 12, 10), end: local(4, 1)),
    GenDuty(cadence: "quarterly-review", kind: .review, period: "\(year)-Q2", held: local(6, 12, 10), end: local(7, 1)),
    GenDuty(
        cadence: "quarterly-review", kind: .review, period: "\(year)-Q3", held: local(9, 12, 10), end: local(10, 1)),
    GenDuty(cadence: "quarterly-review", kind: .review, period: "\(year)-Q4", held: local(12, 12, 10), end: e),
    GenDuty(
        cadence: "half-year-inspection", kind: .inspection, period: "\(year)-H1", held: local(6, 15, 10),
        end: local(7, 1)),
    GenDuty(cadence: "half-year-inspection", kind: .inspection, period: "\(year)-H2", held: local(12, 15, 10), end: e),
    GenDuty(
        cadence: "half-year-appraisal", kind: .appraisal, period: "\(year)-H1", held: local(6, 16, 10), end: local(7, 1)
    ),
    GenDuty(cadence: "half-year-appraisal", kind: .appraisal, period: "\(year)-H2", held: local(12, 16, 10), end: e),
    GenDuty(cadence: "year-end-evaluation", kind: .evaluation, period: "\(year)", held: local(12, 25, 10), end: e),
]
/// When unit u recorded duty d: on time, five days late, or never.
func recorded(_ u: Int, _ d: Int) -> Date? {
    switch h(u, d, 7, 25) {
    case 0: return nil
    case 1: return min(duties[d].end.addingTimeInterval(5 * dayLength), e.addingTimeInterval(-3600))
    default: return duties[d].held
    }
}
/// Reports unit u submitted in month m (1...12).
func reports(_ u: Int, _ m: Int) -> Int {
    let q = units[u].quota
    guard q > 0 else { return 0 }
    switch h(u, m, 11, 10) {
    case 0: return q - 1
    case 1: return 0
    case 2: return q + 1
    default: return q
    }
}

enum Fate: CaseIterable { case onTime, late, overdue, deferred, referred, reopened, notDue }
struct GenItem {
    var unit: Int
    var created: Date
    var deadline: Date
    var fate: Fate
    /// The deadline first given (before a deferral or reopening).
    var original: Date
    var closed: Date?
    var stages: [(String, Date)] = []
}
var items: [GenItem] = []
for n in 0..<(itemCount + oldItemCount) {
    let unit = n % units.count
    if n >= itemCount {
        // Older items, created and closed two years before: not on this year's ledger.
        let created = local(1, 1, year: year - 2).addingTimeInterval(Double(h(n, 1, 1, 300)) * dayLength)
        let deadline = created.addingTimeInterval(30 * dayLength)
        items.append(
            GenItem(
                unit: unit, created: created, deadline: deadline, fate: .onTime, original: deadline,
                closed: deadline.addingTimeInterval(-dayLength)))
        continue
    }
    // 5 % carried over from December of the year before; the rest through the year.
    let carried = h(n, 2, 2, 20) == 0
    let created =
        carried
        ? local(12, 1, 10, year: year - 1).addingTimeInterval(Double(h(n, 3, 3, 25)) * dayLength)
        : s.addingTimeInterval(Double(h(n, 4, 4, 330)) * dayLength + 36_000)
    let first = created.addingTimeInterval(Double(10 + h(n, 5, 5, 110)) * dayLength + 14 * 3600)
    let roll = h(n, 6, 6, 100)
    let fate: Fate =
        roll < 50
        ? .onTime
        : roll < 65
            ? .late
            : roll < 75
                ? .overdue
                : roll < 80
                    ? .deferred
                    : roll < 83 ? .referred : roll < 85 ? .reopened : .notDue
    var item = GenItem(unit: unit, created: created, deadline: first, fate: fate, original: first)
    func ladder(_ deadline: Date, until stop: Date?, round: Int, flagged: Bool) {
        for (name, offset) in [("overdue", 0.0), ("circular", 3), ("talk", 7), ("accountability", 14)] {
            let at = flagged ? deadline : deadline.addingTimeInterval(offset * dayLength)
            guard at < (stop ?? .distantFuture), at <= e else { continue }
            item.stages.append((round == 0 ? name : "r\(round)/\(name)", at))
        }
    }
    switch fate {
    case .onTime:
        item.closed = first.addingTimeInterval(-Double(1 + h(n, 7, 7, 5)) * dayLength)
    case .late:
        item.closed = first.addingTimeInterval(Double(1 + h(n, 8, 8, 20)) * dayLength)
        ladder(first, until: item.closed, round: 0, flagged: false)
    case .overdue:
        ladder(first, until: nil, round: 0, flagged: false)
    case .deferred:
        item.deadline = first.addingTimeInterval(30 * dayLength)
        if h(n, 9, 9, 2) == 0 { item.closed = item.deadline.addingTimeInterval(-2 * dayLength) }
        ladder(item.deadline, until: item.closed, round: 1, flagged: false)
    case .referred:
        break
    case .reopened:
        item.deadline = first.addingTimeInterval(40 * dayLength)
        ladder(item.deadline, until: nil, round: 1, flagged: true)
    case .notDue:
        item.deadline = max(first, e.addingTimeInterval(Double(10 + h(n, 10, 10, 60)) * dayLength))
        item.original = item.deadline
    }
    if let closed = item.closed, closed > e { item.closed = nil }
    items.append(item)
}

// MARK: - The ledger

let seeding = Date()
let store = try LedgerStore(path: state + "/ledger.sqlite")
try store.addUnits(
    units.map { NewUnit(id: $0.id, name: "示例单位 \($0.id)", kind: $0.kind, parent: $0.parent) }, at: unitCreated,
    actor: nil)
try store.writer.write { db in
    try db.execute(sql: "PRAGMA cache_size = -262144")
    let role = try db.makeStatement(sql: "INSERT INTO roleAssignment (unit, role, person, since) VALUES (?, ?, ?, ?)")
    for unit in units {
        try role.execute(arguments: [unit.id, "first", "Head of \(unit.id)", unitCreated.micros])
        if unit.kind != .township {
            try role.execute(arguments: [unit.id, "main", "Deputy of \(unit.id)", unitCreated.micros])
        }
    }
    let commitment = try db.makeStatement(
        sql: "INSERT INTO commitment (id, unit, year, text, createdAt) VALUES (?, ?, ?, ?, ?)")
    let evaluation = try db.makeStatement(
        sql: "INSERT INTO commitmentEvaluation (commitmentId, period, status, at) VALUES (?, ?, ?, ?)")
    for (n, c) in commitments.enumerated() {
        try commitment.execute(arguments: [n + 1, units[c.unit].id, year, "承诺事项 \(n)", local(1, 6, 10).micros])
        for (q, (at, status)) in c.evaluations.enumerated() {
            try evaluation.execute(arguments: [n + 1, "\(year)-Q\(q + 1)", status.rawValue, at.micros])
        }
    }
    let occurrence = try db.makeStatement(
        sql: """
            INSERT INTO occurrence (cadence, period, nominalAt, effectiveAt, recordedAt, late) VALUES (?, ?, ?, ?, ?, 0)
            ON CONFLICT DO NOTHING
            """)
    let checked = try db.makeStatement(
        sql: "INSERT INTO dutyCheck (cadence, period, checkedAt, findings) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING")
    let review = try db.makeStatement(
        sql: "INSERT INTO review (unit, kind, period, heldOn, byUnit, recordedAt) VALUES (?, ?, ?, ?, ?, ?)")
    for (d, duty) in duties.enumerated() {
        let fired = duty.held.addingTimeInterval(-9 * dayLength)
        try occurrence.execute(arguments: [duty.cadence, duty.period, fired.micros, fired.micros, fired.micros])
        try checked.execute(arguments: [duty.cadence, duty.period, duty.end.micros])
        for (u, unit) in units.enumerated() where unit.parent != nil {
            guard let at = recorded(u, d) else { continue }
            try review.execute(arguments: [
                unit.id, duty.kind.rawValue, duty.period, LocalDay.of(at, in: zone).description, unit.parent, at.micros,
            ])
        }
    }
    let report = try db.makeStatement(
        sql: "INSERT INTO reportSubmission (unit, month, submittedOn, title, recordedAt) VALUES (?, ?, ?, ?, ?)")
    for (u, unit) in units.enumerated() {
        for m in 1...12 {
            let at = local(m, 20, 12)
            for r in 0..<reports(u, m) {
                try report.execute(arguments: [
                    unit.id, "\(year)-\(m < 10 ? "0" : "")\(m)", LocalDay.of(at, in: zone).description, "信息 \(r)",
                    at.micros,
                ])
            }
        }
    }
    let item = try db.makeStatement(
        sql: """
            INSERT INTO rectificationItem (id, unit, title, deadlineAt, state, createdAt, closedAt, source,
                firstResponsible, mainResponsible, directResponsible, round, flagged, originalDeadlineAt, plan,
                referredTo)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, '@first', ?, ?, ?, ?, ?, ?, ?)
            """)
    let stage = try db.makeStatement(sql: "INSERT INTO itemStage (itemId, stage, recordedAt) VALUES (?, ?, ?)")
    let sources = ItemSource.allCases.filter { $0 != .missedDuty && $0 != .superiorCircular }
    for (n, g) in items.enumerated() {
        let state: ItemState =
            g.closed != nil
            ? .closed
            : g.fate == .referred
                ? .referred : g.fate == .deferred ? .deferred : g.fate == .reopened ? .reopened : .open
        let moved = g.deadline != g.original
        try item.execute(arguments: [
            n + 1, units[g.unit].id, "整改事项 \(n)：值班制度未落实", g.deadline.micros, state.rawValue, g.created.micros,
            g.closed?.micros, sources[h(n, 11, 11, sources.count)].rawValue,
            units[g.unit].kind == .township ? nil : "@main",
            "Department head \(n % 50)", moved ? 1 : 0, g.fate == .reopened, moved ? g.original.micros : nil,
            g.fate == .deferred ? "分步整改" : nil, g.fate == .referred ? "示例市人民政府" : nil,
        ])
        for (name, at) in g.stages { try stage.execute(arguments: [n + 1, name, at.micros]) }
    }
}
// The years before (R15): the same campaign each year, every item closed within its year (some
// after their deadline, with the stages they reached), so the evaluated year's figures stay as
// computed below; and the directory, each unit's first and main responsible people among them.
var historyRows = 0
try store.writer.write { db in
    let commitment = try db.makeStatement(
        sql: "INSERT INTO commitment (unit, year, text, createdAt) VALUES (?, ?, ?, ?)")
    let evaluation = try db.makeStatement(
        sql: "INSERT INTO commitmentEvaluation (commitmentId, period, status, at) VALUES (?, ?, ?, ?)")
    let review = try db.makeStatement(
        sql: "INSERT INTO review (unit, kind, period, heldOn, byUnit, recordedAt) VALUES (?, ?, ?, ?, ?, ?)")
    let report = try db.makeStatement(
        sql: "INSERT INTO reportSubmission (unit, month, submittedOn, title, recordedAt) VALUES (?, ?, ?, ?, ?)")
    let item = try db.makeStatement(
        sql: """
            INSERT INTO rectificationItem (unit, title, deadlineAt, state, createdAt, closedAt, source,
                firstResponsible, directResponsible)
            VALUES (?, ?, ?, 'closed', ?, ?, ?, '@first', ?)
            """)
    let stage = try db.makeStatement(sql: "INSERT INTO itemStage (itemId, stage, recordedAt) VALUES (?, ?, ?)")
    let sources = ItemSource.allCases.filter { $0 != .missedDuty && $0 != .superiorCircular }
    for back in stride(from: 1, through: historyYears, by: 1) {
        let y = year - back
        for n in 0..<commitmentCount {
            try commitment.execute(arguments: [
                units[n % units.count].id, y, "承诺事项 \(y)-\(n)", local(1, 6, 10, year: y).micros,
            ])
            let id = db.lastInsertedRowID
            for q in 0..<4 {
                try evaluation.execute(arguments: [
                    id, "\(y)-Q\(q + 1)", statuses[h(n, q, y, statuses.count)].rawValue,
                    local(3 * q + 3, 10, 12, year: y).micros,
                ])
            }
            historyRows += 5
        }
        for (u, unit) in units.enumerated() where unit.parent != nil {
            for duty in duties {
                let period = String(y) + duty.period.dropFirst(String(year).count)
                let heldOn = LocalDate(year: y, month: duty.kind == .evaluation ? 12 : 6, day: 12 + u % 10)!
                try review.execute(arguments: [
                    unit.id, duty.kind.rawValue, period, heldOn.description, unit.parent,
                    local(heldOn.month, heldOn.day, 10, year: y).micros,
                ])
                historyRows += 1
            }
            for m in 1...12 where unit.quota > 0 {
                for r in 0..<unit.quota {
                    try report.execute(arguments: [
                        unit.id, "\(y)-\(m < 10 ? "0" : "")\(m)", "\(y)-\(m < 10 ? "0" : "")\(m)-20", "信息 \(r)",
                        local(m, 20, 12, year: y).micros,
                    ])
                    historyRows += 1
                }
            }
        }
        for n in 0..<itemCount {
            let created = local(1, 1, year: y).addingTimeInterval(Double(h(n, y, 1, 300)) * dayLength + 36_000)
            let deadline = created.addingTimeInterval(Double(10 + h(n, y, 2, 40)) * dayLength)
            let late = h(n, y, 3, 5) == 0
            let closed = deadline.addingTimeInterval((late ? 5 : -1) * dayLength)
            try item.execute(arguments: [
                units[n % units.count].id, "整改事项 \(y)-\(n)：值班制度未落实", deadline.micros, created.micros,
                closed.micros, sources[h(n, y, 4, sources.count)].rawValue, "Department head \(n % 50)",
            ])
            historyRows += 1
            if late {
                let id = db.lastInsertedRowID
                try stage.execute(arguments: [id, "warn-604800s", deadline.addingTimeInterval(-7 * dayLength).micros])
                try stage.execute(arguments: [id, "overdue", deadline.micros])
                try stage.execute(arguments: [id, "circular", deadline.addingTimeInterval(3 * dayLength).micros])
                historyRows += 3
            }
        }
    }
    let person = try db.makeStatement(
        sql: "INSERT INTO person (id, name, unit, mobile, email, createdAt) VALUES (?, ?, ?, ?, ?, ?)")
    for n in 0..<peopleCount {
        let unit = units[n % units.count]
        try person.execute(arguments: [
            "p-\(n)", "示例人员\(n)", unit.id, "138\(String(format: "%08d", n))", "p\(n)@example.org",
            unitCreated.micros,
        ])
    }
    historyRows += peopleCount
}
try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
let seedSeconds = Date().timeIntervalSince(seeding)
if let copy = environment["BENCH_KEEP_LEDGER"] {
    try? FileManager.default.removeItem(atPath: copy)
    try FileManager.default.copyItem(atPath: state + "/ledger.sqlite", toPath: copy)
}
log(String(format: "seeded the year %d in %.1f s", year, seedSeconds))

// MARK: - The independent computation

struct Expected: Equatable {
    var made = 0, fulfilled = 0
    var carried = 0, opened = 0, onTime = 0, late = 0, open = 0, overdue = 0, deferred = 0, referred = 0
    var escalated = 0, reopened = 0
    var due = 0, held = 0, monthsMet = 0, monthsJudged = 0
}
var expected = Array(repeating: Expected(), count: units.count)
for c in commitments {
    expected[c.unit].made += 1
    if c.evaluations.last?.status == .fulfilled { expected[c.unit].fulfilled += 1 }
}
for g in items where g.created <= e && (g.created >= s || g.closed.map { $0 >= s } ?? true) {
    var x = expected[g.unit]
    if g.created < s { x.carried += 1 } else { x.opened += 1 }
    if let closed = g.closed {
        if closed <= g.deadline { x.onTime += 1 } else { x.late += 1 }
    } else {
        x.open += 1
        if g.fate != .referred && g.deadline <= e { x.overdue += 1 }
    }
    if g.fate == .deferred { x.deferred += 1 }
    if g.fate == .referred { x.referred += 1 }
    if g.fate == .reopened { x.reopened += 1 }
    if g.stages.contains(where: {
        $0.0.hasSuffix("circular") || $0.0.hasSuffix("talk") || $0.0.hasSuffix("accountability")
    }) {
        x.escalated += 1
    }
    expected[g.unit] = x
}
for (u, unit) in units.enumerated() {
    if unit.parent != nil {
        for d in duties.indices {
            expected[u].due += 1
            if recorded(u, d) != nil { expected[u].held += 1 }
        }
    }
    if unit.quota > 0 {
        for m in 1...12 {
            expected[u].monthsJudged += 1
            if reports(u, m) >= unit.quota { expected[u].monthsMet += 1 }
        }
    }
}
let monthEnds = [s] + (2...13).map { m in m == 13 ? e : local(m, 1) }
let expectedBurndown = monthEnds.map { t in
    items.filter { $0.created <= t && ($0.closed.map { $0 > t } ?? true) }.count
}

// MARK: - The report, in process

let duty: [String: CadenceKind] = [
    "quarterly-review": .review, "half-year-inspection": .inspection, "half-year-appraisal": .appraisal,
    "year-end-evaluation": .evaluation,
]
let window = EvaluationWindow(year: year, variant: .yearEnd, zone: zone, at: e)!
var timings: [(figures: Double, render: Double)] = []
var sizes: [EvaluationFormat: Int] = [:]
var figures: EvaluationFigures?
for _ in 0..<runs {
    let started = Date()
    let f = try store.evaluationFigures(window: window, unit: nil, duties: duty)
    let counted = Date()
    let report = EvaluationReport(f, language: .zh, mask: false, generator: "evaluation-benchmark")
    for format in EvaluationFormat.allCases { sizes[format] = report.render(format).utf8.count }
    timings.append((counted.timeIntervalSince(started), Date().timeIntervalSince(counted)))
    figures = f
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

var mismatches: [String] = []
for (u, unit) in units.enumerated() {
    guard let got = figures?.units.first(where: { $0.id == unit.id }) else {
        mismatches.append("\(unit.id): missing")
        continue
    }
    let i = got.items
    let months = got.quotaMonths
    let g = Expected(
        made: got.commitments.made, fulfilled: got.commitments.fulfilled, carried: i.carriedOver, opened: i.opened,
        onTime: i.closedOnTime, late: i.closedLate, open: i.open, overdue: i.overdue, deferred: i.deferred,
        referred: i.referred, escalated: i.escalated, reopened: i.reopened,
        due: got.duties.reduce(0) { $0 + $1.due }, held: got.duties.reduce(0) { $0 + $1.held }, monthsMet: months.met,
        monthsJudged: months.due)
    if g != expected[u] { mismatches.append("\(unit.id): got \(g), expected \(expected[u])") }
}
if figures?.burndown.map(\.open) != expectedBurndown {
    mismatches.append("burn-down: got \(figures?.burndown.map(\.open) ?? []), expected \(expectedBurndown)")
}
let totalItems = expected.reduce(0) { $0 + $1.carried + $1.opened }

// MARK: - End to end through cadencectl

let daemon = Process()
daemon.executableURL = URL(fileURLWithPath: cadenced)
daemon.arguments = ["--config-dir", config, "--state-dir", state, "--control-socket", socketPath]
daemon.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
daemon.standardError = FileHandle(forWritingAtPath: environment["BENCH_DAEMON_LOG"] ?? "/dev/null")
try daemon.run()
defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
for _ in 0..<500 where !FileManager.default.fileExists(atPath: socketPath) { usleep(20_000) }

/// Runs cadencectl as a shell would (posix_spawn), timing spawn to exit.
func run(_ arguments: [String]) -> (ms: Double, status: Int32) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, root + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv: [UnsafeMutablePointer<CChar>?] = ([cadencectl] + arguments).map { strdup($0) } + [nil]
    let environment: [String] = ["CADENCED_SOCKET=" + socketPath, "LANG=C.UTF-8"]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
    defer { for p in argv + envp { free(p) } }
    var pid: pid_t = 0
    let started = Date()
    guard posix_spawn(&pid, cadencectl, &actions, nil, argv, envp) == 0 else { return (.nan, -1) }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    posix_spawn_file_actions_destroy(&actions)
    return (Date().timeIntervalSince(started) * 1000, (status >> 8) & 0xff)
}
func endToEnd(_ format: String) -> (ms: Double, status: Int32, bytes: Int) {
    let output = root + "/report.\(format)"
    _ = run(["evaluate", "--year", "\(year)", "--format", format, "-o", output])
    let results = (0..<runs).map { _ in run(["evaluate", "--year", "\(year)", "--format", format, "-o", output]) }
    let bytes = (try? Data(contentsOf: URL(fileURLWithPath: output)).count) ?? 0
    return (median(results.map(\.ms)), results.map(\.status).max() ?? -1, bytes)
}
let html = endToEnd("html")
let csv = endToEnd("csv")
/// The listings an office uses every day, end to end: the median of `runs` after one warm-up.
func listing(_ arguments: [String]) -> (ms: Double, status: Int32) {
    _ = run(arguments)
    let results = (0..<runs).map { _ in run(arguments) }
    return (median(results.map(\.ms)), results.map(\.status).max() ?? -1)
}
let listings: [(name: String, arguments: [String])] =
    historyYears + peopleCount == 0
    ? []
    : [
        ("cadencectl status", ["status"]),
        ("cadencectl overdue", ["overdue"]),
        ("cadencectl overdue --json", ["overdue", "--json"]),
        ("cadencectl item list --unit county-1", ["item", "list", "--unit", "county-1"]),
        (
            "cadencectl commitment list --unit county-1",
            ["commitment", "list", "--unit", "county-1", "--year", "\(year)"]
        ),
        ("cadencectl person list", ["person", "list"]),
        ("cadencectl review list --unit county-1", ["review", "list", "--unit", "county-1"]),
    ]
let listed = listings.map { ($0.name, listing($0.arguments)) }
let daemonRSS: Int = {
    let status = (try? String(contentsOfFile: "/proc/\(daemon.processIdentifier)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}()
kill(daemon.processIdentifier, SIGTERM)
daemon.waitUntilExit()

let figureMs = median(timings.map(\.figures)) * 1000
let renderMs = median(timings.map(\.render)) * 1000
print("cadenced evaluation benchmark: year \(year), release build")
print(
    "  ledger: \(units.count) units, \(commitmentCount) commitments, \(items.count) items (\(totalItems) on the year's ledger)"
)
print(String(format: "  seeding the ledger:                      %.1f s", seedSeconds))
print(String(format: "  figures from the store:                  %.0f ms (median of %d)", figureMs, runs))
print(
    String(
        format:
            "  rendering HTML, Markdown, CSV and JSON:  %.0f ms (HTML %d KB, Markdown %d KB, CSV %d KB, JSON %d KB)",
        renderMs, (sizes[.html] ?? 0) / 1024, (sizes[.md] ?? 0) / 1024, (sizes[.csv] ?? 0) / 1024,
        (sizes[.json] ?? 0) / 1024))
print(String(format: "  report in process (figures + all four):  %.0f ms (goal: under 2000 ms)", figureMs + renderMs))
print(
    String(
        format: "  cadencectl evaluate --format html:       %.0f ms end to end (median of %d; exit %d; %d KB)", html.ms,
        runs, html.status, html.bytes / 1024))
print(
    String(
        format: "  cadencectl evaluate --format csv:        %.0f ms end to end (median of %d; exit %d)", csv.ms, runs,
        csv.status))
if !listed.isEmpty {
    let size = ((try? FileManager.default.attributesOfItem(atPath: state + "/ledger.sqlite"))?[.size] as? Int) ?? 0
    print(
        "  history: \(historyYears) years before it (\(historyRows) rows), \(peopleCount) people; ledger file \(size / 1_048_576) MiB; daemon RSS after the listings \(daemonRSS / 1024) MiB"
    )
    for (name, result) in listed {
        print(
            "  " + name.padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(format: "%.0f ms end to end (median of %d; exit %d)", result.ms, runs, result.status))
    }
}
print(
    "  figures against the independent computation: "
        + (mismatches.isEmpty ? "all \(units.count) units and the burn-down match" : "\(mismatches.count) MISMATCHES"))
for mismatch in mismatches.prefix(10) { print("    " + mismatch) }
exit(mismatches.isEmpty && html.status == 0 && csv.status == 0 && listed.allSatisfy { $0.1.status == 0 } ? 0 : 1)
