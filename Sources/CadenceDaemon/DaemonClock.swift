public import Foundation

/// The daemon's clocks, read only through this value, at the edge: the wall clock says what is
/// due (it may step: the runner re-plans on a step); the monotonic clock measures waits and
/// timeouts (idle and stalled connections), which a step of the wall clock must not shorten.
///
/// Tests give a fixed or stepped wall clock (`DaemonClock(wall: { instant })`).
public struct DaemonClock: Sendable {
    /// The wall clock: what is due, what is recorded.
    public var wall: @Sendable () -> Date
    /// The monotonic clock: how long since.
    public var monotonic: @Sendable () -> ContinuousClock.Instant

    public init(
        wall: @escaping @Sendable () -> Date,
        monotonic: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.wall = wall
        self.monotonic = monotonic
    }

    /// The system's clocks.
    public static let system = DaemonClock(wall: { Date() })
}
