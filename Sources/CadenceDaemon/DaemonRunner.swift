public import CadenceConfiguration
public import CadenceCore
import CadenceStore
import Dispatch
public import Foundation
public import Logging
import Systemd

#if canImport(Glibc)
    import Glibc
#endif

/// The running daemon: one wall-clock Dispatch timer armed at the earliest next event (cadence
/// occurrence, item stage, delivery retry), re-armed after each; a watch on clock steps; watchdog
/// pings; signal handling (SIGHUP reloads, SIGTERM and SIGINT stop); the `sd_notify` protocol.
///
/// Everything runs on one serial queue; the clock is read only here, at the edge.
@MainActor
public final class DaemonRunner {
    public let configurationDirectory: String
    public let stateDirectory: String
    private let logger: Logger
    /// The main queue: the process runs `dispatchMain()`, and keeping every source on the main
    /// queue leaves libdispatch no worker pool to monitor (its pool monitor wakes once a second).
    private let queue = DispatchQueue.main
    private let manager: Manager
    private var timer: (any DispatchSourceTimer)?
    private var watchdog: (any DispatchSourceTimer)?
    private var clockMonitor: ClockChangeMonitor?
    private var signalSource: (any DispatchSourceRead)?
    private var control: ControlServer?
    private var stopped: () -> Void = {}
    private let controlSocketPath: String?
    private let clock: DaemonClock
    /// Set while the configuration on disk is refused: said first in every `STATUS=`.
    private var configurationProblem: String?
    /// The errors of a start on the last good configuration, announced once the daemon runs.
    private let startRefusal: [String]?
    /// Whether each notice is also logged (not when the log is the journal, which has the notice).
    private let logsNotices: Bool

    /// Opens the ledger in the state directory and prepares the manager.
    /// - Throws: `LedgerError` when the ledger is refused (newer or damaged).
    /// - Parameter refusedConfiguration: the errors of `configurationDirectory` when `configuration`
    ///   is the last good copy instead (``LastGoodConfiguration``).
    public init(
        configuration: LoadedConfiguration, configurationDirectory: String, stateDirectory: String, logger: Logger,
        controlSocket: String? = nil, journal: any NoticeJournal = SystemJournal(),
        refusedConfiguration: [String]? = nil, logsNotices: Bool = true,
        clock: DaemonClock = .system
    ) throws {
        self.startRefusal = refusedConfiguration
        self.logsNotices = logsNotices
        self.controlSocketPath = controlSocket
        self.configurationDirectory = configurationDirectory
        self.stateDirectory = stateDirectory
        self.logger = logger
        self.clock = clock
        let store = try LedgerStore(path: stateDirectory + "/ledger.sqlite")
        manager = Manager(
            store: store, configuration: configuration,
            noticeDirectory: configuration.daemon.resolvedNoticeDirectory(stateDirectory: stateDirectory),
            journal: journal, logger: logger,
            templates: Self.templates(
                refusedConfiguration == nil
                    ? configurationDirectory : LastGoodConfiguration(stateDirectory: stateDirectory).path,
                language: configuration.daemon.resolvedLanguage(lang: ProcessInfo.processInfo.environment["LANG"]),
                logger: logger))
    }

    /// The wall clock's reading.
    private func now() -> Date { clock.wall() }

    /// Loads a configuration directory, reporting warnings to `logger`.
    public nonisolated static func load(directory: String, at instant: Date, logger: Logger) throws(ConfigurationError)
        -> LoadedConfiguration
    {
        let loaded = try ConfigurationLoader(directory: directory).load(
            reference: instant, systemTimeZone: LocalZone.current)
        for warning in loaded.warnings { logger.warning("\(warning)") }
        return loaded
    }

    /// Template overrides: `templates/LANG/KIND.md` in the configuration directory, for the
    /// language notices are written in. Another language's templates are not used (said in the log).
    nonisolated static func templates(_ directory: String, language: NoticeLanguage, logger: Logger) -> [NoticeKind:
        String]
    {
        var overrides: [NoticeKind: String] = [:]
        for other in NoticeLanguage.allCases {
            for kind in NoticeKind.allCases {
                let path = "\(directory)/templates/\(other.rawValue)/\(kind.rawValue).md"
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
                if other == language {
                    overrides[kind] = text
                    logger.info("Using the notice template \(path)")
                } else {
                    logger.notice(
                        "Not using the notice template \(path): notices are in \(language.rawValue) (Language=)")
                }
            }
        }
        return overrides
    }

    /// Catches up, arms the timer, installs the signal handlers and tells systemd the service is ready.
    /// Call on the main thread, before `dispatchMain()`.
    /// - Parameter stopped: called once SIGTERM or SIGINT has stopped everything (the process
    ///   exits there: `dispatchMain()` never returns).
    /// - Throws: ``ControlSocketError`` when the control socket cannot be set up.
    public func start(stopped: @escaping () -> Void = {}) throws {
        dispatchPrecondition(condition: .onQueue(.main))
        self.stopped = stopped
        try startControlSocket()
        installSignalHandlers()
        startWatchdog()
        startClockMonitor()
        logSchedule()
        if let errors = startRefusal {
            refused(errors, reload: false)
        } else {
            saveLastGood()
        }
        tick(reason: "start")
        notify([.ready, .status(status(at: now()))])
    }

