import CadenceCore
import CadenceDaemon
import Foundation
import Testing

private let shanghai = TimeZone(identifier: "Asia/Shanghai")!

private func shanghaiTime(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let date = LocalDate(parts[0])!
    let time = parts[1].split(separator: ":").map { Int($0)! }
    return Date(timeIntervalSince1970: TimeInterval(date.dayNumber * 86_400 + time[0] * 3600 + time[1] * 60 - 28_800))
}

private let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("etc/cadenced").path

@Suite("Schedule of the shipped cadences")
struct ScheduleTests {
    static func shippedSchedule(after text: String) throws -> Schedule {
        let loaded = try ConfigurationLoader(directory: shipped).load(
            reference: shanghaiTime(text), systemTimeZone: shanghai)
        return Schedule(configuration: loaded, after: shanghaiTime(text))
    }

    @Test("Walking 2026 fires each cadence once per period, on working days where it must")
    func walkOneYear() throws {
        var schedule = try Self.shippedSchedule(after: "2025-12-31 23:59")
        var fired: [String: [String]] = [:]
        var last = shanghaiTime("2025-12-31 23:59")
        // Advance from wake to wake, as the daemon's timer does, through the whole year.
        while let wake = schedule.nextWake, wake < shanghaiTime("2027-01-01 00:00") {
            #expect(wake > last)
            last = wake
            for occurrence in schedule.takeDue(at: wake) {
                fired[occurrence.cadence, default: []].append(occurrence.period.rawValue)
            }
        }
        let months = (1...12).map { "2026-" + ($0 < 10 ? "0\($0)" : "\($0)") }
        #expect(fired["monthly-reminder"] == months)
        #expect(fired["month-end-quota"] == months)
        #expect(fired["quarterly-review"] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"])
        #expect(fired["half-year-inspection"] == ["2026-H1", "2026-H2"])
        #expect(fired["half-year-appraisal"] == ["2026-H1", "2026-H2"])
        #expect(fired["commitments"] == ["2026"])
        #expect(fired["year-end-evaluation"] == ["2026"])
    }

    @Test("The Spring Festival moves February's reminder to the first working day after it")
    func springFestivalShift() throws {
        // 2026-02-01 is a Sunday: the reminder moves to Monday 2026-02-02.
        var schedule = try Self.shippedSchedule(after: "2026-01-31 00:00")
        let due = schedule.takeDue(at: shanghaiTime("2026-02-02 09:00"))
        let reminder = try #require(due.first { $0.cadence == "monthly-reminder" })
        #expect(reminder.effective == shanghaiTime("2026-02-02 09:00"))
        #expect(reminder.nominal == shanghaiTime("2026-02-01 09:00"))
        #expect(reminder.period.rawValue == "2026-02")
    }

    @Test("Occurrences already taken are not due again, and nothing is due before its time")
    func nothingTwiceNothingEarly() throws {
        var schedule = try Self.shippedSchedule(after: "2026-03-31 12:00")
        #expect(schedule.takeDue(at: shanghaiTime("2026-03-31 16:59")).isEmpty)
        #expect(schedule.takeDue(at: shanghaiTime("2026-03-31 17:00")).map(\.cadence) == ["month-end-quota"])
        #expect(schedule.takeDue(at: shanghaiTime("2026-03-31 17:00")).isEmpty)
    }
}
