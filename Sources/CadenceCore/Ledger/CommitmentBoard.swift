public import Foundation

/// The commitments notice board (公示栏, R25): each unit's public commitments of a year with who
/// made them, the post, what is promised, when it was published and how far it is honoured; then
/// the commitments not published, or published after the deadline the commitment call set. Names
/// of members masked on request (孙三 → 孙*), as boards posted in public are. A pure value.
public struct CommitmentBoard: Sendable {
    public struct Row: Sendable, Equatable {
        public var commitment: Int64
        public var who: String
        public var post: String
        public var text: String
        public var publishedOn: String
        public var standing: String
        /// Not published, or published after the deadline.
        public var unpublished: Bool
    }

    public struct Section: Sendable, Equatable {
        public var unit: String
        public var name: String
        public var rows: [Row]
    }

    public var year: Int
    public var title: String
    public var asOf: String
    /// The last day to publish (the call's day plus `PublishWithinDays=` working days), when set.
    public var deadline: LocalDate?
    public var sections: [Section]
    public var language: NoticeLanguage

    public var unpublished: [Row] { sections.flatMap(\.rows).filter(\.unpublished) }

    /// - Parameters:
    ///   - units: (id, name) in print order; units without commitments are left out.
    ///   - deadline: the last day commitments may be published; nil = only missing dates are reported.
    ///   - today: the day the board is made (a deadline not yet passed reports nothing missing).
    public init(
        commitments: [CommitmentRecord], units: [(id: String, name: String)], year: Int, deadline: LocalDate?,
        today: LocalDate, mask: Bool, language: NoticeLanguage
    ) {
        let zh = language == .zh
        self.year = year
        self.deadline = deadline
        self.language = language
        title = zh ? "\(year) 年公开承诺公示栏" : "Public commitments \(year)"
        asOf = zh ? "截至 \(today.year)年\(today.month)月\(today.day)日" : "As of \(today)"
        let byUnit = Dictionary(grouping: commitments.filter { $0.year == year }, by: \.unit)
        let statusWords: [String: String] =
            zh
            ? ["fulfilled": "已兑现", "partial": "部分兑现", "unfulfilled": "未兑现"]
            : ["fulfilled": "fulfilled", "partial": "partly fulfilled", "unfulfilled": "unfulfilled"]
        // A deadline still to come makes nothing late yet; a missing date after it is.
        let due = deadline.map { today > $0 } ?? true
        sections = units.compactMap { unit in
            guard let own = byUnit[unit.id], !own.isEmpty else { return nil }
            let rows = own.sorted { $0.id < $1.id }.map { c -> Row in
                let who =
                    c.member.map { mask ? NameMask.mask($0) : $0 } ?? (zh ? "\(unit.name)（单位）" : "\(unit.name) (unit)")
                let late =
                    c.publishedOn.map { published in deadline.map { published > $0.description } ?? false } ?? due
                let standing =
                    c.status.map { status in
                        (statusWords[status] ?? status) + (c.evaluatedPeriod.map { zh ? "（\($0)）" : " (\($0))" } ?? "")
                    } ?? (zh ? "待评价" : "not yet evaluated")
                return Row(
                    commitment: c.id, who: who, post: c.post ?? "", text: c.text,
                    publishedOn: c.publishedOn ?? (zh ? "未公示" : "not published"), standing: standing,
                    unpublished: late)
            }
            return Section(unit: unit.id, name: unit.name, rows: rows)
        }
    }

    /// A commitment not published in time, as the board's list names it.
    func listed(_ row: Row) -> String {
        language == .zh
            ? "#\(row.commitment) \(row.who)：\(row.text)（\(row.publishedOn)）"
            : "#\(row.commitment) \(row.who): \(row.text) (\(row.publishedOn))"
    }

    public var columns: [String] {
        language == .zh
            ? ["编号", "承诺人", "岗位", "承诺内容", "公示日期", "兑现情况"]
            : ["No.", "Who", "Post", "Commitment", "Published", "Standing"]
    }

