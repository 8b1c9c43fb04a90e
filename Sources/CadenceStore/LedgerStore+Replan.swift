public import CadenceCore
import Foundation
import GRDB

extension LedgerStore {
    /// Plans the next event of every item still on its ladder again under `schedule`, when the
    /// ledger's items were planned under another (its ``ItemSchedule/fingerprint`` is kept in the
    /// ledger): a changed ladder, or reminders turned on, apply to the items already there, not
    /// only to new ones. One transaction; returns how many items were planned again (0 when the
    /// schedule is the one they were planned with).
    @discardableResult
    public func replanItems(schedule: ItemSchedule) throws -> Int {
        try writer.write { db in
            let fingerprint = schedule.fingerprint
            let planned = try String.fetchOne(db, sql: "SELECT value FROM daemonState WHERE key = 'itemSchedule'")
            if planned == fingerprint { return 0 }
            try db.execute(
                sql: "INSERT OR REPLACE INTO daemonState (key, value) VALUES ('itemSchedule', ?)",
                arguments: [fingerprint])
            // A ledger without items yet, or planned before the schedule was kept: nothing to change
            // unless an item is open.
            let items = try Self.fetchItems(
                db,
                sql: Self.itemSelect + " WHERE i.closedAt IS NULL AND i.state NOT IN ('referred', 'removed')",
                arguments: [])
            var changed = 0
            for item in items {
                let next = schedule.forUnit(item.unit).nextEvent(
                    deadline: item.deadline, flagged: item.flagged, recorded: item.recordedStages)
                guard next != item.nextEventAt else { continue }
                try db.execute(
                    sql: "UPDATE rectificationItem SET nextEventAt = ? WHERE id = ?",
                    arguments: [next?.micros, item.id])
                changed += 1
            }
            return changed
        }
    }
}
