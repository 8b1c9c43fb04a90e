import CadenceCore
import Testing

func day(_ text: String) -> LocalDate { LocalDate(text)! }

@Suite("Working days")
struct WorkingDayCalendarTests {
    // A small fixture in the shape of China's 2026 Spring Festival: 15–23 Feb off, Saturday 14 Feb and
    // Saturday 28 Feb worked.
    static let fixture = """
        [2026]
        Holiday=2026-02-15..2026-02-23 Spring Festival
        WorkingDay=2026-02-14 Spring Festival
        WorkingDay=2026-02-28
        Holiday=2026-10-01 National Day
        """

    static func calendar() throws -> WorkingDayCalendar {
        let holidays = try HolidayCalendar.parse(name: "fixture", source: IniSource(fileName: "h.conf", text: fixture))
        return WorkingDayCalendar(weekend: [.saturday, .sunday], calendars: [holidays])
    }

    @Test(
        "Weekends and holidays are days off, make-up days are worked",
        arguments: [
            ("2026-02-13", true), ("2026-02-14", true), ("2026-02-15", false), ("2026-02-18", false),
            ("2026-02-23", false), ("2026-02-24", true), ("2026-02-28", true), ("2026-03-01", false),
            ("2026-10-01", false), ("2026-03-07", false),
        ])
    func isWorkingDay(date: String, expected: Bool) throws {
        #expect(try Self.calendar().isWorkingDay(day(date)) == expected)
    }

    @Test("Next and previous working days skip the whole holiday")
    func nextAndPreviousWorkingDay() throws {
        let calendar = try Self.calendar()
        #expect(calendar.workingDay(onOrAfter: day("2026-02-15")) == day("2026-02-24"))
        #expect(calendar.workingDay(onOrAfter: day("2026-02-13")) == day("2026-02-13"))
        #expect(calendar.workingDay(onOrBefore: day("2026-02-23")) == day("2026-02-14"))
        #expect(calendar.longestNonWorkingRun == 9)
        #expect(calendar.holidayName(on: day("2026-02-16")) == "Spring Festival")
    }

    @Test(
        "Adding working days counts only working days after the start",
        arguments: [
            ("2026-02-13", 5, "2026-02-27"), ("2026-02-13", 1, "2026-02-14"), ("2026-02-14", 1, "2026-02-24"),
            ("2026-02-24", -1, "2026-02-14"), ("2026-02-15", 0, "2026-02-24"), ("2026-03-06", 1, "2026-03-09"),
        ])
    func addsWorkingDays(start: String, count: Int, expected: String) throws {
        let calendar = try Self.calendar()
        #expect(calendar.adding(workingDays: count, to: day(start)) == day(expected))
        if count > 0 {
            #expect(calendar.workingDays(after: day(start), through: day(expected)) == count)
        }
    }

    @Test("A configured weekend replaces Saturday and Sunday")
    func customWeekend() {
        let calendar = WorkingDayCalendar(weekend: [.friday])
        #expect(!calendar.isWorkingDay(day("2026-03-06")))
        #expect(calendar.isWorkingDay(day("2026-03-07")))
    }

    @Test("Across files a holiday wins over another file's make-up day")
    func holidayWinsAcrossFiles() throws {
        let national = try HolidayCalendar.parse(
            name: "n", source: IniSource(fileName: "n.conf", text: "[2026]\nWorkingDay=2026-02-14"))
        let regional = try HolidayCalendar.parse(
            name: "r", source: IniSource(fileName: "r.conf", text: "[2026]\nHoliday=2026-02-14 Regional"))
        let calendar = WorkingDayCalendar(weekend: [.saturday, .sunday], calendars: [national, regional])
        #expect(!calendar.isWorkingDay(day("2026-02-14")))
        #expect(calendar.coveredYears == [2026])
    }

    @Test(
        "Each bad holiday line is refused with file:line",
        arguments: [
            (
                "[2026]\nHoliday=2025-12-31",
                "h.conf:2: Holiday= '2025-12-31' has a date outside its section's year 2026"
            ),
            (
                "[2026]\nHoliday=2026-02-20..2026-02-10 Backwards",
                "h.conf:2: Holiday= '2026-02-20..2026-02-10 Backwards' is a range that ends before it starts"
            ),
            ("[2026]\nHoliday=2026-02-30", "h.conf:2: Holiday= '2026-02-30' is not a date or a date range"),
            ("[2026]\nHoliday=2026-02-01..", "h.conf:2: Holiday= '2026-02-01..' is not a date or a date range"),
            ("[2026]\nHoliday=", "h.conf:2: Holiday= '' is empty"),
            (
                "[2026]\nHoliday=2026-02-14..2026-02-16\nWorkingDay=2026-02-14",
                "h.conf:3: WorkingDay= '2026-02-14' lists 2026-02-14, which h.conf:2 already lists as a holiday"
            ),
            ("[Year2026]\nHoliday=2026-01-01", "h.conf:1: section '[Year2026]' is not a year (e.g. '[2026]')"),
            ("[2026]\nDayOff=2026-01-01", "h.conf:2: unknown key 'DayOff' in section '[2026]'"),
        ])
    func refusesBadHolidayLines(text: String, message: String) {
        do {
            _ = try HolidayCalendar.parse(name: "h", source: IniSource(fileName: "h.conf", text: text))
            Issue.record("accepted bad holiday file '\(text)'")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }
}
