import CadenceConfiguration
import Foundation

/// One differential case: an `OnCalendar=` expression, the `TZ` it runs under, and the instant to search after.
struct CalendarCase: Sendable, CustomStringConvertible {
    var expression: String
    var zone: String
    /// Microseconds since the epoch; elapses are searched strictly after it.
    var baseMicros: Int64

    var description: String {
        "'\(expression)' TZ=\(zone) after \(OracleTime.format(micros: baseMicros))"
            + " (@\(OracleTime.formatBase(micros: baseMicros)))"
    }
}

/// Expressions sharing one zone and one base time: what a single systemd-analyze invocation can answer.
struct CalendarCaseGroup: Sendable {
    var zone: String
    var baseMicros: Int64
    /// What the base time was chosen to probe ("DST change", "month end", …), for messages.
    var kind: String
    var expressions: [String]

    var cases: [CalendarCase] {
        expressions.map { CalendarCase(expression: $0, zone: zone, baseMicros: baseMicros) }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny PRNG whose sequence does not depend on the Swift toolchain.
///
/// The standard library's `random(in:using:)` may change its algorithm between releases; the helpers here draw
/// with plain arithmetic so a printed seed reproduces the same cases anywhere.
struct SplitMix64 {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `range`; the modulo bias is below 2⁻⁴⁰ for the ranges used here.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    mutating func int64(_ range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// True with probability `percent` / 100.
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }
}

/// Generates differential cases from systemd's calendar grammar (`man systemd.time`, `calendarspec.c`).
///
/// Every group picks a zone and a base time aimed at an edge (month ends, February in leap and common years, the
/// hours around each zone's DST changes, year ends) or at a random instant in 1971–2190, then draws expressions:
/// a few aimed at the edge, the rest random grammar, about one in six deliberately broken so that accept/reject is
/// compared too. Whether an expression is valid is the oracle's call, not the generator's.
struct CalendarCaseGenerator {
    static let zones = ["UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"]
    static let defaultSeed: UInt64 = 0x00CA_DE4C_ED20_2611

    private var rng: SplitMix64
    let seed: UInt64

    init(seed: UInt64 = CalendarCaseGenerator.defaultSeed) {
        self.seed = seed
        rng = SplitMix64(seed: seed)
    }

    /// The seed from `CADENCE_ORACLE_SEED` (decimal or 0x-hex), else the default.
    static func seedFromEnvironment() -> UInt64 {
        guard let text = ProcessInfo.processInfo.environment["CADENCE_ORACLE_SEED"] else { return defaultSeed }
        if text.hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) ?? defaultSeed }
        return UInt64(text) ?? defaultSeed
    }

    /// `groupCount` groups of `perGroup` expressions each; zones rotate so each gets the same share.
    mutating func groups(count groupCount: Int = 240, perGroup: Int = 11) -> [CalendarCaseGroup] {
        (0..<groupCount).map { index in
            let zone = Self.zones[index % Self.zones.count]
            let (kind, base) = baseTime(zone: zone)
            var expressions: [String] = []
            expressions.append(rng.pick(Self.curated))
            if kind == "DST change" { expressions.append(rng.pick(Self.dstSensitive)) }
            if kind == "month end" || kind == "February" { expressions.append(rng.pick(Self.monthEndSensitive)) }
            expressions.append(shorthandOrTimestamp())
            while expressions.count < perGroup {
                expressions.append(rng.chance(17) ? invalidExpression() : randomExpression())
            }
            return CalendarCaseGroup(zone: zone, baseMicros: base, kind: kind, expressions: expressions)
        }
    }

    // MARK: - Base times

