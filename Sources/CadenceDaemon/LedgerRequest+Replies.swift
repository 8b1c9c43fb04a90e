import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

extension LedgerRequest {
    // MARK: - Reply objects

    func unitObject(_ id: String) throws -> [String: Any] {
        guard let unit = try store.unit(id) else { throw LedgerError.unknownUnit(id) }
        return Self.object(unit)
    }

    func commitmentObject(_ id: Int64) throws -> [String: Any] {
        guard let commitment = try store.commitment(id) else {
            throw LedgerError.notFound("there is no commitment #\(id)")
        }
        return Self.object(commitment)
    }

    func itemObject(_ id: Int64) throws -> RawJSON {
        guard let item = try store.item(id) else { throw VarlinkError.noSuchItem(id) }
        return Self.object(item, at: now)
    }

    static func object(_ unit: UnitRecord) -> [String: Any] {
        var o: [String: Any] = [
            "id": unit.id, "name": unit.name, "kind": unit.kind, "quota": unit.monthlyQuota,
            "removed": unit.removedAt != nil,
        ]
        o["parent"] = unit.parent
        o["ownQuota"] = unit.quota
        o["specialty"] = unit.specialty
        o["grade"] = unit.grade
        o["liaison"] = unit.liaison
        return o
    }

    static func object(_ role: RoleRecord) -> [String: Any] {
        var o: [String: Any] = [
            "unit": role.unit, "role": role.role, "person": role.person, "since": ISOTimestamp.utc(role.since),
        ]
        o["until"] = role.until.map(ISOTimestamp.utc)
        return o
    }

    static func object(_ c: CommitmentRecord) -> [String: Any] {
        var o: [String: Any] = [
            "id": c.id, "unit": c.unit, "year": c.year, "text": c.text, "evaluations": c.evaluations,
        ]
        o["member"] = c.member
        o["post"] = c.post
        o["direction"] = c.direction
        o["publishedOn"] = c.publishedOn
        o["status"] = c.status
        o["evaluatedPeriod"] = c.evaluatedPeriod
        return o
    }

    static func object(_ r: ReviewRecord) -> [String: Any] {
        var o: [String: Any] = [
            "id": r.id, "unit": r.unit, "kind": ReviewKind(r.kind).rawValue, "period": r.period, "heldOn": r.heldOn,
            "override": r.override,
        ]
        o["cadence"] = r.cadence
        o["form"] = r.form
        o["reviewer"] = r.reviewer
        o["byUnit"] = r.byUnit
        o["subject"] = r.subject
        o["outcome"] = r.outcome
        return o
    }

    static func object(_ q: QuotaLine) -> [String: Any] {
        [
            "unit": q.unit, "name": q.name, "kind": q.kind, "required": q.required, "submitted": q.submitted,
            "short": q.short,
        ]
    }

    static func object(_ n: StoredNotice) -> [String: Any] {
        var o: [String: Any] = [
            "key": n.notice.key, "kind": n.notice.kind.rawValue, "due": ISOTimestamp.utc(n.notice.dueAt),
            "emitted": ISOTimestamp.utc(n.notice.emittedAt), "subject": n.notice.subject, "late": n.notice.late,
            "delivered": n.fileWritten && n.journalSent,
        ]
        o["unit"] = n.notice.unit
        o["item"] = n.notice.item
        o["period"] = n.notice.periods.last
        o["file"] = n.file
        return o
    }

    static func object(_ entry: HistoryEntry) -> [String: Any] {
        var o: [String: Any] = [
            "at": ISOTimestamp.utc(entry.at), "uid": Int(entry.uid), "user": entry.user, "action": entry.action,
            "details": entry.details,
        ]
        o["item"] = entry.itemId
        o["unit"] = entry.unit
        return o
    }

    static func json(_ items: [RectificationItem], at instant: Date) -> RawJSON { ItemJSON.array(items, at: instant) }

    static func object(_ item: RectificationItem, at instant: Date) -> RawJSON { ItemJSON.object(item, at: instant) }
}
