import CSystemd

/// The service manager's watchdog (`sd_watchdog_enabled(3)`, `WatchdogSec=` in the unit).
public enum Watchdog {
    /// The interval within which the service must send `WATCHDOG=1`, or nil when no watchdog is set
    /// for this process (`$WATCHDOG_USEC` unset, or `$WATCHDOG_PID` names another process).
    ///
    /// Ping at half this interval with `Notifier.notify([.watchdog])`, as `sd_watchdog_enabled(3)` advises.
    /// The environment is left as it is, so asking twice gives the same answer.
    ///
    /// - Throws: ``SystemdError`` when `$WATCHDOG_USEC` or `$WATCHDOG_PID` cannot be parsed.
    public static func interval() throws -> Duration? {
        var usec: UInt64 = 0
        let r = sd_watchdog_enabled(0, &usec)
        if r < 0 { throw SystemdError(operation: "sd_watchdog_enabled", code: -r) }
        return r > 0 ? .microseconds(usec) : nil
    }
}
