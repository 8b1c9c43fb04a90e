/// The campaign plans in a report (R5, R6, R10, R11): each plan's phases, its deliverables with
/// who handed them in on time, its yearly counts and ranges with who is outside them; and, per
/// unit, the plan tasks met of those judged, which enter the score.
extension EvaluationReport {
    /// Plans appear in evaluations (not ledger checkpoints) that have any.
    var showsPlans: Bool { !figures.plans.isEmpty && !window.variant.isLedgerCheckpoint }

    var zh: Bool { text.language == .zh }

    /// A phase's state at the instant: ended, in progress, to come.
    func phaseState(_ phase: PlanFigures.Phase) -> String {
        let day = LocalDay.of(window.asOf, in: window.zone)
        if day > phase.last { return zh ? "已结束" : "ended" }
        return day >= phase.first ? (zh ? "进行中" : "in progress") : (zh ? "未开始" : "to come")
    }

    /// Who did not hand a deliverable in on time, or that its due day has not ended.
    func deliverableResult(_ deliverable: PlanFigures.Deliverable) -> String {
        guard deliverable.judged else { return zh ? "未到期" : "not due yet" }
        let late = deliverable.notOnTime
        if late.isEmpty { return zh ? "全部按期上交" : "all on time" }
        return (zh ? "未按期上交：" : "not on time: ") + late.joined(separator: zh ? "、" : ", ")
    }

    /// What a count found, as the notices say it; a person's name masked when the report is; a
    /// quota whose year has not ended is marked as standing so far.
    func countResult(_ count: PlanFigures.Count) -> String {
        var findings = count.findings
        if mask && count.rule.role != nil {
            for index in findings.indices { findings[index].subject.name = zh ? "某人" : "a person" }
        }
        let status = NoticeText(language: text.language, zone: window.zone).countStatus(
            findings, checked: count.subjects.count, people: count.rule.role != nil)
        guard !count.judged else { return status }
        return (zh ? "截至统计时点（年末检查前）：" : "So far (before the year-end check): ") + status
    }

    func countKind(_ count: PlanFigures.Count) -> String {
        switch (count.rule.kind, zh) {
        case (.quota, true): "\(count.rule.year.map(String.init) ?? "") 年度数量"
        case (.quota, false): "yearly count \(count.rule.year.map(String.init) ?? "")"
        case (.range, true): count.rule.role == nil ? "数量范围" : "数量范围（每人）"
        case (.range, false): count.rule.role == nil ? "range" : "range (per person)"
        }
    }

    func countName(_ count: PlanFigures.Count) -> String {
        count.rule.description.map { "\(count.rule.name)（\($0)）" } ?? count.rule.name
    }

    var planHeading: String { zh ? "活动计划" : "Campaign plans" }
    var planTasksHeader: String { zh ? "活动计划 按期完成/应完成" : "Plan tasks met/due" }
    var planNote: String {
        zh
            ? "应交事项到期日结束后、年度数量在年末检查后计入得分，数量范围按统计时点计入；每人的数量范围（如领导干部联系点）只列出，不计入单位得分。"
            : "A deliverable counts in the score once its due day has ended, a yearly count once its year has, a range as it stands at the instant; a range per person (such as a leader's contact points) is listed, not scored."
    }

    var phaseHeaders: [String] { zh ? ["阶段", "起止", "日期", "状态"] : ["Phase", "Runs", "Days", "State"] }
    var deliverableHeaders: [String] {
        zh ? ["应交事项", "期限", "按期上交", "结果"] : ["Deliverable", "Due", "On time", "Result"]
    }
    var countHeaders: [String] { zh ? ["项目", "类别", "要求", "结果"] : ["Count", "Kind", "Required", "Result"] }

    func phaseRow(_ phase: PlanFigures.Phase) -> [String] {
        [
            phase.name, "\(phase.startText) \(zh ? "至" : "to") \(phase.endText)", "\(phase.first) – \(phase.last)",
            phaseState(phase),
        ]
    }

