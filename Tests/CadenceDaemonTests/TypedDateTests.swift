import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Logging
import Testing

/// A ledger in Asia/Shanghai (Chinese notices), processed once at `now`.
private func officeLedger(now: String, language: String = "zh") throws -> InProcessLedger {
    let ledger = try InProcessLedger(
        conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=\(language)\n[Ledger]\nWarnBeforeSec=\n",
        now: ISOTimestamp.parse(now)!)
    try ledger.process(at: ledger.now)
    return ledger
}

@Suite("Dates as typed, and who verifies")
struct TypedDateTests {
    @Test("A deadline typed as 2026-10-31 is 2026-10-31 in the notice, the journal, the listing and the export")
    func deadlineAsTyped() throws {
        let ledger = try officeLedger(now: "2026-10-01T02:00:00Z")
        try ledger.call("AddUnit", ["id": "county-a", "name": "示例县卫生局", "kind": "county-bureau"])
        let added = try ledger.call(
            "AddItem", ["unit": "county-a", "title": "值班制度未落实", "deadline": "2026-10-31", "first": "Director Chen"])
        let item = try #require(added["item"] as? [String: Any])
        #expect(item["deadlineDate"] as? String == "2026-10-31")
        // It falls due at the end of that day in Shanghai: 16:00 UTC.
        #expect(item["deadline"] as? String == "2026-10-31T16:00:00Z")

        ledger.now = ISOTimestamp.parse("2026-10-31T16:00:00Z")!
        let notices = try ledger.manager.process(at: ledger.now)
        let overdue = try #require(notices.first { $0.kind == .overdue })
        #expect(overdue.body.contains("已于 2026-10-31（当日 24:00 截止）到期"), "\(overdue.body)")
        // The unit by its name, the subject too.
        #expect(overdue.body.contains("「值班制度未落实」（示例县卫生局）"), "\(overdue.body)")
        #expect(overdue.subject.hasPrefix("整改逾期：示例县卫生局 #1"), "\(overdue.subject)")
        #expect(!overdue.body.contains("2026-11-01"))
        let entry = try #require(ledger.journal.entries.first { $0["CADENCED_KIND"] == "overdue" })
        #expect(entry["CADENCED_DUE_DATE"] == "2026-10-31")
        #expect(entry["CADENCED_DEADLINE"] == "2026-10-31T16:00:00Z")
        #expect(entry["MESSAGE"]?.contains("2026-11-01") == false)
        let file = try #require(entry["CADENCED_NOTICE_FILE"])
        let markdown = try String(contentsOfFile: ledger.root + "/state/notices/" + file, encoding: .utf8)
        #expect(markdown.contains("| 到期 | 2026-10-31 |"), "\(markdown)")

        // The export writes back what was typed; a deferral's new date too, and the original stays typed.
        ledger.now = ISOTimestamp.parse("2026-11-02T02:00:00Z")!
        let deferred = try ledger.call(
            "UpdateItem",
            [
                "id": item["id"]!, "action": "defer", "deadline": "2026-12-15", "plan": "补齐值班表",
                "explanation": "人员调整",
            ])
        let moved = try #require(deferred["item"] as? [String: Any])
        #expect(moved["deadlineDate"] as? String == "2026-12-15")
        #expect(moved["originalDeadlineDate"] as? String == "2026-10-31")
        let export = try ledger.call("Export", ["kind": "items", "format": "csv"])
        let text = try #require(export["text"] as? String)
        #expect(text.contains(",2026-12-15,"), "\(text)")
        #expect(!text.contains("T16:00:00Z"))
    }

