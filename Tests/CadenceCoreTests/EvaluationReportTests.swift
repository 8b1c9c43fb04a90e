import CadenceCore
import Foundation
import Testing

private let shanghai = TimeZone(identifier: "Asia/Shanghai")!

private func at(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let time = parts[1].split(separator: ":").map { Int($0)! }
    return Date(
        timeIntervalSince1970: TimeInterval(
            LocalDate(parts[0])!.dayNumber * 86_400 + time[0] * 3600 + time[1] * 60 - 8 * 3600))
}

/// A unit with the given counts; the rest zero.
private func unit(
    _ id: String, parent: String? = "city", removed: Date? = nil, made: Int = 0, fulfilled: Int = 0,
    held: Int = 0, due: Int = 0, months: [QuotaState] = [], quota: Int = 0, items: ItemCounts = ItemCounts(),
    name: String? = nil
) -> UnitFigures {
    UnitFigures(
        id: id, name: name ?? "Unit \(id)", kind: "city-direct", parent: parent, removedAt: removed,
        monthlyQuota: quota,
        commitments: CommitmentCounts(made: made, fulfilled: fulfilled),
        duties: [DutyCounts(kind: .review, due: due, held: held)],
        months: months.enumerated().map { index, state in
            MonthQuota(
                month: PeriodKey(rawValue: "2026-\(index < 9 ? "0" : "")\(index + 1)"),
                submitted: state == .met ? quota : max(0, quota - 1), required: quota, state: state)
        }, items: items)
}

private func figures(
    _ units: [UnitFigures], variant: EvaluationVariant = .yearEnd, asOf: String = "2026-12-18 09:00",
    items: [ListedItem] = [], burndown: [BurndownPoint] = []
) -> EvaluationFigures {
    let window = EvaluationWindow(year: 2026, variant: variant, zone: shanghai, at: at(asOf))!
    return EvaluationFigures(
        window: window, scope: nil, units: units, burndown: burndown, items: items, bySource: [:])
}