    private mutating func baseTime(zone: String) -> (String, Int64) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let roll = rng.int(0...99)
        let kind: String
        var date: Date
        switch roll {
        case 0..<20:
            kind = "month end"
            let year = rng.int(1971...2190), month = rng.int(1...12)
            let first = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
            let last = calendar.range(of: .day, in: .month, for: first)!.count
            date = local(calendar, year, month, last, rng.pick([23, 23, 22, 12, 0]), rng.int(0...59), rng.int(0...59))
            if rng.chance(25) { date = calendar.date(byAdding: .day, value: 1, to: date)! }
        case 20..<32:
            kind = "February"
            let year = rng.pick([1972, 2000, 2024, 2028, 2096, 2100, 2104, 2023, 2025, 2026, 2027, 2099, 2101, 2188])
            date = local(calendar, year, 2, rng.pick([27, 28, 28, 29]), rng.pick([0, 12, 23, 23]), rng.int(0...59), 0)
        case 32..<62 where zone != "UTC":
            kind = "DST change"
            date = nearDSTChange(calendar.timeZone) ?? Date(timeIntervalSince1970: 1_774_746_000)
        case 32..<72:
            kind = "year end"
            let year = rng.int(1971...2189)
            date = local(calendar, year, 12, 31, 23, rng.pick([0, 30, 59, 59]), rng.int(0...59))
            if rng.chance(30) { date = calendar.date(byAdding: .hour, value: 1, to: date)! }
        default:
            kind = "random"
            // 1971-01-01 … 2190-12-31
            date = Date(timeIntervalSince1970: TimeInterval(rng.int64(31_536_000...7_006_809_599)))
        }
        var micros = OracleTime.micros(date)
        micros -= micros % 1_000_000
        switch rng.int(0...9) {
        case 0, 1: micros += Int64(rng.int(1...999_999))
        case 2: micros += 500_000
        case 3: micros -= 1  // one microsecond before a whole second
        default: break
        }
        return (kind, micros)
    }

    private func local(_ calendar: Calendar, _ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int, _ s: Int) -> Date {
        calendar.date(from: DateComponents(year: y, month: m, day: d, hour: h, minute: min, second: s))!
    }

    /// An instant within two hours of one of the zone's transitions in a random year: before, inside the skipped
    /// or repeated hour (as wall time), or after.
    private mutating func nearDSTChange(_ zone: TimeZone) -> Date? {
        // Shanghai observed DST only in 1986–1991; the others through the range.
        let year = zone.identifier == "Asia/Shanghai" ? rng.int(1986...1991) : rng.int(1971...2190)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var cursor = calendar.date(from: DateComponents(year: year, month: 1, day: 1))!
        var transitions: [Date] = []
        while transitions.count < 3, let next = zone.nextDaylightSavingTimeTransition(after: cursor),
            calendar.component(.year, from: next) == year
        {
            transitions.append(next)
            cursor = next
        }
        guard !transitions.isEmpty else { return nil }
        let transition = rng.pick(transitions)
        let anywhere = rng.int(-7_200...7_200)
        let offset = rng.pick([-7_200, -3_600, -1_801, -1, 0, 1, 900, 1_800, 3_599, 3_600, 5_400, anywhere])
        return transition.addingTimeInterval(TimeInterval(offset))
    }

    // MARK: - Expressions

    /// Hand-picked expressions known to stress systemd's search, tried against every kind of base.
    static let curated = [
        "*-*-1/11 23:00:00", "*-*-01/5 04:00:00", "*-01/7-01 04:00:00", "*-*-31", "*-*-30,31 12:00", "*-02-29",
        "*-02-29 23:59:59", "*-02-30", "*-04-31", "*-*-29..31/2 06:00", "*-*~01", "*-02~03", "*-*~1..7",
        "*-*~07/1", "Mon *-*~1..7 09:00", "Fri *-*~1..7", "Mon..Fri *-*-* 09:00", "Sat,Sun 10:30",
        "Tue-Thu *-*-1..7 08:15", "*-*-* 23:59:59", "*-12-31 23:59:59", "*-01-01 00:00:00", "*:*:0/7.5",
        "*-*-* 10:00:30.25", "2..20/3-*-* 00:00", "*-2..11/3-1,15 12:00", "monthly", "quarterly", "weekly",
        "*-*-31 23:00 Asia/Shanghai", "*-*-* 02:30 America/New_York", "*-*-* 02:30 Europe/Berlin",
        "*-*-* 02:15 Australia/Lord_Howe", "Sun *-*-* 01:00:00 Europe/Dublin", "*-*-1/11 23:00:00 UTC",
        "2199-12-31 23:59:59", "*-*-* 00:00:00/0.5", "*:0/20:30.125", "Wed *-02-29", "*-1/5-31/3 5/7:00",
    ]

    /// Times that fall into, or next to, a skipped or repeated local hour somewhere.
    static let dstSensitive = [
        "*-*-* 02:30", "*-*-* 2:00:00", "*-*-* 01:59:59", "*-*-* 03:00", "hourly", "*:0/30", "*-*-* 1..3:15",
        "*-*-* 2,3:30", "*-*-* 01:30", "*-*-* 02:15:30", "*:*:00", "*-*-* 0..4:0/15", "Sun *-*-* 02:30",
        "*-*-* 01:00..59/10:00", "*-03,10,11-* 02:30",
    ]

    /// Days that exist in some months only, and days counted from the end of the month.
    static let monthEndSensitive = [
        "*-*-28..31 00:00", "*-*-29", "*-*-30", "*-*-31 23:59", "*-*~01", "*-*~02..03", "*-02~01", "*-*~03/1",
        "*-02-28,29 12:00", "*-*-1,31", "Mon *-*~01..07", "*-*~04,01 23:00", "*-2~1..4/2",
    ]

    private mutating func shorthandOrTimestamp() -> String {
        if rng.chance(25) {
            let seconds = rng.chance(90) ? rng.int64(0...7_258_000_000) : rng.int64(7_258_000_000...9_999_999_999)
            return "@\(seconds)" + (rng.chance(30) ? " UTC" : "")
        }
        let words = [
            "minutely", "hourly", "daily", "weekly", "monthly", "quarterly", "semiannually", "semi-annually",
            "biannually", "bi-annually", "yearly", "annually", "anually",
        ]
        return recase(rng.pick(words)) + zoneSuffix(percent: 30)
    }

    private mutating func recase(_ word: String) -> String {
        switch rng.int(0...5) {
        case 0: word.uppercased()
        case 1: word.prefix(1).uppercased() + word.dropFirst()
        default: word
        }
    }

    private mutating func zoneSuffix(percent: Int) -> String {
        guard rng.chance(percent) else { return "" }
        let zones = ["UTC", "utc", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"]
        return " " + rng.pick(zones)
    }

    private static let weekdayNames = [
        ("Mon", "Monday"), ("Tue", "Tuesday"), ("Wed", "Wednesday"), ("Thu", "Thursday"), ("Fri", "Friday"),
        ("Sat", "Saturday"), ("Sun", "Sunday"),
    ]

    private mutating func weekdayName(_ index: Int) -> String {
        let (short, full) = Self.weekdayNames[index]
        let name = rng.chance(30) ? full : short
        switch rng.int(0...5) {
        case 0: return name.lowercased()
        case 1: return name.uppercased()
        default: return name
        }
    }

    private mutating func weekdays() -> String {
        var items: [String] = []
        for _ in 0..<rng.int(1...3) {
            let first = rng.int(0...6)
            if rng.chance(40) {
                let last = rng.int(first...6)
                items.append(weekdayName(first) + (rng.chance(70) ? ".." : "-") + weekdayName(last))
            } else {
                items.append(weekdayName(first))
            }
        }
        return items.joined(separator: ",") + (rng.chance(5) ? "," : "")
    }

    private mutating func number(_ value: Int, width: Int) -> String {
        let text = String(value)
        return rng.chance(50) && text.count < width ? String(repeating: "0", count: width - text.count) + text : text
    }

    /// One chain element in `lo...hi`: a value, a range, a value with repetition, or a range with repetition.
    private mutating func element(_ lo: Int, _ hi: Int, width: Int, favored: [Int] = []) -> String {
        let start = !favored.isEmpty && rng.chance(40) ? rng.pick(favored) : rng.int(lo...hi)
        switch rng.int(0...9) {
        case 0...4:
            return number(start, width: width)
        case 5, 6:
            guard start < hi else { return number(start, width: width) }
            return number(start, width: width) + ".." + number(rng.int((start + 1)...hi), width: width)
        case 7, 8:
            guard start < hi else { return number(start, width: width) }
            return number(start, width: width) + "/" + String(rng.int(1...max(1, min(hi - start, 12))))
        default:
            guard start + 1 < hi else { return number(start, width: width) }
            let stop = rng.int((start + 1)...hi)
            return number(start, width: width) + ".." + number(stop, width: width) + "/"
                + String(rng.int(1...max(1, stop - start)))
        }
    }

    private mutating func chain(_ lo: Int, _ hi: Int, width: Int, star: Int, favored: [Int] = []) -> String {
        if rng.chance(star) { return "*" }
        return (0..<rng.pick([1, 1, 1, 2, 3])).map { _ in element(lo, hi, width: width, favored: favored) }
            .joined(separator: ",")
    }

    private mutating func year() -> String {
        if rng.chance(55) { return "*" }
        switch rng.int(0...5) {
        case 0:
            let twoDigits = rng.int(0...99)  // 00…69 → 2000…2069, 70…99 → 1970…1999
            return twoDigits < 10 ? "0\(twoDigits)" : String(twoDigits)
        case 1: return "\(rng.int(2020...2199))/\(rng.int(1...5))"
        case 2:
            let start = rng.int(2000...2190)
            return "\(start)..\(rng.int(start...2199))"
        default: return chain(1970, 2199, width: 4, star: 0, favored: [2024, 2025, 2026, 2027, 2028, 2100, 2199])
        }
    }

    /// Days counted back from the end of the month: values 1…28, `start/repeat` needs start − repeat ≥ 1.
    private mutating func endOfMonthDays() -> String {
        switch rng.int(0...5) {
        case 0: return "*"
        case 1:
            let start = rng.int(1...7)
            return number(start, width: 2) + ".." + number(rng.int(start...10), width: 2)
        case 2:
            let start = rng.int(2...10)
            return number(start, width: 2) + "/" + String(rng.int(1...(start - 1)))
        case 3: return number(rng.int(1...4), width: 2) + "," + number(rng.int(1...28), width: 2)
        default: return number(rng.int(1...5), width: 2)
        }
    }

    private mutating func seconds() -> String {
        switch rng.int(0...11) {
        case 0: return "*"
        case 1: return rng.pick(["0/7.5", "0/1.5", "10.5", "30.25", "0/20", "15,45", "0..30/10", "59", "1.125..2.125"])
        case 2: return "\(number(rng.int(0...59), width: 2)).\(rng.int(1...999))"
        default: return chain(0, 59, width: 2, star: 0, favored: [0, 0, 30, 59])
        }
    }

    /// A random expression from the grammar: [weekdays] [date] [time] [zone].
    mutating func randomExpression() -> String {
        var parts: [String] = []
        let withWeekdays = rng.chance(30)
        if withWeekdays { parts.append(weekdays()) }
        let month = chain(1, 12, width: 2, star: 50, favored: [2, 12])
        let endOfMonth = rng.chance(15)
        let day = endOfMonth ? endOfMonthDays() : chain(1, 31, width: 2, star: 40, favored: [1, 28, 29, 30, 31])
        let dateSeparator = endOfMonth ? "~" : "-"
        switch rng.int(0...9) {
        case 0...4: parts.append(year() + "-" + month + dateSeparator + day)
        case 5, 6: parts.append(month + dateSeparator + day)
        case 7: if !withWeekdays || rng.chance(50) { parts.append("*-*-*") }
        default: break
        }
        let dateOnly = !parts.isEmpty && rng.chance(15)
        if !dateOnly {
            let hour = chain(0, 23, width: 2, star: 25, favored: [0, 1, 2, 3, 9, 12, 23])
            let minute = chain(0, 59, width: 2, star: 20, favored: [0, 0, 15, 30, 45, 59])
            parts.append(rng.chance(45) ? "\(hour):\(minute)" : "\(hour):\(minute):\(seconds())")
        }
        return parts.joined(separator: " ") + zoneSuffix(percent: 20)
    }

    /// A random expression with one defect that systemd probably rejects (the oracle decides).
    mutating func invalidExpression() -> String {
        let valid = randomExpression()
        switch rng.int(0...13) {
        case 0:
            return rng.pick(["*-13-01", "*-00-10", "*-*-32", "*-*-00", "*-02-30 25:00", "2200-01-01", "1969-12-31"])
        case 1: return rng.pick(["25:00", "24:00", "12:60", "*:50/15", "*:*:61", "00:00/60", "20/4:00", "*:0/0"])
        case 2: return rng.pick(["Mo 12:00", "Mond", "Mon..", "Monday.. 12:00", "Fri..Mon", "Fri-Mon 10:00", "Mon-"])
        case 3: return valid + rng.pick([" x", "!", ":", " 12", "-", ",", " Mars/Olympus"])
        case 4: return rng.pick(["*-*-", "12::00", "-01-01", ",Mon", "1,,2-*", "12:", ":30", "*-*-* :00"])
        case 5: return rng.pick(["*/2", "*:*/2", "*-*-*/2", "*/15:00", "0/0:00"])
        case 6: return rng.pick(["*~29", "2016~11-22", "*-*~5/5", "*~16..31", "*-*~1/1", "*-*~30", "*-*~7..3"])
        case 7: return rng.pick(["00:00:00.0..00.9", "00:00:00/0.00000001", "00:00:2300", "@88588582097858858"])
        case 8: return rng.pick(["12..1/2-*", "*-5..3-*", "23..1:00", "*:30..10"])
        case 9: return rng.pick(["", " ", "    ", " utc", "test", "7", "121212:1:2", "2000-03-05.23 00:00:00"])
        case 10: return rng.pick(["2016- 11- 24 12: 30: 00", "Mon  12:00", "*-*-*  12:00", "12:00 ", " 12:00"])
        case 11: return valid.replacingOccurrences(of: ":", with: "::")
        case 12: return valid.replacingOccurrences(of: "-", with: "--")
        default: return valid.replacingOccurrences(of: "*", with: "**")
        }
    }
}
