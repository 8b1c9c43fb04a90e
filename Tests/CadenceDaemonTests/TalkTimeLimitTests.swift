import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

@Suite("The talk sets a new time limit (限期整改); accountability falls due when it passes")
struct TalkTimeLimitTests {
    /// The May Day holidays of a test year: 1–5 May 2027 off, Saturday 8 May worked.
    private let holidays = "[2027]\nHoliday=2027-05-01..2027-05-05 劳动节\nWorkingDay=2027-05-08 劳动节调休\n"

    @Test(
        "The schedule: the limit counts working days from the talk's day, skipping holidays; a flagged item is not given one"
    )
    func schedule() throws {
        let calendar = WorkingDayCalendar(
            weekend: [.saturday, .sunday],
            calendars: [try HolidayCalendar.parse(name: "t", source: IniSource(fileName: "t.conf", text: holidays))])
        let schedule = ItemSchedule(
            warnBefore: [], circularAfter: .seconds(3 * 86_400), talkAfter: .seconds(7 * 86_400),
            accountabilityAfter: .seconds(14 * 86_400),
            talkLimit: .init(workingDays: 5, calendar: calendar, zone: shanghaiZone, secondsOfDay: 86_400))
        // Due 2026-04-28 at 24:00; the talk a week later, on 6 May (Thursday).
        let deadline = inShanghai("2027-04-29")
        // Five working days after Thursday 6 May: Fri 7, Sat 8 (worked), Mon 10, Tue 11, Wed 12.
        #expect(schedule.timeLimit(deadline: deadline) == inShanghai("2027-05-13"))
        let stages = Dictionary(uniqueKeysWithValues: schedule.stages(deadline: deadline).map { ($0.stage, $0.at) })
        #expect(stages[.escalation(.talk)] == inShanghai("2027-05-06"))
        #expect(stages[.escalation(.accountability)] == inShanghai("2027-05-13"))
        #expect(schedule.timeLimit(deadline: deadline, flagged: true) == nil)
        #expect(schedule.stages(deadline: deadline, flagged: true).allSatisfy { $0.at <= deadline })
        var plain = schedule
        plain.talkLimit = nil
        #expect(plain.stages(deadline: deadline).last?.at == inShanghai("2027-05-13"))
        // Without the 调休 Saturday the limit is a working day later.
        let noMakeUp = ItemSchedule.TalkLimit(
            workingDays: 5,
            calendar: WorkingDayCalendar(
                weekend: [.saturday, .sunday],
                calendars: [
                    try HolidayCalendar.parse(
                        name: "t",
                        source: IniSource(fileName: "t.conf", text: "[2027]\nHoliday=2027-05-01..2027-05-05\n"))
                ]),
            zone: shanghaiZone, secondsOfDay: 86_400)
        #expect(noMakeUp.limit(after: inShanghai("2027-05-06")) == inShanghai("2027-05-14"))
    }

    @Test("Walked on the clock: the talk notice names the limit; accountability waits for it, then comes")
    func walked() throws {
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n[Ledger]\nTalkTimeLimitDays=6\n", holidays: holidays,
            now: inShanghai("2027-04-01", 9))
        try ledger.process(at: inShanghai("2027-04-01", 9))
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生健康委", kind: .cityDirect),
                NewUnit(id: "county-a", name: "甲县卫生健康局", kind: .countyBureau, parent: "city"),
            ], at: ledger.now, actor: nil)
        try ledger.call("AssignRole", ["unit": "county-a", "role": "first", "person": "局长示例"])
        let item = try ledger.call("AddItem", ["unit": "county-a", "title": "值班制度未落实", "deadline": "2027-04-28"])
        #expect((item["item"] as? [String: Any])?["deadlineDate"] as? String == "2027-04-28")

        let talk = try ledger.process(at: inShanghai("2027-05-06", 1)).filter { $0.level == .talk }
        #expect(talk.count == 1)
        // Six working days after Thursday 6 May: 7, 8 (调休), 10, 11, 12, 13 → by 13 May 24:00.
        #expect(
            talk.first?.body.contains("升级为约谈，限期 2027-05-13（当日 24:00 截止）前整改到位，逾期即启动责任追究。") == true,
            "\(talk.first?.body ?? "")")
        // Where AccountabilityAfterSec= (14 days) would have struck, nothing: the limit runs.
        #expect(try ledger.process(at: inShanghai("2027-05-13", 1)).filter { $0.kind == .accountability }.isEmpty)
        #expect(try ledger.process(at: inShanghai("2027-05-13", 23)).filter { $0.kind == .accountability }.isEmpty)
        let accountability = try ledger.process(at: inShanghai("2027-05-14", 0)).filter { $0.kind == .accountability }
        #expect(accountability.count == 1)
        #expect(accountability.first?.body.contains("局长示例") == true)

        // In English the talk says the same.
        try ledger.reload(conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=en\n[Ledger]\nTalkTimeLimitDays=6\n")
        #expect(
            NoticeText(language: .en, zone: shanghaiZone).timeLimitLine(inShanghai("2027-05-14")).contains("2027-05-13")
        )
    }
}
