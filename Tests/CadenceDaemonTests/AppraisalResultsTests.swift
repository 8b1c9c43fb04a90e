import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

@Suite("A public appraisal records what it found; satisfaction and members' coverage are computed (R12)")
struct AppraisalResultsTests {
    // Bad input tried: more satisfied than returned, more appraised than members, half of a pair,
    // results on a review that is no appraisal, a count below zero, a word in a sheet.
    @Test("Recorded one by one and from a sheet, checked, and summed in the evaluation's rates")
    func results() throws {
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n", now: inShanghai("2027-06-20", 9))
        try ledger.process(at: inShanghai("2027-06-20", 9))
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生健康委", kind: .cityDirect),
                NewUnit(id: "county-a", name: "甲县卫生健康局", kind: .countyBureau, parent: "city"),
                NewUnit(id: "county-b", name: "乙县卫生健康局", kind: .countyBureau, parent: "city"),
            ], at: ledger.now, actor: nil)
        // Nothing recorded yet: not computed.
        func rates() throws -> [String: Ratio?] {
            let figures = try EvaluationMaker(store: ledger.manager.store, configuration: ledger.manager.configuration)
                .figures(year: 2027, variant: .yearEnd, unit: nil, at: ledger.now)
            return Dictionary(uniqueKeysWithValues: EvaluationAssessment(figures).rates.map { ($0.key, $0.ratio) })
        }
        #expect(try rates()["satisfaction"] == .some(nil))

        let base: [String: Any] = ["unit": "county-a", "kind": "appraisal", "heldOn": "2027-06-18"]
        for (extra, says) in [
            (["formsReturned": 100, "satisfied": 101] as [String: Any], "more than were returned"),
            (["members": 20, "membersAppraised": 21], "more than the unit has"),
            (["formsReturned": 100], "together"), (["formsReturned": -1, "satisfied": 0], "below zero"),
        ] {
            let reply = try ledger.reply("RecordReview", base.merging(extra) { $1 })
            let reason = (reply["parameters"] as? [String: Any])?["reason"] as? String ?? ""
            #expect(reply["error"] != nil && reason.contains(says), "\(extra): \(reply)")
        }
        let onReview = try ledger.reply(
            "RecordReview",
            ["unit": "county-a", "kind": "review", "heldOn": "2027-06-18", "formsReturned": 10, "satisfied": 9])
        #expect(
            ((onReview["parameters"] as? [String: Any])?["reason"] as? String)?.contains("public appraisal") == true)
        #expect(try ledger.manager.store.reviews(unit: nil, kind: nil, period: nil).isEmpty)

        let review = try ledger.call(
            "RecordReview",
            base.merging(["formsReturned": 100, "satisfied": 90, "members": 20, "membersAppraised": 18]) { $1 })
        #expect((review["review"] as? [String: Any])?["satisfied"] as? Int64 == 90)

        let badSheet = "单位,类型,举行日期,收回测评表,满意数\ncounty-b,评议,2027-06-19,五十,45\n"
        let refused = try ledger.call("Import", ["kind": "reviews", "format": "csv", "text": badSheet])
        #expect(
            (refused["problems"] as? [[String: Any]])?.first?["reason"] as? String
                == "formsReturned '五十' is not a number")
        let sheet = "单位,类型,举行日期,收回测评表,满意数,党员人数,参评党员\ncounty-b,评议,2027-06-19,50,45,10,10\n"
        #expect(
            try ledger.call("Import", ["kind": "reviews", "format": "csv", "text": sheet])["imported"] as? Int == 1)

        let now = try rates()
        #expect(now["satisfaction"] == Ratio(135, of: 150))
        #expect(now["member-appraisal-coverage"] == Ratio(28, of: 30))
        // 90% is not above the 95% target.
        let figures = try EvaluationMaker(store: ledger.manager.store, configuration: ledger.manager.configuration)
            .figures(year: 2027, variant: .yearEnd, unit: nil, at: ledger.now)
        #expect(EvaluationAssessment(figures).rates.first { $0.key == "satisfaction" }?.meetsTarget == false)
        // Of one county only.
        let one = try EvaluationMaker(store: ledger.manager.store, configuration: ledger.manager.configuration)
            .figures(year: 2027, variant: .yearEnd, unit: "county-b", at: ledger.now)
        #expect(one.appraisals == AppraisalResults(formsReturned: 50, satisfied: 45, members: 10, membersAppraised: 10))
    }
}
