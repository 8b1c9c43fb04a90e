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
    /// Whether only root and `AdminGroup=` may make it: every call that changes the ledger, and
    /// a backup (a copy of the whole ledger, written to the server's disk).
    static var needsAdmin: Bool { get }
    /// Whether the delivery service (group `cadenced-deliver`) may make it: it reads the outbox and
    /// reports what became of each message, and nothing else.
    static var forDeliveryService: Bool { get }
    /// Reads a call's parameters: a missing or mistyped one is `InvalidParameter`, a value that
    /// makes no sense (an unknown state, a blank title) is `InvalidArgument` with the reason.
    init(reading parameters: ControlParameters) throws
    /// The parameters as the JSON object sent on the wire.
    func json() -> RawJSON
}

extension LedgerCall {
    public static var forDeliveryService: Bool { false }
    public static var needsAdmin: Bool { changesLedger }

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

/// A call that carries an item's fields (`AddItem`, `EditItem`): one list of their parameters.
public protocol ItemFieldsCall {
    var source: ItemSource? { get set }
    var scope: ItemScope? { get set }
    var urgency: ItemPriority? { get set }
    var difficulty: ItemPriority? { get set }
    var texts: ItemTexts { get set }
    var first: String? { get set }
    var main: String? { get set }
    var direct: String? { get set }
}

extension ItemFieldsCall {
    /// The item's fields as parameters, in the interface's order.
    static var fieldParameters: [CallParameter<Self>] {
        [
            .optionalChoice("source", \.source), .optionalChoice("scope", \.scope),
            .optionalChoice("urgency", \.urgency), .optionalChoice("difficulty", \.difficulty),
        ] + ItemText.allCases.map { .text($0, \.texts) }
            + [.optionalString("first", \.first), .optionalString("main", \.main), .optionalString("direct", \.direct)]
    }
}

/// `AddItem`: a new open item. The deadline is given as typed (`2026-12-31`, `+10wd`, an
/// instant); the daemon reads it against its zone, working days and clock.
public struct AddItemCall: TabledCall, ItemFieldsCall {
    public static let method = "AddItem"
    public static let changesLedger = true
    public static let reply = "(item: Item)"
    public static let parameters: [CallParameter<Self>] =
        [
            .string("unit", \.unit, maximum: unitIDLimit), .string("title", \.title), .string("deadline", \.deadline),
            .optionalInt("recurrenceOf", \.recurrenceOf), .optionalInt("appraisal", \.appraisal),
            .optionalInt("missedBy", \.missedBy),
        ] + fieldParameters

    public var unit = ""
    public var title = ""
    public var deadline = ""
    /// The earlier item, rectified or closed, whose problem came back: linked, and flagged (R21).
    public var recurrenceOf: Int?
    /// The public appraisal (a review of kind appraisal of the unit) that found the problem (R23).
    public var appraisal: Int?
    /// The review or inspection of the unit, held before, that did not find the problem: linked,
    /// and flagged (R21).
    public var missedBy: Int?
    public var source: ItemSource?
    public var scope: ItemScope?
    public var urgency: ItemPriority?
    public var difficulty: ItemPriority?
    /// Category, measures, acceptance criteria (see ``ItemText``).
    public var texts = ItemTexts()
    public var first: String?
    public var main: String?
    public var direct: String?

    public init() {}
}

/// `EditItem`: corrects an item's fields (a mistake in the sheet, a circular from above that
/// makes it superior-circular), each change and its reason in the history. The deadline is
/// changed by `UpdateItem` (`defer`, `reopen`), not here.
public struct EditItemCall: TabledCall, ItemFieldsCall {
    public static let method = "EditItem"
    public static let changesLedger = true
    public static let reply = "(item: Item, changed: []string)"
    public static let parameters: [CallParameter<Self>] =
        [.int("id", \.id), .string("reason", \.reason), .optionalString("title", \.title)] + fieldParameters

