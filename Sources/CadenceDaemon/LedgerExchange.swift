import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

/// A sheet's unit column: a unit's id, or a name only one unit has (甲县卫生健康局 → county-a).
struct UnitNames {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    private let ids: Set<String>
    private let byName: [String: [String]]

    init(_ units: [UnitRecord]) {
        ids = Set(units.map(\.id))
        byName = Dictionary(grouping: units, by: \.name).mapValues { $0.map(\.id).sorted() }
    }

    func resolve(_ text: String) -> Result<String, Problem> {
        if ids.contains(text) { return .success(text) }
        switch byName[text] ?? [] {
        case let found where found.count == 1: return .success(found[0])
        case let found where found.count > 1:
            return .failure(
                Problem(
                    description:
                        "unit '\(text)' is the name of \(found.count) units (\(found.joined(separator: ", "))): give its id"
                ))
        default: return .success(text)  // unknown: the store says so, with the row
        }
    }
}

/// Imports and exports units, commitments and items as CSV or JSON. An import checks every row —
/// its fields, then what the ledger says of it (unknown unit, duplicate id, no first responsible
/// person) — and writes nothing unless every row is good; a dry run only reports.
struct LedgerExchange {
    let request: LedgerRequest

    var manager: Manager { request.manager }

    /// Rows of a file: each with its line (CSV) or element number (JSON) and its values by column.
    ///
    /// A CSV sheet as an office keeps it: title rows above the header (「××县整改台账」) are skipped
    /// (the header is the first row naming every required column), rows with nothing in them are
    /// skipped, and columns the ledger does not know (备注) are ignored, named in `ignored`.
    func rows(kind: ExchangeKind, format: ExchangeFormat, text: String) throws -> (
        rows: [(line: Int, values: [String: String])], problems: [RowProblem], ignored: [String]
    ) {
        switch format {
        case .csv:
            let table: (header: [String], rows: [CSVRecord])
            do {
                let records = try CSV.parse(text).filter { record in
                    record.fields.contains { !Self.trimmed($0).isEmpty }
                }
                let headerIndex =
                    records.prefix(10).firstIndex { record in
                        let names = Set(
                            record.fields.map { kind.column(Self.trimmed($0)) })
                        return kind.required.isSubset(of: names)
                    } ?? 0
                table = try CSV.table(Array(records[min(headerIndex, records.count)...]))
            } catch let error as CSVError {
                return ([], [RowProblem(line: error.line, reason: error.reason)], [])
            } catch let error as CSVTableError {
                return ([], error.errors.map { RowProblem(line: $0.line, reason: $0.reason) }, [])
            }
            let header = table.header.map(kind.column)
            var problems: [RowProblem] = []
            let known = Set(kind.columns + kind.exportOnly)
            let ignored = zip(table.header, header).filter { !known.contains($0.1) }.map(\.0)
            let headerLine = (table.rows.first?.line).map { _ in 1 } ?? 1
            for name in kind.required.sorted() where !header.contains(name) {
                let names = ExchangeKind.headers(for: name)
                problems.append(
                    RowProblem(
                        line: headerLine,
                        reason: "the column '\(name)'"
                            + (names.isEmpty ? "" : " (" + names.joined(separator: ", ") + ")")
                            + " is missing; the sheet's columns are: " + table.header.joined(separator: ", ")))
            }
            if !problems.isEmpty { return ([], problems, []) }
            return (
                table.rows.map { record in
                    var values: [String: String] = [:]
                    for (index, name) in header.enumerated() where index < record.fields.count && known.contains(name) {
                        var value = Self.trimmed(record.fields[index])
                        // Our exports protect cells from spreadsheet formulas with a leading quote.
                        if value.hasPrefix("'"), let next = value.dropFirst().first, "=+-@".contains(next) {
                            value.removeFirst()
                        }
                        if !value.isEmpty { values[name] = value }
                    }
                    return (record.line, values)
                }, [], ignored
            )
        case .json:
            guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
                return ([], [RowProblem(line: 1, reason: "the JSON text is not an array of objects")], [])
            }
            var rows: [(Int, [String: String])] = []
            var problems: [RowProblem] = []
            let known = Set(kind.columns + kind.exportOnly)
            for (index, element) in array.enumerated() {
                guard let object = element as? [String: Any] else {
                    problems.append(RowProblem(line: index + 1, reason: "element \(index + 1) is not an object"))
                    continue
                }
                var values: [String: String] = [:]
                for (key, value) in object {
                    guard known.contains(key) else {
                        problems.append(RowProblem(line: index + 1, reason: "unknown field '\(key)'"))
                        continue
                    }
                    switch value {
                    case let s as String: if !Self.trimmed(s).isEmpty { values[key] = s }
                    case is NSNull: break
                    case let n as NSNumber: values[key] = n.stringValue
                    default: problems.append(RowProblem(line: index + 1, reason: "'\(key)' is not a string or number"))
                    }
                }
                rows.append((index + 1, values))
            }
            return (rows, problems, [])
        }
    }

    /// A cell without the spaces around it (ASCII and ideographic): `trimmingCharacters` goes
    /// through NSString, which costs seconds over an import of 100,000 rows.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return text }
        func space(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\u{3000}" || s == "\u{A0}" }
        guard space(first) || space(last) else { return text }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, space(scalars[start]) { start = scalars.index(after: start) }
        while end > start, space(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }

    /// - Parameter update: apply the rows that match an item already in the ledger but differ from it
    ///   (items only); without it they are reported and left as they are.
    func importRows(kind: ExchangeKind, format: ExchangeFormat, text: String, dryRun: Bool, update: Bool = false)
        throws -> [String: Any]
    {
        let (rows, fileProblems, ignored) = try rows(kind: kind, format: format, text: text)
        var problems = fileProblems
        for row in rows {
            for name in kind.required.sorted() where row.values[name] == nil {
                problems.append(RowProblem(line: row.line, reason: "'\(name)' is empty"))
            }
            for (name, value) in row.values where value.utf8.count > ControlParameters.maximumText {
                problems.append(RowProblem(line: row.line, reason: "'\(name)' is longer than 4096 bytes"))
            }
        }
        func check(_ body: () throws -> Void) { Self.collect(&problems, body) }
        let valid = { (row: (line: Int, values: [String: String])) in
            !problems.contains { $0.line == row.line }
        }
        let store = manager.store
        let now = request.now
        let actor = request.actor
        switch kind {
        case .units:
            var units: [NewUnit] = []
            for row in rows where valid(row) {
                let v = row.values
                guard let kindValue = UnitKind(rawValue: v["kind"] ?? "") else {
                    problems.append(
                        RowProblem(
                            line: row.line,
                            reason: "kind '\(v["kind"] ?? "")' is not one of: " + UnitKind.names))
                    continue
                }
                var quota: Int?
                if let text = v["quota"] {
                    guard let number = Int(text) else {
                        problems.append(RowProblem(line: row.line, reason: "quota '\(text)' is not a number"))
                        continue
                    }
                    quota = number
                }
                // A regional holiday file of Regional= (R28), as `units add --holidays` takes it.
                if let holidays = v["holidays"], let refusal = manager.configuration.regionalRefusal(holidays) {
                    problems.append(RowProblem(line: row.line, reason: "holidays " + refusal))
                    continue
                }
                units.append(
                    NewUnit(
                        id: v["id"]!, name: v["name"]!, kind: kindValue, parent: v["parent"], quota: quota,
                        specialty: v["specialty"], grade: v["grade"], liaison: v["liaison"], holidays: v["holidays"],
                        sourceLine: row.line))
            }
            // One pass: the store checks every row and writes only if all are good and this is no dry run.
            let onlyCheck = dryRun || !problems.isEmpty
            check { try store.addUnits(units, at: now, actor: actor, dryRun: onlyCheck) }
            return reply(kind, rows.count, problems, dryRun, ignored: ignored)
        case .persons:
            let units = try UnitNames(request.store.units())
            var good: [(line: Int, values: [String: String])] = []
            for row in rows where valid(row) {
                var row = row
                if let unit = row.values["unit"] {
                    switch units.resolve(unit) {
                    case .success(let id): row.values["unit"] = id
                    case .failure(let reason):
                        problems.append(RowProblem(line: row.line, reason: reason.description))
                        continue
                    }
                }
                good.append(row)
            }
            let persons = good.map { row in
                let v = row.values
                return PersonRecord(
                    id: v["id"]!, name: v["name"]!, unit: v["unit"], mobile: v["mobile"], email: v["email"],
                    dingtalk: v["dingtalk"], wecom: v["wecom"], feishu: v["feishu"], account: v["account"])
            }
            let onlyCheck = dryRun || !problems.isEmpty
            check {
                try store.addPersons(persons, lines: good.map(\.line), at: now, actor: actor, dryRun: onlyCheck)
            }
            return reply(kind, rows.count, problems, dryRun, ignored: ignored)
        case .commitments:
            var commitments: [NewCommitment] = []
            let thisYear = LocalDay.of(now, in: manager.configuration.timeZone).year
            let units = try UnitNames(request.store.units())
            for row in rows where valid(row) {
                var v = row.values
                switch units.resolve(v["unit"]!) {
                case .success(let id): v["unit"] = id
                case .failure(let reason):
                    problems.append(RowProblem(line: row.line, reason: reason.description))
                    continue
                }
                var year = thisYear
                if let text = v["year"] {
                    guard let number = Int(text) else {
                        problems.append(RowProblem(line: row.line, reason: "year '\(text)' is not a number"))
                        continue
                    }
                    year = number
                }
                var published: LocalDate?
                if let text = v["publishedOn"] {
                    guard let date = LocalDate(text) ?? OfficeDate.normalized(text).flatMap(LocalDate.init) else {
                        problems.append(
                            RowProblem(
                                line: row.line,
                                reason: "publishedOn '\(text)' "
                                    + (OfficeDate.problem(text) ?? "is not a date (2026-10-31, 2026/10/31, 2026年10月31日)")
                            ))
                        continue
                    }
                    published = date
                }
                commitments.append(
                    NewCommitment(
                        unit: v["unit"]!, member: v["member"], post: v["post"], direction: v["direction"], year: year,
                        text: v["text"]!, publishedOn: published, sourceLine: row.line))
            }
            let onlyCheck = dryRun || !problems.isEmpty
            check { try store.addCommitments(commitments, at: now, actor: actor, dryRun: onlyCheck) }
            if !onlyCheck && problems.isEmpty {
                for (year, group) in Dictionary(grouping: commitments, by: \.year) {
                    check {
                        try request.closeMissedCommitments(
                            units: Array(Set(group.map(\.unit))).sorted(), year: year, by: "an imported commitment")
                    }
                }
            }
            return reply(kind, rows.count, problems, dryRun, ignored: ignored)
        case .items:
            return try importItems(rows, problems: problems, dryRun: dryRun, update: update, ignored: ignored)
        case .reviews, .reports, .evaluations:
            return try importRecords(kind: kind, rows, problems: problems, dryRun: dryRun, ignored: ignored)
        }
    }

    /// Runs a store call, adding the rows it refuses (or its error) to `problems`.
    static func collect(_ problems: inout [RowProblem], _ body: () throws -> Void) {
        do {
            try body()
        } catch LedgerError.badRows(let found) {
            problems += found
        } catch {
            problems.append(RowProblem(line: 0, reason: "\(error)"))
        }
    }

    func reply(_ kind: ExchangeKind, _ rows: Int, _ problems: [RowProblem], _ dryRun: Bool, ignored: [String])
        -> [String: Any]
    {
        let sorted = problems.sorted { ($0.line, $0.reason) < ($1.line, $1.reason) }
        var answer: [String: Any] = [
            "kind": kind.rawValue, "rows": rows, "dryRun": dryRun,
            "imported": sorted.isEmpty && !dryRun ? rows : 0,
            "problems": sorted.map { ["line": $0.line, "reason": $0.reason] as [String: Any] },
        ]
        if !ignored.isEmpty { answer["ignored"] = ignored }
        return answer
    }

}
