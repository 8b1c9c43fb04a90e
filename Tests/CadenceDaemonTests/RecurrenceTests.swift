import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Testing

@Suite("A problem that comes back is linked to its earlier item and flagged (R21)")
struct RecurrenceTests {
    // Bad input tried: an item that does not exist, one still open (a problem that has not gone
    // cannot come back), a removed one.
    @Test("Recorded as a recurrence of a closed item: linked, flagged, and overdue it goes straight to accountability")
    func recurrence() throws {
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n", now: inShanghai("2027-03-01", 9))
        try ledger.process(at: inShanghai("2027-03-01", 9))
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生健康委", kind: .cityDirect),
                NewUnit(id: "county-a", name: "甲县卫生健康局", kind: .countyBureau, parent: "city"),
            ], at: ledger.now, actor: nil)
        try ledger.call("AssignRole", ["unit": "county-a", "role": "first", "person": "局长示例"])
        func add(_ title: String, _ extra: [String: Any] = [:]) throws -> [String: Any] {
            try ledger.reply(
                "AddItem", ["unit": "county-a", "title": title, "deadline": "2027-03-20"].merging(extra) { $1 })
        }
        func id(_ reply: [String: Any]) -> Int64? {
            ((reply["parameters"] as? [String: Any])?["item"] as? [String: Any])?["id"] as? Int64
        }
        let first = try #require(id(try add("值班制度未落实")))
        let open = try #require(id(try add("药品库房不规范")))
        let removed = try #require(id(try add("录错的事项")))
        try ledger.call("RemoveItem", ["id": removed])
        try ledger.call("UpdateItem", ["id": first, "action": "rectified", "note": "已建立值班台账"])
        try ledger.call("UpdateItem", ["id": first, "action": "verify", "by": "验收人示例"])

        try ledger.manager.store.addUnits(
            [NewUnit(id: "county-b", name: "乙县卫生健康局", kind: .countyBureau, parent: "city")], at: ledger.now, actor: nil)
        let elsewhere = try ledger.reply(
            "AddItem",
            ["unit": "county-b", "title": "值班制度未落实", "deadline": "2027-03-25", "recurrenceOf": first, "first": "局长示例"])
        #expect(
            ((elsewhere["parameters"] as? [String: Any])?["reason"] as? String)?.contains(
                "a problem recurs where it was")
                == true, "\(elsewhere)")
        for (earlier, says) in [
            (4242, "no item #4242"), (open, "is open, not rectified or closed"), (removed, "no item"),
        ] {
            let refused = try add("值班制度又未落实", ["recurrenceOf": earlier])
            let reason = (refused["parameters"] as? [String: Any])?["reason"] as? String ?? ""
            #expect(refused["error"] != nil && reason.contains(says), "\(earlier): \(refused)")
        }
        #expect(try ledger.manager.store.items(unit: "county-a", overdueAt: nil, limit: 10).items.count == 2)

        let again = try ledger.call(
            "AddItem",
            ["unit": "county-a", "title": "值班制度又未落实", "deadline": "2027-04-10", "recurrenceOf": first])
        let item = try #require(again["item"] as? [String: Any])
        #expect(item["recurrenceOf"] as? Int64 == first)
        #expect(item["flagged"] as? Bool == true)
        let number = try #require(item["id"] as? Int64)
        let history = try ledger.manager.store.history(item: number)
        #expect(history.first?.details.contains("#\(first)") == true, "\(history)")

        // Overdue: accountability at once, not after the circular and the talk.
        let notices = try ledger.process(at: inShanghai("2027-04-11", 1)).filter { $0.item == number }
        #expect(notices.map(\.kind).contains(.accountability), "\(notices.map(\.kind))")
        // Printed, the ledger says which problem came back.
        let sheet = LedgerSheet(
            items: try ledger.manager.store.items(unit: "county-a", overdueAt: nil, limit: 10).items,
            units: [("county-a", "甲县卫生健康局")], scope: nil, at: ledger.now, zone: shanghaiZone, language: .zh)
        #expect(sheet.sections.first?.rows.first { $0.item == number }?.remark.contains("复发（原 #\(first)）") == true)
    }

    // Bad input tried: a review that does not exist, one of another unit, one recorded after the
    // problem was found.
    @Test(
        "A problem an inspection did not find: linked to that inspection, flagged, straight to accountability when overdue; the ledger sheet says so"
    )
    func missedByInspection() throws {
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n", now: inShanghai("2027-06-01", 9))
        try ledger.process(at: ledger.now)
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生健康委", kind: .cityDirect),
                NewUnit(id: "county-a", name: "甲县卫生健康局", kind: .countyBureau, parent: "city"),
                NewUnit(id: "county-b", name: "乙县卫生健康局", kind: .countyBureau, parent: "city"),
            ], at: ledger.now, actor: nil)
        for unit in ["county-a", "county-b"] {
            try ledger.call("AssignRole", ["unit": unit, "role": "first", "person": "局长示例"])
        }
        func review(_ unit: String) throws -> Int64 {
            let reply = try ledger.call(
                "RecordReview", ["unit": unit, "kind": "inspection", "heldOn": "2027-06-01", "period": "2027-H1"])
            return try #require((reply["review"] as? [String: Any])?["id"] as? Int64)
        }
        let inspection = try review("county-a")
        let other = try review("county-b")
        ledger.now = inShanghai("2027-07-10", 9)
        func add(_ extra: [String: Any]) throws -> [String: Any] {
            try ledger.reply(
                "AddItem",
                ["unit": "county-a", "title": "消防通道堵塞", "deadline": "2027-07-20", "source": "media"].merging(extra) {
                    $1
                })
        }
        for (missedBy, says) in [
            (4242 as Int64, "there is no review #4242"), (other, "was of 'county-b', not of 'county-a'"),
        ] {
            let refused = try add(["missedBy": missedBy])
            let reason = (refused["parameters"] as? [String: Any])?["reason"] as? String ?? ""
            #expect(refused["error"] != nil && reason.contains(says), "\(missedBy): \(refused)")
        }
        #expect(try ledger.manager.store.items(unit: "county-a", overdueAt: nil, limit: 10).items.isEmpty)
        let added = try add(["missedBy": inspection])
        let item = try #require((added["parameters"] as? [String: Any])?["item"] as? [String: Any])
        #expect(item["missedBy"] as? Int64 == inspection && item["flagged"] as? Bool == true, "\(item)")
        let number = try #require(item["id"] as? Int64)
        #expect(try ledger.manager.store.history(item: number).first?.details.contains("#\(inspection)") == true)
        // A problem found before the review was recorded cannot have been missed by it.
        var early = NewItem(
            unit: "county-a", title: "早已发现的问题", deadline: inShanghai("2027-07-20"), first: "局长示例")
        early.foundOn = inShanghai("2027-05-20")
        early.missedBy = inspection
        #expect(throws: LedgerError.self) {
            _ = try ledger.manager.store.addItem(
                early, schedule: ledger.manager.itemSchedule, at: ledger.now, actor: nil)
        }

        // Overdue: accountability at once, not after the circular and the talk.
        let notices = try ledger.process(at: inShanghai("2027-07-21", 1)).filter { $0.item == number }
        #expect(notices.map(\.kind).contains(.accountability), "\(notices.map(\.kind))")
        let sheet = LedgerSheet(
            items: try ledger.manager.store.items(unit: "county-a", overdueAt: nil, limit: 10).items,
            units: [("county-a", "甲县卫生健康局")], scope: nil, at: ledger.now, zone: shanghaiZone, language: .zh)
        let remark = sheet.sections.first?.rows.first { $0.item == number }?.remark ?? ""
        #expect(remark.contains("检查未发现（记录 #\(inspection)）"), "\(remark)")
    }
}
