extension EvaluationReport {
    /// The page: one self-contained HTML file (no script, no network: inline CSS and SVG), with a
    /// print stylesheet for A4.
    ///
    /// Elements carry `data-` attributes (`data-unit`, `data-rank`, `data-score`, `data-state`, …) so
    /// the page can be checked by a program as a person reads it.
    func html() -> String {
        var out = ""
        out.reserveCapacity(64 * 1024 + figures.units.count * 2_000 + min(figures.items.count, listLimit) * 400)
        let lang = text.language == .zh ? "zh-CN" : "en"
        out += "<!DOCTYPE html>\n<html lang=\"\(lang)\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"\(Self.escape(generator))\">\n"
        out += "<title>\(Self.escape(title))</title>\n<style>\n\(Self.stylesheet)</style>\n</head>\n"
        out += "<body data-variant=\"\(window.variant.rawValue)\" data-year=\"\(window.year)\""
        out += " data-masked=\"\(mask)\" data-standing=\"\(standingName)\">\n"
        out += "<header>\n<h1>\(Self.escape(title))</h1>\n"
        out += "<p class=\"standing\" data-standing=\"\(standingName)\">\(Self.escape(standingText))</p>\n"
        out +=
            "<p class=\"meta\">\(Self.escape(text.asOf(asOfText))) · \(Self.escape(text.window(startText, endText)))</p>\n"
        out += "<p class=\"meta\">\(Self.escape(text.scope(figures.scope, count: figures.units.count)))"
        if mask { out += " · \(Self.escape(text.masked))" }
        out += "</p>\n</header>\n"
        htmlSummary(&out)
        htmlRates(&out)
        htmlUnits(&out)
        if !window.variant.isLedgerCheckpoint { htmlHeatMap(&out) }
        htmlPlans(&out)
        out += "<section id=\"burndown\">\n<h2>\(Self.escape(text.burndown))</h2>\n"
        out += burndownSVG()
        out += "</section>\n"
        htmlItems(&out)
        out += "<section id=\"definitions\">\n<h2>\(Self.escape(text.definitions))</h2>\n<dl>\n"
        for (term, meaning) in text.definitionList(window, asOf: asOfText) {
            out += "<dt>\(Self.escape(term))</dt><dd>\(Self.escape(meaning))</dd>\n"
        }
        out += "</dl>\n"
        if mask { out += "<p class=\"rule\">\(Self.escape(text.maskNote))</p>\n" }
        out +=
            "</section>\n<footer><p class=\"meta\">\(Self.escape(generator)) · \(Self.escape(asOfText))</p></footer>\n"
        out += "</body>\n</html>\n"
        return out
    }

    private func htmlSummary(_ out: inout String) {
        let c = assessment.commitments
        let items = assessment.items
        let duties = DutyCounts.kinds.map(assessment.duty)
        let held = Ratio(duties.reduce(0) { $0 + $1.held }, of: duties.reduce(0) { $0 + $1.due })
        let cards: [(String, String, String, String)] = [
            ("units", text.units, "\(figures.units.count)", ""),
            (
                "fulfilment", text.commitmentsFulfilled, Ratio(c.fulfilled, of: c.made).percentText,
                "\(c.fulfilled)/\(c.made)"
            ),
            ("duties", text.dutiesHeld, held.percentText, "\(held.part)/\(held.whole)"),
            (
                "quota", text.quotaMet, assessment.quotaMonths.percentText,
                "\(assessment.quotaMonths.part)/\(assessment.quotaMonths.whole)"
            ),
            (
                "closed", text.itemsClosed, Ratio(items.closed, of: items.onLedger).percentText,
                "\(items.closed)/\(items.onLedger)"
            ),
            ("overdue", text.overdueNow, "\(items.overdue)", ""),
        ]
        out += "<section id=\"summary\">\n<h2>\(Self.escape(text.summary))</h2>\n<div class=\"cards\">\n"
        for (key, label, value, detail) in cards {
            out += "<div class=\"card\" data-key=\"\(key)\"><div class=\"v\">\(Self.escape(value))</div>"
            out += "<div class=\"l\">\(Self.escape(label))\(detail.isEmpty ? "" : " · " + detail)</div></div>\n"
        }
        out += "</div>\n</section>\n"
    }

