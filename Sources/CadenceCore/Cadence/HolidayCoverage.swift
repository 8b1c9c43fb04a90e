/// Whether the holiday files reach far enough ahead.
///
/// Each year's days off and make-up working days (调休) are announced by the State Council late in
/// the year before, so no shipped file can hold them in advance. A year no file covers has only the
/// weekend as days off: working-day deadlines and cadences would silently count the Spring Festival
/// as working days and a make-up Saturday as a day off. From 1 December the next year is owed too,
/// early enough for an office to add the announced schedule before it starts.
public struct HolidayCoverage: Equatable, Sendable {
    /// A year the holiday files lack, and how close it is.
    public struct Gap: Equatable, Hashable, Sendable {
        public var year: Int
        /// True when the year has begun; false for the coming year (from 1 December).
        public var started: Bool

        public init(year: Int, started: Bool) {
            self.year = year
            self.started = started
        }

        /// The notice's key: once for the coming year and once more when it has begun uncovered.
        public var noticeKey: String { "holidays/\(year)/\(started ? "started" : "coming")" }
    }

    /// The years some holiday file has a section for; empty when no holiday file is in use (then
    /// the weekend alone is meant, and nothing is missing).
    public var coveredYears: Set<Int>

    public init(coveredYears: Set<Int>) {
        self.coveredYears = coveredYears
    }

    /// The first month in which the coming year is owed.
    public static let comingYearMonth = 12

    /// The years missing on `today`: the year in progress, and from 1 December the next one.
    public func gaps(on today: LocalDate) -> [Gap] {
        guard !coveredYears.isEmpty else { return [] }
        var gaps: [Gap] = []
        if !coveredYears.contains(today.year) { gaps.append(Gap(year: today.year, started: true)) }
        if today.month >= Self.comingYearMonth, !coveredYears.contains(today.year + 1) {
            gaps.append(Gap(year: today.year + 1, started: false))
        }
        return gaps
    }

    /// The first day after `today` on which ``gaps(on:)`` may grow: the next 1 December or
    /// 1 January; nil when holiday data is not in use.
    public func nextCheck(after today: LocalDate) -> LocalDate? {
        guard !coveredYears.isEmpty else { return nil }
        return today.month < Self.comingYearMonth
            ? LocalDate(year: today.year, month: Self.comingYearMonth, day: 1)
            : LocalDate(year: today.year + 1, month: 1, day: 1)
    }

    /// The latest year before `year` that a holiday file covers (what a warning says the data reaches).
    public func lastCoveredYear(before year: Int) -> Int? {
        coveredYears.filter { $0 < year }.max()
    }
}
