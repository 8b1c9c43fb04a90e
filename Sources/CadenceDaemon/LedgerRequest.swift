import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

/// One `io.cadenced.Ledger` call, answered at one instant on behalf of one person. The caller has
/// been authorized already; every change is recorded in the history with `actor`.
struct LedgerRequest {
    let manager: Manager
    let parameters: ControlParameters
    let now: Date
    let actor: Actor

    var store: LedgerStore { manager.store }
    var zone: TimeZone { manager.configuration.timeZone }
    var today: LocalDate { LocalDay.of(now, in: zone) }

    func answer(_ member: String) throws -> [String: Any] {
        if let typed = Self.typedMethods[member] { return try typed(self) }
        let p = parameters
        switch member {
        case "GetStatus":
            return ["status": try manager.statusObject(at: now)]

        // Units and roles
        case "AddUnit":
            let id = try p.string("id", maximum: 100)
            try store.addUnit(
                NewUnit(
                    id: id, name: try p.string("name"), kind: try p.choice("kind", UnitKind.self),
                    parent: try p.optionalString("parent"), quota: try quota(p.optionalInt("quota")),
                    specialty: try p.optionalString("specialty"), grade: try p.optionalString("grade"),
                    liaison: try p.optionalString("liaison")),
                at: now, actor: actor)
            return ["unit": try unitObject(id)]
        case "GetUnit":
            let id = try p.string("id", maximum: 100)
            let children = try store.units(parent: id).map(\.id)
            return ["unit": try unitObject(id), "children": children]
        case "ListUnits":
            let units = try store.units(
                parent: try p.optionalString("parent"), includeRemoved: try p.optionalBool("includeRemoved") ?? false)
            return ["units": wire(units)]
        case "RemoveUnit":
            let id = try p.string("id", maximum: 100)
            try store.removeUnit(id, at: now, actor: actor)
            return ["unit": try unitObject(id)]
        case "AssignRole":
            let unit = try p.string("unit", maximum: 100)
            let role = try p.choice("role", UnitRole.self)
            try store.assignRole(unit: unit, role: role, person: try p.string("person"), at: now, actor: actor)
            let current = try store.roles(unit: unit, includePast: false).first { $0.role == role.rawValue }
            return ["role": current.map { wire($0) } ?? RawJSON(Array("{}".utf8))]
        case "ListRoles":
            let unit = try p.optionalString("unit")
            if let unit, try store.unit(unit) == nil { throw LedgerError.unknownUnit(unit) }
            let roles = try store.roles(unit: unit, includePast: try p.optionalBool("includePast") ?? false)
            return ["roles": wire(roles)]

        // Commitments
        case "AddCommitment":
            let year = try p.optionalInt("year") ?? today.year
            let id = try store.addCommitment(
                NewCommitment(
                    unit: try p.string("unit", maximum: 100), member: try p.optionalString("member"),
                    post: try p.optionalString("post"), direction: try p.optionalString("direction"), year: year,
                    text: try p.string("text"), publishedOn: try p.optionalDate("publishedOn")),
                at: now, actor: actor)
            return ["commitment": try commitmentObject(id)]
        case "ListCommitments":
            let unit = try p.optionalString("unit")
            if let unit, try store.unit(unit) == nil { throw LedgerError.unknownUnit(unit) }
            let list = try store.commitments(unit: unit, year: try p.optionalInt("year"), limit: try p.limit(100_000))
            return ["commitments": wire(list)]
        case "EvaluateCommitment":
            let id = try p.int("id")
            let status = try p.choice("status", CommitmentStatus.self)
            let period = try periodKey(p.optionalString("period"), kind: .review, on: today)
            try begun(period, by: today, "period", "today")
            try store.evaluateCommitment(
                id, period: period, status: status, note: try p.optionalString("note"), at: now, actor: actor)
            return ["commitment": try commitmentObject(id)]

        // Reviews, inspections, appraisals, evaluations
        case "RecordReview":
            let heldOn = try p.optionalDate("heldOn") ?? today
            guard heldOn <= today else {
                throw VarlinkError.invalidArgument("heldOn", "\(heldOn) is in the future")
            }
            let periodText = try p.optionalString("period")
            let cadence = try dutyCadence(
                named: p.optionalString("cadence"), kind: p.optionalChoice("kind", ReviewKind.self)?.cadenceKind,
                period: periodText)
            let kind = cadence.kind
            let period = try periodKey(periodText, length: cadence.length, on: heldOn)
            try begun(period, by: heldOn, "period", "the day it was held (\(heldOn))")
            let id = try store.recordReview(
                NewReview(
                    unit: try p.string("unit", maximum: 100), kind: kind, period: period, heldOn: heldOn,
                    form: try p.optionalChoice("form", ReviewForm.self), reviewer: try p.optionalString("reviewer"),
                    byUnit: try p.optionalString("byUnit"), subject: try p.optionalString("subject"),
                    outcome: try p.optionalString("outcome"), override: try p.optionalBool("override") ?? false,
                    cadence: cadence.name),
                at: now, actor: actor)
            let review = try store.reviews(unit: nil, kind: nil, period: nil, id: id).first
            return ["review": review.map { wire($0) } ?? RawJSON(Array("{}".utf8))]
        case "ListReviews":
            let unit = try p.optionalString("unit")
            if let unit, try store.unit(unit) == nil { throw LedgerError.unknownUnit(unit) }
            let kind = try p.optionalChoice("kind", ReviewKind.self)?.cadenceKind
            let period = try p.optionalString("period").map(PeriodKey.init(rawValue:))
            let reviews = try store.reviews(unit: unit, kind: kind, period: period, limit: try p.limit(100_000))
            return ["reviews": wire(reviews)]

        // Information reports
        case "SubmitReport":
            let submittedOn = try p.optionalDate("submittedOn") ?? today
            guard submittedOn <= today else {
                throw VarlinkError.invalidArgument("submittedOn", "\(submittedOn) is in the future")
            }
            let month = try monthKey(p.optionalString("month")) ?? PeriodKey(.month, date: submittedOn)
            try begun(month, by: submittedOn, "month", "the day it was submitted (\(submittedOn))")
            let id = try store.submitReport(
                unit: try p.string("unit", maximum: 100), month: month, submittedOn: submittedOn,
                title: try p.string("title"), liaison: try p.optionalString("liaison"),
                recipient: try p.optionalString("recipient"), at: now, actor: actor)
            return ["id": id, "month": month.rawValue]
        case "GetQuota":
            let month = try monthKey(p.optionalString("month")) ?? PeriodKey(.month, date: today)
            let lines = try store.quota(month: month, all: try p.optionalBool("all") ?? false)
            return ["month": month.rawValue, "lines": wire(lines)]

        // Notices, history, exchange
        case "ListNotices":
            if let unit = try p.optionalString("unit"), try store.unit(unit) == nil {
                throw LedgerError.unknownUnit(unit)
            }
            let notices = try store.noticeList(
                kind: try p.optionalChoice("kind", NoticeKind.self)?.rawValue, unit: try p.optionalString("unit"),
                limit: try p.limit(100))
            return ["notices": notices.map(Self.object)]
        case "ListHistory":
            if let unit = try p.optionalString("unit"), try store.unit(unit) == nil {
                throw LedgerError.unknownUnit(unit)
            }
            let entries = try store.history(
                limit: try p.limit(), item: try p.optionalInt("item").map(Int64.init),
                unit: try p.optionalString("unit"))
            return ["entries": entries.map(Self.object)]
        case "Import":
            return try LedgerExchange(request: self).importRows(
                kind: try p.choice("kind", ExchangeKind.self), format: try p.choice("format", ExchangeFormat.self),
                text: try p.text("text"), dryRun: try p.optionalBool("dryRun") ?? false,
                update: try p.optionalBool("update") ?? false)
        case "Export":
            return try LedgerExchange(request: self).export(
                kind: try p.choice("kind", ExchangeKind.self), format: try p.choice("format", ExchangeFormat.self),
                unit: try p.optionalString("unit"))
        case "Evaluate":
            return try EvaluationRequest(request: self).answer()
        default:
            throw VarlinkError.methodNotFound(LedgerInterface.name + "." + member)
        }
    }

