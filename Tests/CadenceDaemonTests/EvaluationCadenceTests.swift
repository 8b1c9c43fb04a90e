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
}
