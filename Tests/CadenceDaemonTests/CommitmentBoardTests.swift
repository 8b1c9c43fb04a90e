import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

private let call = """
    [Cadence]
    Description=Year-start public commitments
    OnCalendar=*-01-05 09:00
    Kind=commitment
    Period=year
    PublishWithinDays=5
    """

@Suite("The commitments notice board (公示栏, R25)")
struct CommitmentBoardTests {
    // Bad input tried: a JSON board, the year 1999, a unit nobody has.
    @Test(
        "Per unit, with publication dates and standings, names masked on request; late and missing publications reported after the deadline"
    )
    func board() throws {
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n", cadences: ["commitments": call],
            now: inShanghai("2027-01-04", 9))
        try ledger.process(at: inShanghai("2027-01-04", 9))
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生健康委", kind: .cityDirect),
                NewUnit(id: "county-a", name: "甲县卫生健康局", kind: .countyBureau, parent: "city"),
                NewUnit(id: "town-a", name: "甲县城关卫生院", kind: .township, parent: "county-a"),
                NewUnit(id: "county-b", name: "乙县卫生健康局", kind: .countyBureau, parent: "city"),
            ], at: ledger.now, actor: nil)
        // The call on Tuesday 5 January; five working days: publish by Tuesday 12 January.
        try ledger.process(at: inShanghai("2027-01-05", 9))
        ledger.now = inShanghai("2027-01-08", 10)
        func commit(_ unit: String, _ text: String, member: String? = nil, published: String? = nil) throws -> Int64 {
            var parameters: [String: Any] = ["unit": unit, "text": text, "year": 2027]
            parameters["member"] = member
            parameters["publishedOn"] = published
            return try #require(
                (try ledger.call("AddCommitment", parameters)["commitment"] as? [String: Any])?["id"] as? Int64)
        }
        let inTime = try commit("county-a", "全年开展义诊 12 次", published: "2027-01-08")
        let member = try commit("county-a", "每月走访群众", member: "孙示例", published: "2027-01-08")
        let missing = try commit("town-a", "落实家庭医生签约")
        _ = try commit("county-b", "乙县的承诺", published: "2027-01-06")

        // Before the deadline nothing is missing yet.
        let early = try ledger.call("CommitmentBoard", ["unit": "county-a"])
        #expect(early["unpublished"] as? Int == 0 && early["deadline"] as? String == "2027-01-12", "\(early)")
        #expect(early["commitments"] as? Int == 3)

        ledger.now = inShanghai("2027-01-20", 10)
        let late = try commit("county-a", "每季度开展健康讲座", published: "2027-01-20")
        try ledger.call("EvaluateCommitment", ["id": inTime, "status": "fulfilled", "period": "2027-Q1"])

        let board = try ledger.call("CommitmentBoard", ["unit": "county-a", "mask": true])
        let text = try #require(board["text"] as? String)
        #expect(board["unpublished"] as? Int == 2, "\(text)")
        #expect(text.hasPrefix("# 2027 年公开承诺公示栏"))
        #expect(text.contains("## 甲县卫生健康局") && text.contains("## 甲县城关卫生院") && !text.contains("乙县"))
        #expect(text.contains("| #\(inTime) | 甲县卫生健康局（单位） |  | 全年开展义诊 12 次 | 2027-01-08 | 已兑现（2027-Q1） |"), "\(text)")
        #expect(text.contains("| #\(member) | 孙** |") && !text.contains("孙示例"))
        #expect(text.contains("未按期公示的承诺 2 项（应于 2027-01-12 前公示）："))
        #expect(text.contains("- #\(missing) 甲县城关卫生院（单位）：落实家庭医生签约（未公示）"))
        #expect(text.contains("- #\(late) 甲县卫生健康局（单位）：每季度开展健康讲座（2027-01-20）"))

        let unmasked = try ledger.call("CommitmentBoard", ["unit": "county-a"])["text"] as? String
        #expect(unmasked?.contains("孙示例") == true)
        let html = try #require(try ledger.call("CommitmentBoard", ["format": "html"])["text"] as? String)
        #expect(html.components(separatedBy: "<tr data-commitment=").count - 1 == 5)
        #expect(html.components(separatedBy: "class=\"unpublished\"").count - 1 == 2)
        let csv = try #require(try ledger.call("CommitmentBoard", ["format": "csv"])["text"] as? String)
        #expect(csv.hasPrefix("单位,编号,承诺人,岗位,承诺内容,公示日期,兑现情况,按期公示"), "\(csv)")

        for (parameters, error) in [
            (["format": "json"] as [String: Any], "InvalidArgument"), (["year": 1999], "InvalidArgument"),
            (["unit": "county-z"], "NoSuchUnit"),
        ] {
            let reply = try ledger.reply("CommitmentBoard", parameters)
            #expect((reply["error"] as? String)?.hasSuffix(error) == true, "\(parameters): \(reply)")
        }
    }
}

