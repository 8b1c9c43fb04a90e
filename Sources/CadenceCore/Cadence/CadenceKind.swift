/// What a cadence's occurrence asks of the units (DOMAIN.md §1.1).
public enum CadenceKind: String, CaseIterable, Sendable, Vocabulary {
    /// Monthly reminder about commitment fulfilment (一月一提醒).
    case reminder
    /// Leader review (一季一點評); each unit's review must be recorded in its period.
    case review
    /// Inspection (半年一檢查); must be recorded in its period.
    case inspection
    /// Public appraisal (每半年一次群眾評議); must be recorded in its period.
    case appraisal
    /// Year-end overall evaluation (一年一總評).
    case evaluation
    /// Year-start public commitments (年初開展公開承諾).
    case commitment
    /// Month-end check of information-report quotas (DOMAIN.md §2, R9).
    case quotaCheck = "quota-check"
    /// A notice to every unit at each occurrence, and nothing more: no record owed, no reminder
    /// of each unit's commitments (a weekly circular, a monthly ranking, a check before a festival).
    case announcement

    /// True for duties whose holding is recorded per unit and becomes overdue if not recorded by the
    /// period's end (DOMAIN.md R3).
    public var requiresRecord: Bool {
        switch self {
        case .review, .inspection, .appraisal, .evaluation: true
        case .reminder, .commitment, .quotaCheck, .announcement: false
        }
    }
}

/// Where an occurrence on a non-working day moves (DESIGN.md "Working days").
public enum WorkingDayShift: String, CaseIterable, Sendable, Vocabulary {
    /// To the first working day after it.
    case next
    /// To the last working day before it.
    case previous
    /// It stays where it is.
    case none
}
