import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

private let halfYearInspection = """
    [Cadence]
    Description=Half-year inspection
    OnCalendar=*-06,12-01 09:30
    Kind=inspection
    Period=half-year
    """

/// An office (Chinese, UTC) that starts on 1 July 2027 with a city and two county bureaus.
private func office() throws -> InProcessLedger {
    let ledger = try InProcessLedger(
        conf: "[Daemon]\nTimeZone=UTC\nLanguage=zh\n",
        cadences: ["leader-review": quarterlyReviewCadence, "inspection": halfYearInspection], now: inUTC("2027-07-01"))
    try ledger.process(at: inUTC("2027-07-01", 8))
    try ledger.manager.store.addUnits(
        [
            NewUnit(id: "city", name: "示例市卫生健康委", kind: .cityDirect),
            NewUnit(id: "county-a", name: "甲县卫生健康局", kind: .countyBureau, parent: "city"),
            NewUnit(id: "county-b", name: "乙县卫生健康局", kind: .countyBureau, parent: "city"),
        ], at: ledger.now, actor: nil)
    return ledger
}

extension InProcessLedger {
    fileprivate func importSheet(_ kind: String, _ text: String, dryRun: Bool = false) throws -> [String: Any] {
        let reply = try self.reply("Import", ["kind": kind, "format": "csv", "text": text, "dryRun": dryRun])
        return reply["parameters"] as? [String: Any] ?? reply
    }

    fileprivate func problems(_ reply: [String: Any]) -> [String] {
        (reply["problems"] as? [[String: Any]] ?? []).map { "\($0["line"] ?? "?"): \($0["reason"] ?? "")" }
    }
}

@Suite("Reviews held, reports submitted and commitments evaluated import in bulk, all or nothing, once")
struct RecordImportTests {
    // Bad input tried: a unit nobody has, a day in the future, a month instead of a day
    // (2027年3月), a kind offices do not use (座谈), a form that is no form, override "maybe",
    // a review quarter written for a half-year duty.
    @Test("An office's review sheet in Chinese: every bad row by line and nothing recorded; the good sheet once")
    func reviewSheet() throws {
        let ledger = try office()
        let bad = """
            甲乙两县点评检查记录
            序号,单位,类型,举行日期,形式,点评人,所属期,越级记录,备注
            1,甲县卫生健康局,点评,2027年3月20日,集中,Leader Qian,,,
            2,丙县卫生健康局,点评,2027/03/21,,,,,无此单位
            3,乙县卫生健康局,点评,2027-07-02,,,,,
            4,乙县卫生健康局,点评,2027年3月,,,,,
            5,乙县卫生健康局,座谈,2027-03-22,,,,,
            6,乙县卫生健康局,检查,2027.05.10,开会,,,,
            7,乙县卫生健康局,点评,2027-05-10,,,,maybe,
            8,乙县卫生健康局,检查,2027-05-10,,,2027-Q2,,
            """
        let refused = try ledger.importSheet("reviews", bad)
        let problems = ledger.problems(refused)
        #expect(refused["imported"] as? Int == 0, "\(refused)")
        #expect(problems.count == 7, "\(problems)")
        for (line, says) in [
            (4, "丙县卫生健康局"), (5, "2027-07-02 is in the future"), (6, "2027年3月"), (7, "kind '座谈'"),
            (8, "form '开会'"), (9, "override 'maybe'"), (10, "2027-Q2"),
        ] {
            #expect(problems.contains { $0.hasPrefix("\(line): ") && $0.contains(says) }, "line \(line): \(problems)")
        }
        #expect(refused["ignored"] as? [String] == ["序号", "备注"])
        #expect(try ledger.manager.store.reviews(unit: nil, kind: nil, period: nil).isEmpty)

        let good = """
            甲乙两县点评检查记录
            序号,单位,类型,举行日期,形式,点评人,备注
            1,甲县卫生健康局,点评,2027年3月20日,集中,Leader Qian,
            2,乙县卫生健康局,点评,2027/03/21,个别,Leader Qian,
            3,甲县卫生健康局,检查,2027.05.10,现场,,上半年检查
            4,甲县卫生健康局,点评,2027-06-15,,,
            """
        let dry = try ledger.importSheet("reviews", good, dryRun: true)
        #expect(ledger.problems(dry).isEmpty && dry["imported"] as? Int == 0, "\(dry)")
        #expect(try ledger.manager.store.reviews(unit: nil, kind: nil, period: nil).isEmpty)

        let imported = try ledger.importSheet("reviews", good)
        #expect(imported["imported"] as? Int == 4, "\(imported)")
        let reviews = try ledger.manager.store.reviews(unit: "county-a", kind: nil, period: nil)
        #expect(reviews.map(\.period).sorted() == ["2027-H1", "2027-Q1", "2027-Q2"])
        let q1 = try #require(reviews.first { $0.period == "2027-Q1" })
        #expect(
            q1.heldOn == "2027-03-20" && q1.form == "plenary" && q1.byUnit == "city" && q1.cadence == "leader-review")
        #expect(reviews.first { $0.kind == "inspection" }?.cadence == "inspection")

