public import Foundation

/// Everything an evaluation report shows, counted from the ledger at the window's instant
/// (``EvaluationWindow/asOf``). The store fills it; rates, scores, ranking and rendering are
/// computed from it without I/O (``EvaluationAssessment``, ``EvaluationReport``).
public struct EvaluationFigures: Sendable, Equatable {
    public var window: EvaluationWindow
    /// The unit whose subtree the report covers; nil for every unit.
    public var scope: String?
    /// The units covered, by id.
    public var units: [UnitFigures]
    /// Open and overdue items at each of ``EvaluationWindow/samples``.
    public var burndown: [BurndownPoint]
    /// Items listed by name: those overdue at the instant (evaluations), or every open one (ledger
    /// checkpoints); by deadline, then id.
    public var items: [ListedItem]
    /// Items on the ledger and closed, by source (`petition`, `hazard-sweep`, …), for the rates of R12.
    public var bySource: [String: SourceCounts]
    /// What the public appraisals of the window recorded, summed over the units covered (R12).
    public var appraisals = AppraisalResults()
    /// The campaign plans with something in the window (R5, R6, R10, R11).
    public var plans: [PlanFigures] = []
    /// The office's rate targets (`[Evaluation] Target=`), by rate key; the others are the
    /// campaign's (``RateTarget/campaign``).
    public var targets: [String: RateTarget] = [:]

    public init(
        window: EvaluationWindow, scope: String?, units: [UnitFigures], burndown: [BurndownPoint],
        items: [ListedItem], bySource: [String: SourceCounts]
    ) {
        self.window = window
        self.scope = scope
        self.units = units
        self.burndown = burndown
        self.items = items
        self.bySource = bySource
    }
}

/// One unit's figures.
public struct UnitFigures: Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: String
    public var parent: String?
    /// When it was taken out of the tree, if it was by the report's instant.
    public var removedAt: Date?
    /// Reports owed per month (the unit's own quota, else its kind's).
    public var monthlyQuota: Int
    public var commitments: CommitmentCounts
    /// Reviews, inspections, appraisals and evaluations, in that order.
    public var duties: [DutyCounts]
    /// Information reports, one entry per month of the window.
    public var months: [MonthQuota]
    public var items: ItemCounts
    /// What the campaign plans asked of it and it did (deliverables on time, counts within).
    public var planTasks = PlanTasks()

    public init(
        id: String, name: String, kind: String, parent: String?, removedAt: Date? = nil, monthlyQuota: Int,
        commitments: CommitmentCounts, duties: [DutyCounts], months: [MonthQuota], items: ItemCounts
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.parent = parent
        self.removedAt = removedAt
        self.monthlyQuota = monthlyQuota
        self.commitments = commitments
        self.duties = duties
        self.months = months
        self.items = items
    }

    /// True for the units a ranking compares: those under another unit (the top of the tree is the
    /// evaluating body) and still in the tree.
    public var isRanked: Bool { parent != nil && removedAt == nil }

    /// The counts of one duty kind (zero counts when the unit owes none).
    public func duty(_ kind: CadenceKind) -> DutyCounts {
        duties.first { $0.kind == kind } ?? DutyCounts(kind: kind)
    }

    /// Months judged (ended, or already met) and months met.
    public var quotaMonths: (due: Int, met: Int) {
        months.reduce(into: (0, 0)) { total, month in
            if month.state == .met { total.1 += 1 }
            if month.state == .met || month.state == .short { total.0 += 1 }
        }
    }
}

/// The unit's commitments of the year, by their latest evaluation at the instant.
public struct CommitmentCounts: Sendable, Equatable {
    public var made = 0
    public var fulfilled = 0
    public var partial = 0
    public var unfulfilled = 0

    public init(made: Int = 0, fulfilled: Int = 0, partial: Int = 0, unfulfilled: Int = 0) {
        self.made = made
        self.fulfilled = fulfilled
        self.partial = partial
        self.unfulfilled = unfulfilled
    }

    /// Made but never evaluated by the instant.
    public var notEvaluated: Int { made - fulfilled - partial - unfulfilled }
}

/// A duty recorded per unit and period (review, inspection, appraisal, evaluation): periods due and
/// held. A period is due once it has ended, or earlier when it is already held; a period that
/// has not ended and is not held yet is not counted.
public struct DutyCounts: Sendable, Equatable {
    public var kind: CadenceKind
    public var due = 0
    public var held = 0
    /// Held, but recorded after the period's end (its missed-duty item was open meanwhile).
    public var heldLate = 0

    public init(kind: CadenceKind, due: Int = 0, held: Int = 0, heldLate: Int = 0) {
        self.kind = kind
        self.due = due
        self.held = held
        self.heldLate = heldLate
    }

    /// The four duty kinds, in report order.
    public static let kinds: [CadenceKind] = [.review, .inspection, .appraisal, .evaluation]
}

/// Where a unit stands on its information reports in one month.
public enum QuotaState: String, Sendable, Equatable {
    /// Submitted at least the quota.
    case met
    /// The month has ended with fewer than the quota.
    case short
    /// The month has not ended and the quota is not reached yet.
    case pending
    /// The month starts after the report's instant.
    case future
    /// No quota, or the unit did not exist by the month's end.
    case notRequired = "not-required"
}

