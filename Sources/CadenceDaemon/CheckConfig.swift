public import CadenceConfiguration
import CadenceCore
public import Foundation

/// What `cadenced --check-config` prints: each cadence's next occurrence, then where each
/// campaign plan stands.
public enum CheckConfig {
    public static func lines(_ configuration: LoadedConfiguration, at instant: Date) -> [String] {
        let zone = configuration.timeZone
        let today = LocalDay.of(instant, in: zone)
        let plans = configuration.plans.map { plan in
            var parts: [String] = []
            if let phase = plan.phase(on: today) {
                parts.append("in phase \(phase.name) (\(phase.start.text) to \(phase.end.text))")
            }
            if let next = plan.phases.first(where: { $0.start.first > today }) {
                parts.append("next phase \(next.name) starts \(next.start.first)")
            } else if plan.phase(on: today) == nil && !plan.phases.isEmpty {
                parts.append("every phase has ended")
            }
            let checks = plan.counts.flatMap { rule in rule.checkDays.map { (rule, $0) } }.filter { $0.1 >= today }
            if let (rule, day) = checks.min(by: { $0.1 < $1.1 }) {
                parts.append("next count check \(rule.name) on \(day)")
            } else if !plan.counts.isEmpty {
                parts.append(
                    plan.counts.contains { $0.kind == .range }
                        ? "ranges checked as the data changes" : "every count checked")
            }
            let quotas = plan.counts.filter { $0.kind == .quota }.count
            var sizes = ["\(plan.phases.count) phases"]
            if quotas > 0 { sizes.append("\(quotas) quotas") }
            if plan.counts.count > quotas { sizes.append("\(plan.counts.count - quotas) ranges") }
            return "plan \(plan.name) (\(sizes.joined(separator: ", "))): " + parts.joined(separator: "; ")
        }
        return configuration.cadences.map { cadence in
            guard let next = cadence.nextOccurrence(after: instant, zone: zone, workingDays: configuration.workingDays)
            else { return "\(cadence.name): never fires again" }
            var line =
                "\(cadence.name) (\(cadence.kind.rawValue), period \(next.period)): "
                + LocalTimeText.format(next.effective, zone: zone)
            if next.isShifted { line += " (moved from \(LocalTimeText.format(next.nominal, zone: zone)))" }
            return line
        } + plans
    }
}
