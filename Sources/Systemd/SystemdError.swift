#if canImport(Glibc)
import Glibc
#endif

/// A libsystemd call that failed, with the positive errno it returned.
public struct SystemdError: Error, Equatable, CustomStringConvertible {
    /// The C function that failed, e.g. `sd_journal_sendv`.
    public var operation: String
    /// The positive errno.
    public var code: Int32

    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    public var description: String { "Failed to \(operation): \(String(cString: strerror(code)))" }
}
