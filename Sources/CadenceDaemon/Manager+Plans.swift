import CadenceConfiguration
import CadenceCore
import CadenceStore
import Foundation
import Logging

extension Manager {
    /// The instant a plan event is announced: midnight (local) of its day.
    func instant(of event: CampaignPlan.Event) -> Date {
        LocalDay.instant(event.day, secondsOfDay: 0, in: configuration.timeZone)
    }

    /// The plan events still to announce: those not announced yet that came after the plan was
    /// first in force (a plan added in its third phase announces no earlier start or end).
    func pendingPlanEvents(at now: Date) throws -> [(plan: CampaignPlan, event: CampaignPlan.Event, at: Date)] {
        var pending: [(CampaignPlan, CampaignPlan.Event, Date)] = []
        for plan in configuration.plans {
            let since = try store.planInForce(plan.name, since: now)
            let announced = try store.noticeKeys(prefix: "plan/\(plan.name)/")
            for event in plan.events where !announced.contains(event.key) {
                let at = instant(of: event)
                if at >= since { pending.append((plan, event, at)) }
            }
        }
        return pending
    }

    /// When a deliverable falls due: its due day at `DeadlineTime=`, as a deadline typed as a date.
    func dueInstant(of deliverable: CampaignPlan.Deliverable) -> Date {
        LocalDay.instant(
            deliverable.due.last, secondsOfDay: configuration.daemon.deadlineTimeOfDay, in: configuration.timeZone)
    }

    /// The deliverables whose check at their due day is still to do: those due after the plan
    /// was first in force and not checked yet.
    func pendingHandInChecks(at now: Date) throws -> [(
        plan: CampaignPlan, deliverable: CampaignPlan.Deliverable, at: Date
    )] {
        var pending: [(CampaignPlan, CampaignPlan.Deliverable, Date)] = []
        for plan in configuration.plans {
            let since = try store.planInForce(plan.name, since: now)
            for deliverable in plan.deliverables {
                let at = dueInstant(of: deliverable)
                if at >= since, try !store.handInChecked(plan: plan.name, deliverable: deliverable.name) {
                    pending.append((plan, deliverable, at))
                }
            }
        }
        return pending
    }

    /// The warnings still to give of deliverables falling due (`WarnBeforeSec=` ahead of each due
    /// instant, as for items): after the plan was first in force, before the due instant, not
    /// given yet, and no nearer one given or due.
    func pendingDeliverableWarnings(at now: Date) throws -> [(
        plan: CampaignPlan, deliverable: CampaignPlan.Deliverable, key: String, at: Date, due: Date
    )] {
        var pending: [(CampaignPlan, CampaignPlan.Deliverable, String, Date, Date)] = []
        for plan in configuration.plans where !plan.deliverables.isEmpty {
            let since = try store.planInForce(plan.name, since: now)
            let given = try store.noticeKeys(prefix: "plan/\(plan.name)/")
            for deliverable in plan.deliverables {
                let due = dueInstant(of: deliverable)
                guard due > now else { continue }
                // After downtime only the warning nearest the due day is given: the earlier ones
                // would say less, later.
                var superseded = false
                for seconds in Set(items.warnBefore.map(\.components.seconds)).sorted() {
                    let key = "plan/\(plan.name)/\(deliverable.name)/warn-\(seconds)"
                    let at = due.addingTimeInterval(-Double(seconds))
                    if !superseded, at >= since, !given.contains(key) {
                        pending.append((plan, deliverable, key, at, due))
                    }
                    if given.contains(key) || at <= now { superseded = true }
                }
            }
        }
        return pending
    }

    /// A deliverable's warning: due when, and who owes it and has not handed it in (to those
    /// units' liaisons).
    func deliverableWarning(
        _ plan: CampaignPlan, _ deliverable: CampaignPlan.Deliverable, key: String, at: Date, due: Date, now: Date
    ) throws -> Notice {
        let owing = try store.unitsOwing(kinds: deliverable.unitKinds, existingBefore: due)
        let done = Set(try store.handIns(plan: plan.name).filter { $0.deliverable == deliverable.name }.map(\.unit))
        let missing = owing.filter { !done.contains($0.id) }
        var notice = Notice(
            key: key, kind: .deliverableDue, dueAt: at, emittedAt: now,
            late: now.timeIntervalSince(at) > Self.lateAfter,
            deadline: due)
        notice.deadlineDate = deliverable.due.last.description
        notice.units = missing.map(\.id)
        notice.fields = ["PLAN": plan.name, "DELIVERABLE": deliverable.name]
        return text.render(
            notice,
            extra: [
                "plan": plan.description, "deliverable": deliverable.name, "due_text": deliverable.due.text,
                "status": text.handInStatus(
                    handedIn: owing.count - missing.count, owing: owing.count, missing: missing.map(\.name)),
            ])
    }

