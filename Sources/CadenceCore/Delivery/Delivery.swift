public import Foundation

/// A way a notice reaches people. Each person gets one message per notice on each personal
/// channel they have an address for; a group robot (``RobotRoute``) gets one per notice it takes.
public enum DeliveryChannel: String, CaseIterable, Vocabulary, Codable, Sendable {
    /// E-mail through the office's SMTP relay.
    case email
    /// A DingTalk (钉钉) group's custom robot: a signed webhook.
    case dingtalk
    /// A WeCom (企业微信) group's robot.
    case wecom
    /// A Feishu (飞书) group's custom robot: a signed webhook.
    case feishu
    /// A command of the office's (`Exec=`: an SMS gateway, Apprise…), the message as JSON on its
    /// standard input.
    case exec

    /// Whether this channel's recipient is a receiver of `robots.d` (a group's robot or a
    /// command), not a person of the directory.
    public var isRobot: Bool { self != .email }

    /// The channels a person of the directory has an address on.
    public static let personal = allCases.filter { !$0.isRobot }
}

/// Where a message of the outbox stands.
public enum DeliveryState: String, CaseIterable, Vocabulary, Codable, Sendable {
    /// Not sent yet, or sent and refused for a reason that may pass (tried again later).
    case waiting
    case sent
    /// Given up: refused for good, or still failing after every attempt. A `delivery-failed`
    /// notice says so.
    case failed
    /// Gathered into the person's digest of the day (the digest is a message of its own).
    case digested
}

/// What one attempt to send a message came to, as the delivery service reports it.
public enum DeliveryOutcome: String, CaseIterable, Vocabulary, Codable, Sendable {
    case sent
    /// A reason that may pass: the relay is down, SMTP 4xx, a timeout. Tried again later.
    case temporary
    /// A reason that will not pass: SMTP 5xx, an unknown address. Not tried again.
    case permanent
    /// Not tried: its channel is held back (a robot's posts per minute). Due again a minute
    /// later, no attempt counted.
    case held

    /// How long a held message waits.
    public static let heldFor: TimeInterval = 60
}

/// One message of the outbox: a notice for one person on one channel.
public struct DeliveryRecord: Sendable, Equatable {
    public var id: Int64
    public var noticeKey: String
    public var noticeKind: String
    public var subject: String
    public var person: String
    public var personName: String
    public var channel: DeliveryChannel
    public var address: String
    public var state: DeliveryState
    public var attempts: Int
    public var createdAt: Date
    public var nextAttemptAt: Date?
    public var sentAt: Date?
    public var lastError: String?

    public init(
        id: Int64, noticeKey: String, noticeKind: String, subject: String, person: String, personName: String,
        channel: DeliveryChannel, address: String, state: DeliveryState, attempts: Int, createdAt: Date,
        nextAttemptAt: Date?, sentAt: Date?, lastError: String?
    ) {
        (self.id, self.noticeKey, self.noticeKind, self.subject) = (id, noticeKey, noticeKind, subject)
        (self.person, self.personName, self.channel, self.address) = (person, personName, channel, address)
        (self.state, self.attempts, self.createdAt) = (state, attempts, createdAt)
        (self.nextAttemptAt, self.sentAt, self.lastError) = (nextAttemptAt, sentAt, lastError)
    }

    /// The key a receiver can drop a repeat by: the same for every attempt of this message
    /// (`Message-ID: <KEY@cadenced>`).
    public var messageKey: String { StableHash.hex("\(noticeKey)\n\(person)\n\(channel.rawValue)") }
}

extension DeliveryRecord: WireRecord {
    public static let wireType = "Delivery"
    public static let wireFields: [WireField<Self>] = [
        .integer("id", { $0.id }), .text("notice", { $0.noticeKey }), .text("kind", { $0.noticeKind }),
        .text("subject", { $0.subject }), .text("person", { $0.person }), .text("personName", { $0.personName }),
        .text("channel", { $0.channel.rawValue }), .text("address", { $0.address }),
        .text("state", { $0.state.rawValue }), .integer("attempts", { Int64($0.attempts) }),
        .instant("created", { $0.createdAt }), .optionalInstant("nextAttempt", { $0.nextAttemptAt }),
        .optionalInstant("sent", { $0.sentAt }), .optionalText("error", { $0.lastError }),
        .text("messageKey", { $0.messageKey }),
    ]
}

