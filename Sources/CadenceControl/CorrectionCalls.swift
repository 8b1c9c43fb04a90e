public import CadenceCore

/// `RemoveReview`: takes out a review recorded by mistake; the duty it met is missed again.
public struct RemoveReviewCall: TabledCall {
    public static let method = "RemoveReview"
    public static let changesLedger = true
    public static let reply = "(review: Review, duty: string, item: ?int)"
    public static let parameters: [CallParameter<Self>] = [.int("id", \.id), .string("reason", \.reason)]

    public var id: Int64 = 0
    /// Why: said in the history with the record taken out.
    public var reason = ""

    public init() {}
}

/// `ListReports`: the information reports recorded.
public struct ListReportsCall: TabledCall {
    public static let method = "ListReports"
    public static let changesLedger = false
    public static let reply = "(reports: []Report)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalString("unit", \.unit), .optionalString("month", \.month), .limit(\.limit, fallback: 100_000),
    ]

    public var unit: String?
    /// YYYY-MM.
    public var month: String?
    public var limit = 100_000

    public init() {}
}

/// `RemoveReport`: takes out an information report recorded by mistake.
public struct RemoveReportCall: TabledCall {
    public static let method = "RemoveReport"
    public static let changesLedger = true
    public static let reply = "(report: Report)"
    public static let parameters: [CallParameter<Self>] = [.int("id", \.id), .string("reason", \.reason)]

    public var id: Int64 = 0
    public var reason = ""

    public init() {}
}

/// `PrintLedger`: the rectification ledger (整改台账) as a page to print, per unit.
public struct PrintLedgerCall: TabledCall {
    public static let method = "PrintLedger"
    public static let changesLedger = false
    public static let reply = "(html: string, units: int, items: int)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalString("unit", \.unit, maximum: unitIDLimit), .optionalChoice("language", \.language),
    ]

    /// This unit and the units under it; every unit when absent.
    public var unit: String?
    /// The daemon's `Language=` when absent.
    public var language: NoticeLanguage?

    public init() {}
}

/// `CommitmentBoard`: the commitments notice board (公示栏) of a year, per unit, with the
/// commitments not published in time.
public struct CommitmentBoardCall: TabledCall {
    public static let method = "CommitmentBoard"
    public static let changesLedger = false
    public static let reply = "(text: string, commitments: int, unpublished: int, deadline: ?string)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalString("unit", \.unit, maximum: unitIDLimit), .optionalInt("year", \.year),
        .optionalChoice("format", \.format), .optionalChoice("language", \.language), .flag("mask", \.mask),
    ]

    /// This unit and the units under it; every unit when absent.
    public var unit: String?
    /// This year when absent.
    public var year: Int?
    /// Markdown when absent (html and csv too).
    public var format: EvaluationFormat?
    public var language: NoticeLanguage?
    /// Members' names masked (孙三 → 孙*), as a board posted in public shows them.
    public var mask = false

    public init() {}
}
