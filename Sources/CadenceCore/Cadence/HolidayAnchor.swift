public import Foundation

/// A duty anchored to a named holiday of the holiday data (DOMAIN.md R8), `OnHoliday=` of a
/// cadence: `春节 -7 09:00` is 09:00 seven days before the first day off of the Spring Festival,
/// each year as `holidays.d` gives it (never a fixed Gregorian date: the festival moves with the
/// lunar calendar and the State Council's schedule).
///
/// The holiday is named as the holiday files name it, by its first words (`春节`, `中秋`, `国庆`,
/// `Spring Festival`); the day counted from is the first day off of that name in each year. The
/// offset is whole days (`-7`, `-7d`, `+1`; none: the first day off itself); the time of day
/// defaults to 00:00, as for a calendar expression given a date alone.
public struct HolidayAnchor: Hashable, Sendable, CustomStringConvertible {
    public var holiday: String
    public var offsetDays: Int
    public var secondsOfDay: Int
    /// As written.
    public var text: String

    public var description: String { text }

    /// Parses `NAME [±DAYS[d]] [HH:MM[:SS]]`; nil when there is no name, or the offset or time is
    /// malformed (an offset beyond a year is refused).
    public init?(_ text: String) {
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var seconds = 0
        if let last = words.last, last.contains(":") {
            let parts = last.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }), let hour = parts[0],
                let minute = parts[1], (0...23).contains(hour), (0...59).contains(minute),
                (0...59).contains(parts.count == 3 ? parts[2]! : 0)
            else { return nil }
            seconds = hour * 3600 + minute * 60 + (parts.count == 3 ? parts[2]! : 0)
            words.removeLast()
        }
        var offset = 0
        if let last = words.last, let sign = last.first, sign == "-" || sign == "+" {
            var digits = last.dropFirst()
            if digits.hasSuffix("d") { digits = digits.dropLast() }
            guard let days = Int(digits), (0...366).contains(days) else { return nil }
            offset = sign == "-" ? -days : days
            words.removeLast()
        }
        guard !words.isEmpty else { return nil }
        (holiday, offsetDays, secondsOfDay, self.text) = (words.joined(separator: " "), offset, seconds, text)
    }

    /// Whether a holiday file's name for a day (`春节 Spring Festival`) is this anchor's holiday:
    /// its Chinese name or its English one starts with it. Holidays given together are named
    /// together (`国庆节、中秋节 National Day, Mid-autumn Festival`): each counts.
    public func matches(_ name: String) -> Bool {
        let space = name.firstIndex(of: " ") ?? name.endIndex
        if name[..<space].split(separator: "、").contains(where: { $0.hasPrefix(holiday) }) { return true }
        guard space < name.endIndex else { return false }
        let english = name[name.index(after: space)...].lowercased()
        return english.components(separatedBy: ", ").contains { $0.hasPrefix(holiday.lowercased()) }
    }

    /// The first day off of the holiday in `year`, or nil when the holiday files have none.
    public func holidayStart(in year: Int, workingDays: WorkingDayCalendar) -> LocalDate? {
        workingDays.holidays.filter { $0.key.year == year && matches($0.value) }.keys.min()
    }

    /// Every day the anchor falls on, by year: the holiday's first day off moved by the offset.
    public func days(workingDays: WorkingDayCalendar) -> [LocalDate] {
        var firsts: [Int: LocalDate] = [:]
        for (day, name) in workingDays.holidays where matches(name) {
            if firsts[day.year].map({ day < $0 }) ?? true { firsts[day.year] = day }
        }
        return firsts.values.sorted().map { $0.adding(days: offsetDays) }
    }

    /// The first instant the anchor falls on after `instant`, in `zone`.
    public func nextElapse(after instant: Date, zone: TimeZone, workingDays: WorkingDayCalendar) -> Date? {
        days(workingDays: workingDays).lazy.map { LocalDay.instant($0, secondsOfDay: self.secondsOfDay, in: zone) }
            .first { $0 > instant }
    }
}
