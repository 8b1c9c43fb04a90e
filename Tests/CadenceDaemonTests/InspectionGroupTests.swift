import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// Inspection groups (督查组) and their zones (责任区) in a plan (R14): who is in each, the units it
/// covers, and which of them have had a visit in the current period.
@Suite("Inspection groups and their zones")
struct InspectionGroupTests {
    static let plan = """
        [Plan]
        Description=示例市督查安排

        [Group 第一督查组]
        Leader=p-sun
        Members=p-qian 周示例
        Zone=county-a county-b

        [Group 第二督查组]
        Leader=吴示例
        Zone=county-c county-x
        Visits=inspection review
        Every=quarter
        """

    private func ledger() throws -> InProcessLedger {
        let now = inShanghai("2026-08-01", 9)
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n", files: ["plans.d/city.plan": Self.plan], now: now)
        try ledger.process(at: now)
        let store = ledger.manager.store
        try store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生局", kind: .bureau),
                NewUnit(id: "county-a", name: "示例甲县卫生局", kind: .countyBureau, parent: "city"),
                NewUnit(id: "county-b", name: "示例乙县卫生局", kind: .countyBureau, parent: "city"),
                NewUnit(id: "county-c", name: "示例丙县卫生局", kind: .countyBureau, parent: "city"),
            ], at: now, actor: nil)
        try store.addPersons(
            [
                PersonRecord(id: "p-sun", name: "孙示例", unit: "city"),
                PersonRecord(id: "p-qian", name: "钱示例", unit: "city"),
            ], at: now, actor: nil)
        return ledger
    }

    private func shown(_ ledger: InProcessLedger) throws -> [String] {
        let text = try ledger.call("GetPlan", ["plan": "city"])["text"] as? String ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    @Test("plan show names each group's people and the units of its zone not yet visited this period")
    func visitsPerZone() throws {
        let ledger = try ledger()
        // An inspection of 甲县 in the second half-year; a review of 丙县 in the third quarter; a
        // review of 乙县, which its group does not count as a visit.
        for (unit, kind, day) in [
            ("county-a", "inspection", "2026-07-15"), ("county-c", "review", "2026-07-20"),
            ("county-b", "review", "2026-07-21"), ("county-b", "inspection", "2026-05-10"),
        ] {
            try ledger.call("RecordReview", ["unit": unit, "kind": kind, "heldOn": day])
        }
        let lines = try shown(ledger)
        #expect(lines.contains("督查组与责任区："), "\(lines)")
        #expect(
            lines.contains(
                "  第一督查组  组长 孙示例，成员 钱示例、周示例：责任区 2 个单位，2026-H2 已检查 1 个；未检查：示例乙县卫生局"),
            "\(lines)")
        #expect(
            lines.contains("  第二督查组  组长 吴示例：责任区 1 个单位，2026-Q3 已检查或点评 1 个；不在台账中的单位：county-x"),
            "\(lines)")

        // A new half-year: the zone is to be visited again.
        ledger.now = inShanghai("2027-01-04", 9)
        #expect(
            try shown(ledger).contains(
                "  第一督查组  组长 孙示例，成员 钱示例、周示例：责任区 2 个单位，2027-H1 已检查 0 个；未检查：示例甲县卫生局、示例乙县卫生局"))
    }

    @Test(
        "A bad group is refused at its line and the plan with it",
        arguments: [
            ("[Group A]\nLeader=p-sun\n", "plans.d/bad.plan:1: section '[Group A]' needs a 'Zone=' assignment"),
            (
                "[Group A]\nZone=county-a county-b\n[Group B]\nZone=county-c county-a\n",
                "plans.d/bad.plan:4: Zone= 'county-a' is already in the zone of A"
            ),
            (
                "[Group A]\nZone=county-a\nVisits=inspection visit\n",
                "plans.d/bad.plan:3: Visits= 'visit' is not a kind"
            ),
            ("[Group A]\nZone=county-a\nEvery=week\n", "plans.d/bad.plan:3: Every= 'week' is not a period"),
            ("[Group A]\nZone=county-a\nZones=county-b\n", "plans.d/bad.plan:3: unknown key 'Zones'"),
        ])
    func badGroups(text: String, message: String) throws {
        let env = try ManagerEnvironment(cadences: [:], files: ["plans.d/bad.plan": text])
        do {
            _ = try env.manager(now: inShanghai("2026-08-01", 9))
            Issue.record("a bad group was accepted: \(text)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }
}