    // Bad input tried: --by @direct, --by the direct person's name, --by a role nobody holds, and a
    // caller whose own account is the direct responsible person verifying "on behalf of" someone else.
    @Test("The direct responsible person cannot verify however written; history names account and person")
    func verifierIsTheCaller() throws {
        let ledger = try officeLedger(now: "2026-10-01T02:00:00Z", language: "en")
        try ledger.call("AddUnit", ["id": "county-a", "name": "County A", "kind": "county-bureau"])
        try ledger.call("AssignRole", ["unit": "county-a", "role": "first", "person": "Director Chen"])
        try ledger.call("AssignRole", ["unit": "county-a", "role": "direct", "person": "Section Chief Zhao"])
        let added = try ledger.call(
            "AddItem", ["unit": "county-a", "title": "Duty roster", "deadline": "2026-10-31", "direct": "@direct"])
        let id = try #require((added["item"] as? [String: Any])?["id"])
        try ledger.call("UpdateItem", ["id": id, "action": "rectified"])
        let officer = Peer(uid: 4242, gid: 4242, user: "officer", groups: [4242], person: "Officer Wang")
        let zhao = Peer(uid: 4343, gid: 4343, user: "zhao", groups: [4343], person: "Section Chief Zhao")
        let refusals: [(Peer, String, String)] = [
            (officer, "@direct", "'@direct' (Section Chief Zhao) is the direct responsible person of item #1"),
            (officer, "Section Chief Zhao", "Section Chief Zhao is the direct responsible person of item #1"),
            (officer, "@inspector", "nobody holds @inspector of county-a now"),
            (zhao, "Inspector Li", "you (Section Chief Zhao) are the direct responsible person of item #1"),
        ]
        for (peer, by, message) in refusals {
            // Root stands in for the officer's admin group here: the handler is told who calls.
            let reply = try ledger.reply(
                "UpdateItem", ["id": id, "action": "verify", "by": by],
                as: Peer(uid: 0, gid: 0, user: peer.user, groups: [0], person: peer.person))
            let reason = (reply["parameters"] as? [String: Any])?["reason"] as? String ?? "\(reply)"
            #expect(reason.contains(message), "\(by): \(reason)")
        }
        #expect(try ledger.manager.store.item(1)?.state == .rectified)
        // The bypass an office found: the direct person named by name on the item, "@direct" as --by.
        let named = try ledger.call(
            "AddItem",
            ["unit": "county-a", "title": "Fire exit", "deadline": "2026-10-31", "direct": "Section Chief Zhao"])
        let namedID = try #require((named["item"] as? [String: Any])?["id"])
        try ledger.call("UpdateItem", ["id": namedID, "action": "rectified"])
        let bypass = try ledger.reply(
            "UpdateItem", ["id": namedID, "action": "verify", "by": "@direct"],
            as: Peer(uid: 0, gid: 0, user: "officer", groups: [0], person: "Officer Wang"))
        let bypassReason = (bypass["parameters"] as? [String: Any])?["reason"] as? String ?? ""
        #expect(
            bypassReason.contains("'@direct' (Section Chief Zhao) is the direct responsible person of item #2"),
            "\(bypass)")

