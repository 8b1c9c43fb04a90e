public import Foundation

/// A rectification item (整改事项) and where it stands: what the ledger holds of one problem.
public struct RectificationItem: Sendable, Equatable {
    public var id: Int64
    public var unit: String
    public var title: String
    /// The deadline in force (a deferral moves it).
    public var deadline: Date
    /// The deadline as the date typed (`2026-10-31`), when it was given as a date.
    public var deadlineDate: String?
    public var state: ItemState
    public var createdAt: Date
    public var closedAt: Date?
    public var nextEventAt: Date?
    /// The stages already recorded in the current round (warnings, overdue, escalation steps).
    public var recordedStages: Set<ItemStage>
    public var source: String = ItemSource.selfExamination.rawValue
    public var scope: String?
    public var urgency: String?
    public var difficulty: String?
    /// What the office wrote: category, measures, acceptance criteria (see ``ItemText``).
    public var texts = ItemTexts()
    /// Responsible people as given: a name, or a role of the unit (`@first`).
    public var first: String?
    public var main: String?
    public var direct: String?
    /// The same, with roles resolved to their current holders (nil for a role nobody holds).
    public var firstPerson: String?
    public var mainPerson: String?
    public var directPerson: String?
    /// Rounds of stages: 0 at first; each deferral or reopening starts a new one against the new deadline.
    public var round: Int = 0
    /// Circulated by a superior, or reopened: overdue means accountability at once.
    public var flagged: Bool = false
    public var originalDeadline: Date?
    public var originalDeadlineDate: String?
    public var plan: String?
    public var explanation: String?
    public var referredTo: String?
    public var rectifiedAt: Date?
    public var verifiedBy: String?
    public var note: String?
    /// Why the daemon opened it (`missed/review/2026-Q1/unit`), for items it opened itself.
    public var origin: String?
    /// The key of the imported row it came from (unit, then its number or its content).
    public var importKey: String?
    /// The earlier item whose problem this one is a recurrence of (R21).
    public var recurrenceOf: Int64?
    /// The public appraisal (a review's number) that found it (R23).
    public var appraisal: Int64?
    /// The review or inspection of its unit (a review's number) that did not find it (R21).
    public var missedBy: Int64?
    /// A complaint's reply to the complainant, when it was recorded, and by when it is due (R23).
    public var reply: String?
    public var repliedAt: Date?
    public var replyDueAt: Date?

    /// A complaint whose reply is not recorded and whose reply deadline has passed at `instant`.
    public func isReplyOverdue(at instant: Date) -> Bool {
        source == ItemSource.complaint.rawValue && repliedAt == nil && closedAt == nil
            && replyDueAt.map { $0 <= instant } == true
    }

    /// An item with its required fields; the store sets the rest from its columns.
    public init(id: Int64, unit: String, title: String, deadline: Date, state: ItemState, createdAt: Date) {
        self.id = id
        self.unit = unit
        self.title = title
        self.deadline = deadline
        self.state = state
        self.createdAt = createdAt
        self.recordedStages = []
    }

    /// Open, not referred, and past its deadline at `instant`.
    public func isOverdue(at instant: Date) -> Bool {
        closedAt == nil && state != .referred && deadline <= instant
    }
}

extension RectificationItem: WireRecord {
    public typealias Field = WireField<RectificationItem>

    public static let wireType = "Item"
    public static var wireFields: [Field] { fields }
    public static var wireFieldsByName: [Field] { fieldsByName }

    /// Every field of an item, in the order people read them: the one list that replies
    /// (`GetItem`, `ListItems`, …), the interface's `Item` type and `cadencectl item show` follow.
    /// A new field is a property above, its line here, and its column in the store (a new free-text
    /// field is one case of ``ItemText``).
    public static let fields: [Field] =
        [
            Field("id", "Item", "int") { item, _ in .integer(item.id) },
            .text("unit", label: "Unit", { $0.unit }),
            .text("title", label: "Title", { $0.title }),
            .text("state", label: "State", { $0.state.rawValue }),
            Field("overdue", "Overdue", "bool") { item, instant in .flag(item.isOverdue(at: instant)) },
            Field("overdueDays", "Days overdue", "?int") { item, instant in
                .integer(item.isOverdue(at: instant) ? Int64(instant.timeIntervalSince(item.deadline) / 86_400) : nil)
            },
            .instant("deadline", label: "Deadline", { $0.deadline }),
            .optionalText("deadlineDate", { $0.deadlineDate }),
            .optionalInstant("originalDeadline", label: "Original deadline", { $0.originalDeadline }),
            .optionalText("originalDeadlineDate", { $0.originalDeadlineDate }),
            .text("source", label: "Source", { $0.source }),
            .optionalText("scope", label: "Scope", { $0.scope }),
            .optionalText("urgency", label: "Urgency", { $0.urgency }),
            .optionalText("difficulty", label: "Difficulty", { $0.difficulty }),
        ]
        + ItemText.allCases.map { text in .optionalText(text.info.name, label: text.info.label, { $0.texts[text] }) }
        + [
            .optionalText("firstPerson", label: "First responsible", { $0.firstPerson }),
            .optionalText("first", label: "  as given", { $0.first }),
            .optionalText("mainPerson", label: "Main responsible", { $0.mainPerson }),
            .optionalText("main", { $0.main }),
            .optionalText("directPerson", label: "Direct responsible", { $0.directPerson }),
            .optionalText("direct", { $0.direct }),
            .optionalText("plan", label: "Plan", { $0.plan }),
            .optionalText("explanation", label: "Explanation", { $0.explanation }),
            .optionalText("referredTo", label: "Referred to", { $0.referredTo }),
            .optionalInstant("rectifiedAt", label: "Rectified at", { $0.rectifiedAt }),
            .optionalText("verifiedBy", label: "Verified by", { $0.verifiedBy }),
            .optionalText("note", label: "Note", { $0.note }),
            Field("flagged", "Flagged", "bool") { item, _ in .flag(item.flagged) },
            Field("recurrenceOf", "Recurrence of", "?int") { item, _ in .integer(item.recurrenceOf) },
            Field("appraisal", "Found by appraisal", "?int") { item, _ in .integer(item.appraisal) },
            Field("missedBy", "Missed by", "?int") { item, _ in .integer(item.missedBy) },
            .optionalInstant("replyDue", label: "Reply due", { $0.replyDueAt }),
            .optionalInstant("repliedAt", label: "Replied", { $0.repliedAt }),
            .optionalText("reply", label: "Reply", { $0.reply }),
            Field("replyOverdue", "Reply overdue", "bool") { item, instant in .flag(item.isReplyOverdue(at: instant)) },
            Field("round", "Round", "int") { item, _ in .integer(Int64(item.round)) },
            Field("stages", "Stages", "[]string") { item, _ in
                .texts(item.recordedStages.isEmpty ? [] : item.recordedStages.sorted().map(\.description))
            },
            .optionalInstant("nextEvent", label: "Next event", { $0.nextEventAt }),
            .optionalText("origin", label: "Origin", { $0.origin }),
            .instant("createdAt", label: "Created", { $0.createdAt }),
            .optionalInstant("closedAt", label: "Closed", { $0.closedAt }),
        ]

    /// ``fields`` by name, the order replies write them in.
    public static let fieldsByName: [Field] = fields.sorted { "\($0.name)" < "\($1.name)" }
}
