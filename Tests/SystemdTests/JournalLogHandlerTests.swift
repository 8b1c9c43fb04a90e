import Foundation
import Logging
import Testing

@testable import Systemd

#if canImport(Glibc)
    import Glibc
#endif

/// Collects what a handler sent or wrote, from any thread.
private final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _entries: [[JournalField]] = []
    private var _lines: [String] = []

    var entries: [[JournalField]] { lock.withLock { _entries } }
    var lines: [String] { lock.withLock { _lines } }

    func record(_ fields: [JournalField]) { lock.withLock { _entries.append(fields) } }
    func write(_ line: String) { lock.withLock { _lines.append(line) } }
}

@Suite("Journal log handler")
struct JournalLogHandlerTests {
    @Test(
        "Levels map to syslog priorities",
        arguments: [
            (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
        ]
    )
    func priorities(level: Logger.Level, priority: Int) {
        #expect(JournalLogHandler.priority(of: level) == priority)
    }

    @Test("A message becomes MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, CODE_* and prefixed metadata fields")
    func fieldsOfAnEntry() throws {
        let recorder = Recorder()
        var logger = Logger(label: "test") { _ in
            JournalLogHandler(identifier: "cadenced", send: recorder.record, fallback: recorder.write)
        }
        logger[metadataKey: "daemon.generation"] = "2"
        logger.notice("Reminder due", metadata: ["notice.kind": "reminder", "unit": "county-3"])

        let fields = try #require(recorder.entries.first)
        let values = Dictionary(fields.map { ($0.name, $0.text) }, uniquingKeysWith: { $1 })
        #expect(values["MESSAGE"] == "Reminder due")
        #expect(values["PRIORITY"] == "5")
        #expect(values["SYSLOG_IDENTIFIER"] == "cadenced")
        #expect(values["CODE_FILE"]?.hasSuffix("JournalLogHandlerTests.swift") == true)
        #expect(values["CODE_LINE"].flatMap(Int.init) != nil)
        #expect(values["CODE_FUNC"] == "fieldsOfAnEntry()")
        #expect(values["CADENCED_NOTICE_KIND"] == "reminder")
        #expect(values["CADENCED_UNIT"] == "county-3")
        #expect(values["CADENCED_DAEMON_GENERATION"] == "2")
        #expect(recorder.lines.isEmpty)
    }

    // Bad input tried: metadata keys with dots, dashes, a leading underscore and lower case.
    @Test("Metadata keys that are not field names are sanitised, never dropped")
    func sanitisedMetadata() throws {
        let recorder = Recorder()
        let logger = Logger(label: "test") { _ in
            JournalLogHandler(identifier: "cadenced", send: recorder.record, fallback: recorder.write)
        }
        logger.info("x", metadata: ["_secret": "1", "a-b.c": "2"])
        let names = try #require(recorder.entries.first).map(\.name)
        #expect(names.contains("CADENCED__SECRET"))
        #expect(names.contains("CADENCED_A_B_C"))
        #expect(names.allSatisfy(JournalField.isValidName))
    }

    // Bad input tried: a sender failing with ENOENT, as Journal.send does when journald is absent.
    @Test("When the journal is absent the message goes to stderr as one line, with its metadata")
    func fallsBackToStandardError() {
        let recorder = Recorder()
        let logger = Logger(label: "test") { _ in
            JournalLogHandler(
                identifier: "cadenced",
                send: { _ in throw SystemdError(operation: "sd_journal_sendv", code: ENOENT) },
                fallback: recorder.write
            )
        }
        logger.warning("Notice file not written\nretrying", metadata: ["notice.path": "/var/lib/x.md"])
        #expect(
            recorder.lines == [
                "cadenced: warning: Notice file not written\\nretrying notice.path=/var/lib/x.md"
                    + " (journal: Failed to sd_journal_sendv: No such file or directory)"
            ]
        )
    }

    @Test(
        "A logged warning with metadata arrives in the real journal with its priority",
        .enabled(if: Journald.canRun, "needs root and /lib/systemd/systemd-journald")
    )
    func arrivesInJournal() throws {
        try Journald.require()
        let identifier = uniqueMarker("cadenced-test")
        let logger = Logger(label: "test") { label in
            JournalLogHandler(label: label, identifier: identifier, metadataPrefix: "CADENCED_")
        }
        logger.warning("Item overdue", metadata: ["notice.kind": "overdue", "item": "R-17"])
        logger.info("Loaded configuration")

        let entries = try JournalReader().waitForEntries(
            matching: ["SYSLOG_IDENTIFIER": identifier],
            count: 2,
            timeout: .seconds(5)
        )
        #expect(entries.count == 2)
        let warning = try #require(entries.first)
        #expect(warning["MESSAGE"] == "Item overdue")
        #expect(warning["PRIORITY"] == "4")
        #expect(warning["CADENCED_NOTICE_KIND"] == "overdue")
        #expect(warning["CADENCED_ITEM"] == "R-17")
        #expect(warning["CODE_FUNC"] == "arrivesInJournal()")
        #expect(entries.last?["PRIORITY"] == "6")

        let shown = try journalctlJSON(["-t", identifier, "-p", "warning"])
        #expect(shown.map { $0["MESSAGE"] as? String } == ["Item overdue"])
    }
}
