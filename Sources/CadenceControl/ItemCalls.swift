public import CadenceCore

/// One method of `io.cadenced.Ledger` with typed parameters. `cadencectl` builds the value and
/// writes it; the daemon reads the same type from the call; the method's line in
/// ``LedgerInterface/description`` is made from ``signature``, so the three cannot drift apart.
public protocol LedgerCall: Sendable, Equatable {
    /// The method's name in the interface (`AddItem`).
    static var method: String { get }
    /// The parameters in the interface's order, with their Varlink types (`?string`).
    static var signature: [(name: String, type: String)] { get }
    /// The reply's Varlink type (`(item: Item)`).
    static var reply: String { get }
    /// Whether the call changes the ledger (then only root and `AdminGroup=` may make it).
    static var changesLedger: Bool { get }
    /// Reads a call's parameters: a missing or mistyped one is `InvalidParameter`, a value that
    /// makes no sense (an unknown state, a blank title) is `InvalidArgument` with the reason.
    init(reading parameters: ControlParameters) throws
    /// The parameters as the JSON object sent on the wire.
    func json() -> RawJSON
}

extension LedgerCall {
    /// `method AddItem(unit: string, …) -> (item: Item)`, wrapped under its parenthesis after 100
    /// columns as the rest of the interface is.
    public static var definition: String {
        let head = "method \(method)("
        if signature.isEmpty { return head + ") -> " + reply }
        var lines = [head]
        for (index, parameter) in signature.enumerated() {
            let text = "\(parameter.name): \(parameter.type)" + (index < signature.count - 1 ? "," : "")
            if lines[lines.count - 1].count + text.count + 1 > 100 {
                lines[lines.count - 1].removeLast()  // the space after the comma
                lines.append(String(repeating: " ", count: head.count))
            }
            lines[lines.count - 1] += text + " "
        }
        lines[lines.count - 1].removeLast()
        return lines.joined(separator: "\n") + ") -> " + reply
    }

    /// Writes the parameters with `body` into one JSON object.
    static func object(_ body: (inout JSONObjectWriter) -> Void) -> RawJSON {
        var out: [UInt8] = []
        var writer = JSONObjectWriter(taking: &out)
        body(&writer)
        return RawJSON(writer.finish())
    }
}

/// The longest unit id a call accepts.
let unitIDLimit = 100

/// `AddItem`: a new open item. The deadline is given as typed (`2026-12-31`, `+10wd`, an
/// instant); the daemon reads it against its zone, working days and clock.
public struct AddItemCall: LedgerCall {
    public static let method = "AddItem"
    public static let changesLedger = true
    public static let signature =
        [
            ("unit", "string"), ("title", "string"), ("deadline", "string"), ("source", "?string"),
            ("scope", "?string"), ("urgency", "?string"), ("difficulty", "?string"),
        ].map { (name: $0.0, type: $0.1) } + ItemText.allCases.map { (name: $0.name, type: "?string") }
        + [("first", "?string"), ("main", "?string"), ("direct", "?string")].map { (name: $0.0, type: $0.1) }
    public static let reply = "(item: Item)"

    public var unit: String
    public var title: String
    public var deadline: String
    public var source: ItemSource?
    public var scope: ItemScope?
    public var urgency: ItemPriority?
    public var difficulty: ItemPriority?
    /// Category, measures, acceptance criteria (see ``ItemText``).
    public var texts: ItemTexts
    public var first: String?
    public var main: String?
    public var direct: String?

    public init(
        unit: String, title: String, deadline: String, source: ItemSource? = nil, scope: ItemScope? = nil,
        urgency: ItemPriority? = nil, difficulty: ItemPriority? = nil, texts: ItemTexts = ItemTexts(),
        first: String? = nil, main: String? = nil, direct: String? = nil
    ) {
        self.unit = unit
        self.title = title
        self.deadline = deadline
        self.source = source
        self.scope = scope
        self.urgency = urgency
        self.difficulty = difficulty
        self.texts = texts
        self.first = first
        self.main = main
        self.direct = direct
    }

    public init(reading p: ControlParameters) throws {
        deadline = try p.string("deadline")
        unit = try p.string("unit", maximum: unitIDLimit)
        title = try p.string("title")
        source = try p.optionalChoice("source", ItemSource.self)
        scope = try p.optionalChoice("scope", ItemScope.self)
        urgency = try p.optionalChoice("urgency", ItemPriority.self)
        difficulty = try p.optionalChoice("difficulty", ItemPriority.self)
        texts = try ItemTexts { try p.optionalString($0.name) }
        first = try p.optionalString("first")
        main = try p.optionalString("main")
        direct = try p.optionalString("direct")
    }

    public func json() -> RawJSON {
        let fields: [(name: StaticString, value: String?)] =
            [
                ("deadline", deadline), ("difficulty", difficulty?.rawValue), ("direct", direct), ("first", first),
                ("main", main), ("scope", scope?.rawValue), ("source", source?.rawValue), ("title", title),
                ("unit", unit), ("urgency", urgency?.rawValue),
            ] + ItemText.allCases.map { ($0.info.name, texts[$0]) }
        return Self.object { o in
            for field in fields.sorted(by: { "\($0.name)" < "\($1.name)" }) { o.string(field.name, field.value) }
        }
    }
}

