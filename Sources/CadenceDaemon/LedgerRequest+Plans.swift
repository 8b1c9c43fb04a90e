import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

extension LedgerRequest {
    func answer(_ call: GetPlanCall) throws -> [String: Any] {
        let all = manager.configuration.plans
        let plans = all.filter { call.plan == nil || $0.name == call.plan }
        if let name = call.plan, plans.isEmpty {
            throw VarlinkError.invalidArgument("plan", "there is no plan '\(name)' (\(Self.names(all)))")
        }
        let zh = manager.text.language == .zh
        guard !plans.isEmpty else {
            return [
                "text": zh
                    ? "没有活动计划：配置目录的 plans.d 中没有 .plan 文件。\n"
                    : "No campaign plan is in force: plans.d of the configuration directory has no .plan file.\n",
                "plans": 0,
            ]
        }
        return ["text": try plans.map { try planText($0, zh: zh) }.joined(separator: "\n"), "plans": plans.count]
    }

    func answer(_ call: HandInCall) throws -> [String: Any] {
        let plan = try plan(named: call.plan)
        let deliverable = try Self.part(
            call.deliverable, of: plan, plan.deliverables.map { ($0.name, $0) }, parameter: "deliverable",
            what: ("deliverable", "deliverables"))
        guard let unit = try store.unit(call.unit) else { throw LedgerError.unknownUnit(call.unit) }
        guard unit.parent != nil,
            deliverable.unitKinds.isEmpty || deliverable.unitKinds.contains(where: { $0.rawValue == unit.kind })
        else {
            let kinds = deliverable.unitKinds.map(\.rawValue).joined(separator: ", ")
            throw VarlinkError.invalidArgument(
                "unit",
                "\(unit.name) (\(unit.id)) does not owe \(deliverable.name): "
                    + (unit.parent == nil
                        ? "the top of the tree owes nothing" : "it is owed by units of kinds \(kinds)"))
        }
        let handedOn = call.handedOn ?? today
        guard handedOn <= today else {
            throw VarlinkError.invalidArgument("handedOn", "\(handedOn) is in the future")
        }
        let closed = try store.recordHandIn(
            HandIn(
                plan: plan.name, deliverable: deliverable.name, unit: unit.id, handedOn: handedOn, note: call.note),
            at: now, actor: actor)
        return [
            "plan": plan.name, "deliverable": deliverable.name, "unit": unit.id, "handedOn": handedOn.description,
            "closed": closed,
        ]
    }

    func answer(_ call: RecordCountCall) throws -> [String: Any] {
        let plan = try plan(named: call.plan)
        let rule = try Self.part(
            call.rule, of: plan, plan.counts.map { ($0.name, $0) }, parameter: "rule",
            what: ("quota or range", "quotas and ranges"))
        if let role = rule.role {
            throw VarlinkError.invalidArgument(
                "rule",
                "\(rule.name) counts the units where each person holds the role \(role.rawValue): "
                    + "assign the role instead (cadencectl role assign)")
        }
        guard let unit = try store.unit(call.unit) else { throw LedgerError.unknownUnit(call.unit) }
        guard rule.counts(unitKind: UnitKind(rawValue: unit.kind)) else {
            let kinds = rule.targets.compactMap(\.kind?.rawValue).joined(separator: ", ")
            throw VarlinkError.invalidArgument(
                "unit", "\(unit.name) (\(unit.kind)) is not counted by \(rule.name): it counts units of kinds \(kinds)")
        }
        let count = call.count ?? 1
        guard (1...10_000).contains(count) else {
            throw VarlinkError.invalidArgument("count", "\(count) is not a count from 1 to 10000")
        }
        let day = call.day ?? today
        guard day <= today else { throw VarlinkError.invalidArgument("day", "\(day) is in the future") }
        if let year = rule.year, day.year != year {
            throw VarlinkError.invalidArgument("day", "\(day) is outside the quota's year \(year)")
        }
        let id = try store.recordCount(
            CountRecord(plan: plan.name, rule: rule.name, unit: unit.id, day: day, count: count, note: call.note),
            at: now, actor: actor)
        let total = try store.countTotals(
            plan: plan.name, rule: rule.name, from: rule.countsFrom(checkingOn: day))
        return [
            "id": id, "plan": plan.name, "rule": rule.name, "unit": unit.id, "day": day.description,
            "total": total[unit.id] ?? 0,
        ]
    }

