import CadenceConfiguration
import CadenceCore
import CadenceStore
import Foundation

extension Manager {
    /// When a count is checked on `day`: at the day's end, `DeadlineTime=`, as a deadline typed
    /// as a date.
    func checkInstant(_ day: LocalDate) -> Date {
        LocalDay.instant(day, secondsOfDay: configuration.daemon.deadlineTimeOfDay, in: configuration.timeZone)
    }

    /// The checks of yearly quotas and ranges still to make: at each `CheckOn=` day (and a quota's
    /// year end) after the plan was first in force, not made yet.
    func pendingCountChecks(at now: Date) throws -> [(
        plan: CampaignPlan, rule: CountRule, day: LocalDate, key: String, at: Date
    )] {
        var pending: [(CampaignPlan, CountRule, LocalDate, String, Date)] = []
        for plan in configuration.plans where !plan.counts.isEmpty {
            let since = try store.planInForce(plan.name, since: now)
            let made = try store.noticeKeys(prefix: "plan/\(plan.name)/")
            for rule in plan.counts {
                for day in rule.checkDays {
                    let key = "plan/\(plan.name)/\(rule.name)/check-\(day)"
                    let at = checkInstant(day)
                    if at >= since, !made.contains(key) { pending.append((plan, rule, day, key, at)) }
                }
            }
        }
        return pending
    }

    /// A check's notice: every unit (or person) outside its count, to the liaisons of the units
    /// concerned; said also when all are within, for the record.
    func countCheckNotice(
        _ plan: CampaignPlan, _ rule: CountRule, day: LocalDate, key: String, at: Date, now: Date
    ) throws -> Notice {
        let (subjects, _, findings) = try store.countState(plan: plan.name, rule, at: at, through: day)
        var notice = Notice(
            key: key, kind: rule.kind == .quota ? .yearlyQuota : .rangeCheck, dueAt: at, emittedAt: now,
            late: now.timeIntervalSince(at) > Self.lateAfter)
        notice.units = Self.unique(findings.compactMap(\.subject.unit))
        notice.fields = ["PLAN": plan.name, "RULE": rule.name]
        let zh = text.language == .zh
        return text.render(
            notice,
            extra: [
                "plan": plan.description, "rule": rule.name, "year": rule.year.map(String.init) ?? "",
                "day": day.description, "bounds": text.countBounds(rule),
                "subject": zh ? "\(day) 检查" : "check of \(day)",
                "status": text.countStatus(findings, checked: subjects.count, people: rule.role != nil),
            ])
    }

    /// The range warnings the data calls for now: each unit or person outside a range with a
    /// count not warned of yet (a count that changes again is warned of again).
    func pendingRangeWarnings(at now: Date) throws -> [Notice] {
        var notices: [Notice] = []
        for plan in configuration.plans {
            let rules = plan.counts.filter { $0.kind == .range }
            guard !rules.isEmpty else { continue }
            _ = try store.planInForce(plan.name, since: now)
            let given = try store.noticeKeys(prefix: "plan/\(plan.name)/")
            for rule in rules {
                let today = LocalDay.of(now, in: configuration.timeZone)
                for finding in try store.countState(plan: plan.name, rule, at: now, through: today).findings {
                    let key = "plan/\(plan.name)/\(rule.name)/\(finding.subject.id)/\(finding.count)"
                    guard !given.contains(key) else { continue }
                    var notice = Notice(key: key, kind: .rangeCheck, dueAt: now, emittedAt: now, late: false)
                    notice.units = finding.subject.unit.map { [$0] } ?? []
                    notice.fields = ["PLAN": plan.name, "RULE": rule.name]
                    notices.append(
                        text.render(
                            notice,
                            extra: [
                                "plan": plan.description, "rule": rule.name, "bounds": text.countBounds(rule),
                                "subject": finding.subject.name, "status": text.countFinding(finding),
                            ]))
                }
            }
        }
        return notices
    }

    /// Makes the quota and range checks due by `now`, and warns of ranges the data has left.
    func processCounts(at now: Date) throws -> [Notice] {
        var stored: [Notice] = []
        for (plan, rule, day, key, at) in try pendingCountChecks(at: now) where at <= now {
            if let notice = try store.record(
                notice: countCheckNotice(plan, rule, day: day, key: key, at: at, now: now))
            {
                stored.append(notice)
            }
        }
        for notice in try pendingRangeWarnings(at: now) {
            if let notice = try store.record(notice: notice) { stored.append(notice) }
        }
        return stored
    }

    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}
