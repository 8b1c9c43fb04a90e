public import Foundation

/// The kind of an organisational unit (DOMAIN.md §3.1, R13). The kind sets the default monthly
/// information-report quota (R9): a county bureau owes 4, a city-direct unit 2, others none.
public enum UnitKind: String, CaseIterable, Sendable, Vocabulary {
    case bureau
    case countyBureau = "county-bureau"
    case cityDirect = "city-direct"
    case district
    case township
    case village
    case partyCommittee = "party-committee"
    case branch
    case department
    case other

    /// Reports owed per month unless the unit sets its own quota.
    public var defaultMonthlyQuota: Int {
        switch self {
        case .countyBureau: 4
        case .cityDirect: 2
        default: 0
        }
    }
}

/// Roles people hold in a unit, over time (R14). When a role changes hands, items that name the
/// role (`@first`) follow it to the new holder.
public enum UnitRole: String, CaseIterable, Sendable, Vocabulary {
    /// Top leader / secretary: first responsible person (第一責任人).
    case first
    /// Leader in charge: main responsible person (主要責任人, 分管領導).
    case main
    /// Department head: direct responsible person (直接責任人).
    case direct
    /// Information liaison officer (信息聯絡員).
    case liaison
    case officeHead = "office-head"
    case groupLeader = "group-leader"
    case groupDeputy = "group-deputy"
    case groupMember = "group-member"
    /// A leader linked to this unit as a contact point (聯繫點).
    case contactLeader = "contact-leader"
    case inspector

    /// Roles held by several people at once (a leading group's deputies and members, a unit's
    /// inspectors); each other role has one holder at a time, and a new one ends the old tenure.
    public static let memberRoles: Set<UnitRole> = [.groupDeputy, .groupMember, .inspector]

    public var isMember: Bool { Self.memberRoles.contains(self) }
}

/// Where a problem was found (R16, DOMAIN.md §4.1).
public enum ItemSource: String, CaseIterable, Sendable, Vocabulary {
    case selfExamination = "self-examination"
    case mutualHelp = "mutual-help"
    case superior
    /// Circulated by a superior body (通報): goes straight to accountability when overdue (R20).
    case superiorCircular = "superior-circular"
    case publicAppraisal = "public-appraisal"
    case unannouncedVisit = "unannounced-visit"
    case inspection
    case complaint
    case petition
    case media
    case reviewMeeting = "review-meeting"
    case hazardSweep = "hazard-sweep"
    /// A review, inspection or appraisal not recorded by its period's end (R3).
    case missedDuty = "missed-duty"
}

/// The scope of a problem (R16).
public enum ItemScope: String, CaseIterable, Sendable, Vocabulary {
    case individual, department
    case leadershipTeam = "leadership-team"
    case crossDepartment = "cross-department"
}

/// Urgency or difficulty of an item (R16).
public enum ItemPriority: String, CaseIterable, Sendable, Vocabulary {
    case low, normal, high
}

/// Where a rectification item stands (R17).
public enum ItemState: String, CaseIterable, Sendable, Vocabulary {
    case open
    case inProgress = "in-progress"
    /// Claimed rectified, waiting for verification against the acceptance criteria.
    case rectified
    /// Verified and struck off (挂牌銷號).
    case closed
    /// Not yet rectifiable: has a plan, a new target date and an explanation; still open and listed.
    case deferred
    /// Beyond the system: referred to a higher body, which is recorded; escalation pauses.
    case referred
    /// A problem that came back after closure: open again, flagged for accountability (R21).
    case reopened
    /// Removed as a wrong entry (`cadencectl item remove`): out of every listing, count and
    /// evaluation; the row keeps its number. Not a state to ask for, so not among `allCases`.
    case removed

    /// The states a person can ask for (filters, help): all but `removed`.
    public static let allCases: [ItemState] = [
        .open, .inProgress, .rectified, .closed, .deferred, .referred, .reopened,
    ]

    /// True while the item still needs work.
    public var isOpen: Bool { self != .closed && self != .removed }
}

/// A change a person asks for on an item. Each names the states it may start from, so an invalid
/// transition (closing an item nobody claimed rectified) is refused before anything is written.
public enum ItemTransition: String, CaseIterable, Sendable, Vocabulary {
    case progress, rectified, verify, reject, deferral = "defer", refer, reopen

    public var allowedFrom: Set<ItemState> {
        switch self {
        case .progress: [.open, .inProgress, .deferred, .referred, .reopened]
        case .rectified: [.open, .inProgress, .deferred, .reopened]
        case .verify, .reject: [.rectified]
        case .deferral: [.open, .inProgress, .reopened, .deferred]
        case .refer: [.open, .inProgress, .deferred, .reopened]
        case .reopen: [.closed]
        }
    }

    public var target: ItemState {
        switch self {
        case .progress, .reject: .inProgress
        case .rectified: .rectified
        case .verify: .closed
        case .deferral: .deferred
        case .refer: .referred
        case .reopen: .reopened
        }
    }
}

/// How far a commitment is honoured, as judged at a review (R24).
public enum CommitmentStatus: String, CaseIterable, Sendable, Vocabulary {
    case fulfilled
    case partial
    case unfulfilled
}

/// The form of a leader review (集中/個別/現場/隨機/日常, glossary).
public enum ReviewForm: String, CaseIterable, Sendable, Vocabulary {
    case plenary, individual, onSite = "on-site", random, routine
}

