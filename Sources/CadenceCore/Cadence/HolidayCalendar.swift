import Foundation

/// One parsed holiday file (`holidays.d/NAME.conf`): days off and make-up working days, by year.
///
/// Syntax (systemd INI dialect; one section per year):
/// ```
/// [2026]
/// Holiday=2026-02-15..2026-02-23 Spring Festival
/// WorkingDay=2026-02-14 Spring Festival
/// ```
/// `Holiday=` and `WorkingDay=` take a date `YYYY-MM-DD` or an inclusive range `FIRST..LAST`, then an
/// optional name (free text, may be Chinese). Both keys may repeat; `Holiday=` with no value is refused.
/// Every date must lie in its section's year; a day may not be both a holiday and a working day within
/// one file, nor listed twice; a make-up working day must fall on a Saturday, a Sunday or a day of the
/// configured weekend (a weekday is worked anyway, so listing one is a typing error); a range must
/// not run backwards.
public struct HolidayCalendar: Equatable, Sendable {
    /// The file's name without directory and `.conf` (`cn`).
    public var name: String
    public var holidays: [LocalDate: String]
    public var makeUpWorkingDays: [LocalDate: String]
    public var years: Set<Int>

    public init(name: String, holidays: [LocalDate: String], makeUpWorkingDays: [LocalDate: String], years: Set<Int>) {
        self.name = name
        self.holidays = holidays
        self.makeUpWorkingDays = makeUpWorkingDays
        self.years = years
    }

    /// Parses one holiday file, reporting every error with `file:line`.
    /// `weekend` is `Weekend=` of cadenced.conf, which make-up working days are checked against.
    public static func parse(
        name: String, source: IniSource, weekend: Set<WorkingDayCalendar.Weekday> = [.saturday, .sunday]
    ) throws(ConfigurationError) -> HolidayCalendar {
        let document = try IniParser.parse(source)
        var errors: [ConfigurationError] = []
        var years: Set<Int> = []
        for header in document.sections {
            if header.name.count == 4, header.name.allSatisfy(\.isASCIIDigit), let year = Int(header.name) {
                years.insert(year)
            } else {
                errors.append(
                    .invalid(header.location, reason: "section '[\(header.name)]' is not a year (e.g. '[2026]')"))
            }
        }
        var holidays: [LocalDate: (name: String, at: SourceLocation)] = [:]
        var workingDays: [LocalDate: (name: String, at: SourceLocation)] = [:]
        for assignment in document.assignments {
            guard let year = Int(assignment.section), assignment.section.count == 4 else { continue }
            guard assignment.key == "Holiday" || assignment.key == "WorkingDay" else {
                errors.append(.unknownKey(assignment.location, section: assignment.section, key: assignment.key))
                continue
            }
            let parsed: (days: [LocalDate], name: String)
            switch parseEntry(assignment.value, year: year) {
            case let .success(entry): parsed = entry
            case let .failure(reason):
                errors.append(
                    .badValue(assignment.location, key: assignment.key, value: assignment.value, reason: reason.text))
                continue
            }
            let isHoliday = assignment.key == "Holiday"
            for day in parsed.days {
                let other = isHoliday ? workingDays[day] : holidays[day]
                if let other {
                    errors.append(
                        .badValue(
                            assignment.location, key: assignment.key, value: assignment.value,
                            reason: "lists \(day), which \(other.at) already lists as "
                                + (isHoliday ? "a working day" : "a holiday")))
                    continue
                }
                if let same = isHoliday ? holidays[day] : workingDays[day] {
                    errors.append(
                        .badValue(
                            assignment.location, key: assignment.key, value: assignment.value,
                            reason: "lists \(day), which \(same.at) already lists"))
                    continue
                }
                let weekday = WorkingDayCalendar.Weekday(rawValue: day.isoWeekday)!
                // The national schedule moves Saturdays and Sundays; an office with another weekend
                // (Weekend=Sunday) still reads the national file, so both count as weekend days here.
                if !isHoliday, !weekend.contains(weekday), weekday != .saturday, weekday != .sunday {
                    errors.append(
                        .badValue(
                            assignment.location, key: assignment.key, value: assignment.value,
                            reason:
                                "lists \(day), a \(String(describing: weekday).capitalized), which is a working day "
                                + "anyway: a make-up working day (调休) is a weekend day that is worked"))
                    continue
                }
                if isHoliday {
                    holidays[day] = (parsed.name, assignment.location)
                } else {
                    workingDays[day] = (parsed.name, assignment.location)
                }
            }
        }
        try ConfigurationError.throwIfAny(errors)
        return HolidayCalendar(
            name: name, holidays: holidays.mapValues(\.name), makeUpWorkingDays: workingDays.mapValues(\.name),
            years: years)
    }

    /// Why an entry was refused, as the end of a sentence about the value.
    struct EntryError: Error {
        var text: String
    }

    /// Reads `DATE[..DATE] [NAME]`.
    static func parseEntry(_ value: String, year: Int) -> Result<(days: [LocalDate], name: String), EntryError> {
        guard !value.isEmpty else {
            return .failure(EntryError(text: "is empty (expected 'YYYY-MM-DD[..YYYY-MM-DD] [name]')"))
        }
        let word = value.prefix { $0 != " " && $0 != "\t" }
        let name = String(value.dropFirst(word.count)).trimmingWhitespace()
        let ends = word.components(separatedBy: "..")
        guard ends.count <= 2, let first = LocalDate(ends[0]), let last = ends.count == 2 ? LocalDate(ends[1]) : first
        else {
            return .failure(
                EntryError(text: "is not a date or a date range (expected 'YYYY-MM-DD' or 'YYYY-MM-DD..YYYY-MM-DD')"))
        }
        guard first <= last else { return .failure(EntryError(text: "is a range that ends before it starts")) }
        guard first.year == year, last.year == year else {
            return .failure(EntryError(text: "has a date outside its section's year \(year)"))
        }
        return .success(((first.dayNumber...last.dayNumber).map(LocalDate.init(dayNumber:)), name))
    }
}

extension WorkingDayCalendar {
    /// Combines holiday files with a weekend. Across files a holiday wins over a make-up working day,
    /// so a regional day off (e.g. Xinjiang's Corban) is kept even on a national make-up Saturday.
    public init(weekend: Set<Weekday>, calendars: [HolidayCalendar]) {
        var holidays: [LocalDate: String] = [:]
        var makeUp: [LocalDate: String] = [:]
        var years: Set<Int> = []
        for calendar in calendars {
            holidays.merge(calendar.holidays) { first, _ in first }
            makeUp.merge(calendar.makeUpWorkingDays) { first, _ in first }
            years.formUnion(calendar.years)
        }
        self.init(weekend: weekend, holidays: holidays, makeUpWorkingDays: makeUp, coveredYears: years)
    }
}
