import CSystemd

/// The service manager's notification protocol (`sd_notify(3)`).
public enum Notifier {
    /// A state change a service reports to systemd.
    public enum State: Sendable, Equatable {
        case ready
        case reloading(monotonicMicroseconds: UInt64)
        case stopping
        case watchdog
        case status(String)

        var assignment: String {
            switch self {
            case .ready: "READY=1"
            case .reloading(let usec): "RELOADING=1\nMONOTONIC_USEC=\(usec)"
            case .stopping: "STOPPING=1"
            case .watchdog: "WATCHDOG=1"
            case .status(let text): "STATUS=" + text.replacingNewlines()
            }
        }
    }

    /// Sends states to the service manager in one datagram.
    ///
    /// - Returns: false when not run by systemd (no `$NOTIFY_SOCKET`).
    /// - Throws: ``SystemdError`` when the message could not be sent.
    @discardableResult
    public static func notify(_ states: [State]) throws -> Bool {
        let message = states.map(\.assignment).joined(separator: "\n")
        let r = sd_notify(0, message)
        if r < 0 { throw SystemdError(operation: "sd_notify", code: -r) }
        return r > 0
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(map { $0 == "\n" ? " " : $0 })
    }
}
