import CadenceConfiguration
import CadenceCore
import CadenceStore
import Foundation
import Logging

extension Manager {
    /// A final result owed: a cadence's recorded period whose reports are written again, as the
    /// final result, at the first elapse of `FinalReport=` after their window ends.
    struct FinalReportOwed {
        var cadence: Cadence
        var period: PeriodKey
        var year: Int
        var variants: [EvaluationVariant]
        var due: Date
        var key: String { "final-report/\(cadence.name)/\(period)" }
    }

    /// The final results not yet written, of each cadence's two latest recorded periods (the latest
    /// alone could hide last year's, owed in January, behind this year's after a long downtime), due
    /// no longer ago than `CatchUpWindowSec=` at `now`: a ledger upgraded long after a final result
    /// fell due does not write it then.
    func finalReportsOwed(at now: Date) throws -> [FinalReportOwed] {
        let zone = configuration.timeZone
        var owed: [FinalReportOwed] = []
        for cadence in configuration.cadences {
            guard let expression = cadence.finalReport else { continue }
            for occurrence in try store.occurrences(cadence: cadence.name).suffix(2) {
                let period = PeriodKey(rawValue: occurrence.period)
                guard let (year, variants) = cadence.reportVariants(for: period), !variants.isEmpty else { continue }
                let key = "final-report/\(cadence.name)/\(period)"
                guard !writtenFinalReports.contains(key) else { continue }
                if try store.hasNotice(key: key) {
                    writtenFinalReports.insert(key)
                    continue
                }
                let ends = variants.compactMap {
                    EvaluationWindow(year: year, variant: $0, zone: zone, at: .distantFuture)?.end
                }
                // At or after the end: an expression for midnight of 1 January counts.
                guard let end = ends.max(),
                    let due = expression.nextElapse(after: end.addingTimeInterval(-1), localZone: zone)
                else { continue }
                guard now.timeIntervalSince(due) <= configuration.daemon.catchUpWindow.seconds else { continue }
                owed.append(FinalReportOwed(cadence: cadence, period: period, year: year, variants: variants, due: due))
            }
        }
        return owed
    }

    /// Writes the final results due at `now`, each once: the reports again with the records made up
    /// to now (late ones counted as held late), filed under the day they were due, and a notice
    /// naming the files. The files are written before the notice is recorded, so after a crash the
    /// next pass finds them and records the notice.
    func processFinalReports(at now: Date) throws -> [Notice] {
        var stored: [Notice] = []
        for owed in try finalReportsOwed(at: now) where owed.due <= now {
            let writer = EvaluationReportWriter(
                store: store, configuration: configuration, files: delivery.files, language: text.language,
                logger: logger)
            var paths: [String] = []
            do {
                for variant in owed.variants {
                    paths += try writer.write(
                        owed.cadence, period: owed.period, filedAt: owed.due, year: owed.year, variant: variant,
                        at: now, final: true)
                }
            } catch {
                // Tried again at a later pass; the rest of this pass goes on.
                logger.error(
                    "Failed to write the final result, trying again later",
                    metadata: ["cadence": "\(owed.cadence.name)", "period": "\(owed.period)", "error": "\(error)"])
                continue
            }
            let notice = text.render(
                Notice(
                    key: owed.key, kind: .finalReport, dueAt: owed.due, emittedAt: now, cadence: owed.cadence.name,
                    periods: [owed.period.rawValue], late: now.timeIntervalSince(owed.due) > Self.lateAfter),
                description: owed.cadence.description,
                extra: ["files": paths.map { "- " + $0 }.joined(separator: "\n")])
            if let recorded = try store.record(notice: notice) { stored.append(recorded) }
            writtenFinalReports.insert(owed.key)
            logger.notice(
                "Final result written",
                metadata: ["cadence": "\(owed.cadence.name)", "period": "\(owed.period)", "files": "\(paths.count)"])
        }
        delivery.stored(stored)
        return stored
    }
}
