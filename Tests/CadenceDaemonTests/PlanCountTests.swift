import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// The city bureau's yearly counts and ranges, shipped in `examples/plans`.
private func cityPlan() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent("examples/plans/city-bureau-2011.plan"), encoding: .utf8)
}

/// An invented city: its bureau at the top, two counties, a city-direct hospital, an urban
/// district and a branch.
private func cityUnits(_ ledger: InProcessLedger, at instant: Date) throws {
    try ledger.manager.store.addUnits(
        [
            NewUnit(id: "city", name: "示例市卫生局", kind: .bureau),
            NewUnit(id: "county-a", name: "甲县卫生局", kind: .countyBureau, parent: "city"),
            NewUnit(id: "county-b", name: "乙县卫生局", kind: .countyBureau, parent: "city"),
            NewUnit(id: "hospital", name: "示例市第一医院", kind: .cityDirect, parent: "city"),
            NewUnit(id: "district", name: "东城区卫生局", kind: .district, parent: "city"),
            NewUnit(id: "branch", name: "医院第一党支部", kind: .branch, parent: "hospital"),
        ], at: instant, actor: nil)
}

private let conf = "[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=zh\n"

@Suite("The campaign plan: yearly quotas (R10) and ranges (R11)")
struct PlanCountTests {
    @Test(
        "Counts read as the office writes them",
        arguments: [
            ("3", 3, nil), ("1-2", 1, 2), ("4–8", 4, 8), ("4～8", 4, 8), ("1至2", 1, 2), ("1-1", 1, 1), ("0", 0, nil),
        ] as [(String, Int, Int?)])
    func bounds(text: String, minimum: Int, maximum: Int?) throws {
        let bounds = try #require(CountBounds(text))
        #expect(bounds.minimum == minimum && bounds.maximum == maximum)
    }

    @Test("What is no count is refused", arguments: ["", "x", "2-1", "0-0", "1-2-3", "-1", "三"])
    func notBounds(text: String) {
        #expect(CountBounds(text) == nil)
    }

    @Test("The shipped city plan reads as the seed documents give its counts")
    func cityPlanReads() throws {
        let ledger = try InProcessLedger(
            conf: conf, files: ["plans.d/city.plan": try cityPlan()], now: inShanghai("2011-01-03", 9))
        let plan = try #require(ledger.manager.configuration.plans.first)
        #expect(plan.counts.map(\.name) == ["岗位练兵技术比武", "树立典型", "支部书记岗位培训", "示范点", "领导干部联系点"])
        let drills = plan.counts[0]
        #expect(drills.kind == .quota && drills.year == 2011)
        #expect(drills.bounds(for: .countyBureau) == CountBounds(minimum: 3))
        #expect(drills.bounds(for: .cityDirect) == CountBounds(minimum: 1))
        #expect(drills.checkDays.map(\.description) == ["2011-10-31", "2011-12-31"])
        #expect(plan.counts[1].bounds(for: .cityDirect) == CountBounds(minimum: 1, maximum: 1))
        let sites = plan.counts[3]
        #expect(sites.kind == .range && sites.bounds(for: .district) == CountBounds(minimum: 1, maximum: 2))
        #expect(plan.counts[4].role == .contactLeader && plan.counts[4].leaders == [.groupLeader, .groupDeputy])
    }

