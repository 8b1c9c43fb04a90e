public import CadenceCore
public import Foundation
import GRDB
import GRDBSQLite

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
    public var scope: ItemScope?
    public var urgency: ItemPriority?
    public var difficulty: ItemPriority?
    /// What the office wrote: category, measures, acceptance criteria (see ``ItemText``).
    public var texts: ItemTexts
    /// A person's name or `@ROLE` of the unit; the first defaults to `@first` when the unit has one.
    public var first: String?
    public var main: String?
    public var direct: String?
    public var origin: String?
    public var sourceLine: Int?
    /// When the problem was found (发现日期, from an office's sheet): the item's creation, so that an
    /// office moving its ledger in keeps its year's figures true; now when nil.
    public var foundOn: Date?
    /// The earlier item, reported rectified or closed, whose problem came back (R21): linked and
    /// flagged, so that overdue it goes straight to accountability.
    public var recurrenceOf: Int64?
    /// The public appraisal (a review of kind appraisal of the item's unit) that found the problem (R23).
    public var appraisal: Int64?
    /// The review or inspection of the item's unit, held before the problem was found, that did not
    /// find it (R21): linked and flagged, so that overdue it goes straight to accountability.
    public var missedBy: Int64?
    /// For a complaint: by when the complainant is answered (set by the daemon from `ComplaintReplyDays=`).
    public var replyDueAt: Date?

    public init(
        unit: String, title: String, deadline: Date, source: ItemSource = .selfExamination,
        scope: ItemScope? = nil, urgency: ItemPriority? = nil, difficulty: ItemPriority? = nil,
        texts: ItemTexts = ItemTexts(), first: String? = nil, main: String? = nil,
        direct: String? = nil, origin: String? = nil, sourceLine: Int? = nil, deadlineDate: String? = nil,
        importKey: String? = nil
    ) {
        self.unit = unit
        self.title = title
        self.deadline = deadline
        self.deadlineDate = deadlineDate
        self.importKey = importKey
        self.source = source
        self.scope = scope
        self.urgency = urgency
        self.difficulty = difficulty
        self.texts = texts
        self.first = first
        self.main = main
        self.direct = direct
        self.origin = origin
        self.sourceLine = sourceLine
    }

    /// Circulated by a superior body (R20), a recurrence or a problem a review or inspection missed
    /// (R21): straight to accountability when overdue.
    public var flagged: Bool { source == .superiorCircular || recurrenceOf != nil || missedBy != nil }
}