    /// `STATUS=`: a refused configuration first, then the next event and the overdue count.
    /// - Parameter line: the manager's status line when the caller has it (a tick's plan).
    private func status(at instant: Date, line: String? = nil) -> String {
        (configurationProblem.map { $0 + "; " } ?? "") + (line ?? manager.status(at: instant))
    }

    /// Keeps the configuration just loaded from the configuration directory as the last good one.
    private func saveLastGood() {
        do {
            if try LastGoodConfiguration(stateDirectory: stateDirectory).save(from: configurationDirectory, at: now()) {
                logger.info("Kept a copy of the configuration as the last good one")
            }
        } catch {
            logger.warning("Could not keep a copy of the configuration as the last good one: \(error)")
        }
    }

    /// Says that the configuration directory was refused: at error priority, in `STATUS=` and as a
    /// notice (journal and file) for whoever reads notices.
    private func refused(_ errors: [String], reload: Bool) {
        let copy = LastGoodConfiguration(stateDirectory: stateDirectory)
        let files = Array(Set(errors.map { $0.split(separator: ":").first.map(String.init) ?? $0 })).sorted()
        if reload {
            logger.error("Reload refused: \(configurationDirectory) has errors; keeping the configuration in force")
        } else {
            let kept = copy.savedAt.map { " kept at \(ISOTimestamp.utc($0))" } ?? ""
            logger.error(
                "The configuration in \(configurationDirectory) has errors; running on the last good configuration\(kept) (\(copy.path))"
            )
        }
        if !reload || configurationProblem != nil {
            configurationProblem =
                "Running on the last good configuration: errors in " + files.joined(separator: ", ")
        } else {
            configurationProblem = "Reload refused: errors in " + files.joined(separator: ", ")
        }
        do {
            try manager.configurationRefused(
                directory: configurationDirectory, errors: errors, reload: reload, savedAt: copy.savedAt, at: now())
        } catch {
            logger.error("The notice of the refused configuration is not stored: \(error)")
        }
    }

    private func logSchedule() {
        let configuration = manager.configuration
        let zone = configuration.timeZone.identifier
        logger.info("Loaded \(configuration.cadences.count) cadences from \(configurationDirectory); times in \(zone)")
        for line in CheckConfig.lines(configuration, at: now()) { logger.info("next: \(line)") }
    }

    // MARK: - Timer

    private var tickQueued = false

    /// After a write call: the change is durable in SQLite already; its reply goes out first and the
    /// tick (notices to files and the journal, the timer re-armed) follows on the same queue, once
    /// for any number of writes answered in between. A write's latency is that of its transaction.
    private func tickAfterWrite() {
        guard !tickQueued else { return }
        tickQueued = true
        queue.async { [weak self] in
            MainActor.assumeIsolated {
                guard let self else { return }
                self.tickQueued = false
                self.tick(reason: "ledger change")
            }
        }
    }

    /// Processes what is due now and arms the one timer at the next event, with a wall-clock
    /// deadline so that suspend and clock changes are honoured.
    private func tick(reason: String) {
        let instant = now()
        var wake: Date?
        var line: String?
        do {
            let plan = try manager.tick(at: instant)
            // In a terminal the log is where a person sees notices; under systemd the journal entry
            // of each notice is already there, and a log line would show it twice under -u cadenced.
            if logsNotices {
                for notice in plan.stored { logger.notice("Notice \(notice.key): \(notice.subject)") }
            }
            wake = plan.wake
            line = plan.status
        } catch {
            // What failed is still due (a full disk, say): the next wake would be now again, and
            // the timer would spin. Wait instead, as the message says.
            logger.error(
                "Processing at \(reason) failed: \(error); retrying in \(Int(Manager.retryAfter)) s",
                metadata: ["reason": "\(reason)"])
            wake = instant.addingTimeInterval(Manager.retryAfter)
        }
        arm(at: wake)
        notify([.status(status(at: instant, line: line))])
    }

    private func arm(at wake: Date?) {
        timer?.cancel()
        timer = nil
        guard let wake else {
            logger.notice("Nothing is scheduled; waiting for a reload or a stop")
            return
        }
        let source = DispatchSource.makeTimerSource(queue: queue)
        let seconds = wake.timeIntervalSince1970.rounded(.down)
        let deadline = DispatchWallTime(
            timespec: timespec(tv_sec: Int(seconds), tv_nsec: Int((wake.timeIntervalSince1970 - seconds) * 1e9)))
        source.schedule(wallDeadline: deadline, leeway: .nanoseconds(0))
        source.setEventHandler { [weak self] in self?.tick(reason: "timer") }
        source.resume()
        timer = source
    }

    // MARK: - Control socket

