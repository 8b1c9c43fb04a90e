import CadenceCore
import CadenceStore
import Dispatch
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
            storedMeanwhile = true
        }
    }

    /// Whether a sink failed in the last pass: the next try is after a while, not at once.
    private(set) var failedLastPass = false

    /// Whether notices were stored since the last pass chose its notices (``prepare()``).
    private var storedMeanwhile = false

    /// Notes notices this process has just stored, as stored: the next pass delivers them.
    func stored(_ notices: [Notice]) {
        for notice in notices {
            fresh.insert(notice.key)
            known[notice.key] = LedgerStore.asStored(notice)
            waiting = true
            storedMeanwhile = true
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
        guard let work = try prepare() else { return }
        try record(work.perform(), of: work)
    }

    /// Delivers stored notices not yet in both sinks, at most ``batchSize``, on a second thread
    /// while `meanwhile` runs on this one (a burst's next items pass: its disk waits and the
    /// files' flushes overlap). `meanwhile` may store notices; they wait for a later pass.
    func deliverPending<T>(while meanwhile: () throws -> T) throws -> T {
        guard let work = try prepare() else { return try meanwhile() }
        let outcome = Completion<Outcome>()
        let thread = Thread { outcome.finish(work.perform()) }
        thread.start()
        let result = Result { try meanwhile() }
        try record(outcome.wait(), of: work)
        return try result.get()
    }

    /// Leaves what was stored for the next pass, due at once: a burst's notices are delivered
    /// while its next items are processed (``deliverPending(while:)``).
    func deferToNextPass() {
        guard waiting else { return }
        backlog = true
    }

    /// A pass's notices and what each sink still owes them, chosen on the manager's thread.
    struct Work: Sendable {
        var files: NoticeFileWriter
        var journal: any NoticeJournal
        var pending: [StoredNotice]
        /// The files not yet written, rendered (their copies, with whether the index may have
        /// their line already).
        var toWrite: NoticeFileWriter.Batch?
        /// The notices whose journal entry is owed, each with its journal copy; nil where the
        /// search for entries sent before a crash failed (the reason).
        var toSend: [(key: String, copy: Notice, searchFailure: String?)]
        /// The files already written, by key.
        var written: [String: String]

        /// Writes the files, then sends the journal entries (which name them). Any thread.
        func perform() -> Outcome {
            var outcome = Outcome(files: written)
            if let toWrite {
                do {
                    for result in try files.write(toWrite) {
                        if let error = result.error {
                            outcome.fileFailures.append((result.key, "\(error)"))
                        } else {
                            outcome.written.append((result.key, result.file))
                            outcome.files[result.key] = result.file
                        }
                    }
                } catch {
                    outcome.batchFailure = "\(error)"
                }
            }
            for (key, copy, searchFailure) in toSend {
                if let searchFailure {
                    outcome.journalFailures.append((key, searchFailure))
                    continue
                }
                do {
                    try journal.send(NoticeJournalFields.fields(for: copy, file: outcome.files[key]))
                    outcome.sent.append(key)
                } catch {
                    outcome.journalFailures.append((key, "\(error)"))
                }
            }
            return outcome
        }
    }

    /// What a pass's delivery did.
    struct Outcome: Sendable {
        var files: [String: String]
        var written: [(key: String, file: String)] = []
        var sent: [String] = []
        var fileFailures: [(key: String, error: String)] = []
        var journalFailures: [(key: String, error: String)] = []
        /// Why no file at all could be written (the notice directory itself).
        var batchFailure: String?
    }

    /// The pending notices of a pass and what each sink owes them; nil when none is pending.
    private func prepare() throws -> Work? {
        let pending = try store.undeliveredNotices(limit: Self.batchSize, known: known)
        backlog = pending.count == Self.batchSize
        storedMeanwhile = false
        failedLastPass = false
        guard !pending.isEmpty else {
            waiting = false
            return nil
        }
        var written: [String: String] = [:]
        for stored in pending where stored.fileWritten { written[stored.notice.key] = stored.file }
        let unwritten = pending.filter { !$0.fileWritten }.map {
            (copy($0.notice, for: .files), !fresh.contains($0.notice.key))
        }
        let toWrite = unwritten.isEmpty ? nil : files.batch(unwritten)
        let owed = pending.filter { !$0.journalSent }
        // Those stored before this process started may have reached the journal before a crash:
        // one search for all of them.
        var alreadySent: Set<String> = []
        var searchFailure: String?
        let earlier = owed.filter { !fresh.contains($0.notice.key) }.map(\.notice.id)
        if !earlier.isEmpty {
            do { alreadySent = try journal.alreadySent(noticeIDs: earlier) } catch { searchFailure = "\(error)" }
        }
        var toSend: [(key: String, copy: Notice, searchFailure: String?)] = []
        var sentBefore: [String] = []
        for stored in owed {
            let key = stored.notice.key
            if alreadySent.contains(stored.notice.id) {
                sentBefore.append(key)
            } else {
                let failure = fresh.contains(key) ? nil : searchFailure
                toSend.append((key, copy(stored.notice, for: .journal), failure))
            }
        }
        self.sentBefore = sentBefore
        return Work(
            files: files, journal: journal, pending: pending, toWrite: toWrite, toSend: toSend, written: written)
    }

    /// Entries found in the journal by ``prepare()``: sent before a crash, recorded as sent.
    private var sentBefore: [String] = []

    /// Logs a pass's failures and records what reached each sink.
    private func record(_ outcome: Outcome, of work: Work) throws {
        // Failures are logged once per pass and sink, not once per notice: while a sink is down
        // every pass (each 30 s) would otherwise repeat a line for each waiting notice.
        if let failure = outcome.batchFailure { logger.error("Notice files not written yet: \(failure)") }
        logFailures(outcome.fileFailures, "not written to file yet")
        logFailures(outcome.journalFailures, "not sent to the journal yet")
        let sent = sentBefore + outcome.sent
        try store.markDelivered(files: outcome.written, journal: sent)
        // A notice in both sinks needs no memory of being fresh (the set would grow for months).
        let sentNow = Set(sent)
        for stored in work.pending
        where outcome.files[stored.notice.key] != nil && (stored.journalSent || sentNow.contains(stored.notice.key)) {
            fresh.remove(stored.notice.key)
            known[stored.notice.key] = nil
        }
        let failed =
            outcome.batchFailure != nil || !outcome.fileFailures.isEmpty || !outcome.journalFailures.isEmpty
        if failed { backlog = false }
        failedLastPass = failed
        waiting = failed || backlog || storedMeanwhile
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

/// A value another thread hands over once; ``wait()`` blocks until it has.
private final class Completion<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: T?

    func finish(_ value: T) {
        self.value = value
        done.signal()
    }

    func wait() -> T {
        done.wait()
        return value!
    }
}
