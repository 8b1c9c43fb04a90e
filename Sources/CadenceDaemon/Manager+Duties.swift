import CadenceConfiguration
import CadenceCore
import CadenceStore
import Foundation
import Logging

extension Manager {
    /// The cadences whose periods are checked at their end: duties recorded per unit, and report quotas.
    var dutyCadences: [Cadence] {
        configuration.cadences.filter { $0.kind.requiresRecord || $0.kind == .quotaCheck }
    }

    /// The earliest end of a period whose duty check is still owed.
    func nextDutyCheck() throws -> Date? {
        let cadences = dutyCadences
        return try store.uncheckedDuties(cadences: cadences.map(\.name)).compactMap { duty in
            duty.period.end(in: configuration.timeZone)
        }.min()
    }

    /// At the end of each period in which a duty cadence fired: a unit without its review,
    /// inspection, appraisal or evaluation recorded gets an overdue item (R3); a month's report
    /// counts are checked against the quotas and the shortfall announced (R9). Each check is
    /// recorded with what it produced in one transaction, so it happens once per period.
    func processDuties(at now: Date) throws -> [Notice] {
        let cadences = dutyCadences
        let zone = configuration.timeZone
        var stored: [Notice] = []
        for (name, period) in try store.uncheckedDuties(cadences: cadences.map(\.name)) {
            guard let cadence = cadences.first(where: { $0.name == name }), let end = period.end(in: zone), end <= now
            else { continue }
            let late = now.timeIntervalSince(end) > Self.lateAfter
            if cadence.kind == .quotaCheck {
                let lines = try store.quota(month: period, createdBefore: end)
                let short = lines.filter(\.short)
                var notice =
                    lines.isEmpty
                    ? nil
                    : text.render(
                        Notice(
                            key: "quota/\(name)/\(period)", kind: .quotaShortfall, dueAt: end, emittedAt: now,
                            cadence: name, periods: [period.rawValue], late: late),
                        description: cadence.description,
                        extra: [
                            "count": String(short.count),
                            "shortfalls": short.isEmpty
                                ? "-"
                                : short.map { "- \($0.unit) \($0.name): \($0.submitted)/\($0.required)" }
                                    .joined(separator: "\n"),
                        ])
                if !short.isEmpty { notice?.units = short.map(\.unit) }
                if let result = try store.recordDutyCheck(
                    cadence: name, period: period, items: [], notice: notice, schedule: items, at: now),
                    let notice = result.notice
                {
                    stored.append(notice)
                }
            } else {
                let missing = try store.unitsMissing(
                    cadence: cadence.name, kind: cadence.kind, period: period, existingBefore: end,
                    owedBy: cadence.units)
                let opened = try missing.compactMap { try missedDutyItem(cadence, unit: $0, period: period) }
                if let result = try store.recordDutyCheck(
                    cadence: name, period: period, items: opened, notice: nil, schedule: items, at: now),
                    result.items > 0
                {
                    logger.notice(
                        "\(name) \(period): \(result.items) units without it recorded; overdue items opened",
                        metadata: ["cadence": "\(name)", "period": "\(period)", "items": "\(result.items)"])
                }
            }
        }
        delivery.stored(stored.map(\.key))
        return stored
    }

    /// The overdue item a unit gets when it has no record of `cadence`'s duty in `period`; nil when
    /// the unit owes no such duty (no parent to review it, or not of a kind in `Units=`).
    func missedDutyItem(_ cadence: Cadence, unit: UnitRecord, period: PeriodKey) throws -> NewItem? {
        guard let parent = unit.parent, let end = period.end(in: configuration.timeZone) else { return nil }
        if let kinds = cadence.units, !kinds.contains(where: { $0.rawValue == unit.kind }) { return nil }
        let reviewer = try store.holder(unit: parent, role: .first, at: end)
        let parentName = try store.unit(parent)?.name ?? parent
        return NewItem(
            unit: unit.id, title: text.missedDuty(description: cadence.description, period: period.rawValue),
            deadline: end, source: .missedDuty, first: reviewer ?? parentName,
            origin: LedgerStore.missedDutyOrigin(unit: unit.id, cadence: cadence.name, period: period),
            // Due at the end of the period's last day: that day is its date.
            deadlineDate: period.days.map { LocalDate(dayNumber: $0.end.dayNumber - 1).description })
    }
}
