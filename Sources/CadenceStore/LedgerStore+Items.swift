public import CadenceCore
public import Foundation
import GRDB
import GRDBSQLite

/// Who made a change, for the history.
public struct Actor: Sendable, Equatable {
    public var uid: UInt32
    public var user: String
    /// The person the account belongs to (its full name in the system's user database), if known.
    public var person: String?

    public init(uid: UInt32, user: String, person: String? = nil) {
        self.uid = uid
        self.user = user
        self.person = person
    }

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

/// An item to add (R16). The deadline and the first responsible person are required.
public struct NewItem: Sendable, Equatable {
    public var unit: String
    public var title: String
    public var deadline: Date
    /// The date typed, when the deadline was given as one (it falls due at `deadline`).
    public var deadlineDate: String?
    /// The key of the imported row (see ``RectificationItem/importKey``).
    public var importKey: String?
    public var source: ItemSource
    public var category: String?
    public var scope: ItemScope?
    public var urgency: ItemPriority?
    public var difficulty: ItemPriority?
    public var measures: String?
    public var acceptance: String?
    /// A person's name or `@ROLE` of the unit; the first defaults to `@first` when the unit has one.
    public var first: String?
    public var main: String?
    public var direct: String?
    public var origin: String?
    public var sourceLine: Int?

    public init(
        unit: String, title: String, deadline: Date, source: ItemSource = .selfExamination, category: String? = nil,
        scope: ItemScope? = nil, urgency: ItemPriority? = nil, difficulty: ItemPriority? = nil,
        measures: String? = nil, acceptance: String? = nil, first: String? = nil, main: String? = nil,
        direct: String? = nil, origin: String? = nil, sourceLine: Int? = nil, deadlineDate: String? = nil,
        importKey: String? = nil
    ) {
        self.unit = unit
        self.title = title
        self.deadline = deadline
        self.deadlineDate = deadlineDate
        self.importKey = importKey
        self.source = source
        self.category = category
        self.scope = scope
        self.urgency = urgency
        self.difficulty = difficulty
        self.measures = measures
        self.acceptance = acceptance
        self.first = first
        self.main = main
        self.direct = direct
        self.origin = origin
        self.sourceLine = sourceLine
    }

    /// Circulated by a superior body: straight to accountability when overdue (R20).
    public var flagged: Bool { source == .superiorCircular }
}

/// What a person gives with a transition.
public struct TransitionDetails: Sendable, Equatable {
    /// A note on progress, the reason of a rejection or a reopening.
    public var note: String?
    /// Whom the caller verifies on behalf of: a name or `@ROLE` of the item's unit (resolved to the
    /// holder at that instant); nil when the caller verifies in person.
    public var by: String?
    /// The person of the authenticated caller (their account mapped to a name, else the account).
    public var verifier: String?
    /// The new target of a deferral or a reopening.
    public var deadline: Date?
    /// That target as the date typed, when given as one.
    public var deadlineDate: String?
    /// A deferral's rectification plan and its public explanation.
    public var plan: String?
    public var explanation: String?
    /// The body an item is referred to.
    public var referredTo: String?

    public init(
        note: String? = nil, by: String? = nil, deadline: Date? = nil, plan: String? = nil, explanation: String? = nil,
        referredTo: String? = nil, deadlineDate: String? = nil, verifier: String? = nil
    ) {
        self.note = note
        self.by = by
        self.verifier = verifier
        self.deadline = deadline
        self.deadlineDate = deadlineDate
        self.plan = plan
        self.explanation = explanation
        self.referredTo = referredTo
    }
}

extension ItemStage {
    /// The name stored for this stage in `round` (round 0 keeps the bare name).
    public func stored(round: Int) -> String { round == 0 ? description : "r\(round)/\(description)" }
}

extension LedgerStore {
    // MARK: - History

    static func appendHistory(
        _ db: Database, at now: Date, actor: Actor, action: String, itemId: Int64?, details: [String: String],
        unit: String? = nil
    ) throws {
        try db.execute(
            sql: "INSERT INTO historyEntry (at, uid, user, action, itemId, unit, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [now.micros, Int64(actor.uid), actor.user, action, itemId, unit, JSONText.object(details)])
    }

    /// The history, oldest first (at most `limit` newest entries), of one item or unit when given.
    public func history(limit: Int = 1000, item: Int64? = nil, unit: String? = nil) throws -> [HistoryEntry] {
        try writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let item {
                conditions.append("itemId = ?")
                _ = arguments.append(contentsOf: [item])
            }
            if let unit {
                conditions.append("unit = ?")
                _ = arguments.append(contentsOf: [unit])
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db,
                sql: "SELECT * FROM (SELECT * FROM historyEntry \(filter) ORDER BY id DESC LIMIT ?) ORDER BY id",
                arguments: arguments + [limit]
            ).map { row in
                let uid: Int64 = row["uid"]
                return HistoryEntry(
                    at: Date(micros: row["at"]), uid: UInt32(uid), user: row["user"], action: row["action"],
                    itemId: row["itemId"], unit: row["unit"], details: row["details"])
            }
        }
    }

