public import CadenceCore
public import Foundation
import GRDB

extension LedgerStore {
    // MARK: - Duty checks at period ends

    /// Periods of the given cadences that fired and whose duty check has not been done.
    public func uncheckedDuties(cadences: [String]) throws -> [(cadence: String, period: PeriodKey)] {
        guard !cadences.isEmpty else { return [] }
        return try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.cadence, o.period FROM occurrence o
                    WHERE o.cadence IN (\(cadences.map { _ in "?" }.joined(separator: ",")))
                    AND NOT EXISTS (SELECT 1 FROM dutyCheck d WHERE d.cadence = o.cadence AND d.period = o.period)
                    ORDER BY o.period
                    """,
                arguments: StatementArguments(cadences)
            ).map { ($0["cadence"], PeriodKey(rawValue: $0["period"])) }
        }
    }

    /// Units that owed `cadence`'s duty (of `kind`) in `period` and have none recorded: every unit with a
    /// parent (reviews follow affiliation), of the kinds in `owedBy` when given (`Units=`), that existed
    /// before the period ended. A review counts when it
    /// was recorded for that cadence, or (an older ledger's, with no cadence) for that kind and period.
    public func unitsMissing(
        cadence: String, kind: CadenceKind, period: PeriodKey, existingBefore end: Date, owedBy: Set<UnitKind>? = nil
    ) throws -> [UnitRecord] {
        let owing = Self.owing(kinds: owedBy.map { $0.sorted { $0.rawValue < $1.rawValue } }, at: end)
        return try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.unitColumns) FROM unit u WHERE \(owing.sql)
                    AND NOT EXISTS (SELECT 1 FROM review r WHERE r.unit = u.id AND r.period = ?
                        AND (r.cadence = ? OR (r.cadence IS NULL AND r.kind = ?)))
                    ORDER BY u.id
                    """,
                arguments: owing.arguments + [period.rawValue, cadence, kind.rawValue]
            ).map(Self.unit)
        }
    }

    /// Records a duty check done, with the overdue items it opens and the notice it emits, in one
    /// transaction; a check already recorded changes nothing and returns nil.
    public func recordDutyCheck(
        cadence: String, period: PeriodKey, items: [NewItem], notice: Notice?, schedule: ItemSchedule, at now: Date
    ) throws -> (notice: Notice?, items: Int)? {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO dutyCheck (cadence, period, checkedAt, findings, noticeKey) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(cadence, period) DO NOTHING
                    """,
                arguments: [cadence, period.rawValue, now.micros, items.count, notice?.key])
            guard db.changesCount > 0 else { return nil }
            var added = 0
            for item in items {
                if try Self.insert(item, schedule: schedule, at: now, db) != nil { added += 1 }
            }
            var stored: Notice?
            if let notice, try Self.insert(notice, db) { stored = notice }
            return (stored, added)
        }
    }

    /// Units under the top of the tree, there before `end`, with no commitment of `year` recorded.
    public func unitsWithoutCommitments(year: Int, existingBefore end: Date) throws -> [UnitRecord] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.unitColumns) FROM unit u
                    WHERE u.parent IS NOT NULL AND u.createdAt < ? AND (u.removedAt IS NULL OR u.removedAt >= ?)
                    AND NOT EXISTS (SELECT 1 FROM commitment c WHERE c.unit = u.id AND c.year = ?)
                    ORDER BY u.id
                    """,
                arguments: [end.micros, end.micros, year]
            ).map(Self.unit)
        }
    }

    /// Closes the open missed-duty items of these origins, now met (a commitment recorded late);
    /// each closure is in the history. Returns the items closed.
    @discardableResult
    public func closeMissedDuties(origins: [String], by what: String, at now: Date, actor: Actor?) throws -> [Int64] {
        guard !origins.isEmpty else { return [] }
        return try writer.write { db in
            var closed: [Int64] = []
            for origin in origins {
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql:
                            "SELECT id, unit FROM rectificationItem WHERE origin = ? AND closedAt IS NULL AND state != 'removed'",
                        arguments: [origin])
                else { continue }
                let id: Int64 = row["id"]
                try db.execute(
                    sql: """
                        UPDATE rectificationItem SET state = 'closed', closedAt = ?, nextEventAt = NULL, note = ?
                        WHERE id = ?
                        """,
                    arguments: [now.micros, "recorded late as \(what)", id])
                if let actor {
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: "item.close", itemId: id, details: ["by": what],
                        unit: row["unit"])
                }
                closed.append(id)
            }
            return closed
        }
    }
}
