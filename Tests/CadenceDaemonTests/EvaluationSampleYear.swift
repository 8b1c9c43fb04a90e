import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Logging

let sampleZone = TimeZone(identifier: "Asia/Shanghai")!

/// "2026-03-10 12:00" in Shanghai (UTC+8 all year).
func sampleTime(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let time = parts[1].split(separator: ":").map { Int($0)! }
    return Date(
        timeIntervalSince1970: TimeInterval(
            LocalDate(parts[0])!.dayNumber * 86_400 + time[0] * 3600 + time[1] * 60 - 8 * 3600))
}

private let day: TimeInterval = 86_400

let shippedConfiguration = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("etc/cadenced").path

/// A campaign year (2026) of a small invented system, walked on an injected clock with the real
/// manager and the shipped cadences: units (one added in May, one removed in September), people and
/// a change of head, commitments evaluated at the quarterly reviews, reviews, inspections,
/// appraisals and evaluations held (some missed, some recorded late), information reports around
/// the quotas, and rectification items with every fate. The script is kept so that a test can
/// compute the report's figures from it by itself.
final class EvaluationSampleYear {
    struct UnitSpec {
        var id: String
        var name: String
        var kind: UnitKind
        var parent: String?
        var quota: Int?
        var created: Date
        var removed: Date?

        var monthlyQuota: Int { quota ?? kind.defaultMonthlyQuota }
        func exists(before instant: Date) -> Bool { created < instant && (removed.map { $0 >= instant } ?? true) }
    }

    enum Fate {
        case onTime, late(days: Int), deferClose, deferOpen, open, refer, referLate, reopen, closeAfterAsOf, fixAtOnce
    }

    struct ItemSpec {
        var unit: String
        var title: String
        var source: ItemSource
        var created: Date
        /// The deadline first given: 24:00 of its day.
        var deadline: Date
        var fate: Fate
        var first: String?
        var main: String?
        var direct: String
        var id: Int64 = 0
    }

    struct Duty {
        var kind: CadenceKind
        var period: String
        var held: Date
        var end: Date
    }

    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-eval-\(UUID())").path
    let manager: Manager
    var store: LedgerStore { manager.store }
    let configuration: LoadedConfiguration
    /// The instant the year-end evaluation fires (20 December is a Sunday: Friday the 18th).
    let evaluationAt = sampleTime("2026-12-18 09:00")
    let start = sampleTime("2025-12-31 23:00")
    let end = sampleTime("2026-12-31 23:00")
    var units: [UnitSpec] = []
    /// Who held `first` (and `main`) in each unit, with the instant they took it.
    var holders: [String: [(since: Date, person: String)]] = [:]
    var commitments: [(unit: String, evaluations: [(at: Date, status: CommitmentStatus)], created: Date)] = []
    let duties: [Duty]
    /// The instants a unit's duty was recorded at (nil: never), by "unit/kind/period".
    var recorded: [String: Date] = [:]
    /// Information reports: (unit, month, count, recorded at).
    var reports: [(unit: String, month: String, count: Int, at: Date)] = []
    var items: [ItemSpec] = []

    var noticeDirectory: String { root + "/notices" }

