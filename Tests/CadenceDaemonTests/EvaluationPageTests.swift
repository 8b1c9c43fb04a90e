import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Testing

/// The evaluation page as a person sees it: rendered by headless Chromium from the sample year,
/// its tables, heat-map cells and burn-down bars counted in the DOM, a screenshot taken, and the
/// print stylesheet's A4 pages checked in the PDF.
@Suite("The evaluation page in a browser")
struct EvaluationPageTests {
    @Test(
        "Chromium shows the ranking, every heat-map cell and burn-down bar, the overdue items; the page prints on A4",
        .enabled(
            if: Chromium.installed != nil,
            "Chromium is not installed (Debian: apt-get install chromium; scripts/deps installs it)"))
    func pageInChromium() throws {
        let chromium = try #require(Chromium.installed)
        let year = try EvaluationSampleYear()
        let t = year.evaluationAt
        let expected = EvaluationExpected(year, at: t)
        let maker = EvaluationMaker(store: year.store, configuration: year.configuration)
        let report = try maker.report(year: 2026, variant: .yearEnd, unit: nil, at: t, language: .zh, mask: false)
        let html = report.render(.html)
        let page = year.root + "/evaluation.html"
        try Data(html.utf8).write(to: URL(fileURLWithPath: page))

        // Self-contained: nothing is fetched, nothing runs.
        for forbidden in ["<script", "src=", "href=", "@import", "url(", "<link"] {
            #expect(!html.contains(forbidden), "the page contains \(forbidden)")
        }

        let dom = try chromium.dom(page)
        // Taken before the year ends: it says it is preliminary, in its title and under it.
        #expect(t < LocalDay.instant(LocalDate("2027-01-01")!, secondsOfDay: 0, in: year.configuration.timeZone))
        #expect(dom.contains("<title>2026 年度总评（一年一总评）·初步结果</title>"))
        #expect(dom.contains("data-standing=\"preliminary\">初步结果：统计时点早于统计区间结束"))
        #expect(dom.contains("排名规则"))
        #expect(dom.contains("得分 = 100 × Σ(权重 × 比率) ÷ Σ权重"))
        // The ranking table: one row per unit, in the expected order.
        #expect(count("class=\"unit-row", in: dom) == expected.units.count)
        let order = dom.components(separatedBy: "class=\"unit-row").dropFirst().map {
            String($0.components(separatedBy: "data-unit=\"")[1].prefix { $0 != "\"" })
        }
        #expect(order == expected.ranking.map(\.unit))
        #expect(dom.contains("data-unit=\"\(expected.ranking[0].unit)\" data-rank=\"1\""))
        // The heat map: a cell per unit with a quota and month, in its state.
        let quotaUnits = expected.units.filter { unit in unit.months.contains { $0.required > 0 } }
        #expect(count("class=\"cell\"", in: dom) == quotaUnits.count * 12)
        for state in [QuotaState.met, .short, .pending, .notRequired] {
            let want = quotaUnits.reduce(0) { $0 + $1.months.filter { $0.state == state }.count }
            #expect(count("data-state=\"\(state.rawValue)\"", in: dom) == want, "\(state)")
        }
        // The burn-down: a bar per sample with the open count.
        #expect(count("class=\"bar\"", in: dom) == expected.burndown.count)
        let opens = dom.components(separatedBy: "data-open=\"").dropFirst().map { Int($0.prefix { $0 != "\"" }) }
        #expect(opens == expected.burndown.map(\.open))
        // The items still overdue, with their first responsible person.
        #expect(count("class=\"item-row", in: dom) == expected.overdue.count)
        #expect(dom.contains("沈示例"))
        #expect(dom.contains("药品库房管理不规范"))

        // A screenshot: the top of the page, in colour, not blank.
        let png = year.root + "/evaluation.png"
        try chromium.screenshot(page, to: png, width: 1280, height: 2400)
        let image = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(pngSize(image).map { [$0.width, $0.height] } == [1280, 2400])
        // A blank or text-only page of this size compresses to a few kilobytes.
        #expect(image.count > 60_000, "the screenshot has \(image.count) bytes")

        // Printed: A4 pages (595 × 842 points), several of them.
        let pdfPath = year.root + "/evaluation.pdf"
        try chromium.pdf(page, to: pdfPath)
        let pdf = String(decoding: try Data(contentsOf: URL(fileURLWithPath: pdfPath)), as: UTF8.self)
        #expect(pdf.hasPrefix("%PDF"))
        let boxes = pdf.components(separatedBy: "/MediaBox [").dropFirst().map {
            $0.prefix { $0 != "]" }.split(separator: " ").compactMap { Double($0) }
        }
        #expect(boxes.count >= 2, "pages: \(boxes.count)")
        for box in boxes {
            #expect(box.count == 4 && abs(box[2] - 595) < 2 && abs(box[3] - 842) < 2, "\(box)")
        }
    }

