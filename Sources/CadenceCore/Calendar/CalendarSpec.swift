import Foundation

/// One element of a field's list: a value, a range `start..stop`, or a repetition
/// `start[..stop]/repeat`. The seconds field counts microseconds. `stop` is -1 when open.
struct CalendarComponent: Hashable, Comparable, Sendable {
    var start: Int
    var stop: Int
    var repetition: Int

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.start, lhs.stop, lhs.repetition) < (rhs.start, rhs.stop, rhs.repetition)
    }

    /// The smallest value of this component that is at least `value` (unbounded above when open).
    func smallestMatch(atLeast value: Int) -> Int? {
        smallestMatch(atLeast: value, start: start, stop: stop)
    }

    /// As ``smallestMatch(atLeast:)`` with the bounds given explicitly (end-of-month days).
    func smallestMatch(atLeast value: Int, start: Int, stop: Int) -> Int? {
        if start >= value { return start }
        guard repetition > 0 else { return nil }
        let steps = (value - start + repetition - 1) / repetition
        let candidate = start + repetition * steps
        return stop < 0 || candidate <= stop ? candidate : nil
    }
}

/// Where the wall times of an expression are read.
enum CalendarZone: Hashable, Sendable {
    case local
    case utc
    case named(String, TimeZone)
}

/// The parsed, normalized form of an expression: systemd's `CalendarSpec`.
struct CalendarSpec: Hashable, Sendable {
    static let allWeekdays = 127
    static let yearRange = 1970...2199
    static let maximumComponents = 240
    static let microsecondsPerSecond = 1_000_000

    /// Bit 0 = Monday … bit 6 = Sunday; -1 = any day.
    var weekdays = -1
    /// nil means `*` (any value).
    var year: [CalendarComponent]?
    var month: [CalendarComponent]?
    var day: [CalendarComponent]?
    var hour: [CalendarComponent]?
    var minute: [CalendarComponent]?
    /// Microseconds within the minute; `*` is stored as `0/1` second, as systemd does.
    var second: [CalendarComponent]?
    /// Days count from the end of the month (`~`).
    var endOfMonth = false
    var zone = CalendarZone.local

    /// systemd's `calendar_spec_normalize()`: two-digit years, weekday sets, sorted unique lists.
    mutating func normalize() {
        if case .named("UTC", _) = zone { zone = .utc }
        if weekdays <= 0 || weekdays >= Self.allWeekdays { weekdays = -1 }
        if endOfMonth && day == nil { endOfMonth = false }
        year = year.map { $0.map(Self.fixYear) }
        year = Self.normalized(year)
        month = Self.normalized(month)
        day = Self.normalized(day)
        hour = Self.normalized(hour)
        minute = Self.normalized(minute)
        second = Self.normalized(second)
    }

    /// Turns 12 into 2012 and 89 into 1989.
    private static func fixYear(_ c: CalendarComponent) -> CalendarComponent {
        func fix(_ v: Int) -> Int { v >= 0 && v < 70 ? v + 2000 : (v >= 70 && v < 100 ? v + 1900 : v) }
        return CalendarComponent(start: fix(c.start), stop: fix(c.stop), repetition: c.repetition)
    }

    private static func normalized(_ chain: [CalendarComponent]?) -> [CalendarComponent]? {
        guard let chain else { return nil }
        let adjusted = chain.map { c -> CalendarComponent in
            var c = c
            // A range's length becomes a multiple of its repetition; a repetition that cannot
            // happen even once, or a range of one value, becomes a plain value.
            if c.stop > c.start && c.repetition > 0 { c.stop -= (c.stop - c.start) % c.repetition }
            if (c.stop > c.start && c.repetition > 0 && c.start + c.repetition > c.stop) || c.start == c.stop {
                c.repetition = 0
                c.stop = -1
            }
            return c
        }
        var unique: [CalendarComponent] = []
        for c in adjusted.sorted() where unique.last != c { unique.append(c) }
        return unique
    }

    /// systemd's `calendar_spec_valid()`, naming the first field that is out of range.
    func validate() throws(CalendarExpressionError) {
        try Self.validate(year, .year, Self.yearRange.lowerBound, Self.yearRange.upperBound, endOfMonth: false)
        try Self.validate(month, .month, 1, 12, endOfMonth: false)
        try Self.validate(day, .day, 1, 31, endOfMonth: endOfMonth)
        try Self.validate(hour, .hour, 0, 23, endOfMonth: false)
        try Self.validate(minute, .minute, 0, 59, endOfMonth: false)
        try Self.validate(second, .second, 0, 60 * Self.microsecondsPerSecond - 1, endOfMonth: false)
    }

