public import Foundation

/// One notice: what the journal entry and the notice file say, and the key that makes it unique.
///
/// The ledger stores a notice before either sink sees it; its ``key`` is unique there, so a
/// notice for one cadence period or one item stage exists at most once, whatever crashes.
public struct Notice: Codable, Hashable, Sendable {
    /// Unique among all notices: `occurrence/monthly-reminder/2026-12`, `item/42/overdue`, …
    public var key: String
    public var kind: NoticeKind
    /// The instant the notice is about: the occurrence, the deadline, the escalation step.
    public var dueAt: Date
    /// When the daemon decided to emit it.
    public var emittedAt: Date
    public var cadence: String?
    /// Period key of a cadence occurrence (`2026-Q4`), or the periods a catch-up coalesces.
    public var periods: [String]
    public var unit: String?
    /// The unit's name as the office calls it (示例县卫生局), for the text; `unit` is its id.
    public var unitName: String?
    /// The units a notice about several concerns (a quota shortfall's short units); each becomes a
    /// `CADENCED_UNIT=` field of its one journal entry.
    public var units: [String]?
    /// The kinds of unit a duty's occurrence is for (`Units=` of its cadence): a notice to every unit
    /// reaches only these; nil = every unit.
    public var unitKinds: [String]?
    /// True when the notice is announced to each unit by notices of its own (a reminder cadence's
    /// occurrence, whose units each get their commitment reminder): no person is sent this one.
    public var perUnit: Bool?
    public var item: Int64?
    public var title: String?
    public var level: EscalationLevel?
    /// True when emitted after its time (catch-up after downtime or a clock jump).
    public var late: Bool
    /// Whole days past the deadline, for item notices.
    public var overdueDays: Int?
    /// An item's deadline in force (a warning's `dueAt` is the warning's own instant).
    public var deadline: Date?
    /// That deadline as the date typed (`2026-10-31`), when it was given as a date.
    public var deadlineDate: String?
    /// Extra journal fields (`CADENCED_` + name), for kinds that have their own.
    public var fields: [String: String]?
    /// The people the text names (responsible persons, the person a digest is for, an address):
    /// what a sink set to mask names (`MaskNames=`) masks.
    public var names: [String]?
    /// True in a sink's copy whose names were masked (never in the ledger's).
    public var masked: Bool?
    /// The human text, rendered in the configured language.
    public var subject: String
    public var body: String

    public init(
        key: String, kind: NoticeKind, dueAt: Date, emittedAt: Date, cadence: String? = nil, periods: [String] = [],
        unit: String? = nil, item: Int64? = nil, title: String? = nil, level: EscalationLevel? = nil,
        late: Bool = false, overdueDays: Int? = nil, deadline: Date? = nil, subject: String = "", body: String = ""
    ) {
        self.key = key
        self.kind = kind
        self.dueAt = dueAt
        self.emittedAt = emittedAt
        self.cadence = cadence
        self.periods = periods
        self.unit = unit
        self.item = item
        self.title = title
        self.level = level
        self.late = late
        self.overdueDays = overdueDays
        self.deadline = deadline
        self.subject = subject
        self.body = body
    }

    /// A stable identifier derived from the key, for the journal (`CADENCED_NOTICE_ID`) and file names.
    public var id: String { StableHash.hex(key) }
}

/// FNV-1a 64-bit: a stable, dependency-free hash for identifiers (not for security).
public enum StableHash {
    public static func hex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let s = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
