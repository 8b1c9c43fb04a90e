public import Foundation

/// How long one period of a cadence lasts; each period gets exactly one occurrence (DESIGN.md).
public enum CadencePeriod: String, CaseIterable, Sendable, Vocabulary {
    case month, quarter, halfYear = "half-year", year
    /// Every elapse is its own period.
    case occurrence
}

/// The key of the period an occurrence belongs to: `2026-11`, `2026-Q4`, `2026-H2`, `2026`, or for
/// ``CadencePeriod/occurrence`` the nominal local date and time, `2026-11-30T17:00:00`.
///
/// Two occurrences with the same cadence and key are the same occurrence; the ledger's unique index on
/// (cadence, key) is what makes emission exactly-once. Keys of one period kind sort chronologically.
public struct PeriodKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The key of the period of `period` kind that contains the local date and time.
    public init(_ period: CadencePeriod, date: LocalDate, secondsOfDay: Int = 0) {
        let year = CivilCalendar.pad(date.year, 4)
        switch period {
        case .month: rawValue = "\(year)-\(CivilCalendar.pad(date.month, 2))"
        case .quarter: rawValue = "\(year)-Q\((date.month - 1) / 3 + 1)"
        case .halfYear: rawValue = "\(year)-H\(date.month <= 6 ? 1 : 2)"
        case .year: rawValue = year
        case .occurrence:
            let s = max(0, min(secondsOfDay, 86_399))
            rawValue =
                "\(date)T\(CivilCalendar.pad(s / 3600, 2)):\(CivilCalendar.pad(s / 60 % 60, 2)):\(CivilCalendar.pad(s % 60, 2))"
        }
    }

    /// The key of the period containing `instant`, read as a local date and time in `zone`.
    public init(_ period: CadencePeriod, instant: Date, zone: TimeZone) {
        let (day, seconds) = LocalTimeConversion.split(instant, in: zone)
        self.init(period, date: day, secondsOfDay: Int(seconds.rounded(.down)))
    }

    /// The first day of the period of `period` kind containing `date`; `date` itself for occurrences.
    static func firstDay(of period: CadencePeriod, containing date: LocalDate) -> LocalDate {
        let month: Int
        switch period {
        case .month: month = date.month
        case .quarter: month = (date.month - 1) / 3 * 3 + 1
        case .halfYear: month = date.month <= 6 ? 1 : 7
        case .year: month = 1
        case .occurrence: return date
        }
        return LocalDate(year: date.year, month: month, day: 1)!
    }

    public var description: String { rawValue }

    public static func < (lhs: PeriodKey, rhs: PeriodKey) -> Bool { lhs.rawValue < rhs.rawValue }
}
