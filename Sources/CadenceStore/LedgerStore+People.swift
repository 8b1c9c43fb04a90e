public import CadenceCore
public import Foundation
import GRDB

extension LedgerStore {
    // MARK: - The directory of persons

    /// Problems with persons to add, by index; nothing is written.
    static func problems(persons: [PersonRecord], lines: [Int]?, _ db: Database) throws -> [(
        index: Int, reason: String
    )] {
        let line = { (index: Int) in lines?[index] ?? index + 1 }
        var problems: [(Int, String)] = []
        var ids: [String: Int] = [:]
        var accounts: [String: Int] = [:]
        for (index, person) in persons.enumerated() {
            if let reason = checkUnitID(person.id) {
                problems.append((index, reason.replacingOccurrences(of: "the unit id", with: "the person id")))
            }
            if person.name.isBlank { problems.append((index, "person '\(person.id)' has an empty name")) }
            if let email = person.email, let reason = PersonRecord.emailProblem(email) {
                problems.append((index, reason))
            }
            if let mobile = person.mobile, !mobile.allSatisfy({ $0.isASCII && ($0.isNumber || "+- ".contains($0)) }) {
                problems.append(
                    (index, "the mobile number '\(mobile)' has characters other than digits, +, - and spaces"))
            }
            if let unit = person.unit, try !unitExists(db, unit) {
                problems.append((index, "the unit '\(unit)' does not exist"))
            }
            if let previous = ids[person.id] {
                problems.append((index, "person '\(person.id)' appears twice (also line \(line(previous)))"))
            } else if try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM person WHERE id = ?)", arguments: [person.id]) == true
            {
                problems.append((index, "person '\(person.id)' already exists"))
            }
            ids[person.id] = ids[person.id] ?? index
            if let account = person.account {
                if let previous = accounts[account] {
                    problems.append((index, "the account '\(account)' is given twice (also line \(line(previous)))"))
                } else if let holder = try String.fetchOne(
                    db, sql: "SELECT id FROM person WHERE account = ? AND removedAt IS NULL", arguments: [account])
                {
                    problems.append((index, "the account '\(account)' is already person '\(holder)'"))
                }
                accounts[account] = accounts[account] ?? index
            }
        }
        return problems
    }

    /// Adds persons to the directory, all or none; with `dryRun`, only checks them.
    /// - Parameter lines: each person's line in an imported file, for the problems found.
    public func addPersons(
        _ persons: [PersonRecord], lines: [Int]? = nil, at now: Date, actor: Actor?, dryRun: Bool = false
    ) throws {
        try writer.write { db in
            let problems = try Self.problems(persons: persons, lines: lines, db)
            if let first = problems.first, lines == nil, persons.count == 1 { throw LedgerError.invalid(first.reason) }
            if !problems.isEmpty {
                throw LedgerError.badRows(
                    problems.map { RowProblem(line: lines?[$0.index] ?? $0.index + 1, reason: $0.reason) })
            }
            if dryRun { return }
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO person (id, name, unit, mobile, email, dingtalk, wecom, feishu, account, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for person in persons {
                try statement.execute(arguments: [
                    person.id, person.name, person.unit, person.mobile, person.email, person.dingtalk, person.wecom,
                    person.feishu, person.account, now.micros,
                ])
                if let actor {
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: "person.add", itemId: nil,
                        details: ["person": person.id, "name": person.name], unit: person.unit)
                }
            }
        }
    }

    /// Takes a person out of the directory: roles and items that name them are no longer reached
    /// through them. The history keeps who they were.
    public func removePerson(_ id: String, at now: Date, actor: Actor?) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE person SET removedAt = ? WHERE id = ? AND removedAt IS NULL", arguments: [now.micros, id])
            guard db.changesCount > 0 else { throw LedgerError.notFound("there is no person '\(id)' in the directory") }
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "person.remove", itemId: nil, details: ["person": id])
            }
        }
    }

    /// The directory, by id: everyone, or the persons of one unit.
    public func persons(unit: String? = nil, includeRemoved: Bool = false) throws -> [PersonRecord] {
        try writer.read { db in
            var filter = SQLFilter()
            filter.add("unit = ?", unit)
            filter.add("removedAt IS NULL", when: !includeRemoved)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM person \(filter.clause) ORDER BY id", arguments: filter.arguments
            ).map(Self.person)
        }
    }

    /// The person (not removed) whose Unix account this is.
    public func person(account: String) throws -> PersonRecord? {
        try writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM person WHERE account = ? AND removedAt IS NULL", arguments: [account]
            ).map(Self.person)
        }
    }

    /// One person, removed or not.
    public func person(_ id: String) throws -> PersonRecord? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM person WHERE id = ?", arguments: [id]).map(Self.person)
        }
    }

    static func person(_ row: Row) -> PersonRecord {
        let removed: Int64? = row["removedAt"]
        return PersonRecord(
            id: row["id"], name: row["name"], unit: row["unit"], mobile: row["mobile"], email: row["email"],
            dingtalk: row["dingtalk"], wecom: row["wecom"], feishu: row["feishu"], account: row["account"],
            removedAt: removed.map(Date.init(micros:)))
    }

    /// The person a role holder or a responsible person's text names: a person id, else the one
    /// person of that name (two of one name reach neither: the id must be used).
    static func resolvePerson(_ text: String, _ db: Database) throws -> PersonRecord? {
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM person WHERE id = ? AND removedAt IS NULL"), arguments: [text])
        {
            return person(row)
        }
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM person WHERE name = ? AND removedAt IS NULL LIMIT 2"),
            arguments: [text])
        return rows.count == 1 ? person(rows[0]) : nil
    }
}
