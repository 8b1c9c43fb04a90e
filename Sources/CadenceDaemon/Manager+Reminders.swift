import CadenceConfiguration
import CadenceCore
import CadenceStore
import Foundation

extension Manager {
    /// One reminder per unit under the top of the tree (R1, R2): its commitments of `year` not yet
    /// honoured with their last evaluation, or that it has recorded none; to its liaison.
    func commitmentReminders(_ cadence: Cadence, occurrence: Occurrence, year: Int, at now: Date) throws -> [Notice] {
        let commitments = Dictionary(
            grouping: try store.commitments(unit: nil, year: year, limit: 1_000_000), by: \.unit)
        return try store.units().filter { $0.parent != nil || commitments[$0.id] != nil }.map { unit in
            let (summary, lines) = text.unitReminder(year: year, commitments: commitments[unit.id] ?? [])
            var notice = Notice(
                key: "reminder/\(cadence.name)/\(occurrence.period)/\(unit.id)", kind: .commitmentReminder,
                dueAt: occurrence.effective, emittedAt: now, cadence: cadence.name,
                periods: [occurrence.period.rawValue], unit: unit.id,
                late: now.timeIntervalSince(occurrence.effective) > Self.lateAfter)
            notice.unitName = unit.name
            return text.render(notice, description: cadence.description, extra: ["summary": summary, "lines": lines])
        }
    }

    /// By when a complaint recorded at `recordedAt` is answered (`ComplaintReplyDays=` working days
    /// on, at `DeadlineTime=`); nil for another source or with no reply deadline configured.
    /// Counted in the working days of `unit` (its regional holiday file, if it keeps one).
    func replyDue(source: ItemSource, recordedAt: Date, unit: String) -> Date? {
        let days = configuration.daemon.complaintReplyDays
        guard source == .complaint, days > 0 else { return nil }
        let zone = configuration.timeZone
        let calendar =
            (configuration.regionalWorkingDays.isEmpty ? nil : try? store.unit(unit)?.holidays)
            .flatMap { configuration.regionalWorkingDays[$0] } ?? configuration.workingDays
        let day = calendar.adding(workingDays: days, to: LocalDay.of(recordedAt, in: zone))
        return LocalDay.instant(day, secondsOfDay: configuration.daemon.deadlineTimeOfDay, in: zone)
    }
}
