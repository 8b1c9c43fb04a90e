import CadenceConfiguration
import CadenceCore
import CadenceStore
import Foundation
import Logging

extension Manager {
    /// The cadences whose periods are checked: duties recorded per unit and report quotas at their
    /// period's end; the commitment call with `RecordWithinDays=` that many working days after it.
    var dutyCadences: [Cadence] {
        configuration.cadences.filter {
            $0.kind.requiresRecord || $0.kind == .quotaCheck || ($0.kind == .commitment && $0.recordWithinDays != nil)
        }
    }

    /// When `cadence`'s check of `period` falls due: at the period's end; for the commitment call,
    /// `RecordWithinDays=` working days after the call's day, at `DeadlineTime=`.
    func checkDue(_ cadence: Cadence, period: PeriodKey) throws -> Date? {
        guard cadence.kind == .commitment, let days = cadence.recordWithinDays else {
            return period.end(in: configuration.timeZone)
        }
        guard let call = try store.occurrences(cadence: cadence.name).first(where: { $0.period == period.rawValue })
        else { return nil }
        let zone = configuration.timeZone
        let day = configuration.workingDays.adding(workingDays: days, to: LocalDay.of(call.effective, in: zone))
        return LocalDay.instant(day, secondsOfDay: configuration.daemon.deadlineTimeOfDay, in: zone)
    }

    /// The earliest instant a duty check still owed falls due.
    func nextDutyCheck() throws -> Date? {
        let cadences = dutyCadences
        return try store.uncheckedDuties(cadences: cadences.map(\.name)).compactMap { duty in
            guard let cadence = cadences.first(where: { $0.name == duty.cadence }) else { return nil }
            return try checkDue(cadence, period: duty.period)
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
            guard let cadence = cadences.first(where: { $0.name == name }),
                let end = try checkDue(cadence, period: period),
                end <= now
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
                    cadence: name, period: period, items: [], notice: notice, schedule: itemSchedule, at: now),
                    let notice = result.notice
                {
                    stored.append(notice)
                }
            } else if cadence.kind == .commitment {
                // The commitment call (R1): a unit under the top with none of the year's recorded by the day.
                let day = LocalDay.of(end.addingTimeInterval(-0.000_001), in: zone)
                let year = Int(period.rawValue.prefix(4)) ?? LocalDay.of(end, in: zone).year
                var opened: [NewItem] = []
                for unit in try store.unitsWithoutCommitments(year: year, existingBefore: end) {
                    guard let parent = unit.parent else { continue }
                    let reviewer = try store.holder(unit: parent, role: .first, at: end)
                    opened.append(
                        NewItem(
                            unit: unit.id,
                            title: text.missedDuty(description: cadence.description, period: String(year)),
                            deadline: end, source: .missedDuty,
                            first: try reviewer ?? store.unit(parent)?.name ?? parent,
                            origin: LedgerStore.missedDutyOrigin(unit: unit.id, cadence: cadence.name, period: period),
                            deadlineDate: day.description))
                }
                if let result = try store.recordDutyCheck(
                    cadence: name, period: period, items: opened, notice: nil, schedule: itemSchedule, at: now),
                    result.items > 0
                {
                    logger.notice(
                        "\(name) \(period): \(result.items) units without commitments recorded; overdue items opened",
                        metadata: ["cadence": "\(name)", "period": "\(period)", "items": "\(result.items)"])
                }
            } else {
                let missing = try store.unitsMissing(
                    cadence: cadence.name, kind: cadence.kind, period: period, existingBefore: end,
                    owedBy: cadence.units)
                let opened = try missing.compactMap { try missedDutyItem(cadence, unit: $0, period: period) }
                if let result = try store.recordDutyCheck(
                    cadence: name, period: period, items: opened, notice: nil, schedule: itemSchedule, at: now),
                    result.items > 0
                {
                    logger.notice(
                        "\(name) \(period): \(result.items) units without it recorded; overdue items opened",
                        metadata: ["cadence": "\(name)", "period": "\(period)", "items": "\(result.items)"])
                }
            }
        }
        delivery.stored(stored)
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
