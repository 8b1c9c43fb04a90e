import CadenceCore
import CadenceStore
import Foundation
import GRDB
import Testing

private func day(_ text: String) -> Date {
    Date(timeIntervalSince1970: TimeInterval(LocalDate(text)!.dayNumber * 86_400))
}

private let schedule = ItemSchedule(
    warnBefore: [.seconds(7 * 86_400), .seconds(86_400)], circularAfter: .seconds(3 * 86_400),
    talkAfter: .seconds(7 * 86_400), accountabilityAfter: .seconds(14 * 86_400))
private let officer = Actor(uid: 1000, user: "officer")

/// A ledger with a small tree: city → county-a, county-b; county-a has a first responsible person.
private func ledger() throws -> LedgerStore {
    let store = try LedgerStore(DatabaseQueue())
    try store.addUnits(
        [
            NewUnit(id: "city", name: "示例市卫生局", kind: .bureau),
            NewUnit(id: "county-a", name: "示例县卫生局", kind: .countyBureau, parent: "city", liaison: "Liaison A"),
            NewUnit(id: "county-b", name: "County B", kind: .countyBureau, parent: "city", quota: 6),
            NewUnit(id: "direct-1", name: "Direct 1", kind: .cityDirect, parent: "city"),
        ], at: day("2026-01-01"), actor: officer)
    try store.assignRole(unit: "county-a", role: .first, person: "Head A", at: day("2026-01-01"), actor: officer)
    return store
}

/// Everything a refused call must leave as it was.
private func snapshot(_ store: LedgerStore) throws -> String {
    let items = try store.items(unit: nil, overdueAt: nil, limit: 1000).items.map {
        "\($0.id) \($0.state) \($0.deadline.timeIntervalSince1970) \($0.round) \($0.nextEventAt?.timeIntervalSince1970 ?? -1)"
    }
    return "\(items) \(try store.units(includeRemoved: true).count) \(try store.history(limit: 100_000).count) "
        + "\(try store.roles(unit: nil, includePast: true).count) \(try store.reviews(unit: nil, kind: nil, period: nil).count)"
}

@Suite("Campaign ledger in the store")
struct CampaignStoreTests {
    @Test("Quotas default by kind (county 4, city-direct 2, others 0) and a unit's own quota wins")
    func quotas() throws {
        let store = try ledger()
        let quota = Dictionary(
            uniqueKeysWithValues: try store.quota(month: PeriodKey(rawValue: "2026-03")).map { ($0.unit, $0.required) })
        #expect(quota == ["county-a": 4, "county-b": 6, "direct-1": 2])
        for n in 1...4 {
            try store.submitReport(
                unit: "county-a", month: PeriodKey(rawValue: "2026-03"), submittedOn: LocalDate("2026-03-0\(n)")!,
                title: "Report \(n)", liaison: nil, recipient: nil, at: day("2026-03-10"), actor: officer)
        }
        let lines = try store.quota(month: PeriodKey(rawValue: "2026-03"))
        // Exactly the quota is compliant; nothing submitted is short.
        #expect(lines.filter(\.short).map(\.unit) == ["county-b", "direct-1"])
        #expect(try store.unit("county-a")?.liaison == "Liaison A")
    }