    /// Takes the socket systemd passes (cadenced.socket), else binds `controlSocketPath`.
    private func startControlSocket() throws {
        var fd: Int32?
        do {
            fd = try ListenFDs.take().first
        } catch {
            logger.warning("\(error)")
        }
        var origin = " (from systemd)"
        if let fd, let path = ControlServer.boundPath(of: fd) { origin = " at \(path) (from systemd)" }
        if fd == nil, let path = controlSocketPath {
            fd = try ControlServer.bind(path: path)
            origin = " at \(path)"
        }
        guard let fd else {
            logger.notice("No control socket: cadencectl cannot reach this daemon")
            return
        }
        let daemon = manager.configuration.daemon
        let handler = ControlHandler(manager: manager, clock: clock) { [weak self] in self?.tickAfterWrite() }
        let server = ControlServer(
            listenFD: fd, handler: handler,
            limits: .init(
                maxConnections: daemon.maxConnections, maxMessageSize: daemon.maxMessageSize,
                maxImportSize: daemon.maxImportSize,
                idleTimeout: daemon.idleTimeout),
            logger: logger, clock: clock)
        server.start()
        control = server
        logger.info("Control socket ready\(origin)")
    }

    // MARK: - Watchdog and clock

    private func startWatchdog() {
        let interval: Duration?
        do { interval = try Watchdog.interval() } catch {
            logger.warning("\(error)")
            return
        }
        guard let interval else { return }
        let source = DispatchSource.makeTimerSource(queue: queue)
        let half = DispatchTimeInterval.microseconds(Int(interval.seconds * 500_000))
        source.schedule(deadline: .now() + half, repeating: half, leeway: .milliseconds(100))
        source.setEventHandler { [weak self] in self?.notify([.watchdog]) }
        source.resume()
        watchdog = source
    }

    private func startClockMonitor() {
        do {
            clockMonitor = try ClockChangeMonitor(queue: queue) { [weak self] event in
                // The monitor calls on `queue`, the main queue: the main actor's.
                MainActor.assumeIsolated {
                    guard let self else { return }
                    switch event {
                    case .realtimeClockChanged:
                        self.logger.notice("The system clock was changed; re-planning from \(self.now())")
                        self.tick(reason: "clock change")
                    case .failed(let error):
                        self.logger.warning("Clock change detection stopped: \(error)")
                    }
                }
            }
        } catch {
            logger.warning("Clock changes will not be noticed: \(error)")
        }
    }

    // MARK: - Signals

    /// Catches SIGHUP, SIGTERM and SIGINT from now on; each waits for ``start(stopped:)`` to read it
    /// (``SignalPipe``). Call first in `main`; `start` calls it too.
    public nonisolated static func catchSignals() { SignalPipe.catch() }

    /// SIGHUP reloads, SIGTERM and SIGINT stop: read from the signal pipe on the main queue.
    private func installSignalHandlers() {
        SignalPipe.catch()
        let source = DispatchSource.makeReadSource(fileDescriptor: SignalPipe.readEnd, queue: queue)
        source.setEventHandler { [weak self] in
            for signalNumber in SignalPipe.drain() {
                guard let self, self.signalSource != nil else { return }
                if signalNumber == SIGHUP { self.reload() } else { self.stop(signal: signalNumber) }
            }
        }
        source.resume()
        signalSource = source
    }

    /// Re-reads the configuration; a bad one leaves the running one in place and says why.
    private func reload() {
        var monotonic = timespec()
        clock_gettime(CLOCK_MONOTONIC, &monotonic)
        let usec = UInt64(monotonic.tv_sec) * 1_000_000 + UInt64(monotonic.tv_nsec) / 1000
        notify([.reloading(monotonicMicroseconds: usec)])
        do {
            let loaded = try Self.load(directory: configurationDirectory, at: now(), logger: logger)
            manager.replace(
                configuration: loaded,
                noticeDirectory: loaded.daemon.resolvedNoticeDirectory(stateDirectory: stateDirectory),
                templates: Self.templates(
                    configurationDirectory,
                    language: loaded.daemon.resolvedLanguage(lang: ProcessInfo.processInfo.environment["LANG"]),
                    logger: logger))
            logger.notice("Configuration reloaded")
            configurationProblem = nil
            logSchedule()
            saveLastGood()
        } catch {
            for line in error.errors { logger.error("\(line)") }
            refused(error.errors.map(\.description), reload: true)
        }
        tick(reason: "reload")
        notify([.ready, .status(status(at: now()))])
    }

    /// Stops in order: STOPPING=1 first, then no timer, watchdog, clock or signal fires again, the
    /// control socket's connections are closed, and `stopped` runs. Every change is durable in
    /// SQLite already; a notice not yet delivered is delivered at the next start.
    private func stop(signal signalNumber: Int32) {
        notify([.stopping, .status("Stopping on signal \(signalNumber)")])
        logger.notice("Stopping on signal \(signalNumber)", metadata: ["signal": "\(signalNumber)"])
        for source in [timer, watchdog].compactMap({ $0 }) { source.cancel() }
        timer = nil
        watchdog = nil
        clockMonitor = nil
        signalSource?.cancel()
        signalSource = nil
        control?.stop()
        control = nil
        stopped()
    }

    private func notify(_ states: [Notifier.State]) {
        do { try Notifier.notify(states) } catch { logger.warning("\(error)") }
    }
}
