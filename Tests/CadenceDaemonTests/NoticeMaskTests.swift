import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// `MaskNames=` (R30): the notice files and the journal show the people a notice names masked,
/// each sink as set; the ledger keeps the whole notice, and `ListNotices(key:)` gives it back.
@Suite("Masked names in the notice files and the journal")
struct NoticeMaskTests {
    /// An item of 示例甲县卫生局 whose first responsible person is a directory person (by role) and
    /// whose main one is a name as typed, processed past its deadline.
    private func overdueItem(conf: String) throws -> (ledger: InProcessLedger, notice: Notice) {
        let start = inShanghai("2026-12-01", 0)
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n" + conf, now: start)
        let store = ledger.manager.store
        try store.addUnits([NewUnit(id: "county-a", name: "示例甲县卫生局", kind: .countyBureau)], at: start, actor: nil)
        try store.addPersons([PersonRecord(id: "p-chen", name: "陈示例", unit: "county-a")], at: start, actor: nil)
        try store.assignRole(unit: "county-a", role: .first, person: "p-chen", at: start, actor: nil)
        try store.addItem(
            NewItem(
                unit: "county-a", title: "药品库房温湿度未记录", deadline: inShanghai("2026-12-11", 0),
                first: "@first", main: "欧阳明华", deadlineDate: "2026-12-10"),
            schedule: ledger.manager.itemSchedule, at: start)
        try ledger.process(at: inShanghai("2026-12-04", 0))
        let overdue = try #require(try ledger.process(at: inShanghai("2026-12-11", 1)).first { $0.kind == .overdue })
        return (ledger, overdue)
    }

    private func file(_ ledger: InProcessLedger, of notice: Notice) throws -> String {
        let relative = try #require(try ledger.manager.store.notices().first { $0.notice.key == notice.key }?.file)
        return try String(contentsOfFile: ledger.root + "/state/notices/" + relative, encoding: .utf8)
    }

    private func journalEntry(_ ledger: InProcessLedger, of notice: Notice) throws -> [String: String] {
        try #require(ledger.journal.entries.first { $0["CADENCED_NOTICE_KEY"] == notice.key })
    }

    @Test("MaskNames=files journal: both sinks show 陈** and 欧***, say how to read the whole; the ledger keeps it")
    func bothSinks() throws {
        let (ledger, notice) = try overdueItem(conf: "MaskNames=files journal\n")
        // What the daemon decided and stored names them whole.
        #expect(notice.body.contains("第一责任人 陈示例，主要责任人 欧阳明华"), "\(notice.body)")

        let file = try file(ledger, of: notice)
        #expect(file.contains("第一责任人 陈**，主要责任人 欧***"), "\(file)")
        #expect(!file.contains("陈示例") && !file.contains("欧阳明华"), "\(file)")
        #expect(file.contains("| 姓名 | 已隐去，原文见 `cadencectl notices --key \(notice.key)` |"), "\(file)")
        // Units and titles are not people: they stay.
        #expect(file.contains("示例甲县卫生局") && file.contains("药品库房温湿度未记录"))
        let index = try String(contentsOfFile: ledger.root + "/state/notices/index.jsonl", encoding: .utf8)
        let line = try #require(index.split(separator: "\n").first { $0.contains(notice.key) })
        #expect(line.contains("\"masked\":true"), "\(line)")

        let entry = try journalEntry(ledger, of: notice)
        #expect(entry["MESSAGE"]?.contains("第一责任人 陈**，主要责任人 欧***") == true, "\(entry)")
        #expect(entry.values.allSatisfy { !$0.contains("陈示例") && !$0.contains("欧阳明华") }, "\(entry)")
        #expect(entry["CADENCED_NAMES_MASKED"] == "1")

        // The office unmasks by the key the file and the journal entry give.
        let listed = try ledger.call("ListNotices", ["key": notice.key])["notices"] as? [[String: Any]] ?? []
        #expect(listed.count == 1)
        #expect((listed.first?["body"] as? String)?.contains("第一责任人 陈示例，主要责任人 欧阳明华") == true)
        #expect(listed.first?["subject"] as? String == notice.subject)
        let unknown = try ledger.call("ListNotices", ["key": "item/999/overdue"])["notices"] as? [[String: Any]]
        #expect(unknown?.isEmpty == true, "an unknown key finds nothing")
    }

    @Test("MaskNames=journal masks the journal only; no MaskNames= masks nothing")
    func eachSinkAsSet() throws {
        let (journalOnly, notice) = try overdueItem(conf: "MaskNames=journal\n")
        #expect(try file(journalOnly, of: notice).contains("第一责任人 陈示例，主要责任人 欧阳明华"))
        #expect(!(try file(journalOnly, of: notice)).contains("已隐去"))
        #expect(try journalEntry(journalOnly, of: notice)["MESSAGE"]?.contains("陈**") == true)

        let (plain, same) = try overdueItem(conf: "")
        #expect(try file(plain, of: same).contains("陈示例"))
        let entry = try journalEntry(plain, of: same)
        #expect(entry["MESSAGE"]?.contains("陈示例") == true)
        #expect(entry["CADENCED_NAMES_MASKED"] == nil)
    }

    @Test("A reload that turns masking on masks the notices sent after it")
    func reload() throws {
        let (ledger, _) = try overdueItem(conf: "")
        try ledger.reload(conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\nMaskNames=files\n")
        var now = ledger.now
        var circular: Notice?
        while circular == nil, let wake = try ledger.manager.nextWake(after: now), wake < inShanghai("2027-01-31", 0) {
            now = wake
            circular = try ledger.process(at: wake).first { $0.kind == .escalation }
        }
        let notice = try #require(circular)
        #expect(try file(ledger, of: notice).contains("陈**"))
        #expect(try journalEntry(ledger, of: notice)["MESSAGE"]?.contains("陈示例") == true)
    }
}
