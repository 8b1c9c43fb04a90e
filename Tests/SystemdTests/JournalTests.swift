import Foundation
import Testing

@testable import Systemd

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Journal entries through a real journald")
struct JournalTests {
    @Test(
        "A structured entry with a multi-line value is found by JournalReader and journalctl",
        .enabled(if: Journald.canRun, "needs root and /lib/systemd/systemd-journald")
    )
    func structuredEntryArrives() throws {
        try Journald.require()
        let item = uniqueMarker("item")
        let body = "Line one of the notice\nline two: 整改\n\nlast line"
        try Journal.send([
            JournalField(name: "MESSAGE", value: "Rectification item is overdue"),
            JournalField(name: "PRIORITY", value: "4"),
            JournalField(name: "SYSLOG_IDENTIFIER", value: "cadenced-test"),
            JournalField(name: "CADENCED_KIND", value: "overdue"),
            JournalField(name: "CADENCED_ITEM", value: item),
            JournalField(name: "CADENCED_BODY", value: body),
        ])

        let found = try JournalReader().waitForEntries(
            matching: ["CADENCED_ITEM": item], count: 1, timeout: .seconds(5))
        #expect(found.count == 1)
        let entry = try #require(found.first)
        #expect(entry["CADENCED_KIND"] == "overdue")
        #expect(entry["CADENCED_BODY"] == body)
        #expect(entry["MESSAGE"] == "Rectification item is overdue")
        #expect(entry["_PID"] == String(getpid()))

        let shown = try journalctlJSON(["CADENCED_ITEM=\(item)"])
        #expect(shown.count == 1)
        #expect(shown.first?["CADENCED_KIND"] as? String == "overdue")
        #expect(shown.first?["CADENCED_BODY"] as? String == body)
    }

    @Test(
        "journalctl -p warning shows the warning entry and not the info one",
        .enabled(if: Journald.canRun, "needs root and /lib/systemd/systemd-journald")
    )
    func priorityIsHonoured() throws {
        try Journald.require()
        let item = uniqueMarker("priority")
        for (priority, kind) in [("6", "reminder"), ("4", "overdue")] {
            try Journal.send([
                JournalField(name: "MESSAGE", value: "\(kind) notice"),
                JournalField(name: "PRIORITY", value: priority),
                JournalField(name: "CADENCED_KIND", value: kind),
                JournalField(name: "CADENCED_ITEM", value: item),
            ])
        }
        // Both are in the journal before journalctl filters them.
        let both = try JournalReader().waitForEntries(matching: ["CADENCED_ITEM": item], count: 2, timeout: .seconds(5))
        #expect(both.count == 2)

        let warnings = try journalctlJSON(["-p", "warning", "CADENCED_ITEM=\(item)"])
        #expect(warnings.map { $0["CADENCED_KIND"] as? String } == ["overdue"])
    }

    // Bad input tried: each invalid name next to a valid field carrying a marker; a later entry proves
    // journald has processed everything sent before it.
    @Test(
        "An entry with an invalid field name is refused and nothing of it reaches the journal",
        .enabled(if: Journald.canRun, "needs root and /lib/systemd/systemd-journald"),
        arguments: ["_X", "lower", "A-B", ""]
    )
    func invalidNameSendsNothing(name: String) throws {
        try Journald.require()
        let marker = uniqueMarker("refused")
        #expect(throws: SystemdError(operation: "use '\(name)' as a journal field name", code: EINVAL)) {
            try Journal.send([
                JournalField(name: "MESSAGE", value: "must not arrive"),
                JournalField(name: "CADENCED_ITEM", value: marker),
                JournalField(name: name, value: "bad"),
            ])
        }
        let sentinel = uniqueMarker("sentinel")
        try Journal.send([
            JournalField(name: "MESSAGE", value: "sentinel"), JournalField(name: "CADENCED_ITEM", value: sentinel),
        ])
        let reader = try JournalReader()
        #expect(
            try reader.waitForEntries(matching: ["CADENCED_ITEM": sentinel], count: 1, timeout: .seconds(5)).count == 1)
        #expect(try reader.entries(matching: ["CADENCED_ITEM": marker]).isEmpty)
    }

    @Test(
        "A count query returns each matching entry exactly once, and waiting for more returns what is there",
        .enabled(if: Journald.canRun, "needs root and /lib/systemd/systemd-journald")
    )
    func countIsExact() throws {
        try Journald.require()
        let notice = uniqueMarker("notice")
        let reader = try JournalReader()
        #expect(try reader.entries(matching: ["CADENCED_NOTICE_ID": notice]).isEmpty)
        for sequence in 1...3 {
            try Journal.send([
                JournalField(name: "MESSAGE", value: "notice"), JournalField(name: "CADENCED_NOTICE_ID", value: notice),
                JournalField(name: "CADENCED_SEQUENCE", value: String(sequence)),
            ])
        }
        let three = try reader.waitForEntries(matching: ["CADENCED_NOTICE_ID": notice], count: 3, timeout: .seconds(5))
        #expect(three.map { $0["CADENCED_SEQUENCE"] } == ["1", "2", "3"])
        #expect(try reader.entries(matching: ["CADENCED_NOTICE_ID": notice]).count == 3)
        let stillThree = try reader.waitForEntries(
            matching: ["CADENCED_NOTICE_ID": notice], count: 4, timeout: .milliseconds(100)
        )
        #expect(stillThree.count == 3)
        // Two fields must both match.
        #expect(try reader.entries(matching: ["CADENCED_NOTICE_ID": notice, "CADENCED_SEQUENCE": "2"]).count == 1)
    }

    // Bad input tried: matches on the field names `lower` and `` (empty).
    @Test(
        "A match the journal cannot express is reported",
        .enabled(if: Journald.canRun, "needs root and /lib/systemd/systemd-journald")
    )
    func badMatch() throws {
        let reader = try JournalReader()
        #expect(throws: SystemdError(operation: "sd_journal_add_match 'lower'", code: EINVAL)) {
            try reader.entries(matching: ["lower": "x"])
        }
        #expect(throws: SystemdError(operation: "sd_journal_add_match ''", code: EINVAL)) {
            try reader.entries(matching: ["": "x"])
        }
    }

    // Bad input tried: a journal socket path that does not exist (libsystemd itself would report success).
    @Test("Without a journal socket the send fails as journal-absent and nothing is sent")
    func absentJournal() {
        let field = JournalField(trusted: "MESSAGE", value: "nowhere")
        #expect(throws: SystemdError(operation: "sd_journal_sendv", code: ENOENT)) {
            try Journal.send([field], socketPath: "/nonexistent/cadenced/journal/socket")
        }
        #expect(SystemdError(operation: "sd_journal_sendv", code: ENOENT).isJournalAbsent)
        #expect(SystemdError(operation: "sd_journal_sendv", code: ECONNREFUSED).isJournalAbsent)
        #expect(!SystemdError(operation: "sd_journal_sendv", code: EINVAL).isJournalAbsent)
        #expect(!SystemdError(operation: "sd_notify", code: ENOENT).isJournalAbsent)
    }
}
