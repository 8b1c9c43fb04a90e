public import Foundation

/// A duty that recurs on a calendar: when it fires, what it asks for, and which period each firing stands for.
///
/// Defined by a cadence file `cadences.d/NAME.cadence` (see ``parse(name:source:reference:zone:)``).
/// Exactly one occurrence belongs to each period: when the calendar elapses more than once in a period,
/// the **first nominal elapse in the period** is its occurrence and later ones are ignored, so adding an
/// `OnCalendar=` line never makes a period fire twice.
public struct Cadence: Hashable, Sendable {
    /// The file name without `.cadence`; a safe identifier.
    public var name: String
    /// `OnCalendar=` lines; the earliest elapse among them wins.
    public var expressions: [CalendarExpression]
    /// `OnHoliday=` lines: elapses anchored to named holidays of the holiday data, merged with
    /// those of ``expressions``.
    public var anchors: [HolidayAnchor] = []
    public var kind: CadenceKind
    public var period: CadencePeriod
    public var workingDay: WorkingDayShift
    /// `Description=`; the name when not given.
    public var description: String
    /// Advice for the author found while loading (`file:line: …`), such as a day 29–31 that some months lack.
    public var warnings: [String]
    /// `Report=`: the evaluation reports written with each occurrence; nil = by kind (see
    /// ``reportVariants(for:)``), empty = none.
    public var reports: [EvaluationVariant]?
    /// `FinalReport=`: when the final result of the reports is written, after their period ends (the
    /// first elapse after it, e.g. `*-01-10 09:00`); nil = the reports of each occurrence only.
    public var finalReport: CalendarExpression?
    /// `Units=`: the kinds of unit that owe this duty (county bureaus and city-direct units, say);
    /// nil = every unit with a parent.
    public var units: Set<UnitKind>?
    /// `PublishWithinDays=` (Kind=commitment): commitments are published (公示) within this many working
    /// days of the call; a later or missing publication date is reported on the notice board (R25).
    public var publishWithinDays: Int?
    /// `RecordWithinDays=` (Kind=commitment): each unit under the top records its commitments within
    /// this many working days of the call; one that has recorded none by then gets a missed-duty item,
    /// closed when it records one (R1).
    public var recordWithinDays: Int?

    public init(
        name: String, expressions: [CalendarExpression], kind: CadenceKind, period: CadencePeriod = .occurrence,
        workingDay: WorkingDayShift = .none, description: String? = nil, warnings: [String] = []
    ) {
        self.name = name
        self.expressions = expressions
        self.kind = kind
        self.period = period
        self.workingDay = workingDay
        self.description = description ?? name
        self.warnings = warnings
    }

    /// The occurrence with the earliest effective instant strictly after `instant`, or nil if none comes.
    ///
    /// A `next` move can carry a nominal elapse from before `instant` (say a Saturday) to after it (the
    /// Monday), so nominal elapses are considered from the longest run of non-working days before
    /// `instant`; a `previous` move never can. An elapse that is not the first nominal elapse of its
    /// period is skipped (see the type's documentation).
    /// - Parameters:
    ///   - zone: the configured zone: local days, periods and moves are computed in it, and it applies to
    ///     expressions that name no zone.
    ///   - workingDays: which days are worked.
    public func nextOccurrence(after instant: Date, zone: TimeZone, workingDays: WorkingDayCalendar) -> Occurrence? {
        // One extra day covers a nominal local day that starts before `instant` by less than a day.
        let margin = Double(workingDays.longestNonWorkingRun + 2) * 86_400
        let start = workingDay == .next ? instant.addingTimeInterval(-margin) : instant
        var best: Occurrence?
        // Walk the elapses of all expressions merged in time order, so the stop test below holds for all.
        func elapse(_ index: Int, after: Date) -> Date? {
            index < expressions.count
                ? expressions[index].nextElapse(after: after, localZone: zone)
                : anchors[index - expressions.count].nextElapse(after: after, zone: zone, workingDays: workingDays)
        }
        var upcoming = (0..<(expressions.count + anchors.count)).map { elapse($0, after: start) }
        // A guard against expressions elapsing every second over a long holiday; cadences are coarse.
        for _ in 0..<100_000 {
            guard
                let (index, nominal) = upcoming.enumerated().compactMap({ i, d in d.map { (i, $0) } })
                    .min(by: { $0.1 < $1.1 })
            else { break }
            upcoming[index] = elapse(index, after: nominal)
            if let best {
                // Effective instants are never earlier than nominal ones (none, next) or at most
                // `margin` earlier (previous): past that, no later elapse can win.
                let bound = workingDay == .previous ? nominal.addingTimeInterval(-margin) : nominal
                if bound > best.effective { break }
            }
            let candidate = occurrence(nominal: nominal, zone: zone, workingDays: workingDays)
            guard candidate.effective > instant, isFirstInPeriod(candidate, zone: zone, workingDays: workingDays)
            else { continue }
            if best == nil || (candidate.effective, candidate.nominal) < (best!.effective, best!.nominal) {
                best = candidate
            }
        }
        return best
    }

    /// The occurrence for one nominal elapse: its move onto a working day and its period key.
    public func occurrence(nominal: Date, zone: TimeZone, workingDays: WorkingDayCalendar) -> Occurrence {
        let (day, seconds) = LocalTimeConversion.split(nominal, in: zone)
        let target: LocalDate
        switch workingDay {
        case .none: target = day
        case .next: target = workingDays.workingDay(onOrAfter: day)
        case .previous: target = workingDays.workingDay(onOrBefore: day)
        }
        return Occurrence(
            cadence: name, nominal: nominal, effective: LocalTimeConversion.moving(nominal, to: target, in: zone),
            period: PeriodKey(period, date: day, secondsOfDay: Int(seconds.rounded(.down))))
    }

    /// The first nominal elapse, over all expressions, in the period that starts on `firstDay`.
    func firstNominal(
        inPeriodStarting firstDay: LocalDate, key: PeriodKey, zone: TimeZone, workingDays: WorkingDayCalendar
    ) -> Date? {
        // Start a little before local midnight so an elapse exactly at midnight is included.
        let before = LocalTimeConversion.startOfDay(firstDay, in: zone).addingTimeInterval(-1)
        var first: Date?
        for expression in expressions {
            var cursor = before
            // An elapse in the second before midnight belongs to the previous period; step over it.
            for _ in 0..<3 {
                guard let elapse = expression.nextElapse(after: cursor, localZone: zone) else { break }
                if PeriodKey(period, instant: elapse, zone: zone) < key {
                    cursor = elapse
                    continue
                }
                if PeriodKey(period, instant: elapse, zone: zone) == key, first.map({ elapse < $0 }) ?? true {
                    first = elapse
                }
                break
            }
        }
        for anchor in anchors {
            guard let elapse = anchor.nextElapse(after: before, zone: zone, workingDays: workingDays),
                PeriodKey(period, instant: elapse, zone: zone) == key
            else { continue }
            if first.map({ elapse < $0 }) ?? true { first = elapse }
        }
        return first
    }

    private func isFirstInPeriod(_ candidate: Occurrence, zone: TimeZone, workingDays: WorkingDayCalendar) -> Bool {
        guard period != .occurrence else { return true }
        let (day, _) = LocalTimeConversion.split(candidate.nominal, in: zone)
        let firstDay = PeriodKey.firstDay(of: period, containing: day)
        return firstNominal(inPeriodStarting: firstDay, key: candidate.period, zone: zone, workingDays: workingDays)
            == candidate.nominal
    }
}
