import CadenceCore
import Foundation
import Testing

/// The item lifecycle as a pure function: no store, no clock but the instant given.
@Suite("The item lifecycle: changes and typed refusals")
struct ItemLifecycleTests {
    private let schedule = ItemSchedule(
        warnBefore: [.seconds(7 * 86_400)], circularAfter: .seconds(86_400), talkAfter: .seconds(3 * 86_400),
        accountabilityAfter: .seconds(7 * 86_400))
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func item(_ state: ItemState, direct: String? = "Section Chief Zhao") -> RectificationItem {
        var item = RectificationItem(
            id: 7, unit: "county-a", title: "Duty roster not posted", deadline: now.addingTimeInterval(30 * 86_400),
            state: state, createdAt: now.addingTimeInterval(-86_400))
        item.deadlineDate = "2027-02-14"
        item.direct = direct
        item.directPerson = direct
        return item
    }

    private func refusal(
        _ transition: ItemTransition, _ state: ItemState, _ details: TransitionDetails,
        holders: [UnitRole: String] = [:]
    ) -> ItemRefusal? {
        if case .failure(let refusal) = ItemLifecycle.apply(
            transition, to: item(state), details, schedule: schedule, at: now, holder: { holders[$0] })
        {
            return refusal
        }
        return nil
    }

    // Bad input tried: every transition from a state it does not start from, each required detail
    // left out or blank, deadlines now and in the past, a verifier who is the direct responsible
    // person (as caller, by name, by role), a role that does not exist and one nobody holds.
    @Test(
        "Refusals carry a code, the parameter concerned and the item's state",
        arguments: [
            (ItemTransition.verify, ItemState.open, TransitionDetails(verifier: "Inspector Li"), "wrong-state", nil),
            (.reopen, .inProgress, TransitionDetails(note: "x", deadline: Date.distantFuture), "wrong-state", nil),
            (.reject, .rectified, TransitionDetails(note: "  "), "missing", "note"),
            (.deferral, .open, TransitionDetails(deadline: .distantFuture, explanation: "e"), "missing", "plan"),
            (.deferral, .open, TransitionDetails(deadline: .distantFuture, plan: "p"), "missing", "explanation"),
            (.deferral, .open, TransitionDetails(plan: "p", explanation: "e"), "missing", "deadline"),
            (.refer, .open, TransitionDetails(referredTo: ""), "missing", "referredTo"),
            (.reopen, .closed, TransitionDetails(note: "back"), "missing", "deadline"),
            (.verify, .rectified, TransitionDetails(verifier: "Section Chief Zhao"), "direct-responsible", nil),
            (
                .verify, .rectified, TransitionDetails(by: "Section Chief Zhao", verifier: "Li"), "direct-responsible",
                "by"
            ),
            (.verify, .rectified, TransitionDetails(by: "@boss", verifier: "Li"), "not-a-role", "by"),
            (.verify, .rectified, TransitionDetails(by: "@inspector", verifier: "Li"), "role-vacant", "by"),
            (.verify, .rectified, TransitionDetails(), "no-verifier", "by"),
        ] as [(ItemTransition, ItemState, TransitionDetails, String, String?)])
    func refusals(
        transition: ItemTransition, state: ItemState, details: TransitionDetails, code: String, parameter: String?
    ) throws {
        let refused = try #require(refusal(transition, state, details))
        #expect(refused.code.rawValue == code, "\(refused)")
        #expect(refused.parameter == parameter, "\(refused)")
        #expect(refused.item == 7)
        #expect(refused.state == (code == "wrong-state" ? state.rawValue : nil))
        #expect(!refused.reason.contains("cadencectl") && !refused.reason.contains("--"), "no CLI advice: \(refused)")
    }

    @Test("A deadline now or in the past is refused for a deferral and a reopening")
    func pastDeadlines() {
        for deadline in [now, now.addingTimeInterval(-1)] {
            let deferral = refusal(.deferral, .open, TransitionDetails(deadline: deadline, plan: "p", explanation: "e"))
            #expect(deferral?.code == .notInFuture && deferral?.parameter == "deadline")
            let reopen = refusal(.reopen, .closed, TransitionDetails(note: "back", deadline: deadline))
            #expect(reopen?.code == .notInFuture)
        }
    }

    @Test("The direct responsible person's role resolves to its holder and is refused")
    func directByRole() {
        let refused = refusal(
            .verify, .rectified, TransitionDetails(by: "@direct", verifier: "Li"),
            holders: [.direct: "Section Chief Zhao"])
        #expect(refused?.code == .directResponsible)
        #expect(refused?.reason.contains("'@direct' (Section Chief Zhao)") == true, "\(String(describing: refused))")
    }

