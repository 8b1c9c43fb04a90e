public import CadenceCore
public import Foundation
import GRDB

/// An organisational unit (R13).
public struct UnitRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: String
    public var parent: String?
    /// The unit's own monthly report quota, when set; else the kind's default applies.
    public var quota: Int?
    /// Specialty line (醫療救治, 疾病預防控制…).
    public var specialty: String?
    public var grade: String?
    public var createdAt: Date
    public var removedAt: Date?
    /// The current liaison officer (holder of the `liaison` role).
    public var liaison: String?

    /// Reports owed per month: the unit's own quota, else the default of its kind.
    public var monthlyQuota: Int { quota ?? UnitKind(rawValue: kind)?.defaultMonthlyQuota ?? 0 }
}

/// A unit to add.
public struct NewUnit: Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: UnitKind
    public var parent: String?
    public var quota: Int?
    public var specialty: String?
    public var grade: String?
    public var liaison: String?
    /// The line of the import file it came from, for error messages.
    public var sourceLine: Int?

    public init(
        id: String, name: String, kind: UnitKind, parent: String? = nil, quota: Int? = nil, specialty: String? = nil,
        grade: String? = nil, liaison: String? = nil, sourceLine: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.parent = parent
        self.quota = quota
        self.specialty = specialty
        self.grade = grade
        self.liaison = liaison
        self.sourceLine = sourceLine
    }
}

/// Who held a role in a unit, and when.
public struct RoleRecord: Sendable, Equatable {
    public var unit: String
    public var role: String
    public var person: String
    public var since: Date
    public var until: Date?
}

/// A public commitment (R24) with its latest evaluation.
public struct CommitmentRecord: Sendable, Equatable {
    public var id: Int64
    public var unit: String
    public var member: String?
    public var post: String?
    public var direction: String?
    public var year: Int
    public var text: String
    public var publishedOn: String?
    public var status: String?
    public var evaluatedPeriod: String?
    public var evaluations: Int
}

/// A commitment to add.
public struct NewCommitment: Sendable, Equatable {
    public var unit: String
    public var member: String?
    public var post: String?
    public var direction: String?
    public var year: Int
    public var text: String
    public var publishedOn: LocalDate?
    public var sourceLine: Int?

    public init(
        unit: String, member: String? = nil, post: String? = nil, direction: String? = nil, year: Int, text: String,
        publishedOn: LocalDate? = nil, sourceLine: Int? = nil
    ) {
        self.unit = unit
        self.member = member
        self.post = post
        self.direction = direction
        self.year = year
        self.text = text
        self.publishedOn = publishedOn
        self.sourceLine = sourceLine
    }
}

/// A review, inspection, appraisal or evaluation held for a unit in a period (R3).
public struct ReviewRecord: Sendable, Equatable {
    public var id: Int64
    public var unit: String
    public var kind: String
    public var cadence: String?
    public var period: String
    public var heldOn: String
    public var form: String?
    public var reviewer: String?
    public var byUnit: String?
    public var subject: String?
    public var outcome: String?
    public var override: Bool
    public var recordedAt: Date
}

/// A review to record.
public struct NewReview: Sendable, Equatable {
    public var unit: String
    public var kind: CadenceKind
    /// The cadence it is recorded for, when known: it closes that cadence's missed-duty item.
    public var cadence: String?
    public var period: PeriodKey
    public var heldOn: LocalDate
    public var form: ReviewForm?
    public var reviewer: String?
    /// The unit that held it; its parent by default (R4).
    public var byUnit: String?
    public var subject: String?
    public var outcome: String?
    /// Accept a reviewing unit that is not the parent.
    public var override: Bool

    public init(
        unit: String, kind: CadenceKind, period: PeriodKey, heldOn: LocalDate, form: ReviewForm? = nil,
        reviewer: String? = nil, byUnit: String? = nil, subject: String? = nil, outcome: String? = nil,
        override: Bool = false, cadence: String? = nil
    ) {
        self.unit = unit
        self.kind = kind
        self.cadence = cadence
        self.period = period
        self.heldOn = heldOn
        self.form = form
        self.reviewer = reviewer
        self.byUnit = byUnit
        self.subject = subject
        self.outcome = outcome
        self.override = override
    }
}