    /// The plan in force named `name`, or an error naming those there are.
    func plan(named name: String) throws -> CampaignPlan {
        let all = manager.configuration.plans
        guard let plan = all.first(where: { $0.name == name }) else {
            throw VarlinkError.invalidArgument("plan", "there is no plan '\(name)' (\(Self.names(all)))")
        }
        return plan
    }

    /// The part of `plan` named `name` (a deliverable, a quota or range), or an error naming those
    /// the plan has.
    static func part<Part>(
        _ name: String, of plan: CampaignPlan, _ parts: [(name: String, part: Part)], parameter: String,
        what: (one: String, many: String)
    ) throws -> Part {
        guard let found = parts.first(where: { $0.name == name }) else {
            throw VarlinkError.invalidArgument(
                parameter,
                "plan \(plan.name) has no \(what.one) '\(name)' ("
                    + (parts.isEmpty
                        ? "it has none" : "its \(what.many): " + parts.map(\.name).joined(separator: ", ")) + ")")
        }
        return found.part
    }

    static func names(_ plans: [CampaignPlan]) -> String {
        plans.isEmpty ? "plans.d has none" : "plans: " + plans.map(\.name).joined(separator: ", ")
    }

    /// One plan for people: its phases with where today stands, its deliverables with who has
    /// handed each in.
    func planText(_ plan: CampaignPlan, zh: Bool) throws -> String {
        var lines = ["\(plan.description) (\(plan.name))"]
        lines.append(zh ? "阶段：" : "Phases:")
        for phase in plan.phases {
            let state =
                today > phase.end.last
                ? (zh ? "已结束" : "ended")
                : today >= phase.start.first ? (zh ? "进行中" : "in progress") : (zh ? "未开始" : "to come")
            let dates = "\(phase.start.text) \(zh ? "至" : "to") \(phase.end.text)"
            let days = "\(phase.start.first) – \(phase.end.last)"
            lines.append("  \(phase.name)  \(dates) (\(days))  \(state)")
        }
        lines += try countLines(plan, zh: zh)
        lines += try groupLines(plan, zh: zh)
        guard !plan.deliverables.isEmpty else { return lines.joined(separator: "\n") + "\n" }
        lines.append(zh ? "应交事项：" : "Deliverables:")
        let handIns = try store.handIns(plan: plan.name)
        for deliverable in plan.deliverables.sorted(by: { $0.due.last < $1.due.last }) {
            let due = manager.dueInstant(of: deliverable)
            let owing = try store.unitsOwing(kinds: deliverable.unitKinds, existingBefore: due)
            let done = Dictionary(
                handIns.filter { $0.deliverable == deliverable.name }.map { ($0.unit, $0.handedOn) },
                uniquingKeysWith: { a, _ in a })
            let missing = owing.filter { done[$0.id] == nil }.map(\.name)
            let handed = owing.filter { done[$0.id] != nil }.count
            var line =
                zh
                ? "  \(deliverable.name)  \(deliverable.due.text) 前：\(owing.count) 个单位中已交 \(handed) 个"
                : "  \(deliverable.name)  by \(deliverable.due.text): \(handed) of \(owing.count) units handed it in"
            if !missing.isEmpty {
                let late = now >= due
                line +=
                    zh
                    ? (late ? "；逾期未交：" : "；未交：") + missing.joined(separator: "、")
                    : (late ? "; overdue: " : "; not yet: ") + missing.joined(separator: ", ")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A plan's quotas and ranges as they stand today: each with its counts to reach and who is
    /// outside them.
    func countLines(_ plan: CampaignPlan, zh: Bool) throws -> [String] {
        var lines: [String] = []
        for kind in [CountRule.Kind.quota, .range] {
            let rules = plan.counts.filter { $0.kind == kind }
            guard !rules.isEmpty else { continue }
            lines.append(kind == .quota ? (zh ? "年度数量：" : "Yearly counts:") : (zh ? "数量范围：" : "Ranges:"))
            for rule in rules {
                let through = rule.year.map { min(today, LocalDate(year: $0, month: 12, day: 31) ?? today) } ?? today
                let (subjects, _, findings) = try store.countState(plan: plan.name, rule, at: now, through: through)
                var head = "  \(rule.name)  \(manager.text.countBounds(rule))"
                if let year = rule.year { head += zh ? "（\(year) 年）" : " (\(year))" }
                let status = manager.text.countStatus(findings, checked: subjects.count, people: rule.role != nil)
                lines.append(head + (zh ? "：" : ": ") + status)
            }
        }
        return lines
    }
}
