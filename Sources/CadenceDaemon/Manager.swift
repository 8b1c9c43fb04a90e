public import CadenceConfiguration
public import CadenceCore
public import CadenceStore
public import Foundation
public import Logging

/// The daemon's logic, driven with explicit instants: fires cadence occurrences and item stages
/// that are due, exactly once, and delivers their notices to the files and the journal.
///
/// Each notice is stored in the ledger in the same transaction that records its occurrence or
/// stage, then delivered; one stored but not delivered (a crash, a full disk, no journal) is
/// delivered on the next ``process(at:)`` — the journal is asked first whether it already has it.
public final class Manager {
    public let store: LedgerStore
    public private(set) var configuration: LoadedConfiguration
    let delivery: NoticeDelivery
    let logger: Logger
    var text: NoticeText
    var items: ItemSchedule
    /// An occurrence handled later than this after its time counts as late.
    public static let lateAfter: TimeInterval = 60
    /// How soon delivery is retried after a sink failed.
    public static let retryAfter: TimeInterval = 30

    public init(
        store: LedgerStore, configuration: LoadedConfiguration, noticeDirectory: String, journal: any NoticeJournal,
        logger: Logger, templates: [NoticeKind: String] = [:]
    ) {
        self.store = store
        self.configuration = configuration
        let language = configuration.daemon.resolvedLanguage(lang: ProcessInfo.processInfo.environment["LANG"])
        self.delivery = NoticeDelivery(
            store: store,
            files: NoticeFileWriter(directory: noticeDirectory, zone: configuration.timeZone, language: language),
            journal: journal, logger: logger)
        delivery.maskNames = configuration.daemon.maskNames
        self.logger = logger
        self.text = NoticeText(language: language, zone: configuration.timeZone, overrides: templates)
        text.deadlineTimeOfDay = configuration.daemon.deadlineTimeOfDay
        self.items = Self.itemSchedule(configuration)
        storeRobots()
        replanItems()
    }

    /// Gives routing the configuration's group robots and routing rules.
    private func storeRobots() {
        do { try store.replaceRobots(configuration.robots) } catch {
            logger.error("The group robots of the configuration are not in force: \(error)")
        }
        do { try store.replaceRoutes(configuration.routes) } catch {
            logger.error("The routing rules of the configuration are not in force: \(error)")
        }
    }

    /// Takes a new configuration (a reload); occurrences already recorded stay recorded.
    public func replace(configuration: LoadedConfiguration, noticeDirectory: String, templates: [NoticeKind: String]) {
        self.configuration = configuration
        // Language= of the new configuration: notices after the reload are in it.
        let language = configuration.daemon.resolvedLanguage(lang: ProcessInfo.processInfo.environment["LANG"])
        delivery.files = NoticeFileWriter(
            directory: noticeDirectory, zone: configuration.timeZone, language: language)
        delivery.maskNames = configuration.daemon.maskNames
        text = NoticeText(language: language, zone: configuration.timeZone, overrides: templates)
        text.deadlineTimeOfDay = configuration.daemon.deadlineTimeOfDay
        items = Self.itemSchedule(configuration)
        storeRobots()
        replanItems()
    }

    /// The earliest next occurrence of any cadence, after the instant already processed.
    func nextCadenceOccurrence(at now: Date) -> Occurrence? {
        nextOccurrences(after: max((try? store.scheduledThrough()) ?? now, now)).min { $0.effective < $1.effective }
    }

    /// Each cadence's next occurrence after `instant`.
    private func nextOccurrences(after instant: Date) -> [Occurrence] {
        configuration.cadences.compactMap {
            $0.nextOccurrence(after: instant, zone: configuration.timeZone, workingDays: configuration.workingDays)
        }
    }

    // MARK: - Processing

