public import CadenceCore

// The campaign's calls: units and roles, commitments, reviews and information reports. Each
// lists its parameters once (see ``TabledCall``).

extension TabledCall {
    /// The call with the parameters `build` sets (`AddUnitCall { $0.id = "county-a" }`).
    public init(_ build: (inout Self) -> Void) {
        self.init()
        build(&self)
    }
}

/// `AddUnit`: a unit of the tree (R13).
public struct AddUnitCall: TabledCall {
    public static let method = "AddUnit"
    public static let changesLedger = true
    public static let reply = "(unit: Unit)"
    public static let parameters: [CallParameter<Self>] = [
        .string("id", \.id, maximum: unitIDLimit), .string("name", \.name), .choice("kind", \.kind),
        .optionalString("parent", \.parent), .optionalInt("quota", \.quota),
        .optionalString("specialty", \.specialty), .optionalString("grade", \.grade),
        .optionalString("liaison", \.liaison), .optionalString("holidays", \.holidays),
    ]
    /// The regional holiday file whose days off it keeps (`Regional=` of cadenced.conf).
    public var holidays: String?

    public var id = ""
    public var name = ""
    public var kind = UnitKind.other
    public var parent: String?
    /// The unit's own monthly report quota (0–100), when it is not its kind's.
    public var quota: Int?
    public var specialty: String?
    public var grade: String?
    public var liaison: String?

    public init() {}
}

/// `EditUnit`: corrects a unit (its name, kind, parent or quota) with a reason; a move keeps its
/// records. The liaison is a role (`AssignRole`).
public struct EditUnitCall: TabledCall {
    public static let method = "EditUnit"
    public static let changesLedger = true
    public static let reply = "(unit: Unit, changed: []string)"
    public static let parameters: [CallParameter<Self>] = [
        .string("id", \.id, maximum: unitIDLimit), .string("reason", \.reason), .optionalString("name", \.name),
        .optionalChoice("kind", \.kind), .optionalString("parent", \.parent), .flag("topLevel", \.topLevel),
        .optionalInt("quota", \.quota), .optionalString("holidays", \.holidays),
    ]

    /// The regional holiday file whose days off it keeps; `none`: the office's again.
    public var holidays: String?
    public var id = ""
    /// Why: said in the history with the change.
    public var reason = ""
    public var name: String?
    public var kind: UnitKind?
    /// The new parent; `topLevel` moves it to the top of the tree instead.
    public var parent: String?
    public var topLevel = false
    public var quota: Int?

    public init() {}
}

/// `GetUnit`: one unit and the ids of its sub-units.
public struct GetUnitCall: TabledCall {
    public static let method = "GetUnit"
    public static let changesLedger = false
    public static let reply = "(unit: Unit, children: []string)"
    public static let parameters: [CallParameter<Self>] = [.string("id", \.id, maximum: unitIDLimit)]

    public var id = ""

    public init() {}
}

/// `ListUnits`: units by id; the children of `parent` when given.
public struct ListUnitsCall: TabledCall {
    public static let method = "ListUnits"
    public static let changesLedger = false
    public static let reply = "(units: []Unit)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalString("parent", \.parent), .flag("includeRemoved", \.includeRemoved),
    ]

    public var parent: String?
    public var includeRemoved = false

    public init() {}
}

/// `RemoveUnit`: takes a unit out of the tree.
public struct RemoveUnitCall: TabledCall {
    public static let method = "RemoveUnit"
    public static let changesLedger = true
    public static let reply = "(unit: Unit)"
    public static let parameters: [CallParameter<Self>] = [.string("id", \.id, maximum: unitIDLimit)]

    public var id = ""

    public init() {}
}

/// `AssignRole`: a role of a unit to a person; items naming the role follow it.
public struct AssignRoleCall: TabledCall {
    public static let method = "AssignRole"
    public static let changesLedger = true
    public static let reply = "(role: Role)"
    public static let parameters: [CallParameter<Self>] = [
        .string("unit", \.unit, maximum: unitIDLimit), .choice("role", \.role), .string("person", \.person),
    ]

    public var unit = ""
    public var role = UnitRole.first
    public var person = ""

    public init() {}
}

/// `EndRole`: ends one person's tenure of a role (a member leaving the leading group).
public struct EndRoleCall: TabledCall {
    public static let method = "EndRole"
    public static let changesLedger = true
    public static let reply = "(role: Role)"
    public static let parameters: [CallParameter<Self>] = [
        .string("unit", \.unit, maximum: unitIDLimit), .choice("role", \.role), .string("person", \.person),
    ]

    public var unit = ""
    public var role = UnitRole.groupMember
    public var person = ""

    public init() {}
}

/// `ListRoles`: current role holders, or every tenure.
public struct ListRolesCall: TabledCall {
    public static let method = "ListRoles"
    public static let changesLedger = false
    public static let reply = "(roles: []Role)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalString("unit", \.unit), .flag("includePast", \.includePast),
    ]

    public var unit: String?
    public var includePast = false

    public init() {}
}

