import Testing

@testable import Systemd

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Watchdog interval", .serialized)
struct WatchdogTests {
    @Test("WATCHDOG_USEC for this PID gives the interval, and the environment stays")
    func enabled() throws {
        setenv("WATCHDOG_USEC", "30000000", 1)
        setenv("WATCHDOG_PID", String(getpid()), 1)
        defer {
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        #expect(try Watchdog.interval() == .seconds(30))
        #expect(try Watchdog.interval() == .seconds(30))
    }

    @Test("No watchdog without WATCHDOG_USEC, or when it is meant for another process")
    func notEnabled() throws {
        unsetenv("WATCHDOG_USEC")
        #expect(try Watchdog.interval() == nil)
        setenv("WATCHDOG_USEC", "30000000", 1)
        setenv("WATCHDOG_PID", String(getpid() + 1), 1)
        defer {
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        #expect(try Watchdog.interval() == nil)
    }

    // Bad input tried: WATCHDOG_USEC=soon.
    @Test("A malformed WATCHDOG_USEC is reported")
    func malformed() {
        setenv("WATCHDOG_USEC", "soon", 1)
        defer { unsetenv("WATCHDOG_USEC") }
        #expect(throws: SystemdError(operation: "sd_watchdog_enabled", code: EINVAL)) { try Watchdog.interval() }
    }
}
