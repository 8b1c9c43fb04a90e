import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// A city with two counties, a quarterly review duty, in UTC with English notices, on 2027-01-01.
private func campaign() throws -> InProcessLedger {
    let ledger = try InProcessLedger(
        conf: "[Daemon]\nTimeZone=UTC\nLanguage=en\n", cadences: ["leader-review": quarterlyReviewCadence],
        now: inUTC("2027-01-01"))
    try ledger.process(at: inUTC("2027-01-01"))
    try ledger.manager.store.addUnits(
        [
            NewUnit(id: "city", name: "Example City Bureau", kind: .cityDirect),
            NewUnit(id: "county-a", name: "County A Health Bureau", kind: .countyBureau, parent: "city"),
            NewUnit(id: "county-b", name: "County B Health Bureau", kind: .countyBureau, parent: "city"),
        ], at: ledger.now, actor: nil)
    try ledger.manager.store.assignRole(unit: "city", role: .first, person: "Director Wu", at: ledger.now, actor: nil)
    try ledger.process(at: inUTC("2027-03-01", 9))
    return ledger
}

extension InProcessLedger {
    fileprivate var items: [RectificationItem] {
        get throws { try manager.store.items(unit: nil, overdueAt: nil, limit: 100).items }
    }

    fileprivate func review(_ unit: String, heldOn: String) throws -> Int64 {
        let reply = try call("RecordReview", ["unit": unit, "heldOn": heldOn])
        return try #require((reply["review"] as? [String: Any])?["id"] as? Int64 ?? nil)
    }
}

@Suite("A wrongly recorded review or report is taken out, with its reason in the history")
struct RecordRemovalTests {
    @Test("Taking out the late review that closed a missed-duty item opens the item again where its stages were")
    func lateReviewRemoved() throws {
        let ledger = try campaign()
        try ledger.process(at: inUTC("2027-04-01"))
        let missed = try ledger.items
        #expect(missed.map(\.unit).sorted() == ["county-a", "county-b"])
        let itemA = try #require(missed.first { $0.unit == "county-a" })

        ledger.now = inUTC("2027-04-03", 10)
        let id = try ledger.review("county-a", heldOn: "2027-03-20")
        #expect(try ledger.items.first { $0.id == itemA.id }?.state == .closed)

        // Bad input changes nothing: no reason, a blank reason, an unknown number, a reader.
        for (parameters, error) in [
            (["id": id] as [String: Any], "InvalidParameter"), (["id": id, "reason": "  "], "InvalidArgument"),
            (["id": 999, "reason": "typo"], "NotFound"),
        ] {
            let reply = try ledger.reply("RemoveReview", parameters)
            #expect((reply["error"] as? String)?.hasSuffix(error) == true, "\(parameters): \(reply)")
        }
        let reader = Peer(uid: 1000, gid: 1000, user: "clerk", groups: [1000])
        let refused = try ledger.reply("RemoveReview", ["id": id, "reason": "typo"], as: reader)
        #expect((refused["error"] as? String)?.hasSuffix("PermissionDenied") == true, "\(refused)")
        #expect(try ledger.manager.store.reviews(unit: "county-a", kind: nil, period: nil).count == 1)
        #expect(try ledger.items.first { $0.id == itemA.id }?.state == .closed)

        let reply = try ledger.call("RemoveReview", ["id": id, "reason": "recorded for the wrong county"])
        #expect(reply["duty"] as? String == "reopened")
        #expect(reply["item"] as? Int64 == itemA.id)
        #expect((reply["review"] as? [String: Any])?["heldOn"] as? String == "2027-03-20")
        #expect(try ledger.manager.store.reviews(unit: "county-a", kind: nil, period: nil).isEmpty)

        let reopened = try #require(try ledger.items.first { $0.id == itemA.id })
        #expect(reopened.state == .open)
        #expect(reopened.closedAt == nil && reopened.verifiedBy == nil)
        #expect(reopened.note == "review #\(id) taken out: recorded for the wrong county")
        #expect(reopened.recordedStages == itemA.recordedStages)
        #expect(reopened.nextEventAt != nil)
        let overdue = try ledger.manager.store.items(unit: nil, overdueAt: ledger.now, limit: 100).items
        #expect(overdue.map(\.unit).sorted() == ["county-a", "county-b"])

        let history = try ledger.manager.store.history(unit: "county-a").map { ($0.action, $0.details) }
        let removal = try #require(history.first { $0.0 == "review.remove" })
        #expect(removal.1.contains("recorded for the wrong county") && removal.1.contains("2027-03-20"))
        #expect(history.contains { $0.0 == "item.reopen" && $0.1.contains("taken out") })

        // Recorded again (rightly), it closes the item again; the daemon does not open another.
        _ = try ledger.review("county-a", heldOn: "2027-03-21")
        try ledger.process(at: inUTC("2027-04-05"))
        #expect(try ledger.items.filter { $0.unit == "county-a" }.map(\.state) == [.closed])
    }