    private func htmlRates(_ out: inout String) {
        out += "<section id=\"rates\">\n<h2>\(Self.escape(text.rates))</h2>\n<table class=\"rates\">\n<thead><tr>"
        for header in [text.rate, text.value, text.basis, text.target, text.status] {
            out += "<th>\(Self.escape(header))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for rate in assessment.rates {
            let value = rate.ratio.map { "\($0.percentText)\($0.whole > 0 ? " (\($0.part)/\($0.whole))" : "")" } ?? "—"
            let status: String
            switch rate.meetsTarget {
            case true?: status = "<span class=\"ok\">\(Self.escape(text.yes))</span>"
            case false?: status = "<span class=\"bad\">\(Self.escape(text.no))</span>"
            case nil: status = "—"
            }
            out +=
                "<tr class=\"rate-row\" data-rate=\"\(rate.key)\"><td class=\"t\">\(Self.escape(text.rateName(rate.key)))</td>"
            out += "<td>\(Self.escape(value))</td><td class=\"t\">\(Self.escape(text.rateBasis(rate.key)))</td>"
            out += "<td>\(Self.escape(Self.targetText(rate)))</td><td>\(status)</td></tr>\n"
        }
        out += "</tbody>\n</table>\n</section>\n"
    }

    static func targetText(_ rate: EvaluationAssessment.Rate) -> String {
        rate.target == nil ? "—" : RateTarget(rate.target, strict: rate.strictTarget).description
    }