    /// Announces each phase start and end due by `now` (R5), once: the start with the phase's
    /// deliverables and their due days, the end with what was handed in. At a deliverable's due
    /// day, each unit that owes it and has not handed it in gets a missed-duty item (R6), which
    /// is overdue at once and escalates like any other; handing it in closes the item.
    func processPlans(at now: Date) throws -> [Notice] {
        guard !configuration.plans.isEmpty else { return [] }
        for (plan, deliverable, at) in try pendingHandInChecks(at: now) where at <= now {
            try checkHandIns(plan, deliverable, due: at, now: now)
        }
        var stored: [Notice] = []
        for (plan, deliverable, key, at, due) in try pendingDeliverableWarnings(at: now) where at <= now {
            let notice = try deliverableWarning(plan, deliverable, key: key, at: at, due: due, now: now)
            if let notice = try store.record(notice: notice) { stored.append(notice) }
        }
        for (plan, event, at) in try pendingPlanEvents(at: now) where at <= now {
            if let notice = try store.record(notice: phaseNotice(plan, event, at: at, now: now)) {
                stored.append(notice)
            }
        }
        stored += try processCounts(at: now)
        delivery.stored(stored)
        return stored
    }

    /// Opens a missed-duty item for each unit owing `deliverable` without having handed it in,
    /// answered by its parent's first responsible person; recorded once with the check.
    func checkHandIns(_ plan: CampaignPlan, _ deliverable: CampaignPlan.Deliverable, due: Date, now: Date) throws {
        let handedIn = Set(try store.handIns(plan: plan.name).filter { $0.deliverable == deliverable.name }.map(\.unit))
        var opened: [NewItem] = []
        for unit in try store.unitsOwing(kinds: deliverable.unitKinds, existingBefore: due)
        where !handedIn.contains(unit.id) {
            guard let parent = unit.parent else { continue }
            let reviewer = try store.holder(unit: parent, role: .first, at: due)
            opened.append(
                NewItem(
                    unit: unit.id,
                    title: text.missedDeliverable(plan: plan.description, deliverable: deliverable.name),
                    deadline: due, source: .missedDuty, first: try reviewer ?? store.unit(parent)?.name ?? parent,
                    origin: LedgerStore.handInOrigin(plan: plan.name, deliverable: deliverable.name, unit: unit.id),
                    deadlineDate: deliverable.due.last.description))
        }
        if let result = try store.recordDutyCheck(
            cadence: "plan/" + plan.name, period: PeriodKey(rawValue: deliverable.name), items: opened, notice: nil,
            schedule: itemSchedule, at: now), result.items > 0
        {
            logger.notice(
                "\(plan.name) \(deliverable.name): \(result.items) units have not handed it in; overdue items opened",
                metadata: ["plan": "\(plan.name)", "deliverable": "\(deliverable.name)", "items": "\(result.items)"])
        }
    }

    /// The next phase start or end to announce, or deliverable to check, after `now`.
    func nextPlanEvent(after now: Date) throws -> Date? {
        guard !configuration.plans.isEmpty else { return nil }
        let events =
            try pendingPlanEvents(at: now).map(\.at) + pendingHandInChecks(at: now).map(\.at)
            + pendingDeliverableWarnings(at: now).map(\.at) + pendingCountChecks(at: now).map(\.at)
        return events.filter { $0 > now }.min()
    }

    /// What a phase's end says of each of its deliverables: how many units owing it handed it in,
    /// and which did not.
    func handInSummary(_ plan: CampaignPlan, phase: String, at: Date) throws -> String {
        var lines: [(deliverable: CampaignPlan.Deliverable, handedIn: Int, owing: Int, missing: [String])] = []
        let handIns = try store.handIns(plan: plan.name)
        for deliverable in plan.deliverables(of: phase) {
            let owing = try store.unitsOwing(kinds: deliverable.unitKinds, existingBefore: dueInstant(of: deliverable))
            let done = Set(handIns.filter { $0.deliverable == deliverable.name }.map(\.unit))
            lines.append(
                (
                    deliverable, owing.filter { done.contains($0.id) }.count, owing.count,
                    owing.filter { !done.contains($0.id) }.map(\.name)
                ))
        }
        return text.handInLines(lines)
    }

    func phaseNotice(_ plan: CampaignPlan, _ event: CampaignPlan.Event, at: Date, now: Date) -> Notice {
        let phase = event.phase
        var notice = Notice(
            key: event.key, kind: event.kind == .start ? .phaseStart : .phaseEnd, dueAt: at, emittedAt: now,
            late: now.timeIntervalSince(at) > Self.lateAfter)
        notice.fields = ["PLAN": plan.name, "PHASE": phase.name]
        return text.render(
            notice,
            extra: [
                "plan": plan.description, "phase": phase.name, "start": phase.start.text, "end": phase.end.text,
                "phase_description": text.phaseDescription(phase.description),
                "deliverables": event.kind == .start
                    ? text.deliverableLines(plan.deliverables(of: phase.name))
                    : (try? handInSummary(plan, phase: phase.name, at: at)) ?? "",
            ])
    }
}
