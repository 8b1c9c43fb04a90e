import CadenceConfiguration
import ArgumentParser
import CadenceControl
import CadenceCore
import Foundation

/// `cadencectl evaluate`: the year-end overall evaluation (一年一总评) and its mid-year and
/// ledger-checkpoint variants.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Make the year-end overall evaluation (一年一总评) or a mid-year or ledger-checkpoint report.",
        discussion: """
            Per unit: commitments made and fulfilled, reviews, inspections, appraisals and evaluations held \
            against those due, information reports against the quota month by month, rectification items \
            (carried over, opened, closed on time, closed late, overdue, deferred, referred, escalated), the \
            main rates of the campaign, and a ranking whose rule the report states. The HTML page is one self-contained \
            file with charts (a ranking table, a quota heat map, a burn-down, the items still overdue) that \
            prints on A4.

            Variants: year-end (default), mid-year (January to June), ledger-opening, ledger-check and \
            ledger-call-in (年初建账、年中查账、年底要账: the ledger by unit and every open item, no ranking).

            Examples:
              cadencectl evaluate --year 2026 --format html -o 2026总评.html
              cadencectl evaluate --year 2026 --format csv --encoding gb18030 > 2026总评.csv
              cadencectl evaluate --year 2026 --variant mid-year --unit county-a --mask
              cadencectl evaluate --year 2025 --variant ledger-call-in --as-of 2025-12-31 --format json
            """)

    @OptionGroup var socket: SocketOptions
    @Option(help: "The year (default: the current one).") var year: Int?
    @Option(help: "Which report.") var variant: EvaluationVariant = .yearEnd
    @Option(help: "Only this unit and its sub-units.") var unit: String?
    @Option(help: "Its format.") var format: EvaluationFormat = .md
    @Option(help: "Its language (default: the daemon's Language=).") var language: NoticeLanguage?
    @Flag(help: "Replace person names with codes.") var mask = false
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "Figures at the end of this day, or at this ISO 8601 instant (default: now).", valueName: "DATE"))
    var asOf: String?
    @Option(name: [.customShort("o"), .long], help: "Write to this file instead of standard output.")
    var output: String?
    @Option(help: "For md and csv: the text encoding (not auto).") var encoding: TextEncodingChoice = .utf8
    @Flag(help: "Start UTF-8 with a byte order mark (Excel).") var bom = false

    func validate() throws {
        guard encoding != .auto else {
            throw ValidationError("--encoding must be utf8, gb18030 or utf16")
        }
        if encoding != .utf8 || bom, format == .html || format == .json {
            throw ValidationError("--encoding and --bom apply to md and csv; HTML and JSON are UTF-8")
        }
    }

    func run() throws {
        let call = EvaluateCall {
            $0.year = Int64(year ?? Calendar(identifier: .gregorian).component(.year, from: Date()))
            ($0.variant, $0.format, $0.mask, $0.unit) = (variant, format, mask, unit)
            ($0.language, $0.asOf) = (language, asOf)
        }
        let text = try socket.call(call)["text"] as? String ?? ""
        try writeOutput(Data(try SpreadsheetText.encode(text, as: encoding, bom: bom)), to: output)
    }
}
