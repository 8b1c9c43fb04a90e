import CadenceCore
import Foundation

/// The zone of the tests' Chinese offices.
let shanghaiZone = TimeZone(identifier: "Asia/Shanghai")!

/// Local midnight of `day` (YYYY-MM-DD) in Shanghai, plus `hours`.
func inShanghai(_ day: String, _ hours: Int = 0) -> Date {
    LocalDay.instant(LocalDate(day)!, secondsOfDay: hours * 3600, in: shanghaiZone)
}

/// `hour`:00 of `day` (YYYY-MM-DD) in UTC.
func inUTC(_ day: String, _ hour: Int = 0) -> Date {
    Date(timeIntervalSince1970: TimeInterval(LocalDate(day)!.dayNumber * 86_400 + hour * 3600))
}

/// A quarterly leader review, the duty the tests of recorded reviews walk.
let quarterlyReviewCadence = """
    [Cadence]
    Description=Quarterly leader review
    OnCalendar=*-03,06,09,12-01 09:00
    Kind=review
    Period=quarter
    """
