public import Foundation
import GRDB

extension LedgerStore {
    /// Since when the plan `name` is in force: the first time this is asked (`now` then), kept in
    /// the ledger. Phase starts and ends before it are not announced.
    public func planInForce(_ name: String, since now: Date) throws -> Date {
        let key = "planInForce/" + name
        let read = { (db: Database) in
            try String.fetchOne(db, sql: "SELECT value FROM daemonState WHERE key = ?", arguments: [key])
                .flatMap { Int64($0) }.map(Date.init(micros:))
        }
        if let since = try writer.read(read) { return since }
        return try writer.write { db in
            try db.execute(
                sql: "INSERT INTO daemonState (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
                arguments: [key, String(now.micros)])
            return try read(db) ?? now
        }
    }

    /// The keys of the notices stored whose key starts with `prefix`.
    public func noticeKeys(prefix: String) throws -> Set<String> {
        try writer.read { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT key FROM notice WHERE key >= ? AND key < ?",
                    arguments: [prefix, prefix + "\u{10FFFF}"]))
        }
    }
}
