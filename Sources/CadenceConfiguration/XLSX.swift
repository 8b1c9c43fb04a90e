import CadenceCore
import Foundation

/// A sheet of an .xlsx workbook (Office Open XML, ECMA-376 SpreadsheetML): its rows as text, each
/// with the row number the spreadsheet program shows.
public struct XLSXSheet: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// 1-based, as the program numbers it.
        public var number: Int
        /// The cells from column A on; an empty cell is "".
        public var cells: [String]

        public init(number: Int, cells: [String]) {
            self.number = number
            self.cells = cells
        }
    }

    public var name: String
    public var rows: [Row]
    /// Every sheet of the workbook, in order.
    public var sheetNames: [String] = []
}

/// Reads and writes .xlsx workbooks, as much as the ledger's sheets need: the cells' values as
/// text, shared and inline strings (rich text runs joined), numbers as the program shows them
/// (at most 15 significant digits), dates stored as serial day numbers given as `YYYY-MM-DD`
/// (with `HH:MM` when they have a time), booleans as `TRUE`/`FALSE`. Formulas give their last
/// computed value. Merged cells keep their value in their first cell.
public enum XLSX {
    /// Whether `bytes` start as a zip archive (an .xlsx file).
    public static func looksLikeXLSX(_ bytes: some Collection<UInt8>) -> Bool {
        Array(bytes.prefix(4)) == [0x50, 0x4b, 0x03, 0x04]
    }

    /// The sheet named `name`, or the first sheet.
    public static func read(_ bytes: [UInt8], sheet name: String? = nil) throws(ZipError) -> XLSXSheet {
        let archive = try ZipArchive(bytes)
        guard let workbook = try archive.member("xl/workbook.xml") else {
            throw ZipError("it is a zip archive but not an .xlsx workbook (no xl/workbook.xml)")
        }
        var sheets: [(name: String, relation: String)] = []
        XMLScanner.scan(workbook) { event in
            if case .start(let tag, let attributes) = event, tag == "sheet" {
                sheets.append((attributes["name"] ?? "", attributes["id"] ?? ""))
            }
        }
        guard !sheets.isEmpty else { throw ZipError("the workbook has no sheet") }
        let chosen: (name: String, relation: String)
        if let name {
            guard let found = sheets.first(where: { $0.name == name }) else {
                throw ZipError(
                    "the workbook has no sheet '\(name)'; its sheets: " + sheets.map(\.name).joined(separator: ", "))
            }
            chosen = found
        } else {
            chosen = sheets[0]
        }
        var targets: [String: String] = [:]
        if let relations = try archive.member("xl/_rels/workbook.xml.rels") {
            XMLScanner.scan(relations) { event in
                if case .start(let tag, let attributes) = event, tag == "Relationship", let id = attributes["Id"],
                    let target = attributes["Target"]
                {
                    targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                }
            }
        }
        let path = targets[chosen.relation] ?? "xl/worksheets/sheet1.xml"
        guard let sheet = try archive.member(path) else {
            throw ZipError("the sheet '\(chosen.name)' is missing (\(path))")
        }
        let strings = try sharedStrings(archive)
        let dateStyles = try self.dateStyles(archive)
        return XLSXSheet(
            name: chosen.name, rows: rows(sheet, strings: strings, dateStyles: dateStyles),
            sheetNames: sheets.map(\.name))
    }

    private static func sharedStrings(_ archive: ZipArchive) throws(ZipError) -> [String] {
        guard let data = try archive.member("xl/sharedStrings.xml") else { return [] }
        var strings: [String] = []
        var current = ""
        var inText = false
        // Phonetic runs (<rPh>, furigana and pinyin guides) are not part of the value.
        var inPhonetic = false
        XMLScanner.scan(data) { event in
            switch event {
            case .start("si", _): current = ""
            case .end("si"): strings.append(current)
            case .start("rPh", _): inPhonetic = true
            case .end("rPh"): inPhonetic = false
            case .start("t", _): inText = !inPhonetic
            case .end("t"): inText = false
            case .text(let text) where inText: current += text
            default: break
            }
        }
        return strings
    }

