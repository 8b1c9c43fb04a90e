public import CadenceCore
public import Foundation
import GRDB

/// Who made a change, for the history.
public struct Actor: Sendable, Equatable {
    public var uid: UInt32
    public var user: String

    public init(uid: UInt32, user: String) {
        self.uid = uid
        self.user = user
    }
}

/// One line of the append-only history.
public struct HistoryEntry: Sendable, Equatable {
    public var at: Date
    public var uid: UInt32
    public var user: String
    public var action: String
    public var itemId: Int64?
    public var details: String
}

/// A rectification item as the scheduler sees it.
public struct ItemRecord: Sendable, Equatable {
    public var id: Int64
    public var unit: String
    public var title: String
    public var deadline: Date
    public var state: String
    public var createdAt: Date
    public var closedAt: Date?
    public var nextEventAt: Date?
    /// Names of the stages already recorded (`overdue`, `circular`, …).
    public var recordedStages: Set<String>
}

extension LedgerStore {
    /// Adds an open item and schedules its first stage.
    /// - Throws: ``LedgerError/invalid(_:)`` for an empty unit or title.
    @discardableResult
    public func addItem(
        unit: String, title: String, deadline: Date, schedule: ItemSchedule, at now: Date, actor: Actor? = nil
    ) throws -> Int64 {
        guard !unit.trimmingCharacters(in: .whitespaces).isEmpty else { throw LedgerError.invalid("the unit is empty") }
        guard !title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw LedgerError.invalid("the title is empty")
        }
        let next = schedule.nextEvent(deadline: deadline, recorded: [])
        return try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO rectificationItem (unit, title, deadlineAt, createdAt, nextEventAt)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [unit, title, deadline.micros, now.micros, next?.micros])
            let id = db.lastInsertedRowID
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "item.add", itemId: id,
                    details: ["unit": unit, "title": title, "deadline": ISOTimestamp.utc(deadline)])
            }
            return id
        }
    }

    static func appendHistory(
        _ db: Database, at now: Date, actor: Actor, action: String, itemId: Int64?, details: [String: String]
    ) throws {
        let json = String(
            decoding: try JSONSerialization.data(withJSONObject: details, options: [.sortedKeys]), as: UTF8.self)
        try db.execute(
            sql: "INSERT INTO historyEntry (at, uid, user, action, itemId, details) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [now.micros, Int64(actor.uid), actor.user, action, itemId, json])
    }

    /// The history, oldest first (at most `limit` newest entries).
    public func history(limit: Int = 1000) throws -> [HistoryEntry] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM (SELECT * FROM historyEntry ORDER BY id DESC LIMIT ?) ORDER BY id",
                arguments: [limit]
            ).map { row in
                let uid: Int64 = row["uid"]
                return HistoryEntry(
                    at: Date(micros: row["at"]), uid: UInt32(uid), user: row["user"], action: row["action"],
                    itemId: row["itemId"], details: row["details"])
            }
        }
    }

    /// Items ordered by deadline, optionally of one unit and/or overdue at `now`, with the total
    /// number matching before `limit`.
    public func items(unit: String?, overdueAt now: Date?, limit: Int) throws -> (items: [ItemRecord], total: Int) {
        try writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let unit {
                conditions.append("unit = ?")
                _ = arguments.append(contentsOf: [unit])
            }
            if let now {
                conditions.append("closedAt IS NULL AND deadlineAt <= ?")
                _ = arguments.append(contentsOf: [now.micros])
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let total =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rectificationItem \(filter)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT i.*, (SELECT group_concat(stage, ' ') FROM itemStage WHERE itemId = i.id) AS stages
                    FROM rectificationItem i \(filter) ORDER BY deadlineAt, id LIMIT ?
                    """,
                arguments: arguments + [limit])
            return (rows.map(Self.item(withStages:)), total)
        }
    }

    private static func item(withStages row: Row) -> ItemRecord {
        let closed: Int64? = row["closedAt"]
        let next: Int64? = row["nextEventAt"]
        let stages: String? = row["stages"]
        return ItemRecord(
            id: row["id"], unit: row["unit"], title: row["title"], deadline: Date(micros: row["deadlineAt"]),
            state: row["state"], createdAt: Date(micros: row["createdAt"]), closedAt: closed.map(Date.init(micros:)),
            nextEventAt: next.map(Date.init(micros:)),
            recordedStages: Set((stages ?? "").split(separator: " ").map(String.init)))
    }

    /// Adds many open items in one transaction (imports, benchmarks). All or nothing.
    public func addItems(
        _ items: [(unit: String, title: String, deadline: Date)], schedule: ItemSchedule, at now: Date
    ) throws {
        for item in items
        where item.unit.trimmingCharacters(in: .whitespaces).isEmpty
            || item.title.trimmingCharacters(in: .whitespaces).isEmpty
        {
            throw LedgerError.invalid("an item has an empty unit or title: '\(item.unit)' '\(item.title)'")
        }
        try writer.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO rectificationItem (unit, title, deadlineAt, createdAt, nextEventAt)
                    VALUES (?, ?, ?, ?, ?)
                    """)
            for item in items {
                let next = schedule.nextEvent(deadline: item.deadline, recorded: [])
                try statement.execute(arguments: [
                    item.unit, item.title, item.deadline.micros, now.micros, next?.micros,
                ])
            }
        }
    }

    /// Closes an item (verified and struck off); it will announce nothing more.
    public func closeItem(_ id: Int64, at now: Date, actor: Actor? = nil) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE rectificationItem SET state = 'closed', closedAt = ?, nextEventAt = NULL
                    WHERE id = ? AND closedAt IS NULL
                    """,
                arguments: [now.micros, id])
            if db.changesCount == 0 {
                guard
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM rectificationItem WHERE id = ?)", arguments: [id])
                        == true
                else { throw LedgerError.unknownItem(id) }
                throw LedgerError.invalid("item #\(id) is already closed")
            }
            if let actor {
                try Self.appendHistory(db, at: now, actor: actor, action: "item.close", itemId: id, details: [:])
            }
        }
    }

    /// The earliest pending stage instant of all items (an index lookup, independent of ledger size).
    public func nextItemEvent() throws -> Date? {
        try writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(nextEventAt) FROM rectificationItem WHERE nextEventAt IS NOT NULL")
                .map(Date.init(micros:))
        }
    }

    /// Items with a stage due at `now`, earliest first, at most `limit`.
    public func itemsDue(at now: Date, limit: Int = 500) throws -> [ItemRecord] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM rectificationItem WHERE nextEventAt IS NOT NULL AND nextEventAt <= ?
                    ORDER BY nextEventAt LIMIT ?
                    """,
                arguments: [now.micros, limit]
            ).map { try Self.item($0, db) }
        }
    }

    /// One item, or nil.
    public func item(_ id: Int64) throws -> ItemRecord? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM rectificationItem WHERE id = ?", arguments: [id]).map {
                try Self.item($0, db)
            }
        }
    }

    /// Counts for the status: items, open ones, overdue ones, notices, undelivered notices.
    public func counts(at now: Date) throws -> (items: Int, open: Int, overdue: Int, notices: Int, undelivered: Int) {
        try writer.read { db in
            let items = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rectificationItem") ?? 0
            let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rectificationItem WHERE closedAt IS NULL") ?? 0
            let overdue =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM rectificationItem WHERE closedAt IS NULL AND deadlineAt <= ?",
                    arguments: [now.micros]) ?? 0
            let notices = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notice") ?? 0
            let undelivered =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM notice WHERE fileWritten = 0 OR journalSent = 0") ?? 0
            return (items, open, overdue, notices, undelivered)
        }
    }

    /// Open items whose deadline has passed at `now`.
    public func overdueCount(at now: Date) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM rectificationItem WHERE closedAt IS NULL AND deadlineAt <= ?",
                arguments: [now.micros]) ?? 0
        }
    }

    /// Records stages of an item with their notices, and its next event, in one transaction.
    /// Stages already recorded are skipped together with their notices.
    /// - Returns: the notices stored (those whose stage was new).
    public func record(
        stages: [(stage: ItemStage, notice: Notice?)], item id: Int64, nextEventAt: Date?, at now: Date
    ) throws -> [Notice] {
        try record(items: [(id, stages, nextEventAt)], at: now)
    }

    /// As ``record(stages:item:nextEventAt:at:)`` for several items, in one transaction.
    public func record(
        items: [(item: Int64, stages: [(stage: ItemStage, notice: Notice?)], nextEventAt: Date?)], at now: Date
    ) throws -> [Notice] {
        try writer.write { db in
            var stored: [Notice] = []
            for (id, stages, nextEventAt) in items {
                for (stage, notice) in stages {
                    try db.execute(
                        sql: """
                            INSERT INTO itemStage (itemId, stage, recordedAt, noticeKey) VALUES (?, ?, ?, ?)
                            ON CONFLICT(itemId, stage) DO NOTHING
                            """,
                        arguments: [id, stage.description, now.micros, notice?.key])
                    if db.changesCount > 0, let notice, try Self.insert(notice, db) { stored.append(notice) }
                }
                try db.execute(
                    sql: "UPDATE rectificationItem SET nextEventAt = ? WHERE id = ?",
                    arguments: [nextEventAt?.micros, id])
            }
            return stored
        }
    }

    private static func item(_ row: Row, _ db: Database) throws -> ItemRecord {
        let id: Int64 = row["id"]
        let stages = try String.fetchAll(db, sql: "SELECT stage FROM itemStage WHERE itemId = ?", arguments: [id])
        let closed: Int64? = row["closedAt"]
        let next: Int64? = row["nextEventAt"]
        return ItemRecord(
            id: id, unit: row["unit"], title: row["title"], deadline: Date(micros: row["deadlineAt"]),
            state: row["state"], createdAt: Date(micros: row["createdAt"]), closedAt: closed.map(Date.init(micros:)),
            nextEventAt: next.map(Date.init(micros:)), recordedStages: Set(stages))
    }
}
