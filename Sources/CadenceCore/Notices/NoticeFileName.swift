public import Foundation

/// Where a notice's file goes under the notice directory: a tree dated by the day it was sent, in
/// the configured zone, the name starting with the time it was due,
/// `2026/12/01/090000-occurrence-monthly-reminder-<id>.md`.
///
/// Names are built only from ASCII letters, digits and `-`, so no cadence, unit or item name
/// can add a `/`, `..`, a newline or a control character to the path; the id (a hash of the
/// notice key) keeps names unique.
public enum NoticeFileName {
    public static func relativePath(for notice: Notice, zone: TimeZone) -> String {
        // Filed under the day it was sent, so a notice sent late is found with that day's others;
        // named by the time it was due (on time, the two are the same).
        func local(_ instant: Date) -> (day: LocalDate, seconds: Int) {
            let offset = zone.secondsFromGMT(for: instant)
            let local = Int64(instant.timeIntervalSince1970.rounded(.down)) + Int64(offset)
            let days = local.floorDivided(by: 86_400)
            return (LocalDate(dayNumber: Int(days)), Int(local - days * 86_400))
        }
        let day = local(notice.emittedAt).day
        let seconds = local(notice.dueAt).seconds
        let time =
            CivilCalendar.pad(seconds / 3600, 2) + CivilCalendar.pad(seconds / 60 % 60, 2)
            + CivilCalendar.pad(seconds % 60, 2)
        let subject = slug(notice.cadence ?? notice.unit ?? "item")
        let directory =
            "\(CivilCalendar.pad(day.year, 4))/\(CivilCalendar.pad(day.month, 2))/\(CivilCalendar.pad(day.day, 2))"
        return "\(directory)/\(time)-\(notice.kind.rawValue)-\(subject.isEmpty ? "x" : subject)-\(notice.id).md"
    }

    /// Lower-case ASCII letters and digits, other runs turned into one `-`, at most 40 characters.
    public static func slug(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if (48...57).contains(v) || (97...122).contains(v) {
                out.unicodeScalars.append(scalar)
            } else if (65...90).contains(v) {
                out.unicodeScalars.append(Unicode.Scalar(v + 32)!)
            } else if !out.hasSuffix("-") && !out.isEmpty {
                out += "-"
            }
            if out.count >= 40 { break }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}
