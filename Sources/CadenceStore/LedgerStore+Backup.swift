import Foundation
import GRDB
import GRDBSQLite

extension LedgerStore {
    /// What a backup holds: its size in bytes, its items (those not taken out) and its notices.
    public struct BackupSummary: Sendable, Equatable {
        public var size: Int
        public var items: Int
        public var notices: Int
    }

    /// Copies the whole ledger into a new file at `path` with SQLite's backup API, from one read
    /// snapshot: what is written meanwhile is not in the copy and is not held up by it. The copy
    /// is a database of one file (no write-ahead log), checked with `PRAGMA integrity_check` and
    /// synced to disk before this returns; a copy that fails is removed.
    public func backup(to path: String) throws -> BackupSummary {
        do {
            let (items, notices) = try writer.read { db in try Self.copy(db, to: path) }
            // People's names and contacts: for the daemon's own user only.
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
            return BackupSummary(size: size, items: items, notices: notices)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    private static func copy(_ db: Database, to path: String) throws -> (items: Int, notices: Int) {
        var target: OpaquePointer?
        defer { sqlite3_close_v2(target) }
        func failure(_ what: String) -> LedgerError {
            .invalid("cannot back up the ledger to '\(path)': \(what)")
        }
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE
        guard sqlite3_open_v2(path, &target, flags, nil) == SQLITE_OK, let target else {
            throw failure(target.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot create it")
        }
        func message() -> String { String(cString: sqlite3_errmsg(target)) }
        guard let backup = sqlite3_backup_init(target, "main", db.sqliteConnection, "main") else {
            throw failure(message())
        }
        let step = sqlite3_backup_step(backup, -1)
        let finished = sqlite3_backup_finish(backup)
        guard step == SQLITE_DONE, finished == SQLITE_OK else { throw failure(message()) }
        func rows(_ sql: String) throws -> [String] {
            var statement: OpaquePointer?
            defer { sqlite3_finalize(statement) }
            guard sqlite3_prepare_v2(target, sql, -1, &statement, nil) == SQLITE_OK else { throw failure(message()) }
            var result: [String] = []
            while true {
                let code = sqlite3_step(statement)
                if code == SQLITE_DONE { return result }
                guard code == SQLITE_ROW else { throw failure(message()) }
                result.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "")
            }
        }
        // One file to keep: the copy leaves write-ahead logging (the daemon turns it on again when
        // it opens a restored copy), and is written with full syncs.
        _ = try rows("PRAGMA journal_mode = DELETE")
        let check = try rows("PRAGMA integrity_check")
        guard check == ["ok"] else {
            throw failure("the copy does not pass SQLite's check: " + check.joined(separator: "; "))
        }
        let items = Int(try rows("SELECT COUNT(*) FROM rectificationItem WHERE state != 'removed'").first ?? "") ?? 0
        let notices = Int(try rows("SELECT COUNT(*) FROM notice").first ?? "") ?? 0
        return (items, notices)
    }
}