    private func cells(_ row: Row) -> [String] {
        ["#\(row.commitment)", row.who, row.post, row.text, row.publishedOn, row.standing]
    }

    /// What the board reports of publication: none missing, or how many, against which deadline.
    public var publicationLine: String {
        let zh = language == .zh
        let count = unpublished.count
        let by = deadline.map { zh ? "（应于 \($0) 前公示）" : " (due by \($0))" } ?? ""
        if count == 0 { return zh ? "承诺均已按期公示\(by)。" : "Every commitment was published in time\(by)." }
        return zh ? "未按期公示的承诺 \(count) 项\(by)：" : "\(count) commitments not published in time\(by):"
    }

    public func markdown() -> String {
        func line(_ cells: [String]) -> String {
            "| "
                + cells.map { $0.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
                .joined(separator: " | ") + " |"
        }
        var out = "# \(title)\n\n\(asOf)\n"
        for section in sections {
            out += "\n## \(section.name)\n\n" + line(columns) + "\n"
            out += line(columns.map { _ in "---" }) + "\n"
            for row in section.rows { out += line(cells(row)) + "\n" }
        }
        out += "\n## " + (language == .zh ? "公示检查" : "Publication") + "\n\n" + publicationLine + "\n"
        for row in unpublished { out += "\n- " + listed(row) }
        return out + (unpublished.isEmpty ? "" : "\n")
    }

    public func csv() -> String {
        let header = [language == .zh ? "单位" : "Unit"] + columns + [language == .zh ? "按期公示" : "Published in time"]
        let yes = language == .zh ? "是" : "yes"
        let no = language == .zh ? "否" : "no"
        return CSV.format(
            [header]
                + sections.flatMap { section in
                    section.rows.map { [section.name] + cells($0) + [$0.unpublished ? no : yes] }
                })
    }

    public func html() -> String {
        let e = EvaluationReport.escape
        let zh = language == .zh
        var out = "<!DOCTYPE html>\n<html lang=\"\(zh ? "zh-CN" : "en")\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<title>\(e(title))</title>\n<style>\n"
        out += """
            body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; margin: 16px; }
            h1 { text-align: center; } p.as-of { text-align: right; }
            table { width: 100%; border-collapse: collapse; margin-bottom: 18px; }
            th, td { border: 1px solid #444; padding: 3px 6px; vertical-align: top; }
            th { background: #eee; } tr.unpublished td:nth-child(5) { color: #b00; font-weight: bold; }
            @page { size: A4; margin: 14mm; } section.unit { break-inside: avoid-page; }

            """
        out +=
            "</style>\n</head>\n<body data-year=\"\(year)\">\n<h1>\(e(title))</h1>\n<p class=\"as-of\">\(e(asOf))</p>\n"
        for section in sections {
            out +=
                "<section class=\"unit\" data-unit=\"\(e(section.unit))\">\n<h2>\(e(section.name))</h2>\n<table>\n<thead><tr>"
            for column in columns { out += "<th>\(e(column))</th>" }
            out += "</tr></thead>\n<tbody>\n"
            for row in section.rows {
                out += "<tr data-commitment=\"\(row.commitment)\"\(row.unpublished ? " class=\"unpublished\"" : "")>"
                for cell in cells(row) { out += "<td>\(e(cell))</td>" }
                out += "</tr>\n"
            }
            out += "</tbody>\n</table>\n</section>\n"
        }
        out += "<section id=\"publication\">\n<p>\(e(publicationLine))</p>\n"
        if !unpublished.isEmpty {
            out += "<ul>\n"
            for row in unpublished {
                out +=
                    "<li data-commitment=\"\(row.commitment)\">\(e(listed(row)))</li>\n"
            }
            out += "</ul>\n"
        }
        out += "</section>\n</body>\n</html>\n"
        return out
    }
}
