import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

extension LedgerRequest {
    /// How the campaign's calls are answered, by method name.
    static let campaignMethods: [(String, Answer)] = [
        typed(AddUnitCall.self) { try $0.answer($1) },
        typed(EditUnitCall.self) { request, call in
            let reason = call.reason.trimmingCharacters(in: .whitespaces)
            guard !reason.isEmpty else { throw VarlinkError.invalidArgument("reason", "say why the unit is corrected") }
            if call.topLevel && call.parent != nil {
                throw VarlinkError.invalidArgument("parent", "give a parent or topLevel, not both")
            }
            // nil: the parent stays; .some(nil): to the top of the tree.
            let parent: String?? = call.topLevel ? .some(nil) : call.parent.map { .some($0) } ?? .none
            let changed = try request.store.editUnit(
                call.id, name: call.name, kind: call.kind, parent: parent,
                quota: try request.quota(call.quota),
                holidays: try call.holidays.map { try request.regionalHolidays($0 == "none" ? nil : $0) },
                reason: reason,
                at: request.now, actor: request.actor)
            // Its open items' working days are now counted with its new holidays.
            if changed.contains("holidays") { request.manager.replanItems() }
            return ["unit": try request.unitObject(call.id), "changed": changed]
        },
        typed(GetUnitCall.self) { request, call in
            let children = try request.store.units(parent: call.id).map(\.id)
            return ["unit": try request.unitObject(call.id), "children": children]
        },
        typed(ListUnitsCall.self) { request, call in
            ["units": request.wire(try request.store.units(parent: call.parent, includeRemoved: call.includeRemoved))]
        },
        typed(RemoveUnitCall.self) { request, call in
            try request.store.removeUnit(call.id, at: request.now, actor: request.actor)
            return ["unit": try request.unitObject(call.id)]
        },
        typed(AssignRoleCall.self) { try $0.answer($1) },
        typed(EndRoleCall.self) { try $0.answer($1) },
        typed(ListRolesCall.self) { request, call in
            try request.knownUnit(call.unit)
            return ["roles": request.wire(try request.store.roles(unit: call.unit, includePast: call.includePast))]
        },
        typed(AddCommitmentCall.self) { try $0.answer($1) },
        typed(ListCommitmentsCall.self) { request, call in
            try request.knownUnit(call.unit)
            let list = try request.store.commitments(unit: call.unit, year: call.year, limit: call.limit)
            return ["commitments": request.wire(list)]
        },
        typed(EvaluateCommitmentCall.self) { try $0.answer($1) },
        typed(RecordReviewCall.self) { try $0.answer($1) },
        typed(ListReviewsCall.self) { request, call in
            try request.knownUnit(call.unit)
            let reviews = try request.store.reviews(
                unit: call.unit, kind: call.kind?.cadenceKind, period: call.period.map(PeriodKey.init(rawValue:)),
                limit: call.limit)
            return ["reviews": request.wire(reviews)]
        },
        typed(RemoveReviewCall.self) { try $0.answer($1) },
        typed(SubmitReportCall.self) { try $0.answer($1) },
        typed(GetPlanCall.self) { try $0.answer($1) },
        typed(HandInCall.self) { try $0.answer($1) },
        typed(RecordCountCall.self) { try $0.answer($1) },
        typed(ListReportsCall.self) { request, call in
            try request.knownUnit(call.unit)
            let reports = try request.store.reports(
                unit: call.unit, month: try request.monthKey(call.month), limit: call.limit)
            return ["reports": request.wire(reports)]
        },
        typed(RemoveReportCall.self) { request, call in
            let report = try request.store.removeReport(
                call.id, reason: try request.reason(call.reason, "say why the report is taken out"), at: request.now,
                actor: request.actor)
            return ["report": request.wire(report)]
        },
        typed(GetQuotaCall.self) { request, call in
            let month = try request.monthKey(call.month) ?? PeriodKey(.month, date: request.today)
            return [
                "month": month.rawValue, "lines": request.wire(try request.store.quota(month: month, all: call.all)),
            ]
        },
        typed(ListNoticesCall.self) { request, call in
            try request.knownUnit(call.unit)
            let notices = try request.store.noticeList(
                kind: call.kind?.rawValue, unit: call.unit, key: call.key, limit: call.limit)
            return ["notices": notices.map(Self.object)]
        },
        typed(ListHistoryCall.self) { request, call in
            try request.knownUnit(call.unit)
            let entries = try request.store.history(limit: call.limit, item: call.item.map(Int64.init), unit: call.unit)
            return ["entries": entries.map(Self.object)]
        },
    ]

    /// A regional holiday file a unit may keep (`Regional=`), or an error naming those there are.
    func regionalHolidays(_ name: String?) throws -> String? {
        guard let name else { return nil }
        if let refusal = manager.configuration.regionalRefusal(name) {
            throw VarlinkError.invalidArgument("holidays", refusal)
        }
        return name
    }

    /// Refuses a unit that is not in the ledger (a filter naming it would find nothing).
    func knownUnit(_ unit: String?) throws {
        if let unit, try store.unit(unit) == nil { throw LedgerError.unknownUnit(unit) }
    }

    func answer(_ call: AddUnitCall) throws -> [String: Any] {
        try store.addUnit(
            NewUnit(
                id: call.id, name: call.name, kind: call.kind, parent: call.parent, quota: try quota(call.quota),
                specialty: call.specialty, grade: call.grade, liaison: call.liaison,
                holidays: try regionalHolidays(call.holidays)),
            at: now, actor: actor)
        return ["unit": try unitObject(call.id)]
    }

