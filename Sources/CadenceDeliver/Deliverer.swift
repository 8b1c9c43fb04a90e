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

    /// - Parameters:
    ///   - password: the relay's password, read from the credential (never logged).
    ///   - log: where progress goes (stderr: the journal under systemd).
    public init(
        configuration: DeliverConfiguration, password: String?, hostName: String,
        log: @escaping (String) -> Void
    ) {
        self.configuration = configuration
        self.password = password
        self.hostName = hostName
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
        let messages = reply["messages"] as? [[String: Any]] ?? []
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
                pass.skipped += 1
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
            }
        }
        return pass
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
