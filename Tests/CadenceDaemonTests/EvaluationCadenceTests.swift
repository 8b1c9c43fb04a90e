import CadenceConfiguration
import CadenceCore
import CadenceDaemon
import CadenceStore
import Foundation
import Logging
import Testing

/// The reports a cadence writes (`Report=`), and that each is written once and never replaced.
@Suite("Evaluation reports written by cadences")
struct EvaluationCadenceTests {
    final class Setup {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-evalcad-\(UUID())").path
        var notices: String { root + "/notices" }

        init() throws {
            try FileManager.default.createDirectory(
                atPath: root + "/config/cadences.d", withIntermediateDirectories: true)
            try Data("[Daemon]\nTimeZone=Asia/Shanghai\nLanguage=en\n".utf8)
                .write(to: URL(fileURLWithPath: root + "/config/cadenced.conf"))
            try Data(
                "[Cadence]\nOnCalendar=*-12-20 09:00\nKind=evaluation\nPeriod=year\nWorkingDay=previous\n".utf8
            ).write(to: URL(fileURLWithPath: root + "/config/cadences.d/year-end-evaluation.cadence"))
            try Data("[Cadence]\nOnCalendar=*-07-01 09:00\nKind=reminder\nPeriod=year\nReport=ledger-check\n".utf8)
                .write(to: URL(fileURLWithPath: root + "/config/cadences.d/ledger-check.cadence"))
        }

        func manager() throws -> Manager {
            let configuration = try ConfigurationLoader(directory: root + "/config").load(
                reference: sampleTime("2026-01-01 00:00"), systemTimeZone: sampleZone)
            return Manager(
                store: try LedgerStore(path: root + "/ledger.sqlite"), configuration: configuration,
                noticeDirectory: notices, journal: RecordingJournal(), logger: Logger(label: "test"))
        }

        /// Report files under the notice tree, relative, sorted.
        func reports() -> [String] {
            let all = FileManager.default.enumerator(atPath: notices)?.compactMap { $0 as? String } ?? []
            return all.filter { ($0 as NSString).lastPathComponent.dropFirst(6).hasPrefix("-evaluation-") }.sorted()
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test("A ledger-check cadence writes the mid-year ledger; the year-end one its evaluation; each once")
    func cadencesWriteTheirReports() throws {
        let setup = try Setup()
        let manager = try setup.manager()
        try manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生局", kind: .bureau),
                NewUnit(id: "county-a", name: "示例甲县卫生局", kind: .countyBureau, parent: "city"),
            ], at: sampleTime("2026-01-02 10:00"), actor: nil)
        try manager.process(at: sampleTime("2026-06-30 12:00"))
        #expect(setup.reports().isEmpty)
        try manager.process(at: sampleTime("2026-07-01 09:00"))
        let july = setup.reports()
        #expect(july.count == 4, "\(july)")
        #expect(july.allSatisfy { $0.hasPrefix("2026/07/01/090000-evaluation-ledger-check-2026-") })
        let markdown = try String(
            contentsOfFile: setup.notices + "/" + july.first { $0.hasSuffix(".md") }!, encoding: .utf8)
        #expect(markdown.hasPrefix("# Mid-year ledger check 2026"))
        #expect(markdown.contains("Figures as of 2026-07-01 00:00"), "capped at the end of January–June")

        // A crash after the year-end report's files were written, before the occurrence was recorded:
        // the files are there (one of them holds what was written then), the occurrence is not.
        let instant = sampleTime("2026-12-18 09:00")
        let html = EvaluationFileName.relativePath(
            cadence: "year-end-evaluation", period: PeriodKey(rawValue: "2026"), variant: .yearEnd, at: instant,
            zone: sampleZone, masked: false, format: .html)
        try FileManager.default.createDirectory(
            atPath: setup.notices + "/2026/12/18", withIntermediateDirectories: true)
        try Data("written before the crash".utf8).write(to: URL(fileURLWithPath: setup.notices + "/" + html))
        try manager.process(at: instant)
        let december = setup.reports().filter { $0.hasPrefix("2026/12/18/") }
        #expect(december.count == 4, "\(december)")
        #expect(try String(contentsOfFile: setup.notices + "/" + html, encoding: .utf8) == "written before the crash")
        #expect(try manager.store.isRecorded(cadence: "year-end-evaluation", period: PeriodKey(rawValue: "2026")))

