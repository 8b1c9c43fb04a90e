import CadenceCore
import CadenceStore
import Foundation
import Logging

/// Delivers the notices stored in the ledger to their two sinks, files first (the journal entry
/// names the file), each once: a notice stored by an earlier process may have reached the journal
/// before a crash, so the journal is asked about those first. A failure is logged once per pass and
/// sink and retried on a later pass (``waiting`` says one is due).
final class NoticeDelivery {
    private let store: LedgerStore
    /// The notice tree; replaced on a reload.
    var files: NoticeFileWriter
    private let journal: any NoticeJournal
    /// `MaskNames=`: the sinks whose copy shows the people a notice names masked; the ledger
    /// keeps the whole notice.
    var maskNames: Set<NoticeSink> = []
    private let logger: Logger
    /// Notices stored by this process: never sent before, so the journal need not be searched for them.
    private var fresh: Set<String> = []
    /// Whether some notice may be waiting for a sink: at the start (a crash may have left some)
    /// and after a failed pass.
    private(set) var waiting = true

    init(store: LedgerStore, files: NoticeFileWriter, journal: any NoticeJournal, logger: Logger) {
        self.store = store
        self.files = files
        self.journal = journal
        self.logger = logger
    }

    /// The notices of ``fresh`` as stored, so that a pass need not decode them again from the ledger.
    private var known: [String: Notice] = [:]

    /// Notes notices this process has just stored: the next pass delivers them.
    func stored(_ keys: some Sequence<String>) {
        for key in keys {
            fresh.insert(key)
            waiting = true
        }
    }

    /// Notes notices this process has just stored, as stored: the next pass delivers them.
    func stored(_ notices: [Notice]) {
        for notice in notices {
            fresh.insert(notice.key)
            known[notice.key] = LedgerStore.asStored(notice)
            waiting = true
        }
    }

    /// Whether the last pass stopped at ``batchSize`` with more notices waiting: the next pass is due
    /// at once, after whatever else waits on the queue (a watchdog ping, a call, a signal).
    private(set) var backlog = false

    /// The most notices one pass delivers. A month-end burst of 20,000 is 40 passes, each short
    /// enough for the watchdog and the control socket to be served in between, and each recording
    /// its progress: a crash in the middle redoes one pass, not the burst.
    static let batchSize = 500

    /// Delivers stored notices not yet in both sinks, oldest first, at most ``batchSize``.
    func deliverPending() throws {
        let pending = try store.undeliveredNotices(limit: Self.batchSize, known: known)
        backlog = pending.count == Self.batchSize
        guard !pending.isEmpty else {
            waiting = false
            return
        }
        var failed = false
        // Failures are logged once per pass and sink, not once per notice: while a sink is down
        // every pass (each 30 s) would otherwise repeat a line for each waiting notice.
        var fileFailures: [(key: String, error: String)] = []
        var journalFailures: [(key: String, error: String)] = []
        var files: [String: String] = [:]
        for stored in pending where stored.fileWritten { files[stored.notice.key] = stored.file }
        let toWrite = pending.filter { !$0.fileWritten }
        var written: [(key: String, file: String)] = []
        if !toWrite.isEmpty {
            do {
                let results = try self.files.writeBatch(
                    toWrite.map { (copy($0.notice, for: .files), !fresh.contains($0.notice.key)) })
                for result in results {
                    if let error = result.error {
                        failed = true
                        fileFailures.append((result.key, "\(error)"))
                    } else {
                        written.append((result.key, result.file))
                        files[result.key] = result.file
                    }
                }
            } catch {
                failed = true
                logger.error("Notice files not written yet: \(error)")
            }
        }
        let toSend = pending.filter { !$0.journalSent }
        // Those stored before this process started may have reached the journal before a crash:
        // one search for all of them.
        var alreadySent: Set<String> = []
        var searchFailure: String?
        let earlier = toSend.filter { !fresh.contains($0.notice.key) }.map(\.notice.id)
        if !earlier.isEmpty {
            do { alreadySent = try journal.alreadySent(noticeIDs: earlier) } catch { searchFailure = "\(error)" }
        }
        var sent: [String] = []
        for stored in toSend {
            if let searchFailure, !fresh.contains(stored.notice.key) {
                failed = true
                journalFailures.append((stored.notice.key, searchFailure))
                continue
            }
            do {
                if !alreadySent.contains(stored.notice.id) {
                    try journal.send(
                        NoticeJournalFields.fields(
                            for: copy(stored.notice, for: .journal), file: files[stored.notice.key]))
                }
                sent.append(stored.notice.key)
            } catch {
                failed = true
                journalFailures.append((stored.notice.key, "\(error)"))
            }
        }
        logFailures(fileFailures, "not written to file yet")
        logFailures(journalFailures, "not sent to the journal yet")
        try store.markDelivered(files: written, journal: sent)
        // A notice in both sinks needs no memory of being fresh (the set would grow for months).
        let sentNow = Set(sent)
        for stored in pending
        where files[stored.notice.key] != nil && (stored.journalSent || sentNow.contains(stored.notice.key)) {
            fresh.remove(stored.notice.key)
            known[stored.notice.key] = nil
        }
        if failed { backlog = false }
        waiting = failed || backlog
    }

    /// The notice as `sink` shows it: names masked where `MaskNames=` says so.
    private func copy(_ notice: Notice, for sink: NoticeSink) -> Notice {
        maskNames.contains(sink) ? notice.namesMasked() : notice
    }

    /// One line for a pass's failures in one sink: the notice, or how many and the first, with
    /// each distinct reason.
    func logFailures(_ failures: [(key: String, error: String)], _ what: String) {
        guard let first = failures.first else { return }
        if failures.count == 1 {
            logger.error("Notice \(first.key) \(what): \(first.error)", metadata: ["notice_key": "\(first.key)"])
            return
        }
        var reasons: [String] = []
        for failure in failures where !reasons.contains(failure.error) && reasons.count < 3 {
            reasons.append(failure.error)
        }
        logger.error(
            "\(failures.count) notices \(what) (first \(first.key)): \(reasons.joined(separator: "; "))",
            metadata: ["notice_key": "\(first.key)", "notices": "\(failures.count)"])
    }
}
