public import CadenceCore
public import Foundation
public import GRDB
import GRDBSQLite

/// The ledger: one SQLite database (WAL) in the state directory, written by the daemon only.
///
/// Every public method is one transaction. The unique indexes on (cadence, period), on a notice's
/// key and on (item, stage) are what make "exactly once" hold under `kill -9`: a notice is stored
/// in the same transaction that records its occurrence or stage, before any sink sees it, and a
/// second attempt finds it already there.
public final class LedgerStore: Sendable {
    /// The database itself: the store's own. Benchmarks that seed a year of rows by SQL reach it
    /// with `@_spi(Seeding) import CadenceStore`; nothing else does.
    @_spi(Seeding) public let writer: any DatabaseWriter
    public let path: String

    /// Opens (creating if absent) the ledger at `path`. A newer or damaged database is refused and
    /// left exactly as it was.
    public convenience init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        // An existing file is first inspected read-only, so a refused one is never written to.
        // It is read with SQLite itself, not a GRDB queue: releasing a queue starts a libdispatch
        // worker thread, and with it the pool monitor that wakes the daemon once a second forever.
        if FileManager.default.fileExists(atPath: path) { try Self.inspectReadOnly(path) }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw LedgerError.corrupt(path: path, reason: error.message ?? "\(error.resultCode)")
        }
        try self.init(pool, path: path)
    }

    /// Uses an existing writer (tests use an in-memory `DatabaseQueue`).
    public init(_ writer: any DatabaseWriter, path: String = ":memory:") throws {
        self.writer = writer
        self.path = path
        do {
            try Self.refuseIfSuperseded(writer, path: path)
            try Self.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw LedgerError.corrupt(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// Refuses a file that is not a ledger, or one written by a newer cadenced, without writing to it.
    private static func inspectReadOnly(_ path: String) throws {
        var handle: OpaquePointer?
        defer { sqlite3_close_v2(handle) }
        func failure(_ code: Int32) -> LedgerError {
            .corrupt(path: path, reason: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite error \(code)")
        }
        let opened = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil)
        guard opened == SQLITE_OK, let handle else { throw failure(opened) }
        sqlite3_busy_timeout(handle, 5000)
        func rows(_ sql: String) throws -> [String] {
            var statement: OpaquePointer?
            defer { sqlite3_finalize(statement) }
            let prepared = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
            guard prepared == SQLITE_OK else { throw failure(prepared) }
            var result: [String] = []
            while true {
                let step = sqlite3_step(statement)
                if step == SQLITE_DONE { return result }
                guard step == SQLITE_ROW else { throw failure(step) }
                result.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "")
            }
        }
        // Reading the schema fails on a file that is not a database.
        let tables = try rows("SELECT name FROM sqlite_master WHERE type = 'table'")
        guard tables.contains("grdb_migrations") else { return }
        let known = Set(migrator.migrations)
        let unknown = try rows("SELECT identifier FROM grdb_migrations").filter { !known.contains($0) }
        if !unknown.isEmpty { throw LedgerError.newerSchema(path: path, unknown: unknown.sorted()) }
    }

    private static func refuseIfSuperseded(_ reader: any DatabaseReader, path: String) throws {
        let migrator = Self.migrator
        let (applied, superseded) = try reader.read { db in
            // Reading the schema fails on a file that is not a database.
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master")
            return (try migrator.appliedIdentifiers(db), try migrator.hasBeenSuperseded(db))
        }
        if superseded {
            let known = Set(migrator.migrations)
            throw LedgerError.newerSchema(path: path, unknown: applied.filter { !known.contains($0) }.sorted())
        }
    }

    // MARK: - Occurrences and notices

    /// Records occurrences and, in the same transaction, the notice that announces them.
    ///
    /// Occurrences already recorded (same cadence and period) are left alone; if none is new,
    /// nothing is written and nil is returned, so a notice is never stored twice for a period.
    /// - Returns: the notice stored, or nil.
    @discardableResult
    public func record(occurrences: [(occurrence: Occurrence, late: Bool)], notice: Notice?, at now: Date) throws
        -> Notice?
    {
        try record(occurrences: occurrences, notices: notice.map { [$0] } ?? [], at: now).first
    }

    /// Records occurrences with the notices they bring (a reminder's, then each unit's), in one
    /// transaction; returns the notices stored, none when every occurrence was recorded already.
    public func record(occurrences: [(occurrence: Occurrence, late: Bool)], notices: [Notice], at now: Date) throws
        -> [Notice]
    {
        try writer.write { db in
            var inserted = 0
            for (occurrence, late) in occurrences {
                try db.execute(
                    sql: """
                        INSERT INTO occurrence (cadence, period, nominalAt, effectiveAt, recordedAt, late, noticeKey)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(cadence, period) DO NOTHING
                        """,
                    arguments: [
                        occurrence.cadence, occurrence.period.rawValue, occurrence.nominal.micros,
                        occurrence.effective.micros, now.micros, late, notices.first?.key,
                    ])
                inserted += db.changesCount
            }
            guard inserted > 0 else { return [] }
            return try notices.filter { try Self.insert($0, db) }
        }
    }

    /// Stores a notice about no occurrence or item (a refused configuration); nil when its key exists.
    public func record(notice: Notice) throws -> Notice? {
        try writer.write { db in try Self.insert(notice, db) ? notice : nil }
    }

    /// Whether a notice with `key` is recorded.
    public func hasNotice(key: String) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM notice WHERE key = ?)", arguments: [key]) ?? false
        }
    }

    /// Whether an occurrence of `cadence` for `period` is recorded.
    public func isRecorded(cadence: String, period: PeriodKey) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM occurrence WHERE cadence = ? AND period = ?)",
                arguments: [cadence, period.rawValue]) ?? false
        }
    }

    /// Occurrences recorded for a cadence, oldest first.
    public func occurrences(cadence: String) throws -> [(period: String, effective: Date, late: Bool)] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT period, effectiveAt, late FROM occurrence WHERE cadence = ? ORDER BY effectiveAt",
                arguments: [cadence]
            ).map { ($0["period"], Date(micros: $0["effectiveAt"]), $0["late"]) }
        }
    }

    static func insert(_ notice: Notice, _ db: Database) throws -> Bool {
        let payload = NoticePayload.json(notice)
        try db.cachedStatement(
            sql: """
                INSERT INTO notice (key, kind, dueAt, emittedAt, payload) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(key) DO NOTHING
                """
        ).execute(
            arguments: [notice.key, notice.kind.rawValue, notice.dueAt.micros, notice.emittedAt.micros, payload])
        guard db.changesCount > 0 else { return false }
        try route(notice, db)
        return true
    }

    /// Notices not yet delivered to both sinks, oldest first, at most `limit`.
    /// - Parameter known: notices as stored by this process (``asStored(_:)``), by key: those are
    ///   not decoded again.
    public func undeliveredNotices(limit: Int = .max, known: [String: Notice] = [:]) throws -> [StoredNotice] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT key, payload, file, fileWritten, journalSent FROM notice
                    WHERE fileWritten = 0 OR journalSent = 0 ORDER BY id LIMIT ?
                    """,
                arguments: [limit]
            ).map { row in try StoredNotice(row: row, known: known[row["key"]]) }
        }
    }

    /// The notice as the ledger gives it back: its instants to the microsecond.
    public static func asStored(_ notice: Notice) -> Notice {
        var notice = notice
        notice.dueAt = Date(micros: notice.dueAt.micros)
        notice.emittedAt = Date(micros: notice.emittedAt.micros)
        notice.deadline = notice.deadline.map { Date(micros: $0.micros) }
        return notice
    }

    /// Every notice, oldest first (for listings and tests).
    public func notices() throws -> [StoredNotice] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT payload, file, fileWritten, journalSent FROM notice ORDER BY id")
                .map { try StoredNotice(row: $0) }
        }
    }

    /// The newest notices (at most `limit`), oldest first, of one kind and/or unit when given.
    /// Digests and test messages, which are mailed and never journaled, only when asked for by kind.
    /// With `key`, that notice alone (of any kind).
    public func noticeList(kind: String?, unit: String?, key: String? = nil, limit: Int) throws -> [StoredNotice] {
        try writer.read { db in
            var filter = SQLFilter()
            filter.add("kind = ?", kind)
            filter.add("key = ?", key)
            filter.add("kind NOT IN ('digest', 'test')", when: kind == nil && key == nil)
            filter.add("json_extract(payload, '$.unit') = ?", unit)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM (SELECT id, payload, file, fileWritten, journalSent FROM notice \(filter.clause)
                    ORDER BY id DESC LIMIT ?) ORDER BY id
                    """,
                arguments: filter.arguments + [limit]
            ).map { try StoredNotice(row: $0) }
        }
    }

    /// Records, in one transaction, notices whose files were written and notices sent to the journal.
    public func markDelivered(files: [(key: String, file: String)], journal: [String]) throws {
        guard !files.isEmpty || !journal.isEmpty else { return }
        try writer.write { db in
            let file = try db.cachedStatement(sql: "UPDATE notice SET file = ?, fileWritten = 1 WHERE key = ?")
            for (key, path) in files { try file.execute(arguments: [path, key]) }
            let sent = try db.cachedStatement(sql: "UPDATE notice SET journalSent = 1 WHERE key = ?")
            for key in journal { try sent.execute(arguments: [key]) }
        }
    }

    /// Records that a notice reached a sink.
    public func markDelivered(key: String, file: String? = nil, journal: Bool = false) throws {
        try writer.write { db in
            if let file {
                try db.execute(
                    sql: "UPDATE notice SET file = ?, fileWritten = 1 WHERE key = ?", arguments: [file, key])
            }
            if journal {
                try db.execute(sql: "UPDATE notice SET journalSent = 1 WHERE key = ?", arguments: [key])
            }
        }
    }

    // MARK: - Daemon state

    /// The instant up to which cadence occurrences have been processed (nil on a new ledger).
    public func scheduledThrough() throws -> Date? {
        try writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM daemonState WHERE key = 'scheduledThrough'")
                .map(Date.init(micros:))
        }
    }

    /// Moves the processed instant forward (never backward: a clock stepped back re-fires nothing).
    public func advanceScheduledThrough(to instant: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO daemonState (key, value) VALUES ('scheduledThrough', ?)
                    ON CONFLICT(key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))
                    """,
                arguments: [instant.micros])
        }
    }
}

/// A notice as stored, with its delivery state.
public struct StoredNotice: Sendable, Equatable {
    public var notice: Notice
    public var file: String?
    public var fileWritten: Bool
    public var journalSent: Bool

    init(row: Row, known: Notice? = nil) throws {
        if let known {
            notice = known
        } else {
            let payload: String = row["payload"]
            notice = try JSONDecoder.ledger.decode(Notice.self, from: Data(payload.utf8))
        }
        file = row["file"]
        fileWritten = row["fileWritten"]
        journalSent = row["journalSent"]
    }
}

extension Date {
    /// Microseconds since 1970 UTC, as stored in the ledger.
    public var micros: Int64 { Int64((timeIntervalSince1970 * 1_000_000).rounded()) }

    public init(micros: Int64) {
        self.init(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}

extension JSONDecoder {
    static var ledger: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            Date(micros: try decoder.singleValueContainer().decode(Int64.self))
        }
        return decoder
    }
}