extension PeriodKey {
    /// The local days the period covers: its first day and the first day after it. Nil for keys
    /// that are not month, quarter, half-year or year keys.
    public var days: (first: LocalDate, end: LocalDate)? {
        let text = rawValue
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let yearText = parts.first, yearText.count == 4, let year = Int(yearText) else { return nil }
        let startMonth: Int
        let months: Int
        switch parts.count {
        case 1:
            (startMonth, months) = (1, 12)
        case 2 where parts[1].count == 2 && parts[1].first == "Q":
            guard let q = Int(parts[1].dropFirst()), (1...4).contains(q) else { return nil }
            (startMonth, months) = ((q - 1) * 3 + 1, 3)
        case 2 where parts[1].count == 2 && parts[1].first == "H":
            guard let h = Int(parts[1].dropFirst()), (1...2).contains(h) else { return nil }
            (startMonth, months) = ((h - 1) * 6 + 1, 6)
        case 2 where parts[1].count == 2:
            guard let m = Int(parts[1]), (1...12).contains(m) else { return nil }
            (startMonth, months) = (m, 1)
        default:
            return nil
        }
        guard let first = LocalDate(year: year, month: startMonth, day: 1) else { return nil }
        let next = startMonth - 1 + months
        guard let end = LocalDate(year: year + next / 12, month: next % 12 + 1, day: 1) else { return nil }
        return (first, end)
    }

    /// The first instant after the period, at local midnight in `zone`.
    public func end(in zone: TimeZone) -> Date? {
        days.map { LocalTimeConversion.startOfDay($0.end, in: zone) }
    }

    /// The first instant of the period, at local midnight in `zone`.
    public func start(in zone: TimeZone) -> Date? {
        days.map { LocalTimeConversion.startOfDay($0.first, in: zone) }
    }
}

/// Local dates and instants for people's input: `2026-12-01`, `+10d`, `+5wd` (working days).
public enum LocalDay {
    /// The local day of `instant` in `zone`.
    public static func of(_ instant: Date, in zone: TimeZone) -> LocalDate {
        LocalTimeConversion.split(instant, in: zone).day
    }

    /// The instant `secondsOfDay` after local midnight of `day` in `zone`; 86 400 is the end of the day.
    public static func instant(_ day: LocalDate, secondsOfDay: Int, in zone: TimeZone) -> Date {
        if secondsOfDay >= 86_400 {
            return LocalTimeConversion.startOfDay(day.adding(days: secondsOfDay / 86_400), in: zone)
                .addingTimeInterval(TimeInterval(secondsOfDay % 86_400))
        }
        return LocalTimeConversion.startOfDay(day, in: zone).addingTimeInterval(TimeInterval(secondsOfDay))
    }

    /// A deadline day from a person's text: a date, `+N` / `+Nd` days or `+Nwd` working days from
    /// `today`. Nil when the text is none of these.
    public static func parse(_ text: String, today: LocalDate, workingDays: WorkingDayCalendar) -> LocalDate? {
        if let date = LocalDate(text) ?? OfficeDate.normalized(text).flatMap(LocalDate.init) { return date }
        guard text.hasPrefix("+") else { return nil }
        var body = Substring(text.dropFirst())
        var working = false
        if body.hasSuffix("wd") {
            working = true
            body = body.dropLast(2)
        } else if body.hasSuffix("d") {
            body = body.dropLast()
        }
        guard !body.isEmpty, body.allSatisfy(\.isASCII), let count = Int(body), (0...36_500).contains(count) else {
            return nil
        }
        return working ? workingDays.adding(workingDays: count, to: today) : today.adding(days: count)
    }
}

/// Dates as offices type them in sheets and commands: `2026/10/31`, `2026.10.31`,
/// `2026年10月31日`, `2026-1-5`, with full-width digits too.
public enum OfficeDate {
    /// The text as `YYYY-MM-DD` when it has one of those shapes (the day is not checked here), else nil.
    public static func normalized(_ text: String) -> String? {
        let parts = split(text)
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// Why a text that looks like a date is not one: `2026年11月` and `2026-11` are months.
    public static func problem(_ text: String) -> String? {
        let parts = split(text)
        if parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count), let month = Int(parts[1]),
            (1...12).contains(month)
        {
            return "is a month, not a date (give the day, e.g. \(parts[0])-\(month < 10 ? "0" : "")\(month)-30)"
        }
        return nil
    }

    /// The numeric parts, or [] when something else is in the text.
    private static func split(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var separators = 0
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if (0x30...0x39).contains(value) {
                current.unicodeScalars.append(scalar)
            } else if (0xFF10...0xFF19).contains(value) {
                current.unicodeScalars.append(Unicode.Scalar(value - 0xFF10 + 0x30)!)
            } else if "-/.年月－／．".unicodeScalars.contains(scalar) {
                guard !current.isEmpty else { return [] }
                parts.append(current)
                current = ""
                separators += 1
            } else if scalar == "日" || scalar == "号" || scalar == "號" {
                guard !current.isEmpty else { return [] }
            } else {
                return []
            }
        }
        if !current.isEmpty { parts.append(current) }
        // `2026年11月` ends on its separator: two parts, two separators.
        return separators >= 1 ? parts : []
    }
}