    @Test(
        "A bad quota or range is refused at its line",
        arguments: [
            (
                "[Quota Q]\nYear=2011\nCount=county 3\n",
                "bad.plan:3: Count= 'county 3' is not a kind of unit and a count"
            ),
            ("[Quota Q]\nYear=2011\nCount=county-bureau 3-1\n", "bad.plan:3: Count= 'county-bureau 3-1' is not a kind"),
            ("[Quota Q]\nYear=2011\n", "bad.plan:1: section '[Quota Q]' needs a 'Count=' assignment"),
            ("[Quota Q]\nYear=11x\nCount=branch 3\n", "bad.plan:2: Year= '11x' is not a year"),
            ("[Quota Q]\nCount=branch 3\n", "bad.plan:1: section '[Quota Q]' needs a 'Year=' assignment"),
            (
                "[Quota Q]\nYear=2011\nCount=branch 3\nCheckOn=2012-01-31\n",
                "bad.plan:4: CheckOn= '2012-01-31' is not in the quota's year 2011"
            ),
            ("[Quota Q]\nYear=2011\nCount=branch 3\nCheckOn=soon\n", "bad.plan:4: CheckOn= 'soon' is not a day"),
            (
                "[Quota Q]\nYear=2011\nCount=branch 3\nCount=branch 4\n",
                "bad.plan:4: Count= 'branch 4' sets the count of branch twice"
            ),
            (
                "[Range R]\nCount=district 1-2\nLeaders=group-leader\n",
                "bad.plan:3: Leaders= 'group-leader' goes with Role="
            ),
            (
                "[Range R]\nRole=contact-leader\nCount=district 1-2\n",
                "bad.plan:3: Count= 'district 1-2' is not a count"
            ),
            ("[Range R]\nRole=captain\nCount=1-2\n", "bad.plan:2: Role= 'captain' is not a role"),
            ("[Range R]\nCount=district 1-2\nYear=2011\n", "bad.plan:3: unknown key 'Year' in section '[Range R]'"),
        ])
    func badCounts(text: String, message: String) throws {
        do {
            _ = try InProcessLedger(conf: conf, files: ["plans.d/bad.plan": text], now: inShanghai("2011-01-03"))
            Issue.record("a bad plan was accepted: \(text)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    // Bad input tried: an unknown plan, rule and unit, a role range (counted from the roles), a
    // unit of a kind the quota does not count, a count of 0, a day to come, a day outside the
    // quota's year.
    @Test("Recording counts: what the office types wrong is refused and changes nothing")
    func recordRefusals() throws {
        let ledger = try InProcessLedger(
            conf: conf, files: ["plans.d/city.plan": try cityPlan()], now: inShanghai("2011-03-01", 9))
        try cityUnits(ledger, at: inShanghai("2011-01-01"))
        let base = ["plan": "city", "rule": "岗位练兵技术比武", "unit": "county-a"]
        for (change, says) in [
            (["plan": "nope"], "there is no plan 'nope' (plans: city)"),
            (["rule": "练兵"], "plan city has no quota or range '练兵' (its quotas and ranges: 岗位练兵技术比武, 树立典型"),
            (["rule": "领导干部联系点"], "counts the units where each person holds the role contact-leader"),
            (
                ["unit": "district"],
                "东城区卫生局 (district) is not counted by 岗位练兵技术比武: it counts units of kinds county-bureau, city-direct"
            ),
            (["count": "0"], "0 is not a count from 1 to 10000"),
            (["day": "2011-03-02"], "2011-03-02 is in the future"),
            (["day": "2010-12-31"], "2010-12-31 is outside the quota's year 2011"),
        ] {
            var parameters: [String: Any] = base.merging(change) { _, new in new }
            if let count = parameters["count"] as? String { parameters["count"] = Int(count) }
            let reply = try ledger.reply("RecordCount", parameters)
            let reason = (reply["parameters"] as? [String: Any])?["reason"] as? String ?? "\(reply)"
            #expect(
                reply["error"] as? String == "io.cadenced.Ledger.InvalidArgument" && reason.contains(says), "\(reply)")
        }
        let unknown = try ledger.reply("RecordCount", base.merging(["unit": "county-z"]) { _, new in new })
        #expect(unknown["error"] as? String == "io.cadenced.Ledger.NoSuchUnit")
        #expect(try ledger.manager.store.countRecords(plan: "city", rule: "岗位练兵技术比武").isEmpty, "nothing recorded")
        let recorded = try ledger.call(
            "RecordCount", ["plan": "city", "rule": "支部书记岗位培训", "unit": "branch", "count": 2, "day": "2011-02-20"])
        #expect(recorded["total"] as? Int == 2 && recorded["day"] as? String == "2011-02-20")
    }

    @Test(
        "A year walked: each quota checked at its CheckOn= day and at the year's end, naming the units below or above as the test counts them"
    )
    func quotaYear() throws {
        let ledger = try InProcessLedger(
            conf: conf, files: ["plans.d/city.plan": try cityPlan()], now: inShanghai("2011-01-03", 9))
        try cityUnits(ledger, at: inShanghai("2011-01-01"))
        try ledger.process(at: ledger.now)
        // What each unit records, by rule: (unit, day, count).
        let records: [String: [(String, String, Int)]] = [
            "岗位练兵技术比武": [
                ("county-a", "2011-03-10", 1), ("county-a", "2011-05-12", 1), ("county-a", "2011-09-01", 1),
                ("county-b", "2011-06-01", 1), ("county-b", "2011-11-15", 1), ("county-b", "2011-12-20", 1),
                ("hospital", "2011-04-01", 1),
            ],
            "树立典型": [
                ("county-a", "2011-06-01", 1), ("county-a", "2011-07-01", 1), ("county-a", "2011-08-01", 1),
                ("county-b", "2011-06-01", 1),
            ],
            "支部书记岗位培训": [("branch", "2011-05-01", 2)],
        ]
        let bounds: [String: [String: (Int, Int?)]] = [
            "岗位练兵技术比武": ["county-a": (3, nil), "county-b": (3, nil), "hospital": (1, nil)],
            "树立典型": ["county-a": (1, 2), "county-b": (1, 2), "hospital": (1, 1)],
            "支部书记岗位培训": ["branch": (3, nil)],
        ]
        let names = [
            "county-a": "甲县卫生局", "county-b": "乙县卫生局", "hospital": "示例市第一医院", "branch": "医院第一党支部",
        ]
        /// What the test expects a check on `day` to name: each unit outside its bounds, counting
        /// the records up to that day.
        func expected(_ rule: String, through day: String) -> Set<String> {
            Set(
                bounds[rule]!.compactMap { unit, range in
                    let count = records[rule]!.filter { $0.0 == unit && $0.1 <= day }.map(\.2).reduce(0, +)
                    let inside = count >= range.0 && count <= (range.1 ?? .max)
                    return inside ? nil : "\(names[unit]!) \(count)"
                })
        }
        var checks: [Notice] = []
        var day = LocalDate("2011-01-04")!
        while day <= LocalDate("2012-01-02")! {
            ledger.now = LocalDay.instant(day, secondsOfDay: 10 * 3600, in: shanghaiZone)
            for (rule, list) in records {
                for (unit, on, count) in list where on == day.description {
                    _ = try ledger.call(
                        "RecordCount", ["plan": "city", "rule": rule, "unit": unit, "day": on, "count": count])
                }
            }
            checks += try ledger.process(at: LocalDay.instant(day, secondsOfDay: 0, in: shanghaiZone))
                .filter { $0.kind == .yearlyQuota }
            day = day.adding(days: 1)
        }
        #expect(
            checks.map(\.key) == [
                "plan/city/岗位练兵技术比武/check-2011-10-31", "plan/city/树立典型/check-2011-10-31",
                "plan/city/支部书记岗位培训/check-2011-11-30", "plan/city/岗位练兵技术比武/check-2011-12-31",
                "plan/city/树立典型/check-2011-12-31", "plan/city/支部书记岗位培训/check-2011-12-31",
            ])
        for check in checks {
            let rule = check.fields?["RULE"] ?? ""
            let through = String(check.key.suffix(10))
            let named = Set(
                names.values.compactMap { name in
                    check.body.range(of: name + " [0-9]+", options: .regularExpression).map { String(check.body[$0]) }
                })
            #expect(named == expected(rule, through: through), "\(check.key): \(check.body)")
            #expect(
                Set(check.units ?? [])
                    == Set(named.compactMap { n in names.first { n.hasPrefix($0.value + " ") }?.key }))
            #expect(
                check.dueAt == LocalDay.instant(LocalDate(through)!.adding(days: 1), secondsOfDay: 0, in: shanghaiZone))
        }
        let october = try #require(checks.first)
        #expect(october.subject == "年度数量检查：市卫生系统 2011 年创先争优活动年度数量 岗位练兵技术比武（2011 年，截至 2011-10-31）")
        #expect(october.body.contains("应达到：县局 至少 3；市直单位 至少 1"), "\(october.body)")
        #expect(october.body.contains("所查 3 个单位中，低于要求 1 个单位：乙县卫生局 1（应为至少 3）"), "\(october.body)")
        let exemplars = try #require(checks.first { $0.key == "plan/city/树立典型/check-2011-12-31" })
        #expect(exemplars.body.contains("超出上限 1 个单位：甲县卫生局 3（应为1–2）"), "\(exemplars.body)")
        let entry = try #require(ledger.journal.entries.first { $0["CADENCED_NOTICE_KEY"] == october.key })
        #expect(entry["MESSAGE_ID"] == NoticeKind.yearlyQuota.messageID && entry["PRIORITY"] == "4")
        #expect(try ledger.process(at: inShanghai("2012-01-03")).filter { $0.kind == .yearlyQuota }.isEmpty, "once")
        let shown = try ledger.call("GetPlan", ["plan": "city"])["text"] as? String ?? ""
        #expect(shown.contains("年度数量：\n  岗位练兵技术比武  县局 至少 3；市直单位 至少 1（2011 年）：所查 3 个单位均在要求之内。"), "\(shown)")
    }

    @Test(
        "A range left is warned of when the data changes, once per count, and summed up at its CheckOn= day; a leader's contact points come from the roles"
    )
    func ranges() throws {
        let ledger = try InProcessLedger(
            conf: conf, files: ["plans.d/city.plan": try cityPlan()], now: inShanghai("2011-01-03", 9))
        try cityUnits(ledger, at: inShanghai("2011-01-01"))
        let store = ledger.manager.store
        try store.addPersons(
            [
                PersonRecord(id: "zhang", name: "张示例", unit: "city"),
                PersonRecord(id: "li", name: "李示例", unit: "city"),
            ], at: ledger.now, actor: nil)
        try store.assignRole(unit: "city", role: .groupLeader, person: "zhang", at: ledger.now, actor: nil)
        try store.assignRole(unit: "city", role: .groupDeputy, person: "li", at: ledger.now, actor: nil)
        for unit in ["county-a", "county-b", "hospital"] {
            try store.assignRole(unit: unit, role: .contactLeader, person: "zhang", at: ledger.now, actor: nil)
        }
        func sites(_ unit: String, _ count: Int) throws {
            _ = try ledger.call("RecordCount", ["plan": "city", "rule": "示范点", "unit": unit, "count": count])
        }
        try sites("county-a", 5)
        try sites("county-b", 9)
        try sites("hospital", 4)
        try sites("district", 1)
        let first = try ledger.process(at: ledger.now).filter { $0.kind == .rangeCheck }
        #expect(
            Set(first.map(\.key)) == [
                "plan/city/示范点/county-b/9", "plan/city/领导干部联系点/zhang/3", "plan/city/领导干部联系点/li/0",
            ])
        let county = try #require(first.first { $0.key == "plan/city/示范点/county-b/9" })
        #expect(county.subject == "数量范围提醒：市卫生系统 2011 年创先争优活动年度数量 示范点 乙县卫生局")
        #expect(county.body.contains("（应为：县局 4–8；市直单位 4–8；城区 1–2）：乙县卫生局 9（应为4–8）"), "\(county.body)")
        #expect(county.units == ["county-b"])
        #expect(first.first { $0.key.hasSuffix("zhang/3") }?.units == ["city"], "a person's own unit is told")
        #expect(try ledger.process(at: ledger.now).filter { $0.kind == .rangeCheck }.isEmpty, "once per count")

        // A change: county-a gets four more sites (9), the district a second (2, still inside).
        ledger.now = inShanghai("2011-03-01", 9)
        try sites("county-a", 4)
        try sites("district", 1)
        let second = try ledger.process(at: ledger.now).filter { $0.kind == .rangeCheck }
        #expect(second.map(\.key) == ["plan/city/示范点/county-a/9"])

        // The check of 30 June names every unit and person outside, as they stand then.
        try store.endRole(
            unit: "hospital", role: .contactLeader, person: "zhang", at: inShanghai("2011-06-01"), actor: nil)
        let june = try ledger.process(at: inShanghai("2011-07-01", 1)).filter { $0.kind == .rangeCheck }
        let summary = try #require(june.first { $0.key == "plan/city/示范点/check-2011-06-30" })
        #expect(summary.body.contains("所查 4 个单位中，超出上限 2 个单位：甲县卫生局 9（应为4–8）、乙县卫生局 9（应为4–8）"), "\(summary.body)")
        let leaders = try #require(june.first { $0.key == "plan/city/领导干部联系点/check-2011-06-30" })
        #expect(leaders.body.contains("所查 2 人中，低于要求 1 人：李示例 0（应为1–2）"), "\(leaders.body)")
        #expect(!leaders.body.contains("张示例"), "zhang has two contact points since 1 June")
    }
}