/// One unit's information reports in one month.
public struct MonthQuota: Sendable, Equatable {
    public var month: PeriodKey
    public var submitted: Int
    public var required: Int
    public var state: QuotaState

    public init(month: PeriodKey, submitted: Int, required: Int, state: QuotaState) {
        self.month = month
        self.submitted = submitted
        self.required = required
        self.state = state
    }
}

/// A unit's rectification items on the ledger in the window (see the report's definitions).
public struct ItemCounts: Sendable, Equatable {
    /// Created before the window and still open at its start.
    public var carriedOver = 0
    /// Created in the window, up to the instant.
    public var opened = 0
    /// Verified closed by the instant, at or before the deadline in force.
    public var closedOnTime = 0
    /// Verified closed by the instant, after the deadline in force.
    public var closedLate = 0
    /// Not closed at the instant.
    public var open = 0
    /// Open, not referred, deadline passed at the instant.
    public var overdue = 0
    /// Deferred at least once (a plan and a new date).
    public var deferred = 0
    /// Referred to a higher body.
    public var referred = 0
    /// Reached the circular (通報) or a higher step by the instant.
    public var escalated = 0
    /// Reached accountability (責任追究) by the instant.
    public var accountability = 0
    /// Reopened after closure (R21).
    public var reopened = 0

    public init(
        carriedOver: Int = 0, opened: Int = 0, closedOnTime: Int = 0, closedLate: Int = 0, open: Int = 0,
        overdue: Int = 0, deferred: Int = 0, referred: Int = 0, escalated: Int = 0, accountability: Int = 0,
        reopened: Int = 0
    ) {
        self.carriedOver = carriedOver
        self.opened = opened
        self.closedOnTime = closedOnTime
        self.closedLate = closedLate
        self.open = open
        self.overdue = overdue
        self.deferred = deferred
        self.referred = referred
        self.escalated = escalated
        self.accountability = accountability
        self.reopened = reopened
    }

    /// Items on the ledger in the window: carried over plus opened.
    public var onLedger: Int { carriedOver + opened }
    public var closed: Int { closedOnTime + closedLate }

    public static func + (lhs: ItemCounts, rhs: ItemCounts) -> ItemCounts {
        ItemCounts(
            carriedOver: lhs.carriedOver + rhs.carriedOver, opened: lhs.opened + rhs.opened,
            closedOnTime: lhs.closedOnTime + rhs.closedOnTime, closedLate: lhs.closedLate + rhs.closedLate,
            open: lhs.open + rhs.open, overdue: lhs.overdue + rhs.overdue, deferred: lhs.deferred + rhs.deferred,
            referred: lhs.referred + rhs.referred, escalated: lhs.escalated + rhs.escalated,
            accountability: lhs.accountability + rhs.accountability, reopened: lhs.reopened + rhs.reopened)
    }
}

/// Items of one source on the ledger in the window, and how many are closed at the instant.
public struct SourceCounts: Sendable, Equatable {
    public var onLedger = 0
    public var closed = 0
    /// Complaints whose reply deadline had come by the instant, or that were answered by it (R23).
    public var replyDue = 0
    /// Of those, answered by the instant and by their reply deadline.
    public var repliedOnTime = 0

    public init(onLedger: Int = 0, closed: Int = 0, replyDue: Int = 0, repliedOnTime: Int = 0) {
        self.onLedger = onLedger
        self.closed = closed
        self.replyDue = replyDue
        self.repliedOnTime = repliedOnTime
    }
}

/// Items open, and of those overdue, at one instant of the burn-down.
public struct BurndownPoint: Sendable, Equatable {
    public var at: Date
    public var open: Int
    public var overdue: Int

    public init(at: Date, open: Int, overdue: Int) {
        self.at = at
        self.open = open
        self.overdue = overdue
    }
}

/// A responsible person of an item: as the item names them (a name, or a role such as `@first`),
/// and the person that is at the report's instant.
public struct ResponsiblePerson: Sendable, Equatable {
    /// `first`, `main` or `direct`.
    public var role: String
    public var given: String?
    /// The name: as given, or the holder of the role at the instant; nil when the role is vacant.
    public var person: String?

    public init(role: String, given: String?, person: String?) {
        self.role = role
        self.given = given
        self.person = person
    }
}

/// An item listed by name in the report.
public struct ListedItem: Sendable, Equatable {
    public var id: Int64
    public var unit: String
    public var title: String
    public var source: String
    public var state: String
    public var deadline: Date
    /// The deadline before the first deferral or reopening, when it moved.
    public var originalDeadline: Date?
    public var overdue: Bool
    /// The highest escalation step reached by the instant (`circular`, `talk`, `accountability`).
    public var level: EscalationLevel?
    public var responsible: [ResponsiblePerson]
    /// When it was closed, for an item closed after the report's instant (its ``state`` is today's).
    public var closedLater: Date?

    public init(
        id: Int64, unit: String, title: String, source: String, state: String, deadline: Date,
        originalDeadline: Date?, overdue: Bool, level: EscalationLevel?, responsible: [ResponsiblePerson],
        closedLater: Date? = nil
    ) {
        self.id = id
        self.unit = unit
        self.title = title
        self.source = source
        self.state = state
        self.deadline = deadline
        self.originalDeadline = originalDeadline
        self.overdue = overdue
        self.level = level
        self.responsible = responsible
        self.closedLater = closedLater
    }
}
