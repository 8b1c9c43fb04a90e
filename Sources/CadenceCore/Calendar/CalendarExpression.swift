public import Foundation

/// A calendar event expression in systemd's `OnCalendar=` syntax (`man systemd.time`), such as
/// `quarterly`, `Mon..Fri *-*-* 09:00` or `*-*~01 17:00 Asia/Shanghai`.
///
/// It accepts exactly what systemd 252 accepts, prints the same normalized form, and finds
/// the same next elapse — except where systemd skips a valid elapse because of a carry bug
/// (systemd #40260); there this type is correct, not bug-compatible.
///
/// Wall times that do not exist (the hour skipped when daylight saving time starts) are
/// skipped; wall times that occur twice (when it ends) elapse once, at the first instant after
/// the base time — both as systemd does.
public struct CalendarExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    public let text: String
    let spec: CalendarSpec

    /// Parses an expression.
    ///
    /// - Parameter zones: how zone names in a suffix (` Asia/Shanghai`) are recognised;
    ///   `ZoneDatabase.system` (CadenceConfiguration) looks them up as systemd does, in `/usr/share/zoneinfo`.
    /// - Throws: ``CalendarExpressionError`` naming the position and the reason.
    public init(_ text: String, zones: ZoneDatabase) throws {
        self.text = text
        self.spec = try CalendarSpecParser.parse(text, zones: zones)
    }

    /// systemd's normalized form, as `systemd-analyze calendar` prints it.
    public var normalized: String { spec.formatted }

    public var description: String { normalized }

    /// The zone the expression names, or nil when the local zone applies.
    public var zoneName: String? {
        switch spec.zone {
        case .local: nil
        case .utc: "UTC"
        case .named(let name, _): name
        }
    }

    /// The first elapse strictly after `instant`, or nil when the expression never elapses again
    /// (elapses are searched up to the year 2199, as in systemd).
    ///
    /// - Parameter localZone: the zone of the wall times when the expression names none.
    public func nextElapse(after instant: Date, localZone: TimeZone) -> Date? {
        let base = Microseconds(instant)
        guard let next = spec.nextElapse(after: base, localZone: localZone) else { return nil }
        return next.date
    }

    /// Remarks for the author of a cadence: the expression is valid but may not do what was meant.
    public var warnings: [String] { spec.warnings }

    public static func == (lhs: CalendarExpression, rhs: CalendarExpression) -> Bool {
        lhs.text == rhs.text && lhs.spec == rhs.spec
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }
}

/// An instant as whole microseconds since the UNIX epoch: systemd's `usec_t` resolution.
struct Microseconds: Comparable, Hashable, Sendable {
    static let perSecond: Int64 = 1_000_000
    var value: Int64

    init(_ value: Int64) { self.value = value }

    init(_ date: Date) {
        value = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    var date: Date {
        let seconds = value.floorDivided(by: Self.perSecond)
        let micros = value - seconds * Self.perSecond
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }

    static func < (lhs: Microseconds, rhs: Microseconds) -> Bool { lhs.value < rhs.value }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}

extension Int {
    func floorDivided(by divisor: Int) -> Int {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}

extension CalendarExpression {
    /// True when the seconds field has a fractional part (`10:00:30.25`, `*:*:0/7.5`).
    public var hasFractionalSeconds: Bool {
        spec.second?.contains { c in
            [c.start, max(c.stop, 0), c.repetition].contains { $0 % CalendarSpec.microsecondsPerSecond != 0 }
        } ?? false
    }
}
