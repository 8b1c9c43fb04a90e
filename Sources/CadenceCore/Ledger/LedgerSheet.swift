public import Foundation

/// The printed rectification ledger (整改台账) as offices file it: per unit, the columns 序号, 问题,
/// 整改措施, 责任人, 整改时限, 完成情况, 销号日期, 验收人, 备注; the unit's name and the as-of date in
/// the heading; page numbers; a signature line. One self-contained HTML page (no script, no
/// network) with an A4 print stylesheet, printed to PDF by a browser. A pure value: the items,
/// the names and the instant go in, the page comes out.
public struct LedgerSheet: Sendable {
    /// One row, as printed.
    public struct Row: Sendable, Equatable {
        public var item: Int64
        public var number: String
        public var problem: String
        public var measures: String
        public var responsible: String
        public var deadline: String
        public var status: String
        public var closedOn: String
        public var verifier: String
        public var remark: String
        /// Overdue at the as-of instant (the row is marked).
        public var overdue: Bool
    }

    /// One unit's ledger: a page (or several) of its own.
    public struct Section: Sendable, Equatable {
        public var unit: String
        public var name: String
        public var rows: [Row]
    }

    public var title: String
    public var asOf: String
    public var sections: [Section]
    public var language: NoticeLanguage

    /// The ledger of `items` at `instant`, one section per unit in the order of `units` (id, name),
    /// each unit's items by the office's own number (序号) when imported with one, else as added.
    /// - Parameter scope: the name of the unit printed for, nil for the whole campaign.
    public init(
        items: [RectificationItem], units: [(id: String, name: String)], scope: String?, at instant: Date,
        zone: TimeZone, language: NoticeLanguage
    ) {
        self.language = language
        let zh = language == .zh
        let day = LocalDay.of(instant, in: zone)
        asOf = zh ? "截至 \(day.year)年\(day.month)月\(day.day)日" : "As of \(day.description)"
        title =
            zh
            ? "\(scope ?? "全部单位")整改台账" : "Rectification ledger: \(scope ?? "all units")"
        let text = EvaluationText(language: language)
        let byUnit = Dictionary(grouping: items.filter { $0.state != .removed }, by: \.unit)
        sections = units.compactMap { unit in
            guard let own = byUnit[unit.id], !own.isEmpty else { return nil }
            let ordered = own.sorted { a, b in
                switch (Self.officeNumber(a), Self.officeNumber(b)) {
                case let (x?, y?) where x != y: return x.localizedStandardCompare(y) == .orderedAscending
                case (_?, nil): return true
                case (nil, _?): return false
                default: return a.id < b.id
                }
            }
            let rows = ordered.enumerated().map { index, item in
                Self.row(item, index: index, at: instant, zone: zone, text: text, zh: zh)
            }
            return Section(unit: unit.id, name: unit.name, rows: rows)
        }
    }

    /// The number the office gave the row in its own sheet, when imported with one.
    static func officeNumber(_ item: RectificationItem) -> String? {
        guard let key = item.importKey, key.hasPrefix("n\u{1F}") else { return nil }
        return key.split(separator: "\u{1F}", omittingEmptySubsequences: false).dropFirst(2).first.map(String.init)
    }

