public import CadenceControl
public import CadenceCore
public import Foundation

/// The delivery service's work: take the messages due from cadenced's outbox, hand each to its
/// channel, report what each came to. cadenced stays the only writer of the ledger; this side
/// holds the network access and the credentials.
public final class Deliverer {
    public let configuration: DeliverConfiguration
    private let password: String?
    private let log: (String) -> Void
    private let hostName: String
    /// A robot's credential by the robot's name: nil when there is none.
    private let robotCredential: (String) -> Result<RobotCredential, RobotCredentialError>?
    /// Each robot's recent posts, to keep within ``DeliverConfiguration/robotPostsPerMinute``.
    private var posts: [String: [Date]] = [:]
    /// Robots already said to have no usable credential (said once, not at every pass).
    private var unusable: Set<String> = []
    /// A command receiver's file (`robots.d/NAME.robot`, read for its `Exec=`), by name.
    private let robotFile: (String) -> Result<RobotRoute, ConfigurationError>?

    /// - Parameters:
    ///   - password: the relay's password, read from the credential (never logged).
    ///   - robotCredential: a robot's webhook and secret, by the robot's name (never logged).
    ///   - log: where progress goes (stderr: the journal under systemd).
    public init(
        configuration: DeliverConfiguration, password: String?, hostName: String,
        robotCredential: @escaping (String) -> Result<RobotCredential, RobotCredentialError>? = { _ in nil },
        robotFile: @escaping (String) -> Result<RobotRoute, ConfigurationError>? = { _ in nil },
        log: @escaping (String) -> Void
    ) {
        self.robotFile = robotFile
        self.configuration = configuration
        self.password = password
        self.hostName = hostName
        self.robotCredential = robotCredential
        self.log = log
    }

    /// What one pass did.
    public struct Pass: Equatable, Sendable {
        public var sent = 0
        public var retryLater = 0
        public var refused = 0
        /// Due messages left waiting (their channel is not configured).
        public var skipped = 0
        /// When the next waiting message falls due, as cadenced says.
        public var nextAt: Date?
        /// Messages held back by a robot's posts per minute (offered again a minute later).
        public var held = 0
        /// The pass ended early: a stop was requested.
        public var stopped = false
    }

    /// One pass over the messages due at cadenced's instant.
    /// - Parameter stop: asked between messages; true ends the pass there (a stop was requested).
    public func deliverDue(
        ledger: VarlinkClient, now: () -> Date = Date.init, stop: () -> Bool = { false }
    ) throws -> Pass {
        var pass = Pass()
        let reply = try ledger.call(TakeDeliveriesCall { $0.limit = configuration.batchSize })
        pass.nextAt = (reply["nextAt"] as? String).flatMap(ISOTimestamp.parse)
        let all = reply["messages"] as? [[String: Any]] ?? []
        let messages = all.filter { ($0["channel"] as? String).flatMap(DeliveryChannel.init)?.isRobot != true }
        try deliverToRobots(
            all.filter { ($0["channel"] as? String).flatMap(DeliveryChannel.init)?.isRobot == true },
            ledger: ledger, now: now, stop: stop, pass: &pass)
        var connection: SMTPConnection?
        defer { connection?.quit() }
        var relayDown: SendFailure?
        for message in messages {
            if stop() {
                pass.stopped = true
                break
            }
            guard let id = (message["id"] as? NSNumber)?.int64Value else { continue }
            let channel = message["channel"] as? String
            guard channel == DeliveryChannel.email.rawValue, let relay = configuration.relay,
                let from = configuration.from
            else {
                try wait([id], "e-mail is not sent: deliver.conf has no Relay=", ledger: ledger, pass: &pass)
                continue
            }
            let outcome: (DeliveryOutcome, String?)
            if let relayDown {
                outcome = (.temporary, relayDown.description)
            } else {
                do {
                    if connection == nil {
                        let opened = try SMTPConnection(
                            host: relay, port: configuration.resolvedPort, timeout: configuration.timeout,
                            security: configuration.security, caFile: configuration.caFile)
                        try opened.hello(as: hostName, user: configuration.user, password: password)
                        connection = opened
                    }
                    try connection!.send(mail(message, from: from, at: now()))
                    outcome = (.sent, nil)
                } catch {
                    outcome = (error.isPermanent ? .permanent : .temporary, error.description)
                    if !error.isPermanent {
                        // The session is in doubt: the next message starts a new one, once.
                        if connection == nil { relayDown = error }
                        connection = nil
                    }
                }
            }
            let recorded = try ledger.call(
                RecordDeliveryCall { ($0.id, $0.outcome, $0.reason) = (id, outcome.0, outcome.1) })
            let to = "\(message["personName"] ?? "") <\(message["address"] ?? "")>"
            switch outcome.0 {
            case .sent:
                pass.sent += 1
                log("sent message \(id) \"\(message["subject"] ?? "")\" to \(to)")
            case .temporary:
                pass.retryLater += 1
                let state = (recorded["delivery"] as? [String: Any])?["state"] as? String
                log(
                    "message \(id) to \(to) not sent: \(outcome.1 ?? "")"
                        + (state == DeliveryState.failed.rawValue
                            ? "; given up after every attempt" : "; tried again later"))
            case .permanent:
                pass.refused += 1
                log("message \(id) to \(to) refused for good: \(outcome.1 ?? "")")
            case .held: break
            }
        }
        return pass
    }

