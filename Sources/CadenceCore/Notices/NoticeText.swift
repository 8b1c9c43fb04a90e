public import Foundation

/// The language of notice texts (`Language=` in cadenced.conf).
public typealias NoticeLanguage = DaemonConfiguration.Language

/// Renders a notice's subject and body from a template: a first line (the subject) and the rest
/// (the body), with `{placeholder}` fields. Built-in templates exist in Simplified Chinese and
/// English; an administrator overrides one by giving its text (the daemon reads
/// `/etc/cadenced/templates/LANG/KIND.md`).
public struct NoticeText: Sendable {
    public var language: NoticeLanguage
    public var zone: TimeZone
    /// Overrides by kind; absent kinds use the built-in template.
    public var overrides: [NoticeKind: String]

    public init(language: NoticeLanguage, zone: TimeZone, overrides: [NoticeKind: String] = [:]) {
        self.language = language
        self.zone = zone
        self.overrides = overrides
    }

    /// The placeholders a template may use.
    public static let placeholders = [
        "cadence", "description", "kind", "period", "periods", "unit", "item", "title", "due", "overdue_days",
        "level", "late",
    ]

    /// Fills `notice.subject` and `notice.body`.
    public func render(_ notice: Notice, description: String? = nil) -> Notice {
        var values: [String: String] = [
            "cadence": notice.cadence ?? "",
            "description": description ?? notice.cadence ?? "",
            "kind": notice.kind.rawValue,
            "period": notice.periods.last ?? "",
            "periods": notice.periods.joined(separator: ", "),
            "unit": notice.unit ?? "",
            "item": notice.item.map { "#\($0)" } ?? "",
            "title": notice.title ?? "",
            "due": LocalTimeText.format(notice.dueAt, zone: zone),
            "overdue_days": notice.overdueDays.map(String.init) ?? "0",
            "level": notice.level.map { levelName($0) } ?? "",
            "late": notice.late ? (language == .zh ? "（补发）" : " (late)") : "",
        ]
        values["periods"] = values["periods"]!.isEmpty ? values["period"] : values["periods"]
        let template = overrides[notice.kind] ?? Self.builtIn(notice.kind, language)
        let filled = Self.fill(template, values)
        var lines = filled.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        var rendered = notice
        rendered.subject = String(lines.removeFirst()).trimmingCharacters(in: .whitespaces)
        rendered.body = lines.first.map { String($0).trimmingCharacters(in: .newlines) } ?? ""
        return rendered
    }

    private func levelName(_ level: EscalationLevel) -> String {
        switch (level, language) {
        case (.circular, .zh): "通报"
        case (.talk, .zh): "约谈"
        case (.accountability, .zh): "责任追究"
        case (.circular, .en): "circular"
        case (.talk, .en): "talk with the person in charge"
        case (.accountability, .en): "accountability"
        }
    }

    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            if let value = values[name] {
                out += value
            } else {
                out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    static func builtIn(_ kind: NoticeKind, _ language: NoticeLanguage) -> String {
        switch (kind, language) {
        case (.occurrence, .zh):
            "{description}：{period} 期已到{late}\n按期安排：{description}（{cadence}，{period}），时间 {due}。请各单位按时开展并记录。"
        case (.occurrence, .en):
            "{description}: period {period} is due{late}\nScheduled: {description} ({cadence}, period {period}) at {due}. Units should hold it and record it."
        case (.catchUp, .zh):
            "{description}：补发 {periods} 期\n停机或时钟跳变期间错过的期次：{periods}（{cadence}）。最近一次应于 {due}。"
        case (.catchUp, .en):
            "{description}: missed periods {periods} (late)\nMissed while the daemon was down or the clock jumped: {periods} ({cadence}); the last was due at {due}."
        case (.deadlineWarning, .zh):
            "整改提醒：{unit} {item} 将于 {due} 到期\n整改事项 {item}「{title}」（{unit}）将于 {due} 到期，请抓紧整改并申请验收销号。"
        case (.deadlineWarning, .en):
            "Rectification due soon: {unit} {item} at {due}\nItem {item} \"{title}\" ({unit}) falls due at {due}; finish it and ask for verification."
        case (.overdue, .zh):
            "整改逾期：{unit} {item}{late}\n整改事项 {item}「{title}」（{unit}）已于 {due} 到期，未验收销号，已逾期 {overdue_days} 天。"
        case (.overdue, .en):
            "Rectification overdue: {unit} {item}{late}\nItem {item} \"{title}\" ({unit}) fell due at {due} without verified closure; {overdue_days} days overdue."
        case (.escalation, .zh):
            "整改逾期升级：{level} {unit} {item}\n整改事项 {item}「{title}」（{unit}）逾期 {overdue_days} 天，升级为{level}。"
        case (.escalation, .en):
            "Overdue rectification escalated to {level}: {unit} {item}\nItem {item} \"{title}\" ({unit}) is {overdue_days} days overdue (due {due}); escalated to {level}."
        case (.accountability, .zh):
            "责任追究：{unit} {item}\n整改事项 {item}「{title}」（{unit}）逾期 {overdue_days} 天仍未整改到位，启动责任追究。"
        case (.accountability, .en):
            "Accountability: {unit} {item}\nItem {item} \"{title}\" ({unit}) is {overdue_days} days overdue and still not rectified: accountability applies."
        }
    }
}

/// Local date-times in notices: `2026-12-01 09:00 (UTC+08:00)`; the zone is the configured one.
public enum LocalTimeText {
    public static func format(_ date: Date, zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offset)
        let days = local.floorDivided(by: 86_400)
        let day = LocalDate(dayNumber: Int(days))
        let seconds = Int(local - days * 86_400)
        let sign = offset < 0 ? "-" : "+"
        let hh = CivilCalendar.pad(abs(offset) / 3600, 2)
        let mm = CivilCalendar.pad(abs(offset) % 3600 / 60, 2)
        return
            "\(day) \(CivilCalendar.pad(seconds / 3600, 2)):\(CivilCalendar.pad(seconds / 60 % 60, 2)) (UTC\(sign)\(hh):\(mm))"
    }
}

/// `2026-12-01T01:00:00Z`: ISO 8601 in UTC, whole seconds, without a formatter object (building
/// an `ISO8601DateFormatter` per value costs more than the rest of a listing).
public enum ISOTimestamp {
    public static func utc(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds.floorDivided(by: 86_400)
        let day = LocalDate(dayNumber: Int(days))
        let rest = Int(seconds - days * 86_400)
        return "\(day)T\(CivilCalendar.pad(rest / 3600, 2)):\(CivilCalendar.pad(rest / 60 % 60, 2)):"
            + "\(CivilCalendar.pad(rest % 60, 2))Z"
    }
}
