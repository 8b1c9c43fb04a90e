public import Foundation

/// Which report: the year-end overall evaluation (一年一總評), the mid-year one (半年), or one of the
/// three ledger checkpoints (年初建帳、年中查帳、年底要帳, DOMAIN.md R22, R26).
///
/// The evaluations rank the units and list the items still overdue; the checkpoints show the
/// ledger unit by unit, without a ranking, and list every item still open.
public enum EvaluationVariant: String, CaseIterable, Sendable, Vocabulary {
    /// 一年一總評: the whole year.
    case yearEnd = "year-end"
    /// 半年: January to June.
    case midYear = "mid-year"
    /// 年初建帳: the ledger as the year opens (items carried over, commitments made).
    case ledgerOpening = "ledger-opening"
    /// 年中查帳: the ledger at mid-year.
    case ledgerCheck = "ledger-check"
    /// 年底要帳: the ledger called in at year end.
    case ledgerCallIn = "ledger-call-in"

    /// True for the three ledger checkpoints.
    public var isLedgerCheckpoint: Bool {
        switch self {
        case .yearEnd, .midYear: false
        case .ledgerOpening, .ledgerCheck, .ledgerCallIn: true
        }
    }

    /// True when the report covers January to June only.
    public var isHalfYear: Bool { self == .midYear || self == .ledgerCheck }
}

/// One month of a report's window, with its first instant and the first instant after it.
public struct EvaluationMonth: Sendable, Equatable {
    public var key: PeriodKey
    public var number: Int
    public var start: Date
    public var end: Date

    public init(key: PeriodKey, number: Int, start: Date, end: Date) {
        self.key = key
        self.number = number
        self.start = start
        self.end = end
    }
}

/// The span a report covers and the instant its figures are taken at.
///
/// The window runs from local midnight of 1 January to local midnight of 1 January of the next
/// year (1 July for the half-year variants) in the configured zone. Figures are taken at
/// ``asOf``: the instant asked for, or the end of the window when that is earlier.
public struct EvaluationWindow: Sendable, Equatable {
    public var year: Int
    public var variant: EvaluationVariant
    public var zone: TimeZone
    public var start: Date
    public var end: Date
    public var asOf: Date
    /// Records of duties held and reports submitted count up to this instant: ``asOf``, or for a report
    /// taken after the window ended (a final result), that later instant: a fourth-quarter review
    /// recorded on 5 January counts, as held late.
    public var recordsThrough: Date
    /// Every month of the window, in order (also those after ``asOf``).
    public var months: [EvaluationMonth]

    /// The window of `variant` for `year`, with its figures taken at `instant` (capped at the end of
    /// the window). Nil when the year is outside 2000–2199 or `instant` is before the window starts.
    /// Taken after the window's end, records made up to `instant` count (the final result).
    public init?(year: Int, variant: EvaluationVariant, zone: TimeZone, at instant: Date) {
        guard (2000...2199).contains(year), let first = LocalDate(year: year, month: 1, day: 1) else { return nil }
        let monthCount = variant.isHalfYear ? 6 : 12
        self.year = year
        self.variant = variant
        self.zone = zone
        var months: [EvaluationMonth] = []
        for number in 1...monthCount {
            let key = PeriodKey(.month, date: LocalDate(year: year, month: number, day: 1)!)
            guard let start = key.start(in: zone), let end = key.end(in: zone) else { return nil }
            months.append(EvaluationMonth(key: key, number: number, start: start, end: end))
        }
        self.months = months
        start = LocalTimeConversion.startOfDay(first, in: zone)
        end = months[months.count - 1].end
        guard instant >= start else { return nil }
        asOf = min(instant, end)
        recordsThrough = max(instant, asOf)
    }

    /// True when the figures are taken at the end of the window: the final result. Before it, reports
    /// and duties falling due later in the window (December's reports, the fourth quarter's reviews)
    /// cannot be judged yet, so the result is preliminary.
    public var isFinal: Bool { asOf >= end }

    /// True when the whole of `period` (a month, quarter, half-year or year key) lies in the window.
    public func contains(_ period: PeriodKey) -> Bool {
        guard let days = period.days, let first = LocalDate(year: year, month: 1, day: 1) else { return false }
        let endMonth =
            months.count == 12 ? LocalDate(year: year + 1, month: 1, day: 1) : LocalDate(year: year, month: 7, day: 1)
        guard let endMonth else { return false }
        return days.first >= first && days.end <= endMonth
    }

    /// The instants of the rectification burn-down: the start of the window, the end of each month
    /// that has ended by ``asOf``, and ``asOf`` itself when it falls inside a month.
    public var samples: [Date] {
        var samples = [start]
        for month in months where month.end <= asOf { samples.append(month.end) }
        if asOf > start, samples.last != asOf { samples.append(asOf) }
        return samples
    }

    /// The local date of an instant, in the window's zone.
    public func day(of instant: Date) -> LocalDate { LocalDay.of(instant, in: zone) }
}
