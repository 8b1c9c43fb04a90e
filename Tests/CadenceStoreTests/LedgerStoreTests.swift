import CadenceCore
import Foundation
import GRDB
import Testing

@_spi(Seeding) @testable import CadenceStore

private func day(_ text: String, _ hour: Int = 9) -> Date {
    Date(timeIntervalSince1970: TimeInterval(LocalDate(text)!.dayNumber * 86_400 + hour * 3600))
}

private let schedule = ItemSchedule(
    warnBefore: [.seconds(7 * 86_400), .seconds(86_400)], circularAfter: .seconds(3 * 86_400),
    talkAfter: .seconds(7 * 86_400), accountabilityAfter: .seconds(14 * 86_400))

private func occurrence(_ cadence: String, _ period: String, _ date: Date) -> Occurrence {
    Occurrence(cadence: cadence, nominal: date, effective: date, period: PeriodKey(rawValue: period))
}

private func notice(_ key: String, at date: Date) -> Notice {
    Notice(key: key, kind: .occurrence, dueAt: date, emittedAt: date, cadence: "monthly-reminder", periods: ["2026-12"])
}

private final class TemporaryFile {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString).sqlite").path
    deinit {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

@Suite("Ledger store")
struct LedgerStoreTests {
    static func stores() throws -> [LedgerStore] {
        [try LedgerStore(DatabaseQueue()), try LedgerStore(path: TemporaryFile().path)]
    }

    @Test("An occurrence and its notice are recorded once; a second attempt stores nothing")
    func exactlyOncePerPeriod() throws {
        for store in try Self.stores() {
            let at = day("2026-12-01")
            let first = try store.record(
                occurrences: [(occurrence("monthly-reminder", "2026-12", at), false)],
                notice: notice("occurrence/monthly-reminder/2026-12", at: at), at: at)
            #expect(first != nil)
            let again = try store.record(
                occurrences: [(occurrence("monthly-reminder", "2026-12", at), false)],
                notice: notice("occurrence/monthly-reminder/2026-12", at: at), at: at)
            #expect(again == nil)
            #expect(try store.notices().count == 1)
            #expect(try store.undeliveredNotices().count == 1)
            try store.markDelivered(key: "occurrence/monthly-reminder/2026-12", file: "2026/12/01/x.md", journal: true)
            #expect(try store.undeliveredNotices().isEmpty)
            #expect(try store.isRecorded(cadence: "monthly-reminder", period: PeriodKey(rawValue: "2026-12")))
        }
    }

    @Test("The next item event is the earliest pending stage, and closing an item removes it")
    func itemEvents() throws {
        for store in try Self.stores() {
            let now = day("2026-11-01")
            try store.addUnits(
                [
                    NewUnit(id: "Unit-A", name: "Unit A", kind: .other),
                    NewUnit(id: "Unit-B", name: "Unit B", kind: .other),
                ],
                at: now, actor: nil)
            let a = try store.addItem(
                unit: "Unit-A", title: "Fix the register", deadline: day("2026-12-10"), first: "Leader A",
                schedule: schedule, at: now)
            _ = try store.addItem(
                unit: "Unit-B", title: "Post the board", deadline: day("2026-11-20"), first: "Leader B",
                schedule: schedule, at: now)
            #expect(try store.nextItemEvent() == day("2026-11-13"))  // 7 days before 2026-11-20
            #expect(try store.itemsDue(at: day("2026-11-13")).map(\.unit) == ["Unit-B"])
            try store.transition(a, .rectified, TransitionDetails(), schedule: schedule, at: now)
            try store.transition(a, .verify, TransitionDetails(by: "Inspector"), schedule: schedule, at: now)
            #expect(try store.item(a)?.nextEventAt == nil)
            #expect(throws: LedgerError.unknownItem(999)) {
                try store.transition(999, .verify, TransitionDetails(by: "x"), schedule: schedule, at: now)
            }
        }
    }

    // Bad input tried: an empty unit, an unknown unit and a blank title.
    @Test("An item without a known unit or a title is refused and nothing is stored")
    func badItems() throws {
        let store = try LedgerStore(DatabaseQueue())
        try store.addUnit(NewUnit(id: "U", name: "Unit U", kind: .other), at: day("2026-11-01"))
        #expect(throws: LedgerError.unknownUnit("")) {
            try store.addItem(
                unit: "", title: "x", deadline: day("2026-12-01"), first: "P", schedule: schedule,
                at: day("2026-11-01"))
        }
        #expect(throws: LedgerError.unknownUnit("Nowhere")) {
            try store.addItem(
                unit: "Nowhere", title: "x", deadline: day("2026-12-01"), first: "P", schedule: schedule,
                at: day("2026-11-01"))
        }
        #expect(throws: LedgerError.invalid("the title is empty")) {
            try store.addItem(
                unit: "U", title: "  ", deadline: day("2026-12-01"), first: "P", schedule: schedule,
                at: day("2026-11-01"))
        }
        #expect(try store.nextItemEvent() == nil)
        #expect(try store.items(unit: nil, overdueAt: nil, limit: 10).total == 0)
    }

    @Test("The processed instant only moves forward")
    func scheduledThroughMonotonic() throws {
        let store = try LedgerStore(DatabaseQueue())
        #expect(try store.scheduledThrough() == nil)
        try store.advanceScheduledThrough(to: day("2026-12-01"))
        try store.advanceScheduledThrough(to: day("2026-11-01"))
        #expect(try store.scheduledThrough() == day("2026-12-01"))
    }

    // Bad input tried: a file of random bytes, a text file, a database from a newer cadenced.
    @Test("A damaged or newer ledger is refused and left byte for byte as it was")
    func refusesDamagedOrNewer() throws {
        let garbage = TemporaryFile()
        let bytes = Data((0..<8192).map { _ in UInt8.random(in: 0...255) })
        try bytes.write(to: URL(fileURLWithPath: garbage.path))
        #expect(throws: LedgerError.self) { try LedgerStore(path: garbage.path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: garbage.path)) == bytes)

        let newer = TemporaryFile()
        do {
            let store = try LedgerStore(path: newer.path)
            try store.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9: from the future')")
            }
            try (store.writer as? DatabasePool)?.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: newer.path))
        #expect(throws: LedgerError.newerSchema(path: newer.path, unknown: ["v9: from the future"])) {
            try LedgerStore(path: newer.path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: newer.path)) == before)
    }
}
