public import CadenceCore
public import Foundation
import GRDB

extension LedgerStore {
    // MARK: - Units

    /// Checks a unit id: what a person types on the command line and what appears in file names.
    static func checkUnitID(_ id: String) -> String? {
        if id.isEmpty { return "the unit id is empty" }
        if id.utf8.count > 100 { return "the unit id '\(id.prefix(20))…' is longer than 100 bytes" }
        if id.hasPrefix("-") || id.hasPrefix("@") { return "the unit id '\(id)' starts with '\(id.prefix(1))'" }
        if id == "." || id == ".." { return "the unit id '\(id)' is not a name" }
        if id.unicodeScalars.contains(where: {
            $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0 == "/"
        }) {
            return "the unit id '\(id)' contains a space, a control character or '/'"
        }
        return nil
    }

    static func unitExists(_ db: Database, _ id: String) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM unit WHERE id = ? AND removedAt IS NULL)", arguments: [id]) ?? false
    }

    /// Problems with units to add, by index; nothing is written.
    static func problems(units: [NewUnit], _ db: Database) throws -> [(index: Int, reason: String)] {
        var problems: [(Int, String)] = []
        var ids: [String: Int] = [:]
        for (index, unit) in units.enumerated() {
            if let reason = checkUnitID(unit.id) { problems.append((index, reason)) }
            if unit.name.isBlank {
                problems.append((index, "unit '\(unit.id)' has an empty name"))
            }
            if let quota = unit.quota, !(0...1000).contains(quota) {
                problems.append((index, "the quota \(quota) is not between 0 and 1000"))
            }
            if let previous = ids[unit.id] {
                let line = units[previous].sourceLine ?? previous + 1
                problems.append((index, "unit '\(unit.id)' appears twice (also line \(line))"))
            } else if let removed = try Row.fetchOne(
                db, sql: "SELECT removedAt FROM unit WHERE id = ?", arguments: [unit.id])
            {
                if (removed["removedAt"] as Int64?) != nil {
                    problems.append(
                        (
                            index,
                            "unit '\(unit.id)' was removed, and its id stays with its records: give the new unit "
                                + "another id"
                        ))
                } else {
                    problems.append((index, "unit '\(unit.id)' already exists"))
                }
            }
            ids[unit.id] = ids[unit.id] ?? index
        }
        let byID = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for (index, unit) in units.enumerated() {
            guard let parent = unit.parent else { continue }
            if parent == unit.id {
                problems.append((index, "unit '\(unit.id)' cannot be its own parent"))
            } else if byID[parent] == nil, try !unitExists(db, parent) {
                problems.append((index, "the parent unit '\(parent)' does not exist"))
            } else {
                // A cycle can only form among new units.
                var seen: Set<String> = [unit.id]
                var cursor = byID[parent]
                while let next = cursor {
                    if seen.contains(next.id) {
                        problems.append((index, "unit '\(unit.id)' is its own ancestor"))
                        break
                    }
                    seen.insert(next.id)
                    cursor = next.parent.flatMap { byID[$0] }
                }
            }
        }
        return problems
    }

    /// Adds units in one transaction, parents anywhere in the list. All or nothing.
    public func addUnits(_ units: [NewUnit], at now: Date, actor: Actor?, dryRun: Bool = false) throws {
        try writer.write { db in
            let problems = try Self.problems(units: units, db)
            if !problems.isEmpty {
                throw LedgerError.badRows(
                    problems.map { RowProblem(line: units[$0.index].sourceLine ?? $0.index + 1, reason: $0.reason) })
            }
            if dryRun { return }
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO unit (id, name, kind, parent, quota, specialty, grade, createdAt, holidays)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for unit in units {
                try insert.execute(arguments: [
                    unit.id, unit.name, unit.kind.rawValue, unit.parent, unit.quota, unit.specialty, unit.grade,
                    now.micros, unit.holidays,
                ])
                if let liaison = unit.liaison, !liaison.isEmpty {
                    try db.execute(
                        sql: "INSERT INTO roleAssignment (unit, role, person, since) VALUES (?, 'liaison', ?, ?)",
                        arguments: [unit.id, liaison, now.micros])
                }
            }
            if let actor {
                if units.count == 1, let unit = units.first {
                    var details = ["name": unit.name, "kind": unit.kind.rawValue]
                    details["parent"] = unit.parent
                    details["quota"] = unit.quota.map(String.init)
                    details["liaison"] = unit.liaison
                    details["holidays"] = unit.holidays
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: "unit.add", itemId: nil, details: details, unit: unit.id)
                } else {
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: "unit.import", itemId: nil,
                        details: ["count": String(units.count)])
                }
            }
        }
    }

    /// Corrects a unit: each field given that differs is changed, and the history has each
    /// change with `reason`. `parent` is `.some(nil)` to move it to the top of the tree. A move
    /// keeps all of the unit's records (they name it by id).
    /// - Returns: the names of the fields changed.
    /// - Throws: ``LedgerError/unknownUnit(_:)``; ``LedgerError/invalid(_:)`` for a removed unit, an
    ///   empty name, a parent that is not there or is the unit itself or one of its sub-units, or
    ///   nothing to change.
    public func editUnit(
        _ id: String, name: String?, kind: UnitKind?, parent: String??, quota: Int?, holidays: String?? = nil,
        reason: String, at now: Date, actor: Actor?
    ) throws -> [String] {
        try writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM unit WHERE id = ?", arguments: [id]) else {
                throw LedgerError.unknownUnit(id)
            }
            if (row["removedAt"] as Int64?) != nil {
                throw LedgerError.invalid("unit '\(id)' was removed; it cannot be corrected")
            }
            var changes: [(name: String, column: String, from: String?, to: (any DatabaseValueConvertible)?)] = []
            if let name {
                guard !name.isBlank else { throw LedgerError.invalid("name: is empty") }
                if name != row["name"] as String { changes.append(("name", "name", row["name"], name)) }
            }
            if let kind, kind.rawValue != row["kind"] as String {
                changes.append(("kind", "kind", row["kind"], kind.rawValue))
            }
            if let parent {
                let current: String? = row["parent"]
                if parent != current {
                    if let parent {
                        guard parent != id else { throw LedgerError.invalid("unit '\(id)' cannot be its own parent") }
                        guard try Self.unitExists(db, parent) else {
                            throw LedgerError.invalid("the parent unit '\(parent)' does not exist")
                        }
                        // Moving it under one of its own sub-units would cut the branch off the tree.
                        if try Self.unitChain(parent, db).contains(id) {
                            throw LedgerError.invalid(
                                "unit '\(parent)' is a sub-unit of '\(id)': '\(id)' cannot move under it")
                        }
                    }
                    changes.append(("parent", "parent", current, parent))
                }
            }
            if let quota, quota != row["quota"] as Int? {
                changes.append(("quota", "quota", (row["quota"] as Int?).map(String.init), quota))
            }
            if let holidays, holidays != row["holidays"] as String? {
                changes.append(("holidays", "holidays", row["holidays"], holidays))
            }
            guard !changes.isEmpty else {
                throw LedgerError.invalid("nothing to change: unit '\(id)' already has these values")
            }
            for change in changes {
                try db.execute(
                    sql: "UPDATE unit SET \(change.column) = ? WHERE id = ?",
                    arguments: [change.to?.databaseValue ?? .null, id])
            }
            if let actor {
                var details = ["reason": reason]
                for change in changes {
                    details[change.name] = "\(change.from ?? "") → \(change.to.map { "\($0)" } ?? "")"
                }
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "unit.edit", itemId: nil, details: details, unit: id)
            }
            return changes.map(\.name)
        }
    }

    /// Adds one unit.
    public func addUnit(_ unit: NewUnit, at now: Date, actor: Actor? = nil) throws {
        do {
            try addUnits([unit], at: now, actor: actor)
        } catch LedgerError.badRows(let problems) {
            throw LedgerError.invalid(problems.map(\.reason).joined(separator: "; "))
        }
    }

    static let unitColumns = """
        u.*, (SELECT person FROM roleAssignment r WHERE r.unit = u.id AND r.role = 'liaison' AND r.until IS NULL)
            AS liaison
        """

    static func unit(_ row: Row) -> UnitRecord {
        let removed: Int64? = row["removedAt"]
        return UnitRecord(
            id: row["id"], name: row["name"], kind: row["kind"], parent: row["parent"], quota: row["quota"],
            specialty: row["specialty"], grade: row["grade"], createdAt: Date(micros: row["createdAt"]),
            removedAt: removed.map(Date.init(micros:)), liaison: row["liaison"], holidays: row["holidays"])
    }

    /// The units that keep a regional holiday file, with its name (R28).
    public func unitHolidayScopes() throws -> [String: String] {
        try writer.read { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT id, holidays FROM unit WHERE holidays IS NOT NULL").map {
                    (row: Row) -> (String, String) in (row["id"], row["holidays"])
                }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Units, ordered by id; only those under `parent` (children) when given.
    public func units(parent: String? = nil, includeRemoved: Bool = false) throws -> [UnitRecord] {
        try writer.read { db in
            var filter = SQLFilter()
            filter.add("u.parent = ?", parent)
            filter.add("u.removedAt IS NULL", when: !includeRemoved)
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.unitColumns) FROM unit u \(filter.clause) ORDER BY u.id",
                arguments: filter.arguments
            ).map(Self.unit)
        }
    }

    /// One unit (removed ones too), or nil.
    public func unit(_ id: String) throws -> UnitRecord? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.unitColumns) FROM unit u WHERE u.id = ?", arguments: [id])
                .map(Self.unit)
        }
    }

    /// Removes a unit from the tree. Its records stay in the ledger; a unit with sub-units or open
    /// items is refused.
    public func removeUnit(_ id: String, at now: Date, actor: Actor?) throws {
        try writer.write { db in
            guard try Self.unitExists(db, id) else { throw LedgerError.unknownUnit(id) }
            let children =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM unit WHERE parent = ? AND removedAt IS NULL", arguments: [id]) ?? 0
            if children > 0 {
                throw LedgerError.invalid("unit '\(id)' has \(children) sub-units; remove or move them first")
            }
            let open =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM rectificationItem WHERE unit = ? AND closedAt IS NULL",
                    arguments: [id]) ?? 0
            if open > 0 { throw LedgerError.invalid("unit '\(id)' has \(open) open items; close them first") }
            try db.execute(sql: "UPDATE unit SET removedAt = ? WHERE id = ?", arguments: [now.micros, id])
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "unit.remove", itemId: nil, details: [:], unit: id)
            }
        }
    }

    // MARK: - Roles

    /// Gives `role` in `unit` to `person` from `now`; the previous holder's tenure ends. Open items
    /// that name the role (`@first`) now answer to the new holder; the history keeps who held it when.
    public func assignRole(unit: String, role: UnitRole, person: String, at now: Date, actor: Actor?) throws {
        let person = person.trimmingCharacters(in: .whitespaces)
        guard !person.isEmpty else { throw LedgerError.invalid("the person's name is empty") }
        try writer.write { db in
            guard try Self.unitExists(db, unit) else { throw LedgerError.unknownUnit(unit) }
            let holders = try String.fetchAll(
                db, sql: "SELECT person FROM roleAssignment WHERE unit = ? AND role = ? AND until IS NULL",
                arguments: [unit, role.rawValue])
            if holders.contains(person) {
                throw LedgerError.invalid("\(person) already holds \(role.rawValue) in '\(unit)'")
            }
            // A member role takes one more holder; any other role passes to the new one.
            let current = role.isMember ? nil : holders.first
            if !role.isMember {
                try db.execute(
                    sql: "UPDATE roleAssignment SET until = ? WHERE unit = ? AND role = ? AND until IS NULL",
                    arguments: [now.micros, unit, role.rawValue])
            }
            try db.execute(
                sql: "INSERT INTO roleAssignment (unit, role, person, since) VALUES (?, ?, ?, ?)",
                arguments: [unit, role.rawValue, person, now.micros])
            if let actor {
                var details = ["role": role.rawValue, "person": person]
                details["previous"] = current
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "role.assign", itemId: nil, details: details, unit: unit)
            }
        }
    }

    /// Ends `person`'s tenure of `role` in `unit` (a member leaving the leading group, say); the
    /// tenure is kept, with its end.
    public func endRole(unit: String, role: UnitRole, person: String, at now: Date, actor: Actor?) throws {
        let person = person.trimmingCharacters(in: .whitespaces)
        try writer.write { db in
            guard try Self.unitExists(db, unit) else { throw LedgerError.unknownUnit(unit) }
            try db.execute(
                sql: "UPDATE roleAssignment SET until = ? WHERE unit = ? AND role = ? AND person = ? AND until IS NULL",
                arguments: [now.micros, unit, role.rawValue, person])
            guard db.changesCount > 0 else {
                let holders = try String.fetchAll(
                    db,
                    sql:
                        "SELECT person FROM roleAssignment WHERE unit = ? AND role = ? AND until IS NULL ORDER BY since",
                    arguments: [unit, role.rawValue])
                throw LedgerError.invalid(
                    "\(person) does not hold \(role.rawValue) in '\(unit)' ("
                        + (holders.isEmpty ? "nobody does" : "held by " + holders.joined(separator: ", ")) + ")")
            }
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "role.end", itemId: nil,
                    details: ["role": role.rawValue, "person": person], unit: unit)
            }
        }
    }

    /// Role tenures, current ones only unless `includePast`.
    public func roles(unit: String?, includePast: Bool) throws -> [RoleRecord] {
        try writer.read { db in
            var filter = SQLFilter()
            filter.add("unit = ?", unit)
            filter.add("until IS NULL", when: !includePast)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM roleAssignment \(filter.clause) ORDER BY unit, role, since",
                arguments: filter.arguments
            ).map { row in
                let until: Int64? = row["until"]
                return RoleRecord(
                    unit: row["unit"], role: row["role"], person: row["person"], since: Date(micros: row["since"]),
                    until: until.map(Date.init(micros:)))
            }
        }
    }

    /// Who held `role` in `unit` at `instant`.
    public func holder(unit: String, role: UnitRole, at instant: Date) throws -> String? {
        try writer.read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT person FROM roleAssignment WHERE unit = ? AND role = ? AND since <= ?
                    AND (until IS NULL OR until > ?) ORDER BY since DESC LIMIT 1
                    """,
                arguments: [unit, role.rawValue, instant.micros, instant.micros])
        }
    }

}