    init() throws {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        configuration = try ConfigurationLoader(directory: shippedConfiguration).load(
            reference: start, systemTimeZone: sampleZone)
        manager = Manager(
            store: try LedgerStore(path: root + "/ledger.sqlite"), configuration: configuration,
            noticeDirectory: root + "/notices", journal: RecordingJournal(), logger: Logger(label: "test"))
        duties = [
            Duty(
                kind: .review, period: "2026-Q1", held: sampleTime("2026-03-10 12:00"),
                end: sampleTime("2026-04-01 00:00")),
            Duty(
                kind: .review, period: "2026-Q2", held: sampleTime("2026-06-10 12:00"),
                end: sampleTime("2026-07-01 00:00")),
            Duty(
                kind: .review, period: "2026-Q3", held: sampleTime("2026-09-10 12:00"),
                end: sampleTime("2026-10-01 00:00")),
            Duty(
                kind: .review, period: "2026-Q4", held: sampleTime("2026-12-10 12:00"),
                end: sampleTime("2027-01-01 00:00")),
            Duty(
                kind: .inspection, period: "2026-H1", held: sampleTime("2026-06-15 12:00"),
                end: sampleTime("2026-07-01 00:00")),
            Duty(
                kind: .inspection, period: "2026-H2", held: sampleTime("2026-12-15 12:00"),
                end: sampleTime("2027-01-01 00:00")),
            Duty(
                kind: .appraisal, period: "2026-H1", held: sampleTime("2026-06-16 12:00"),
                end: sampleTime("2026-07-01 00:00")),
            Duty(
                kind: .appraisal, period: "2026-H2", held: sampleTime("2026-12-16 12:00"),
                end: sampleTime("2027-01-01 00:00")),
            Duty(
                kind: .evaluation, period: "2026", held: sampleTime("2026-12-25 12:00"),
                end: sampleTime("2027-01-01 00:00")),
        ]
        try walk()
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Whether a unit owes the shipped duty cadences: they name county bureaus and city-direct units
    /// (Units=); a township centre owes none (what it records is kept, and not counted).
    func owesDuties(_ unit: UnitSpec) -> Bool { unit.kind == .countyBureau || unit.kind == .cityDirect }

    /// Who held `role` of `unit` at `instant`, from the script.
    func holder(_ unit: String, _ role: String, at instant: Date) -> String? {
        holders["\(unit)/\(role)"]?.last { $0.since <= instant }?.person
    }

    private func walk() throws {
        let store = manager.store
        let schedule = manager.itemSchedule
        let officer = Actor(uid: 1000, user: "officer")
        var actions: [(at: Date, what: () throws -> Void)] = []
        func at(_ instant: Date, _ what: @escaping () throws -> Void) { actions.append((instant, what)) }

        // Units: the city bureau over three county bureaus (one with two township centres, one with
        // one), four city-direct units (one added in May), a hospital's party branch.
        let opening = sampleTime("2025-12-31 23:10")
        units = [
            UnitSpec(id: "city", name: "示例市卫生局", kind: .bureau, created: opening),
            UnitSpec(id: "county-a", name: "示例甲县卫生局", kind: .countyBureau, parent: "city", created: opening),
            UnitSpec(id: "county-b", name: "示例乙县卫生局", kind: .countyBureau, parent: "city", created: opening),
            UnitSpec(id: "county-c", name: "示例丙县卫生局", kind: .countyBureau, parent: "city", created: opening),
            UnitSpec(id: "direct-1", name: "示例市第一人民医院", kind: .cityDirect, parent: "city", created: opening),
            UnitSpec(id: "direct-2", name: "示例市疾病预防控制中心", kind: .cityDirect, parent: "city", created: opening),
            UnitSpec(id: "direct-3", name: "Unit Alpha", kind: .cityDirect, parent: "city", created: opening),
            UnitSpec(
                id: "direct-4", name: "Unit Beta", kind: .cityDirect, parent: "city",
                created: sampleTime("2026-05-15 10:00")),
            UnitSpec(id: "town-a1", name: "示例甲县城关镇卫生院", kind: .township, parent: "county-a", created: opening),
            UnitSpec(
                id: "town-a2", name: "示例甲县河口镇卫生院", kind: .township, parent: "county-a", created: opening,
                removed: sampleTime("2026-09-20 10:00")),
            UnitSpec(
                id: "town-b1", name: "示例乙县北山乡卫生院", kind: .township, parent: "county-b", quota: 1,
                created: opening),
            UnitSpec(id: "branch-1", name: "示例第一人民医院第一党支部", kind: .branch, parent: "direct-1", created: opening),
        ]
        let surnames = ["赵", "钱", "孙", "李", "周", "吴", "郑", "冯", "陈", "褚", "卫", "蒋"]
        for (index, unit) in units.enumerated() {
            let first = unit.id == "direct-3" ? "Alex Sample" : surnames[index] + "示例"
            holders["\(unit.id)/first"] = [(unit.created, first)]
            at(unit.created) {
                try store.addUnits(
                    [NewUnit(id: unit.id, name: unit.name, kind: unit.kind, parent: unit.parent, quota: unit.quota)],
                    at: unit.created, actor: officer)
                try store.assignRole(unit: unit.id, role: .first, person: first, at: unit.created, actor: officer)
            }
        }
        for unit in ["county-a", "county-b", "direct-1"] {
            let person = "主管" + unit.suffix(1).uppercased() + "示例"
            holders["\(unit)/main"] = [(opening, person)]
            at(opening.addingTimeInterval(60)) {
                try store.assignRole(
                    unit: unit, role: .main, person: person, at: opening.addingTimeInterval(60), actor: officer)
            }
        }
        // A change of head in county-a: its open items answer to the new one.
        let change = sampleTime("2026-07-15 12:00")
        holders["county-a/first", default: []].append((change, "沈示例"))
        at(change) { try store.assignRole(unit: "county-a", role: .first, person: "沈示例", at: change, actor: officer) }
        if let removed = units.first(where: { $0.removed != nil }), let when = removed.removed {
            at(when) { try store.removeUnit(removed.id, at: when, actor: officer) }
        }

        // Commitments, made in January (direct-4 when it joins); evaluated at the quarterly reviews.
        let evaluationDays = ["2026-03-10 12:00", "2026-06-10 12:00", "2026-09-10 12:00", "2026-12-10 12:00"].map(
            sampleTime)
        let afterAsOf = sampleTime("2026-12-19 12:00")
        for (u, unit) in units.enumerated() where unit.removed == nil {
            let made = max(unit.created.addingTimeInterval(3600), sampleTime("2026-01-06 10:00"))
            for k in 0..<(3 + u % 4) {
                let h = (u * 7 + k * 3) % 10
                var evaluations: [(Date, CommitmentStatus)] = []
                switch h {
                case 0...5:
                    evaluations = [(evaluationDays[0], .partial), (evaluationDays[3], .fulfilled)]
                case 6, 7:
                    evaluations = [(evaluationDays[1], .unfulfilled), (evaluationDays[2], .partial)]
                case 8:
                    evaluations = [(evaluationDays[1], .unfulfilled)]
                default:
                    evaluations = [(afterAsOf, .fulfilled)]
                }
                evaluations = evaluations.filter { $0.0 > made }
                commitments.append((unit.id, evaluations, made))
            }
        }
        let commitmentBatches = Dictionary(grouping: commitments.indices, by: { commitments[$0].created })
        let ids = IDs()
        for (made, indices) in commitmentBatches {
            at(made) {
                let added = try store.addCommitments(
                    indices.map { i in
                        NewCommitment(
                            unit: self.commitments[i].unit, member: i % 3 == 0 ? "党员\(i)" : nil, year: 2026,
                            text: "承诺事项 \(i)：按时完成整改并公开")
                    }, at: made, actor: officer)
                for (i, id) in zip(indices, added) { ids.set("c\(i)", id) }
            }
        }
        for (i, commitment) in commitments.enumerated() {
            for (when, status) in commitment.evaluations {
                let period = PeriodKey(.quarter, instant: when, zone: sampleZone)
                at(when) {
                    try store.evaluateCommitment(
                        ids["c\(i)"], period: period, status: status, note: nil, at: when, actor: officer)
                }
            }
        }

        // Duties: most units hold them on time; some miss one, half of those record it five days late.
        for (d, duty) in duties.enumerated() {
            for (u, unit) in units.enumerated() where unit.parent != nil {
                guard unit.exists(before: duty.end) else { continue }
                let missed = (u * 5 + d * 3) % 7 == 0 && unit.removed == nil
                let when: Date? =
                    missed ? ((u + d) % 2 == 0 ? duty.end.addingTimeInterval(5 * day + 10 * 3600) : nil) : duty.held
                guard let when, when < end, unit.created < when else { continue }
                recorded["\(unit.id)/\(duty.kind.rawValue)/\(duty.period)"] = when
                at(when) {
                    try store.recordReview(
                        NewReview(
                            unit: unit.id, kind: duty.kind, period: PeriodKey(rawValue: duty.period),
                            heldOn: LocalDay.of(when, in: sampleZone), form: .plenary, reviewer: "Reviewer Sample",
                            cadence: shippedDuty[duty.kind]),
                        at: when, actor: officer)
                }
            }
        }

        // Information reports on the 20th (December's on the 10th for half the units).
        for (u, unit) in units.enumerated() where unit.monthlyQuota > 0 {
            for month in 1...12 {
                let key = "2026-" + (month < 10 ? "0\(month)" : "\(month)")
                let dayOfMonth = month == 12 && u % 2 == 0 ? "10" : "20"
                let when = sampleTime("\(key)-\(dayOfMonth) 12:00")
                guard unit.exists(before: when) else { continue }
                let q = unit.monthlyQuota
                let count = (u + month) % 11 == 0 ? 0 : (u + month) % 5 == 0 ? q - 1 : (u + month) % 6 == 0 ? q + 1 : q
                guard count > 0 else { continue }
                reports.append((unit.id, key, count, when))
                at(when) {
                    for n in 0..<count {
                        try store.submitReport(
                            unit: unit.id, month: PeriodKey(rawValue: key),
                            submittedOn: LocalDay.of(when, in: sampleZone),
                            title: "信息 \(n + 1)", liaison: nil, recipient: "示例市卫生局办公室", at: when, actor: officer)
                    }
                }
            }
        }

        // Rectification items: three carried over from 2025, then every fate through the year.
        func item(
            _ unit: String, _ title: String, _ source: ItemSource, _ created: String, _ deadline: String, _ fate: Fate,
            first: String? = nil, main: String? = nil
        ) {
            let due = sampleTime("\(deadline) 00:00").addingTimeInterval(day)
            items.append(
                ItemSpec(
                    unit: unit, title: title, source: source,
                    created: created.contains(" ") ? sampleTime(created) : sampleTime("\(created) 10:00"),
                    deadline: due,
                    fate: fate, first: first, main: main, direct: "示例科长\(items.count + 1)"))
        }
        item("county-a", "值班制度未落实", .petition, "2025-12-31 23:30", "2026-01-15", .onTime, main: "@main")
        item("county-b", "药品库房管理不规范", .hazardSweep, "2025-12-31 23:30", "2026-01-20", .open)
        item("direct-1", "门诊投诉处理超时", .complaint, "2025-12-31 23:30", "2026-01-10", .late(days: 5), main: "@main")
        item("county-a", "督导检查发现台账不全", .inspection, "2026-02-01", "2026-03-15", .onTime)
        item("county-a", "信访件回复超期", .petition, "2026-02-10", "2026-04-30", .late(days: 1), main: "@main")
        item("county-a", "消防通道堆放杂物", .hazardSweep, "2026-03-01", "2026-05-31", .late(days: 10))
        item("county-b", "公开承诺未上墙", .selfExamination, "2026-03-05", "2026-06-30", .deferClose)
        item("county-b", "群众投诉候诊时间长", .complaint, "2026-04-01", "2026-07-31", .open, main: "@main")
        item("county-c", "上级通报：值班脱岗", .superiorCircular, "2026-04-10", "2026-08-15", .open, first: "褚示例")
        item("county-c", "群众评议满意度偏低", .publicAppraisal, "2026-05-01", "2026-09-30", .refer)
        item("county-c", "即知即改：公示栏信息过期", .selfExamination, "2026-05-20 09:00", "2026-05-30", .fixAtOnce)
        item("direct-1", "暗访发现挂号窗口推诿", .unannouncedVisit, "2026-05-10", "2026-06-20", .reopen)
        item("direct-1", "检查发现病历书写不规范", .inspection, "2026-06-01", "2026-12-31", .open)
        item("direct-2", "信访反映疫苗接种排队", .petition, "2026-06-15", "2026-07-31", .late(days: 20))
        item("direct-2", "实验室危化品登记缺失", .hazardSweep, "2026-07-01", "2026-09-15", .onTime)
        item("direct-3", "Media report on waiting times", .media, "2026-07-10", "2026-10-31", .deferOpen)
        item("direct-3", "Complaint about billing", .complaint, "2026-08-01", "2026-11-30", .closeAfterAsOf)
        item("town-a1", "自查发现药品过期", .selfExamination, "2026-08-15", "2026-10-15", .onTime)
        item("town-a1", "点评会指出学习记录缺失", .reviewMeeting, "2026-09-01", "2026-11-15", .open)
        item("town-b1", "互查发现值班表未公示", .mutualHelp, "2026-09-10", "2026-12-10", .late(days: 1))
        item("branch-1", "支部学习制度执行不严", .selfExamination, "2026-10-01", "2026-12-15", .open)
        item("branch-1", "检查发现党费台账不清", .inspection, "2026-10-10", "2026-12-31", .open)
        item("direct-4", "Inspection: records incomplete", .inspection, "2026-06-01", "2026-08-31", .late(days: 5))
        item("city", "上级点评：督导频次不足", .superior, "2026-03-01", "2026-04-30", .onTime)
        item("county-a", "年末检查发现问题", .inspection, "2026-12-21", "2027-01-31", .open)
        item("county-b", "信访件办理不及时", .petition, "2026-11-01", "2026-12-17", .onTime)
        item("town-a1", "隐患排查：电线老化", .hazardSweep, "2026-02-15", "2026-03-31", .referLate)
        item("county-a", "公开承诺兑现不到位", .publicAppraisal, "2026-08-20", "2026-10-31", .open, main: "@main")

        for (index, spec) in items.enumerated() {
            let d = spec.deadline
            at(spec.created) {
                ids.set(
                    "i\(index)",
                    try store.addItem(
                        NewItem(
                            unit: spec.unit, title: spec.title, deadline: d, source: spec.source, first: spec.first,
                            main: spec.main, direct: spec.direct),
                        schedule: schedule, at: spec.created, actor: officer))
            }
            func act(_ when: Date, _ transition: ItemTransition, _ details: TransitionDetails) {
                at(when) {
                    try store.transition(
                        ids["i\(index)"], transition, details, schedule: schedule, at: when, actor: officer)
                }
            }
            let verifier = TransitionDetails(by: "Inspector Sample")
            switch spec.fate {
            case .onTime:
                act(d.addingTimeInterval(-3 * day), .rectified, TransitionDetails(note: "done"))
                act(d.addingTimeInterval(-2 * day), .verify, verifier)
            case .late(let days):
                act(
                    d.addingTimeInterval(Double(days - 1) * day + 10 * 3600), .rectified,
                    TransitionDetails(note: "done"))
                act(d.addingTimeInterval(Double(days) * day + 10 * 3600), .verify, verifier)
            case .deferClose, .deferOpen:
                act(
                    d.addingTimeInterval(-5 * day), .deferral,
                    TransitionDetails(
                        deadline: d.addingTimeInterval(20 * day), plan: "分步整改", explanation: "需要经费"))
                if case .deferClose = spec.fate {
                    act(d.addingTimeInterval(17 * day), .rectified, TransitionDetails(note: "done"))
                    act(d.addingTimeInterval(18 * day), .verify, verifier)
                }
            case .open:
                break
            case .refer:
                act(d.addingTimeInterval(-3 * day), .refer, TransitionDetails(referredTo: "示例市人民政府"))
            case .referLate:
                act(d.addingTimeInterval(5 * day), .refer, TransitionDetails(referredTo: "示例市人民政府"))
            case .reopen:
                act(d.addingTimeInterval(-4 * day), .rectified, TransitionDetails(note: "done"))
                act(d.addingTimeInterval(-3 * day), .verify, verifier)
                act(
                    d.addingTimeInterval(10 * day), .reopen,
                    TransitionDetails(note: "问题反弹", deadline: d.addingTimeInterval(30 * day)))
            case .closeAfterAsOf:
                act(sampleTime("2026-12-21 10:00"), .rectified, TransitionDetails(note: "done"))
                act(sampleTime("2026-12-22 10:00"), .verify, verifier)
            case .fixAtOnce:
                act(spec.created.addingTimeInterval(3600), .rectified, TransitionDetails(note: "当场整改"))
                act(spec.created.addingTimeInterval(7200), .verify, verifier)
            }
        }

        // Walk the year from wake to wake, doing what people do when its time comes.
        actions.sort { $0.at < $1.at }
        try manager.process(at: start)
        var now = start
        var next = 0
        while true {
            let wake = try manager.nextWake(after: now) ?? .distantFuture
            let action = next < actions.count ? actions[next].at : .distantFuture
            let t = min(wake, action)
            guard t < end else { break }
            now = t
            if action == t {
                try manager.process(at: t)
                while next < actions.count && actions[next].at == t {
                    try actions[next].what()
                    next += 1
                }
            }
            try manager.process(at: t)
        }
        try manager.process(at: end)
        precondition(next == actions.count, "every scripted action ran")
        for index in items.indices { items[index].id = ids["i\(index)"] }
    }
}

/// Ids known only once the script runs.
private final class IDs: @unchecked Sendable {
    private var ids: [String: Int64] = [:]
    func set(_ key: String, _ id: Int64) { ids[key] = id }
    subscript(_ key: String) -> Int64 { ids[key] ?? -1 }
}

/// The shipped cadence of each duty kind (as the daemon resolves `review record --kind`).
let shippedDuty: [CadenceKind: String] = [
    .review: "quarterly-review", .inspection: "half-year-inspection", .appraisal: "half-year-appraisal",
    .evaluation: "year-end-evaluation",
]
