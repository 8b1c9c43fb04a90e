import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Logging
import Testing

/// An instant written in UTC: "2026-11-01 06:30[:SS]".
private func utc(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let time = parts[1].split(separator: ":").map { Int($0)! }
    let seconds = time[0] * 3600 + time[1] * 60 + (time.count > 2 ? time[2] : 0)
    return Date(timeIntervalSince1970: TimeInterval(LocalDate(parts[0])!.dayNumber * 86_400 + seconds))
}

private let hour: TimeInterval = 3600
private let day: TimeInterval = 86_400

/// A configuration directory, a ledger and a notice tree of their own; managers made on them
/// share the ledger, as a restarted daemon does.
private final class ClockBench {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-clock-\(UUID().uuidString)")
        .path
    let journal = RecordingJournal()
    let zone: TimeZone

    init(zone: String, cadences: [String: String], conf: String = "", ledger: String = "") throws {
        self.zone = TimeZone(identifier: zone)!
        try FileManager.default.createDirectory(atPath: root + "/config/cadences.d", withIntermediateDirectories: true)
        for (name, body) in cadences {
            try Data(body.utf8).write(to: URL(fileURLWithPath: root + "/config/cadences.d/\(name).cadence"))
        }
        try Data(("[Daemon]\nTimeZone=\(zone)\nLanguage=en\n" + conf + "[Ledger]\n" + ledger).utf8)
            .write(to: URL(fileURLWithPath: root + "/config/cadenced.conf"))
    }

    func manager(at now: Date) throws -> Manager {
        let configuration = try ConfigurationLoader(directory: root + "/config").load(
            reference: now, systemTimeZone: zone)
        return Manager(
            store: try LedgerStore(path: root + "/ledger.sqlite"), configuration: configuration,
            noticeDirectory: root + "/notices", journal: journal, logger: Logger(label: "clock-campaign"))
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }
}

private func cadence(_ calendar: String, period: String = "occurrence") -> String {
    "[Cadence]\nDescription=Clock campaign\nOnCalendar=\(calendar)\nKind=reminder\nPeriod=\(period)\n"
}

/// What every walk must hold: no notice before it is due, none twice.
private struct WalkLog {
    var notices: [Notice] = []

    mutating func record(_ stored: [Notice], at instant: Date) {
        for notice in stored {
            #expect(notice.dueAt <= instant, "\(notice.key) emitted at \(instant), before its due \(notice.dueAt)")
            #expect(notice.emittedAt == instant)
        }
        let catchUps = stored.filter { $0.kind == .catchUp }.compactMap(\.cadence)
        #expect(Set(catchUps).count == catchUps.count, "more than one catch-up notice for a cadence at \(instant)")
        notices += stored
        let keys = notices.map(\.key)
        #expect(Set(keys).count == keys.count, "a notice key twice: \(keys.sorted())")
    }

    func keys(_ kind: NoticeKind) -> [String] { notices.filter { $0.kind == kind }.map(\.key) }
}

/// Processes at every wake the manager asks for, from `start` (exclusive) up to `end`.
@discardableResult
private func walk(_ manager: Manager, from start: Date, to end: Date, log: inout WalkLog) throws -> Int {
    var now = start
    var wakes = 0
    while let wake = try manager.nextWake(after: now), wake <= end {
        #expect(wake > now || wake == now && wakes == 0, "a wake that does not move forward: \(wake)")
        now = max(wake, now.addingTimeInterval(0.000_001))
        log.record(try manager.process(at: now), at: now)
        wakes += 1
        if wakes > 200_000 { break }
    }
    return wakes
}

private func periods(_ manager: Manager, _ cadence: String) throws -> [String] {
    try manager.store.occurrences(cadence: cadence).map(\.period)
}

