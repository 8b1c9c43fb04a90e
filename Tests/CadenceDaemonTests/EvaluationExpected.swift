import CadenceCore
import Foundation

/// The figures of the sample year at an instant, computed from its script alone, by the
/// definitions the report states — not with the store's queries or the report's code.
struct EvaluationExpected {
    struct Item {
        var id: Int64?
        var unit: String
        var source: String
        var created: Date
        /// When it was verified closed, as the ledger keeps it at the end of the walk (a reopened
        /// item has none).
        var closed: Date?
        /// The deadline in force at the end of the walk.
        var deadline: Date
        var referred: Bool
        var deferred: Bool
        var reopened: Bool
        var circular: Date?
        var talk: Date?
        var accountability: Date?
        var first: String?
        var main: String?
        var direct: String?
    }

    struct UnitLine {
        var id: String
        var commitments = CommitmentCounts()
        var duties: [CadenceKind: DutyCounts] = [:]
        var months: [MonthQuota] = []
        var items = ItemCounts()
    }

    var units: [UnitLine] = []
    var items: [Item] = []
    var burndown: [(at: Date, open: Int, overdue: Int)] = []
    var overdue: [Item] = []
    var bySource: [String: (onLedger: Int, closed: Int)] = [:]
    /// (unit, score, rank) by the stated rule.
    var ranking: [(unit: String, score: Double?, rank: Int?)] = []

