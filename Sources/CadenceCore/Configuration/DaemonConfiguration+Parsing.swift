import Foundation

extension DaemonConfiguration {
    /// The sections and keys `cadenced.conf` may contain.
    public static let schema = IniSchema([
        "Daemon": [
            "TimeZone": .single, "Language": .single, "NoticeDirectory": .single, "CatchUpWindowSec": .single,
            "AdminGroup": .single, "MaskNames": .single,
        ],
        "Ledger": [
            "WarnBeforeSec": .list, "DeadlineTime": .single, "CircularAfterSec": .single, "TalkAfterSec": .single,
            "AccountabilityAfterSec": .single, "TalkTimeLimitDays": .single, "RemindOverdueEveryDays": .single,
            "ComplaintReplyDays": .single,
        ],
        "WorkingDays": ["Weekend": .list, "Holidays": .list, "Regional": .list],
        "Delivery": ["DigestTime": .single, "DigestKinds": .list, "QuietHours": .single],
        "Control": [
            "MaxConnections": .single, "MaxMessageSize": .single, "MaxImportSize": .single, "IdleTimeoutSec": .single,
        ],
        "Evaluation": ["Target": .list],
    ])

    /// Parses `cadenced.conf` and its drop-ins; see ``init(_:)``.
    public static func parse(main: IniSource?, dropIns: [IniSource]) throws(ConfigurationError) -> DaemonConfiguration {
        try DaemonConfiguration(IniParser.parse(main: main, dropIns: dropIns))
    }