extension LedgerStore {
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
            if let appraisal = item.appraisal {
                let review = try Row.fetchOne(
                    db, sql: "SELECT unit, kind FROM review WHERE id = ?", arguments: [appraisal])
                if review == nil {
                    problems.append((index, "there is no review #\(appraisal) (see review list)"))
                } else if review?["kind"] as String? != CadenceKind.appraisal.rawValue {
                    problems.append(
                        (
                            index,
                            "review #\(appraisal) is a \(review?["kind"] as String? ?? "?"), not a public appraisal"
                        ))
                } else if review?["unit"] as String? != item.unit {
                    problems.append(
                        (
                            index,
                            "appraisal #\(appraisal) is of '\(review?["unit"] as String? ?? "?")', not of '\(item.unit)'"
                        ))
                }
            }
            if let review = item.missedBy, let reason = try missedByProblem(review, item: item, db) {
                problems.append((index, reason))
            }
            if let earlier = item.recurrenceOf {
                let row = try Row.fetchOne(
                    db, sql: "SELECT state, unit FROM rectificationItem WHERE id = ?", arguments: [earlier])
                if let unit: String = row?["unit"], unit != item.unit, row?["state"] as String? != "removed" {
                    problems.append(
                        (
                            index,
                            "item #\(earlier) is of '\(unit)', not of '\(item.unit)': a problem recurs where it was"
                        ))
                    continue
                }
                switch (row?["state"] as String?).flatMap(ItemState.init(rawValue:)) {
                case nil, .removed?: problems.append((index, "there is no item #\(earlier) for it to recur after"))
                case .closed?, .rectified?: break
                case let other?:
                    problems.append(
                        (
                            index,
                            "item #\(earlier) is \(other.rawValue), not rectified or closed: a problem that has not "
                                + "gone cannot come back; record progress on #\(earlier) instead"
                        ))
                }
            }
            for (name, value) in [("first", item.first), ("main", item.main), ("direct", item.direct)] {
                guard let value, value.hasPrefix("@") else { continue }
                if let role = UnitRole(rawValue: String(value.dropFirst())), role.isMember {
                    problems.append(
                        (
                            index,
                            "the \(name) responsible person '\(value)' is a role several people hold; name one of them"
                        ))
                } else if UnitRole(rawValue: String(value.dropFirst())) == nil {
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

    /// Why `review` cannot be the review that missed `item`'s problem, or nil: it must be one of the
    /// unit's reviews, inspections, appraisals or evaluations, held before the problem was found.
    static func missedByProblem(_ review: Int64, item: NewItem, _ db: Database) throws -> String? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT unit, kind, period, heldOn, recordedAt FROM review WHERE id = ?", arguments: [review])
        else { return "there is no review #\(review) (see review list)" }
        let (unit, kind, period, heldOn): (String, String, String, String) =
            (row["unit"], row["kind"], row["period"], row["heldOn"])
        guard unit == item.unit else {
            return "\(kind) #\(review) (\(period)) was of '\(unit)', not of '\(item.unit)': "
                + "it can only miss a problem there"
        }
        let found = item.foundOn.map { $0.micros } ?? Int64.max
        guard (row["recordedAt"] as Int64) <= found else {
            return "\(kind) #\(review) (\(period), held \(heldOn)) was recorded after the problem was found"
        }
        return nil
    }

    /// The columns an insert writes, in the order ``bind(_:next:at:to:)`` binds them: one per
    /// ``ItemText`` last.
    static let insertColumns =
        [
            "unit", "title", "deadlineAt", "createdAt", "nextEventAt", "source", "scope", "urgency", "difficulty",
            "firstResponsible", "mainResponsible", "directResponsible", "flagged", "origin", "deadlineDate",
            "importKey", "linkedItem", "appraisal", "replyDueAt", "missedBy",
        ] + ItemText.allCases.map(\.name)

    /// `INSERT` of ``insertColumns``, ending with `suffix` (`ON CONFLICT DO NOTHING`).
    static func insertStatement(_ db: Database, _ suffix: String = "") throws -> Statement {
        try db.cachedStatement(
            sql: "INSERT INTO rectificationItem (\(insertColumns.joined(separator: ", "))) VALUES ("
                + Array(repeating: "?", count: insertColumns.count).joined(separator: ", ") + ") " + suffix)
    }

    /// Binds `item` to an ``insertStatement(_:_:)`` and runs it, with the SQLite C API: GRDB's
    /// arguments cost more than the insert itself in an import.
    static func insert(
        _ item: NewItem, next: Date?, at now: Date, with statement: Statement, _ db: Database
    ) throws {
        let s = statement.sqliteStatement
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        var index: Int32 = 0
        func bind(_ text: String?) {
            index += 1
            if let text { sqlite3_bind_text(s, index, text, -1, transient) } else { sqlite3_bind_null(s, index) }
        }
        func bind(_ number: Int64?) {
            index += 1
            if let number { sqlite3_bind_int64(s, index, number) } else { sqlite3_bind_null(s, index) }
        }
        sqlite3_reset(s)
        bind(item.unit)
        bind(item.title)
        bind(item.deadline.micros)
        bind((item.foundOn.map { min($0, now) } ?? now).micros)
        bind(next?.micros)
        bind(item.source.rawValue)
        bind(item.scope?.rawValue)
        bind(item.urgency?.rawValue)
        bind(item.difficulty?.rawValue)
        bind(item.first)
        bind(item.main)
        bind(item.direct)
        bind(Int64(item.flagged ? 1 : 0))
        bind(item.origin)
        bind(item.deadlineDate)
        bind(item.importKey)
        bind(item.recurrenceOf)
        bind(item.appraisal)
        bind(item.replyDueAt?.micros)
        bind(item.missedBy)
        for text in ItemText.allCases { bind(item.texts[text]) }
        let code = sqlite3_step(s)
        sqlite3_reset(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    /// Inserts a valid item; nil when an item of the same origin exists already.
    static func insert(_ item: NewItem, schedule: ItemSchedule, at now: Date, _ db: Database) throws -> Int64? {
        let next = schedule.forUnit(item.unit).nextEvent(deadline: item.deadline, flagged: item.flagged, recorded: [])
        try insert(item, next: next, at: now, with: insertStatement(db, "ON CONFLICT DO NOTHING"), db)
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
                details["recurrenceOf"] = item.recurrenceOf.map { "#\($0)" }
                details["appraisal"] = item.appraisal.map { "#\($0)" }
                details["missedBy"] = item.missedBy.map { "#\($0)" }
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
            let statement = try Self.insertStatement(db)
            for item in items {
                let next = schedule.forUnit(item.unit).nextEvent(
                    deadline: item.deadline, flagged: item.flagged, recorded: [])
                try Self.insert(item, next: next, at: now, with: statement, db)
            }
            if let actor {
                try Self.appendHistory(
                    db, at: now, actor: actor, action: "item.import", itemId: nil,
                    details: ["count": String(items.count)])
            }
        }
    }

}