    @Test("Taking out a review the period's check had counted opens the missed-duty item then")
    func reviewInTimeRemoved() throws {
        let ledger = try campaign()
        ledger.now = inUTC("2027-03-10")
        let a = try ledger.review("county-a", heldOn: "2027-03-10")
        let b = try ledger.review("county-b", heldOn: "2027-03-10")
        // Before the period ends, taking it out leaves the check to do its work.
        let early = try ledger.call("RemoveReview", ["id": b, "reason": "held by the wrong office"])
        #expect(early["duty"] as? String == "unchanged")
        #expect(early["item"] == nil)
        #expect(try ledger.items.isEmpty)

        try ledger.process(at: inUTC("2027-04-01"))
        #expect(try ledger.items.map(\.unit) == ["county-b"])

        ledger.now = inUTC("2027-04-10", 8)
        let late = try ledger.call("RemoveReview", ["id": a, "reason": "the meeting was cancelled"])
        #expect(late["duty"] as? String == "opened")
        let opened = try #require(try ledger.items.first { $0.unit == "county-a" })
        #expect(late["item"] as? Int64 == opened.id)
        #expect(opened.origin == "missed/leader-review/2027-Q1/county-a")
        #expect(opened.first == "Director Wu")
        #expect(opened.deadlineDate == "2027-03-31")
        #expect(opened.state == .open)
        // The check does not run again for the period, and does not open a second item.
        try ledger.process(at: inUTC("2027-04-11"))
        #expect(try ledger.items.filter { $0.unit == "county-a" }.count == 1)
        let history = try ledger.manager.store.history(unit: "county-a").map(\.action)
        #expect(history.contains("review.remove") && history.contains("item.add"))
    }

    @Test(
        "Two late records of one duty: taking out the one that closed the item changes nothing; then the other reopens it"
    )
    func duplicateLateReviews() throws {
        let ledger = try campaign()
        try ledger.process(at: inUTC("2027-04-01"))
        ledger.now = inUTC("2027-04-03", 10)
        let first = try ledger.review("county-a", heldOn: "2027-03-20")
        let second = try ledger.review("county-a", heldOn: "2027-03-21")
        let item = try #require(try ledger.items.first { $0.unit == "county-a" })
        #expect(item.state == .closed)
        #expect(
            try ledger.call("RemoveReview", ["id": first, "reason": "entered twice"])["duty"] as? String == "unchanged")
        let last = try ledger.call("RemoveReview", ["id": second, "reason": "the review was not held"])
        #expect(last["duty"] as? String == "reopened" && last["item"] as? Int64 == item.id)
        // Printed in Chinese, the note cadenced wrote reads in Chinese.
        let reopened = try #require(try ledger.items.first { $0.id == item.id })
        let sheet = LedgerSheet(
            items: [reopened], units: [("county-a", "甲县")], scope: nil, at: ledger.now,
            zone: TimeZone(identifier: "UTC")!, language: .zh)
        #expect(sheet.sections.first?.rows.first?.remark == "点评等记录 #\(second) 已撤销：the review was not held")
    }

    @Test("With a second review of the same duty, taking out one changes nothing else")
    func secondReviewStays() throws {
        let ledger = try campaign()
        ledger.now = inUTC("2027-03-12", 12)
        let first = try ledger.review("county-a", heldOn: "2027-03-10")
        _ = try ledger.review("county-a", heldOn: "2027-03-12")
        try ledger.process(at: inUTC("2027-04-01"))
        let reply = try ledger.call("RemoveReview", ["id": first, "reason": "entered twice"])
        #expect(reply["duty"] as? String == "unchanged")
        #expect(try ledger.items.map(\.unit) == ["county-b"])
    }

    @Test("A report recorded by mistake is taken out; the month's count falls and the history says why")
    func reportRemoved() throws {
        let ledger = try campaign()
        ledger.now = inUTC("2027-03-10")
        var ids: [Int64] = []
        for title in ["Free clinic in the county seat", "Free clinic in the county seat (again)"] {
            let reply = try ledger.call(
                "SubmitReport", ["unit": "county-a", "title": title, "submittedOn": "2027-03-09"])
            ids.append(try #require(reply["id"] as? Int64))
        }
        let listed =
            try ledger.call("ListReports", ["unit": "county-a", "month": "2027-03"])["reports"] as? [[String: Any]]
        #expect(listed?.compactMap { $0["id"] as? Int64 }.sorted() == ids)
        #expect(listed?.first?["submittedOn"] as? String == "2027-03-09")

        for (parameters, error) in [
            (["id": ids[1], "reason": ""] as [String: Any], "InvalidArgument"),
            (["id": 4242, "reason": "x"], "NotFound"),
        ] {
            let reply = try ledger.reply("RemoveReport", parameters)
            #expect((reply["error"] as? String)?.hasSuffix(error) == true, "\(parameters): \(reply)")
        }
        let badMonth = try ledger.reply("ListReports", ["month": "2027-13"])
        #expect(badMonth["error"] != nil, "\(badMonth)")
        #expect(try ledger.manager.store.reports(unit: "county-a").count == 2)

        let removed = try ledger.call("RemoveReport", ["id": ids[1], "reason": "the same report entered twice"])
        #expect((removed["report"] as? [String: Any])?["title"] as? String == "Free clinic in the county seat (again)")
        let quota = try ledger.manager.store.quota(month: PeriodKey(rawValue: "2027-03"))
        #expect(quota.first { $0.unit == "county-a" }?.submitted == 1)
        let history = try ledger.manager.store.history(unit: "county-a")
        #expect(
            history.contains {
                $0.action == "report.remove" && $0.details.contains("the same report entered twice")
                    && $0.details.contains("(again)")
            })
    }
}