    /// For each cell style (`s=` of a cell), whether it shows a number as a date.
    private static func dateStyles(_ archive: ZipArchive) throws(ZipError) -> [DateStyle] {
        guard let data = try archive.member("xl/styles.xml") else { return [] }
        var formats: [Int: String] = [:]
        var styles: [DateStyle] = []
        var inCellXfs = false
        XMLScanner.scan(data) { event in
            switch event {
            case .start("numFmt", let attributes):
                if let id = attributes["numFmtId"].flatMap(Int.init) { formats[id] = attributes["formatCode"] ?? "" }
            case .start("cellXfs", _): inCellXfs = true
            case .end("cellXfs"): inCellXfs = false
            case .start("xf", let attributes) where inCellXfs:
                let id = attributes["numFmtId"].flatMap(Int.init) ?? 0
                styles.append(dateStyle(id: id, code: formats[id]))
            default: break
            }
        }
        return styles
    }

    /// How a cell style shows a number: as it is, as a date, or as a date with its time.
    public enum DateStyle: Sendable, Equatable {
        case number, date, dateTime
    }

    /// Whether a format shows a date (``dateStyle(id:code:)`` is not `.number`).
    public static func isDateFormat(id: Int, code: String?) -> Bool { dateStyle(id: id, code: code) != .number }