    init(_ year: EvaluationSampleYear, at t: Date) {
        let s = sampleTime("2026-01-01 00:00")
        let day: TimeInterval = 86_400
        let scope = year.units.filter { $0.created <= t && ($0.removed.map { $0 >= s } ?? true) }.sorted {
            $0.id < $1.id
        }

        // Items of the script, with their stages.
        for spec in year.items {
            let d = spec.deadline
            var closed: Date?
            var deadline = d
            var referred = false
            var deferred = false
            var reopened = false
            var resolved: Date?  // when round 0 stopped escalating
            var round1: (deadline: Date, flagged: Bool, until: Date?)?
            let flagged = spec.source == .superiorCircular
            switch spec.fate {
            case .onTime:
                closed = d.addingTimeInterval(-2 * day)
            case .late(let days):
                closed = d.addingTimeInterval(Double(days) * day + 10 * 3600)
            case .deferClose:
                closed = d.addingTimeInterval(18 * day)
                deadline = d.addingTimeInterval(20 * day)
                deferred = true
                resolved = d.addingTimeInterval(-5 * day)
                round1 = (deadline, false, closed)
            case .deferOpen:
                deadline = d.addingTimeInterval(20 * day)
                deferred = true
                resolved = d.addingTimeInterval(-5 * day)
                round1 = (deadline, false, nil)
            case .open:
                break
            case .refer:
                referred = true
                resolved = d.addingTimeInterval(-3 * day)
            case .referLate:
                referred = true
                resolved = d.addingTimeInterval(5 * day)
            case .reopen:
                deadline = d.addingTimeInterval(30 * day)
                reopened = true
                resolved = d.addingTimeInterval(-3 * day)
                round1 = (deadline, true, nil)
            case .closeAfterAsOf:
                closed = sampleTime("2026-12-22 10:00")
            case .fixAtOnce:
                closed = spec.created.addingTimeInterval(7200)
            }
            let stop0 = resolved ?? closed
            func reached(_ offset: TimeInterval, _ deadline: Date, _ flagged: Bool, until stop: Date?) -> Date? {
                let at = flagged ? deadline : deadline.addingTimeInterval(offset)
                return stop.map { at < $0 } ?? true ? at : nil
            }
            var levels = [3.0, 7, 14].map { reached($0 * day, d, flagged, until: stop0) }
            if let round1 {
                let later = [3.0, 7, 14].map { reached($0 * day, round1.deadline, round1.flagged, until: round1.until) }
                levels = zip(levels, later).map { $0 ?? $1 }
            }
            items.append(
                Item(
                    id: spec.id, unit: spec.unit, source: spec.source.rawValue, created: spec.created, closed: closed,
                    deadline: deadline, referred: referred, deferred: deferred, reopened: reopened,
                    circular: levels[0], talk: levels[1], accountability: levels[2],
                    first: spec.first.map { $0.hasPrefix("@") ? year.holder(spec.unit, "first", at: t) : $0 }
                        ?? year.holder(spec.unit, "first", at: t),
                    main: spec.main.flatMap { $0.hasPrefix("@") ? year.holder(spec.unit, "main", at: t) : $0 },
                    direct: spec.direct))
        }
        // Items the daemon opened for duties not recorded by their period's end (R3).
        for unit in year.units where unit.parent != nil && year.owesDuties(unit) {
            for duty in year.duties where duty.end <= year.end && unit.exists(before: duty.end) {
                let recorded = year.recorded["\(unit.id)/\(duty.kind.rawValue)/\(duty.period)"]
                guard recorded.map({ $0 > duty.end }) ?? true else { continue }
                let levels = [3.0, 7, 14].map { offset -> Date? in
                    let at = duty.end.addingTimeInterval(offset * day)
                    return recorded.map { at < $0 } ?? true ? at : nil
                }
                items.append(
                    Item(
                        id: nil, unit: unit.id, source: ItemSource.missedDuty.rawValue, created: duty.end,
                        closed: recorded,
                        deadline: duty.end, referred: false, deferred: false, reopened: false, circular: levels[0],
                        talk: levels[1], accountability: levels[2],
                        first: year.holder(unit.parent!, "first", at: duty.end), main: nil, direct: nil))
            }
        }

        func isOpen(_ item: Item, at instant: Date) -> Bool { item.closed.map { $0 > instant } ?? true }
        func isOverdue(_ item: Item, at instant: Date) -> Bool {
            isOpen(item, at: instant) && !item.referred && item.deadline <= instant
        }
        let inScope = items.filter { $0.created <= t && ($0.created >= s || isOpen($0, at: s)) }

        for unit in scope {
            var line = UnitLine(id: unit.id)
            // Commitments: made by the instant, by their latest evaluation by then.
            for c in year.commitments where c.unit == unit.id && c.created <= t {
                line.commitments.made += 1
                switch c.evaluations.last(where: { $0.at <= t })?.status {
                case .fulfilled?: line.commitments.fulfilled += 1
                case .partial?: line.commitments.partial += 1
                case .unfulfilled?: line.commitments.unfulfilled += 1
                case nil: break
                }
            }
            // Duties: every period has fired by the instant; due once ended, or held.
            if unit.parent != nil && year.owesDuties(unit) {
                for duty in year.duties where unit.exists(before: duty.end) {
                    let recorded = year.recorded["\(unit.id)/\(duty.kind.rawValue)/\(duty.period)"].flatMap {
                        $0 <= t ? $0 : nil
                    }
                    guard duty.end <= t || recorded != nil else { continue }
                    var counts = line.duties[duty.kind] ?? DutyCounts(kind: duty.kind)
                    counts.due += 1
                    if let recorded {
                        counts.held += 1
                        if recorded > duty.end { counts.heldLate += 1 }
                    }
                    line.duties[duty.kind] = counts
                }
            }
            // Information reports by month.
            for month in 1...12 {
                let key = "2026-" + (month < 10 ? "0\(month)" : "\(month)")
                let first = sampleTime("\(key)-01 00:00")
                let next =
                    month == 12
                    ? sampleTime("2027-01-01 00:00")
                    : sampleTime("2026-\(month + 1 < 10 ? "0" : "")\(month + 1)-01 00:00")
                let submitted = year.reports.filter { $0.unit == unit.id && $0.month == key && $0.at <= t }.reduce(0) {
                    $0 + $1.count
                }
                let q = unit.monthlyQuota
                let state: QuotaState =
                    first > t
                    ? .future
                    : (q == 0 || !unit.exists(before: next))
                        ? .notRequired
                        : submitted >= q ? .met : next <= t ? .short : .pending
                line.months.append(
                    MonthQuota(month: PeriodKey(rawValue: key), submitted: submitted, required: q, state: state))
            }
            // Items.
            for item in inScope where item.unit == unit.id {
                var c = line.items
                if item.created < s { c.carriedOver += 1 } else { c.opened += 1 }
                if let closed = item.closed, closed <= t {
                    if closed <= item.deadline { c.closedOnTime += 1 } else { c.closedLate += 1 }
                } else {
                    c.open += 1
                }
                if isOverdue(item, at: t) { c.overdue += 1 }
                if item.deferred { c.deferred += 1 }
                if item.referred { c.referred += 1 }
                if item.reopened { c.reopened += 1 }
                if let at = item.circular, at <= t { c.escalated += 1 }
                if let at = item.accountability, at <= t { c.accountability += 1 }
                line.items = c
            }
            units.append(line)
        }
        for item in inScope where scope.contains(where: { $0.id == item.unit }) {
            var counts = bySource[item.source] ?? (0, 0)
            counts.onLedger += 1
            if let closed = item.closed, closed <= t { counts.closed += 1 }
            bySource[item.source] = counts
        }

        // Burn-down: the start, each month's end by the instant, and the instant.
        var samples = [s]
        for month in 2...13 {
            let next =
                month == 13
                ? sampleTime("2027-01-01 00:00") : sampleTime("2026-\(month < 10 ? "0" : "")\(month)-01 00:00")
            if next <= t { samples.append(next) }
        }
        if samples.last != t { samples.append(t) }
        burndown = samples.map { at in
            let live = items.filter { $0.created <= at && isOpen($0, at: at) }
            return (at, live.count, live.filter { isOverdue($0, at: at) }.count)
        }

        overdue = items.filter { $0.created <= t && isOverdue($0, at: t) }

        // The ranking rule, as the report states it.
        var scored: [(unit: String, score: Double?, tenths: Int?, overdue: Int, accountability: Bool)] = []
        for line in units {
            var parts: [(weight: Double, ratio: Double)] = []
            if line.commitments.made > 0 {
                parts.append((30, Double(line.commitments.fulfilled) / Double(line.commitments.made)))
            }
            let due = line.duties.values.reduce(0) { $0 + $1.due }
            if due > 0 { parts.append((25, Double(line.duties.values.reduce(0) { $0 + $1.held }) / Double(due))) }
            let judged = line.months.filter { $0.state == .met || $0.state == .short }.count
            if judged > 0 { parts.append((15, Double(line.months.filter { $0.state == .met }.count) / Double(judged))) }
            let decided = line.items.closedOnTime + line.items.closedLate + line.items.overdue
            if decided > 0 { parts.append((30, Double(line.items.closedOnTime) / Double(decided))) }
            let score =
                parts.isEmpty
                ? nil : 100 * parts.reduce(0) { $0 + $1.weight * $1.ratio } / parts.reduce(0) { $0 + $1.weight }
            let spec = year.units.first { $0.id == line.id }!
            let ranked = spec.parent != nil && (spec.removed.map { $0 > t } ?? true)
            scored.append(
                (
                    line.id, score, ranked ? score.map { Int(($0 * 10).rounded()) } : nil, line.items.overdue,
                    line.items.accountability > 0
                ))
        }
        scored.sort { a, b in
            guard let x = a.tenths, let y = b.tenths else {
                return a.tenths == nil && b.tenths == nil ? a.unit < b.unit : a.tenths != nil
            }
            // A unit with an item at accountability after every unit without one.
            if a.accountability != b.accountability { return b.accountability }
            if x != y { return x > y }
            if a.overdue != b.overdue { return a.overdue < b.overdue }
            return a.unit < b.unit
        }
        ranking = scored.enumerated().map { ($1.unit, $1.score, $1.tenths == nil ? nil : $0 + 1) }
    }
}