    // MARK: - Adding items

    /// Problems with items to add, by index; `first` is filled in from the unit's `first` role.
    static func problems(items: inout [NewItem], _ db: Database) throws -> [(index: Int, reason: String)] {
        var problems: [(Int, String)] = []
        var units: [String: Bool] = [:]
        var firstHolders: [String: Bool] = [:]
        for index in items.indices {
            let item = items[index]
            if units[item.unit] == nil { units[item.unit] = try unitExists(db, item.unit) }
            guard units[item.unit] == true else {
                problems.append((index, "there is no unit '\(item.unit)'"))
                continue
            }
            if item.title.isBlank {
                problems.append((index, "the title is empty"))
            }
            for (name, value) in [("first", item.first), ("main", item.main), ("direct", item.direct)] {
                guard let value, value.hasPrefix("@") else { continue }
                if UnitRole(rawValue: String(value.dropFirst())) == nil {
                    problems.append(
                        (
                            index,
                            "the \(name) responsible person '\(value)' names no role (roles: "
                                + UnitRole.allCases.map { "@" + $0.rawValue }.joined(separator: ", ") + ")"
                        ))
                }
            }
            let first = item.first.map { $0.hasPrefix(" ") || $0.hasSuffix(" ") ? LedgerStore.trimmed($0) : $0 }
            if let first, first.hasPrefix("@"), first != "@first",
                let role = UnitRole(rawValue: String(first.dropFirst()))
            {
                // Another role as the first responsible person: someone must hold it.
                let held =
                    try Bool.fetchOne(
                        db,
                        sql:
                            "SELECT EXISTS (SELECT 1 FROM roleAssignment WHERE unit = ? AND role = ? AND until IS NULL)",
                        arguments: [item.unit, role.rawValue]) ?? false
                if !held {
                    problems.append(
                        (
                            index,
                            "the first responsible person '\(first)' is a role nobody holds in unit '\(item.unit)' "
                                + "(cadencectl role assign \(item.unit) \(role.rawValue) NAME)"
                        ))
                }
            } else if first == nil || first == "" || first == "@first" {
                if firstHolders[item.unit] == nil {
                    firstHolders[item.unit] =
                        try Bool.fetchOne(
                            db,
                            sql: """
                                SELECT EXISTS (SELECT 1 FROM roleAssignment WHERE unit = ? AND role = 'first'
                                AND until IS NULL)
                                """,
                            arguments: [item.unit]) ?? false
                }
                if firstHolders[item.unit] == true {
                    items[index].first = "@first"
                } else {
                    problems.append(
                        (
                            index,
                            "the first responsible person is missing: name one, or assign the role 'first' "
                                + "of unit '\(item.unit)' (cadencectl role assign \(item.unit) first NAME)"
                        ))
                }
            }
        }
        return problems
    }

    static func trimmed(_ text: String) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// Inserts a valid item; nil when an item of the same origin exists already.
    static func insert(_ item: NewItem, schedule: ItemSchedule, at now: Date, _ db: Database) throws -> Int64? {
        let next = schedule.nextEvent(deadline: item.deadline, flagged: item.flagged, recorded: [])
        try db.execute(
            sql: """
                INSERT INTO rectificationItem (unit, title, deadlineAt, createdAt, nextEventAt, source, category, scope,
                    urgency, difficulty, measures, acceptance, firstResponsible, mainResponsible, directResponsible,
                    flagged, origin, deadlineDate, importKey)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """,
            arguments: [
                item.unit, item.title, item.deadline.micros, now.micros, next?.micros, item.source.rawValue,
                item.category, item.scope?.rawValue, item.urgency?.rawValue, item.difficulty?.rawValue, item.measures,
                item.acceptance, item.first, item.main, item.direct, item.flagged, item.origin, item.deadlineDate,
                item.importKey,
            ])
        return db.changesCount > 0 ? db.lastInsertedRowID : nil
    }

