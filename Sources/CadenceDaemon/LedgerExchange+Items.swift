import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

extension LedgerExchange {
    /// Imports items: each row's unit, deadline and choices checked, then matched to the ledger by
    /// its key (unit and number, or unit and problem), so that a second import adds nothing; rows
    /// that differ are reported, and applied with `update`.
    func importItems(
        _ rows: [(line: Int, values: [String: String])], problems found: [RowProblem], dryRun: Bool, update: Bool,
        ignored: [String]
    ) throws -> [String: Any] {
        var problems = found
        func check(_ body: () throws -> Void) { Self.collect(&problems, body) }
        let valid = { (row: (line: Int, values: [String: String])) in !problems.contains { $0.line == row.line } }
        let store = manager.store
        let now = request.now
        let actor = request.actor
        let kind = ExchangeKind.items
        var items: [NewItem] = []
        var deadlines: [String: (instant: Date, date: String?)?] = [:]
        let units = try UnitNames(request.store.units())
        for row in rows where valid(row) {
            var v = row.values
            var bad: [String] = []
            switch units.resolve(v["unit"]!) {
            case .success(let id): v["unit"] = id
            case .failure(let reason): bad.append(reason.description)
            }
            var text = v["deadline"]!
            // A date cell that reached the CSV as Excel's serial day number (45000 = 2023-03-15).
            if text.utf8.count == 5, text.utf8.allSatisfy({ (48...57).contains($0) }), let serial = Double(text),
                (20_000...80_000).contains(serial),
                let date = XLSX.dateText(serial: serial)
            {
                text = date
            }
            // A date cell that also holds a time (2026-10-31 14:23): the deadline is that day.
            if text.utf8.count == 16, text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: 10)] == 32,
                LocalDate(text.prefix(10)) != nil
            {
                text = String(text.prefix(10))
            }
            let deadline: (instant: Date, date: String?)?
            if let known = deadlines[text] {
                deadline = known
            } else {
                deadline = manager.parseDeadline(text, at: now)
                deadlines[text] = deadline
            }
            if deadline == nil {
                if let problem = OfficeDate.problem(text) {
                    bad.append("deadline '\(v["deadline"]!)' \(problem)")
                } else {
                    bad.append(
                        "deadline '\(v["deadline"]!)' is not a date (2026-10-31, 2026/10/31, 2026年10月31日), "
                            + "+N, +Nwd or an instant")
                }
            }
            func choice<E: Vocabulary>(_ name: String, _ type: E.Type) -> E? {
                guard let text = v[name] else { return nil }
                switch E.named(text) {
                case .success(let value): return value
                case .failure(let error):
                    bad.append("\(name) \(error)")
                    return nil
                }
            }
            // 发现日期: when the problem was found, the item's creation (not after today).
            var foundOn: Date?
            if let text = v["foundOn"] {
                let typed = text.utf8.count == 16 ? String(text.prefix(10)) : text
                switch Self.date(typed, "foundOn") {
                case .success(let day) where day > request.today:
                    bad.append("foundOn \(day) is in the future")
                case .success(let day):
                    foundOn = LocalDay.instant(day, secondsOfDay: 0, in: manager.configuration.timeZone)
                case .failure(let problem): bad.append(problem.reason)
                }
            }
            let source = choice("source", ItemSource.self)
            let scope = choice("scope", ItemScope.self)
            let urgency = choice("urgency", ItemPriority.self)
            let difficulty = choice("difficulty", ItemPriority.self)
            if !bad.isEmpty {
                problems += bad.map { RowProblem(line: row.line, reason: $0) }
                continue
            }
            items.append(
                NewItem(
                    unit: v["unit"]!, title: v["title"]!, deadline: deadline!.instant,
                    source: source ?? .selfExamination,
                    scope: scope, urgency: urgency, difficulty: difficulty, texts: ItemTexts { v[$0.name] },
                    first: v["first"], main: v["main"], direct: v["direct"], sourceLine: row.line,
                    deadlineDate: deadline!.date))
            items[items.count - 1].foundOn = foundOn
            // Counted from when cadenced learns of it: a complaint found long ago is not overdue on arrival.
            items[items.count - 1].replyDueAt = manager.replyDue(
                source: source ?? .selfExamination, recordedAt: now, unit: items[items.count - 1].unit)
        }
        // Each row has a key: its unit and number (序号/编号) when the sheet has them, else its unit and
        // problem (with a count for the same problem twice). A row whose key is in the ledger is
        // the same item: not added again; reported when it differs, applied with update.
        var seen: [String: Int] = [:]
        var numbered: [String: Int] = [:]
        var exported: [Int: Int64] = [:]
        var valuesByLine: [Int: [String: String]] = [:]
        for row in rows { valuesByLine[row.line] = row.values }
        for index in items.indices {
            let item = items[index]
            let values = item.sourceLine.flatMap { valuesByLine[$0] } ?? [:]
            let base: String
            if let number = values["number"] {
                base = "n\u{1F}\(item.unit)\u{1F}\(number)"
                if let first = numbered[base] {
                    problems.append(
                        RowProblem(
                            line: item.sourceLine ?? 0,
                            reason: "number '\(number)' of \(item.unit) is on line \(first) already"))
                }
                numbered[base] = item.sourceLine ?? 0
            } else {
                base = "t\u{1F}\(item.unit)\u{1F}\(item.title)"
                // A row of our own export names its item.
                if let id = values["id"].flatMap(Int64.init) { exported[index] = id }
            }
            let count = seen[base, default: 0] + 1
            seen[base] = count
            items[index].importKey = count == 1 ? base : base + "\u{1F}\(count)"
        }
        var existing = try store.items(importKeys: items.compactMap(\.importKey))
        var adopted: [(item: Int64, key: String)] = []
        for (index, id) in exported {
            if let item = try store.item(id), item.unit == items[index].unit, let key = items[index].importKey,
                existing[key] == nil
            {
                existing[key] = item
                if item.importKey == nil { adopted.append((item.id, key)) }
            }
        }
        // Rows without a number whose key is new: an item added by hand (or imported before keys
        // were kept) with the row's content (unit, problem and deadline) is that item.
        let unmatched = items.indices.filter { index in
            items[index].importKey.map { $0.hasPrefix("t\u{1F}") && existing[$0] == nil } ?? false
        }
        if !unmatched.isEmpty {
            let candidates = try store.unkeyedItems(
                matching: unmatched.map { (items[$0].unit, items[$0].title, items[$0].deadline) })
            var taken: Set<Int64> = Set(existing.values.map(\.id))
            for (index, ids) in zip(unmatched, candidates) {
                guard let key = items[index].importKey, let id = ids.first(where: { !taken.contains($0) }),
                    let known = try store.item(id)
                else { continue }
                taken.insert(id)
                existing[key] = known
                adopted.append((id, key))
            }
        }
        var fresh: [NewItem] = []
        var unchanged = 0
        var changes: [ItemChange] = []
        for item in items {
            guard let key = item.importKey, let known = existing[key] else {
                fresh.append(item)
                continue
            }
            let differences = LedgerStore.differences(known, item)
            if differences.isEmpty {
                unchanged += 1
            } else {
                changes.append(
                    ItemChange(item: known.id, line: item.sourceLine ?? 0, fields: differences, row: item))
            }
        }
        let onlyCheck = dryRun || !problems.isEmpty
        check {
            try store.addItems(fresh, schedule: manager.itemSchedule, at: now, actor: actor, dryRun: onlyCheck)
        }
        let apply = update && !onlyCheck && problems.isEmpty && !changes.isEmpty
        if apply { check { try store.apply(changes, schedule: manager.itemSchedule, at: now, actor: actor) } }
        if !onlyCheck && problems.isEmpty { check { try store.adopt(importKeys: adopted) } }
        var answer = reply(kind, rows.count, problems, dryRun, ignored: ignored)
        let good = problems.isEmpty && !dryRun
        answer["imported"] = good ? fresh.count : 0
        answer["added"] = good ? fresh.count : 0
        answer["unchanged"] = unchanged
        answer["updated"] = apply && problems.isEmpty ? changes.count : 0
        answer["changed"] = changes.map { change -> [String: Any] in
            [
                "line": change.line, "item": change.item,
                "fields": change.fields.map { ["name": $0.name, "from": $0.from, "to": $0.to] },
            ]
        }
        return answer
    }
}
