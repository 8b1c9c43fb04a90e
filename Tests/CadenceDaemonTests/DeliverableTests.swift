import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// The district hospital's seed plan, shipped in `examples/plans`.
private func districtPlan() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try String(
        contentsOf: root.appendingPathComponent("examples/plans/district-hospital-2011.plan"), encoding: .utf8)
}

@Suite("The campaign plan: deliverables due once (R6)")
struct DeliverableTests {
    // Bad input tried: a plan, a deliverable and a unit that do not exist, the top of the tree
    // (which owes nothing), a day to come, a second hand-in of the same unit.
    @Test(
        "Handed in or not by the due day: the late unit gets an overdue item, the phase's end names it, handing in closes it"
    )
    func handIns() throws {
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n",
            files: ["plans.d/district.plan": try districtPlan()],
            now: inShanghai("2011-10-01", 9))
        try ledger.process(at: inShanghai("2011-10-01", 9))
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生局", kind: .cityDirect),
                NewUnit(id: "county-a", name: "甲县卫生局", kind: .countyBureau, parent: "city"),
                NewUnit(id: "county-b", name: "乙县卫生局", kind: .countyBureau, parent: "city"),
            ], at: ledger.now, actor: nil)
        try ledger.manager.store.assignRole(unit: "city", role: .first, person: "王示例", at: ledger.now, actor: nil)
        let before = try ledger.call("GetPlan", [:])["text"] as? String ?? ""
        #expect(before.contains("设岗定诺  2011-10中旬 至 2011-10中旬 (2011-10-11 – 2011-10-20)  未开始"), "\(before)")
        #expect(before.contains("实施方案上报  2011-10-20 前：2 个单位中已交 0 个；未交：甲县卫生局、乙县卫生局"), "\(before)")

        ledger.now = inShanghai("2011-10-19", 10)
        let handed = try ledger.call(
            "HandIn", ["plan": "district", "deliverable": "实施方案上报", "unit": "county-a", "handedOn": "2011-10-19"])
        #expect(handed["handedOn"] as? String == "2011-10-19" && (handed["closed"] as? [Any])?.isEmpty == true)
        for (parameters, says) in [
            (
                ["plan": "nope", "deliverable": "实施方案上报", "unit": "county-b"],
                "there is no plan 'nope' (plans: district)"
            ),
            (
                ["plan": "district", "deliverable": "总结", "unit": "county-b"],
                "has no deliverable '总结' (its deliverables: 实施方案上报)"
            ),
            (["plan": "district", "deliverable": "实施方案上报", "unit": "city"], "the top of the tree owes nothing"),
            (
                ["plan": "district", "deliverable": "实施方案上报", "unit": "county-b", "handedOn": "2011-10-25"],
                "2011-10-25 is in the future"
            ),
            (["plan": "district", "deliverable": "实施方案上报", "unit": "county-a"], "has handed in 实施方案上报 already"),
        ] {
            let reply = try ledger.reply("HandIn", parameters)
            let reason = (reply["parameters"] as? [String: Any])?["reason"] as? String ?? "\(reply)"
            #expect(reply["error"] != nil && reason.contains(says), "\(parameters): \(reply)")
        }
        let unknown = try ledger.reply("HandIn", ["plan": "district", "deliverable": "实施方案上报", "unit": "county-z"])
        #expect(unknown["error"] as? String == "io.cadenced.Ledger.NoSuchUnit")
        #expect(try ledger.manager.store.handIns(plan: "district").map(\.unit) == ["county-a"], "nothing else recorded")

        // The due day ends at midnight: county-b gets its item, overdue at once; the phase's end
        // says who handed it in.
        let due = try ledger.process(at: inShanghai("2011-10-21"))
        let open = try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 10).items
        #expect(open.map(\.unit) == ["county-b"])
        #expect(open.first?.title == "未按期上交：区医院 2011—2012 年创先争优活动 实施方案上报")
        #expect(open.first?.first == "王示例", "answered by the parent's first responsible person")
        #expect(due.filter { $0.kind == .overdue }.map(\.unit) == ["county-b"])
        let end = try #require(due.first { $0.kind == .phaseEnd })
        #expect(end.body.contains("实施方案上报（2011-10-20 前）：2 个单位中已交 1 个；未交：乙县卫生局"), "\(end.body)")
        #expect(try ledger.process(at: inShanghai("2011-10-21", 1)).filter { $0.kind == .overdue }.isEmpty, "once")

        ledger.now = inShanghai("2011-10-22", 9)
        let late = try ledger.call(
            "HandIn", ["plan": "district", "deliverable": "实施方案上报", "unit": "county-b", "note": "补交"])
        let closed = (late["closed"] as? [Any])?.compactMap { ($0 as? NSNumber)?.int64Value } ?? []
        #expect(closed == open.map(\.id))
        #expect(try ledger.manager.store.item(closed.first ?? 0)?.state == .closed)
        let after = try ledger.call("GetPlan", ["plan": "district"])["text"] as? String ?? ""
        #expect(after.contains("实施方案上报  2011-10-20 前：2 个单位中已交 2 个"), "\(after)")
        #expect(after.contains("集中争创  2011-10下旬 至 2011-12上旬 (2011-10-21 – 2011-12-10)  进行中"), "\(after)")
    }

    @Test("A deliverable due before the plan was in force is not checked; no plan at all is said plainly")
    func beforeInForce() throws {
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n",
            files: ["plans.d/district.plan": try districtPlan()],
            now: inShanghai("2011-11-01", 9))
        try ledger.manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生局", kind: .cityDirect),
                NewUnit(id: "county-a", name: "甲县卫生局", kind: .countyBureau, parent: "city"),
            ], at: inShanghai("2011-10-01"), actor: nil)
        try ledger.process(at: inShanghai("2011-11-01", 9))
        try ledger.process(at: inShanghai("2012-07-02", 9))
        #expect(try ledger.manager.store.items(unit: nil, overdueAt: nil, limit: 10).items.isEmpty)
        let empty = try InProcessLedger(conf: "[Daemon]\nLanguage=zh\n", now: inShanghai("2011-11-01", 9))
        #expect(try empty.call("GetPlan", [:])["text"] as? String == "没有活动计划：配置目录的 plans.d 中没有 .plan 文件。\n")
        let reply = try empty.reply("GetPlan", ["plan": "district"])
        #expect(reply["error"] as? String == "io.cadenced.Ledger.InvalidArgument")
    }

    @Test(
        "Ahead of the due day (WarnBeforeSec=) the units that have not handed it in are warned; after downtime only the nearest warning"
    )
    func warnings() throws {
        func ledger(_ start: Date) throws -> InProcessLedger {
            let ledger = try InProcessLedger(
                conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n[Ledger]\nWarnBeforeSec=7d 1d\n",
                files: ["plans.d/district.plan": try districtPlan()], now: start)
            try ledger.manager.store.addUnits(
                [
                    NewUnit(id: "city", name: "示例市卫生局", kind: .cityDirect),
                    NewUnit(id: "county-a", name: "甲县卫生局", kind: .countyBureau, parent: "city"),
                    NewUnit(id: "county-b", name: "乙县卫生局", kind: .countyBureau, parent: "city"),
                ], at: start, actor: nil)
            try ledger.process(at: start)
            return ledger
        }
        let onTime = try ledger(inShanghai("2011-10-01", 9))
        // Due at the end of 2011-10-20: warned at midnight 7 days and 1 day before.
        let week = try onTime.process(at: inShanghai("2011-10-14")).filter { $0.kind == .deliverableDue }
        #expect(week.count == 1)
        #expect(week.first?.subject == "应交事项提醒：区医院 2011—2012 年创先争优活动 实施方案上报 2011-10-20 前上交")
        #expect(week.first?.units == ["county-a", "county-b"])
        #expect(week.first?.body.contains("2 个单位中已交 0 个；尚未上交：甲县卫生局、乙县卫生局。") == true)
        onTime.now = inShanghai("2011-10-15", 9)
        try onTime.call("HandIn", ["plan": "district", "deliverable": "实施方案上报", "unit": "county-a"])
        let day = try onTime.process(at: inShanghai("2011-10-20")).filter { $0.kind == .deliverableDue }
        #expect(day.map(\.units) == [["county-b"]])
        #expect(day.first?.body.contains("2 个单位中已交 1 个；尚未上交：乙县卫生局。") == true)
        #expect(try onTime.process(at: inShanghai("2011-10-20", 12)).filter { $0.kind == .deliverableDue }.isEmpty)
        let entry = try #require(onTime.journal.entries.last { $0["CADENCED_KIND"] == "deliverable-due" })
        #expect(entry["MESSAGE_ID"] == NoticeKind.deliverableDue.messageID)
        #expect(entry["CADENCED_DELIVERABLE"] == "实施方案上报")

        // Down from 10 October to noon of the 20th: one warning, late, the nearest.
        let down = try ledger(inShanghai("2011-10-01", 9))
        let late = try down.process(at: inShanghai("2011-10-20", 12)).filter { $0.kind == .deliverableDue }
        #expect(late.map(\.key) == ["plan/district/实施方案上报/warn-86400"])
        #expect(late.first?.late == true)
    }
}
