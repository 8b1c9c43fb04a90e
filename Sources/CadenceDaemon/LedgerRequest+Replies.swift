import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

extension LedgerRequest {
    // MARK: - Reply objects

    /// A record as its interface type, at the request's instant.
    func wire<Record: WireRecord>(_ record: Record) -> RawJSON { RecordJSON.object(record, at: now) }

    /// Records as a list of their interface type.
    func wire<Record: WireRecord>(_ records: [Record]) -> RawJSON { RecordJSON.array(records, at: now) }

    func unitObject(_ id: String) throws -> RawJSON {
        guard let unit = try store.unit(id) else { throw LedgerError.unknownUnit(id) }
        return wire(unit)
    }

    func commitmentObject(_ id: Int64) throws -> RawJSON {
        guard let commitment = try store.commitment(id) else {
            throw LedgerError.notFound("there is no commitment #\(id)")
        }
        return wire(commitment)
    }

    func itemObject(_ id: Int64) throws -> RawJSON {
        guard let item = try store.item(id) else { throw VarlinkError.noSuchItem(id) }
        return wire(item)
    }

    static func object(_ n: StoredNotice) -> [String: Any] {
        var o: [String: Any] = [
            "key": n.notice.key, "kind": n.notice.kind.rawValue, "due": ISOTimestamp.utc(n.notice.dueAt),
            "emitted": ISOTimestamp.utc(n.notice.emittedAt), "subject": n.notice.subject, "body": n.notice.body,
            "late": n.notice.late,
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
}
