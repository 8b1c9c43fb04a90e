import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// A campaign year (2026) with the rules of issue 18 that this walk covers switched on: regional
/// holidays per unit (R28), the talk's time limit in working days (R19), complaint reply deadlines
/// (R23), masked names in the notice files and the journal (R30) and inspection groups with their
/// zones (R14). What the daemon does is compared with what this test computes by itself from the
/// script: its own working-day count, not the daemon's calendar code.
@Suite("A campaign year with the seed rules on")
struct SeedRulesYearTests {
    static let nationalOff: Set<String> = Set(
        (1...5).map { "2026-05-0\($0)" } + (1...7).map { "2026-10-0\($0)" } + ["2026-01-01"])
    static let nationalMakeUp: Set<String> = ["2026-09-27", "2026-10-10"]
    static let regionalOff: Set<String> = [
        "2026-03-20", "2026-03-21", "2026-03-22", "2026-05-27", "2026-05-28", "2026-05-29",
    ]

    static let conf = """
        [Daemon]
        TimeZone=Asia/Shanghai
        Language=zh
        MaskNames=files journal
        [Ledger]
        TalkTimeLimitDays=5
        ComplaintReplyDays=15
        [WorkingDays]
        Regional=xj-test
        """
    static let national = """
        [2026]
        Holiday=2026-01-01 元旦 New Year's Day
        Holiday=2026-05-01..2026-05-05 劳动节 Labour Day
        WorkingDay=2026-09-27 国庆节调休 National Day make-up
        Holiday=2026-10-01..2026-10-07 国庆节 National Day
        WorkingDay=2026-10-10 国庆节调休 National Day make-up
        """
    static let regional = """
        [2026]
        Holiday=2026-03-20..2026-03-22 肉孜节 Eid al-Fitr
        Holiday=2026-05-27..2026-05-29 古尔邦节 Corban Festival
        """
    static let plan = """
        [Group 第一督查组]
        Leader=p-1
        Members=p-2
        Zone=county-1 county-2 county-3

        [Group 第二督查组]
        Leader=p-4
        Zone=county-4 county-5 county-6
        """

    static let surnames = ["陈", "林", "黄", "周", "吴", "郑"]
    /// County n keeps the regional holidays for n of 5 and 6.
    static func regionalUnit(_ n: Int) -> Bool { n >= 5 }

    /// This test's own count: `count` working days after `day`, for a unit with or without the
    /// regional days off.
    static func adding(_ count: Int, after day: LocalDate, regional: Bool) -> LocalDate {
        var date = day
        var left = count
        while left > 0 {
            date = date.adding(days: 1)
            let text = date.description
            let weekend = date.isoWeekday >= 6 && !nationalMakeUp.contains(text)
            let off = weekend || nationalOff.contains(text) || (regional && regionalOff.contains(text))
            if !off { left -= 1 }
        }
        return date
    }

