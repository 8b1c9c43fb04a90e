import Foundation

/// A local wall-clock time: a day number (days since 1970-01-01) and microseconds into the day.
struct WallTime: Comparable, Sendable {
    static let microsecondsPerDay: Int64 = 86_400_000_000
    var day: Int
    var microsecond: Int64

    static func < (lhs: WallTime, rhs: WallTime) -> Bool { (lhs.day, lhs.microsecond) < (rhs.day, rhs.microsecond) }

    /// The wall time one microsecond later.
    var successor: WallTime {
        microsecond + 1 == Self.microsecondsPerDay
            ? WallTime(day: day + 1, microsecond: 0) : WallTime(day: day, microsecond: microsecond + 1)
    }

    /// Seconds of the wall time counted as if it were UTC.
    var secondsAsUTC: Int64 { Int64(day) * 86_400 + microsecond / 1_000_000 }
}

/// How a wall time maps onto instants in one zone.
enum WallTimeResolution {
    /// One instant, or two when the wall time repeats (earliest first).
    case instants([Microseconds])
    /// The wall time is skipped by a forward change of the offset; the first wall time after it.
    case skipped(resumeAt: WallTime)
}

/// Offsets of one zone, with the conversions the search needs.
struct ZoneOffsets {
    let zone: TimeZone?

    func offset(atSecond second: Int64) -> Int64 {
        guard let zone else { return 0 }
        return Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(second))))
    }

    func wallTime(of instant: Microseconds) -> WallTime {
        let second = instant.value.floorDivided(by: Microseconds.perSecond)
        let local = instant.value + offset(atSecond: second) * Microseconds.perSecond
        let day = local.floorDivided(by: WallTime.microsecondsPerDay)
        return WallTime(day: Int(day), microsecond: local - day * WallTime.microsecondsPerDay)
    }

    func resolve(_ wall: WallTime) -> WallTimeResolution {
        let fraction = wall.microsecond % 1_000_000
        let asUTC = wall.secondsAsUTC
        guard zone != nil else { return .instants([Microseconds(asUTC * 1_000_000 + fraction)]) }
        // The offsets in force a day before and a day after bracket every change near this wall time.
        let before = offset(atSecond: asUTC - 86_400)
        let after = offset(atSecond: asUTC + 86_400)
        var instants: [Microseconds] = []
        for candidate in Set([before, after]).sorted(by: >) {
            let second = asUTC - candidate
            if offset(atSecond: second) == candidate {
                instants.append(Microseconds(second * 1_000_000 + fraction))
            }
        }
        if !instants.isEmpty { return .instants(instants.sorted()) }
        // Skipped: find the change (offset goes from `before` to `after`, after > before), then resume
        // at the first wall time after it.
        var low = asUTC - after  // offset there is still `before`
        var high = asUTC - before  // offset there is already `after`
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(atSecond: middle) == before { low = middle } else { high = middle }
        }
        let resume = (high + offset(atSecond: high)) * 1_000_000
        let day = resume.floorDivided(by: WallTime.microsecondsPerDay)
        return .skipped(resumeAt: WallTime(day: Int(day), microsecond: resume - day * WallTime.microsecondsPerDay))
    }
}

extension CalendarSpec {
    /// The first elapse strictly after `base`.
    ///
    /// Walks the wall-clock fields from the largest to the smallest, taking at each the smallest
    /// value that matches and resetting the smaller fields when a larger one moves, with the carry
    /// into the next month or year done on the civil calendar (not by `mktime()` normalization,
    /// which is where systemd 252 skips elapses). A matching wall time is then placed in the zone.
    func nextElapse(after base: Microseconds, localZone: TimeZone) -> Microseconds? {
        let offsets: ZoneOffsets
        switch zone {
        case .utc: offsets = ZoneOffsets(zone: nil)
        case .local: offsets = ZoneOffsets(zone: localZone)
        case .named(_, let timeZone): offsets = ZoneOffsets(zone: timeZone)
        }
        let start = Microseconds(base.value + 1)
        var lowest = offsets.wallTime(of: start)
        // Each round either returns or moves past a skipped or already passed wall time.
        for _ in 0..<10_000 {
            guard let wall = nextWallTime(atOrAfter: lowest) else { return nil }
            switch offsets.resolve(wall) {
            case .instants(let instants):
                if let instant = instants.first(where: { $0 >= start }) { return instant }
                lowest = wall.successor
            case .skipped(let resume):
                lowest = max(resume, wall.successor)
            }
        }
        return nil
    }