    private static func validate(
        _ chain: [CalendarComponent]?, _ field: CalendarField, _ from: Int, _ to: Int, endOfMonth: Bool
    ) throws(CalendarExpressionError) {
        guard let chain else { return }
        // Days from the end of the month may count back at most 28 days.
        let to = endOfMonth ? to - 3 : to
        let usec = field == .second
        let range = endOfMonth ? "~\(from)..~\(to)" : usec ? "\(from)..\(to / 1_000_000).999999" : "\(from)..\(to)"
        for c in chain {
            let shown = Self.format(component: c, width: field == .year ? 4 : 2, usec: usec)
            guard c.start >= from && c.start <= to else { throw .outOfRange(field: field, value: shown, range: range) }
            guard c.repetition <= to - from else { throw .repetitionTooLarge(field: field, value: shown) }
            if c.stop >= 0 {
                guard c.stop >= from && c.stop <= to else {
                    throw .outOfRange(field: field, value: shown, range: range)
                }
                guard c.start + c.repetition <= c.stop else { throw .repetitionTooLarge(field: field, value: shown) }
            } else if endOfMonth {
                guard c.start - c.repetition >= from else { throw .repetitionTooLarge(field: field, value: shown) }
            } else {
                guard c.start + c.repetition <= to else { throw .repetitionTooLarge(field: field, value: shown) }
            }
        }
    }

    // MARK: - Normalized form

    /// systemd's `calendar_spec_to_string()`.
    var formatted: String {
        var out = ""
        if weekdays > 0 && weekdays <= Self.allWeekdays {
            out += Self.formatWeekdays(weekdays) + " "
        }
        out += Self.format(chain: year, width: 4, usec: false) + "-"
        out += Self.format(chain: month, width: 2, usec: false) + (endOfMonth ? "~" : "-")
        out += Self.format(chain: day, width: 2, usec: false) + " "
        out += Self.format(chain: hour, width: 2, usec: false) + ":"
        out += Self.format(chain: minute, width: 2, usec: false) + ":"
        out += Self.format(chain: second, width: 2, usec: true)
        switch zone {
        case .local: break
        case .utc: out += " UTC"
        case .named(let name, _): out += " " + name
        }
        return out
    }

    private static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    private static func formatWeekdays(_ bits: Int) -> String {
        var out = ""
        var runStart = -1
        var needComma = false
        func closeRun(at x: Int) {
            if x > runStart + 1 {
                out += (x > runStart + 2 ? ".." : ",") + weekdayNames[x - 1]
            }
        }
        for x in 0..<7 {
            if bits & (1 << x) != 0 {
                if runStart < 0 {
                    if needComma { out += "," } else { needComma = true }
                    out += weekdayNames[x]
                    runStart = x
                }
            } else if runStart >= 0 {
                closeRun(at: x)
                runStart = -1
            }
        }
        if runStart >= 0 { closeRun(at: 7) }
        return out
    }

    private static func format(chain: [CalendarComponent]?, width: Int, usec: Bool) -> String {
        guard let chain else { return "*" }
        if usec && chain.contains(where: { $0.start == 0 && $0.stop < 0 && $0.repetition == microsecondsPerSecond }) {
            return "*"
        }
        return chain.map { format(component: $0, width: width, usec: usec) }.joined(separator: ",")
    }

    static func format(component c: CalendarComponent, width: Int, usec: Bool) -> String {
        let d = usec ? microsecondsPerSecond : 1
        func fraction(_ v: Int) -> String { v % d > 0 ? "." + CivilCalendar.pad(v % d, 6) : "" }
        var out = CivilCalendar.pad(c.start / d, width) + fraction(c.start)
        if c.stop > 0 { out += ".." + CivilCalendar.pad(c.stop / d, width) }
        if c.stop > 0 { out += fraction(c.stop) }
        if c.repetition > 0 && !(c.stop > 0 && c.repetition == d) { out += "/" + String(c.repetition / d) }
        out += fraction(c.repetition)
        return out
    }

    // MARK: - Warnings

    var warnings: [String] {
        guard !endOfMonth, let day else { return [] }
        // Which of days 29-31 can this expression ask for, and in which months?
        let months = (1...12).filter { m in month == nil || Self.matches(month!, m) }
        var missing: [(Int, Int)] = []
        for d in 29...31 where Self.matches(day, d) {
            if let short = months.first(where: { $0 == 2 ? d >= 29 : d > CivilCalendar.daysInMonth(year: 2001, month: $0) }) {
                missing.append((d, short))
            }
        }
        guard let (d, m) = missing.first else { return [] }
        let monthName = DateFormatterNames.month(m)
        return [
            "day \(d) does not exist in every month (e.g. \(monthName)\(m == 2 && d == 29 ? " of common years" : "")); "
                + "such months are skipped. To mean the last day of each month, write '~01' (e.g. '*-*~01')"
        ]
    }

    static func matches(_ chain: [CalendarComponent], _ value: Int) -> Bool {
        chain.contains { $0.smallestMatch(atLeast: value) == value }
    }
}

/// English month names for messages (no locale lookup: the core has no environment).
enum DateFormatterNames {
    static func month(_ m: Int) -> String {
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
         "November", "December"][m - 1]
    }
}
