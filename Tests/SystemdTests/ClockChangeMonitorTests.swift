import Foundation
import Testing

@testable import Systemd

#if canImport(Glibc)
    import Glibc
#endif

/// Collects the monitor's events from its queue.
private final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var _events: [ClockChangeMonitor.Event] = []
    var events: [ClockChangeMonitor.Event] { lock.withLock { _events } }
    func append(_ event: ClockChangeMonitor.Event) { lock.withLock { _events.append(event) } }
}

// A clock step cannot be caused here (the clock cannot be set on these machines); the daemon's tests
// drive steps through an injected clock. These tests cover arming, the read results a step produces,
// and closing.
@Suite("Realtime clock change monitor")
struct ClockChangeMonitorTests {
    let queue = DispatchQueue(label: "clock-change-test")

    @Test("A new monitor is armed at the far-future instant with cancel-on-set")
    func armsAtFarFuture() throws {
        let monitor = try ClockChangeMonitor(queue: queue) { _ in }
        defer { monitor.cancel() }
        let left = try #require(try monitor.timeUntilExpiry())
        #expect(left > .seconds(Int(Int32.max)))
    }

    @Test("A read failing with ECANCELED is a clock change: the handler runs and the timer is armed again")
    func canceledReadIsClockChange() throws {
        let events = EventLog()
        let monitor = try ClockChangeMonitor(queue: queue, handler: events.append)
        defer { monitor.cancel() }
        queue.sync { monitor.handleRead(result: -1, errorNumber: ECANCELED) }
        #expect(events.events == [.realtimeClockChanged])
        #expect(try monitor.timeUntilExpiry() != nil)
        queue.sync { monitor.handleRead(result: -1, errorNumber: ECANCELED) }
        #expect(events.events == [.realtimeClockChanged, .realtimeClockChanged])
    }

    // Bad input tried: read results EAGAIN (spurious wake-up) and a plain expiry of 8 bytes.
    @Test("A spurious wake-up or an expiry is not a clock change")
    func otherReadsAreNotChanges() throws {
        let events = EventLog()
        let monitor = try ClockChangeMonitor(queue: queue, handler: events.append)
        defer { monitor.cancel() }
        queue.sync {
            monitor.handleRead(result: -1, errorNumber: EAGAIN)
            monitor.handleRead(result: 8, errorNumber: 0)
        }
        #expect(events.events.isEmpty)
        #expect(try monitor.timeUntilExpiry() != nil)
    }

    // Bad input tried: a read failing with EBADF.
    @Test("Any other read error is reported once and the monitor stops")
    func readErrorStops() throws {
        let events = EventLog()
        let monitor = try ClockChangeMonitor(queue: queue, handler: events.append)
        queue.sync {
            monitor.handleRead(result: -1, errorNumber: EBADF)
            monitor.handleRead(result: -1, errorNumber: ECANCELED)
        }
        #expect(events.events == [.failed(SystemdError(operation: "read clock-change timerfd", code: EBADF))])
        #expect(monitor.source.isCancelled)
    }

    @Test("The Dispatch source reads the timer: an expiry is consumed and the far-future instant re-armed")
    func sourceReadsTimer() throws {
        let events = EventLog()
        let monitor = try ClockChangeMonitor(queue: queue, handler: events.append)
        defer { monitor.cancel() }
        try ClockChangeMonitor.arm(monitor.fd, atEpochSeconds: time(nil))
        let deadline = ContinuousClock.now + .seconds(5)
        var rearmed = false
        while !rearmed && ContinuousClock.now < deadline {
            rearmed = try queue.sync { try monitor.timeUntilExpiry().map { $0 > .seconds(Int(Int32.max)) } ?? false }
            if !rearmed { usleep(1_000) }  // bounded by the deadline
        }
        #expect(rearmed)
        #expect(events.events.isEmpty)
    }

    // Bad input tried: a first arming at a negative instant, which timerfd_settime refuses (EINVAL),
    // as it refuses every arming under libfaketime at some offsets.
    @Test("A monitor whose timer cannot be armed throws, and does not crash the process")
    func refusedArmingThrows() {
        #expect(throws: SystemdError(operation: "timerfd_settime", code: EINVAL)) {
            _ = try ClockChangeMonitor(queue: queue, armingAt: -1) { _ in }
        }
    }

    @Test("Cancelling stops the source; no handler runs afterwards")
    func cancelStops() throws {
        let events = EventLog()
        let monitor = try ClockChangeMonitor(queue: queue, handler: events.append)
        monitor.cancel()
        queue.sync {}
        #expect(monitor.source.isCancelled)
        queue.sync { monitor.handleRead(result: -1, errorNumber: ECANCELED) }
        #expect(events.events.isEmpty)
    }
}