/// A message the delivery service is to send now: the outbox row with the notice's text.
public struct DueDelivery: Sendable, Equatable {
    public var delivery: DeliveryRecord
    public var body: String
    /// The notice's syslog priority (2 crit … 5 notice): how urgent the message is.
    public var priority: Int
    public var emittedAt: Date
    /// The item's deadline, for item notices (a digest counts the days overdue from it).
    public var deadline: Date?
    /// For a group robot: whom to @-mention in the group (mobiles; Feishu ids on Feishu).
    public var mentions: [String]

    public init(
        delivery: DeliveryRecord, body: String, priority: Int, emittedAt: Date, deadline: Date? = nil,
        mentions: [String] = []
    ) {
        (self.delivery, self.body, self.priority, self.emittedAt) = (delivery, body, priority, emittedAt)
        (self.deadline, self.mentions) = (deadline, mentions)
    }
}

extension DueDelivery: WireRecord {
    public static let wireType = "Message"
    public static let wireFields: [WireField<Self>] = [
        .integer("id", { $0.delivery.id }), .text("messageKey", { $0.delivery.messageKey }),
        .text("notice", { $0.delivery.noticeKey }), .text("channel", { $0.delivery.channel.rawValue }),
        .text("address", { $0.delivery.address }),
        .text("person", { $0.delivery.person }), .text("personName", { $0.delivery.personName }),
        .text("kind", { $0.delivery.noticeKind }), .text("subject", { $0.delivery.subject }),
        .text("body", { $0.body }), .integer("priority", { Int64($0.priority) }),
        .instant("emitted", { $0.emittedAt }), .integer("attempts", { Int64($0.delivery.attempts) }),
        .texts("mentions", { $0.mentions }),
    ]
}

/// When a message refused for a passing reason is tried again: one minute after the first
/// attempt, doubling up to an hour; after ``attemptLimit`` attempts it is given up.
public enum DeliveryBackoff {
    public static let attemptLimit = 12

    /// The wait after `attempts` attempts (1, 2, …), or nil when it is given up.
    public static func wait(afterAttempts attempts: Int) -> TimeInterval? {
        guard attempts < attemptLimit else { return nil }
        return min(60 * pow(2, Double(max(attempts - 1, 0))), 3600)
    }
}

/// Who a notice is for, when no routing rule says otherwise (issue 13's defaults): reminders to
/// every unit's liaison; an item's stages to its responsible people; an escalation also to the
/// parent unit's first responsible person, and accountability to the parent's leadership.
public enum NoticeAudience: Equatable, Sendable {
    /// The holder of `role` in every unit (a cadence's reminder).
    case everyUnit(UnitRole)
    /// The holder of `role` in each unit the notice names (a quota shortfall's units).
    case namedUnits(UnitRole)
    /// The item's responsible person of that role (first, main or direct), as the item names them.
    case itemResponsible(UnitRole)
    /// The holder of `role` in the parent of the notice's unit.
    case parentUnit(UnitRole)

    public static func defaults(for kind: NoticeKind) -> [NoticeAudience] {
        switch kind {
        case .occurrence, .catchUp, .phaseStart, .phaseEnd: [.everyUnit(.liaison)]
        // The result to circulate: posted by the robots that take it, mailed to nobody by default.
        case .finalReport: []
        case .quotaShortfall, .commitmentReminder, .deliverableDue, .yearlyQuota, .rangeCheck: [.namedUnits(.liaison)]
        case .deadlineWarning, .overdue: [.itemResponsible(.first), .itemResponsible(.main), .itemResponsible(.direct)]
        case .escalation:
            [.itemResponsible(.first), .itemResponsible(.main), .itemResponsible(.direct), .parentUnit(.first)]
        case .accountability:
            [
                .itemResponsible(.first), .itemResponsible(.main), .itemResponsible(.direct), .parentUnit(.first),
                .parentUnit(.main),
            ]
        case .configurationRefused, .deliveryFailed, .digest, .test, .holidayDataMissing: []
        }
    }
}
