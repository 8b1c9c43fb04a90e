extension NoticeText {
    /// A phase's description after the sentence that names it: on its own line.
    public func phaseDescription(_ description: String?) -> String {
        description.map { "\n" + $0 } ?? ""
    }

    /// What is due in a phase, one line each with its due day as the plan wrote it, and who owes
    /// it when not every unit does; empty when nothing is.
    public func deliverableLines(_ deliverables: [CampaignPlan.Deliverable]) -> String {
        guard !deliverables.isEmpty else { return "" }
        let zh = language == .zh
        var text = zh ? "\n本阶段应完成：" : "\nDue in this phase:"
        for deliverable in deliverables {
            let owing = deliverable.unitKinds.map(\.rawValue).joined(separator: zh ? "、" : ", ")
            text +=
                zh
                ? "\n- \(deliverable.name)：\(deliverable.due.text) 前"
                : "\n- \(deliverable.name): by \(deliverable.due.text)"
            if !owing.isEmpty { text += zh ? "（\(owing)）" : " (\(owing))" }
            if let description = deliverable.description { text += zh ? "。\(description)" : ". \(description)" }
        }
        return text
    }

    /// The title of the missed-duty item of a deliverable not handed in by its due day.
    public func missedDeliverable(plan: String, deliverable: String) -> String {
        language == .zh ? "未按期上交：\(plan) \(deliverable)" : "Not handed in on time: \(plan), \(deliverable)"
    }

    /// What a phase's end says of its deliverables: each with how many units owing it handed it
    /// in, and the names of those that did not.
    public func handInLines(
        _ lines: [(deliverable: CampaignPlan.Deliverable, handedIn: Int, owing: Int, missing: [String])]
    ) -> String {
        guard !lines.isEmpty else { return "" }
        let zh = language == .zh
        var text = zh ? "\n本阶段应完成的事项：" : "\nDue in this phase:"
        for line in lines {
            let name = line.deliverable.name, due = line.deliverable.due.text
            text +=
                zh
                ? "\n- \(name)（\(due) 前）：\(line.owing) 个单位中已交 \(line.handedIn) 个"
                : "\n- \(name) (by \(due)): \(line.handedIn) of \(line.owing) units handed it in"
            if !line.missing.isEmpty {
                text +=
                    zh ? "；未交：" + line.missing.joined(separator: "、") : "; not: " + line.missing.joined(separator: ", ")
            }
        }
        return text
    }

    /// Who has handed a deliverable in before its due day: how many of those owing it, and the
    /// names of those that have not.
    public func handInStatus(handedIn: Int, owing: Int, missing: [String]) -> String {
        let zh = language == .zh
        var text = zh ? "\(owing) 个单位中已交 \(handedIn) 个" : "\(handedIn) of \(owing) units have handed it in"
        if !missing.isEmpty {
            text += zh ? "；尚未上交：" + missing.joined(separator: "、") : "; not yet: " + missing.joined(separator: ", ")
        }
        return text + (zh ? "。" : ".")
    }

    /// A rule's bounds in the office's words: per kind of unit (县局 至少 3；市直单位 1), or each
    /// person's (1–2).
    public func countBounds(_ rule: CountRule) -> String {
        let zh = language == .zh
        let kinds = EvaluationText(language: language)
        return rule.targets.map { target in
            let bounds = target.bounds.text(zh: zh)
            guard let kind = target.kind else { return bounds }
            return kinds.unitKind(kind.rawValue) + " " + bounds
        }.joined(separator: zh ? "；" : "; ")
    }

    /// One finding: `某县卫生局 1（应至少 3）` / `County A: 1 (at least 3)`.
    public func countFinding(_ finding: CountFinding) -> String {
        let zh = language == .zh
        let bounds = finding.bounds.text(zh: zh)
        return zh
            ? "\(finding.subject.name) \(finding.count)（应为\(bounds)）"
            : "\(finding.subject.name): \(finding.count) (\(bounds))"
    }

    /// What a check found among `checked` units or people: those below their count, those above
    /// it, or that every one is within.
    public func countStatus(_ findings: [CountFinding], checked: Int, people: Bool) -> String {
        let zh = language == .zh
        let below = findings.filter(\.isBelow).map(countFinding)
        let above = findings.filter { !$0.isBelow }.map(countFinding)
        let noun = zh ? (people ? "人" : "个单位") : (people ? "people" : "units")
        guard checked > 0 else {
            return zh ? "没有应计数的\(people ? "人" : "单位")。" : "No \(people ? "person" : "unit") is counted."
        }
        guard !findings.isEmpty else {
            return zh ? "所查 \(checked) \(noun)均在要求之内。" : "All \(checked) \(noun) checked are within it."
        }
        var parts: [String] = []
        if !below.isEmpty {
            parts.append(
                zh
                    ? "低于要求 \(below.count) \(noun)：" + below.joined(separator: "、")
                    : "below it, \(below.count): " + below.joined(separator: "; "))
        }
        if !above.isEmpty {
            parts.append(
                zh
                    ? "超出上限 \(above.count) \(noun)：" + above.joined(separator: "、")
                    : "above it, \(above.count): " + above.joined(separator: "; "))
        }
        return zh
            ? "所查 \(checked) \(noun)中，" + parts.joined(separator: "；") + "。"
            : "Of \(checked) \(noun) checked, " + parts.joined(separator: "; ") + "."
    }

    static func planTemplate(_ kind: NoticeKind, _ language: NoticeLanguage) -> String {
        switch (kind, language) {
        case (.phaseStart, .zh):
            "活动阶段开始：{plan} {phase}{late}\n{plan}进入「{phase}」阶段（{start} 至 {end}）。{phase_description}{deliverables}"
        case (.phaseStart, .en):
            "Campaign phase begins: {plan}, {phase}{late}\n{plan} enters the phase {phase} ({start} to {end}).{phase_description}{deliverables}"
        case (.phaseEnd, .zh):
            "活动阶段结束：{plan} {phase}{late}\n{plan}「{phase}」阶段（{start} 至 {end}）已结束。{deliverables}"
        case (.phaseEnd, .en):
            "Campaign phase ended: {plan}, {phase}{late}\n{plan}: the phase {phase} ({start} to {end}) has ended.{deliverables}"
        case (.deliverableDue, .zh):
            "应交事项提醒：{plan} {deliverable} {due_text} 前上交{late}\n{plan}的应交事项「{deliverable}」须于 {due_text} 前上交（{deadline}）。{status}"
        case (.deliverableDue, .en):
            "Deliverable due soon: {plan}, {deliverable} by {due_text}{late}\n{plan}: the deliverable {deliverable} is due by {due_text} ({deadline}). {status}"
        case (.yearlyQuota, .zh):
            "年度数量检查：{plan} {rule}（{year} 年，截至 {day}）{late}\n{plan}「{rule}」截至 {day} 的年度数量（应达到：{bounds}）：{status}"
        case (.yearlyQuota, .en):
            "Yearly count check: {plan}, {rule} ({year}, as of {day}){late}\n{plan}: the yearly count {rule} as of {day} (to reach: {bounds}). {status}"
        case (.rangeCheck, .zh):
            "数量范围提醒：{plan} {rule} {subject}{late}\n{plan}「{rule}」（应为：{bounds}）：{status}"
        case (.rangeCheck, .en):
            "Count out of range: {plan}, {rule}: {subject}{late}\n{plan}: {rule} (to be: {bounds}). {status}"
        default: ""
        }
    }
}
