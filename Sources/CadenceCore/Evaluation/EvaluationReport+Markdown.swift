extension EvaluationReport {
    /// The report in Markdown: the same sections as the page, charts as tables.
    func markdown() -> String {
        var out = "# \(Self.cell(title))\n\n\(standingText)\n\n"
        out += "- \(text.asOf(asOfText))\n- \(text.window(startText, endText))\n"
        out += "- \(Self.cell(text.scope(figures.scope, count: figures.units.count)))\n"
        if mask { out += "- \(text.masked)\n" }
        out += "\n## \(text.rates)\n\n"
        out += Self.table(
            [text.rate, text.value, text.basis, text.target, text.status],
            assessment.rates.map { rate in
                let value =
                    rate.ratio.map { "\($0.percentText)\($0.whole > 0 ? " (\($0.part)/\($0.whole))" : "")" } ?? "—"
                let status = rate.meetsTarget.map { $0 ? text.yes : text.no } ?? "—"
                return [text.rateName(rate.key), value, text.rateBasis(rate.key), Self.targetText(rate), status]
            }, right: [1, 3])
        let checkpoint = window.variant.isLedgerCheckpoint
        out += "\n## \(text.ranking(window.variant))\n\n"
        out += "**\(text.rankingRuleLabel)**\(text.colon)\(checkpoint ? text.checkpointRule : text.rankingRule)\n\n"
        let headers =
            (checkpoint ? [text.unitID, text.unit] : [text.rank, text.unitID, text.unit, text.score])
            + figureHeaders()
        let rows = assessment.lines.map { line -> [String] in
            let unit = line.unit
            let leading =
                checkpoint
                ? [unit.id, unitName(unit)]
                : [line.rank.map(String.init) ?? "—", unit.id, unitName(unit), Self.scoreText(line)]
            return leading + figureCells(line)
        }
        let textColumns: Set<Int> = checkpoint ? [0, 1] : [1, 2]
        out += Self.table(headers, rows, right: Set(headers.indices).subtracting(textColumns))
        if !checkpoint {
            out += "\n## \(text.heatMap)\n\n"
            let quotaUnits = figures.units.filter { $0.monthlyQuota > 0 }
            if quotaUnits.isEmpty {
                out += text.noQuotaUnits + "\n"
            } else {
                out += "✓ \(text.quotaState(.met)) · ✗ \(text.quotaState(.short)) · … \(text.quotaState(.pending))\n\n"
                out += Self.table(
                    [text.unit] + window.months.map { text.monthName($0.number) },
                    quotaUnits.map { unit in
                        [unit.name]
                            + window.months.map { month in
                                let quota =
                                    unit.months.first { $0.month == month.key }
                                    ?? MonthQuota(month: month.key, submitted: 0, required: 0, state: .future)
                                return switch quota.state {
                                case .met: "\(quota.submitted)/\(quota.required) ✓"
                                case .short: "\(quota.submitted)/\(quota.required) ✗"
                                case .pending: "\(quota.submitted)/\(quota.required) …"
                                case .future: ""
                                case .notRequired: "—"
                                }
                            }
                    }, right: Set(1...window.months.count))
            }
        }
        out += markdownPlans()
        out += "\n## \(text.burndown)\n\n"
        out += Self.table(
            [text.at, text.open, text.overdue, text.withinDeadline],
            figures.burndown.map { [sampleLabel($0.at), "\($0.open)", "\($0.overdue)", "\($0.open - $0.overdue)"] },
            right: [1, 2, 3])
        out += "\n## \(text.itemList(window.variant))\n\n"
        let (shown, more) = listedItems
        if shown.isEmpty {
            out += text.noItems + "\n"
        } else {
            let names = Dictionary(figures.units.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            out += Self.table(
                [
                    text.itemNumber, text.unit, text.itemTitle, text.source, text.deadline, text.daysOverdue,
                    text.level, text.role("first"), text.role("main"), text.role("direct"), text.state,
                ],
                shown.map { item in
                    [
                        "\(item.id)", names[item.unit] ?? item.unit, item.title, text.source(item.source),
                        deadlineText(item.deadline), item.overdue ? "\(daysOverdue(item))" : "—",
                        text.level(item.level),
                        person(responsible(item, "first")), person(responsible(item, "main")),
                        person(responsible(item, "direct")), stateText(item),
                    ]
                }, right: [0, 5])
            if more > 0 { out += "\n" + text.moreItems(more) + "\n" }
        }
        out += "\n## \(text.definitions)\n\n"
        for (term, meaning) in text.definitionList(window, asOf: asOfText) {
            out += "- **\(term)**\(text.colon)\(meaning)\n"
        }
        if mask { out += "\n\(text.maskNote)\n" }
        out += "\n— \(generator)\n"
        return out
    }

    /// A Markdown table; `right` lists the columns aligned right (numbers).
    static func table(_ headers: [String], _ rows: [[String]], right: Set<Int>) -> String {
        var out = "| " + headers.map(cell).joined(separator: " | ") + " |\n|"
        for index in headers.indices { out += right.contains(index) ? " ---: |" : " --- |" }
        out += "\n"
        for row in rows { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
        return out
    }

    /// One table cell: on one line, with `|` escaped, so no name can break the table.
    static func cell(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "|": out += "\\|"
            case _ where character.isNewline: out += " "
            default: out.append(character)
            }
        }
        return out
    }
}