    @Test("Each item's time limit and reply deadline by its unit's days off; names masked in both sinks; zones")
    func year() throws {
        let start = inShanghai("2026-01-05", 9)
        let ledger = try InProcessLedger(
            conf: Self.conf, holidays: Self.national,
            files: ["holidays.d/xj-test.conf": Self.regional, "plans.d/city.plan": Self.plan], now: start)
        try ledger.process(at: start)
        let store = ledger.manager.store
        try ledger.call("AddUnit", ["id": "city", "name": "示例市卫生局", "kind": "bureau"])
        var names: [String] = []
        for n in 1...6 {
            var unit: [String: Any] = [
                "id": "county-\(n)", "name": "示例第\(n)县卫生局", "kind": "county-bureau", "parent": "city",
            ]
            if Self.regionalUnit(n) { unit["holidays"] = "xj-test" }
            try ledger.call("AddUnit", unit)
            let name = Self.surnames[n - 1] + "示例"
            names.append(name)
            try ledger.call("AddPerson", ["id": "p-\(n)", "name": name, "unit": "county-\(n)"])
            try ledger.call("AssignRole", ["unit": "county-\(n)", "role": "first", "person": "p-\(n)"])
        }

        // Items: each county has three, due before the regional and national holidays.
        let deadlines = ["2026-03-10", "2026-05-18", "2026-09-21"]
        var items: [(id: Int64, unit: Int, deadline: LocalDate)] = []
        for n in 1...6 {
            for deadline in deadlines {
                let item =
                    try ledger.call(
                        "AddItem",
                        [
                            "unit": "county-\(n)", "title": "第\(n)县问题 \(deadline)", "deadline": deadline,
                            "first": "@first",
                        ]
                    )["item"] as? [String: Any]
                items.append((try #require(item?["id"] as? Int64), n, LocalDate(deadline)!))
            }
        }

        // Complaints, recorded on given days: answered within 15 working days of the unit.
        var complaints: [(unit: Int, recorded: LocalDate, replyDue: String?)] = []
        for (n, day) in [(1, "2026-04-24"), (5, "2026-04-24"), (2, "2026-09-18"), (6, "2026-09-18"), (6, "2026-03-16")]
        {
            ledger.now = inShanghai(day, 10)
            let item =
                try ledger.call(
                    "AddItem",
                    [
                        "unit": "county-\(n)", "title": "群众投诉 \(day)", "deadline": "2026-12-31", "first": "@first",
                        "source": "complaint",
                    ])["item"] as? [String: Any]
            complaints.append((n, LocalDate(day)!, item?["replyDue"] as? String))
        }
        for complaint in complaints {
            let due = Self.adding(15, after: complaint.recorded, regional: Self.regionalUnit(complaint.unit))
            // 24:00 of that day in Shanghai is 16:00 UTC of it.
            #expect(complaint.replyDue == "\(due)T16:00:00Z", "county-\(complaint.unit), \(complaint.recorded)")
        }

        // Inspections: the first group's zone visited in each half-year but county-3 in the second;
        // the second group's only county-4, in the first half-year.
        let inspections = [
            ("county-1", "2026-06-10"), ("county-2", "2026-06-11"), ("county-3", "2026-06-12"),
            ("county-4", "2026-06-12"), ("county-1", "2026-11-10"), ("county-2", "2026-11-11"),
        ]

        // The year, wake by wake; zones looked at on the last day of each half-year.
        ledger.now = start
        var emitted: [Notice] = []
        var zones: [String: [String]] = [:]
        var now = start
        var pendingInspections = inspections
        for checkDay in ["2026-06-30", "2026-12-31"] {
            let check = inShanghai(checkDay, 12)
            while let wake = try ledger.manager.nextWake(after: now), wake <= check {
                now = wake
                emitted += try ledger.process(at: wake)
            }
            for (unit, day) in pendingInspections where LocalDate(day)! <= LocalDate(checkDay)! {
                ledger.now = inShanghai(day, 15)
                try ledger.call("RecordReview", ["unit": unit, "kind": "inspection", "heldOn": day])
            }
            pendingInspections.removeAll { LocalDate($0.1)! <= LocalDate(checkDay)! }
            now = check
            ledger.now = check
            let text = try ledger.call("GetPlan", ["plan": "city"])["text"] as? String ?? ""
            zones[checkDay] = text.split(separator: "\n").map(String.init).filter { $0.contains("督查组  ") }
        }
        while let wake = try ledger.manager.nextWake(after: now), wake < inShanghai("2027-01-31", 0) {
            now = wake
            emitted += try ledger.process(at: wake)
        }

        // Each item: overdue once, its talk on the 7th day after its deadline with a time limit of
        // 5 working days of its unit, accountability at the end of that day, each once.
        for item in items {
            let own = emitted.filter { $0.item == item.id }
            let talkDay = item.deadline.adding(days: 8)
            let limit = Self.adding(5, after: talkDay, regional: Self.regionalUnit(item.unit))
            #expect(own.filter { $0.kind == .overdue }.count == 1, "item \(item.id)")
            let talks = own.filter { $0.level == .talk }
            #expect(talks.count == 1, "item \(item.id): \(own.map(\.key))")
            #expect(talks.first?.body.contains("限期 \(limit)（当日 24:00 截止）前整改到位") == true, "item \(item.id): \(talks)")
            let accountability = own.filter { $0.kind == .accountability }
            #expect(accountability.count == 1, "item \(item.id)")
            #expect(accountability.first?.dueAt == inShanghai(limit.adding(days: 1).description, 0), "item \(item.id)")
        }
        #expect(Set(emitted.map(\.key)).count == emitted.count, "no notice twice")

        // The ledger keeps every item notice whole; the journal and the files have the names masked.
        let whole = try store.notices().filter { $0.notice.item != nil && $0.notice.kind != .digest }
        #expect(whole.count >= items.count * 4)
        for stored in whole {
            let name = names[(Int(stored.notice.unit?.split(separator: "-").last ?? "") ?? 1) - 1]
            #expect(stored.notice.body.contains(name), "\(stored.notice.key)")
            let entry = try #require(ledger.journal.entries.first { $0["CADENCED_NOTICE_KEY"] == stored.notice.key })
            #expect(entry["CADENCED_NAMES_MASKED"] == "1")
            let masked = String(name.first!) + "**"
            #expect(entry["MESSAGE"]?.contains(masked) == true && entry["MESSAGE"]?.contains(name) == false)
            let file = try String(
                contentsOfFile: ledger.root + "/state/notices/" + (stored.file ?? "?"), encoding: .utf8)
            #expect(file.contains(masked) && !file.contains(name), "\(stored.file ?? "?")")
        }

        // Zones: this test's own list of who had an inspection in each half-year.
        func expected(_ group: String, _ leader: String, zone: [String], half: String, visited: Set<String>) -> String {
            let missing = zone.filter { !visited.contains($0) }.map { "示例第\($0.split(separator: "-").last!)县卫生局" }
            return "  \(group)  \(leader)：责任区 \(zone.count) 个单位，\(half) 已检查 \(zone.count - missing.count) 个"
                + (missing.isEmpty ? "" : "；未检查：" + missing.joined(separator: "、"))
        }
        for (checkDay, half) in [("2026-06-30", "2026-H1"), ("2026-12-31", "2026-H2")] {
            let visited = Set(
                inspections.filter { PeriodKey(.halfYear, date: LocalDate($0.1)!).rawValue == half }.map(\.0))
            #expect(
                zones[checkDay]
                    == [
                        expected(
                            "第一督查组", "组长 陈示例，成员 林示例", zone: ["county-1", "county-2", "county-3"], half: half,
                            visited: visited),
                        expected(
                            "第二督查组", "组长 周示例", zone: ["county-4", "county-5", "county-6"], half: half,
                            visited: visited),
                    ], "\(checkDay)")
        }
    }
}
