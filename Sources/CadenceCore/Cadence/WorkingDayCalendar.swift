/// Which days are working days: every day except weekend days and holidays, plus make-up working days (調休).
///
/// A make-up working day is worked even on a weekend (China moves weekend days to lengthen holidays,
/// e.g. Saturday 2026-02-14 before the Spring Festival). Deadlines given in working days are counted here.
public struct WorkingDayCalendar: Equatable, Sendable {
    /// A day of the week, numbered as ISO 8601 (Monday = 1 … Sunday = 7).
    public enum Weekday: Int, CaseIterable, Comparable, Sendable {
        case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

        /// Reads an English weekday name, short (`Sat`) or long (`Saturday`), in any case.
        public init?(name: String) {
            let lower = name.lowercased()
            guard lower.count >= 3,
                let day = Weekday.allCases.first(where: {
                    "\($0)".hasPrefix(lower) && (lower.count == 3 || "\($0)" == lower)
                })
            else { return nil }
            self = day
        }

        public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The weekly days off. Never all seven days.
    public let weekend: Set<Weekday>
    /// Days off by holiday, with the holiday's name (may be empty).
    public let holidays: [LocalDate: String]
    /// Days worked although they fall on a weekend day (調休), with the holiday they make up for.
    public let makeUpWorkingDays: [LocalDate: String]
    /// Years for which holiday data was given; outside them only the weekend applies.
    public let coveredYears: Set<Int>
    /// The longest run of consecutive non-working days, so that searches know how far to look.
    public let longestNonWorkingRun: Int

    /// Creates a calendar. A day that is both a holiday and a make-up day counts as a holiday.
    /// - Precondition: `weekend` leaves at least one working day in the week (configuration validates this).
    public init(
        weekend: Set<Weekday> = [.saturday, .sunday], holidays: [LocalDate: String] = [:],
        makeUpWorkingDays: [LocalDate: String] = [:], coveredYears: Set<Int> = []
    ) {
        precondition(weekend.count < 7, "a weekend of seven days leaves no working day")
        self.weekend = weekend
        self.holidays = holidays
        self.makeUpWorkingDays = makeUpWorkingDays.filter { holidays[$0.key] == nil }
        self.coveredYears = coveredYears.union(holidays.keys.map(\.year)).union(makeUpWorkingDays.keys.map(\.year))
        let isOff: (LocalDate) -> Bool = { day in
            holidays[day] != nil
                || (weekend.contains(Weekday(rawValue: day.isoWeekday)!) && makeUpWorkingDays[day] == nil)
        }
        // Weekend-only runs are at most 6 days; holiday runs are found by walking out from each holiday.
        var longest = 0
        var run = 0
        for offset in 0..<14 {
            run = weekend.contains(Weekday(rawValue: offset % 7 + 1)!) ? run + 1 : 0
            longest = max(longest, run)
        }
        for day in holidays.keys where !isOff(day.adding(days: -1)) {
            var length = 0
            var cursor = day
            while isOff(cursor) {
                length += 1
                cursor = cursor.adding(days: 1)
            }
            longest = max(longest, length)
        }
        self.longestNonWorkingRun = longest
    }

    /// Saturday and Sunday off, no holidays.
    public static let weekendsOnly = WorkingDayCalendar()

    /// True when `date` is worked: a make-up day, or neither a holiday nor a weekend day.
    public func isWorkingDay(_ date: LocalDate) -> Bool {
        if holidays[date] != nil { return false }
        if makeUpWorkingDays[date] != nil { return true }
        return !weekend.contains(Weekday(rawValue: date.isoWeekday)!)
    }

    /// The holiday's name when `date` is a holiday, else nil.
    public func holidayName(on date: LocalDate) -> String? { holidays[date] }

    /// `date` itself if it is a working day, else the first working day after it.
    public func workingDay(onOrAfter date: LocalDate) -> LocalDate {
        var day = date
        while !isWorkingDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// `date` itself if it is a working day, else the last working day before it.
    public func workingDay(onOrBefore date: LocalDate) -> LocalDate {
        var day = date
        while !isWorkingDay(day) { day = day.adding(days: -1) }
        return day
    }

    /// The date `count` working days after `date` (before it when negative), not counting `date` itself.
    ///
    /// This is how a deadline "within 5 working days" is computed: from Friday 2026-02-13, 5 working
    /// days is 2026-02-27 when the Spring Festival holiday runs 2026-02-15…23 and 2026-02-14 is worked.
    /// A count of 0 gives ``workingDay(onOrAfter:)``.
    public func adding(workingDays count: Int, to date: LocalDate) -> LocalDate {
        guard count != 0 else { return workingDay(onOrAfter: date) }
        let step = count > 0 ? 1 : -1
        var remaining = abs(count)
        var day = date
        while remaining > 0 {
            day = day.adding(days: step)
            if isWorkingDay(day) { remaining -= 1 }
        }
        return day
    }

    /// The number of working days after `start` up to and including `end` (0 when `end` ≤ `start`).
    public func workingDays(after start: LocalDate, through end: LocalDate) -> Int {
        guard end > start else { return 0 }
        var count = 0
        var day = start.adding(days: 1)
        while day <= end {
            if isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }
}
