public import CadenceConfiguration
public import CadenceCore
import CadenceStore
import Foundation
import Logging

/// The rectification items' side of the manager: their schedule (with each regional holiday
/// file's) and the stages that fall due.
extension Manager {
    /// Items already in the ledger follow a changed ladder or reminders too.
    func replanItems() {
        do {
            let count = try store.replanItems(schedule: itemSchedule)
            if count > 0 { logger.notice("Planned the next stage of \(count) items again under the changed schedule") }
        } catch {
            logger.error("The items' next stages could not be planned again: \(error)")
        }
    }

    /// The item schedule of the configuration, with one for each regional holiday file.
    static func itemSchedule(_ configuration: LoadedConfiguration) -> ItemSchedule {
        var schedule = itemSchedule(configuration, calendar: configuration.workingDays)
        for (name, calendar) in configuration.regionalWorkingDays {
            schedule.regional[name] = itemSchedule(configuration, calendar: calendar)
        }
        return schedule
    }

    static func itemSchedule(_ configuration: LoadedConfiguration, calendar: WorkingDayCalendar) -> ItemSchedule {
        let daemon = configuration.daemon
        return ItemSchedule(
            warnBefore: daemon.warnBefore, circularAfter: daemon.circularAfter, talkAfter: daemon.talkAfter,
            accountabilityAfter: daemon.accountabilityAfter,
            talkLimit: daemon.talkTimeLimitDays.map {
                ItemSchedule.TalkLimit(
                    workingDays: $0, calendar: calendar, zone: configuration.timeZone,
                    secondsOfDay: daemon.deadlineTimeOfDay)
            },
            reminders: daemon.remindOverdueEveryDays.map {
                ItemSchedule.Reminders(
                    workingDays: $0, calendar: calendar, zone: configuration.timeZone)
            })
    }

    /// The item schedule in force (for adding items), with the units' regional holiday files as
    /// the ledger has them now.
    public var itemSchedule: ItemSchedule {
        var schedule = items
        if !schedule.regional.isEmpty {
            do { schedule.unitScopes = try store.unitHolidayScopes() } catch {
                logger.error("The units' regional holidays could not be read: \(error)")
            }
        }
        return schedule
    }

    /// An item's responsible people by name (`{responsible}`, `{accountable}`): the holder of a role
    /// named as `@first`, a directory person by name; a role nobody holds is left out.
    /// Also returns those names, for a sink that masks them.
    func people(of item: RectificationItem) -> (extra: [String: String], names: [String]) {
        func name(_ person: String?, _ given: String?) -> String? {
            guard let who = person ?? given.flatMap({ $0.hasPrefix("@") ? nil : $0 }) else { return nil }
            return personNames[who] ?? who
        }
        let (first, main, direct) = (
            name(item.firstPerson, item.first), name(item.mainPerson, item.main), name(item.directPerson, item.direct)
        )
        let extra = [
            "responsible": text.responsibleLine(first: first, main: main, direct: direct),
            "accountable": text.accountableLine(
                unit: unitNames[item.unit] ?? item.unit, first: first, main: main, direct: direct),
        ]
        return (extra, [first, main, direct].compactMap { $0 })
    }

    /// Records the stages due at `now` of at most `limit` items (the earliest due first).
    func processItems(at now: Date, limit: Int = .max) throws -> [Notice] {
        var stored: [Notice] = []
        if try store.nextItemEvent().map({ $0 <= now }) == true {
            unitNames = Dictionary(
                try store.units(includeRemoved: true).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            personNames = Dictionary(
                try store.persons(includeRemoved: true).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            items = itemSchedule
        }
        var left = limit
        while left > 0 {
            let due = try store.itemsDue(at: now, limit: min(left, 500))
            if due.isEmpty { break }
            left -= due.count
            var batch: [(item: Int64, round: Int, stages: [(stage: ItemStage, notice: Notice?)], nextEventAt: Date?)] =
                []
            for item in due {
                let schedule = items.forUnit(item.unit)
                var (announce, silent) = schedule.due(
                    deadline: item.deadline, flagged: item.flagged, recorded: item.recordedStages, at: now)
                // Claimed rectified, the item waits for its verifier: no reminder that it is overdue.
                if item.state == .rectified {
                    silent += announce.filter(\.isReminder)
                    announce.removeAll(where: \.isReminder)
                }
                var records: [(stage: ItemStage, notice: Notice?)] = silent.map { ($0, nil) }
                for stage in announce {
                    let at =
                        schedule.instant(of: stage, deadline: item.deadline, flagged: item.flagged) ?? item.deadline
                    var (extra, names) = people(of: item)
                    if stage.isReminder { extra["late"] = text.reminderMark }
                    extra["time_limit"] = ""
                    if stage == .escalation(.talk),
                        let limit = schedule.timeLimit(deadline: item.deadline, flagged: item.flagged)
                    {
                        extra["time_limit"] = text.timeLimitLine(limit)
                    }
                    var notice = text.render(itemNotice(item, stage: stage, at: at, now: now), extra: extra)
                    if !names.isEmpty { notice.names = names }
                    records.append((stage, notice))
                }
                var recorded = item.recordedStages
                for (stage, _) in records { recorded.insert(stage) }
                batch.append(
                    (
                        item.id, item.round, records,
                        schedule.nextEvent(deadline: item.deadline, flagged: item.flagged, recorded: recorded)
                    ))
            }
            stored += try store.record(items: batch, at: now)
        }
        delivery.stored(stored)
        return stored
    }

    func itemNotice(_ item: RectificationItem, stage: ItemStage, at: Date, now: Date) -> Notice {
        let kind: NoticeKind
        var level: EscalationLevel?
        switch stage {
        case .warning: kind = .deadlineWarning
        case .overdue: kind = .overdue
        case .escalation(let l):
            kind = l == .accountability ? .accountability : .escalation
            level = l
        case .reminder: kind = .overdue
        }
        let overdueDays = item.deadline <= now ? Int(now.timeIntervalSince(item.deadline) / 86_400) : nil
        var notice = Notice(
            key: "item/\(item.id)/\(stage.stored(round: item.round))", kind: kind,
            dueAt: stage == .overdue ? item.deadline : at, emittedAt: now,
            unit: item.unit, item: item.id, title: item.title, level: level,
            late: now.timeIntervalSince(at) > Self.lateAfter, overdueDays: overdueDays, deadline: item.deadline)
        notice.deadlineDate = item.deadlineDate
        notice.unitName = unitNames[item.unit]
        // The day it is due, as the office reads it: the date typed, else the instant's local date.
        notice.fields = [
            "DUE_DATE": item.deadlineDate
                ?? LocalDay.of(item.deadline.addingTimeInterval(-0.000_001), in: configuration.timeZone).description
        ]
        return notice
    }
}
