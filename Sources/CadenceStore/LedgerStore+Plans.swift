public import CadenceCore
public import Foundation
import GRDB

extension LedgerStore {
    /// Since when the plan `name` is in force: the first time this is asked (`now` then), kept in
    /// the ledger. Phase starts and ends before it are not announced.
    public func planInForce(_ name: String, since now: Date) throws -> Date {
        let key = "planInForce/" + name
        let read = { (db: Database) in
            try String.fetchOne(db, sql: "SELECT value FROM daemonState WHERE key = ?", arguments: [key])
                .flatMap { Int64($0) }.map(Date.init(micros:))
        }
        if let since = try writer.read(read) { return since }
        return try writer.write { db in
            try db.execute(
                sql: "INSERT INTO daemonState (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
                arguments: [key, String(now.micros)])
            return try read(db) ?? now
        }
    }

    /// The keys of the notices stored whose key starts with `prefix`.
    public func noticeKeys(prefix: String) throws -> Set<String> {
        try writer.read { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT key FROM notice WHERE key >= ? AND key < ?",
                    arguments: [prefix, prefix + "\u{10FFFF}"]))
        }
    }
}

/// A deliverable of a campaign plan handed in by a unit.
public struct HandIn: Sendable, Equatable {
    public var plan: String
    public var deliverable: String
    public var unit: String
    /// The day it was handed in.
    public var handedOn: LocalDate
    public var note: String?

    public init(plan: String, deliverable: String, unit: String, handedOn: LocalDate, note: String? = nil) {
        (self.plan, self.deliverable, self.unit, self.handedOn, self.note) = (plan, deliverable, unit, handedOn, note)
    }
}

extension LedgerStore {
    /// What origin the missed-duty item of a deliverable not handed in by its due day has.
    public static func handInOrigin(plan: String, deliverable: String, unit: String) -> String {
        missedDutyOrigin(unit: unit, cadence: "plan/" + plan, period: PeriodKey(rawValue: deliverable))
    }

    /// Records a deliverable handed in (once per unit: a second time is refused) and closes the
    /// missed-duty item it had, in one transaction, with the history.
    /// - Returns: the items closed.
    public func recordHandIn(_ handIn: HandIn, at now: Date, actor: Actor?) throws -> [Int64] {
        guard let unit = try self.unit(handIn.unit) else { throw LedgerError.unknownUnit(handIn.unit) }
        try writer.write { db in
            if try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM handIn WHERE plan = ? AND deliverable = ? AND unit = ?)",
                arguments: [handIn.plan, handIn.deliverable, handIn.unit]) == true
            {
                throw LedgerError.invalid(
                    "\(unit.name) has handed in \(handIn.deliverable) already (cadencectl plan shows who has)")
            }
            try db.execute(
                sql: """
                    INSERT INTO handIn (plan, deliverable, unit, handedOn, note, recordedAt) VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    handIn.plan, handIn.deliverable, handIn.unit, handIn.handedOn.description, handIn.note, now.micros,
                ])
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "plan.hand-in", itemId: nil,
                    details: [
                        "plan": handIn.plan, "deliverable": handIn.deliverable, "on": handIn.handedOn.description,
                    ],
                    unit: handIn.unit)
            }
        }
        return try closeMissedDuties(
            origins: [Self.handInOrigin(plan: handIn.plan, deliverable: handIn.deliverable, unit: handIn.unit)],
            by: "\(handIn.deliverable) handed in on \(handIn.handedOn)", at: now, actor: actor)
    }

    /// The deliverables of `plan` handed in, by deliverable and unit.
    public func handIns(plan: String) throws -> [HandIn] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM handIn WHERE plan = ? ORDER BY deliverable, unit", arguments: [plan]
            ).map {
                HandIn(
                    plan: $0["plan"], deliverable: $0["deliverable"], unit: $0["unit"],
                    handedOn: LocalDate($0["handedOn"] as String) ?? LocalDate(dayNumber: 0), note: $0["note"])
            }
        }
    }

    /// Units that owe a deliverable due at `due`: every unit under the top (of `kinds` when not
    /// empty) that was there before it fell due and has not left.
    public func unitsOwing(kinds: [UnitKind], existingBefore due: Date) throws -> [UnitRecord] {
        let owing = Self.owing(kinds: kinds.isEmpty ? nil : kinds, at: due)
        return try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.unitColumns) FROM unit u WHERE \(owing.sql) ORDER BY u.id",
                arguments: owing.arguments
            ).map(Self.unit)
        }
    }

    /// The units (`u`) that owe what falls due at `instant`: every unit under the top that was
    /// there before it and had not left, of `kinds` when given; the SQL condition and its arguments.
    static func owing(kinds: [UnitKind]?, at instant: Date) -> (sql: String, arguments: StatementArguments) {
        var sql = "u.parent IS NOT NULL AND u.createdAt < ? AND (u.removedAt IS NULL OR u.removedAt >= ?)"
        if let kinds { sql += " AND u.kind IN (\(kinds.map { _ in "?" }.joined(separator: ",")))" }
        return (sql, [instant.micros, instant.micros] + StatementArguments((kinds ?? []).map(\.rawValue)))
    }

    /// Whether the check of a deliverable at its due day was done.
    public func handInChecked(plan: String, deliverable: String) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM dutyCheck WHERE cadence = ? AND period = ?)",
                arguments: ["plan/" + plan, deliverable]) ?? false
        }
    }
}