    /// Posts the robots' messages: per robot, gathered into as few posts as its limits allow, at
    /// most ``DeliverConfiguration/robotPostsPerMinute`` a minute; the rest stay waiting.
    private func deliverToRobots(
        _ messages: [[String: Any]], ledger: VarlinkClient, now: () -> Date, stop: () -> Bool, pass: inout Pass
    ) throws {
        var order: [String] = []
        var byRobot: [String: [[String: Any]]] = [:]
        for message in messages {
            let robot = message["address"] as? String ?? ""
            if byRobot[robot] == nil { order.append(robot) }
            byRobot[robot, default: []].append(message)
        }
        for robot in order {
            let messages = byRobot[robot] ?? []
            guard let channel = (messages.first?["channel"] as? String).flatMap(DeliveryChannel.init) else { continue }
            if channel == .exec {
                try deliverToCommand(robot, messages, ledger: ledger, stop: stop, pass: &pass)
                if pass.stopped { return }
                continue
            }
            let credential: RobotCredential
            switch robotCredential(robot) {
            case .success(let found)?: credential = found
            case let failure:
                let why =
                    if case .failure(let error)? = failure {
                        "its credential robot-\(robot) is not usable: \(error)"
                    } else {
                        "there is no credential robot-\(robot) (LoadCredential=robot-\(robot):FILE)"
                    }
                try unusableReceiver(
                    robot, "messages to the \(channel.rawValue) robot \(robot) wait: \(why)",
                    reason: "not posted: no usable credential robot-\(robot)", messages, ledger: ledger, pass: &pass)
                continue
            }
            unusable.remove(robot)
            let items = messages.compactMap { message -> RobotItem? in
                guard let id = (message["id"] as? NSNumber)?.int64Value else { return nil }
                return RobotItem(
                    id: id, subject: message["subject"] as? String ?? "", body: message["body"] as? String ?? "",
                    mentions: message["mentions"] as? [String] ?? [])
            }
            for post in RobotPost.group(items, channel: channel) {
                if stop() {
                    pass.stopped = true
                    return
                }
                let instant = now()
                var recent = (posts[robot] ?? []).filter { instant.timeIntervalSince($0) < 60 }
                guard recent.count < configuration.robotPostsPerMinute else {
                    // Held back, untried: cadenced offers them again a minute later.
                    let reason =
                        "held back: \(recent.count) posts to this robot in the last minute "
                        + "(PostsPerMinute=\(configuration.robotPostsPerMinute))"
                    for item in post {
                        _ = try ledger.call(
                            RecordDeliveryCall { ($0.id, $0.outcome, $0.reason) = (item.id, .held, reason) })
                    }
                    pass.held += post.count
                    posts[robot] = recent
                    continue
                }
                recent.append(instant)
                posts[robot] = recent
                let request = RobotPost.request(post, channel: channel, credential: credential, now: instant)
                let outcome: (DeliveryOutcome, String?)
                do {
                    let response = try WebhookPost.post(
                        request.url, body: request.body, timeout: configuration.robotTimeout,
                        caFile: configuration.robotCAFile)
                    outcome = RobotPost.outcome(response, channel: channel)
                } catch {
                    outcome = (error.isPermanent ? .permanent : .temporary, error.description)
                }
                for item in post {
                    _ = try ledger.call(
                        RecordDeliveryCall { ($0.id, $0.outcome, $0.reason) = (item.id, outcome.0, outcome.1) })
                }
                let what = post.count == 1 ? "message \(post[0].id)" : "\(post.count) messages in one post"
                switch outcome.0 {
                case .sent:
                    pass.sent += post.count
                    log("posted \(what) to the \(channel.rawValue) robot \(robot)")
                case .temporary:
                    pass.retryLater += post.count
                    log(
                        "\(what) to the \(channel.rawValue) robot \(robot) not posted: \(outcome.1 ?? ""); tried again later"
                    )
                case .permanent:
                    pass.refused += post.count
                    log("\(what) to the \(channel.rawValue) robot \(robot) refused for good: \(outcome.1 ?? "")")
                case .held: break
                }
            }
        }
    }