        let verified = try ledger.call(
            "UpdateItem", ["id": id, "action": "verify", "by": "@first"],
            as: Peer(uid: 0, gid: 0, user: "officer", groups: [0], person: "Officer Wang"))
        #expect((verified["item"] as? [String: Any])?["verifiedBy"] as? String == "Director Chen")
        let entry = try #require(try ledger.manager.store.history(item: 1).last)
        #expect(entry.action == "item.verify" && entry.user == "officer")
        #expect(entry.details.contains("\"by\":\"Director Chen\""), "\(entry.details)")
        #expect(entry.details.contains("\"verifier\":\"Officer Wang\""), "\(entry.details)")
        #expect(entry.details.contains("\"onBehalfOf\":\"@first\""), "\(entry.details)")
    }

    // Bad input tried: the account of the item's direct responsible person, mapped in the
    // directory, verifying when the item names that person by id, by name, and through @direct.
    @Test(
        "An account mapped to a person of the directory acts as that person: refused as the direct responsible person however the item names them; history says who"
    )
    func accountIsPerson() throws {
        let ledger = try officeLedger(now: "2026-10-01T02:00:00Z", language: "zh")
        try ledger.call("AddUnit", ["id": "county-a", "name": "甲县卫生局", "kind": "county-bureau"])
        try ledger.call("AddPerson", ["id": "p-zhao", "name": "赵六", "unit": "county-a", "account": "zhao6"])
        try ledger.call("AddPerson", ["id": "p-qian", "name": "钱七", "unit": "county-a", "account": "qian7"])
        try ledger.call("AssignRole", ["unit": "county-a", "role": "first", "person": "p-qian"])
        try ledger.call("AssignRole", ["unit": "county-a", "role": "direct", "person": "p-zhao"])
        // The account's own full name (GECOS) says something else: the directory wins.
        let zhao = Peer(uid: 0, gid: 0, user: "zhao6", groups: [0], person: "Zhao Account")
        for direct in ["p-zhao", "赵六", "@direct"] {
            let added = try ledger.call(
                "AddItem", ["unit": "county-a", "title": "问题 \(direct)", "deadline": "2026-10-31", "direct": direct])
            let id = try #require((added["item"] as? [String: Any])?["id"])
            try ledger.call("UpdateItem", ["id": id, "action": "rectified"])
            let reply = try ledger.reply("UpdateItem", ["id": id, "action": "verify"], as: zhao)
            let reason = (reply["parameters"] as? [String: Any])?["reason"] as? String ?? "\(reply)"
            #expect(
                reason.contains("you (赵六) are the direct responsible person of item #\(id)"), "\(direct): \(reason)")
        }
        let qian = Peer(uid: 0, gid: 0, user: "qian7", groups: [0], person: nil)
        let verified = try ledger.call("UpdateItem", ["id": 1, "action": "verify"], as: qian)
        #expect((verified["item"] as? [String: Any])?["verifiedBy"] as? String == "钱七")
        let entry = try #require(try ledger.manager.store.history(item: 1).last)
        #expect(entry.user == "qian7" && entry.details.contains("\"actorPerson\":\"p-qian\""), "\(entry.details)")
        #expect(entry.details.contains("\"verifier\":\"钱七\""), "\(entry.details)")
    }

    // Bad input tried: a correction without a reason, one that changes nothing, a blank title (no
    // title given: nothing to change).
    @Test(
        "item edit: a source corrected to superior-circular sends the overdue item straight to accountability; each change and its reason in the history"
    )
    func editToSuperiorCircular() throws {
        let ledger = try officeLedger(now: "2026-10-01T02:00:00Z")
        try ledger.call("AddUnit", ["id": "county-a", "name": "甲县卫生局", "kind": "county-bureau"])
        try ledger.call("AssignRole", ["unit": "county-a", "role": "first", "person": "孙三"])
        let added = try ledger.call(
            "AddItem", ["unit": "county-a", "title": "值班制度未落实", "deadline": "2026-10-10"])
        let id = try #require((added["item"] as? [String: Any])?["id"] as? Int)
        for (parameters, reason) in [
            (["id": id, "reason": "", "title": "新标题"], "is empty"),
            (["id": id, "reason": "核对", "title": "值班制度未落实"], "nothing to change"),
            (["id": id, "reason": "核对", "title": " "], "nothing to change"),
        ] as [([String: Any], String)] {
            let reply = try ledger.reply("EditItem", parameters)
            let said = (reply["parameters"] as? [String: Any])?["reason"] as? String ?? "\(reply)"
            #expect(said.contains(reason), "\(parameters): \(said)")
        }
        let edited = try ledger.call(
            "EditItem", ["id": id, "reason": "市局通报 2026 第 3 期", "source": "superior-circular", "first": "李四"])
        #expect((edited["changed"] as? [String])?.sorted() == ["first", "source"])
        let history = try #require(try ledger.manager.store.history(item: Int64(id)).last)
        #expect(history.action == "item.edit", "\(history)")
        #expect(history.details.contains("\"reason\":\"市局通报 2026 第 3 期\""), "\(history.details)")
        #expect(history.details.contains("self-examination → superior-circular"), "\(history.details)")
        // Overdue: flagged, it skips circular and talk.
        let notices = try ledger.process(at: ISOTimestamp.parse("2026-10-11T02:00:00Z")!)
        #expect(notices.map(\.kind).contains(.accountability), "\(notices.map(\.kind))")
        #expect(!notices.map(\.kind).contains(.escalation), "\(notices.map(\.kind))")

        // A reopened item (R21) is flagged whatever its source: a correction keeps it so.
        let other = try ledger.call("AddItem", ["unit": "county-a", "title": "台账未更新", "deadline": "2026-12-31"])
        let otherID = try #require((other["item"] as? [String: Any])?["id"] as? Int)
        try ledger.call("UpdateItem", ["id": otherID, "action": "rectified"])
        try ledger.call("UpdateItem", ["id": otherID, "action": "verify", "by": "Inspector Li"])
        try ledger.call(
            "UpdateItem", ["id": otherID, "action": "reopen", "note": "又出现", "deadline": "2027-01-31"])
        let fixed = try ledger.call("EditItem", ["id": otherID, "reason": "错字", "title": "台账仍未更新"])
        #expect((fixed["item"] as? [String: Any])?["flagged"] as? Bool == true, "\(fixed)")
    }
}
