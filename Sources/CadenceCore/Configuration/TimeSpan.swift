/// systemd time spans (`man systemd.time`, "PARSING TIME SPANS"): `90s`, `1h 30min`, `2w`, `1.5d`.
///
/// A span is one or more number–unit pairs, optionally separated by whitespace, summed. A bare number
/// is seconds, as for systemd's `…Sec=` settings. Units: `usec us μs`, `msec ms`,
/// `seconds second sec s`, `minutes minute min m`, `hours hour hr h`, `days day d`,
/// `weeks week w`, `months month M` (30.44 days), `years year y` (365.25 days).
/// Precision is one microsecond, as in systemd.
public enum TimeSpan {
    /// Microseconds per unit word, longest words first so that `min` is not read as `m` + `in`.
    private static let units: [(String, Int64)] = {
        let second: Int64 = 1_000_000
        let table: [([String], Int64)] = [
            (["usec", "us", "μs", "µs"], 1),
            (["msec", "ms"], 1_000),
            (["seconds", "second", "sec", "s"], second),
            (["minutes", "minute", "min", "m"], 60 * second),
            (["hours", "hour", "hr", "h"], 3_600 * second),
            (["days", "day", "d"], 86_400 * second),
            (["weeks", "week", "w"], 604_800 * second),
            (["months", "month", "M"], 2_629_800 * second),
            (["years", "year", "y"], 31_557_600 * second),
        ]
        return table.flatMap { words, value in words.map { ($0, value) } }.sorted { $0.0.count > $1.0.count }
    }()

    /// Parses a span; nil when `text` is not one (empty, negative, unknown unit, overflow).
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text.trimmingWhitespace())
        guard !rest.isEmpty else { return nil }
        var total: Int64 = 0
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            let integer = rest.prefix { $0.isASCIIDigit }
            rest = rest.dropFirst(integer.count)
            var fraction = Substring("")
            if rest.first == "." {
                rest = rest.dropFirst()
                fraction = rest.prefix { $0.isASCIIDigit }
                rest = rest.dropFirst(fraction.count)
                guard !fraction.isEmpty else { return nil }
            }
            guard !integer.isEmpty || !fraction.isEmpty, integer.count <= 12 else { return nil }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            let unitWord = rest.prefix { !$0.isASCIIDigit && $0 != " " && $0 != "\t" && $0 != "." }
            let multiplier: Int64
            if unitWord.isEmpty {
                multiplier = 1_000_000
            } else if let unit = units.first(where: { $0.0 == unitWord }) {
                multiplier = unit.1
            } else {
                return nil
            }
            rest = rest.dropFirst(unitWord.count)
            let whole = Int64(integer) ?? 0
            var part = whole.multipliedReportingOverflow(by: multiplier)
            guard !part.overflow else { return nil }
            // Fractions beyond microsecond precision are dropped, as systemd does.
            var scale = multiplier
            for digit in fraction.prefix(18) {
                scale /= 10
                part.partialValue += Int64(digit.wholeNumberValue!) * scale
            }
            let sum = total.addingReportingOverflow(part.partialValue)
            guard !sum.overflow else { return nil }
            total = sum.partialValue
        }
        return .microseconds(total)
    }

    /// Formats a span the way systemd prints one (`1w 2d 3h 4min 5s`); `0` for zero.
    public static func format(_ span: Duration) -> String {
        var micros = span.components.seconds * 1_000_000 + span.components.attoseconds / 1_000_000_000_000
        guard micros > 0 else { return "0" }
        let steps: [(String, Int64)] = [
            ("y", 31_557_600_000_000), ("month", 2_629_800_000_000), ("w", 604_800_000_000), ("d", 86_400_000_000),
            ("h", 3_600_000_000), ("min", 60_000_000), ("s", 1_000_000), ("ms", 1_000), ("us", 1),
        ]
        var parts: [String] = []
        for (word, size) in steps where micros >= size {
            parts.append("\(micros / size)\(word)")
            micros %= size
        }
        return parts.joined(separator: " ")
    }
}
