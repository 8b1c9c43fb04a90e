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
        "cadence", "description", "kind", "period", "periods", "unit", "unit_name", "item", "title", "due",
        "overdue_days",
        "level", "late", "count", "shortfalls", "deadline", "what", "directory", "errors", "person", "channel",
        "address", "subject", "reason", "attempts", "delivery", "summary", "lines", "files", "responsible",
        "accountable", "time_limit",
    ]

    /// Fills `notice.subject` and `notice.body`.
    public func render(_ notice: Notice, description: String? = nil, extra: [String: String] = [:]) -> Notice {
        var values: [String: String] = [
            "cadence": notice.cadence ?? "",
            "description": description ?? notice.cadence ?? "",
            "kind": notice.kind.rawValue,
            "period": notice.periods.last ?? "",
            "periods": notice.periods.joined(separator: ", "),
            "unit": notice.unit ?? "",
            "unit_name": notice.unitName ?? notice.unit ?? "",
            "item": notice.item.map { "#\($0)" } ?? "",
            "title": notice.title ?? "",
            "due": LocalTimeText.format(notice.dueAt, zone: zone),
            "deadline": notice.deadlineDate.map(typedDate)
                ?? LocalTimeText.format(notice.deadline ?? notice.dueAt, zone: zone),
            "overdue_days": notice.overdueDays.map(String.init) ?? "0",
            "level": notice.level.map { levelName($0) } ?? "",
            "late": notice.late ? (language == .zh ? "（补发）" : " (late)") : "",
        ]
        values["periods"] = values["periods"]!.isEmpty ? values["period"] : values["periods"]
        values.merge(extra) { _, new in new }
        let template = overrides[notice.kind] ?? Self.builtIn(notice.kind, language)
        var filled = Self.fill(template, values)
        // Chinese text takes no space after a full-width bracket (「…截止） 到期」 → 「…截止）到期」).
        if language == .zh { filled = PlainText.replacing("） ", with: "）", in: filled) }
        var lines = filled.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        var rendered = notice
        rendered.subject = PlainText.trimmingSpaces(lines.removeFirst())
        rendered.body = lines.first.map { PlainText.trimmingNewlines($0) } ?? ""
        return rendered
    }

    /// What marks a reminder that an item is still overdue (in `{late}` of its notice).
    public var reminderMark: String { language == .zh ? "（仍未整改，再次提醒）" : " (still overdue: reminder)" }

    /// One unit's own reminder (`{summary}` and `{lines}` of a commitment reminder): its commitments
    /// of the year not yet honoured, each with its last evaluation; or that it has recorded none.
    public func unitReminder(year: Int, commitments: [CommitmentRecord]) -> (summary: String, lines: String) {
        let zh = language == .zh
        guard !commitments.isEmpty else {
            return zh
                ? ("本单位尚未录入 \(year) 年公开承诺，请按要求作出承诺并公示后登记。", "")
                : ("This unit has recorded no commitments for \(year): make them, publish them and record them.", "")
        }
        let open = commitments.filter { $0.status != CommitmentStatus.fulfilled.rawValue }
        let words: [String: String] =
            zh
            ? ["partial": "部分兑现", "unfulfilled": "未兑现"] : ["partial": "partly fulfilled", "unfulfilled": "unfulfilled"]
        let lines = open.sorted { $0.id < $1.id }.map { c -> String in
            let who = c.member.map { zh ? "（\($0)）" : " (\($0))" } ?? ""
            let standing =
                c.status.map { status in
                    (words[status] ?? status) + (c.evaluatedPeriod.map { zh ? "，\($0)" : ", \($0)" } ?? "")
                } ?? (zh ? "待评价" : "not yet evaluated")
            return zh ? "- #\(c.id) \(c.text)\(who)：\(standing)" : "- #\(c.id) \(c.text)\(who): \(standing)"
        }
        let summary =
            zh
            ? "本单位 \(year) 年公开承诺 \(commitments.count) 项，已兑现 \(commitments.count - open.count) 项，"
                + (open.isEmpty ? "均已兑现。" : "尚未兑现 \(open.count) 项（一月一提醒）：")
            : "\(commitments.count) commitments for \(year), \(commitments.count - open.count) fulfilled; "
                + (open.isEmpty ? "all are fulfilled." : "\(open.count) not yet (the monthly reminder):")
        return (summary, lines.joined(separator: "\n"))
    }

    /// One unit's commitments in the monthly reminder: how many, and how the latest evaluations stand.
    public func commitmentLine(unit: String, name: String, total: Int, fulfilled: Int, partial: Int, unfulfilled: Int)
        -> String
    {
        let open = total - fulfilled
        let pending = total - fulfilled - partial - unfulfilled
        return language == .zh
            ? "- \(unit) \(name)：承诺 \(total) 项，尚未兑现 \(open) 项（已兑现 \(fulfilled)，部分兑现 \(partial)，未兑现 \(unfulfilled)，待评价 \(pending)）"
            : "- \(unit) \(name): \(total) commitments, \(open) not yet fulfilled (fulfilled \(fulfilled), partial \(partial), unfulfilled \(unfulfilled), not evaluated \(pending))"
    }

    /// An item's responsible people, as a line after the body's sentence (`{responsible}`):
    /// `\n责任人：第一责任人 陈一，主要责任人 林二，直接责任人 赵三。`; empty when none is named.
    public func responsibleLine(first: String?, main: String?, direct: String?) -> String {
        let named = [(first, "第一责任人", "first"), (main, "主要责任人", "main"), (direct, "直接责任人", "direct")]
            .compactMap { person, zh, en in person.map { (language == .zh ? zh : en) + " " + $0 } }
        guard !named.isEmpty else { return "" }
        return language == .zh
            ? "\n责任人：" + named.joined(separator: "，") + "。"
            : "\nResponsible: " + named.joined(separator: ", ") + "."
    }

    /// Whom accountability is pursued against (`{accountable}`): the unit's leaders (its first and
    /// main responsible people), the responsible department (the unit) and the responsible person.
    public func accountableLine(unit: String, first: String?, main: String?, direct: String?) -> String {
        let leaders = [first, main].compactMap { $0 }
        if language == .zh {
            return "追究单位领导（\(leaders.isEmpty ? "未指定" : leaders.joined(separator: "、"))）、责任部门（\(unit)）"
                + "和责任人（\(direct ?? "未指定")）的责任。"
        }
        return " Accountability is pursued against the unit's leaders ("
            + (leaders.isEmpty ? "not named" : leaders.joined(separator: ", "))
            + "), the responsible department (\(unit)) and the responsible person (\(direct ?? "not named"))."
    }

    /// What a missing year of holiday data does, for the `holiday-data` notice's `{summary}`.
    public func holidayGap(_ gap: HolidayCoverage.Gap, lastCovered: Int?) -> String {
        let year = gap.year
        if language == .zh {
            let reach = lastCovered.map { "节假日文件只到 \($0) 年，" } ?? ""
            return reach + "没有 \(year) 年的放假和调休安排。"
                + (gap.started ? "\(year) 年已经开始，按工作日计算的整改时限和周期现在" : "不补上的话，自 \(year) 年 1 月 1 日起，按工作日计算的整改时限和周期")
                + "只把周末当作休息日：春节、国庆等假期算作工作日，调休上班的周末不算。"
        }
        let reach = lastCovered.map { "The holiday files end with \($0): " } ?? ""
        return reach + "they hold no days off or make-up working days for \(year). "
            + (gap.started
                ? "\(year) has begun, and deadlines and cadences counted in working days now"
                : "Unless they are added, from 1 January \(year) deadlines and cadences counted in working days")
            + " take only the weekend as days off: the Spring Festival and National Day count as working days, and make-up working Saturdays do not. "
    }

    /// A digest's summary: `2 项即将到期，1 项已逾期（最长 4 天）`.
    public func digestSummary(dueSoon: Int, overdue: Int, longestOverdue: Int, other: Int) -> String {
        var parts: [String] = []
        if language == .zh {
            if dueSoon > 0 { parts.append("\(dueSoon) 项即将到期") }
            if overdue > 0 { parts.append("\(overdue) 项已逾期（最长 \(longestOverdue) 天）") }
            if other > 0 { parts.append("\(other) 项其他通知") }
            return parts.joined(separator: "，")
        }
        if dueSoon > 0 { parts.append("\(dueSoon) falling due soon") }
        if overdue > 0 { parts.append("\(overdue) overdue (up to \(longestOverdue) days)") }
        if other > 0 { parts.append("\(other) other notices") }
        return parts.joined(separator: ", ")
    }

    /// Time of day at which a deadline typed as a date falls due (`DeadlineTime=`), in seconds.
    public var deadlineTimeOfDay = 86_400

    /// A deadline typed as a date, as the office typed it, with the hour it falls due that day:
    /// `2026-10-31（当日 24:00 截止）`, `2026-10-31 (by 24:00 that day)`.
    /// The new time limit a talk sets (`{time_limit}` of the talk's notice), by its local day.
    public func timeLimitLine(_ limit: Date) -> String {
        let day = typedDate(LocalDay.of(limit.addingTimeInterval(-0.000_001), in: zone).description)
        return language == .zh
            ? "，限期 \(day)前整改到位，逾期即启动责任追究" : ", with a new time limit of \(day); past it, accountability applies"
    }

    func typedDate(_ date: String) -> String {
        let time =
            CivilCalendar.pad(deadlineTimeOfDay / 3600, 2) + ":" + CivilCalendar.pad(deadlineTimeOfDay % 3600 / 60, 2)
        return language == .zh ? "\(date)（当日 \(time) 截止）" : "\(date) (by \(time) that day)"
    }

    /// What a refused configuration means: the reload was refused, or the daemon started on the copy
    /// it kept (saved at `savedAt`).
    public func configurationOutcome(reload: Bool, savedAt: Date?) -> String {
        switch (reload, language) {
        case (true, .zh): "重新加载被拒绝，原配置继续有效"
        case (true, .en): "the reload was refused and the configuration in force before stays"
        case (false, .zh):
            "cadenced 以上次正常运行的配置启动" + (savedAt.map { "（保存于 \(LocalTimeText.format($0, zone: zone))）" } ?? "")
        case (false, .en):
            "cadenced started on the last good configuration"
                + (savedAt.map { " (kept at \(LocalTimeText.format($0, zone: zone)))" } ?? "")
        }
    }

    /// The title of the overdue item opened for a unit whose duty was not recorded in `period`.
    public func missedDuty(description: String, period: String) -> String {
        language == .zh ? "\(period) 未记录：\(description)" : "Not recorded for \(period): \(description)"
    }

    /// A notice kind in the office's words (通知文件的“类型”).
    public func kindName(_ kind: NoticeKind) -> String {
        guard language == .zh else { return kind.rawValue }
        return switch kind {
        case .occurrence: "周期提醒"
        case .catchUp: "补发提醒"
        case .deadlineWarning: "到期预警"
        case .overdue: "整改逾期"
        case .escalation: "逾期升级"
        case .accountability: "责任追究"
        case .quotaShortfall: "信息报送定额检查"
        case .configurationRefused: "配置未生效"
        case .deliveryFailed: "通知未送达"
        case .digest: "每日汇总"
        case .test: "测试消息"
        case .holidayDataMissing: "节假日安排缺失"
        case .finalReport: "最终结果"
        case .phaseStart: "活动阶段开始"
        case .phaseEnd: "活动阶段结束"
        case .deliverableDue: "应交事项提醒"
        case .yearlyQuota: "年度数量检查"
        case .rangeCheck: "数量范围提醒"
        case .commitmentReminder: "公开承诺提醒"
        }
    }

    public func levelName(_ level: EscalationLevel) -> String {
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
            "整改提醒：{unit_name} {item} 将于 {deadline} 到期\n整改事项 {item}「{title}」（{unit_name}）将于 {deadline} 到期，请抓紧整改并申请验收销号。{responsible}"
        case (.deadlineWarning, .en):
            "Rectification due soon: {unit_name} {item} at {deadline}\nItem {item} \"{title}\" ({unit_name}) falls due at {deadline}; finish it and ask for verification.{responsible}"
        case (.overdue, .zh):
            "整改逾期：{unit_name} {item}{late}\n整改事项 {item}「{title}」（{unit_name}）已于 {deadline} 到期，未验收销号，已逾期 {overdue_days} 天。{responsible}"
        case (.overdue, .en):
            "Rectification overdue: {unit_name} {item}{late}\nItem {item} \"{title}\" ({unit_name}) fell due at {deadline} without verified closure; {overdue_days} days overdue.{responsible}"
        case (.escalation, .zh):
            "整改逾期升级：{level} {unit_name} {item}\n整改事项 {item}「{title}」（{unit_name}）逾期 {overdue_days} 天，升级为{level}{time_limit}。{responsible}"
        case (.escalation, .en):
            "Overdue rectification escalated to {level}: {unit_name} {item}\nItem {item} \"{title}\" ({unit_name}) is {overdue_days} days overdue (due {deadline}); escalated to {level}{time_limit}.{responsible}"
        case (.accountability, .zh):
            "责任追究：{unit_name} {item}\n整改事项 {item}「{title}」（{unit_name}）逾期 {overdue_days} 天仍未整改到位，启动责任追究。{accountable}{responsible}"
        case (.accountability, .en):
            "Accountability: {unit_name} {item}\nItem {item} \"{title}\" ({unit_name}) is {overdue_days} days overdue and still not rectified: accountability applies.{accountable}{responsible}"
        case (.quotaShortfall, .zh):
            "信息报送定额检查：{period} 有 {count} 个单位未达定额{late}\n{period} 信息报送少于定额的单位（已报/应报）：\n{shortfalls}"
        case (.configurationRefused, .zh):
            "配置未生效：{what}\n{directory} 中的配置有错误，{what}。请按下列各行修改，用 cadenced --check-config 检查无误后执行 systemctl reload cadenced：\n{errors}"
        case (.configurationRefused, .en):
            "Configuration refused: {what}\nThe configuration in {directory} has errors, so {what}. Fix these lines, check them with cadenced --check-config, then run systemctl reload cadenced:\n{errors}"
        case (.deliveryFailed, .zh):
            "通知未送达：{person}（{channel}）\n发给 {person}（{address}）的通知「{subject}」未能送达：{reason}。已尝试 {attempts} 次，不再重试。请核对通讯录后执行 cadencectl deliveries retry {delivery}。"
        case (.deliveryFailed, .en):
            "Notice not delivered: {person} ({channel})\nThe notice \"{subject}\" to {person} ({address}) could not be delivered: {reason}. Tried {attempts} times; it is not tried again. Check the directory, then run cadencectl deliveries retry {delivery}."
        case (.digest, .zh):
            "您有 {count} 项整改事项：{summary}\n{person}，截至 {due}，您负责的整改事项如下：\n{lines}"
        case (.digest, .en):
            "You have {count} rectification items: {summary}\n{person}, as of {due}, the items you answer for:\n{lines}"
        case (.test, .zh):
            "cadenced 测试消息：{person}\n这是一条测试消息，用于确认 cadenced 能把整改提醒送达 {person}（{channel}）。发送时间 {due}。无需回复。"
        case (.test, .en):
            "cadenced test message: {person}\nThis is a test message to confirm that cadenced's notices reach {person} ({channel}). Sent at {due}. No reply needed."
        case (.phaseStart, _), (.phaseEnd, _), (.deliverableDue, _), (.yearlyQuota, _), (.rangeCheck, _):
            planTemplate(kind, language)
        case (.commitmentReminder, .zh):
            "公开承诺提醒：{unit_name} {period}{late}\n{summary}\n{lines}"
        case (.commitmentReminder, .en):
            "Commitments reminder: {unit_name} {period}{late}\n{summary}\n{lines}"
        case (.finalReport, .zh):
            "{description}：{period} 最终结果已生成{late}\n{period} 的统计区间已结束，{description}的最终结果已写入通知目录，以本结果为准（区间结束前生成的为初步结果）：\n{files}\n对外通报请用隐去姓名的版本（文件名以 -masked 结尾）。"
        case (.finalReport, .en):
            "{description}: final result for {period}{late}\nThe period {period} has ended. The final result of {description} is written in the notice directory and is the one that counts (the report written before the period ended was preliminary):\n{files}\nOutside the office, circulate the copy with names masked (the file ending in -masked)."
        case (.holidayDataMissing, .zh):
            "节假日安排缺少 {period} 年\n{summary}请按国务院办公厅公布的 {period} 年部分节假日安排，在 {directory} 中添加一个文件（例如 {period}.conf，写 [{period}] 一节的 Holiday= 放假日和 WorkingDay= 调休上班日），用 cadenced --check-config 检查无误后执行 systemctl reload cadenced。"
        case (.holidayDataMissing, .en):
            "No holidays for {period}\n{summary}Add the days off and make-up working days the State Council announced for {period} as a file in {directory} (for example {period}.conf, a [{period}] section of Holiday= and WorkingDay= lines), check it with cadenced --check-config, then run systemctl reload cadenced."
        case (.quotaShortfall, .en):
            "Report quota check for {period}: {count} units below quota{late}\nUnits that submitted fewer information reports than their quota in {period} (submitted/required):\n{shortfalls}"
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
