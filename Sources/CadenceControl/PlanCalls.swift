public import CadenceCore

/// `GetPlan`: the campaign plans in force (`plans.d`), or one, as text for people: each phase
/// with its dates as the plan wrote them and where today stands, each deliverable with who has
/// handed it in and who has not.
public struct GetPlanCall: TabledCall {
    public static let method = "GetPlan"
    public static let changesLedger = false
    public static let reply = "(text: string, plans: int)"
    public static let parameters: [CallParameter<Self>] = [.optionalString("plan", \.plan, maximum: 200)]

    /// Every plan when absent.
    public var plan: String?

    public init() {}
}

/// `HandIn`: a unit handed in a deliverable of a campaign plan; the missed-duty item it got at
/// the due day, if any, is closed.
public struct HandInCall: TabledCall {
    public static let method = "HandIn"
    public static let changesLedger = true
    public static let reply = "(plan: string, deliverable: string, unit: string, handedOn: string, closed: []int)"
    public static let parameters: [CallParameter<Self>] = [
        .string("plan", \.plan, maximum: 200), .string("deliverable", \.deliverable, maximum: 200),
        .string("unit", \.unit, maximum: unitIDLimit), .optionalDate("handedOn", \.handedOn),
        .optionalString("note", \.note),
    ]

    public var plan = ""
    public var deliverable = ""
    public var unit = ""
    /// Today when absent.
    public var handedOn: LocalDate?
    public var note: String?

    public init() {}
}

/// `RecordCount`: a unit did something towards a plan's yearly quota or range (a drill held, an
/// exemplar named, training days, a demonstration site designated), on a day with a count.
public struct RecordCountCall: TabledCall {
    public static let method = "RecordCount"
    public static let changesLedger = true
    public static let reply = "(id: int, plan: string, rule: string, unit: string, day: string, total: int)"
    public static let parameters: [CallParameter<Self>] = [
        .string("plan", \.plan, maximum: 200), .string("rule", \.rule, maximum: 200),
        .string("unit", \.unit, maximum: unitIDLimit), .optionalDate("day", \.day), .optionalInt("count", \.count),
        .optionalString("note", \.note),
    ]

    public var plan = ""
    /// The `[Quota NAME]` or `[Range NAME]`.
    public var rule = ""
    public var unit = ""
    /// Today when absent.
    public var day: LocalDate?
    /// 1 when absent.
    public var count: Int?
    public var note: String?

    public init() {}
}