    public var id: Int64 = 0
    /// Why: said in the history with the change.
    public var reason = ""
    public var title: String?
    public var source: ItemSource?
    public var scope: ItemScope?
    public var urgency: ItemPriority?
    public var difficulty: ItemPriority?
    /// The texts to change (one not given stays as it is).
    public var texts = ItemTexts()
    public var first: String?
    public var main: String?
    public var direct: String?

    public init() {}
}

/// `GetItem`: one item by its number.
public struct GetItemCall: TabledCall {
    public static let method = "GetItem"
    public static let changesLedger = false
    public static let reply = "(item: Item)"
    public static let parameters: [CallParameter<Self>] = [.int("id", \.id)]

    public var id: Int64 = 0

    public init() {}
}

/// `ListItems`: items, earliest deadline first, with the number that matched.
public struct ListItemsCall: TabledCall {
    public static let method = "ListItems"
    public static let changesLedger = false
    public static let reply = "(items: []Item, total: int)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalString("unit", \.unit), .flag("overdueOnly", \.overdueOnly), .optionalChoice("state", \.state),
        .limit(\.limit),
    ]

    public var unit: String?
    public var overdueOnly = false
    public var state: ItemState?
    /// 1–1,000,000; 1,000 when the call gives none.
    public var limit = 1000

    public init() {}
}

/// `UpdateItem`: one step of the lifecycle, with what that step needs (a deferral its plan,
/// explanation and new deadline; a referral the body it goes to; …).
public struct UpdateItemCall: TabledCall {
    public static let method = "UpdateItem"
    public static let changesLedger = true
    public static let reply = "(item: Item)"
    public static let parameters: [CallParameter<Self>] = [
        .int("id", \.id), .choice("action", \.action), .optionalString("note", \.note), .optionalString("by", \.by),
        .optionalString("deadline", \.deadline), .optionalString("plan", \.plan),
        .optionalString("explanation", \.explanation), .optionalString("referredTo", \.referredTo),
    ]

    public var id: Int64 = 0
    public var action = ItemTransition.progress
    public var note: String?
    public var by: String?
    public var deadline: String?
    public var plan: String?
    public var explanation: String?
    public var referredTo: String?

    public init() {}

    /// The step `action` of item `id`, with what `build` sets.
    public init(_ id: Int64, _ action: ItemTransition, _ build: (inout Self) -> Void = { _ in }) {
        (self.id, self.action) = (id, action)
        build(&self)
    }
}

/// `RemoveItem`: takes out an item added by mistake; refused once people acted on it, unless
/// `force`.
public struct RemoveItemCall: TabledCall {
    public static let method = "RemoveItem"
    public static let changesLedger = true
    public static let reply = "(item: Item)"
    public static let parameters: [CallParameter<Self>] = [.int("id", \.id), .flag("force", \.force)]

    public var id: Int64 = 0
    public var force = false

    public init() {}
}

/// `CloseItem`: verified and struck off (挂牌销号), the same as `UpdateItem` with `verify`.
public struct CloseItemCall: TabledCall {
    public static let method = "CloseItem"
    public static let changesLedger = true
    public static let reply = "(item: Item)"
    public static let parameters: [CallParameter<Self>] = [
        .int("id", \.id), .optionalString("by", \.by), .optionalString("note", \.note),
    ]

    public var id: Int64 = 0
    public var by: String?
    public var note: String?

    public init() {}

    /// The same step as an `UpdateItem` call.
    public var update: UpdateItemCall { UpdateItemCall(id, .verify) { ($0.note, $0.by) = (note, by) } }
}

/// `ReplyItem`: the reply given to the complainant of a complaint item (R23), recorded before the
/// item can be closed.
public struct ReplyItemCall: TabledCall {
    public static let method = "ReplyItem"
    public static let changesLedger = true
    public static let reply = "(item: Item)"
    public static let parameters: [CallParameter<Self>] = [.int("id", \.id), .string("reply", \.reply)]

    public var id: Int64 = 0
    /// What the complainant was told.
    public var reply = ""

    public init() {}
}
