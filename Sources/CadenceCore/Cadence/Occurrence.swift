public import Foundation

/// One firing of a cadence: when the calendar says, when it really fires, and the period it stands for.
public struct Occurrence: Hashable, Sendable, CustomStringConvertible {
    /// The cadence's name (its file name without `.cadence`).
    public var cadence: String
    /// The elapse of the cadence's calendar expression.
    public var nominal: Date
    /// The nominal instant moved onto a working day as the cadence's ``WorkingDayShift`` says, keeping
    /// its local time of day; equal to ``nominal`` when no move was needed.
    public var effective: Date
    /// The period, computed from the nominal local date, so a move never changes it.
    public var period: PeriodKey

    public init(cadence: String, nominal: Date, effective: Date, period: PeriodKey) {
        self.cadence = cadence
        self.nominal = nominal
        self.effective = effective
        self.period = period
    }

    /// True when the occurrence was moved off a non-working day.
    public var isShifted: Bool { effective != nominal }

    public var description: String { "\(cadence) \(period) at \(effective.formatted(.iso8601))" }
}
