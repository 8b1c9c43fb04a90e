import ArgumentParser
import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceDeliver
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `cadenced-deliver`: the delivery service. It takes the messages due from cadenced's outbox over
/// the control socket, sends them (e-mail through the office's relay), and reports each outcome.
@main
struct CadencedDeliver: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cadenced-deliver",
        abstract: "Send cadenced's notices to the people they are for.",
        discussion: """
            Runs as cadenced-deliver.service, its own user in group cadenced-deliver, with network \
            access that cadenced itself does not have. Reads deliver.conf and deliver.conf.d/*.conf \
            from the configuration directory; the relay's password comes from the systemd credential \
            named by PasswordCredential= ($CREDENTIALS_DIRECTORY), never from a file others can read. \
            A group robot NAME (robots.d/NAME.robot in cadenced's configuration) is posted to with the \
            credential robot-NAME: its webhook's address on the first line, its signing secret on the \
            second.

            Each message is sent once; one that fails for a passing reason (relay down, SMTP 4xx, a \
            timeout) is tried again later, one refused for good (SMTP 5xx) is given up and cadenced \
            emits a delivery-failed notice. See cadencectl deliveries.

            Exit status: 0 on a clean stop (SIGTERM); 78 when the configuration is bad (each error as \
            file:line: reason); 69 with --once when cadenced cannot be reached.
            """,
        version: CadenceVersion.string)

    @Option(help: "The configuration directory.") var configDir = "/etc/cadenced"
    @Option(help: "cadenced's control socket (default: $CADENCED_SOCKET, else Socket= of deliver.conf).") var socket:
        String?
    @Flag(help: "Send what is due once and exit.") var once = false
    @Flag(help: "Check the configuration and exit.") var checkConfig = false

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let configuration: DeliverConfiguration
        do {
            configuration = try Self.load(configDir)
        } catch {
            for line in error.errors { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
            throw ExitCode(78)
        }
        if checkConfig {
            print(
                configuration.relay.map {
                    "e-mail through \($0) port \(configuration.resolvedPort) (\(configuration.security.rawValue))"
                } ?? "e-mail: no Relay= (messages stay waiting)")
            print(
                "group robots: at most \(configuration.robotPostsPerMinute) posts a minute each, "
                    + "with the credential robot-NAME of each")
            return
        }
        var password: String?
        if configuration.user != nil {
            guard let directory = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"] else {
                Self.log(
                    "User= is set but there is no $CREDENTIALS_DIRECTORY: give the password with "
                        + "LoadCredential=\(configuration.passwordCredential):PATH in the unit")
                throw ExitCode(78)
            }
            let path = directory + "/" + configuration.passwordCredential
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                Self.log("the credential '\(configuration.passwordCredential)' cannot be read from \(directory)")
                throw ExitCode(78)
            }
            password = text.trimmingCharacters(in: .newlines)
        }
        var name = [UInt8](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        let host = String(decoding: name.prefix { $0 != 0 }, as: UTF8.self)
        // A robot's webhook and secret: the credential robot-NAME, read when its messages come.
        let credentials = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"]
        let deliverer = Deliverer(
            configuration: configuration, password: password, hostName: host.isEmpty ? "localhost" : host,
            robotCredential: { robot in
                guard let credentials,
                    let text = try? String(contentsOfFile: credentials + "/robot-" + robot, encoding: .utf8)
                else { return nil }
                return RobotCredential.parse(text)
            },
            robotFile: { [configDir] robot in
                // The receiver's file of cadenced's configuration, read when its messages come (a
                // command changed there takes effect without a restart).
                let path = configDir + "/robots.d/" + robot + ".robot"
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
                do throws(ConfigurationError) {
                    return .success(try RobotRoute.parse(name: robot, source: IniSource(fileName: path, text: text)))
                } catch {
                    return .failure(error)
                }
            },
            log: Self.log)
        let socketPath = socket ?? ProcessInfo.processInfo.environment["CADENCED_SOCKET"] ?? configuration.socket

        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        sigprocmask(SIG_BLOCK, &signals, nil)
        if configuration.relay == nil { Self.log("no Relay= in deliver.conf: e-mail messages stay waiting") }
        // A stop asked during a pass ends it after the message in hand.
        let stopRequested = {
            var pending = sigset_t()
            sigpending(&pending)
            return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1
        }
        var unreachable = false
        while true {
            var wait = configuration.poll
            do {
                let ledger = try VarlinkClient(path: socketPath)
                var pass = try deliverer.deliverDue(ledger: ledger, stop: stopRequested)
                // A full batch: more may be due at once.
                while !pass.stopped && pass.sent + pass.retryLater + pass.refused + pass.held >= configuration.batchSize
                {
                    pass = try deliverer.deliverDue(ledger: ledger, stop: stopRequested)
                }
                if unreachable { Self.log("cadenced is reachable again at \(socketPath)") }
                unreachable = false
                if let next = pass.nextAt, pass.skipped == 0 {
                    let seconds = max(next.timeIntervalSinceNow, 0.05)
                    wait = min(wait, .milliseconds(Int64(seconds * 1000)))
                }

            } catch {
                if once {
                    Self.log("cannot take the outbox from cadenced: \(error)")
                    throw ExitCode(69)  // EX_UNAVAILABLE
                }
                if !unreachable { Self.log("cannot take the outbox from cadenced: \(error); trying again") }
                unreachable = true
            }
            if once { return }
            var timeout = timespec()
            timeout.tv_sec = Int(wait.components.seconds)
            timeout.tv_nsec = Int(wait.components.attoseconds / 1_000_000_000)
            let signal = sigtimedwait(&signals, nil, &timeout)
            if signal == SIGTERM || signal == SIGINT {
                Self.log("stopping on signal \(signal)")
                return
            }
        }
    }

    static func load(_ directory: String) throws(ConfigurationError) -> DeliverConfiguration {
        let main = directory + "/deliver.conf"
        let dropIns = directory + "/deliver.conf.d"
        func source(_ path: String) throws(ConfigurationError) -> IniSource {
            do {
                return IniSource(fileName: path, text: try String(contentsOfFile: path, encoding: .utf8))
            } catch {
                throw .unreadable(SourceLocation(file: path, line: 0), reason: "\(error.localizedDescription)")
            }
        }
        let mainSource = FileManager.default.fileExists(atPath: main) ? try source(main) : nil
        var sources: [IniSource] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dropIns)) ?? [])
            .filter { $0.hasSuffix(".conf") }.sorted()
        for name in names { sources.append(try source(dropIns + "/" + name)) }
        return try DeliverConfiguration.parse(main: mainSource, dropIns: sources)
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
