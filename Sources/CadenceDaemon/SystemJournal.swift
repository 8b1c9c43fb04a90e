import Systemd

/// The real journal, through libsystemd: `sd_journal_sendv` to write, `sd_journal_*` to check
/// whether a notice is already there.
public struct SystemJournal: NoticeJournal {
    public init() {}

    public func contains(noticeID: String) throws -> Bool {
        let reader = try JournalReader()
        return try !reader.entries(matching: ["CADENCED_NOTICE_ID": noticeID]).isEmpty
    }

    public func send(_ fields: [(name: String, value: String)]) throws {
        try Journal.send(fields.map { try JournalField(name: $0.name, value: $0.value) })
    }
}
