public import CadenceCore
public import Foundation
import GRDB

/// What a bulk import of records did, or would do (a dry run).
public struct RecordImport: Equatable, Sendable {
    /// Rows written (or, in a dry run, that would be).
    public var added = 0
    /// Rows the ledger has already: the same record imported or entered before.
    public var already = 0

    public init(added: Int = 0, already: Int = 0) {
        self.added = added
        self.already = already
    }
}

/// One evaluation of a commitment, as a sheet gives it.
public struct NewEvaluation: Equatable, Sendable {
    public var commitment: Int64
    public var period: PeriodKey
    public var status: CommitmentStatus
    public var note: String?

    public init(commitment: Int64, period: PeriodKey, status: CommitmentStatus, note: String? = nil) {
        (self.commitment, self.period, self.status, self.note) = (commitment, period, status, note)
    }
}

/// One information report, as a sheet gives it.
public struct NewReport: Equatable, Sendable {
    public var unit: String
    public var month: PeriodKey
    public var submittedOn: LocalDate
    public var title: String
    public var liaison: String?
    public var recipient: String?

    public init(
        unit: String, month: PeriodKey, submittedOn: LocalDate, title: String, liaison: String? = nil,
        recipient: String? = nil
    ) {
        (self.unit, self.month, self.submittedOn, self.title) = (unit, month, submittedOn, title)
        (self.liaison, self.recipient) = (liaison, recipient)
    }
}

/// Thrown inside a dry run's transaction so that it rolls back what it checked by writing.
private struct DryRunRollback: Error {
    var result: RecordImport
}

extension LedgerStore {
    // MARK: - Bulk imports of reviews, reports and evaluations