        let again = try ledger.importSheet("reviews", good)
        #expect(again["imported"] as? Int == 0 && again["unchanged"] as? Int == 4, "\(again)")
        #expect(try ledger.manager.store.reviews(unit: nil, kind: nil, period: nil).count == 4)
        // Two reviews of one day, of different members, are two.
        let members = "单位,类型,举行日期,形式,对象\n甲县卫生健康局,点评,2027-06-16,个别,党员甲\n甲县卫生健康局,点评,2027-06-16,个别,党员乙\n"
        #expect(try ledger.importSheet("reviews", members)["imported"] as? Int == 2)
        for review in try ledger.manager.store.reviews(unit: "county-a", kind: nil, period: nil)
        where review.heldOn == "2027-06-16" {
            try ledger.call("RemoveReview", ["id": review.id, "reason": "这两条只为测试"])
        }

        // The export (Chinese headers and words) imports back as it is.
        let export = try ledger.call("Export", ["kind": "reviews", "format": "csv"])
        let text = try #require(export["text"] as? String)
        #expect(text.hasPrefix("系统编号,单位,举行日期,类型,节奏,所属期,形式,点评人,点评单位"), "\(text)")
        #expect(text.contains(",点评,") && text.contains(",集中,") && text.contains(",检查,"), "\(text)")
        let back = try ledger.importSheet("reviews", text)
        #expect(back["imported"] as? Int == 0 && back["unchanged"] as? Int == 4, "\(back)")
    }

    @Test("A late review imported closes the missed-duty item the period's check opened")
    func importClosesMissedDuty() throws {
        let ledger = try office()
        try ledger.process(at: inUTC("2027-09-01", 9))
        try ledger.process(at: inUTC("2027-10-01", 0))
        #expect(try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 10).items.count == 2)
        ledger.now = inUTC("2027-10-08", 9)
        let reply = try ledger.importSheet("reviews", "单位,举行日期\ncounty-a,2027-09-28\n")
        #expect(reply["imported"] as? Int == 1, "\(reply)")
        let items = try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 10).items
        #expect(items.first { $0.unit == "county-a" }?.state == .closed)
        #expect(items.first { $0.unit == "county-b" }?.state == .open)
    }

    // Bad input tried: a report submitted tomorrow, a month written for a different month than
    // it began by (counting ahead), an empty title, an ambiguous or unknown unit.
    @Test("Reports submitted import with their months; the quota counts them; a second import adds nothing")
    func reportSheet() throws {
        let ledger = try office()
        try ledger.call("AssignRole", ["unit": "county-a", "role": "liaison", "person": "Liaison Li"])
        let bad =
            "单位,标题,报送日期,月份\ncounty-a,义诊,2027-07-02,\ncounty-a,义诊,2027-05-03,2027-06\ncounty-a,,2027-05-03,\nnowhere,义诊,2027-05-03,\n"
        let refused = try ledger.importSheet("reports", bad)
        let problems = ledger.problems(refused)
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("2: ") && $0.contains("future") })
        #expect(problems.contains { $0.hasPrefix("3: ") && $0.contains("2027-06 begins on 2027-06-01") })
        #expect(problems.contains { $0.hasPrefix("4: ") && $0.contains("title") })
        #expect(problems.contains { $0.hasPrefix("5: ") && $0.contains("nowhere") })

        let good = """
            单位,标题,报送日期,备注
            甲县卫生健康局,我局开展义诊活动,2027年5月3日,
            甲县卫生健康局,我局开展健康讲座,2027/5/20,
            乙县卫生健康局,乙县家庭医生签约,2027-06-30,
            """
        let imported = try ledger.importSheet("reports", good)
        #expect(imported["imported"] as? Int == 3, "\(imported)")
        let may = try ledger.manager.store.quota(month: PeriodKey(rawValue: "2027-05"), all: true)
        #expect(may.first { $0.unit == "county-a" }?.submitted == 2)
        #expect(try ledger.manager.store.reports(unit: "county-a").allSatisfy { $0.liaison == "Liaison Li" })
        let again = try ledger.importSheet("reports", good)
        #expect(again["imported"] as? Int == 0 && again["unchanged"] as? Int == 3, "\(again)")
        #expect(try ledger.manager.store.reports().count == 3)
    }

    // Bad input tried: a commitment number that does not exist, one that is not a number, a
    // status offices do not use (差不多), a quarter that has not begun.
    @Test("An exported commitments sheet with 兑现情况 filled in imports as evaluations; again, it adds nothing")
    func evaluationSheet() throws {
        let ledger = try office()
        for text in ["全年开展义诊 12 次", "每月走访群众"] {
            try ledger.call("AddCommitment", ["unit": "county-a", "text": text, "year": 2027])
        }
        let exported = try #require(
            try ledger.call("Export", ["kind": "commitments", "format": "csv"])["text"] as? String)
        var lines = exported.split(whereSeparator: \.isNewline).map(String.init)
        try #require(lines.count == 3, "\(exported)")
        #expect(lines[0].hasPrefix("系统编号,单位,承诺") && lines[0].contains("兑现情况,评价期"), "\(lines[0])")
        // The office fills in the last two columns.
        lines[1] = String(lines[1].dropLast(1)) + "已兑现,2027-Q2"
        lines[2] = String(lines[2].dropLast(1)) + "部分兑现,2027-Q2"
        let filled = lines.joined(separator: "\r\n") + "\r\n"

        let bad = "承诺编号,兑现情况,评价期\n99,已兑现,2027-Q2\n第一条,已兑现,2027-Q2\n1,差不多,2027-Q2\n1,已兑现,2027-Q4\n"
        let refused = try ledger.importSheet("evaluations", bad)
        let problems = ledger.problems(refused)
        #expect(problems.count == 4, "\(problems)")
        for (line, says) in [(2, "no commitment #99"), (3, "第一条"), (4, "差不多"), (5, "2027-Q4")] {
            #expect(problems.contains { $0.hasPrefix("\(line): ") && $0.contains(says) }, "line \(line): \(problems)")
        }

        let imported = try ledger.importSheet("evaluations", filled)
        #expect(imported["imported"] as? Int == 2, "\(imported)")
        let commitments = try ledger.manager.store.commitments(unit: "county-a", year: 2027)
        #expect(commitments.map(\.status).sorted { ($0 ?? "") < ($1 ?? "") } == ["fulfilled", "partial"])
        let again = try ledger.importSheet("evaluations", filled)
        #expect(again["imported"] as? Int == 0 && again["unchanged"] as? Int == 2, "\(again)")
        // Judged again in the same quarter: the export has both, and still imports back unchanged.
        try ledger.call("EvaluateCommitment", ["id": 2, "status": "fulfilled", "period": "2027-Q2", "note": "已补齐"])
        let export = try #require(
            try ledger.call("Export", ["kind": "evaluations", "format": "csv"])["text"] as? String)
        #expect(export.hasPrefix("承诺编号,单位,承诺,兑现情况,评价期,说明\r\n"), "\(export)")
        #expect(export.contains(",已兑现,2027-Q2,"), "\(export)")
        let back = try ledger.importSheet("evaluations", export)
        #expect(back["imported"] as? Int == 0 && back["unchanged"] as? Int == 3, "\(back)")
    }

    @Test("An office that starts on 1 July: its records of the first half-year count in the evaluation, on time")
    func midYearStart() throws {
        let ledger = try office()
        let reviews = """
            单位,类型,举行日期
            甲县卫生健康局,点评,2027-03-20
            甲县卫生健康局,点评,2027-06-18
            甲县卫生健康局,检查,2027-06-25
            """
        #expect(try ledger.importSheet("reviews", reviews)["imported"] as? Int == 3)
        let reports = "单位,标题,报送日期\ncounty-a,义诊,2027-05-03\ncounty-a,讲座,2027-05-20\n"
        #expect(try ledger.importSheet("reports", reports)["imported"] as? Int == 2)
        // Before installation the daemon asked for nothing; Q3 is asked for on 1 September.
        try ledger.process(at: inUTC("2027-09-01", 9))
        try ledger.process(at: inUTC("2027-10-01", 1))

        let figures = try EvaluationMaker(store: ledger.manager.store, configuration: ledger.manager.configuration)
            .figures(year: 2027, variant: .yearEnd, unit: nil, at: inUTC("2027-10-02"))
        let a = try #require(figures.units.first { $0.id == "county-a" })
        let b = try #require(figures.units.first { $0.id == "county-b" })
        let reviewA = try #require(a.duties.first { $0.kind == .review })
        // Q1 and Q2 recorded by hand (held in time: not late although recorded in July), Q3 missed.
        #expect(reviewA == DutyCounts(kind: .review, due: 3, held: 2, heldLate: 0), "\(reviewA)")
        #expect(
            a.duties.first { $0.kind == .inspection } == DutyCounts(kind: .inspection, due: 1, held: 1, heldLate: 0))
        // 乙县 was entered on 1 July with no record of the first half: it owes Q3 only.
        #expect(b.duties.first { $0.kind == .review } == DutyCounts(kind: .review, due: 1, held: 0, heldLate: 0))
        // May's reports count against the quota although the unit was entered later; June had none: not owed.
        let may = try #require(a.months.first { $0.month.rawValue == "2027-05" })
        #expect(may.submitted == 2 && may.state == .short, "\(may)")
        #expect(a.months.first { $0.month.rawValue == "2027-06" }?.state == .notRequired)
    }

    // Bad input tried: a day found in the future, a month instead of a day (2027年3月).
    @Test("Items imported with 发现日期 keep it as their creation: the year's figures and burn-down are true")
    func foundOn() throws {
        let ledger = try office()
        try ledger.call("AssignRole", ["unit": "county-a", "role": "first", "person": "局长示例"])
        let bad = "单位,问题,整改时限,发现日期\ncounty-a,值班制度未落实,2027-09-30,2027-07-02\ncounty-a,药品库房不规范,2027-09-30,2027年3月\n"
        let refused = try ledger.importSheet("items", bad)
        let problems = ledger.problems(refused)
        #expect(problems.count == 2 && problems[0].contains("2027-07-02 is in the future"), "\(problems)")
        #expect(problems.count == 2 && problems[1].contains("2027年3月"), "\(problems)")

        let sheet = """
            甲县整改台账
            序号,单位,问题,整改时限,发现日期,备注
            1,甲县卫生健康局,值班制度未落实,2027-09-30,2027年3月5日,
            2,甲县卫生健康局,药品库房不规范,2027/8/31,2027/4/20,
            3,甲县卫生健康局,院感培训记录缺失,2027-08-31,,新发现
            """
        #expect(try ledger.importSheet("items", sheet)["imported"] as? Int == 3)
        let items = try ledger.manager.store.items(unit: "county-a", overdueAt: nil, limit: 10).items
        let zone = TimeZone(identifier: "UTC")!
        #expect(
            items.map { LocalDay.of($0.createdAt, in: zone).description }.sorted()
                == ["2027-03-05", "2027-04-20", "2027-07-01"])

        let figures = try EvaluationMaker(store: ledger.manager.store, configuration: ledger.manager.configuration)
            .figures(year: 2027, variant: .yearEnd, unit: "county-a", at: inUTC("2027-07-01", 12))
        #expect(figures.units.first { $0.id == "county-a" }?.items.opened == 3)
        // Open at the end of April: the two found before, not the one found on 1 July.
        let april = figures.burndown.first { LocalDay.of($0.at, in: zone).description >= "2027-05-01" }
        #expect(april?.open == 2, "\(figures.burndown)")

        let export = try #require(try ledger.call("Export", ["kind": "items", "format": "csv"])["text"] as? String)
        #expect(export.split(whereSeparator: \.isNewline).first?.contains("发现日期") == true)
        #expect(export.contains("2027-03-05") && export.contains("2027-04-20"))
        let again = try ledger.importSheet("items", export)
        #expect(again["imported"] as? Int == 0 && again["unchanged"] as? Int == 3, "\(again)")
    }
}