    /// Runs a command receiver's `Exec=` once per message.
    private func deliverToCommand(
        _ robot: String, _ messages: [[String: Any]], ledger: VarlinkClient, stop: () -> Bool, pass: inout Pass
    ) throws {
        let route: RobotRoute
        switch robotFile(robot) {
        case .success(let found)?: route = found
        case let failure:
            let why =
                if case .failure(let error)? = failure {
                    "its file has errors: " + error.errors.map(\.description).joined(separator: "; ")
                } else {
                    "there is no robots.d/\(robot).robot in the configuration directory"
                }
            try unusableReceiver(
                robot, "messages to the command \(robot) wait: \(why)",
                reason: "not run: robots.d/\(robot).robot is missing or has errors", messages, ledger: ledger,
                pass: &pass)
            return
        }
        unusable.remove(robot)
        for message in messages {
            if stop() {
                pass.stopped = true
                return
            }
            guard let id = (message["id"] as? NSNumber)?.int64Value else { continue }
            let outcome = CommandDelivery.run(
                route.command, input: CommandDelivery.input(message), timeout: route.timeout)
            _ = try ledger.call(RecordDeliveryCall { ($0.id, $0.outcome, $0.reason) = (id, outcome.0, outcome.1) })
            switch outcome.0 {
            case .sent:
                pass.sent += 1
                log("handed message \(id) to the command \(robot)")
            case .temporary:
                pass.retryLater += 1
                log("message \(id) to the command \(robot) not delivered: \(outcome.1 ?? ""); tried again later")
            case .permanent:
                pass.refused += 1
                log("message \(id) to the command \(robot) refused for good: \(outcome.1 ?? "")")
            case .held: break
            }
        }
    }

    /// Messages whose channel is not set up here wait untried: reported held (due again a minute
    /// later, no attempt counted), so that they do not stay at the head of every batch and keep
    /// the messages behind them from being taken.
    private func wait(_ ids: [Int64], _ reason: String, ledger: VarlinkClient, pass: inout Pass) throws {
        for id in ids {
            _ = try ledger.call(RecordDeliveryCall { ($0.id, $0.outcome, $0.reason) = (id, .held, reason) })
        }
        pass.skipped += ids.count
    }

    /// A receiver that cannot be reached from here: said once in the log (until it works again),
    /// its messages held with `reason`.
    private func unusableReceiver(
        _ robot: String, _ said: @autoclosure () -> String, reason: String, _ messages: [[String: Any]],
        ledger: VarlinkClient, pass: inout Pass
    ) throws {
        if unusable.insert(robot).inserted { log(said()) }
        try wait(messages.compactMap { ($0["id"] as? NSNumber)?.int64Value }, reason, ledger: ledger, pass: &pass)
    }

    func mail(_ message: [String: Any], from: MailAddress, at date: Date) -> MailMessage {
        MailMessage(
            from: from,
            to: MailAddress(address: message["address"] as? String ?? "", name: message["personName"] as? String),
            subject: message["subject"] as? String ?? "", body: message["body"] as? String ?? "",
            messageKey: message["messageKey"] as? String ?? "", noticeKey: message["notice"] as? String ?? "",
            priority: (message["priority"] as? NSNumber)?.intValue ?? 5, date: date)
    }
}

extension SendFailure {
    var isPermanent: Bool {
        if case .permanent = self { return true }
        return false
    }
}
