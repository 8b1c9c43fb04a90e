import CadenceConfiguration
import CadenceControl
import CadenceCore
import Foundation

/// The code under fuzzing: one function per target, each taking any bytes at all and required to
/// return — no crash, no hang, no sanitizer report — and to keep a few invariants (checked with
/// `precondition`, so a violation is a crash the fuzzer reports).
///
/// This file is compiled twice: into this test target, where ``FuzzCorpusTests`` replays the
/// committed seed corpus (`Fuzz/Corpus/TARGET/`) on every `swift test`; and by `Fuzz/fuzz`, with
/// `swiftc -sanitize=fuzzer,address`, into one libFuzzer binary per target.
enum FuzzTargets {
    static let all: [(name: String, run: @Sendable (UnsafeRawBufferPointer) -> Void)] = [
        ("calendar", calendar), ("configuration", configuration), ("varlink", varlink), ("csv", csv), ("xlsx", xlsx),
    ]

    private static let zones = ["UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin"].compactMap(
        TimeZone.init(identifier:))
    /// 2026-01-01 00:00 UTC: a fixed base, so that a run never depends on today.
    private static let base = Date(timeIntervalSince1970: 1_767_225_600)

    /// A calendar expression (`OnCalendar=`, `cadencectl calendar`): parsed, normalized, and
    /// elapsed three times in four zones. Each elapse comes strictly after the previous one, and the
    /// normalized form parses again to itself.
    static func calendar(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        guard let expression = try? CalendarExpression(text, zones: .system) else { return }
        let normalized = expression.normalized
        _ = expression.warnings
        for zone in zones {
            var after = base
            for _ in 0..<3 {
                guard let next = expression.nextElapse(after: after, localZone: zone) else { break }
                precondition(next > after, "'\(text)': elapse \(next) is not after \(after)")
                after = next
            }
        }
        guard let again = try? CalendarExpression(normalized, zones: .system) else {
            preconditionFailure("'\(text)': its normalized form '\(normalized)' does not parse")
        }
        precondition(again.normalized == normalized, "'\(text)': '\(normalized)' normalizes to '\(again.normalized)'")
    }

    /// The same text as `cadenced.conf` (with itself as a drop-in), as a cadence file and as a
    /// holiday file, as the daemon reads them at startup and on SIGHUP; a holiday calendar that
    /// parses is then used to count working days.
    static func configuration(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        do {
            _ = try DaemonConfiguration.parse(
                main: IniSource(fileName: "fuzz.conf", text: text),
                dropIns: [IniSource(fileName: "cadenced.conf.d/fuzz.conf", text: text)])
        } catch {
            precondition(!error.errors.isEmpty, "a configuration error without a message")
        }
        _ = try? Cadence.parse(
            name: "fuzz", source: IniSource(fileName: "fuzz.cadence", text: text), reference: base, zone: zones[1],
            zones: .system)
        guard let holidays = try? HolidayCalendar.parse(name: "fuzz", source: IniSource(fileName: "fuzz", text: text))
        else { return }
        let calendar = WorkingDayCalendar(weekend: [.saturday, .sunday], calendars: [holidays])
        let today = LocalDate(dayNumber: 20_454)  // 2026-01-01
        for deadline in ["+1wd", "+10wd", "+250wd", "+3"] {
            if let day = LocalDay.parse(deadline, today: today, workingDays: calendar) {
                precondition(day.dayNumber > today.dayNumber, "\(deadline) from \(today) is \(day)")
            }
        }
    }

