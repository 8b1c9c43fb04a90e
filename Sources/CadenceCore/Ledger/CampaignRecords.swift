public import Foundation

/// An organisational unit (R13).
public struct UnitRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: String
    public var parent: String?
    /// The unit's own monthly report quota, when set; else the kind's default applies.
    public var quota: Int?
    /// Specialty line (醫療救治, 疾病預防控制…).
    public var specialty: String?
    public var grade: String?
    public var createdAt: Date
    public var removedAt: Date?
    /// The current liaison officer (holder of the `liaison` role).
    public var liaison: String?
    /// The regional holiday file whose days off it keeps (`Regional=`); nil: the office's.
    public var holidays: String?

    public init(
        id: String, name: String, kind: String, parent: String?, quota: Int?, specialty: String?, grade: String?,
        createdAt: Date, removedAt: Date?, liaison: String?, holidays: String? = nil
    ) {
        (self.id, self.name, self.kind, self.parent, self.quota) = (id, name, kind, parent, quota)
        (self.specialty, self.grade, self.createdAt, self.removedAt) = (specialty, grade, createdAt, removedAt)
        (self.liaison, self.holidays) = (liaison, holidays)
    }

    /// Reports owed per month: the unit's own quota, else the default of its kind.
    public var monthlyQuota: Int { quota ?? UnitKind(rawValue: kind)?.defaultMonthlyQuota ?? 0 }
}

extension UnitRecord: WireRecord {
    public static let wireType = "Unit"
    public static let wireFields: [WireField<Self>] = [
        .text("id", { $0.id }), .text("name", { $0.name }), .text("kind", { $0.kind }),
        .optionalText("parent", { $0.parent }), .integer("quota", { Int64($0.monthlyQuota) }),
        .optionalInteger("ownQuota", { $0.quota.map(Int64.init) }), .optionalText("specialty", { $0.specialty }),
        .optionalText("grade", { $0.grade }), .optionalText("liaison", { $0.liaison }),
        .optionalText("holidays", { $0.holidays }), .flag("removed", { $0.removedAt != nil }),
    ]
}

/// Who held a role in a unit, and when.
public struct RoleRecord: Sendable, Equatable {
    public var unit: String
    public var role: String
    public var person: String
    public var since: Date
    public var until: Date?

    public init(unit: String, role: String, person: String, since: Date, until: Date?) {
        (self.unit, self.role, self.person, self.since, self.until) = (unit, role, person, since, until)
    }
}

extension RoleRecord: WireRecord {
    public static let wireType = "Role"
    public static let wireFields: [WireField<Self>] = [
        .text("unit", { $0.unit }), .text("role", { $0.role }), .text("person", { $0.person }),
        .instant("since", { $0.since }), .optionalInstant("until", { $0.until }),
    ]
}

/// A public commitment (R24) with its latest evaluation.
public struct CommitmentRecord: Sendable, Equatable {
    public var id: Int64
    public var unit: String
    public var member: String?
    public var post: String?
    public var direction: String?
    public var year: Int
    public var text: String
    public var publishedOn: String?
    public var status: String?
    public var evaluatedPeriod: String?
    public var evaluations: Int

    public init(
        id: Int64, unit: String, member: String?, post: String?, direction: String?, year: Int, text: String,
        publishedOn: String?, status: String?, evaluatedPeriod: String?, evaluations: Int
    ) {
        (self.id, self.unit, self.member, self.post, self.direction) = (id, unit, member, post, direction)
        (self.year, self.text, self.publishedOn, self.status) = (year, text, publishedOn, status)
        (self.evaluatedPeriod, self.evaluations) = (evaluatedPeriod, evaluations)
    }
}

extension CommitmentRecord: WireRecord {
    public static let wireType = "Commitment"
    public static let wireFields: [WireField<Self>] = [
        .integer("id", { $0.id }), .text("unit", { $0.unit }), .optionalText("member", { $0.member }),
        .optionalText("post", { $0.post }), .optionalText("direction", { $0.direction }),
        .integer("year", { Int64($0.year) }), .text("text", { $0.text }),
        .optionalText("publishedOn", { $0.publishedOn }), .optionalText("status", { $0.status }),
        .optionalText("evaluatedPeriod", { $0.evaluatedPeriod }), .integer("evaluations", { Int64($0.evaluations) }),
    ]
}

/// The duties recorded per unit and period, as people name them.
public enum ReviewKind: String, CaseIterable, Sendable, Vocabulary {
    case review, inspection, appraisal, evaluation

    /// The kind of a stored review; an unknown one reads as a review.
    public init(_ stored: String) { self = ReviewKind(rawValue: stored) ?? .review }

    public var cadenceKind: CadenceKind {
        switch self {
        case .review: .review
        case .inspection: .inspection
        case .appraisal: .appraisal
        case .evaluation: .evaluation
        }
    }
}

/// A review, inspection, appraisal or evaluation held for a unit in a period (R3).
public struct ReviewRecord: Sendable, Equatable {
    public var id: Int64
    public var unit: String
    public var kind: String
    public var cadence: String?
    public var period: String
    public var heldOn: String
    public var form: String?
    public var reviewer: String?
    public var byUnit: String?
    public var subject: String?
    public var outcome: String?
    public var override: Bool
    public var recordedAt: Date
    /// A public appraisal's results, when recorded.
    public var results: AppraisalResults?

