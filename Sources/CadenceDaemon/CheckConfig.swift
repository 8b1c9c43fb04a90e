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
            } else if plan.phase(on: today) == nil {
                parts.append("every phase has ended")
            }
            return "plan \(plan.name) (\(plan.phases.count) phases): " + parts.joined(separator: "; ")
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
