/// One record of a CSV file: its fields, and the physical line where it starts.
public struct CSVRecord: Hashable, Sendable {
    /// The 1-based physical line of the record's first byte. Line breaks inside quoted fields and skipped blank
    /// lines count, so this is the line a text editor shows.
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// A CSV text or table that cannot be read, with the line to look at.
///
/// The description reads `line 7: 5 fields, the header has 6`.
public struct CSVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based physical line; 0 when the error is about the file as a whole.
    public var line: Int
    /// What is wrong, without the line.
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { line > 0 ? "line \(line): \(reason)" : reason }
}

/// Every problem ``CSV/table(_:)`` found, in line order, so a dry run reports all bad rows at once.
public struct CSVTableError: Error, Hashable, Sendable, CustomStringConvertible {
    public var errors: [CSVError]

    public init(errors: [CSVError]) {
        self.errors = errors
    }

    /// One error per line of text.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// RFC 4180 CSV: reading into records with line numbers, checking a header table, and writing.
///
/// Reading scans UTF-8 bytes, so it is fast on large files. It accepts CRLF, LF and a lone CR as line ends,
/// quoted fields with `""` for a quote and with delimiters and line breaks inside. It is strict about quotes:
/// a quote inside an unquoted field, text after a closing quote, and a quoted field that is never closed are
/// errors, because a spreadsheet never writes them and guessing would shift columns silently.
public enum CSV {
    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// Reads CSV text into records.
    ///
    /// Fields are kept exactly as written (no trimming, no type conversion, a formula-protecting `'` is not
    /// removed). Completely empty lines are skipped but counted; a final line break does not start a record.
    /// A leading U+FEFF (byte order mark) is skipped. The number of fields per record is not checked here; see
    /// ``table(_:)``.
    ///
    /// - Parameter delimiter: an ASCII character other than `"`, CR and LF (`","`, `";"`, `"\t"`).
    /// - Throws: ``CSVError`` for a quote inside an unquoted field, text between a closing quote and the next
    ///   delimiter, or a quoted field that is never closed (reported at the line where it opens).
    public static func parse(_ text: String, delimiter: Unicode.Scalar = ",") throws(CSVError) -> [CSVRecord] {
        let separator = delimiterByte(delimiter)
        let contiguous = text.utf8.withContiguousStorageIfAvailable { bytes in
            Result { () throws(CSVError) in try parse(bytes: bytes, delimiter: separator) }
        }
        if let contiguous { return try contiguous.get() }
        return try Array(text.utf8).withUnsafeBufferPointer { bytes throws(CSVError) in
            try parse(bytes: bytes, delimiter: separator)
        }
    }