    // Bad input tried: a duplicate id, an unknown parent, a cycle among new units, a blank name,
    // an id with a space, a negative quota — all in one batch, reported together; nothing added.
    @Test("Bad units are all reported with their lines and none is added")
    func badUnits() throws {
        let store = try ledger()
        let before = try snapshot(store)
        let batch = [
            NewUnit(id: "county-a", name: "Again", kind: .countyBureau, sourceLine: 2),
            NewUnit(id: "x", name: "X", kind: .township, parent: "nowhere", sourceLine: 3),
            NewUnit(id: "p", name: "P", kind: .branch, parent: "q", sourceLine: 4),
            NewUnit(id: "q", name: "Q", kind: .branch, parent: "p", sourceLine: 5),
            NewUnit(id: "blank", name: " ", kind: .other, sourceLine: 6),
            NewUnit(id: "has space", name: "S", kind: .other, sourceLine: 7),
            NewUnit(id: "neg", name: "N", kind: .other, quota: -1, sourceLine: 8),
            NewUnit(id: "fine", name: "Fine", kind: .other, parent: "city", sourceLine: 9),
        ]
        do {
            try store.addUnits(batch, at: day("2026-02-01"), actor: officer)
            Issue.record("a bad batch was accepted")
        } catch LedgerError.badRows(let problems) {
            #expect(Set(problems.map(\.line)) == [2, 3, 4, 5, 6, 7, 8])
        }
        #expect(try snapshot(store) == before)
        #expect(try store.unit("fine") == nil)
    }

