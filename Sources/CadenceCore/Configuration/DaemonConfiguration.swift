public import Foundation

/// The model of `cadenced.conf` and its drop-ins: every daemon option with its built-in default.
///
/// The shipped `etc/cadenced/cadenced.conf` lists the same options, commented out with these defaults;
/// deleting that file changes nothing. Options that default to "from the environment" are nil here and
/// resolved by the `resolved…` functions, which take the environment's value as a parameter.
public struct DaemonConfiguration: Equatable, Sendable {
    /// The language of notice texts.
    public enum Language: String, CaseIterable, Sendable, Vocabulary {
        case zh, en

        /// The language `LANG` asks for: `zh…` is Chinese, anything else (or unset) English.
        public static func fromLANG(_ lang: String?) -> Language {
            guard let lang, lang.lowercased().hasPrefix("zh") else { return .en }
            return .zh
        }
    }

    // [Daemon]
    /// `TimeZone=`: the zone for cadences and every date shown to a person; nil = the system's.
    public var timeZone: TimeZone?
    /// `Language=`: nil = from `LANG`.
    public var language: Language?
    /// `NoticeDirectory=`: an absolute path; nil = `$STATE_DIRECTORY/notices`.
    public var noticeDirectory: String?
    /// `CatchUpWindowSec=`: how far back missed occurrences are still emitted (late) after downtime.
    public var catchUpWindow: Duration = .seconds(7 * 86_400)
    /// `AdminGroup=`: members may change the ledger through `cadencectl`; nil = root only.
    public var adminGroup: String?
    /// `MaskNames=`: the sinks whose copy of a notice shows people masked (孙*); the ledger keeps
    /// each notice whole (`cadencectl notices --key KEY`). Empty = none.
    public var maskNames: Set<NoticeSink> = []

    // [Ledger]
    /// `WarnBeforeSec=`: warnings before an item's deadline, longest first; empty = no warnings.
    public var warnBefore: [Duration] = [.seconds(7 * 86_400), .seconds(86_400)]
    /// `DeadlineTime=`: the local time of day at which a deadline given as a date falls due,
    /// in seconds after midnight; 86 400 (`24:00`) = the end of that day.
    public var deadlineTimeOfDay: Int = 86_400
    /// `CircularAfterSec=`: from falling overdue to the circular (通報).
    public var circularAfter: Duration = .seconds(3 * 86_400)
    /// `TalkAfterSec=`: from falling overdue to the talk with the person in charge (約談).
    public var talkAfter: Duration = .seconds(7 * 86_400)
    /// `AccountabilityAfterSec=`: from falling overdue to accountability (責任追究).
    public var accountabilityAfter: Duration = .seconds(14 * 86_400)
    /// `TalkTimeLimitDays=`: the talk sets a new time limit (限期整改) this many working days after
    /// its day, and accountability falls due when that passes, instead of `AccountabilityAfterSec=`;
    /// nil (not set) = no new time limit.
    public var talkTimeLimitDays: Int?
    /// `RemindOverdueEveryDays=`: an overdue item whose state does not change is announced again
    /// every this many working days after its last stage (the overdue notice, each escalation), until
    /// it is rectified; nil (not set) = no repeats.
    public var remindOverdueEveryDays: Int?
    /// `ComplaintReplyDays=`: a complaint item is answered within this many working days of being
    /// recorded, and cannot be closed before its reply is (R23); 0 = no reply deadline.
    public var complaintReplyDays: Int = 15
    /// `[Evaluation] Target=KEY VALUE`: the targets of the evaluation's rates, by rate key: the
    /// campaign's, each replaced where the office sets its own.
    public var rateTargets: [String: RateTarget] = Dictionary(
        uniqueKeysWithValues: RateTarget.campaign.map { ($0.key, $0.target) })

    // [WorkingDays]
    /// `Weekend=`: the weekly days off.
    public var weekend: Set<WorkingDayCalendar.Weekday> = [.saturday, .sunday]
    /// `Holidays=`: names of holiday files (`holidays.d/NAME.conf`) to apply; nil (not set, or an empty
    /// list) = every file there.
    public var holidayCalendars: [String]?
    /// `Regional=`: holiday files that apply only to the units that choose them (`unit edit
    /// --holidays NAME`, an autonomous region's days off), on top of the others.
    public var regionalHolidays: [String] = []

    // [Delivery]
    /// `DigestTime=`: the local time of day, in seconds after midnight, at which each person's
    /// messages of ``digestKinds`` are sent as one digest, on working days; nil = no digests
    /// (every message is sent at once).
    public var digestTimeOfDay: Int?
    /// `DigestKinds=`: the notice kinds that wait for the digest.
    public var digestKinds: [NoticeKind] = [.deadlineWarning, .overdue]
    /// `QuietHours=`: a local span (seconds after midnight, start and end; it may pass midnight)
    /// in which only urgent messages (escalations, accountability: priority err or higher) are
    /// sent; the others wait for its end. nil = none.
    public var quietHours: DailySpan?

    // [Control]
    /// `MaxConnections=`: simultaneous `cadencectl` connections.
    public var maxConnections: Int = 64
    /// `MaxMessageSize=`: the largest control message accepted, in bytes.
    public var maxMessageSize: Int = 1 << 20
    /// `MaxImportSize=`: the largest message accepted from a peer that may write (an import's text).
    public var maxImportSize: Int = 64 << 20
    /// `IdleTimeoutSec=`: a control connection idle this long is closed.
    public var idleTimeout: Duration = .seconds(300)

    /// The built-in defaults.
    public init() {}

    /// The zone to use: the configured one, else `system`.
    public func resolvedTimeZone(system: TimeZone) -> TimeZone { timeZone ?? system }

    /// The language to use: the configured one, else the one `LANG` names.
    public func resolvedLanguage(lang: String?) -> Language { language ?? .fromLANG(lang) }

    /// The notice directory to use: the configured one, else `notices` under the state directory.
    public func resolvedNoticeDirectory(stateDirectory: String) -> String {
        noticeDirectory ?? (stateDirectory.hasSuffix("/") ? stateDirectory : stateDirectory + "/") + "notices"
    }
}

/// A span of the local day, from `start` to `end` (seconds after midnight); it passes midnight
/// when `end` is before `start` (22:00-07:00).
public struct DailySpan: Equatable, Sendable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        (self.start, self.end) = (start, end)
    }

    public func contains(secondsOfDay t: Int) -> Bool {
        start < end ? (start <= t && t < end) : (t >= start || t < end)
    }
}
