import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// Regional holiday files (R28): a unit that keeps one (an autonomous region's days off) counts its
/// working-day deadlines with those days off too; the other units do not.
@Suite("Regional holidays per unit")
struct RegionalHolidayTests {
    static let conf = """
        [Daemon]
        TimeZone=Asia/Shanghai
        Language=zh
        [Ledger]
        TalkTimeLimitDays=3
        ComplaintReplyDays=3
        [WorkingDays]
        Regional=xj-test
        """
    static let national = "[2026]\nHoliday=2026-05-01..2026-05-05 劳动节\n"
    /// Three regional days off, Wednesday to Friday.
    static let regional = "[2026]\nHoliday=2026-05-27..2026-05-29 古尔邦节 Corban Festival\n"

    private func ledger() throws -> InProcessLedger {
        let now = inShanghai("2026-05-11", 9)
        let ledger = try InProcessLedger(
            conf: Self.conf, holidays: Self.national, files: ["holidays.d/xj-test.conf": Self.regional], now: now)
        try ledger.process(at: now)
        try ledger.call("AddUnit", ["id": "city", "name": "示例市卫生局", "kind": "bureau"])
        try ledger.call("AddUnit", ["id": "county-a", "name": "示例甲县卫生局", "kind": "county-bureau", "parent": "city"])
        try ledger.call("AddUnit", ["id": "county-k", "name": "示例克县卫生局", "kind": "county-bureau", "parent": "city"])
        return ledger
    }

    /// Each item's talk notice says its new time limit: the date in it, by item.
    private func talkLimits(_ ledger: InProcessLedger) throws -> [Int64: String] {
        var limits: [Int64: String] = [:]
        var now = ledger.now
        while let wake = try ledger.manager.nextWake(after: now), wake < inShanghai("2026-07-01", 0) {
            now = wake
            for talk in try ledger.process(at: wake) where talk.level == .talk {
                guard let item = talk.item,
                    let range = talk.body.range(of: #"限期 \d{4}-\d{2}-\d{2}"#, options: .regularExpression)
                else { continue }
                limits[item] = String(talk.body[range].dropFirst(3))
            }
        }
        return limits
    }

    @Test("The talk's time limit and a complaint's reply deadline skip the unit's regional days off")
    func deadlinesPerUnit() throws {
        let ledger = try ledger()
        // Both items are overdue from 19 May; the talk comes 7 days on, on 26 May (a Tuesday).
        var ids: [String: Int64] = [:]
        for unit in ["county-a", "county-k"] {
            let item = try ledger.call(
                "AddItem", ["unit": unit, "title": "药房台账不全", "deadline": "2026-05-18", "first": "张示例"])["item"]
            ids[unit] = (item as? [String: Any])?["id"] as? Int64
        }
        // The unit takes the region's holidays after its item was added: the item follows.
        let edited = try ledger.call(
            "EditUnit", ["id": "county-k", "holidays": "xj-test", "reason": "执行自治区节假日"])
        #expect(edited["changed"] as? [String] == ["holidays"])
        #expect((edited["unit"] as? [String: Any])?["holidays"] as? String == "xj-test")

        // Complaints recorded on 26 May, answered within 3 working days.
        ledger.now = inShanghai("2026-05-26", 10)
        var replyDue: [String: String] = [:]
        for unit in ["county-a", "county-k"] {
            let item =
                try ledger.call(
                    "AddItem",
                    ["unit": unit, "title": "群众投诉", "deadline": "2026-06-30", "first": "张示例", "source": "complaint"]
                )["item"] as? [String: Any]
            replyDue[unit] = item?["replyDue"] as? String
        }
        // 27, 28, 29 May for 甲县; 1, 2, 3 June for 克县 (its three days off, then the weekend).
        #expect(replyDue["county-a"] == "2026-05-29T16:00:00Z", "\(replyDue)")
        #expect(replyDue["county-k"] == "2026-06-03T16:00:00Z", "\(replyDue)")

        ledger.now = inShanghai("2026-05-11", 9)
        let a = try #require(ids["county-a"]), k = try #require(ids["county-k"])
        let limits = try talkLimits(ledger)
        #expect(limits[a] == "2026-05-29", "\(limits)")
        #expect(limits[k] == "2026-06-03", "\(limits)")
    }

    @Test("A holiday file that is not regional is refused, and the unit keeps what it had")
    func refusesUnknownRegional() throws {
        let ledger = try ledger()
        for (name, says) in [
            ("cn-tibet", "'cn-tibet' is not a regional holiday file (Regional= names xj-test)"),
            ("test", "'test' is not a regional holiday file"),
        ] {
            let reply = try ledger.reply("EditUnit", ["id": "county-k", "holidays": name, "reason": "试"])
            let reason = (reply["parameters"] as? [String: Any])?["reason"] as? String ?? ""
            #expect(reason.contains(says), "\(reply)")
        }
        let added = try ledger.reply(
            "AddUnit", ["id": "county-z", "name": "示例泽县", "kind": "county-bureau", "holidays": "nowhere"])
        #expect(added["error"] != nil)
        #expect(try ledger.manager.store.unit("county-z") == nil, "nothing added")
        #expect(try ledger.manager.store.unit("county-k")?.holidays == nil)
        // Back to the office's days off.
        try ledger.call("EditUnit", ["id": "county-k", "holidays": "xj-test", "reason": "执行自治区节假日"])
        try ledger.call("EditUnit", ["id": "county-k", "holidays": "none", "reason": "改回全国节假日"])
        #expect(try ledger.manager.store.unit("county-k")?.holidays == nil)
    }

    @Test("A units sheet sets each unit's regional holidays in a 节假日 column; a bad one refuses the sheet")
    func importedUnits() throws {
        let ledger = try ledger()
        let bad =
            "单位代码,名称,类型,上级,节假日\ncounty-m,示例蒙县卫生局,county-bureau,city,xj-test\n"
            + "county-n,示例南县卫生局,county-bureau,city,cn-tibet\n"
        let refused = try ledger.call("Import", ["kind": "units", "format": "csv", "text": bad])
        #expect(
            (refused["problems"] as? [[String: Any]])?.first?["reason"] as? String
                == "holidays 'cn-tibet' is not a regional holiday file (Regional= names xj-test)", "\(refused)")
        #expect(try ledger.manager.store.unit("county-m") == nil, "nothing imported")

        let good =
            "单位代码,名称,类型,上级,节假日\ncounty-m,示例蒙县卫生局,county-bureau,city,xj-test\n"
            + "county-n,示例南县卫生局,county-bureau,city,\n"
        try ledger.call("Import", ["kind": "units", "format": "csv", "text": good])
        #expect(try ledger.manager.store.unit("county-m")?.holidays == "xj-test")
        #expect(try ledger.manager.store.unit("county-n")?.holidays == nil)
        let exported =
            try ledger.call("Export", ["kind": "units", "format": "csv", "language": "zh"])["text"] as? String
        #expect(exported?.contains("节假日") == true, "\(exported ?? "")")
        #expect(exported?.contains("county-m,示例蒙县卫生局,county-bureau,city,,,,,xj-test") == true, "\(exported ?? "")")
    }

