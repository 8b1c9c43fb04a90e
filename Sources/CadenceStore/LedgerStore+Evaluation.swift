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
    /// `owedBy`: for a duty cadence (by name), the kinds of unit that owe it (`Units=`); a cadence not
    /// in it is owed by every unit with a parent.
    public func evaluationFigures(
        window: EvaluationWindow, unit: String?, duties: [String: CadenceKind],
        owedBy: [String: Set<UnitKind>] = [:]
    ) throws -> EvaluationFigures {
        try writer.read { db in
            let t = window.asOf.micros
            let s = window.start.micros
            let units = try Self.evaluationUnits(db, window: window, root: unit)
            let selected = Set(units.map(\.id))
            let commitments = try Self.commitmentCounts(db, year: window.year, at: t)
            let dutyCounts = try Self.dutyCounts(db, window: window, units: units, duties: duties, owedBy: owedBy)
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
            var result = EvaluationFigures(
                window: window, scope: unit, units: figures,
                burndown: zip(samples, burndown).map { BurndownPoint(at: $0, open: $1.open, overdue: $1.overdue) },
                items: listed, bySource: bySource)
            result.appraisals = try Self.appraisalResults(db, window: window, selected: selected)
            return result
        }
    }

    /// The results the window's public appraisals recorded (by the instant), summed; a pair no
    /// appraisal gave stays nil (not recorded).
    private static func appraisalResults(_ db: Database, window: EvaluationWindow, selected: Set<String>) throws
        -> AppraisalResults
    {
        var sum = AppraisalResults()
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT unit, period, formsReturned, satisfied, members, membersAppraised FROM review
                WHERE kind = 'appraisal' AND recordedAt <= ? AND (formsReturned IS NOT NULL OR members IS NOT NULL)
                """,
            arguments: [window.recordsThrough.micros])
        {
            guard selected.contains(row["unit"]), window.contains(PeriodKey(rawValue: row["period"])) else { continue }
            if let returned: Int = row["formsReturned"], let satisfied: Int = row["satisfied"] {
                sum.formsReturned = (sum.formsReturned ?? 0) + returned
                sum.satisfied = (sum.satisfied ?? 0) + satisfied
            }
            if let members: Int = row["members"], let appraised: Int = row["membersAppraised"] {
                sum.members = (sum.members ?? 0) + members
                sum.membersAppraised = (sum.membersAppraised ?? 0) + appraised
            }
        }
        return sum
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
    /// a parent (of the kinds `owedBy` names for it, if any) that was in the tree at the period's end, once the cadence fired for it (by the
    /// instant) and the period has ended, or earlier when already held.
    private static func dutyCounts(
        _ db: Database, window: EvaluationWindow, units: [EvaluatedUnit], duties: [String: CadenceKind],
        owedBy: [String: Set<UnitKind>]
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
        // (kind, period) → end of the period and the kinds of unit owing it (nil: every unit); two
        // cadences of one kind and period are one duty, owed by whoever owes either. `fired`: the
        // daemon asked for it (its cadence fired); a period before cadenced was installed is a duty
        // too when the office recorded it by hand.
        var periods: [String: (kind: CadenceKind, period: String, end: Int64, owing: Set<UnitKind>?, fired: Bool)] =
            [:]
        func owe(_ name: String?, _ kind: CadenceKind, _ period: PeriodKey, fired: Bool) {
            guard window.contains(period), let end = period.end(in: window.zone) else { return }
            let key = "\(kind.rawValue)/\(period)"
            var owing = name.flatMap { owedBy[$0] }
            if let earlier = periods[key] { owing = earlier.owing.flatMap { a in owing.map { a.union($0) } } }
            periods[key] = (kind, period.rawValue, end.micros, owing, fired || periods[key]?.fired == true)
        }
        for row in fired {
            let name: String = row[0]
            if let kind = duties[name] { owe(name, kind, PeriodKey(rawValue: row[1]), fired: true) }
        }
        let dutyKinds = Set(duties.values.map(\.rawValue)).sorted()
        guard !dutyKinds.isEmpty else { return [:] }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT DISTINCT cadence, kind, period FROM review WHERE recordedAt <= ?
                AND kind IN (\(dutyKinds.map { _ in "?" }.joined(separator: ",")))
                """,
            arguments: [window.recordsThrough.micros] + StatementArguments(dutyKinds))
        {
            let name: String? = row[0]
            guard let kind = CadenceKind(rawValue: row[1]), name.map({ duties[$0] == kind }) ?? true else { continue }
            let period = PeriodKey(rawValue: row[2])
            if periods["\(kind.rawValue)/\(period)"] == nil { owe(name, kind, period, fired: false) }
        }
        guard !periods.isEmpty else { return [:] }
        // The first record of each unit, kind and period, by the instant, and the first day it was held.
        var held: [String: (recorded: Int64, heldOn: String)] = [:]
        let kinds = Set(periods.values.map(\.kind.rawValue)).sorted()
        let keys = Set(periods.values.map(\.period)).sorted()
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT unit, kind, period, MIN(recordedAt), MIN(heldOn) FROM review
                WHERE kind IN (\(kinds.map { _ in "?" }.joined(separator: ",")))
                AND period IN (\(keys.map { _ in "?" }.joined(separator: ","))) AND recordedAt <= ?
                GROUP BY unit, kind, period
                """,
            arguments: StatementArguments(kinds) + StatementArguments(keys) + [window.recordsThrough.micros])
        for row in rows {
            let unit: String = row[0]
            let kind: String = row[1]
            let period: String = row[2]
            held["\(unit)/\(kind)/\(period)"] = (row[3], row[4])
        }
        var counts: [String: [CadenceKind: DutyCounts]] = [:]
        for unit in units where unit.parent != nil {
            var byKind: [CadenceKind: DutyCounts] = [:]
            for duty in periods.values {
                if let owing = duty.owing, !(UnitKind(rawValue: unit.kind).map { owing.contains($0) } ?? false) {
                    continue
                }
                let recorded = held["\(unit.id)/\(duty.kind.rawValue)/\(duty.period)"]
                // A unit added after the period owed it only if the office recorded it held then.
                guard unit.exists(before: duty.end) || recorded != nil else { continue }
                guard duty.end <= t || recorded != nil else { continue }
                var d = byKind[duty.kind] ?? DutyCounts(kind: duty.kind)
                d.due += 1
                if let recorded {
                    d.held += 1
                    // Late: held after the period, or recorded after it when cadenced asked for it
                    // then (a period before installation is recorded late by nature).
                    let lastDay = PeriodKey(rawValue: duty.period).days.map {
                        LocalDate(dayNumber: $0.end.dayNumber - 1).description
                    }
                    let heldAfter = lastDay.map { recorded.heldOn > $0 } ?? false
                    if heldAfter || (duty.fired && recorded.recorded > duty.end) { d.heldLate += 1 }
                }
                byKind[duty.kind] = d
            }
            counts[unit.id] = byKind
        }
        return counts
    }

    /// Information reports submitted (recorded by ``EvaluationWindow/recordsThrough``) per unit and month, against the quota.
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
            arguments: [first.key.rawValue, last.key.rawValue, window.recordsThrough.micros])
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
                } else if unit.quota == 0 || (!unit.exists(before: month.end.micros) && count == 0) {
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
}
