import CadenceCore
public import Foundation
import GRDB

/// Who made a change, for the history.
public struct Actor: Sendable, Equatable {
    public var uid: UInt32
    public var user: String
    /// The person the account belongs to: the directory's person whose `account` it is, else its
    /// full name in the system's user database, if known.
    public var person: String?
    /// The directory's person id, when the account is mapped to one (`person add --account`).
    public var personID: String?

    public init(uid: UInt32, user: String, person: String? = nil, personID: String? = nil) {
        self.uid = uid
        self.user = user
        self.person = person
        self.personID = personID
    }

    /// Every name the caller goes by (account, person, person id): a rule about people, such as
    /// "the direct responsible person may not verify", holds whichever was written on the item.
    public var aliases: [String] { [user, person, personID].compactMap { $0 } }

    /// Who acts, as a person: the account's full name, else the account.
    public var name: String { person ?? user }
}

/// One line of the append-only history.
public struct HistoryEntry: Sendable, Equatable {
    public var at: Date
    public var uid: UInt32
    public var user: String
    public var action: String
    public var itemId: Int64?
    public var unit: String?
    public var details: String
}

extension LedgerStore {
    // MARK: - History

    static func appendHistory(
        _ db: Database, at now: Date, actor: Actor, action: String, itemId: Int64?, details: [String: String],
        unit: String? = nil
    ) throws {
        try db.execute(
            sql: "INSERT INTO historyEntry (at, uid, user, action, itemId, unit, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                now.micros, Int64(actor.uid), actor.user, action, itemId, unit,
                // Who, as a person: the directory's person the account is mapped to.
                JSONString.object(details.merging(actor.personID.map { ["actorPerson": $0] } ?? [:]) { a, _ in a }),
            ])
    }

    /// The history, oldest first (at most `limit` newest entries), of one item or unit when given.
    public func history(limit: Int = 1000, item: Int64? = nil, unit: String? = nil) throws -> [HistoryEntry] {
        try writer.read { db in
            var filter = SQLFilter()
            filter.add("itemId = ?", item)
            filter.add("unit = ?", unit)
            return try Row.fetchAll(
                db,
                sql: "SELECT * FROM (SELECT * FROM historyEntry \(filter.clause) ORDER BY id DESC LIMIT ?) ORDER BY id",
                arguments: filter.arguments + [limit]
            ).map { row in
                let uid: Int64 = row["uid"]
                return HistoryEntry(
                    at: Date(micros: row["at"]), uid: UInt32(uid), user: row["user"], action: row["action"],
                    itemId: row["itemId"], unit: row["unit"], details: row["details"])
            }
        }
    }
}
