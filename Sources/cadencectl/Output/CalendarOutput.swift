import CadenceConfiguration
import ArgumentParser
import CadenceCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The human output of `cadencectl calendar`, shaped like `systemd-analyze calendar`.
enum CalendarTable {
    static func block(text: String, expression: CalendarExpression, elapses: [Date], now: Date, zone: TimeZone)
        -> String
    {
        var rows: [(String, String)] = []
        if text != expression.normalized { rows.append(("Original form:", text)) }
        rows.append(("Normalized form:", expression.normalized))
        if elapses.isEmpty { rows.append(("Next elapse:", "never")) }
        let showUTC = zone.secondsFromGMT(for: now) != 0 || zone.nextDaylightSavingTimeTransition(after: now) != nil
        for (i, elapse) in elapses.enumerated() {
            rows.append((i == 0 ? "Next elapse:" : "Iter. #\(i + 1):", Timestamp.local(elapse)))
            if showUTC { rows.append(("(in UTC):", Timestamp.utc(elapse))) }
            rows.append(("From now:", Timestamp.relative(elapse, now: now)))
        }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { String(repeating: " ", count: width - $0.0.count) + $0.0 + " " + $0.1 }
            .joined(separator: "\n")
    }
}

/// `--json`: one object per expression, instants in UTC ISO 8601, keys in a fixed order.
enum CalendarJSON {
    static func object(text: String, expression: CalendarExpression, elapses: [Date]) -> String {
        let instants = elapses.map {
            JSONString.quoted(Timestamp.iso8601UTC($0, microseconds: expression.hasFractionalSeconds))
        }
        return
            "{\"expression\": \(JSONString.quoted(text)), \"normalized\": \(JSONString.quoted(expression.normalized)), "
            + "\"elapses\": [\(instants.joined(separator: ", "))]}"
    }
}

/// Timestamps as systemd prints them (`format_timestamp()`), through the C library so zone
/// abbreviations are glibc's (`CST`, `EDT`), like systemd's.
enum Timestamp {
    static func local(_ date: Date) -> String { format(date, utc: false) }
    static func utc(_ date: Date) -> String { format(date, utc: true) }

    private static func format(_ date: Date, utc: Bool) -> String {
        var seconds = time_t(floor(date.timeIntervalSince1970))
        var parts = tm()
        if utc { gmtime_r(&seconds, &parts) } else { localtime_r(&seconds, &parts) }
        var buffer = [CChar](repeating: 0, count: 128)
        let pattern = utc ? "%a %Y-%m-%d %H:%M:%S UTC" : "%a %Y-%m-%d %H:%M:%S %Z"
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func iso8601UTC(_ date: Date, microseconds: Bool) -> String {
        let total = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = time_t(total >= 0 ? total / 1_000_000 : (total - 999_999) / 1_000_000)
        let micros = total - Int64(seconds) * 1_000_000
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S", &parts)
        let base = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard microseconds else { return base + "Z" }
        let fraction = String(micros)
        return base + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }

    /// systemd's `format_timestamp_relative()`.
    static func relative(_ date: Date, now: Date) -> String {
        let usec = Int64((date.timeIntervalSince1970 - now.timeIntervalSince1970) * 1_000_000)
        let suffix = usec < 0 ? " ago" : " left"
        let d = UInt64(abs(usec))
        let second: UInt64 = 1_000_000
        let minute = 60 * second, hour = 60 * minute, day = 24 * hour, week = 7 * day
        let year = 31_557_600 * second, month = 2_629_800 * second
        func plural(_ n: UInt64, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        if d >= year {
            return plural(d / year, "year") + " " + plural(d % year / month, "month") + suffix
        } else if d >= month {
            return plural(d / month, "month") + " " + plural(d % month / day, "day") + suffix
        } else if d >= week {
            return plural(d / week, "week") + " " + plural(d % week / day, "day") + suffix
        } else if d >= 2 * day {
            return "\(d / day) days" + suffix
        } else if d >= 25 * hour {
            return "1 day \((d - day) / hour)h" + suffix
        } else if d >= 6 * hour {
            return "\(d / hour)h" + suffix
        } else if d >= hour {
            return "\(d / hour)h \(d % hour / minute)min" + suffix
        } else if d >= 5 * minute {
            return "\(d / minute)min" + suffix
        } else if d >= minute {
            return "\(d / minute)min \(d % minute / second)s" + suffix
        } else if d >= second {
            return "\(d / second)s" + suffix
        } else if d >= 1000 {
            return "\(d / 1000)ms" + suffix
        } else if d > 0 {
            return "\(d)us" + suffix
        }
        return "now"
    }
}

/// The `--base-time` argument.
struct BaseTime: ExpressibleByArgument {
    var date: Date

    init?(argument: String) {
        guard let date = BaseTime.parse(argument) else { return nil }
        self.date = date
    }

    static func parse(_ text: String) -> Date? {
        if text == "now" { return Date() }
        if text.hasPrefix("@") {
            guard let seconds = Double(text.dropFirst()), seconds.isFinite, seconds >= 0 else { return nil }
            return Date(timeIntervalSince1970: seconds)
        }
        if text.count > 10, text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: 10)] == UInt8(ascii: "T") {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = formatter.date(from: text) { return date }
            formatter.formatOptions = [.withInternetDateTime]
            return formatter.date(from: text)
        }
        // "YYYY-MM-DD[ HH:MM[:SS[.frac]]][ ZONE]"
        var words = text.split(separator: " ").map(String.init)
        var zone = LocalZone.current
        if words.count >= 2, let last = words.last, !last.contains(":"),
            let named = last == "UTC" ? TimeZone(identifier: "UTC") : ZoneDatabase.system.zone(named: last)
        {
            zone = named
            words.removeLast()
        }
        guard (1...2).contains(words.count), let day = LocalDate(words[0]) else { return nil }
        var h = 0, m = 0
        var s = 0.0
        if words.count == 2 {
            let fields = words[1].split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(fields.count), let hh = Int(fields[0]), let mm = Int(fields[1]),
                (0...23).contains(hh), (0...59).contains(mm)
            else { return nil }
            (h, m) = (hh, mm)
            if fields.count == 3 {
                guard let ss = Double(fields[2]), ss >= 0, ss < 60 else { return nil }
                s = ss
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: day.year, month: day.month, day: day.day, hour: h, minute: m)
        return calendar.date(from: components).map { $0.addingTimeInterval(s) }
    }
}
