public import CadenceCore
public import Foundation
import GRDB

extension LedgerStore {
    // MARK: - Commitments

    static func problems(commitments: [NewCommitment], _ db: Database) throws -> [(index: Int, reason: String)] {
        var problems: [(Int, String)] = []
        var known: [String: Bool] = [:]
        for (index, commitment) in commitments.enumerated() {
            if known[commitment.unit] == nil { known[commitment.unit] = try unitExists(db, commitment.unit) }
            if known[commitment.unit] != true { problems.append((index, "there is no unit '\(commitment.unit)'")) }
            if commitment.text.isBlank {
                problems.append((index, "the commitment text is empty"))
            }
            if !(2000...2199).contains(commitment.year) {
                problems.append((index, "the year \(commitment.year) is not between 2000 and 2199"))
            }
        }
        return problems
    }

    /// Adds commitments in one transaction. All or nothing.
    @discardableResult
    public func addCommitments(_ commitments: [NewCommitment], at now: Date, actor: Actor?, dryRun: Bool = false)
        throws -> [Int64]
    {
        try writer.write { db in
            let problems = try Self.problems(commitments: commitments, db)
            if !problems.isEmpty {
                throw LedgerError.badRows(
                    problems.map {
                        RowProblem(line: commitments[$0.index].sourceLine ?? $0.index + 1, reason: $0.reason)
                    })
            }
            if dryRun { return [] }
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO commitment (unit, member, post, direction, year, text, publishedOn, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            var ids: [Int64] = []
            for c in commitments {
                try insert.execute(arguments: [
                    c.unit, c.member, c.post, c.direction, c.year, c.text, c.publishedOn?.description, now.micros,
                ])
                ids.append(db.lastInsertedRowID)
            }
            if let actor {
                if commitments.count == 1, let c = commitments.first {
                    var details = ["text": c.text, "year": String(c.year)]
                    details["member"] = c.member
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: "commitment.add", itemId: nil, details: details, unit: c.unit
                    )
                } else {
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: "commitment.import", itemId: nil,
                        details: ["count": String(commitments.count)])
                }
            }
            return ids
        }
    }

    /// Adds one commitment; an unknown unit is ``LedgerError/unknownUnit(_:)``.
    @discardableResult
    public func addCommitment(_ commitment: NewCommitment, at now: Date, actor: Actor?) throws -> Int64 {
        do {
            return try addCommitments([commitment], at: now, actor: actor)[0]
        } catch LedgerError.badRows(let problems) {
            if problems.contains(where: { $0.reason.hasPrefix("there is no unit") }) {
                throw LedgerError.unknownUnit(commitment.unit)
            }
            throw LedgerError.invalid(problems.map(\.reason).joined(separator: "; "))
        }
    }

    /// Commitments, by unit and id, with their latest evaluation.
    public func commitments(unit: String?, year: Int?, id: Int64? = nil, limit: Int = 100_000) throws
        -> [CommitmentRecord]
    {
        try writer.read { db in
            var filter = SQLFilter()
            filter.add("c.id = ?", id)
            filter.add("c.unit = ?", unit)
            filter.add("c.year = ?", year)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT c.*, e.status, e.period AS evaluatedPeriod,
                        (SELECT COUNT(*) FROM commitmentEvaluation x WHERE x.commitmentId = c.id) AS evaluations
                    FROM commitment c
                    LEFT JOIN commitmentEvaluation e ON e.id =
                        (SELECT MAX(id) FROM commitmentEvaluation y WHERE y.commitmentId = c.id)
                    \(filter.clause) ORDER BY c.unit, c.id LIMIT ?
                    """,
                arguments: filter.arguments + [limit]
            ).map { row in
                CommitmentRecord(
                    id: row["id"], unit: row["unit"], member: row["member"], post: row["post"],
                    direction: row["direction"], year: row["year"], text: row["text"], publishedOn: row["publishedOn"],
                    status: row["status"], evaluatedPeriod: row["evaluatedPeriod"], evaluations: row["evaluations"])
            }
        }
    }

    /// One commitment, or nil.
    public func commitment(_ id: Int64) throws -> CommitmentRecord? {
        try commitments(unit: nil, year: nil, id: id).first
    }

    /// Per unit with commitments in `year`: how many, and the latest evaluation of each.
    public func commitmentSummary(year: Int) throws -> [(
        unit: String, name: String, total: Int, fulfilled: Int, partial: Int, unfulfilled: Int
    )] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.unit, u.name, COUNT(*) AS total,
                        SUM(e.status = 'fulfilled') AS fulfilled, SUM(e.status = 'partial') AS partial,
                        SUM(e.status = 'unfulfilled') AS unfulfilled
                    FROM commitment c JOIN unit u ON u.id = c.unit
                    LEFT JOIN commitmentEvaluation e ON e.id =
                        (SELECT MAX(id) FROM commitmentEvaluation y WHERE y.commitmentId = c.id)
                    WHERE c.year = ? AND u.removedAt IS NULL GROUP BY c.unit ORDER BY c.unit
                    """,
                arguments: [year]
            ).map { row in
                let fulfilled: Int? = row["fulfilled"]
                let partial: Int? = row["partial"]
                let unfulfilled: Int? = row["unfulfilled"]
                return (row["unit"], row["name"], row["total"], fulfilled ?? 0, partial ?? 0, unfulfilled ?? 0)
            }
        }
    }

    /// Records how far a commitment is honoured, as judged at a review in `period`.
    public func evaluateCommitment(
        _ id: Int64, period: PeriodKey, status: CommitmentStatus, note: String?, at now: Date, actor: Actor?
    ) throws {
        try writer.write { db in
            guard let unit = try String.fetchOne(db, sql: "SELECT unit FROM commitment WHERE id = ?", arguments: [id])
            else { throw LedgerError.notFound("there is no commitment #\(id)") }
            try db.execute(
                sql: "INSERT INTO commitmentEvaluation (commitmentId, period, status, note, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, period.rawValue, status.rawValue, note, now.micros])
            if let actor {
                var details = ["commitment": String(id), "period": period.rawValue, "status": status.rawValue]
                details["note"] = note
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "commitment.evaluate", itemId: nil, details: details, unit: unit)
            }
        }
    }
}
