public import CadenceCore
public import Foundation
import GRDB
import GRDBSQLite

/// What an imported row changes in an item it matches (by its import key).
public struct ItemChange: Sendable, Equatable {
    public var item: Int64
    /// The row's line in the file.
    public var line: Int
    /// Each field that differs: its name, the ledger's value and the row's.
    public var fields: [(name: String, from: String, to: String)]
    /// The row as an item (what `--update` writes).
    public var row: NewItem

    public init(item: Int64, line: Int, fields: [(name: String, from: String, to: String)], row: NewItem) {
        self.item = item
        self.line = line
        self.fields = fields
        self.row = row
    }

    public static func == (lhs: ItemChange, rhs: ItemChange) -> Bool {
        lhs.item == rhs.item && lhs.line == rhs.line && lhs.row == rhs.row
            && lhs.fields.map { "\($0.name)\u{1F}\($0.from)\u{1F}\($0.to)" }
                == rhs.fields.map { "\($0.name)\u{1F}\($0.from)\u{1F}\($0.to)" }
    }
}

extension LedgerStore {
    /// The state of a removed item.
    static let removedState = ItemState.removed.rawValue

    /// The items already in the ledger under these import keys.
    public func items(importKeys keys: [String]) throws -> [String: RectificationItem] {
        try writer.read { db in
            var found: [String: RectificationItem] = [:]
            var start = 0
            while start < keys.count {
                let chunk = Array(keys[start..<min(start + 500, keys.count)])
                start += chunk.count
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for item in try Self.fetchItems(
                    db, sql: Self.itemSelect + " WHERE i.importKey IS NOT NULL AND i.importKey IN (\(marks))",
                    arguments: StatementArguments(chunk))
                {
                    if let key = item.importKey { found[key] = item }
                }
            }
            return found
        }
    }

