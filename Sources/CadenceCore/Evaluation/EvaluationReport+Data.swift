import Foundation

extension EvaluationReport {
    /// The CSV header, in the report's language.
    public var csvHeader: [String] {
        var header = [text.rank, text.unitID, text.unit, text.kind, text.score]
        header += [
            text.made, text.fulfilled, text.partial, text.unfulfilled, text.notEvaluated, text.fulfilmentRate + " (%)",
        ]
        for kind in DutyCounts.kinds {
            header += [text.duty(kind) + " " + text.held, text.duty(kind) + " " + text.due]
        }
        header += [text.heldLate, text.monthlyQuota, text.monthsMet, text.monthsJudged]
        header += window.months.map { text.monthName($0.number) + (text.language == .zh ? " 报送" : " reports") }
        header += [
            text.carriedOver, text.opened, text.closedOnTime, text.closedLate, text.open, text.overdue, text.deferred,
            text.referred, text.escalated, text.accountability, text.reopened, text.rectificationRate + " (%)",
            text.onTimeRate + " (%)",
        ]
        if showsPlans { header += zh ? ["活动计划 按期完成", "活动计划 应完成"] : ["plan tasks met", "plan tasks due"] }
        return header
    }

    /// One row per unit in ranking order (by id for ledger checkpoints); rates in percent with one
    /// decimal, empty when there is nothing to judge; month cells empty for months not yet begun.
    func csv() -> String {
        func percent(_ ratio: Ratio) -> String { ratio.value.map { EvaluationNumber.decimal($0 * 100) } ?? "" }
        var rows = [csvHeader]
        for line in assessment.lines {
            let unit = line.unit
            let c = unit.commitments
            let i = unit.items
            var row = [
                line.rank.map(String.init) ?? "", unit.id, unit.name, unit.kind,
                line.scoreTenths.map { EvaluationNumber.decimal(Double($0) / 10) } ?? "",
            ]
            row += ["\(c.made)", "\(c.fulfilled)", "\(c.partial)", "\(c.unfulfilled)", "\(c.notEvaluated)"]
            row.append(percent(Ratio(c.fulfilled, of: c.made)))
            for kind in DutyCounts.kinds {
                let d = unit.duty(kind)
                row += ["\(d.held)", "\(d.due)"]
            }
            let months = unit.quotaMonths
            row += [
                "\(unit.duties.reduce(0) { $0 + $1.heldLate })", "\(unit.monthlyQuota)", "\(months.met)",
                "\(months.due)",
            ]
            row += window.months.map { month in
                guard let quota = unit.months.first(where: { $0.month == month.key }), quota.state != .future else {
                    return ""
                }
                return "\(quota.submitted)"
            }
            row += [
                "\(i.carriedOver)", "\(i.opened)", "\(i.closedOnTime)", "\(i.closedLate)", "\(i.open)", "\(i.overdue)",
                "\(i.deferred)", "\(i.referred)", "\(i.escalated)", "\(i.accountability)", "\(i.reopened)",
                percent(Ratio(i.closed, of: i.onLedger)), percent(Ratio(i.closedOnTime, of: i.closed)),
            ]
            if showsPlans { row += ["\(unit.planTasks.met)", "\(unit.planTasks.due)"] }
            rows.append(row)
        }
        return CSV.format(rows)
    }