/// One unit's information reports in a month against its quota.
public struct QuotaLine: Sendable, Equatable {
    public var unit: String
    public var name: String
    public var kind: String
    public var required: Int
    public var submitted: Int
    public var short: Bool { submitted < required }
}

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
            } else if try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM unit WHERE id = ?)", arguments: [unit.id])
                == true
            {
                problems.append((index, "unit '\(unit.id)' already exists"))
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
                    INSERT INTO unit (id, name, kind, parent, quota, specialty, grade, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for unit in units {
                try insert.execute(arguments: [
                    unit.id, unit.name, unit.kind.rawValue, unit.parent, unit.quota, unit.specialty, unit.grade,
                    now.micros,
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

    /// Adds one unit.
    public func addUnit(_ unit: NewUnit, at now: Date, actor: Actor? = nil) throws {
        do {
            try addUnits([unit], at: now, actor: actor)
        } catch LedgerError.badRows(let problems) {
            throw LedgerError.invalid(problems.map(\.reason).joined(separator: "; "))
        }
    }

    private static let unitColumns = """
        u.*, (SELECT person FROM roleAssignment r WHERE r.unit = u.id AND r.role = 'liaison' AND r.until IS NULL)
            AS liaison
        """

    private static func unit(_ row: Row) -> UnitRecord {
        let removed: Int64? = row["removedAt"]
        return UnitRecord(
            id: row["id"], name: row["name"], kind: row["kind"], parent: row["parent"], quota: row["quota"],
            specialty: row["specialty"], grade: row["grade"], createdAt: Date(micros: row["createdAt"]),
            removedAt: removed.map(Date.init(micros:)), liaison: row["liaison"])
    }

    /// Units, ordered by id; only those under `parent` (children) when given.
    public func units(parent: String? = nil, includeRemoved: Bool = false) throws -> [UnitRecord] {
        try writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let parent {
                conditions.append("u.parent = ?")
                _ = arguments.append(contentsOf: [parent])
            }
            if !includeRemoved { conditions.append("u.removedAt IS NULL") }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.unitColumns) FROM unit u \(filter) ORDER BY u.id", arguments: arguments
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
            let current = try String.fetchOne(
                db, sql: "SELECT person FROM roleAssignment WHERE unit = ? AND role = ? AND until IS NULL",
                arguments: [unit, role.rawValue])
            if current == person { throw LedgerError.invalid("\(person) already holds \(role.rawValue) in '\(unit)'") }
            try db.execute(
                sql: "UPDATE roleAssignment SET until = ? WHERE unit = ? AND role = ? AND until IS NULL",
                arguments: [now.micros, unit, role.rawValue])
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

    /// Role tenures, current ones only unless `includePast`.
    public func roles(unit: String?, includePast: Bool) throws -> [RoleRecord] {
        try writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let unit {
                conditions.append("unit = ?")
                _ = arguments.append(contentsOf: [unit])
            }
            if !includePast { conditions.append("until IS NULL") }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM roleAssignment \(filter) ORDER BY unit, role, since", arguments: arguments
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

    // MARK: - Commitments

    static func problems(commitments: [NewCommitment], _ db: Database) throws -> [(index: Int, reason: String)] {
        var problems: [(Int, String)] = []
        var known: [String: Bool] = [:]
        for (index, commitment) in commitments.enumerated() {
            if known[commitment.unit] == nil { known[commitment.unit] = try unitExists(db, commitment.unit) }
            if known[commitment.unit] != true { problems.append((index, "there is no unit '\(commitment.unit)'")) }
            if commitment.text.isBlank {
                problems.append((index, "the commitment text is empty"))
            }
            if !(2000...2199).contains(commitment.year) {
                problems.append((index, "the year \(commitment.year) is not between 2000 and 2199"))
            }
        }
        return problems
    }

    /// Adds commitments in one transaction. All or nothing.
    @discardableResult
    public func addCommitments(_ commitments: [NewCommitment], at now: Date, actor: Actor?, dryRun: Bool = false)
        throws -> [Int64]
    {
        try writer.write { db in
            let problems = try Self.problems(commitments: commitments, db)
            if !problems.isEmpty {
                throw LedgerError.badRows(
                    problems.map {
                        RowProblem(line: commitments[$0.index].sourceLine ?? $0.index + 1, reason: $0.reason)
                    })
            }
            if dryRun { return [] }
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO commitment (unit, member, post, direction, year, text, publishedOn, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            var ids: [Int64] = []
            for c in commitments {
                try insert.execute(arguments: [
                    c.unit, c.member, c.post, c.direction, c.year, c.text, c.publishedOn?.description, now.micros,
                ])
                ids.append(db.lastInsertedRowID)
            }
            if let actor {
                if commitments.count == 1, let c = commitments.first {
                    var details = ["text": c.text, "year": String(c.year)]
                    details["member"] = c.member
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: "commitment.add", itemId: nil, details: details, unit: c.unit
                    )
                } else {
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: "commitment.import", itemId: nil,
                        details: ["count": String(commitments.count)])
                }
            }
            return ids
        }
    }

    /// Adds one commitment; an unknown unit is ``LedgerError/unknownUnit(_:)``.
    @discardableResult
    public func addCommitment(_ commitment: NewCommitment, at now: Date, actor: Actor?) throws -> Int64 {
        do {
            return try addCommitments([commitment], at: now, actor: actor)[0]
        } catch LedgerError.badRows(let problems) {
            if problems.contains(where: { $0.reason.hasPrefix("there is no unit") }) {
                throw LedgerError.unknownUnit(commitment.unit)
            }
            throw LedgerError.invalid(problems.map(\.reason).joined(separator: "; "))
        }
    }

    /// Commitments, by unit and id, with their latest evaluation.
    public func commitments(unit: String?, year: Int?, id: Int64? = nil, limit: Int = 100_000) throws
        -> [CommitmentRecord]
    {
        try writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let id {
                conditions.append("c.id = ?")
                _ = arguments.append(contentsOf: [id])
            }
            if let unit {
                conditions.append("c.unit = ?")
                _ = arguments.append(contentsOf: [unit])
            }
            if let year {
                conditions.append("c.year = ?")
                _ = arguments.append(contentsOf: [year])
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT c.*, e.status, e.period AS evaluatedPeriod,
                        (SELECT COUNT(*) FROM commitmentEvaluation x WHERE x.commitmentId = c.id) AS evaluations
                    FROM commitment c
                    LEFT JOIN commitmentEvaluation e ON e.id =
                        (SELECT MAX(id) FROM commitmentEvaluation y WHERE y.commitmentId = c.id)
                    \(filter) ORDER BY c.unit, c.id LIMIT ?
                    """,
                arguments: arguments + [limit]
            ).map { row in
                CommitmentRecord(
                    id: row["id"], unit: row["unit"], member: row["member"], post: row["post"],
                    direction: row["direction"], year: row["year"], text: row["text"], publishedOn: row["publishedOn"],
                    status: row["status"], evaluatedPeriod: row["evaluatedPeriod"], evaluations: row["evaluations"])
            }
        }
    }

    /// One commitment, or nil.
    public func commitment(_ id: Int64) throws -> CommitmentRecord? {
        try commitments(unit: nil, year: nil, id: id).first
    }

    /// Per unit with commitments in `year`: how many, and the latest evaluation of each.
    public func commitmentSummary(year: Int) throws -> [(
        unit: String, name: String, total: Int, fulfilled: Int, partial: Int, unfulfilled: Int
    )] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.unit, u.name, COUNT(*) AS total,
                        SUM(e.status = 'fulfilled') AS fulfilled, SUM(e.status = 'partial') AS partial,
                        SUM(e.status = 'unfulfilled') AS unfulfilled
                    FROM commitment c JOIN unit u ON u.id = c.unit
                    LEFT JOIN commitmentEvaluation e ON e.id =
                        (SELECT MAX(id) FROM commitmentEvaluation y WHERE y.commitmentId = c.id)
                    WHERE c.year = ? AND u.removedAt IS NULL GROUP BY c.unit ORDER BY c.unit
                    """,
                arguments: [year]
            ).map { row in
                let fulfilled: Int? = row["fulfilled"]
                let partial: Int? = row["partial"]
                let unfulfilled: Int? = row["unfulfilled"]
                return (row["unit"], row["name"], row["total"], fulfilled ?? 0, partial ?? 0, unfulfilled ?? 0)
            }
        }
    }

    /// Records how far a commitment is honoured, as judged at a review in `period`.
    public func evaluateCommitment(
        _ id: Int64, period: PeriodKey, status: CommitmentStatus, note: String?, at now: Date, actor: Actor?
    ) throws {
        try writer.write { db in
            guard let unit = try String.fetchOne(db, sql: "SELECT unit FROM commitment WHERE id = ?", arguments: [id])
            else { throw LedgerError.notFound("there is no commitment #\(id)") }
            try db.execute(
                sql: "INSERT INTO commitmentEvaluation (commitmentId, period, status, note, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, period.rawValue, status.rawValue, note, now.micros])
            if let actor {
                var details = ["commitment": String(id), "period": period.rawValue, "status": status.rawValue]
                details["note"] = note
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "commitment.evaluate", itemId: nil, details: details, unit: unit)
            }
        }
    }

    // MARK: - Reviews

    /// Records a review held. It must follow affiliation: recorded by the unit's parent, or by its
    /// contact-point leader, unless `override` (R4). A missed-duty item of that unit, kind and
    /// period, if any, is closed by it.
    @discardableResult
    public func recordReview(_ review: NewReview, at now: Date, actor: Actor?) throws -> Int64 {
        try writer.write { db in
            guard
                let unit = try Row.fetchOne(
                    db, sql: "SELECT parent FROM unit WHERE id = ? AND removedAt IS NULL", arguments: [review.unit])
            else { throw LedgerError.unknownUnit(review.unit) }
            let parent: String? = unit["parent"]
            let byUnit = review.byUnit ?? parent
            if let byUnit, byUnit != parent, try !Self.unitExists(db, byUnit) {
                throw LedgerError.unknownUnit(byUnit)
            }
            if !review.override, byUnit != parent || byUnit == nil {
                let contact = try String.fetchOne(
                    db,
                    sql:
                        "SELECT person FROM roleAssignment WHERE unit = ? AND role = 'contact-leader' AND until IS NULL",
                    arguments: [review.unit])
                if contact == nil || contact != review.reviewer {
                    let who = byUnit.map { "'\($0)'" } ?? "nobody"
                    throw LedgerError.invalid(
                        "reviews follow affiliation: '\(review.unit)' is reviewed by its parent "
                            + (parent.map { "'\($0)'" } ?? "(it has none)")
                            + " or its contact-point leader, not by \(who); give --override to record it anyway")
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO review (unit, kind, period, heldOn, form, reviewer, byUnit, subject, outcome, override,
                        recordedAt, cadence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    review.unit, review.kind.rawValue, review.period.rawValue, review.heldOn.description,
                    review.form?.rawValue, review.reviewer, byUnit, review.subject, review.outcome, review.override,
                    now.micros, review.cadence,
                ])
            let id = db.lastInsertedRowID
            // The cadence's missed-duty item; an older ledger's items are keyed by kind.
            var origins = [Self.missedDutyOrigin(unit: review.unit, kind: review.kind, period: review.period)]
            if let cadence = review.cadence {
                origins.insert(Self.missedDutyOrigin(unit: review.unit, cadence: cadence, period: review.period), at: 0)
            }
            var origin = origins[0]
            for candidate in origins {
                try db.execute(
                    sql: """
                        UPDATE rectificationItem SET state = 'closed', closedAt = ?, nextEventAt = NULL,
                            verifiedBy = ?, note = ? WHERE origin = ? AND closedAt IS NULL
                        """,
                    arguments: [
                        now.micros, review.reviewer ?? byUnit ?? "", "recorded late as review #\(id)", candidate,
                    ])
                if db.changesCount > 0 {
                    origin = candidate
                    break
                }
            }
            let closedItem = db.changesCount > 0
            if let actor {
                var details = [
                    "review": String(id), "kind": review.kind.rawValue, "period": review.period.rawValue,
                    "heldOn": review.heldOn.description,
                ]
                details["cadence"] = review.cadence
                details["by"] = byUnit
                details["reviewer"] = review.reviewer
                if review.override { details["override"] = "yes" }
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "review.record", itemId: nil, details: details,
                    unit: review.unit)
                if closedItem,
                    let item = try Int64.fetchOne(
                        db, sql: "SELECT id FROM rectificationItem WHERE origin = ?", arguments: [origin])
                {
                    try Self.appendHistory(
                        db, at: now, actor: actor, action: "item.close", itemId: item,
                        details: ["by": "review #\(id)"], unit: review.unit)
                }
            }
            return id
        }
    }

    /// Reviews recorded, newest period first.
    public func reviews(unit: String?, kind: CadenceKind?, period: PeriodKey?, id: Int64? = nil, limit: Int = 100_000)
        throws -> [ReviewRecord]
    {
        try writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let id {
                conditions.append("id = ?")
                _ = arguments.append(contentsOf: [id])
            }
            if let unit {
                conditions.append("unit = ?")
                _ = arguments.append(contentsOf: [unit])
            }
            if let kind {
                conditions.append("kind = ?")
                _ = arguments.append(contentsOf: [kind.rawValue])
            }
            if let period {
                conditions.append("period = ?")
                _ = arguments.append(contentsOf: [period.rawValue])
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM review \(filter) ORDER BY period DESC, unit, id LIMIT ?",
                arguments: arguments + [limit]
            ).map { row in
                ReviewRecord(
                    id: row["id"], unit: row["unit"], kind: row["kind"], cadence: row["cadence"], period: row["period"],
                    heldOn: row["heldOn"],
                    form: row["form"], reviewer: row["reviewer"], byUnit: row["byUnit"], subject: row["subject"],
                    outcome: row["outcome"], override: row["override"], recordedAt: Date(micros: row["recordedAt"]))
            }
        }
    }

    /// The origin of the item opened when `unit` has no record of `cadence`'s duty in `period`.
    public static func missedDutyOrigin(unit: String, cadence: String, period: PeriodKey) -> String {
        "missed/\(cadence)/\(period.rawValue)/\(unit)"
    }

    /// The origin an older ledger gave such an item: keyed by the cadence's kind.
    public static func missedDutyOrigin(unit: String, kind: CadenceKind, period: PeriodKey) -> String {
        "missed/\(kind.rawValue)/\(period.rawValue)/\(unit)"
    }

    // MARK: - Information reports

    /// Records one information report a unit submitted (R9).
    @discardableResult
    public func submitReport(
        unit: String, month: PeriodKey, submittedOn: LocalDate, title: String, liaison: String?, recipient: String?,
        at now: Date, actor: Actor?
    ) throws -> Int64 {
        guard !title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw LedgerError.invalid("the report's title is empty")
        }
        return try writer.write { db in
            guard try Self.unitExists(db, unit) else { throw LedgerError.unknownUnit(unit) }
            let liaison =
                try liaison
                ?? String.fetchOne(
                    db, sql: "SELECT person FROM roleAssignment WHERE unit = ? AND role = 'liaison' AND until IS NULL",
                    arguments: [unit])
            try db.execute(
                sql: """
                    INSERT INTO reportSubmission (unit, month, submittedOn, title, liaison, recipient, recordedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [unit, month.rawValue, submittedOn.description, title, liaison, recipient, now.micros])
            let id = db.lastInsertedRowID
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "report.submit", itemId: nil,
                    details: ["month": month.rawValue, "title": title], unit: unit)
            }
            return id
        }
    }

    /// Every unit owing reports (or all units when `all`) with its count for `month`, by unit id.
    /// Units created after `createdBefore` or removed before it are left out.
    public func quota(month: PeriodKey, createdBefore: Date? = nil, all: Bool = false) throws -> [QuotaLine] {
        try writer.read { db in try Self.quota(db, month: month, createdBefore: createdBefore, all: all) }
    }

    static func quota(_ db: Database, month: PeriodKey, createdBefore: Date?, all: Bool) throws -> [QuotaLine] {
        let cutoff = createdBefore?.micros ?? Int64.max
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT u.id, u.name, u.kind, u.quota,
                    (SELECT COUNT(*) FROM reportSubmission s WHERE s.month = ? AND s.unit = u.id) AS submitted
                FROM unit u WHERE u.createdAt < ? AND (u.removedAt IS NULL OR u.removedAt >= ?) ORDER BY u.id
                """,
            arguments: [month.rawValue, cutoff, cutoff])
        return rows.compactMap { row in
            let kind: String = row["kind"]
            let own: Int? = row["quota"]
            let required = own ?? UnitKind(rawValue: kind)?.defaultMonthlyQuota ?? 0
            guard all || required > 0 else { return nil }
            return QuotaLine(
                unit: row["id"], name: row["name"], kind: kind, required: required, submitted: row["submitted"])
        }
    }

    // MARK: - Duty checks at period ends

    /// Periods of the given cadences that fired and whose duty check has not been done.
    public func uncheckedDuties(cadences: [String]) throws -> [(cadence: String, period: PeriodKey)] {
        guard !cadences.isEmpty else { return [] }
        return try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.cadence, o.period FROM occurrence o
                    WHERE o.cadence IN (\(cadences.map { _ in "?" }.joined(separator: ",")))
                    AND NOT EXISTS (SELECT 1 FROM dutyCheck d WHERE d.cadence = o.cadence AND d.period = o.period)
                    ORDER BY o.period
                    """,
                arguments: StatementArguments(cadences)
            ).map { ($0["cadence"], PeriodKey(rawValue: $0["period"])) }
        }
    }

    /// Units that owed `cadence`'s duty (of `kind`) in `period` and have none recorded: every unit with a
    /// parent (reviews follow affiliation) that existed before the period ended. A review counts when it
    /// was recorded for that cadence, or (an older ledger's, with no cadence) for that kind and period.
    public func unitsMissing(cadence: String, kind: CadenceKind, period: PeriodKey, existingBefore end: Date) throws
        -> [UnitRecord]
    {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.unitColumns) FROM unit u
                    WHERE u.parent IS NOT NULL AND u.createdAt < ? AND (u.removedAt IS NULL OR u.removedAt >= ?)
                    AND NOT EXISTS (SELECT 1 FROM review r WHERE r.unit = u.id AND r.period = ?
                        AND (r.cadence = ? OR (r.cadence IS NULL AND r.kind = ?)))
                    ORDER BY u.id
                    """,
                arguments: [end.micros, end.micros, period.rawValue, cadence, kind.rawValue]
            ).map(Self.unit)
        }
    }

    /// Records a duty check done, with the overdue items it opens and the notice it emits, in one
    /// transaction; a check already recorded changes nothing and returns nil.
    public func recordDutyCheck(
        cadence: String, period: PeriodKey, items: [NewItem], notice: Notice?, schedule: ItemSchedule, at now: Date
    ) throws -> (notice: Notice?, items: Int)? {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO dutyCheck (cadence, period, checkedAt, findings, noticeKey) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(cadence, period) DO NOTHING
                    """,
                arguments: [cadence, period.rawValue, now.micros, items.count, notice?.key])
            guard db.changesCount > 0 else { return nil }
            var added = 0
            for item in items {
                if try Self.insert(item, schedule: schedule, at: now, db) != nil { added += 1 }
            }
            var stored: Notice?
            if let notice, try Self.insert(notice, db) { stored = notice }
            return (stored, added)
        }
    }
}
