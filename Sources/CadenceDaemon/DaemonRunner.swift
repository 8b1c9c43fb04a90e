public import CadenceCore
import Dispatch
public import Foundation
public import Logging
import Systemd

#if canImport(Glibc)
    import Glibc
#endif

/// The running daemon: one wall-clock Dispatch timer armed at the earliest next occurrence,
/// signal handling (SIGHUP reloads, SIGTERM and SIGINT stop) and the service-manager protocol.
///
/// Everything runs on one serial queue; the clock is read only here, at the edge.
public final class DaemonRunner: @unchecked Sendable {
    public let configurationDirectory: String
    public let stateDirectory: String
    private let logger: Logger
    private let queue = DispatchQueue(label: "cadenced.main")
    private var schedule: Schedule
    private var timer: DispatchSourceTimer?
    private var signalSources: [DispatchSourceSignal] = []
    private let now: @Sendable () -> Date

    /// - Parameter now: the clock; `Date.init` in production.
    public init(
        configuration: LoadedConfiguration, configurationDirectory: String, stateDirectory: String, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configurationDirectory = configurationDirectory
        self.stateDirectory = stateDirectory
        self.logger = logger
        self.now = now
        self.schedule = Schedule(configuration: configuration, after: now())
    }

    /// Loads a configuration directory, reporting warnings to `logger`.
    public static func load(directory: String, at instant: Date, logger: Logger) throws(ConfigurationError)
        -> LoadedConfiguration
    {
        let loaded = try ConfigurationLoader(directory: directory).load(reference: instant, systemTimeZone: .current)
        for warning in loaded.warnings { logger.warning("\(warning)") }
        return loaded
    }

    /// Arms the timer, installs the signal handlers and tells systemd the service is ready.
    public func start() {
        queue.sync {
            installSignalHandlers()
            logSchedule()
            arm()
            notify([.ready, .status(statusLine())])
        }
    }

    /// Lines describing the next occurrence of every cadence, for people.
    public var scheduleDescription: [String] {
        queue.sync { scheduleLines() }
    }

    private func scheduleLines() -> [String] {
        let zone = schedule.configuration.timeZone
        return schedule.configuration.cadences.map { cadence in
            guard let next = schedule.upcoming.first(where: { $0.cadence == cadence.name }) else {
                return "\(cadence.name): never fires again"
            }
            var line =
                "\(cadence.name) (\(cadence.kind.rawValue), period \(next.period)): "
                + Self.format(next.effective, zone: zone)
            if next.isShifted { line += " (moved from \(Self.format(next.nominal, zone: zone)))" }
            return line
        }
    }

    private func logSchedule() {
        let zone = schedule.configuration.timeZone.identifier
        logger.info(
            "Loaded \(schedule.configuration.cadences.count) cadences from \(configurationDirectory); times in \(zone)")
        for line in scheduleLines() { logger.info("next: \(line)") }
    }

    private func statusLine() -> String {
        guard let first = schedule.upcoming.first else { return "No cadence fires again" }
        return "Next: \(first.cadence) \(first.period) at "
            + Self.format(first.effective, zone: schedule.configuration.timeZone)
    }

    // MARK: - Timer

    /// Arms the one timer at the earliest next occurrence, with a wall-clock deadline so that
    /// suspend and clock changes are honoured.
    private func arm() {
        timer?.cancel()
        timer = nil
        guard let wake = schedule.nextWake else {
            logger.notice("No cadence fires again; waiting for a reload or a stop")
            return
        }
        let source = DispatchSource.makeTimerSource(queue: queue)
        let seconds = wake.timeIntervalSince1970.rounded(.down)
        let deadline = DispatchWallTime(
            timespec: timespec(tv_sec: Int(seconds), tv_nsec: Int((wake.timeIntervalSince1970 - seconds) * 1e9)))
        source.schedule(wallDeadline: deadline, leeway: .nanoseconds(0))
        source.setEventHandler { [weak self] in self?.fire() }
        source.resume()
        timer = source
    }

    private func fire() {
        let instant = now()
        for occurrence in schedule.takeDue(at: instant) {
            let late = instant.timeIntervalSince(occurrence.effective)
            let lateness = late > 1 ? " (\(Int(late)) s late)" : ""
            logger.notice("Due: \(occurrence.cadence) for period \(occurrence.period)\(lateness)")
        }
        arm()
        notify([.status(statusLine())])
    }

    // MARK: - Signals

    private func installSignalHandlers() {
        for signalNumber in [SIGHUP, SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [weak self] in
                if signalNumber == SIGHUP { self?.reload() } else { self?.stop(signal: signalNumber) }
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Re-reads the configuration; a bad one leaves the running one in place and says why.
    private func reload() {
        var monotonic = timespec()
        clock_gettime(CLOCK_MONOTONIC, &monotonic)
        notify([
            .reloading(monotonicMicroseconds: UInt64(monotonic.tv_sec) * 1_000_000 + UInt64(monotonic.tv_nsec) / 1000)
        ])
        let instant = now()
        do {
            let loaded = try Self.load(directory: configurationDirectory, at: instant, logger: logger)
            schedule = Schedule(configuration: loaded, after: instant)
            logger.notice("Configuration reloaded")
            logSchedule()
            arm()
        } catch {
            for line in error.errors { logger.error("\(line)") }
            logger.error("Reload failed; keeping the configuration loaded before")
        }
        notify([.ready, .status(statusLine())])
    }

    private func stop(signal signalNumber: Int32) {
        notify([.stopping])
        logger.notice("Stopping on signal \(signalNumber)")
        timer?.cancel()
        exit(0)
    }

    private func notify(_ states: [Notifier.State]) {
        do { try Notifier.notify(states) } catch { logger.warning("\(error)") }
    }

    static func format(_ date: Date, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ v: Int?, _ w: Int = 2) -> String {
            let s = String(v ?? 0)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        let abbreviation = zone.abbreviation(for: date) ?? zone.identifier
        return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute)):\(pad(c.second)) "
            + abbreviation
    }
}
