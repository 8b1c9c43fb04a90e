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
        guard let typed = Self.typedMethods[member] else {
            throw VarlinkError.methodNotFound(LedgerInterface.name + "." + member)
        }
        return try typed(self)
    }

    /// How the status, the exchange and the evaluation are answered, by method name.
    static let otherMethods: [(String, Answer)] = [
        typed(GetStatusCall.self) { request, _ in ["status": try request.manager.statusObject(at: request.now)] },
        typed(ImportCall.self) { request, call in
            try LedgerExchange(request: request).importRows(
                kind: call.kind, format: call.format, text: call.text, dryRun: call.dryRun, update: call.update)
        },
        typed(ExportCall.self) { request, call in
            try LedgerExchange(request: request).export(
                kind: call.kind, format: call.format, unit: call.unit, mask: call.mask)
        },
        typed(EvaluateCall.self) { request, call in try EvaluationRequest(request: request).answer(call) },
        typed(PrintLedgerCall.self) { try $0.answer($1) },
        typed(CommitmentBoardCall.self) { try $0.answer($1) },
    ]

    /// The unit `root` and every unit under it, in the tree's order (all units when nil).
    func subtree(_ root: String?) throws -> (units: [UnitRecord], root: UnitRecord?) {
        let units = try store.units()
        guard let root else { return (units, nil) }
        guard let unit = units.first(where: { $0.id == root }) else { throw LedgerError.unknownUnit(root) }
        var ordered: [UnitRecord] = []
        var queue = [unit]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            ordered.append(next)
            queue += units.filter { $0.parent == next.id }
        }
        return (ordered, unit)
    }

    func answer(_ call: CommitmentBoardCall) throws -> [String: Any] {
        let format = call.format ?? .md
        guard format != .json else {
            throw VarlinkError.invalidArgument("format", "the board is md, html or csv (ListCommitments gives JSON)")
        }
        let year = call.year ?? today.year
        guard (2000...2199).contains(year) else {
            throw VarlinkError.invalidArgument("year", "\(year) is not a year between 2000 and 2199")
        }
        let (scope, _) = try subtree(call.unit)
        let ids = Set(scope.map(\.id))
        let commitments = try store.commitments(unit: nil, year: year, limit: 1_000_000).filter {
            ids.contains($0.unit)
        }
        // The deadline: the commitment call of that year, plus PublishWithinDays= working days.
        var deadline: LocalDate?
        let zone = manager.configuration.timeZone
        for cadence in manager.configuration.cadences where cadence.kind == .commitment {
            guard let days = cadence.publishWithinDays,
                let call = try store.occurrences(cadence: cadence.name).first(where: {
                    LocalDay.of($0.effective, in: zone).year == year
                })
            else { continue }
            let day = manager.configuration.workingDays.adding(
                workingDays: days, to: LocalDay.of(call.effective, in: zone))
            deadline = min(deadline ?? day, day)
        }
        let board = CommitmentBoard(
            commitments: commitments, units: scope.map { ($0.id, $0.name) }, year: year, deadline: deadline,
            today: today, mask: call.mask, language: call.language ?? manager.text.language)
        let text =
            switch format {
            case .html: board.html()
            case .csv: board.csv()
            default: board.markdown()
            }
        var answer: [String: Any] = [
            "text": text, "commitments": board.sections.reduce(0) { $0 + $1.rows.count },
            "unpublished": board.unpublished.count,
        ]
        answer["deadline"] = deadline?.description
        return answer
    }

    func answer(_ call: PrintLedgerCall) throws -> [String: Any] {
        let (scope, root) = try subtree(call.unit)
        let scopeName = root?.name
        // Unit by unit: a campaign of a million items is not read whole to print one county.
        var items: [RectificationItem] = []
        for unit in scope { items += try store.items(unit: unit.id, overdueAt: nil, limit: Int.max).items }
        let sheet = LedgerSheet(
            items: items, units: scope.map { ($0.id, $0.name) }, scope: scopeName, at: now,
            zone: manager.configuration.timeZone, language: call.language ?? manager.text.language)
        return [
            "html": sheet.html(), "units": sheet.sections.count,
            "items": sheet.sections.reduce(0) { $0 + $1.rows.count },
        ]
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
