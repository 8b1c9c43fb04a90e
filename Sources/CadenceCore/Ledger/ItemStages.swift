public import Foundation

/// One step in the life of an open rectification item that the daemon announces: a warning
/// before the deadline, the deadline itself, then the escalation ladder (DOMAIN.md §4.7).
public enum ItemStage: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// A warning this long before the deadline.
    case warning(before: Duration)
    case overdue
    case escalation(EscalationLevel)

    /// The name stored in the ledger: `warn-604800s`, `overdue`, `circular`, `talk`, `accountability`.
    public var description: String {
        switch self {
        case .warning(let before): "warn-\(before.components.seconds)s"
        case .overdue: "overdue"
        case .escalation(let level): level.rawValue
        }
    }

    /// The stage a stored name (``description``) stands for, or nil.
    public init?(_ name: some StringProtocol) {
        if name == "overdue" {
            self = .overdue
        } else if let level = EscalationLevel(rawValue: String(name)) {
            self = .escalation(level)
        } else if name.hasPrefix("warn-"), name.hasSuffix("s"), let seconds = Int64(name.dropFirst(5).dropLast()) {
            self = .warning(before: .seconds(seconds))
        } else {
            return nil
        }
    }

    /// The text the ledger stores for this stage in `round`: the bare name in round 0, prefixed
    /// `r1/`, `r2/`… after each reopening, so every round has its own stages.
    public func stored(round: Int) -> String { round == 0 ? description : "r\(round)/\(description)" }

    /// A stored stage text read back as its round and stage, or nil when it is neither form.
    public static func parse(stored text: some StringProtocol) -> (round: Int, stage: ItemStage)? {
        guard let slash = text.firstIndex(of: "/") else { return ItemStage(text).map { (0, $0) } }
        guard text.first == "r", let round = Int(text[text.index(after: text.startIndex)..<slash]), round > 0,
            let stage = ItemStage(text[text.index(after: slash)...])
        else { return nil }
        return (round, stage)
    }

    private var rank: (Int, Int64) {
        switch self {
        case .warning(let before): (0, -before.components.seconds)
        case .overdue: (1, 0)
        case .escalation(let level): (2, Int64(EscalationLevel.allCases.firstIndex(of: level)!))
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// When each stage of an item falls due, from the configuration (`WarnBeforeSec=`,
/// `CircularAfterSec=`, `TalkAfterSec=`, `AccountabilityAfterSec=`).
///
/// Level-triggered: what is due is decided from the stages already recorded and the current
/// instant, never from "the deadline is exactly N days away", so downtime on the day of a
/// warning cannot swallow it.
public struct ItemSchedule: Sendable, Equatable {
    /// The new time limit a talk sets (限期整改, R19): `workingDays` working days after the talk's
    /// local day, due at `secondsOfDay` of that day.
    public struct TalkLimit: Sendable, Equatable {
        public var workingDays: Int
        public var calendar: WorkingDayCalendar
        public var zone: TimeZone
        public var secondsOfDay: Int

        public init(workingDays: Int, calendar: WorkingDayCalendar, zone: TimeZone, secondsOfDay: Int) {
            (self.workingDays, self.calendar, self.zone, self.secondsOfDay) = (
                workingDays, calendar, zone, secondsOfDay
            )
        }

        /// The time limit set by a talk at `instant`.
        public func limit(after instant: Date) -> Date {
            let day = calendar.adding(workingDays: workingDays, to: LocalDay.of(instant, in: zone))
            return LocalDay.instant(day, secondsOfDay: secondsOfDay, in: zone)
        }
    }

    public var warnBefore: [Duration]
    public var circularAfter: Duration
    public var talkAfter: Duration
    public var accountabilityAfter: Duration
    /// When set, accountability falls due at the talk's time limit instead of `accountabilityAfter`.
    public var talkLimit: TalkLimit?

    public init(
        warnBefore: [Duration], circularAfter: Duration, talkAfter: Duration, accountabilityAfter: Duration,
        talkLimit: TalkLimit? = nil
    ) {
        self.warnBefore = warnBefore
        self.circularAfter = circularAfter
        self.talkAfter = talkAfter
        self.accountabilityAfter = accountabilityAfter
        self.talkLimit = talkLimit
    }

    /// The time limit the talk sets for an item with this deadline (限期整改); nil when no limit is
    /// configured, or the item is flagged (it goes straight to accountability).
    public func timeLimit(deadline: Date, flagged: Bool = false) -> Date? {
        guard !flagged, let talkLimit else { return nil }
        let talk = deadline.addingTimeInterval(talkAfter.seconds)
        return max(talkLimit.limit(after: talk), talk)
    }

    /// Every stage of an item with this deadline, with its instant, in order.
    ///
    /// A flagged item — circulated by a superior body (R20) or reopened after closure (R21) — goes
    /// straight to accountability at its deadline: every escalation step falls due at once. With a
    /// talk time limit, accountability falls due when the limit the talk set passes.
    public func stages(deadline: Date, flagged: Bool = false) -> [(stage: ItemStage, at: Date)] {
        let warnings = Set(warnBefore).sorted(by: >).map {
            (ItemStage.warning(before: $0), deadline.addingTimeInterval(-$0.seconds))
        }
        let after: (Duration) -> Date = { flagged ? deadline : deadline.addingTimeInterval($0.seconds) }
        return warnings + [
            (.overdue, deadline),
            (.escalation(.circular), after(circularAfter)),
            (.escalation(.talk), after(talkAfter)),
            (
                .escalation(.accountability),
                timeLimit(deadline: deadline, flagged: flagged) ?? after(accountabilityAfter)
            ),
        ]
    }

    /// What to do at `now` for an item: stages to announce, and stages to record silently because
    /// a later stage of the same group is already due (after downtime only the latest warning and
    /// the highest escalation are announced; the overdue notice always is).
    public func due(deadline: Date, flagged: Bool = false, recorded: Set<ItemStage>, at now: Date) -> (
        announce: [ItemStage], silent: [ItemStage]
    ) {
        let pending = stages(deadline: deadline, flagged: flagged).filter {
            $0.at <= now && !recorded.contains($0.stage)
        }
        var announce: [ItemStage] = []
        var silent: [ItemStage] = []
        let warnings = pending.filter { if case .warning = $0.stage { true } else { false } }
        let escalations = pending.filter { if case .escalation = $0.stage { true } else { false } }
        let overdueDue = pending.contains { $0.stage == .overdue }
        // A warning is moot once the deadline has passed; of several due at once, the nearest says it all.
        if let last = warnings.last, deadline > now {
            announce.append(last.stage)
            silent += warnings.dropLast().map(\.stage)
        } else {
            silent += warnings.map(\.stage)
        }
        if overdueDue { announce.append(.overdue) }
        if let highest = escalations.last {
            announce.append(highest.stage)
            silent += escalations.dropLast().map(\.stage)
        }
        return (announce, silent)
    }

    /// The instant of the first stage not yet recorded, or nil when every stage is.
    public func nextEvent(deadline: Date, flagged: Bool = false, recorded: Set<ItemStage>) -> Date? {
        stages(deadline: deadline, flagged: flagged).first { !recorded.contains($0.stage) }?.at
    }
}

extension Duration {
    /// The span in seconds, as a `TimeInterval` for `Date` arithmetic.
    public var seconds: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
