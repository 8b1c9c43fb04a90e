import Foundation

/// The formats an evaluation report is written in.
public enum EvaluationFormat: String, CaseIterable, Sendable, Vocabulary {
    /// One self-contained page: inline SVG charts, no network, a print stylesheet for A4.
    case html
    /// Markdown, as notices are written.
    case md
    /// One row per unit, for spreadsheets.
    case csv
    /// Every figure, for programs.
    case json

    public var fileExtension: String { rawValue }
}

/// An evaluation report (一年一總評, 半年, or a ledger checkpoint) rendered from its figures, in
/// Simplified Chinese or English, with person names masked when asked (R30). Pure: no I/O.
public struct EvaluationReport: Sendable {
    public var assessment: EvaluationAssessment
    public var text: EvaluationText
    public var mask: Bool
    /// Who made it, for the footer (`cadenced 0.6`).
    public var generator: String
    /// How many items the HTML page and the Markdown list by name; the JSON lists them all.
    public var listLimit: Int
    /// Masking codes of person names (P1, P2, … in order of first appearance in the item list).
    let codes: [String: String]

    public init(
        _ figures: EvaluationFigures, language: NoticeLanguage, mask: Bool = false, generator: String = "cadenced",
        listLimit: Int = 1000
    ) {
        assessment = EvaluationAssessment(figures)
        text = EvaluationText(language: language)
        self.mask = mask
        self.generator = generator
        self.listLimit = listLimit
        var codes: [String: String] = [:]
        if mask {
            for item in figures.items {
                for person in item.responsible {
                    guard let name = person.person, codes[name] == nil else { continue }
                    codes[name] = "P\(codes.count + 1)"
                }
            }
        }
        self.codes = codes
    }

    public var figures: EvaluationFigures { assessment.figures }
    public var window: EvaluationWindow { figures.window }

    /// The report in `format`.
    public func render(_ format: EvaluationFormat) -> String {
        switch format {
        case .html: html()
        case .md: markdown()
        case .csv: csv()
        case .json: json()
        }
    }

    // MARK: - Shared pieces

    /// The title with the report's standing: `2026 年度总评（一年一总评）·初步结果` (no space after a
    /// full-width bracket), `… (一年一总评) · preliminary`.
    var title: String {
        text.title(window.variant, year: window.year) + (text.language == .zh ? "·" : " · ")
            + text.standingTag(final: window.isFinal)
    }

    /// What the standing means (a line under the title).
    var standingText: String {
        let through =
            window.recordsThrough > window.end ? LocalTimeText.format(window.recordsThrough, zone: window.zone) : nil
        return text.standing(final: window.isFinal, end: endText, recordsThrough: through)
    }

    /// `final` or `preliminary`, for programs.
    var standingName: String { window.isFinal ? "final" : "preliminary" }

    /// A person as the report shows them: the name, or under masking a code; a vacant role says so.
    func person(_ p: ResponsiblePerson?) -> String {
        guard let p else { return "" }
        guard let name = p.person else { return p.given == nil ? "" : (p.given ?? "") + text.vacant }
        return mask ? codes[name] ?? "P?" : name
    }

    func responsible(_ item: ListedItem, _ role: String) -> ResponsiblePerson? {
        item.responsible.first { $0.role == role }
    }

    /// Whole days past the deadline at the instant.
    func daysOverdue(_ item: ListedItem) -> Int {
        max(0, Int((window.asOf.timeIntervalSince(item.deadline) / 86_400).rounded(.down)))
    }

    /// A deadline as people write it: `2026-03-15` for one due at the end of that day (24:00),
    /// else `2026-03-15 17:30`.
    func deadlineText(_ date: Date) -> String {
        let (day, seconds) = LocalTimeConversion.split(date, in: window.zone)
        let s = Int(seconds.rounded(.down))
        if s == 0 { return day.adding(days: -1).description }
        return "\(day) \(CivilCalendar.pad(s / 3600, 2)):\(CivilCalendar.pad(s / 60 % 60, 2))"
    }

