import CadenceConfiguration
import CadenceCore
import CadenceStore
import Foundation

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

    /// Announces each phase start and end due by `now` (R5), once: the start with the phase's
    /// deliverables and their due days, the end with what was due in it.
    func processPlans(at now: Date) throws -> [Notice] {
        guard !configuration.plans.isEmpty else { return [] }
        var stored: [Notice] = []
        for (plan, event, at) in try pendingPlanEvents(at: now) where at <= now {
            if let notice = try store.record(notice: phaseNotice(plan, event, at: at, now: now)) {
                stored.append(notice)
            }
        }
        delivery.stored(stored)
        return stored
    }

    /// The next phase start or end to announce after `now`.
    func nextPlanEvent(after now: Date) throws -> Date? {
        guard !configuration.plans.isEmpty else { return nil }
        return try pendingPlanEvents(at: now).map(\.at).filter { $0 > now }.min()
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
                "deliverables": text.deliverableLines(plan.deliverables(of: phase.name)),
            ])
    }
}
