import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import Foundation
import Testing

/// An instant given as Beijing time, "2026-12-01 00:00".
private func beijing(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let time = parts[1].split(separator: ":").map { Int($0)! }
    let local = LocalDate(parts[0])!.dayNumber * 86_400 + time[0] * 3600 + time[1] * 60
    return Date(timeIntervalSince1970: TimeInterval(local - 8 * 3600))
}

private let monthly = "[Cadence]\nDescription=Monthly reminder\nOnCalendar=*-*-01 09:00\nKind=reminder\nPeriod=month\n"

/// A holiday file with one year, as the shipped one ends.
private let holidays2026 = """
    [2026]
    Holiday=2026-10-01..2026-10-07 国庆节
    WorkingDay=2026-10-10 国庆节
    """

@Suite("Holiday data that does not reach the coming year")
struct HolidayCoverageTests {
    @Test("The years missing: the year in progress always, the next one from 1 December")
    func gaps() {
        let coverage = HolidayCoverage(coveredYears: [2025, 2026])
        #expect(coverage.gaps(on: LocalDate("2026-11-30")!) == [])
        #expect(coverage.gaps(on: LocalDate("2026-12-01")!) == [.init(year: 2027, started: false)])
        #expect(coverage.gaps(on: LocalDate("2026-12-31")!) == [.init(year: 2027, started: false)])
        #expect(coverage.gaps(on: LocalDate("2027-01-01")!) == [.init(year: 2027, started: true)])
        #expect(
            coverage.gaps(on: LocalDate("2027-12-01")!) == [
                .init(year: 2027, started: true), .init(year: 2028, started: false),
            ])
        #expect(coverage.gaps(on: LocalDate("2025-12-01")!) == [])
        // No holiday file in use: the weekend alone is meant, nothing is missing.
        #expect(HolidayCoverage(coveredYears: []).gaps(on: LocalDate("2026-12-01")!) == [])
        #expect(coverage.nextCheck(after: LocalDate("2026-06-15")!) == LocalDate("2026-12-01"))
        #expect(coverage.nextCheck(after: LocalDate("2026-12-01")!) == LocalDate("2027-01-01"))
        #expect(HolidayCoverage(coveredYears: []).nextCheck(after: LocalDate("2026-06-15")!) == nil)
    }

    @Test("From 1 December a notice says once that the coming year has no holidays, and again when it begins")
    func noticeOnce() throws {
        let env = try ManagerEnvironment(
            cadences: ["monthly-reminder": monthly], conf: "TimeZone=Asia/Shanghai\nLanguage=zh\n",
            files: ["holidays.d/cn.conf": holidays2026])
        let november = try env.manager(now: beijing("2026-11-30 12:00"))
        let plan = try november.tick(at: beijing("2026-11-30 12:00"))
        #expect(plan.stored.isEmpty)
        // The daemon wakes at local midnight of 1 December for it, before the 09:00 reminder.
        #expect(plan.wake == beijing("2026-12-01 00:00"))

        let december = try november.tick(at: beijing("2026-12-01 00:00"))
        #expect(december.stored.map(\.kind) == [.holidayDataMissing])
        let notice = try #require(december.stored.first)
        #expect(notice.subject == "节假日安排缺少 2027 年")
        #expect(notice.body.hasPrefix("节假日文件只到 2026 年，没有 2027 年的放假和调休安排。不补上的话，自 2027 年 1 月 1 日起"))
        #expect(notice.body.contains("在 \(env.root)/config/holidays.d 中添加一个文件（例如 2027.conf"))
        let entry = try #require(env.journal.entries.first { $0["CADENCED_KIND"] == "holiday-data" })
        #expect(entry["PRIORITY"] == "4")
        #expect(entry["MESSAGE_ID"] == NoticeKind.holidayDataMissing.messageID)
        #expect(entry["CADENCED_HOLIDAY_YEAR"] == "2027")
        #expect(env.noticeFiles().count == 1)

        // A restart in December, and the reminder: no second holiday notice.
        let restarted = try env.manager(now: beijing("2026-12-05 10:00"))
        try restarted.process(at: beijing("2026-12-05 10:00"))
        #expect(env.journal.entries.filter { $0["CADENCED_KIND"] == "holiday-data" }.count == 1)

        // The year begins uncovered: said once more, in the present tense.
        let january = try restarted.process(at: beijing("2027-01-01 00:00"))
        #expect(january.map(\.kind) == [.holidayDataMissing])
        #expect(january.first?.body.contains("2027 年已经开始，按工作日计算的整改时限和周期现在只把周末当作休息日") == true)
        try restarted.process(at: beijing("2027-01-02 00:00"))
        #expect(env.journal.entries.filter { $0["CADENCED_KIND"] == "holiday-data" }.count == 2)
    }

    @Test("An office that adds the announced schedule in time gets no notice")
    func addedInTime() throws {
        let env = try ManagerEnvironment(
            cadences: ["monthly-reminder": monthly], conf: "TimeZone=Asia/Shanghai\nLanguage=en\n",
            files: ["holidays.d/cn.conf": holidays2026, "holidays.d/2027.conf": "[2027]\nHoliday=2027-01-01\n"])
        let manager = try env.manager(now: beijing("2026-11-30 12:00"))
        for day in ["2026-11-30 12:00", "2026-12-01 00:00", "2026-12-01 09:00", "2027-01-01 00:00", "2027-01-01 09:00"]
        {
            try manager.process(at: beijing(day))
        }
        #expect(env.journal.entries.filter { $0["CADENCED_KIND"] == "holiday-data" }.isEmpty)
        #expect(env.journal.entries.map { $0["CADENCED_KIND"] } == ["occurrence", "occurrence"])
    }
}
