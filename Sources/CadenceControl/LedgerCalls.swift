public import CadenceCore

// The ledger-wide calls: notices and history, status, import and export, the evaluation.

/// `ListNotices`: the newest notices, oldest first.
public struct ListNoticesCall: TabledCall {
    public static let method = "ListNotices"
    public static let changesLedger = false
    public static let reply = "(notices: []Notice)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalChoice("kind", \.kind), .optionalString("unit", \.unit), .limit(\.limit, fallback: 100),
        .optionalString("key", \.key),
    ]

    public var kind: NoticeKind?
    public var unit: String?
    /// Only the notice of this key (`CADENCED_NOTICE_KEY=`), as the ledger keeps it: names unmasked.
    public var key: String?
    public var limit = 100

    public init() {}
}

/// `ListHistory`: the newest `limit` entries of the history, oldest first.
public struct ListHistoryCall: TabledCall {
    public static let method = "ListHistory"
    public static let changesLedger = false
    public static let reply = "(entries: []HistoryEntry)"
    public static let parameters: [CallParameter<Self>] = [
        .limit(\.limit), .optionalInt("item", \.item), .optionalString("unit", \.unit),
    ]

    public var limit = 1000
    public var item: Int?
    public var unit: String?

    public init() {}
}

/// `GetStatus`: the daemon's state, its next occurrence and its counts.
public struct GetStatusCall: TabledCall {
    public static let method = "GetStatus"
    public static let changesLedger = false
    public static let reply = "(status: Status)"
    public static let parameters: [CallParameter<Self>] = []

    public init() {}
}

/// `Import`: units, commitments or items from a file's text, all or nothing.
public struct ImportCall: TabledCall {
    public static let method = "Import"
    public static let changesLedger = true
    public static let reply = """
        (kind: string,
                      rows: int, imported: int, dryRun: bool, problems: []ImportProblem, added: ?int,
                      unchanged: ?int, updated: ?int, changed: ?[]ImportChange, ignored: ?[]string)
        """
    public static let parameters: [CallParameter<Self>] = [
        .choice("kind", \.kind), .choice("format", \.format), .text("text", \.text), .flag("dryRun", \.dryRun),
        .flag("update", \.update),
    ]

    public var kind = ExchangeKind.items
    public var format = ExchangeFormat.csv
    /// The file as text (the client decodes its encoding).
    public var text = ""
    public var dryRun = false
    /// Apply the rows that differ from the items imported from them.
    public var update = false

    public init() {}
}

/// `Export`: units, commitments or items as CSV or JSON text.
public struct ExportCall: TabledCall {
    public static let method = "Export"
    public static let changesLedger = false
    public static let reply = "(text: string, rows: int)"
    public static let parameters: [CallParameter<Self>] = [
        .choice("kind", \.kind), .choice("format", \.format), .optionalString("unit", \.unit),
        .flag("mask", \.mask),
    ]

    public var kind = ExchangeKind.items
    public var format = ExchangeFormat.csv
    /// Only this unit's (for units: and its sub-units).
    public var unit: String?
    /// People masked (孙三 → 孙*, mobiles and addresses in part), for a copy that leaves the office.
    public var mask = false

    public init() {}
}

/// `Evaluate`: an evaluation report as text.
public struct EvaluateCall: TabledCall {
    public static let method = "Evaluate"
    public static let changesLedger = false
    public static let reply = "(text: string, units: int, asOf: string)"
    public static let parameters: [CallParameter<Self>] = [
        .int("year", \.year), .optionalChoice("variant", \.variant),
        .optionalString("unit", \.unit, maximum: unitIDLimit),
        .optionalChoice("format", \.format), .optionalChoice("language", \.language), .flag("mask", \.mask),
        .optionalString("asOf", \.asOf),
    ]

    public var year: Int64 = 0
    /// Year-end when absent.
    public var variant: EvaluationVariant?
    public var unit: String?
    /// Markdown when absent.
    public var format: EvaluationFormat?
    /// The daemon's `Language=` when absent.
    public var language: NoticeLanguage?
    /// Replace person names with codes.
    public var mask = false
    /// A date (the end of that day) or an instant; now when absent.
    public var asOf: String?

    public init() {}
}