    /// The built-in date formats (14–17, 22, and the East Asian ones 27–31, 36, 50–58), or a format
    /// code with a year or a day in it outside quotes and brackets (with an hour: a date and
    /// time). Time-only formats and `General` show numbers.
    public static func dateStyle(id: Int, code: String?) -> DateStyle {
        if (14...17).contains(id) || (27...31).contains(id) || id == 36 || (50...58).contains(id) { return .date }
        if id == 22 { return .dateTime }
        guard var code else { return .number }
        // "General" is a number format whose letters are not date codes.
        code = code.replacingOccurrences(of: "general", with: "", options: .caseInsensitive)
        var quoted = false
        var bracket = false
        var escaped = false
        var date = false
        var hour = false
        for character in code {
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "\"": quoted.toggle()
            case "[": bracket = true
            case "]": bracket = false
            case "y", "Y", "d", "D", "e":
                if !quoted && !bracket { date = true }
            case "h", "H":
                if !quoted && !bracket { hour = true }
            default: break
            }
        }
        return date ? (hour ? .dateTime : .date) : .number
    }

    private static func rows(_ data: [UInt8], strings: [String], dateStyles: [DateStyle]) -> [XLSXSheet.Row] {
        var rows: [XLSXSheet.Row] = []
        var row: XLSXSheet.Row?
        var column = 0
        var type = ""
        var style = 0
        var value = ""
        var inValue = false
        var inInline = false
        XMLScanner.scan(data) { event in
            switch event {
            case .start("row", let attributes):
                let number = attributes["r"].flatMap(Int.init) ?? ((rows.last?.number ?? 0) + 1)
                row = XLSXSheet.Row(number: number, cells: [])
                column = 0
            case .end("row"):
                if var finished = row {
                    while finished.cells.last == "" { finished.cells.removeLast() }
                    rows.append(finished)
                }
                row = nil
            case .start("c", let attributes):
                if let reference = attributes["r"], let index = columnIndex(reference) { column = index }
                type = attributes["t"] ?? "n"
                style = attributes["s"].flatMap(Int.init) ?? 0
                value = ""
            case .end("c"):
                if row != nil {
                    let text = cellText(
                        type: type, value: value, style: style < dateStyles.count ? dateStyles[style] : .number,
                        strings: strings)
                    while row!.cells.count < column { row!.cells.append("") }
                    if row!.cells.count == column { row!.cells.append(text) } else { row!.cells[column] = text }
                }
                column += 1
            case .start("v", _): inValue = true
            case .end("v"): inValue = false
            case .start("is", _): inInline = true
            case .end("is"): inInline = false
            case .start("t", _) where inInline: inValue = true
            case .end("t") where inInline: inValue = false
            case .text(let text) where inValue: value += text
            default: break
            }
        }
        return rows
    }

    /// Excel writes characters XML 1.0 cannot carry, and a carriage return, as `_xHHHH_`
    /// (`_x005F_` escapes an underscore of the text itself).
    static func unescape(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "_x") {
            out += rest[..<start.lowerBound]
            let digits = rest[start.upperBound...].prefix(5)
            if digits.count == 5, digits.last == "_", let value = UInt32(digits.prefix(4), radix: 16),
                let scalar = Unicode.Scalar(value)
            {
                // A CRLF break is "_x000D_\n": the break stays one line feed.
                if value != 0x0D { out.unicodeScalars.append(scalar) }
                rest = rest[rest.index(start.upperBound, offsetBy: 5)...]
            } else {
                out += "_x"
                rest = rest[start.upperBound...]
            }
        }
        return out + rest
    }

    /// `C12` → 2 (column A is 0).
    /// Nil for no letters or more than XFD (16,384 columns, the program's limit).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 else { break }
            guard letters < 3 else { return nil }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters > 0 && index <= 16_384 ? index - 1 : nil
    }

    private static func cellText(type: String, value: String, style: DateStyle, strings: [String]) -> String {
        switch type {
        case "s": return unescape(Int(value).flatMap { $0 >= 0 && $0 < strings.count ? strings[$0] : nil } ?? "")
        case "inlineStr", "str": return unescape(value)
        case "e": return value
        case "b": return value == "1" ? "TRUE" : "FALSE"
        default:
            guard let number = Double(value) else { return value }
            // A date shown without its time is the date, whatever time the cell holds.
            if style != .number, let date = dateText(serial: style == .date ? number.rounded(.down) : number) {
                return date
            }
            return numberText(number)
        }
    }

    /// A number as a spreadsheet shows it in its general format: 15 significant digits at most.
    static func numberText(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        var text = String(format: "%.15g", number)
        if text.contains("e") { return text }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A serial day number (days since 1899-12-30, the 1900 date system) as `YYYY-MM-DD`, with
    /// ` HH:MM` when it has a time of day.
    public static func dateText(serial: Double) -> String? {
        guard serial >= 1, serial < 2_958_466 else { return nil }
        let days = Int(serial.rounded(.down))
        // LocalDate's day numbers count from 1970-01-01, serial 25569.
        let date = LocalDate(dayNumber: days - 25_569)
        let minutes = Int(((serial - Double(days)) * 1440).rounded())
        if minutes == 0 || minutes == 1440 { return date.description }
        return date.description + String(format: " %02d:%02d", minutes / 60, minutes % 60)
    }

    /// The sheet as CSV text for an import, every row as wide as the widest, and for each CSV
    /// line where a record starts the sheet's row number (problems are reported by those).
    public static func csv(_ sheet: XLSXSheet) -> (text: String, rowOfLine: [Int: Int]) {
        let width = sheet.rows.map(\.cells.count).max() ?? 0
        var rows: [[String]] = []
        var rowOfLine: [Int: Int] = [:]
        var line = 1
        for row in sheet.rows where row.cells.contains(where: { !$0.isEmpty }) {
            let cells = (row.cells + [String](repeating: "", count: width - row.cells.count)).map { cell in
                // Most cells have no carriage return: only those are rewritten (through Foundation, slow).
                cell.utf8.contains(13)
                    ? cell.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                    : cell
            }
            rowOfLine[line] = row.number
            line += 1 + cells.reduce(0) { $0 + $1.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } }
            rows.append(cells)
        }
        return (CSV.format(rows, escapeFormulas: false), rowOfLine)
    }
}