    @Test(
        "Regional= must name a holiday file that Holidays= does not apply to everyone",
        arguments: [
            (
                "[WorkingDays]\nRegional=xj-none\n",
                "cadenced.conf:2: Regional= 'xj-none' names 'xj-none', but there is no"
            ),
            (
                "[WorkingDays]\nHolidays=test xj-test\nRegional=xj-test\n",
                "cadenced.conf:3: Regional= 'xj-test' names 'xj-test', which Holidays= applies to every unit already"
            ),
            ("[WorkingDays]\nRegional=../xj\n", "cadenced.conf:2: Regional= '../xj' has '../xj'"),
        ])
    func badRegional(text: String, message: String) throws {
        do {
            _ = try InProcessLedger(
                conf: text, holidays: Self.national, files: ["holidays.d/xj-test.conf": Self.regional],
                now: inShanghai("2026-05-11", 9))
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test("Without Regional= every holiday file applies to every unit, as before")
    func everyFileByDefault() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-rh-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("holidays.d"), withIntermediateDirectories: true)
        try Data(Self.regional.utf8).write(to: root.appendingPathComponent("holidays.d/xj-test.conf"))
        let loaded = try ConfigurationLoader(directory: root.path).load(
            reference: inShanghai("2026-05-11", 9), systemTimeZone: TimeZone(identifier: "UTC")!)
        #expect(!loaded.workingDays.isWorkingDay(LocalDate("2026-05-27")!))
        #expect(loaded.regionalWorkingDays.isEmpty)
    }
}
