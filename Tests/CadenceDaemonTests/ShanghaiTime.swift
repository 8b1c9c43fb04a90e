import CadenceCore
import Foundation

/// The zone of the tests' Chinese offices.
let shanghaiZone = TimeZone(identifier: "Asia/Shanghai")!

/// Local midnight of `day` (YYYY-MM-DD) in Shanghai, plus `hours`.
func inShanghai(_ day: String, _ hours: Int = 0) -> Date {
    LocalDay.instant(LocalDate(day)!, secondsOfDay: hours * 3600, in: shanghaiZone)
}
