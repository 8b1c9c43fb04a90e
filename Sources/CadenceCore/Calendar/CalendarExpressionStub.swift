public import Foundation

// TEMPORARY stand-in for main's CalendarExpression so that this branch builds and its cadence tests run
// before the merge. It accepts only `[*|YYYY]-[*|MM list]-[DD list|~DD] HH:MM[:SS]` and a few shorthands.
// Deleted when main's CalendarExpression is merged.

/// Temporary subset of systemd calendar expressions (see the file comment).
public struct CalendarExpression: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public var normalized: String { text }
    public var warnings: [String] {
        days.contains { $0 > 28 } && !fromEnd ? ["day 29-31 is missing in some months; use '~' to count from the end"] : []
    }
    public var description: String { text }
    private var years: Set<Int>?
    private var months: Set<Int>?
    private var days: [Int] = []
    private var fromEnd = false
    private var hour = 0, minute = 0, second = 0

    public init(_ text: String) throws {
        self.text = text
        let shorthands = [
            "daily": "*-*-* 00:00:00", "monthly": "*-*-01 00:00:00", "quarterly": "*-01,04,07,10-01 00:00:00",
            "semiannually": "*-01,07-01 00:00:00", "yearly": "*-01-01 00:00:00", "annually": "*-01-01 00:00:00",
        ]
        let spec = shorthands[text] ?? text
        let parts = spec.split(separator: " ")
        guard parts.count == 2 else { throw StubError(text: text) }
        let dateText = String(parts[0])
        fromEnd = dateText.contains("~")
        let fields = dateText.replacingOccurrences(of: "~", with: "-").split(separator: "-")
        guard fields.count == 3 else { throw StubError(text: text) }
        func list(_ s: Substring) throws -> Set<Int>? {
            if s == "*" { return nil }
            var values: Set<Int> = []
            for item in s.split(separator: ",") {
                guard let v = Int(item) else { throw StubError(text: text) }
                values.insert(v)
            }
            return values
        }
        years = try list(fields[0])
        months = try list(fields[1])
        guard let d = try list(fields[2]) else { throw StubError(text: text) }
        days = d.sorted()
        let time = parts[1].split(separator: ":").map { Int($0) }
        guard (2...3).contains(time.count), time.allSatisfy({ $0 != nil }) else { throw StubError(text: text) }
        hour = time[0]!
        minute = time[1]!
        second = time.count == 3 ? time[2]! : 0
    }

    public func nextElapse(after instant: Date, localZone: TimeZone) -> Date? {
        let offset = Double(localZone.secondsFromGMT(for: instant))
        var dayNumber = Int(((instant.timeIntervalSince1970 + offset) / 86_400).rounded(.down)) - 1
        for _ in 0..<(366 * 30) {
            let date = LocalDate(dayNumber: dayNumber)
            dayNumber += 1
            if let years, !years.contains(date.year) { continue }
            if let months, !months.contains(date.month) { continue }
            let length = CivilCalendar.daysInMonth(year: date.year, month: date.month)
            let matches = days.contains { fromEnd ? length + 1 - $0 == date.day : $0 == date.day }
            guard matches else { continue }
            let local = Double(date.dayNumber * 86_400 + hour * 3600 + minute * 60 + second)
            var utc = local - Double(localZone.secondsFromGMT(for: Date(timeIntervalSince1970: local)))
            utc = local - Double(localZone.secondsFromGMT(for: Date(timeIntervalSince1970: utc)))
            if utc > instant.timeIntervalSince1970 { return Date(timeIntervalSince1970: utc) }
        }
        return nil
    }

    struct StubError: Error, CustomStringConvertible {
        var text: String
        var description: String { "'\(text)' is not supported by the temporary stand-in" }
    }
}
