import Foundation

/// The model of `deliver.conf`, the delivery service's own configuration (cadenced never reads it):
/// where the outbox is, and how each channel is reached. Secrets are not in it: a password is named
/// by the systemd credential that holds it (`LoadCredential=` in `cadenced-deliver.service`).
public struct DeliverConfiguration: Equatable, Sendable {
    /// How the connection to the relay is protected.
    public enum Security: String, CaseIterable, Vocabulary, Sendable {
        /// Plain SMTP, for a relay on this host or a trusted network only.
        case none
        /// SMTP, then STARTTLS before anything else is said (port 587).
        case starttls
        /// TLS from the first byte (port 465).
        case tls
    }

    // [Deliver]
    /// `Socket=`: cadenced's control socket.
    public var socket = "/run/cadenced/io.cadenced"
    /// `PollSec=`: how often the outbox is looked at when nothing is due sooner.
    public var poll: Duration = .seconds(30)
    /// `BatchSize=`: messages taken from the outbox at a time.
    public var batchSize = 100

    // [Mail]
    /// `Relay=`: the SMTP relay's host; nil = e-mail is not sent (messages stay waiting).
    public var relay: String?
    /// `Port=`: nil = 25 (none), 587 (starttls), 465 (tls).
    public var port: Int?
    /// `Security=`.
    public var security = Security.starttls
    /// `From=`: the sender (`cadenced <cadenced@example.org>`).
    public var from: MailAddress?
    /// `User=`: the AUTH user name; nil = no AUTH.
    public var user: String?
    /// `PasswordCredential=`: the credential's name under `$CREDENTIALS_DIRECTORY`.
    public var passwordCredential = "smtp-password"
    /// `CAFile=`: an office's own CA (PEM) to verify the relay with, instead of the system's.
    public var caFile: String?
    /// `TimeoutSec=`: for connecting and for each reply.
    public var timeout: Duration = .seconds(30)

    // [Robots]
    /// `PostsPerMinute=`: the most posts to one group robot in any minute (DingTalk and WeCom
    /// take 20; more are refused, and DingTalk then blocks the robot for ten minutes).
    public var robotPostsPerMinute = 20
    /// `CAFile=`: an office's own CA (PEM) for the webhooks (a proxy of its own), instead of the system's.
    public var robotCAFile: String?
    /// `TimeoutSec=`: for connecting to a webhook and for its answer.
    public var robotTimeout: Duration = .seconds(15)

    public init() {}

    public var resolvedPort: Int { port ?? (security == .tls ? 465 : security == .starttls ? 587 : 25) }

    public static let schema = IniSchema([
        "Deliver": ["Socket": .single, "PollSec": .single, "BatchSize": .single],
        "Mail": [
            "Relay": .single, "Port": .single, "Security": .single, "From": .single, "User": .single,
            "PasswordCredential": .single, "CAFile": .single, "TimeoutSec": .single,
        ],
        "Robots": ["PostsPerMinute": .single, "CAFile": .single, "TimeoutSec": .single],
    ])

    /// Parses `deliver.conf` and its drop-ins; every error is reported, nothing half-applied.
    public static func parse(main: IniSource?, dropIns: [IniSource]) throws(ConfigurationError) -> Self {
        let ini = try IniParser.parse(main: main, dropIns: dropIns)
        var config = Self()
        var errors = ini.unknownNames(schema: schema)
        func single(_ section: String, _ key: String, _ apply: (String) -> String?) {
            guard let assignment = ini.last(section, key), !assignment.value.isEmpty else { return }
            if let reason = apply(assignment.value) {
                errors.append(.badValue(assignment.location, key: key, value: assignment.value, reason: reason))
            }
        }
        func span(_ section: String, _ key: String, _ store: (Duration) -> Void) {
            single(section, key) { text in
                guard let span = TimeSpan.parse(text), span > .zero else {
                    return "is not a time span above zero (e.g. '30s', '5min')"
                }
                store(span)
                return nil
            }
        }
        func number(_ section: String, _ key: String, _ range: ClosedRange<Int>, _ store: (Int) -> Void) {
            single(section, key) { text in
                guard let value = Int(text), range.contains(value) else {
                    return "is not a number from \(range.lowerBound) to \(range.upperBound)"
                }
                store(value)
                return nil
            }
        }
        single("Deliver", "Socket") { text in
            guard text.hasPrefix("/") else { return "is not an absolute path" }
            config.socket = text
            return nil
        }
        span("Deliver", "PollSec") { config.poll = $0 }
        number("Deliver", "BatchSize", 1...10_000) { config.batchSize = $0 }
        single("Mail", "Relay") { text in
            guard !text.contains(where: { $0 == " " || $0 == "/" || $0 == ":" && !text.hasPrefix("[") }) else {
                return "is not a host name or address (the port goes in Port=)"
            }
            config.relay = text
            return nil
        }
        number("Mail", "Port", 1...65_535) { config.port = $0 }
        single("Mail", "Security") { text in
            switch Security.named(text) {
            case .success(let value):
                config.security = value
                return nil
            case .failure(let error): return error.description
            }
        }
        single("Mail", "From") { text in
            guard let address = MailAddress(parsing: text) else {
                return "is not a sender address ('cadenced <cadenced@example.org>' or 'cadenced@example.org')"
            }
            config.from = address
            return nil
        }
        single("Mail", "User") { text in
            config.user = text
            return nil
        }
        single("Mail", "PasswordCredential") { text in
            guard !text.contains("/"), text != ".", text != ".." else { return "is not a credential name" }
            config.passwordCredential = text
            return nil
        }
        single("Mail", "CAFile") { text in
            guard text.hasPrefix("/") else { return "is not an absolute path" }
            config.caFile = text
            return nil
        }
        span("Mail", "TimeoutSec") { config.timeout = $0 }
        number("Robots", "PostsPerMinute", 1...600) { config.robotPostsPerMinute = $0 }
        single("Robots", "CAFile") { text in
            guard text.hasPrefix("/") else { return "is not an absolute path" }
            config.robotCAFile = text
            return nil
        }
        span("Robots", "TimeoutSec") { config.robotTimeout = $0 }
        if config.relay != nil, config.from == nil, let relay = ini.last("Mail", "Relay") {
            errors.append(.invalid(relay.location, reason: "Relay= is set but From= is not: mail needs a sender"))
        }
        try ConfigurationError.throwIfAny(errors)
        return config
    }
}