    /// Builds the configuration from parsed files, validating every value.
    ///
    /// Unknown sections and keys are errors (a typo must not pass silently). All errors are collected and
    /// thrown together; nothing is returned half-applied.
    public init(_ ini: IniConfiguration) throws(ConfigurationError) {
        var config = DaemonConfiguration()
        var errors = ini.unknownNames(schema: Self.schema)

        func single(_ section: String, _ key: String, _ apply: (String) -> String?) {
            guard let assignment = ini.last(section, key) else { return }
            if let reason = apply(assignment.value) {
                errors.append(.badValue(assignment.location, key: key, value: assignment.value, reason: reason))
            }
        }
        func span(_ section: String, _ key: String, _ store: (Duration) -> Void, default value: Duration) {
            single(section, key) { text in
                if text.isEmpty { store(value); return nil }
                guard let span = TimeSpan.parse(text) else { return "is not a time span (e.g. '7d', '1h 30min')" }
                store(span)
                return nil
            }
        }

        let defaults = DaemonConfiguration()
        single("Daemon", "TimeZone") { text in
            if text.isEmpty { config.timeZone = nil; return nil }
            guard let zone = TimeZone(identifier: text), text.contains("/") || text == "UTC" else {
                return "is not a time zone name (e.g. 'Asia/Shanghai', 'UTC')"
            }
            config.timeZone = zone
            return nil
        }
        single("Daemon", "Language") { text in
            if text.isEmpty { config.language = nil; return nil }
            guard let language = Language(rawValue: text) else { return "is not a language (zh or en)" }
            config.language = language
            return nil
        }
        single("Daemon", "NoticeDirectory") { text in
            if text.isEmpty { config.noticeDirectory = nil; return nil }
            guard text.hasPrefix("/") else { return "is not an absolute path" }
            guard !text.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
                return "must not contain '.' or '..' components"
            }
            config.noticeDirectory = text
            return nil
        }
        span("Daemon", "CatchUpWindowSec", { config.catchUpWindow = $0 }, default: defaults.catchUpWindow)
        single("Daemon", "AdminGroup") { text in
            if text.isEmpty { config.adminGroup = nil; return nil }
            guard Self.isValidGroupName(text) else {
                return "is not a valid group name (letters, digits, '_' and '-', not starting with a digit or '-')"
            }
            config.adminGroup = text
            return nil
        }
        single("Daemon", "MaskNames") { text in
            var sinks: Set<NoticeSink> = []
            for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) where word != "none" {
                guard let sink = NoticeSink(word: String(word)) else {
                    return "has '\(word)', which is not where notices go (files, journal, or none)"
                }
                sinks.insert(sink)
            }
            config.maskNames = sinks
            return nil
        }

        if let list = ini.list("Ledger", "WarnBeforeSec") {
            var spans: [Duration] = []
            for assignment in list {
                // Entries are whitespace-separated; write a compound span without spaces ('1h30min').
                for word in assignment.value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                    if let span = TimeSpan.parse(String(word)), span > .zero {
                        spans.append(span)
                    } else {
                        errors.append(
                            .badValue(
                                assignment.location, key: "WarnBeforeSec", value: assignment.value,
                                reason: "has '\(word)', which is not a positive time span"))
                    }
                }
            }
            config.warnBefore = Array(Set(spans)).sorted(by: >)
        }
        single("Ledger", "DeadlineTime") { text in
            if text.isEmpty { config.deadlineTimeOfDay = defaults.deadlineTimeOfDay; return nil }
            guard let seconds = Self.parseTimeOfDay(text) else { return "is not a time of day between 00:00 and 24:00" }
            config.deadlineTimeOfDay = seconds
            return nil
        }
        span("Ledger", "CircularAfterSec", { config.circularAfter = $0 }, default: defaults.circularAfter)
        span("Ledger", "TalkAfterSec", { config.talkAfter = $0 }, default: defaults.talkAfter)
        span(
            "Ledger", "AccountabilityAfterSec", { config.accountabilityAfter = $0 },
            default: defaults.accountabilityAfter)
        // A number of working days from 1 to 250; empty: not set.
        for (key, path) in [
            ("TalkTimeLimitDays", \DaemonConfiguration.talkTimeLimitDays),
            ("RemindOverdueEveryDays", \DaemonConfiguration.remindOverdueEveryDays),
        ] {
            single("Ledger", key) { text in
                if text.isEmpty { config[keyPath: path] = nil; return nil }
                guard let days = Int(text), (1...250).contains(days) else {
                    return "is not a number of working days between 1 and 250"
                }
                config[keyPath: path] = days
                return nil
            }
        }
        single("Ledger", "ComplaintReplyDays") { text in
            if text.isEmpty { config.complaintReplyDays = defaults.complaintReplyDays; return nil }
            guard let days = Int(text), (0...250).contains(days) else {
                return "is not a number of working days between 0 (no reply deadline) and 250"
            }
            config.complaintReplyDays = days
            return nil
        }
        for assignment in ini.list("Evaluation", "Target") ?? [] {
            let words = assignment.value.split(separator: " ", maxSplits: 1).map(String.init)
            guard words.count == 2, RateTarget.keys.contains(words[0]) else {
                errors.append(
                    .badValue(
                        assignment.location, key: "Target", value: assignment.value,
                        reason: "is not a rate and its target (satisfaction >95%; rates: "
                            + RateTarget.keys.joined(separator: ", ") + ")"))
                continue
            }
            guard let target = RateTarget(words[1]) else {
                errors.append(
                    .badValue(
                        assignment.location, key: "Target", value: assignment.value,
                        reason: "has the target '\(words[1])', which is not a percentage (95% for at least, >95% for "
                            + "more than) nor none"))
                continue
            }
            config.rateTargets[words[0]] = target
        }
        // The ladder only climbs (DOMAIN.md §4.7: 通報 → 約談 → 責任追究).
        if config.talkAfter <= config.circularAfter,
            let at = ini.last("Ledger", "TalkAfterSec") ?? ini.last("Ledger", "CircularAfterSec")
        {
            errors.append(
                .badValue(
                    at.location, key: at.key, value: at.value,
                    reason: "makes the talk (TalkAfterSec=) come no later than the circular (CircularAfterSec=)"))
        }
        if config.accountabilityAfter <= config.talkAfter,
            let at = ini.last("Ledger", "AccountabilityAfterSec") ?? ini.last("Ledger", "TalkAfterSec")
        {
            errors.append(
                .badValue(
                    at.location, key: at.key, value: at.value,
                    reason: "makes accountability (AccountabilityAfterSec=) come no later than the talk (TalkAfterSec=)"
                ))
        }

        single("Delivery", "DigestTime") { text in
            if text.isEmpty { config.digestTimeOfDay = nil; return nil }
            guard let seconds = Self.parseTimeOfDay(text), seconds < 86_400 else {
                return "is not a time of day between 00:00 and 23:59"
            }
            config.digestTimeOfDay = seconds
            return nil
        }
        single("Delivery", "QuietHours") { text in
            if text.isEmpty { config.quietHours = nil; return nil }
            let ends = text.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2, let start = Self.parseTimeOfDay(String(ends[0])),
                let end = Self.parseTimeOfDay(String(ends[1])), start < 86_400, end < 86_400, start != end
            else { return "is not a span of the day such as 22:00-07:00" }
            config.quietHours = DailySpan(start: start, end: end)
            return nil
        }
        if let list = ini.list("Delivery", "DigestKinds") {
            var kinds: [NoticeKind] = []
            for assignment in list {
                for word in assignment.value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                    switch NoticeKind.named(String(word)) {
                    case .success(let kind) where kind == .escalation || kind == .accountability:
                        errors.append(
                            .badValue(
                                assignment.location, key: "DigestKinds", value: assignment.value,
                                reason: "has '\(word)', which never waits: escalations and accountability go at once"))
                    case .success(let kind) where !NoticeKind.notForPeople.contains(kind):
                        if !kinds.contains(kind) { kinds.append(kind) }
                    case .success, .failure:
                        errors.append(
                            .badValue(
                                assignment.location, key: "DigestKinds", value: assignment.value,
                                reason: "has '\(word)', which is not a kind of notice a person gets ("
                                    + NoticeKind.allCases.filter { !NoticeKind.notForPeople.contains($0) }
                                    .map(\.rawValue).joined(separator: ", ") + ")"))
                    }
                }
            }
            config.digestKinds = kinds
        }
        if let list = ini.list("WorkingDays", "Weekend") {
            var days: Set<WorkingDayCalendar.Weekday> = []
            for assignment in list {
                for word in assignment.value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                    if let day = WorkingDayCalendar.Weekday(name: String(word)) {
                        days.insert(day)
                    } else {
                        errors.append(
                            .badValue(
                                assignment.location, key: "Weekend", value: assignment.value,
                                reason: "has '\(word)', which is not a weekday (Mon…Sun)"))
                    }
                }
            }
            if days.count == 7, let at = list.last {
                errors.append(.badValue(at.location, key: "Weekend", value: at.value, reason: "leaves no working day"))
            }
            config.weekend = days
        }
        func holidayFiles(_ key: String) -> [String]? {
            guard let list = ini.list("WorkingDays", key) else { return nil }
            var names: [String] = []
            for assignment in list {
                for word in assignment.value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                    if Self.isSafeName(String(word)) {
                        if !names.contains(String(word)) { names.append(String(word)) }
                    } else {
                        errors.append(
                            .badValue(
                                assignment.location, key: key, value: assignment.value,
                                reason:
                                    "has '\(word)', which is not a holiday file name (e.g. 'cn' for holidays.d/cn.conf)"
                            ))
                    }
                }
            }
            return names
        }
        // An empty list means the default, every file: to apply none, remove or mask the files.
        if let names = holidayFiles("Holidays") { config.holidayCalendars = names.isEmpty ? nil : names }
        if let names = holidayFiles("Regional") {
            config.regionalHolidays = names
            if names.contains("none"), let at = ini.list("WorkingDays", "Regional")?.last {
                errors.append(
                    .badValue(
                        at.location, key: "Regional", value: at.value,
                        reason: "has 'none', which a unit takes to mean no regional file: rename holidays.d/none.conf"))
            }
        }

        single("Control", "MaxConnections") { text in
            if text.isEmpty { config.maxConnections = defaults.maxConnections; return nil }
            guard let count = Int(text), (1...4096).contains(count) else { return "is not a number from 1 to 4096" }
            config.maxConnections = count
            return nil
        }
        single("Control", "MaxMessageSize") { text in
            if text.isEmpty { config.maxMessageSize = defaults.maxMessageSize; return nil }
            guard let size = Self.parseSize(text), (1024...(64 << 20)).contains(size) else {
                return "is not a size from 1K to 64M (e.g. '1M', '65536')"
            }
            config.maxMessageSize = size
            return nil
        }
        single("Control", "MaxImportSize") { text in
            if text.isEmpty { config.maxImportSize = defaults.maxImportSize; return nil }
            guard let size = Self.parseSize(text), (1024...(1 << 30)).contains(size) else {
                return "is not a size from 1K to 1G (e.g. '64M')"
            }
            config.maxImportSize = size
            return nil
        }
        span("Control", "IdleTimeoutSec", { config.idleTimeout = $0 }, default: defaults.idleTimeout)

        try ConfigurationError.throwIfAny(errors)
        self = config
    }

    /// True for names usable as a group: `[A-Za-z_][A-Za-z0-9_-]*`, at most 32 characters (as useradd accepts).
    static func isValidGroupName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 32 else { return false }
        let rest = text.unicodeScalars.dropFirst()
        return (first.isASCIILetter || first == "_")
            && rest.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    /// True for names safe as a file stem: `[A-Za-z0-9][A-Za-z0-9_-]*`, at most 64 characters.
    public static func isSafeName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 64 else { return false }
        let isAlnum: (Unicode.Scalar) -> Bool = { $0.isASCIILetter || ("0"..."9").contains($0) }
        return isAlnum(first) && text.unicodeScalars.allSatisfy { isAlnum($0) || $0 == "_" || $0 == "-" }
    }

    /// Parses `HH:MM` or `HH:MM:SS` (up to `24:00`) into seconds after midnight.
    static func parseTimeOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) }),
            let h = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        let s = parts.count == 3 ? Int(parts[2])! : 0
        guard h <= 24, m < 60, s < 60 else { return nil }
        let total = h * 3600 + m * 60 + s
        return total <= 86_400 ? total : nil
    }

    /// Parses a byte size with an optional base-1024 suffix `K`, `M` or `G`, as systemd does.
    static func parseSize(_ text: String) -> Int? {
        let factors: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = text.last, let factor = factors[last] {
            guard let number = Int(text.dropLast()), number >= 0, number <= Int.max / factor else { return nil }
            return number * factor
        }
        return Int(text).flatMap { $0 >= 0 ? $0 : nil }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
