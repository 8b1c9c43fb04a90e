public import CadenceCore
public import Foundation
import GRDB
import GRDBSQLite

extension LedgerStore {
    // MARK: - Reading items

    static func roleHolder(_ column: String) -> String {
        """
        CASE WHEN substr(i.\(column), 1, 1) = '@' THEN (SELECT person FROM roleAssignment r WHERE r.unit = i.unit
            AND r.role = substr(i.\(column), 2) AND r.until IS NULL) ELSE i.\(column) END
        """
    }

    /// The columns of an item, in the order ``fetchItems(_:sql:arguments:)`` reads them by index (reading 30 columns
    /// by name for each of 10,000 rows costs more than the query).
    static let itemSelect = """
        SELECT i.id, i.unit, i.title, i.deadlineAt, i.state, i.createdAt, i.closedAt, i.nextEventAt,
            (SELECT group_concat(stage, ' ') FROM itemStage WHERE itemId = i.id), i.source, i.scope,
            i.urgency, i.difficulty, i.firstResponsible, i.mainResponsible,
            i.directResponsible, \(roleHolder("firstResponsible")), \(roleHolder("mainResponsible")),
            \(roleHolder("directResponsible")), i.round, i.flagged, i.originalDeadlineAt, i.plan, i.explanation,
            i.referredTo, i.rectifiedAt, i.verifiedBy, i.note, i.origin, i.deadlineDate, i.originalDeadlineDate,
            i.importKey, i.linkedItem, i.appraisal, i.reply, i.repliedAt, i.replyDueAt, i.missedBy, \(ItemText.allCases.map { "i." + $0.name }.joined(separator: ", "))
        FROM rectificationItem i
        """

    /// The one item an ``itemSelect`` query with `condition` finds, or nil.
    static func fetchItem(_ db: Database, _ condition: String, _ arguments: StatementArguments) throws
        -> RectificationItem?
    {
        try fetchItems(db, sql: itemSelect + " " + condition, arguments: arguments).first
    }

    /// The stages of item `id`'s current round, from the stored `group_concat`; a stored text that
    /// is no stage is a damaged ledger.
    static func currentStages(_ stages: String?, round: Int, item id: Int64, in db: Database) throws -> Set<ItemStage> {
        guard let stages else { return [] }
        var current: Set<ItemStage> = []
        for name in stages.split(separator: " ") {
            guard let (stageRound, stage) = ItemStage.parse(stored: name) else {
                throw LedgerError.corrupt(
                    path: db.configuration.label ?? "the ledger", reason: "item #\(id) has the unknown stage '\(name)'")
            }
            if stageRound == round { current.insert(stage) }
        }
        return current
    }