    public init(
        id: Int64, unit: String, kind: String, cadence: String?, period: String, heldOn: String, form: String?,
        reviewer: String?, byUnit: String?, subject: String?, outcome: String?, override: Bool, recordedAt: Date
    ) {
        (self.id, self.unit, self.kind, self.cadence, self.period, self.heldOn) = (
            id, unit, kind, cadence, period, heldOn
        )
        (self.form, self.reviewer, self.byUnit, self.subject) = (form, reviewer, byUnit, subject)
        (self.outcome, self.override, self.recordedAt) = (outcome, override, recordedAt)
    }
}

extension ReviewRecord: WireRecord {
    public static let wireType = "Review"
    public static let wireFields: [WireField<Self>] = [
        .integer("id", { $0.id }), .text("unit", { $0.unit }), .text("kind", { ReviewKind($0.kind).rawValue }),
        .optionalText("cadence", { $0.cadence }), .text("period", { $0.period }), .text("heldOn", { $0.heldOn }),
        .optionalText("form", { $0.form }), .optionalText("reviewer", { $0.reviewer }),
        .optionalText("byUnit", { $0.byUnit }), .optionalText("subject", { $0.subject }),
        .optionalText("outcome", { $0.outcome }), .flag("override", { $0.override }),
        WireField("formsReturned", nil, "?int") { r, _ in .integer(r.results?.formsReturned.map(Int64.init)) },
        WireField("satisfied", nil, "?int") { r, _ in .integer(r.results?.satisfied.map(Int64.init)) },
        WireField("members", nil, "?int") { r, _ in .integer(r.results?.members.map(Int64.init)) },
        WireField("membersAppraised", nil, "?int") { r, _ in .integer(r.results?.membersAppraised.map(Int64.init)) },
    ]
}

/// What a public appraisal (群众评议) found (R12): of the forms returned, how many were satisfied;
/// of the unit's members, how many were appraised. Either pair may be left out.
public struct AppraisalResults: Sendable, Equatable {
    public var formsReturned: Int?
    public var satisfied: Int?
    public var members: Int?
    public var membersAppraised: Int?

    public init(formsReturned: Int? = nil, satisfied: Int? = nil, members: Int? = nil, membersAppraised: Int? = nil) {
        (self.formsReturned, self.satisfied, self.members, self.membersAppraised) = (
            formsReturned, satisfied, members, membersAppraised
        )
    }

    /// Nil when nothing is given.
    public var nonEmpty: AppraisalResults? {
        [formsReturned, satisfied, members, membersAppraised].allSatisfy { $0 == nil } ? nil : self
    }

    /// Why these results cannot be (a count below zero, more satisfied than returned, more appraised
    /// than members, half of a pair), or nil.
    public var problem: String? {
        for (name, value) in [
            ("formsReturned", formsReturned), ("satisfied", satisfied), ("members", members),
            ("membersAppraised", membersAppraised),
        ] {
            if let value, value < 0 { return "\(name) \(value) is below zero" }
        }
        if (formsReturned == nil) != (satisfied == nil) { return "give formsReturned and satisfied together" }
        if (members == nil) != (membersAppraised == nil) { return "give members and membersAppraised together" }
        if let returned = formsReturned, let satisfied, satisfied > returned {
            return "\(satisfied) satisfied of \(returned) forms returned: more than were returned"
        }
        if let members, let appraised = membersAppraised, appraised > members {
            return "\(appraised) members appraised of \(members): more than the unit has"
        }
        return nil
    }
}

/// One unit's information reports in a month against its quota.
public struct QuotaLine: Sendable, Equatable {
    public var unit: String
    public var name: String
    public var kind: String
    public var required: Int
    public var submitted: Int
    public var short: Bool { submitted < required }

    public init(unit: String, name: String, kind: String, required: Int, submitted: Int) {
        (self.unit, self.name, self.kind, self.required, self.submitted) = (unit, name, kind, required, submitted)
    }
}

extension QuotaLine: WireRecord {
    public static let wireType = "QuotaLine"
    public static let wireFields: [WireField<Self>] = [
        .text("unit", { $0.unit }), .text("name", { $0.name }), .text("kind", { $0.kind }),
        .integer("required", { Int64($0.required) }), .integer("submitted", { Int64($0.submitted) }),
        .flag("short", { $0.short }),
    ]
}

/// One information report a unit submitted (R9).
public struct ReportRecord: Sendable, Equatable {
    public var id: Int64
    public var unit: String
    public var month: String
    public var submittedOn: String
    public var title: String
    public var liaison: String?
    public var recipient: String?
    public var recordedAt: Date

    public init(
        id: Int64, unit: String, month: String, submittedOn: String, title: String, liaison: String?,
        recipient: String?, recordedAt: Date
    ) {
        (self.id, self.unit, self.month, self.submittedOn, self.title) = (id, unit, month, submittedOn, title)
        (self.liaison, self.recipient, self.recordedAt) = (liaison, recipient, recordedAt)
    }
}

extension ReportRecord: WireRecord {
    public static let wireType = "Report"
    public static let wireFields: [WireField<Self>] = [
        .integer("id", { $0.id }), .text("unit", { $0.unit }), .text("month", { $0.month }),
        .text("submittedOn", { $0.submittedOn }), .text("title", { $0.title }),
        .optionalText("liaison", { $0.liaison }), .optionalText("recipient", { $0.recipient }),
    ]
}
