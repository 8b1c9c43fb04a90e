public import CadenceCore
import Foundation

/// Where notices go in the journal. Production uses libsystemd (``SystemJournal``); the manager
/// asks ``alreadySent(noticeIDs:)`` before resending notices stored before a crash, so the journal
/// gets one entry per notice.
public protocol NoticeJournal: Sendable {
    /// Those of `noticeIDs` that have an entry with `CADENCED_NOTICE_ID=` in the journal already.
    /// One call for a pass's notices: after a crash in a month-end burst that is thousands of them.
    func alreadySent(noticeIDs: [String]) throws -> Set<String>
    /// Sends one entry.
    func send(_ fields: [(name: String, value: String)]) throws
}

/// The journal fields of a notice: `MESSAGE_ID` by kind, `PRIORITY` by gravity, and `CADENCED_*`
/// fields a person can filter on (`journalctl -t cadenced CADENCED_KIND=overdue -p warning`).
public enum NoticeJournalFields {
    public static func fields(for notice: Notice, file: String?) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", notice.subject + (notice.body.isEmpty ? "" : "\n" + notice.body)),
            ("MESSAGE_ID", notice.kind.messageID),
            ("PRIORITY", String(notice.kind.priority)),
            ("SYSLOG_IDENTIFIER", "cadenced"),
            ("CADENCED_KIND", notice.kind.rawValue),
            ("CADENCED_NOTICE_ID", notice.id),
            ("CADENCED_NOTICE_KEY", notice.key),
            ("CADENCED_DUE", ISOTimestamp.utc(notice.dueAt)),
            ("CADENCED_LATE", notice.late ? "1" : "0"),
        ]
        if let cadence = notice.cadence { fields.append(("CADENCED_CADENCE", cadence)) }
        if !notice.periods.isEmpty { fields.append(("CADENCED_PERIOD", notice.periods.joined(separator: ","))) }
        if let unit = notice.unit { fields.append(("CADENCED_UNIT", unit)) }
        // journald keeps a field given several times with each value: `journalctl CADENCED_UNIT=X`
        // finds the one entry for each of them.
        for unit in notice.units ?? [] where unit != notice.unit { fields.append(("CADENCED_UNIT", unit)) }
        if let item = notice.item { fields.append(("CADENCED_ITEM", String(item))) }
        if let days = notice.overdueDays { fields.append(("CADENCED_OVERDUE_DAYS", String(days))) }
        if let deadline = notice.deadline { fields.append(("CADENCED_DEADLINE", ISOTimestamp.utc(deadline))) }
        if let level = notice.level { fields.append(("CADENCED_LEVEL", level.rawValue)) }
        for (name, value) in (notice.fields ?? [:]).sorted(by: { $0.key < $1.key }) {
            fields.append(("CADENCED_" + name, value))
        }
        if let file { fields.append(("CADENCED_NOTICE_FILE", file)) }
        // The ledger keeps the whole text: `cadencectl notices --key` shows it.
        if notice.masked == true { fields.append(("CADENCED_NAMES_MASKED", "1")) }
        return fields
    }
}