    /// Adds one open item and schedules its first stage.
    /// - Throws: ``LedgerError/invalid(_:)`` naming what is wrong (unknown unit, empty title, no
    ///   first responsible person); nothing is written then.
    @discardableResult
    public func addItem(_ item: NewItem, schedule: ItemSchedule, at now: Date, actor: Actor? = nil) throws -> Int64 {
        try writer.write { db in
            var items = [item]
            let problems = try Self.problems(items: &items, db)
            if let first = problems.first {
                if first.reason.hasPrefix("there is no unit") { throw LedgerError.unknownUnit(item.unit) }
                throw LedgerError.invalid(problems.map(\.reason).joined(separator: "; "))
            }
            guard let id = try Self.insert(items[0], schedule: schedule, at: now, db) else {
                throw LedgerError.invalid("an item of origin '\(item.origin ?? "")' exists already")
            }
            if let actor {
                var details = [
                    "title": item.title, "deadline": ISOTimestamp.utc(item.deadline), "source": item.source.rawValue,
                ]
                details["first"] = items[0].first
                details["main"] = item.main
                details["direct"] = item.direct
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "item.add", itemId: id, details: details, unit: item.unit)
            }
            return id
        }
    }

    /// Adds an item with a unit, a title and a deadline; the first responsible person defaults to
    /// the unit's `first` role.
    @discardableResult
    public func addItem(
        unit: String, title: String, deadline: Date, first: String? = nil, schedule: ItemSchedule, at now: Date,
        actor: Actor? = nil
    ) throws -> Int64 {
        try addItem(
            NewItem(unit: unit, title: title, deadline: deadline, first: first), schedule: schedule, at: now,
            actor: actor)
    }

    /// Adds many items in one transaction (imports, benchmarks). All or nothing: every bad row is
    /// reported with its line (``LedgerError/badRows(_:)``).
    public func addItems(
        _ items: [NewItem], schedule: ItemSchedule, at now: Date, actor: Actor? = nil, dryRun: Bool = false
    ) throws {
        try writer.write { db in
            var items = items
            let problems = try Self.problems(items: &items, db)
            if !problems.isEmpty {
                throw LedgerError.badRows(
                    problems.map { RowProblem(line: items[$0.index].sourceLine ?? $0.index + 1, reason: $0.reason) })
            }
            if dryRun { return }
            // A large batch touches index pages all over: let SQLite keep them in memory meanwhile.
            let bulk = items.count > 1000
            if bulk { try db.execute(sql: "PRAGMA cache_size = -262144") }
            defer { if bulk { try? db.execute(sql: "PRAGMA cache_size = -2000; PRAGMA shrink_memory") } }
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO rectificationItem (unit, title, deadlineAt, createdAt, nextEventAt, source, category,
                        scope, urgency, difficulty, measures, acceptance, firstResponsible, mainResponsible,
                        directResponsible, flagged, deadlineDate, importKey)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            // Bound with the SQLite C API: GRDB's arguments cost more than the insert itself here.
            let s = statement.sqliteStatement
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            func bind(_ index: Int32, _ text: String?) {
                if let text { sqlite3_bind_text(s, index, text, -1, transient) } else { sqlite3_bind_null(s, index) }
            }
            func bind(_ index: Int32, _ number: Int64?) {
                if let number { sqlite3_bind_int64(s, index, number) } else { sqlite3_bind_null(s, index) }
            }
            for item in items {
                let next = schedule.nextEvent(deadline: item.deadline, flagged: item.flagged, recorded: [])
                sqlite3_reset(s)
                bind(1, item.unit)
                bind(2, item.title)
                bind(3, item.deadline.micros)
                bind(4, now.micros)
                bind(5, next?.micros)
                bind(6, item.source.rawValue)
                bind(7, item.category)
                bind(8, item.scope?.rawValue)
                bind(9, item.urgency?.rawValue)
                bind(10, item.difficulty?.rawValue)
                bind(11, item.measures)
                bind(12, item.acceptance)
                bind(13, item.first)
                bind(14, item.main)
                bind(15, item.direct)
                bind(16, Int64(item.flagged ? 1 : 0))
                bind(17, item.deadlineDate)
                bind(18, item.importKey)
                let code = sqlite3_step(s)
                guard code == SQLITE_DONE else {
                    throw DatabaseError(
                        resultCode: ResultCode(rawValue: code),
                        message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
            }
            sqlite3_reset(s)
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "item.import", itemId: nil,
                    details: ["count": String(items.count)])
            }
        }
    }

