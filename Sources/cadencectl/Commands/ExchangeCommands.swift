import CadenceConfiguration
import ArgumentParser
import CadenceControl
import CadenceCore
import Foundation

/// `cadencectl import`: units, commitments, items, the directory of persons, or the records of
/// reviews held, reports submitted and commitments evaluated, from a spreadsheet file.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import units, commitments, items, persons or records from a sheet (all or nothing).",
        discussion: """
            CSV as spreadsheets write it: UTF-8 with or without BOM, UTF-16 with BOM, or \
            GB18030 (found automatically; --encoding to insist). The first row names the columns:
            \(columnsHelp)
            Chinese headers such as 单位, 问题, 整改时限, 第一责任人, 序号 (and for the office's \
            contact sheet 人员编号, 姓名, 所在单位, 手机, 邮箱) are understood. Every row is \
            checked; if any is bad, each problem is printed with its line and nothing is imported. \
            Imported items may already be overdue. An export imports back.

            Importing the same sheet again adds nothing: a row is the item of the same unit and \
            number (序号/编号), or without a number column the same unit and problem as a row \
            imported before (an item added by hand: the same problem and deadline). A row that \
            differs from its item is listed, and changed only with --update. A row added by \
            mistake is taken out with cadencectl item remove.

            Records of what was done import the same way (an office starting mid-year brings its \
            earlier records in): reviews held (类型 点评/检查/评议/总评, 举行日期), reports submitted \
            (标题, 报送日期) and commitments' evaluations (承诺编号, 兑现情况 已兑现/部分兑现/未兑现, \
            评价期; an exported commitments sheet with 兑现情况 filled in imports as evaluations). \
            Each row is checked as its single command would be; a record already in the ledger is \
            not added again.

            Examples:
              cadencectl import units units.csv --dry-run
              cadencectl import items 整改台账.csv
              cadencectl import items 整改台账.csv --update
              cadencectl import commitments commitments.json
              cadencectl import persons 通讯录.csv --dry-run
              cadencectl import reviews 点评记录.xlsx
              cadencectl import evaluations 承诺兑现.csv
            """)
    @OptionGroup var socket: SocketOptions
    @Argument(help: "units, commitments, items, persons, reviews, reports or evaluations.") var kind: String
    @Argument(help: "The file (- for standard input).") var file: String
    @Option(help: "csv or json (default: by the file name, else csv; an .xlsx file is read as a workbook).")
    var format: ExchangeFormat?
    @Option(help: "The sheet of an .xlsx workbook to read (default: the first).") var sheet: String?
    @Option(help: "auto, utf8, gb18030 or utf16.") var encoding = "auto"
    @Flag(help: "Check every row and report; import nothing.") var dryRun = false
    @Flag(help: "Apply the rows that differ from the items already imported from them (items).") var update = false
    @Flag(help: "Print the result as JSON.") var json = false

    /// The columns of each kind: the required ones, then the others in brackets, wrapped under
    /// the first column within the parser's 80.
    static var columnsHelp: String {
        ExchangeKind.allCases.map { kind in
            let optional = kind.columns.filter { !kind.required.contains($0) }
            let text =
                kind.columns.filter { kind.required.contains($0) }.joined(separator: ", ")
                + (optional.isEmpty ? "" : "[, " + optional.joined(separator: ", ") + "]")
            var lines = ["  " + "\(kind.rawValue):".padding(toLength: 12, withPad: " ", startingAt: 0)]
            for word in text.split(separator: " ") {
                if lines[lines.count - 1].count + word.count >= 79 { lines.append(String(repeating: " ", count: 14)) }
                lines[lines.count - 1] += " " + word
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    func validate() throws {
        guard ExchangeKind(rawValue: kind) != nil else {
            throw ValidationError(
                "'\(kind)' cannot be imported: " + ExchangeKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard TextEncodingChoice(rawValue: encoding) != nil else {
            throw ValidationError("--encoding must be auto, utf8, gb18030 or utf16")
        }
    }

    func run() throws {
        let choice = TextEncodingChoice(rawValue: encoding) ?? .auto
        let data: Data
        do {
            data =
                file == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            printError("cannot read \(file): \(error.localizedDescription)")
            throw ExitCode(66)  // EX_NOINPUT
        }
        var text: String
        var format = self.format ?? (file.lowercased().hasSuffix(".json") ? .json : .csv)
        // Problems are reported by the sheet's row numbers, as the program shows them.
        var rowOfLine: [Int: Int]?
        var otherSheets: [String] = []
        do {
            if XLSX.looksLikeXLSX(data) || file.lowercased().hasSuffix(".xlsx") {
                let workbook = try XLSX.read(Array(data), sheet: sheet)
                (text, rowOfLine) = XLSX.csv(workbook)
                otherSheets = workbook.sheetNames.filter { $0 != workbook.name }
                format = .csv
            } else {
                if sheet != nil {
                    printError("--sheet applies to an .xlsx workbook; \(file) is not one")
                    throw ExitCode(64)
                }
                text = try SpreadsheetText.decode(data, as: choice).text
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("\(file): \(error)")
            throw ExitCode(65)  // EX_DATAERR
        }
        // The reply's lines, once mapped to the sheet's rows below.
        func shown(_ line: Any?) -> String { (line as? Int).map(String.init) ?? "?" }
        let call = ImportCall {
            ($0.kind, $0.format, $0.text) = (ExchangeKind(rawValue: kind) ?? .items, format, text)
            ($0.dryRun, $0.update) = (dryRun, update)
        }
        var reply = try socket.call(call)
        if let rowOfLine {
            for key in ["problems", "changed"] {
                reply[key] = (reply[key] as? [[String: Any]])?.map { entry in
                    var entry = entry
                    if let line = entry["line"] as? Int { entry["line"] = rowOfLine[line] ?? line }
                    return entry
                }
            }
        }
        let problems = reply["problems"] as? [[String: Any]] ?? []
        if json {
            print(jsonLine(reply))
        } else {
            if let ignored = reply["ignored"] as? [String], !ignored.isEmpty {
                printError("\(file): columns not in the ledger, ignored: " + ignored.joined(separator: ", "))
            }
            for problem in problems { printError("\(file):\(shown(problem["line"])): \(problem["reason"] ?? "")") }
            let rows = reply["rows"] ?? 0
            if !problems.isEmpty {
                printError("\(problems.count) problems in \(rows) rows; nothing imported.")
                if rows as? Int == 0, !otherSheets.isEmpty {
                    printError("The workbook has other sheets: \(otherSheets.joined(separator: ", ")) (--sheet NAME).")
                }
            } else if dryRun {
                print("\(rows) rows are good; nothing imported (dry run).")
            } else {
                print("Imported \(reply["imported"] ?? 0) \(kind).")
            }
            if problems.isEmpty, let unchanged = reply["unchanged"] as? Int, unchanged > 0 {
                print("\(unchanged) rows are already in the ledger as they are; not added again.")
            }
            let changed = reply["changed"] as? [[String: Any]] ?? []
            if problems.isEmpty, !changed.isEmpty {
                for change in changed {
                    let fields = (change["fields"] as? [[String: Any]] ?? []).map {
                        "\($0["name"] ?? "?") '\($0["from"] ?? "")' → '\($0["to"] ?? "")'"
                    }
                    print(
                        "\(file):\(shown(change["line"])): item #\(change["item"] ?? "?"): "
                            + fields.joined(separator: ", "))
                }
                if (reply["updated"] as? Int ?? 0) > 0 {
                    print("Updated \(changed.count) items from their rows.")
                } else {
                    print(
                        "\(changed.count) rows differ from the items imported from them; "
                            + (dryRun ? "" : "nothing changed: ") + "give --update to apply them.")
                }
            }
        }
        if !problems.isEmpty { throw ExitCode(65) }
    }
}

/// `cadencectl export`: units, commitments, items, persons or records as CSV, JSON or .xlsx.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export units, commitments, items, persons or records as CSV, JSON or .xlsx.",
        discussion: """
            CSV cells that a spreadsheet would run as a formula (=, +, -, @ …) get a leading '. \
            --mask masks people (names, mobiles, e-mail) for a copy that leaves the office; it is \
            for reading, not for importing back.
            Examples:
              cadencectl export items --unit county-a > county-a.csv
              cadencectl export commitments --unit county-a --encoding gb18030 > 公示.csv
            """)
    @OptionGroup var socket: SocketOptions
    @Argument(help: "units, commitments, items, persons, reviews, reports or evaluations.") var kind: String
    @Option(help: "csv, json or xlsx (an Excel workbook; redirect it to a file).") var format = ExportFormat.csv
    @Option(help: "Only this unit's (and for units, its sub-units).") var unit: String?
    @Option(help: "utf8 or gb18030 (for spreadsheet programs on Chinese Windows).") var encoding = "utf8"
    @Flag(help: "Start UTF-8 with a byte order mark (Excel).") var bom = false
    @Flag(help: "Mask people (孙三 → 孙*, mobiles and e-mail in part) for a copy that leaves the office.")
    var mask = false

    func validate() throws {
        guard ExchangeKind(rawValue: kind) != nil else {
            throw ValidationError(
                "'\(kind)' cannot be exported: " + ExchangeKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let choice = TextEncodingChoice(rawValue: encoding), choice != .auto else {
            throw ValidationError("--encoding must be utf8, gb18030 or utf16")
        }
    }

    func run() throws {
        let choice = TextEncodingChoice(rawValue: encoding) ?? .utf8
        let exchange: ExchangeFormat = format == .json ? .json : .csv
        if format == .xlsx && isatty(STDOUT_FILENO) == 1 {
            printError(
                "an .xlsx workbook is not for a terminal: redirect it (cadencectl export \(kind) --format xlsx > \(kind).xlsx)"
            )
            throw ExitCode(64)
        }
        let call = ExportCall {
            ($0.kind, $0.format, $0.unit, $0.mask) = (ExchangeKind(rawValue: kind) ?? .items, exchange, unit, mask)
        }
        let text = try socket.call(call)["text"] as? String ?? ""
        if format == .xlsx {
            // A workbook's cells are text, never formulas: the CSV's guard quote is not needed there.
            let rows = try CSV.parse(text).map { record in
                record.fields.map { field in
                    field.hasPrefix("'") && field.dropFirst().first.map { "=+-@".contains($0) } == true
                        ? String(field.dropFirst()) : field
                }
            }
            FileHandle.standardOutput.write(Data(try XLSX.write(sheet: kind, rows: rows)))
            return
        }
        FileHandle.standardOutput.write(Data(try SpreadsheetText.encode(text, as: choice, bom: bom)))
    }
}

/// What `cadencectl export` writes: the daemon's CSV or JSON, or a workbook made of the CSV.
enum ExportFormat: String, CaseIterable, ExpressibleByArgument {
    case csv, json, xlsx
}
