import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

extension LedgerExchange {
    /// The columns that name or reach a person, masked by `export --mask` (R30).
    static let personalColumns: Set<String> = [
        "liaison", "member", "first", "main", "direct", "verifiedBy", "reviewer", "name", "mobile", "email",
        "dingtalk", "wecom", "feishu", "account",
    ]

    /// A person's name or contact, masked: 孙三 → 孙*, 13812345678 → 138****5678, zhou@x.org → z***@x.org;
    /// a role (`@first`) stays.
    static func masked(_ column: String, _ value: String) -> String {
        guard !value.hasPrefix("@") else { return value }
        switch column {
        case "mobile" where value.count >= 7:
            return String(value.prefix(3)) + String(repeating: "*", count: value.count - 7) + String(value.suffix(4))
        case "email":
            guard let at = value.firstIndex(of: "@"), let first = value.first else { return NameMask.mask(value) }
            return "\(first)***" + value[at...]
        default: return NameMask.mask(value)
        }
    }

    func export(kind: ExchangeKind, format: ExchangeFormat, unit: String?, mask: Bool = false) throws -> [String: Any] {
        let store = manager.store
        if let unit, try store.unit(unit) == nil { throw LedgerError.unknownUnit(unit) }
        // A sheet for a Chinese office (Language=zh) has Chinese headers; JSON keeps the field names.
        let chinese = manager.text.language == .zh && format == .csv
        let header: [String]
        var rows: [[String: String]] = []
        switch kind {
        case .units:
            header = kind.columns
            for u in try store.units() where unit == nil || u.id == unit || u.parent == unit {
                var r = ["id": u.id, "name": u.name, "kind": u.kind]
                r["parent"] = u.parent
                r["quota"] = u.quota.map(String.init)
                r["specialty"] = u.specialty
                r["grade"] = u.grade
                r["liaison"] = u.liaison
                r["holidays"] = u.holidays
                rows.append(r)
            }
        case .commitments:
            header = ["id"] + kind.columns + ["status", "evaluatedPeriod"]
            for c in try store.commitments(unit: unit, year: nil, limit: 1_000_000) {
                var r = ["id": String(c.id), "unit": c.unit, "text": c.text, "year": String(c.year)]
                r["member"] = c.member
                r["post"] = c.post
                r["direction"] = c.direction
                r["publishedOn"] = c.publishedOn
                r["status"] = c.status
                r["evaluatedPeriod"] = c.evaluatedPeriod
                rows.append(r)
            }
        case .items:
            header = ["id"] + kind.columns + ["state", "overdue", "closedAt", "verifiedBy"]
            let now = request.now
            for i in try store.items(unit: unit, overdueAt: nil, limit: 1_000_000).items {
                var r = [
                    // A deadline typed as a date is written back as that date.
                    "id": String(i.id), "unit": i.unit, "title": i.title,
                    "deadline": i.deadlineDate ?? ISOTimestamp.utc(i.deadline),
                    "source": i.source, "state": i.state.rawValue,
                    "overdue": i.isOverdue(at: now) ? (chinese ? "是" : "yes") : (chinese ? "否" : "no"),
                ]
                r["scope"] = i.scope
                r["urgency"] = i.urgency
                r["difficulty"] = i.difficulty
                for text in ItemText.allCases { r[text.name] = i.texts[text] }
                r["first"] = i.first
                r["main"] = i.main
                r["direct"] = i.direct
                // A Chinese sheet shows the local time, as the office reads it.
                r["closedAt"] = i.closedAt.map {
                    chinese ? LocalTimeText.format($0, zone: manager.configuration.timeZone) : ISOTimestamp.utc($0)
                }
                r["verifiedBy"] = i.verifiedBy
                r["foundOn"] = LocalDay.of(i.createdAt, in: manager.configuration.timeZone).description
                // The office's own number of an imported row goes back out with it.
                if let key = i.importKey, key.hasPrefix("n\u{1F}") {
                    r["number"] = key.split(separator: "\u{1F}", omittingEmptySubsequences: false).dropFirst(2).first
                        .map(String.init)
                }
                rows.append(r)
            }
        case .persons:
            header = kind.columns
            for person in try store.persons(unit: unit) {
                var r = ["id": person.id, "name": person.name]
                r["unit"] = person.unit
                r["mobile"] = person.mobile
                r["email"] = person.email
                r["dingtalk"] = person.dingtalk
                r["wecom"] = person.wecom
                r["feishu"] = person.feishu
                r["account"] = person.account
                rows.append(r)
            }
        case .reviews:
            header = ["id"] + kind.columns
            for review in try store.reviews(unit: unit, kind: nil, period: nil, limit: 1_000_000).reversed() {
                let kind = ReviewKind(review.kind)
                var r = [
                    "id": String(review.id), "unit": review.unit, "heldOn": review.heldOn, "period": review.period,
                    "kind": chinese ? RecordWords.kindWord[kind] ?? kind.rawValue : kind.rawValue,
                ]
                r["cadence"] = review.cadence
                r["form"] = review.form.map { form in
                    chinese ? ReviewForm(rawValue: form).flatMap { RecordWords.formWord[$0] } ?? form : form
                }
                r["reviewer"] = review.reviewer
                r["byUnit"] = review.byUnit
                r["subject"] = review.subject
                r["outcome"] = review.outcome
                r["override"] = review.override ? (chinese ? "是" : "yes") : (chinese ? "否" : "no")
                r["formsReturned"] = review.results?.formsReturned.map(String.init)
                r["satisfied"] = review.results?.satisfied.map(String.init)
                r["members"] = review.results?.members.map(String.init)
                r["membersAppraised"] = review.results?.membersAppraised.map(String.init)
                rows.append(r)
            }
        case .reports:
            header = ["id"] + kind.columns
            for report in try store.reports(unit: unit, limit: 1_000_000).reversed() {
                var r = [
                    "id": String(report.id), "unit": report.unit, "title": report.title,
                    "submittedOn": report.submittedOn, "month": report.month,
                ]
                r["liaison"] = report.liaison
                r["recipient"] = report.recipient
                rows.append(r)
            }
        case .evaluations:
            header = ["commitment", "unit", "text", "status", "period", "note"]
            for e in try store.commitmentEvaluations(unit: unit) {
                var r = ["commitment": String(e.commitment), "unit": e.unit, "text": e.text, "period": e.period]
                r["status"] =
                    chinese
                    ? CommitmentStatus(rawValue: e.status).flatMap { RecordWords.statusWord[$0] } ?? e.status : e.status
                r["note"] = e.note
                rows.append(r)
            }
        }
        if mask {
            // Units are not people: a unit's id and name stay (the persons sheet's name is a person's).
            rows = rows.map { row in
                var row = row
                for (column, value) in row where Self.personalColumns.contains(column) {
                    if kind == .units && column == "name" { continue }
                    row[column] = Self.masked(column, value)
                }
                return row
            }
        }
        let text: String
        switch format {
        case .csv:
            let names = chinese ? header.map(kind.chineseHeader) : header
            text = CSV.format([names] + rows.map { row in header.map { row[$0] ?? "" } })
        case .json:
            text = JSONWriter.string(rows.map { row in row as [String: Any] }) + "\n"
        }
        return ["text": text, "rows": rows.count]
    }
}