    // MARK: - Lifecycle

    /// Moves an item through its lifecycle (R17–R21). Refused, with nothing written, when the
    /// transition does not start from the item's state or lacks what it needs.
    @discardableResult
    public func transition(
        _ id: Int64, _ transition: ItemTransition, _ details: TransitionDetails, schedule: ItemSchedule, at now: Date,
        actor: Actor? = nil
    ) throws -> RectificationItem {
        try writer.write { db in
            guard let item = try Self.fetchItem(db, "WHERE i.id = ? AND i.state != 'removed'", [id]) else {
                throw LedgerError.unknownItem(id)
            }
            guard let state = ItemState(rawValue: item.state), transition.allowedFrom.contains(state) else {
                throw LedgerError.invalid(Self.refusal(item, transition))
            }
            func required(_ value: String?, _ what: String) throws -> String {
                guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                    throw LedgerError.invalid("\(transition.rawValue) needs \(what)")
                }
                return value
            }
            var history: [String: String] = ["from": item.state, "to": transition.target.rawValue]
            history["note"] = details.note
            let target = transition.target.rawValue
            switch transition {
            case .progress:
                // Back from a referral, the item's stages resume.
                let next =
                    item.state == ItemState.referred.rawValue
                    ? schedule.nextEvent(deadline: item.deadline, flagged: item.flagged, recorded: item.recordedStages)
                    : item.nextEventAt
                try db.execute(
                    sql:
                        "UPDATE rectificationItem SET state = ?, note = COALESCE(?, note), nextEventAt = ? WHERE id = ?",
                    arguments: [target, details.note, next?.micros, id])
            case .rectified:
                try db.execute(
                    sql:
                        "UPDATE rectificationItem SET state = ?, rectifiedAt = ?, note = COALESCE(?, note) WHERE id = ?",
                    arguments: [target, now.micros, details.note, id])
            case .verify:
                // The verifier is a person however written: a role of the unit means its holder now.
                func person(_ text: String) throws -> String {
                    let trimmed = Self.trimmed(text)
                    guard trimmed.hasPrefix("@") else { return trimmed }
                    let role = String(trimmed.dropFirst())
                    guard UnitRole(rawValue: role) != nil else {
                        throw LedgerError.invalid(
                            "'\(trimmed)' is not a role of a unit ("
                                + UnitRole.allCases.map { "@" + $0.rawValue }.joined(separator: ", ") + ")")
                    }
                    guard
                        let holder = try String.fetchOne(
                            db,
                            sql: "SELECT person FROM roleAssignment WHERE unit = ? AND role = ? AND until IS NULL",
                            arguments: [item.unit, role])
                    else { throw LedgerError.invalid("nobody holds \(trimmed) of \(item.unit) now") }
                    return holder
                }
                let onBehalf = try details.by.map(person)
                // Without an authenticated caller (the store used directly), the one named verifies.
                guard let caller = details.verifier ?? onBehalf else {
                    throw LedgerError.invalid("verify needs the verifier")
                }
                let by = onBehalf ?? caller
                let direct = Set(
                    [item.directPerson, item.direct.flatMap { $0.hasPrefix("@") ? nil : $0 }].compactMap { $0 })
                if direct.contains(caller) {
                    throw LedgerError.invalid(
                        "you (\(caller)) are the direct responsible person of item #\(id) and cannot verify it, "
                            + "not even on someone's behalf; verification is by someone else")
                }
                if let raw = details.by, direct.contains(by) {
                    let named = Self.trimmed(raw) == by ? by : "'\(Self.trimmed(raw))' (\(by))"
                    throw LedgerError.invalid(
                        "\(named) is the direct responsible person of item #\(id) and cannot verify it; "
                            + "verification is by someone else")
                }
                history["by"] = by
                if let raw = details.by { history["onBehalfOf"] = raw }
                history["verifier"] = caller
                try db.execute(
                    sql: """
                        UPDATE rectificationItem SET state = ?, closedAt = ?, verifiedBy = ?, note = COALESCE(?, note),
                            nextEventAt = NULL WHERE id = ?
                        """,
                    arguments: [target, now.micros, by, details.note, id])
            case .reject:
                let reason = try required(details.note, "a reason (--reason)")
                try db.execute(
                    sql: "UPDATE rectificationItem SET state = ?, note = ? WHERE id = ?",
                    arguments: [target, reason, id])
            case .deferral:
                let plan = try required(details.plan, "a rectification plan (--plan)")
                let explanation = try required(details.explanation, "a public explanation (--explanation)")
                guard let deadline = details.deadline else {
                    throw LedgerError.invalid("defer needs a new date (--until)")
                }
                guard deadline > now else {
                    throw LedgerError.invalid("the new date of a deferral must be in the future")
                }
                history["deadline"] = details.deadlineDate ?? ISOTimestamp.utc(deadline)
                history["plan"] = plan
                try Self.newRound(
                    db, item, deadline: deadline, date: details.deadlineDate, flagged: item.flagged, state: target,
                    schedule: schedule,
                    extra: "plan = ?, explanation = ?", arguments: [plan, explanation])
            case .refer:
                let body = try required(details.referredTo, "the body it is referred to (--to)")
                history["to"] = body
                try db.execute(
                    sql: "UPDATE rectificationItem SET state = ?, referredTo = ?, nextEventAt = NULL WHERE id = ?",
                    arguments: [target, body, id])
            case .reopen:
                let reason = try required(details.note, "a reason (--reason)")
                guard let deadline = details.deadline else {
                    throw LedgerError.invalid("reopen needs a new deadline (--deadline)")
                }
                guard deadline > now else { throw LedgerError.invalid("the new deadline must be in the future") }
                history["deadline"] = details.deadlineDate ?? ISOTimestamp.utc(deadline)
                try Self.newRound(
                    db, item, deadline: deadline, date: details.deadlineDate, flagged: true, state: target,
                    schedule: schedule,
                    extra: "note = ?, closedAt = NULL, verifiedBy = NULL", arguments: [reason])
            }
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "item.\(transition.rawValue)", itemId: id, details: history,
                    unit: item.unit)
            }
            guard let item = try Self.fetchItem(db, "WHERE i.id = ?", [id]) else { throw LedgerError.unknownItem(id) }
            return item
        }
    }

    /// A new deadline starts a new round of stages: warnings and the ladder run again against it.
    private static func newRound(
        _ db: Database, _ item: RectificationItem, deadline: Date, date: String?, flagged: Bool, state: String,
        schedule: ItemSchedule, extra: String, arguments: StatementArguments
    ) throws {
        let next = schedule.nextEvent(deadline: deadline, flagged: flagged, recorded: [])
        // Every right-hand side reads the row as it was: the original is the deadline before the first change.
        try db.execute(
            sql: """
                UPDATE rectificationItem SET state = ?, round = round + 1, flagged = ?, deadlineAt = ?, deadlineDate = ?,
                    originalDeadlineDate = CASE WHEN originalDeadlineAt IS NULL THEN deadlineDate
                        ELSE originalDeadlineDate END,
                    originalDeadlineAt = COALESCE(originalDeadlineAt, deadlineAt), nextEventAt = ?, \(extra)
                WHERE id = ?
                """,
            arguments: [state, flagged, deadline.micros, date, next?.micros] + arguments + [item.id])
    }

    private static func refusal(_ item: RectificationItem, _ transition: ItemTransition) -> String {
        let from = transition.allowedFrom.map(\.rawValue).sorted().joined(separator: ", ")
        var text = "item #\(item.id) is \(item.state); \(transition.rawValue) applies only to an item that is \(from)"
        if transition == .verify, item.state != ItemState.closed.rawValue {
            text += " (mark it rectified first: cadencectl item rectified \(item.id))"
        }
        return text
    }

    // MARK: - Reading items

    private static func roleHolder(_ column: String) -> String {
        """
        CASE WHEN substr(i.\(column), 1, 1) = '@' THEN (SELECT person FROM roleAssignment r WHERE r.unit = i.unit
            AND r.role = substr(i.\(column), 2) AND r.until IS NULL) ELSE i.\(column) END
        """
    }

    /// The columns of an item, in the order ``fetchItems(_:sql:arguments:)`` reads them by index (reading 30 columns
    /// by name for each of 10,000 rows costs more than the query).
    static let itemSelect = """
        SELECT i.id, i.unit, i.title, i.deadlineAt, i.state, i.createdAt, i.closedAt, i.nextEventAt,
            (SELECT group_concat(stage, ' ') FROM itemStage WHERE itemId = i.id), i.source, i.category, i.scope,
            i.urgency, i.difficulty, i.measures, i.acceptance, i.firstResponsible, i.mainResponsible,
            i.directResponsible, \(roleHolder("firstResponsible")), \(roleHolder("mainResponsible")),
            \(roleHolder("directResponsible")), i.round, i.flagged, i.originalDeadlineAt, i.plan, i.explanation,
            i.referredTo, i.rectifiedAt, i.verifiedBy, i.note, i.origin, i.deadlineDate, i.originalDeadlineDate,
            i.importKey
        FROM rectificationItem i
        """

    /// The one item an ``itemSelect`` query with `condition` finds, or nil.
    static func fetchItem(_ db: Database, _ condition: String, _ arguments: StatementArguments) throws
        -> RectificationItem?
    {
        try fetchItems(db, sql: itemSelect + " " + condition, arguments: arguments).first
    }

    /// The stage names of the current round, from the stored `group_concat`.
    private static func currentStages(_ stages: String?, round: Int) -> Set<String> {
        guard let stages else { return [] }
        var current: Set<String> = []
        let prefix = "r\(round)/"
        for name in stages.split(separator: " ") {
            if round == 0 {
                if !name.contains("/") { current.insert(String(name)) }
            } else if name.hasPrefix(prefix) {
                current.insert(String(name.dropFirst(prefix.count)))
            }
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
            let round = Int(int(22) ?? 0)
            var item = RectificationItem(
                id: int(0) ?? 0, unit: text(1) ?? "", title: text(2) ?? "", deadline: date(3) ?? Date(),
                state: text(4) ?? "", createdAt: date(5) ?? Date())
            item.closedAt = date(6)
            item.nextEventAt = date(7)
            item.recordedStages = currentStages(text(8), round: round)
            item.source = text(9) ?? ""
            item.category = text(10)
            item.scope = text(11)
            item.urgency = text(12)
            item.difficulty = text(13)
            item.measures = text(14)
            item.acceptance = text(15)
            item.first = text(16)
            item.main = text(17)
            item.direct = text(18)
            item.firstPerson = text(19)
            item.mainPerson = text(20)
            item.directPerson = text(21)
            item.round = round
            item.flagged = (int(23) ?? 0) != 0
            item.originalDeadline = date(24)
            item.plan = text(25)
            item.explanation = text(26)
            item.referredTo = text(27)
            item.rectifiedAt = date(28)
            item.verifiedBy = text(29)
            item.note = text(30)
            item.origin = text(31)
            item.deadlineDate = text(32)
            item.originalDeadlineDate = text(33)
            item.importKey = text(34)
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
            var conditions: [String] = ["i.state != 'removed'"]
            var arguments: StatementArguments = []
            if let unit {
                conditions.append("i.unit = ?")
                _ = arguments.append(contentsOf: [unit])
            }
            if let state {
                conditions.append("i.state = ?")
                _ = arguments.append(contentsOf: [state.rawValue])
            }
            if let now {
                conditions.append("i.closedAt IS NULL AND i.deadlineAt <= ? AND i.state != 'referred'")
                _ = arguments.append(contentsOf: [now.micros])
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let items = try Self.fetchItems(
                db, sql: Self.itemSelect + " \(filter) ORDER BY i.deadlineAt, i.id LIMIT ?",
                arguments: arguments + [limit])
            // Fewer than the limit: they are all there is, no need to count.
            let total =
                items.count < limit
                ? items.count
                : try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rectificationItem i \(filter)", arguments: arguments)
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

    private static func overdueCount(_ db: Database, at now: Date) throws -> Int {
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
            for (id, round, stages, nextEventAt) in items {
                for (stage, notice) in stages {
                    try db.execute(
                        sql: """
                            INSERT INTO itemStage (itemId, stage, recordedAt, noticeKey) VALUES (?, ?, ?, ?)
                            ON CONFLICT(itemId, stage) DO NOTHING
                            """,
                        arguments: [id, stage.stored(round: round), now.micros, notice?.key])
                    if db.changesCount > 0, let notice, try Self.insert(notice, db) { stored.append(notice) }
                }
                try db.execute(
                    sql: "UPDATE rectificationItem SET nextEventAt = ? WHERE id = ? AND round = ?",
                    arguments: [nextEventAt?.micros, id, round])
            }
            return stored
        }
    }
}

/// A JSON object of strings, keys sorted, without `JSONSerialization`.
enum JSONText {
    static func object(_ values: [String: String]) -> String {
        var out = "{"
        for (index, key) in values.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            out += quoted(key) + ":" + quoted(values[key]!)
        }
        return out + "}"
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
