import Foundation

/// Converts between instants and local calendar days plus time of day in a zone, without a `Calendar`.
enum LocalTimeConversion {
    /// The local day of `instant` in `zone` and the seconds since that day's local midnight.
    static func split(_ instant: Date, in zone: TimeZone) -> (day: LocalDate, secondsOfDay: Double) {
        let local = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
        let dayNumber = Int((local / 86_400).rounded(.down))
        return (LocalDate(dayNumber: dayNumber), local - Double(dayNumber) * 86_400)
    }

    /// The instant of local midnight starting `day` in `zone` (the first instant of the day).
    static func startOfDay(_ day: LocalDate, in zone: TimeZone) -> Date {
        let local = Double(day.dayNumber) * 86_400
        var utc = local - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: local)))
        utc = local - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: utc)))
        return Date(timeIntervalSince1970: utc)
    }

    /// `instant` moved to `day`, keeping its local time of day in `zone` (exactly, fractions included).
    static func moving(_ instant: Date, to day: LocalDate, in zone: TimeZone) -> Date {
        let (from, _) = split(instant, in: zone)
        guard from != day else { return instant }
        let oldOffset = zone.secondsFromGMT(for: instant)
        let roughly = instant.addingTimeInterval(Double((day.dayNumber - from.dayNumber) * 86_400))
        // Across a DST change the offset differs; correct by it so the wall-clock time stays the same.
        var moved = roughly.addingTimeInterval(Double(oldOffset - zone.secondsFromGMT(for: roughly)))
        moved = roughly.addingTimeInterval(Double(oldOffset - zone.secondsFromGMT(for: moved)))
        return moved
    }
}