/// `GetItem`: one item by its number.
public struct GetItemCall: LedgerCall {
    public static let method = "GetItem"
    public static let changesLedger = false
    public static let signature = [(name: "id", type: "int")]
    public static let reply = "(item: Item)"

    public var id: Int64

    public init(id: Int64) { self.id = id }
    public init(reading p: ControlParameters) throws { id = try p.int("id") }
    public func json() -> RawJSON { Self.object { $0.int("id", id) } }
}

/// `ListItems`: items, earliest deadline first, with the number that matched.
public struct ListItemsCall: LedgerCall {
    public static let method = "ListItems"
    public static let changesLedger = false
    public static let signature = [
        (name: "unit", type: "?string"), (name: "overdueOnly", type: "?bool"), (name: "state", type: "?string"),
        (name: "limit", type: "?int"),
    ]
    public static let reply = "(items: []Item, total: int)"

    public var unit: String?
    public var overdueOnly: Bool
    public var state: ItemState?
    /// 1–1,000,000; 1,000 when the call gives none.
    public var limit: Int

    public init(unit: String? = nil, overdueOnly: Bool = false, state: ItemState? = nil, limit: Int = 1000) {
        self.unit = unit
        self.overdueOnly = overdueOnly
        self.state = state
        self.limit = limit
    }

    public init(reading p: ControlParameters) throws {
        unit = try p.optionalString("unit")
        overdueOnly = try p.optionalBool("overdueOnly") ?? false
        state = try p.optionalChoice("state", ItemState.self)
        limit = try p.limit()
    }

    public func json() -> RawJSON {
        Self.object { o in
            o.int("limit", Int64(limit))
            o.bool("overdueOnly", overdueOnly)
            o.string("state", state?.rawValue)
            o.string("unit", unit)
        }
    }
}

/// `UpdateItem`: one step of the lifecycle, with what that step needs (a deferral its plan,
/// explanation and new deadline; a referral the body it goes to; …).
public struct UpdateItemCall: LedgerCall {
    public static let method = "UpdateItem"
    public static let changesLedger = true
    public static let signature = [
        ("id", "int"), ("action", "string"), ("note", "?string"), ("by", "?string"), ("deadline", "?string"),
        ("plan", "?string"), ("explanation", "?string"), ("referredTo", "?string"),
    ].map { (name: $0.0, type: $0.1) }
    public static let reply = "(item: Item)"

    public var id: Int64
    public var action: ItemTransition
    public var note: String?
    public var by: String?
    public var deadline: String?
    public var plan: String?
    public var explanation: String?
    public var referredTo: String?

    public init(
        id: Int64, action: ItemTransition, note: String? = nil, by: String? = nil, deadline: String? = nil,
        plan: String? = nil, explanation: String? = nil, referredTo: String? = nil
    ) {
        self.id = id
        self.action = action
        self.note = note
        self.by = by
        self.deadline = deadline
        self.plan = plan
        self.explanation = explanation
        self.referredTo = referredTo
    }

    public init(reading p: ControlParameters) throws {
        id = try p.int("id")
        action = try p.choice("action", ItemTransition.self)
        deadline = try p.optionalString("deadline")
        note = try p.optionalString("note")
        by = try p.optionalString("by")
        plan = try p.optionalString("plan")
        explanation = try p.optionalString("explanation")
        referredTo = try p.optionalString("referredTo")
    }

    public func json() -> RawJSON {
        Self.object { o in
            o.string("action", action.rawValue)
            o.string("by", by)
            o.string("deadline", deadline)
            o.string("explanation", explanation)
            o.int("id", id)
            o.string("note", note)
            o.string("plan", plan)
            o.string("referredTo", referredTo)
        }
    }
}

/// `RemoveItem`: takes out an item added by mistake; refused once people acted on it, unless
/// `force`.
public struct RemoveItemCall: LedgerCall {
    public static let method = "RemoveItem"
    public static let changesLedger = true
    public static let signature = [(name: "id", type: "int"), (name: "force", type: "?bool")]
    public static let reply = "(item: Item)"

    public var id: Int64
    public var force: Bool

    public init(id: Int64, force: Bool = false) {
        self.id = id
        self.force = force
    }

    public init(reading p: ControlParameters) throws {
        id = try p.int("id")
        force = try p.optionalBool("force") ?? false
    }

    public func json() -> RawJSON {
        Self.object { o in
            o.bool("force", force)
            o.int("id", id)
        }
    }
}

/// `CloseItem`: verified and struck off (挂牌销号), the same as `UpdateItem` with `verify`.
public struct CloseItemCall: LedgerCall {
    public static let method = "CloseItem"
    public static let changesLedger = true
    public static let signature = [
        (name: "id", type: "int"), (name: "by", type: "?string"), (name: "note", type: "?string"),
    ]
    public static let reply = "(item: Item)"

    public var id: Int64
    public var by: String?
    public var note: String?

    public init(id: Int64, by: String? = nil, note: String? = nil) {
        self.id = id
        self.by = by
        self.note = note
    }

    public init(reading p: ControlParameters) throws {
        id = try p.int("id")
        by = try p.optionalString("by")
        note = try p.optionalString("note")
    }

    /// The same step as an `UpdateItem` call.
    public var update: UpdateItemCall { UpdateItemCall(id: id, action: .verify, note: note, by: by) }

    public func json() -> RawJSON {
        Self.object { o in
            o.string("by", by)
            o.int("id", id)
            o.string("note", note)
        }
    }
}