/// `AddCommitment`: a public commitment of a unit or of one of its members (R24).
public struct AddCommitmentCall: TabledCall {
    public static let method = "AddCommitment"
    public static let changesLedger = true
    public static let reply = "(commitment: Commitment)"
    public static let parameters: [CallParameter<Self>] = [
        .string("unit", \.unit, maximum: unitIDLimit), .string("text", \.text), .optionalInt("year", \.year),
        .optionalString("member", \.member), .optionalString("post", \.post),
        .optionalString("direction", \.direction), .optionalDate("publishedOn", \.publishedOn),
    ]

    public var unit = ""
    public var text = ""
    /// This year when absent.
    public var year: Int?
    public var member: String?
    public var post: String?
    public var direction: String?
    public var publishedOn: LocalDate?

    public init() {}
}

/// `ListCommitments`: commitments with their last evaluation.
public struct ListCommitmentsCall: TabledCall {
    public static let method = "ListCommitments"
    public static let changesLedger = false
    public static let reply = "(commitments: []Commitment)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalString("unit", \.unit), .optionalInt("year", \.year), .limit(\.limit, fallback: 100_000),
    ]

    public var unit: String?
    public var year: Int?
    public var limit = 100_000

    public init() {}
}

/// `EvaluateCommitment`: how far a commitment is honoured, judged at a review.
public struct EvaluateCommitmentCall: TabledCall {
    public static let method = "EvaluateCommitment"
    public static let changesLedger = true
    public static let reply = "(commitment: Commitment)"
    public static let parameters: [CallParameter<Self>] = [
        .int("id", \.id), .choice("status", \.status), .optionalString("period", \.period),
        .optionalString("note", \.note),
    ]

    public var id: Int64 = 0
    public var status = CommitmentStatus.fulfilled
    /// The review quarter (`2027-Q1`); the current one when absent.
    public var period: String?
    public var note: String?

    public init() {}
}

/// `RecordReview`: a review, inspection, appraisal or evaluation held for a unit.
public struct RecordReviewCall: TabledCall {
    public static let method = "RecordReview"
    public static let changesLedger = true
    public static let reply = "(review: Review)"
    public static let parameters: [CallParameter<Self>] = [
        .string("unit", \.unit, maximum: unitIDLimit), .optionalChoice("kind", \.kind),
        .optionalString("cadence", \.cadence), .optionalString("period", \.period),
        .optionalDate("heldOn", \.heldOn), .optionalChoice("form", \.form), .optionalString("reviewer", \.reviewer),
        .optionalString("byUnit", \.byUnit), .optionalString("subject", \.subject),
        .optionalString("outcome", \.outcome), .flag("override", \.override),
        .optionalInt("formsReturned", \.formsReturned), .optionalInt("satisfied", \.satisfied),
        .optionalInt("members", \.members), .optionalInt("membersAppraised", \.membersAppraised),
    ]

    public var unit = ""
    public var kind: ReviewKind?
    /// The cadence it is recorded for (its duty), when the kind alone does not say.
    public var cadence: String?
    public var period: String?
    /// Today when absent.
    public var heldOn: LocalDate?
    public var form: ReviewForm?
    public var reviewer: String?
    public var byUnit: String?
    public var subject: String?
    public var outcome: String?
    public var override = false
    /// A public appraisal's results: forms returned and of them satisfied; members and of them appraised.
    public var formsReturned: Int?
    public var satisfied: Int?
    public var members: Int?
    public var membersAppraised: Int?

    public init() {}
}

/// `ListReviews`: the reviews recorded.
public struct ListReviewsCall: TabledCall {
    public static let method = "ListReviews"
    public static let changesLedger = false
    public static let reply = "(reviews: []Review)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalString("unit", \.unit), .optionalChoice("kind", \.kind), .optionalString("period", \.period),
        .limit(\.limit, fallback: 100_000),
    ]

    public var unit: String?
    public var kind: ReviewKind?
    public var period: String?
    public var limit = 100_000

    public init() {}
}

/// `SubmitReport`: one information report submitted by a unit.
public struct SubmitReportCall: TabledCall {
    public static let method = "SubmitReport"
    public static let changesLedger = true
    public static let reply = "(id: int, month: string)"
    public static let parameters: [CallParameter<Self>] = [
        .string("unit", \.unit, maximum: unitIDLimit), .string("title", \.title), .optionalString("month", \.month),
        .optionalDate("submittedOn", \.submittedOn), .optionalString("liaison", \.liaison),
        .optionalString("recipient", \.recipient),
    ]

    public var unit = ""
    public var title = ""
    /// The month of ``submittedOn`` when absent.
    public var month: String?
    /// Today when absent.
    public var submittedOn: LocalDate?
    public var liaison: String?
    public var recipient: String?

    public init() {}
}

/// `GetQuota`: reports submitted against quotas in a month.
public struct GetQuotaCall: TabledCall {
    public static let method = "GetQuota"
    public static let changesLedger = false
    public static let reply = "(month: string, lines: []QuotaLine)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalString("month", \.month), .flag("all", \.all),
    ]

    /// The current month when absent.
    public var month: String?
    /// Every unit, not only those with a quota.
    public var all = false

    public init() {}
}