    /// What one pass did and what comes next: the runner arms its timer at `wake` and sends
    /// `status` to systemd.
    public struct TickPlan: Sendable {
        /// The notices the pass stored (and delivered, unless a sink failed).
        public var stored: [Notice]
        /// The next instant with something to do, or nil when nothing is ever due again.
        public var wake: Date?
        /// `STATUS=`: the next cadence occurrence and the overdue count.
        public var status: String
    }

    /// One bounded pass at `now` (``pass(at:)``), then the next wake and the status, from one
    /// computation of each cadence's next occurrence. When the pass left work due (a burst), the
    /// wake is `now`: the runner comes back after serving whatever waits on its queue.
    public func tick(at now: Date) throws -> TickPlan {
        let stored = try pass(at: now)
        let next = nextOccurrences(after: max(try store.scheduledThrough() ?? now, now))
        return TickPlan(
            stored: stored, wake: try wake(after: now, next: next),
            status: status(next: next.min { $0.effective < $1.effective }, at: now))
    }

    /// Fires everything due at `now` and delivers every pending notice: passes until none is left
    /// with work due now.
    /// - Returns: the notices stored by this call.
    @discardableResult
    public func process(at now: Date) throws -> [Notice] {
        var stored = try pass(at: now)
        while try hasWorkDue(at: now) { stored += try pass(at: now) }
        return stored
    }

    /// Fires what is due at `now`, item stages for at most ``itemBatch`` items, and delivers at
    /// most ``NoticeDelivery/batchSize`` pending notices. A pass is short whatever the backlog, so
    /// that the watchdog, signals and calls are served between passes.
    /// - Returns: the notices stored by this pass.
    @discardableResult
    public func pass(at now: Date) throws -> [Notice] {
        // What earlier passes stored goes to the files and the journal on a second thread while
        // this pass fires what is due: in a burst, one batch's flushes overlap the next's items.
        let stored = try delivery.deliverPending {
            var stored: [Notice] = []
            stored += try processCadences(at: now)
            stored += try processDuties(at: now)
            stored += try processItems(at: now, limit: Self.itemBatch)
            stored += try processDigests(at: now)
            stored += try processHolidayCoverage(at: now)
            stored += try processFinalReports(at: now)
            stored += try processPlans(at: now)
            return stored
        }
        // With more items due now, this pass's notices go with the next pass's items; otherwise
        // they are delivered before the pass ends.
        if !stored.isEmpty, try store.nextItemEvent().map({ $0 <= now }) == true {
            delivery.deferToNextPass()
        } else if !stored.isEmpty && !delivery.backlog && !delivery.failedLastPass {
            try delivery.deliverPending()
        }
        return stored
    }

    /// The most items whose stages one pass records.
    static let itemBatch = 500

    /// Whether a pass at `now` left something due at `now`: items or notices beyond a batch.
    func hasWorkDue(at now: Date) throws -> Bool {
        if delivery.backlog { return true }
        if let item = try store.nextItemEvent(), item <= now { return true }
        return false
    }

    /// The next instant at which ``process(at:)`` has something to do, or nil.
    public func nextWake(after now: Date) throws -> Date? {
        try wake(after: now, next: nextOccurrences(after: max(try store.scheduledThrough() ?? now, now)))
    }

    private func wake(after now: Date, next: [Occurrence]) throws -> Date? {
        var candidates = next.map(\.effective)
        if let item = try store.nextItemEvent() { candidates.append(max(item, now)) }
        if let duty = try nextDutyCheck() { candidates.append(max(duty, now)) }
        if let digest = try nextDigest(after: now) { candidates.append(digest) }
        // One that could not be written is tried again after a while, not at once.
        if let phase = try nextPlanEvent(after: now) { candidates.append(phase) }
        if let final = try finalReportsOwed(at: now).map(\.due).min() {
            candidates.append(final > now ? final : now.addingTimeInterval(Self.retryAfter))
        }
        if let day = holidayCoverage.nextCheck(after: LocalDay.of(now, in: configuration.timeZone)) {
            candidates.append(LocalDay.instant(day, secondsOfDay: 0, in: configuration.timeZone))
        }
        if delivery.backlog {
            candidates.append(now)
        } else if delivery.waiting {
            candidates.append(now.addingTimeInterval(Self.retryAfter))
        }
        return candidates.min()
    }

