public import CadenceCore
public import Foundation

/// The next occurrence of every cadence: what the daemon waits for.
///
/// Pure: it is given the configuration and instants, and answers which occurrences come next and
/// which are due, so tests drive months in milliseconds.
public struct Schedule: Sendable {
    public private(set) var configuration: LoadedConfiguration
    /// The next occurrence of each cadence after the last instant the schedule was advanced to,
    /// earliest first; a cadence that never fires again has none.
    public private(set) var upcoming: [Occurrence] = []

    /// A schedule whose occurrences all come after `instant`.
    public init(configuration: LoadedConfiguration, after instant: Date) {
        self.configuration = configuration
        upcoming = configuration.cadences.compactMap { next(for: $0, after: instant) }.sorted(by: Self.order)
    }

    /// When the daemon must wake next, or nil when no cadence fires again.
    public var nextWake: Date? { upcoming.first?.effective }

    /// Takes out every occurrence due at `now` (effective instant not after it), replacing each by
    /// its cadence's following occurrence, and returns them in order.
    public mutating func takeDue(at now: Date) -> [Occurrence] {
        var due: [Occurrence] = []
        while let first = upcoming.first, first.effective <= now {
            upcoming.removeFirst()
            due.append(first)
            if let cadence = configuration.cadences.first(where: { $0.name == first.cadence }),
                let following = next(for: cadence, after: first.effective)
            {
                upcoming.append(following)
                upcoming.sort(by: Self.order)
            }
        }
        return due
    }

    private func next(for cadence: Cadence, after instant: Date) -> Occurrence? {
        cadence.nextOccurrence(after: instant, zone: configuration.timeZone, workingDays: configuration.workingDays)
    }

    private static func order(_ a: Occurrence, _ b: Occurrence) -> Bool {
        (a.effective, a.cadence) < (b.effective, b.cadence)
    }
}

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
