public import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log handler that writes each message as one structured journal entry.
///
/// Fields: `MESSAGE`, `PRIORITY` (syslog level), `SYSLOG_IDENTIFIER`, `CODE_FILE`, `CODE_LINE`,
/// `CODE_FUNC`, and every metadata key upper-cased behind a prefix (`notice.kind` becomes
/// `CADENCED_NOTICE_KIND`), so `journalctl -t cadenced CADENCED_NOTICE_KIND=overdue -p warning` finds it.
/// When the journal cannot take the entry (journald absent, or any other failure) the message is
/// written to standard error as one line instead: it is never dropped, and logging never throws.
public struct JournalLogHandler: LogHandler {
    /// Sends one entry; ``Journal/send(_:)`` in production.
    typealias Sender = @Sendable ([JournalField]) throws -> Void
    /// Writes one fallback line (without its newline); standard error in production.
    typealias FallbackWriter = @Sendable (String) -> Void

    /// The `SYSLOG_IDENTIFIER` of every entry (`journalctl -t`).
    public let identifier: String
    /// What precedes each upper-cased metadata key to make its field name, e.g. `CADENCED_`.
    public let metadataPrefix: String
    /// The handler's own metadata, sent with every message.
    public var metadata: Logger.Metadata = [:]
    /// Messages below this level are not logged.
    public var logLevel: Logger.Level = .info
    /// Supplies contextual metadata (e.g. from task-locals) for every message.
    public var metadataProvider: Logger.MetadataProvider?

    private let send: Sender
    private let fallback: FallbackWriter

    /// Makes a handler; pass it to `LoggingSystem.bootstrap` in `main` only.
    ///
    /// - Parameters:
    ///   - label: The logger's label (swift-log's factory argument); not sent.
    ///   - identifier: The `SYSLOG_IDENTIFIER`; defaults to `cadenced`.
    ///   - metadataPrefix: Put before metadata field names; defaults to the identifier upper-cased and `_`.
    ///   - metadataProvider: Contextual metadata added to every message.
    public init(
        label: String,
        identifier: String = "cadenced",
        metadataPrefix: String? = nil,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.init(
            identifier: identifier,
            metadataPrefix: metadataPrefix,
            metadataProvider: metadataProvider,
            send: { try Journal.send($0) },
            fallback: JournalLogHandler.writeToStandardError
        )
    }

    init(
        identifier: String,
        metadataPrefix: String? = nil,
        metadataProvider: Logger.MetadataProvider? = nil,
        send: @escaping Sender,
        fallback: @escaping FallbackWriter
    ) {
        self.identifier = identifier
        self.metadataPrefix = metadataPrefix ?? JournalField.sanitizedName(identifier) + "_"
        self.metadataProvider = metadataProvider
        self.send = send
        self.fallback = fallback
    }

    /// Reads or changes one key of the handler's own metadata.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Sends `event` to the journal, or to standard error when the journal refuses it.
    public func log(event: LogEvent) {
        let merged = mergedMetadata(event)
        do {
            try send(fields(for: event, metadata: merged))
        } catch {
            fallback(fallbackLine(for: event, metadata: merged, failure: error))
        }
    }

    /// The syslog priority journald stores for `level` (`PRIORITY=`, `man systemd.journal-fields`).
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    func fields(for event: LogEvent, metadata: Logger.Metadata) -> [JournalField] {
        var fields = [
            JournalField(trusted: "MESSAGE", value: event.message.description),
            JournalField(trusted: "PRIORITY", value: String(Self.priority(of: event.level))),
            JournalField(trusted: "SYSLOG_IDENTIFIER", value: identifier),
            JournalField(trusted: "CODE_FILE", value: event.file),
            JournalField(trusted: "CODE_LINE", value: String(event.line)),
            JournalField(trusted: "CODE_FUNC", value: event.function),
        ]
        if let error = event.error {
            fields.append(JournalField(trusted: metadataName("error"), value: "\(error)"))
        }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            fields.append(JournalField(trusted: metadataName(key), value: value.description))
        }
        return fields
    }

    private func metadataName(_ key: String) -> String {
        JournalField.sanitizedName(metadataPrefix + key)
    }

    private func mergedMetadata(_ event: LogEvent) -> Logger.Metadata {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        return merged
    }

    /// `cadenced: warning: message key=value …` on one line; newlines in it are shown as `\n`.
    func fallbackLine(for event: LogEvent, metadata: Logger.Metadata, failure: any Error) -> String {
        var line = "\(identifier): \(event.level): \(event.message)"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        if let error = event.error { line += " error=\(error)" }
        line += " (journal: \(failure))"
        return line.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n")
    }

    private static func writeToStandardError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            // Nowhere is left to report a failing stderr; stop rather than spin (EINTR is retried).
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
