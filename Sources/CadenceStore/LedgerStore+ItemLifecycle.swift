public import CadenceCore
public import Foundation
import GRDB
import GRDBSQLite

extension LedgerStore {
    // MARK: - Lifecycle

    /// Moves an item through its lifecycle (R17–R21). Refused, with nothing written, when the
    /// transition does not start from the item's state or lacks what it needs.
    @discardableResult
    public func transition(
        _ id: Int64, _ transition: ItemTransition, _ details: TransitionDetails, schedule: ItemSchedule, at now: Date,
        actor: Actor? = nil
    ) throws -> RectificationItem {
        try writer.write { db in
            guard let item = try Self.fetchItem(db, "WHERE i.id = ? AND i.state != 'removed'", [id]) else {
                throw LedgerError.unknownItem(id)
            }
            guard let state = ItemState(rawValue: item.state), transition.allowedFrom.contains(state) else {
                throw LedgerError.invalid(Self.refusal(item, transition))
            }
            func required(_ value: String?, _ what: String) throws -> String {
                guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                    throw LedgerError.invalid("\(transition.rawValue) needs \(what)")
                }
                return value
            }
            var history: [String: String] = ["from": item.state, "to": transition.target.rawValue]
            history["note"] = details.note
            let target = transition.target.rawValue
            switch transition {
            case .progress:
                // Back from a referral, the item's stages resume.
                let next =
                    item.state == ItemState.referred.rawValue
                    ? schedule.nextEvent(deadline: item.deadline, flagged: item.flagged, recorded: item.recordedStages)
                    : item.nextEventAt
                try db.execute(
                    sql:
                        "UPDATE rectificationItem SET state = ?, note = COALESCE(?, note), nextEventAt = ? WHERE id = ?",
                    arguments: [target, details.note, next?.micros, id])
            case .rectified:
                try db.execute(
                    sql:
                        "UPDATE rectificationItem SET state = ?, rectifiedAt = ?, note = COALESCE(?, note) WHERE id = ?",
                    arguments: [target, now.micros, details.note, id])
            case .verify:
                // The verifier is a person however written: a role of the unit means its holder now.
                func person(_ text: String) throws -> String {
                    let trimmed = Self.trimmed(text)
                    guard trimmed.hasPrefix("@") else { return trimmed }
                    let role = String(trimmed.dropFirst())
                    guard UnitRole(rawValue: role) != nil else {
                        throw LedgerError.invalid(
                            "'\(trimmed)' is not a role of a unit ("
                                + UnitRole.allCases.map { "@" + $0.rawValue }.joined(separator: ", ") + ")")
                    }
                    guard
                        let holder = try String.fetchOne(
                            db,
                            sql: "SELECT person FROM roleAssignment WHERE unit = ? AND role = ? AND until IS NULL",
                            arguments: [item.unit, role])
                    else { throw LedgerError.invalid("nobody holds \(trimmed) of \(item.unit) now") }
                    return holder
                }
                let onBehalf = try details.by.map(person)
                // Without an authenticated caller (the store used directly), the one named verifies.
                guard let caller = details.verifier ?? onBehalf else {
                    throw LedgerError.invalid("verify needs the verifier")
                }
                let by = onBehalf ?? caller
                let direct = Set(
                    [item.directPerson, item.direct.flatMap { $0.hasPrefix("@") ? nil : $0 }].compactMap { $0 })
                if direct.contains(caller) {
                    throw LedgerError.invalid(
                        "you (\(caller)) are the direct responsible person of item #\(id) and cannot verify it, "
                            + "not even on someone's behalf; verification is by someone else")
                }
                if let raw = details.by, direct.contains(by) {
                    let named = Self.trimmed(raw) == by ? by : "'\(Self.trimmed(raw))' (\(by))"
                    throw LedgerError.invalid(
                        "\(named) is the direct responsible person of item #\(id) and cannot verify it; "
                            + "verification is by someone else")
                }
                history["by"] = by
                if let raw = details.by { history["onBehalfOf"] = raw }
                history["verifier"] = caller
                try db.execute(
                    sql: """
                        UPDATE rectificationItem SET state = ?, closedAt = ?, verifiedBy = ?, note = COALESCE(?, note),
                            nextEventAt = NULL WHERE id = ?
                        """,
                    arguments: [target, now.micros, by, details.note, id])
            case .reject:
                let reason = try required(details.note, "a reason (--reason)")
                try db.execute(
                    sql: "UPDATE rectificationItem SET state = ?, note = ? WHERE id = ?",
                    arguments: [target, reason, id])
            case .deferral:
                let plan = try required(details.plan, "a rectification plan (--plan)")
                let explanation = try required(details.explanation, "a public explanation (--explanation)")
                guard let deadline = details.deadline else {
                    throw LedgerError.invalid("defer needs a new date (--until)")
                }
                guard deadline > now else {
                    throw LedgerError.invalid("the new date of a deferral must be in the future")
                }
                history["deadline"] = details.deadlineDate ?? ISOTimestamp.utc(deadline)
                history["plan"] = plan
                try Self.newRound(
                    db, item, deadline: deadline, date: details.deadlineDate, flagged: item.flagged, state: target,
                    schedule: schedule,
                    extra: "plan = ?, explanation = ?", arguments: [plan, explanation])
            case .refer:
                let body = try required(details.referredTo, "the body it is referred to (--to)")
                history["to"] = body
                try db.execute(
                    sql: "UPDATE rectificationItem SET state = ?, referredTo = ?, nextEventAt = NULL WHERE id = ?",
                    arguments: [target, body, id])
            case .reopen:
                let reason = try required(details.note, "a reason (--reason)")
                guard let deadline = details.deadline else {
                    throw LedgerError.invalid("reopen needs a new deadline (--deadline)")
                }
                guard deadline > now else { throw LedgerError.invalid("the new deadline must be in the future") }
                history["deadline"] = details.deadlineDate ?? ISOTimestamp.utc(deadline)
                try Self.newRound(
                    db, item, deadline: deadline, date: details.deadlineDate, flagged: true, state: target,
                    schedule: schedule,
                    extra: "note = ?, closedAt = NULL, verifiedBy = NULL", arguments: [reason])
            }
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "item.\(transition.rawValue)", itemId: id, details: history,
                    unit: item.unit)
            }
            guard let item = try Self.fetchItem(db, "WHERE i.id = ?", [id]) else { throw LedgerError.unknownItem(id) }
            return item
        }
    }

    /// A new deadline starts a new round of stages: warnings and the ladder run again against it.
    static func newRound(
        _ db: Database, _ item: RectificationItem, deadline: Date, date: String?, flagged: Bool, state: String,
        schedule: ItemSchedule, extra: String, arguments: StatementArguments
    ) throws {
        let next = schedule.nextEvent(deadline: deadline, flagged: flagged, recorded: [])
        // Every right-hand side reads the row as it was: the original is the deadline before the first change.
        try db.execute(
            sql: """
                UPDATE rectificationItem SET state = ?, round = round + 1, flagged = ?, deadlineAt = ?, deadlineDate = ?,
                    originalDeadlineDate = CASE WHEN originalDeadlineAt IS NULL THEN deadlineDate
                        ELSE originalDeadlineDate END,
                    originalDeadlineAt = COALESCE(originalDeadlineAt, deadlineAt), nextEventAt = ?, \(extra)
                WHERE id = ?
                """,
            arguments: [state, flagged, deadline.micros, date, next?.micros] + arguments + [item.id])
    }

    static func refusal(_ item: RectificationItem, _ transition: ItemTransition) -> String {
        let from = transition.allowedFrom.map(\.rawValue).sorted().joined(separator: ", ")
        var text = "item #\(item.id) is \(item.state); \(transition.rawValue) applies only to an item that is \(from)"
        if transition == .verify, item.state != ItemState.closed.rawValue {
            text += " (mark it rectified first: cadencectl item rectified \(item.id))"
        }
        return text
    }
}
