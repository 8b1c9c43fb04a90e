import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Logging
import Testing

private let shanghai = TimeZone(identifier: "Asia/Shanghai")!

/// "2026-03-10 12:00" in Shanghai (UTC+8 all year).
private func sh(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let time = parts[1].split(separator: ":").map { Int($0)! }
    return Date(
        timeIntervalSince1970: TimeInterval(
            LocalDate(parts[0])!.dayNumber * 86_400 + time[0] * 3600 + time[1] * 60 - 8 * 3600))
}

private let day: TimeInterval = 86_400

private let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("etc/cadenced").path

/// The acceptance walk of the ledger (issue 4): one campaign year on an injected clock with 300
/// units and the shipped cadences. Reviews are recorded for most units but not all, some units
/// submit fewer reports than their quota, and items are closed on time, late, deferred, referred,
/// reopened, circulated by a superior and left to reach accountability. Every notice, overdue
/// item and escalation step is compared with what this test computes by itself from the script
/// of events — not from the daemon's schedule code.
@Suite("A campaign year of 300 units")
struct CampaignYearTests {
    enum Fate: CaseIterable {
        case onTime, late, deferred, escalated, circulated, referred, reopened
    }

    struct ScriptedItem {
        var fate: Fate
        var unit: String
        var deadline: Date
        var id: Int64 = 0
    }

    @Test("Every notice, overdue item and escalation step of the year is as expected, once")
    func campaignYear() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-campaign-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let start = sh("2025-12-31 23:00")
        let end = sh("2027-01-20 00:00")
        let configuration = try ConfigurationLoader(directory: shipped).load(reference: start, systemTimeZone: shanghai)
        let journal = RecordingJournal()
        let manager = Manager(
            store: try LedgerStore(path: root + "/ledger.sqlite"), configuration: configuration,
            noticeDirectory: root + "/notices", journal: journal, logger: Logger(label: "test"))
        let store = manager.store
        let schedule = manager.itemSchedule
        let officer = Actor(uid: 1000, user: "officer")

