public import Foundation

extension Cadence {
    /// The reports written with this cadence's occurrence for `period`, and the year each covers.
    ///
    /// `Report=` decides when set. Otherwise a cadence of kind `evaluation` writes the year-end
    /// evaluation (一年一總評) for a year, a second half-year or a single occurrence, and the
    /// mid-year one (半年) for a first half-year; other cadences write none.
    public func reportVariants(for period: PeriodKey) -> (year: Int, variants: [EvaluationVariant])? {
        guard let year = Int(period.rawValue.prefix(4)) else { return nil }
        if let reports { return reports.isEmpty ? nil : (year, reports) }
        guard kind == .evaluation else { return nil }
        switch self.period {
        case .year, .occurrence: return (year, [.yearEnd])
        case .halfYear: return (year, [period.rawValue.hasSuffix("H1") ? .midYear : .yearEnd])
        case .month, .quarter: return nil
        }
    }
}

/// Where an automatic report goes under the notice directory: next to its occurrence's notice, in
/// the same dated tree, `2026/12/18/090000-evaluation-year-end-2026-<id>.html`.
///
/// Names are built from ASCII letters, digits and `-` only; the id (a hash of the cadence, period and
/// variant) makes the name the same every time, so the file is written once and never replaced.
public enum EvaluationFileName {
    public static func relativePath(
        cadence: String, period: PeriodKey, variant: EvaluationVariant, at instant: Date, zone: TimeZone,
        masked: Bool, format: EvaluationFormat, final: Bool = false
    ) -> String {
        let (day, seconds) = LocalTimeConversion.split(instant, in: zone)
        let s = Int(seconds.rounded(.down))
        let time = CivilCalendar.pad(s / 3600, 2) + CivilCalendar.pad(s / 60 % 60, 2) + CivilCalendar.pad(s % 60, 2)
        let folder =
            "\(CivilCalendar.pad(day.year, 4))/\(CivilCalendar.pad(day.month, 2))/\(CivilCalendar.pad(day.day, 2))"
        let id = StableHash.hex("report/\(cadence)/\(period)/\(variant.rawValue)" + (final ? "/final" : ""))
        let name = NoticeFileName.slug(period.rawValue) + (final ? "-final" : "")
        return
            "\(folder)/\(time)-evaluation-\(variant.rawValue)-\(name)-\(id)\(masked ? "-masked" : "").\(format.fileExtension)"
    }
}
