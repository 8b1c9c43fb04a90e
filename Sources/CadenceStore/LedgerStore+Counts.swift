public import CadenceCore
public import Foundation
import GRDB

/// What a unit did towards a plan's yearly quota or range (R10, R11), as recorded: a drill held,
/// an exemplar named, two training days, a demonstration site designated.
public struct CountRecord: Sendable, Equatable {
    public var id: Int64?
    public var plan: String
    public var rule: String
    public var unit: String
    public var day: LocalDate
    public var count: Int
    public var note: String?

    public init(
        id: Int64? = nil, plan: String, rule: String, unit: String, day: LocalDate, count: Int, note: String? = nil
    ) {
        (self.id, self.plan, self.rule, self.unit, self.day, self.count, self.note) =
            (id, plan, rule, unit, day, count, note)
    }
}

extension LedgerStore {
    /// Records one count, with the history. - Returns: its id.
    public func recordCount(_ record: CountRecord, at now: Date, actor: Actor?) throws -> Int64 {
        guard try unit(record.unit) != nil else { throw LedgerError.unknownUnit(record.unit) }
        return try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO countRecord (plan, rule, unit, day, count, note, recordedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.plan, record.rule, record.unit, record.day.description, record.count, record.note,
                    now.micros,
                ])
            let id = db.lastInsertedRowID
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "plan.count", itemId: nil,
                    details: [
                        "plan": record.plan, "rule": record.rule, "on": record.day.description,
                        "count": String(record.count),
                    ],
                    unit: record.unit)
            }
            return id
        }
    }

    /// The records of a plan's rule, by day (within `from ... through` when given).
    public func countRecords(plan: String, rule: String, from: LocalDate? = nil, through: LocalDate? = nil) throws
        -> [CountRecord]
    {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM countRecord WHERE plan = ? AND rule = ? AND day >= ? AND day <= ? ORDER BY day, id
                    """,
                arguments: [plan, rule, from?.description ?? "", through?.description ?? "9999-12-31"]
            ).map {
                CountRecord(
                    id: $0["id"], plan: $0["plan"], rule: $0["rule"], unit: $0["unit"],
                    day: LocalDate($0["day"] as String) ?? LocalDate(dayNumber: 0), count: $0["count"],
                    note: $0["note"])
            }
        }
    }

    /// Each unit's total of a rule's records within `from ... through`.
    public func countTotals(plan: String, rule: String, from: LocalDate?, through: LocalDate? = nil) throws
        -> [String: Int]
    {
        try countRecords(plan: plan, rule: rule, from: from, through: through).reduce(into: [:]) {
            $0[$1.unit, default: 0] += $1.count
        }
    }

    /// The people a role range counts at `instant`: whoever holds `role` anywhere, or one of
    /// `leaders`; with the number of units where each holds `role`.
    public func roleCounts(role: UnitRole, leaders: [UnitRole], at instant: Date) throws -> (
        subjects: [CountSubject], counts: [String: Int]
    ) {
        try writer.read { db in
            let held = """
                SELECT person, role, unit FROM roleAssignment WHERE since <= ? AND (until IS NULL OR until > ?)
                """
            var counts: [String: Int] = [:]
            var people: Set<String> = []
            let counted = Set([role.rawValue]).union(leaders.map(\.rawValue))
            for row in try Row.fetchAll(db, sql: held, arguments: [instant.micros, instant.micros]) {
                let (person, held): (String, String) = (row["person"], row["role"])
                guard counted.contains(held) else { continue }
                people.insert(person)
                if held == role.rawValue { counts[person, default: 0] += 1 }
            }
            let names = try Row.fetchAll(db, sql: "SELECT id, name, unit FROM person").reduce(into: [:]) {
                $0[$1["id"] as String] = ($1["name"] as String, $1["unit"] as String?)
            }
            let subjects = people.sorted().map { id in
                CountSubject(id: id, name: names[id]?.0 ?? id, kind: nil, unit: names[id]?.1)
            }
            return (subjects, counts)
        }
    }

    /// What `rule` of `plan` counts at `instant`: the units of its kinds there then, with their
    /// records (a quota's within its year up to `through`); or the people holding its role or a
    /// leader's, with the units where each holds its role.
    public func countState(plan: String, _ rule: CountRule, at instant: Date, through: LocalDate) throws -> (
        subjects: [CountSubject], counts: [String: Int], findings: [CountFinding]
    ) {
        if let role = rule.role {
            let (subjects, counts) = try roleCounts(role: role, leaders: rule.leaders, at: instant)
            return (subjects, counts, rule.findings(subjects: subjects, counts: counts))
        }
        let units = try unitsOwing(kinds: rule.targets.compactMap(\.kind), existingBefore: instant)
        let subjects = units.map {
            CountSubject(id: $0.id, name: $0.name, kind: UnitKind(rawValue: $0.kind), unit: $0.id)
        }
        let counts = try countTotals(
            plan: plan, rule: rule.name, from: rule.countsFrom(checkingOn: through), through: through)
        return (subjects, counts, rule.findings(subjects: subjects, counts: counts))
    }
}