    private static func delimiterByte(_ delimiter: Unicode.Scalar) -> UInt8 {
        precondition(
            delimiter.isASCII && !"\"\r\n".unicodeScalars.contains(delimiter),
            "a CSV delimiter must be an ASCII character other than a quote, CR or LF")
        return UInt8(delimiter.value)
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) throws(CSVError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let end = bytes.count
        var line = 1
        var fieldsPerRecord = 8

        func string(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        /// Consumes the line break at `index` (CRLF counts once).
        func skipLineBreak() {
            if bytes[index] == carriageReturn && index + 1 < end && bytes[index + 1] == lineFeed { index += 1 }
            index += 1
            line += 1
        }

        while index < end {
            let first = bytes[index]
            if first == lineFeed || first == carriageReturn {
                skipLineBreak()
                continue
            }
            let recordLine = line
            var fields: [String] = []
            fields.reserveCapacity(fieldsPerRecord)
            fieldLoop: while true {
                if index < end && bytes[index] == quote {
                    let openingLine = line
                    index += 1
                    let start = index
                    var doubledQuotes = false
                    while true {
                        guard index < end else {
                            throw CSVError(
                                line: openingLine,
                                reason: "quoted field \(fields.count + 1) is never closed (a closing quote is missing)")
                        }
                        let byte = bytes[index]
                        if byte == quote {
                            if index + 1 < end && bytes[index + 1] == quote {
                                doubledQuotes = true
                                index += 2
                                continue
                            }
                            break
                        }
                        if byte == lineFeed || byte == carriageReturn {
                            skipLineBreak()
                        } else {
                            index += 1
                        }
                    }
                    let range = start..<index
                    index += 1
                    fields.append(doubledQuotes ? unescaped(bytes, range) : string(range))
                    if index < end {
                        let next = bytes[index]
                        if next != delimiter && next != lineFeed && next != carriageReturn {
                            throw CSVError(
                                line: line,
                                reason: "text after the closing quote of field \(fields.count) "
                                    + "(a quoted field must end at the delimiter or the end of the line)")
                        }
                    }
                } else {
                    let start = index
                    while index < end {
                        let byte = bytes[index]
                        if byte == delimiter || byte == lineFeed || byte == carriageReturn { break }
                        if byte == quote {
                            throw CSVError(
                                line: line,
                                reason: "a quote inside unquoted field \(fields.count + 1) (quote the whole field "
                                    + "and double each quote in it)")
                        }
                        index += 1
                    }
                    fields.append(string(start..<index))
                }
                // After a field: the end of the text, a delimiter, or a line break.
                if index >= end { break fieldLoop }
                if bytes[index] == delimiter {
                    index += 1
                    continue fieldLoop
                }
                skipLineBreak()
                break fieldLoop
            }
            fieldsPerRecord = fields.count
            records.append(CSVRecord(line: recordLine, fields: fields))
        }
        return records
    }

    /// The content of a quoted field with each `""` made one `"`.
    private static func unescaped(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { output in
            var written = 0
            var index = range.lowerBound
            while index < range.upperBound {
                output[written] = bytes[index]
                written += 1
                index += bytes[index] == quote ? 2 : 1
            }
            return written
        }
    }

    // MARK: - Tables

    /// Splits records into a header and data rows, checking the shape a table import needs.
    ///
    /// The header's fields are returned trimmed of surrounding whitespace (ideographic spaces included); the
    /// rows are returned unchanged. A header without data rows is valid.
    ///
    /// - Throws: ``CSVTableError`` listing every problem, in line order: an empty file (no records), an empty or
    ///   duplicate header name, and each row whose field count differs from the header's
    ///   (`line 7: 5 fields, the header has 6`).
    public static func table(_ records: [CSVRecord]) throws(CSVTableError) -> (header: [String], rows: [CSVRecord]) {
        guard let first = records.first else {
            throw CSVTableError(errors: [CSVError(line: 0, reason: "the file is empty (a header line is needed)")])
        }
        var errors: [CSVError] = []
        let header = first.fields.map(trimmed)
        var columns: [String: Int] = [:]
        for (offset, name) in header.enumerated() {
            if name.isEmpty {
                errors.append(CSVError(line: first.line, reason: "header column \(offset + 1) has no name"))
            } else if let earlier = columns[name] {
                errors.append(
                    CSVError(
                        line: first.line,
                        reason: "header '\(name)' appears twice (columns \(earlier + 1) and \(offset + 1))"))
            } else {
                columns[name] = offset
            }
        }
        let rows = records.dropFirst()
        for row in rows where row.fields.count != header.count {
            let fields = row.fields.count == 1 ? "1 field" : "\(row.fields.count) fields"
            errors.append(CSVError(line: row.line, reason: "\(fields), the header has \(header.count)"))
        }
        if !errors.isEmpty { throw CSVTableError(errors: errors) }
        return (header, Array(rows))
    }

    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    // MARK: - Writing

    /// Writes rows as CSV text, every row followed by `lineEnding` (CRLF by default, as RFC 4180 and Excel).
    ///
    /// A field is quoted only when it must be: it contains the delimiter, a quote, CR or LF, or begins or ends
    /// with a space or tab (which readers may trim). A row of one empty field is written as `""` so that it is
    /// not read back as a skipped blank line; a row of no fields is an empty line, which a reader skips.
    ///
    /// - Parameters:
    ///   - delimiter: an ASCII character other than `"`, CR and LF.
    ///   - escapeFormulas: protection against CSV formula injection. Spreadsheet programs run a cell that starts
    ///     with `=`, `+`, `-` or `@` (and some with TAB or CR first) as a formula, which can leak data or start
    ///     programs when an exported ledger is opened. When true (the default) such a field is written with a
    ///     single quote `'` before it, which shows the text as text. A plain number such as `-5` or `+3.25` is
    ///     left alone, since it cannot be a formula. The `'` is part of the field: ``parse(_:delimiter:)`` does
    ///     not remove it, so pass false when the output is meant for a program rather than a person.
    public static func format(
        _ rows: [[String]], delimiter: Unicode.Scalar = ",", lineEnding: String = "\r\n", escapeFormulas: Bool = true
    ) -> String {
        let separator = delimiterByte(delimiter)
        var output: [UInt8] = []
        output.reserveCapacity(rows.reduce(0) { total, row in row.reduce(total + 4) { $0 + $1.utf8.count + 3 } })
        for row in rows {
            if row.count == 1 && row[0].isEmpty {
                output.append(contentsOf: [quote, quote])
            } else {
                for (column, field) in row.enumerated() {
                    if column > 0 { output.append(separator) }
                    append(field, to: &output, delimiter: separator, escapeFormulas: escapeFormulas)
                }
            }
            output.append(contentsOf: lineEnding.utf8)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func append(_ field: String, to output: inout [UInt8], delimiter: UInt8, escapeFormulas: Bool) {
        var field = field
        field.withUTF8 { bytes in
            let guarded = escapeFormulas && startsLikeFormula(bytes)
            var needsQuotes = false
            if let first = bytes.first, let last = bytes.last {
                let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                needsQuotes = (!guarded && blank(first)) || blank(last)
                if !needsQuotes {
                    needsQuotes = bytes.contains { byte in
                        byte == delimiter || byte == quote || byte == lineFeed || byte == carriageReturn
                    }
                }
            }
            if needsQuotes { output.append(quote) }
            if guarded { output.append(UInt8(ascii: "'")) }
            guard needsQuotes else {
                output.append(contentsOf: bytes)
                return
            }
            // Copy up to and including each quote, then double it.
            var start = 0
            while let position = bytes[start...].firstIndex(of: quote) {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...position]))
                output.append(quote)
                start = position + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            output.append(quote)
        }
    }

    /// True when a spreadsheet could take the field for a formula: it starts with `=`, `+`, `-`, `@`, TAB or CR
    /// and is not a plain decimal number.
    private static func startsLikeFormula(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first, "=+-@\t\r".utf8.contains(first) else { return false }
        guard first == UInt8(ascii: "+") || first == UInt8(ascii: "-") else { return true }
        // [+-] digits [. digits], or [+-] . digits
        var digits = 0
        var points = 0
        for byte in utf8.dropFirst() {
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                digits += 1
            } else if byte == UInt8(ascii: ".") && points == 0 {
                points += 1
            } else {
                return true
            }
        }
        return digits == 0
    }
}
