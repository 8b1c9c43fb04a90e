public import CadenceCore
public import Foundation
import GRDB

extension LedgerStore {
    // MARK: - Routing into the outbox

    /// Puts one message per recipient and channel into the outbox, in the notice's transaction:
    /// a notice stored is a notice routed, whatever crashes.
    static func route(_ notice: Notice, _ db: Database) throws {
        try routeToRobots(notice, db)
        var seen: Set<String> = []
        var recipients: [PersonRecord] = []
        for text in try audienceTexts(notice, db) + routedTexts(notice, db) {
            guard let person = try resolvePerson(text, db), seen.insert(person.id).inserted else { continue }
            recipients.append(person)
        }
        guard !recipients.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO delivery (noticeKey, person, channel, address, createdAt, nextAttemptAt)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
        for person in recipients {
            for channel in DeliveryChannel.personal {
                guard let address = person.address(on: channel) else { continue }
                try statement.execute(arguments: [
                    notice.key, person.id, channel.rawValue, address, notice.emittedAt.micros,
                    notice.emittedAt.micros,
                ])
            }
        }
    }

    /// The names (person ids or names, as the ledger holds them) the notice's audience comes to.
    static func audienceTexts(_ notice: Notice, _ db: Database) throws -> [String] {
        var texts: [String] = []
        if notice.perUnit == true { return [] }
        func holder(_ unit: String, _ role: UnitRole) throws -> String? { try roleHolder(unit, role, db) }
        for audience in NoticeAudience.defaults(for: notice.kind) {
            switch audience {
            case .everyUnit(let role):
                // A duty owed by some kinds of unit (Units=) is announced to those units only.
                let kinds = notice.unitKinds ?? []
                let owing = kinds.isEmpty ? "" : "AND u.kind IN (\(kinds.map { _ in "?" }.joined(separator: ",")))"
                texts += try String.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT r.person FROM roleAssignment r JOIN unit u ON u.id = r.unit
                            WHERE r.role = ? AND r.until IS NULL AND u.removedAt IS NULL \(owing) ORDER BY u.id
                            """),
                    arguments: [role.rawValue] + StatementArguments(kinds))
            case .namedUnits(let role):
                for unit in notice.units ?? notice.unit.map({ [$0] }) ?? [] {
                    if let person = try holder(unit, role) { texts.append(person) }
                }
            case .itemResponsible(let role):
                texts += try itemResponsible(notice, role, db)
            case .parentUnit(let role):
                guard let unit = notice.unit,
                    let parent = try String.fetchOne(
                        db.cachedStatement(sql: "SELECT parent FROM unit WHERE id = ?"), arguments: [unit])
                else { continue }
                if let person = try holder(parent, role) { texts.append(person) }
            }
        }
        return texts
    }

    /// The item's responsible person of `role` (first, main, direct), as the item names them: a
    /// person, or `@ROLE` of its unit meaning that role's holder now.
    static func itemResponsible(_ notice: Notice, _ role: UnitRole, _ db: Database) throws -> [String] {
        guard let item = notice.item, let unit = notice.unit else { return [] }
        guard
            let given = try String.fetchOne(
                db.cachedStatement(sql: "SELECT \(role.rawValue)Responsible FROM rectificationItem WHERE id = ?"),
                arguments: [item])
        else { return [] }
        guard given.hasPrefix("@") else { return [given] }
        guard let named = UnitRole(rawValue: String(given.dropFirst())),
            let person = try roleHolder(unit, named, db)
        else { return [] }
        return [person]
    }

    /// Who holds `role` in `unit` now, as the ledger names them (a person id or a name).
    static func roleHolder(_ unit: String, _ role: UnitRole, _ db: Database) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT person FROM roleAssignment WHERE unit = ? AND role = ? AND until IS NULL"),
            arguments: [unit, role.rawValue])
    }

    // MARK: - The outbox

    static let deliveryColumns = """
        d.id, d.noticeKey, d.person, d.channel, d.address, d.state, d.attempts, d.createdAt, d.nextAttemptAt,
        d.sentAt, d.lastError, n.kind, n.payload, COALESCE(p.name, r.description, d.person) AS personName
        """
    static let deliveryJoin = """
        FROM delivery d JOIN notice n ON n.key = d.noticeKey
        LEFT JOIN person p ON p.id = d.person AND d.channel = 'email'
        LEFT JOIN robot r ON r.name = d.person AND d.channel != 'email'
        """

    static func delivery(_ row: Row) throws -> (DeliveryRecord, Notice) {
        let payload: String = row["payload"]
        let notice = try JSONDecoder.ledger.decode(Notice.self, from: Data(payload.utf8))
        let next: Int64? = row["nextAttemptAt"]
        let sent: Int64? = row["sentAt"]
        let record = DeliveryRecord(
            id: row["id"], noticeKey: row["noticeKey"], noticeKind: row["kind"], subject: notice.subject,
            person: row["person"], personName: row["personName"],
            channel: DeliveryChannel(rawValue: row["channel"]) ?? .email, address: row["address"],
            state: DeliveryState(rawValue: row["state"]) ?? .waiting, attempts: row["attempts"],
            createdAt: Date(micros: row["createdAt"]), nextAttemptAt: next.map(Date.init(micros:)),
            sentAt: sent.map(Date.init(micros:)), lastError: row["lastError"])
        return (record, notice)
    }

    static func deliveryRecord(_ id: Int64, _ db: Database) throws -> DeliveryRecord {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT \(deliveryColumns) \(deliveryJoin) WHERE d.id = ?", arguments: [id])
        else { throw LedgerError.notFound("there is no delivery \(id)") }
        return try delivery(row).0
    }

    /// The outbox, newest `limit` first, of one state and/or person when given.
    public func deliveries(state: DeliveryState? = nil, person: String? = nil, limit: Int = 1000) throws
        -> [DeliveryRecord]
    {
        try writer.read { db in
            var filter = SQLFilter()
            filter.add("d.state = ?", state?.rawValue)
            filter.add("d.person = ?", person)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM (SELECT \(Self.deliveryColumns) \(Self.deliveryJoin) \(filter.clause)
                    ORDER BY d.id DESC LIMIT ?) ORDER BY id
                    """,
                arguments: filter.arguments + [limit]
            ).map { try Self.delivery($0).0 }
        }
    }

