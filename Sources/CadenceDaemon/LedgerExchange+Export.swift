import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

extension LedgerExchange {
    func export(kind: ExchangeKind, format: ExchangeFormat, unit: String?) throws -> [String: Any] {
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
