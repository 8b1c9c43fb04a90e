import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// 甲县 and 乙县 under a city, on Monday 1 March 2027 at 09:00 in Shanghai.
private func office(_ ledger: String = "") throws -> InProcessLedger {
    let ledger = try InProcessLedger(
        conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n" + ledger, now: inShanghai("2027-03-01", 9))
    try ledger.process(at: inShanghai("2027-03-01", 9))
    try ledger.manager.store.addUnits(
        [
            NewUnit(id: "city", name: "示例市卫生健康委", kind: .cityDirect),
            NewUnit(id: "county-a", name: "甲县卫生健康局", kind: .countyBureau, parent: "city"),
            NewUnit(id: "county-b", name: "乙县卫生健康局", kind: .countyBureau, parent: "city"),
        ], at: ledger.now, actor: nil)
    for unit in ["county-a", "county-b"] {
        try ledger.call("AssignRole", ["unit": unit, "role": "first", "person": "局长示例"])
    }
    return ledger
}

extension InProcessLedger {
    fileprivate func item(_ parameters: [String: Any]) throws -> [String: Any] {
        try call(
            "AddItem", ["unit": "county-a", "title": "候诊时间过长", "deadline": "2027-04-30"].merging(parameters) { $1 })[
                "item"] as? [String: Any] ?? [:]
    }

    fileprivate func error(_ reply: [String: Any]) -> (name: String, parameters: [String: Any]) {
        (
            (reply["error"] as? String ?? "").components(separatedBy: ".").last ?? "",
            reply["parameters"] as? [String: Any] ?? [:]
        )
    }
}

@Suite("Complaints are answered before they are closed; items found by an appraisal name it (R23)")
struct ComplaintReplyTests {
    // Bad input tried: closing before the reply, an empty reply, a reply to an item that is no
    // complaint, to an unknown item.
    @Test("A complaint's reply falls due 15 working days on; closing waits for it; late is visible")
    func complaintReply() throws {
        let ledger = try office()
        let complaint = try ledger.item(["source": "complaint"])
        let id = try #require(complaint["id"] as? Int64)
        // Fifteen working days after Monday 1 March: Monday 22 March, by 24:00.
        #expect(complaint["replyDue"] as? String == ISOTimestamp.utc(inShanghai("2027-03-23")))
        #expect(complaint["replyOverdue"] as? Bool == false)
        let other = try #require(try ledger.item(["source": "inspection"])["id"] as? Int64)
        #expect(try ledger.item(["source": "inspection"])["replyDue"] == nil)

        try ledger.call("UpdateItem", ["id": id, "action": "rectified", "note": "已增设导诊台"])
        let early = try ledger.reply("UpdateItem", ["id": id, "action": "verify", "by": "验收人示例"])
        #expect(ledger.error(early).name == "Refused", "\(early)")
        #expect(ledger.error(early).parameters["parameter"] as? String == "reply")
        #expect((ledger.error(early).parameters["reason"] as? String)?.contains("reply to the complainant") == true)

        for (parameters, name) in [
            (["id": id, "reply": "  "] as [String: Any], "InvalidArgument"),
            (["id": other, "reply": "已答复"], "InvalidArgument"),
            (["id": 999, "reply": "已答复"], "NoSuchItem"),
        ] {
            #expect(ledger.error(try ledger.reply("ReplyItem", parameters)).name == name, "\(parameters)")
        }
        let notComplaint = try ledger.reply("ReplyItem", ["id": other, "reply": "已答复"])
        #expect((ledger.error(notComplaint).parameters["reason"] as? String)?.contains("not a complaint") == true)

        // A third, answered at once: on time.
        let prompt = try #require(try ledger.item(["source": "complaint", "title": "挂号难"])["id"] as? Int64)
        try ledger.call("ReplyItem", ["id": prompt, "reply": "已开通预约挂号"])
        // A second complaint, not answered: after 22 March it is overdue for its reply.
        let silent = try #require(try ledger.item(["source": "complaint", "title": "收费不透明"])["id"] as? Int64)
        ledger.now = inShanghai("2027-03-23", 1)
        let late = try ledger.call("GetItem", ["id": silent])["item"] as? [String: Any]
        #expect(late?["replyOverdue"] as? Bool == true)
        let sheet = LedgerSheet(
            items: try ledger.manager.store.items(unit: "county-a", overdueAt: nil, limit: 10).items,
            units: [("county-a", "甲县卫生健康局")], scope: nil, at: ledger.now, zone: shanghaiZone, language: .zh)
        #expect(
            sheet.sections.first?.rows.first { $0.item == silent }?.remark.contains("答复逾期（应于 2027-03-22 前答复）") == true)

        let replied = try ledger.call("ReplyItem", ["id": id, "reply": "已电话答复投诉人，导诊台已设立"])["item"] as? [String: Any]
        #expect(replied?["reply"] as? String == "已电话答复投诉人，导诊台已设立")
        #expect(replied?["repliedAt"] as? String == ISOTimestamp.utc(ledger.now))
        // A corrected wording keeps the time of the first answer.
        ledger.now = inShanghai("2027-03-24", 9)
        let reworded =
            try ledger.call("ReplyItem", ["id": id, "reply": "已电话答复投诉人，导诊台已于3月10日设立"])["item"] as? [String: Any]
        #expect(reworded?["repliedAt"] as? String == replied?["repliedAt"] as? String)
        let closed =
            try ledger.call("UpdateItem", ["id": id, "action": "verify", "by": "验收人示例"])["item"] as? [String: Any]
        #expect(closed?["state"] as? String == "closed")
        // The evaluation's complaint reply rate.
        let figures = try EvaluationMaker(store: ledger.manager.store, configuration: ledger.manager.configuration)
            .figures(year: 2027, variant: .yearEnd, unit: nil, at: ledger.now)
        let rate = EvaluationAssessment(figures).rates.first { $0.key == "complaint-reply" }
        // One answered on time of three due (one answered late, one not at all).
        #expect(rate?.ratio == Ratio(1, of: 3), "\(String(describing: rate))")
        let history = try ledger.manager.store.history(item: id).map(\.action)
        #expect(history.contains("item.reply"))
        #expect(
            try ledger.manager.store.history(item: id).first { $0.action == "item.reply" }?.details.contains(
                "\"late\":\"yes\"") == true)
    }

    @Test("A complaint imported with an old 发现日期 has its reply deadline from the import, not overdue on arrival")
    func importedComplaint() throws {
        let ledger = try office()
        let sheet = "单位,问题,整改时限,来源,发现日期\ncounty-a,候诊时间过长,2027-04-30,complaint,2026-11-02\n"
        #expect(try ledger.call("Import", ["kind": "items", "format": "csv", "text": sheet])["imported"] as? Int == 1)
        let item = try #require(try ledger.manager.store.items(unit: "county-a", overdueAt: nil, limit: 5).items.first)
        #expect(LocalDay.of(item.createdAt, in: shanghaiZone).description == "2026-11-02")
        #expect(item.replyDueAt == inShanghai("2027-03-23") && !item.isReplyOverdue(at: ledger.now))
    }

    @Test("ComplaintReplyDays=0: no reply deadline, and closing does not wait")
    func noReplyDeadline() throws {
        let ledger = try office("[Ledger]\nComplaintReplyDays=0\n")
        let id = try #require(try ledger.item(["source": "complaint"])["id"] as? Int64)
        #expect(
            try ledger.call("GetItem", ["id": id])["item"].map { ($0 as? [String: Any])?["replyDue"] == nil } == true)
        try ledger.call("UpdateItem", ["id": id, "action": "rectified"])
        try ledger.call("UpdateItem", ["id": id, "action": "verify", "by": "验收人示例"])
    }

    // Bad input tried: an unknown review, a review that is no appraisal, an appraisal of another unit.
    @Test("An item found by a public appraisal names it, and takes its source")
    func appraisal() throws {
        let ledger = try office()
        let appraisal = try #require(
            (try ledger.call("RecordReview", ["unit": "county-a", "kind": "appraisal", "heldOn": "2027-03-01"])[
                "review"]
                as? [String: Any])?["id"] as? Int64)
        let review = try #require(
            (try ledger.call("RecordReview", ["unit": "county-a", "kind": "review", "heldOn": "2027-03-01"])["review"]
                as? [String: Any])?["id"] as? Int64)
        let other = try #require(
            (try ledger.call("RecordReview", ["unit": "county-b", "kind": "appraisal", "heldOn": "2027-03-01"])[
                "review"]
                as? [String: Any])?["id"] as? Int64)
        for (id, says) in [(4242, "no review #4242"), (review, "not a public appraisal"), (other, "of 'county-b'")] {
            let refused = try ledger.reply(
                "AddItem", ["unit": "county-a", "title": "群众不满意", "deadline": "2027-04-30", "appraisal": id])
            #expect((ledger.error(refused).parameters["reason"] as? String)?.contains(says) == true, "\(refused)")
        }
        let item = try ledger.item(["title": "群众评议：窗口服务态度差", "appraisal": appraisal])
        #expect(item["appraisal"] as? Int64 == appraisal)
        #expect(item["source"] as? String == "public-appraisal")
    }
}
