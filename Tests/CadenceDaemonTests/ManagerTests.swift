import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import InMemoryLogging
import Logging
import Testing

private let utc = TimeZone(identifier: "UTC")!

private func at(_ text: String) -> Date {
    // "2026-12-01 09:00[:SS]" in UTC
    let parts = text.split(separator: " ")
    let time = parts[1].split(separator: ":").map { Int($0)! }
    let seconds = time[0] * 3600 + time[1] * 60 + (time.count > 2 ? time[2] : 0)
    return Date(timeIntervalSince1970: TimeInterval(LocalDate(parts[0])!.dayNumber * 86_400 + seconds))
}

/// A journal that keeps what it is sent; it can be made to fail like an absent journald.
final class RecordingJournal: NoticeJournal, @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [[String: String]] = []
    private var rawStorage: [[(name: String, value: String)]] = []
    var failing = false

    /// Each entry's fields as sent, repeated fields included.
    var rawEntries: [[(name: String, value: String)]] {
        lock.lock()
        defer { lock.unlock() }
        return rawStorage
    }

    var entries: [[String: String]] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }

    /// How many times the daemon asked (once per pass, whatever the number of notices).
    private(set) var searches = 0

    func alreadySent(noticeIDs: [String]) throws -> Set<String> {
        if failing { throw CocoaError(.fileNoSuchFile) }
        lock.lock()
        searches += 1
        lock.unlock()
        let sent = Set(entries.compactMap { $0["CADENCED_NOTICE_ID"] })
        return Set(noticeIDs.filter(sent.contains))
    }

    func send(_ fields: [(name: String, value: String)]) throws {
        if failing { throw CocoaError(.fileNoSuchFile) }
        lock.lock()
        storage.append(Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }))
        rawStorage.append(fields)
        lock.unlock()
    }
}

/// A configuration directory, a state directory and a recording journal for one Manager test.
final class ManagerEnvironment {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-mgr-\(UUID().uuidString)").path
    let journal = RecordingJournal()
    var noticeDirectory: String { root + "/state/notices" }

    /// `files` are further files of the configuration directory by relative path (`holidays.d/cn.conf`).
    init(cadences: [String: String], conf: String = "", files: [String: String] = [:]) throws {
        try FileManager.default.createDirectory(atPath: root + "/config/cadences.d", withIntermediateDirectories: true)
        for (name, body) in cadences {
            try Data(body.utf8).write(to: URL(fileURLWithPath: root + "/config/cadences.d/\(name).cadence"))
        }
        for (path, body) in files { try write(path, body) }
        try FileManager.default.createDirectory(atPath: root + "/state", withIntermediateDirectories: true)
        try Data(("[Daemon]\nTimeZone=UTC\nLanguage=en\n" + conf).utf8)
            .write(to: URL(fileURLWithPath: root + "/config/cadenced.conf"))
    }

    func manager(now: Date, logger: Logger = Logger(label: "test")) throws -> Manager {
        let configuration = try ConfigurationLoader(directory: root + "/config").load(
            reference: now, systemTimeZone: utc)
        let store = try LedgerStore(path: root + "/state/ledger.sqlite")
        return Manager(
            store: store, configuration: configuration, noticeDirectory: noticeDirectory, journal: journal,
            logger: logger)
    }