    func deliverableRow(_ deliverable: PlanFigures.Deliverable) -> [String] {
        [
            deliverable.name, "\(deliverable.dueText) (\(deliverable.dueDay))",
            Self.fraction(deliverable.onTime, deliverable.owing.count), deliverableResult(deliverable),
        ]
    }

    func countRow(_ count: PlanFigures.Count) -> [String] {
        let bounds = NoticeText(language: text.language, zone: window.zone).countBounds(count.rule)
        return [countName(count), countKind(count), bounds, countResult(count)]
    }

    /// The plan's counts of units, unit by unit: a row per unit counted, a column per quota or
    /// range of units; a cell is the unit's count, marked when outside its bounds, `—` when the
    /// rule does not count the unit's kind.
    func unitCounts(_ plan: PlanFigures) -> (
        rules: [PlanFigures.Count], rows: [(id: String, name: String, cells: [(count: Int, outside: Bool)?])]
    ) {
        let rules = plan.counts.filter { $0.rule.role == nil && !$0.subjects.isEmpty }
        var order: [(id: String, name: String)] = []
        for count in rules {
            for subject in count.subjects where !order.contains(where: { $0.id == subject.id }) {
                order.append((subject.id, subject.name))
            }
        }
        let rows = order.map { unit in
            (
                id: unit.id, name: unit.name,
                cells: rules.map { count -> (count: Int, outside: Bool)? in
                    guard count.subjects.contains(where: { $0.id == unit.id }) else { return nil }
                    return (count.counts[unit.id] ?? 0, count.findings.contains { $0.subject.id == unit.id })
                }
            )
        }
        return (rules, rows)
    }

    var unitCountsHeading: String { zh ? "各单位年度数量与数量范围（✗ 为不在要求之内）" : "Counts by unit (✗: outside what is required)" }

    // MARK: - Formats

    func htmlPlans(_ out: inout String) {
        guard showsPlans else { return }
        func table(_ name: String, _ headers: [String], _ rows: [(attributes: String, cells: [String])]) {
            guard !rows.isEmpty else { return }
            out += "<table class=\"\(name)\">\n<thead><tr>"
            for header in headers { out += "<th>\(Self.escape(header))</th>" }
            out += "</tr></thead>\n<tbody>\n"
            for row in rows {
                out += "<tr\(row.attributes)>"
                out += row.cells.map { "<td class=\"t\">\(Self.escape($0))</td>" }.joined()
                out += "</tr>\n"
            }
            out += "</tbody>\n</table>\n"
        }
        out += "<section id=\"plans\">\n<h2>\(Self.escape(planHeading))</h2>\n"
        out += "<p class=\"rule\">\(Self.escape(planNote))</p>\n"
        for plan in figures.plans {
            out += "<div class=\"plan\" data-plan=\"\(Self.escape(plan.name))\">\n"
            out += "<h3>\(Self.escape(plan.description))</h3>\n"
            table("phases", phaseHeaders, plan.phases.map { (" data-phase=\"\(Self.escape($0.name))\"", phaseRow($0)) })
            table(
                "deliverables", deliverableHeaders,
                plan.deliverables.map {
                    (
                        " data-deliverable=\"\(Self.escape($0.name))\" data-on-time=\"\($0.onTime)\""
                            + " data-owing=\"\($0.owing.count)\" data-judged=\"\($0.judged)\"", deliverableRow($0)
                    )
                })
            table(
                "counts", countHeaders,
                plan.counts.map {
                    (
                        " data-rule=\"\(Self.escape($0.rule.name))\" data-outside=\"\($0.findings.count)\""
                            + " data-judged=\"\($0.judged)\"", countRow($0)
                    )
                })
            let (rules, rows) = unitCounts(plan)
            if !rows.isEmpty {
                out += "<h4>\(Self.escape(unitCountsHeading))</h4>\n<table class=\"plan-units\">\n<thead><tr>"
                out += "<th>\(Self.escape(text.unit))</th>"
                for count in rules { out += "<th>\(Self.escape(count.rule.name))</th>" }
                out += "</tr></thead>\n<tbody>\n"
                for row in rows {
                    out += "<tr class=\"plan-unit\" data-unit=\"\(Self.escape(row.id))\">"
                    out += "<td class=\"t\">\(Self.escape(row.name))</td>"
                    for (count, cell) in zip(rules, row.cells) {
                        guard let cell else {
                            out += "<td>—</td>"
                            continue
                        }
                        let rule = Self.escape(count.rule.name)
                        out +=
                            cell.outside
                            ? "<td data-rule=\"\(rule)\" data-outside=\"true\"><span class=\"bad\">\(cell.count) ✗</span></td>"
                            : "<td data-rule=\"\(rule)\">\(cell.count)</td>"
                    }
                    out += "</tr>\n"
                }
                out += "</tbody>\n</table>\n"
            }
            out += "</div>\n"
        }
        out += "</section>\n"
    }