    @Test("A unit with sub-units or open items cannot be removed; an empty one can, and its record stays")
    func removeUnits() throws {
        let store = try ledger()
        #expect(throws: LedgerError.self) { try store.removeUnit("city", at: day("2026-02-01"), actor: officer) }
        try store.addItem(
            unit: "county-b", title: "T", deadline: day("2026-03-01"), first: "P", schedule: schedule,
            at: day("2026-02-01"))
        #expect(throws: LedgerError.self) { try store.removeUnit("county-b", at: day("2026-02-01"), actor: officer) }
        try store.removeUnit("direct-1", at: day("2026-02-01"), actor: officer)
        #expect(try store.units().map(\.id) == ["city", "county-a", "county-b"])
        #expect(try store.unit("direct-1")?.removedAt == day("2026-02-01"))
        #expect(throws: LedgerError.unknownUnit("direct-1")) {
            try store.addItem(
                unit: "direct-1", title: "T", deadline: day("2026-03-01"), first: "P", schedule: schedule,
                at: day("2026-02-02"))
        }
    }

    // Bad input tried: no first responsible person where the unit has no holder of 'first'; a role that does not exist.
    @Test("An item needs a first responsible person: given, or the unit's role; a named role must exist")
    func firstResponsible() throws {
        let store = try ledger()
        let before = try snapshot(store)
        #expect(throws: LedgerError.self) {
            try store.addItem(
                unit: "county-b", title: "T", deadline: day("2026-03-01"), schedule: schedule, at: day("2026-02-01"))
        }
        #expect(throws: LedgerError.self) {
            try store.addItem(
                NewItem(unit: "county-a", title: "T", deadline: day("2026-03-01"), direct: "@boss"), schedule: schedule,
                at: day("2026-02-01"))
        }
        #expect(try snapshot(store) == before)
        let id = try store.addItem(
            unit: "county-a", title: "T", deadline: day("2026-03-01"), schedule: schedule, at: day("2026-02-01"))
        #expect(try store.item(id)?.first == "@first")
        #expect(try store.item(id)?.firstPerson == "Head A")
        // A personnel change: the item follows the role; the old tenure is kept.
        try store.assignRole(unit: "county-a", role: .first, person: "Head A2", at: day("2026-02-10"), actor: officer)
        #expect(try store.item(id)?.firstPerson == "Head A2")
        #expect(try store.holder(unit: "county-a", role: .first, at: day("2026-02-05")) == "Head A")
        #expect(
            try store.roles(unit: "county-a", includePast: true).filter { $0.role == "first" }.map(\.person) == [
                "Head A", "Head A2",
            ])
    }

    // Bad input tried: verify an open item, verify by the direct responsible person (by name and
    // through the role), defer without a plan, without an explanation, without or with a past
    // date, refer without a body, reopen an open item, reject without a reason.
    @Test("Invalid transitions are refused with the reason and change nothing")
    func invalidTransitions() throws {
        let store = try ledger()
        try store.assignRole(
            unit: "county-a", role: .direct, person: "Dept Head", at: day("2026-01-01"), actor: officer)
        let now = day("2026-02-01")
        let a = try store.addItem(
            NewItem(unit: "county-a", title: "A", deadline: day("2026-03-01"), direct: "@direct"), schedule: schedule,
            at: now)
        let b = try store.addItem(
            NewItem(unit: "county-a", title: "B", deadline: day("2026-03-01"), direct: "Zhang"), schedule: schedule,
            at: now)
        let before = try snapshot(store)
        func refused(_ id: Int64, _ t: ItemTransition, _ d: TransitionDetails, _ fragment: String) {
            do {
                try store.transition(id, t, d, schedule: schedule, at: now, actor: officer)
                Issue.record("\(t) was accepted")
            } catch {
                #expect("\(error)".contains(fragment), "\(error)")
            }
        }
        refused(a, .verify, TransitionDetails(by: "Inspector"), "verify applies only to an item that is rectified")
        refused(a, .reopen, TransitionDetails(note: "x", deadline: day("2026-04-01")), "is open")
        refused(a, .deferral, TransitionDetails(deadline: day("2026-04-01"), explanation: "e"), "plan")
        refused(a, .deferral, TransitionDetails(deadline: day("2026-04-01"), plan: "p"), "explanation")
        refused(a, .deferral, TransitionDetails(plan: "p", explanation: "e"), "new date")
        refused(a, .deferral, TransitionDetails(deadline: day("2026-01-01"), plan: "p", explanation: "e"), "future")
        refused(a, .refer, TransitionDetails(), "referred to")
        #expect(try snapshot(store) == before)
        try store.transition(a, .rectified, TransitionDetails(), schedule: schedule, at: now)
        try store.transition(b, .rectified, TransitionDetails(), schedule: schedule, at: now)
        let rectified = try snapshot(store)
        refused(a, .verify, TransitionDetails(by: "Dept Head"), "direct responsible")
        refused(b, .verify, TransitionDetails(by: "Zhang"), "direct responsible")
        refused(a, .reject, TransitionDetails(), "reason")
        #expect(try snapshot(store) == rectified)
        refused(999, .verify, TransitionDetails(by: "x"), "#999")
    }

    @Test("Deferral starts a new round against the new date; reopening flags the item for accountability")
    func deferAndReopen() throws {
        let store = try ledger()
        let now = day("2026-02-01")
        let id = try store.addItem(
            unit: "county-a", title: "A", deadline: day("2026-03-01"), schedule: schedule, at: now)
        #expect(try store.item(id)?.nextEventAt == day("2026-02-22"))
        let deferred = try store.transition(
            id, .deferral, TransitionDetails(deadline: day("2026-06-01"), plan: "p", explanation: "e"),
            schedule: schedule,
            at: day("2026-02-25"), actor: officer)
        #expect(deferred.state == .deferred)
        #expect(deferred.round == 1)
        #expect(deferred.deadline == day("2026-06-01"))
        #expect(deferred.originalDeadline == day("2026-03-01"))
        #expect(deferred.nextEventAt == day("2026-05-25"))
        #expect(!deferred.isOverdue(at: day("2026-03-02")))
        try store.transition(id, .rectified, TransitionDetails(), schedule: schedule, at: day("2026-05-01"))
        let closed = try store.transition(
            id, .verify, TransitionDetails(by: "Inspector"), schedule: schedule, at: day("2026-05-02"))
        #expect(closed.state == .closed && closed.nextEventAt == nil && closed.verifiedBy == "Inspector")
        let reopened = try store.transition(
            id, .reopen, TransitionDetails(note: "recurred", deadline: day("2026-08-01")), schedule: schedule,
            at: day("2026-07-01"), actor: officer)
        #expect(reopened.state == .reopened && reopened.flagged && reopened.round == 2 && reopened.closedAt == nil)
        // Flagged: every escalation is due at the deadline itself.
        let due = schedule.due(deadline: reopened.deadline, flagged: true, recorded: [], at: day("2026-08-01"))
        #expect(due.announce == [.overdue, .escalation(.accountability)])
        #expect(try store.history(item: id).map(\.action) == ["item.defer", "item.reopen"])
    }

    @Test("Referral pauses the ladder and takes the item off the overdue list; progress resumes it")
    func referral() throws {
        let store = try ledger()
        let id = try store.addItem(
            unit: "county-a", title: "A", deadline: day("2026-03-01"), schedule: schedule, at: day("2026-02-01"))
        try store.transition(
            id, .refer, TransitionDetails(referredTo: "City government"), schedule: schedule, at: day("2026-02-10"))
        #expect(try store.item(id)?.nextEventAt == nil)
        #expect(try store.items(unit: nil, overdueAt: day("2026-04-01"), limit: 10).total == 0)
        try store.transition(id, .progress, TransitionDetails(note: "back"), schedule: schedule, at: day("2026-04-01"))
        #expect(try store.item(id)?.nextEventAt == day("2026-02-22"))
        #expect(try store.items(unit: nil, overdueAt: day("2026-04-01"), limit: 10).total == 1)
    }

    // Bad input tried: a review by an unrelated unit, by a unit that does not exist, of a unit that does not exist.
    @Test("Reviews follow affiliation unless overridden; recording one closes its missed-duty item")
    func reviews() throws {
        let store = try ledger()
        let review = NewReview(
            unit: "county-a", kind: .review, period: PeriodKey(rawValue: "2026-Q1"), heldOn: LocalDate("2026-03-10")!)
        var byOther = review
        byOther.byUnit = "county-b"
        #expect(throws: LedgerError.self) { try store.recordReview(byOther, at: day("2026-03-10"), actor: officer) }
        var byNobody = review
        byNobody.byUnit = "nowhere"
        #expect(throws: LedgerError.unknownUnit("nowhere")) {
            try store.recordReview(byNobody, at: day("2026-03-10"), actor: officer)
        }
        var ofNobody = review
        ofNobody.unit = "nowhere"
        #expect(throws: LedgerError.unknownUnit("nowhere")) {
            try store.recordReview(ofNobody, at: day("2026-03-10"), actor: officer)
        }
        #expect(try store.reviews(unit: nil, kind: nil, period: nil).isEmpty)
        byOther.override = true
        try store.recordReview(byOther, at: day("2026-03-10"), actor: officer)
        // The contact-point leader may record it too.
        try store.assignRole(
            unit: "county-b", role: .contactLeader, person: "Leader Qian", at: day("2026-01-01"), actor: officer)
        var byContact = NewReview(
            unit: "county-b", kind: .review, period: PeriodKey(rawValue: "2026-Q1"), heldOn: LocalDate("2026-03-11")!)
        byContact.byUnit = "direct-1"
        byContact.reviewer = "Leader Qian"
        try store.recordReview(byContact, at: day("2026-03-11"), actor: officer)
        #expect(try store.reviews(unit: nil, kind: .review, period: PeriodKey(rawValue: "2026-Q1")).count == 2)
        // Units owing a review for 2026-Q1 at its end: only direct-1 (city has no parent).
        let end = PeriodKey(rawValue: "2026-Q1").end(in: TimeZone(identifier: "UTC")!)!
        #expect(end == day("2026-04-01"))
        #expect(
            try store.unitsMissing(
                cadence: "quarterly-review", kind: .review, period: PeriodKey(rawValue: "2026-Q1"), existingBefore: end
            ).map(\.id)
                == ["direct-1"])
        // An older ledger's origin (by kind): a review recorded without its cadence still closes it.
        let origin = LedgerStore.missedDutyOrigin(
            unit: "direct-1", kind: .review, period: PeriodKey(rawValue: "2026-Q1"))
        let check = try store.recordDutyCheck(
            cadence: "quarterly-review", period: PeriodKey(rawValue: "2026-Q1"),
            items: [
                NewItem(
                    unit: "direct-1", title: "Not recorded", deadline: end, source: .missedDuty, first: "Head of city",
                    origin: origin)
            ],
            notice: nil, schedule: schedule, at: end)
        #expect(check?.items == 1)
        // The same check again does nothing.
        #expect(
            try store.recordDutyCheck(
                cadence: "quarterly-review", period: PeriodKey(rawValue: "2026-Q1"), items: [], notice: nil,
                schedule: schedule, at: end) == nil)
        try store.recordReview(
            NewReview(
                unit: "direct-1", kind: .review, period: PeriodKey(rawValue: "2026-Q1"),
                heldOn: LocalDate("2026-04-03")!),
            at: day("2026-04-03"), actor: officer)
        let item = try #require(try store.items(unit: "direct-1", overdueAt: nil, limit: 10).items.first)
        #expect(item.state == .closed && item.origin == origin)
    }

    @Test("Deadline text: dates, +N days and +Nwd working days (skipping a holiday and using a make-up day)")
    func deadlineText() throws {
        let calendar = WorkingDayCalendar(
            holidays: [LocalDate("2026-02-16")!: "Spring Festival", LocalDate("2026-02-17")!: "Spring Festival"],
            makeUpWorkingDays: [LocalDate("2026-02-14")!: "Spring Festival"])
        let today = LocalDate("2026-02-13")!  // a Friday
        #expect(LocalDay.parse("2026-03-01", today: today, workingDays: calendar) == LocalDate("2026-03-01"))
        #expect(LocalDay.parse("+10", today: today, workingDays: calendar) == LocalDate("2026-02-23"))
        #expect(LocalDay.parse("+10d", today: today, workingDays: calendar) == LocalDate("2026-02-23"))
        // Sat 14 (make-up), Wed 18, Thu 19, Fri 20, Mon 23.
        #expect(LocalDay.parse("+5wd", today: today, workingDays: calendar) == LocalDate("2026-02-23"))
        for bad in ["+", "+x", "+5w", "-3", "2026-02-30", "+١٢", "tomorrow", "+99999999"] {
            #expect(LocalDay.parse(bad, today: today, workingDays: calendar) == nil, "\(bad)")
        }
    }

    @Test("Period keys know their days; instants parse as RFC 3339")
    func periodsAndInstants() throws {
        #expect(PeriodKey(rawValue: "2026-Q4").days! == (LocalDate("2026-10-01")!, LocalDate("2027-01-01")!))
        #expect(PeriodKey(rawValue: "2026-H1").days! == (LocalDate("2026-01-01")!, LocalDate("2026-07-01")!))
        #expect(PeriodKey(rawValue: "2026-12").days! == (LocalDate("2026-12-01")!, LocalDate("2027-01-01")!))
        #expect(PeriodKey(rawValue: "2026").days! == (LocalDate("2026-01-01")!, LocalDate("2027-01-01")!))
        for bad in ["2026-Q5", "2026-H3", "2026-13", "26", "2026-1", "2026-Q", "x"] {
            #expect(PeriodKey(rawValue: bad).days == nil, "\(bad)")
        }
        #expect(ISOTimestamp.parse("2026-12-01T09:00:00Z") == day("2026-12-01").addingTimeInterval(9 * 3600))
        #expect(ISOTimestamp.parse("2026-12-01T09:00:00+08:00") == day("2026-12-01").addingTimeInterval(3600))
        #expect(ISOTimestamp.parse("2026-12-01T09:00:00.250Z") == day("2026-12-01").addingTimeInterval(9 * 3600 + 0.25))
        for bad in [
            "2026-12-01", "2026-12-01T25:00:00Z", "2026-12-01T09:00:00", "2026-12-01T09:00:00+8",
            "2026-12-01 09:00:00Z",
        ] {
            #expect(ISOTimestamp.parse(bad) == nil, "\(bad)")
        }
    }

    /// A ledger in memory with one unit and one open item, and the item's number.
    private func ledgerWithOneItem() throws -> (DatabaseQueue, LedgerStore, Int64) {
        let queue = try DatabaseQueue()
        let store = try LedgerStore(queue)
        try store.addUnit(NewUnit(id: "county-a", name: "County A", kind: .countyBureau), at: day("2026-01-01"))
        let id = try store.addItem(
            unit: "county-a", title: "Roster not posted", deadline: day("2026-03-01"), first: "Head A",
            schedule: schedule, at: day("2026-01-02"))
        return (queue, store, id)
    }

    @Test(
        "Every free-text field of an item is kept by a single add and a batch, and a changed one is listed and applied")
    func freeTextFields() throws {
        let (_, store, id) = try ledgerWithOneItem()
        // Each field its own text, so a field read from another's column shows.
        let texts = ItemTexts { "\($0.name) 文本" }
        let row = NewItem(
            unit: "county-a", title: "Ledger incomplete", deadline: day("2026-04-01"), texts: texts, first: "Head A")
        let single = try store.addItem(row, schedule: schedule, at: day("2026-01-02"))
        try store.addItems(
            [NewItem(unit: "county-a", title: "Batch", deadline: day("2026-04-01"), texts: texts, first: "Head A")],
            schedule: schedule, at: day("2026-01-02"))
        let listed = try store.items(unit: "county-a", overdueAt: nil, limit: 10).items
        #expect(try store.item(single)?.texts == texts)
        #expect(listed.first { $0.title == "Batch" }?.texts == texts)
        #expect(try store.item(id)?.texts == ItemTexts())

        // A re-imported row with one text changed: that field is the difference, and --update applies it.
        for field in ItemText.allCases {
            var changed = row
            changed.texts[field] = "新的 \(field.name)"
            let item = try #require(try store.item(single))
            let differences = LedgerStore.differences(item, changed)
            #expect(differences.map(\.name) == [field.name])
            try store.apply(
                [ItemChange(item: single, line: 2, fields: differences, row: changed)], schedule: schedule,
                at: day("2026-01-03"), actor: nil)
            #expect(try store.item(single)?.texts[field] == "新的 \(field.name)")
            try store.apply(
                [ItemChange(item: single, line: 2, fields: [], row: row)], schedule: schedule, at: day("2026-01-03"),
                actor: nil)
        }
    }

    @Test("An item whose stored state is none of the states is a damaged ledger, said with its number and state")
    func unknownStoredState() throws {
        let (queue, store, id) = try ledgerWithOneItem()
        // Tried: a state written by hand (or by a later version), and one in another case.
        for bad in ["done", "Closed"] {
            try queue.write { try $0.execute(sql: "UPDATE rectificationItem SET state = ?", arguments: [bad]) }
            #expect {
                _ = try store.items(unit: nil, overdueAt: nil, limit: 10)
            } throws: { error in
                guard case .corrupt(_, let reason) = error as? LedgerError else { return false }
                return reason == "item #\(id) has the unknown state '\(bad)'"
            }
        }
    }

    @Test("A stored stage that is no stage is a damaged ledger, said with the item's number and the text")
    func unknownStoredStage() throws {
        let (queue, store, id) = try ledgerWithOneItem()
        _ = try store.record(stages: [(.overdue, nil)], item: id, nextEventAt: nil, at: day("2026-03-01"))
        #expect(try store.item(id)?.recordedStages == [.overdue])
        // Tried: a stage name no version writes, a round prefix without a number, and round zero spelt out.
        for bad in ["late", "rx/overdue", "r0/overdue"] {
            try queue.write { try $0.execute(sql: "UPDATE itemStage SET stage = ?", arguments: [bad]) }
            #expect {
                _ = try store.item(id)
            } throws: { error in
                guard case .corrupt(_, let reason) = error as? LedgerError else { return false }
                return reason == "item #\(id) has the unknown stage '\(bad)'"
            }
        }
    }
}