    /// The unit's name, marked when it was taken out of the tree.
    func unitName(_ unit: UnitFigures) -> String {
        guard let removed = unit.removedAt else { return unit.name }
        return unit.name + " " + text.removed(LocalDay.of(removed, in: window.zone).description)
    }

    var asOfText: String { LocalTimeText.format(window.asOf, zone: window.zone) }
    var startText: String { LocalDay.of(window.start, in: window.zone).description }
    var endText: String { LocalDay.of(window.end, in: window.zone).description }

    /// The label of a burn-down sample: the start, the month that has just ended, or the instant.
    func sampleLabel(_ at: Date) -> String {
        if at == window.start { return text.start }
        if let month = window.months.first(where: { $0.end == at }) { return text.monthName(month.number) }
        let day = LocalDay.of(at, in: window.zone)
        return "\(CivilCalendar.pad(day.month, 2))-\(CivilCalendar.pad(day.day, 2))"
    }

    /// Items listed by name (at most ``listLimit``) and how many are left out.
    var listedItems: (shown: ArraySlice<ListedItem>, more: Int) {
        let items = figures.items
        return (items.prefix(listLimit), max(0, items.count - listLimit))
    }

    /// The item's state, and when it was closed if that came after the instant.
    func stateText(_ item: ListedItem) -> String {
        guard let closed = item.closedLater else { return text.state(item.state) }
        return text.closedLater(LocalDay.of(closed, in: window.zone).description)
    }

    /// The ranking table's columns from the commitments on, the same on the page and in Markdown:
    /// their headers (`dutySuffix` after each duty's name: the page says "held/due" there).
    func figureHeaders(dutySuffix: String = "") -> [String] {
        let checkpoint = window.variant.isLedgerCheckpoint
        var headers =
            checkpoint
            ? [text.made, text.fulfilled, text.partial, text.unfulfilled, text.notEvaluated] : [text.commitments]
        headers += DutyCounts.kinds.map { text.duty($0) + dutySuffix }
        headers += [text.quotaMonths, text.carriedOver, text.opened, text.closedOnTime, text.closedLate]
        headers +=
            checkpoint
            ? [text.open, text.overdue, text.deferred, text.referred, text.escalated, text.accountability]
            : [text.overdue, text.deferred, text.escalated, text.accountability]
        if showsPlans { headers.append(planTasksHeader) }
        return headers
    }

    /// A unit's cells under ``figureHeaders(dutySuffix:)``.
    func figureCells(_ line: EvaluationAssessment.Line) -> [String] {
        let checkpoint = window.variant.isLedgerCheckpoint
        let unit = line.unit
        let (c, i) = (unit.commitments, unit.items)
        var cells =
            checkpoint
            ? ["\(c.made)", "\(c.fulfilled)", "\(c.partial)", "\(c.unfulfilled)", "\(c.notEvaluated)"]
            : [Self.fraction(c.fulfilled, c.made)]
        cells += DutyCounts.kinds.map { unit.duty($0) }.map { Self.fraction($0.held, $0.due) }
        let months = unit.quotaMonths
        cells += [
            Self.fraction(months.met, months.due), "\(i.carriedOver)", "\(i.opened)", "\(i.closedOnTime)",
            "\(i.closedLate)",
        ]
        cells +=
            checkpoint
            ? ["\(i.open)", "\(i.overdue)", "\(i.deferred)", "\(i.referred)", "\(i.escalated)", "\(i.accountability)"]
            : ["\(i.overdue)", "\(i.deferred)", "\(i.escalated)", "\(i.accountability)"]
        if showsPlans { cells.append(Self.fraction(unit.planTasks.met, unit.planTasks.due)) }
        return cells
    }

    /// `held/due`, or `—` when nothing is due.
    static func fraction(_ part: Int, _ whole: Int) -> String { whole == 0 ? "—" : "\(part)/\(whole)" }

    static func scoreText(_ line: EvaluationAssessment.Line) -> String {
        line.scoreTenths.map { EvaluationNumber.decimal(Double($0) / 10) } ?? "—"
    }
}
