import CadenceConfiguration
import ArgumentParser
import CadenceCore
import CadenceDaemon
import Dispatch
import Foundation
import Logging
import Systemd

/// `cadenced`: the review-cadence daemon.
@main
struct Cadenced: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cadenced",
        abstract: "Enforce a review cadence: fire each cadence on time, once per period.",
        discussion: """
            Reads the configuration directory (cadenced.conf, cadenced.conf.d/, cadences.d/, holidays.d/),
            prints the schedule and waits, firing each cadence at its occurrence. Runs as a Type=notify
            systemd service or in the foreground without root. SIGHUP reloads the configuration (a bad
            one keeps the running one); SIGTERM stops.

            Exit status: 0 on a clean stop, 78 when the configuration is bad (each error as file:line: reason),
            65 when the ledger is refused (written by a newer cadenced, or damaged), 73 when the state
            directory cannot be created.
            """,
        version: CadenceVersion.string
    )

    @Option(help: "The configuration directory.")
    var configDir = "/etc/cadenced"

    @Option(help: "The state directory (default: $STATE_DIRECTORY, else /var/lib/cadenced).")
    var stateDir: String?

    @Option(
        help: """
            The control socket when systemd passes none (default: $RUNTIME_DIRECTORY/io.cadenced, \
            else STATE-DIR/io.cadenced).
            """)
    var controlSocket: String?

    @Flag(help: "Check the configuration, print the schedule and exit.")
    var checkConfig = false

    func run() throws {
        // From the first moment: a stop or reload signal waits for the runner, never lost.
        DaemonRunner.catchSignals()
        // Under systemd (stderr connected to the journal) log straight to the journal, with priorities.
        let underSystemd = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        LoggingSystem.bootstrap { label in
            if underSystemd {
                var handler = JournalLogHandler(label: label)
                handler.logLevel = .info
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "cadenced")
        // A peer that hangs up must never end the daemon: writes report EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        let stateDirectory =
            stateDir
            ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init)
            ?? "/var/lib/cadenced"
        var loaded: LoadedConfiguration
        var refused: [String]?
        do {
            loaded = try DaemonRunner.load(directory: configDir, at: Date(), logger: logger)
        } catch {
            for line in error.errors { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
            // A start keeps the office's ledger running on the last configuration it ran with;
            // only with no such copy (or a check) does a bad configuration stop it.
            let copy = LastGoodConfiguration(stateDirectory: stateDirectory)
            guard !checkConfig, copy.exists,
                let fallback = try? DaemonRunner.load(directory: copy.path, at: Date(), logger: logger)
            else { throw ExitCode(78) }
            loaded = fallback
            refused = error.errors.map(\.description)
        }
        if checkConfig {
            print("Configuration in \(configDir) is valid. Next occurrences:")
            for line in CheckConfig.lines(loaded, at: Date()) { print("  " + line) }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            FileHandle.standardError.write(
                Data("Cannot create the state directory '\(stateDirectory)': \(error)\n".utf8))
            throw ExitCode(73)
        }
        // run() is called on the main thread: the runner and everything it drives are the main actor's.
        try MainActor.assumeIsolated {
            let runner: DaemonRunner
            do {
                runner = try DaemonRunner(
                    configuration: loaded, configurationDirectory: configDir, stateDirectory: stateDirectory,
                    logger: logger,
                    controlSocket: controlSocket
                        ?? ProcessInfo.processInfo.environment["RUNTIME_DIRECTORY"].map { $0 + "/io.cadenced" }
                        ?? stateDirectory + "/io.cadenced",
                    refusedConfiguration: refused, logsNotices: !underSystemd)
            } catch {
                // A newer or damaged ledger is refused, never overwritten (DESIGN.md "Bad input and faults").
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(65)
            }
            do {
                // dispatchMain() never returns: once the runner has stopped in order, the process ends.
                try runner.start { Cadenced.exit() }
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(71)
            }
            // The runner owns the timer and signal sources; without this an optimized build may
            // release it right after start() (it is not used again), silently disarming everything.
            // dispatchMain(): libdispatch's worker threads drain the main queue (they come and go with
            // events; the unit allows them setpriority, so none logs "Failed to set thread priority").
            // A Foundation run loop on the main thread was tried instead: the p99 lateness of timed
            // events went from 0.8 ms to 3-6 ms (Benchmarks/run-daemon-benchmark).
            withExtendedLifetime(runner) { dispatchMain() }
        }
    }
}
