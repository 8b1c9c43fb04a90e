import Systemd

/// The real journal, through libsystemd: `sd_journal_sendv` to write, `sd_journal_*` to check
/// whether a notice is already there.
public struct SystemJournal: NoticeJournal {
    public init() {}

    /// One reader for all of them: opening the journal maps every journal file, a search by a
    /// field's value is an index lookup.
    public func alreadySent(noticeIDs: [String]) throws -> Set<String> {
        guard !noticeIDs.isEmpty else { return [] }
        let reader = try JournalReader()
        var found: Set<String> = []
        for id in noticeIDs where try !reader.entries(matching: ["CADENCED_NOTICE_ID": id]).isEmpty {
            found.insert(id)
        }
        return found
    }

    public func send(_ fields: [(name: String, value: String)]) throws {
        try Journal.send(fields.map { try JournalField(name: $0.name, value: $0.value) })
    }
}