        // 300 units: the city bureau, 20 county bureaus (quota 4), 80 city-direct units (quota 2),
        // and 199 township centres under the counties (no quota).
        var units = [NewUnit(id: "city", name: "示例市卫生局", kind: .bureau)]
        units += (1...20).map { NewUnit(id: "county-\($0)", name: "示例第\($0)县卫生局", kind: .countyBureau, parent: "city") }
        units += (1...80).map {
            NewUnit(id: "direct-\($0)", name: "Direct Unit \($0)", kind: .cityDirect, parent: "city")
        }
        units += (1...199).map {
            NewUnit(id: "town-\($0)", name: "Township \($0)", kind: .township, parent: "county-\(($0 - 1) % 20 + 1)")
        }
        #expect(units.count == 300)
        try store.addUnits(units, at: start, actor: officer)
        for unit in units {
            try store.assignRole(unit: unit.id, role: .first, person: "Head of \(unit.id)", at: start, actor: officer)
        }
        // The shipped duty cadences are owed by county bureaus and city-direct units (Units=); the
        // township centres owe none.
        let reviewed = units.filter { $0.kind == .countyBureau || $0.kind == .cityDirect }
        let quotas = Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0.kind.defaultMonthlyQuota) })

        // The script of what people do, by instant.
        var actions: [(at: Date, what: () throws -> Void)] = []

        // Duties: periods and their ends (local midnight after the period), and who misses them.
        let duties: [(kind: CadenceKind, period: String, held: String, end: String)] = [
            (.review, "2026-Q1", "2026-03-10", "2026-04-01"), (.review, "2026-Q2", "2026-06-10", "2026-07-01"),
            (.review, "2026-Q3", "2026-09-10", "2026-10-01"), (.review, "2026-Q4", "2026-12-10", "2027-01-01"),
            (.inspection, "2026-H1", "2026-06-15", "2026-07-01"), (.inspection, "2026-H2", "2026-12-15", "2027-01-01"),
            (.appraisal, "2026-H1", "2026-06-16", "2026-07-01"), (.appraisal, "2026-H2", "2026-12-16", "2027-01-01"),
            (.evaluation, "2026", "2026-12-25", "2027-01-01"),
        ]
        var missed: [(unit: String, kind: CadenceKind, period: String, end: Date, recordedLate: Date?)] = []
        for (d, duty) in duties.enumerated() {
            var onTime: [String] = []
            for (u, unit) in reviewed.enumerated() {
                if (u * 31 + d * 17) % 20 == 0 {
                    let end = sh(duty.end + " 00:00")
                    // Half the missed ones are recorded late, five days after the period's end.
                    let late = u % 2 == 0 ? end.addingTimeInterval(5 * day + 12 * 3600) : nil
                    missed.append((unit.id, duty.kind, duty.period, end, late))
                    if let late {
                        let kind = duty.kind
                        let period = duty.period
                        actions.append(
                            (
                                late,
                                {
                                    try store.recordReview(
                                        NewReview(
                                            unit: unit.id, kind: kind, period: PeriodKey(rawValue: period),
                                            heldOn: LocalDay.of(late, in: shanghai), reviewer: "Late Reviewer",
                                            cadence: shippedDuty[kind]),
                                        at: late, actor: officer)
                                }
                            ))
                    }
                } else {
                    onTime.append(unit.id)
                }
            }
            let heldAt = sh(duty.held + " 12:00")
            actions.append(
                (
                    heldAt,
                    {
                        for unit in onTime {
                            try store.recordReview(
                                NewReview(
                                    unit: unit, kind: duty.kind, period: PeriodKey(rawValue: duty.period),
                                    heldOn: LocalDate(duty.held)!, form: .plenary, reviewer: "Reviewer",
                                    cadence: shippedDuty[duty.kind]),
                                at: heldAt, actor: officer)
                        }
                    }
                ))
        }
        #expect(missed.count > 20 && missed.count < 100)

        // Information reports on the 20th of each month: quota units submit their quota, some one
        // fewer (short), some one more.
        var short: [String: Set<String>] = [:]
        for month in 1...12 {
            let key = "2026-" + (month < 10 ? "0\(month)" : "\(month)")
            let submitAt = sh("\(key)-20 12:00")
            var plan: [(String, Int)] = []
            for (u, unit) in units.enumerated() where quotas[unit.id]! > 0 {
                var count = quotas[unit.id]!
                if (u + month) % 9 == 0 {
                    count -= 1
                    short[key, default: []].insert(unit.id)
                } else if (u + month) % 7 == 0 {
                    count += 1
                }
                plan.append((unit.id, count))
            }
            actions.append(
                (
                    submitAt,
                    {
                        for (unit, count) in plan {
                            for n in 0..<count {
                                try store.submitReport(
                                    unit: unit, month: PeriodKey(rawValue: key), submittedOn: LocalDate("\(key)-20")!,
                                    title: "Report \(n + 1) of \(unit)", liaison: nil, recipient: "City office",
                                    at: submitAt, actor: officer)
                            }
                        }
                    }
                ))
        }

        // Rectification items: six of each fate, deadlines a week apart from February.
        var items: [ScriptedItem] = []
        for n in 0..<42 {
            let fate = Fate.allCases[n % Fate.allCases.count]
            let unit = n % 2 == 0 ? "county-\(n % 20 + 1)" : "direct-\(n % 80 + 1)"
            items.append(
                ScriptedItem(
                    fate: fate, unit: unit, deadline: sh("2026-02-01 18:00").addingTimeInterval(Double(n) * 7 * day)))
        }
        let deferredBy: TimeInterval = 20 * day
        let reopenedBy: TimeInterval = 30 * day
        let ids = ItemIDs()
        for (index, item) in items.enumerated() {
            let d = item.deadline
            let created = d.addingTimeInterval(-30 * day)
            actions.append(
                (
                    created,
                    {
                        ids.set(
                            index,
                            try store.addItem(
                                NewItem(
                                    unit: item.unit, title: "Problem \(index)", deadline: d,
                                    source: item.fate == .circulated ? .superiorCircular : .inspection,
                                    direct: "Dept head \(index)"),
                                schedule: schedule, at: created, actor: officer))
                    }
                ))
            func act(_ offset: TimeInterval, _ transition: ItemTransition, _ details: TransitionDetails) {
                let at = d.addingTimeInterval(offset)
                actions.append(
                    (
                        at,
                        {
                            try store.transition(
                                ids[index], transition, details, schedule: schedule, at: at, actor: officer)
                        }
                    ))
            }
            switch item.fate {
            case .onTime:
                act(-3 * day, .rectified, TransitionDetails(note: "done"))
                act(-2 * day, .verify, TransitionDetails(by: "Inspector Li"))
            case .late:
                act(1 * day, .rectified, TransitionDetails(note: "done late"))
                act(2 * day, .verify, TransitionDetails(by: "Inspector Li"))
            case .deferred:
                act(
                    -5 * day, .deferral,
                    TransitionDetails(
                        deadline: d.addingTimeInterval(deferredBy), plan: "Budget next quarter",
                        explanation: "Needs funds"))
                act(deferredBy - 3 * day, .rectified, TransitionDetails(note: "done"))
                act(deferredBy - 2 * day, .verify, TransitionDetails(by: "Inspector Li"))
            case .escalated, .circulated:
                break
            case .referred:
                act(-3 * day, .refer, TransitionDetails(referredTo: "City government"))
            case .reopened:
                act(-4 * day, .rectified, TransitionDetails(note: "done"))
                act(-3 * day, .verify, TransitionDetails(by: "Inspector Li"))
                act(
                    10 * day, .reopen,
                    TransitionDetails(note: "It came back", deadline: d.addingTimeInterval(reopenedBy)))
            }
        }
        // A personnel change: the head of county-1 changes mid-year; open items follow the role.
        let change = sh("2026-07-15 12:00")
        actions.append(
            (
                change,
                {
                    try store.assignRole(
                        unit: "county-1", role: .first, person: "New head of county-1", at: change, actor: officer)
                }
            ))

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
            #expect(t >= now)
            now = t
            if action == t {
                // The daemon processes what is due before it answers a request.
                try manager.process(at: t)
                while next < actions.count && actions[next].at == t {
                    try actions[next].what()
                    next += 1
                }
            }
            try manager.process(at: t)
        }
        try manager.process(at: end)
        #expect(next == actions.count)

        // What we expect, computed from the script.
        var expected: [String: (kind: NoticeKind, due: Date)] = [:]
        for item in items.indices { items[item].id = ids[item] }
        func stages(_ id: Int64, round: Int, deadline d: Date, until stop: Date, flagged: Bool) {
            let prefix = round == 0 ? "item/\(id)/" : "item/\(id)/r\(round)/"
            let ladder: [(String, NoticeKind, Date)] =
                [
                    ("warn-604800s", .deadlineWarning, d.addingTimeInterval(-7 * day)),
                    ("warn-86400s", .deadlineWarning, d.addingTimeInterval(-day)), ("overdue", .overdue, d),
                ]
                + (flagged
                    ? [("accountability", .accountability, d)]
                    : [
                        ("circular", .escalation, d.addingTimeInterval(3 * day)),
                        ("talk", .escalation, d.addingTimeInterval(7 * day)),
                        ("accountability", .accountability, d.addingTimeInterval(14 * day)),
                    ])
            for (stage, kind, at) in ladder where at < stop && at < end {
                expected[prefix + stage] = (kind, at)
            }
        }
        var overdueAtEnd: Set<Int64> = []
        for item in items {
            let d = item.deadline
            switch item.fate {
            case .onTime: stages(item.id, round: 0, deadline: d, until: d.addingTimeInterval(-2 * day), flagged: false)
            case .late: stages(item.id, round: 0, deadline: d, until: d.addingTimeInterval(2 * day), flagged: false)
            case .deferred:
                stages(item.id, round: 0, deadline: d, until: d.addingTimeInterval(-5 * day), flagged: false)
                let d2 = d.addingTimeInterval(deferredBy)
                stages(item.id, round: 1, deadline: d2, until: d2.addingTimeInterval(-2 * day), flagged: false)
            case .escalated:
                stages(item.id, round: 0, deadline: d, until: .distantFuture, flagged: false)
                overdueAtEnd.insert(item.id)
            case .circulated:
                stages(item.id, round: 0, deadline: d, until: .distantFuture, flagged: true)
                overdueAtEnd.insert(item.id)
            case .referred:
                stages(item.id, round: 0, deadline: d, until: d.addingTimeInterval(-3 * day), flagged: false)
            case .reopened:
                stages(item.id, round: 0, deadline: d, until: d.addingTimeInterval(-3 * day), flagged: false)
                stages(
                    item.id, round: 1, deadline: d.addingTimeInterval(reopenedBy), until: .distantFuture, flagged: true)
                overdueAtEnd.insert(item.id)
            }
        }
        // Missed duties: an item each, overdue at the period's end; the ladder runs until a late record closes it.
        var missedIDs: [String: Int64] = [:]
        for m in missed {
            let cadence = shippedDuty[m.kind]!
            let origin = LedgerStore.missedDutyOrigin(
                unit: m.unit, cadence: cadence, period: PeriodKey(rawValue: m.period))
            let item = try #require(
                try store.items(unit: m.unit, overdueAt: nil, limit: 100).items.first { $0.origin == origin },
                "no item for the missed \(origin)")
            missedIDs[origin] = item.id
            #expect(item.deadline == m.end)
            #expect(item.source == ItemSource.missedDuty.rawValue)
            // Warnings are moot: the item is born at its deadline.
            var ladder: [(String, NoticeKind, Date)] = [("overdue", .overdue, m.end)]
            ladder += [
                ("circular", .escalation, m.end.addingTimeInterval(3 * day)),
                ("talk", .escalation, m.end.addingTimeInterval(7 * day)),
                ("accountability", .accountability, m.end.addingTimeInterval(14 * day)),
            ]
            for (stage, kind, at) in ladder where at < (m.recordedLate ?? .distantFuture) && at < end {
                expected["item/\(item.id)/\(stage)"] = (kind, at)
            }
            if m.recordedLate == nil {
                overdueAtEnd.insert(item.id)
            } else {
                #expect(item.state == .closed, "\(origin) recorded late is closed")
            }
        }
        // No unit that held its duty has an item for it.
        let allItems = try store.items(unit: nil, overdueAt: nil, limit: 1_000_000).items
        #expect(allItems.filter { $0.origin != nil }.count == missed.count)
        #expect(allItems.count == missed.count + items.count)
        // Quota checks: one notice per month at its end.
        for month in 1...12 {
            let key = "2026-" + (month < 10 ? "0\(month)" : "\(month)")
            let endOfMonth = PeriodKey(rawValue: key).end(in: shanghai)!
            expected["quota/month-end-quota/\(key)"] = (.quotaShortfall, endOfMonth)
        }

        // The shipped holiday data ends with 2026: the administrator is told at local midnight of
        // 1 December, and again when 2027 begins uncovered.
        for (key, local) in [("holidays/2027/coming", "2026-12-01"), ("holidays/2027/started", "2027-01-01")] {
            let midnight = LocalDay.instant(LocalDate(local)!, secondsOfDay: 0, in: shanghai)
            if midnight < end { expected[key] = (.holidayDataMissing, midnight) }
        }

        // The year's final result: at 09:00 of the first weekday from 10 January (FinalReport=).
        var finalDay = LocalDate("2027-01-10")!
        while finalDay.isWeekend { finalDay = finalDay.adding(days: 1) }
        let finalAt = LocalDay.instant(finalDay, secondsOfDay: 9 * 3600, in: shanghai)
        if finalAt < end { expected["final-report/year-end-evaluation/2026"] = (.finalReport, finalAt) }

        // Every notice, and only those, at its instant (none late: the daemon never slept).
        let notices = try store.notices().map(\.notice)
        // Each monthly reminder comes with one reminder per unit under the city (R1, R2), at its instant,
        // to that unit's liaison; the reminder itself is sent to nobody.
        for reminder in notices where reminder.kind == .occurrence && reminder.cadence == "monthly-reminder" {
            #expect(reminder.perUnit == true)
            for unit in units where unit.parent != nil {
                expected["reminder/monthly-reminder/\(reminder.periods[0])/\(unit.id)"] = (
                    .commitmentReminder, reminder.dueAt
                )
            }
        }
        let unitReminder = try #require(notices.first { $0.key == "reminder/monthly-reminder/2026-03/county-7" })
        #expect(unitReminder.unit == "county-7" && unitReminder.subject == "Commitments reminder: 示例第7县卫生局 2026-03")
        #expect(unitReminder.body.hasPrefix("This unit has recorded no commitments for 2026"), "\(unitReminder.body)")
        let itemNotices = notices.filter { $0.kind != .occurrence }
        let missing = Set(expected.keys).subtracting(itemNotices.map(\.key)).sorted()
        let unexpected = Set(itemNotices.map(\.key)).subtracting(expected.keys).sorted()
        #expect(missing.isEmpty, "expected but not emitted: \(missing.prefix(10))")
        #expect(unexpected.isEmpty, "emitted but not expected: \(unexpected.prefix(10))")
        for notice in itemNotices {
            guard let want = expected[notice.key] else { continue }
            #expect(notice.kind == want.kind, "\(notice.key)")
            #expect(notice.dueAt == want.due, "\(notice.key)")
            #expect(notice.emittedAt == notice.dueAt, "\(notice.key) emitted on time")
            #expect(!notice.late, "\(notice.key)")
        }
        // The cadences fired once per period.
        let occurrences = notices.filter { $0.kind == .occurrence }.map { "\($0.cadence!)/\($0.periods[0])" }
        #expect(occurrences.count == Set(occurrences).count)
        #expect(
            occurrences.filter { $0.hasSuffix("2026") || $0.contains("/2026-") }.count == 12 + 12 + 4 + 2 + 2 + 1 + 1)

        // The month-end notices list exactly the units short of their quota.
        for notice in notices where notice.kind == .quotaShortfall {
            let listed = Set(
                notice.body.split(separator: "\n").filter { $0.hasPrefix("- ") }.map {
                    String($0.dropFirst(2).split(separator: " ")[0])
                })
            #expect(listed == short[notice.periods[0]] ?? [], "\(notice.key)")
        }

        // Every escalation step in the journal, once, with its level and priority.
        #expect(journal.entries.count == notices.count)
        #expect(Set(journal.entries.map { $0["CADENCED_NOTICE_KEY"]! }).count == notices.count)
        let steps = journal.entries.filter { $0["CADENCED_LEVEL"] != nil }
        #expect(
            Set(steps.map { "\($0["CADENCED_ITEM"]!)/\($0["CADENCED_LEVEL"]!)" })
                == Set(
                    expected.filter { $0.value.kind == .escalation || $0.value.kind == .accountability }.keys.map {
                        let parts = $0.split(separator: "/")
                        return "\(parts[1])/\(parts.last!)"
                    }))
        for entry in steps {
            #expect(entry["PRIORITY"] == (entry["CADENCED_LEVEL"] == "accountability" ? "2" : "3"))
        }

        // Every overdue item at the end of the walk, and only those.
        let overdue = try store.items(unit: nil, overdueAt: end, limit: 1_000_000)
        #expect(Set(overdue.items.map(\.id)) == overdueAtEnd)
        #expect(overdue.total == overdueAtEnd.count)

        // The personnel change: county-1's open items now answer to the new head.
        let countyOne = try store.items(unit: "county-1", overdueAt: nil, limit: 100).items.filter {
            $0.closedAt == nil
        }
        #expect(!countyOne.isEmpty)
        for item in countyOne where item.first == "@first" { #expect(item.firstPerson == "New head of county-1") }
        #expect(try store.holder(unit: "county-1", role: .first, at: sh("2026-07-01 00:00")) == "Head of county-1")
        // The deferred ones kept their original deadline; the reopened ones are flagged.
        for item in items where item.fate == .deferred {
            #expect(try store.item(item.id)?.originalDeadline == item.deadline)
        }
        for item in items where item.fate == .reopened { #expect(try store.item(item.id)?.flagged == true) }
    }
}

/// Item ids known only once the script runs.
private final class ItemIDs: @unchecked Sendable {
    private var ids: [Int: Int64] = [:]
    func set(_ index: Int, _ id: Int64) { ids[index] = id }
    subscript(_ index: Int) -> Int64 { ids[index] ?? -1 }
}