/// The clock campaign on the manager with an injected clock: jumps, steps back, DST changes,
/// month ends, leap days and a three-year random walk. (Whole-process runs under libfaketime are
/// in Tests/reliability/clock-campaign.py; a faked jump cannot fire an armed timer, this can.)
@Suite("Clock campaign (injected clock)")
struct ClockCampaignTests {
    @Test("A jump 40 days forward: missed occurrences recorded, one late catch-up notice per cadence, items once")
    func jumpForward40Days() throws {
        let bench = try ClockBench(
            zone: "Asia/Shanghai",
            cadences: [
                "daily": cadence("*-*-* 09:00"), "weekly": cadence("Mon *-*-* 09:00"),
                "monthly": cadence("*-*-01 09:00", period: "month"),
            ])
        let start = utc("2026-11-20 00:00")
        let manager = try bench.manager(at: start)
        var log = WalkLog()
        log.record(try manager.process(at: start), at: start)
        try manager.store.addUnit(NewUnit(id: "jump-unit", name: "Jump Unit", kind: .other), at: start)
        let item = try manager.store.addItem(
            unit: "jump-unit", title: "Due during the jump", deadline: start.addingTimeInterval(10 * day),
            first: "Director", schedule: manager.itemSchedule, at: start)

        let landed = start.addingTimeInterval(40 * day)  // 2026-12-30 00:00 UTC, 08:00 in Shanghai
        log.record(try manager.process(at: landed), at: landed)
        let catchUps = log.notices.filter { $0.kind == .catchUp }
        // CatchUpWindowSec=7d: the seven days before landing are announced, late, in one notice
        // per cadence; older occurrences (and December's monthly one) only recorded.
        #expect(Set(catchUps.compactMap(\.cadence)) == ["daily", "weekly"])
        #expect(catchUps.first { $0.cadence == "daily" }?.periods.count == 7)
        #expect(catchUps.first { $0.cadence == "weekly" }?.periods == ["2026-12-28T09:00:00"])
        #expect(catchUps.allSatisfy { $0.late })
        #expect(log.keys(.occurrence).isEmpty, "no occurrence announced one by one after the jump")
        #expect(try periods(manager, "daily").count == 40)
        #expect(try periods(manager, "weekly").count == 6)
        #expect(try periods(manager, "monthly") == ["2026-12"])
        // The item: overdue and the highest escalation announced; warnings and lower steps silent.
        #expect(log.keys(.overdue) == ["item/\(item)/overdue"])
        #expect(log.keys(.accountability) == ["item/\(item)/accountability"])
        #expect(log.keys(.deadlineWarning).isEmpty && log.keys(.escalation).isEmpty)
        #expect(
            try manager.store.item(item)?.recordedStages
                == [
                    .warning(before: .seconds(7 * 86_400)), .warning(before: .seconds(86_400)), .overdue,
                    .escalation(.circular), .escalation(.talk), .escalation(.accountability),
                ])

