public import CadenceConfiguration
import CadenceControl
public import CadenceCore
public import CadenceStore
public import Foundation

/// Makes evaluation reports from the ledger with the daemon's configuration: its zone, its
/// language, and the cadences whose periods units must hold (review, inspection, appraisal,
/// evaluation).
public struct EvaluationMaker {
    public let store: LedgerStore
    public let configuration: LoadedConfiguration

    public init(store: LedgerStore, configuration: LoadedConfiguration) {
        self.store = store
        self.configuration = configuration
    }

    /// The duty cadences by name.
    public var duties: [String: CadenceKind] {
        Dictionary(
            configuration.cadences.filter(\.kind.requiresRecord).map { ($0.name, $0.kind) },
            uniquingKeysWith: { first, _ in first })
    }

    /// The duty cadences that name the kinds of unit owing them (`Units=`), by name.
    public var owedBy: [String: Set<UnitKind>] {
        Dictionary(
            configuration.cadences.filter(\.kind.requiresRecord).compactMap { c in c.units.map { (c.name, $0) } },
            uniquingKeysWith: { first, _ in first })
    }

    /// The figures of `variant` for `year`, taken at `instant` (capped at the end of the window).
    /// - Throws: ``EvaluationMakerError`` when the year is out of range or has not begun at `instant`;
    ///   ``LedgerError/unknownUnit(_:)`` for an unknown unit.
    /// Taken after the window's end, records made up to `instant` count (the final result).
    public func figures(year: Int, variant: EvaluationVariant, unit: String?, at instant: Date) throws
        -> EvaluationFigures
    {
        guard (2000...2199).contains(year) else { throw EvaluationMakerError.yearOutOfRange(year) }
        guard
            let window = EvaluationWindow(
                year: year, variant: variant, zone: configuration.timeZone, at: instant)
        else {
            throw EvaluationMakerError.notBegun(
                year: year, at: LocalTimeText.format(instant, zone: configuration.timeZone))
        }
        var figures = try store.evaluationFigures(window: window, unit: unit, duties: duties, owedBy: owedBy)
        figures.plans = try plans(in: window)
        figures.targets = configuration.daemon.rateTargets
        var tasks: [String: PlanTasks] = [:]
        for plan in figures.plans {
            for (unit, task) in plan.tasks {
                tasks[unit, default: PlanTasks()].due += task.due
                tasks[unit, default: PlanTasks()].met += task.met
            }
        }
        for index in figures.units.indices {
            figures.units[index].planTasks = tasks[figures.units[index].id] ?? PlanTasks()
        }
        return figures
    }

    /// The report, ready to render.
    public func report(
        year: Int, variant: EvaluationVariant, unit: String?, at instant: Date, language: NoticeLanguage, mask: Bool
    ) throws -> EvaluationReport {
        EvaluationReport(
            try figures(year: year, variant: variant, unit: unit, at: instant), language: language, mask: mask,
            generator: "cadenced \(CadenceVersion.string)")
    }
}

/// Why a report cannot be made.
public enum EvaluationMakerError: Error, Equatable, CustomStringConvertible {
    case yearOutOfRange(Int)
    case notBegun(year: Int, at: String)

    public var description: String {
        switch self {
        case .yearOutOfRange(let year): "the year \(year) is not between 2000 and 2199"
        case .notBegun(let year, let at): "the year \(year) has not begun at \(at)"
        }
    }
}

/// `io.cadenced.Ledger.Evaluate`: an evaluation report as text (HTML, Markdown, CSV or JSON).
struct EvaluationRequest {
    let request: LedgerRequest

    func answer(_ call: EvaluateCall) throws -> [String: Any] {
        let manager = request.manager
        let year = call.year
        guard (2000...2199).contains(year) else {
            throw VarlinkError.invalidArgument("year", "\(year) is not between 2000 and 2199")
        }
        let variant = call.variant ?? .yearEnd
        let format = call.format ?? .md
        let language =
            call.language
            ?? manager.configuration.daemon.resolvedLanguage(lang: ProcessInfo.processInfo.environment["LANG"])
        var instant = request.now
        if let text = call.asOf {
            let zone = manager.configuration.timeZone
            if let day = LocalDate(text) {
                // A date: the end of that day, or now for today.
                guard day <= LocalDay.of(request.now, in: zone) else {
                    throw VarlinkError.invalidArgument("asOf", "'\(text)' is in the future")
                }
                instant = min(LocalDay.instant(day, secondsOfDay: 86_400, in: zone), request.now)
            } else if let parsed = ISOTimestamp.parse(text) {
                guard parsed <= request.now else {
                    throw VarlinkError.invalidArgument("asOf", "'\(text)' is in the future")
                }
                instant = parsed
            } else {
                throw VarlinkError.invalidArgument(
                    "asOf", "'\(text)' is not a date (YYYY-MM-DD) or an ISO 8601 instant")
            }
        }
        let report: EvaluationReport
        do {
            report = try EvaluationMaker(store: manager.store, configuration: manager.configuration).report(
                year: Int(year), variant: variant, unit: call.unit, at: instant, language: language,
                mask: call.mask)
        } catch let error as EvaluationMakerError {
            throw VarlinkError.invalidArgument("year", error.description)
        }
        return [
            "text": report.render(format), "units": report.figures.units.count,
            "asOf": ISOTimestamp.utc(report.window.asOf),
        ]
    }
}