    /// A byte stream on the control socket: split into messages by the decoder (fed in chunks whose
    /// size the first byte chooses), each parsed as a call; a call's parameters written back by our
    /// JSON writer must read back equal.
    static func varlink(_ data: UnsafeRawBufferPointer) {
        guard let first = data.first else { return }
        let chunk = Int(first % 31) + 1
        var decoder = VarlinkFrameDecoder(maximumMessageSize: 4096)
        var offset = 1
        while offset < data.count {
            let end = min(offset + chunk, data.count)
            let messages: [[UInt8]]
            do {
                messages = try decoder.feed(data[offset..<end])
            } catch {
                return  // the connection would be closed here
            }
            precondition(decoder.pendingByteCount <= 4096)
            for message in messages {
                precondition(!message.contains(0) && message.count <= 4096)
                guard case .success(let call) = VarlinkCall.parse(message) else { continue }
                _ = (call.interface, call.member)
                let object: [String: Any] = ["method": call.method, "parameters": call.parameters]
                var written = (try? VarlinkFrameDecoder.encode(object)) ?? Data()
                precondition(written.last == 0, "an encoded reply does not end in NUL")
                written.removeLast()
                let reread = try? JSONSerialization.jsonObject(with: written) as? NSDictionary
                precondition(
                    reread?.isEqual(to: object) == true,
                    "JSONWriter round trip: \(String(decoding: written, as: UTF8.self).prefix(200))")
            }
            offset = end
        }
    }

    /// A spreadsheet file for `cadencectl import`: its encoding detected and decoded, read as CSV,
    /// checked as a table, each cell trimmed and tried as a deadline; the records written back by
    /// our CSV writer must read back the same.
    static func csv(_ data: UnsafeRawBufferPointer) {
        guard let (text, _) = try? SpreadsheetText.decode(Array(data)) else { return }
        guard let records = try? CSV.parse(text) else { return }
        let rewritten = CSV.format(records.map(\.fields), escapeFormulas: false)
        let reread = try? CSV.parse(rewritten)
        // The reader skips a leading U+FEFF (a byte order mark), so a first field starting with one
        // (found by this target: FE FF FE FF FE FF, UTF-16 with two more U+FEFF) loses it; exports
        // start with a header, never with U+FEFF.
        if records.first?.fields.first?.unicodeScalars.first != "\u{FEFF}" {
            precondition(
                reread?.map(\.fields) == records.map(\.fields),
                "CSV round trip: \(rewritten.prefix(200).debugDescription)")
        }
        guard let table = try? CSV.table(records) else { return }
        let today = LocalDate(dayNumber: 20_454)
        for row in table.rows {
            for cell in row.fields {
                let value = cell.trimmingCharacters(in: .whitespaces)
                _ = LocalDay.parse(value, today: today, workingDays: WorkingDayCalendar())
                _ = ISOTimestamp.parse(value)
            }
        }
    }

    /// An .xlsx workbook for `cadencectl import`: the zip container, the XML parts, the cells; a
    /// sheet that reads is turned into the import's CSV, which must parse, and written back as a
    /// workbook, which must read back cell for cell.
    static func xlsx(_ data: UnsafeRawBufferPointer) {
        guard let sheet = try? XLSX.read(Array(data)) else { return }
        let (text, rowOfLine) = XLSX.csv(sheet)
        let records = try? CSV.parse(text)
        precondition(
            records != nil && records!.count == rowOfLine.count, "xlsx → CSV: \(text.prefix(200).debugDescription)")
        let rows = sheet.rows.map(\.cells)
        guard let written = try? XLSX.write(sheet: "fuzz", rows: rows), let reread = try? XLSX.read(written) else {
            preconditionFailure("a sheet that reads cannot be written back")
        }
        // Writing drops characters XML 1.0 cannot carry; compare what it can.
        func carried(_ cell: String) -> String {
            String(
                String.UnicodeScalarView(
                    cell.unicodeScalars.filter {
                        ($0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r")
                            && !(0xFFFE...0xFFFF).contains($0.value)
                    }))
        }
        let expected = rows.map { row in
            var cells = row.map(carried)
            while cells.last == "" { cells.removeLast() }
            return cells
        }
        precondition(
            reread.rows.map(\.cells) == expected,
            "xlsx round trip: \(expected.prefix(3)) read back \(reread.rows.prefix(3))")
    }
}