    func quota(_ value: Int?) throws -> Int? {
        if let value, !(0...1000).contains(value) {
            throw VarlinkError.invalidArgument("quota", "must be between 0 and 1000, got \(value)")
        }
        return value
    }

    /// The period a review of `kind` belongs to: as given (checked against the kind's period
    /// length), else the one containing `date`.
    func periodKey(_ text: String?, kind: CadenceKind, on date: LocalDate) throws -> PeriodKey {
        let length =
            manager.configuration.cadences.first { $0.kind == kind }?.period
            ?? (kind == .review ? .quarter : kind == .evaluation ? .year : .halfYear)
        return try periodKey(text, length: length, on: date)
    }

    /// The duty a review is recorded for: the cadence named, else the one cadence of `kind` (default
    /// `review`) whose period fits `period`. Several that fit need a name; none means no cadence
    /// (the kind's usual period then applies).
    func dutyCadence(named name: String?, kind: CadenceKind?, period: String?) throws
        -> (name: String?, kind: CadenceKind, length: CadencePeriod)
    {
        let cadences = manager.configuration.cadences
        let duties = cadences.filter { $0.kind.requiresRecord }
        if let name {
            guard let cadence = cadences.first(where: { $0.name == name }) else {
                throw VarlinkError.invalidArgument(
                    "cadence",
                    "there is no cadence '\(name)'; duties recorded per unit: "
                        + (duties.isEmpty ? "none" : duties.map(\.name).joined(separator: ", ")))
            }
            guard cadence.kind.requiresRecord else {
                throw VarlinkError.invalidArgument(
                    "cadence", "'\(name)' is a \(cadence.kind.rawValue) cadence, not a duty recorded per unit")
            }
            if let kind, kind != cadence.kind {
                throw VarlinkError.invalidArgument(
                    "kind", "'\(name)' is Kind=\(cadence.kind.rawValue), not \(kind.rawValue)")
            }
            return (cadence.name, cadence.kind, cadence.period)
        }
        let kind = kind ?? .review
        var candidates = duties.filter { $0.kind == kind }
        if candidates.count > 1, let period {
            let key = PeriodKey(rawValue: period)
            candidates = candidates.filter { cadence in
                key.days.map { PeriodKey(cadence.period, date: $0.first) == key } ?? false
            }
            if candidates.isEmpty {
                let all = duties.filter { $0.kind == kind }
                throw VarlinkError.invalidArgument(
                    "period",
                    "'\(period)' is not a period of any \(kind.rawValue) cadence ("
                        + all.map { "\($0.name): \($0.period.rawValue)" }.joined(separator: ", ") + ")")
            }
        }
        if candidates.count > 1 {
            throw VarlinkError.invalidArgument(
                "cadence",
                "several cadences are Kind=\(kind.rawValue) ("
                    + candidates.map { "\($0.name): \($0.period.rawValue)" }.joined(separator: ", ")
                    + "); name the one it was held for with --cadence")
        }
        if let cadence = candidates.first { return (cadence.name, cadence.kind, cadence.period) }
        return (nil, kind, kind == .review ? .quarter : kind == .evaluation ? .year : .halfYear)
    }

    func periodKey(_ text: String?, length: CadencePeriod, on date: LocalDate) throws -> PeriodKey {
        guard let text else { return PeriodKey(length, date: date) }
        let key = PeriodKey(rawValue: text)
        guard let days = key.days, PeriodKey(length, date: days.first) == key else {
            throw VarlinkError.invalidArgument(
                "period",
                "'\(text)' is not a \(length.rawValue) period (e.g. \(PeriodKey(length, date: date)))")
        }
        return key
    }

    /// Refuses a period that begins after `day`: nothing is held or counted ahead of its period.
    func begun(_ period: PeriodKey, by day: LocalDate, _ parameter: String, _ what: String) throws {
        if let first = period.days?.first, first > day {
            throw VarlinkError.invalidArgument(
                parameter, "\(period) begins on \(first), after \(what); it cannot be recorded yet")
        }
    }

    func monthKey(_ text: String?) throws -> PeriodKey? {
        guard let text else { return nil }
        let key = PeriodKey(rawValue: text)
        guard let days = key.days, PeriodKey(.month, date: days.first) == key else {
            throw VarlinkError.invalidArgument("month", "'\(text)' is not a month (YYYY-MM)")
        }
        return key
    }

}
