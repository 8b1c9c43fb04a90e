import CadenceConfiguration
import CadenceCore
import CadenceStore
import Foundation
import Logging

extension Manager {
    /// The holiday files' reach, from the configuration in force.
    var holidayCoverage: HolidayCoverage { HolidayCoverage(coveredYears: configuration.workingDays.coveredYears) }

    /// From 1 December, a notice for the coming year that no holiday file covers, and another when
    /// that year begins still uncovered: each once, whatever the restarts (the key is unique).
    func processHolidayCoverage(at now: Date) throws -> [Notice] {
        let coverage = holidayCoverage
        var stored: [Notice] = []
        for gap in coverage.gaps(on: LocalDay.of(now, in: configuration.timeZone))
        where !announcedHolidayGaps.contains(gap.noticeKey) {
            var notice = text.render(
                Notice(
                    key: gap.noticeKey, kind: .holidayDataMissing, dueAt: now, emittedAt: now,
                    periods: [String(gap.year)]),
                extra: [
                    "summary": text.holidayGap(gap, lastCovered: coverage.lastCoveredYear(before: gap.year)),
                    "directory": configuration.directory.hasSuffix("/")
                        ? configuration.directory + "holidays.d" : configuration.directory + "/holidays.d",
                ])
            notice.fields = ["HOLIDAY_YEAR": String(gap.year)]
            if let recorded = try store.record(notice: notice) { stored.append(recorded) }
            announcedHolidayGaps.insert(gap.noticeKey)
        }
        if !stored.isEmpty {
            logger.warning(
                "No holiday file covers \(stored.map { $0.periods.joined() }.joined(separator: ", ")): notice stored",
                metadata: ["years": "\(stored.flatMap(\.periods).joined(separator: " "))"])
        }
        delivery.stored(stored)
        return stored
    }
}
