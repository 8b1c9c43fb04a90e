public import CadenceCore
public import Foundation
import GRDB

extension LedgerStore {
    // MARK: - Reviews

    /// Records a review held. It must follow affiliation: recorded by the unit's parent, or by its
    /// contact-point leader, unless `override` (R4). A missed-duty item of that unit, kind and
    /// period, if any, is closed by it.
    @discardableResult
    public func recordReview(_ review: NewReview, at now: Date, actor: Actor?) throws -> Int64 {
        try writer.write { db in try Self.insertReview(review, at: now, actor: actor, db) }
    }

    /// ``recordReview(_:at:actor:)`` within a transaction.
    static func insertReview(_ review: NewReview, at now: Date, actor: Actor?, _ db: Database) throws -> Int64 {
        guard
            let unit = try Row.fetchOne(
                db, sql: "SELECT parent FROM unit WHERE id = ? AND removedAt IS NULL", arguments: [review.unit])
        else { throw LedgerError.unknownUnit(review.unit) }
        let parent: String? = unit["parent"]
        let byUnit = review.byUnit ?? parent
        if let byUnit, byUnit != parent, try !Self.unitExists(db, byUnit) {
            throw LedgerError.unknownUnit(byUnit)
        }
        if !review.override, byUnit != parent || byUnit == nil {
            let contact = try String.fetchOne(
                db,
                sql:
                    "SELECT person FROM roleAssignment WHERE unit = ? AND role = 'contact-leader' AND until IS NULL",
                arguments: [review.unit])
            if contact == nil || contact != review.reviewer {
                let who = byUnit.map { "'\($0)'" } ?? "nobody"
                throw LedgerError.invalid(
                    "reviews follow affiliation: '\(review.unit)' is reviewed by its parent "
                        + (parent.map { "'\($0)'" } ?? "(it has none)")
                        + " or its contact-point leader, not by \(who); give --override to record it anyway")
            }
        }
        if let results = review.results {
            guard review.kind == .appraisal else {
                throw LedgerError.invalid(
                    "results (forms, satisfied, members) are a public appraisal's, not a \(review.kind.rawValue)'s")
            }
            if let problem = results.problem { throw LedgerError.invalid(problem) }
        }
        try db.execute(
            sql: """
                INSERT INTO review (unit, kind, period, heldOn, form, reviewer, byUnit, subject, outcome, override,
                    recordedAt, cadence, formsReturned, satisfied, members, membersAppraised)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                review.unit, review.kind.rawValue, review.period.rawValue, review.heldOn.description,
                review.form?.rawValue, review.reviewer, byUnit, review.subject, review.outcome, review.override,
                now.micros, review.cadence, review.results?.formsReturned, review.results?.satisfied,
                review.results?.members, review.results?.membersAppraised,
            ])
        let id = db.lastInsertedRowID
        // The cadence's missed-duty item; an older ledger's items are keyed by kind.
        var origins = [Self.missedDutyOrigin(unit: review.unit, kind: review.kind, period: review.period)]
        if let cadence = review.cadence {
            origins.insert(Self.missedDutyOrigin(unit: review.unit, cadence: cadence, period: review.period), at: 0)
        }
        var origin = origins[0]
        for candidate in origins {
            try db.execute(
                sql: """
                    UPDATE rectificationItem SET state = 'closed', closedAt = ?, nextEventAt = NULL,
                        verifiedBy = ?, note = ? WHERE origin = ? AND closedAt IS NULL
                    """,
                arguments: [
                    now.micros, review.reviewer ?? byUnit ?? "", Self.closedByReviewNote(id), candidate,
                ])
            if db.changesCount > 0 {
                origin = candidate
                break
            }
        }
        let closedItem = db.changesCount > 0
        if let actor {
            var details = [
                "review": String(id), "kind": review.kind.rawValue, "period": review.period.rawValue,
                "heldOn": review.heldOn.description,
            ]
            details["cadence"] = review.cadence
            details["by"] = byUnit
            details["reviewer"] = review.reviewer
            if review.override { details["override"] = "yes" }
            try Self.appendHistory(
                db, at: now, actor: actor, action: "review.record", itemId: nil, details: details,
                unit: review.unit)
            if closedItem,
                let item = try Int64.fetchOne(
                    db, sql: "SELECT id FROM rectificationItem WHERE origin = ?", arguments: [origin])
            {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "item.close", itemId: item,
                    details: ["by": "review #\(id)"], unit: review.unit)
            }
        }
        return id
    }

    /// Reviews recorded, newest period first.
    public func reviews(unit: String?, kind: CadenceKind?, period: PeriodKey?, id: Int64? = nil, limit: Int = 100_000)
        throws -> [ReviewRecord]
    {
        try writer.read { db in
            var filter = SQLFilter()
            filter.add("id = ?", id)
            filter.add("unit = ?", unit)
            filter.add("kind = ?", kind?.rawValue)
            filter.add("period = ?", period?.rawValue)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM review \(filter.clause) ORDER BY period DESC, unit, id LIMIT ?",
                arguments: filter.arguments + [limit]
            ).map { row in
                var record = ReviewRecord(
                    id: row["id"], unit: row["unit"], kind: row["kind"], cadence: row["cadence"], period: row["period"],
                    heldOn: row["heldOn"],
                    form: row["form"], reviewer: row["reviewer"], byUnit: row["byUnit"], subject: row["subject"],
                    outcome: row["outcome"], override: row["override"], recordedAt: Date(micros: row["recordedAt"]))
                record.results =
                    AppraisalResults(
                        formsReturned: row["formsReturned"], satisfied: row["satisfied"], members: row["members"],
                        membersAppraised: row["membersAppraised"]
                    ).nonEmpty
                return record
            }
        }
    }

    /// The origin of the item opened when `unit` has no record of `cadence`'s duty in `period`.
    public static func missedDutyOrigin(unit: String, cadence: String, period: PeriodKey) -> String {
        "missed/\(cadence)/\(period.rawValue)/\(unit)"
    }

    /// The origin an older ledger gave such an item: keyed by the cadence's kind.
    public static func missedDutyOrigin(unit: String, kind: CadenceKind, period: PeriodKey) -> String {
        "missed/\(kind.rawValue)/\(period.rawValue)/\(unit)"
    }

    // MARK: - Information reports

    /// Records one information report a unit submitted (R9).
    @discardableResult
    public func submitReport(
        unit: String, month: PeriodKey, submittedOn: LocalDate, title: String, liaison: String?, recipient: String?,
        at now: Date, actor: Actor?
    ) throws -> Int64 {
        guard !title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw LedgerError.invalid("the report's title is empty")
        }
        return try writer.write { db in
            guard try Self.unitExists(db, unit) else { throw LedgerError.unknownUnit(unit) }
            let liaison =
                try liaison
                ?? String.fetchOne(
                    db, sql: "SELECT person FROM roleAssignment WHERE unit = ? AND role = 'liaison' AND until IS NULL",
                    arguments: [unit])
            try db.execute(
                sql: """
                    INSERT INTO reportSubmission (unit, month, submittedOn, title, liaison, recipient, recordedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [unit, month.rawValue, submittedOn.description, title, liaison, recipient, now.micros])
            let id = db.lastInsertedRowID
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "report.submit", itemId: nil,
                    details: ["month": month.rawValue, "title": title], unit: unit)
            }
            return id
        }
    }

    /// Every unit owing reports (or all units when `all`) with its count for `month`, by unit id.
    /// Units created after `createdBefore` or removed before it are left out.
    public func quota(month: PeriodKey, createdBefore: Date? = nil, all: Bool = false) throws -> [QuotaLine] {
        try writer.read { db in try Self.quota(db, month: month, createdBefore: createdBefore, all: all) }
    }

    static func quota(_ db: Database, month: PeriodKey, createdBefore: Date?, all: Bool) throws -> [QuotaLine] {
        let cutoff = createdBefore?.micros ?? Int64.max
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT u.id, u.name, u.kind, u.quota,
                    (SELECT COUNT(*) FROM reportSubmission s WHERE s.month = ? AND s.unit = u.id) AS submitted
                FROM unit u WHERE u.createdAt < ? AND (u.removedAt IS NULL OR u.removedAt >= ?) ORDER BY u.id
                """,
            arguments: [month.rawValue, cutoff, cutoff])
        return rows.compactMap { row in
            let kind: String = row["kind"]
            let own: Int? = row["quota"]
            let required = own ?? UnitKind(rawValue: kind)?.defaultMonthlyQuota ?? 0
            guard all || required > 0 else { return nil }
            return QuotaLine(
                unit: row["id"], name: row["name"], kind: kind, required: required, submitted: row["submitted"])
        }
    }
}
