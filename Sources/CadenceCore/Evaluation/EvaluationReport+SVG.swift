import Foundation

extension EvaluationReport {
    /// Rows of the heat map per figure (one figure fits on an A4 page).
    static let heatMapRows = 40

    /// The colours of the quota states, in legend order.
    static let legend: [(QuotaState, String)] = [
        (.met, "#2e7d32"), (.short, "#c62828"), (.pending, "#b7c9dc"), (.future, "#ffffff"),
        (.notRequired, "#e6e9ee"),
    ]

    /// A short month's colour: red below half the quota, amber from half.
    static func color(_ quota: MonthQuota) -> String {
        if quota.state == .short, quota.required > 0, quota.submitted * 2 >= quota.required { return "#ef8f00" }
        return legend.first { $0.0 == quota.state }?.1 ?? "#ffffff"
    }

    /// The quota heat map of some units: one row per unit, one cell per month of the window, each
    /// cell `submitted/required` coloured by its state (class `cell`, `data-state`).
    func heatMapSVG(_ units: [UnitFigures]) -> String {
        let label = 190
        let cellWidth = 72 * 6 / window.months.count + (window.months.count == 6 ? 0 : 6)
        let cellHeight = 18
        let top = 22
        let width = label + cellWidth * window.months.count + 2
        let height = top + cellHeight * units.count + 2
        var out = "<figure class=\"chart heatmap\">\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\""
        out += " height=\"\(height)\" role=\"img\" aria-label=\"\(Self.escape(text.heatMap))\">\n"
        out += "<title>\(Self.escape(text.heatMap))</title>\n"
        for (column, month) in window.months.enumerated() {
            let x = label + column * cellWidth + cellWidth / 2
            out += "<text x=\"\(x)\" y=\"15\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1d2330\">"
            out += "\(Self.escape(text.monthName(month.number)))</text>\n"
        }
        for (row, unit) in units.enumerated() {
            let y = top + row * cellHeight
            out += "<text x=\"\(label - 6)\" y=\"\(y + 13)\" font-size=\"11\" text-anchor=\"end\" fill=\"#1d2330\">"
            out += "\(Self.escape(Self.clip(unit.name, 15)))</text>\n"
            for (column, month) in window.months.enumerated() {
                let quota =
                    unit.months.first { $0.month == month.key }
                    ?? MonthQuota(month: month.key, submitted: 0, required: unit.monthlyQuota, state: .future)
                let x = label + column * cellWidth
                let fill = Self.color(quota)
                let dark = quota.state == .met || quota.state == .short
                out += "<rect class=\"cell\" data-unit=\"\(Self.escape(unit.id))\" data-month=\"\(quota.month)\""
                out +=
                    " data-state=\"\(quota.state.rawValue)\" x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cellWidth - 2)\""
                out += " height=\"\(cellHeight - 2)\" fill=\"\(fill)\" stroke=\"#c3cad4\" stroke-width=\"0.5\">"
                out += "<title>\(Self.escape(unit.name)) \(quota.month): \(quota.submitted)/\(quota.required) "
                out += "\(Self.escape(text.quotaState(quota.state)))</title></rect>\n"
                if quota.state != .future && quota.state != .notRequired {
                    out += "<text x=\"\(x + cellWidth / 2)\" y=\"\(y + 13)\" font-size=\"10\" text-anchor=\"middle\""
                    out += " fill=\"\(dark ? "#ffffff" : "#1d2330")\">\(quota.submitted)/\(quota.required)</text>\n"
                }
            }
        }
        out += "</svg>\n</figure>\n"
        return out
    }

