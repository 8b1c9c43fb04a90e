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

extension RectificationItem {
    /// One field of an item as people and programs see it: its name in replies and in the
    /// interface's `Item` type, its label in `cadencectl item show`, and its value.
    public struct Field: Sendable {
        /// A field's value, in the types the wire carries.
        public enum Value: Sendable, Equatable {
            case text(String?)
            case integer(Int64)
            case instant(Date?)
            case flag(Bool)
            case texts([String])
        }

        public let name: StaticString
        /// The label `cadencectl item show` prints it under (nil: not shown there).
        public let label: String?
        /// Its Varlink type (`string`, `?string`, `int`, `bool`, `[]string`).
        public let type: String
        /// The value at an instant (`overdue` depends on it).
        public let value: @Sendable (RectificationItem, Date) -> Value

        init(
            _ name: StaticString, _ label: String?, _ type: String,
            _ value: @escaping @Sendable (RectificationItem, Date) -> Value
        ) {
            self.name = name
            self.label = label
            self.type = type
            self.value = value
        }

        static func text(
            _ name: StaticString, _ label: String?, _ path: @escaping @Sendable (RectificationItem) -> String
        )
            -> Field
        { Field(name, label, "string") { item, _ in .text(path(item)) } }
        static func optionalText(
            _ name: StaticString, _ label: String?, _ path: @escaping @Sendable (RectificationItem) -> String?
        ) -> Field { Field(name, label, "?string") { item, _ in .text(path(item)) } }
        static func instant(
            _ name: StaticString, _ label: String?, _ path: @escaping @Sendable (RectificationItem) -> Date
        )
            -> Field
        { Field(name, label, "string") { item, _ in .instant(path(item)) } }
        static func optionalInstant(
            _ name: StaticString, _ label: String?, _ path: @escaping @Sendable (RectificationItem) -> Date?
        ) -> Field { Field(name, label, "?string") { item, _ in .instant(path(item)) } }
    }

    /// Every field of an item, in the order people read them: the one list that replies
    /// (`GetItem`, `ListItems`, …), the interface's `Item` type and `cadencectl item show` follow.
    /// A new field is a property above, its line here, and its column in the store (a new free-text
    /// field is one case of ``ItemText``).
    public static let fields: [Field] =
        [
            Field("id", "Item", "int") { item, _ in .integer(item.id) },
            .text("unit", "Unit", { $0.unit }),
            .text("title", "Title", { $0.title }),
            .text("state", "State", { $0.state.rawValue }),
            Field("overdue", "Overdue", "bool") { item, instant in .flag(item.isOverdue(at: instant)) },
            .instant("deadline", "Deadline", { $0.deadline }),
            .optionalText("deadlineDate", nil, { $0.deadlineDate }),
            .optionalInstant("originalDeadline", "Original deadline", { $0.originalDeadline }),
            .optionalText("originalDeadlineDate", nil, { $0.originalDeadlineDate }),
            .text("source", "Source", { $0.source }),
            .optionalText("scope", "Scope", { $0.scope }),
            .optionalText("urgency", "Urgency", { $0.urgency }),
            .optionalText("difficulty", "Difficulty", { $0.difficulty }),
        ]
        + ItemText.allCases.map { text in .optionalText(text.info.name, text.info.label, { $0.texts[text] }) }
        + [
            .optionalText("firstPerson", "First responsible", { $0.firstPerson }),
            .optionalText("first", "  as given", { $0.first }),
            .optionalText("mainPerson", "Main responsible", { $0.mainPerson }),
            .optionalText("main", nil, { $0.main }),
            .optionalText("directPerson", "Direct responsible", { $0.directPerson }),
            .optionalText("direct", nil, { $0.direct }),
            .optionalText("plan", "Plan", { $0.plan }),
            .optionalText("explanation", "Explanation", { $0.explanation }),
            .optionalText("referredTo", "Referred to", { $0.referredTo }),
            .optionalInstant("rectifiedAt", "Rectified at", { $0.rectifiedAt }),
            .optionalText("verifiedBy", "Verified by", { $0.verifiedBy }),
            .optionalText("note", "Note", { $0.note }),
            Field("flagged", "Flagged", "bool") { item, _ in .flag(item.flagged) },
            Field("round", "Round", "int") { item, _ in .integer(Int64(item.round)) },
            Field("stages", "Stages", "[]string") { item, _ in
                .texts(item.recordedStages.isEmpty ? [] : item.recordedStages.sorted().map(\.description))
            },
            .optionalInstant("nextEvent", "Next event", { $0.nextEventAt }),
            .optionalText("origin", "Origin", { $0.origin }),
            .instant("createdAt", "Created", { $0.createdAt }),
            .optionalInstant("closedAt", "Closed", { $0.closedAt }),
        ]

    /// ``fields`` by name, the order replies write them in.
    public static let fieldsByName: [Field] = fields.sorted { "\($0.name)" < "\($1.name)" }
}