    func answer(_ call: AssignRoleCall) throws -> [String: Any] {
        try store.assignRole(unit: call.unit, role: call.role, person: call.person, at: now, actor: actor)
        let current = try store.roles(unit: call.unit, includePast: false).first {
            $0.role == call.role.rawValue && $0.person == call.person.trimmingCharacters(in: .whitespaces)
        }
        return ["role": current.map { wire($0) } ?? RecordJSON.emptyObject]
    }

    func answer(_ call: EndRoleCall) throws -> [String: Any] {
        try store.endRole(unit: call.unit, role: call.role, person: call.person, at: now, actor: actor)
        let ended = try store.roles(unit: call.unit, includePast: true).last {
            $0.role == call.role.rawValue && $0.person == call.person.trimmingCharacters(in: .whitespaces)
        }
        return ["role": ended.map { wire($0) } ?? RecordJSON.emptyObject]
    }

    func answer(_ call: AddCommitmentCall) throws -> [String: Any] {
        let year = call.year ?? today.year
        let id = try store.addCommitment(
            NewCommitment(
                unit: call.unit, member: call.member, post: call.post, direction: call.direction,
                year: year, text: call.text, publishedOn: call.publishedOn),
            at: now, actor: actor)
        try closeMissedCommitments(units: [call.unit], year: year, by: "commitment #\(id)")
        return ["commitment": try commitmentObject(id)]
    }

    func answer(_ call: EvaluateCommitmentCall) throws -> [String: Any] {
        let period = try periodKey(call.period, kind: .review, on: today)
        try begun(period, by: today, "period", "today")
        try store.evaluateCommitment(
            call.id, period: period, status: call.status, note: call.note, at: now, actor: actor)
        return ["commitment": try commitmentObject(call.id)]
    }

    func answer(_ call: RecordReviewCall) throws -> [String: Any] {
        let heldOn = call.heldOn ?? today
        guard heldOn <= today else { throw VarlinkError.invalidArgument("heldOn", "\(heldOn) is in the future") }
        let cadence = try dutyCadence(named: call.cadence, kind: call.kind?.cadenceKind, period: call.period)
        let period = try periodKey(call.period, length: cadence.length, on: heldOn)
        try begun(period, by: heldOn, "period", "the day it was held (\(heldOn))")
        var review = NewReview(
            unit: call.unit, kind: cadence.kind, period: period, heldOn: heldOn, form: call.form,
            reviewer: call.reviewer, byUnit: call.byUnit, subject: call.subject, outcome: call.outcome,
            override: call.override, cadence: cadence.name)
        review.results =
            AppraisalResults(
                formsReturned: call.formsReturned, satisfied: call.satisfied, members: call.members,
                membersAppraised: call.membersAppraised
            ).nonEmpty
        let id = try store.recordReview(review, at: now, actor: actor)
        let recorded = try store.reviews(unit: nil, kind: nil, period: nil, id: id).first
        return ["review": recorded.map { wire($0) } ?? RecordJSON.emptyObject]
    }

    func answer(_ call: SubmitReportCall) throws -> [String: Any] {
        let submittedOn = call.submittedOn ?? today
        guard submittedOn <= today else {
            throw VarlinkError.invalidArgument("submittedOn", "\(submittedOn) is in the future")
        }
        let month = try monthKey(call.month) ?? PeriodKey(.month, date: submittedOn)
        try begun(month, by: submittedOn, "month", "the day it was submitted (\(submittedOn))")
        let id = try store.submitReport(
            unit: call.unit, month: month, submittedOn: submittedOn, title: call.title, liaison: call.liaison,
            recipient: call.recipient, at: now, actor: actor)
        return ["id": id, "month": month.rawValue]
    }

    /// A unit's missed commitment call of `year` (`RecordWithinDays=`) is met once it records one.
    func closeMissedCommitments(units: [String], year: Int, by what: String) throws {
        let calls = manager.configuration.cadences.filter { $0.kind == .commitment && $0.recordWithinDays != nil }
        let origins = calls.flatMap { cadence in
            units.map {
                LedgerStore.missedDutyOrigin(unit: $0, cadence: cadence.name, period: PeriodKey(rawValue: String(year)))
            }
        }
        try store.closeMissedDuties(origins: origins, by: what, at: now, actor: actor)
    }

    /// A correction's reason, refused when blank.
    func reason(_ text: String, _ ask: String) throws -> String {
        let reason = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw VarlinkError.invalidArgument("reason", ask) }
        return reason
    }

    func answer(_ call: RemoveReviewCall) throws -> [String: Any] {
        guard let review = try store.reviews(unit: nil, kind: nil, period: nil, id: call.id).first else {
            throw LedgerError.notFound("there is no review #\(call.id) (see cadencectl review list)")
        }
        // The duty it met: its cadence, or (an older ledger's review) the duty cadence of its kind.
        let duties = manager.configuration.cadences.filter { $0.kind.requiresRecord }
        let cadence =
            review.cadence.map { name in duties.first { $0.name == name } }
            ?? duties.first { $0.kind.rawValue == review.kind }
        var missed: (cadence: String, item: NewItem)?
        if let cadence, let unit = try store.unit(review.unit),
            let item = try manager.missedDutyItem(cadence, unit: unit, period: PeriodKey(rawValue: review.period))
        {
            missed = (cadence.name, item)
        }
        let reason = try reason(call.reason, "say why the review is taken out")
        let (removed, duty) = try store.removeReview(
            call.id, reason: reason, missedDuty: missed, schedule: manager.itemSchedule, at: now, actor: actor)
        var answer: [String: Any] = ["review": wire(removed)]
        switch duty {
        case .unchanged: answer["duty"] = "unchanged"
        case .reopened(let item): (answer["duty"], answer["item"]) = ("reopened", item)
        case .opened(let item): (answer["duty"], answer["item"]) = ("opened", item)
        }
        return answer
    }
}
