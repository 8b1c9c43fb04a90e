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
}
