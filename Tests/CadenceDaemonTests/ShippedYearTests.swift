import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Logging
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

@Suite("The shipped cadences over a year")
struct ShippedYearTests {
    final class Run {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-year-\(UUID().uuidString)")
            .path
        let journal = RecordingJournal()
        let manager: Manager

        init(start: Date) throws {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let configuration = try ConfigurationLoader(directory: shipped).load(
                reference: start, systemTimeZone: shanghai)
            manager = Manager(
                store: try LedgerStore(path: root + "/ledger.sqlite"), configuration: configuration,
                noticeDirectory: root + "/notices", journal: journal, logger: Logger(label: "test"))
            try manager.process(at: start)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test("Walking 2026 from wake to wake fires each cadence once per period, on working days where it must")
    func walkOneYear() throws {
        let run = try Run(start: shanghaiTime("2025-12-31 23:59"))
        var fired: [String: [String]] = [:]
        var holidayNotices: [String] = []
        var now = shanghaiTime("2025-12-31 23:59")
        // Advance from wake to wake, as the daemon's timer does, through the whole year.
        while let wake = try run.manager.nextWake(after: now), wake < shanghaiTime("2027-01-01 00:00") {
            #expect(wake > now)
            now = wake
            for notice in try run.manager.process(at: wake) {
                // The shipped holidays end with 2026: on 1 December the administrator is told, once.
                if notice.kind == .holidayDataMissing {
                    holidayNotices.append("\(notice.periods) at \(LocalDay.of(wake, in: shanghai))")
                    continue
                }
                #expect(notice.kind == .occurrence && !notice.late)
                #expect(notice.dueAt == wake)
                fired[notice.cadence!, default: []] += notice.periods
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
        #expect(holidayNotices == ["[\"2027\"] at 2026-12-01"])
        #expect(run.journal.entries.count == fired.values.map(\.count).reduce(0, +) + 1)
    }

    @Test("February's reminder moves from Sunday the 1st to Monday the 2nd")
    func sundayShift() throws {
        let run = try Run(start: shanghaiTime("2026-01-31 00:00"))
        #expect(try run.manager.process(at: shanghaiTime("2026-02-02 08:59")).isEmpty)
        let due = try run.manager.process(at: shanghaiTime("2026-02-02 09:00"))
        let reminder = try #require(due.first { $0.cadence == "monthly-reminder" })
        #expect(reminder.dueAt == shanghaiTime("2026-02-02 09:00"))
        #expect(reminder.periods == ["2026-02"])
    }
}
