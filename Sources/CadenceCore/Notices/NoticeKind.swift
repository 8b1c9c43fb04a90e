/// What a notice is about. Each kind has a fixed journal `MESSAGE_ID` (explained by
/// `catalog/cadenced.catalog`, so `journalctl -x` shows what it means and what to do) and a
/// syslog priority fitting its gravity (DESIGN.md "Notices").
public enum NoticeKind: String, CaseIterable, Vocabulary, Codable, Sendable {
    /// A cadence occurrence fired on time (reminder, review, inspection, …).
    case occurrence
    /// Occurrences missed during downtime or a clock jump, emitted late in one notice per cadence.
    case catchUp = "catch-up"
    /// A rectification deadline is approaching.
    case deadlineWarning = "deadline-warning"
    /// A rectification item fell due without verified closure.
    case overdue
    /// An overdue item was escalated: circular (通报) or talk with a new time limit (约谈).
    case escalation
    /// An overdue item reached accountability (责任追究).
    case accountability
    /// The month-end information-report check: units that submitted fewer reports than their quota (R9).
    case quotaShortfall = "quota-shortfall"
    /// The configuration directory has errors: a reload was refused (the configuration in force
    /// stays), or cadenced started on the last good configuration it kept.
    case configurationRefused = "configuration-refused"
    /// A message to a person could not be delivered: refused for good, or failing after every attempt.
    case deliveryFailed = "delivery-failed"
    /// One person's messages of the day gathered into one (`DigestTime=`); mailed, never journaled:
    /// each notice it gathers is in the journal already.
    case digest
    /// A test message to one person through each of their channels (`cadencectl notify test`);
    /// mailed, never journaled.
    case test
    /// The holiday files do not cover the coming year (from 1 December) or the year in progress:
    /// working-day deadlines and cadences would count only the weekend as days off.
    case holidayDataMissing = "holiday-data"
    /// A cadence's reports were written again as the final result, after their period ended
    /// (`FinalReport=`): the one to circulate.
    case finalReport = "final-report"
    /// The monthly reminder of one unit's commitments (R1, R2): its commitments not yet honoured,
    /// each with its last evaluation; to that unit's liaison.
    case commitmentReminder = "commitment-reminder"
    /// A phase of a campaign plan (`plans.d`) begins: what it is, when it runs, what is due in it (R5).
    case phaseStart = "phase-start"
    /// A phase of a campaign plan ended: what was due in it (R5, R27).
    case phaseEnd = "phase-end"
    /// A deliverable of a campaign plan falls due soon (`WarnBeforeSec=` ahead): who owes it and has
    /// not handed it in (R6).
    case deliverableDue = "deliverable-due"
    /// A yearly quota of a campaign plan checked (`CheckOn=` days and the year's end): the units
    /// below their count, and any above its upper bound (R10).
    case yearlyQuota = "yearly-quota"
    /// A range of a campaign plan left: a unit's demonstration sites, a leader's contact points
    /// outside the range, when the data changes and at the `CheckOn=` days (R11).
    case rangeCheck = "range-check"

    /// The journal `MESSAGE_ID` of this kind (generated once with `systemd-id128 new`; never change).
    public var messageID: String {
        switch self {
        case .occurrence: "2fdbcbee8e244916bf72ad53adfe114d"
        case .catchUp: "3e266e6d41c14cbb9dd3308905df5239"
        case .deadlineWarning: "9ea6b3ad63f442aebce4eb43ab7bb88d"
        case .overdue: "911e8b894bea4ac9ac9fc3c091a50720"
        case .escalation: "2fac43fea68f42ca87ce3d3f70e30e01"
        case .accountability: "b951eaaa49d04c1e82c9ea6f38b998f8"
        case .quotaShortfall: "a6bb08aec7324dba8fce4bc8be118597"
        case .configurationRefused: "1f2c693a479c4d3e83779d578e6833ef"
        case .deliveryFailed: "daf347c21dd34bafae6fd252d7c7aa1c"
        case .digest: "7f8567960a884cbe9a93b71e5d0b0177"
        case .test: "4145680c8721401aa07958439c78b9ac"
        case .holidayDataMissing: "c6d978d1fd6348b6a752c02d257dcf41"
        case .finalReport: "d4f04e2f09dc4401b3dc00f4f060786c"
        case .commitmentReminder: "59c7edcbc6414cd195be50faab83b49a"
        case .phaseStart: "57bcfaf19a704826b36a9e8ebcf4ba55"
        case .phaseEnd: "d1d6e83122c644a7b7c02780c87a6bb3"
        case .deliverableDue: "98f9cf9a8e7a454e983ac3e0de7f4e32"
        case .yearlyQuota: "34e87b09a566444a9de8d7c09c9a54d1"
        case .rangeCheck: "3873f0b52354466f9a8acf4150d50f56"
        }
    }

    /// Kinds a routing or digest setting cannot name: they are addressed by cadenced itself.
    public static let notForPeople: Set<NoticeKind> = [
        .configurationRefused, .deliveryFailed, .digest, .test, .holidayDataMissing,
    ]

    /// syslog priority: notice (5) for reminders and warnings; warning (4) when overdue, short of a
    /// quota or without a year's holidays; err (3) when escalated, when the configuration is refused
    /// or a message cannot be delivered; crit (2) at accountability.
    public var priority: Int {
        switch self {
        case .occurrence, .catchUp, .deadlineWarning, .digest, .test, .finalReport, .commitmentReminder, .phaseStart,
            .phaseEnd, .deliverableDue, .rangeCheck:
            5
        case .overdue, .quotaShortfall, .holidayDataMissing, .yearlyQuota: 4
        case .escalation, .configurationRefused, .deliveryFailed: 3
        case .accountability: 2
        }
    }
}

/// The steps of escalation of an overdue item (DOMAIN.md §4.7), in order.
public enum EscalationLevel: String, CaseIterable, Vocabulary, Codable, Comparable, Sendable {
    case circular
    case talk
    case accountability

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
