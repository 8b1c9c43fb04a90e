public import CadenceCore
public import Foundation
import GRDB

extension LedgerStore {
    // MARK: - Digests

    /// The day of the last digests made (`YYYY-MM-DD`), if any.
    public func lastDigestDay() throws -> String? {
        try writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM daemonState WHERE key = 'lastDigestDay'")
        }
    }

    /// Gathers each person's waiting messages of `kinds` into one digest per person and channel,
    /// in one transaction: the digest is stored as a notice (`render` makes it; not for the
    /// journal or the files, which have each gathered notice already) with its one message, the
    /// gathered messages become `digested`, and `day` is recorded as done, so it happens once.
    /// - Returns: the digests stored.
    public func makeDigests(
        day: String, kinds: [NoticeKind], at now: Date,
        render: (_ person: String, _ personName: String, _ messages: [DueDelivery]) -> Notice
    ) throws -> [Notice] {
        try writer.write { db in
            if try String.fetchOne(db, sql: "SELECT value FROM daemonState WHERE key = 'lastDigestDay'") == day {
                return []
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO daemonState (key, value) VALUES ('lastDigestDay', ?)", arguments: [day])
            guard !kinds.isEmpty else { return [] }
            let held = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.deliveryColumns) \(Self.deliveryJoin)
                    WHERE d.state = 'waiting' AND n.kind IN (\(kinds.map { "'\($0.rawValue)'" }.joined(separator: ", ")))
                    ORDER BY d.person, d.channel, d.id
                    """
            ).map { row in
                let (record, notice) = try Self.delivery(row)
                return DueDelivery(
                    delivery: record, body: notice.body, priority: notice.kind.priority, emittedAt: notice.emittedAt,
                    deadline: notice.deadline)
            }
            var stored: [Notice] = []
            let groups = Dictionary(grouping: held) { "\($0.delivery.person)\u{1F}\($0.delivery.channel.rawValue)" }
            for key in groups.keys.sorted() {
                let messages = groups[key]!
                let first = messages[0].delivery
                let notice = render(first.person, first.personName, messages)
                guard try Self.insert(notice, db) else { continue }
                try db.execute(
                    sql: "UPDATE notice SET fileWritten = 1, journalSent = 1 WHERE key = ?", arguments: [notice.key])
                try db.execute(
                    sql: """
                        INSERT INTO delivery (noticeKey, person, channel, address, createdAt, nextAttemptAt)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [
                        notice.key, first.person, first.channel.rawValue, first.address, now.micros, now.micros,
                    ])
                let ids = messages.map { String($0.delivery.id) }.joined(separator: ", ")
                try db.execute(
                    sql: "UPDATE delivery SET state = 'digested', nextAttemptAt = NULL WHERE id IN (\(ids))")
                stored.append(notice)
            }
            return stored
        }
    }
}

extension LedgerStore {
    /// Stores `notice` (a test message, not for the journal or the files) with one message to
    /// `person` on each channel the directory has an address for.
    /// - Returns: the messages, or nil when the person has no address at all.
    public func sendTest(_ notice: Notice, to person: String, at now: Date, actor: Actor?) throws -> [DeliveryRecord] {
        try writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM person WHERE id = ? AND removedAt IS NULL", arguments: [person])
            else { throw LedgerError.notFound("there is no person '\(person)' in the directory") }
            let record = Self.person(row)
            let channels = DeliveryChannel.personal.filter { record.address(on: $0) != nil }
            guard !channels.isEmpty else {
                throw LedgerError.invalid(
                    "\(record.name) (\(person)) has no address on any channel ("
                        + DeliveryChannel.personal.map(\.rawValue).joined(separator: ", ")
                        + "): add one with cadencectl person")
            }
            guard try Self.insert(notice, db) else { throw LedgerError.invalid("a test was just sent; try again") }
            try db.execute(
                sql: "UPDATE notice SET fileWritten = 1, journalSent = 1 WHERE key = ?", arguments: [notice.key])
            var ids: [Int64] = []
            for channel in channels {
                try db.execute(
                    sql: """
                        INSERT INTO delivery (noticeKey, person, channel, address, createdAt, nextAttemptAt)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        notice.key, person, channel.rawValue, record.address(on: channel)!, now.micros, now.micros,
                    ])
                ids.append(db.lastInsertedRowID)
            }
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "person.test", itemId: nil, details: ["person": person])
            }
            return try ids.map { try Self.deliveryRecord($0, db) }
        }
    }
}