    @Test(
        "The English page with names masked names nobody",
        .enabled(
            if: Chromium.installed != nil,
            "Chromium is not installed (Debian: apt-get install chromium; scripts/deps installs it)"))
    func maskedEnglishPage() throws {
        let chromium = try #require(Chromium.installed)
        let year = try EvaluationSampleYear()
        let report = try EvaluationMaker(store: year.store, configuration: year.configuration).report(
            year: 2026, variant: .yearEnd, unit: nil, at: year.evaluationAt, language: .en, mask: true)
        let page = year.root + "/evaluation.en.html"
        try Data(report.render(.html).utf8).write(to: URL(fileURLWithPath: page))
        let dom = try chromium.dom(page)
        #expect(dom.contains("<html lang=\"en\">"))
        #expect(dom.contains("Year-end overall evaluation 2026"))
        #expect(dom.contains("Names are masked"))
        for name in ["沈示例", "孙示例", "Alex Sample", "主管B示例", "示例科长"] {
            #expect(!dom.contains(name), "\(name) is shown")
        }
        #expect(dom.contains(">P1<"))
        // Units are not people: their names stay.
        #expect(dom.contains("Unit Alpha"))
    }

    /// Writes the sample report shipped under docs/ (`CADENCED_EVALUATION_SAMPLES=docs swift test
    /// --filter EvaluationPageTests`).
    @Test(
        "Write the sample reports for docs/",
        .enabled(
            if: ProcessInfo.processInfo.environment["CADENCED_EVALUATION_SAMPLES"] != nil,
            "set CADENCED_EVALUATION_SAMPLES=DIR to write the sample reports"))
    func writeSamples() throws {
        let directory = ProcessInfo.processInfo.environment["CADENCED_EVALUATION_SAMPLES"]!
        let year = try EvaluationSampleYear()
        let maker = EvaluationMaker(store: year.store, configuration: year.configuration)
        func write(
            _ name: String, _ variant: EvaluationVariant, _ language: NoticeLanguage, mask: Bool,
            _ format: EvaluationFormat
        ) throws {
            let report = try maker.report(
                year: 2026, variant: variant, unit: nil, at: year.evaluationAt, language: language, mask: mask)
            let text = report.render(format)
            let data = format == .csv ? Data(try SpreadsheetText.encode(text, as: .utf8, bom: true)) : Data(text.utf8)
            try data.write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        try write("evaluation-2026.zh.html", .yearEnd, .zh, mask: false, .html)
        try write("evaluation-2026.en.masked.html", .yearEnd, .en, mask: true, .html)
        try write("evaluation-2026.zh.md", .yearEnd, .zh, mask: false, .md)
        try write("evaluation-2026.en.md", .yearEnd, .en, mask: false, .md)
        try write("evaluation-2026.zh.csv", .yearEnd, .zh, mask: false, .csv)
        try write("ledger-call-in-2026.zh.md", .ledgerCallIn, .zh, mask: false, .md)
        if let chromium = Chromium.installed {
            try chromium.screenshot(
                directory + "/evaluation-2026.zh.html", to: directory + "/evaluation-2026.zh.png", width: 1200,
                height: 2200)
        }
    }
}
