import CadenceConfiguration
public import CadenceCore
import CadenceStore
import Foundation

extension EvaluationMaker {
    /// The campaign plans with something in `window`'s year: phases overlapping it, deliverables
    /// due in it, quotas of that year; ranges of a plan in the year (a plan of ranges alone, any
    /// year). Deliverables are judged once their due day has ended by ``EvaluationWindow/asOf``,
    /// quotas once their year has, ranges as they stand then.
    public func plans(in window: EvaluationWindow) throws -> [PlanFigures] {
        let zone = configuration.timeZone
        let first = LocalDay.of(window.start, in: zone)
        let last = LocalDay.of(window.end.addingTimeInterval(-1), in: zone)
        let deadline = configuration.daemon.deadlineTimeOfDay
        func ended(_ day: LocalDate) -> Bool {
            LocalDay.instant(day, secondsOfDay: deadline, in: zone) <= window.asOf
        }
        let asOfDay = LocalDay.of(window.asOf, in: zone)
        var plans: [PlanFigures] = []
        for plan in configuration.plans {
            let years = Set(
                plan.phases.flatMap { [$0.start.first.year, $0.end.last.year] } + plan.deliverables.map(\.due.last.year)
                    + plan.counts.compactMap(\.year))
            guard years.isEmpty || (years.min()!...years.max()!).contains(window.year) else { continue }
            let phases = plan.phases.filter { $0.start.first <= last && $0.end.last >= first }.map {
                PlanFigures.Phase(
                    name: $0.name, startText: $0.start.text, endText: $0.end.text, first: $0.start.first,
                    last: $0.end.last)
            }
            let handIns = try store.handIns(plan: plan.name)
            var deliverables: [PlanFigures.Deliverable] = []
            for deliverable in plan.deliverables.sorted(by: { $0.due.last < $1.due.last })
            where (first...last).contains(deliverable.due.last) {
                let due = LocalDay.instant(deliverable.due.last, secondsOfDay: deadline, in: zone)
                let owing = try store.unitsOwing(kinds: deliverable.unitKinds, existingBefore: due).map { unit in
                    (
                        id: unit.id, name: unit.name,
                        handedOn: handIns.first { $0.deliverable == deliverable.name && $0.unit == unit.id }?.handedOn
                    )
                }
                deliverables.append(
                    PlanFigures.Deliverable(
                        name: deliverable.name, dueText: deliverable.due.text, dueDay: deliverable.due.last,
                        judged: ended(deliverable.due.last), owing: owing))
            }
            var counts: [PlanFigures.Count] = []
            for rule in plan.counts where rule.year == nil || rule.year == window.year {
                let yearEnd = rule.year.flatMap { LocalDate(year: $0, month: 12, day: 31) }
                let through = yearEnd.map { min($0, asOfDay) } ?? asOfDay
                let (subjects, values, findings) = try store.countState(
                    plan: plan.name, rule, at: window.asOf, through: through)
                var count = PlanFigures.Count(
                    rule: rule, judged: yearEnd.map(ended) ?? true, subjects: subjects, findings: findings)
                count.counts = values
                counts.append(count)
            }
            guard !phases.isEmpty || !deliverables.isEmpty || !counts.isEmpty else { continue }
            plans.append(
                PlanFigures(
                    name: plan.name, description: plan.description, phases: phases, deliverables: deliverables,
                    counts: counts))
        }
        return plans
    }
}
