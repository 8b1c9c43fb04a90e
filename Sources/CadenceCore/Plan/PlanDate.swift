/// A date of a campaign plan as the plan's text gives it (DOMAIN.md §1.4): a day (`2011-10-20`,
/// `2011年10月20日`), a month (`2011-04`, `2011年4月`), a month's end (`2011-11月底`,
/// `2011年11月底`) or one of its ten-day parts, 旬 (`2011-10中旬`, `2011年10月下旬`: 上旬 days 1–10,
/// 中旬 11–20, 下旬 21 to the month's end). Each stands for a span of days: a phase starts on its
/// start's first day and ends on its end's last.
public struct PlanDate: Sendable, Hashable, CustomStringConvertible {
    /// As written in the plan file.
    public var text: String
    public var first: LocalDate
    public var last: LocalDate

    public var description: String { text }

    /// Parses a plan date; nil when the text is none of the shapes above (or no real day).
    public init?(_ text: String) {
        var body = text.trimmingWhitespace()
        let parts: [(suffix: String, days: (Int) -> ClosedRange<Int>)] = [
            ("月底", { $0...$0 }), ("上旬", { _ in 1...10 }), ("中旬", { _ in 11...20 }), ("下旬", { 21...$0 }),
        ]
        var span: ((Int) -> ClosedRange<Int>)?
        for part in parts where body.hasSuffix(part.suffix) {
            body = String(body.dropLast(part.suffix.count))
            // 月底 keeps its 月 as the month's separator; 2011年10月中旬 and 2011-10中旬 both mean October.
            if part.suffix == "月底" { body += "月" }
            span = part.days
        }
        if span == nil, let day = LocalDate(body) ?? OfficeDate.normalized(body).flatMap(LocalDate.init) {
            (self.text, first, last) = (text, day, day)
            return
        }
        guard let month = Self.month(body) else { return nil }
        let length = CivilCalendar.daysInMonth(year: month.year, month: month.month)
        let days = span?(length) ?? 1...length
        guard let first = LocalDate(year: month.year, month: month.month, day: days.lowerBound),
            let last = LocalDate(year: month.year, month: month.month, day: days.upperBound)
        else { return nil }
        (self.text, self.first, self.last) = (text, first, last)
    }

    /// `2011-04`, `2011年4月`, `2011/4`: a year of four digits and a month.
    private static func month(_ text: String) -> (year: Int, month: Int)? {
        var digits: [String] = [""]
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39: digits[digits.count - 1].unicodeScalars.append(scalar)
            case 0xFF10...0xFF19:
                digits[digits.count - 1].unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            default:
                guard "-/.年月－／．".unicodeScalars.contains(scalar), !digits[digits.count - 1].isEmpty else { return nil }
                digits.append("")
            }
        }
        if digits.last == "" { digits.removeLast() }
        guard digits.count == 2, digits[0].count == 4, (1...2).contains(digits[1].count),
            let year = Int(digits[0]), let month = Int(digits[1]), (1...12).contains(month)
        else { return nil }
        return (year, month)
    }

    /// What a plan date may be, for errors.
    public static let shapes =
        "a day (2011-10-20, 2011年10月20日), a month (2011-04, 2011年4月), a month's end (2011-11月底) or a 旬 (2011-10上旬, 中旬, 下旬)"
}
