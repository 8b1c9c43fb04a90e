public import CadenceCore
import Foundation
import GRDB
import GRDBSQLite

extension LedgerStore {
    /// The figures of an evaluation report (一年一總評, 半年, ledger checkpoints) at the window's
    /// instant, read in one transaction and aggregated in SQL: one pass over the items, one over
    /// the year's commitments, grouped reads of reviews and reports (R22, R24, R26).
    ///
    /// - Parameters:
    ///   - window: the span and instant (``EvaluationWindow/asOf``).
    ///   - unit: the unit whose subtree to cover (itself and every unit under it); nil for all.
    ///   - duties: the cadences whose periods units must hold and record (review, inspection,
    ///     appraisal, evaluation), by name: a period is owed once its occurrence is in the ledger.
    /// - Throws: ``LedgerError/unknownUnit(_:)`` for a unit that is not in the ledger.
    public func evaluationFigures(window: EvaluationWindow, unit: String?, duties: [String: CadenceKind]) throws
        -> EvaluationFigures
    {
        try writer.read { db in
            let t = window.asOf.micros
            let s = window.start.micros
            let units = try Self.evaluationUnits(db, window: window, root: unit)
            let selected = Set(units.map(\.id))
            let commitments = try Self.commitmentCounts(db, year: window.year, at: t)
            let dutyCounts = try Self.dutyCounts(db, window: window, units: units, duties: duties)
            let quota = try Self.quotaMonths(db, window: window, units: units)
            let samples = window.samples
            let (items, bySource, burndown) = try Self.itemAggregates(
                db, start: s, at: t, samples: samples, selected: selected)
            let listed = try Self.listedItems(
                db, window: window, allOpen: window.variant.isLedgerCheckpoint, selected: selected)
            let figures = units.map { u in
                UnitFigures(
                    id: u.id, name: u.name, kind: u.kind, parent: u.parent,
                    removedAt: u.removedAt.flatMap { $0 <= t ? Date(micros: $0) : nil }, monthlyQuota: u.quota,
                    commitments: commitments[u.id] ?? CommitmentCounts(),
                    duties: DutyCounts.kinds.map { dutyCounts[u.id]?[$0] ?? DutyCounts(kind: $0) },
                    months: quota[u.id] ?? [], items: items[u.id] ?? ItemCounts())
            }
            return EvaluationFigures(
                window: window, scope: unit, units: figures,
                burndown: zip(samples, burndown).map { BurndownPoint(at: $0, open: $1.open, overdue: $1.overdue) },
                items: listed, bySource: bySource)
        }
    }

    struct EvaluatedUnit {
        var id: String
        var name: String
        var kind: String
        var parent: String?
        var quota: Int
        var createdAt: Int64
        var removedAt: Int64?

        /// In the tree at `instant`: created before it and not removed before it.
        func exists(before instant: Int64) -> Bool { createdAt < instant && (removedAt.map { $0 >= instant } ?? true) }
    }

