public import CadenceCore
import Foundation

/// What a notice file and its index line say.
extension NoticeFileWriter {
    /// The notice as a Markdown file: subject, body, and a table of its facts in the configured
    /// language (a Chinese office reads 类型 | 逾期, not kind | overdue).
    func markdown(_ notice: Notice, file: String) -> String {
        let zh = language == .zh
        let words = NoticeText(language: language, zone: zone)
        func label(_ en: String, _ chinese: String) -> String { zh ? chinese : en }
        var rows: [(String, String)] = [(label("kind", "类型"), zh ? words.kindName(notice.kind) : notice.kind.rawValue)]
        if let cadence = notice.cadence { rows.append((label("cadence", "周期"), cadence)) }
        if !notice.periods.isEmpty { rows.append((label("period", "期次"), notice.periods.joined(separator: ", "))) }
        if let unit = notice.unit {
            let name = notice.unitName.map { zh ? "\($0)（\(unit)）" : "\($0) (\(unit))" } ?? unit
            rows.append((label("unit", "单位"), name))
        }
        if let item = notice.item { rows.append((label("item", "事项"), "#\(item)")) }
        if let title = notice.title { rows.append((label("title", "问题"), title)) }
        // An overdue notice is due at its deadline: a deadline typed as a date is shown as that date.
        let typed = notice.deadline == notice.dueAt ? notice.deadlineDate : nil
        rows.append((label("due", "到期"), typed ?? LocalTimeText.format(notice.dueAt, zone: zone)))
        if let date = notice.deadlineDate, typed == nil { rows.append((label("deadline", "整改时限"), date)) }
        if let days = notice.overdueDays { rows.append((label("overdue days", "逾期天数"), String(days))) }
        if let level = notice.level {
            rows.append((label("level", "升级"), zh ? words.levelName(level) : level.rawValue))
        }
        rows.append((label("late", "补发"), notice.late ? label("yes", "是") : label("no", "否")))
        rows.append((label("emitted", "发出时间"), LocalTimeText.format(notice.emittedAt, zone: zone)))
        rows.append((label("notice id", "通知编号"), notice.id))
        if notice.masked == true {
            let command = "`cadencectl notices --key \(notice.key)`"
            rows.append((label("names", "姓名"), label("masked; the whole text: ", "已隐去，原文见 ") + command))
        }
        let table = rows.map { "| \($0.0) | \(Self.cell($0.1)) |" }.joined(separator: "\n")
        let header = zh ? "| 项目 | 内容 |" : "| field | value |"
        return "# \(Self.line(notice.subject))\n\n\(notice.body)\n\n\(header)\n| --- | --- |\n\(table)\n"
    }

    /// The notice's line of `index.jsonl`: one JSON object, keys in order. Written by hand, not
    /// by JSONSerialization, whose sorted keys cost half of a month-end burst's time.
    func indexLine(_ notice: Notice, file: String) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        func key(_ name: String) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            JSONString.write(name, into: &out)
            out.append(UInt8(ascii: ":"))
        }
        func string(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            JSONString.write(value, into: &out)
        }
        func literal(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            out += Array(value.utf8)
        }
        string("cadence", notice.cadence)
        string("due", ISOTimestamp.utc(notice.dueAt))
        string("emitted", ISOTimestamp.utc(notice.emittedAt))
        string("file", file)
        string("id", notice.id)
        literal("item", notice.item.map { String($0) })
        string("key", notice.key)
        string("kind", notice.kind.rawValue)
        literal("late", notice.late ? "true" : "false")
        string("level", notice.level?.rawValue)
        literal("masked", notice.masked == true ? "true" : nil)
        literal("overdueDays", notice.overdueDays.map { String($0) })
        if !notice.periods.isEmpty {
            key("periods")
            out.append(UInt8(ascii: "["))
            for (index, period) in notice.periods.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.write(period, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        string("subject", notice.subject)
        string("unit", notice.unit)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// One line, so a name cannot start a new Markdown block.
    static func line(_ text: String) -> String {
        // Most lines have no break nor control character: returned as they are, not rebuilt.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0xC2 || $0 == 0xE2 }) else { return text }
        return String(text.map { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) ? " " : $0 })
    }

    static func cell(_ text: String) -> String {
        PlainText.replacing("|", with: "\\|", in: line(text))
    }
}