    private static func row(
        _ item: RectificationItem, index: Int, at instant: Date, zone: TimeZone, text: EvaluationText, zh: Bool
    ) -> Row {
        func date(_ instant: Date) -> String { LocalDay.of(instant, in: zone).description }
        let people = [
            (zh ? "第一" : "first", item.firstPerson ?? item.first), (zh ? "主要" : "main", item.mainPerson ?? item.main),
            (zh ? "直接" : "direct", item.directPerson ?? item.direct),
        ].compactMap { role, name in name.map { zh ? "\(role)：\($0)" : "\(role): \($0)" } }
        let overdue = item.isOverdue(at: instant)
        var status = text.state(item.state.rawValue)
        if overdue {
            let days = Int(instant.timeIntervalSince(item.deadline) / 86_400)
            status += zh ? "（逾期 \(days) 天）" : " (\(days) days overdue)"
        }
        var remarks: [String] = []
        if let replied = item.repliedAt {
            remarks.append(zh ? "已答复投诉人（\(date(replied))）" : "complainant answered \(date(replied))")
        } else if let due = item.replyDueAt, item.closedAt == nil, item.source == ItemSource.complaint.rawValue {
            let day = date(due.addingTimeInterval(-0.000_001))
            remarks.append(
                item.isReplyOverdue(at: instant)
                    ? (zh ? "答复逾期（应于 \(day) 前答复）" : "reply overdue (due \(day))")
                    : (zh ? "应于 \(day) 前答复投诉人" : "answer the complainant by \(day)"))
        }
        if let appraisal = item.appraisal {
            remarks.append(zh ? "群众评议发现（#\(appraisal)）" : "found by appraisal #\(appraisal)")
        }
        if let earlier = item.recurrenceOf { remarks.append(zh ? "复发（原 #\(earlier)）" : "recurrence of #\(earlier)") }
        if let review = item.missedBy {
            remarks.append(zh ? "检查未发现（记录 #\(review)）" : "missed by review #\(review)")
        }
        if let original = item.originalDeadlineDate ?? item.originalDeadline.map(date) {
            remarks.append(zh ? "原时限 \(original)" : "first deadline \(original)")
        }
        if let referred = item.referredTo { remarks.append(zh ? "已上报\(referred)" : "referred to \(referred)") }
        if let note = item.note, !note.isEmpty { remarks.append(zh ? chineseNote(note) : note) }
        return Row(
            item: item.id, number: officeNumber(item) ?? String(index + 1), problem: item.title,
            measures: item.texts[.measures] ?? item.plan ?? "", responsible: people.joined(separator: zh ? "；" : "; "),
            deadline: item.deadlineDate ?? date(item.deadline), status: status,
            closedOn: item.closedAt.map(date) ?? "", verifier: item.verifiedBy ?? "",
            remark: remarks.joined(separator: zh ? "；" : "; "), overdue: overdue)
    }

    /// The notes cadenced itself writes on an item, in Chinese for a Chinese ledger (those people
    /// wrote stay as written).
    static func chineseNote(_ note: String) -> String {
        if note.hasPrefix("recorded late as review #") {
            return "已补记点评等记录（#\(note.dropFirst("recorded late as review #".count))），销号"
        }
        if note.hasPrefix("recorded late as commitment #") {
            return "已补录公开承诺（#\(note.dropFirst("recorded late as commitment #".count))），销号"
        }
        if note == "recorded late as an imported commitment" { return "已导入补录的公开承诺，销号" }
        if note.hasPrefix("review #"), let colon = note.range(of: " taken out: ") {
            let number = note[note.index(note.startIndex, offsetBy: "review #".count)..<colon.lowerBound]
            return "点评等记录 #\(number) 已撤销：\(note[colon.upperBound...])"
        }
        return note
    }

    /// The column headings, in print order.
    public var columns: [String] {
        language == .zh
            ? ["序号", "问题", "整改措施", "责任人", "整改时限", "完成情况", "销号日期", "验收人", "备注"]
            : [
                "No.", "Problem", "Measures", "Responsible", "Deadline", "Status", "Closed on", "Verified by",
                "Remarks",
            ]
    }