    /// The condition that leaves out messages of the kinds that wait for the digest.
    static func notHeld(_ holding: [NoticeKind]) -> String {
        holding.isEmpty ? "" : " AND n.kind NOT IN (" + holding.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }

    /// Messages due to be sent at `now`, oldest first (at most `limit`); those of the `holding`
    /// kinds wait for the digest.
    public func dueDeliveries(at now: Date, limit: Int, holding: [NoticeKind] = []) throws -> [DueDelivery] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.deliveryColumns) \(Self.deliveryJoin)
                    WHERE d.state = 'waiting' AND d.nextAttemptAt <= ?\(Self.notHeld(holding))
                    ORDER BY d.nextAttemptAt, d.id LIMIT ?
                    """,
                arguments: [now.micros, limit]
            ).map { row in
                var (record, notice) = try Self.delivery(row)
                var mentions: [String] = []
                // A group is not the person concerned: names masked (R30), the people @-mentioned.
                if record.channel.isRobot {
                    // A robot no longer configured keeps the defaults: masked, mentioned.
                    let robot =
                        try Row.fetchOne(db, sql: "SELECT * FROM robot WHERE name = ?", arguments: [record.person])
                        .map(Self.robot) ?? RobotRoute(name: record.person, channel: record.channel)
                    let audience = try Self.robotAudience(notice, robot: robot, db)
                    mentions = audience.mentions
                    record.subject = NameMask.mask(audience.names, in: record.subject)
                    notice.body = NameMask.mask(audience.names, in: notice.body)
                }
                return DueDelivery(
                    delivery: record, body: notice.body, priority: notice.kind.priority, emittedAt: notice.emittedAt,
                    deadline: notice.deadline, mentions: mentions)
            }
        }
    }

    /// The instant the next waiting message (not of the `holding` kinds) falls due, if any.
    public func nextDeliveryAt(holding: [NoticeKind] = []) throws -> Date? {
        try writer.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT MIN(d.nextAttemptAt) FROM delivery d JOIN notice n ON n.key = d.noticeKey
                    WHERE d.state = 'waiting'\(Self.notHeld(holding))
                    """
            ).map(Date.init(micros:))
        }
    }

    /// Records what an attempt came to. A message given up stores `deadLetter` (its key makes it
    /// once) in the same transaction. Reports about a message no longer waiting change nothing.
    /// - Returns: the message as it now stands, and whether it was given up.
    public func recordDelivery(
        _ id: Int64, outcome: DeliveryOutcome, reason: String?, at now: Date,
        deadLetter: (DeliveryRecord, Int) -> Notice
    ) throws -> (record: DeliveryRecord, deadLetter: Notice?) {
        try writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT state, attempts FROM delivery WHERE id = ?", arguments: [id])
            else { throw LedgerError.notFound("there is no delivery \(id)") }
            var stored: Notice?
            if row["state"] == DeliveryState.waiting.rawValue {
                let attempts: Int = row["attempts"] + (outcome == .held ? 0 : 1)
                switch outcome {
                case .held:
                    try db.execute(
                        sql: "UPDATE delivery SET nextAttemptAt = ?, lastError = ? WHERE id = ?",
                        arguments: [now.addingTimeInterval(DeliveryOutcome.heldFor).micros, reason, id])
                case .sent:
                    try db.execute(
                        sql: """
                            UPDATE delivery SET state = 'sent', attempts = ?, sentAt = ?, nextAttemptAt = NULL,
                            lastError = NULL WHERE id = ?
                            """,
                        arguments: [attempts, now.micros, id])
                case .temporary, .permanent:
                    let wait = outcome == .temporary ? DeliveryBackoff.wait(afterAttempts: attempts) : nil
                    try db.execute(
                        sql: """
                            UPDATE delivery SET state = ?, attempts = ?, nextAttemptAt = ?, lastError = ? WHERE id = ?
                            """,
                        arguments: [
                            wait == nil ? "failed" : "waiting", attempts,
                            wait.map { now.addingTimeInterval($0).micros },
                            reason ?? outcome.rawValue, id,
                        ])
                    if wait == nil {
                        let failed = try Self.deliveryRecord(id, db)
                        let notice = deadLetter(failed, attempts)
                        if try Self.insert(notice, db) { stored = notice }
                    }
                }
            }
            let record = try Self.deliveryRecord(id, db)
            return (record, stored)
        }
    }

    /// Puts a failed message back to waiting, due now, with its attempts counted afresh; the address
    /// is taken again from the directory (so a corrected e-mail address is used).
    public func retryDelivery(_ id: Int64, at now: Date, actor: Actor?) throws -> DeliveryRecord {
        try writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT state, person, channel FROM delivery WHERE id = ?", arguments: [id])
            else { throw LedgerError.notFound("there is no delivery \(id)") }
            guard row["state"] == DeliveryState.failed.rawValue else {
                throw LedgerError.invalid("delivery \(id) is \(row["state"] as String), not failed: nothing to retry")
            }
            let channel = DeliveryChannel(rawValue: row["channel"]) ?? .email
            let person: String = row["person"]
            let address = try Row.fetchOne(
                db, sql: "SELECT * FROM person WHERE id = ? AND removedAt IS NULL", arguments: [person]
            ).map(Self.person)?.address(on: channel)
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'waiting', attempts = 0, nextAttemptAt = ?, lastError = NULL,
                    address = COALESCE(?, address) WHERE id = ?
                    """,
                arguments: [now.micros, address, id])
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "delivery.retry", itemId: nil,
                    details: ["delivery": String(id), "person": person])
            }
            return try Self.deliveryRecord(id, db)
        }
    }
}
