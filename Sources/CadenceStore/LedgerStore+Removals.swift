public import CadenceCore
public import Foundation
import GRDB

/// What taking out a wrongly recorded review did to the unit's duty.
public enum DutyAfterRemoval: Equatable, Sendable {
    /// Another record still counts for the duty, or its period's check has not run: nothing more.
    case unchanged
    /// The review had closed the missed-duty item: it is open again, its stages where they were.
    case reopened(item: Int64)
    /// The period's check found the duty done; without the review it is missed: an item is opened.
    case opened(item: Int64)
}

extension LedgerStore {
    // MARK: - Taking out wrong records

    /// Takes out review `id`, recorded by mistake, and records why in the history with every field it had.
    /// When no other record counts for its duty any more, the duty is missed again: the missed-duty
    /// item it closed is opened again, or — when the period's check of `missedDuty`'s cadence ran and
    /// found it done — its item (built by the caller) is opened.
    /// - Throws: ``LedgerError/notFound(_:)`` for an unknown id, ``LedgerError/invalid(_:)`` for an
    ///   empty reason; nothing changes then.
    public func removeReview(
        _ id: Int64, reason: String, missedDuty: (cadence: String, item: NewItem)?, schedule: ItemSchedule,
        at now: Date, actor: Actor?
    ) throws -> (review: ReviewRecord, duty: DutyAfterRemoval) {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw LedgerError.invalid("say why the review is taken out (a reason)") }
        guard let review = try reviews(unit: nil, kind: nil, period: nil, id: id).first else {
            throw LedgerError.notFound("there is no review #\(id) (see cadencectl review list)")
        }
        return try writer.write { db in
            try db.execute(sql: "DELETE FROM review WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else {
                throw LedgerError.notFound("there is no review #\(id) (see cadencectl review list)")
            }
            let stillDone =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM review WHERE unit = ? AND period = ?
                            AND (cadence = ? OR (cadence IS NULL AND kind = ?) OR (? IS NULL AND kind = ?)))
                        """,
                    arguments: [review.unit, review.period, review.cadence, review.kind, review.cadence, review.kind])
                ?? false
            var duty = DutyAfterRemoval.unchanged
            if !stillDone {
                duty = try Self.dutyMissedAgain(
                    review, reason: reason, missedDuty: missedDuty, schedule: schedule, at: now, db)
            }
            if let actor {
                var details = [
                    "review": String(id), "kind": review.kind, "period": review.period, "heldOn": review.heldOn,
                    "reason": reason,
                ]
                details["cadence"] = review.cadence
                details["by"] = review.byUnit
                details["reviewer"] = review.reviewer
                details["form"] = review.form
                details["subject"] = review.subject
                details["outcome"] = review.outcome
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "review.remove", itemId: nil, details: details,
                    unit: review.unit)
                switch duty {
                case .unchanged: break
                case .reopened(let item):
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: "item.reopen", itemId: item,
                        details: ["from": "closed", "to": "open", "note": "review #\(id) taken out: \(reason)"],
                        unit: review.unit)
                case .opened(let item):
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: "item.add", itemId: item,
                        details: ["title": missedDuty?.item.title ?? "", "note": "review #\(id) taken out: \(reason)"],
                        unit: review.unit)
                }
            }
            return (review, duty)
        }
    }

    /// The duty of a removed review, now without a record: the item the review closed, open again
    /// with its stages resumed; else, if the period was checked, a new missed-duty item.
    private static func dutyMissedAgain(
        _ review: ReviewRecord, reason: String, missedDuty: (cadence: String, item: NewItem)?, schedule: ItemSchedule,
        at now: Date,
        _ db: Database
    ) throws -> DutyAfterRemoval {
        let period = PeriodKey(rawValue: review.period)
        var origins: [String] = []
        if let cadence = review.cadence {
            origins.append(missedDutyOrigin(unit: review.unit, cadence: cadence, period: period))
        }
        if let kind = CadenceKind(rawValue: review.kind) {
            origins.append(missedDutyOrigin(unit: review.unit, kind: kind, period: period))
        }
        if let origin = missedDuty?.item.origin, !origins.contains(origin) { origins.append(origin) }
        for origin in origins {
            guard let item = try fetchItem(db, "WHERE i.origin = ? AND i.state != 'removed'", [origin]) else {
                continue
            }
            // Only a closure a review made is undone (no review meets the duty now: this one, or a
            // duplicate taken out before it); an item closed otherwise stays as people left it.
            guard item.state == .closed, item.note?.hasPrefix(closedByReviewNote(nil)) == true else {
                return .unchanged
            }
            let next = schedule.forUnit(item.unit).nextEvent(
                deadline: item.deadline, flagged: item.flagged, recorded: item.recordedStages)
            try db.execute(
                sql: """
                    UPDATE rectificationItem SET state = 'open', closedAt = NULL, verifiedBy = NULL, note = ?,
                        nextEventAt = ? WHERE id = ?
                    """,
                arguments: ["review #\(review.id) taken out: \(reason)", next?.micros, item.id])
            return .reopened(item: item.id)
        }
        guard let missedDuty,
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM dutyCheck WHERE cadence = ? AND period = ?)",
                arguments: [missedDuty.cadence, review.period]) == true,
            let item = try insert(missedDuty.item, schedule: schedule, at: now, db)
        else { return .unchanged }
        return .opened(item: item)
    }

    /// The note a review leaves on the missed-duty item it closes.
    static func closedByReviewNote(_ review: Int64?) -> String {
        "recorded late as review #" + (review.map(String.init) ?? "")
    }

    /// Takes out report submission `id`, recorded by mistake; the history keeps what it was and why.
    /// A month's quota check that already ran is not done again: its notice stands as it was sent.
    public func removeReport(_ id: Int64, reason: String, at now: Date, actor: Actor?) throws -> ReportRecord {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw LedgerError.invalid("say why the report is taken out (a reason)") }
        return try writer.write { db in
            guard let report = try Self.reports(db, id: id).first else {
                throw LedgerError.notFound("there is no report #\(id) (see cadencectl report list)")
            }
            try db.execute(sql: "DELETE FROM reportSubmission WHERE id = ?", arguments: [id])
            if let actor {
                var details = [
                    "report": String(id), "month": report.month, "submittedOn": report.submittedOn,
                    "title": report.title, "reason": reason,
                ]
                details["liaison"] = report.liaison
                details["recipient"] = report.recipient
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "report.remove", itemId: nil, details: details,
                    unit: report.unit)
            }
            return report
        }
    }

    /// Report submissions, newest month first.
    public func reports(unit: String? = nil, month: PeriodKey? = nil, limit: Int = 100_000) throws -> [ReportRecord] {
        try writer.read { db in try Self.reports(db, unit: unit, month: month, limit: limit) }
    }

    static func reports(_ db: Database, id: Int64? = nil, unit: String? = nil, month: PeriodKey? = nil, limit: Int = 1)
        throws -> [ReportRecord]
    {
        var filter = SQLFilter()
        filter.add("id = ?", id)
        filter.add("unit = ?", unit)
        filter.add("month = ?", month?.rawValue)
        return try Row.fetchAll(
            db, sql: "SELECT * FROM reportSubmission \(filter.clause) ORDER BY month DESC, unit, id LIMIT ?",
            arguments: filter.arguments + [limit]
        ).map { row in
            ReportRecord(
                id: row["id"], unit: row["unit"], month: row["month"], submittedOn: row["submittedOn"],
                title: row["title"], liaison: row["liaison"], recipient: row["recipient"],
                recordedAt: Date(micros: row["recordedAt"]))
        }
    }
}

extension LedgerStore {
    // MARK: - Replies to complaints (R23)

    /// Records the reply given to the complainant of complaint item `id`; a later reply replaces it
    /// (the history keeps each).
    /// - Throws: ``LedgerError/unknownItem(_:)``; ``LedgerError/invalid(_:)`` for an empty reply, an
    ///   item that is no complaint, or one already closed.
    public func recordReply(_ id: Int64, reply: String, at now: Date, actor: Actor?) throws -> RectificationItem {
        let reply = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reply.isEmpty else { throw LedgerError.invalid("the reply is empty") }
        return try writer.write { db in
            guard let item = try Self.fetchItem(db, "WHERE i.id = ? AND i.state != 'removed'", [id]) else {
                throw LedgerError.unknownItem(id)
            }
            guard item.source == ItemSource.complaint.rawValue else {
                throw LedgerError.invalid(
                    "item #\(id) came from \(item.source), not a complaint: it has no complainant to answer")
            }
            guard item.closedAt == nil else { throw LedgerError.invalid("item #\(id) is closed") }
            try db.execute(
                // The first answer's time stands: a corrected wording does not make a reply late.
                sql: "UPDATE rectificationItem SET reply = ?, repliedAt = COALESCE(repliedAt, ?) WHERE id = ?",
                arguments: [reply, now.micros, id])
            if let actor {
                var details = ["reply": reply]
                if let due = item.replyDueAt, now > due { details["late"] = "yes" }
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "item.reply", itemId: id, details: details, unit: item.unit)
            }
            guard let replied = try Self.fetchItem(db, "WHERE i.id = ?", [id]) else {
                throw LedgerError.unknownItem(id)
            }
            return replied
        }
    }
}