    func markdownPlans() -> String {
        guard showsPlans else { return "" }
        var out = "\n## \(planHeading)\n\n\(planNote)\n"
        for plan in figures.plans {
            out += "\n### \(Self.cell(plan.description))\n\n"
            if !plan.phases.isEmpty { out += Self.table(phaseHeaders, plan.phases.map(phaseRow), right: []) + "\n" }
            if !plan.deliverables.isEmpty {
                out += Self.table(deliverableHeaders, plan.deliverables.map(deliverableRow), right: [2]) + "\n"
            }
            if !plan.counts.isEmpty { out += Self.table(countHeaders, plan.counts.map(countRow), right: []) + "\n" }
            let (rules, rows) = unitCounts(plan)
            if !rows.isEmpty {
                out += "**\(unitCountsHeading)**\n\n"
                out +=
                    Self.table(
                        [text.unit] + rules.map(\.rule.name),
                        rows.map { row in
                            [row.name] + row.cells.map { $0.map { "\($0.count)" + ($0.outside ? " ✗" : "") } ?? "—" }
                        }, right: Set(1...rules.count)) + "\n"
            }
        }
        return out
    }

    /// The plans for programs: each deliverable with the units owing it and when each handed it
    /// in, each count with the units (or people) outside it and their counts.
    var plansJSON: JSONValue {
        .array(
            figures.plans.map { plan in
                .object([
                    ("name", .string(plan.name)), ("description", .string(plan.description)),
                    (
                        "phases",
                        .array(
                            plan.phases.map {
                                .object([
                                    ("name", .string($0.name)), ("start", .string($0.first.description)),
                                    ("end", .string($0.last.description)),
                                ])
                            })
                    ),
                    (
                        "deliverables",
                        .array(
                            plan.deliverables.map { deliverable in
                                .object([
                                    ("name", .string(deliverable.name)),
                                    ("due", .string(deliverable.dueDay.description)),
                                    ("judged", .bool(deliverable.judged)), ("onTime", .int(deliverable.onTime)),
                                    (
                                        "owing",
                                        .array(
                                            deliverable.owing.map {
                                                .object([
                                                    ("unit", .string($0.id)),
                                                    ("handedOn", $0.handedOn.map { .string($0.description) } ?? .null),
                                                ])
                                            })
                                    ),
                                ])
                            })
                    ),
                    (
                        "counts",
                        .array(
                            plan.counts.map { count in
                                .object([
                                    ("name", .string(count.rule.name)), ("kind", .string(count.rule.kind.rawValue)),
                                    ("judged", .bool(count.judged)), ("checked", .int(count.subjects.count)),
                                    (
                                        "values",
                                        .object(
                                            mask && count.rule.role != nil
                                                ? []
                                                : count.subjects.map { ($0.id, .int(count.counts[$0.id] ?? 0)) })
                                    ),
                                    (
                                        "outside",
                                        .array(
                                            count.findings.map {
                                                .object([
                                                    (
                                                        count.rule.role == nil ? "unit" : "person",
                                                        .string(mask && count.rule.role != nil ? "" : $0.subject.id)
                                                    ),
                                                    ("count", .int($0.count)), ("minimum", .int($0.bounds.minimum)),
                                                    ("maximum", $0.bounds.maximum.map(JSONValue.int) ?? .null),
                                                ])
                                            })
                                    ),
                                ])
                            })
                    ),
                ])
            })
    }
}