        // Another daemon on the same ledger, later: nothing is written again.
        let again = try setup.manager()
        try again.process(at: sampleTime("2026-12-31 10:00"))
        #expect(setup.reports().count == 8)
    }

    /// The row of `unit` in a report's CSV, by column name.
    private func csvRow(_ path: String, unit: String) throws -> [String: String] {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let (header, rows) = try CSV.table(try CSV.parse(text))
        let row = try #require(rows.first { $0.fields[1] == unit })
        return Dictionary(uniqueKeysWithValues: zip(header, row.fields))
    }

    @Test("The 20 December report is preliminary; the final one, after the year closes, counts what was recorded late")
    func preliminaryThenFinal() throws {
        let setup = try Setup()
        try Data(
            """
            [Cadence]
            OnCalendar=*-12-20 09:00
            Kind=evaluation
            Period=year
            WorkingDay=previous
            FinalReport=Mon..Fri *-01-10..16 09:00

            """.utf8
        ).write(to: URL(fileURLWithPath: setup.root + "/config/cadences.d/year-end-evaluation.cadence"))
        try Data("[Cadence]\nOnCalendar=*-03,06,09,12-01 09:00\nKind=review\nPeriod=quarter\n".utf8)
            .write(to: URL(fileURLWithPath: setup.root + "/config/cadences.d/quarterly-review.cadence"))
        try FileManager.default.removeItem(atPath: setup.root + "/config/cadences.d/ledger-check.cadence")
        let manager = try setup.manager()
        try manager.store.addUnits(
            [
                NewUnit(id: "city", name: "示例市卫生局", kind: .bureau),
                NewUnit(id: "county-a", name: "示例甲县卫生局", kind: .countyBureau, parent: "city", quota: 1),
            ], at: sampleTime("2026-01-01 00:00"), actor: nil)
        try manager.process(at: sampleTime("2026-01-01 00:00"))
        // Held on time: the first three quarters' reviews, one report a month January to November.
        for (quarter, held) in [("Q1", "2026-03-10"), ("Q2", "2026-06-10"), ("Q3", "2026-09-10")] {
            try manager.store.recordReview(
                NewReview(
                    unit: "county-a", kind: .review, period: PeriodKey(rawValue: "2026-" + quarter),
                    heldOn: LocalDate(held)!), at: sampleTime(held + " 18:00"), actor: nil)
        }
        for month in 1...11 {
            let key = "2026-" + (month < 10 ? "0\(month)" : "\(month)")
            try manager.store.submitReport(
                unit: "county-a", month: PeriodKey(rawValue: key), submittedOn: LocalDate(key + "-20")!,
                title: "工作动态 \(month)", liaison: nil, recipient: nil, at: sampleTime(key + "-20 10:00"), actor: nil)
        }
        // 20 December 2026 is a Sunday: the evaluation fires on Friday the 18th.
        try manager.process(at: sampleTime("2026-12-18 09:00"))
        let preliminary = setup.reports()
        #expect(preliminary.count == 4)
        let html = try String(
            contentsOfFile: setup.notices + "/" + preliminary.first {
                $0.hasSuffix(".html") && !$0.contains("masked")
            }!,
            encoding: .utf8)
        #expect(html.contains("data-standing=\"preliminary\""))
        #expect(html.contains("<h1>Year-end overall evaluation 2026 (一年一总评) · preliminary</h1>"))
        let early = try csvRow(
            setup.notices + "/" + preliminary.first { $0.hasSuffix(".csv") }!, unit: "county-a")
        // Q4 has not ended and December's reports are not due: neither counts as missing.
        #expect(early["Reviews held"] == "3" && early["Reviews due"] == "3")
        #expect(early["Dec reports"] == "0")

        // After the year: the fourth quarter's review and December's report are recorded late.
        try manager.store.recordReview(
            NewReview(
                unit: "county-a", kind: .review, period: PeriodKey(rawValue: "2026-Q4"),
                heldOn: LocalDate("2026-12-28")!), at: sampleTime("2027-01-05 10:00"), actor: nil)
        try manager.store.submitReport(
            unit: "county-a", month: PeriodKey(rawValue: "2026-12"), submittedOn: LocalDate("2026-12-30")!,
            title: "工作动态 12", liaison: nil, recipient: nil, at: sampleTime("2027-01-06 10:00"), actor: nil)
        // 10 January 2027 is a Sunday: the final result is due on Monday the 11th at 09:00.
        // Asked for after the year has closed, a report is final too and counts what was recorded late.
        let asked = try EvaluationMaker(store: manager.store, configuration: manager.configuration)
            .figures(year: 2026, variant: .yearEnd, unit: nil, at: sampleTime("2027-01-07 10:00"))
        #expect(asked.window.isFinal)
        #expect(asked.units.first { $0.id == "county-a" }?.duty(.review).held == 4)
        // (The year's duty checks, done at its end, come first.)
        try manager.process(at: sampleTime("2027-01-08 12:00"))
        #expect(try manager.nextWake(after: sampleTime("2027-01-08 12:00")) == sampleTime("2027-01-11 09:00"))
        #expect(try manager.process(at: sampleTime("2027-01-11 08:59")).filter { $0.kind == .finalReport }.isEmpty)
        let stored = try manager.process(at: sampleTime("2027-01-11 09:00"))
        #expect(stored.map(\.kind) == [.finalReport])
        let notice = try #require(stored.first)
        #expect(notice.subject == "year-end-evaluation: final result for 2026")
        let final = setup.reports().filter { $0.hasPrefix("2027/01/11/090000-evaluation-year-end-2026-final-") }
        #expect(final.count == 4, "\(setup.reports())")
        for file in final { #expect(notice.body.contains("- " + file)) }
        let finalPage = try String(
            contentsOfFile: setup.notices + "/" + final.first { $0.hasSuffix("-masked.html") }!, encoding: .utf8)
        #expect(finalPage.contains("data-standing=\"final\""))
        #expect(finalPage.contains("recorded by 2027-01-11 09:00 (UTC+08:00) count too (as held late)"))
        let late = try csvRow(setup.notices + "/" + final.first { $0.hasSuffix(".csv") }!, unit: "county-a")
        #expect(late["Reviews held"] == "4" && late["Reviews due"] == "4")
        #expect(late["held late"] == "1")
        #expect(late["Dec reports"] == "1")
        // The preliminary files stay as they were.
        #expect(setup.reports().count == 8)

        // A restart later in January: nothing written or announced again.
        let again = try setup.manager()
        #expect(try again.process(at: sampleTime("2027-01-20 10:00")).filter { $0.kind == .finalReport }.isEmpty)
        #expect(setup.reports().count == 8)
    }

    @Test("FinalReport= is refused on a cadence that writes no report, and when it is not a calendar expression")
    func finalReportRefused() throws {
        // Bad input: FinalReport= on a reminder with no Report=, and FinalReport=after new year.
        let setup = try Setup()
        try Data("[Cadence]\nOnCalendar=*-*-01 09:00\nKind=reminder\nFinalReport=*-01-10 09:00\n".utf8)
            .write(to: URL(fileURLWithPath: setup.root + "/config/cadences.d/ledger-check.cadence"))
        try Data("[Cadence]\nOnCalendar=*-12-20 09:00\nKind=evaluation\nPeriod=year\nFinalReport=after new year\n".utf8)
            .write(to: URL(fileURLWithPath: setup.root + "/config/cadences.d/year-end-evaluation.cadence"))
        #expect {
            try setup.manager()
        } throws: { error in
            let text = (error as? ConfigurationError)?.description ?? ""
            return text.contains(
                "ledger-check.cadence:4: FinalReport= '*-01-10 09:00' is for a cadence that writes a report "
                    + "(Kind=evaluation, or Report=); this one writes none")
                && text.contains(
                    "year-end-evaluation.cadence:5: FinalReport= 'after new year' is not a calendar expression")
        }
    }
}
