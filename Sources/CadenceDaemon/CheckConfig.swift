public import CadenceConfiguration
import CadenceCore
public import Foundation

/// What `cadenced --check-config` prints: each cadence's next occurrence.
public enum CheckConfig {
    public static func lines(_ configuration: LoadedConfiguration, at instant: Date) -> [String] {
        let zone = configuration.timeZone
        return configuration.cadences.map { cadence in
            guard let next = cadence.nextOccurrence(after: instant, zone: zone, workingDays: configuration.workingDays)
            else { return "\(cadence.name): never fires again" }
            var line =
                "\(cadence.name) (\(cadence.kind.rawValue), period \(next.period)): "
                + LocalTimeText.format(next.effective, zone: zone)
            if next.isShifted { line += " (moved from \(LocalTimeText.format(next.nominal, zone: zone)))" }
            return line
        }
    }
}
