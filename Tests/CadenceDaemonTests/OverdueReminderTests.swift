import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// Qingming of a test year: Monday 5 April 2027 off (the weekend before it too), nothing worked.
private let qingming = "[2027]\nHoliday=2027-04-05 清明节\n"

/// The ladder at its defaults (circular +3 d, talk +7 d, accountability +14 d), no warnings.
private func conf(remind: String?, language: String = "zh") -> String {
    "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=\(language)\n[Ledger]\nWarnBeforeSec=\n"
        + (remind.map { "RemindOverdueEveryDays=\($0)\n" } ?? "")
}

/// The test's own count of working days: Monday to Friday, but 5 April 2027.
private func addWorkingDays(_ count: Int, to day: String) -> String {
    var date = LocalDate(day)!
    var left = count
    while left > 0 {
        date = date.adding(days: 1)
        // 1 January 1970 was a Thursday: 0 is Sunday, 6 Saturday.
        let weekday = (date.dayNumber % 7 + 11) % 7
        if weekday != 0 && weekday != 6 && date.description != "2027-04-05" { left -= 1 }
    }
    return date.description
}

/// A county with one item due on Friday 26 March 2027 (falling overdue at 00:00 on Saturday 27).
private func campaign(remind: String?, language: String = "zh") throws -> (InProcessLedger, Int64) {
    let ledger = try InProcessLedger(
        conf: conf(remind: remind, language: language), holidays: qingming, now: inShanghai("2027-03-01", 9))
    try ledger.process(at: ledger.now)
    try ledger.manager.store.addUnits(
        [
            NewUnit(id: "city", name: "示例市卫生健康委", kind: .cityDirect),
            NewUnit(id: "county-a", name: "甲县卫生健康局", kind: .countyBureau, parent: "city"),
        ], at: ledger.now, actor: nil)
    try ledger.call("AssignRole", ["unit": "county-a", "role": "first", "person": "局长示例"])
    let item = try ledger.call("AddItem", ["unit": "county-a", "title": "值班制度未落实", "deadline": "2027-03-26"])
    return (ledger, try #require((item["item"] as? [String: Any])?["id"] as? Int64))
}

/// Every day at 09:00 from `first` to `last`: the notices of each day.
private func walk(_ ledger: InProcessLedger, from first: String, through last: String) throws -> [(String, [Notice])] {
    var day = LocalDate(first)!
    var days: [(String, [Notice])] = []
    while day <= LocalDate(last)! {
        days.append((day.description, try ledger.process(at: inShanghai(day.description, 9))))
        day = day.adding(days: 1)
    }
    return days
}

@Suite("An overdue item that stays as it is is announced again every N working days (RemindOverdueEveryDays=)")
struct OverdueReminderTests {
    @Test(
        "Walked day by day over two months: reminders every 2 working days after each stage until the next, skipping weekends and Qingming, none once it is rectified"
    )
    func walked() throws {
        let (ledger, id) = try campaign(remind: "2")
        let days = try walk(ledger, from: "2027-03-02", through: "2027-04-20")
        let reminders = days.filter { !$0.1.filter { $0.key.contains("/remind-") }.isEmpty }.map(\.0)

        // The test's own schedule: stages at 00:00 local (announced at 09:00 that day) on Sat 27 March
        // (overdue), Tue 30 March (circular, +3 d), Sat 3 April (talk, +7 d), Sat 10 April
        // (accountability, +14 d); after each, every 2 working days until the next, then without end.
        let stages = ["2027-03-27", "2027-03-30", "2027-04-03", "2027-04-10"]
        var expected: [String] = []
        for (index, stage) in stages.enumerated() {
            var day = addWorkingDays(2, to: stage)
            while day <= "2027-04-20", index + 1 == stages.count || day < stages[index + 1] {
                expected.append(day)
                day = addWorkingDays(2, to: day)
            }
        }
        // Written out once, to read: Qingming (Monday 5 April) pushes the talk's first reminder to Wednesday.
        #expect(expected == ["2027-04-01", "2027-04-07", "2027-04-09", "2027-04-13", "2027-04-15", "2027-04-19"])
        #expect(reminders == expected)

        // Each reminder is an overdue notice of the item, marked as a reminder, at its responsible people.
        let first = try #require(days.first { $0.0 == "2027-04-01" }?.1.first { $0.key.contains("/remind-") })
        #expect(first.kind == .overdue && first.item == id)
        #expect(first.key == "item/\(id)/remind-circular-1")
        #expect(first.subject.contains("（仍未整改，再次提醒）"), "\(first.subject)")
        #expect(first.body.contains("已逾期 5 天"), "\(first.body)")
        // The stages themselves still come on their days, with no reminder the same day.
        for (stage, day) in zip(["overdue", "circular", "talk", "accountability"], stages) {
            let notices = try #require(days.first { $0.0 == day }?.1)
            #expect(notices.contains { $0.key == "item/\(id)/\(stage)" }, "\(day): \(notices.map(\.key))")
        }

        // Claimed rectified on 21 April: while it waits for its verifier, no more reminders.
        ledger.now = inShanghai("2027-04-21", 10)
        try ledger.call("UpdateItem", ["id": id, "action": "rectified", "note": "已建立值班表"])
        let after = try walk(ledger, from: "2027-04-22", through: "2027-05-10")
        #expect(after.allSatisfy { $0.1.isEmpty }, "\(after.filter { !$0.1.isEmpty }.map(\.0))")
        // A restart sends nothing again.
        #expect(try ledger.process(at: inShanghai("2027-05-10", 10)).isEmpty)
    }

    @Test("After downtime only the stage is announced, the reminders missed meanwhile are recorded silently")
    func afterDowntime() throws {
        let (ledger, id) = try campaign(remind: "1")
        #expect(try ledger.process(at: inShanghai("2027-03-27", 9)).map(\.key) == ["item/\(id)/overdue"])
        // Down from Saturday 27 March to Thursday 1 April: circular (30 March) is announced; the
        // reminders of 29 March (after overdue) and 31 March (after circular) are not sent late.
        let back = try ledger.process(at: inShanghai("2027-04-01", 9))
        #expect(back.map(\.key) == ["item/\(id)/circular"], "\(back.map(\.key))")
        // The next day's reminder comes as usual.
        #expect(try ledger.process(at: inShanghai("2027-04-02", 9)).map(\.key) == ["item/\(id)/remind-circular-3"])
    }

    @Test(
        "Turned on by a reload, reminders reach items already past their last stage; in English too; turned off, they stop"
    )
    func reloadReplans() throws {
        let (ledger, id) = try campaign(remind: nil, language: "en")
        let before = try walk(ledger, from: "2027-03-27", through: "2027-04-20").flatMap(\.1)
        #expect(before.map(\.key).filter { $0.contains("remind") }.isEmpty)
        #expect(before.contains { $0.key == "item/\(id)/accountability" })
        // Every stage is recorded: the item has nothing planned until the schedule changes.
        #expect(try ledger.manager.store.item(id)?.nextEventAt == nil)

        try ledger.reload(conf: conf(remind: "3", language: "en"))
        #expect(try ledger.manager.store.item(id)?.nextEventAt != nil)
        // After accountability (Saturday 10 April), every 3 working days: 14, 19, 22 April… Those
        // already past at the reload are recorded silently; the latest (19 April) is announced now.
        let now = try ledger.process(at: inShanghai("2027-04-20", 10))
        #expect(now.map(\.key) == ["item/\(id)/remind-accountability-2"], "\(now.map(\.key))")
        #expect(now.first?.subject.hasSuffix("(still overdue: reminder)") == true, "\(now.first?.subject ?? "")")
        let next = try walk(ledger, from: "2027-04-21", through: "2027-04-23").filter { !$0.1.isEmpty }
        #expect(next.map(\.0) == ["2027-04-22"])

        try ledger.reload(conf: conf(remind: nil, language: "en"))
        #expect(try walk(ledger, from: "2027-04-24", through: "2027-05-10").allSatisfy { $0.1.isEmpty })
    }

    @Test("RemindOverdueEveryDays= is a number of working days from 1 to 250; bad values are refused at their line")
    func configuration() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-remind-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        // Bad input: zero, too many, a word, a span.
        for value in ["0", "251", "three", "3d"] {
            try Data("[Ledger]\nRemindOverdueEveryDays=\(value)\n".utf8)
                .write(to: URL(fileURLWithPath: root + "/cadenced.conf"))
            do {
                _ = try ConfigurationLoader(directory: root).load(reference: Date(), systemTimeZone: shanghaiZone)
                Issue.record("accepted RemindOverdueEveryDays=\(value)")
            } catch {
                #expect(
                    "\(error)".contains(
                        "cadenced.conf:2: RemindOverdueEveryDays= '\(value)' is not a number of working days between 1 and 250"
                    ), "\(error)")
            }
        }
    }
}