    /// The earliest wall time at or after `lowest` that matches every field.
    func nextWallTime(atOrAfter lowest: WallTime) -> WallTime? {
        var (y, m, d) = CivilCalendar.civil(fromDays: lowest.day)
        var timeFloor: Int64? = lowest.microsecond  // nil once the date has moved: any time of day
        while true {
            guard let year = Self.smallest(year, atLeast: y, atMost: Self.yearRange.upperBound) else { return nil }
            if year != y { (y, m, d, timeFloor) = (year, 1, 1, nil) }
            guard let mm = Self.smallest(month, atLeast: m, atMost: 12) else {
                (y, m, d, timeFloor) = (y + 1, 1, 1, nil)
                continue
            }
            if mm != m { (m, d, timeFloor) = (mm, 1, nil) }
            let daysInMonth = CivilCalendar.daysInMonth(year: y, month: m)
            guard let dd = smallestDay(atLeast: d, daysInMonth: daysInMonth) else {
                (m, d, timeFloor) = (m + 1, 1, nil)
                if m > 12 { (y, m) = (y + 1, 1) }
                continue
            }
            if dd != d { (d, timeFloor) = (dd, nil) }
            let dayNumber = CivilCalendar.days(fromCivil: y, m, d)
            if weekdays >= 0 && weekdays & (1 << (CivilCalendar.isoWeekday(dayNumber: dayNumber) - 1)) == 0 {
                (d, timeFloor) = (d + 1, nil)
                if d > daysInMonth { (m, d) = (m + 1, 1) }
                if m > 12 { (y, m) = (y + 1, 1) }
                continue
            }
            if let time = nextTimeOfDay(atOrAfter: timeFloor ?? 0) {
                return WallTime(day: dayNumber, microsecond: time)
            }
            (d, timeFloor) = (d + 1, nil)
            if d > daysInMonth { (m, d) = (m + 1, 1) }
            if m > 12 { (y, m) = (y + 1, 1) }
        }
    }

    /// The earliest matching time of day at or after `floor` (microseconds since midnight).
    private func nextTimeOfDay(atOrAfter floor: Int64) -> Int64? {
        var h = Int(floor / 3_600_000_000)
        var mi = Int(floor / 60_000_000 % 60)
        var s = Int(floor % 60_000_000)
        while true {
            guard let hh = Self.smallest(hour, atLeast: h, atMost: 23) else { return nil }
            if hh != h { (h, mi, s) = (hh, 0, 0) }
            guard let mm = Self.smallest(minute, atLeast: mi, atMost: 59) else {
                (h, mi, s) = (h + 1, 0, 0)
                continue
            }
            if mm != mi { (mi, s) = (mm, 0) }
            guard let ss = Self.smallest(second, atLeast: s, atMost: 60 * Self.microsecondsPerSecond - 1) else {
                (mi, s) = (mi + 1, 0)
                continue
            }
            return Int64(h) * 3_600_000_000 + Int64(mi) * 60_000_000 + Int64(ss)
        }
    }

    /// The smallest value of `chain` in `value...limit`; `*` (nil) matches every value.
    static func smallest(_ chain: [CalendarComponent]?, atLeast value: Int, atMost limit: Int) -> Int? {
        guard value <= limit else { return nil }
        guard let chain else { return value }
        var best: Int?
        for c in chain {
            if let v = c.smallestMatch(atLeast: value), v <= limit, best.map({ v < $0 }) ?? true { best = v }
        }
        return best
    }

    /// The smallest matching day in `value...daysInMonth`; with `~`, the list counts back from the
    /// month's last day (`~1` is the last day) and a repetition runs towards the end of the month.
    private func smallestDay(atLeast value: Int, daysInMonth: Int) -> Int? {
        guard endOfMonth, let day else { return Self.smallest(day, atLeast: value, atMost: daysInMonth) }
        guard value <= daysInMonth else { return nil }
        var best: Int?
        for c in day {
            var start = daysInMonth + 1 - c.start
            var stop = c.stop > 0 ? daysInMonth + 1 - c.stop : -1
            if stop > 0 { swap(&start, &stop) }
            if let v = c.smallestMatch(atLeast: value, start: start, stop: stop), v <= daysInMonth,
                best.map({ v < $0 }) ?? true
            {
                best = v
            }
        }
        return best
    }
}