        // Landing again, or a restarted manager: nothing more. Then the next wake is on time.
        #expect(try manager.process(at: landed).isEmpty)
        #expect(try bench.manager(at: landed).process(at: landed.addingTimeInterval(1)).isEmpty)
        #expect(try manager.nextWake(after: landed.addingTimeInterval(1)) == utc("2026-12-30 01:00"))
        #expect(bench.journal.entries.count == log.notices.count)
    }

    @Test("A clock set back one day fires nothing again, nothing early; forward again, all on time")
    func stepBackOneDay() throws {
        let bench = try ClockBench(
            zone: "Europe/Berlin",
            cadences: ["daily": cadence("*-*-* 09:00"), "hourly": cadence("*-*-* *:00")])
        let start = utc("2026-06-01 00:00")
        let manager = try bench.manager(at: start)
        var log = WalkLog()
        log.record(try manager.process(at: start), at: start)
        try manager.store.addUnit(NewUnit(id: "back-unit", name: "Back Unit", kind: .other), at: start)
        let item = try manager.store.addItem(
            unit: "back-unit", title: "Due after the step", deadline: utc("2026-06-08 12:00"), first: "Director",
            schedule: manager.itemSchedule, at: start)
        let reached = utc("2026-06-03 00:00")
        try walk(manager, from: start, to: reached, log: &log)
        let before = log.notices.count
        #expect(before == 2 + 48 + 1, "two daily, 48 hourly, the item's first warning")

        // Back one day, then processing every 15 minutes up to where the clock was: nothing.
        var now = reached.addingTimeInterval(-day)
        while now <= reached {
            log.record(try manager.process(at: now), at: now)
            #expect(try manager.nextWake(after: now)! > reached, "a wake before the instant already processed")
            now.addTimeInterval(15 * 60)
        }
        #expect(log.notices.count == before)
        // On past it: every hour, every day, the item's last warning and its overdue notice, on time.
        try walk(manager, from: reached, to: utc("2026-06-10 00:00"), log: &log)
        #expect(log.notices.count == before + 7 * 24 + 7 + 2)
        #expect(log.keys(.overdue) == ["item/\(item)/overdue"])
        #expect(log.notices.allSatisfy { !$0.late })
    }

    @Test("New York's DST changes: a wall time skipped is skipped, one that occurs twice fires once")
    func newYorkDST() throws {
        try checkDST(
            zone: "America/New_York",
            spring: (utc("2026-03-06 12:00"), utc("2026-03-10 12:00"), "2026-03-08"),
            autumn: (utc("2026-10-30 12:00"), utc("2026-11-03 12:00"), "2026-11-01"))
    }

    @Test("Berlin's DST changes: a wall time skipped is skipped, one that occurs twice fires once")
    func berlinDST() throws {
        try checkDST(
            zone: "Europe/Berlin",
            spring: (utc("2026-03-27 12:00"), utc("2026-03-31 12:00"), "2026-03-29"),
            autumn: (utc("2026-10-23 12:00"), utc("2026-10-27 12:00"), "2026-10-25"))
    }

    /// Daily 02:30 (skipped on the spring day, once on the autumn day), daily 01:30 and 02:00,
    /// hourly; walked at every wake, and again, on another ledger, processing every ten minutes:
    /// the periods recorded are the same, none twice.
    private func checkDST(
        zone: String, spring: (Date, Date, String), autumn: (Date, Date, String)
    ) throws {
        let cadences = [
            "half-two": cadence("*-*-* 02:30"), "half-one": cadence("*-*-* 01:30"), "two": cadence("*-*-* 02:00"),
            "hourly": cadence("*-*-* *:00"),
        ]
        for (from, to, changeDay) in [spring, autumn] {
            let byWake = try ClockBench(zone: zone, cadences: cadences)
            let manager = try byWake.manager(at: from)
            var log = WalkLog()
            log.record(try manager.process(at: from), at: from)
            try walk(manager, from: from, to: to, log: &log)
            let halfTwo = try periods(manager, "half-two")
            let onChangeDay = halfTwo.filter { $0.hasPrefix(changeDay) }
            if changeDay.contains("-03-") {
                #expect(onChangeDay.isEmpty, "02:30 does not exist on \(changeDay): \(halfTwo)")
                #expect(halfTwo.count == 3)
            } else {
                #expect(onChangeDay.count == 1, "02:30 on \(changeDay): \(halfTwo)")
                #expect(halfTwo.count == 4)
            }
            let hours = try periods(manager, "hourly").filter { $0.hasPrefix(changeDay) }
            #expect(Set(hours).count == hours.count)
            // 23 wall hours on the spring day; 24 on the autumn day (the repeated hour is one period).
            #expect(hours.count == (changeDay.contains("-03-") ? 23 : 24), "\(hours)")

            // The same span processed every ten minutes (more wake-ups than needed): same periods.
            let byTicks = try ClockBench(zone: zone, cadences: cadences)
            let other = try byTicks.manager(at: from)
            var otherLog = WalkLog()
            var now = from
            while now <= to {
                otherLog.record(try other.process(at: now), at: now)
                now.addTimeInterval(600)
            }
            for name in cadences.keys {
                #expect(try periods(other, name) == periods(manager, name), "\(name) differs with \(zone)")
            }
        }
    }

    @Test("Month ends: *-*-31 only in months that have a 31st; the last day (~01) every month")
    func monthEnds() throws {
        let bench = try ClockBench(
            zone: "Asia/Shanghai",
            cadences: [
                "the-31st": cadence("*-*-31 09:00", period: "month"),
                "last-day": cadence("*-*~01 17:00", period: "month"),
            ])
        let start = utc("2025-12-31 16:00")  // 2026-01-01 00:00 in Shanghai
        let manager = try bench.manager(at: start)
        var log = WalkLog()
        log.record(try manager.process(at: start), at: start)
        try manager.store.addUnit(NewUnit(id: "month-unit", name: "Month Unit", kind: .other), at: start)
        // A deadline on the 31st of January, falling due at its end (midnight, Shanghai).
        let item = try manager.store.addItem(
            unit: "month-unit", title: "Due on the 31st", deadline: utc("2026-01-31 16:00"), first: "Director",
            schedule: manager.itemSchedule, at: start)
        try walk(manager, from: start, to: utc("2026-12-31 16:00"), log: &log)
        #expect(try periods(manager, "the-31st") == ["01", "03", "05", "07", "08", "10", "12"].map { "2026-\($0)" })
        let lastDays = try manager.store.occurrences(cadence: "last-day").map {
            LocalDay.of($0.effective, in: bench.zone).day
        }
        #expect(lastDays == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        let overdue = try #require(log.notices.first { $0.key == "item/\(item)/overdue" })
        #expect(overdue.emittedAt == utc("2026-01-31 16:00"))
    }

    @Test("Leap days: *-02-29 only in 2028; Feb's last day each year; a 40-day jump over 29 Feb 2028")
    func leapDays() throws {
        let bench = try ClockBench(
            zone: "UTC",
            cadences: [
                "leap-day": cadence("*-02-29 12:00", period: "year"),
                "feb-last": cadence("*-02~01 12:00", period: "year"),
                "daily": cadence("*-*-* 06:00"),
            ], conf: "CatchUpWindowSec=45d\n")
        let start = utc("2026-01-01 00:00")
        let manager = try bench.manager(at: start)
        var log = WalkLog()
        log.record(try manager.process(at: start), at: start)
        try walk(manager, from: start, to: utc("2028-02-10 00:00"), log: &log)
        #expect(try periods(manager, "leap-day").isEmpty)
        #expect(try periods(manager, "feb-last") == ["2026", "2027"])

        // Down from 10 February to 21 March 2028: within the 45-day window, each cadence's missed
        // occurrences come in one late notice.
        let landed = utc("2028-03-21 00:00")
        let stored = try manager.process(at: landed)
        log.record(stored, at: landed)
        #expect(stored.count == 3 && stored.allSatisfy { $0.kind == .catchUp && $0.late })
        #expect(stored.first { $0.cadence == "leap-day" }?.periods == ["2028"])
        #expect(stored.first { $0.cadence == "daily" }?.periods.count == 40)
        #expect(try manager.store.occurrences(cadence: "leap-day").map(\.effective) == [utc("2028-02-29 12:00")])
        try walk(manager, from: landed, to: utc("2029-03-31 00:00"), log: &log)
        #expect(
            try manager.store.occurrences(cadence: "feb-last").map(\.effective) == [
                utc("2026-02-28 12:00"), utc("2027-02-28 12:00"), utc("2028-02-29 12:00"), utc("2029-02-28 12:00"),
            ])
        #expect(try periods(manager, "leap-day") == ["2028"])
    }

    @Test("Three years of random wake-ups, steps back and jumps: the same periods as a calm walk, none twice")
    func randomWalk() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["CADENCE_CLOCK_SEED"] ?? "") ?? 20_261_123
        print("clock campaign random walk: seed \(seed) (CADENCE_CLOCK_SEED=\(seed) repeats it)")
        var random = SplitMix64(seed: seed)
        let cadences = [
            "monthly": cadence("*-*-01 09:00", period: "month"), "quarterly": cadence("quarterly", period: "quarter"),
            "weekdays": cadence("Mon..Fri *-*-* 08:30"), "last-day": cadence("*-*~01 17:00", period: "month"),
            "night": cadence("*-*-* 02:30"),
        ]
        let start = utc("2026-01-01 00:00")
        let end = utc("2029-01-01 00:00")
        let wild = try ClockBench(zone: "Europe/Berlin", cadences: cadences, conf: "CatchUpWindowSec=45d\n")
        var manager = try wild.manager(at: start)
        var log = WalkLog()
        log.record(try manager.process(at: start), at: start)
        try manager.store.addUnit(NewUnit(id: "walk-unit", name: "Walk Unit", kind: .other), at: start)
        var latest = start
        var now = start
        var items: [Int64: Date] = [:]
        var jumps = 0
        var stepsBack = 0
        while now < end {
            switch random.next() % 100 {
            case 0..<60:
                now = try manager.nextWake(after: now).map { min($0, end) } ?? end
            case 60..<85:
                now.addTimeInterval(Double(random.next() % 36) * hour)
            case 85..<92:
                now.addTimeInterval(-Double(random.next() % 48 + 1) * hour)
                stepsBack += 1
            case 92..<97:
                now.addTimeInterval(Double(random.next() % 40 + 2) * day)
                jumps += 1
            default:
                // A restart: a new manager on the same ledger.
                manager = try wild.manager(at: now)
            }
            now = min(now, end)
            let stored = try manager.process(at: now)
            log.record(stored, at: now)
            if now <= latest {
                #expect(
                    stored.allSatisfy { $0.kind != .occurrence && $0.kind != .catchUp }, "refired after a step back")
            }
            latest = max(latest, now)
            if random.next() % 10 == 0 && now > start {
                let deadline = now.addingTimeInterval(Double(random.next() % 30 + 1) * day)
                let id = try manager.store.addItem(
                    unit: "walk-unit", title: "Walk item", deadline: deadline, first: "Director",
                    schedule: manager.itemSchedule, at: now)
                items[id] = deadline
            }
        }
        log.record(try manager.process(at: end), at: end)
        print("clock campaign random walk: \(jumps) jumps, \(stepsBack) steps back, \(items.count) items")

        // A calm walk over the same span, on another ledger: every period the same.
        let calm = try ClockBench(zone: "Europe/Berlin", cadences: cadences, conf: "CatchUpWindowSec=45d\n")
        let steady = try calm.manager(at: start)
        var calmLog = WalkLog()
        calmLog.record(try steady.process(at: start), at: start)
        try walk(steady, from: start, to: end, log: &calmLog)
        for name in cadences.keys {
            #expect(try periods(manager, name) == periods(steady, name), "\(name): periods differ")
        }
        // Every item that fell due before the end: every stage recorded, overdue announced once.
        for (id, deadline) in items where deadline.addingTimeInterval(14 * day) <= end {
            #expect(
                try manager.store.item(id)?.recordedStages
                    == [
                        .warning(before: .seconds(7 * 86_400)), .warning(before: .seconds(86_400)), .overdue,
                        .escalation(.circular), .escalation(.talk), .escalation(.accountability),
                    ])
            #expect(log.keys(.overdue).filter { $0 == "item/\(id)/overdue" }.count == 1)
        }
    }
}

/// A small deterministic generator (the random walk prints its seed).
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