    /// Every figure as one JSON object: units in ranking order with their counts, components, score
    /// and rank; totals; the rates with their targets; the burn-down; every listed item.
    func json() -> String {
        func ratio(_ r: Ratio) -> JSONValue {
            .object([
                ("part", .int(r.part)), ("whole", .int(r.whole)),
                ("percent", r.value.map { .number(EvaluationNumber.decimal($0 * 100)) } ?? .null),
            ])
        }
        func items(_ i: ItemCounts) -> JSONValue {
            .object([
                ("carriedOver", .int(i.carriedOver)), ("opened", .int(i.opened)),
                ("closedOnTime", .int(i.closedOnTime)),
                ("closedLate", .int(i.closedLate)), ("open", .int(i.open)), ("overdue", .int(i.overdue)),
                ("deferred", .int(i.deferred)), ("referred", .int(i.referred)), ("escalated", .int(i.escalated)),
                ("accountability", .int(i.accountability)), ("reopened", .int(i.reopened)),
            ])
        }
        func commitments(_ c: CommitmentCounts) -> JSONValue {
            .object([
                ("made", .int(c.made)), ("fulfilled", .int(c.fulfilled)), ("partial", .int(c.partial)),
                ("unfulfilled", .int(c.unfulfilled)), ("notEvaluated", .int(c.notEvaluated)),
            ])
        }
        func duties(_ list: [DutyCounts]) -> JSONValue {
            .object(
                list.map {
                    (
                        $0.kind.rawValue,
                        .object([("due", .int($0.due)), ("held", .int($0.held)), ("heldLate", .int($0.heldLate))])
                    )
                })
        }
        let units: [JSONValue] = assessment.lines.map { line in
            let unit = line.unit
            let months = unit.quotaMonths
            return .object([
                ("id", .string(unit.id)), ("name", .string(unit.name)), ("kind", .string(unit.kind)),
                ("parent", unit.parent.map(JSONValue.string) ?? .null),
                ("removedAt", unit.removedAt.map { .string(ISOTimestamp.utc($0)) } ?? .null),
                ("rank", line.rank.map(JSONValue.int) ?? .null),
                ("score", line.scoreTenths.map { .number(EvaluationNumber.decimal(Double($0) / 10)) } ?? .null),
                (
                    "components",
                    .object(
                        EvaluationAssessment.Component.allCases.compactMap { c in
                            line.components[c].map { (c.rawValue, ratio($0)) }
                        })
                ),
                ("commitments", commitments(unit.commitments)),
                ("duties", duties(DutyCounts.kinds.map(unit.duty))),
                ("monthlyQuota", .int(unit.monthlyQuota)),
                ("quotaMonths", .object([("met", .int(months.met)), ("judged", .int(months.due))])),
                (
                    "months",
                    .array(
                        unit.months.map {
                            .object([
                                ("month", .string($0.month.rawValue)), ("submitted", .int($0.submitted)),
                                ("required", .int($0.required)), ("state", .string($0.state.rawValue)),
                            ])
                        })
                ),
                ("items", items(unit.items)),
                ("planTasks", .object([("met", .int(unit.planTasks.met)), ("due", .int(unit.planTasks.due))])),
            ])
        }
        let rates: [JSONValue] = assessment.rates.map { rate in
            .object([
                ("key", .string(rate.key)), ("name", .string(text.rateName(rate.key))),
                ("computable", .bool(rate.ratio != nil)),
                ("part", rate.ratio.map { .int($0.part) } ?? .null),
                ("whole", rate.ratio.map { .int($0.whole) } ?? .null),
                ("percent", rate.ratio?.value.map { .number(EvaluationNumber.decimal($0 * 100)) } ?? .null),
                ("target", rate.target.map { .number(EvaluationNumber.decimal($0 * 100)) } ?? .null),
                ("targetStrict", .bool(rate.strictTarget)),
                ("meetsTarget", rate.meetsTarget.map(JSONValue.bool) ?? .null),
            ])
        }
        let listed: [JSONValue] = figures.items.map { item in
            var fields: [(String, JSONValue)] = [
                ("id", .int(Int(item.id))), ("unit", .string(item.unit)), ("title", .string(item.title)),
                ("source", .string(item.source)), ("state", .string(item.state)),
                ("deadline", .string(ISOTimestamp.utc(item.deadline))),
                ("originalDeadline", item.originalDeadline.map { .string(ISOTimestamp.utc($0)) } ?? .null),
                ("overdue", .bool(item.overdue)), ("daysOverdue", item.overdue ? .int(daysOverdue(item)) : .null),
                ("level", item.level.map { .string($0.rawValue) } ?? .null),
                ("closedAfterAsOf", item.closedLater.map { .string(ISOTimestamp.utc($0)) } ?? .null),
            ]
            for role in ["first", "main", "direct"] {
                let p = responsible(item, role)
                fields.append((role, p.map { .string(person($0)) } ?? .null))
            }
            return .object(fields)
        }
        let c = assessment.commitments
        let document: JSONValue = .object([
            ("report", .string(window.variant.isLedgerCheckpoint ? "ledger-checkpoint" : "evaluation")),
            ("variant", .string(window.variant.rawValue)), ("year", .int(window.year)),
            ("title", .string(title)), ("language", .string(text.language.rawValue)),
            ("timeZone", .string(window.zone.identifier)), ("start", .string(ISOTimestamp.utc(window.start))),
            ("end", .string(ISOTimestamp.utc(window.end))), ("asOf", .string(ISOTimestamp.utc(window.asOf))),
            ("standing", .string(standingName)),
            ("scope", figures.scope.map(JSONValue.string) ?? .null), ("masked", .bool(mask)),
            ("rankingRule", .string(window.variant.isLedgerCheckpoint ? text.checkpointRule : text.rankingRule)),
            ("weights", .object(EvaluationAssessment.Component.allCases.map { ($0.rawValue, .int($0.weight)) })),
            (
                "totals",
                .object([
                    ("units", .int(figures.units.count)), ("commitments", commitments(c)),
                    ("duties", duties(DutyCounts.kinds.map(assessment.duty))),
                    ("quotaMonths", ratio(assessment.quotaMonths)),
                    ("items", items(assessment.items)),
                ])
            ),
            ("rates", .array(rates)),
            ("units", .array(units)),
            (
                "burndown",
                .array(
                    figures.burndown.map {
                        .object([
                            ("at", .string(ISOTimestamp.utc($0.at))), ("open", .int($0.open)),
                            ("overdue", .int($0.overdue)),
                        ])
                    })
            ),
            ("items", .array(listed)),
            ("plans", plansJSON),
        ])
        var out = ""
        document.write(to: &out)
        return out + "\n"
    }
}

/// A JSON value written with its keys in the order given, numbers as given.
enum JSONValue {
    case string(String)
    case int(Int)
    /// A number already written as JSON text (`92.5`).
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    func write(to out: inout String) {
        switch self {
        case .string(let text): Self.quote(text, to: &out)
        case .int(let value): out += String(value)
        case .number(let text): out += text
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, to: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    static func quote(_ text: String, to out: inout String) { out += JSONString.quoted(text) }
}
