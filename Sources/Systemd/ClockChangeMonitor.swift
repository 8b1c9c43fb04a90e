import CSystemd
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Tells the daemon when the realtime clock was stepped (`settimeofday`, an NTP step, `date -s`).
///
/// Wall-clock timers are armed for an instant; after a step, the daemon must recompute which events
/// are due and re-arm. This is systemd's own technique: a `CLOCK_REALTIME` timerfd armed with
/// `TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET` at a far-future instant never expires, but a read
/// fails with `ECANCELED` as soon as the clock is set (`man timerfd_create`). The monitor then calls
/// the handler and arms the timer again.
///
/// It does not notice a change of the system time zone (`/etc/localtime`); the daemon re-reads the
/// zone on SIGHUP. The clock cannot be set on development machines, so the step itself is exercised
/// by the daemon's tests with an injected clock; this type's tests cover arming, the `ECANCELED`
/// handling and closing.
public final class ClockChangeMonitor: @unchecked Sendable {
    // @unchecked: `fd` and `source` are set once in init; everything else happens on `queue`.

    /// What the monitor reports.
    public enum Event: Sendable, Equatable {
        /// The realtime clock was set; wall-clock deadlines must be recomputed.
        case realtimeClockChanged
        /// Reading or re-arming the timer failed; the monitor stopped.
        case failed(SystemdError)
    }

    /// `TIME_T_MAX`, the instant systemd arms its own clock-change timer at (`time_change_fd()`), in
    /// seconds since the epoch.
    static let farFuture = Int.max

    let fd: Int32
    private let queue: DispatchQueue
    private let handler: @Sendable (Event) -> Void
    let source: any DispatchSourceRead
    private var cancelled = false

    /// Creates the timer, arms it, and starts watching it on `queue`; `handler` is called on `queue`.
    ///
    /// - Throws: ``SystemdError`` for `timerfd_create` or `timerfd_settime`.
    public convenience init(queue: DispatchQueue, handler: @escaping @Sendable (Event) -> Void) throws {
        try self.init(queue: queue, armingAt: Self.farFuture, handler: handler)
    }

    /// - Parameter seconds: the instant of the first arming (tests pass one the kernel refuses).
    init(queue: DispatchQueue, armingAt seconds: Int, handler: @escaping @Sendable (Event) -> Void) throws {
        let fd = timerfd_create(CLOCK_REALTIME, CSYSTEMD_TFD_NONBLOCK | CSYSTEMD_TFD_CLOEXEC)
        if fd < 0 { throw SystemdError(operation: "timerfd_create", code: errno) }
        // Armed before the Dispatch source exists: a source released without ever being activated
        // is a libdispatch client bug that kills the process ("Release of an inactive object"), so
        // a refused timerfd_settime (libfaketime, an old kernel, a seccomp filter) crashed the
        // daemon at startup instead of leaving it without clock-change detection.
        do {
            try Self.arm(fd, atEpochSeconds: seconds)
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
        self.queue = queue
        self.handler = handler
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [weak self] in self?.readTimer() }
        // The fd is closed only once Dispatch has stopped watching it.
        source.setCancelHandler { close(fd) }
        source.activate()
    }

    deinit {
        source.cancel()
    }

    /// Stops watching and closes the timer; the handler is not called afterwards.
    public func cancel() {
        queue.async { [self] in
            cancelled = true
            source.cancel()
        }
    }

    /// The time left until the timer expires, or nil when it is disarmed (`timerfd_gettime`).
    func timeUntilExpiry() throws -> Duration? {
        var current = itimerspec()
        if timerfd_gettime(fd, &current) != 0 { throw SystemdError(operation: "timerfd_gettime", code: errno) }
        let value = current.it_value
        return value.tv_sec == 0 && value.tv_nsec == 0 ? nil : .seconds(value.tv_sec) + .nanoseconds(value.tv_nsec)
    }

    /// Arms the timer to expire at `seconds` since the epoch, cancelled by any setting of the clock.
    static func arm(_ fd: Int32, atEpochSeconds seconds: Int) throws(SystemdError) {
        var specification = itimerspec(it_interval: timespec(), it_value: timespec(tv_sec: seconds, tv_nsec: 0))
        let flags = CSYSTEMD_TFD_TIMER_ABSTIME | CSYSTEMD_TFD_TIMER_CANCEL_ON_SET
        if timerfd_settime(fd, flags, &specification, nil) != 0 {
            throw SystemdError(operation: "timerfd_settime", code: errno)
        }
    }

    private func readTimer() {
        var expirations: UInt64 = 0
        let n = read(fd, &expirations, MemoryLayout<UInt64>.size)
        handleRead(result: n, errorNumber: n < 0 ? errno : 0)
    }

    /// Acts on one read of the timer: `ECANCELED` is a clock change, an expiry or `EAGAIN` is not.
    ///
    /// Must run on `queue`. Split from the read so tests can feed the result a clock step would give.
    func handleRead(result: Int, errorNumber: Int32) {
        guard !cancelled else { return }
        if result < 0 && (errorNumber == EAGAIN || errorNumber == EINTR) { return }
        if result < 0 && errorNumber != ECANCELED {
            fail(SystemdError(operation: "read clock-change timerfd", code: errorNumber))
            return
        }
        // Re-arm first: a second step while the handler runs must still be seen. An expiry (result 8)
        // cannot happen at TIME_T_MAX, but would also need re-arming.
        do {
            try Self.arm(fd, atEpochSeconds: Self.farFuture)
        } catch {
            fail(error)
            return
        }
        if result < 0 { handler(.realtimeClockChanged) }
    }

    private func fail(_ error: SystemdError) {
        cancelled = true
        source.cancel()
        handler(.failed(error))
    }
}