    /// The page. Each unit starts a new page; the heading row repeats on every page; the page
    /// number is printed in the bottom margin (第 N 页 共 M 页).
    public func html() -> String {
        let zh = language == .zh
        let e = EvaluationReport.escape
        var out = ""
        out.reserveCapacity(4096 + sections.reduce(0) { $0 + $1.rows.count } * 600)
        out += "<!DOCTYPE html>\n<html lang=\"\(zh ? "zh-CN" : "en")\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<title>\(e(title))</title>\n<style>\n\(stylesheet)</style>\n</head>\n<body>\n"
        if sections.isEmpty {
            out += "<section class=\"unit\">\n<h1>\(e(title))</h1>\n<p class=\"as-of\">\(e(asOf))</p>\n"
            out += "<p class=\"empty\">\(zh ? "没有整改事项。" : "No rectification items.")</p>\n</section>\n"
        }
        for section in sections {
            let heading = zh ? "\(section.name)整改台账" : "Rectification ledger: \(section.name)"
            out += "<section class=\"unit\" data-unit=\"\(e(section.unit))\">\n<h1>\(e(heading))</h1>\n"
            out +=
                "<p class=\"as-of\">\(e(asOf))　\(zh ? "共 \(section.rows.count) 项" : "\(section.rows.count) items")</p>\n"
            out += "<table>\n<thead><tr>"
            for column in columns { out += "<th>\(e(column))</th>" }
            out += "</tr></thead>\n"
            // Bodies of 100 rows: Chromium lays out and prints a long ledger a third faster so.
            for (index, row) in section.rows.enumerated() {
                if index % 100 == 0 { out += index == 0 ? "<tbody>\n" : "</tbody>\n<tbody>\n" }
                out += "<tr data-item=\"\(row.item)\"\(row.overdue ? " class=\"overdue\"" : "")>"
                for cell in [
                    row.number, row.problem, row.measures, row.responsible, row.deadline, row.status, row.closedOn,
                    row.verifier, row.remark,
                ] {
                    out += "<td>\(e(cell))</td>"
                }
                out += "</tr>\n"
            }
            if section.rows.isEmpty { out += "<tbody>\n" }
            out += "</tbody>\n</table>\n<p class=\"signature\">"
            out +=
                zh
                ? "填表人：<span></span>审核人：<span></span>单位负责人：<span></span>（单位盖章）"
                : "Prepared by: <span></span>Checked by: <span></span>Head of unit: <span></span>(seal)"
            out += "</p>\n</section>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    private var stylesheet: String {
        let page =
            language == .zh
            ? "\"第 \" counter(page) \" 页 共 \" counter(pages) \" 页\"" : "\"Page \" counter(page) \" of \" counter(pages)"
        return """
            @page { size: A4 landscape; margin: 14mm 12mm 16mm 12mm;
              @bottom-center { content: \(page); font-size: 9pt; } }
            body { text-rendering: optimizeSpeed; font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; font-size: 10pt; margin: 0; }
            section.unit { break-after: page; }
            section.unit:last-child { break-after: auto; }
            h1 { font-size: 16pt; text-align: center; margin: 0 0 4pt; }
            p.as-of { text-align: right; margin: 0 0 6pt; }
            table { width: 100%; border-collapse: collapse; table-layout: fixed; }
            thead { display: table-header-group; }
            th, td { border: 0.6pt solid #000; padding: 2pt 3pt; vertical-align: top; word-break: break-all; }
            th { background: #eee; font-weight: bold; }
            tr { break-inside: avoid; }
            tr.overdue td:nth-child(6) { font-weight: bold; }
            th:nth-child(1) { width: 5%; } th:nth-child(2) { width: 18%; } th:nth-child(3) { width: 18%; }
            th:nth-child(4) { width: 13%; } th:nth-child(5) { width: 8%; } th:nth-child(6) { width: 10%; }
            th:nth-child(7) { width: 8%; } th:nth-child(8) { width: 7%; } th:nth-child(9) { width: 13%; }
            p.signature { margin-top: 18pt; break-inside: avoid; }
            p.signature span { display: inline-block; width: 36mm; border-bottom: 0.6pt solid #000; margin-right: 12mm; }
            @media screen { body { margin: 12px; } section.unit { margin-bottom: 32px; } }

            """
    }
}