    /// For each (unit, title, deadline), the items no import key names (added by hand, or imported
    /// before keys were kept) with exactly that content, oldest first: a sheet without numbers
    /// matches them. One index seek (unit, deadline) per row.
    public func unkeyedItems(matching rows: [(unit: String, title: String, deadline: Date)]) throws -> [[Int64]] {
        try writer.read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT id FROM rectificationItem
                    WHERE unit = ? AND deadlineAt = ? AND title = ? AND importKey IS NULL AND origin IS NULL
                        AND state != 'removed'
                    ORDER BY id
                    """)
            // Stepped with the SQLite C API: GRDB's argument binding costs more than the seek here.
            let s = statement.sqliteStatement
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            var found: [[Int64]] = []
            found.reserveCapacity(rows.count)
            for row in rows {
                sqlite3_reset(s)
                sqlite3_bind_text(s, 1, row.unit, -1, transient)
                sqlite3_bind_int64(s, 2, row.deadline.micros)
                sqlite3_bind_text(s, 3, row.title, -1, transient)
                var ids: [Int64] = []
                while true {
                    let code = sqlite3_step(s)
                    if code == SQLITE_ROW {
                        ids.append(sqlite3_column_int64(s, 0))
                    } else if code == SQLITE_DONE {
                        break
                    } else {
                        throw DatabaseError(
                            resultCode: ResultCode(rawValue: code),
                            message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                    }
                }
                found.append(ids)
            }
            sqlite3_reset(s)
            return found
        }
    }

    /// Gives items the import keys of the rows they were matched with, so the next import finds them.
    public func adopt(importKeys: [(item: Int64, key: String)]) throws {
        guard !importKeys.isEmpty else { return }
        try writer.write { db in
            for (item, key) in importKeys {
                try db.execute(
                    sql: "UPDATE rectificationItem SET importKey = ? WHERE id = ? AND importKey IS NULL",
                    arguments: [key, item])
            }
        }
    }

    /// The fields of `row` that differ from `item`, as a person reads them.
    public static func differences(_ item: RectificationItem, _ row: NewItem) -> [(
        name: String, from: String, to: String
    )] {
        var changes: [(name: String, from: String, to: String)] = []
        func compare(_ name: String, _ old: String?, _ new: String?) {
            if (old ?? "") != (new ?? "") { changes.append((name, old ?? "", new ?? "")) }
        }
        compare("title", item.title, row.title)
        let oldDeadline = item.deadlineDate ?? ISOTimestamp.utc(item.deadline)
        let newDeadline = row.deadlineDate ?? ISOTimestamp.utc(row.deadline)
        if item.deadline != row.deadline || item.deadlineDate != row.deadlineDate {
            changes.append(("deadline", oldDeadline, newDeadline))
        }
        compare("source", item.source, row.source.rawValue)
        compare("scope", item.scope, row.scope?.rawValue)
        compare("urgency", item.urgency, row.urgency?.rawValue)
        compare("difficulty", item.difficulty, row.difficulty?.rawValue)
        for text in ItemText.allCases { compare(text.name, item.texts[text], row.texts[text]) }
        // An empty first responsible column means the unit's @first, as when it was added.
        compare("first", item.first, row.first ?? item.first)
        compare("main", item.main, row.main)
        compare("direct", item.direct, row.direct)
        return changes
    }

    /// Corrects one item (`item edit`): `change.row` holds its fields as they are to be; the
    /// history has each change and `reason`. A source made superior-circular flags the item: overdue,
    /// it goes straight to accountability.
    /// - Throws: ``LedgerError/invalid(_:)`` when nothing would change, or the title is empty.
    public func edit(_ change: ItemChange, reason: String, schedule: ItemSchedule, at now: Date, actor: Actor?)
        throws
    {
        guard !change.fields.isEmpty else {
            throw LedgerError.invalid("nothing to change: the item already has these values")
        }
        guard !change.row.title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw LedgerError.invalid("title: is empty")
        }
        try apply([change], schedule: schedule, at: now, actor: actor, action: "item.edit", reason: reason)
    }

    /// Applies changed rows of a re-import (`--update`): the fields as the rows have them; a changed
    /// deadline starts a new round of stages against it, as a deferral does. Recorded in the history.
    public func apply(
        _ changes: [ItemChange], schedule: ItemSchedule, at now: Date, actor: Actor?, action: String = "item.update",
        reason: String? = nil
    ) throws {
        try writer.write { db in
            for change in changes {
                guard let item = try Self.fetchItem(db, "WHERE i.id = ?", [change.item]) else {
                    throw LedgerError.unknownItem(change.item)
                }
                let new = change.row
                try db.execute(
                    sql: """
                        UPDATE rectificationItem SET title = ?, source = ?, scope = ?, urgency = ?, difficulty = ?,
                            firstResponsible = COALESCE(?, firstResponsible), mainResponsible = ?,
                            directResponsible = ?\(ItemText.allCases.map { ", \($0.name) = ?" }.joined()) WHERE id = ?
                        """,
                    arguments: StatementArguments(
                        [
                            new.title, new.source.rawValue, new.scope?.rawValue, new.urgency?.rawValue,
                            new.difficulty?.rawValue, new.first, new.main, new.direct,
                        ] + ItemText.allCases.map { new.texts[$0] } + [item.id]))
                // Superior-circular flags an item; a reopened one (R21) stays flagged whatever its source.
                let flagged =
                    new.source == .superiorCircular
                    || (item.flagged && item.source != ItemSource.superiorCircular.rawValue)
                if item.flagged != flagged {
                    // Superior-circular or no longer: the stages still to come follow the new rule.
                    let next = schedule.forUnit(item.unit).nextEvent(
                        deadline: item.deadline, flagged: flagged, recorded: item.recordedStages)
                    try db.execute(
                        sql: """
                            UPDATE rectificationItem SET flagged = ?,
                                nextEventAt = CASE WHEN closedAt IS NULL AND state != 'referred' THEN ? END
                            WHERE id = ?
                            """,
                        arguments: [flagged, next?.micros, item.id])
                }
                if item.deadline != new.deadline || item.deadlineDate != new.deadlineDate {
                    let next = schedule.forUnit(item.unit).nextEvent(
                        deadline: new.deadline, flagged: flagged, recorded: [])
                    try db.execute(
                        sql: """
                            UPDATE rectificationItem SET round = round + 1, deadlineAt = ?, deadlineDate = ?,
                                nextEventAt = CASE WHEN closedAt IS NULL AND state != 'referred' THEN ? END
                            WHERE id = ?
                            """,
                        arguments: [new.deadline.micros, new.deadlineDate, next?.micros, item.id])
                }
                if let actor {
                    var details: [String: String] = reason.map { ["reason": $0] } ?? ["line": String(change.line)]
                    for field in change.fields { details[field.name] = "\(field.from) → \(field.to)" }
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: action, itemId: item.id, details: details, unit: item.unit)
                }
            }
        }
    }

    /// Removes an item added by mistake. Refused once it has a history beyond its creation (a
    /// transition a person made) unless `force`; its notices stay, and the history keeps the item's
    /// fields under `item.remove`. The row stays as state `removed` (closed, no further stages, out of
    /// every listing, count and evaluation), so that its number and its notices' keys are never
    /// given to another item.
    public func removeItem(_ id: Int64, force: Bool, at now: Date, actor: Actor?) throws -> RectificationItem {
        try writer.write { db in
            guard let item = try Self.fetchItem(db, "WHERE i.id = ?", [id]) else { throw LedgerError.unknownItem(id) }
            guard item.state != .removed else { throw LedgerError.unknownItem(id) }
            let actions = try String.fetchAll(
                db,
                sql: """
                    SELECT action FROM historyEntry WHERE itemId = ? AND action NOT IN ('item.add', 'item.import')
                    ORDER BY id
                    """,
                arguments: [id])
            if !actions.isEmpty && !force {
                throw LedgerError.invalid(
                    "item #\(id) has a history beyond its creation (\(actions.joined(separator: ", "))); "
                        + "give --force to remove it all the same")
            }
            try db.execute(
                sql: """
                    UPDATE rectificationItem SET state = ?, closedAt = COALESCE(closedAt, ?), nextEventAt = NULL,
                        importKey = NULL, origin = NULL WHERE id = ?
                    """,
                arguments: [Self.removedState, now.micros, id])
            if let actor {
                var details = [
                    "title": item.title, "deadline": item.deadlineDate ?? ISOTimestamp.utc(item.deadline),
                    "state": item.state.rawValue,
                ]
                if force && !actions.isEmpty { details["forced"] = "yes" }
                details["importKey"] = item.importKey
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "item.remove", itemId: id, details: details, unit: item.unit)
            }
            var removed = item
            removed.state = .removed
            removed.nextEventAt = nil
            removed.importKey = nil
            return removed
        }
    }
}