    /// Items of an ``itemSelect`` query, read with the SQLite C API: for long listings GRDB's
    /// generic row decoding costs more than the query itself.
    static func fetchItems(_ db: Database, sql: String, arguments: StatementArguments) throws -> [RectificationItem] {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let s = statement.sqliteStatement
        func text(_ i: Int32) -> String? {
            guard sqlite3_column_type(s, i) != SQLITE_NULL, let p = sqlite3_column_text(s, i) else { return nil }
            return String(
                decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))), as: UTF8.self)
        }
        func int(_ i: Int32) -> Int64? {
            sqlite3_column_type(s, i) == SQLITE_NULL ? nil : sqlite3_column_int64(s, i)
        }
        func date(_ i: Int32) -> Date? { int(i).map(Date.init(micros:)) }
        var items: [RectificationItem] = []
        let rows = try Row.fetchCursor(statement)
        while try rows.next() != nil {
            let round = Int(int(19) ?? 0)
            let id = int(0) ?? 0
            guard let state = ItemState(rawValue: text(4) ?? "") else {
                throw LedgerError.corrupt(
                    path: db.configuration.label ?? "the ledger",
                    reason: "item #\(id) has the unknown state '\(text(4) ?? "")'")
            }
            var item = RectificationItem(
                id: id, unit: text(1) ?? "", title: text(2) ?? "", deadline: date(3) ?? Date(),
                state: state, createdAt: date(5) ?? Date())
            item.closedAt = date(6)
            item.nextEventAt = date(7)
            item.recordedStages = try currentStages(text(8), round: round, item: id, in: db)
            item.source = text(9) ?? ""
            item.scope = text(10)
            item.urgency = text(11)
            item.difficulty = text(12)
            item.first = text(13)
            item.main = text(14)
            item.direct = text(15)
            item.firstPerson = text(16)
            item.mainPerson = text(17)
            item.directPerson = text(18)
            item.round = round
            item.flagged = (int(20) ?? 0) != 0
            item.originalDeadline = date(21)
            item.plan = text(22)
            item.explanation = text(23)
            item.referredTo = text(24)
            item.rectifiedAt = date(25)
            item.verifiedBy = text(26)
            item.note = text(27)
            item.origin = text(28)
            item.deadlineDate = text(29)
            item.originalDeadlineDate = text(30)
            item.importKey = text(31)
            item.recurrenceOf = int(32)
            item.appraisal = int(33)
            item.reply = text(34)
            item.repliedAt = date(35)
            item.replyDueAt = date(36)
            item.missedBy = int(37)
            for (offset, field) in ItemText.allCases.enumerated() { item.texts[field] = text(38 + Int32(offset)) }
            items.append(item)
        }
        return items
    }

    /// Items ordered by deadline, optionally of one unit, in one state, and/or overdue at `now`, with
    /// the total number matching before `limit`.
    public func items(unit: String?, overdueAt now: Date?, state: ItemState? = nil, limit: Int) throws -> (
        items: [RectificationItem], total: Int
    ) {
        try writer.read { db in
            var filter = SQLFilter("i.state != 'removed'")
            filter.add("i.unit = ?", unit)
            filter.add("i.state = ?", state?.rawValue)
            filter.add("i.closedAt IS NULL AND i.deadlineAt <= ? AND i.state != 'referred'", now?.micros)
            let items = try Self.fetchItems(
                db, sql: Self.itemSelect + " \(filter.clause) ORDER BY i.deadlineAt, i.id LIMIT ?",
                arguments: filter.arguments + [limit])
            // Fewer than the limit: they are all there is, no need to count.
            let total =
                items.count < limit
                ? items.count
                : try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM rectificationItem i \(filter.clause)",
                    arguments: filter.arguments)
                    ?? 0
            return (items, total)
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
    public func itemsDue(at now: Date, limit: Int = 500) throws -> [RectificationItem] {
        try writer.read { db in
            try Self.fetchItems(
                db,
                sql: Self.itemSelect
                    + " WHERE i.nextEventAt IS NOT NULL AND i.nextEventAt <= ? ORDER BY i.nextEventAt LIMIT ?",
                arguments: [now.micros, limit])
        }
    }

    /// One item, or nil (also for a removed one).
    public func item(_ id: Int64) throws -> RectificationItem? {
        try writer.read { db in
            try Self.fetchItem(db, "WHERE i.id = ? AND i.state != 'removed'", [id])
        }
    }

    /// Counts for the status: items, open ones, overdue ones, notices, undelivered notices.
    public func counts(at now: Date) throws -> (items: Int, open: Int, overdue: Int, notices: Int, undelivered: Int) {
        try writer.read { db in
            let items =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rectificationItem WHERE state != 'removed'") ?? 0
            let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rectificationItem WHERE closedAt IS NULL") ?? 0
            let overdue = try Self.overdueCount(db, at: now)
            let notices = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notice") ?? 0
            let undelivered =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM notice WHERE fileWritten = 0 OR journalSent = 0") ?? 0
            return (items, open, overdue, notices, undelivered)
        }
    }

    static func overdueCount(_ db: Database, at now: Date) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM rectificationItem WHERE closedAt IS NULL AND deadlineAt <= ?
                AND state != 'referred'
                """,
            arguments: [now.micros]) ?? 0
    }

    /// Open items whose deadline has passed at `now` (referred ones excepted).
    public func overdueCount(at now: Date) throws -> Int {
        try writer.read { db in try Self.overdueCount(db, at: now) }
    }

    /// Records stages of an item with their notices, and its next event, in one transaction.
    /// Stages already recorded are skipped together with their notices.
    /// - Returns: the notices stored (those whose stage was new).
    public func record(
        stages: [(stage: ItemStage, notice: Notice?)], item id: Int64, round: Int = 0, nextEventAt: Date?,
        at now: Date
    ) throws -> [Notice] {
        try record(items: [(id, round, stages, nextEventAt)], at: now)
    }

    /// As ``record(stages:item:round:nextEventAt:at:)`` for several items, in one transaction.
    public func record(
        items: [(item: Int64, round: Int, stages: [(stage: ItemStage, notice: Notice?)], nextEventAt: Date?)],
        at now: Date
    ) throws -> [Notice] {
        try writer.write { db in
            var stored: [Notice] = []
            let insertStage = try db.cachedStatement(
                sql: """
                    INSERT INTO itemStage (itemId, stage, recordedAt, noticeKey) VALUES (?, ?, ?, ?)
                    ON CONFLICT(itemId, stage) DO NOTHING
                    """)
            let moveNext = try db.cachedStatement(
                sql: "UPDATE rectificationItem SET nextEventAt = ? WHERE id = ? AND round = ?")
            for (id, round, stages, nextEventAt) in items {
                for (stage, notice) in stages {
                    try insertStage.execute(arguments: [id, stage.stored(round: round), now.micros, notice?.key])
                    if db.changesCount > 0, let notice, try Self.insert(notice, db) { stored.append(notice) }
                }
                try moveNext.execute(arguments: [nextEventAt?.micros, id, round])
            }
            return stored
        }
    }
}
