public import Foundation

/// `2026-12-01T01:00:00Z`: ISO 8601 in UTC, whole seconds, without a formatter object (building
/// an `ISO8601DateFormatter` per value costs more than the rest of a listing).
public enum ISOTimestamp {
    public static func utc(_ date: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        write(date, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``utc(_:)``'s text to `out`, digit by digit: this runs for every date of every item
    /// in a long listing.
    public static func write(_ date: Date, into out: inout [UInt8]) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds.floorDivided(by: 86_400)
        let day = LocalDate(dayNumber: Int(days))
        let rest = Int(seconds - days * 86_400)
        guard (0...9999).contains(day.year) else {
            out += Array(
                ("\(day)T\(CivilCalendar.pad(rest / 3600, 2)):\(CivilCalendar.pad(rest / 60 % 60, 2)):"
                    + "\(CivilCalendar.pad(rest % 60, 2))Z").utf8)
            return
        }
        func put(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(48 + rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        put(day.year, 4)
        out.append(UInt8(ascii: "-"))
        put(day.month, 2)
        out.append(UInt8(ascii: "-"))
        put(day.day, 2)
        out.append(UInt8(ascii: "T"))
        put(rest / 3600, 2)
        out.append(UInt8(ascii: ":"))
        put(rest / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        put(rest % 60, 2)
        out.append(UInt8(ascii: "Z"))
    }

    /// Reads an RFC 3339 instant: `2026-12-01T09:00:00Z`, with optional fractional seconds and a
    /// `Z` or `±HH:MM` offset. Nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") else { return nil }
        guard let day = LocalDate(String(decoding: bytes[0..<10], as: UTF8.self)) else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            var scale = 0.1
            index += 1
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let h = number(index + 1..<index + 3), let m = number(index + 4..<index + 6), h < 24, m < 60
            else { return nil }
            offset = (h * 3600 + m * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        let seconds = day.dayNumber * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
