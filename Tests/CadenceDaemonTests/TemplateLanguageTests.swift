import CadenceCore
@testable import CadenceDaemon
import Foundation
import Logging
import Testing

@Suite("Notice templates are those of the language notices are written in")
struct TemplateLanguageTests {
    @Test("templates/zh/ serves Chinese notices and templates/en/ English ones; neither replaces the other's text")
    func eachLanguageItsOwn() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-templates-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (language, text) in [("zh", "【逾期】{title}"), ("en", "OVERDUE: {title}")] {
            try FileManager.default.createDirectory(
                atPath: "\(root)/templates/\(language)", withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(root)/templates/\(language)/overdue.md"))
        }
        // Only an English escalation: Chinese notices keep the built-in text.
        try Data("ESCALATED: {title}".utf8).write(to: URL(fileURLWithPath: "\(root)/templates/en/escalation.md"))
        let logger = Logger(label: "test")
        let chinese = DaemonRunner.templates(root, language: .zh, logger: logger)
        let english = DaemonRunner.templates(root, language: .en, logger: logger)
        #expect(chinese == [.overdue: "【逾期】{title}"])
        #expect(english == [.overdue: "OVERDUE: {title}", .escalation: "ESCALATED: {title}"])
    }

    @Test("A reload that changes Language= writes the notices after it in the new language")
    func reloadChangesLanguage() throws {
        let daily = "[Cadence]\nDescription=值班提醒\nOnCalendar=*-*-* 09:00\nKind=reminder\nPeriod=occurrence\n"
        let ledger = try InProcessLedger(
            conf: "[Daemon]\nTimeZone=UTC\nLanguage=zh\n", cadences: ["duty": daily], now: inUTC("2027-03-01", 8))
        try ledger.process(at: ledger.now)
        let chinese = try #require(try ledger.process(at: inUTC("2027-03-01", 9)).first)
        #expect(!chinese.subject.contains("is due"), "\(chinese.subject)")
        try ledger.reload(conf: "[Daemon]\nTimeZone=UTC\nLanguage=en\n")
        let english = try #require(try ledger.process(at: inUTC("2027-03-02", 9)).first)
        #expect(english.subject == "值班提醒: period 2027-03-02T09:00:00 is due", "\(english.subject)")
    }
}