    @Test("A deferral starts a new round against the new date and keeps the first deadline as typed")
    func deferralStartsRound() throws {
        let newDate = now.addingTimeInterval(90 * 86_400)
        let before = item(.inProgress)
        let change = try ItemLifecycle.apply(
            .deferral, to: before,
            TransitionDetails(deadline: newDate, plan: "列入明年预算", explanation: "需要资金", deadlineDate: "2027-05-15"),
            schedule: schedule, at: now, holder: { _ in nil }
        ).get()
        #expect(change.startsRound)
        #expect(change.item.state == .deferred && change.item.round == 1)
        #expect(change.item.deadline == newDate && change.item.deadlineDate == "2027-05-15")
        #expect(change.item.originalDeadline == before.deadline && change.item.originalDeadlineDate == "2027-02-14")
        #expect(change.item.nextEventAt == newDate.addingTimeInterval(-7 * 86_400), "the first warning of the round")
        #expect(change.history["deadline"] == "2027-05-15" && change.history["plan"] == "列入明年预算")
        // A second deferral keeps the first deadline as the original.
        let again = try ItemLifecycle.apply(
            .deferral, to: change.item,
            TransitionDetails(deadline: newDate.addingTimeInterval(86_400), plan: "p", explanation: "e"),
            schedule: schedule, at: now, holder: { _ in nil }
        ).get()
        #expect(again.item.originalDeadline == before.deadline && again.item.round == 2)
    }

    @Test("Verification on someone's behalf records both; the item closes and its stages stop")
    func verifyOnBehalf() throws {
        let change = try ItemLifecycle.apply(
            .verify, to: item(.rectified), TransitionDetails(by: "@inspector", verifier: "Officer Wang"),
            schedule: schedule, at: now, holder: { $0 == .inspector ? "Inspector Li" : nil }
        ).get()
        #expect(change.item.state == .closed && change.item.closedAt == now && change.item.nextEventAt == nil)
        #expect(change.item.verifiedBy == "Inspector Li")
        #expect(change.history["verifier"] == "Officer Wang" && change.history["onBehalfOf"] == "@inspector")
    }

    @Test("A stage is stored as its name, prefixed with its round after a reopening, and read back as the same value")
    func storedStages() {
        let stages: [ItemStage] = [
            .warning(before: .seconds(604_800)), .overdue, .escalation(.circular), .escalation(.talk),
            .escalation(.accountability),
        ]
        for stage in stages {
            for round in [0, 1, 12] {
                let text = stage.stored(round: round)
                #expect(ItemStage.parse(stored: text)?.round == round, "\(text)")
                #expect(ItemStage.parse(stored: text)?.stage == stage, "\(text)")
            }
        }
        #expect(ItemStage.overdue.stored(round: 0) == "overdue")
        #expect(ItemStage.escalation(.talk).stored(round: 2) == "r2/talk")
        #expect(ItemStage.warning(before: .seconds(86_400)).stored(round: 0) == "warn-86400s")
        #expect(stages.sorted() == stages)
        // Tried: unknown names, a warning without seconds or unit, round prefixes that are no round.
        for bad in [
            "late", "warn-s", "warn-86400", "r/overdue", "rx/overdue", "r0/overdue", "r-1/talk", "r1/", "1/talk",
        ] {
            #expect(ItemStage.parse(stored: bad) == nil, "\(bad)")
        }
    }
}

// Bad input tried: a month alone, a date with letters, two-digit years, a 2 in the month's
// third digit, separators alone.
@Suite("Dates as offices type them")
struct OfficeDateTests {
    @Test(
        "2026/10/31, 2026.10.31, 2026年10月31日, 2026-1-5 and full-width digits are dates; a month alone is said to be one"
    )
    func forms() {
        let cases: [(String, String?)] = [
            ("2026/10/31", "2026-10-31"), ("2026.10.31", "2026-10-31"), ("2026年10月31日", "2026-10-31"),
            ("2026-1-5", "2026-01-05"), ("２０２６年１月５日", "2026-01-05"), ("2026年1月5号", "2026-01-05"),
            ("2026年11月", nil), ("26/10/31", nil), ("2026/100/1", nil), ("2026-10-31x", nil), ("//", nil), ("", nil),
        ]
        for (text, expected) in cases { #expect(OfficeDate.normalized(text) == expected, "\(text)") }
        #expect(OfficeDate.problem("2026年11月") == "is a month, not a date (give the day, e.g. 2026-11-30)")
        #expect(OfficeDate.problem("2026-11") != nil && OfficeDate.problem("2026年13月") == nil)
        #expect(OfficeDate.problem("2026年11月30日") == nil)
        let today = LocalDate(year: 2026, month: 12, day: 4)!
        #expect(
            LocalDay.parse("2027年2月28日", today: today, workingDays: WorkingDayCalendar()) == LocalDate("2027-02-28"))
        #expect(LocalDay.parse("2027/2/30", today: today, workingDays: WorkingDayCalendar()) == nil)
    }
}
