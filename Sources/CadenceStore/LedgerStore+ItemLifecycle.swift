public import CadenceCore
public import Foundation
import GRDB
import GRDBSQLite

extension LedgerStore {
    // MARK: - Lifecycle

    /// Moves an item through its lifecycle (``ItemLifecycle``) and records it in the history.
    /// - Throws: ``LedgerError/refused(_:)``, with nothing written, when the lifecycle refuses it.
    @discardableResult
    public func transition(
        _ id: Int64, _ transition: ItemTransition, _ details: TransitionDetails, schedule: ItemSchedule, at now: Date,
        actor: Actor? = nil
    ) throws -> RectificationItem {
        try writer.write { db in
            guard let item = try Self.fetchItem(db, "WHERE i.id = ? AND i.state != 'removed'", [id]) else {
                throw LedgerError.unknownItem(id)
            }
            var holders: [UnitRole: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT role, person FROM roleAssignment WHERE unit = ? AND until IS NULL",
                arguments: [item.unit])
            {
                if let role = UnitRole(rawValue: row["role"]) { holders[role] = row["person"] }
            }
            let change: ItemLifecycle.Change
            switch ItemLifecycle.apply(
                transition, to: item, details, schedule: schedule, at: now, holder: { holders[$0] })
            {
            case .success(let success): change = success
            case .failure(let refusal): throw LedgerError.refused(refusal)
            }
            let new = change.item
            try db.execute(
                sql: """
                    UPDATE rectificationItem SET state = ?, note = ?, nextEventAt = ?, rectifiedAt = ?, closedAt = ?,
                        verifiedBy = ?, referredTo = ?, plan = ?, explanation = ?, round = ?, flagged = ?,
                        deadlineAt = ?, deadlineDate = ?, originalDeadlineAt = ?, originalDeadlineDate = ?
                    WHERE id = ?
                    """,
                arguments: [
                    new.state.rawValue, new.note, new.nextEventAt?.micros, new.rectifiedAt?.micros,
                    new.closedAt?.micros,
                    new.verifiedBy, new.referredTo, new.plan, new.explanation, new.round, new.flagged,
                    new.deadline.micros, new.deadlineDate, new.originalDeadline?.micros, new.originalDeadlineDate, id,
                ])
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "item.\(transition.rawValue)", itemId: id,
                    details: change.history, unit: item.unit)
            }
            guard let item = try Self.fetchItem(db, "WHERE i.id = ?", [id]) else { throw LedgerError.unknownItem(id) }
            return item
        }
    }
}
