import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Testing

private func example(_ name: String) throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent("examples/plans/\(name).plan"), encoding: .utf8)
}

/// A 2011 of an invented city under two shipped plans: the district hospital's (a deliverable due
/// on 2011-10-20, owed by every unit) and the city bureau's counts.
private struct PlanYear {
    let ledger: InProcessLedger
    /// What each unit did: the day it handed the plan in (nil: never), and its records by rule.
    static let handedOn: [String: String?] = [
        "county-a": "2011-10-19", "county-b": "2011-10-25", "hospital": nil, "district": "2011-10-20",
    ]
    static let records: [String: [String: Int]] = [
        "岗位练兵技术比武": ["county-a": 3, "county-b": 1, "hospital": 1],
        "树立典型": ["county-a": 1, "county-b": 1, "hospital": 1],
        "示范点": ["county-a": 5, "county-b": 5, "hospital": 4, "district": 3],
    ]
    /// The bounds of the city plan by rule and kind, as the test reads the seed documents.
    static let bounds: [String: [String: ClosedRange<Int>]] = [
        "岗位练兵技术比武": ["county-bureau": 3...Int.max, "city-direct": 1...Int.max],
        "树立典型": ["county-bureau": 1...2, "city-direct": 1...1],
        "示范点": ["county-bureau": 4...8, "city-direct": 4...8, "district": 1...2],
    ]
    static let kinds = [
        "county-a": "county-bureau", "county-b": "county-bureau", "hospital": "city-direct", "district": "district",
    ]

    init() throws {
        ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n",
            files: [
                "plans.d/city.plan": try example("city-bureau-2011"),
                "plans.d/district.plan": try example("district-hospital-2011"),
            ],
            now: inShanghai("2011-01-03", 9))
        let store = ledger.manager.store
        try store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生局", kind: .bureau),
                NewUnit(id: "county-a", name: "甲县卫生局", kind: .countyBureau, parent: "city"),
                NewUnit(id: "county-b", name: "乙县卫生局", kind: .countyBureau, parent: "city"),
                NewUnit(id: "hospital", name: "示例市第一医院", kind: .cityDirect, parent: "city"),
                NewUnit(id: "district", name: "东城区卫生局", kind: .district, parent: "city"),
            ], at: inShanghai("2011-01-01"), actor: nil)
        try store.addPersons(
            [PersonRecord(id: "zhang", name: "张示例", unit: "city"), PersonRecord(id: "li", name: "李示例", unit: "city")],
            at: ledger.now, actor: nil)
        try store.assignRole(unit: "city", role: .groupLeader, person: "zhang", at: ledger.now, actor: nil)
        try store.assignRole(unit: "city", role: .groupDeputy, person: "li", at: ledger.now, actor: nil)
        for unit in ["county-a", "county-b"] {
            try store.assignRole(unit: unit, role: .contactLeader, person: "zhang", at: ledger.now, actor: nil)
        }
        try ledger.process(at: ledger.now)
        for (rule, units) in Self.records {
            for (unit, count) in units {
                _ = try store.recordCount(
                    CountRecord(plan: "city", rule: rule, unit: unit, day: LocalDate("2011-06-01")!, count: count),
                    at: inShanghai("2011-06-01", 9), actor: nil)
            }
        }
        for (unit, day) in Self.handedOn {
            guard let day else { continue }
            _ = try store.recordHandIn(
                HandIn(plan: "district", deliverable: "实施方案上报", unit: unit, handedOn: LocalDate(day)!),
                at: inShanghai(day, 9), actor: nil)
        }
    }

    func report(at instant: Date, mask: Bool = false) throws -> EvaluationReport {
        try EvaluationMaker(store: ledger.manager.store, configuration: ledger.manager.configuration).report(
            year: 2011, variant: .yearEnd, unit: nil, at: instant, language: .zh, mask: mask)
    }

    /// The plan tasks the test expects of `unit` at the year's end: the deliverable (met when
    /// handed in by 2011-10-20), each yearly count and each range of its kind (met when within).
    static func tasks(_ unit: String) -> (met: Int, due: Int) {
        var met = handedOn[unit]!.map { $0 <= "2011-10-20" ? 1 : 0 } ?? 0
        var due = 1
        for (rule, byKind) in bounds {
            guard let range = byKind[kinds[unit]!] else { continue }
            due += 1
            if range.contains(records[rule]?[unit] ?? 0) { met += 1 }
        }
        return (met, due)
    }
}

