#if canImport(Glibc)
    import Glibc
#endif

/// A libsystemd call that failed, with the positive errno it returned.
public struct SystemdError: Error, Equatable, CustomStringConvertible {
    /// The C function that failed, e.g. `sd_journal_sendv`.
    public var operation: String
    /// The positive errno.
    public var code: Int32

    /// Makes an error for `operation` that failed with the positive errno `code`.
    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// "Failed to <operation>: <strerror>", the way systemd words failures.
    /// "Failed to <operation>: <strerror>", the way systemd words failures.
    public var description: String { "Failed to \(operation): \(String(cString: strerror(code)))" }
}

extension SystemdError {
    /// True when journald was not there to take an entry (`ENOENT`: no socket; `ECONNREFUSED`: nobody
    /// listens on it). Nothing was written; sending again once journald runs is safe.
    public var isJournalAbsent: Bool {
        operation == "sd_journal_sendv" && (code == ENOENT || code == ECONNREFUSED)
    }
}