@Suite("Evaluation reports")
struct EvaluationReportTests {
    @Test("The window: January to the next January (or July), its months, its instant capped at its end")
    func window() throws {
        let year = try #require(
            EvaluationWindow(year: 2026, variant: .yearEnd, zone: shanghai, at: at("2027-03-01 10:00")))
        #expect(year.start == at("2026-01-01 00:00"))
        #expect(year.end == at("2027-01-01 00:00"))
        #expect(year.asOf == year.end)
        #expect(year.months.map(\.key.rawValue).first == "2026-01" && year.months.count == 12)
        #expect(year.samples.count == 13)
        let mid = try #require(
            EvaluationWindow(year: 2026, variant: .midYear, zone: shanghai, at: at("2026-05-15 12:00")))
        #expect(mid.end == at("2026-07-01 00:00"))
        #expect(
            mid.samples == [
                at("2026-01-01 00:00"), at("2026-02-01 00:00"), at("2026-03-01 00:00"),
                at("2026-04-01 00:00"), at("2026-05-01 00:00"), at("2026-05-15 12:00"),
            ])
        #expect(mid.contains(PeriodKey(rawValue: "2026-Q2")) && mid.contains(PeriodKey(rawValue: "2026-H1")))
        #expect(!mid.contains(PeriodKey(rawValue: "2026-Q3")) && !mid.contains(PeriodKey(rawValue: "2026")))
        #expect(year.contains(PeriodKey(rawValue: "2026")) && !year.contains(PeriodKey(rawValue: "2025-Q4")))
        #expect(EvaluationWindow(year: 2027, variant: .yearEnd, zone: shanghai, at: at("2026-12-31 23:59")) == nil)
        #expect(EvaluationWindow(year: 1999, variant: .yearEnd, zone: shanghai, at: at("2026-12-31 23:59")) == nil)
    }

    @Test("The score weighs the components present; ties go to fewer overdue items, then to the id")
    func ranking() throws {
        // b: all components perfect → 100. a and c tie at 50 on commitments only; c has fewer overdue.
        let a = unit("a", made: 2, fulfilled: 1, items: ItemCounts(overdue: 0))
        let c = unit("c", made: 4, fulfilled: 2)
        let b = unit(
            "b", made: 1, fulfilled: 1, held: 2, due: 2, months: [.met, .met], quota: 2,
            items: ItemCounts(closedOnTime: 3))
        // d: commitments 0/1 (30), duties 1/2 (25), rectification 1/(2+2) (30): (0 + 12.5 + 7.5) / 85 × 100.
        let d = unit("d", made: 1, held: 1, due: 2, items: ItemCounts(closedOnTime: 1, closedLate: 1, overdue: 2))
        let e = unit("e", made: 2, fulfilled: 1, items: ItemCounts(open: 1, overdue: 1))
        let root = unit("city", parent: nil, made: 1, fulfilled: 1)
        let gone = unit("gone", removed: at("2026-09-01 00:00"), made: 1, fulfilled: 1)
        let idle = unit("idle")
        let assessment = EvaluationAssessment(figures([idle, gone, e, d, c, b, a, root]))
        #expect(assessment.lines.map(\.unit.id) == ["b", "a", "c", "e", "d", "city", "gone", "idle"])
        #expect(assessment.lines.map(\.rank) == [1, 2, 3, 4, 5, nil, nil, nil])
        #expect(assessment.lines[0].score == 100)
        let dScore = try #require(assessment.lines[4].score)
        #expect(abs(dScore - 100 * (30 * 0 + 25 * 0.5 + 30 * 0.25) / 85) < 1e-9)
        #expect(assessment.lines[4].scoreTenths == 235)
        #expect(assessment.lines[5].score == 100, "the top of the tree has a score but no rank")
        #expect(assessment.lines[7].score == nil)

        // A ledger checkpoint ranks nobody and keeps the id order.
        let checkpoint = EvaluationAssessment(figures([idle, b, a], variant: .ledgerCallIn))
        #expect(checkpoint.lines.map(\.unit.id) == ["idle", "b", "a"])
        #expect(checkpoint.lines.allSatisfy { $0.rank == nil })
    }

    @Test("A unit with an item at accountability ranks after every unit without one, whatever its score")
    func accountabilityRanksLast() throws {
        // top: perfect but one item reached accountability; mid and low have none.
        let top = unit("top", made: 2, fulfilled: 2, items: ItemCounts(closedOnTime: 4, accountability: 1))
        let worse = unit(
            "worse", made: 2, fulfilled: 1, items: ItemCounts(closedOnTime: 1, overdue: 2, accountability: 2))
        let mid = unit("mid", made: 4, fulfilled: 3)
        let low = unit("low", made: 4, fulfilled: 1)
        let assessment = EvaluationAssessment(figures([low, top, worse, mid]))
        #expect(assessment.lines.map(\.unit.id) == ["mid", "low", "top", "worse"])
        #expect(assessment.lines.map(\.rank) == [1, 2, 3, 4])
        #expect(assessment.lines[2].score == 100)
        #expect(EvaluationText(language: .zh).rankingRule.contains("有事项进入责任追究的单位，无论得分"))
        #expect(EvaluationText(language: .en).rankingRule.contains("reached accountability ranks after"))
        // Shown: the unit table has the accountability column.
        let page = EvaluationReport(figures([low, top, worse, mid]), language: .zh, mask: false, generator: "test")
            .render(.html)
        #expect(page.contains("<th>问责</th>"))
        let row = try #require(page.components(separatedBy: "data-unit=\"worse\"").dropFirst().first)
        #expect(
            row.prefix { $0 != "\n" }.hasSuffix("<td>2</td><td>0</td><td>0</td><td>2</td></tr>"),
            "overdue … accountability: \(row.prefix(300))")
    }

    @Test("The rates of R12: computable ones from the counts, the others marked as not recorded")
    func rates() {
        var f = figures([
            unit(
                "a", made: 4, fulfilled: 3, items: ItemCounts(carriedOver: 1, opened: 3, closedOnTime: 2, closedLate: 1)
            )
        ])
        f.bySource = [
            "petition": SourceCounts(onLedger: 2, closed: 2), "hazard-sweep": SourceCounts(onLedger: 4, closed: 1),
        ]
        let rates = Dictionary(uniqueKeysWithValues: EvaluationAssessment(f).rates.map { ($0.key, $0) })
        #expect(rates["fulfilment"]?.ratio == Ratio(3, of: 4))
        #expect(rates["fulfilment"]?.meetsTarget == false)
        #expect(rates["petition-closure"]?.meetsTarget == true)
        #expect(rates["hazard-rectification"]?.ratio?.percentText == "25.0%")
        #expect(rates["rectification"]?.ratio == Ratio(3, of: 4))
        #expect(rates["on-time-closure"]?.ratio == Ratio(2, of: 3))
        for key in ["satisfaction", "complaint-reply", "member-appraisal-coverage"] {
            #expect(rates[key]?.ratio == nil && rates[key]?.meetsTarget == nil, "\(key)")
        }
        #expect(rates["satisfaction"]?.strictTarget == true && rates["satisfaction"]?.target == 0.95)
        #expect(rates["complaint-closure"]?.ratio?.value == nil, "nothing to judge")
    }

    @Test("Charts: a heat-map cell per unit with a quota and month, a burn-down bar per sample")
    func charts() {
        let units = [
            unit("a", quota: 2, name: "示例甲县卫生局"),
            unit("b", quota: 4), unit("c", quota: 0),
        ].map { u -> UnitFigures in
            var u = u
            u.months = (1...12).map { m in
                MonthQuota(
                    month: PeriodKey(rawValue: "2026-\(m < 10 ? "0" : "")\(m)"), submitted: 1, required: u.monthlyQuota,
                    state: u.monthlyQuota == 0 ? .notRequired : m == 12 ? .pending : m % 3 == 0 ? .short : .met)
            }
            return u
        }
        let points = (0..<13).map {
            BurndownPoint(at: at("2026-01-01 00:00").addingTimeInterval(Double($0) * 86_400), open: $0 * 3, overdue: $0)
        }
        let html = EvaluationReport(figures(units, burndown: points), language: .zh).render(.html)
        func count(_ needle: String) -> Int { html.components(separatedBy: needle).count - 1 }
        #expect(count("class=\"cell\"") == 24)
        #expect(count("data-state=\"short\"") == 6)
        #expect(count("data-state=\"pending\"") == 2)
        #expect(count("class=\"bar\"") == 13)
        #expect(count("class=\"unit-row") == 3)
        #expect(html.contains("示例甲县卫生局"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
        #expect(html.contains("@page { size: A4"))
        let mid = EvaluationReport(figures(units, variant: .midYear, asOf: "2026-05-02 10:00"), language: .en).render(
            .html)
        #expect(mid.components(separatedBy: "class=\"cell\"").count - 1 == 12, "the window's six months")
        #expect(mid.contains("Mid-year evaluation 2026"))
    }

    @Test("Names cannot inject markup, break a Markdown table or run as a spreadsheet formula")
    func hostileNames() throws {
        let bad = unit("x", made: 1, name: "<script>alert(1)</script> | =cmd\nrow")
        let item = ListedItem(
            id: 7, unit: "x", title: "<img src=x onerror=alert(1)>", source: "complaint", state: "open",
            deadline: at("2026-11-01 00:00"), originalDeadline: nil, overdue: true, level: .talk,
            responsible: [ResponsiblePerson(role: "first", given: "@first", person: "<b>Boss</b>")])
        let report = EvaluationReport(figures([bad], items: [item]), language: .en)
        let html = report.render(.html)
        #expect(!html.contains("<script>alert") && !html.contains("<img") && !html.contains("<b>Boss"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let markdown = report.render(.md)
        let row = try #require(markdown.split(separator: "\n").first { $0.contains("=cmd") })
        #expect(row.contains("\\| =cmd row"))
        let csv = try CSV.table(CSV.parse(report.render(.csv)))
        #expect(csv.rows[0].fields[2].hasPrefix("'<script>") || csv.rows[0].fields[2].hasPrefix("<script>"))
        let weird = unit("=HYPERLINK(1)", made: 1)
        let formula = try CSV.parse(EvaluationReport(figures([weird]), language: .en).render(.csv))
        #expect(formula[1].fields[1] == "'=HYPERLINK(1)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any])
        let units = try #require(json["units"] as? [[String: Any]])
        #expect(units[0]["name"] as? String == "<script>alert(1)</script> | =cmd\nrow")
    }

    @Test("Masking replaces every person with a code, the same person with the same code (R30)")
    func masking() throws {
        func listed(_ id: Int64, _ first: String?, _ direct: String) -> ListedItem {
            ListedItem(
                id: id, unit: "a", title: "Item \(id)", source: "inspection", state: "open",
                deadline: at("2026-10-0\(id) 00:00"), originalDeadline: nil, overdue: true, level: nil,
                responsible: [
                    ResponsiblePerson(role: "first", given: "@first", person: first),
                    ResponsiblePerson(role: "direct", given: direct, person: direct),
                ])
        }
        let items = [listed(1, "张示例", "李示例"), listed(2, "张示例", "王示例"), listed(3, nil, "李示例")]
        let masked = EvaluationReport(figures([unit("a")], items: items), language: .zh, mask: true)
        for format in EvaluationFormat.allCases {
            let text = masked.render(format)
            for name in ["张示例", "李示例", "王示例"] { #expect(!text.contains(name), "\(format): \(name)") }
        }
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(masked.render(.json).utf8)) as? [String: Any])
        let rows = try #require(json["items"] as? [[String: Any]])
        #expect(rows.map { $0["first"] as? String } == ["P1", "P1", "@first（空缺）"])
        #expect(rows.map { $0["direct"] as? String } == ["P2", "P3", "P2"])
        #expect(json["masked"] as? Bool == true)
        let plain = EvaluationReport(figures([unit("a")], items: items), language: .zh).render(.md)
        #expect(plain.contains("张示例") && plain.contains("王示例"))
    }

    @Test("Deadlines due at 24:00 show as their day; Markdown and JSON carry the ranking rule")
    func textDetails() throws {
        let item = ListedItem(
            id: 1, unit: "a", title: "t", source: "petition", state: "deferred", deadline: at("2026-11-16 00:00"),
            originalDeadline: at("2026-10-17 00:00"), overdue: true, level: .circular,
            responsible: [], closedLater: nil)
        let report = EvaluationReport(figures([unit("a")], items: [item]), language: .zh)
        let markdown = report.render(.md)
        #expect(markdown.contains("| 2026-11-15 |"))
        #expect(markdown.contains("| 32 |"), "32 whole days overdue on 2026-12-18 09:00")
        #expect(markdown.contains("排名规则"))
        #expect(markdown.contains("| 信访 |") && markdown.contains("| 通报 |") && markdown.contains("| 延期 |"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any])
        #expect((json["rankingRule"] as? String)?.contains("权重 30") == true)
        #expect(
            (json["weights"] as? [String: Int]) == [
                "commitments": 30, "duties": 25, "quota": 15, "rectification": 30, "plan": 15,
            ])
    }

    @Test("Report= in a cadence file; the defaults by kind and period")
    func reportKey() throws {
        func parse(_ body: String) throws(ConfigurationError) -> Cadence {
            try Cadence.parse(
                name: "c",
                source: IniSource(fileName: "c.cadence", text: "[Cadence]\nOnCalendar=*-12-20 09:00\n" + body),
                reference: at("2026-01-01 00:00"), zone: shanghai, zones: .foundation)
        }
        let yearly = try parse("Kind=evaluation\nPeriod=year")
        #expect(yearly.reportVariants(for: PeriodKey(rawValue: "2026"))?.variants == [.yearEnd])
        #expect(yearly.reportVariants(for: PeriodKey(rawValue: "2026"))?.year == 2026)
        let half = try parse("Kind=evaluation\nPeriod=half-year")
        #expect(half.reportVariants(for: PeriodKey(rawValue: "2026-H1"))?.variants == [.midYear])
        #expect(half.reportVariants(for: PeriodKey(rawValue: "2026-H2"))?.variants == [.yearEnd])
        #expect(try parse("Kind=reminder\nPeriod=year").reportVariants(for: PeriodKey(rawValue: "2026")) == nil)
        let check = try parse("Kind=reminder\nPeriod=half-year\nReport=ledger-check mid-year")
        #expect(check.reportVariants(for: PeriodKey(rawValue: "2026-H1"))?.variants == [.ledgerCheck, .midYear])
        #expect(
            try parse("Kind=evaluation\nPeriod=year\nReport=none").reportVariants(for: PeriodKey(rawValue: "2026"))
                == nil)
        #expect(throws: ConfigurationError.self) { try parse("Kind=evaluation\nReport=weekly") }
        do {
            _ = try parse("Kind=evaluation\nReport=year-end weekly")
        } catch {
            #expect("\(error)".contains("c.cadence:4") && "\(error)".contains("'weekly'"), "\(error)")
        }
    }

    @Test("Report files sit in the notice tree under safe, fixed names")
    func fileNames() {
        let path = EvaluationFileName.relativePath(
            cadence: "year-end-evaluation", period: PeriodKey(rawValue: "2026"), variant: .yearEnd,
            at: at("2026-12-18 09:00"), zone: shanghai, masked: true, format: .html)
        #expect(path.hasPrefix("2026/12/18/090000-evaluation-year-end-2026-"))
        #expect(path.hasSuffix("-masked.html"))
        #expect(
            path
                == EvaluationFileName.relativePath(
                    cadence: "year-end-evaluation", period: PeriodKey(rawValue: "2026"), variant: .yearEnd,
                    at: at("2026-12-18 09:00"), zone: shanghai, masked: true, format: .html))
        #expect(path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/-.".contains($0)) })
    }
}
