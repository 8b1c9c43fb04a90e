import CadenceConfiguration
import CadenceCore
import CadenceStore
import Foundation
import Logging

/// Writes the evaluation reports a cadence asks for (`Report=`, by default the year-end evaluation
/// of a cadence of kind `evaluation`) into the notice directory, next to the occurrence's notice:
/// the page (HTML), the page with names masked for circulation (R30), Markdown, and CSV (UTF-8 with
/// a byte order mark, for spreadsheets).
///
/// The manager calls it for the occurrences it is about to record. File names are fixed by the
/// cadence, period and variant, and a file is linked into place only when absent, so a report is
/// written once: after a crash before the occurrence was recorded, the next run finds the files.
struct EvaluationReportWriter {
    let store: LedgerStore
    let configuration: LoadedConfiguration
    let files: NoticeFileWriter
    let language: NoticeLanguage
    let logger: Logger

    /// The files of one report: (format, masked).
    static let outputs: [(EvaluationFormat, Bool)] = [(.html, false), (.html, true), (.md, false), (.csv, false)]

    func write(_ cadence: Cadence, _ occurrences: [Occurrence], at now: Date) {
        for occurrence in occurrences {
            guard let (year, variants) = cadence.reportVariants(for: occurrence.period) else { continue }
            do {
                guard try !store.isRecorded(cadence: cadence.name, period: occurrence.period) else { continue }
                for variant in variants {
                    try write(
                        cadence, period: occurrence.period, filedAt: occurrence.effective, year: year,
                        variant: variant, at: now)
                }
            } catch {
                logger.error(
                    "Failed to write the evaluation report, ignoring",
                    metadata: ["cadence": "\(cadence.name)", "period": "\(occurrence.period)", "error": "\(error)"])
            }
        }
    }

    /// Writes one report's files (those not there yet), filed under the day of `filedAt`, with the
    /// figures taken at `now`; `final` names them as the final result.
    /// - Returns: the files' paths, relative to the notice directory.
    @discardableResult
    func write(
        _ cadence: Cadence, period: PeriodKey, filedAt: Date, year: Int, variant: EvaluationVariant, at now: Date,
        final: Bool = false
    ) throws -> [String] {
        let paths = Self.outputs.map { format, masked in
            EvaluationFileName.relativePath(
                cadence: cadence.name, period: period, variant: variant, at: filedAt, zone: configuration.timeZone,
                masked: masked, format: format, final: final)
        }
        guard !paths.allSatisfy(files.exists) else { return paths }
        let maker = EvaluationMaker(store: store, configuration: configuration)
        let figures = try maker.figures(year: year, variant: variant, unit: nil, at: now)
        let generator = "cadenced \(CadenceVersion.string)"
        for ((format, masked), path) in zip(Self.outputs, paths) {
            let report = EvaluationReport(figures, language: language, mask: masked, generator: generator)
            let text = report.render(format)
            let data = format == .csv ? Data(try SpreadsheetText.encode(text, as: .utf8, bom: true)) : Data(text.utf8)
            if try files.writeOnce(path, data) {
                logger.info(
                    "Wrote evaluation report",
                    metadata: ["cadence": "\(cadence.name)", "period": "\(period)", "file": "\(path)"])
            }
        }
        return paths
    }
}
