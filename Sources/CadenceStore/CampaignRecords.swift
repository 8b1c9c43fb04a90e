public import CadenceCore

/// A unit to add.
public struct NewUnit: Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: UnitKind
    public var parent: String?
    public var quota: Int?
    public var specialty: String?
    public var grade: String?
    public var liaison: String?
    /// The regional holiday file whose days off it keeps (`Regional=`), nil for the office's.
    public var holidays: String?
    /// The line of the import file it came from, for error messages.
    public var sourceLine: Int?

    public init(
        id: String, name: String, kind: UnitKind, parent: String? = nil, quota: Int? = nil, specialty: String? = nil,
        grade: String? = nil, liaison: String? = nil, holidays: String? = nil, sourceLine: Int? = nil
    ) {
        self.holidays = holidays
        self.id = id
        self.name = name
        self.kind = kind
        self.parent = parent
        self.quota = quota
        self.specialty = specialty
        self.grade = grade
        self.liaison = liaison
        self.sourceLine = sourceLine
    }
}

/// A commitment to add.
public struct NewCommitment: Sendable, Equatable {
    public var unit: String
    public var member: String?
    public var post: String?
    public var direction: String?
    public var year: Int
    public var text: String
    public var publishedOn: LocalDate?
    public var sourceLine: Int?

    public init(
        unit: String, member: String? = nil, post: String? = nil, direction: String? = nil, year: Int, text: String,
        publishedOn: LocalDate? = nil, sourceLine: Int? = nil
    ) {
        self.unit = unit
        self.member = member
        self.post = post
        self.direction = direction
        self.year = year
        self.text = text
        self.publishedOn = publishedOn
        self.sourceLine = sourceLine
    }
}

/// A review to record.
public struct NewReview: Sendable, Equatable {
    public var unit: String
    public var kind: CadenceKind
    /// The cadence it is recorded for, when known: it closes that cadence's missed-duty item.
    public var cadence: String?
    public var period: PeriodKey
    public var heldOn: LocalDate
    public var form: ReviewForm?
    public var reviewer: String?
    /// The unit that held it; its parent by default (R4).
    public var byUnit: String?
    public var subject: String?
    public var outcome: String?
    /// Accept a reviewing unit that is not the parent.
    public var override: Bool
    /// A public appraisal's results (R12): the forms returned and of them the satisfied ones; the
    /// unit's members and of them those appraised.
    public var results: AppraisalResults?

    public init(
        unit: String, kind: CadenceKind, period: PeriodKey, heldOn: LocalDate, form: ReviewForm? = nil,
        reviewer: String? = nil, byUnit: String? = nil, subject: String? = nil, outcome: String? = nil,
        override: Bool = false, cadence: String? = nil
    ) {
        self.unit = unit
        self.kind = kind
        self.cadence = cadence
        self.period = period
        self.heldOn = heldOn
        self.form = form
        self.reviewer = reviewer
        self.byUnit = byUnit
        self.subject = subject
        self.outcome = outcome
        self.override = override
    }
}
