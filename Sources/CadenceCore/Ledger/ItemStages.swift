public import Foundation

/// One step in the life of an open rectification item that the daemon announces: a warning
/// before the deadline, the deadline itself, then the escalation ladder (DOMAIN.md §4.7).
public enum ItemStage: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// A warning this long before the deadline.
    case warning(before: Duration)
    case overdue
    case escalation(EscalationLevel)
    /// The `count`-th reminder that the item is still overdue after the stage `after` (the overdue
    /// notice or an escalation), `RemindOverdueEveryDays=` working days after the one before.
    indirect case reminder(after: ItemStage, count: Int)

    /// The name stored in the ledger: `warn-604800s`, `overdue`, `circular`, `talk`, `accountability`,
    /// `remind-overdue-2`.
    public var description: String {
        switch self {
        case .warning(let before): "warn-\(before.components.seconds)s"
        case .overdue: "overdue"
        case .escalation(let level): level.rawValue
        case .reminder(let after, let count): "remind-\(after)-\(count)"
        }
    }

    /// The stage a stored name (``description``) stands for, or nil.
    public init?(_ text: some StringProtocol) {
        // As a String: the generic text, read character by character, cost a listing of thousands
        // of items most of its time.
        let name = String(text)
        if name.hasPrefix("remind-"), let dash = name.lastIndex(of: "-"),
            let count = Int(name[name.index(after: dash)...]),
            count > 0, let after = ItemStage(name[name.index(name.startIndex, offsetBy: 7)..<dash]),
            after == .overdue || after.isEscalation
        {
            self = .reminder(after: after, count: count)
        } else if name == "overdue" {
            self = .overdue
        } else if let level = EscalationLevel(rawValue: name) {
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
    public static func parse(stored stored: some StringProtocol) -> (round: Int, stage: ItemStage)? {
        let text = String(stored)
        guard let slash = text.firstIndex(of: "/") else { return ItemStage(text).map { (0, $0) } }
        guard text.first == "r", let round = Int(text[text.index(after: text.startIndex)..<slash]), round > 0,
            let stage = ItemStage(text[text.index(after: slash)...])
        else { return nil }
        return (round, stage)
    }

    var isEscalation: Bool { if case .escalation = self { true } else { false } }

    /// A reminder that the item is still overdue.
    public var isReminder: Bool { if case .reminder = self { true } else { false } }

    private var rank: (Int, Int64, Int) {
        switch self {
        case .warning(let before): (0, -before.components.seconds, 0)
        case .overdue: (1, 0, 0)
        case .escalation(let level): (2, Int64(EscalationLevel.allCases.firstIndex(of: level)!), 0)
        case .reminder(let after, let count): (after.rank.0, after.rank.1, count)
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

    /// Reminders of an unchanged overdue item (`RemindOverdueEveryDays=`): `workingDays` working days
    /// after its last stage, at the same time of day, again and again until the next stage.
    public struct Reminders: Sendable, Equatable {
        public var workingDays: Int
        public var calendar: WorkingDayCalendar
        public var zone: TimeZone

        public init(workingDays: Int, calendar: WorkingDayCalendar, zone: TimeZone) {
            (self.workingDays, self.calendar, self.zone) = (workingDays, calendar, zone)
        }

        /// The `count`-th reminder after a stage at `instant`.
        public func reminder(_ count: Int, after instant: Date) -> Date {
            let day = LocalDay.of(instant, in: zone)
            let seconds = Int(instant.timeIntervalSince(LocalDay.instant(day, secondsOfDay: 0, in: zone)))
            return LocalDay.instant(
                calendar.adding(workingDays: workingDays * count, to: day), secondsOfDay: seconds, in: zone)
        }
    }

    public var warnBefore: [Duration]
    public var circularAfter: Duration
    public var talkAfter: Duration
    public var accountabilityAfter: Duration
    /// When set, accountability falls due at the talk's time limit instead of `accountabilityAfter`.
    public var talkLimit: TalkLimit?
    /// When set, an overdue item is reminded of between its stages and after the last.
    public var reminders: Reminders?
    /// Per regional holiday file (`Regional=`): the schedule of a unit that keeps it, its working
    /// days counted with that file's days off (R28).
    public var regional: [String: ItemSchedule] = [:]
    /// The units that keep a regional holiday file, by id.
    public var unitScopes: [String: String] = [:]

    /// The schedule an item of `unit` follows: its regional one, else this.
    public func forUnit(_ unit: String) -> ItemSchedule {
        guard let scope = unitScopes[unit], let schedule = regional[scope] else { return self }
        return schedule
    }

    public init(
        warnBefore: [Duration], circularAfter: Duration, talkAfter: Duration, accountabilityAfter: Duration,
        talkLimit: TalkLimit? = nil, reminders: Reminders? = nil
    ) {
        self.warnBefore = warnBefore
        self.circularAfter = circularAfter
        self.talkAfter = talkAfter
        self.accountabilityAfter = accountabilityAfter
        self.talkLimit = talkLimit
        self.reminders = reminders
    }

    /// The schedule in words that stay the same from one run to the next: the ledger keeps it to
    /// know when its items must be planned again.
    public var fingerprint: String {
        let warnings = Set(warnBefore.map { $0.components.seconds }).sorted().map(String.init).joined(separator: ",")
        var parts = [
            "warn=\(warnings)", "circular=\(circularAfter.components.seconds)", "talk=\(talkAfter.components.seconds)",
            "accountability=\(accountabilityAfter.components.seconds)",
        ]
        if let talkLimit {
            parts.append("limit=\(talkLimit.workingDays)wd@\(talkLimit.secondsOfDay)s/\(talkLimit.zone.identifier)")
        }
        if let reminders { parts.append("remind=\(reminders.workingDays)wd/\(reminders.zone.identifier)") }
        // Which units count their working days with a regional file: a change replans their items.
        if (talkLimit != nil || reminders != nil) && !unitScopes.isEmpty {
            parts.append(
                "regional="
                    + unitScopes.filter { regional[$0.value] != nil }.map { "\($0.key):\($0.value)" }.sorted()
                    .joined(separator: ","))
        }
        return parts.joined(separator: " ")
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
    /// the highest escalation are announced; the overdue notice always is). Of the reminders due,
    /// only the latest is announced, and none when a stage is: a stage says more.
    public func due(deadline: Date, flagged: Bool = false, recorded: Set<ItemStage>, at now: Date) -> (
        announce: [ItemStage], silent: [ItemStage]
    ) {
        let pending = stages(deadline: deadline, flagged: flagged).filter {
            $0.at <= now && !recorded.contains($0.stage)
        }
        var announce: [ItemStage] = []
        var silent: [ItemStage] = []
        let warnings = pending.filter { if case .warning = $0.stage { true } else { false } }
        let escalations = pending.filter { $0.stage.isEscalation }
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
        let reminders = reminders(deadline: deadline, flagged: flagged) { at, stage in
            at <= now ? (recorded.contains(stage) ? .skip : .take) : .stop
        }
        if let latest = reminders.last, announce.isEmpty {
            announce.append(latest.stage)
            silent += reminders.dropLast().map(\.stage)
        } else {
            silent += reminders.map(\.stage)
        }
        return (announce, silent)
    }

    /// The instant of the first stage or reminder not yet recorded, or nil when every stage is
    /// and there are no reminders.
    public func nextEvent(deadline: Date, flagged: Bool = false, recorded: Set<ItemStage>) -> Date? {
        let stage = stages(deadline: deadline, flagged: flagged).first { !recorded.contains($0.stage) }?.at
        let reminder = reminders(deadline: deadline, flagged: flagged) { _, stage in
            recorded.contains(stage) ? .skip : .last
        }.first?.at
        return [stage, reminder].compactMap { $0 }.min()
    }

    /// When `stage` falls due for an item with this deadline (a reminder's instant too); nil for a
    /// stage the schedule does not have.
    public func instant(of stage: ItemStage, deadline: Date, flagged: Bool = false) -> Date? {
        if let at = stages(deadline: deadline, flagged: flagged).first(where: { $0.stage == stage })?.at { return at }
        guard case .reminder = stage else { return nil }
        return reminders(deadline: deadline, flagged: flagged) { _, candidate in candidate == stage ? .last : .skip }
            .last?.at
    }

    /// What ``reminders(deadline:flagged:_:)`` does with each reminder, in order of time.
    enum ReminderChoice { case take, skip, stop, last }

    /// The reminders of an overdue item, in order of time: after each stage from the overdue notice
    /// on, every `RemindOverdueEveryDays=` working days until the next stage, and after the last
    /// stage without end; `choose` takes, skips or stops at each (`last`: take it and stop).
    func reminders(deadline: Date, flagged: Bool, _ choose: (Date, ItemStage) -> ReminderChoice) -> [(
        stage: ItemStage, at: Date
    )] {
        guard let rule = reminders else { return [] }
        let rungs = stages(deadline: deadline, flagged: flagged).filter {
            $0.stage == .overdue || $0.stage.isEscalation
        }
        var taken: [(stage: ItemStage, at: Date)] = []
        for (index, rung) in rungs.enumerated() {
            let next = index + 1 < rungs.count ? rungs[index + 1].at : nil
            var count = 1
            while true {
                let at = rule.reminder(count, after: rung.at)
                if let next, at >= next { break }
                let stage = ItemStage.reminder(after: rung.stage, count: count)
                switch choose(at, stage) {
                case .take: taken.append((stage, at))
                case .skip: break
                case .stop: return taken
                case .last: return taken + [(stage, at)]
                }
                count += 1
            }
        }
        return taken
    }
}

extension Duration {
    /// The span in seconds, as a `TimeInterval` for `Date` arithmetic.
    public var seconds: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