@Suite("The campaign plans in the evaluation")
struct EvaluationPlanTests {
    @Test(
        "The year's final result shows each plan's deliverables and counts, and each unit's plan tasks enter its score as the test counts them"
    )
    func finalResult() throws {
        let year = try PlanYear()
        let report = try year.report(at: inShanghai("2012-01-05", 9))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any])
        let plans = try #require(json["plans"] as? [[String: Any]])
        #expect(plans.map { $0["name"] as? String } == ["city", "district"])
        let deliverable = try #require((plans[1]["deliverables"] as? [[String: Any]])?.first)
        let onTime = PlanYear.handedOn.values.filter { $0.map { $0 <= "2011-10-20" } ?? false }.count
        #expect(deliverable["onTime"] as? Int == onTime && (deliverable["owing"] as? [Any])?.count == 4)
        let counts = try #require(plans[0]["counts"] as? [[String: Any]])
        for (rule, byKind) in PlanYear.bounds {
            let outside = PlanYear.kinds.keys.filter { unit in
                byKind[PlanYear.kinds[unit]!].map { !$0.contains(PlanYear.records[rule]?[unit] ?? 0) } ?? false
            }
            let shown = counts.first { $0["name"] as? String == rule }?["outside"] as? [[String: Any]]
            #expect(Set(shown?.compactMap { $0["unit"] as? String } ?? []) == Set(outside), "\(rule)")
        }
        let leaders = counts.first { $0["name"] as? String == "领导干部联系点" }?["outside"] as? [[String: Any]]
        #expect(leaders?.map { $0["person"] as? String } == ["li"], "the deputy has no contact point")
        for unit in try #require(json["units"] as? [[String: Any]]) {
            guard let id = unit["id"] as? String, id != "city" else { continue }
            let tasks = unit["planTasks"] as? [String: Int]
            let want = PlanYear.tasks(id)
            #expect(tasks == ["met": want.met, "due": want.due], "\(id)")
            let plan = (unit["components"] as? [String: Any])?["plan"] as? [String: Any]
            #expect(plan?["part"] as? Int == want.met && plan?["whole"] as? Int == want.due, "\(id)")
        }
        #expect((json["rankingRule"] as? String)?.contains("活动计划（按期上交的应交事项") == true)

        let markdown = report.render(.md)
        #expect(markdown.contains("## 活动计划"))
        #expect(markdown.contains("| 实施方案上报 | 2011-10-20 (2011-10-20) | \(onTime)/4 | 未按期上交：乙县卫生局、示例市第一医院 |"))
        #expect(markdown.contains("东城区卫生局 3（应为1–2）"))
        // Unit by unit, each count of units: as the test reads the records against the bounds.
        let rules = ["岗位练兵技术比武", "树立典型", "示范点"]
        let names = ["county-a": "甲县卫生局", "county-b": "乙县卫生局", "hospital": "示例市第一医院", "district": "东城区卫生局"]
        for (unit, name) in names {
            let cells = rules.map { rule -> String in
                guard let range = PlanYear.bounds[rule]![PlanYear.kinds[unit]!] else { return "—" }
                let count = PlanYear.records[rule]?[unit] ?? 0
                return "\(count)" + (range.contains(count) ? "" : " ✗")
            }
            #expect(markdown.contains("| \(name) | " + cells.joined(separator: " | ") + " |"), "\(name)")
            let values = counts.first { $0["name"] as? String == "示范点" }?["values"] as? [String: Int]
            #expect(values?[unit] == PlanYear.records["示范点"]?[unit])
        }
        let csv = report.render(.csv)
        let header = csv.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        #expect(header.hasSuffix("活动计划 按期完成,活动计划 应完成"), "\(header)")
    }

    @Test("Before the year ends a quota is shown as it stands, not scored; a deliverable not due yet is not judged")
    func preliminary() throws {
        let year = try PlanYear()
        let june = try year.report(at: inShanghai("2011-06-15", 9))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(june.render(.json).utf8)) as? [String: Any])
        let plans = try #require(json["plans"] as? [[String: Any]])
        let deliverable = try #require((plans[1]["deliverables"] as? [[String: Any]])?.first)
        #expect(deliverable["judged"] as? Bool == false)
        let drills = (plans[0]["counts"] as? [[String: Any]])?.first { $0["name"] as? String == "岗位练兵技术比武" }
        #expect(drills?["judged"] as? Bool == false)
        for unit in try #require(json["units"] as? [[String: Any]]) {
            guard let id = unit["id"] as? String, id != "city" else { continue }
            // Only the range of demonstration sites is judged in June.
            let range = PlanYear.bounds["示范点"]![PlanYear.kinds[id]!]!
            let within = range.contains(PlanYear.records["示范点"]?[id] ?? 0)
            #expect(unit["planTasks"] as? [String: Int] == ["met": within ? 1 : 0, "due": 1], "\(id)")
        }
        #expect(june.render(.md).contains("截至统计时点（年末检查前）：所查 3 个单位中，低于要求 1 个单位：乙县卫生局 1（应为至少 3）"))
    }

    @Test(
        "Chromium shows the plans section: phases, the deliverable with who was late, the counts with who is outside; a masked page names no person",
        .enabled(
            if: Chromium.installed != nil,
            "Chromium is not installed (Debian: apt-get install chromium; scripts/deps installs it)"))
    func pageInChromium() throws {
        let chromium = try #require(Chromium.installed)
        let year = try PlanYear()
        for mask in [false, true] {
            let report = try year.report(at: inShanghai("2012-01-05", 9), mask: mask)
            let page = year.ledger.root + "/evaluation-\(mask).html"
            try Data(report.render(.html).utf8).write(to: URL(fileURLWithPath: page))
            let dom = try chromium.dom(page)
            #expect(dom.contains("<section id=\"plans\">") && dom.contains("<h2>活动计划</h2>"))
            #expect(count("data-phase=", in: dom) == 2, "设岗定诺 and 集中争创 fall in 2011")
            #expect(
                dom.contains("data-deliverable=\"实施方案上报\" data-on-time=\"2\" data-owing=\"4\" data-judged=\"true\""))
            #expect(dom.contains("未按期上交：乙县卫生局、示例市第一医院"))
            #expect(dom.contains("data-rule=\"示范点\" data-outside=\"1\" data-judged=\"true\""))
            #expect(dom.contains("data-rule=\"岗位练兵技术比武\" data-outside=\"1\""))
            #expect(dom.contains("<th>活动计划 按期完成/应完成</th>"))
            #expect(count("class=\"plan-unit\"", in: dom) == 4, "the units counted by a quota or range")
            #expect(count("data-outside=\"true\"", in: dom) == 2, "乙县 short of drills, 东城区 above its sites")
            #expect(dom.contains("活动计划（按期上交的应交事项"), "the ranking rule says how plans count")
            #expect(dom.contains("李示例") == !mask, "mask \(mask)")
            if mask { #expect(dom.contains("某人 0（应为1–2）")) }
            #expect(dom.contains("没有应计数的单位。"), "no branch is counted for the training days")
        }
    }
}