    /// Writes a file of the configuration directory.
    func write(_ path: String, _ body: String) throws {
        let url = URL(fileURLWithPath: root + "/config/" + path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(body.utf8).write(to: url)
    }

    func noticeFiles() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: noticeDirectory)
        return ((enumerator?.allObjects as? [String]) ?? []).filter { $0.hasSuffix(".md") }.sorted()
    }

    func indexLines() -> [String] {
        let text = (try? String(contentsOfFile: noticeDirectory + "/index.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }
}

private let monthly = "[Cadence]\nDescription=Monthly reminder\nOnCalendar=*-*-01 09:00\nKind=reminder\nPeriod=month\n"

@Suite("Manager: exactly-once notices")
struct ManagerTests {
    @Test("The monthly reminder lists each unit's commitments and how their latest evaluations stand (R2)")
    func reminderListsCommitments() throws {
        let env = try ManagerEnvironment(cadences: ["monthly-reminder": monthly])
        let manager = try env.manager(now: at("2026-11-30 00:00"))
        try manager.process(at: at("2026-11-30 00:00"))
        let store = manager.store
        let now = at("2026-11-30 00:00")
        try store.addUnits(
            [
                NewUnit(id: "unit-a", name: "示例县卫生局", kind: .countyBureau),
                NewUnit(id: "unit-b", name: "Unit B", kind: .cityDirect),
            ],
            at: now, actor: nil)
        let ids = try store.addCommitments(
            (1...3).map { NewCommitment(unit: "unit-a", year: 2026, text: "Promise \($0)") }
                + [NewCommitment(unit: "unit-b", year: 2025, text: "Last year's")], at: now, actor: nil)
        let q4 = PeriodKey(rawValue: "2026-Q4")
        try store.evaluateCommitment(ids[0], period: q4, status: .partial, note: nil, at: now, actor: nil)
        // The latest evaluation counts.
        try store.evaluateCommitment(ids[0], period: q4, status: .fulfilled, note: nil, at: now, actor: nil)
        try store.evaluateCommitment(ids[1], period: q4, status: .unfulfilled, note: nil, at: now, actor: nil)
        let reminder = try #require(try manager.process(at: at("2026-12-01 09:00")).first)
        let lines = reminder.body.split(separator: "\n").filter { $0.hasPrefix("- ") }
        #expect(
            lines == [
                "- unit-a 示例县卫生局: 3 commitments, 2 not yet fulfilled (fulfilled 1, partial 0, unfulfilled 1, not evaluated 1)"
            ])
    }

    @Test("An occurrence on time gives one notice: one file, one index line, one journal entry")
    func onTime() throws {
        let env = try ManagerEnvironment(cadences: ["monthly-reminder": monthly])
        let manager = try env.manager(now: at("2026-11-30 00:00"))
        try manager.process(at: at("2026-11-30 00:00"))  // a new ledger starts here
        #expect(try manager.nextWake(after: at("2026-11-30 00:00")) == at("2026-12-01 09:00"))

        let stored = try manager.process(at: at("2026-12-01 09:00"))
        #expect(stored.map(\.key) == ["occurrence/monthly-reminder/2026-12"])
        #expect(env.noticeFiles().count == 1)
        #expect(env.noticeFiles().first?.hasPrefix("2026/12/01/090000-occurrence-monthly-reminder-") == true)
        #expect(env.indexLines().count == 1)
        let entry = try #require(env.journal.entries.first)
        #expect(entry["MESSAGE_ID"] == NoticeKind.occurrence.messageID)
        #expect(entry["PRIORITY"] == "5")
        #expect(entry["CADENCED_KIND"] == "occurrence")
        #expect(entry["CADENCED_CADENCE"] == "monthly-reminder")
        #expect(entry["CADENCED_PERIOD"] == "2026-12")
        #expect(entry["CADENCED_LATE"] == "0")
        #expect(entry["CADENCED_NOTICE_FILE"] == env.noticeFiles().first)
        #expect(entry["MESSAGE"]?.hasPrefix("Monthly reminder: period 2026-12 is due") == true)

        // Processing the same instant again, or a fresh manager on the same ledger, adds nothing.
        #expect(try manager.process(at: at("2026-12-01 09:00")).isEmpty)
        #expect(try env.manager(now: at("2026-12-01 09:00")).process(at: at("2026-12-01 09:00:05")).isEmpty)
        #expect(env.journal.entries.count == 1)
        #expect(env.noticeFiles().count == 1)
        #expect(env.indexLines().count == 1)
        #expect(try manager.nextWake(after: at("2026-12-01 09:00")) == at("2027-01-01 09:00"))
    }

    @Test("A tick's plan names what it stored, when to wake next and the status systemd shows")
    func tickPlan() throws {
        let env = try ManagerEnvironment(cadences: ["monthly-reminder": monthly])
        let manager = try env.manager(now: at("2026-11-30 00:00"))
        let first = try manager.tick(at: at("2026-11-30 00:00"))
        #expect(first.stored.isEmpty)
        #expect(first.wake == at("2026-12-01 09:00"))
        #expect(first.status.hasPrefix("Next: monthly-reminder 2026-12 at 2026-12-01 09:00"))
        #expect(first.status == manager.status(at: at("2026-11-30 00:00")))

        let due = try manager.tick(at: at("2026-12-01 09:00"))
        #expect(due.stored.map(\.key) == ["occurrence/monthly-reminder/2026-12"])
        #expect(due.wake == at("2027-01-01 09:00"))
        #expect(due.wake == (try manager.nextWake(after: at("2026-12-01 09:00"))))
        #expect(due.status.hasPrefix("Next: monthly-reminder 2027-01 at 2027-01-01 09:00"))
        #expect(try manager.tick(at: at("2026-12-01 09:00")).stored.isEmpty)
    }

    @Test("After downtime, missed occurrences are coalesced into one late notice per cadence")
    func catchUp() throws {
        let env = try ManagerEnvironment(cadences: ["monthly-reminder": monthly], conf: "CatchUpWindowSec=45d\n")
        try env.manager(now: at("2026-09-15 00:00")).process(at: at("2026-09-15 00:00"))
        // Down from mid-September until 20 seconds after the December occurrence.
        let manager = try env.manager(now: at("2026-12-01 09:00:20"))
        let stored = try manager.process(at: at("2026-12-01 09:00:20"))
        #expect(stored.map(\.kind) == [.catchUp, .occurrence])
        // October is older than the 45-day window: recorded, not announced; November is announced late.
        #expect(stored.first?.periods == ["2026-11"])
        #expect(stored.first?.late == true)
        #expect(
            try manager.store.occurrences(cadence: "monthly-reminder").map(\.period) == [
                "2026-10", "2026-11", "2026-12",
            ])
        #expect(env.journal.entries.map { $0["CADENCED_LATE"] } == ["1", "0"])
        #expect(env.journal.entries.first?["MESSAGE_ID"] == NoticeKind.catchUp.messageID)
    }

    @Test("A clock stepped back fires nothing again and nothing early")
    func clockBack() throws {
        let env = try ManagerEnvironment(cadences: ["monthly-reminder": monthly])
        let manager = try env.manager(now: at("2026-11-30 00:00"))
        try manager.process(at: at("2026-11-30 00:00"))
        try manager.process(at: at("2026-12-01 09:00"))
        // The clock goes back a day: nothing is due, and the next wake is still January's occurrence.
        #expect(try manager.process(at: at("2026-11-30 09:00")).isEmpty)
        #expect(try manager.nextWake(after: at("2026-11-30 09:00")) == at("2027-01-01 09:00"))
        #expect(try manager.process(at: at("2026-12-01 09:00")).isEmpty)
        #expect(env.journal.entries.count == 1)
    }

    @Test("With the journal absent and the notice directory unwritable, notices wait and are delivered once later")
    func sinksFailThenRecover() throws {
        let env = try ManagerEnvironment(cadences: ["monthly-reminder": monthly])
        let manager = try env.manager(now: at("2026-11-30 00:00"))
        try manager.process(at: at("2026-11-30 00:00"))
        env.journal.failing = true
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: env.noticeDirectory))
        #expect(try manager.process(at: at("2026-12-01 09:00")).count == 1)
        #expect(env.journal.entries.isEmpty)
        #expect(try manager.store.undeliveredNotices().count == 1)
        // A retry is scheduled soon, not at the next occurrence.
        #expect(try manager.nextWake(after: at("2026-12-01 09:00")) == at("2026-12-01 09:00:30"))

        env.journal.failing = false
        try FileManager.default.removeItem(atPath: env.noticeDirectory)
        try manager.process(at: at("2026-12-01 09:00:30"))
        #expect(try manager.store.undeliveredNotices().isEmpty)
        #expect(env.journal.entries.count == 1)
        #expect(env.noticeFiles().count == 1)
        try manager.process(at: at("2026-12-01 09:01:00"))
        #expect(env.journal.entries.count == 1)
    }

    @Test("While the sinks are down, each pass logs one line per sink, not one per waiting notice")
    func failuresLoggedOncePerPass() throws {
        let env = try ManagerEnvironment(cadences: [:])
        let log = InMemoryLogHandler()
        var errorLines: [String] { log.entries.filter { $0.level >= .error }.map { "\($0.message)" } }
        let manager = try env.manager(now: at("2026-12-01 00:00"), logger: Logger(label: "test") { _ in log })
        try manager.process(at: at("2026-12-01 00:00"))
        try manager.store.addUnit(
            NewUnit(id: "Unit-South", name: "Unit South", kind: .other), at: at("2026-12-01 00:00"))
        for number in 1...4 {
            _ = try manager.store.addItem(
                unit: "Unit-South", title: "Repair fence \(number)", deadline: at("2026-12-10 00:00"),
                first: "Leader", schedule: manager.itemSchedule, at: at("2026-12-01 00:00"))
        }
        env.journal.failing = true
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: env.noticeDirectory))
        let stored = try manager.process(at: at("2026-12-24 00:00"))
        #expect(stored.count >= 8)  // each item: overdue and accountability at least
        #expect(errorLines.count == 2, "\(errorLines)")
        // The journal handler makes metadata fields: journalctl CADENCED_NOTICE_KEY=KEY finds the notice and this line.
        #expect(
            log.entries.filter { $0.level >= .error }.allSatisfy {
                $0.metadata["notice_key"] == "\(stored[0].key)" && $0.metadata["notices"] == "\(stored.count)"
            })
        #expect(errorLines.contains { $0.hasPrefix("\(stored.count) notices not written to file yet (first ") })
        #expect(errorLines.contains { $0.hasPrefix("\(stored.count) notices not sent to the journal yet (first ") })
        // The retry 30 s later: again one line each.
        try manager.process(at: at("2026-12-24 00:00:30"))
        #expect(errorLines.count == 4, "\(errorLines)")

        env.journal.failing = false
        try FileManager.default.removeItem(atPath: env.noticeDirectory)
        try manager.process(at: at("2026-12-24 00:01:00"))
        #expect(errorLines.count == 4)
        #expect(env.journal.entries.count == stored.count)
        #expect(env.noticeFiles().count == stored.count)
        // Written unnamed and linked: no temporary beside them.
        let names = (FileManager.default.enumerator(atPath: env.noticeDirectory)?.allObjects as? [String]) ?? []
        #expect(!names.contains { ($0 as NSString).lastPathComponent.hasPrefix(".tmp-") }, "\(names)")
    }

    @Test("A notice already in the journal before a crash is not sent again")
    func noDuplicateAfterCrash() throws {
        let env = try ManagerEnvironment(cadences: ["monthly-reminder": monthly])
        let manager = try env.manager(now: at("2026-11-30 00:00"))
        try manager.process(at: at("2026-11-30 00:00"))
        // The journal received the entry, but the ledger never learned it (killed in between).
        env.journal.failing = true
        let stored = try manager.process(at: at("2026-12-01 09:00"))
        env.journal.failing = false
        try env.journal.send(NoticeJournalFields.fields(for: stored[0], file: nil))
        let restarted = try env.manager(now: at("2026-12-01 09:00:02"))
        try restarted.process(at: at("2026-12-01 09:00:02"))
        #expect(env.journal.entries.count == 1)
        #expect(try restarted.store.undeliveredNotices().isEmpty)
        #expect(env.noticeFiles().count == 1)
    }

    // A month-end burst (1,200 items, each with its first warning due) and a kill in its middle:
    // each tick does a bounded share and asks to come back at once, so the runner serves its
    // watchdog, signals and calls in between; after the restart one journal search per pass
    // (not one per notice) keeps every notice to one entry.
    @Test("A burst is worked off in bounded passes, each asking to come back at once; after a crash, once each")
    func burstInBoundedPasses() throws {
        let env = try ManagerEnvironment(cadences: [:])
        let start = at("2026-12-01 00:00")
        let manager = try env.manager(now: start)
        try manager.process(at: start)
        try manager.store.addUnit(NewUnit(id: "unit-east", name: "Unit East", kind: .other), at: start)
        let count = 1200
        try manager.store.addItems(
            (1...count).map {
                NewItem(unit: "unit-east", title: "Burst item \($0)", deadline: at("2026-12-31 00:00"), first: "Lead")
            }, schedule: manager.itemSchedule, at: start)
        let now = at("2026-12-24 00:00")  // each item's 7-day warning is due
        let first = try manager.tick(at: now)
        #expect(first.stored.count == 500)
        #expect(first.wake == now, "a pass with work left asks for the next at once")
        // A share's notices go to the sinks in the next pass, while that pass stores the next
        // share. Here journald is away during it: the first share's files are written, its
        // journal entries are not; a tenth of them reached the journal before the kill, the
        // ledger never learned so.
        env.journal.failing = true
        let second = try manager.pass(at: now)
        env.journal.failing = false
        #expect(second.count == 500 && env.journal.entries.isEmpty)
        #expect(env.noticeFiles().count == 500)
        for notice in first.stored.prefix(50) {
            try env.journal.send(NoticeJournalFields.fields(for: notice, file: nil))
        }

        let restarted = try env.manager(now: now)
        var passes = 1
        var plan = try restarted.tick(at: now)
        while plan.wake == now && passes < 10 {
            plan = try restarted.tick(at: now)
            passes += 1
        }
        #expect(plan.wake.map { $0 > now } == true, "the burst is worked off: \(String(describing: plan.wake))")
        let ids = env.journal.entries.compactMap { $0["CADENCED_NOTICE_ID"] }
        #expect(ids.count == count && Set(ids).count == count, "\(ids.count) entries, \(Set(ids).count) distinct")
        #expect(env.noticeFiles().count == count)
        #expect(try restarted.store.undeliveredNotices().isEmpty)
        #expect(env.journal.searches <= passes, "\(env.journal.searches) journal searches in \(passes) passes")
    }

    @Test("An item warns 7 and 1 days ahead, is overdue at its instant, then escalates step by step")
    func itemLadder() throws {
        let env = try ManagerEnvironment(cadences: [:])
        let manager = try env.manager(now: at("2026-12-01 00:00"))
        try manager.process(at: at("2026-12-01 00:00"))
        try manager.store.addUnit(
            NewUnit(id: "Unit-North", name: "Unit North", kind: .other), at: at("2026-12-01 00:00"))
        let id = try manager.store.addItem(
            unit: "Unit-North", title: "Publish the duty roster", deadline: at("2026-12-10 00:00"),
            first: "Leader", schedule: manager.itemSchedule, at: at("2026-12-01 00:00"))
        var seen: [(Date, [String])] = []
        var now = at("2026-12-01 00:00")
        while let wake = try manager.nextWake(after: now), wake < at("2027-01-31 00:00") {
            now = wake
            seen.append((wake, try manager.process(at: wake).map { $0.key }))
        }
        let wakes = seen.map { $0.0 }
        let expectedWakes = [
            at("2026-12-03 00:00"), at("2026-12-09 00:00"), at("2026-12-10 00:00"), at("2026-12-13 00:00"),
            at("2026-12-17 00:00"), at("2026-12-24 00:00"),
        ]
        #expect(wakes == expectedWakes)
        let keys = seen.map { $0.1 }
        #expect(
            keys == [
                ["item/\(id)/warn-604800s"], ["item/\(id)/warn-86400s"], ["item/\(id)/overdue"],
                ["item/\(id)/circular"],
                ["item/\(id)/talk"], ["item/\(id)/accountability"],
            ])
        #expect(env.journal.entries.map { $0["PRIORITY"] } == ["5", "5", "4", "3", "3", "2"])
        #expect(env.journal.entries.last?["CADENCED_OVERDUE_DAYS"] == "14")
        #expect(env.journal.entries.last?["CADENCED_LEVEL"] == "accountability")
    }

    @Test("Downtime across a deadline still gives the overdue notice and the highest escalation, once")
    func itemAfterDowntime() throws {
        let env = try ManagerEnvironment(cadences: [:])
        let manager = try env.manager(now: at("2026-12-01 00:00"))
        try manager.process(at: at("2026-12-01 00:00"))
        try manager.store.addUnit(
            NewUnit(id: "Unit-South", name: "Unit South", kind: .other), at: at("2026-12-01 00:00"))
        let id = try manager.store.addItem(
            unit: "Unit-South", title: "Repair the hotline", deadline: at("2026-12-10 00:00"),
            first: "Leader", schedule: manager.itemSchedule, at: at("2026-12-01 00:00"))
        let stored = try manager.process(at: at("2026-12-18 12:00"))
        #expect(stored.map(\.key) == ["item/\(id)/overdue", "item/\(id)/talk"])
        #expect(stored.allSatisfy { $0.late })
        let recorded = try manager.store.item(id)?.recordedStages
        #expect(
            recorded == [
                .warning(before: .seconds(7 * 86_400)), .warning(before: .seconds(86_400)), .overdue,
                .escalation(.circular), .escalation(.talk),
            ])
        #expect(try manager.nextWake(after: at("2026-12-18 12:00")) == at("2026-12-24 00:00"))
    }

    @Test("A closed item announces nothing more")
    func closedItem() throws {
        let env = try ManagerEnvironment(cadences: [:])
        let manager = try env.manager(now: at("2026-12-01 00:00"))
        try manager.process(at: at("2026-12-01 00:00"))
        try manager.store.addUnit(NewUnit(id: "Unit-East", name: "Unit East", kind: .other), at: at("2026-12-01 00:00"))
        let id = try manager.store.addItem(
            unit: "Unit-East", title: "File the report", deadline: at("2026-12-10 00:00"),
            first: "Leader", schedule: manager.itemSchedule, at: at("2026-12-01 00:00"))
        let schedule = manager.itemSchedule
        try manager.store.transition(
            id, .rectified, TransitionDetails(), schedule: schedule, at: at("2026-12-05 00:00"))
        try manager.store.transition(
            id, .verify, TransitionDetails(by: "Inspector"), schedule: schedule, at: at("2026-12-05 00:00"))
        #expect(try manager.process(at: at("2027-01-31 00:00")).map(\.key) == [])
    }
}