    /// `STATUS=` for systemd: the next event and the overdue count.
    public func status(at now: Date) -> String {
        status(next: nextCadenceOccurrence(at: now), at: now)
    }

    private func status(next: Occurrence?, at now: Date) -> String {
        let overdue = (try? store.overdueCount(at: now)) ?? 0
        let nextText =
            next.map {
                "Next: \($0.cadence) \($0.period) at \(LocalTimeText.format($0.effective, zone: configuration.timeZone))"
            } ?? "No cadence fires again"
        return nextText + "; \(overdue) overdue"
    }

    func processCadences(at now: Date) throws -> [Notice] {
        guard let through = try store.scheduledThrough() else {
            // A new ledger starts now: nothing from before it is owed.
            try store.advanceScheduledThrough(to: now)
            return []
        }
        // A clock stepped back: nothing is due again until it passes the instant already processed.
        guard now > through else { return [] }
        let zone = configuration.timeZone
        let window = configuration.daemon.catchUpWindow.seconds
        var stored: [Notice] = []
        for cadence in configuration.cadences {
            var missed: [Occurrence] = []
            var cursor = through
            while missed.count < 100_000,
                let next = cadence.nextOccurrence(after: cursor, zone: zone, workingDays: configuration.workingDays),
                next.effective <= now
            {
                missed.append(next)
                cursor = next.effective
            }
            guard !missed.isEmpty else { continue }
            EvaluationReportWriter(
                store: store, configuration: configuration, files: delivery.files, language: text.language,
                logger: logger
            ).write(cadence, missed, at: now)
            let onTime = missed.filter { now.timeIntervalSince($0.effective) <= Self.lateAfter }
            let late = missed.filter { now.timeIntervalSince($0.effective) > Self.lateAfter }
            let announced = late.filter { now.timeIntervalSince($0.effective) <= window }
            if !late.isEmpty {
                var notice: Notice?
                if let first = announced.first, let last = announced.last {
                    notice = text.render(
                        Notice(
                            key: "catch-up/\(cadence.name)/\(first.period)..\(last.period)", kind: .catchUp,
                            dueAt: last.effective, emittedAt: now, cadence: cadence.name,
                            periods: announced.map(\.period.rawValue), late: true),
                        description: cadence.description)
                }
                notice?.unitKinds = cadence.units.map { $0.map(\.rawValue).sorted() }
                // A reminder missed while the daemon was down still reaches each unit: the latest one, late.
                var unitReminders: [Notice] = []
                if cadence.kind == .reminder, notice != nil, let last = announced.last {
                    let year = LocalDay.of(last.effective, in: zone).year
                    unitReminders = try commitmentReminders(cadence, occurrence: last, year: year, at: now)
                    notice?.perUnit = true
                }
                stored += try store.record(
                    occurrences: late.map { ($0, true) }, notices: (notice.map { [$0] } ?? []) + unitReminders, at: now)
                let silent = late.count - announced.count
                if silent > 0 {
                    logger.notice(
                        "\(cadence.name): \(silent) occurrences older than the catch-up window recorded without notice",
                        metadata: ["cadence": "\(cadence.name)", "silent": "\(silent)"])
                }
            }
            for occurrence in onTime {
                var notice = text.render(
                    Notice(
                        key: "occurrence/\(cadence.name)/\(occurrence.period)", kind: .occurrence,
                        dueAt: occurrence.effective, emittedAt: now, cadence: cadence.name,
                        periods: [occurrence.period.rawValue]),
                    description: cadence.description)
                notice.unitKinds = cadence.units.map { $0.map(\.rawValue).sorted() }
                var unitReminders: [Notice] = []
                // The monthly reminder is about commitments (R2): each unit's, and how they stand.
                if cadence.kind == .reminder {
                    let year = LocalDay.of(occurrence.effective, in: zone).year
                    let lines = try store.commitmentSummary(year: year).map {
                        text.commitmentLine(
                            unit: $0.unit, name: $0.name, total: $0.total, fulfilled: $0.fulfilled,
                            partial: $0.partial, unfulfilled: $0.unfulfilled)
                    }
                    if !lines.isEmpty { notice.body += "\n\n" + lines.joined(separator: "\n") }
                    unitReminders = try commitmentReminders(cadence, occurrence: occurrence, year: year, at: now)
                    // Each unit's liaison hears of its own commitments, not of everyone's.
                    notice.perUnit = true
                }
                stored += try store.record(
                    occurrences: [(occurrence, false)], notices: [notice] + unitReminders, at: now)
            }
        }
        try store.advanceScheduledThrough(to: now)
        delivery.stored(stored)
        return stored
    }