@Suite("The commitment call's record deadline: a unit with no commitments by then gets a missed-duty item (R1)")
struct CommitmentRecordDeadlineTests {
    private let recordCall = """
        [Cadence]
        Description=年初公开承诺
        OnCalendar=*-01-05 09:00
        Kind=commitment
        Period=year
        RecordWithinDays=5
        """

    @Test(
        "Checked once, five working days after the call; recording a commitment, by hand or by import, closes the item")
    func recordDeadline() throws {
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n", cadences: ["commitments": recordCall],
            now: inShanghai("2027-01-04", 9))
        try ledger.process(at: inShanghai("2027-01-04", 9))
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生健康委", kind: .cityDirect),
                NewUnit(id: "county-a", name: "甲县卫生健康局", kind: .countyBureau, parent: "city"),
                NewUnit(id: "county-b", name: "乙县卫生健康局", kind: .countyBureau, parent: "city"),
                NewUnit(id: "county-c", name: "丙县卫生健康局", kind: .countyBureau, parent: "city"),
            ], at: ledger.now, actor: nil)
        try ledger.call("AssignRole", ["unit": "city", "role": "first", "person": "主任示例"])
        try ledger.process(at: inShanghai("2027-01-05", 9))
        // Tuesday 5 January; five working days on: Tuesday 12 January, by 24:00.
        #expect(try ledger.manager.nextDutyCheck() == inShanghai("2027-01-13"))
        ledger.now = inShanghai("2027-01-08", 10)
        try ledger.call("AddCommitment", ["unit": "county-a", "text": "全年开展义诊 12 次", "year": 2027])

        try ledger.process(at: inShanghai("2027-01-12", 23))
        #expect(try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 10).items.isEmpty)
        try ledger.process(at: inShanghai("2027-01-13"))
        let items = try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 10).items
        #expect(items.map(\.unit).sorted() == ["county-b", "county-c"])
        let b = try #require(items.first { $0.unit == "county-b" })
        #expect(b.title == "2027 未记录：年初公开承诺" && b.first == "主任示例" && b.deadlineDate == "2027-01-12")
        #expect(b.origin == "missed/commitments/2027/county-b")
        // Once: the check is not done again.
        try ledger.process(at: inShanghai("2027-01-14"))
        #expect(try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 10).items.count == 2)

        ledger.now = inShanghai("2027-01-15", 10)
        let added = try ledger.call("AddCommitment", ["unit": "county-b", "text": "每月走访群众", "year": 2027])
        let id = try #require((added["commitment"] as? [String: Any])?["id"] as? Int64)
        let closed = try #require(try ledger.manager.store.item(b.id))
        #expect(closed.state == .closed && closed.note == "recorded late as commitment #\(id)")
        let sheet = LedgerSheet(
            items: [closed], units: [("county-b", "乙县卫生健康局")], scope: nil, at: ledger.now, zone: shanghaiZone,
            language: .zh)
        #expect(sheet.sections.first?.rows.first?.remark == "已补录公开承诺（#\(id)），销号")
        let imported = try ledger.call(
            "Import", ["kind": "commitments", "format": "csv", "text": "单位,承诺,年度\ncounty-c,落实家庭医生签约,2027\n"])
        #expect(imported["imported"] as? Int == 1)
        #expect(
            try ledger.manager.store.items(unit: "county-c", overdueAt: nil, limit: 5).items.first?.state == .closed)
    }
}
