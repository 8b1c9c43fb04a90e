import CadenceCore
import Foundation
import GRDB
import GRDBSQLite

extension LedgerStore {
    /// The items on the ledger of a window from `s` to `t`: created in it, or before it and still
    /// open at its start, in three disjoint parts each read by an index (arguments: s, t, s, s, s).
    /// After ten years (R15) the ledger holds ten times as many items closed long ago, which a
    /// single condition made SQLite read one by one.
    static let itemsOnLedger = """
        SELECT * FROM rectificationItem WHERE createdAt >= ? AND createdAt <= ?
        UNION ALL SELECT * FROM rectificationItem INDEXED BY rectificationItem_openDeadline
            WHERE createdAt < ? AND closedAt IS NULL
        UNION ALL SELECT * FROM rectificationItem WHERE createdAt < ? AND closedAt >= ?
        """

    /// Item counts by unit and by source, and the burn-down, in one pass over the items on the
    /// ledger in the window (created by the instant; created in the window or open at its start).
    static func itemAggregates(
        _ db: Database, start s: Int64, at t: Int64, samples: [Date], selected: Set<String>
    ) throws -> (units: [String: ItemCounts], sources: [String: SourceCounts], burndown: [(open: Int, overdue: Int)]) {
        let open = "(closedAt IS NULL OR closedAt > ?)"
        let escalated = """
            EXISTS (SELECT 1 FROM itemStage g WHERE g.itemId = i.id AND g.recordedAt <= ?
                AND substr(g.stage, instr(g.stage, '/') + 1) IN (%@))
            """
        var columns = [
            "SUM(createdAt < ?)", "SUM(createdAt >= ?)",
            "SUM(closedAt IS NOT NULL AND closedAt <= ? AND closedAt <= deadlineAt)",
            "SUM(closedAt IS NOT NULL AND closedAt <= ? AND closedAt > deadlineAt)", "SUM(\(open))",
            "SUM(\(open) AND state != 'referred' AND deadlineAt <= ?)", "SUM(plan IS NOT NULL)",
            "SUM(referredTo IS NOT NULL)",
            "SUM(" + escalated.replacingOccurrences(of: "%@", with: "'circular', 'talk', 'accountability'") + ")",
            "SUM(" + escalated.replacingOccurrences(of: "%@", with: "'accountability'") + ")",
            "SUM(flagged AND source != 'superior-circular')",
        ]
        var arguments: StatementArguments = [s, s, t, t, t, t, t, t, t]
        for sample in samples {
            let at = sample.micros
            columns.append("SUM(createdAt <= ? AND (closedAt IS NULL OR closedAt > ?))")
            columns.append(
                "SUM(createdAt <= ? AND (closedAt IS NULL OR closedAt > ?) AND deadlineAt <= ? AND state != 'referred')"
            )
            _ = arguments.append(contentsOf: [at, at, at, at, at])
        }
        // Complaints' replies (R23), after the burn-down's columns.
        columns.append("SUM(replyDueAt IS NOT NULL AND (replyDueAt <= ? OR repliedAt <= ?))")
        columns.append("SUM(repliedAt IS NOT NULL AND repliedAt <= ? AND repliedAt <= replyDueAt)")
        _ = arguments.append(contentsOf: [t, t, t])
        let statement = try db.makeStatement(
            sql: """
                SELECT unit, source, COUNT(*), \(columns.joined(separator: ", "))
                FROM (\(Self.itemsOnLedger)) i
                WHERE state != 'removed'
                GROUP BY unit, source
                """)
        // The arguments of the items read follow the columns'.
        _ = arguments.append(contentsOf: [s, t, s, s, s])
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }
        var units: [String: ItemCounts] = [:]
        var sources: [String: SourceCounts] = [:]
        var burndown = Array(repeating: (open: 0, overdue: 0), count: samples.count)
        let rows = try Row.fetchCursor(statement)
        while let row = try rows.next() {
            let unit: String = row[0]
            guard selected.contains(unit) else { continue }
            let source: String = row[1]
            let counts = ItemCounts(
                carriedOver: int(3), opened: int(4), closedOnTime: int(5), closedLate: int(6), open: int(7),
                overdue: int(8), deferred: int(9), referred: int(10), escalated: int(11), accountability: int(12),
                reopened: int(13))
            units[unit] = (units[unit] ?? ItemCounts()) + counts
            var bySource = sources[source] ?? SourceCounts()
            bySource.onLedger += counts.onLedger
            bySource.closed += counts.closed
            let replies = 14 + 2 * Int32(samples.count)
            bySource.replyDue += int(replies)
            bySource.repliedOnTime += int(replies + 1)
            sources[source] = bySource
            for index in samples.indices {
                burndown[index].open += int(14 + 2 * Int32(index))
                burndown[index].overdue += int(15 + 2 * Int32(index))
            }
        }
        return (units, sources, burndown)
    }

    /// Items overdue at the instant (or every open one, for ledger checkpoints), by deadline, with
    /// their responsible people: a role (`@first`) resolved to whoever held it at the instant.
    static func listedItems(
        _ db: Database, window: EvaluationWindow, allOpen: Bool, selected: Set<String>
    ) throws -> [ListedItem] {
        let t = window.asOf.micros
        func holder(_ column: String) -> String {
            """
            CASE WHEN substr(i.\(column), 1, 1) = '@' THEN (SELECT person FROM roleAssignment r WHERE r.unit = i.unit
                AND r.role = substr(i.\(column), 2) AND r.since <= ? AND (r.until IS NULL OR r.until > ?)
                ORDER BY r.since DESC LIMIT 1) ELSE i.\(column) END
            """
        }
        let filter = allOpen ? "" : "AND i.state != 'referred' AND i.deadlineAt <= ?"
        var arguments: StatementArguments = [t, t, t, t, t, t, t, t, t]
        if !allOpen { _ = arguments.append(contentsOf: [t]) }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT i.id, i.unit, i.title, i.source, i.state, i.deadlineAt, i.originalDeadlineAt,
                    i.firstResponsible, i.mainResponsible, i.directResponsible,
                    \(holder("firstResponsible")), \(holder("mainResponsible")), \(holder("directResponsible")),
                    (SELECT group_concat(g.stage, ' ') FROM itemStage g WHERE g.itemId = i.id AND g.recordedAt <= ?),
                    i.closedAt
                FROM (
                    SELECT * FROM rectificationItem INDEXED BY rectificationItem_openDeadline WHERE closedAt IS NULL
                    UNION ALL SELECT * FROM rectificationItem WHERE closedAt > ?
                ) i
                WHERE i.state != 'removed' AND i.createdAt <= ? \(filter)
                ORDER BY i.deadlineAt, i.id
                """,
            arguments: arguments)
        var items: [ListedItem] = []
        for row in rows {
            let unit: String = row[1]
            guard selected.contains(unit) else { continue }
            let deadline: Int64 = row[5]
            let original: Int64? = row[6]
            var level: EscalationLevel?
            if let stages: String = row[13] {
                for name in stages.split(separator: " ") {
                    if case .escalation(let reached)? = ItemStage.parse(stored: name)?.stage,
                        level.map({ reached > $0 }) ?? true
                    {
                        level = reached
                    }
                }
            }
            let state: String = row[4]
            let closed: Int64? = row[14]
            items.append(
                ListedItem(
                    id: row[0], unit: unit, title: row[2], source: row[3], state: state,
                    deadline: Date(micros: deadline), originalDeadline: original.map(Date.init(micros:)),
                    overdue: state != ItemState.referred.rawValue && deadline <= t, level: level,
                    responsible: zip(["first", "main", "direct"], [(7, 10), (8, 11), (9, 12)]).map { role, columns in
                        ResponsiblePerson(role: role, given: row[columns.0], person: row[columns.1])
                    }, closedLater: closed.map(Date.init(micros:))))
        }
        return items
    }
}