    private func htmlUnits(_ out: inout String) {
        let checkpoint = window.variant.isLedgerCheckpoint
        out += "<section id=\"ranking\">\n<h2>\(Self.escape(text.ranking(window.variant)))</h2>\n"
        out += "<p class=\"rule\"><b>\(Self.escape(text.rankingRuleLabel))</b>\(text.colon)"
        out += "\(Self.escape(checkpoint ? text.checkpointRule : text.rankingRule))</p>\n"
        out += "<table class=\"units\">\n<thead><tr>"
        let headers =
            (checkpoint ? [text.unit] : [text.rank, text.unit, text.score])
            + figureHeaders(dutySuffix: " " + text.heldDue)
        for header in headers { out += "<th>\(Self.escape(header))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for line in assessment.lines {
            let unit = line.unit
            out +=
                "<tr class=\"unit-row\(line.rank == nil && !checkpoint ? " unranked" : "")\" data-unit=\"\(Self.escape(unit.id))\""
            if let rank = line.rank { out += " data-rank=\"\(rank)\"" }
            if let tenths = line.scoreTenths {
                out += " data-score=\"\(EvaluationNumber.decimal(Double(tenths) / 10))\""
            }
            out += ">"
            if !checkpoint { out += "<td>\(line.rank.map(String.init) ?? "—")</td>" }
            out +=
                "<td class=\"t name\">\(Self.escape(unitName(unit)))<br><span class=\"id\">\(Self.escape(unit.id))</span></td>"
            let cells = (checkpoint ? [] : [Self.scoreText(line)]) + figureCells(line)
            out += cells.map { "<td>\($0)</td>" }.joined()
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n</section>\n"
    }

    private func htmlHeatMap(_ out: inout String) {
        out += "<section id=\"quota\">\n<h2>\(Self.escape(text.heatMap))</h2>\n"
        let rows = figures.units.filter { $0.monthlyQuota > 0 }
        guard !rows.isEmpty else {
            out += "<p>\(Self.escape(text.noQuotaUnits))</p>\n</section>\n"
            return
        }
        out += "<p class=\"legend\">"
        for (state, color) in Self.legend {
            out += "<span><i style=\"background:\(color)\"></i>\(Self.escape(text.quotaState(state)))</span>"
        }
        out += "</p>\n"
        // Chunks of rows, each its own figure, so a printed page never cuts one in half.
        var start = 0
        while start < rows.count {
            out += heatMapSVG(Array(rows[start..<min(start + Self.heatMapRows, rows.count)]))
            start += Self.heatMapRows
        }
        out += "</section>\n"
    }

    private func htmlItems(_ out: inout String) {
        let (shown, more) = listedItems
        out += "<section id=\"items\">\n<h2>\(Self.escape(text.itemList(window.variant)))</h2>\n"
        guard !shown.isEmpty else {
            out += "<p>\(Self.escape(text.noItems))</p>\n</section>\n"
            return
        }
        out += "<table class=\"items\">\n<thead><tr>"
        let headers = [
            text.itemNumber, text.unit, text.itemTitle, text.source, text.deadline, text.daysOverdue, text.level,
            text.role("first"), text.role("main"), text.role("direct"), text.state,
        ]
        for header in headers { out += "<th>\(Self.escape(header))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        let names = Dictionary(figures.units.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        for item in shown {
            out +=
                "<tr class=\"item-row\(item.overdue ? " overdue" : "")\" data-item=\"\(item.id)\" data-unit=\"\(Self.escape(item.unit))\">"
            var deadline = Self.escape(deadlineText(item.deadline))
            if let original = item.originalDeadline {
                deadline += "<br><s class=\"id\">\(Self.escape(deadlineText(original)))</s>"
            }
            let cells = [
                "\(item.id)", Self.escape(names[item.unit] ?? item.unit), Self.escape(item.title),
                Self.escape(text.source(item.source)), deadline, item.overdue ? "\(daysOverdue(item))" : "—",
                Self.escape(text.level(item.level)), Self.escape(person(responsible(item, "first"))),
                Self.escape(person(responsible(item, "main"))), Self.escape(person(responsible(item, "direct"))),
                Self.escape(stateText(item)),
            ]
            for (index, cell) in cells.enumerated() {
                switch index {
                case 1: out += "<td class=\"t name\">\(cell)</td>"
                case 2: out += "<td class=\"t title\">\(cell)</td>"
                case 3, 7, 8, 9, 10: out += "<td class=\"t\">\(cell)</td>"
                case 4: out += "<td class=\"day\">\(cell)</td>"
                default: out += "<td>\(cell)</td>"
                }
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        if more > 0 { out += "<p class=\"meta\">\(Self.escape(text.moreItems(more)))</p>\n" }
        out += "</section>\n"
    }

    /// Text for HTML and SVG: `&`, `<`, `>`, quotes escaped.
    static func escape(_ text: String) -> String {
        guard text.contains(where: { "&<>\"'".contains($0) }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let stylesheet = """
        :root { --ink: #1d2330; --muted: #5b6474; --line: #d5dae3; --head: #f3f5f8; --accent: #3f6fb5; }
        * { box-sizing: border-box; }
        body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
          "PingFang SC", system-ui, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1120px;
          padding: 24px; font-size: 14px; line-height: 1.45; }
        h1 { font-size: 24px; margin: 0 0 6px; }
        h2 { font-size: 18px; border-bottom: 2px solid var(--ink); padding-bottom: 3px; margin: 28px 0 10px; }
        .meta { color: var(--muted); margin: 2px 0; }
        .standing { margin: 4px 0 6px; padding: 4px 8px; border-left: 4px solid #2e7d32; background: #f1f8f2; }
        .standing[data-standing="preliminary"] { border-left-color: #b26a00; background: #fff6e5; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
        .card .v { font-size: 22px; font-weight: 700; }
        .card .l { color: var(--muted); font-size: 12px; }
        table { border-collapse: collapse; width: 100%; font-size: 12px; }
        th, td { border: 1px solid var(--line); padding: 3px 5px; text-align: right; vertical-align: top; }
        th { background: var(--head); text-align: center; font-weight: 600; }
        td.t { text-align: left; }
        td.name { min-width: 10em; }
        td.title { min-width: 12em; }
        td.day { white-space: nowrap; }
        .id { color: var(--muted); font-size: 10px; }
        tr.unranked td { color: var(--muted); }
        tr.overdue td:first-child { border-left: 3px solid #c62828; }
        .ok { color: #2e7d32; font-weight: 600; }
        .bad { color: #c62828; font-weight: 600; }
        .rule { background: #f7f8fa; border-left: 4px solid var(--accent); padding: 8px 10px; font-size: 13px; }
        .legend span { display: inline-block; margin-right: 14px; font-size: 12px; }
        .legend i { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin-right: 4px;
          border: 1px solid #9aa3b0; }
        svg { display: block; max-width: 100%; height: auto; }
        svg text { font-family: inherit; }
        .chart { break-inside: avoid; page-break-inside: avoid; margin: 8px 0 14px; }
        dt { font-weight: 600; margin-top: 6px; }
        dd { margin: 2px 0 0 0; }
        @page { size: A4; margin: 12mm 10mm; }
        @media print {
          body { max-width: none; padding: 0; font-size: 9.5pt; }
          h1 { font-size: 16pt; }
          h2 { font-size: 12pt; break-after: avoid; page-break-after: avoid; }
          table { font-size: 7pt; }
          th, td { padding: 1px 3px; }
          thead { display: table-header-group; }
          tr { break-inside: avoid; page-break-inside: avoid; }
          .cards { grid-template-columns: repeat(6, 1fr); }
          .card .v { font-size: 13pt; }
          #ranking, #items { break-before: page; page-break-before: always; }
        }

        """
}