    /// Records many reviews at once (an office moving its paper records in): each row as
    /// ``recordReview(_:at:actor:)`` would, in one transaction, all or nothing. A row the ledger
    /// has already (same unit, duty, period, day held, subject, form and reviewer) is counted as `already` and not added
    /// again, so importing a sheet twice adds nothing.
    /// - Throws: ``LedgerError/badRows(_:)`` with every refused row by its line; nothing is written then.
    public func recordReviews(_ rows: [(line: Int, review: NewReview)], dryRun: Bool, at now: Date, actor: Actor?)
        throws -> RecordImport
    {
        try bulk(dryRun: dryRun) { db, result, problems in
            for (line, review) in rows {
                let known = try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM review WHERE unit = ? AND kind = ? AND period = ? AND heldOn = ?
                            AND cadence IS ? AND subject IS ? AND form IS ? AND reviewer IS ?)
                        """,
                    arguments: [
                        review.unit, review.kind.rawValue, review.period.rawValue, review.heldOn.description,
                        review.cadence, review.subject, review.form?.rawValue, review.reviewer,
                    ])
                if known == true {
                    result.already += 1
                    continue
                }
                do {
                    _ = try Self.insertReview(review, at: now, actor: actor, db)
                    result.added += 1
                } catch let error as LedgerError {
                    problems.append(RowProblem(line: line, reason: error.description))
                }
            }
        }
    }

    /// Records many information reports at once, all or nothing; a report the ledger has already
    /// (same unit, month, day and title) is counted as `already`. The history gets one entry.
    public func submitReports(_ rows: [(line: Int, report: NewReport)], dryRun: Bool, at now: Date, actor: Actor?)
        throws -> RecordImport
    {
        try bulk(dryRun: dryRun) { db, result, problems in
            let liaisons = Dictionary(
                try Row.fetchAll(
                    db, sql: "SELECT unit, person FROM roleAssignment WHERE role = 'liaison' AND until IS NULL"
                ).map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { a, _ in a })
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO reportSubmission (unit, month, submittedOn, title, liaison, recipient, recordedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            for (line, report) in rows {
                guard try Self.unitExists(db, report.unit) else {
                    problems.append(RowProblem(line: line, reason: LedgerError.unknownUnit(report.unit).description))
                    continue
                }
                let known = try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM reportSubmission WHERE unit = ? AND month = ? AND submittedOn = ?
                            AND title = ?)
                        """,
                    arguments: [report.unit, report.month.rawValue, report.submittedOn.description, report.title])
                if known == true {
                    result.already += 1
                    continue
                }
                try insert.execute(arguments: [
                    report.unit, report.month.rawValue, report.submittedOn.description, report.title,
                    report.liaison ?? liaisons[report.unit], report.recipient, now.micros,
                ])
                result.added += 1
            }
            if let actor, result.added > 0 {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "report.import", itemId: nil,
                    details: ["count": String(result.added)])
            }
        }
    }

    /// Records many commitment evaluations at once, all or nothing. A row whose commitment's latest
    /// evaluation for that period already says the same (status and note) is counted as `already`;
    /// one that says otherwise is a new evaluation, as `commitment fulfil` would record it.
    public func evaluateCommitments(
        _ rows: [(line: Int, evaluation: NewEvaluation)], dryRun: Bool, at now: Date, actor: Actor?
    ) throws -> RecordImport {
        try bulk(dryRun: dryRun) { db, result, problems in
            let insert = try db.makeStatement(
                sql: "INSERT INTO commitmentEvaluation (commitmentId, period, status, note, at) VALUES (?, ?, ?, ?, ?)")
            for (line, e) in rows {
                guard
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM commitment WHERE id = ?)", arguments: [e.commitment])
                        == true
                else {
                    problems.append(RowProblem(line: line, reason: "there is no commitment #\(e.commitment)"))
                    continue
                }
                // Recorded already when an evaluation of that period says the same: a sheet exported
                // with two evaluations of one period imports back as it is.
                let known = try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM commitmentEvaluation WHERE commitmentId = ? AND period = ?
                            AND status = ? AND note IS ?)
                        """,
                    arguments: [e.commitment, e.period.rawValue, e.status.rawValue, e.note])
                if known == true {
                    result.already += 1
                    continue
                }
                try insert.execute(arguments: [e.commitment, e.period.rawValue, e.status.rawValue, e.note, now.micros])
                result.added += 1
            }
            if let actor, result.added > 0 {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "commitment.import-evaluations", itemId: nil,
                    details: ["count": String(result.added)])
            }
        }
    }

    /// Runs `body` in one transaction: rolled back when it found problems (thrown as bad rows) or
    /// when this is a dry run, which reports what would have been done.
    private func bulk(
        dryRun: Bool, _ body: (Database, inout RecordImport, inout [RowProblem]) throws -> Void
    ) throws -> RecordImport {
        do {
            return try writer.write { db in
                var result = RecordImport()
                var problems: [RowProblem] = []
                try body(db, &result, &problems)
                if !problems.isEmpty { throw LedgerError.badRows(problems) }
                if dryRun { throw DryRunRollback(result: result) }
                return result
            }
        } catch let rollback as DryRunRollback {
            return rollback.result
        }
    }
}

/// One evaluation of a commitment as recorded, with the commitment it judges.
public struct EvaluationRecord: Equatable, Sendable {
    public var commitment: Int64
    public var unit: String
    public var text: String
    public var period: String
    public var status: String
    public var note: String?
}

extension LedgerStore {
    /// Every evaluation of the commitments (of `unit`, when given), in the order recorded.
    public func commitmentEvaluations(unit: String? = nil) throws -> [EvaluationRecord] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.commitmentId, c.unit, c.text, e.period, e.status, e.note FROM commitmentEvaluation e
                    JOIN commitment c ON c.id = e.commitmentId WHERE ? IS NULL OR c.unit = ? ORDER BY e.id
                    """,
                arguments: [unit, unit]
            ).map {
                EvaluationRecord(
                    commitment: $0[0], unit: $0[1], text: $0[2], period: $0[3], status: $0[4], note: $0[5])
            }
        }
    }
}