    /// The burn-down: one stacked bar per sample (class `bar`), overdue items at the bottom and the
    /// others open within their deadline above, with the open count on top.
    func burndownSVG() -> String {
        let points = figures.burndown
        let width = 760
        let height = 300
        let left = 52
        let right = 16
        let top = 28
        let bottom = 44
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let maximum = Self.niceCeiling(points.map(\.open).max() ?? 0)
        let slot = points.isEmpty ? plotWidth : plotWidth / points.count
        let barWidth = max(6, min(40, slot * 6 / 10))
        func y(_ value: Int) -> Int { top + plotHeight - plotHeight * value / maximum }
        var out = "<figure class=\"chart burndown\">\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\""
        out += " height=\"\(height)\" role=\"img\" aria-label=\"\(Self.escape(text.burndown))\">\n"
        out += "<title>\(Self.escape(text.burndown))</title>\n"
        // Legend.
        out += "<rect x=\"\(left)\" y=\"6\" width=\"12\" height=\"12\" fill=\"#c62828\"/>"
        out +=
            "<text x=\"\(left + 16)\" y=\"16\" font-size=\"12\" fill=\"#1d2330\">\(Self.escape(text.overdue))</text>\n"
        out += "<rect x=\"\(left + 120)\" y=\"6\" width=\"12\" height=\"12\" fill=\"#3f6fb5\"/>"
        out += "<text x=\"\(left + 136)\" y=\"16\" font-size=\"12\" fill=\"#1d2330\">"
        out += "\(Self.escape(text.withinDeadline))</text>\n"
        // Grid and axis labels.
        for step in 0...4 {
            let value = maximum * step / 4
            let gy = y(value)
            out += "<line x1=\"\(left)\" y1=\"\(gy)\" x2=\"\(width - right)\" y2=\"\(gy)\" stroke=\"#e1e5eb\"/>"
            out += "<text x=\"\(left - 6)\" y=\"\(gy + 4)\" font-size=\"11\" text-anchor=\"end\" fill=\"#5b6474\">"
            out += "\(value)</text>\n"
        }
        for (index, point) in points.enumerated() {
            let x = left + slot * index + (slot - barWidth) / 2
            let overdueTop = y(point.overdue)
            let openTop = y(point.open)
            out += "<g class=\"bar\" data-at=\"\(ISOTimestamp.utc(point.at))\" data-open=\"\(point.open)\""
            out += " data-overdue=\"\(point.overdue)\">"
            out += "<title>\(Self.escape(sampleLabel(point.at))): \(point.open) (\(Self.escape(text.overdue)) "
            out += "\(point.overdue))</title>"
            out += "<rect class=\"seg-open\" x=\"\(x)\" y=\"\(openTop)\" width=\"\(barWidth)\""
            out += " height=\"\(overdueTop - openTop)\" fill=\"#3f6fb5\"/>"
            out += "<rect class=\"seg-overdue\" x=\"\(x)\" y=\"\(overdueTop)\" width=\"\(barWidth)\""
            out += " height=\"\(top + plotHeight - overdueTop)\" fill=\"#c62828\"/>"
            out += "<text x=\"\(x + barWidth / 2)\" y=\"\(openTop - 4)\" font-size=\"10\" text-anchor=\"middle\""
            out += " fill=\"#1d2330\">\(point.open)</text>"
            out += "<text x=\"\(x + barWidth / 2)\" y=\"\(top + plotHeight + 16)\" font-size=\"11\""
            out += " text-anchor=\"middle\" fill=\"#1d2330\">\(Self.escape(sampleLabel(point.at)))</text></g>\n"
        }
        out += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - right)\" y2=\"\(top + plotHeight)\""
        out += " stroke=\"#1d2330\"/>\n</svg>\n</figure>\n"
        return out
    }

    /// A round axis maximum at or above `value`: four ticks of 1, 2 or 5 × 10ⁿ.
    static func niceCeiling(_ value: Int) -> Int {
        var magnitude = 1
        while true {
            for step in [1, 2, 5] where 4 * step * magnitude >= value { return 4 * step * magnitude }
            magnitude *= 10
        }
    }

    /// At most `count` characters, with an ellipsis when cut.
    static func clip(_ text: String, _ count: Int) -> String {
        text.count <= count ? text : String(text.prefix(count - 1)) + "…"
    }
}
