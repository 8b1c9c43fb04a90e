public import CadenceCore

// The directory of persons and the outbox of messages to them. Each call lists its parameters
// once (see ``TabledCall``).

/// `AddPerson`: a person of the directory, with the addresses they are reached at.
public struct AddPersonCall: TabledCall {
    public static let method = "AddPerson"
    public static let changesLedger = true
    public static let reply = "(person: Person)"
    public static let parameters: [CallParameter<Self>] = [
        .string("id", \.id, maximum: unitIDLimit), .string("name", \.name), .optionalString("unit", \.unit),
        .optionalString("mobile", \.mobile), .optionalString("email", \.email),
        .optionalString("dingtalk", \.dingtalk), .optionalString("wecom", \.wecom),
        .optionalString("feishu", \.feishu), .optionalString("account", \.account),
    ]

    public var id = ""
    public var name = ""
    public var unit: String?
    public var mobile: String?
    public var email: String?
    public var dingtalk: String?
    public var wecom: String?
    public var feishu: String?
    /// The Unix account that acts as this person.
    public var account: String?

    public init() {}

    public var person: PersonRecord {
        PersonRecord(
            id: id, name: name, unit: unit, mobile: mobile, email: email, dingtalk: dingtalk, wecom: wecom,
            feishu: feishu, account: account)
    }
}

/// `GetPerson`: one person of the directory.
public struct GetPersonCall: TabledCall {
    public static let method = "GetPerson"
    public static let changesLedger = false
    public static let reply = "(person: Person)"
    public static let parameters: [CallParameter<Self>] = [.string("id", \.id, maximum: unitIDLimit)]

    public var id = ""

    public init() {}
}

/// `ListPersons`: the directory by id, or the persons of one unit.
public struct ListPersonsCall: TabledCall {
    public static let method = "ListPersons"
    public static let changesLedger = false
    public static let reply = "(persons: []Person)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalString("unit", \.unit), .flag("includeRemoved", \.includeRemoved),
    ]

    public var unit: String?
    public var includeRemoved = false

    public init() {}
}

/// `RemovePerson`: takes a person out of the directory.
public struct RemovePersonCall: TabledCall {
    public static let method = "RemovePerson"
    public static let changesLedger = true
    public static let reply = "(person: Person)"
    public static let parameters: [CallParameter<Self>] = [.string("id", \.id, maximum: unitIDLimit)]

    public var id = ""

    public init() {}
}

/// `ListDeliveries`: the outbox, newest `limit`, oldest first.
public struct ListDeliveriesCall: TabledCall {
    public static let method = "ListDeliveries"
    public static let changesLedger = false
    public static let reply = "(deliveries: []Delivery)"
    public static let parameters: [CallParameter<Self>] = [
        .optionalChoice("state", \.state), .optionalString("person", \.person), .limit(\.limit, fallback: 100),
    ]

    public var state: DeliveryState?
    public var person: String?
    public var limit = 100

    public init() {}
}

/// `RetryDelivery`: sends a failed message again, to the address the directory now has.
public struct RetryDeliveryCall: TabledCall {
    public static let method = "RetryDelivery"
    public static let changesLedger = true
    public static let reply = "(delivery: Delivery)"
    public static let parameters: [CallParameter<Self>] = [.int("id", \.id)]

    public var id: Int64 = 0

    public init() {}
}

/// `TakeDeliveries`: the messages due now, for the delivery service; `nextAt` is when the next
/// waiting one falls due.
public struct TakeDeliveriesCall: TabledCall {
    public static let method = "TakeDeliveries"
    public static let changesLedger = false
    public static let forDeliveryService = true
    public static let reply = "(messages: []Message, nextAt: ?string)"
    public static let parameters: [CallParameter<Self>] = [.limit(\.limit, fallback: 100)]

    public var limit = 100

    public init() {}
}

/// `RecordDelivery`: what an attempt to send a message came to (sent, temporary, permanent).
public struct RecordDeliveryCall: TabledCall {
    public static let method = "RecordDelivery"
    public static let changesLedger = true
    public static let forDeliveryService = true
    public static let reply = "(delivery: Delivery)"
    public static let parameters: [CallParameter<Self>] = [
        .int("id", \.id), .choice("outcome", \.outcome), .optionalString("reason", \.reason),
    ]

    public var id: Int64 = 0
    public var outcome = DeliveryOutcome.sent
    public var reason: String?

    public init() {}
}

/// `SendTest`: a test message to one person through each channel they have an address for.
public struct SendTestCall: TabledCall {
    public static let method = "SendTest"
    public static let changesLedger = true
    public static let reply = "(deliveries: []Delivery)"
    public static let parameters: [CallParameter<Self>] = [.string("person", \.person, maximum: unitIDLimit)]

    public var person = ""

    public init() {}
}