    /// The holiday gaps already announced (or found announced) by this process, so that a pass in
    /// December does not write again what the ledger has.
    var announcedHolidayGaps: Set<String> = []

    /// The final results already written (or found written) by this process.
    var writtenFinalReports: Set<String> = []

    /// Units' names by id, for the text of item notices; read at each pass that has items due.
    var unitNames: [String: String] = [:]
    /// The directory's names by person id, likewise.
    var personNames: [String: String] = [:]

    /// Stores the notice that the configuration in `directory` was refused (`errors`, as
    /// `file:line: reason`); the next ``process(at:)`` delivers it.
    @discardableResult
    public func configurationRefused(
        directory: String, errors: [String], reload: Bool, savedAt: Date?, at now: Date
    ) throws -> Notice? {
        let what = text.configurationOutcome(reload: reload, savedAt: savedAt)
        var notice = text.render(
            Notice(
                key: "configuration/\(reload ? "reload" : "start")/\(ISOTimestamp.utc(now))",
                kind: .configurationRefused, dueAt: now, emittedAt: now),
            extra: [
                "what": what, "directory": directory, "errors": errors.map { "- " + $0 }.joined(separator: "\n"),
            ])
        notice.fields = [
            "CONFIG_DIR": directory, "CONFIG_OUTCOME": reload ? "reload refused" : "started on the last good copy",
        ]
        guard let stored = try store.record(notice: notice) else { return nil }
        delivery.stored([stored])
        return stored
    }

}

extension Manager {
    /// `io.cadenced.Ledger.Status`.
    func statusObject(at now: Date) throws -> [String: Any] {
        let next = nextCadenceOccurrence(at: now)
        let counts = try store.counts(at: now)
        var status: [String: Any] = [
            "version": CadenceVersion.string, "timeZone": configuration.timeZone.identifier, "items": counts.items,
            "openItems": counts.open, "overdue": counts.overdue, "notices": counts.notices,
            "undelivered": counts.undelivered,
        ]
        if let next {
            status["nextCadence"] = next.cadence
            status["nextCadenceAt"] = ControlHandler.iso(next.effective)
        }
        return status
    }

    /// A deadline as given by a person: a local date, `+N` days or `+Nwd` working days from today
    /// (falling due at `DeadlineTime=` of that day in the configured zone), or an ISO 8601 instant.
    /// A deadline given as a day keeps that day (`date`, as `YYYY-MM-DD`): it is shown as typed.
    func parseDeadline(_ text: String, at now: Date) -> (instant: Date, date: String?)? {
        let zone = configuration.timeZone
        if let day = LocalDay.parse(text, today: LocalDay.of(now, in: zone), workingDays: configuration.workingDays) {
            let instant = LocalDay.instant(day, secondsOfDay: configuration.daemon.deadlineTimeOfDay, in: zone)
            return (instant, day.description)
        }
        return ISOTimestamp.parse(text).map { ($0, nil) }
    }
}