    /// Units covered: the subtree of `root` (or all), created by the instant and not removed before
    /// the window starts.
    private static func evaluationUnits(_ db: Database, window: EvaluationWindow, root: String?) throws
        -> [EvaluatedUnit]
    {
        if let root,
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM unit WHERE id = ?)", arguments: [root])
                != true
        {
            throw LedgerError.unknownUnit(root)
        }
        let subtree =
            root == nil
            ? ""
            : """
            AND u.id IN (WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT c.id FROM unit c JOIN sub ON c.parent = sub.id)
                SELECT id FROM sub)
            """
        var arguments: StatementArguments = [window.asOf.micros, window.start.micros]
        if let root { _ = arguments.append(contentsOf: [root]) }
        return try Row.fetchAll(
            db,
            sql: """
                SELECT u.id, u.name, u.kind, u.parent, u.quota, u.createdAt, u.removedAt FROM unit u
                WHERE u.createdAt <= ? AND (u.removedAt IS NULL OR u.removedAt >= ?) \(subtree) ORDER BY u.id
                """,
            arguments: arguments
        ).map { row in
            let kind: String = row["kind"]
            let own: Int? = row["quota"]
            return EvaluatedUnit(
                id: row["id"], name: row["name"], kind: kind, parent: row["parent"],
                quota: own ?? UnitKind(rawValue: kind)?.defaultMonthlyQuota ?? 0, createdAt: row["createdAt"],
                removedAt: row["removedAt"])
        }
    }

    /// Commitments of the year made by the instant, by unit, by their latest evaluation then.
    private static func commitmentCounts(_ db: Database, year: Int, at t: Int64) throws -> [String: CommitmentCounts] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.unit, COUNT(*), SUM(e.status = 'fulfilled'), SUM(e.status = 'partial'),
                    SUM(e.status = 'unfulfilled')
                FROM commitment c
                LEFT JOIN commitmentEvaluation e ON e.id =
                    (SELECT MAX(y.id) FROM commitmentEvaluation y WHERE y.commitmentId = c.id AND y.at <= ?)
                WHERE c.year = ? AND c.createdAt <= ?
                GROUP BY c.unit
                """,
            arguments: [t, year, t])
        var counts: [String: CommitmentCounts] = [:]
        for row in rows {
            counts[row[0]] = CommitmentCounts(
                made: row[1], fulfilled: row[2] ?? 0, partial: row[3] ?? 0, unfulfilled: row[4] ?? 0)
        }
        return counts
    }

    /// Duties owed and held, by unit and kind. A period of a duty cadence is owed by every unit with
    /// a parent that was in the tree at the period's end, once the cadence fired for it (by the
    /// instant) and the period has ended, or earlier when already held.
    private static func dutyCounts(
        _ db: Database, window: EvaluationWindow, units: [EvaluatedUnit], duties: [String: CadenceKind]
    ) throws -> [String: [CadenceKind: DutyCounts]] {
        let t = window.asOf.micros
        guard !duties.isEmpty else { return [:] }
        let names = duties.keys.sorted()
        let fired = try Row.fetchAll(
            db,
            sql: """
                SELECT cadence, period FROM occurrence
                WHERE cadence IN (\(names.map { _ in "?" }.joined(separator: ","))) AND effectiveAt <= ?
                """,
            arguments: StatementArguments(names) + [t])
        // (kind, period) → end of the period; two cadences of one kind and period are one duty.
        var periods: [String: (kind: CadenceKind, period: String, end: Int64)] = [:]
        for row in fired {
            let name: String = row[0]
            let period = PeriodKey(rawValue: row[1])
            guard let kind = duties[name], window.contains(period), let end = period.end(in: window.zone) else {
                continue
            }
            periods["\(kind.rawValue)/\(period)"] = (kind, period.rawValue, end.micros)
        }
        guard !periods.isEmpty else { return [:] }
        // The first record of each unit, kind and period, by the instant.
        var held: [String: Int64] = [:]
        let kinds = Set(periods.values.map(\.kind.rawValue)).sorted()
        let keys = Set(periods.values.map(\.period)).sorted()
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT unit, kind, period, MIN(recordedAt) FROM review
                WHERE kind IN (\(kinds.map { _ in "?" }.joined(separator: ",")))
                AND period IN (\(keys.map { _ in "?" }.joined(separator: ","))) AND recordedAt <= ?
                GROUP BY unit, kind, period
                """,
            arguments: StatementArguments(kinds) + StatementArguments(keys) + [t])
        for row in rows {
            let unit: String = row[0]
            let kind: String = row[1]
            let period: String = row[2]
            held["\(unit)/\(kind)/\(period)"] = row[3]
        }
        var counts: [String: [CadenceKind: DutyCounts]] = [:]
        for unit in units where unit.parent != nil {
            var byKind: [CadenceKind: DutyCounts] = [:]
            for duty in periods.values where unit.exists(before: duty.end) {
                let recorded = held["\(unit.id)/\(duty.kind.rawValue)/\(duty.period)"]
                guard duty.end <= t || recorded != nil else { continue }
                var d = byKind[duty.kind] ?? DutyCounts(kind: duty.kind)
                d.due += 1
                if let recorded {
                    d.held += 1
                    if recorded > duty.end { d.heldLate += 1 }
                }
                byKind[duty.kind] = d
            }
            counts[unit.id] = byKind
        }
        return counts
    }

    /// Information reports submitted (recorded by the instant) per unit and month, against the quota.
    private static func quotaMonths(_ db: Database, window: EvaluationWindow, units: [EvaluatedUnit]) throws
        -> [String: [MonthQuota]]
    {
        let t = window.asOf.micros
        guard let first = window.months.first, let last = window.months.last else { return [:] }
        var submitted: [String: Int] = [:]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT unit, month, COUNT(*) FROM reportSubmission
                WHERE month >= ? AND month <= ? AND recordedAt <= ? GROUP BY month, unit
                """,
            arguments: [first.key.rawValue, last.key.rawValue, t])
        for row in rows {
            let unit: String = row[0]
            let month: String = row[1]
            submitted["\(unit)/\(month)"] = row[2]
        }
        var out: [String: [MonthQuota]] = [:]
        for unit in units {
            out[unit.id] = window.months.map { month in
                let count = submitted["\(unit.id)/\(month.key)"] ?? 0
                let state: QuotaState
                if month.start.micros > t {
                    state = .future
                } else if unit.quota == 0 || !unit.exists(before: month.end.micros) {
                    state = .notRequired
                } else if count >= unit.quota {
                    state = .met
                } else {
                    state = month.end.micros <= t ? .short : .pending
                }
                return MonthQuota(month: month.key, submitted: count, required: unit.quota, state: state)
            }
        }
        return out
    }

    /// Item counts by unit and by source, and the burn-down, in one pass over the items on the
    /// ledger in the window (created by the instant; created in the window or open at its start).
    private static func itemAggregates(
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
        _ = arguments.append(contentsOf: [t, s])
        let statement = try db.makeStatement(
            sql: """
                SELECT unit, source, COUNT(*), \(columns.joined(separator: ", "))
                FROM rectificationItem i
                WHERE state != 'removed' AND createdAt <= ? AND (createdAt >= ? OR closedAt IS NULL OR closedAt >= ?)
                GROUP BY unit, source
                """)
        _ = arguments.append(contentsOf: [s])
        // The WHERE arguments follow the column arguments.
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
    private static func listedItems(
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
                FROM rectificationItem i
                WHERE i.state != 'removed' AND i.createdAt <= ? AND (i.closedAt IS NULL OR i.closedAt > ?) \(filter)
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
